"""Report section: the case's points ladder applied to the client's own transactions.

Examples
--------
>>> from omnimkt.datasets import load_sample
>>> render(load_sample())  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from omnimkt.loyalty import PointsLadder, apply_ladder
from omnimkt.plotting.loyalty import plot_monthly_cost, plot_tier_counts

__all__ = ["render", "tier_table"]


def tier_table(result) -> pd.DataFrame:
    """Client-facing table: per tier, members reaching it, median date, vouchers, discounts."""
    lad = result.ladder
    mb = result.members
    th = result.tier_history
    led_disc = mb.groupby("level")["discount"].sum()
    rows = []
    n = len(mb)
    for k, tier in enumerate(lad.tiers, start=1):
        reached = th[th["level"] == k]
        rows.append({
            "tier": tier.name,
            "threshold (points)": f"{tier.threshold:,.0f}",
            "benefit": f"{tier.discount:.0%} off + {tier.voucher:,.0f} voucher",
            "members reaching it": f"{len(reached):,}",
            "share of members": f"{len(reached) / n:.1%}" if n else "-",
            "median date reached": (reached["date"].median().strftime("%Y-%m-%d")
                                    if len(reached) else "-"),
            "vouchers issued (yuan)": f"{len(reached) * tier.voucher:,.0f}",
            "discounts given to members ending here (yuan)": f"{led_disc.get(k, 0.0):,.0f}",
        })
    return pd.DataFrame(rows).set_index("tier")


def render(data: Any, *, ladder: PointsLadder | None = None, **options: Any) -> None:
    """Show who would reach which tier of the case's ladder and what it would cost.

    The transactions' amounts are read as what customers paid without the
    programme; the ladder's discounts are computed on top. Referral points need
    ``customers.referrer_id``; without it the section says so and counts own
    spend only. ``options`` are passed to :func:`omnimkt.loyalty.apply_ladder`.
    """
    ladder = ladder or PointsLadder()
    display(Markdown("## Loyalty: the points ladder on your customers"))
    display(Markdown(f"Rules applied: {ladder.describe()} Vouchers are assumed to be "
                     f"{ladder.voucher_breakage:.0%} never redeemed (breakage)."))
    tx = data.transactions
    customers = getattr(data, "customers", None)
    if customers is None or "referrer_id" not in customers.columns:
        display(Markdown("_No referral data (customers.referrer_id): referral points are "
                         "not counted._"))
        customers = None
    if tx is None or len(tx) == 0:
        display(Markdown("_No transactions: nothing to apply the ladder to._"))
        return
    res = apply_ladder(tx, customers, ladder, **options)
    display(tier_table(res))
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    plot_tier_counts(res, ax=axes[0])
    plot_monthly_cost(res, ax=axes[1])
    fig.tight_layout()
    display(fig)
    plt.close(fig)
    s = res.summary["value"]
    top = ladder.tiers[-1].name
    share_1 = s[f"members reaching {ladder.tiers[0].name}"] / max(s["members"], 1)
    text = [
        f"Had the ladder run over this period, {s[f'members reaching {ladder.tiers[0].name}']:,.0f}"
        f" of {s['members']:,.0f} customers ({share_1:.0%}) would have reached "
        f"{ladder.tiers[0].name} and {s[f'members reaching {top}']:,.0f} would have become "
        f"{top}.",
        f"The programme would have cost about {s['programme cost']:,.0f} yuan: "
        f"{s['discounts given']:,.0f} in tier discounts and {s['vouchers expected cost (after breakage)']:,.0f}"
        f" in redeemed vouchers, i.e. {s['cost as share of spend']:.1%} of the "
        f"{s['spend (before discounts)']:,.0f} yuan spent.",
    ]
    if s["points removed by resets"] > 0:
        text.append(f"The reset at {ladder.reset_at:,.0f} points would have removed "
                    f"{s['points removed by resets']:,.0f} points, "
                    f"{s['points removed by resets'] / max(s['points earned'], 1):.0%} of those "
                    "earned, without changing anyone's status.")
    text.append("To pay for itself the ladder must raise what members spend by more than "
                "this cost; the simulation notebook shows how much uplift that takes.")
    display(Markdown(" ".join(text)))
