"""Result objects shared by every attribution model: one shape, whatever the model."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omnimkt._result import Result, format_number


def spearman(a: pd.Series, b: pd.Series) -> float:
    """Spearman rank correlation over the common index; NaN (no warning) if either is constant.

    >>> spearman(pd.Series([1, 2, 3]), pd.Series([10, 30, 20]))
    0.5
    """
    df = pd.concat([a, b], axis=1, join="inner").dropna()
    if len(df) < 2:
        return float("nan")
    r = df.rank()
    x, y = r.iloc[:, 0].to_numpy(), r.iloc[:, 1].to_numpy()
    if x.std() == 0 or y.std() == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def settings_text(params: dict[str, Any]) -> str:
    """``k=v`` pairs of a settings dict on one line (the heading of a result)."""
    return ", ".join(f"{k}={v!r}" for k, v in params.items())


class AttributionResult(Result):
    """Credit and value per channel from one attribution model.

    Every model returns this shape, so results compare column by column.
    ``conversions`` sums to ``total_conversions`` and ``value`` to
    ``total_value`` (up to floating point), whatever the model.

    Attributes
    ----------
    model : str
        Model name, e.g. ``"markov"`` or ``"last_touch"``.
    conversions : Series
        Attributed conversions per channel (index ``channel``).
    value : Series
        Attributed conversion value per channel (same index).
    total_conversions, total_value : float
        What was attributed (converting journeys with at least one touch).
    params : dict
        The model settings used.
    details : dict
        Model-specific extras, e.g. ``removal_effects`` and
        ``transition_matrix`` for Markov, ``shapley_values`` for Shapley.
    notes : list of str
        Plain-language notes about documented edge cases (no conversions, ...).
    summary : DataFrame
        Per channel: conversions, conversion_share, value, value_share (+ model extras).

    Examples
    --------
    >>> from omnimkt.attribution import read_paths, last_touch
    >>> import pandas as pd
    >>> p = read_paths(pd.DataFrame({"path": ["a > b", "b"], "total_conversions": [1, 1],
    ...                              "total_conversion_value": [10.0, 5.0], "total_null": [0, 2]}))
    >>> last_touch(p).conversions.to_dict()
    {'a': 0.0, 'b': 2.0}
    """

    def __init__(self, model: str, conversions: pd.Series, value: pd.Series,
                 total_conversions: float, total_value: float,
                 params: dict[str, Any] | None = None, details: dict[str, Any] | None = None,
                 notes: list[str] | None = None) -> None:
        self.model = model
        self.conversions = conversions
        self.value = value
        self.total_conversions = total_conversions
        self.total_value = total_value
        self.params = dict(params or {})
        self.details = dict(details or {})
        self.notes = list(notes or [])

    @property
    def title(self) -> str:  # type: ignore[override]
        return f"Attribution: {self.model}"

    def _settings(self) -> str:
        return settings_text(self.params)

    def _notes(self) -> list[str]:
        total = (f"Attributed {format_number(self.total_conversions)} conversions worth "
                 f"{format_number(self.total_value)} in total.")
        return [total, *self.notes]

    @property
    def channels(self) -> list[str]:
        """Channel names, in the order of the summary."""
        return list(self.conversions.index)

    @property
    def summary(self) -> pd.DataFrame:  # type: ignore[override]
        """Per channel: conversions, conversion_share, value, value_share (+ model extras)."""
        tc = self.total_conversions
        tv = self.total_value
        df = pd.DataFrame(
            {
                "conversions": self.conversions.astype(float),
                "conversion_share": self.conversions / tc if tc > 0 else 0.0 * self.conversions,
                "value": self.value.astype(float),
                "value_share": self.value / tv if tv > 0 else 0.0 * self.value,
            }
        )
        for name in ("removal_effect", "value_removal_effect", "shapley_value"):
            extra = self.details.get(name)
            if isinstance(extra, pd.Series):
                df[name] = extra.reindex(df.index)
        df.index.name = "channel"
        return df


class ModelComparison(Result):
    """Attributed conversions and value per channel across several models.

    Attributes
    ----------
    results : dict of str -> AttributionResult
    conversions : DataFrame  (channel x model)
    value : DataFrame        (channel x model)
    summary : DataFrame
        Share of conversions per channel (rows) and model (columns).

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.attribution import compare_models, read_paths
    >>> p = read_paths(pd.DataFrame({"path": ["a > b"], "total_conversions": [2]}))
    >>> compare_models(p, ["first_touch", "linear"]).summary.to_dict("list")
    {'first_touch': [1.0, 0.0], 'linear': [0.5, 0.5]}
    """

    title = "Conversion share by model"

    def __init__(self, results: dict[str, AttributionResult]) -> None:
        self.results = results
        self.notes: list[str] = []

    def _settings(self) -> str:
        return ", ".join(self.results)

    @property
    def conversions(self) -> pd.DataFrame:
        """Attributed conversions, one column per model."""
        return pd.DataFrame({m: r.conversions for m, r in self.results.items()}).fillna(0.0)

    @property
    def value(self) -> pd.DataFrame:
        """Attributed value, one column per model."""
        return pd.DataFrame({m: r.value for m, r in self.results.items()}).fillna(0.0)

    @property
    def summary(self) -> pd.DataFrame:  # type: ignore[override]
        """Share of conversions per channel (rows) and model (columns); columns sum to 1."""
        conv = self.conversions
        tot = conv.sum(axis=0).replace(0.0, np.nan)
        out = (conv / tot).fillna(0.0)
        out.index.name = "channel"
        return out

    def rank_correlation(self, truth: pd.Series) -> pd.Series:
        """Spearman rank correlation of each model's credit with a per-channel truth."""
        conv = self.conversions
        return conv.apply(lambda col: spearman(col, truth)).rename("spearman")
