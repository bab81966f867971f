"""Cohort-triangle explorer (ipywidgets; the counting lives in omnimkt.behaviour).

Examples
--------
>>> import pandas as pd
>>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [10.0, 5.0, 8.0],
...                    "timestamp": pd.to_datetime(["2025-01-03", "2025-02-07", "2025-01-20"])})
>>> box = cohort_explorer(tx)  # doctest: +SKIP
>>> type(box).__name__  # doctest: +SKIP
'VBox'
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import matplotlib.pyplot as plt
import pandas as pd

from omnimkt._gate import check_choice, check_number
from omnimkt.behaviour import cohort_retention
from omnimkt.behaviour._common import check_freq
from omnimkt.errors import OmnimktError
from omnimkt.plotting.behaviour import plot_cohort_triangle, plot_retention_curves
from omnimkt.widgets._inputs import LABEL_STYLE, display_table, format_table

__all__ = ["cohort_explorer"]

_METRICS = {"on period N": "on", "on or after N": "on_or_after",
            "revenue retention": "revenue_retention", "LTV (cumulative revenue per customer)": "ltv"}
_START = {"first purchase": "first_purchase", "signup": "signup", "start event": "event"}


def cohort_table(result: Any, metric: str) -> pd.DataFrame:
    """The cohort x period table of ``metric`` with the cohort size, formatted for display.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [10.0, 5.0, 8.0],
    ...     "timestamp": pd.to_datetime(["2025-01-03", "2025-02-07", "2025-01-20"])})
    >>> from omnimkt.behaviour import cohort_retention
    >>> cohort_table(cohort_retention(tx, cutoff="2025-02-28"), "on").iloc[0].tolist()
    ['2025-01-01', '2', '100.0%', '50.0%']
    """
    check_choice(metric, "metric", tuple(_METRICS.values()))
    table = getattr(result, metric)
    periods = [f"P{c}" for c in table.columns]
    shown = table.set_axis(periods, axis=1)
    shown.insert(0, "customers", result.sizes.to_numpy())
    shown.insert(0, "cohort", [f"{c:%Y-%m-%d}" for c in table.index])
    return format_table(shown.reset_index(drop=True),
                        percent=periods if metric != "ltv" else ())


def cohort_explorer(data: Any, *, events: pd.DataFrame | None = None,
                    start_events: str | list[str] | None = None, freq: str = "M",
                    n_periods: int = 12, **options: Any) -> w.VBox:
    """Explore cohort retention: period, start event (cohort_by) and metric.

    Parameters
    ----------
    data : Dataset or DataFrame
        As ``transactions`` of :func:`omnimkt.behaviour.cohort_retention` (a Dataset
        also supplies the customers for "signup").
    events, start_events : optional
        Event log and start event(s); with both, "start event" joins the menu.
    freq : {"D", "W", "M"}, default "M"
        Initial calendar period.
    n_periods : int, default 12
        Initial number of periods after period 0 (slider up to 36).
    **options
        Passed on to :func:`~omnimkt.behaviour.cohort_retention` (``cutoff``, ``columns``).

    Returns
    -------
    ipywidgets.VBox
        Controls above a figure (triangle heatmap and the retention curve) and the
        formatted cohort table. ``box.state`` holds the last result, figure and table.
    """
    freq = check_freq(freq)
    n_periods = check_number(n_periods, "n_periods", low=1, high=36, integer=True)
    starts = [k for k, v in _START.items() if v != "event" or (events is not None
                                                               and start_events is not None)]
    period = w.ToggleButtons(options=["D", "W", "M"], value=freq, description="period",
                             style=LABEL_STYLE)
    start = w.Dropdown(options=starts, value=starts[0], description="cohort by",
                       style=LABEL_STYLE)
    metric = w.Dropdown(options=list(_METRICS), value="on period N", description="metric",
                        style=LABEL_STYLE)
    periods = w.IntSlider(value=n_periods, min=1, max=36, description="periods shown",
                          continuous_update=False, style=LABEL_STYLE)
    out = w.Output()
    state: dict[str, Any] = {}

    def redraw(_: Any = None) -> None:
        out.clear_output(wait=True)
        if state.get("figure") is not None:
            plt.close(state["figure"])
        with out:
            try:
                res = cohort_retention(data, freq=period.value, cohort_by=_START[start.value],
                                       events=events, start_events=start_events,
                                       n_periods=periods.value, **options)
            except OmnimktError as exc:  # show the message, keep the explorer alive
                print(exc)
                state.update(result=None, figure=None, table=None)
                return
            key = _METRICS[metric.value]
            fig, axes = plt.subplots(1, 2, figsize=(14, 5.5),
                                     gridspec_kw={"width_ratios": [2, 1]})
            plot_cohort_triangle(res, ax=axes[0], metric=key)
            plot_retention_curves(res, ax=axes[1],
                                  metric="on_or_after" if key == "on_or_after" else "on")
            fig.tight_layout()
            table = cohort_table(res, key)
            state.update(result=res, figure=fig, table=table)
            plt.show()
            display_table(table)

    for control in (period, start, metric, periods):
        control.observe(redraw, names="value")
    redraw()
    box = w.VBox([w.HBox([period, start]), w.HBox([metric, periods]), out])
    box.state = state
    return box
