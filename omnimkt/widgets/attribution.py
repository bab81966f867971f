"""Attribution model picker (ipywidgets; the models live in omnimkt.attribution).

Examples
--------
>>> import pandas as pd
>>> from omnimkt.attribution import read_paths
>>> p = read_paths(pd.DataFrame({"path": ["a > b", "b"], "total_conversions": [1, 1],
...                              "total_null": [2, 1]}))
>>> import contextlib, io
>>> with contextlib.redirect_stdout(io.StringIO()):  # outside Jupyter the table prints
...     box = attribution_explorer(p)
>>> type(box).__name__
'VBox'
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import matplotlib.pyplot as plt
import pandas as pd

from omnimkt._gate import check_choice
from omnimkt.attribution import MODELS, Paths, attribute, channel_roi, compare_models
from omnimkt.attribution.heuristics import _check_paths
from omnimkt.errors import OmnimktError
from omnimkt.plotting.attribution import plot_attribution, plot_model_comparison
from omnimkt.widgets._inputs import LABEL_STYLE, PercentInput, display_table

__all__ = ["attribution_explorer"]


def attribution_explorer(paths: Paths, costs: pd.DataFrame | pd.Series | None = None, *,
                         model: str = "markov", compare_with: str = "last_touch") -> w.VBox:
    """Pick an attribution model and its settings; see credit per channel and, with costs, ROI.

    Parameters
    ----------
    paths : Paths
        From :func:`omnimkt.attribution.build_paths` or ``read_paths``.
    costs : DataFrame (with a ``cost`` column) or Series, optional
        Cost per channel (e.g. :func:`omnimkt.attribution.channel_costs`); adds ROAS and
        cost per acquisition to the table.
    model, compare_with : str
        Models shown first (left) and as the reference (right).

    Returns
    -------
    ipywidgets.VBox
        Model pickers, settings (Markov order and repeats, time-decay half-life,
        position-based first/last share, Shapley worth), a figure and a table.
    """
    _check_paths(paths)
    check_choice(model, "model", tuple(MODELS))
    check_choice(compare_with, "compare_with", tuple(MODELS))
    names = [m for m in MODELS if not (m == "time_decay" and paths.days_before is None)]
    pick = w.Dropdown(options=names, value=model if model in names else names[0],
                      description="model", style=LABEL_STYLE)
    ref = w.Dropdown(options=names, value=compare_with if compare_with in names else names[0],
                     description="compare with", style=LABEL_STYLE)
    order = w.IntSlider(value=1, min=1, max=4, description="Markov order",
                        continuous_update=False, style={"description_width": "initial"})
    repeats = w.ToggleButtons(options=["keep", "collapse"], value="keep",
                              description="repeats", style=LABEL_STYLE)
    half_life = w.FloatSlider(value=7.0, min=0.5, max=60.0, step=0.5,
                              description="half-life (days)", continuous_update=False,
                              style={"description_width": "initial"})
    share = PercentInput(0.4, description="first/last share", high=0.5)
    worth = w.Dropdown(options=["rate", "conversions", "pooled_rate"], value="rate",
                       description="Shapley worth", style={"description_width": "initial"})
    out = w.Output()

    def options(name: str) -> dict[str, Any]:
        return {
            "markov": {"order": order.value, "repeats": repeats.value},
            "time_decay": {"half_life_days": half_life.value},
            "position_based": {"first": share.fraction, "last": share.fraction},
            "shapley": {"value_function": worth.value},
        }.get(name, {})

    def redraw(_: Any = None) -> None:
        out.clear_output(wait=True)
        with out:
            try:
                picked = [pick.value] + ([ref.value] if ref.value != pick.value else [])
                cmp = compare_models(paths, picked,
                                     options={m: options(m) for m in picked})
            except OmnimktError as exc:  # show the message, keep the explorer alive
                print(exc)
                return
            fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
            plot_attribution(cmp.results[pick.value], ax=axes[0])
            plot_model_comparison(cmp, ax=axes[1])
            fig.tight_layout()
            plt.show()
            res = attribute(paths, pick.value, **options(pick.value))
            table = res.summary
            if costs is not None:
                roi = channel_roi(res, costs).set_index("channel")
                table = table.join(roi[["cost", "cpa", "roas"]], how="left")
            display_table(table)
            for note in res.notes:
                print(note)

    for control in (pick, ref, order, repeats, half_life, worth):
        control.observe(redraw, names="value")
    share.observe(redraw, names="fraction")
    redraw()
    return w.VBox([w.HBox([pick, ref]), w.HBox([order, repeats]),
                   w.HBox([half_life, share, worth]), share.message, out])
