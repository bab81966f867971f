"""One entry point for every attribution model and a side-by-side comparison."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

# Submodules by full name: ``from omnimkt.attribution import heuristics`` would go
# through the package __init__, which imports this module (a circular import).
import omnimkt.attribution.heuristics as heuristics
from omnimkt._gate import check_choice
from omnimkt.attribution.heuristics import _check_paths
from omnimkt.attribution.markov import markov
from omnimkt.attribution.paths import Paths
from omnimkt.attribution.result import AttributionResult, ModelComparison
from omnimkt.attribution.shapley import shapley
from omnimkt.errors import ModelError

MODELS = {
    "first_touch": heuristics.first_touch,
    "last_touch": heuristics.last_touch,
    "last_non_direct": heuristics.last_non_direct,
    "linear": heuristics.linear,
    "time_decay": heuristics.time_decay,
    "position_based": heuristics.position_based,
    "markov": markov,
    "shapley": shapley,
}

#: Models compared by default (time decay only when the paths carry touch times).
DEFAULT_MODELS = ("first_touch", "last_touch", "last_non_direct", "linear", "time_decay",
                  "position_based", "markov", "shapley")


def attribute(paths: Paths, model: str = "markov", **options: Any) -> AttributionResult:
    """Run one attribution model by name.

    Parameters
    ----------
    model : str
        One of ``first_touch``, ``last_touch``, ``last_non_direct``, ``linear``,
        ``time_decay``, ``position_based``, ``markov``, ``shapley``.
    **options
        Passed to the model (e.g. ``order=2`` for Markov, ``half_life_days=3``).

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.attribution import read_paths
    >>> p = read_paths(pd.DataFrame({"path": ["a > b"], "total_conversions": [2]}))
    >>> attribute(p, "linear").conversions.to_dict()
    {'a': 1.0, 'b': 1.0}
    """
    check_choice(model, "model", tuple(MODELS))
    return MODELS[model](paths, **options)


def compare_models(
    paths: Paths,
    models: Iterable[str] | None = None,
    *,
    options: dict[str, dict[str, Any]] | None = None,
) -> ModelComparison:
    """Run several models on the same paths and line up their credits.

    Parameters
    ----------
    models : iterable of str, optional
        Model names (default: all; ``time_decay`` is skipped for paths without touch times).
    options : dict, optional
        Per-model options, e.g. ``{"markov": {"order": 2}}``.

    Returns
    -------
    ModelComparison
        ``summary`` (conversion shares, channel x model), ``conversions``, ``value``,
        ``results`` and ``rank_correlation(truth)``.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.attribution import read_paths
    >>> p = read_paths(pd.DataFrame({"path": ["a > b", "b"], "total_conversions": [1, 1],
    ...                              "total_null": [0, 1]}))
    >>> compare_models(p, ["first_touch", "last_touch"]).conversions.to_dict("list")
    {'first_touch': [1.0, 1.0], 'last_touch': [0.0, 2.0]}
    """
    _check_paths(paths)
    if models is None:
        models = [m for m in DEFAULT_MODELS
                  if not (m == "time_decay" and paths.days_before is None)]
    elif isinstance(models, str):
        models = [models]
    models = [check_choice(m, "models", tuple(MODELS)) for m in models]
    options = options or {}
    if not isinstance(options, dict):
        raise ModelError(f"options: expected a dict such as {{'markov': {{'order': 2}}}}, got "
                         f"{type(options).__name__}.")
    stray = [m for m in options if m not in MODELS]
    if stray:
        raise ModelError(f"options: given for unknown model(s) {stray}; models are "
                         f"{list(MODELS)}.")
    results = {m: attribute(paths, m, **options.get(m, {})) for m in models}
    return ModelComparison(results)


def credit_per_touch(results: AttributionResult | ModelComparison, paths: Paths) -> pd.DataFrame:
    """Attributed conversions per touch of each channel (efficiency, not volume).

    A model's credit mixes how often a channel is used with how well each touch
    works; dividing by the channel's touches isolates the second, which is what a
    per-touch lift (and the next yuan of budget) is about.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.attribution import read_paths, last_touch
    >>> p = read_paths(pd.DataFrame({"path": ["a > a > b"], "total_conversions": [2]}))
    >>> credit_per_touch(last_touch(p), p)["last_touch"].to_dict()
    {'a': 0.0, 'b': 2.0}
    """
    if not isinstance(results, AttributionResult | ModelComparison):
        raise ModelError(f"results: expected an AttributionResult or a ModelComparison, got "
                         f"{type(results).__name__}.")
    _check_paths(paths)
    conv = (results.conversions.to_frame(results.model)
            if isinstance(results, AttributionResult) else results.conversions)
    touches = paths.summary["touches"].reindex(conv.index)
    out = conv.div(touches.where(touches > 0), axis=0)
    out.index.name = "channel"
    return out
