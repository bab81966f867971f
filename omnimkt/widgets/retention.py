"""Trigger-threshold explorer for the replenishment model (ipywidgets; rules live in
omnimkt.retention).

Examples
--------
>>> import pandas as pd
>>> tx = pd.DataFrame({"customer_id": [1, 2], "quantity": [3, 1], "amount": [500.0, 150.0],
...                    "timestamp": pd.to_datetime(["2025-01-01", "2025-01-03"])})
>>> box = threshold_explorer(tx, category=None)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import matplotlib.pyplot as plt
import pandas as pd

from omnimkt.errors import DataError, ModelError
from omnimkt.plotting.retention import plot_action_counts
from omnimkt.retention import ReplenishmentModel, action_counts
from omnimkt.widgets._inputs import display_table

__all__ = ["threshold_explorer"]


def threshold_explorer(transactions: pd.DataFrame, *, cutoff: Any = None,
                       horizon_days: int = 7, **model_options: Any) -> w.VBox:
    """Move the trigger thresholds and see how many calls, prompts and win-backs they create.

    Parameters
    ----------
    transactions : DataFrame
        Canonical order lines (as for :meth:`ReplenishmentModel.fit`); validated once.
    cutoff : date-like, optional
        Last day of history, inclusive; the list starts the day after it
        (default: the day of the last row of the log).
    horizon_days : int
        Initial length of the list in days (slider).
    **model_options
        Other :class:`ReplenishmentModel` settings kept fixed (e.g. ``category``).

    Returns
    -------
    ipywidgets.VBox
        Sliders (days per can, call lead time, prompt day, prompt pack size,
        win-back silence, service / price thresholds, list length) above a bar
        chart and the counts table.
    """
    from omnimkt._gate import as_columns, check_bool
    from omnimkt.data import validate_transactions

    columns = as_columns(model_options.pop("columns", None))
    tx = columns.to_canonical(transactions)
    if check_bool(model_options.pop("validate", True), "validate"):
        tx = validate_transactions(transactions, columns)
    base = ReplenishmentModel(**model_options)

    def slider(desc: str, value: float, lo: float, hi: float, step: float = 1) -> w.Widget:
        if float(step).is_integer() and float(value).is_integer():
            cls, value, lo, hi, step = w.IntSlider, int(value), int(lo), int(hi), int(step)
        else:
            cls = w.FloatSlider
        return cls(value=value, min=lo, max=hi, step=step, description=desc,
                   continuous_update=False, style={"description_width": "initial"})

    controls = {
        "days_per_unit": slider("days per can", base.days_per_unit, 3, 14, 0.5),
        "call_days_before_depletion": slider("call: days before running out",
                                             base.call_days_before_depletion, 0, 7),
        "prompt_day": slider("prompt: day after purchase", base.prompt_day, 5, 45),
        "prompt_units": slider("prompt: min. cans bought", base.prompt_units, 1, 6),
        "winback_silent_days": slider("win-back: silent days", base.winback_silent_days, 30, 180),
        "service_threshold": slider("service above (yuan)", base.service_threshold, 200, 800, 50),
        "price_threshold": slider("price offer below (yuan)", base.price_threshold, 50, 400, 25),
    }
    horizon = slider("list length (days)", int(horizon_days), 1, 30)
    out = w.Output()

    def redraw(_: Any = None) -> None:
        out.clear_output(wait=True)
        with out:
            params = {k: c.value for k, c in controls.items()}
            try:
                model = ReplenishmentModel(**{**model_options, **params}).fit(tx, validate=False)
                acts = model.actions(cutoff, horizon_days=int(horizon.value))
            except (DataError, ModelError) as exc:  # show the message, keep the explorer alive
                print(exc)
                return
            fig, ax = plt.subplots(figsize=(7, 3.8))
            plot_action_counts(acts, ax=ax)
            ax.set_title(f"Actions due in {horizon.value} day(s) from "
                         f"{acts['due_date'].min().date() if len(acts) else 'the list start'}")
            fig.tight_layout()
            plt.show()
            display_table(action_counts(acts))

    for c in [*controls.values(), horizon]:
        c.observe(redraw, names="value")
    redraw()
    grid = w.GridBox(list(controls.values()) + [horizon],
                     layout=w.Layout(grid_template_columns="repeat(2, 420px)"))
    return w.VBox([grid, out])
