"""The report on data in an engine (DuckDB relations or Spark DataFrames; ``--engine``).

Sections whose models have engine paths run on the relations: the family
functions take them directly (``key_figures``, ``monthly_sales``, ``analyse_clv``
through ``rfm_summary``, ``customer_table``, ``funnel``, ``build_paths``) and only
small per-customer, per-path or per-value results come back to pandas. The few
extra aggregates a section needs (value of a won-back customer, order values
counted per whole currency unit, order events for the purchase funnel, one-time
buyers, cost per channel, the data's span and row counts) are written here once
in narwhals. Sections that need the raw rows in pandas (cohort triangles, user
paths, the churn backtest, the consumption clock, the points ladder and the
channel tables) are skipped with a note saying they need ``--engine pandas``.

Examples
--------
>>> import pyarrow as pa
>>> tx = pa.table({"customer_id": [1, 1, 2], "timestamp": ["2025-01-01", "2025-01-05",
...                "2025-01-02"], "amount": [5.0, 7.4, 3.0]})
>>> basket_counts(tx).to_dict()
{3.0: 1, 5.0: 1, 7.0: 1}
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from omnimkt.report_sections._common import quiet

__all__ = ["ENGINE_SECTIONS", "analyse_engine", "basket_counts", "engine_name",
           "engine_notes", "engine_skip_text", "is_engine_data", "one_time_recent", "order_events",
           "saved_value_engine", "span_and_rows"]

#: Section -> what runs in the engine (the progress line).
ENGINE_SECTIONS: dict[str, str] = {
    "overview": "key figures, monthly sales and order values",
    "clv": "per-customer frequency, recency and spend",
    "segments": "per-customer statistics",
    "funnel": "per-customer purchase funnel levels",
    "attribution": "the distinct-path table and cost per channel",
}
#: Most order values a histogram is drawn from (counts scaled down above it).
MAX_BASKETS = 200_000
_SKIP = ("{section}: needs the raw rows in pandas; run with --engine pandas for this section.",
         "{section}：需要把原始明细读入内存（pandas），请用 --engine pandas 生成本部分。")


def is_engine_data(data: Any) -> bool:
    """True when the data set's transactions live in an engine (not pandas)."""
    from omnimkt.data.engine import is_engine_source

    tx = getattr(data, "transactions", None)
    return tx is not None and is_engine_source(tx)


def engine_name(data: Any) -> str:
    """"Spark" or "DuckDB": where the transactions of ``data`` live."""
    mod = type(getattr(data, "transactions", data)).__module__ or ""
    return "Spark" if mod.startswith("pyspark") else "DuckDB"


def engine_skip_text(tr: Any, heading: str) -> str:
    """The one-line note of a section (or part of one) skipped on the engine path."""
    return _SKIP[0 if tr.lang == "en" else 1].format(section=heading)


def engine_notes(part: dict[str, Any], tr: Any) -> list[str]:
    """Notes for the parts of a section that ran without what needs pandas."""
    return [engine_skip_text(tr, tr(key) if kind == "tr" else tr.label(key))
            for kind, key in part.get("engine_notes", ())]


def _lazy(source: Any, table: str) -> nw.LazyFrame:
    from omnimkt.data.engine import lazy_table

    # The tables were validated when the data set was loaded.
    return lazy_table(source, table, validate=False)


def span_and_rows(data: Any, tables: tuple[str, ...]) -> dict[str, Any]:
    """First and last transaction time and the row count of each table present."""
    from omnimkt.data.engine import collect

    top = collect(_lazy(data.transactions, "transactions").select(
        nw.col("timestamp").min().alias("first"), nw.col("timestamp").max().alias("last")))
    rows = {}
    for t in tables:
        src = getattr(data, t, None)
        if src is not None:
            rows[t] = int(collect(nw.from_native(src).select(nw.len().alias("n")))["n"].iloc[0])
    return {"first": pd.Timestamp(top["first"].iloc[0]), "last": pd.Timestamp(top["last"].iloc[0]),
            "rows": rows}


def saved_value_engine(transactions: Any, margin: float, lookback_days: int = 365) -> float:
    """:func:`omnimkt.churn.saved_customer_value` (default cutoff) in the engine: margin x
    the median spend, over the last ``lookback_days`` days, of customers who bought in them.

    Examples
    --------
    >>> import pyarrow as pa
    >>> tx = pa.table({"customer_id": [1, 1, 2, 3], "amount": [100.0, 100.0, 50.0, 400.0],
    ...     "timestamp": ["2025-01-01", "2025-06-01", "2025-03-01", "2024-01-01"]})
    >>> saved_value_engine(tx, 0.5)
    62.5
    """
    from omnimkt.data.engine import collect
    from omnimkt.errors import DataError

    lf = _lazy(transactions, "transactions")
    last = collect(lf.select(nw.col("timestamp").max().alias("t")))["t"].iloc[0]
    cut = pd.Timestamp(last).normalize()
    lo = (cut - pd.Timedelta(days=lookback_days - 1)).to_pydatetime()
    # day > cut - lookback and day <= cut: from midnight of the first day in the window
    year = lf.filter(nw.col("timestamp") >= lo,
                     nw.col("timestamp") < (cut + pd.Timedelta(days=1)).to_pydatetime())
    per = year.group_by("customer_id").agg(nw.col("amount").sum())
    med = collect(per.select(nw.col("amount").median().alias("m"), nw.len().alias("n")))
    if int(med["n"].iloc[0]) == 0:
        raise DataError(f"transactions.timestamp: no purchase in the {lookback_days} days "
                        f"up to {cut.date()}; choose another cutoff.")
    return margin * float(med["m"].iloc[0])


def _orders(lf: nw.LazyFrame) -> nw.LazyFrame:
    """One row per order (lines of one order_id, or of one customer and timestamp)."""
    if "order_id" in lf.collect_schema().names():
        return lf.group_by("customer_id", "order_id").agg(nw.col("timestamp").min(),
                                                          nw.col("amount").sum())
    return lf.group_by("customer_id", "timestamp").agg(nw.col("amount").sum())


def basket_counts(transactions: Any) -> pd.Series:
    """Orders per order value rounded to a whole currency unit (index: value), counted in
    the engine; the histogram of order values without the orders."""
    from omnimkt.data.engine import collect

    orders = _orders(_lazy(transactions, "transactions"))
    counts = collect(orders.group_by(nw.col("amount").round(0).alias("value"))
                     .agg(nw.len().alias("orders")).sort("value"))
    return pd.Series(counts["orders"].to_numpy(dtype="int64"),
                     index=counts["value"].to_numpy(dtype=float), name="orders")


def _baskets_for_plot(counts: pd.Series) -> pd.Series:
    """Values repeated by their counts (scaled to at most MAX_BASKETS values)."""
    total = int(counts.sum())
    n = counts.to_numpy()
    if total > MAX_BASKETS:
        n = np.round(n * (MAX_BASKETS / total)).astype("int64")
    return pd.Series(np.repeat(counts.index.to_numpy(dtype=float), n), name="amount")


def order_events(transactions: Any) -> nw.LazyFrame:
    """customer_id, timestamp, event: "purchase" for each customer's first order and
    "repeat_purchase" for later ones (the purchase part of ``event_log``), still lazy."""
    orders = _orders(_lazy(transactions, "transactions"))
    rank = nw.col("timestamp").cum_count().over("customer_id", order_by="timestamp")
    return orders.select("customer_id", "timestamp", nw.when(rank == 1).then(nw.lit("purchase"))
                         .otherwise(nw.lit("repeat_purchase")).alias("event"))


def one_time_recent(transactions: Any, recent_days: int) -> dict[str, float]:
    """Customers with one transaction row, made in the last ``recent_days`` days, and the
    mean amount per row (the funnel section's pandas figures)."""
    from omnimkt.data.engine import collect

    lf = _lazy(transactions, "transactions")
    last = pd.Timestamp(collect(lf.select(nw.col("timestamp").max()))["timestamp"].iloc[0])
    since = (last.normalize() - pd.Timedelta(days=recent_days - 1)).to_pydatetime()
    per = lf.group_by("customer_id").agg(nw.len().alias("n"), nw.col("timestamp").max())
    once = collect(per.filter(nw.col("n") == 1, nw.col("timestamp") >= since)
                   .select(nw.len().alias("k")))
    mean = collect(lf.select(nw.col("amount").sum().alias("s"), nw.len().alias("n")))
    return {"recent_once": int(once["k"].iloc[0]),
            "mean_order": float(mean["s"].iloc[0] / max(int(mean["n"].iloc[0]), 1))}


def channel_cost_table(touchpoints: Any) -> pd.DataFrame:
    """Touches and recorded cost per channel (0 when not recorded), summed in the engine."""
    from omnimkt.data.engine import collect

    lf = _lazy(touchpoints, "touchpoints")
    cost = (nw.col("cost").fill_null(0.0) if "cost" in lf.collect_schema().names()
            else nw.lit(0.0))
    out = collect(lf.group_by("channel").agg(nw.len().alias("touches"),
                                             cost.sum().alias("cost")).sort("channel"))
    return out.set_index("channel").astype({"cost": float})


# --------------------------------------------------------------------------- sections
def _overview(data: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    from omnimkt import overview

    tx = data.transactions
    return {"k": quiet(overview.key_figures, data), "monthly": quiet(overview.monthly_sales, tx),
            "baskets": _baskets_for_plot(basket_counts(tx))}


def _clv(data: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    from omnimkt.report_sections import clv

    return clv.analyse(data, cfg)  # analyse_clv -> rfm_summary runs in the engine


def _segments(data: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    from omnimkt.data.engine import collect
    from omnimkt.segments import customer_table, four_classes, pareto_split, rfm_scores

    table = quiet(customer_table, data.transactions)
    out = {"table": table, "pareto": pareto_split(table, top_share=cfg["top_share"]),
           "rfm": rfm_scores(table), "classes": None}
    customers = getattr(data, "customers", None)
    if customers is not None:
        # one row per customer, like the table above: small enough for pandas
        cust = collect(_lazy(customers, "customers"))
        if len(cust):
            out["classes"] = quiet(four_classes, table, customers=cust,
                                   recent_days=cfg["recent_days"],
                                   loyal_orders=cfg["loyal_orders"])
    return out


def _funnel(data: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    from omnimkt.funnel import funnel

    labels = ["1st purchase", "2nd purchase", "3rd purchase"]
    buy = quiet(funnel, order_events(data.transactions),
                ["purchase", "repeat_purchase", "repeat_purchase"], labels=labels,
                window_days=None)  # as purchase_funnel
    # the journey funnel stacks touchpoints, orders and stages row by row: pandas only
    return {"buy": buy, "journey": None, "engine_notes": [("tr", "chart.journey")],
            **one_time_recent(data.transactions, cfg["recent_days"])}


def _attribution(data: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    from omnimkt.attribution import build_paths, channel_roi, compare_models
    from omnimkt.report_sections.attribution import MODELS, budget_table

    tp = getattr(data, "touchpoints", None)
    if tp is None:
        return {"skip": ("no_touch",)}
    paths = quiet(build_paths, tp, data.transactions,
                  window_days=cfg["attribution_window_days"])
    if len(paths) == 0 or paths.total_conversions == 0:
        return {"skip": ("no_paths",)}
    # time decay needs each touch's time; the engine's distinct-path table has none
    models = [m for m in MODELS if m != "time_decay"]
    cmp = compare_models(paths, models)
    budget = None
    if "cost" in nw.from_native(tp).collect_schema().names():
        costs = channel_cost_table(tp)
        roi = channel_roi({m: cmp.results[m] for m in models}, costs)
        budget = budget_table(roi, costs, cfg)
    return {"cmp": cmp, "budget": budget, "engine_notes": [("label", "time_decay")]}


#: Section -> the table whose absence the section reports itself (before touching rows).
_OWN_SKIP = {"paths": "touchpoints", "social": "social_posts", "web": "sessions",
             "leads": "leads"}
_RUN = {"overview": _overview, "clv": _clv, "segments": _segments, "funnel": _funnel,
        "attribution": _attribution}


def analyse_engine(name: str, data: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    """One section on engine data: its analysis, or ``{"engine_skip": name}`` when the
    section needs the raw rows in pandas."""
    if name in _OWN_SKIP and getattr(data, _OWN_SKIP[name], None) is None:
        import importlib

        return importlib.import_module(f"omnimkt.report_sections.{name}").analyse(data, cfg)
    if name not in _RUN:
        return {"engine_skip": name}
    return _RUN[name](data, cfg)
