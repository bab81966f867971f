"""Report section: what is in the data (customers, orders, period, channels, baskets).

Examples
--------
>>> from omnimkt.datasets import load_sample
>>> from omnimkt.report_sections.i18n import Tr
>>> sec = build(analyse(load_sample()), Tr("en"))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from omnimkt import overview
from omnimkt.plotting.overview import plot_basket_sizes, plot_monthly_sales
from omnimkt.report_sections._common import quiet
from omnimkt.report_sections._section import (
    Finding,
    Section,
    Table,
    figure_png,
    money_axis,
    relabel,
)

__all__ = ["analyse", "build"]


def analyse(data: Any, cfg: dict[str, Any] | None = None) -> dict[str, Any]:
    """The headline figures, monthly sales and order values (language-free)."""
    tx = data.transactions
    return {"k": quiet(overview.key_figures, data), "monthly": quiet(overview.monthly_sales, tx),
            "baskets": quiet(overview.basket_sizes, tx)}


def build(an: dict[str, Any], tr: Any, cfg: dict[str, Any] | None = None) -> Section:
    """The overview section in the report language."""
    k = an["k"]
    rows = [("overview.m.customers", tr.number(k["customers"])),
            ("overview.m.orders", tr.number(k["orders"])),
            ("overview.m.revenue", tr.money(k["revenue"])),
            ("overview.m.mean_basket", tr.money(k["mean_basket"], 0)),
            ("overview.m.opc", tr.number(k["orders_per_customer"], 1)),
            ("overview.m.once", tr.pct(k["one_time_buyer_share"])),
            ("overview.m.gap", tr.number(k["median_days_between_orders"]))]
    if "touches" in k:
        rows += [("overview.m.touches", tr.number(k["touches"])),
                 ("overview.m.touched", tr.number(k["people_touched"])),
                 ("overview.m.touched_bought", tr.pct(k["touched_who_bought"]))]
    table = pd.DataFrame({tr("col.metric"): [tr(r[0]) for r in rows],
                          tr("col.value"): [r[1] for r in rows]})
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
    plot_monthly_sales(an["monthly"], ax=axes[0])
    relabel(axes[0], tr, title=tr("chart.monthly"), xlabel=tr("axis.month"),
            ylabel=tr("axis.revenue"))
    money_axis(axes[0], tr, scale=1000.0)  # the plot draws thousands
    lines = ((cfg["price_threshold"], cfg["service_threshold"]) if cfg else (200.0, 400.0))
    plot_basket_sizes(an["baskets"], ax=axes[1], thresholds=lines)
    relabel(axes[1], tr, title=tr("chart.baskets"), xlabel=tr("axis.order_value"),
            ylabel=tr("axis.orders"))
    money_axis(axes[1], tr, "x")
    answer = tr("overview.answer", customers=tr.count(k["customers"], "customer"),
                orders=tr.count(k["orders"], "order"), revenue=tr.money(k["revenue"]),
                start=tr.date(k["first_purchase"]), end=tr.date(k["last_purchase"]))
    finding = Finding(tr("overview.finding_once", share=tr.pct(k["one_time_buyer_share"]),
                         opc=tr.number(k["orders_per_customer"], 1)),
                      float(k["one_time_buyer_share"]), 50, "overview.one_time")
    return Section("overview", tr("overview.heading"), tr("overview.question"), answer,
                   figures=[figure_png(fig)], tables=[Table("", table)],
                   todo=[tr("overview.todo")], findings=[finding])
