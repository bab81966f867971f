"""Plots of the lead-source models (case H): source economics, fair ROI, lead decay and
the voucher deal. Each draws on the given axes and returns them."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from omnimkt.leads.decay import LeadDecayModel
from omnimkt.leads.economics import FairROI, SourceEconomics
from omnimkt.leads.voucher import VoucherEconomics
from omnimkt.plotting._base import grouped_bars, new_axes

__all__ = ["plot_fair_roi", "plot_lead_decay", "plot_source_economics", "plot_voucher"]


def plot_source_economics(result: SourceEconomics, *, ax: Axes | None = None) -> Axes:
    """Margin, cost and margin after cost per lead source (yuan).

    Examples
    --------
    >>> from omnimkt.datasets.leads import generate_leads
    >>> from omnimkt.leads import source_economics
    >>> w = generate_leads(n_fairs=2, flats=10, seed=1)
    >>> ax = plot_source_economics(source_economics(w.leads, w.orders, w.events))
    """
    ax = new_axes(ax, (7, 4))
    s = result.summary
    y = np.arange(len(s))
    h = 0.27
    ax.barh(y - h, s["margin"] / 1e3, h, color="#1f77b4", label="gross margin")
    ax.barh(y, s["cost"] / 1e3, h, color="#d62728", label="cost (fees)")
    ax.barh(y + h, s["net_margin"] / 1e3, h, color="#2ca02c", label="margin after cost")
    ax.set_yticks(y, s.index.tolist())
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.6)
    ax.set_xlabel("thousand yuan")
    ax.set_title("Lead sources: margin and cost")
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_fair_roi(result: FairROI, *, ax: Axes | None = None) -> Axes:
    """Each fair's net margin on its own orders and with its leads' later orders (yuan).

    Examples
    --------
    >>> from omnimkt.datasets.leads import generate_leads
    >>> from omnimkt.leads import fair_roi
    >>> w = generate_leads(n_fairs=2, flats=10, seed=1)
    >>> ax = plot_fair_roi(fair_roi(w.leads, w.orders, w.events))
    """
    ax = new_axes(ax, (7, 4))
    s = result.summary
    x = np.arange(len(s))
    grouped_bars(ax, x, [(s["net_own"] / 1e3, dict(color="#d62728", label="own orders only")),
                        (s["net_with_followups"] / 1e3,
                         dict(color="#2ca02c", label="with the leads' later orders"))])
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x, [str(i) for i in s.index], rotation=90 if len(s) > 12 else 45,
                  ha="center" if len(s) > 12 else "right", fontsize=7 if len(s) > 12 else None)
    ax.set_ylabel("net margin after fees, thousand yuan")
    ax.set_title("Fair ROI")
    ax.legend(fontsize=8)
    return ax


def plot_lead_decay(model: LeadDecayModel, *, ax: Axes | None = None,
                    max_delay_days: int = 45) -> Axes:
    """Observed conversion by contact delay (points, area ~ leads) and the fitted decay.

    The 15-30 day band is the case's hand-over delay of a fair's lead list.

    Examples
    --------
    >>> from omnimkt.datasets.leads import generate_leads
    >>> from omnimkt.leads import LeadDecayModel
    >>> w = generate_leads(n_fairs=2, flats=0, seed=1)
    >>> ax = plot_lead_decay(LeadDecayModel().fit(w.leads, w.orders))
    """
    model._check_fitted()
    ax = new_axes(ax, (7, 4))
    c = model.counts_.copy()
    c["bin"] = (c["delay_days"] // 3) * 3 + 1  # three-day bins keep the points readable
    ax.axvspan(15, 30, color="#bbbbbb", alpha=0.35, label="15-30 day hand-over")
    colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"]
    for i, source in enumerate(model.base_rates_.index):
        color = colors[i % len(colors)]
        b = c[c["source"] == source].groupby("bin")[["leads", "converted"]].sum()
        ax.scatter(b.index, b["converted"] / b["leads"], s=np.sqrt(b["leads"]) * 4,
                   color=color, alpha=0.6)
        top = max(max_delay_days, int(c["delay_days"].max()))
        curve = model.value_curve(source, max_delay_days=top)
        ax.plot(curve["delay_days"], curve["conversion_probability"], color=color,
                label=source)
    ax.set_xlabel("days from capture to first contact")
    ax.set_ylabel("share of leads converting")
    ax.set_ylim(bottom=0)
    ax.set_title(f"Lead decay: half-life {model.half_life_days_:.0f} days")
    ax.legend(fontsize=8)
    return ax


def plot_voucher(result: VoucherEconomics, *, ax: Axes | None = None) -> Axes:
    """The voucher deal in money: the store's margin and give-away, the developer's cost.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.leads import voucher_economics
    >>> leads = pd.DataFrame({"customer_id": [1, 2], "source": "developer",
    ...     "captured": "2025-03-01", "voucher_value": 20000, "voucher_expiry": "2025-09-01"})
    >>> orders = pd.DataFrame({"customer_id": [1], "timestamp": ["2025-07-01"],
    ...                        "amount": [30000], "margin": [4500]})
    >>> ax = plot_voucher(voucher_economics(leads, orders))
    """
    ax = new_axes(ax, (7, 4))
    v = result.values
    items = [("store: basket margin", v["basket_margin"], "#1f77b4"),
             ("store: margin given away", -v["margin_given_away"], "#d62728"),
             ("store: net margin", v["store_net_margin"], "#2ca02c"),
             ("developer: paid for vouchers", -v["developer_cost"], "#9467bd"),
             ("developer: face value never used (not paid)", v["breakage"], "#7f7f7f")]
    y = np.arange(len(items))
    ax.barh(y, [i[1] / 1e3 for i in items], color=[i[2] for i in items])
    ax.set_yticks(y, [i[0] for i in items])
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.6)
    ax.set_xlabel("thousand yuan (negative: paid out)")
    ax.set_title(f"Voucher deal: {v['vouchers_redeemed']:,.0f} of "
                 f"{v['vouchers_issued']:,.0f} redeemed")
    return ax
