"""Customer journeys as channel paths: building them from touchpoints, reading and writing
the ChannelAttribution path-table layout.

Reading and writing the path table is in :mod:`omnimkt.attribution.pathtable`.
Internally a :class:`Paths` holds every journey (or every row of a path table) as
integer channel codes in one flat array with offsets (compressed rows), so the
models work on millions of journeys with numpy and no per-row Python.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from omnimkt._gate import (
    align_ids,
    as_columns,
    check_bool,
    check_choice,
    check_frame,
    check_number,
)
from omnimkt._result import Result, format_number
from omnimkt.data import validate_touchpoints, validate_transactions
from omnimkt.data.schema import TRANSACTIONS
from omnimkt.errors import DataError, DataWarning, ModelError

if TYPE_CHECKING:
    from omnimkt.data.schema import Columns

#: Column names of the ChannelAttribution path table (R/Python package).
CA_COLUMNS = ("path", "total_conversions", "total_conversion_value", "total_null")

_NS_PER_DAY = 86400e9
_NEVER = np.iinfo(np.int64).min


# repr=False: the display comes from Result (one format for every result).
@dataclass(repr=False)
class Paths(Result):
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
        Conversions (and their value) with no touch inside the window (``window_days``);
        they are not in any path (see ``no_touch`` of :func:`build_paths`).
    sep : str
        Separator used in path strings.
    params : dict
        The settings of :func:`build_paths` (empty for a table read with :func:`read_paths`).
    summary : DataFrame
        Per channel: touches, journeys touched, conversions and nulls of the journeys touched.

    Examples
    --------
    >>> from omnimkt.attribution import read_paths
    >>> p = read_paths(pd.DataFrame({"path": ["a > b", "b"], "total_conversions": [1, 0],
    ...                              "total_null": [0, 2]}))
    >>> len(p), p.channels, p.total_nulls
    (2, ['a', 'b'], 2.0)
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
    def summary(self) -> pd.DataFrame:  # type: ignore[override]
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

    title = "Paths"

    def _settings(self) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in self.params.items())

    def _notes(self) -> list[str]:
        return [f"{len(self):,} rows, {len(self.channels)} channels, "
                f"{self.total_conversions:,.0f} conversions (value "
                f"{format_number(self.total_value)}), {self.total_nulls:,.0f} null journeys; "
                f"{self.unattributed_conversions:,.0f} conversions without touches."]

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
CONVERSIONS = ("first_purchase", "every_purchase")


def _canonical_tables(touchpoints: Any, transactions: Any,
                      cols: Columns) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Both tables through ``validate_*`` (``None`` for a transactions table without rows)."""
    with warnings.catch_warnings():
        # Paths do not learn across customers: one customer is a valid (tiny) input.
        warnings.filterwarnings("ignore", message=".*single customer", category=DataWarning)
        # Two identical impressions are two touches, two identical order lines two lines.
        tp = validate_touchpoints(touchpoints, cols, duplicates="keep")
        if len(check_frame(transactions, "transactions")):
            return tp, validate_transactions(transactions, cols, duplicates="keep")
    # No purchases at all is allowed (every journey is null), but the columns must be there.
    missing = [c for c in TRANSACTIONS.required if c not in cols.to_canonical(transactions)]
    if missing:
        raise DataError(f"transactions: missing required column(s) {missing} (the table is "
                        "empty, which is allowed). Map your names with columns=.")
    return tp, None


def _runs(s: pd.Series) -> np.ndarray:
    """First row of every run of equal ids (validated tables are sorted by customer_id)."""
    a = s.to_numpy()
    return np.r_[True, a[1:] != a[:-1]] if len(a) else np.zeros(0, bool)


def _aligned_ids(t_ids: pd.Series, x_ids: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Text ids in one table and integer ids in the other would silently match nothing:
    ``align_ids`` matches them as text or raises. It runs on each table's distinct ids
    (one per run of the sorted tables) so millions of touches cost no hashing."""
    out = []
    firsts = [_runs(t_ids), _runs(x_ids)]
    uniq = align_ids(t_ids[firsts[0]], x_ids[firsts[1]], "touchpoints", "transactions")
    for full, first, u in zip((t_ids, x_ids), firsts, uniq, strict=True):
        if u.dtype == full.dtype:
            out.append(full)
        else:  # reconciled as text: spread the distinct ids back over their runs
            out.append(pd.Series(u.to_numpy()[np.cumsum(first) - 1], index=full.index))
    return out[0], out[1]


def _prepare(touchpoints: Any, transactions: Any, columns: Any) -> dict:
    """Validated tables as plain numpy arrays (int64 ns timestamps, customer codes)."""
    tp, tx = _canonical_tables(touchpoints, transactions, as_columns(columns))
    t_ids = tp["customer_id"]
    if tx is None:
        x_ids, x_ts, x_amt = t_ids[:0], np.zeros(0, np.int64), np.zeros(0)
    else:
        t_ids, x_ids = _aligned_ids(t_ids, tx["customer_id"])
        x_ts = tx["timestamp"].to_numpy(dtype="datetime64[ns]").view(np.int64)
        x_amt = tx["amount"].to_numpy(dtype=float)
    codes, names = pd.factorize(tp["channel"].astype("str"), sort=True)
    n_t = len(tp)
    cust_codes, cust_names = pd.factorize(
        np.concatenate([t_ids.to_numpy(), x_ids.to_numpy()]), sort=True)
    return {
        "tc": cust_codes[:n_t].astype(np.int64), "xc": cust_codes[n_t:].astype(np.int64),
        "cust_names": cust_names, "n_cust": len(cust_names),
        "t_ts": tp["timestamp"].to_numpy(dtype="datetime64[ns]").view(np.int64),
        "t_ch": codes.astype(np.int64), "channels": [str(c) for c in names],
        "x_ts": x_ts, "x_amt": x_amt,
    }


def _conversion_events(d: dict, conversion: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Customer, time and value of every conversion, sorted by customer then time.

    One per customer (first purchase) or per order (customer, time); order lines at
    the same moment are one conversion and their amounts add up.
    """
    xc, x_ts, x_amt = d["xc"], d["x_ts"], d["x_amt"]
    if conversion == "first_purchase" and len(xc):
        first = np.full(d["n_cust"], np.iinfo(np.int64).max)
        np.minimum.at(first, xc, x_ts)
        keep = x_ts == first[xc]
        xc, x_ts, x_amt = xc[keep], x_ts[keep], x_amt[keep]
    o = np.lexsort((x_ts, xc))
    xc, x_ts, x_amt = xc[o], x_ts[o], x_amt[o]
    new = np.r_[True, (np.diff(xc) != 0) | (np.diff(x_ts) != 0)] if len(xc) else np.zeros(0, bool)
    grp = np.cumsum(new) - 1
    conv_cust, conv_ts = xc[new], x_ts[new]
    conv_val = np.bincount(grp, weights=x_amt, minlength=len(conv_cust)) if len(xc) else x_amt
    return conv_cust, conv_ts, conv_val


def _conversion_of_touch(d: dict, conv_cust: np.ndarray, conv_ts: np.ndarray,
                         conversion: str) -> tuple[np.ndarray, np.ndarray]:
    """The conversion each touch leads to (-1: none) and the touches in no journey."""
    tc, t_ts, n_conv = d["tc"], d["t_ts"], len(conv_cust)
    if conversion == "first_purchase":
        conv_of = np.full(d["n_cust"], -1, dtype=np.int64)
        conv_of[conv_cust] = np.arange(n_conv)
        ci = conv_of[tc]
        after = (ci >= 0) & (t_ts > conv_ts[np.maximum(ci, 0)] if n_conv
                             else np.zeros(len(t_ts), bool))
        # Touches after the first purchase belong to no journey.
        return np.where(after, -1, ci), after
    uts = np.unique(conv_ts)
    span = len(uts) + 1
    comp_conv = conv_cust * span + np.searchsorted(uts, conv_ts)
    comp_t = tc * span + np.searchsorted(uts, t_ts)
    idx = np.searchsorted(comp_conv, comp_t, side="left")
    ok = idx < n_conv
    ok[ok] = conv_cust[idx[ok]] == tc[ok]
    return np.where(ok, idx, -1), np.zeros(len(t_ts), dtype=bool)


def _journey_touches(d: dict, conv_ts: np.ndarray, ci: np.ndarray, drop: np.ndarray,
                     include_nulls: bool, window_days: float | None) -> dict:
    """Touches kept in a journey: journey key (conversion index, or n_conv + customer code
    for a null journey), time, channel, customer and journey end, inside the window."""
    n_conv = len(conv_ts)
    converted = ci >= 0
    keep = ~drop & (converted | include_nulls)
    key = np.where(converted, ci, n_conv + d["tc"])[keep]
    ts, ch, cust = d["t_ts"][keep], d["t_ch"][keep], d["tc"][keep]
    conv_mask = key < n_conv
    end = np.empty(len(key), dtype=np.int64)
    end[conv_mask] = conv_ts[key[conv_mask]]
    null_end = np.full(d["n_cust"], _NEVER)
    # A null journey ends at its last touch.
    np.maximum.at(null_end, cust[~conv_mask], ts[~conv_mask])
    end[~conv_mask] = null_end[cust[~conv_mask]]
    t = {"key": key, "ts": ts, "ch": ch, "cust": cust, "end": end}
    if window_days is not None:
        inside = (end - ts) <= int(round(window_days * _NS_PER_DAY))
        t = {k: v[inside] for k, v in t.items()}
    return t


def _add_direct(t: dict, channels: list[str], conv: tuple, lost: np.ndarray,
                direct_label: str) -> list[str]:
    """Give each conversion without a touch a one-touch path through ``direct_label``."""
    conv_cust, conv_ts, _ = conv
    if direct_label not in channels:
        names = sorted([*channels, direct_label])
        remap = np.array([names.index(c) for c in channels], dtype=np.int64)
        t["ch"] = remap[t["ch"]] if len(t["ch"]) else t["ch"]
        channels = names
    t["key"] = np.r_[t["key"], lost]
    t["ts"] = np.r_[t["ts"], conv_ts[lost]]
    t["end"] = np.r_[t["end"], conv_ts[lost]]
    t["cust"] = np.r_[t["cust"], conv_cust[lost]]
    t["ch"] = np.r_[t["ch"], np.full(len(lost), channels.index(direct_label), dtype=np.int64)]
    return channels


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


def _sort_journeys(t: dict, conv_cust: np.ndarray, n_channels: int) -> None:
    """Order touches by journey, then time (ties by channel), in place.

    Journeys come customer by customer in id order, each customer's conversions in time
    order, then their null journey; validated input (sorted by customer and time) then
    needs no sort at all.
    """
    key, n_conv = t["key"], len(conv_cust)
    is_c = key < n_conv
    slot = np.where(is_c, key + conv_cust[np.where(is_c, key, 0)] if n_conv else key,
                    np.searchsorted(conv_cust, key - n_conv, side="right") + (key - n_conv))
    order = _order(slot, t["ts"], t["ch"], n_channels)
    if order is not None:
        for k in t:
            t[k] = t[k][order]


def _drop_unused(ch: np.ndarray, channels: list[str]) -> tuple[np.ndarray, list[str]]:
    """Forget channels whose touches all fell outside the windows."""
    used = np.zeros(len(channels), dtype=bool)
    used[ch] = True
    if used.all():
        return ch, channels
    remap = np.cumsum(used) - 1
    return remap[ch], [c for c, u in zip(channels, used, strict=True) if u]


def _assemble(t: dict, channels: list[str], conv: tuple, cust_names: Any,
              unattributed: tuple[float, float], params: dict) -> Paths:
    """The :class:`Paths` (and its per-journey table) from journey-sorted touches."""
    key, ts, n_conv = t["key"], t["ts"], len(conv[0])
    conv_ts, conv_val = conv[1], conv[2]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, np.int64)
    offsets = np.r_[starts, len(key)].astype(np.int64)
    jkey = key[starts]
    is_conv = jkey < n_conv
    cid = np.where(is_conv, jkey, 0)
    value = np.where(is_conv, conv_val[cid], 0.0) if n_conv else np.zeros(len(jkey))
    conv_time = (np.where(is_conv, conv_ts[cid], _NEVER) if n_conv
                 else np.full(len(jkey), _NEVER))
    ch, channels = _drop_unused(t["ch"], channels)
    paths = Paths(
        channels=channels, codes=ch.astype(np.int32), offsets=offsets,
        conversions=is_conv.astype(float), value=value.astype(float),
        nulls=(~is_conv).astype(float), days_before=(t["end"] - ts) / _NS_PER_DAY,
        unattributed_conversions=unattributed[0], unattributed_value=unattributed[1],
        params=params,
    )
    paths.journeys = pd.DataFrame({
        "customer_id": (np.asarray(cust_names)[t["cust"][starts]] if len(starts)
                        else cust_names[:0]),
        "converted": is_conv,
        "conversion_time": conv_time.view("datetime64[ns]"),
        "value": value.astype(float),
        "n_touches": np.diff(offsets),
        "first_touch": ts[starts].view("datetime64[ns]"),
        "last_touch": (ts[offsets[1:] - 1].view("datetime64[ns]") if len(starts)
                       else ts[:0].view("datetime64[ns]")),
    })
    paths.journeys.index.name = "journey"
    return paths


def _build_paths_engine(touchpoints: Any, transactions: Any, columns: Any,
                        **settings: Any) -> Paths:
    """Both tables through :func:`omnimkt.data.engine.lazy_table` (a pandas table given
    with an engine table joins it through Arrow), journeys in the engine."""
    import pyarrow as pa

    from omnimkt.attribution._lazy import paths_lazy
    from omnimkt.data.engine import lazy_table

    # a pandas table joins the other one's engine (a Spark session, else DuckDB)
    spark = next((getattr(s, "sparkSession", None) for s in (touchpoints, transactions)
                  if type(s).__module__.startswith("pyspark")), None)

    def opened(src: Any, table: str) -> Any:
        if isinstance(src, pd.DataFrame):
            src = check_frame(src, table)
            src = (spark.createDataFrame(src) if spark is not None
                   else pa.Table.from_pandas(src, preserve_index=False))
        return lazy_table(src, table, columns, duplicates="keep")

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*single customer", category=DataWarning)
        tp, tx = opened(touchpoints, "touchpoints"), opened(transactions, "transactions")
    return paths_lazy(tp, tx, **settings)


def build_paths(
    touchpoints: pd.DataFrame,
    transactions: pd.DataFrame,
    *,
    window_days: float | None = 30,
    conversion: str = "first_purchase",
    include_nulls: bool = True,
    no_touch: str = "drop",
    direct_label: str = "direct",
    columns: Columns | Mapping[str, str] | None = None,
) -> Paths:
    """Turn touchpoints and transactions into one channel path per journey.

    A *conversion* is, by default, a customer's first purchase (all order lines at
    the first transaction timestamp, their ``amount`` summed as the conversion
    value). Its path is the customer's touches at or before that moment and at
    most ``window_days`` earlier. Customers who never convert give *null*
    journeys: their touches in the ``window_days`` up to their last touch.
    Touches after a customer's (first) conversion are not part of any path.
    Input order does not matter: touches are sorted by time (ties by channel name),
    so shuffled input gives the same paths. Both tables go through
    :func:`omnimkt.data.validate_touchpoints` and
    :func:`omnimkt.data.validate_transactions` (duplicate rows are kept: two identical
    impressions are two touches); integer ids in one table and text ids in the other
    are matched as text (``123`` matches ``"123"``).

    Parameters
    ----------
    touchpoints : DataFrame
        customer_id, timestamp, channel (canonical names or mapped by ``columns``).
    transactions : DataFrame
        customer_id, timestamp, amount (may have no rows: every journey is then null).
    window_days : float or None
        How long before the conversion (or the last touch of a null journey) a touch
        still counts, in days (0.5 = 12 hours); ``None`` keeps every earlier touch.
    conversion : {"first_purchase", "every_purchase"}
        ``"every_purchase"`` makes every order (customer and timestamp) a conversion whose
        path holds the touches since the previous order (within the window); touches
        after the last order form a null journey.
    include_nulls : bool
        Keep non-converting journeys (needed by Markov and Shapley to see what did
        not work).
    no_touch : {"drop", "direct"}
        Conversions without any touch in the window: ``"drop"`` leaves them out of the
        paths (counted in ``Paths.unattributed_conversions``); ``"direct"`` gives them a
        one-touch path through a channel named ``direct_label``.
    columns : omnimkt.Columns or dict, optional
        Your column names, e.g. ``{"customer_id": "member_no"}``.

    Returns
    -------
    Paths
        ``.table`` is the ChannelAttribution path table, ``.journeys`` the per-journey form.
        When either table is in an engine (polars/pyarrow table, DuckDB relation,
        Parquet/CSV path, Spark DataFrame; see :mod:`omnimkt.data.engine`), the journeys
        are built there and the result holds one row per *distinct* path with its
        counts and value (``.table`` is the same as from pandas; ``journeys`` and
        ``days_before`` are None, so time decay needs the pandas path).

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
    window_days = check_number(window_days, "window_days", low=0, low_open=True,
                               allow_none=True)
    check_choice(conversion, "conversion", CONVERSIONS)
    include_nulls = check_bool(include_nulls, "include_nulls")
    check_choice(no_touch, "no_touch", ("drop", "direct"))
    if not isinstance(direct_label, str) or not direct_label.strip():
        raise ModelError(f"direct_label: must be a non-empty channel name, got {direct_label!r}.")
    params = {"window_days": window_days, "conversion": conversion,
              "include_nulls": include_nulls, "no_touch": no_touch}
    from omnimkt.data.engine import is_engine_source

    if is_engine_source(touchpoints) or is_engine_source(transactions):
        return _build_paths_engine(touchpoints, transactions, columns, window_days=window_days,
                                   conversion=conversion, include_nulls=include_nulls,
                                   no_touch=no_touch, direct_label=direct_label, params=params)
    d = _prepare(touchpoints, transactions, columns)
    conv = _conversion_events(d, conversion)
    ci, drop = _conversion_of_touch(d, conv[0], conv[1], conversion)
    t = _journey_touches(d, conv[1], ci, drop, include_nulls, window_days)
    present = np.zeros(len(conv[0]), dtype=bool)
    present[t["key"][t["key"] < len(conv[0])]] = True
    lost = np.flatnonzero(~present)
    unattributed = (float(len(lost)), float(conv[2][lost].sum()))
    channels = d["channels"]
    if no_touch == "direct" and len(lost):
        channels = _add_direct(t, channels, conv, lost, direct_label)
        unattributed = (0.0, 0.0)
    _sort_journeys(t, conv[0], len(channels))
    return _assemble(t, channels, conv, d["cust_names"], unattributed, params)
