"""How well attribution credit ranks channels against a known (or measured) truth.

A simulated world knows each channel's true effect; a hold-out test measures the
incremental conversions of a few channels. Rank agreement (Spearman) asks whether a
model puts the channels in the right order, which is what a budget decision needs.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from omnimkt.attribution.compare import credit_per_touch
from omnimkt.attribution.heuristics import _check_paths
from omnimkt.attribution.paths import Paths
from omnimkt.attribution.result import AttributionResult, ModelComparison, spearman
from omnimkt.errors import DataError, ModelError, examples


def _credit_table(credit: ModelComparison | AttributionResult | pd.DataFrame) -> pd.DataFrame:
    if isinstance(credit, ModelComparison):
        return credit.conversions
    if isinstance(credit, AttributionResult):
        return credit.conversions.to_frame(credit.model)
    if isinstance(credit, pd.DataFrame):
        return credit
    raise ModelError("credit: must be a ModelComparison, an AttributionResult or a DataFrame "
                     f"(channel x model), got {type(credit).__name__}.")


def rank_agreement(
    credit: ModelComparison | AttributionResult | pd.DataFrame,
    truth: pd.Series | pd.DataFrame | Mapping[str, pd.Series],
) -> pd.DataFrame:
    """Spearman rank correlation of each model's channel credit with one or more truths.

    Parameters
    ----------
    credit : ModelComparison, AttributionResult or DataFrame
        Attributed conversions per channel (a comparison or result), or any table with
        channels as rows and models as columns (credit per touch, CPA ...).
    truth : Series, DataFrame or mapping of label -> Series
        A per-channel truth (index = channel); several truths give several columns.
        Only channels present in both are ranked.

    Returns
    -------
    DataFrame
        One row per model (the columns of ``credit``), one column per truth (named
        after the Series, ``"spearman"`` if unnamed). NaN where a ranking is constant
        or fewer than two channels are shared.

    Examples
    --------
    >>> import pandas as pd
    >>> credit = pd.DataFrame({"first": [3.0, 2.0, 1.0], "last": [1.0, 3.0, 2.0]},
    ...                       index=["a", "b", "c"])
    >>> rank_agreement(credit, pd.Series({"a": 30, "b": 20, "c": 10}, name="lift"))
           lift
    first   1.0
    last   -0.5
    """
    table = _credit_table(credit)
    if isinstance(truth, pd.Series):
        truth = truth.to_frame(truth.name if truth.name is not None else "spearman")
    elif isinstance(truth, Mapping):
        truth = pd.DataFrame(dict(truth))
    if not isinstance(truth, pd.DataFrame):
        raise ModelError("truth: must be a Series, a DataFrame or a dict of Series indexed by "
                         f"channel, got {type(truth).__name__}.")
    shared = table.index.intersection(truth.index)
    if len(shared) == 0:
        raise DataError(f"rank_agreement: the truth shares no channel with the credit table "
                        f"(credit channels e.g. {examples(table.index)}; truth channels e.g. "
                        f"{examples(truth.index)}). Index both by channel name.")
    return pd.DataFrame({label: table.apply(lambda col, t=t: spearman(col, t))
                         for label, t in truth.items()})


def truth_agreement(comparison: ModelComparison, paths: Paths,
                    truth: pd.DataFrame) -> pd.DataFrame:
    """The two fair checks of attribution models against a simulated world's truth.

    * ``per touch vs true_effect``: credit per touch (:func:`credit_per_touch`) ranked
      against each channel's per-touch lift (is one touch valued right?);
    * ``total vs incremental``: total credit ranked against the conversions lost
      without the channel (is the channel's total valued right?).

    Parameters
    ----------
    comparison : ModelComparison
        From :func:`compare_models`.
    paths : Paths
        The paths the models ran on (for the touch counts).
    truth : DataFrame indexed by channel
        With ``true_effect`` and/or ``incremental_conversions``, as
        ``world.truth.channels`` of a synthetic world; a column that is missing is
        skipped.

    Returns
    -------
    DataFrame
        Spearman correlation per model (rows) and check (columns).

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.attribution import compare_models, read_paths
    >>> p = read_paths(pd.DataFrame({"path": ["a > b", "a > c", "b", "c > c"],
    ...                              "total_conversions": [1, 1, 1, 1]}))
    >>> truth = pd.DataFrame({"true_effect": [0.3, 0.2, 0.1],
    ...                       "incremental_conversions": [2.0, 1.0, 0.5]}, index=["a", "b", "c"])
    >>> truth_agreement(compare_models(p, ["first_touch", "last_touch"]), p, truth).round(2)
                 per touch vs true_effect  total vs incremental
    first_touch                       1.0                  0.87
    last_touch                       -0.5                 -0.87
    """
    if not isinstance(comparison, ModelComparison):
        raise ModelError(f"comparison: expected a ModelComparison (compare_models), got "
                         f"{type(comparison).__name__}.")
    _check_paths(paths)
    if not isinstance(truth, pd.DataFrame):
        raise ModelError(f"truth: expected a DataFrame indexed by channel (e.g. "
                         f"world.truth.channels), got {type(truth).__name__}.")
    checks: dict[str, pd.Series] = {}
    if "true_effect" in truth.columns:
        checks["per touch vs true_effect"] = rank_agreement(
            credit_per_touch(comparison, paths), truth["true_effect"]).iloc[:, 0]
    if "incremental_conversions" in truth.columns:
        checks["total vs incremental"] = rank_agreement(
            comparison, truth["incremental_conversions"]).iloc[:, 0]
    if not checks:
        raise DataError("truth_agreement: the truth table has neither 'true_effect' nor "
                        f"'incremental_conversions' (columns: {list(truth.columns)[:8]}); "
                        "pass world.truth.channels or a table with those columns.")
    return pd.DataFrame(checks)
