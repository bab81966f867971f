"""Report section: purchase funnel (any data) and journey / campaign funnel (with touchpoints).

Examples
--------
>>> import pandas as pd
>>> from omnimkt.data import Dataset
>>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "amount": 1.0,
...     "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-05"])})
>>> render(Dataset(transactions=tx))  # doctest: +ELLIPSIS
<IPython.core.display.Markdown object>
...
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from omnimkt.funnel import FunnelResult, campaign_funnel, purchase_funnel
from omnimkt.plotting.funnel import plot_funnel

__all__ = ["render", "table"]


def table(result: FunnelResult) -> pd.DataFrame:
    """The client-facing version of a funnel summary: counts, percentages, days."""
    s = result.summary
    unit = s.columns[1]
    days = s["median_time_to_step"].dt.total_seconds() / 86_400
    return pd.DataFrame({
        "step": s["step"],
        unit: s[unit].map("{:,}".format),
        "% of previous step": (100 * s["conversion_from_previous"]).round(1),
        "% of first step": (100 * s["conversion_from_first"]).round(1),
        "median days from first step": days.round(1),
    })


def _biggest_drop(result: FunnelResult) -> str:
    s = result.summary.iloc[1:]
    i = s["conversion_from_previous"].idxmin()
    prev = result.summary["step"].iloc[i - 1]
    return (f"The largest loss is between **{prev}** and **{s.loc[i, 'step']}**: only "
            f"{s.loc[i, 'conversion_from_previous']:.0%} go on.")


def render(data: Any, *, window: str = "365D", n_purchases: int = 3, **options: Any) -> None:
    """Show the funnel section of the report for ``data`` (an omnimkt Dataset).

    Always: the 1st -> 2nd -> 3rd purchase funnel from transactions. With touchpoints: the
    journey funnel, i.e. the closed-loop campaign funnel of case D (exposure ->
    interaction -> effective member (needs stage events) -> sales -> repeat purchase) with
    a conversion ``window`` from the first touch.
    """
    display(Markdown("## Purchase and journey funnels"))
    days = f"{pd.Timedelta(window).days} days"
    buy = purchase_funnel(data.transactions, n_purchases)
    journey = None
    if data.touchpoints is not None and len(data.touchpoints):
        journey = campaign_funnel(data, window=window)
    ncols = 2 if journey is not None else 1
    fig, axes = plt.subplots(1, ncols, figsize=(6.5 * ncols, 3.6), squeeze=False)
    plot_funnel(buy, ax=axes[0, 0])
    axes[0, 0].set_title("Repeat purchase funnel")
    if journey is not None:
        plot_funnel(journey, ax=axes[0, 1])
        axes[0, 1].set_title(f"Journey funnel (window {days})")
    fig.tight_layout()
    display(fig)
    plt.close(fig)

    s = buy.summary
    first = int(s["customers"].iloc[0])
    days2 = s["median_time_to_step"].iloc[1].total_seconds() / 86_400
    text = [f"Of {first:,} buyers, {s['conversion_from_first'].iloc[1]:.0%} came back for a "
            f"second order (median {days2:.0f} days after the first) and "
            f"{s['conversion_from_first'].iloc[-1]:.0%} reached order {n_purchases}."]
    second = s["conversion_from_previous"].iloc[1]
    later = s["conversion_from_previous"].iloc[2:]
    if len(later) and later.min() > second:
        text.append("Once a customer has bought twice, each next order is more likely than "
                    "the second one was: winning the second order is the lever.")
    display(Markdown("### Repeat purchase funnel"))
    display(table(buy).set_index("step"))
    if journey is None:
        text.append("_No touchpoint table was provided, so the journey funnel is skipped._")
    else:
        j = journey.summary
        text.append(f"Of {int(j['customers'].iloc[0]):,} people reached by a touchpoint, "
                    f"{j['conversion_from_first'].iloc[-1]:.1%} reached "
                    f"**{j['step'].iloc[-1]}** within {days}. " + _biggest_drop(journey))
        display(Markdown("### Journey funnel"))
        display(table(journey).set_index("step"))
    display(Markdown(" ".join(text)))
