"""Result objects shared by every attribution model: one shape, whatever the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


def _markdown(df: pd.DataFrame, floatfmt: str = ".3f") -> str:
    try:
        return df.to_markdown(floatfmt=floatfmt)
    except ImportError:  # tabulate missing: plain text is still readable
        return df.to_string()


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


@dataclass
class AttributionResult:
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

    Examples
    --------
    >>> from omnimkt.attribution import read_paths, last_touch
    >>> import pandas as pd
    >>> p = read_paths(pd.DataFrame({"path": ["a > b", "b"], "total_conversions": [1, 1],
    ...                              "total_conversion_value": [10.0, 5.0], "total_null": [0, 2]}))
    >>> last_touch(p).conversions.to_dict()
    {'a': 0.0, 'b': 2.0}
    """

    model: str
    conversions: pd.Series
    value: pd.Series
    total_conversions: float
    total_value: float
    params: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def channels(self) -> list[str]:
        """Channel names, in the order of the summary."""
        return list(self.conversions.index)

    @property
    def summary(self) -> pd.DataFrame:
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

    def _title(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return (f"AttributionResult(model={self.model!r}{', ' + opts if opts else ''}): "
                f"{self.total_conversions:,.2f} conversions, value {self.total_value:,.2f}")

    def __repr__(self) -> str:
        lines = [self._title(), self.summary.round(4).to_string()]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        notes = "".join(f"<p><em>{n}</em></p>" for n in self.notes)
        return f"<p><strong>{self._title()}</strong></p>" + self.summary.round(4).to_html() + notes

    def to_markdown(self) -> str:
        """The summary as a Markdown table with a title line."""
        notes = "".join(f"\n\n*{n}*" for n in self.notes)
        return f"**{self._title()}**\n\n" + _markdown(self.summary) + notes


@dataclass
class ModelComparison:
    """Attributed conversions and value per channel across several models.

    Attributes
    ----------
    results : dict of str -> AttributionResult
    conversions : DataFrame  (channel x model)
    value : DataFrame        (channel x model)
    """

    results: dict[str, AttributionResult]

    @property
    def conversions(self) -> pd.DataFrame:
        """Attributed conversions, one column per model."""
        return pd.DataFrame({m: r.conversions for m, r in self.results.items()}).fillna(0.0)

    @property
    def value(self) -> pd.DataFrame:
        """Attributed value, one column per model."""
        return pd.DataFrame({m: r.value for m, r in self.results.items()}).fillna(0.0)

    @property
    def summary(self) -> pd.DataFrame:
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

    def __repr__(self) -> str:
        return "ModelComparison (conversion shares)\n" + self.summary.round(3).to_string()

    def _repr_html_(self) -> str:
        return "<p><strong>Conversion share by model</strong></p>" + self.summary.round(3).to_html()

    def to_markdown(self) -> str:
        """Conversion shares per channel and model as Markdown."""
        return "**Conversion share by model**\n\n" + _markdown(self.summary)
