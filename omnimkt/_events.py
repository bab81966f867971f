"""Private helpers shared by :mod:`omnimkt.funnel` and :mod:`omnimkt.lifecycle`.

Timestamp parsing to int64 nanoseconds, run starts of sorted groups, and the small
display base class of their result objects. Kept apart so neither module imports the other.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from omnimkt.errors import DataError, examples

__all__: list[str] = []


def _timestamps_ns(s: pd.Series, table: str) -> np.ndarray:
    """Timestamps as int64 nanoseconds (naive), or a DataError naming bad rows."""
    if not pd.api.types.is_datetime64_any_dtype(s):
        with warnings.catch_warnings():  # "could not infer format": we report bad rows
            warnings.simplefilter("ignore", UserWarning)
            parsed = pd.to_datetime(s, errors="coerce")
        bad = parsed.isna() & s.notna()
        if bad.any():
            raise DataError(f"{table}.timestamp: {int(bad.sum())} rows are not dates "
                            f"(e.g. {examples(s[bad])}). Fix or drop them.")
        s = parsed
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_convert("UTC").dt.tz_localize(None)
    if s.isna().any():
        raise DataError(f"{table}.timestamp: {int(s.isna().sum())} rows have no timestamp. "
                        "Drop them first.")
    return s.to_numpy().astype("datetime64[ns]").view("int64")


def _first_per_group(groups: np.ndarray) -> np.ndarray:
    """Boolean mask of the first element of each run of equal values."""
    out = np.ones(len(groups), dtype=bool)
    out[1:] = groups[1:] != groups[:-1]
    return out


class _Result:
    """Shared display: a title, settings line and the ``summary`` table."""

    summary: pd.DataFrame
    title = "Result"

    def _settings(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"{self.title} ({self._settings()})\n{self.summary.to_string(index=False)}"

    def _repr_html_(self) -> str:
        return (f"<p><b>{self.title}</b> <small>{self._settings()}</small></p>"
                + self.summary.to_html(index=False, float_format=lambda x: f"{x:.3f}"))

    def to_markdown(self) -> str:
        """The summary as a Markdown table with a one-line heading."""
        return (f"**{self.title}** ({self._settings()})\n\n"
                + self.summary.to_markdown(index=False, floatfmt=".3f"))
