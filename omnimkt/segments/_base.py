"""Shared pieces of the segments family: the per-customer table and its inputs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import (
    align_ids,
    as_columns,
    as_day,
    as_text_ids,
    check_bool,
    check_frame,
    day_after,
)
from omnimkt.data import validate_transactions
from omnimkt.errors import DataError, ModelError

#: Columns of the per-customer table every score in this family starts from.
CUSTOMER_TABLE_COLUMNS = (
    "first_purchase", "last_purchase", "orders", "spend", "units", "list_spend",
    "recency_days", "tenure_days", "lifespan_days", "mean_basket", "median_basket",
    "price_ratio", "regularity",
)


def transactions_of(data: Any, columns: Any = None, *, validate: bool = True) -> pd.DataFrame:
    """The canonical transactions of ``data`` (a DataFrame or a Dataset), validated once.

    ``validate=False`` trusts a log that already passed
    :func:`omnimkt.data.validate_transactions` (saves seconds on tens of millions
    of rows; the ``columns`` mapping is still applied); otherwise the shared
    validator runs with the mapping.
    """
    validate = check_bool(validate, "validate")
    cols = as_columns(columns)
    if hasattr(data, "transactions") and not isinstance(data, pd.DataFrame):
        data = data.transactions
    tx = check_frame(data, "transactions")
    return validate_transactions(tx, cols) if validate else cols.to_canonical(tx)


def reference_time(tx: pd.DataFrame, cutoff: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``(cutoff day, end of history)`` for an inclusive ``cutoff``.

    The end of history is midnight at the end of the cutoff day
    (``day_after(cutoff)``): purchases before it count, and recency, tenure and
    the like are measured to it. Default cutoff: the day of the last purchase.
    """
    day = as_day(cutoff, "cutoff", allow_none=True)
    if day is None:
        day = pd.Timestamp(tx["timestamp"].max()).normalize()
    return day, day_after(day)


def history(tx: pd.DataFrame, cutoff: Any) -> tuple[pd.DataFrame, pd.Timestamp, pd.Timestamp]:
    """The purchases up to and including the cutoff day, the cutoff day and the end of history."""
    day, end = reference_time(tx, cutoff)
    if tx["timestamp"].max() >= end:  # copying a large log costs; only when needed
        tx = tx[tx["timestamp"] < end]
    if tx.empty:
        raise DataError(f"transactions.timestamp: no purchase on or before cutoff={day.date()} "
                        "(0 rows left). Choose a later cutoff.")
    return tx, day, end


def _segments(*keys: np.ndarray) -> np.ndarray:
    """Start positions of runs of equal consecutive keys (keys already grouped)."""
    n = len(keys[0])
    change = np.zeros(n, dtype=bool)
    change[0] = True
    for k in keys:
        change[1:] |= k[1:] != k[:-1]
    return np.flatnonzero(change)


def _is_sorted(a: np.ndarray, b: np.ndarray) -> bool:
    """True if rows are sorted by (a, b) ascending."""
    if len(a) < 2:
        return True
    da = a[1:] > a[:-1]
    same = a[1:] == a[:-1]
    return bool(np.all(da | (same & (b[1:] >= b[:-1]))))


def orders_table(tx: pd.DataFrame) -> pd.DataFrame:
    """One row per order (basket): customer_id, timestamp, amount, units, list_spend.

    An order is an ``order_id`` when the column is present, else one
    (customer_id, timestamp) pair, so the lines of one basket add up to one
    purchase (frequency counts visits, not lines). The result is sorted by
    customer_id then timestamp. Runs on numpy arrays (``reduceat``) because it
    sees every row of logs with tens of millions of lines.
    """
    key = "order_id" if "order_id" in tx.columns else "timestamp"
    cid = tx["customer_id"].to_numpy()
    kv = tx[key].to_numpy()
    if key == "timestamp":
        kv = kv.astype("datetime64[ns]").view("int64")
    order = None
    if not _is_sorted(cid, kv):
        order = np.lexsort((kv, cid))
        cid, kv = cid[order], kv[order]

    def col(name: str) -> np.ndarray:
        v = tx[name].to_numpy()
        return v if order is None else v[order]

    starts = _segments(cid, kv)
    ts = col("timestamp").astype("datetime64[ns]").view("int64")
    data = {
        "customer_id": cid[starts],
        "timestamp": np.minimum.reduceat(ts, starts) if key != "timestamp" else ts[starts],
        "amount": np.add.reduceat(col("amount").astype(float), starts),
    }
    if "quantity" in tx.columns:
        data["units"] = np.add.reduceat(col("quantity").astype(float), starts)
    if "list_price" in tx.columns:
        data["list_spend"] = np.add.reduceat(col("list_price").astype(float), starts)
    if not _is_sorted(data["customer_id"], data["timestamp"]):
        o2 = np.lexsort((data["timestamp"], data["customer_id"]))
        data = {k: v[o2] for k, v in data.items()}
    data["timestamp"] = data["timestamp"].view("datetime64[ns]")
    return pd.DataFrame(data)


def customer_table(transactions: pd.DataFrame, *, cutoff: Any = None,
                   columns: Any = None, validate: bool = True) -> pd.DataFrame:
    """Per-customer statistics the scores and tiers of this family are built from.

    Parameters
    ----------
    transactions : DataFrame, Dataset or engine source
        Transactions (customer_id, timestamp, amount; optional order_id,
        quantity, list_price). A polars/pyarrow table, DuckDB relation, Parquet/CSV
        path or Spark DataFrame is aggregated in its engine (DuckDB or Spark, see
        :mod:`omnimkt.data.engine`): same table as from pandas.
    cutoff : date-like, optional
        Last day of history, inclusive: purchases on that day, at any hour,
        count. Default: the day of the last purchase. Recency and tenure are
        measured to the end of the cutoff day (midnight starting the next day).
    columns : omnimkt.Columns or dict, optional
        Your column names, e.g. ``{"customer_id": "member_no"}``.
    validate : bool, default True
        Run :func:`omnimkt.data.validate_transactions` first; False skips it
        for a log that already passed it (saves time on tens of millions of rows).

    Returns
    -------
    DataFrame indexed by customer_id with first_purchase, last_purchase,
    orders (number of baskets), spend (yuan), units (NaN without quantity),
    list_spend (NaN without list_price), recency_days (end of the cutoff day
    - last purchase), tenure_days (end of the cutoff day - first purchase),
    lifespan_days (last - first purchase), mean_basket, median_basket (yuan
    per order), price_ratio (spend / list_spend: 1 = paid full price) and
    regularity (1 / (1 + coefficient of variation of the gaps between
    orders); NaN with fewer than 3 orders).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-11", "2025-01-05"]),
    ...     "amount": [100.0, 300.0, 50.0]})
    >>> t = customer_table(tx, cutoff="2025-01-20")
    >>> t[["orders", "spend", "recency_days", "tenure_days"]].to_dict("list")
    {'orders': [2, 1], 'spend': [400.0, 50.0], 'recency_days': [10.0, 16.0], 'tenure_days': [20.0, 16.0]}
    """
    from omnimkt.data.engine import is_engine_source

    if is_engine_source(transactions):  # aggregated where the data lives (DuckDB, Spark)
        from omnimkt.data.engine import lazy_table
        from omnimkt.segments._lazy import customer_table_lazy

        lf = lazy_table(transactions, "transactions", columns,
                        validate=check_bool(validate, "validate"))
        return customer_table_lazy(lf, cutoff)
    tx = transactions_of(transactions, columns, validate=validate)
    tx, _, end = history(tx, cutoff)
    return _customer_table_from_orders(orders_table(tx), end)


def _customer_table_from_orders(orders: pd.DataFrame, ref: pd.Timestamp) -> pd.DataFrame:
    """Per-customer statistics from :func:`orders_table` output (sorted by customer, time)."""
    cid = orders["customer_id"].to_numpy()
    ts = orders["timestamp"].to_numpy().astype("datetime64[ns]")
    amt = orders["amount"].to_numpy(dtype=float)
    starts = _segments(cid)
    ends = np.r_[starts[1:], len(cid)] - 1
    n_orders = (ends - starts + 1).astype("int64")
    first, last = ts[starts], ts[ends]
    spend = np.add.reduceat(amt, starts)
    index = pd.Index(cid[starts], name="customer_id")
    out = pd.DataFrame({"first_purchase": first, "last_purchase": last, "orders": n_orders,
                        "spend": spend}, index=index)
    out["median_basket"] = pd.Series(amt).groupby(
        np.repeat(np.arange(len(starts)), n_orders)).median().to_numpy()
    for name in ("units", "list_spend"):
        out[name] = (np.add.reduceat(orders[name].to_numpy(dtype=float), starts)
                     if name in orders.columns else np.nan)
    day = np.timedelta64(1, "D")
    refv = np.datetime64(ref.to_datetime64(), "ns")
    out["recency_days"] = (refv - last) / day
    out["tenure_days"] = (refv - first) / day
    out["lifespan_days"] = (last - first) / day
    out["mean_basket"] = spend / n_orders
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = out["spend"] / out["list_spend"]
    out["price_ratio"] = ratio.where(out["list_spend"] > 0)
    # Regularity of the consumption cycle from the gaps between consecutive orders:
    # per customer, sum and sum of squares of the gaps give mean and std in one pass.
    gaps = np.r_[0.0, np.diff(ts).astype("timedelta64[s]").astype(float) / 86400.0]
    gaps[starts] = 0.0
    s1 = np.add.reduceat(gaps, starts)
    s2 = np.add.reduceat(gaps * gaps, starts)
    out["regularity"] = regularity(s1, s2, n_orders - 1)
    return out[list(CUSTOMER_TABLE_COLUMNS)]


def regularity(s1: np.ndarray, s2: np.ndarray, k: np.ndarray) -> np.ndarray:
    """1 / (1 + CV) of a customer's ``k`` gaps from their sum ``s1`` and sum of squares
    ``s2``; NaN below two gaps or with a zero mean gap."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = s1 / k
        std = np.sqrt(np.maximum(s2 / k - mean * mean, 0.0))
        reg = 1.0 / (1.0 + std / mean)
    return np.where((k >= 2) & (mean > 0), reg, np.nan)


def as_customer_table(data: Any, *, cutoff: Any = None, columns: Any = None) -> pd.DataFrame:
    """Accept raw transactions (or a Dataset) or an existing :func:`customer_table` output."""
    as_columns(columns)
    if isinstance(data, pd.DataFrame) and {"orders", "spend", "recency_days"} <= set(data.columns):
        if data.empty:
            raise DataError("customer table: the table is empty (0 customers). "
                            "Pass at least one customer.")
        return data
    return customer_table(data, cutoff=cutoff, columns=columns)


def check_shares(shares: Any, labels: Any, name: str) -> np.ndarray:
    """``shares`` as fractions, one per label, each in [0, 1] and summing to 1."""
    try:
        s = np.asarray(shares, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"{name}: expected {len(labels)} numbers, got {shares!r}.") from exc
    if s.ndim != 1 or len(s) != len(labels) or not np.isfinite(s).all() or (s < 0).any() \
            or not np.isclose(s.sum(), 1.0) or any(isinstance(v, bool | np.bool_) for v in np.ravel(np.asarray(shares, dtype=object))):
        raise ModelError(f"{name}: must be {len(labels)} non-negative fractions summing to 1 "
                         f"(one per tier: {', '.join(labels)}), got {shares!r}.")
    return s


def align_side(index: pd.Index, side: pd.DataFrame | None, table: str
               ) -> tuple[pd.Index, pd.DataFrame | None]:
    """Customer ids of a side table (customers, touchpoints) made comparable with ``index``.

    Integer ids in one table and text ids in the other are reconciled as text
    (:func:`omnimkt._gate.align_ids`; ``123`` matches ``"123"``), and
    ``referrer_id`` follows ``customer_id``. Returns the index and the side
    table, both as text ids when they had to be reconciled.
    """
    if side is None or "customer_id" not in side.columns or not len(side) or not len(index):
        return index, side
    left, right = align_ids(index.to_series(index=None), side["customer_id"], "transactions",
                            table)
    if right.dtype == side["customer_id"].dtype and left.dtype == index.dtype:
        return index, side
    side = side.assign(customer_id=right.to_numpy())
    if "referrer_id" in side.columns:
        side = side.assign(referrer_id=as_text_ids(side["referrer_id"]))
    return pd.Index(left.to_numpy(), name=index.name), side
