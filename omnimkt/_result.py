"""The one result type of omnimkt, and the estimator base every model family shares.

Every analysis returns a :class:`Result`: a ``title``, a ``summary`` DataFrame, a
one-line ``settings`` description and plain-language ``notes``. Display (``repr``,
Jupyter HTML, Markdown) and number formatting are written here once, so a result
looks the same in a notebook, in a Markdown export and in the report.

Every model is an :class:`Estimator`: a scikit-learn ``BaseEstimator`` whose
``__init__`` only stores settings, whose ``fit`` checks them (``_check_settings``)
and returns ``self``, and whose use before fitting raises
:class:`omnimkt.errors.NotFittedError` (also scikit-learn's ``NotFittedError``).
A fitted estimator displays like a result.
"""

from __future__ import annotations

import html
import math
from numbers import Integral, Real
from typing import Any

import pandas as pd
from sklearn.base import BaseEstimator

from omnimkt.errors import NotFittedError

__all__ = ["Estimator", "Result", "format_number"]

_MISSING = "–"


def format_number(value: Any) -> str:
    """One number format for every table omnimkt prints.

    Whole numbers get thousands separators; other numbers keep four significant
    digits without scientific notation for everyday sizes; missing values print
    as a dash, never as ``NaN``.

    Examples
    --------
    >>> [format_number(v) for v in (1234567, 0.123456, 12.3456, 98765.4321, float("nan"))]
    ['1,234,567', '0.1235', '12.35', '98,765', '–']
    """
    if value is None or value is pd.NaT:
        return _MISSING
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Integral):
        return f"{int(value):,}"
    if isinstance(value, Real):
        v = float(value)
        if math.isnan(v):
            return _MISSING
        if math.isinf(v):
            return "∞" if v > 0 else "-∞"
        if v == round(v) and abs(v) < 1e15:
            return f"{v:,.0f}"
        if abs(v) >= 1000:
            return f"{v:,.0f}"
        if abs(v) >= 1e-4:
            return f"{v:.4g}"
        return f"{v:.2e}"
    return str(value)


def _formatted(table: pd.DataFrame) -> pd.DataFrame:
    """The table with every cell as display text (so repr, HTML and Markdown agree)."""
    out = table.copy()
    for col in out.columns:
        out[col] = [format_number(v) if _is_number(v) else _text(v) for v in out[col]]
    return out


def _is_number(v: Any) -> bool:
    return v is None or v is pd.NaT or (isinstance(v, Real) and not isinstance(v, bool))


def _text(v: Any) -> str:
    if isinstance(v, pd.Timestamp):
        return f"{v:%Y-%m-%d}" if v == v.normalize() else f"{v:%Y-%m-%d %H:%M}"
    return str(v)


def _show_index(table: pd.DataFrame) -> bool:
    return not (isinstance(table.index, pd.RangeIndex) and table.index.name is None)


class Result:
    """Base of every result: ``title``, ``summary``, ``settings`` and ``notes``.

    Subclasses provide ``summary`` (a DataFrame, attribute or property) and may
    override ``title`` and ``_settings()``; ``notes`` is a list of plain-language
    sentences shown under the table.

    Examples
    --------
    >>> import pandas as pd
    >>> class Demo(Result):
    ...     title = "Demo"
    ...     def __init__(self):
    ...         self.summary = pd.DataFrame({"customers": [1200], "share": [0.256]})
    ...         self.notes = ["One note."]
    >>> print(Demo())
    Demo
    customers share
        1,200 0.256
    One note.
    """

    title: str = "Result"
    summary: pd.DataFrame
    notes: list[str]

    def _settings(self) -> str:
        """One line describing the settings that produced the result ('' for none)."""
        return ""

    def _notes(self) -> list[str]:
        return list(getattr(self, "notes", None) or [])

    def _heading(self) -> str:
        settings = self._settings()
        return f"{self.title} ({settings})" if settings else self.title

    def __repr__(self) -> str:
        table = _formatted(self.summary)
        with pd.option_context("display.width", 120, "display.max_columns", 30,
                               "display.max_colwidth", 60):
            body = table.to_string(index=_show_index(table))
        return "\n".join([self._heading(), body, *self._notes()])

    def _repr_html_(self) -> str:
        settings = self._settings()
        small = f" <small>{html.escape(settings)}</small>" if settings else ""
        table = _formatted(self.summary).to_html(index=_show_index(self.summary),
                                                 escape=True, border=0)
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self._notes())
        return (f'<div class="omnimkt-result"><h4>{html.escape(self.title)}{small}</h4>'
                f"{table}" + (f"<ul>{notes}</ul>" if notes else "") + "</div>")

    def to_markdown(self) -> str:
        """The result as Markdown: a bold heading, the summary table and the notes."""
        table = _formatted(self.summary).to_markdown(index=_show_index(self.summary),
                                                    disable_numparse=True)
        notes = "".join(f"\n- {n}" for n in self._notes())
        return f"**{self._heading()}**\n\n{table}\n" + notes


class Estimator(Result, BaseEstimator):
    """Base of every omnimkt model: scikit-learn's estimator contract plus result display.

    Subclasses store settings in ``__init__`` (no logic), check them in
    ``_check_settings`` (called by ``fit`` through :meth:`_start_fit`), and set
    learned attributes ending in ``_``.
    """

    def _check_settings(self) -> None:
        """Raise :class:`omnimkt.ModelError` for a bad setting (overridden by models)."""

    def _start_fit(self) -> None:
        """Check the settings and forget a previous fit; call first in ``fit``."""
        self._check_settings()
        for key in [k for k in vars(self) if k.endswith("_") and not k.startswith("_")]:
            delattr(self, key)

    def __sklearn_is_fitted__(self) -> bool:
        return any(k.endswith("_") and not k.startswith("_") for k in vars(self))

    def _check_fitted(self) -> None:
        if not self.__sklearn_is_fitted__():
            raise NotFittedError(
                f"{type(self).__name__} is not fitted yet; call .fit(...) first.")

    @property
    def title(self) -> str:  # type: ignore[override]
        return type(self).__name__

    def __repr__(self) -> str:
        if not self.__sklearn_is_fitted__():
            return BaseEstimator.__repr__(self) + " (not fitted)"
        return Result.__repr__(self)

    def _repr_html_(self) -> str:
        if not self.__sklearn_is_fitted__():
            return f"<p>{html.escape(repr(self))}</p>"
        return Result._repr_html_(self)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        # Jupyter prefers this over _repr_html_: show the fit, not scikit-learn's diagram.
        return {"text/plain": repr(self), "text/html": self._repr_html_()}

    def to_markdown(self) -> str:
        """The fitted model as Markdown (heading, summary table, notes)."""
        self._check_fitted()
        return Result.to_markdown(self)
