"""Descriptive statistics of a customer data set: the first page of every analysis.

These answer "what is in this data?" before any model: how many customers and
orders over which period, sales by month and channel, basket sizes, how often
customers come back, and (with touchpoints) how long journeys are and how well
each channel's journeys convert.

Functions taking a :class:`~omnimkt.data.Dataset` use its (already validated) tables;
functions taking raw tables check them with ``omnimkt.data.validate_*`` and accept
``columns=`` (``omnimkt.Columns`` or a dict of your column names).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_columns, check_frame
from omnimkt.data.dataset import Dataset
from omnimkt.errors import DataError, ModelError

__all__ = ["basket_sizes", "conversion_by_channel", "customers_by_channel", "gaps_by_pack",
           "journey_lengths", "key_figures", "monthly_sales"]


def _transactions(transactions: Any, columns: Any) -> pd.DataFrame:
    from omnimkt.data import validate_transactions

    check_frame(transactions, "transactions")
    # identical rows are kept: two identical order lines are two real purchases
    return validate_transactions(transactions, as_columns(columns), duplicates="keep")


def _touchpoints(touchpoints: Any, columns: Any) -> pd.DataFrame:
    from omnimkt.data import validate_touchpoints

    check_frame(touchpoints, "touchpoints")
    return validate_touchpoints(touchpoints, as_columns(columns), duplicates="keep")


def _dataset(data: Any) -> Dataset:
    if not isinstance(data, Dataset):
        raise ModelError(f"data: expected an omnimkt Dataset (e.g. omnimkt.load_dataset(...) "
                         f"or a generated world), got {type(data).__name__}.")
    return data


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


def key_figures(data: Any) -> pd.Series:
    """Headline numbers of a data set.

    ``data`` is a :class:`~omnimkt.data.Dataset`, or transactions in an engine
    (polars/pyarrow table, DuckDB relation, Parquet/CSV path, Spark DataFrame; a
    Dataset may hold such tables too): the figures are then aggregated in that
    engine (:mod:`omnimkt.data.engine`).

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
    from omnimkt.data.engine import is_engine_source

    if is_engine_source(data):  # transactions where they live (DuckDB, Spark)
        return _key_figures_lazy(data, None)
    tx = _dataset(data).transactions
    if tx is not None and is_engine_source(tx):
        return _key_figures_lazy(tx, data.touchpoints)
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


def monthly_sales(transactions: pd.DataFrame, *, by: str | None = "channel",
                  columns: Any = None) -> pd.DataFrame:
    """Revenue per calendar month, one column per value of ``by`` (or one total column
    when ``by`` is None or not a column of the transactions).

    ``transactions`` may be in an engine (polars/pyarrow, DuckDB, Parquet/CSV path,
    Spark): the monthly sums then run there and only the month table comes back.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 2], "amount": [10.0, 5.0],
    ...                    "timestamp": pd.to_datetime(["2025-01-03", "2025-02-01"])})
    >>> monthly_sales(tx, by=None)["revenue"].tolist()
    [10.0, 5.0]
    """
    if by is not None and not isinstance(by, str):
        raise ModelError(f"by: expected a column name or None, got {by!r}.")
    from omnimkt.data.engine import is_engine_source

    if is_engine_source(transactions):  # summed where the data lives (DuckDB, Spark)
        return _monthly_sales_lazy(transactions, by, columns)
    transactions = _transactions(transactions, columns)
    month = transactions["timestamp"].dt.to_period("M").rename("month")
    if by is None or by not in transactions.columns:
        return transactions.groupby(month)["amount"].sum().rename("revenue").to_frame()
    return transactions.pivot_table(
        index=month, columns=by, values="amount", aggfunc="sum", fill_value=0.0, observed=True
    )


def _key_figures_lazy(transactions: Any, touchpoints: Any) -> pd.Series:
    """:func:`key_figures` with every aggregation in the engine (narwhals)."""
    import narwhals as nw

    from omnimkt.data.engine import collect, is_engine_source, lazy_table
    from omnimkt.segments._lazy import epoch_seconds

    lf = lazy_table(transactions, "transactions")
    names = lf.collect_schema().names()
    if "order_id" in names:
        orders = lf.group_by("order_id").agg(nw.col("customer_id").min(),
                                             nw.col("timestamp").min(), nw.col("amount").sum())
    else:
        orders = lf.group_by("customer_id", "timestamp").agg(nw.col("amount").sum())
    per = orders.group_by("customer_id").agg(nw.len().alias("n"))
    days = (nw.col("_s").diff().over("customer_id", order_by="timestamp").cast(nw.Float64)
            / 86_400.0)
    top = collect(lf.select(nw.col("timestamp").min().alias("first"),
                            nw.col("timestamp").max().alias("last"), nw.len().alias("rows")))
    if int(top["rows"].iloc[0]) == 0:
        raise DataError("transactions: the table is empty; key figures need at least one purchase.")
    o = collect(orders.select(nw.len().alias("orders"), nw.col("amount").sum().alias("revenue"),
                              nw.col("amount").mean().alias("mean_basket")))
    c = collect(per.select(nw.len().alias("customers"), nw.col("n").mean().alias("opc"),
                           (nw.col("n") == 1).cast(nw.Float64).mean().alias("one")))
    gap = collect(orders.with_columns(_s=epoch_seconds(nw.col("timestamp")))
                  .select(gap=days).filter(~nw.col("gap").is_null())
                  .select(nw.col("gap").median().alias("m"), nw.len().alias("k")))
    out = {
        "customers": int(c["customers"].iloc[0]),
        "orders": int(o["orders"].iloc[0]),
        "revenue": float(o["revenue"].iloc[0]),
        "first_purchase": pd.Timestamp(top["first"].iloc[0]),
        "last_purchase": pd.Timestamp(top["last"].iloc[0]),
        "orders_per_customer": float(c["opc"].iloc[0]),
        "one_time_buyer_share": float(c["one"].iloc[0]),
        "mean_basket": float(o["mean_basket"].iloc[0]),
        "median_days_between_orders": (float(gap["m"].iloc[0]) if int(gap["k"].iloc[0])
                                       else float("nan")),
    }
    if touchpoints is not None and (is_engine_source(touchpoints) or len(touchpoints)):
        tp = (lazy_table(touchpoints, "touchpoints") if is_engine_source(touchpoints)
              else None)
        if tp is not None:
            people = tp.select("customer_id").unique()
            bought = people.join(per.select("customer_id"), on="customer_id", how="semi")
            t = collect(tp.select(nw.len().alias("touches")))
            p = collect(people.select(nw.len().alias("people")))
            b = collect(bought.select(nw.len().alias("buyers")))
            n_people = int(p["people"].iloc[0])
            if int(t["touches"].iloc[0]):
                out["touches"] = int(t["touches"].iloc[0])
                out["people_touched"] = n_people
                out["touched_who_bought"] = float(int(b["buyers"].iloc[0]) / n_people)
        else:
            buyers = collect(per.select("customer_id"))["customer_id"].to_numpy()
            people_np = touchpoints["customer_id"].unique()
            out["touches"] = int(len(touchpoints))
            out["people_touched"] = int(len(people_np))
            out["touched_who_bought"] = float(np.isin(people_np, buyers).mean())
    return pd.Series(out, name="value", dtype=object)


def _monthly_sales_lazy(transactions: Any, by: str | None, columns: Any) -> pd.DataFrame:
    """:func:`monthly_sales` summed per month (and ``by``) in the engine."""
    import narwhals as nw

    from omnimkt.data.engine import collect, lazy_table

    lf = lazy_table(transactions, "transactions", columns)
    month = nw.col("timestamp").dt.truncate("1mo").alias("month")
    if by is None or by not in lf.collect_schema().names():
        sums = collect(lf.group_by(month).agg(nw.col("amount").sum()).sort("month"))
        idx = pd.PeriodIndex(pd.to_datetime(sums["month"]).dt.to_period("M"), name="month")
        return pd.DataFrame({"revenue": sums["amount"].to_numpy(dtype=float)}, index=idx)
    sums = collect(lf.filter(~nw.col(by).is_null()).group_by(month, nw.col(by))
                   .agg(nw.col("amount").sum()))
    sums["month"] = pd.to_datetime(sums["month"]).dt.to_period("M")
    return sums.pivot_table(index="month", columns=by, values="amount", aggfunc="sum",
                            fill_value=0.0, observed=True)


def basket_sizes(transactions: pd.DataFrame, *, columns: Any = None) -> pd.Series:
    """Order values (sum of the order's lines), indexed like the orders.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [10.0, 5.0, 7.0],
    ...     "timestamp": pd.to_datetime(["2025-01-03", "2025-01-03", "2025-02-01"])})
    >>> sorted(basket_sizes(tx).tolist())
    [7.0, 15.0]
    """
    return _orders(_transactions(transactions, columns))["amount"].rename("basket")


def customers_by_channel(data: Dataset) -> pd.DataFrame:
    """Customers and revenue by the channel of their first purchase.

    Uses ``customers.acquisition_channel`` when present, else the channel of each
    customer's first transaction.

    Examples
    --------
    >>> from omnimkt.datasets import generate
    >>> int(customers_by_channel(generate(300, seed=1))["customers"].sum())
    300
    """
    tx = _dataset(data).transactions
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


def journey_lengths(touchpoints: pd.DataFrame, transactions: pd.DataFrame, *,
                    columns: Any = None) -> pd.DataFrame:
    """Touches per person before their first purchase (or in all, for people who never bought).

    Returns a table by number of touches: people, buyers, conversion rate.

    Examples
    --------
    >>> tp = pd.DataFrame({"customer_id": [1, 1, 2], "channel": ["sms", "tv", "sms"],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-01"])})
    >>> tx = pd.DataFrame({"customer_id": [1, 3], "amount": [5.0, 9.0],
    ...     "timestamp": pd.to_datetime(["2025-01-03", "2025-01-04"])})
    >>> journey_lengths(tp, tx)["conversion_rate"].tolist()
    [0.0, 1.0]
    """
    touchpoints = _touchpoints(touchpoints, columns)
    transactions = _transactions(transactions, columns)
    first_buy = transactions.groupby("customer_id")["timestamp"].min()
    t_first = touchpoints["customer_id"].map(first_buy)
    before = touchpoints[t_first.isna() | (touchpoints["timestamp"] <= t_first)]
    n = before.groupby("customer_id").size().rename("touches")
    bought = n.index.isin(first_buy.index)
    df = pd.DataFrame({"touches": n.to_numpy(), "bought": bought})
    out = df.groupby("touches").agg(people=("bought", "size"), buyers=("bought", "sum"))
    out["conversion_rate"] = out["buyers"] / out["people"]
    return out


def conversion_by_channel(touchpoints: pd.DataFrame, transactions: pd.DataFrame, *,
                          columns: Any = None) -> pd.DataFrame:
    """For each touch channel: people it reached, how many of them bought, and the rate.

    A raw association (people reached by several channels count for each), not
    an effect: attribution models in :mod:`omnimkt.attribution` separate effects.

    Examples
    --------
    >>> tp = pd.DataFrame({"customer_id": [1, 2], "channel": ["sms", "tv"],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-01"])})
    >>> tx = pd.DataFrame({"customer_id": [1, 3], "amount": [5.0, 9.0],
    ...     "timestamp": pd.to_datetime(["2025-01-03", "2025-01-04"])})
    >>> conversion_by_channel(tp, tx)["conversion_rate"].to_dict()
    {'sms': 1.0, 'tv': 0.0}
    """
    touchpoints = _touchpoints(touchpoints, columns)
    transactions = _transactions(transactions, columns)
    buyers = transactions["customer_id"].unique()
    reach = touchpoints[["customer_id", "channel"]].drop_duplicates()
    reach = reach.assign(bought=reach["customer_id"].isin(buyers))
    out = reach.groupby("channel").agg(people=("bought", "size"), buyers=("bought", "sum"))
    out["conversion_rate"] = out["buyers"] / out["people"]
    return out.sort_values("conversion_rate", ascending=False)


def gaps_by_pack(transactions: pd.DataFrame, *, category: str | None = "formula",
                 columns: Any = None) -> pd.DataFrame:
    """Median days from an order to the customer's next one, by units bought in the order.

    For a consumable the gap should grow with the pack: about 7 days a can at one
    can a week (case A). Only rows of ``category`` count when the transactions have
    a category column (None: all rows).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2], "amount": 1.0, "quantity": [1, 2, 1, 3],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-08", "2025-01-22", "2025-01-05"])})
    >>> gaps_by_pack(tx)["median_days_to_next"].to_dict()
    {1: 7.0, 2: 14.0}
    """
    if category is not None and not isinstance(category, str):
        raise ModelError(f"category: expected a category name or None, got {category!r}.")
    tx = _transactions(transactions, columns)
    if "quantity" not in tx.columns:
        raise DataError("transactions: no 'quantity' column; gaps by pack size need units per order.")
    if "category" in tx.columns and category is not None:
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
