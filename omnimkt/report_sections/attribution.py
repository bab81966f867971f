"""Report section: which marketing channels get the credit for new customers, and at what cost.

Examples
--------
>>> import pandas as pd
>>> from omnimkt.data import Dataset
>>> tx = pd.DataFrame({"customer_id": [1], "amount": 1.0,
...                    "timestamp": pd.to_datetime(["2025-01-01"])})
>>> render(Dataset(transactions=tx))  # doctest: +ELLIPSIS
<IPython.core.display.Markdown object>
<IPython.core.display.Markdown object>
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from omnimkt.attribution import (
    ModelComparison,
    account_concentration,
    build_paths,
    channel_costs,
    channel_roi,
    compare_models,
)
from omnimkt.errors import DataError
from omnimkt.plotting.attribution import plot_lorenz, plot_model_comparison

__all__ = ["render", "share_table"]

_LABELS = {"last_touch": "last touch", "linear": "linear", "time_decay": "time decay",
           "position_based": "position-based", "markov": "Markov", "shapley": "Shapley",
           "first_touch": "first touch", "last_non_direct": "last non-direct"}


def share_table(comparison: ModelComparison) -> pd.DataFrame:
    """Client-facing share of conversions (%) per channel and model, largest first."""
    s = 100 * comparison.summary
    s = s.loc[s.mean(axis=1).sort_values(ascending=False).index]
    s.columns = [_LABELS.get(c, c) for c in s.columns]
    return s.round(1)


def _reading(cmp: ModelComparison, paths, roi: pd.DataFrame | None) -> str:
    share = cmp.summary
    lt, mk, sh = share["last_touch"], share["markov"], share["shapley"]
    # The data-driven view: the mean of the Markov and Shapley shares.
    dd = (mk + sh) / 2
    diff = (dd - lt).sort_values()
    text = [
        f"We followed {paths.total_conversions + paths.total_nulls:,.0f} journeys, of which "
        f"{paths.total_conversions:,.0f} ended in a first purchase"
        + (f" ({paths.unattributed_conversions:,.0f} more first purchases had no recorded "
           "touch in the look-back window)." if paths.unattributed_conversions else "."),
        f"Last-touch credit puts **{lt.idxmax()}** first ({lt.max():.0%} of conversions); the "
        f"data-driven models, which also credit the touches that start and carry a journey, "
        f"put **{mk.idxmax()}** first (Markov, {mk.max():.0%}) and **{sh.idxmax()}** first "
        f"(Shapley, {sh.max():.0%}).",
    ]
    if diff.iloc[-1] > 0.01:
        text.append(f"Compared with the data-driven models, last touch undervalues "
                    f"**{diff.index[-1]}** most ({100 * diff.iloc[-1]:.0f} percentage points) "
                    f"and overvalues **{diff.index[0]}** most ({-100 * diff.iloc[0]:.0f} points).")
    if roi is not None:
        m = (roi[roi["model"].isin(["markov", "shapley"]) & (roi["cost"] > 0)]
             .groupby("channel")["roas"].mean().dropna())
        if len(m) >= 2:
            text.append(f"Per yuan spent, **{m.idxmax()}** returns the most attributed revenue "
                        f"({m.max():,.1f} yuan, mean of Markov and Shapley) and "
                        f"**{m.idxmin()}** the least ({m.min():,.1f}): budget should move "
                        "towards the former, checked with a hold-out test.")
    return " ".join(text)


def render(data: Any, *, lookback_days: float | None = 30, **options: Any) -> None:
    """Show the channel attribution section of the report for ``data`` (a Dataset).

    Needs touchpoints (skipped with a note otherwise). Shows the share of first
    purchases each channel gets under last touch, linear, time decay, Markov and Shapley
    models; with a ``cost`` column, cost and return per channel; with an ``account``
    column on the social channel (``social_channel``, default "social_kol"), how
    concentrated its clicks are across accounts (case E).
    """
    display(Markdown("## Channel attribution"))
    tp = getattr(data, "touchpoints", None)
    if tp is None or len(tp) == 0:
        display(Markdown("*No touchpoint table was provided: channel attribution needs the "
                         "customers' marketing touches, so this section is skipped.*"))
        return
    paths = build_paths(tp, data.transactions, lookback_days=lookback_days)
    if len(paths) == 0 or paths.total_conversions == 0:
        display(Markdown("*No first purchase is preceded by a touch in the look-back window, "
                         "so there is nothing to attribute.*"))
        return
    models = ["last_touch", "linear", "time_decay", "markov", "shapley"]
    cmp = compare_models(paths, models)
    fig, ax = plt.subplots(figsize=(10, 4))
    plot_model_comparison(cmp, ax=ax)
    fig.tight_layout()
    display(fig)
    plt.close(fig)
    display(share_table(cmp))

    roi = None
    if "cost" in tp.columns:
        costs = channel_costs(tp)
        roi = channel_roi({m: cmp.results[m] for m in ("last_touch", "markov", "shapley")},
                          costs)
        table = roi.pivot(index="channel", columns="model", values="roas").round(2)
        table.insert(0, "cost (yuan)", costs["cost"].reindex(table.index).round(0))
        table.columns = ["cost (yuan)"] + [f"revenue per yuan, {_LABELS[c]}"
                                           for c in table.columns[1:]]
        # Channels that cost nothing (own stores, referrals) have no return per yuan.
        display(table.astype(object).where(table.notna(), "no cost"))
    display(Markdown(_reading(cmp, paths, roi)))

    social = options.get("social_channel", "social_kol")
    if "account" in tp.columns and social in set(tp["channel"].astype("str")):
        try:
            conc = account_concentration(tp, channel=social, event="click")
        except DataError:  # no clicks recorded for the social channel: nothing to show
            conc = None
        if conc is not None and len(conc.values) > 1:
            fig, ax = plt.subplots(figsize=(4.5, 4))
            plot_lorenz(conc, ax=ax)
            fig.tight_layout()
            display(fig)
            plt.close(fig)
            display(Markdown(
                f"Social accounts: **{conc.top_account}** brought {conc.top_share:.0%} of "
                f"{conc.total:,.0f} clicks across {len(conc.values)} accounts (Gini "
                f"{conc.gini:.2f}). Measure each account's contribution before renewing them "
                "all; the case reports one account in ten bringing 7,000 of 9,000 clicks."))
