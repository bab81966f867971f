"""Customer journeys as channel paths: building them from touchpoints, reading and writing
the ChannelAttribution path-table layout.

Reading and writing the path table is in :mod:`omnimkt.attribution.pathtable`.
Internally a :class:`Paths` holds every journey (or every row of a path table) as
integer channel codes in one flat array with offsets (compressed rows), so the
models work on millions of journeys with numpy and no per-row Python.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from omnimkt.errors import DataError, DataWarning, examples

#: Column names of the ChannelAttribution path table (R/Python package).
CA_COLUMNS = ("path", "total_conversions", "total_conversion_value", "total_null")



@dataclass
class Paths:
    """Journeys as ordered channel paths, with conversions, value and null counts per row.

    A row is one journey (from :func:`build_paths`) or one aggregated path of a
    ChannelAttribution table (from :func:`read_paths`): ``conversions``,
    ``value`` and ``nulls`` are the row's weights.

    Attributes
    ----------
    channels : list of str
        Channel names; ``codes`` index into it.
    codes : ndarray of int32
        Channel code of every touch, rows concatenated.
    offsets : ndarray of int64
        Row ``i`` is ``codes[offsets[i]:offsets[i + 1]]``.
    conversions, value, nulls : ndarray of float64
        Per row: conversions, conversion value and non-converting journeys.
    days_before : ndarray of float64 or None
        Per touch: days between the touch and the end of its journey
        (the conversion, or the last touch of a null journey); ``None`` for
        tables read without timestamps (time decay then cannot run).
    journeys : DataFrame or None
        Per-journey form (from :func:`build_paths`): customer_id, converted,
        conversion_time, value, n_touches, first_touch, last_touch, path.
    unattributed_conversions, unattributed_value : float
        Conversions (and their value) with no touch inside the lookback window;
        they are not in any path (see ``no_touch`` of :func:`build_paths`).
    sep : str
        Separator used in path strings.
    """

    channels: list[str]
    codes: np.ndarray
    offsets: np.ndarray
    conversions: np.ndarray
    value: np.ndarray
    nulls: np.ndarray
    days_before: np.ndarray | None = None
    journeys: pd.DataFrame | None = None
    unattributed_conversions: float = 0.0
    unattributed_value: float = 0.0
    sep: str = " > "
    params: dict[str, Any] = field(default_factory=dict)

    # -- basic facts -------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def lengths(self) -> np.ndarray:
        """Number of touches per row."""
        return np.diff(self.offsets)

    @property
    def row_of_touch(self) -> np.ndarray:
        """Row index of every touch (aligned with ``codes``)."""
        return np.repeat(np.arange(len(self), dtype=np.int64), self.lengths)

    @property
    def total_conversions(self) -> float:
        return float(self.conversions.sum())

    @property
    def total_value(self) -> float:
        return float(self.value.sum())

    @property
    def total_nulls(self) -> float:
        return float(self.nulls.sum())

    def path_strings(self) -> np.ndarray:
        """The path string ``"a > b > c"`` of every row (vectorised join)."""
        n = len(self)
        if n == 0:
            return np.array([], dtype=object)
        names = np.asarray(self.channels, dtype=object)[self.codes]
        ends = np.zeros(len(self.codes), dtype=bool)
        ends[self.offsets[1:] - 1] = True
        # One big join with a row terminator, then one split: no Python loop over rows.
        glue = np.where(ends, "\n", self.sep).astype(object)
        text = "".join((names + glue).tolist())
        return np.array(text[:-1].split("\n"), dtype=object)

    @property
    def table(self) -> pd.DataFrame:
        """The ChannelAttribution path table: one row per distinct path.

        Columns ``path``, ``total_conversions``, ``total_conversion_value``,
        ``total_null``; sorted by conversions (descending) then path.
        """
        base = len(self.channels) + 1
        lens = self.lengths
        max_len = int(lens.max()) if len(lens) else 0
        if len(self) and max_len * np.log2(base) < 62:
            # Each path as one integer (digits = channel codes): group on integers and
            # build strings for the distinct paths only.
            rows = self.row_of_touch
            pos = np.arange(len(self.codes), dtype=np.int64) - self.offsets[rows]
            digits = (self.codes.astype(np.int64) + 1) * base ** pos
            ident = np.add.reduceat(digits, self.offsets[:-1])
            uniq, first, inv = np.unique(ident, return_index=True, return_inverse=True)
            names = self.subset(first).path_strings()
            k = len(uniq)
            df = pd.DataFrame({
                "path": pd.array(names, dtype="str"),
                "total_conversions": np.bincount(inv, weights=self.conversions, minlength=k),
                "total_conversion_value": np.bincount(inv, weights=self.value, minlength=k),
                "total_null": np.bincount(inv, weights=self.nulls, minlength=k),
            })
        else:
            df = pd.DataFrame({
                "path": pd.array(self.path_strings(), dtype="str"),
                "total_conversions": self.conversions,
                "total_conversion_value": self.value,
                "total_null": self.nulls,
            }).groupby("path", sort=False).sum().reset_index()
        out = df.sort_values(["total_conversions", "path"], ascending=[False, True],
                             kind="stable").reset_index(drop=True)
        return out

    def touches(self) -> pd.DataFrame:
        """Long per-touch form: row, position, channel, days_before."""
        rows = self.row_of_touch
        df = pd.DataFrame(
            {
                "row": rows,
                "position": np.arange(len(self.codes)) - self.offsets[rows],
                "channel": pd.array(np.asarray(self.channels, dtype=object)[self.codes],
                                    dtype="str"),
            }
        )
        if self.days_before is not None:
            df["days_before"] = self.days_before
        return df

    # -- display ----------------------------------------------------------------------------
    @property
    def summary(self) -> pd.DataFrame:
        """Per channel: touches, rows touched, conversions and nulls of the rows touched."""
        rows = self.row_of_touch
        k = len(self.channels)
        touches = np.bincount(self.codes, minlength=k).astype(float)
        pair = np.unique(rows * k + self.codes)
        r, c = pair // k, pair % k
        weight = self.conversions + self.nulls
        df = pd.DataFrame(
            {
                "touches": touches,
                "journeys_touched": np.bincount(c, weights=weight[r], minlength=k),
                "conversions_touched": np.bincount(c, weights=self.conversions[r], minlength=k),
                "nulls_touched": np.bincount(c, weights=self.nulls[r], minlength=k),
            },
            index=pd.Index(self.channels, name="channel"),
        )
        return df

    def _title(self) -> str:
        return (f"Paths: {len(self):,} rows, {len(self.channels)} channels, "
                f"{self.total_conversions:,.0f} conversions (value {self.total_value:,.2f}), "
                f"{self.total_nulls:,.0f} null journeys; "
                f"{self.unattributed_conversions:,.0f} conversions without touches")

    def __repr__(self) -> str:
        return self._title() + "\n" + self.summary.to_string()

    def _repr_html_(self) -> str:
        return f"<p><strong>{self._title()}</strong></p>" + self.summary.to_html()

    def to_markdown(self) -> str:
        from omnimkt.attribution.result import _markdown

        return f"**{self._title()}**\n\n" + _markdown(self.summary, floatfmt=".0f")

    # -- construction helpers ---------------------------------------------------------------
    def subset(self, rows: np.ndarray) -> Paths:
        """A new :class:`Paths` with only the given rows (boolean mask or indices)."""
        idx = np.arange(len(self))[rows]
        lens = self.lengths[idx]
        offsets = np.zeros(len(idx) + 1, dtype=np.int64)
        np.cumsum(lens, out=offsets[1:])
        take = np.repeat(self.offsets[idx], lens) + (
            np.arange(offsets[-1]) - np.repeat(offsets[:-1], lens))
        return Paths(
            channels=list(self.channels), codes=self.codes[take], offsets=offsets,
            conversions=self.conversions[idx], value=self.value[idx], nulls=self.nulls[idx],
            days_before=None if self.days_before is None else self.days_before[take],
            journeys=None if self.journeys is None else self.journeys.iloc[idx].reset_index(drop=True),
            unattributed_conversions=self.unattributed_conversions,
            unattributed_value=self.unattributed_value, sep=self.sep, params=dict(self.params),
        )


# ------------------------------------------------------------------------------------------
def _need_columns(df: pd.DataFrame, table: str, cols: tuple[str, ...]) -> None:
    if not isinstance(df, pd.DataFrame):
        raise DataError(f"{table}: expected a pandas DataFrame, got {type(df).__name__}.")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataError(
            f"{table}: missing column(s) {missing}; found {list(df.columns)[:8]}. "
            "Rename them or pass columns=omnimkt.Columns(...) to map your names."
        )


def _timestamps(s: pd.Series, table: str) -> pd.Series:
    try:
        ts = pd.to_datetime(s)
    except (ValueError, TypeError) as exc:
        raise DataError(f"{table}.timestamp: values cannot be read as dates ({exc}). "
                        "Fix or drop those rows.") from None
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
    bad = ts.isna()
    if bad.any():
        raise DataError(f"{table}.timestamp: {int(bad.sum())} rows have no timestamp "
                        f"(e.g. {examples(s[bad])}). Drop or fill them.")
    return ts


def _prepare(touchpoints: pd.DataFrame, transactions: pd.DataFrame, columns: Any,
             checked: bool) -> dict:
    """Return the two tables as plain numpy arrays (int64 ns timestamps).

    ``checked``: the tables came through ``omnimkt.data.validate_*`` already, so only
    the conversion is left; otherwise a light check of what path building relies on.
    """
    if columns is not None:
        touchpoints = columns.to_canonical(touchpoints)
        transactions = columns.to_canonical(transactions)
    _need_columns(touchpoints, "touchpoints", ("customer_id", "timestamp", "channel"))
    _need_columns(transactions, "transactions", ("customer_id", "timestamp", "amount"))
    ch = touchpoints["channel"]
    amount = transactions["amount"]
    t_ts, x_ts = touchpoints["timestamp"], transactions["timestamp"]
    if not checked:
        for table, frame in (("touchpoints", touchpoints), ("transactions", transactions)):
            bad = frame["customer_id"].isna()
            if bad.any():
                raise DataError(f"{table}.customer_id: {int(bad.sum())} rows have no customer "
                                "id. Drop them or fill them.")
        bad = ch.isna().to_numpy() | (ch.astype("str").str.strip() == "").to_numpy()
        if bad.any():
            raise DataError(f"touchpoints.channel: {int(bad.sum())} rows have an empty channel. "
                            "Drop them or label them (e.g. 'unknown').")
        amount = pd.to_numeric(amount, errors="coerce")
        bad = amount.isna()
        if bad.any():
            raise DataError(f"transactions.amount: {int(bad.sum())} rows are not numbers "
                            f"(e.g. {examples(transactions['amount'][bad])}). Clean them.")
        t_ts = _timestamps(t_ts, "touchpoints")
        x_ts = _timestamps(x_ts, "transactions")
    codes, names = pd.factorize(ch.astype("str"), sort=True)
    return {
        "t_cust": touchpoints["customer_id"].to_numpy(),
        "t_ts": t_ts.to_numpy(dtype="datetime64[ns]").view(np.int64),
        "t_ch": codes.astype(np.int64),
        "channels": [str(c) for c in names],
        "x_cust": transactions["customer_id"].to_numpy(),
        "x_ts": x_ts.to_numpy(dtype="datetime64[ns]").view(np.int64),
        "x_amt": amount.to_numpy(dtype=float),
    }


def _order(key: np.ndarray, ts: np.ndarray, ch: np.ndarray, n_ch: int) -> np.ndarray | None:
    """Permutation sorting by (key, ts, channel); ``None`` when already sorted."""
    if len(key) < 2:
        return None
    dk, dt, dc = np.diff(key), np.diff(ts), np.diff(ch)
    by_time = (dk > 0) | ((dk == 0) & (dt >= 0))
    if by_time.all():
        if np.all((dk > 0) | (dt > 0) | (dc >= 0)):
            return None  # validated tables arrive sorted: skip the sort
        # Sorted by journey and time; only ties need the channel order. Timsort on
        # nearly sorted run ids is linear.
        run = np.r_[0, np.cumsum((dk != 0) | (dt != 0))]
        return np.argsort(run * n_ch + ch, kind="stable")
    rel = ts - ts.min()
    if rel.max() < (2**62) // max(n_ch, 1):
        # Two stable argsorts on int64 (time+channel, then journey) beat a 3-key lexsort.
        first = np.argsort(rel * n_ch + ch, kind="stable")
    else:
        first = np.lexsort((ch, ts))
    return first[np.argsort(key[first], kind="stable")]


def build_paths(
    touchpoints: pd.DataFrame,
    transactions: pd.DataFrame,
    *,
    lookback_days: float | None = 30,
    conversion: str = "first_purchase",
    include_nulls: bool = True,
    no_touch: str = "drop",
    direct_label: str = "direct",
    columns: Any = None,
    validate: bool = True,
) -> Paths:
    """Turn touchpoints and transactions into one channel path per journey.

    A *conversion* is, by default, a customer's first purchase (all order lines at
    the first transaction timestamp, their ``amount`` summed as the conversion
    value). Its path is the customer's touches at or before that moment and at
    most ``lookback_days`` earlier. Customers who never convert give *null*
    journeys: their touches in the ``lookback_days`` up to their last touch.
    Touches after a customer's (first) conversion are not part of any path.
    Input order does not matter: touches are sorted by time (ties by channel name),
    so shuffled input gives the same paths.

    Parameters
    ----------
    touchpoints : DataFrame
        customer_id, timestamp, channel (canonical names or mapped by ``columns``).
    transactions : DataFrame
        customer_id, timestamp, amount.
    lookback_days : float or None
        Length of the window before the conversion; ``None`` keeps every earlier touch.
    conversion : {"first_purchase", "every_purchase"}
        ``"every_purchase"`` makes every order (customer and timestamp) a conversion whose
        path holds the touches since the previous order (within the lookback); touches
        after the last order form a null journey.
    include_nulls : bool
        Keep non-converting journeys (needed by Markov and Shapley to see what did
        not work).
    no_touch : {"drop", "direct"}
        Conversions without any touch in the window: ``"drop"`` leaves them out of the
        paths (counted in ``Paths.unattributed_conversions``); ``"direct"`` gives them a
        one-touch path through a channel named ``direct_label``.
    columns : omnimkt.Columns, optional
        Mapping from your column names.
    validate : bool
        Check both tables with :func:`omnimkt.data.validate_touchpoints` and
        :func:`omnimkt.data.validate_transactions` first (duplicate rows are kept: two
        identical impressions are two touches). ``False`` skips that for tables that
        are already canonical; the minimal checks below always run.

    Returns
    -------
    Paths
        ``.table`` is the ChannelAttribution path table, ``.journeys`` the per-journey form.

    Examples
    --------
    >>> import pandas as pd
    >>> tp = pd.DataFrame({"customer_id": [1, 1, 2], "channel": ["tv", "search", "tv"],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-03", "2025-01-02"])})
    >>> tx = pd.DataFrame({"customer_id": [1], "amount": [50.0],
    ...     "timestamp": pd.to_datetime(["2025-01-04"])})
    >>> build_paths(tp, tx).table
              path  total_conversions  total_conversion_value  total_null
    0  tv > search                1.0                    50.0         0.0
    1           tv                0.0                     0.0         1.0
    """
    if conversion not in ("first_purchase", "every_purchase"):
        raise DataError(f"build_paths: conversion={conversion!r}; use 'first_purchase' or "
                        "'every_purchase'.")
    if no_touch not in ("drop", "direct"):
        raise DataError(f"build_paths: no_touch={no_touch!r}; use 'drop' or 'direct'.")
    if lookback_days is not None and not lookback_days > 0:
        raise DataError(f"build_paths: lookback_days must be positive or None, got {lookback_days!r}.")
    if validate:
        from omnimkt.data import validate_touchpoints, validate_transactions

        with warnings.catch_warnings():
            # Paths do not learn across customers: one customer is a valid (tiny) input.
            warnings.filterwarnings("ignore", message=".*single customer", category=DataWarning)
            touchpoints = validate_touchpoints(touchpoints, columns, duplicates="keep")
            if len(transactions):  # no purchases at all is allowed: every journey is null
                transactions = validate_transactions(transactions, columns, duplicates="keep")
            elif columns is not None:
                transactions = columns.to_canonical(transactions)
        columns = None
    d = _prepare(touchpoints, transactions, columns, checked=validate and len(transactions) > 0)
    n_t = len(d["t_ts"])
    cust_codes, cust_names = pd.factorize(np.concatenate([d["t_cust"], d["x_cust"]]), sort=True)
    tc, xc = cust_codes[:n_t].astype(np.int64), cust_codes[n_t:].astype(np.int64)
    t_ts, t_ch, x_ts, x_amt = d["t_ts"], d["t_ch"], d["x_ts"], d["x_amt"]
    channels = d["channels"]
    n_cust = len(cust_names)

    # Conversion events: one per customer (first purchase) or per order (customer, time),
    # sorted by customer then time; order lines at the same moment are one conversion.
    if conversion == "first_purchase" and len(xc):
        first = np.full(n_cust, np.iinfo(np.int64).max)
        np.minimum.at(first, xc, x_ts)
        keep = x_ts == first[xc]
        xc, x_ts, x_amt = xc[keep], x_ts[keep], x_amt[keep]
    o = np.lexsort((x_ts, xc))
    xc, x_ts, x_amt = xc[o], x_ts[o], x_amt[o]
    new = np.r_[True, (np.diff(xc) != 0) | (np.diff(x_ts) != 0)] if len(xc) else np.zeros(0, bool)
    grp = np.cumsum(new) - 1
    conv_cust, conv_ts = xc[new], x_ts[new]
    conv_val = np.bincount(grp, weights=x_amt, minlength=len(conv_cust)) if len(xc) else x_amt
    n_conv = len(conv_cust)

    # The conversion each touch leads to (-1: none).
    if conversion == "first_purchase":
        conv_of = np.full(n_cust, -1, dtype=np.int64)
        conv_of[conv_cust] = np.arange(n_conv)
        ci = conv_of[tc]
        after = (ci >= 0) & (t_ts > conv_ts[np.maximum(ci, 0)] if n_conv else np.zeros(n_t, bool))
        ci = np.where(after, -1, ci)
        drop = after  # touches after the first purchase belong to no journey
    else:
        uts = np.unique(conv_ts)
        span = len(uts) + 1
        comp_conv = conv_cust * span + np.searchsorted(uts, conv_ts)
        comp_t = tc * span + np.searchsorted(uts, t_ts)
        idx = np.searchsorted(comp_conv, comp_t, side="left")
        ok = idx < n_conv
        ok[ok] = conv_cust[idx[ok]] == tc[ok]
        ci = np.where(ok, idx, -1)
        drop = np.zeros(n_t, dtype=bool)
    converted = ci >= 0
    keep = ~drop & (converted | include_nulls)
    key = np.where(converted, ci, n_conv + tc)[keep]
    ts, ch, cust = t_ts[keep], t_ch[keep], tc[keep]
    conv_mask = key < n_conv
    end = np.empty(len(key), dtype=np.int64)
    end[conv_mask] = conv_ts[key[conv_mask]]
    null_end = np.full(n_cust, np.iinfo(np.int64).min)
    np.maximum.at(null_end, cust[~conv_mask], ts[~conv_mask])  # a null journey ends at its last touch
    end[~conv_mask] = null_end[cust[~conv_mask]]
    if lookback_days is not None:
        inside = (end - ts) <= int(round(lookback_days * 86400e9))
        key, ts, ch, cust, end = key[inside], ts[inside], ch[inside], cust[inside], end[inside]

    present = np.zeros(n_conv, dtype=bool)
    present[key[key < n_conv]] = True
    lost = np.flatnonzero(~present)
    unattributed_c, unattributed_v = float(len(lost)), float(conv_val[lost].sum())
    if no_touch == "direct" and len(lost):
        if direct_label not in channels:
            names = sorted([*channels, direct_label])
            remap = np.array([names.index(c) for c in channels], dtype=np.int64)
            ch = remap[ch] if len(ch) else ch
            channels = names
        key = np.r_[key, lost]
        ts = np.r_[ts, conv_ts[lost]]
        end = np.r_[end, conv_ts[lost]]
        cust = np.r_[cust, conv_cust[lost]]
        ch = np.r_[ch, np.full(len(lost), channels.index(direct_label), dtype=np.int64)]
        unattributed_c, unattributed_v = 0.0, 0.0

    # Sort position of a journey: customers in id order, each customer's conversions in time
    # order, then their null journey; validated input (sorted by customer and time) then
    # needs no sort at all.
    is_c = key < n_conv
    slot = np.where(is_c, key + conv_cust[np.where(is_c, key, 0)] if n_conv else key,
                    np.searchsorted(conv_cust, key - n_conv, side="right") + (key - n_conv))
    order = _order(slot, ts, ch, len(channels))
    if order is not None:
        key, ts, ch, cust, end = key[order], ts[order], ch[order], cust[order], end[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, np.int64)
    offsets = np.r_[starts, len(key)].astype(np.int64)
    jkey = key[starts]
    is_conv = jkey < n_conv
    cid = np.where(is_conv, jkey, 0)
    value = np.where(is_conv, conv_val[cid], 0.0) if n_conv else np.zeros(len(jkey))
    conv_time = (np.where(is_conv, conv_ts[cid], np.iinfo(np.int64).min) if n_conv
                 else np.full(len(jkey), np.iinfo(np.int64).min))
    used = np.zeros(len(channels), dtype=bool)
    used[ch] = True
    if not used.all():  # channels whose touches all fell outside the windows
        remap = np.cumsum(used) - 1
        ch = remap[ch]
        channels = [c for c, u in zip(channels, used, strict=True) if u]
    paths = Paths(
        channels=channels,
        codes=ch.astype(np.int32),
        offsets=offsets,
        conversions=is_conv.astype(float),
        value=value.astype(float),
        nulls=(~is_conv).astype(float),
        days_before=(end - ts) / 86400e9,
        unattributed_conversions=unattributed_c,
        unattributed_value=unattributed_v,
        params={"lookback_days": lookback_days, "conversion": conversion,
                "include_nulls": include_nulls, "no_touch": no_touch},
    )
    paths.journeys = pd.DataFrame({
        "customer_id": np.asarray(cust_names)[cust[starts]] if len(starts) else cust_names[:0],
        "converted": is_conv,
        "conversion_time": conv_time.view("datetime64[ns]"),
        "value": value.astype(float),
        "n_touches": np.diff(offsets),
        "first_touch": ts[starts].view("datetime64[ns]"),
        "last_touch": ts[offsets[1:] - 1].view("datetime64[ns]") if len(starts)
        else ts[:0].view("datetime64[ns]"),
    })
    paths.journeys.index.name = "journey"
    return paths
