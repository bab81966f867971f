"""Descriptive statistics of a customer data set: the first page of every analysis.

These answer "what is in this data?" before any model: how many customers and
orders over which period, sales by month and channel, basket sizes, how often
customers come back, and (with touchpoints) how long journeys are and how well
each channel's journeys convert.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from omnimkt.data.dataset import Dataset
from omnimkt.errors import DataError


def _orders(tx: pd.DataFrame) -> pd.DataFrame:
    """One row per order (order_id if present, else customer and timestamp)."""
    keys = ["order_id"] if "order_id" in tx.columns else ["customer_id", "timestamp"]
    agg = {"customer_id": ("customer_id", "first"), "timestamp": ("timestamp", "first"),
           "amount": ("amount", "sum")}
    if "channel" in tx.columns:
        agg["channel"] = ("channel", "first")
    if keys == ["order_id"]:
        return tx.groupby("order_id", sort=False).agg(**agg).reset_index()
    agg.pop("customer_id")
    agg.pop("timestamp")
    return tx.groupby(keys, sort=False).agg(**agg).reset_index()


def key_figures(data: Dataset) -> pd.Series:
    """Headline numbers of a data set.

    Returns
    -------
    Series
        customers, orders, revenue, first and last purchase date, orders per
        customer, share of one-time buyers, mean basket, median days between
        orders; with touchpoints: touches, journeys (people touched) and the
        share of them who bought.

    Examples
    --------
    >>> from omnimkt.datasets import generate
    >>> int(key_figures(generate(300, seed=1))["customers"])
    300
    """
    tx = data.transactions
    if tx is None or len(tx) == 0:
        raise DataError("transactions: the table is empty; key figures need at least one purchase.")
    orders = _orders(tx)
    per_customer = orders.groupby("customer_id").size()
    gaps = (
        orders.sort_values(["customer_id", "timestamp"])
        .groupby("customer_id")["timestamp"].diff().dt.total_seconds().div(86400).dropna()
    )
    out = {
        "customers": int(per_customer.size),
        "orders": int(len(orders)),
        "revenue": float(orders["amount"].sum()),
        "first_purchase": tx["timestamp"].min(),
        "last_purchase": tx["timestamp"].max(),
        "orders_per_customer": float(per_customer.mean()),
        "one_time_buyer_share": float((per_customer == 1).mean()),
        "mean_basket": float(orders["amount"].mean()),
        "median_days_between_orders": float(gaps.median()) if len(gaps) else float("nan"),
    }
    tp = data.touchpoints
    if tp is not None and len(tp):
        people = tp["customer_id"].unique()
        out["touches"] = int(len(tp))
        out["people_touched"] = int(len(people))
        out["touched_who_bought"] = float(np.isin(people, per_customer.index).mean())
    return pd.Series(out, name="value", dtype=object)


def monthly_sales(transactions: pd.DataFrame, *, by: str | None = "channel") -> pd.DataFrame:
    """Revenue per calendar month, one column per value of ``by`` (or one total column).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 2], "amount": [10.0, 5.0],
    ...                    "timestamp": pd.to_datetime(["2025-01-03", "2025-02-01"])})
    >>> monthly_sales(tx, by=None)["revenue"].tolist()
    [10.0, 5.0]
    """
    month = transactions["timestamp"].dt.to_period("M").rename("month")
    if by is None or by not in transactions.columns:
        return transactions.groupby(month)["amount"].sum().rename("revenue").to_frame()
    return transactions.pivot_table(
        index=month, columns=by, values="amount", aggfunc="sum", fill_value=0.0, observed=True
    )


def basket_sizes(transactions: pd.DataFrame) -> pd.Series:
    """Order values (sum of the order's lines), indexed like the orders."""
    return _orders(transactions)["amount"].rename("basket")


def customers_by_channel(data: Dataset) -> pd.DataFrame:
    """Customers and revenue by the channel of their first purchase.

    Uses ``customers.acquisition_channel`` when present, else the channel of each
    customer's first transaction.
    """
    tx = data.transactions
    if "channel" not in tx.columns and (
        data.customers is None or "acquisition_channel" not in data.customers.columns
    ):
        raise DataError(
            "transactions: no 'channel' column and no customers.acquisition_channel; "
            "customers by channel needs one of them (map yours with Columns(channel=...))."
        )
    if data.customers is not None and "acquisition_channel" in data.customers.columns:
        first = data.customers.set_index("customer_id")["acquisition_channel"]
    else:
        first = tx.sort_values("timestamp").groupby("customer_id")["channel"].first()
    revenue = tx.groupby("customer_id")["amount"].sum()
    df = pd.DataFrame({"channel": first, "revenue": revenue.reindex(first.index, fill_value=0.0)})
    out = df.groupby("channel").agg(customers=("revenue", "size"), revenue=("revenue", "sum"))
    out["share_of_customers"] = out["customers"] / out["customers"].sum()
    return out.sort_values("customers", ascending=False)


def journey_lengths(touchpoints: pd.DataFrame, transactions: pd.DataFrame) -> pd.DataFrame:
    """Touches per person before their first purchase (or in all, for people who never bought).

    Returns a table by number of touches: people, buyers, conversion rate.
    """
    first_buy = transactions.groupby("customer_id")["timestamp"].min()
    t_first = touchpoints["customer_id"].map(first_buy)
    before = touchpoints[t_first.isna() | (touchpoints["timestamp"] <= t_first)]
    n = before.groupby("customer_id").size().rename("touches")
    bought = n.index.isin(first_buy.index)
    df = pd.DataFrame({"touches": n.to_numpy(), "bought": bought})
    out = df.groupby("touches").agg(people=("bought", "size"), buyers=("bought", "sum"))
    out["conversion_rate"] = out["buyers"] / out["people"]
    return out


def conversion_by_channel(touchpoints: pd.DataFrame, transactions: pd.DataFrame) -> pd.DataFrame:
    """For each touch channel: people it reached, how many of them bought, and the rate.

    A raw association (people reached by several channels count for each), not
    an effect: attribution models in :mod:`omnimkt.attribution` separate effects.
    """
    buyers = transactions["customer_id"].unique()
    reach = touchpoints[["customer_id", "channel"]].drop_duplicates()
    reach = reach.assign(bought=reach["customer_id"].isin(buyers))
    out = reach.groupby("channel").agg(people=("bought", "size"), buyers=("bought", "sum"))
    out["conversion_rate"] = out["buyers"] / out["people"]
    return out.sort_values("conversion_rate", ascending=False)


def gaps_by_pack(transactions: pd.DataFrame, *, category: str = "formula") -> pd.DataFrame:
    """Median days from an order to the customer's next one, by units bought in the order.

    For a consumable the gap should grow with the pack: about 7 days a can at one
    can a week (case A).
    """
    tx = transactions
    if "quantity" not in tx.columns:
        raise DataError("transactions: no 'quantity' column; gaps by pack size need units per order.")
    if "category" in tx.columns:
        tx = tx[tx["category"] == category]
    per_day = (
        tx.assign(day=tx["timestamp"].dt.normalize())
        .groupby(["customer_id", "day"], as_index=False)["quantity"].sum()
    )
    nxt = per_day.groupby("customer_id")["day"].shift(-1)
    per_day["days_to_next"] = (nxt - per_day["day"]).dt.days
    out = per_day.dropna(subset=["days_to_next"]).groupby("quantity")["days_to_next"].agg(
        ["size", "median", "mean"]
    )
    out.columns = ["orders", "median_days_to_next", "mean_days_to_next"]
    out["median_days_per_unit"] = out["median_days_to_next"] / out.index.to_numpy()
    return out
