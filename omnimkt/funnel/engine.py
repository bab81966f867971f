"""The funnel counting engine: :func:`funnel` and :func:`compare_periods`.

Everything is computed with numpy over the whole event table at once (no
per-customer Python loop): rows are put in one canonical order (customer, time,
then the tie rule below), attempts are anchored at step-1 events and each next
step is found with one ``searchsorted`` per step.

Tie rule (events with the same customer and timestamp)
------------------------------------------------------
Events at the same instant are ordered by the funnel itself, never by their row
order in the input: first the events matching the earliest funnel step (by step
position), then later steps, then events matching no step (exclusion events and,
for ``order="exact"``, any other event); remaining ties by event name. Identical
events at one instant are interchangeable for the counts; when such a group starts
the counted attempt, its breakdown value is the smallest of theirs. So ``visit`` and ``click`` logged in the same second count as
visit -> click, as Amplitude counts simultaneous events in the funnel's favour,
and a shuffled table gives the same counts.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._events import _first_per_group
from omnimkt._gate import as_columns, as_day, check_choice, check_number, day_after
from omnimkt.data.schema import Columns
from omnimkt.errors import DataError, ModelError, examples
from omnimkt.funnel.events import _events_table
from omnimkt.funnel.result import FunnelComparison, FunnelResult, _summary

__all__ = ["compare_periods", "funnel"]

_ORDERS = ("strict", "exact", "any")
_NS_PER_DAY = 86_400 * 10**9
_NS_PER_MINUTE = 60 * 10**9
_I64 = np.iinfo("int64")
_MAX_DAYS = 100_000  # about 270 years: every longer window is "no limit" in ns arithmetic


# ----------------------------------------------------------------------------- settings
@dataclass
class _Spec:
    """The checked settings of one funnel."""

    steps: list[Any]
    labels: list[str]
    order: str
    by: str
    attempts: str
    window_days: float | None
    win_ns: int | None
    gap_ns: int
    excl: list[tuple[Any, int, int]]
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    step_column: str
    breakdown: Any


def _step_label(step: Any) -> str:
    return " | ".join(map(str, step)) if isinstance(step, list | tuple | set | frozenset) else str(step)


def _as_names(step: Any) -> list[Hashable]:
    return list(step) if isinstance(step, list | tuple | set | frozenset) else [step]


def _parse_exclude(exclude: Any, steps: list[Any]) -> list[tuple[Any, int, int]]:
    """Normalise exclusions to (event, from step index, to step index), 0-based."""
    if exclude is None:
        return []
    items = [exclude] if isinstance(exclude, str | tuple) else list(exclude)
    labels = [_step_label(s) for s in steps]

    def index(s: Any) -> int:
        if isinstance(s, int | np.integer) and not isinstance(s, bool):
            i = int(s) - 1  # steps are numbered from 1 for people
        elif _step_label(s) in labels:
            i = labels.index(_step_label(s))
        else:
            raise ModelError(f"exclude: step {s!r} is not one of the funnel steps {labels}.")
        if not 0 <= i < len(steps):
            raise ModelError(f"exclude: step number {s!r} is outside 1..{len(steps)}.")
        return i

    out = []
    for item in items:
        if isinstance(item, tuple):
            if len(item) != 3:
                raise ModelError(f"exclude: {item!r} must be (event, from_step, to_step).")
            ev, a, b = item
            a, b = index(a), index(b)
            if b <= a:
                raise ModelError(f"exclude: {item!r}: the second step must come after the first.")
        else:
            ev, a, b = item, 0, len(steps) - 1
        out.append((ev, a, b))
    return out


def _step_labels(labels: Sequence[str] | None, steps: list[Any]) -> list[str]:
    out = [_step_label(s) for s in steps] if labels is None else [str(x) for x in labels]
    if len(out) != len(steps):
        raise ModelError(f"labels: {len(out)} labels for {len(steps)} steps.")
    seen: dict[str, int] = {}
    for i, lab in enumerate(out):  # repeated step names get a counter: purchase (2)
        seen[lab] = seen.get(lab, 0) + 1
        out[i] = lab if seen[lab] == 1 else f"{lab} ({seen[lab]})"
    return out


def _spec(steps: Any, *, order: Any, window_days: Any, by: Any, breakdown: Any, exclude: Any,
          step_column: Any, attempts: Any, start: Any, end: Any, session_gap_minutes: Any,
          labels: Any) -> _Spec:
    """Check every setting of :func:`funnel` (ModelError naming the parameter)."""
    if isinstance(steps, str) or not isinstance(steps, Sequence) or len(steps) == 0:
        raise ModelError("steps: give a non-empty list of step names, e.g. ['visit', 'purchase'].")
    steps = list(steps)
    order = check_choice(order, "order", _ORDERS)
    by = check_choice(by, "by", ("customer", "session"))
    attempts = check_choice(attempts, "attempts", ("best", "first"))
    window_days = check_number(window_days, "window_days", low=0, low_open=True,
                               high=_MAX_DAYS, allow_none=True)
    gap = check_number(session_gap_minutes, "session_gap_minutes", low=0, low_open=True,
                       high=_MAX_DAYS * 1440)
    if not isinstance(step_column, str):
        raise ModelError(f"step_column: must be a column name (text), got {step_column!r}.")
    if breakdown is not None and not isinstance(breakdown, str | pd.Series):
        raise ModelError(f"breakdown: give a column name, 'cohort_month' or a Series indexed "
                         f"by customer_id, got {type(breakdown).__name__}.")
    lo, hi = as_day(start, "start", allow_none=True), as_day(end, "end", allow_none=True)
    if lo is not None and hi is not None and hi < lo:
        raise ModelError(f"end: {end!r} is before start {start!r}; both days are inclusive.")
    excl = _parse_exclude(exclude, steps)
    if excl and order == "any":
        raise ModelError("exclude needs an ordered funnel (order='strict' or 'exact').")
    win_ns = None if window_days is None else pd.Timedelta(days=window_days).value
    return _Spec(steps=steps, labels=_step_labels(labels, steps), order=order, by=by,
                 attempts=attempts, window_days=window_days, win_ns=win_ns,
                 gap_ns=round(gap * _NS_PER_MINUTE), excl=excl, start=lo, end=hi,
                 step_column=step_column, breakdown=breakdown)


# ----------------------------------------------------------------------------- rows
@dataclass
class _Rows:
    """The rows a funnel reads, in canonical order (customer, time, tie rule)."""

    rows: np.ndarray  # positions in the events table
    unit: np.ndarray  # customer code, or session number
    t: np.ndarray  # int64 ns
    tie: np.ndarray  # tie position of the event (see the module docstring)
    m: list[np.ndarray]  # one mask per step
    e: list[np.ndarray]  # one mask per exclusion


def _customer_codes(ids: np.ndarray) -> np.ndarray:
    """Integer codes that sort like the customer ids (ints used as they are)."""
    if ids.dtype.kind in "iu":
        return ids.astype("int64", copy=False)
    codes, _ = pd.factorize(ids, sort=True)
    return codes.astype("int64")


def _value_ranks(values: Any) -> np.ndarray:
    """Rank of each distinct value in sorted order (text order when types are mixed)."""
    idx = pd.Index(values)
    try:
        order = idx.argsort()
    except TypeError:
        order = idx.astype("str").argsort()
    ranks = np.empty(len(idx), dtype="int64")
    ranks[order] = np.arange(len(idx))
    return ranks


def _tie_lut(uniques: Any, step_luts: list[np.ndarray]) -> np.ndarray:
    """Tie position of each event code (slot 0: missing): earliest step, then name."""
    first_step = np.full(len(uniques), len(step_luts), dtype="int64")
    for k in range(len(step_luts) - 1, -1, -1):
        first_step[step_luts[k][1:]] = k
    pos = np.empty(len(uniques), dtype="int64")
    pos[np.lexsort((_value_ranks(uniques), first_step))] = np.arange(len(uniques))
    return np.r_[len(uniques), pos]


def _sort_order(c: np.ndarray, t: np.ndarray, tie: np.ndarray) -> np.ndarray:
    """Order by customer, time and tie key.

    One argsort of a packed int64 key (customer, time in the coarsest exact unit, tie)
    when it fits, which is 2-3x faster than ``np.lexsort`` on millions of rows.
    """
    t0 = t - t.min()
    for unit in (10**9, 10**6, 10**3, 1):  # whole seconds are the common case
        if not np.any(t0 % unit):
            break
    t0 //= unit
    c0 = c - c.min()
    n_tie = int(tie.max()) + 1
    span = int(t0.max()) + 1
    if (int(c0.max()) + 1) * span * n_tie < 2**62:
        return np.argsort((c0 * span + t0) * n_tie + tie, kind="stable")
    return np.lexsort((tie, t, c))


def _is_sorted(c: np.ndarray, t: np.ndarray, tie: np.ndarray) -> bool:
    dc, dt = np.diff(c), np.diff(t)
    return bool(np.all((dc > 0) | ((dc == 0) & ((dt > 0) | ((dt == 0) & (np.diff(tie) >= 0))))))


def _rows(df: pd.DataFrame, ids: np.ndarray, ts: np.ndarray, spec: _Spec) -> _Rows:
    """Encode steps, keep the rows that matter and put them in canonical order."""
    codes, uniques = pd.factorize(df[spec.step_column])
    lookup = {v: i for i, v in enumerate(uniques)}
    wanted = [n for s in spec.steps for n in _as_names(s)] + [e for e, _, _ in spec.excl]
    unknown = [n for n in dict.fromkeys(wanted) if n not in lookup]
    if unknown:
        raise DataError(f"events.{spec.step_column}: step name(s) {unknown} never occur; known "
                        f"values include {examples(uniques, 8)}. Check the spelling or "
                        "step_column.")

    def lut(names: list[Hashable]) -> np.ndarray:
        out = np.zeros(len(uniques) + 1, dtype=bool)
        out[[lookup[n] + 1 for n in names]] = True
        return out  # slot 0 is code -1 (missing): never a step

    step_luts = [lut(_as_names(s)) for s in spec.steps]
    excl_luts = [lut([e]) for e, _, _ in spec.excl]
    rows = np.arange(len(df))
    if not (spec.order == "exact" or spec.by == "session"):  # else gaps between steps matter
        rows = np.flatnonzero(np.logical_or.reduce(step_luts + excl_luts)[codes + 1])
    code1 = codes[rows] + 1
    tie = _tie_lut(uniques, step_luts)[code1]
    c, t = _customer_codes(ids)[rows], ts[rows]
    if len(rows) and not _is_sorted(c, t, tie):
        srt = _sort_order(c, t, tie)
        rows, c, t, code1, tie = rows[srt], c[srt], t[srt], code1[srt], tie[srt]
    if spec.by == "session":
        new = np.ones(len(rows), dtype=bool)
        new[1:] = (c[1:] != c[:-1]) | (np.diff(t) > spec.gap_ns)
        c = np.cumsum(new) - 1
    return _Rows(rows=rows, unit=c, t=t, tie=tie, m=[m[code1] for m in step_luts],
                 e=[m[code1] for m in excl_luts])


# ----------------------------------------------------------------------------- attempts
def _anchors(r: _Rows, spec: _Spec) -> np.ndarray:
    """Rows where an attempt starts (all of them, or each unit's first)."""
    anchors = np.flatnonzero(np.logical_or.reduce(r.m) if spec.order == "any" else r.m[0])
    if spec.attempts == "first" and len(anchors):
        anchors = anchors[_first_per_group(r.unit[anchors])]
    if spec.start is not None:
        anchors = anchors[r.t[anchors] >= spec.start.value]
    if spec.end is not None:
        anchors = anchors[r.t[anchors] < day_after(spec.end).value]
    return anchors


def _deadline(a_time: np.ndarray, spec: _Spec) -> np.ndarray:
    """Last instant (ns) each attempt's steps may happen."""
    if spec.win_ns is None:
        return np.full(len(a_time), _I64.max)
    # saturate instead of wrapping past the year 2262
    return np.where(a_time > _I64.max - spec.win_ns, _I64.max, a_time + spec.win_ns)


def _reached(r: _Rows, spec: _Spec, anchors: np.ndarray) -> np.ndarray:
    """Row of each step reached by each attempt (-1 if not reached), shape (attempts, steps)."""
    a_unit, deadline = r.unit[anchors], _deadline(r.t[anchors], spec)
    n, k_steps = len(r.rows), len(spec.steps)
    reached = np.full((len(anchors), k_steps), -1, dtype="int64")

    def next_match(k: int, after: np.ndarray, inclusive: bool) -> tuple[np.ndarray, np.ndarray]:
        pos = np.flatnonzero(r.m[k])
        if len(pos) == 0:
            return np.zeros(len(after), dtype=bool), np.zeros(len(after), dtype="int64")
        i = np.searchsorted(pos, after, side="left" if inclusive else "right")
        ok = i < len(pos)
        cand = pos[np.minimum(i, len(pos) - 1)]
        ok &= (r.unit[cand] == a_unit) & (r.t[cand] <= deadline)
        return ok, cand

    if spec.order == "any":
        alive = np.ones(len(anchors), dtype=bool)
        for k in range(k_steps):
            ok, cand = next_match(k, anchors, inclusive=True)
            alive &= ok
            reached[alive, k] = cand[alive]
        return reached
    reached[:, 0] = anchors
    cur, alive = anchors.copy(), np.ones(len(anchors), dtype=bool)
    for k in range(1, k_steps):
        if spec.order == "exact":
            cand = np.minimum(cur + 1, n - 1)
            ok = (cur + 1 < n) & r.m[k][cand] & (r.unit[cand] == a_unit) & (r.t[cand] <= deadline)
        else:
            ok, cand = next_match(k, cur, inclusive=False)
        alive &= ok
        reached[alive, k] = cand[alive]
        cur = np.where(alive, cand, cur)
    return reached


def _progress(r: _Rows, spec: _Spec, anchors: np.ndarray, reached: np.ndarray) -> np.ndarray:
    """Steps reached per attempt; 0 for attempts dropped by an exclusion."""
    progress = (reached >= 0).sum(axis=1)
    a_unit, deadline = r.unit[anchors], _deadline(r.t[anchors], spec)
    for (_, a, b), emask in zip(spec.excl, r.e, strict=True):
        pos = np.flatnonzero(emask)
        if len(pos) == 0:
            continue
        has_a = reached[:, a] >= 0
        i = np.searchsorted(pos, reached[:, a], side="right")
        cand = pos[np.minimum(i, len(pos) - 1)]
        hit = has_a & (i < len(pos)) & (r.unit[cand] == a_unit)
        hit &= np.where(reached[:, b] >= 0, cand < reached[:, b], r.t[cand] <= deadline)
        progress[hit] = 0  # the whole attempt is dropped
    return progress


def _chosen(a_unit: np.ndarray, progress: np.ndarray) -> np.ndarray:
    """The counted attempt of each unit: furthest progress, earliest of ties."""
    valid = np.flatnonzero(progress > 0)  # anchors are in row order, so units are sorted
    if not len(valid):
        return valid
    vu, vp = a_unit[valid], progress[valid]
    starts = np.flatnonzero(_first_per_group(vu))
    best = np.repeat(np.maximum.reduceat(vp, starts), np.diff(np.r_[starts, len(vu)]))
    top = valid[vp == best]
    return top[_first_per_group(a_unit[top])]


def _step_times(r: _Rows, spec: _Spec, reached: np.ndarray, a_time: np.ndarray
                ) -> dict[str, np.ndarray]:
    """``time_to_<k>`` per counted unit as timedelta64[ns] (NaT when not reached)."""
    cols: dict[str, np.ndarray] = {}
    for k in range(len(spec.steps)):
        has = reached[:, k] >= 0
        d = np.where(has, r.t[np.maximum(reached[:, k], 0)] - a_time, 0)
        if spec.order == "any" and k:  # time until steps 1..k are all done
            d = np.maximum(d, cols[f"time_to_{k}"].view("int64"))
        cols[f"time_to_{k + 1}"] = np.where(has, d, _I64.min).view("timedelta64[ns]")
    return cols


def _times(cols: dict[str, np.ndarray], idx: np.ndarray | None = None) -> list[np.ndarray]:
    """The reached times (int64 ns) of each step, for the units ``idx`` (default all)."""
    out = []
    for col in cols.values():
        v = (col if idx is None else col[idx]).view("int64")
        out.append(v[v != _I64.min])
    return out


# ----------------------------------------------------------------------------- results
def _start_values(r: _Rows, values: pd.Series, starts: np.ndarray) -> pd.Series:
    """``values`` at each attempt start, the smallest over identical simultaneous events.

    Rows with equal unit, time and tie position are interchangeable and keep their input
    order, so reading only the start row would depend on that order.
    """
    same = (r.unit[1:] == r.unit[:-1]) & (r.t[1:] == r.t[:-1]) & (r.tie[1:] == r.tie[:-1])
    group = np.r_[0, np.cumsum(~same)]
    lo = np.searchsorted(group, group[starts], side="left")
    size = np.searchsorted(group, group[starts], side="right") - lo
    if not len(starts) or size.max() == 1:
        return values.iloc[r.rows[starts]].reset_index(drop=True)
    first = np.cumsum(size) - size
    members = np.repeat(lo - first, size) + np.arange(int(size.sum()))
    picked = values.iloc[r.rows[members]]
    try:
        codes, uniques = pd.factorize(picked, sort=True)
    except TypeError:  # mixed python types: text order
        codes, uniques = pd.factorize(picked.astype("str").where(picked.notna()), sort=True)
    codes = np.where(codes < 0, len(uniques), codes)  # missing only when all are missing
    best = np.minimum.reduceat(codes, first)
    return pd.Series(np.r_[np.asarray(uniques, dtype=object), None][best], dtype=object)


def _breakdown(spec: _Spec, df: pd.DataFrame, r: _Rows, units: pd.DataFrame,
               starts: np.ndarray, prog: np.ndarray,
               cols: dict[str, np.ndarray]) -> tuple[pd.DataFrame, str]:
    """``summary`` per breakdown group (group column first); adds the group to ``units``."""
    breakdown, k_steps = spec.breakdown, len(spec.steps)
    if isinstance(breakdown, pd.Series):
        name = breakdown.name or "group"
        group = units["customer_id"].map(breakdown)
    elif breakdown == "cohort_month":
        name = "cohort_month"
        group = units["entered"].dt.to_period("M").astype(str)
    else:
        name = breakdown
        group = _start_values(r, df[breakdown], starts)
    group = group.astype(object).where(group.notna(), "(missing)").astype(str)
    units[name] = group.to_numpy()
    unit_name = "sessions" if spec.by == "session" else "customers"
    parts = []
    for g, idx in units.groupby(name, sort=True).indices.items():
        gcounts = [(prog[idx] > k).sum() for k in range(k_steps)]
        s = _summary(np.array(gcounts), _times(cols, idx), spec.labels, unit_name)
        s.insert(0, name, g)
        parts.append(s)
    if not parts:  # nobody entered: an empty table with the usual columns
        empty = _summary(np.zeros(k_steps), [np.array([], "int64")] * k_steps, spec.labels,
                         unit_name).iloc[:0]
        empty.insert(0, name, pd.Series(dtype="str"))
        parts = [empty]
    return pd.concat(parts, ignore_index=True), name


def _result(spec: _Spec, df: pd.DataFrame, ids: np.ndarray, r: _Rows, anchors: np.ndarray,
            reached: np.ndarray, progress: np.ndarray) -> FunnelResult:
    chosen = _chosen(r.unit[anchors], progress)
    prog, a_time = progress[chosen], r.t[anchors[chosen]]
    cols = _step_times(r, spec, reached[chosen], a_time)
    src = r.rows[anchors[chosen]]
    units = pd.DataFrame({"customer_id": ids[src]})
    if spec.by == "session":
        units["session"] = r.unit[anchors[chosen]]
    units["entered"] = a_time.astype("datetime64[ns]")
    units["steps_reached"] = prog
    for name, col in cols.items():
        units[name] = pd.to_timedelta(col)
    unit_name = "sessions" if spec.by == "session" else "customers"
    counts = np.array([(prog > k).sum() for k in range(len(spec.steps))])
    result = FunnelResult(summary=_summary(counts, _times(cols), spec.labels, unit_name),
                          units=units, steps=spec.labels, order=spec.order,
                          window_days=spec.window_days, by=spec.by, start=spec.start,
                          end=spec.end)
    if spec.breakdown is not None:
        result.breakdown, result.breakdown_name = _breakdown(spec, df, r, units, anchors[chosen],
                                                             prog, cols)
    return result


# ----------------------------------------------------------------------------- public
def funnel(
    events: pd.DataFrame,
    steps: Sequence[Any],
    *,
    order: str = "strict",
    window_days: float | None = 30,
    by: str = "customer",
    breakdown: str | pd.Series | None = None,
    exclude: Any = None,
    step_column: str = "event",
    attempts: str = "best",
    start: Any = None,
    end: Any = None,
    session_gap_minutes: float = 30,
    labels: Sequence[str] | None = None,
    columns: Columns | Mapping[str, str] | None = None,
) -> FunnelResult:
    """Count customers (or sessions) through ordered steps within a conversion window.

    Mixpanel / Amplitude semantics: an *attempt* starts at an occurrence of the first
    step; each next step is the earliest matching event after the previous step (other
    events may come in between, ``order="strict"``), immediately after it
    (``order="exact"``), or the steps may come in any order (``order="any"``: an attempt
    starts at any funnel event, step k counts when steps 1..k all happened in the
    window). Every step must happen within ``window_days`` of the attempt's start. A
    customer (or session) counts once, at the furthest step of their best attempt
    (earliest of ties) or of their first attempt.

    **Ties**: events of one customer with the same timestamp are taken in funnel-step
    order (events of earlier steps first, then later steps, then events matching no
    step; then by event name), whatever their row order, so unsorted or shuffled input
    gives the same counts (and the same breakdown: simultaneous identical start events
    give the smallest of their breakdown values).

    Parameters
    ----------
    events : DataFrame or engine source
        customer_id, timestamp and ``step_column`` (e.g. the output of
        :func:`~omnimkt.funnel.event_log`, or touchpoints with ``step_column="channel"``).
        Timestamps follow :func:`omnimkt.data.validate_touchpoints`: dates or text (Unix
        seconds are an error: convert them); an aware time is read in its own zone, zone
        dropped. A polars/pyarrow table, DuckDB relation, Parquet/CSV path or Spark
        DataFrame is counted in its engine (``order="strict"``, ``by="customer"``,
        no ``exclude`` or ``breakdown``; see :mod:`omnimkt.funnel._lazy`).
    steps : sequence
        Step names in ``step_column``; a step may be a list of names (any of them counts).
        A name may repeat: ``["purchase", "purchase"]`` is first then second purchase.
    order : {"strict", "exact", "any"}
        In this order with other events allowed in between; as the very next events;
        or in any order.
    window_days : float or None, default 30
        Every step must happen within this many days (fractions allowed: 0.5 = 12 h) of
        the attempt's start; None = no limit.
    by : {"customer", "session"}
        Count customers, or sessions (a new session starts after ``session_gap_minutes``
        without any event of the customer in ``events``).
    breakdown : str, Series or None
        A column of ``events`` (value at the funnel start, e.g. "channel"), "cohort_month"
        (month of the funnel start), or a Series indexed by customer_id (e.g. segment).
        Each unit falls in one group, so group counts sum to the totals.
    exclude : event, or list of events or (event, from_step, to_step)
        Drop an attempt if the event happens after ``from_step`` and before ``to_step``
        (until the window ends if ``to_step`` is not reached). A bare event name means
        between the first and the last step. Steps are names or numbers from 1.
    step_column : str
        The column holding the step names.
    attempts : {"best", "first"}
        Count each unit at its furthest attempt (earliest of ties) or its first attempt.
    start, end : date-like or None
        Only attempts starting on these days (both inclusive); later steps may fall
        after ``end``.
    session_gap_minutes : float, default 30
        Minutes of inactivity that close a session (``by="session"``).
    labels : sequence of str, optional
        Display names of the steps (default: the step names).
    columns : omnimkt.Columns or dict, optional
        Your names for customer_id, timestamp (and e.g. event), e.g.
        ``{"customer_id": "member_no"}``.

    Returns
    -------
    FunnelResult

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"customer_id": [1, 1, 2, 2],
    ...                    "timestamp": pd.to_datetime(["2025-01-01", "2025-01-05"] * 2),
    ...                    "event": ["click", "purchase", "purchase", "click"]})
    >>> funnel(ev, ["click", "purchase"]).summary["customers"].tolist()
    [2, 1]
    >>> funnel(ev, ["click", "purchase"], order="any").summary["customers"].tolist()
    [2, 2]
    """
    spec = _spec(steps, order=order, window_days=window_days, by=by, breakdown=breakdown,
                 exclude=exclude, step_column=step_column, attempts=attempts, start=start,
                 end=end, session_gap_minutes=session_gap_minutes, labels=labels)
    from omnimkt.data.engine import is_engine_source

    if is_engine_source(events):  # levels computed where the events live (DuckDB, Spark)
        return _funnel_engine(events, spec, as_columns(columns))
    df, ids, ts = _events_table(events, as_columns(columns),
                                ["customer_id", "timestamp", spec.step_column])
    if isinstance(breakdown, str) and breakdown != "cohort_month" and breakdown not in df:
        raise DataError(f"breakdown: events has no column {breakdown!r}; columns are "
                        f"{list(df.columns)} (or use 'cohort_month' or a Series).")
    r = _rows(df, ids, ts, spec)
    anchors = _anchors(r, spec)
    reached = _reached(r, spec, anchors)
    return _result(spec, df, ids, r, anchors, reached, _progress(r, spec, anchors, reached))


def _funnel_engine(events: Any, spec: _Spec, cols: Columns) -> FunnelResult:
    """:func:`funnel` on an engine source (see :mod:`omnimkt.funnel._lazy` for what runs)."""
    from omnimkt.funnel._lazy import funnel_lazy, supported, units_frame

    supported(spec)
    out, _ = funnel_lazy(events, spec, cols)
    units = units_frame(out, len(spec.steps))
    prog = units["steps_reached"].to_numpy()
    cols_t = {f"time_to_{k + 1}": units[f"time_to_{k + 1}"].to_numpy()
              for k in range(len(spec.steps))}
    counts = np.array([(prog > k).sum() for k in range(len(spec.steps))])
    return FunnelResult(summary=_summary(counts, _times(cols_t), spec.labels, "customers"),
                        units=units, steps=spec.labels, order=spec.order,
                        window_days=spec.window_days, by=spec.by, start=spec.start,
                        end=spec.end)


def compare_periods(events: pd.DataFrame, steps: Sequence[Any],
                    periods: Mapping[str, tuple[Any, Any]], *,
                    columns: Columns | Mapping[str, str] | None = None,
                    **options: Any) -> FunnelComparison:
    """The same funnel for two (or more) periods of funnel start, side by side.

    ``periods`` maps a name to (start, end), both days inclusive; other options go to
    :func:`funnel`. ``change`` is the last period's conversion minus the first's.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"customer_id": [1, 1, 2], "event": ["visit", "buy", "visit"],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-02-01"])})
    >>> cmp = compare_periods(ev, ["visit", "buy"], {"jan": ("2025-01-01", "2025-01-31"),
    ...                                             "feb": ("2025-02-01", "2025-02-28")})
    >>> cmp.summary["conversion_jan"].tolist(), cmp.summary["conversion_feb"].tolist()
    ([1.0, 1.0], [1.0, 0.0])
    """
    if not isinstance(periods, Mapping) or len(periods) < 2:
        raise ModelError("periods: give a dict of at least two {name: (start, end)}, e.g. "
                         "{'jan': ('2025-01-01', '2025-01-31'), 'feb': ('2025-02-01', "
                         "'2025-02-28')}.")
    for name, p in periods.items():
        if not isinstance(p, tuple | list) or len(p) != 2:
            raise ModelError(f"periods: {name!r} must be a (start, end) pair, got {p!r}.")
    results = {str(name): funnel(events, steps, start=p[0], end=p[1], columns=columns, **options)
               for name, p in periods.items()}
    first = next(iter(results.values()))
    out = pd.DataFrame({"step": first.summary["step"]})
    for name, r in results.items():
        out[f"{r.unit}_{name}"] = r.summary[r.unit].to_numpy()
        out[f"conversion_{name}"] = r.summary["conversion_from_first"].to_numpy()
    names = list(results)
    out["change"] = out[f"conversion_{names[-1]}"] - out[f"conversion_{names[0]}"]
    return FunnelComparison(summary=out, results=results)
