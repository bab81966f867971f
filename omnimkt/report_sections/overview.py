"""Report section: what is in the data (customers, orders, period, channels, baskets, journeys)."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from omnimkt import overview
from omnimkt.data.dataset import Dataset
from omnimkt.plotting.overview import (
    plot_basket_sizes,
    plot_customers_by_channel,
    plot_journey_lengths,
    plot_monthly_sales,
)


def render(data: Dataset, *, title: str = "Customer data report", **_: Any) -> None:
    """Show the title, the headline figures and the data overview charts."""
    k = overview.key_figures(data)
    tx = data.transactions
    display(Markdown(f"# {title}"))
    display(Markdown("## The data at a glance"))
    lines = [
        f"- **{k['customers']:,} customers** placed **{k['orders']:,} orders** worth "
        f"**{k['revenue']:,.0f}** between {k['first_purchase']:%Y-%m-%d} and "
        f"{k['last_purchase']:%Y-%m-%d}.",
        f"- A customer ordered **{k['orders_per_customer']:.1f} times** on average; "
        f"**{k['one_time_buyer_share']:.0%}** ordered only once.",
        f"- The mean order was worth **{k['mean_basket']:,.0f}**; half of the repeat orders "
        f"came within **{k['median_days_between_orders']:.0f} days** of the previous one.",
    ]
    if "touches" in k:
        lines.append(
            f"- **{k['touches']:,} marketing touches** reached **{k['people_touched']:,} people**, "
            f"of whom **{k['touched_who_bought']:.0%}** went on to buy."
        )
    display(Markdown("\n".join(lines)))

    fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
    plot_monthly_sales(overview.monthly_sales(tx), ax=axes[0])
    axes[0].set_title("Revenue by month")
    plot_basket_sizes(overview.basket_sizes(tx), ax=axes[1])
    axes[1].set_title("Order values")
    fig.tight_layout()
    display(fig)
    plt.close(fig)

    has_channel = "channel" in tx.columns or (
        data.customers is not None and "acquisition_channel" in data.customers.columns
    )
    has_touches = data.touchpoints is not None and len(data.touchpoints) > 0
    if has_channel or has_touches:
        fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
        if has_channel:
            plot_customers_by_channel(overview.customers_by_channel(data), ax=axes[0])
            axes[0].set_title("Where customers first bought")
        else:
            axes[0].set_visible(False)
        if has_touches:
            plot_journey_lengths(overview.journey_lengths(data.touchpoints, tx), ax=axes[1])
            axes[1].set_title("Journeys: touches before buying")
        else:
            axes[1].set_visible(False)
        fig.tight_layout()
        display(fig)
        plt.close(fig)
