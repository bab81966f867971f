"""Churn features and labels: per-customer features from the calibration window only
(:func:`churn_features`), the 90-day wake-up label (:func:`churn_labels`) and the
synthetic world's true dropout (:func:`true_churn`)."""

from __future__ import annotations

from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from omnimkt._gate import as_day, day_after
from omnimkt.churn._common import _cutoff, _holdout_end, _prepare_side, _transactions
from omnimkt.errors import DataError

__all__ = ["churn_features", "churn_labels", "true_churn"]

def _orders(tx: pd.DataFrame) -> pd.DataFrame:
    """One row per order (order_id when given, else one per customer and timestamp)."""
    agg: dict[str, tuple[str, str]] = {"amount": ("amount", "sum")}
    if "quantity" in tx.columns:
        agg["quantity"] = ("quantity", "sum")
    if "order_id" in tx.columns:
        agg["timestamp"] = ("timestamp", "min")
        keys = ["customer_id", "order_id"]
    else:
        keys = ["customer_id", "timestamp"]
    return tx.groupby(keys, sort=True).agg(**agg).reset_index()


def churn_features(transactions: pd.DataFrame, cutoff: Any, *,
                   customers: pd.DataFrame | None = None,
                   touchpoints: pd.DataFrame | None = None,
                   columns: Any = None) -> pd.DataFrame:
    """Per-customer churn features from the calibration window only.

    Only rows on or before ``cutoff`` (inclusive, whole days) are used, so the
    features never see the holdout. Customers with no purchase by then are
    left out. Columns (those needing an absent column are skipped):

    ``n_orders`` orders (``order_id``, else distinct timestamps);
    ``n_purchase_days`` distinct purchase days; ``recency_days`` days from the
    last purchase to the cut-off; ``tenure_days`` days from the first purchase;
    ``total_spend`` and ``avg_basket`` (spend per order); ``avg_units`` units
    per order (``quantity``); ``n_channels`` sales channels used (``channel``);
    ``cat_share_<c>`` share of spend in each category (``category``);
    ``avg_discount_rate`` discount / list price; ``gap_mean_days``,
    ``gap_median_days`` and ``gap_cv`` (coefficient of variation, population
    std / mean, of the gaps between purchase days: regularity; NaN below two
    gaps); ``overdue_ratio`` = ``recency_days / gap_median_days`` (days since
    the last purchase against the customer's typical gap); with ``customers``
    holding ``referrer_id``: ``was_referred`` (0/1) and ``n_referred`` (people
    they referred whose ``signup_date`` -- else first purchase -- is on or
    before the cut-off); with ``touchpoints``: ``n_touchpoints``,
    ``n_touch_channels`` and ``days_since_last_touch`` in the window. ``columns``
    (``omnimkt.Columns`` or a dict) maps your column names, in every table.

    Returns
    -------
    DataFrame indexed by ``customer_id``.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-11", "2025-01-31", "2025-01-20"]),
    ...     "amount": [10.0, 20.0, 30.0, 5.0]})
    >>> f = churn_features(tx, "2025-02-10")
    >>> f.loc[1, ["n_orders", "recency_days", "avg_basket", "gap_mean_days"]].tolist()
    [3.0, 10.0, 20.0, 15.0]
    """
    from omnimkt.data.engine import is_engine_source

    if is_engine_source(transactions):  # aggregated where the data lives (DuckDB, Spark)
        return _features_engine(transactions, cutoff, customers, touchpoints, columns)
    tx = _transactions(transactions, columns)
    tx, customers, touchpoints = _prepare_side(tx, customers, touchpoints, columns)
    return _features(tx, _cutoff(tx, cutoff), customers, touchpoints)


def _features(tx: pd.DataFrame, cut: pd.Timestamp, customers: pd.DataFrame | None,
              touchpoints: pd.DataFrame | None) -> pd.DataFrame:
    cal = tx[tx["timestamp"].dt.normalize() <= cut]
    orders = _orders(cal)
    g = orders.groupby("customer_id", sort=True)
    feats = pd.DataFrame({"n_orders": g.size().astype("int64")})
    days = orders[["customer_id"]].assign(day=orders["timestamp"].dt.normalize())
    days = days.drop_duplicates().sort_values(["customer_id", "day"], kind="stable")
    gd = days.groupby("customer_id", sort=True)["day"]
    feats["n_purchase_days"] = gd.size().astype("int64")
    feats["recency_days"] = (cut - gd.max()).dt.days.astype("int64")
    feats["tenure_days"] = (cut - gd.min()).dt.days.astype("int64")
    feats["total_spend"] = g["amount"].sum().astype("float64")
    feats["avg_basket"] = feats["total_spend"] / feats["n_orders"]
    if "quantity" in orders.columns:
        feats["avg_units"] = g["quantity"].sum().astype("float64") / feats["n_orders"]
    if "channel" in cal.columns:
        feats["n_channels"] = cal.groupby("customer_id")["channel"].nunique().astype("int64")
    if "category" in cal.columns:
        spend = cal.pivot_table(index="customer_id", columns="category", values="amount",
                                aggfunc="sum", fill_value=0.0, observed=True)
        share = spend.div(spend.sum(axis=1).replace(0.0, np.nan), axis=0).fillna(0.0)
        share.columns = [f"cat_share_{c}" for c in share.columns]
        feats = feats.join(share.astype("float64"))
    if {"discount", "list_price"} <= set(cal.columns):
        sums = cal.groupby("customer_id")[["discount", "list_price"]].sum()
        feats["avg_discount_rate"] = (
            sums["discount"] / sums["list_price"].replace(0.0, np.nan)).astype("float64")
    gaps = days.assign(gap=gd.diff().dt.days).dropna(subset=["gap"])
    gg = gaps.groupby("customer_id")["gap"]
    stats = pd.DataFrame({"n": gg.size(), "mean": gg.mean(), "median": gg.median(),
                          "std": gg.std(ddof=0)})
    feats["gap_mean_days"] = stats["mean"].astype("float64")
    feats["gap_median_days"] = stats["median"].astype("float64")
    # regularity needs at least two gaps; one gap has no spread to speak of
    cv = (stats["std"] / stats["mean"].replace(0.0, np.nan)).where(stats["n"] >= 2)
    feats["gap_cv"] = cv.astype("float64")
    feats["overdue_ratio"] = (
        feats["recency_days"] / feats["gap_median_days"].replace(0.0, np.nan))
    if customers is not None:
        feats = feats.join(_referral_features(customers, cal, cut, feats.index))
    if touchpoints is not None:
        feats = feats.join(_touch_features(touchpoints, cut, feats.index))
    feats.index.name = "customer_id"
    return feats


def _features_engine(transactions: Any, cutoff: Any, customers: pd.DataFrame | None,
                     touchpoints: Any, columns: Any) -> pd.DataFrame:
    """:func:`churn_features` on an engine source; side tables in pandas or in the engine."""
    from omnimkt.data.engine import collect, is_engine_source, lazy_table

    lf = lazy_table(transactions, "transactions", columns)
    first, n_rows = collect(lf.select(nw.col("timestamp").min().alias("t"),
                                      nw.len().alias("n"))).iloc[0]
    cut = as_day(cutoff, "cutoff")
    if cut < pd.Timestamp(first).normalize():
        raise DataError(
            f"cutoff {cut.date()} is before the first transaction "
            f"({pd.Timestamp(first).normalize().date()}): no customer is active in the "
            f"calibration window (transactions.timestamp, 0 of {int(n_rows):,} rows on or "
            "before it). Choose a cut-off inside the data.")
    feats = _features_lazy(lf.filter(nw.col("timestamp") < day_after(cut).to_pydatetime()), cut)
    tp_lazy = touchpoints if touchpoints is not None and is_engine_source(touchpoints) else None
    ids = pd.DataFrame({"customer_id": feats.index.to_numpy()})
    ids, customers, touchpoints = _prepare_side(ids, customers,
                                                None if tp_lazy is not None else touchpoints,
                                                columns)
    feats.index = pd.Index(ids["customer_id"].to_numpy(), name="customer_id")
    if customers is not None:
        feats = feats.join(_referral_features(customers, ids, cut, feats.index))
    if touchpoints is not None:
        feats = feats.join(_touch_features(touchpoints, cut, feats.index))
    if tp_lazy is not None:
        tp = lazy_table(tp_lazy, "touchpoints", columns)
        feats = feats.join(_touch_features_lazy(tp, cut, feats.index))
    feats.index.name = "customer_id"
    return feats


def _features_lazy(cal: nw.LazyFrame, cut: pd.Timestamp) -> pd.DataFrame:
    """The per-customer features of :func:`_features` as narwhals aggregations."""
    from omnimkt.data.engine import collect
    from omnimkt.segments._lazy import epoch_days

    names = cal.collect_schema().names()
    agg = [nw.col("amount").sum()]
    if "quantity" in names:
        agg.append(nw.col("quantity").sum())
    if "order_id" in names:
        orders = cal.group_by("customer_id", "order_id").agg(*agg, nw.col("timestamp").min())
    else:
        orders = cal.group_by("customer_id", "timestamp").agg(*agg)
    per = [nw.len().alias("n_orders"), nw.col("amount").sum().alias("total_spend")]
    if "quantity" in names:
        per.append(nw.col("quantity").sum().cast(nw.Float64).alias("units"))
    feats = collect(orders.group_by("customer_id").agg(*per).sort("customer_id"))
    feats = feats.set_index("customer_id")
    days = orders.select("customer_id", day=nw.col("timestamp").dt.truncate("1d")).unique()
    gap = epoch_days(nw.col("day")).diff().over("customer_id", order_by="day")
    gaps = (days.with_columns(gap=gap.cast(nw.Float64))
            .group_by("customer_id")
            .agg(nw.len().alias("n_purchase_days"), nw.col("day").min().alias("first"),
                 nw.col("day").max().alias("last"), nw.col("gap").count().alias("n"),
                 nw.col("gap").mean().alias("mean"), nw.col("gap").median().alias("median"),
                 nw.col("gap").std(ddof=0).alias("std")))
    g = collect(gaps).set_index("customer_id").reindex(feats.index)
    out = pd.DataFrame({"n_orders": feats["n_orders"].astype("int64")}, index=feats.index)
    out["n_purchase_days"] = g["n_purchase_days"].astype("int64")
    out["recency_days"] = (cut - pd.to_datetime(g["last"])).dt.days.astype("int64")
    out["tenure_days"] = (cut - pd.to_datetime(g["first"])).dt.days.astype("int64")
    out["total_spend"] = feats["total_spend"].astype("float64")
    out["avg_basket"] = out["total_spend"] / out["n_orders"]
    if "quantity" in names:
        out["avg_units"] = feats["units"].astype("float64") / out["n_orders"]
    if "channel" in names:
        nch = collect(cal.filter(~nw.col("channel").is_null()).group_by("customer_id")
                      .agg(nw.col("channel").n_unique().alias("n"))).set_index("customer_id")
        out["n_channels"] = nch["n"].reindex(out.index, fill_value=0).astype("int64")
    if "category" in names:
        out = out.join(_category_shares(cal, out.index))
    if {"discount", "list_price"} <= set(names):
        sums = collect(cal.group_by("customer_id").agg(
            nw.col("discount").sum().fill_null(0.0), nw.col("list_price").sum().fill_null(0.0))
        ).set_index("customer_id").reindex(out.index)
        out["avg_discount_rate"] = (
            sums["discount"] / sums["list_price"].replace(0.0, np.nan)).astype("float64")
    out["gap_mean_days"] = g["mean"].astype("float64")
    out["gap_median_days"] = g["median"].astype("float64")
    cv = (g["std"] / g["mean"].replace(0.0, np.nan)).where(g["n"] >= 2)
    out["gap_cv"] = cv.astype("float64")
    out["overdue_ratio"] = out["recency_days"] / out["gap_median_days"].replace(0.0, np.nan)
    return out


def _category_shares(cal: nw.LazyFrame, index: pd.Index) -> pd.DataFrame:
    """``cat_share_<c>``: spend per category summed in the engine, shares in pandas."""
    from omnimkt.data.engine import collect

    spend = collect(cal.filter(~nw.col("category").is_null())
                    .group_by("customer_id", "category").agg(nw.col("amount").sum()))
    wide = spend.pivot_table(index="customer_id", columns="category", values="amount",
                             aggfunc="sum", fill_value=0.0, observed=True)
    share = wide.div(wide.sum(axis=1).replace(0.0, np.nan), axis=0).fillna(0.0)
    share.columns = [f"cat_share_{c}" for c in share.columns]
    return share.astype("float64").reindex(index)


def _touch_features_lazy(tp: nw.LazyFrame, cut: pd.Timestamp, index: pd.Index) -> pd.DataFrame:
    """:func:`_touch_features` aggregated in the engine."""
    from omnimkt.data.engine import collect

    g = collect(tp.filter(nw.col("timestamp") < day_after(cut).to_pydatetime())
                .group_by("customer_id")
                .agg(nw.len().alias("n"), nw.col("channel").n_unique().alias("k"),
                     nw.col("timestamp").max().dt.truncate("1d").alias("day")))
    g = g.set_index("customer_id")
    g.index = g.index.astype(index.dtype) if len(g) else g.index
    out = pd.DataFrame(index=index)
    out["n_touchpoints"] = g["n"].reindex(index, fill_value=0).astype("int64")
    out["n_touch_channels"] = g["k"].reindex(index, fill_value=0).astype("int64")
    out["days_since_last_touch"] = (cut - pd.to_datetime(g["day"])).dt.days.reindex(
        index).astype("float64")
    return out


def _referral_features(customers: pd.DataFrame, cal: pd.DataFrame, cut: pd.Timestamp,
                       index: pd.Index) -> pd.DataFrame:
    out = pd.DataFrame(index=index)
    if "referrer_id" not in customers.columns:
        return out
    ref = customers[["customer_id", "referrer_id"]]
    referred = ref.loc[ref["referrer_id"].notna(), "customer_id"]
    out["was_referred"] = index.isin(referred).astype("int64")
    # a referral counts once the referred person is a customer by the cut-off
    if "signup_date" in customers.columns:
        when = pd.to_datetime(customers["signup_date"], errors="coerce").dt.normalize()
        known = ref[(when <= cut).to_numpy() & ref["referrer_id"].notna().to_numpy()]
    else:
        buyers = cal["customer_id"].unique()
        known = ref[ref["customer_id"].isin(buyers) & ref["referrer_id"].notna()]
    counts = known.groupby("referrer_id").size()
    counts.index = counts.index.astype(object)  # Int64 referrers vs int64 ids, or str
    out["n_referred"] = counts.reindex(index.astype(object), fill_value=0).astype(
        "int64").to_numpy()
    return out


def _touch_features(touchpoints: pd.DataFrame, cut: pd.Timestamp,
                    index: pd.Index) -> pd.DataFrame:
    tp = touchpoints[["customer_id", "timestamp", "channel"]]
    day = pd.to_datetime(tp["timestamp"]).dt.normalize()
    tp = tp[(day <= cut).to_numpy()].assign(day=day[day <= cut])
    g = tp.groupby("customer_id")
    out = pd.DataFrame(index=index)
    out["n_touchpoints"] = g.size().reindex(index, fill_value=0).astype("int64")
    out["n_touch_channels"] = g["channel"].nunique().reindex(index, fill_value=0).astype("int64")
    out["days_since_last_touch"] = (cut - g["day"].max()).dt.days.reindex(index).astype(
        "float64")
    return out


def churn_labels(transactions: pd.DataFrame, cutoff: Any, horizon_days: int = 90,
                 *, observation_end: Any = None, columns: Any = None) -> pd.Series:
    """1 if a customer active by ``cutoff`` makes no purchase in the next days.

    The case's wake-up rule: no purchase for three months (``horizon_days=90``)
    marks a customer to win back. Customers are those with a purchase on or
    before the cut-off (inclusive); the window is ``(cutoff, cutoff + horizon_days]``
    in whole days and must lie inside the data (up to the last transaction, or
    ``observation_end`` if the data is known to run later). ``columns`` maps your
    column names.

    Returns
    -------
    Series of int (1 = churned, 0 = bought again) named ``churned``, indexed by
    ``customer_id``.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-02-15", "2025-01-05",
    ...                                  "2025-06-01"]), "amount": [1.0, 1.0, 1.0, 1.0]})
    >>> churn_labels(tx, "2025-01-31", horizon_days=90).to_dict()
    {1: 0, 2: 1}
    """
    tx = _transactions(transactions, columns)
    cut = _cutoff(tx, cutoff)
    return _labels(tx, cut, _holdout_end(tx, cut, horizon_days, observation_end))


def _labels(tx: pd.DataFrame, cut: pd.Timestamp, stop: pd.Timestamp) -> pd.Series:
    day = tx["timestamp"].dt.normalize()
    active = pd.Index(np.sort(tx.loc[day <= cut, "customer_id"].unique()), name="customer_id")
    back = tx.loc[(day > cut) & (day <= stop), "customer_id"].unique()
    return pd.Series((~active.isin(back)).astype("int64"), index=active, name="churned")


def true_churn(truth_customers: pd.DataFrame, cutoff: Any,
               index: pd.Index | None = None) -> pd.Series:
    """Ground truth from a synthetic world: 1 if the customer had dropped out by ``cutoff``
    (inclusive: a drop-out on the cut-off day, at any hour, counts).

    ``truth_customers`` is ``world.truth.customers`` (index ``customer_id``,
    column ``churn_date``, NaT while alive). ``index`` restricts the result to
    the customers scored.

    Examples
    --------
    >>> truth = pd.DataFrame({"churn_date": pd.to_datetime(["2025-03-01 18:00", None])},
    ...                      index=pd.Index([1, 2], name="customer_id"))
    >>> true_churn(truth, "2025-03-01").tolist()
    [1, 0]
    """
    if "churn_date" not in truth_customers.columns:
        raise DataError("truth.customers: missing column churn_date (the date each customer "
                        "became inactive, NaT if alive). Pass world.truth.customers.")
    when = pd.to_datetime(truth_customers["churn_date"])
    stop = day_after(as_day(cutoff, "cutoff"))
    out = (when.notna() & (when < stop)).astype("int64").rename("true_churned")
    out.index.name = "customer_id"
    return out if index is None else out.reindex(index)
