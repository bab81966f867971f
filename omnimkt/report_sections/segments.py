"""Report section: customer value segments (2-8 rule, RFM segments, the four classes).

Examples
--------
>>> import pandas as pd
>>> from omnimkt.data import Dataset
>>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 3, 4, 5], "amount": [90.0, 50, 20, 10, 5, 5],
...     "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-05", "2025-01-09",
...                                  "2025-01-20", "2025-02-02"])})
>>> render(Dataset(transactions=tx))  # doctest: +ELLIPSIS
<IPython.core.display.Markdown object>
...
"""

from __future__ import annotations

import warnings
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from omnimkt.plotting.segments import plot_pareto, plot_rfm_segments
from omnimkt.segments import customer_table, four_classes, pareto_split, rfm_scores

__all__ = ["render", "rfm_table", "classes_table"]


def rfm_table(result: Any) -> pd.DataFrame:
    """Client-facing RFM segment table: customers, % of customers, % of spend, action."""
    s = result.summary
    return pd.DataFrame({
        "customers": s["customers"].map("{:,}".format),
        "% of customers": (100 * s["share"]).round(1),
        "% of spend": (100 * s["spend_share"]).round(1),
        "mean days since last order": s["mean_recency_days"].round(0),
        "what to do": s["action"],
    })


def classes_table(result: Any) -> pd.DataFrame:
    """Client-facing table of the four classes (case A)."""
    s = result.summary
    return pd.DataFrame({
        "customers": s["customers"].map("{:,}".format),
        "% of people": (100 * s["share"]).round(1),
        "% of spend": (100 * s["value_share"]).round(1),
        "mean spend (yuan)": s["mean_value"].round(0),
    })


def render(data: Any, *, as_of: Any = None, top_share: float = 0.2, recent_days: float = 90.0,
           **options: Any) -> None:
    """Show the segments section of the report for ``data`` (an omnimkt Dataset).

    Always (transactions only): the 2-8 rule checked on spend, and RFM segments
    with what to do for each. With a customers table: the formula brand's four
    classes (potential / ordinary / loyal / advocate; advocates need
    ``referrer_id``).
    """
    display(Markdown("## Customer value segments"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = customer_table(data.transactions, as_of=as_of)
    pareto = pareto_split(table, top_share=top_share)
    rfm = rfm_scores(table)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.0))
    plot_pareto(pareto, ax=axes[0])
    axes[0].set_title(f"How concentrated is spend? ({len(table):,} customers)")
    plot_rfm_segments(rfm, ax=axes[1])
    axes[1].set_title("RFM segments: customers and spend")
    fig.tight_layout()
    display(fig)
    plt.close(fig)
    display(rfm_table(rfm))

    s = rfm.summary
    champ = s.loc["champions"]
    risk = s.loc[["at risk", "can't lose"]]
    text = [
        f"The top {pareto.customer_share:.0%} of customers bring {pareto.value_share:.0%} of "
        f"spend; the 2-8 rule of thumb expects about 80%, so value here is "
        f"{'more' if pareto.value_share > 0.8 else 'less'} concentrated than the rule says.",
        f"Champions (recent, frequent, high spend) are {champ['share']:.0%} of customers and "
        f"bring {champ['spend_share']:.0%} of spend.",
        f"Customers who used to buy well but have gone quiet (at risk and can't lose) are "
        f"{risk['share'].sum():.0%} of the base with {risk['spend_share'].sum():.0%} of spend: "
        "they are the first win-back list.",
    ]
    customers = getattr(data, "customers", None)
    if customers is not None and len(customers):
        classes = four_classes(table, customers=customers, recent_days=recent_days)
        display(Markdown("**Four customer classes** (potential = one order or none, ordinary = "
                         f"repeat, loyal = 3+ orders and bought in the last {recent_days:g} "
                         "days, advocate = referred someone)"))
        display(classes_table(classes))
        cs = classes.summary
        text.append(f"Loyal customers and advocates together are "
                    f"{cs.loc[['loyal', 'advocate'], 'share'].sum():.0%} of buyers and bring "
                    f"{cs.loc[['loyal', 'advocate'], 'value_share'].sum():.0%} of spend.")
    else:
        text.append("The four classes (potential / ordinary / loyal / advocate) need a "
                    "customers table; it is not in this data.")
    if caught:
        text.append(f"Data note: {caught[0].message}")
    display(Markdown(" ".join(text)))
