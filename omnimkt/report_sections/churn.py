"""Report section: who is slipping away -- churn scored two ways, a win-back threshold and
the "3+ channels retain better" claim.

Examples
--------
>>> from omnimkt.datasets import generate
>>> w = generate(600, seed=2, tables=("transactions",))
>>> render(w)  # doctest: +ELLIPSIS
<IPython.core.display.Markdown object>
...
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from omnimkt.churn import (
    ChannelRetention,
    ChurnComparison,
    channel_retention,
    churn_backtest,
    saved_customer_value,
    winback_thresholds,
)
from omnimkt.errors import DataError, ModelError
from omnimkt.plotting.churn import plot_calibration, plot_gains

__all__ = ["comparison_table", "render", "retention_table"]


def comparison_table(result: ChurnComparison) -> pd.DataFrame:
    """Client-facing comparison of the churn scores on the held-out period."""
    s = result.summary
    out = pd.DataFrame({
        "ranks churners (ROC AUC)": s["roc_auc"].round(3),
        "precision-recall AUC": s["pr_auc"].round(3),
        "churners found in top 20% (%)": (100 * s["capture_top20"]).round(1),
        "lift in top 10%": s["lift_top10"].round(2),
    })
    if "truth_roc_auc" in s.columns:
        out["ranks true dropouts (ROC AUC)"] = s["truth_roc_auc"].round(3)
    out.index.name = "churn score"
    return out


def retention_table(result: ChannelRetention) -> pd.DataFrame:
    """Client-facing raw vs frequency-adjusted retention of many- and few-channel buyers."""
    s = result.summary
    k = result.threshold
    return pd.DataFrame({
        f"retention, {k}+ channels (%)": (100 * s.iloc[:, 0]).round(1).to_numpy(),
        "retention, fewer (%)": (100 * s.iloc[:, 1]).round(1).to_numpy(),
        "relative difference (%)": (100 * s["relative_uplift"]).round(0).to_numpy(),
        "95% interval of the gap (points)": [f"{lo:+.1f} to {hi:+.1f}" for lo, hi in
                                            zip(s["ci_low_pts"], s["ci_high_pts"],
                                                strict=True)],
    }, index=pd.Index(["all customers (raw)", "same purchase frequency"], name="comparison"))


def render(data: Any, *, horizon_days: int = 90, cost_per_contact: float = 20.0,
           success_rate: float = 0.10, saved_value: float | None = None,
           margin: float = 0.30, seed: int = 0, currency: str = "yuan",
           **options: Any) -> None:
    """Show the churn section of the report for ``data`` (an omnimkt Dataset).

    The last ``horizon_days`` of the data are held out: both churn approaches
    score customers at the cut-off and are judged on who did not buy in the
    held-out days (the case's three-month wake-up rule). The win-back rule
    assumes ``cost_per_contact`` yuan per contact, ``success_rate`` of
    contacted churners won back, and a saved customer worth ``saved_value``
    yuan (default: ``margin`` times the median yearly spend of active customers).
    Data covering less than two horizons is skipped with a note.
    """
    display(Markdown("## Churn: who is slipping away"))
    tx = data.transactions
    last = pd.Timestamp(tx["timestamp"].max()).normalize()
    cut = last - pd.Timedelta(days=int(horizon_days))
    first = pd.Timestamp(tx["timestamp"].min()).normalize()
    if cut - pd.Timedelta(days=int(horizon_days)) < first:
        display(Markdown(f"_Churn scoring skipped: it needs at least {2 * horizon_days} days "
                         f"of purchases (one period to learn, one to test); the data covers "
                         f"{(last - first).days} days._"))
        return
    extra = {}
    if getattr(data, "customers", None) is not None:
        extra["customers"] = data.customers
    if getattr(data, "touchpoints", None) is not None:
        extra["touchpoints"] = data.touchpoints
    try:
        cmp = churn_backtest(tx, cut, horizon_days, seed=seed, **extra)
    except (DataError, ModelError) as exc:
        display(Markdown(f"_Churn scoring skipped: {exc}_"))
        return
    names = list(cmp.summary.index)
    sup = names[-1]

    display(Markdown(f"### Both approaches on the last {horizon_days} days "
                     f"(cut-off {cut.date()})"))
    display(comparison_table(cmp))
    fig, axes = plt.subplots(1, 2, figsize=(12, 4))
    plot_gains(cmp, ax=axes[0])
    plot_calibration(cmp, ax=axes[1], approaches=[n for n in names if n.startswith("P(no")]
                     + [sup])
    fig.tight_layout()
    display(fig)
    plt.close(fig)

    s = cmp.summary
    best = s["roc_auc"].idxmax()
    text = [
        f"Of {int(s['customers'].iloc[0]):,} customers active at the cut-off, "
        f"{s['base_rate'].iloc[0]:.0%} did not buy in the following {horizon_days} days. "
        f"The best score (**{best}**) ranks them with an AUC of {s.loc[best, 'roc_auc']:.2f}; "
        f"the 20% of customers it scores highest hold "
        f"{s.loc[best, 'capture_top20']:.0%} of those who stopped buying (at most "
        f"{min(1.0, 0.2 / s['base_rate'].iloc[0]):.0%} possible).",
    ]
    try:  # too few recent buyers, or all of one kind: skip the sentence
        hard = cmp.not_yet_lapsed()
    except DataError:
        hard = None
    if hard is not None:
        h = hard.summary
        text.append(
            f"Among the {int(h['customers'].iloc[0]):,} who had bought in the last "
            f"{horizon_days} days — those a three-month wake-up rule would not flag yet — "
            f"{h['base_rate'].iloc[0]:.0%} still stopped, and the best score ranks them with "
            f"an AUC of {h['roc_auc'].max():.2f}.")
    bg = "1 - P(alive) [BG/NBD]"
    if bg in s.index and s.loc[bg, "roc_auc"] < s.loc[best, "roc_auc"] - 0.05:
        text.append(
            f"BG/NBD's 1 - P(alive) scores worse (AUC {s.loc[bg, 'roc_auc']:.2f}): that model "
            "counts every customer who bought only once as alive, yet many of them do not "
            f"buy within {horizon_days} days; MBG/NBD, which lets customers drop out after "
            "their first purchase, does not have this blind spot.")

    value = (saved_customer_value(tx, cut, margin=margin) if saved_value is None
             else float(saved_value))
    plan = winback_thresholds(cmp.scores[sup], y_true=cmp.labels,
                              cost_per_contact=cost_per_contact, saved_value=value,
                              success_rate=success_rate)
    if plan.best is None:
        text.append(f"With a contact cost of {cost_per_contact:,.0f} {currency}, {success_rate:.0%} "
                    f"success and {value:,.0f} {currency} per saved customer, no win-back threshold "
                    "pays on the held-out period.")
    else:
        b = plan.best
        text.append(
            f"Win-back: with {cost_per_contact:,.0f} {currency} per contact, {success_rate:.0%} of "
            f"contacted churners won back and {value:,.0f} {currency} margin per saved customer "
            f"(assumptions), "
            f"contacting customers with a churn probability of at least "
            f"{plan.best_threshold:.2f} ({b['share_contacted']:.0%} of them) would have "
            f"returned about {b['net_value']:,.0f} {currency} net on the held-out period. Keep a "
            "random hold-out group to measure the real success rate.")
    display(Markdown(" ".join(text)))

    if "channel" not in tx.columns:
        display(Markdown("_No sales channel column, so the 3+ channels claim is not tested._"))
        return
    try:
        ch = channel_retention(tx, cut, horizon_days)
    except DataError as exc:
        display(Markdown(f"_The 3+ channels comparison is skipped: {exc}_"))
        return
    display(Markdown("### Do customers using 3+ channels retain better?"))
    display(retention_table(ch))
    raw, adj = ch.summary.loc["raw"], ch.summary.loc["stratified"]
    display(Markdown(
        f"Customers who used 3 or more sales channels bought again {raw.iloc[0]:.0%} of the "
        f"time against {raw.iloc[1]:.0%} for the others ({ch.raw_uplift:+.0%}; an e-mail "
        f"vendor quoted +90%). But they also ordered far more often; compared with customers "
        f"of the same purchase frequency the gap is {adj['difference_pts']:+.1f} points "
        f"({ch.adjusted_uplift:+.0%}). Frequency, not the channel count, explains most of "
        "the difference."
        if abs(ch.adjusted_uplift) < abs(ch.raw_uplift) / 2 else
        f"Customers who used 3 or more sales channels bought again {raw.iloc[0]:.0%} of the "
        f"time against {raw.iloc[1]:.0%} for the others ({ch.raw_uplift:+.0%}; an e-mail "
        f"vendor quoted +90%). Among customers of the same purchase frequency the gap is "
        f"still {adj['difference_pts']:+.1f} points ({ch.adjusted_uplift:+.0%}); this is an "
        "observational comparison, so other differences may remain."))
