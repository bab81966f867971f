"""Shared pieces of the segments family: input checks, the per-customer table, result base."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omnimkt.errors import DataError, examples

#: Columns of the per-customer table every score in this family starts from.
CUSTOMER_TABLE_COLUMNS = (
    "first_purchase", "last_purchase", "orders", "spend", "units", "list_spend",
    "recency_days", "tenure_days", "lifespan_days", "mean_basket", "median_basket",
    "price_ratio", "regularity",
)


def check_transactions(transactions: Any, *, columns: Any = None,
                       table: str = "transactions") -> pd.DataFrame:
    """Return a canonical copy of ``transactions`` or raise :class:`DataError`.

    Uses :func:`omnimkt.data.validate_transactions` when the data layer provides
    it; otherwise performs the checks this family relies on (table present and
    non-empty, required columns, customer ids, timestamps, non-negative numeric
    amounts).
    """
    if not isinstance(transactions, pd.DataFrame):
        raise DataError(f"{table}: expected a pandas DataFrame, got {type(transactions).__name__}. "
                        "Pass the transactions table (customer_id, timestamp, amount).")
    df = transactions
    if columns is not None:
        df = columns.to_canonical(df)
    if df.empty:
        raise DataError(f"{table}: the table is empty (0 rows). Pass at least one purchase.")
    try:
        from omnimkt.data import validate_transactions  # type: ignore[attr-defined]
    except ImportError:  # the data layer is optional for this family
        validate_transactions = None
    if validate_transactions is not None:
        return validate_transactions(df)
    missing = [c for c in ("customer_id", "timestamp", "amount") if c not in df.columns]
    if missing:
        raise DataError(f"{table}: missing column(s) {', '.join(missing)} "
                        f"(found {', '.join(map(str, df.columns[:8]))}). "
                        "Rename them or pass columns=omnimkt.Columns(...).")
    df = df.copy()
    bad = df["customer_id"].isna()
    if bad.any():
        raise DataError(f"{table}.customer_id: {int(bad.sum())} rows have no customer id. "
                        "Drop or fill them.")
    ts = pd.to_datetime(df["timestamp"], errors="coerce")
    bad = ts.isna()
    if bad.any():
        raise DataError(f"{table}.timestamp: {int(bad.sum())} rows are not dates "
                        f"(e.g. {examples(df.loc[bad, 'timestamp'])}). Fix or drop them.")
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_convert(None)
    df["timestamp"] = ts.astype("datetime64[ns]")
    amt = pd.to_numeric(df["amount"], errors="coerce")
    bad = amt.isna()
    if bad.any():
        raise DataError(f"{table}.amount: {int(bad.sum())} rows are not numbers "
                        f"(e.g. {examples(df.loc[bad, 'amount'])}). Clean them.")
    bad = amt < 0
    if bad.any():
        raise DataError(f"{table}.amount: {int(bad.sum())} rows are negative "
                        f"(e.g. {examples(amt[bad])}). Refunds are not summed silently: "
                        "net them against their orders or drop them.")
    df["amount"] = amt.astype("float64")
    for col in ("quantity", "list_price"):
        if col in df.columns:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    return df.sort_values(["customer_id", "timestamp"], kind="stable").reset_index(drop=True)


def resolve_as_of(tx: pd.DataFrame, as_of: Any) -> pd.Timestamp:
    """``as_of`` as a Timestamp; default: the day after the last transaction (midnight)."""
    if as_of is None:
        return tx["timestamp"].max().normalize() + pd.Timedelta(days=1)
    try:
        ts = pd.Timestamp(as_of)
    except (TypeError, ValueError) as exc:
        raise DataError(f"as_of: {as_of!r} is not a date. Pass e.g. '2025-12-31'.") from exc
    return ts.tz_convert(None) if ts.tzinfo is not None else ts


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


def customer_table(transactions: pd.DataFrame, *, as_of: Any = None,
                   columns: Any = None, validated: bool = False) -> pd.DataFrame:
    """Per-customer statistics the scores and tiers of this family are built from.

    Parameters
    ----------
    transactions : DataFrame
        Canonical transactions (customer_id, timestamp, amount; optional
        order_id, quantity, list_price).
    as_of : date-like, optional
        Reference date; only purchases before it count. Default: the day after
        the last purchase.
    columns : omnimkt.Columns, optional
        Mapping from your column names to canonical ones.
    validated : bool
        The log already passed :func:`omnimkt.data.validate_transactions`;
        skip the checks (saves time on tens of millions of rows).

    Returns
    -------
    DataFrame indexed by customer_id with first_purchase, last_purchase,
    orders (number of baskets), spend (yuan), units (NaN without quantity),
    list_spend (NaN without list_price), recency_days (as_of - last purchase),
    tenure_days (as_of - first purchase), lifespan_days (last - first
    purchase), mean_basket, median_basket (yuan per order), price_ratio
    (spend / list_spend: 1 = paid full price) and regularity
    (1 / (1 + coefficient of variation of the gaps between orders); NaN with
    fewer than 3 orders).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-11", "2025-01-05"]),
    ...     "amount": [100.0, 300.0, 50.0]})
    >>> t = customer_table(tx, as_of="2025-01-21")
    >>> t[["orders", "spend", "recency_days", "tenure_days"]].to_dict("list")
    {'orders': [2, 1], 'spend': [400.0, 50.0], 'recency_days': [10.0, 16.0], 'tenure_days': [20.0, 16.0]}
    """
    tx = transactions if validated else check_transactions(transactions, columns=columns)
    ref = resolve_as_of(tx, as_of)
    if tx["timestamp"].max() >= ref:  # copying a large log costs; only when needed
        tx = tx[tx["timestamp"] < ref]
    if tx.empty:
        raise DataError(f"transactions.timestamp: no purchase before as_of={ref.date()} "
                        "(0 rows left). Choose a later as_of.")
    return _customer_table_from_orders(orders_table(tx), ref)


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
    k = n_orders - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = s1 / k
        std = np.sqrt(np.maximum(s2 / k - mean * mean, 0.0))
        reg = 1.0 / (1.0 + std / mean)
    out["regularity"] = np.where((k >= 2) & (mean > 0), reg, np.nan)
    return out[list(CUSTOMER_TABLE_COLUMNS)]


def as_customer_table(data: Any, *, as_of: Any = None, columns: Any = None) -> pd.DataFrame:
    """Accept raw transactions or an existing :func:`customer_table` output."""
    if isinstance(data, pd.DataFrame) and {"orders", "spend", "recency_days"} <= set(data.columns):
        if data.empty:
            raise DataError("customer table: the table is empty (0 customers). "
                            "Pass at least one customer.")
        return data
    if hasattr(data, "transactions") and not isinstance(data, pd.DataFrame):
        data = data.transactions
    return customer_table(data, as_of=as_of, columns=columns)


def check_shares(shares: Any, labels: Any, name: str) -> np.ndarray:
    s = np.asarray(shares, dtype=float)
    if s.ndim != 1 or len(s) != len(labels) or (s < 0).any() or not np.isclose(s.sum(), 1.0):
        raise DataError(f"{name}: shares must be {len(labels)} non-negative numbers summing to 1 "
                        f"(got {list(np.round(s, 4)) if s.ndim == 1 else shares}).")
    return s


class Result:
    """Base of the result objects: ``summary`` table, ``__repr__``, HTML and Markdown."""

    title = "Result"
    summary: pd.DataFrame

    def _notes(self) -> list[str]:
        return []

    def __repr__(self) -> str:
        body = self.summary.to_string(float_format=lambda v: f"{v:,.3f}")
        notes = "\n".join(self._notes())
        return f"<{self.title}>\n{body}" + (f"\n{notes}" if notes else "")

    def _repr_html_(self) -> str:
        notes = "".join(f"<p>{n}</p>" for n in self._notes())
        return (f"<h4>{self.title}</h4>"
                + self.summary.to_html(float_format=lambda v: f"{v:,.3f}") + notes)

    def to_markdown(self) -> str:
        """The summary as a Markdown table (with its notes below)."""
        notes = "\n".join(f"\n{n}" for n in self._notes())
        return f"**{self.title}**\n\n" + self.summary.to_markdown(floatfmt=",.3f") + notes
