"""Inputs and tables every explorer shares: percent boxes, wide labels, formatted tables.

* :func:`parse_percent` reads ``15``, ``15%``, ``15 ％`` and ``0.15`` as the same
  share (0.15), the rule of ``CONTRIBUTING.md``; ``1`` alone is ambiguous (1 % or
  100 %?) and is refused with the two spellings that decide it.
* :class:`PercentInput` is a text box using it; its ``fraction`` trait holds the share.
* :data:`LABEL_STYLE` keeps a control's description at full width (never cut off).
* :func:`display_table` shows a table with every number formatted by
  :func:`omnimkt._result.format_number` (no ``NaN``, no raw floats).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import ipywidgets as w
import pandas as pd
import traitlets

from omnimkt._result import format_number
from omnimkt.errors import ModelError

__all__ = ["LABEL_STYLE", "PercentInput", "display_table", "format_table", "parse_percent"]

#: Style for every control: the description keeps its full width.
LABEL_STYLE: dict[str, str] = {"description_width": "initial"}

_PERCENT = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*([%％])?\s*$")


def parse_percent(text: Any, name: str = "value", *, low: float = 0.0,
                  high: float = 1.0) -> float:
    """A share (0.15) from ``15``, ``"15%"``, ``"15 ％"``, ``"0.15"`` or ``0.15``.

    A number above 1 without a sign is read as percent; a number from 0 to 1 as a
    fraction; ``1`` alone is ambiguous and refused. The share must lie in
    ``[low, high]``.

    Examples
    --------
    >>> [parse_percent(v) for v in (15, "15%", "15 ％", "0.15", 0.15)]
    [0.15, 0.15, 0.15, 0.15, 0.15]
    >>> parse_percent("1")
    Traceback (most recent call last):
    ...
    omnimkt.errors.ModelError: value: '1' could mean 1% or 100%; type 1% or 100%.
    >>> parse_percent("abc", "margin")
    Traceback (most recent call last):
    ...
    omnimkt.errors.ModelError: margin: 'abc' is not a percentage; type e.g. 15, 15% or 0.15.
    """
    if isinstance(text, bool):
        raise ModelError(f"{name}: {text!r} is not a percentage; type e.g. 15, 15% or 0.15.")
    if isinstance(text, int | float):
        number, explicit = float(text), False
        shown = repr(text)
    else:
        m = _PERCENT.match(str(text))
        if not m:
            raise ModelError(f"{name}: {str(text)!r} is not a percentage; type e.g. 15, 15% "
                             "or 0.15.")
        number, explicit = float(m.group(1)), m.group(2) is not None
        shown = repr(str(text).strip())
    if not math.isfinite(number):
        raise ModelError(f"{name}: {shown} is not a percentage; type e.g. 15, 15% or 0.15.")
    if not explicit and number == 1:
        raise ModelError(f"{name}: {shown} could mean 1% or 100%; type 1% or 100%.")
    share = number / 100 if explicit or abs(number) > 1 else number
    share = round(share, 12)  # 15 / 100 is 0.15, not 0.15000000000000002
    if not low <= share <= high:
        raise ModelError(f"{name}: {shown} is {share:.4g} as a share; allowed from "
                         f"{low:.0%} to {high:.0%}.")
    return share


def _as_text(share: float) -> str:
    return f"{share * 100:.4g}%"


class PercentInput(w.Text):
    """A text box for a share: type 15, 15% or 0.15; ``fraction`` holds 0.15.

    A value that cannot be read keeps the last good ``fraction`` and shows the
    reason in :attr:`message` (an ``HTML`` widget to place under the box).

    Examples
    --------
    >>> box = PercentInput(0.2, description="success rate")
    >>> box.value = "15%"
    >>> box.fraction
    0.15
    >>> box.value = "150"
    >>> box.fraction, "allowed from 0% to 100%" in box.message.value
    (0.15, True)
    """

    fraction = traitlets.Float(0.0)

    def __init__(self, fraction: float = 0.0, *, description: str = "", low: float = 0.0,
                 high: float = 1.0, **kwargs: Any) -> None:
        kwargs.setdefault("style", LABEL_STYLE)
        kwargs.setdefault("continuous_update", False)
        share = parse_percent(fraction, description or "value", low=low, high=high)
        super().__init__(value=_as_text(share), description=description, **kwargs)
        self.fraction = share
        self._low, self._high = low, high
        self.message = w.HTML()
        self.observe(self._read, names="value")

    def _read(self, change: dict[str, Any]) -> None:
        try:
            share = parse_percent(change["new"], self.description or "value",
                                  low=self._low, high=self._high)
        except ModelError as exc:
            import html

            self.message.value = f"<span style='color:#b00'>{html.escape(str(exc))}</span>"
            return
        self.message.value = ""
        self.fraction = share


def format_table(table: pd.DataFrame, percent: Iterable[str] = ()) -> pd.DataFrame:
    """``table`` as display text: numbers via ``format_number``, ``percent`` columns as %.

    Missing values show as a dash, never ``NaN``.

    Examples
    --------
    >>> t = pd.DataFrame({"n": [1200, None], "rate": [0.1234, float("nan")],
    ...                   "cpa": [3.14159, 12345.678],
    ...                   "wait": pd.to_timedelta(["1 days 12:00:00", None])})
    >>> format_table(t, percent=["rate"]).to_dict("list")
    {'n': ['1,200', '–'], 'rate': ['12.3%', '–'], 'cpa': ['3.142', '12,346'], 'wait': ['1.5 d', '–']}
    """
    pct = set(percent)
    out = table.copy()
    for col in out.columns:
        fmt = _percent_text if col in pct else _cell_text
        out[col] = [fmt(v) for v in out[col]]
    return out


def _cell_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, pd.Timedelta):  # waiting times: days, not "1 days 02:24:00"
        return f"{format_number(value / pd.Timedelta(days=1))} d"
    return format_number(value)


def _percent_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return format_number(None)
    return f"{float(value):.1%}"


def display_table(table: pd.DataFrame, percent: Iterable[str] = ()) -> None:
    """Display ``table`` formatted (see :func:`format_table`)."""
    from IPython.display import display

    display(format_table(table, percent))
