"""Funnel window and breakdown explorer (ipywidgets; the counting lives in omnimkt.funnel).

Examples
--------
>>> import pandas as pd
>>> ev = pd.DataFrame({"customer_id": [1, 1, 2], "event": ["visit", "buy", "visit"],
...                    "channel": ["tv", "tv", "sms"],
...                    "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"])})
>>> box = funnel_explorer(ev, ["visit", "buy"], breakdowns=["channel"])  # doctest: +SKIP
>>> type(box).__name__  # doctest: +SKIP
'VBox'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as w
import matplotlib.pyplot as plt
import pandas as pd

from omnimkt._gate import check_number
from omnimkt.errors import OmnimktError
from omnimkt.funnel import funnel
from omnimkt.plotting.funnel import plot_funnel, plot_funnel_breakdown
from omnimkt.widgets._inputs import LABEL_STYLE, display_table

__all__ = ["funnel_explorer"]


def funnel_explorer(events: pd.DataFrame, steps: Sequence[Any], *,
                    breakdowns: Sequence[str] = ("cohort_month",), window_days: int = 30,
                    max_window_days: int = 365, step_column: str = "event",
                    **options: Any) -> w.VBox:
    """Explore a funnel: conversion window (days), order and a breakdown property.

    Parameters
    ----------
    events, steps, step_column, **options
        As for :func:`omnimkt.funnel.funnel`.
    breakdowns : sequence of str
        Columns of ``events`` (or "cohort_month") offered in the breakdown menu.
    window_days, max_window_days : int
        Initial and largest conversion window of the slider.

    Returns
    -------
    ipywidgets.VBox
        Controls above a figure (funnel bars, and conversion by group when a breakdown is
        chosen) and the summary table.
    """
    max_window_days = check_number(max_window_days, "max_window_days", low=1, integer=True)
    window_days = check_number(window_days, "window_days", low=1, high=max_window_days,
                               integer=True)
    window = w.IntSlider(value=window_days, min=1, max=max_window_days, step=1,
                         description="window (days)", continuous_update=False,
                         style={"description_width": "initial"})
    order = w.ToggleButtons(options=["strict", "any", "exact"], value="strict",
                            description="order", style=LABEL_STYLE)
    breakdown = w.Dropdown(options=["(none)", *breakdowns], value="(none)",
                           description="breakdown", style=LABEL_STYLE)
    out = w.Output()

    def redraw(_: Any = None) -> None:
        out.clear_output(wait=True)
        with out:
            by = None if breakdown.value == "(none)" else breakdown.value
            try:
                res = funnel(events, steps, window_days=window.value, order=order.value,
                             breakdown=by, step_column=step_column, **options)
            except OmnimktError as exc:  # show the message, keep the explorer alive
                print(exc)
                return
            ncols = 2 if by else 1
            fig, axes = plt.subplots(1, ncols, figsize=(6 * ncols, 3.8), squeeze=False)
            plot_funnel(res, ax=axes[0, 0])
            if by:
                plot_funnel_breakdown(res, ax=axes[0, 1])
            fig.tight_layout()
            plt.show()
            display_table(res.summary,
                          percent=["conversion_from_previous", "conversion_from_first"])

    for control in (window, order, breakdown):
        control.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([window, order]), breakdown, out])
