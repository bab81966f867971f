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
  credits, then the order :func:`omnimkt.data.validate_transactions` gives
  the rows (so the result does not depend on the input's row order).
* Resets are located by binary search over each member's running points, so
  time is linear in the events, however long one member's history.
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
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from omnimkt._gate import align_ids, as_columns, as_text_ids, check_bool, check_frame
from omnimkt.errors import DataWarning, ModelError
from omnimkt.loyalty.books import LadderResult
from omnimkt.loyalty.referrals import _lookup, _referrers, referral_heights
from omnimkt.loyalty.rules import PointsLadder

if TYPE_CHECKING:
    from omnimkt.data.schema import Columns

__all__ = ["apply_ladder", "LadderResult", "referral_heights"]

_EPS = 1e-9  # guards floor() against 89.99999999 from float discounts


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


def _resets(pts: np.ndarray, cum: np.ndarray, seg: np.ndarray, start: np.ndarray, R: float,
            carry_over: bool) -> np.ndarray:
    """Points removed by each event's reset (0 where none), for every segment at once.

    A member's balance after event ``j`` is ``cum[j] - base``, ``base`` being the
    points removed so far; the next reset is the first later event where that
    reaches ``R``.  ``cum`` never decreases within a member (points are >= 0), so
    that event is found by binary search and each round costs O(log n) per member
    with a reset still to come (a replay event by event was quadratic in one
    member's history).  ``base`` is accumulated reset by reset, in the same float
    arithmetic as a replay, so the books stay exact: earned = held + reset.
    """
    removed = np.zeros(len(cum))
    e = _first_true(cum >= R - _EPS, start)  # first reset of each member (base 0)
    if e.size == 0:
        return removed
    # one global, non-decreasing running sum locates the candidates of every segment
    # (segments are sorted, so a member's events end where the next member's begin)
    cs = np.cumsum(pts)
    offset = cs[start[e]] - pts[start[e]]   # cum[j] ~= cs[j] - offset, per member
    hi = np.searchsorted(seg, seg[e], side="right")
    base = np.zeros(e.size)
    while e.size:
        b = cum[e] - base
        rem = b if not carry_over else R * np.floor((b + _EPS) / R)
        removed[e] = rem
        base = base + rem
        lo = e + 1
        g = np.searchsorted(cs, base + (R - _EPS) + offset, side="left")
        g = np.clip(g, lo, hi)
        g = _exact_first(cum, base, R - _EPS, g, lo, hi)
        keep = g < hi
        e, base, offset, hi = g[keep], base[keep], offset[keep], hi[keep]
    return removed


def _exact_first(cum: np.ndarray, base: np.ndarray, limit: float, g: np.ndarray,
                 lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Move each guess ``g`` to the first ``j`` in [lo, hi) with ``cum[j] - base >= limit``.

    The guess comes from a running sum with a different rounding; the predicate is
    monotone in ``j``, so a few steps either way settle it exactly (``hi`` = none).
    """
    while True:
        down = np.flatnonzero((g > lo) & (cum[np.maximum(g - 1, 0)] - base >= limit))
        if down.size == 0:
            break
        g[down] -= 1
    while True:
        gc = np.minimum(g, len(cum) - 1)
        up = np.flatnonzero((g < hi) & ~(cum[gc] - base >= limit))
        if up.size == 0:
            break
        g[up] += 1
    return g


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
        removed = _resets(pts, cum, seg, start, float(ladder.reset_at), ladder.carry_over)
    balance = cum - _seg_cumsum(removed, start)
    return level, level_after, pay_level, pts, removed, balance, cross


# ---------------------------------------------------------------- inputs
def _inputs(transactions: Any, customers: Any, columns: Any) -> tuple[dict, Any, Any]:
    """Validated transaction arrays (ids as codes into ``uniq``) and the customers' ids
    and referrer ids (or None).

    Both tables go through :mod:`omnimkt.data`'s validators; integer ids in one
    table and text ids in the other are reconciled as text (``align_ids``).
    """
    from omnimkt.data import validate_customers, validate_transactions

    check_frame(transactions, "transactions")
    with warnings.catch_warnings():
        # one member is a perfectly good ladder to replay (the warning is for models)
        warnings.filterwarnings("ignore", message=".*single customer", category=DataWarning)
        tx = validate_transactions(transactions, columns, duplicates="keep")
    # factorize first (hashing the log once); only the few unique ids are compared
    codes, uniq = pd.factorize(tx["customer_id"])
    uniq = pd.Series(uniq)
    cust_ids = ref_ids = None
    if customers is not None:
        cu = validate_customers(check_frame(customers, "customers"), columns)
        uniq, cust = align_ids(uniq, cu["customer_id"], "transactions", "customers")
        cust_ids = cust.to_numpy()
        if "referrer_id" in cu.columns:
            ref = cu["referrer_id"]
            if cust_ids.dtype.kind not in "iu" and pd.api.types.is_integer_dtype(ref.dtype):
                ref = as_text_ids(ref)
            ref_ids = ref.to_numpy()
    arrays = {"codes": codes, "uniq": uniq.to_numpy(),
              "timestamp": tx["timestamp"].to_numpy(dtype="datetime64[ns]").view("int64"),
              "amount": tx["amount"].to_numpy(dtype="float64")}
    return arrays, cust_ids, ref_ids


def _event_order(mem: np.ndarray, ref: np.ndarray, height: np.ndarray, t: np.ndarray,
                 M: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One event list: own purchases plus a referral credit per purchase of a referee.

    Ordered by (height in the referral forest, member, time, own-before-credit,
    input row), so each height is one contiguous slice and referees (lower
    height) are always priced before their referrers.
    """
    n_tx = mem.size
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
    return ev_mem[order].astype(small), ev_kind[order], ev_row[order].astype(small)


def _price(ladder: PointsLadder, ev: dict, height: np.ndarray, amount: np.ndarray,
           apply_discounts: bool) -> None:
    """Fill the books of ``ev`` height by height (referees before their referrers)."""
    ev_mem, ev_row, is_own = ev["mem"], ev["row"], ev["kind"] == 0
    disc = np.array([0.0] + [tt.discount for tt in ladder.tiers])
    paid = np.zeros(amount.size)
    ev_h = height[ev_mem]
    bounds = np.searchsorted(ev_h, np.arange(int(ev_h.max(initial=0)) + 2))
    del ev_h
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
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


# ---------------------------------------------------------------- public API
def apply_ladder(transactions: pd.DataFrame, customers: pd.DataFrame | None = None,
                 ladder: PointsLadder | None = None, *,
                 columns: Columns | Mapping[str, str] | None = None,
                 apply_discounts: bool = True) -> LadderResult:
    """Apply a points ladder to a transaction log, exactly.

    Parameters
    ----------
    transactions : DataFrame
        customer_id, timestamp, amount (yuan, before the programme's discount);
        checked by :func:`omnimkt.data.validate_transactions` (identical rows are
        kept -- they may be real repeat purchases).
    customers : DataFrame, optional
        customer_id and referrer_id (nullable); needed for referral points.
        Checked by :func:`omnimkt.data.validate_customers`; referral cycles raise
        :class:`omnimkt.DataError`. Integer ids here and text ids in
        ``transactions`` (or the reverse) are matched as text.
    ladder : PointsLadder, optional
        Defaults to the case's ladder.
    columns : omnimkt.Columns or dict, optional
        Mapping from omnimkt's column names to yours (both tables).
    apply_discounts : bool
        Compute tier discounts (default). ``False`` when amounts already are net
        of the programme's discounts (points then use the amounts as paid).

    Returns
    -------
    LadderResult
        ``members``, ``ledger``, ``tier_history``, ``vouchers``, ``monthly``, ``summary``.

    Notes
    -----
    Time and memory are linear in the number of events: resets are located by
    binary search, so one member with a million purchases takes seconds.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [2], "amount": [6000.0],
    ...                    "timestamp": [pd.Timestamp("2025-03-01")]})
    >>> cu = pd.DataFrame({"customer_id": [1, 2], "referrer_id": pd.array([None, 1], "Int64")})
    >>> float(apply_ladder(tx, cu).members.loc[1, "points_referral"])
    3000.0
    """
    ladder = PointsLadder() if ladder is None else ladder
    if not isinstance(ladder, PointsLadder):
        raise ModelError(f"ladder: expected a PointsLadder, got {type(ladder).__name__}.")
    apply_discounts = check_bool(apply_discounts, "apply_discounts")
    columns = as_columns(columns)
    tx, cust_ids, ref_ids = _inputs(transactions, customers, columns)
    codes_tx, uniq = tx["codes"], tx["uniq"]
    ids = pd.Index(uniq)
    if cust_ids is not None:
        ids = pd.Index(cust_ids).append(ids).unique()
    ids = ids.sort_values()
    ref = _referrers(cust_ids, ref_ids, ids.to_numpy())
    height = referral_heights(ref)
    n_tx = len(tx["amount"])
    mem = _lookup(ids.to_numpy(), uniq)[codes_tx] if n_tx else np.zeros(0, dtype=np.int64)
    del codes_tx
    ev_mem, ev_kind, ev_row = _event_order(mem, ref, height, tx["timestamp"], len(ids))
    n_ev = ev_mem.size
    ev = {"mem": ev_mem, "kind": ev_kind, "row": ev_row,
          "discount": np.zeros(n_ev), "points": np.zeros(n_ev), "removed": np.zeros(n_ev),
          "balance": np.zeros(n_ev), "level_before": np.zeros(n_ev, np.int8),
          "level_after": np.zeros(n_ev, np.int8)}
    _price(ladder, ev, height, tx["amount"], apply_discounts)
    return LadderResult(ladder, ids, ref, ev, mem, tx["timestamp"], tx["amount"])
