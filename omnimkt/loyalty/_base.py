"""Shared result-object behaviour (summary table, repr, HTML, markdown)."""

from __future__ import annotations

import pandas as pd


class _Result:
    """Base for loyalty results: subclasses set ``summary`` and ``_title``."""

    _title = "result"
    summary: pd.DataFrame

    def __repr__(self) -> str:
        with pd.option_context("display.width", 120, "display.max_columns", 20):
            return f"{type(self).__name__}: {self._title}\n{self.summary.to_string()}"

    def _repr_html_(self) -> str:
        return f"<h4>{self._title}</h4>" + self.summary.to_html(float_format=lambda x: f"{x:,.2f}")

    def to_markdown(self) -> str:
        """The summary table as markdown."""
        return f"**{self._title}**\n\n" + self.summary.to_markdown(floatfmt=",.2f")
