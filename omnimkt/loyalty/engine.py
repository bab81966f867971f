"""Exact rules engine: apply a :class:`PointsLadder` to a real transaction log.

The engine replays every purchase in time order, per member, and keeps the
ladder's books: points earned on own spend and on referred members' spend,
the balance after each event, tier changes with dates, vouchers issued,
discounts given, and points removed by resets.  It is exact (no sampling)
and vectorised: the only sequential dependency -- a tier discount changes
the amount paid, which changes the points, which decides the next tier --
is solved tier by tier over all members at once (at most ``len(tiers)``
passes), and referral credits are resolved bottom-up over the referral
forest (a referrer's points need the referred member's amounts *after*
their own discount).

Conventions (see :mod:`omnimkt.loyalty.rules` for the ladder's options):

* ``transactions.amount`` is the basket value *before* the programme (what
  the member would pay without a tier discount); the engine computes the
  discount and the amount paid.  If the log already contains the
  programme's discounts, pass ``apply_discounts=False``.
* At equal timestamps a member's own purchases come before referral
  credits, then input order.
* Referral credits go to the direct referrer only (one level).

Examples
--------
>>> import pandas as pd
>>> tx = pd.DataFrame({"customer_id": [1, 1], "amount": [3000.0, 100.0],
...                    "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01"])})
>>> res = apply_ladder(tx)
>>> [str(v) for v in res.members.loc[1, ["points_earned", "tier", "discount"]]]
['3090.0', '1-star', '10.0']
"""

from __future__ import annotations

import warnings
from functools import cached_property

import numpy as np
import pandas as pd

from omnimkt.errors import DataError, DataWarning, examples
from omnimkt.loyalty._base import _Result
from omnimkt.loyalty.rules import PointsLadder

__all__ = ["apply_ladder", "LadderResult", "referral_heights"]

_EPS = 1e-9  # guards floor() against 89.99999999 from float discounts


# ----------------------------------------------------------------- input checks
def _prepare_transactions(transactions: pd.DataFrame, columns=None) -> dict:
    """Checked arrays customer_id, timestamp (int64 ns, naive) and amount (float64).

    Columns are read, not copied, when they already have the right dtypes (logs of
    tens of millions of rows)."""
    if columns is not None:
        transactions = columns.to_canonical(transactions)
    if not isinstance(transactions, pd.DataFrame):
        raise DataError("transactions: expected a pandas DataFrame.")
    missing = [c for c in ("customer_id", "timestamp", "amount") if c not in transactions.columns]
    if missing:
        raise DataError(f"transactions: missing column(s) {missing}; map your names with "
                        "omnimkt.Columns(customer_id=..., timestamp=..., amount=...).")
    tx = transactions
    if tx["customer_id"].isna().any():
        bad = int(tx["customer_id"].isna().sum())
        raise DataError(f"transactions.customer_id: {bad} rows have no customer id. "
                        "Drop or fill them.")
    amount = pd.to_numeric(tx["amount"], errors="coerce")
    if amount.isna().any():
        bad = tx["amount"][amount.isna()]
        raise DataError(f"transactions.amount: {len(bad)} rows are missing or not numbers "
                        f"(e.g. {examples(bad)}). Clean them.")
    if (amount < 0).any():
        bad = amount[amount < 0]
        raise DataError(f"transactions.amount: {len(bad)} rows have negative spend "
                        f"(e.g. {examples(bad)}). Points cannot be earned on refunds: net "
                        "refunds into their orders or drop them first.")
    ts = tx["timestamp"]
    if not pd.api.types.is_datetime64_any_dtype(ts):
        ts = pd.to_datetime(ts, errors="coerce")
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_convert(None)
    if ts.isna().any():
        bad = tx["timestamp"][ts.isna()]
        raise DataError(f"transactions.timestamp: {len(bad)} rows have missing or unparsable "
                        f"timestamps (e.g. {examples(bad)}). Fix them.")
    return {"customer_id": tx["customer_id"].to_numpy(),
            "timestamp": ts.to_numpy(dtype="datetime64[ns]").view("int64"),
            "amount": amount.to_numpy(dtype="float64")}


def _lookup(sorted_ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Position of each value in ``sorted_ids`` (-1 if absent).

    Binary search for numeric ids (no hash table to build over millions of ids);
    pandas' hash lookup otherwise.
    """
    values = np.asarray(values)
    if (sorted_ids.dtype.kind in "iuf" and values.dtype.kind in "iuf") and sorted_ids.size:
        if values.size > 10_000:  # sorted queries make the binary search cache friendly
            o = np.argsort(values, kind="stable")
            pos = np.empty(values.size, dtype=np.int64)
            pos[o] = np.searchsorted(sorted_ids, values[o])
        else:
            pos = np.searchsorted(sorted_ids, values)
        pos_c = np.minimum(pos, sorted_ids.size - 1)
        return np.where(sorted_ids[pos_c] == values, pos_c, -1)
    return pd.Index(sorted_ids).get_indexer(values)


def _referrers(customers: pd.DataFrame | None, ids: np.ndarray, columns=None) -> np.ndarray:
    """Referrer code per member code (-1 = none); raises on unknown ids and cycles."""
    ref = np.full(len(ids), -1, dtype=np.int64)
    if customers is None:
        return ref
    if columns is not None:
        customers = columns.to_canonical(customers)
    if "customer_id" not in customers.columns:
        raise DataError("customers: missing column 'customer_id'.")
    if "referrer_id" not in customers.columns:
        return ref
    cust = customers[["customer_id", "referrer_id"]]
    dup = cust["customer_id"].duplicated()
    if dup.any():
        raise DataError(f"customers.customer_id: {int(dup.sum())} duplicated ids "
                        f"(e.g. {examples(cust['customer_id'][dup])}). Keep one row per customer.")
    has = cust["referrer_id"].notna().to_numpy()
    r_ids = cust["referrer_id"].to_numpy()[has]
    c_ids = cust["customer_id"].to_numpy()
    if r_ids.dtype == object and c_ids.dtype.kind in "iu":
        r_ids = r_ids.astype(c_ids.dtype)
    unknown = _lookup(np.sort(c_ids), r_ids) < 0
    if unknown.any():
        raise DataError(f"customers.referrer_id: {int(unknown.sum())} rows name a referrer that "
                        f"is not in customers.customer_id (e.g. {examples(r_ids[unknown])}). "
                        "Add the referrers to the customers table or clear those referrer ids.")
    child = _lookup(ids, c_ids[has])
    ref[child] = _lookup(ids, r_ids)
    _depths(ref, ids)  # raises on cycles
    return ref


def _depths(ref: np.ndarray, ids: np.ndarray | None = None) -> np.ndarray:
    """Depth of each member in the referral forest (roots 0); DataError on cycles."""
    depth = np.where(ref < 0, 0, -1)
    todo = np.flatnonzero(depth < 0)
    while todo.size:
        ready = depth[ref[todo]] >= 0
        if not ready.any():
            cyc = todo if ids is None else ids[todo]
            raise DataError(f"customers.referrer_id: {todo.size} customers are in or behind a "
                            f"referral cycle (e.g. {examples(cyc)}); a member cannot refer "
                            "themselves, directly or through others. Break the cycle.")
        done = todo[ready]
        depth[done] = depth[ref[done]] + 1
        todo = todo[~ready]
    return depth


def referral_heights(ref: np.ndarray) -> np.ndarray:
    """Height in the referral forest: 0 = referred nobody, else 1 + max over referees."""
    depth = _depths(ref)
    height = np.zeros(len(ref), dtype=np.int64)
    order = np.argsort(-depth, kind="stable")
    d_sorted = depth[order]
    for d in np.unique(d_sorted)[::-1]:
        if d == 0:
            break
        nodes = order[d_sorted == d]
        np.maximum.at(height, ref[nodes], height[nodes] + 1)
    return height


# ------------------------------------------------------------------- core pass
def _seg_starts(seg: np.ndarray) -> np.ndarray:
    """Index of the first event of each event's segment (seg sorted)."""
    n = len(seg)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.empty(n, dtype=bool)
    new[0] = True
    new[1:] = seg[1:] != seg[:-1]
    starts = np.flatnonzero(new)
    if n < 2 ** 31 - 1:
        starts = starts.astype(np.int32)  # halves the largest temporary of the engine
    return starts[np.cumsum(new) - 1]


def _seg_cumsum(x: np.ndarray, start: np.ndarray) -> np.ndarray:
    cs = np.cumsum(x)
    return cs - cs[start] + x[start]


def _first_true(mask: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Positions of the first True of each segment, for masks monotone within segments."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return idx
    prev_ok = np.ones(idx.size, dtype=bool)
    inner = idx != start[idx]
    prev_ok[inner] = ~mask[idx[inner] - 1]
    return idx[prev_ok]


def _points(rate: float, base: np.ndarray, rounding: str) -> np.ndarray:
    p = rate * base
    return np.floor(p + _EPS) if rounding == "floor" else p


def _run(ladder: PointsLadder, seg, is_own, gross, credit, apply_discounts):
    """Replay one block of events sorted by (segment, time, kind).

    Returns level_before, level_after, pay_level, points, removed, balance, crossings
    (list per tier of event positions where the tier is first reached).
    """
    n = len(seg)
    th = np.array([t.threshold for t in ladder.tiers], dtype=float)
    disc = np.array([0.0] + [t.discount for t in ladder.tiers])
    start = _seg_starts(seg)
    level = np.zeros(n, dtype=np.int8)

    def pts_for(lv):
        d = disc[lv] if apply_discounts else 0.0
        base = gross * (1.0 - d) if ladder.discount_before_points else gross
        return np.where(is_own, _points(ladder.own_rate, base, ladder.rounding), credit)

    cross = []
    for k in range(1, len(th) + 1):
        pts = pts_for(level)
        cum = _seg_cumsum(pts, start)
        c = _first_true(cum >= th[k - 1] - _EPS, start)
        cross.append(c)
        # events strictly after the crossing, same member, move to level >= k
        # mark from c+1 to end of segment: cumulative marks, minus at segment starts
        marks = np.zeros(n, dtype=np.int32)
        nxt = c + 1
        nxt = nxt[(nxt < n) & (seg[np.minimum(nxt, n - 1)] == seg[c])]  # same member only
        marks[nxt] = 1
        cm = np.cumsum(marks, dtype=np.int32)
        cm -= cm[start] - marks[start]
        np.maximum(level, np.int8(k), out=level, where=cm > 0)
        del marks, cm
    pts = pts_for(level)
    cum = _seg_cumsum(pts, start)
    level_after = np.searchsorted(th - _EPS, cum, side="right").astype(np.int8)
    level_after = np.maximum(level_after, level)
    pay_level = level_after if ladder.discount_on_crossing else level
    # with discount_on_crossing the crossing purchase's points were decided at the old
    # level (so the crossing is well defined); only its price changes.
    removed = np.zeros(n)
    if ladder.reset_at is not None and n:
        R = float(ladder.reset_at)
        base = np.zeros(n)  # points removed before this event, per segment (running)
        pos = start.copy()  # first event not yet examined, per event's segment
        # only events whose cumulative points reach the reset can ever trigger one (the
        # balance never exceeds the cumulative points; cum is non-decreasing per member)
        active = np.flatnonzero(cum >= R - _EPS)
        while active.size:
            bal = cum[active] - base[active]
            hit = (bal >= R - _EPS) & (active >= pos[active])
            idx = active[hit]
            if idx.size == 0:
                break
            _, first = np.unique(seg[idx], return_index=True)
            e = idx[first]
            b = cum[e] - base[e]
            rem = b if not ladder.carry_over else R * np.floor((b + _EPS) / R)
            removed[e] = rem
            # later events of these segments: base += rem, examine from e+1
            seg_e = seg[e]
            in_seg = np.isin(seg[active], seg_e)
            act2 = active[in_seg]
            m = pd.Index(seg_e).get_indexer(seg[act2])
            later = act2 > e[m]
            base[act2[later]] += rem[m[later]]
            pos[act2] = e[m] + 1
            active = act2[later]
    balance = cum - _seg_cumsum(removed, start)
    return level, level_after, pay_level, pts, removed, balance, cross


# ---------------------------------------------------------------- public API
def apply_ladder(transactions: pd.DataFrame, customers: pd.DataFrame | None = None,
                 ladder: PointsLadder | None = None, *, columns=None,
                 apply_discounts: bool = True, validate: bool = True) -> LadderResult:
    """Apply a points ladder to a transaction log, exactly.

    Parameters
    ----------
    transactions : DataFrame
        customer_id, timestamp, amount (yuan, before the programme's discount).
    customers : DataFrame, optional
        customer_id and referrer_id (nullable); needed for referral points.
        Unknown referrer ids and referral cycles raise :class:`omnimkt.DataError`.
    ladder : PointsLadder, optional
        Defaults to the case's ladder.
    columns : omnimkt.Columns, optional
        Mapping from your column names.
    apply_discounts : bool
        Compute tier discounts (default). ``False`` when amounts already are net
        of the programme's discounts (points then use the amounts as paid).
    validate : bool
        Run :func:`omnimkt.data.validate_transactions` first (default; identical
        rows are kept -- they may be real repeat purchases). ``False`` skips it for
        very large, already canonical logs (ids, amounts and timestamps are still
        checked: missing, negative, unparsable).

    Returns
    -------
    LadderResult
        ``members``, ``ledger``, ``tier_history``, ``vouchers``, ``monthly``, ``summary``.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [2], "amount": [6000.0],
    ...                    "timestamp": [pd.Timestamp("2025-03-01")]})
    >>> cu = pd.DataFrame({"customer_id": [1, 2], "referrer_id": pd.array([None, 1], "Int64")})
    >>> float(apply_ladder(tx, cu).members.loc[1, "points_referral"])
    3000.0
    """
    ladder = ladder or PointsLadder()
    if validate:
        from omnimkt.data import validate_transactions
        with warnings.catch_warnings():
            # one member is a perfectly good ladder to replay (the warning is for models)
            warnings.filterwarnings("ignore", message=".*single customer", category=DataWarning)
            transactions = validate_transactions(transactions, columns, duplicates="keep")
        columns = None
    tx = _prepare_transactions(transactions, columns)
    # factorize first (hashing once), then map the few unique ids
    codes_tx, uniq = pd.factorize(tx["customer_id"])
    if customers is not None:
        cid = (columns.to_canonical(customers) if columns is not None else customers)
        if "customer_id" not in cid.columns:
            raise DataError("customers: missing column 'customer_id'.")
        ids = pd.Index(cid["customer_id"].to_numpy()).append(pd.Index(uniq)).unique()
    else:
        ids = pd.Index(uniq)
    ids = ids.sort_values()
    ref = _referrers(customers, ids.to_numpy(), columns)
    height = referral_heights(ref)
    M = len(ids)

    n_tx = len(tx["amount"])
    mem = _lookup(ids.to_numpy(), uniq)[codes_tx] if n_tx else np.zeros(0, dtype=np.int64)
    del codes_tx
    t = tx["timestamp"]
    amount = tx["amount"]
    # one event list: own purchases, plus a referral credit for every purchase by a
    # referred member; ordered by (height in the referral forest, member, time,
    # own-before-credit, input row) so each height is one contiguous slice and referees
    # (lower height) are always priced before their referrers.
    cred_rows = np.flatnonzero(ref[mem] >= 0)
    ev_mem = np.concatenate([mem, ref[mem[cred_rows]]])
    ev_kind = np.concatenate([np.zeros(n_tx, np.int8), np.ones(cred_rows.size, np.int8)])
    ev_row = np.concatenate([np.arange(n_tx), cred_rows])
    if n_tx:
        dt = t - t.min()
        if not (dt % 1_000_000_000).any():
            t_rank = dt // 1_000_000_000   # whole seconds: already a compact order key
        else:
            t_rank = np.unique(t, return_inverse=True)[1].reshape(-1)
        del dt
    else:
        t_rank = t
    R = int(t_rank.max()) + 1 if n_tx else 1
    H = int(height.max()) + 1 if M else 1
    if float(H) * M * R * 2 < 2 ** 62:
        key = ((height[ev_mem] * M + ev_mem) * R + t_rank[ev_row]) * 2 + ev_kind
        order = np.argsort(key, kind="stable")
        del key
    else:  # pragma: no cover - astronomically many distinct timestamps
        order = np.lexsort((ev_row, ev_kind, t_rank[ev_row], ev_mem, height[ev_mem]))
    small = np.int32 if max(M, n_tx) < 2 ** 31 - 1 else np.int64  # halves the index memory
    ev_mem, ev_kind, ev_row = (ev_mem[order].astype(small), ev_kind[order],
                               ev_row[order].astype(small))
    del order, t_rank
    n_ev = ev_mem.size
    ev_h = height[ev_mem]
    is_own = ev_kind == 0
    ev = {"mem": ev_mem, "kind": ev_kind, "row": ev_row,
          "discount": np.zeros(n_ev), "points": np.zeros(n_ev), "removed": np.zeros(n_ev),
          "balance": np.zeros(n_ev), "level_before": np.zeros(n_ev, np.int8),
          "level_after": np.zeros(n_ev, np.int8)}
    disc = np.array([0.0] + [tt.discount for tt in ladder.tiers])
    paid = np.zeros(n_tx)
    bounds = np.searchsorted(ev_h, np.arange(H + 1))
    del ev_h
    for h in range(H):
        lo, hi = bounds[h], bounds[h + 1]
        if lo == hi:
            continue
        sl = slice(lo, hi)
        own = is_own[sl]
        rows = ev_row[sl]
        credit = np.zeros(hi - lo)
        # referees have a lower height: their amounts paid are already known
        credit[~own] = _points(ladder.referral_rate, paid[rows[~own]], ladder.rounding)
        gross = np.where(own, amount[rows], 0.0)
        lv, lv_after, pay_lv, pts, rem, bal, _ = _run(
            ladder, ev_mem[sl], own, gross, credit, apply_discounts)
        d_amt = np.where(own, gross * (disc[pay_lv] if apply_discounts else 0.0), 0.0)
        paid[rows[own]] = (gross - d_amt)[own]
        del gross
        ev["discount"][sl] = d_amt
        ev["points"][sl] = pts
        ev["removed"][sl] = rem
        ev["balance"][sl] = bal
        ev["level_before"][sl] = lv
        ev["level_after"][sl] = lv_after
    return LadderResult(ladder, ids, ref, ev, mem, t, amount)


class LadderResult(_Result):
    """The books of a ladder applied to a log.

    Attributes
    ----------
    ladder : PointsLadder
    members : DataFrame (index customer_id)
        own_spend, discount, paid, points_own, points_referral, points_earned,
        points_reset, points_held, n_resets, level, tier, reached_<tier> dates,
        vouchers_value.
    ledger : DataFrame
        One row per event (own purchase or referral credit): customer_id,
        timestamp, kind, source_customer_id, amount, discount, paid, points,
        points_reset, balance (after the event), level_before, tier_after.
    tier_history : DataFrame
        customer_id, level, tier, date (when first reached).
    vouchers : DataFrame
        customer_id, tier, issued, expires, value.
    monthly : DataFrame (index month)
        Programme totals per calendar month.
    summary : DataFrame
        Programme totals (one column "value").
    """

    _title = "points ladder applied to the log"

    def __init__(self, ladder, ids, ref, ev, mem_of_row, t_of_row, amount_of_row):
        self.ladder = ladder
        self._amount = amount_of_row
        self._t = t_of_row  # int64 ns per input row; event times are looked up by row
        self._ids = ids
        self._ref = ref
        self._mem_of_row = mem_of_row
        # events are grouped by member (each member's events contiguous, in time order)
        self._ev = ev
        # first-reach events per tier: earliest event with level_after >= k
        self._cross = []
        for k in range(1, len(ladder.tiers) + 1):
            hit = np.flatnonzero(ev["level_after"] >= k)
            if hit.size:
                first = np.ones(hit.size, dtype=bool)
                first[1:] = ev["mem"][hit[1:]] != ev["mem"][hit[:-1]]
                hit = hit[first]
            self._cross.append(hit)

    def _gross(self, ev: dict) -> np.ndarray:
        """Basket value of own purchases (0 for referral credits), from the input rows."""
        return np.where(ev["kind"] == 0, self._amount[ev["row"]], 0.0)

    # ------------------------------------------------------------- tables
    @cached_property
    def ledger(self) -> pd.DataFrame:
        o = np.argsort(self._ev["mem"], kind="stable")
        ev = {k: v[o] for k, v in self._ev.items()}
        ids = self._ids
        own = ev["kind"] == 0
        src = self._mem_of_row[ev["row"]] if len(ev["row"]) else ev["mem"]
        names = np.array(self.ladder.level_names, dtype=object)
        return pd.DataFrame({
            "customer_id": ids.to_numpy()[ev["mem"]],
            "timestamp": self._t[ev["row"]].view("datetime64[ns]"),
            "kind": np.where(own, "purchase", "referral"),
            "source_customer_id": ids.to_numpy()[src],
            "amount": self._gross(ev),
            "discount": ev["discount"],
            "paid": self._gross(ev) - ev["discount"],
            "points": ev["points"],
            "points_reset": ev["removed"],
            "balance": ev["balance"],
            "level_before": ev["level_before"].astype(np.int64),
            "tier_after": pd.array(names[ev["level_after"]], dtype="str"),
        })

    @cached_property
    def tier_history(self) -> pd.DataFrame:
        ev, ids = self._ev, self._ids
        parts = []
        for k, hit in enumerate(self._cross, start=1):
            parts.append(pd.DataFrame({
                "customer_id": ids.to_numpy()[ev["mem"][hit]],
                "level": k, "tier": self.ladder.tiers[k - 1].name,
                "date": self._t[ev["row"][hit]].view("datetime64[ns]"),
                "balance_before_reset": (ev["balance"] + ev["removed"])[hit]}))
        out = pd.concat(parts, ignore_index=True)
        out["tier"] = out["tier"].astype("str")
        return out.sort_values(["customer_id", "level"], ignore_index=True)

    @cached_property
    def vouchers(self) -> pd.DataFrame:
        th = self.tier_history
        value = np.array([t.voucher for t in self.ladder.tiers])[th["level"].to_numpy() - 1]
        out = pd.DataFrame({"customer_id": th["customer_id"], "tier": th["tier"],
                            "issued": th["date"],
                            "expires": th["date"] + pd.Timedelta(days=self.ladder.voucher_expiry_days),
                            "value": value})
        return out[out["value"] > 0].reset_index(drop=True)

    @cached_property
    def members(self) -> pd.DataFrame:
        ev, n = self._ev, len(self._ids)
        m = ev["mem"]
        own = ev["kind"] == 0

        def bc(w, mask=None):
            if mask is None:
                return np.bincount(m, weights=w, minlength=n)
            return np.bincount(m[mask], weights=w[mask], minlength=n)

        out = pd.DataFrame(index=pd.Index(self._ids, name="customer_id"))
        out["own_spend"] = bc(self._gross(ev))
        out["discount"] = bc(ev["discount"])
        out["paid"] = out["own_spend"] - out["discount"]
        out["points_own"] = bc(ev["points"], own)
        out["points_referral"] = bc(ev["points"], ~own)
        out["points_earned"] = out["points_own"] + out["points_referral"]
        out["points_reset"] = bc(ev["removed"])
        last = np.zeros(n)
        if len(m):
            is_last = np.append(m[1:] != m[:-1], True)
            last[m[is_last]] = ev["balance"][is_last]
        out["points_held"] = last
        out["n_resets"] = np.bincount(m, weights=(ev["removed"] > 0).astype(float),
                                      minlength=n).astype(np.int64)
        level = np.zeros(n, dtype=np.int64)
        for k, hit in enumerate(self._cross, start=1):
            level[m[hit]] = k
        out["level"] = level
        out["tier"] = pd.array(np.array(self.ladder.level_names, dtype=object)[level], dtype="str")
        vval = np.zeros(n)
        for k, hit in enumerate(self._cross, start=1):
            col = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
            col[m[hit]] = self._t[ev["row"][hit]].view("datetime64[ns]")
            out[f"reached_{self.ladder.tiers[k - 1].name}"] = col
            vval[m[hit]] += self.ladder.tiers[k - 1].voucher
        out["vouchers_value"] = vval
        out["referrer_id"] = pd.array(
            np.where(self._ref >= 0, self._ids.to_numpy()[np.maximum(self._ref, 0)], 0),
            dtype="Int64")
        out.loc[self._ref < 0, "referrer_id"] = pd.NA
        return out

    @cached_property
    def monthly(self) -> pd.DataFrame:
        ev = self._ev
        if len(ev["row"]) == 0:
            return pd.DataFrame()
        month = self._t[ev["row"]].view("datetime64[ns]").astype("datetime64[M]")
        m0, m1 = month.min(), month.max()
        months = np.arange(m0, m1 + 1)
        mi = (month - m0).astype(np.int64)
        k = len(months)
        own = ev["kind"] == 0
        out = pd.DataFrame(index=pd.DatetimeIndex(months.astype("datetime64[ns]"), name="month"))
        out["spend"] = np.bincount(mi, weights=self._gross(ev), minlength=k)
        out["discount"] = np.bincount(mi, weights=ev["discount"], minlength=k)
        out["paid"] = out["spend"] - out["discount"]
        out["points_earned"] = np.bincount(mi, weights=ev["points"], minlength=k)
        out["points_referral"] = np.bincount(mi[~own], weights=ev["points"][~own], minlength=k)
        out["points_reset"] = np.bincount(mi, weights=ev["removed"], minlength=k)
        vv = np.zeros(k)
        for lvl, hit in enumerate(self._cross, start=1):
            cnt = np.bincount(mi[hit], minlength=k)
            out[f"new_{self.ladder.tiers[lvl - 1].name}"] = cnt
            vv += cnt * self.ladder.tiers[lvl - 1].voucher
        out["vouchers_issued"] = vv
        out["voucher_cost_expected"] = vv * (1 - self.ladder.voucher_breakage)
        out["programme_cost"] = out["discount"] + out["voucher_cost_expected"]
        for tier in self.ladder.tiers:
            # members at this level or above at month end
            out[f"at_least_{tier.name}"] = out[f"new_{tier.name}"].cumsum()
        return out

    @cached_property
    def summary(self) -> pd.DataFrame:
        mb = self.members
        rows = {
            "members": len(mb),
            "members with purchases": int((mb["own_spend"] > 0).sum()),
            "spend (before discounts)": mb["own_spend"].sum(),
            "discounts given": mb["discount"].sum(),
            "vouchers issued (face value)": mb["vouchers_value"].sum(),
            "vouchers expected cost (after breakage)":
                mb["vouchers_value"].sum() * (1 - self.ladder.voucher_breakage),
            "points earned": mb["points_earned"].sum(),
            "points held": mb["points_held"].sum(),
            "points removed by resets": mb["points_reset"].sum(),
        }
        rows["programme cost"] = rows["discounts given"] + rows["vouchers expected cost (after breakage)"]
        spend = rows["spend (before discounts)"]
        rows["cost as share of spend"] = rows["programme cost"] / spend if spend else np.nan
        for k, tier in enumerate(self.ladder.tiers, start=1):
            rows[f"members reaching {tier.name}"] = int((mb["level"] >= k).sum())
        return pd.DataFrame({"value": pd.Series(rows, dtype=float)})

    def balance_history(self, customer_id) -> pd.DataFrame:
        """One member's events with the balance after each."""
        led = self.ledger
        return led[led["customer_id"] == customer_id].reset_index(drop=True)

    def tier_counts(self, freq: str = "MS") -> pd.DataFrame:
        """Members at each level at the end of each period (status never goes down)."""
        th = self.tier_history
        if th.empty:
            return pd.DataFrame()
        tab = (th.assign(period=th["date"].dt.to_period(freq[0]).dt.to_timestamp())
                 .pivot_table(index="period", columns="tier", values="customer_id",
                              aggfunc="count", fill_value=0, observed=True))
        cols = [t.name for t in self.ladder.tiers if t.name in tab.columns]
        return tab[cols].cumsum()

    def identity_check(self) -> float:
        """Largest |points earned - (points held + points reset)| over members (0 if exact)."""
        mb = self.members
        return float((mb["points_earned"] - mb["points_held"] - mb["points_reset"]).abs().max()
                     if len(mb) else 0.0)
