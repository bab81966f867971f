"""The per-customer table of the segments family computed where the data lives.

The aggregation from order lines to one row per customer runs as narwhals
expressions on a lazy frame (DuckDB or Spark, see :mod:`omnimkt.data.engine`);
only the per-customer result comes back to pandas, where the same arithmetic as
:func:`omnimkt.segments._base._customer_table_from_orders` finishes the table.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from omnimkt._gate import as_day, day_after
from omnimkt.errors import DataError

__all__ = ["customer_table_lazy", "epoch_days", "epoch_seconds", "has_rows", "history_lazy",
           "orders_lazy"]


def epoch_days(e: nw.Expr) -> nw.Expr:
    """Whole days since 1970-01-01 of a datetime expression (the day it falls on).

    Built from calendar parts because narwhals has no duration arithmetic on Spark
    (``dt.total_seconds`` and ``dt.timestamp`` are not implemented there); the
    proleptic Gregorian day count is exact on every engine.
    """
    y = e.dt.year().cast(nw.Int64) - 1
    return (y * 365 + y // 4 - y // 100 + y // 400 - 719_162
            + e.dt.ordinal_day().cast(nw.Int64) - 1)


def epoch_seconds(e: nw.Expr) -> nw.Expr:
    """Whole seconds since 1970-01-01 of a datetime expression (see :func:`epoch_days`).

    Sub-second parts are dropped: narwhals' ``dt.microsecond`` on Spark needs a
    zoned TIMESTAMP, and canonical tables hold naive ones (TIMESTAMP_NTZ).
    """
    return (epoch_days(e) * 86_400 + e.dt.hour().cast(nw.Int64) * 3_600
            + e.dt.minute().cast(nw.Int64) * 60 + e.dt.second().cast(nw.Int64))


def _scalar(lf: nw.LazyFrame, expr: nw.Expr) -> Any:
    from omnimkt.data.engine import collect

    return collect(lf.select(expr.alias("v")))["v"].iloc[0]


def has_rows(lf: nw.LazyFrame, column: str, value: Any) -> bool:
    """True when ``column`` exists and some row holds ``value``."""
    if column not in lf.collect_schema().names():
        return False
    return int(_scalar(lf.filter(nw.col(column) == value), nw.len())) > 0


def history_lazy(lf: nw.LazyFrame, cutoff: Any) -> tuple[nw.LazyFrame, pd.Timestamp, pd.Timestamp]:
    """Engine twin of :func:`omnimkt.segments._base.history` (same cutoff rule, same error)."""
    day = as_day(cutoff, "cutoff", allow_none=True)
    if day is None:
        last = _scalar(lf, nw.col("timestamp").max())
        day = pd.Timestamp(last).normalize()
    end = day_after(day)
    out = lf.filter(nw.col("timestamp") < end.to_pydatetime())
    if int(_scalar(out, nw.len())) == 0:
        raise DataError(f"transactions.timestamp: no purchase on or before cutoff={day.date()} "
                        "(0 rows left). Choose a later cutoff.")
    return out, day, end


def orders_lazy(lf: nw.LazyFrame) -> nw.LazyFrame:
    """One row per order, as :func:`omnimkt.segments._base.orders_table` (order_id when
    present, else customer and timestamp): customer_id, timestamp, amount (+ units,
    list_spend)."""
    names = lf.collect_schema().names()
    key = "order_id" if "order_id" in names else "timestamp"
    aggs = [nw.col("amount").sum()]
    if key == "order_id":
        aggs.append(nw.col("timestamp").min())
    if "quantity" in names:
        aggs.append(nw.col("quantity").cast(nw.Float64).sum().alias("units"))
    if "list_price" in names:
        aggs.append(nw.col("list_price").cast(nw.Float64).sum().alias("list_spend"))
    return lf.group_by("customer_id", key).agg(*aggs)


def customer_table_lazy(lf: nw.LazyFrame, cutoff: Any) -> pd.DataFrame:
    """:func:`omnimkt.segments.customer_table` on a lazy transactions frame."""
    from omnimkt.data.engine import collect
    from omnimkt.segments._base import CUSTOMER_TABLE_COLUMNS, regularity

    hist, _, end = history_lazy(lf, cutoff)
    orders = orders_lazy(hist)
    names = orders.collect_schema().names()
    # gap to the previous order in whole seconds, as the pandas path truncates to seconds
    # gaps between orders in whole seconds, as the pandas path truncates them
    gap = (nw.col("_s").diff().over("customer_id", order_by="timestamp").cast(nw.Float64)
           / 86400.0).fill_null(0.0)
    orders = orders.with_columns(_s=epoch_seconds(nw.col("timestamp"))).with_columns(gap=gap)
    aggs = [nw.col("timestamp").min().alias("first_purchase"),
            nw.col("timestamp").max().alias("last_purchase"),
            nw.len().alias("orders"), nw.col("amount").sum().alias("spend"),
            nw.col("amount").median().alias("median_basket"),
            nw.col("gap").sum().alias("s1"), (nw.col("gap") ** 2).sum().alias("s2")]
    aggs += [nw.col(c).sum().alias(c) for c in ("units", "list_spend") if c in names]
    per = collect(orders.group_by("customer_id").agg(*aggs).sort("customer_id"))
    out = per.set_index("customer_id")
    out["orders"] = out["orders"].astype("int64")
    for name in ("units", "list_spend"):
        if name not in out.columns:
            out[name] = np.nan
    out["first_purchase"] = out["first_purchase"].astype("datetime64[ns]")
    out["last_purchase"] = out["last_purchase"].astype("datetime64[ns]")
    day = pd.Timedelta(days=1)
    out["recency_days"] = (end - out["last_purchase"]) / day
    out["tenure_days"] = (end - out["first_purchase"]) / day
    out["lifespan_days"] = (out["last_purchase"] - out["first_purchase"]) / day
    out["mean_basket"] = out["spend"] / out["orders"]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = out["spend"] / out["list_spend"]
    out["price_ratio"] = ratio.where(out["list_spend"] > 0)
    out["regularity"] = regularity(out["s1"].to_numpy(dtype=float),
                                   out["s2"].to_numpy(dtype=float),
                                   (out["orders"] - 1).to_numpy())
    return out[list(CUSTOMER_TABLE_COLUMNS)]
