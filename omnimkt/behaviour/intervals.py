"""Intervals between events (间隔分析) and how often users do an event (分布分析)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._events import _first_per_group
from omnimkt._gate import as_columns, as_day, check_choice, check_number, day_after
from omnimkt._result import Result
from omnimkt.behaviour._common import customer_groups, event_names, event_table, match_events
from omnimkt.data.schema import Columns
from omnimkt.errors import DataError, ModelError

__all__ = ["EventDistribution", "EventIntervals", "event_distribution", "event_intervals"]

_QUANTILES = {"p10": 10, "p25": 25, "median": 50, "p75": 75, "p90": 90}


class EventIntervals(Result):
    """Days between two events per user, from :func:`event_intervals`.

    Attributes
    ----------
    intervals : DataFrame
        One row per pair: customer_id, group, from_time, to_time, days.
    summary : DataFrame
        Per group: pairs, not_reached (a from-event with no to-event after it),
        mean, p10, p25, median, p75, p90 (days; numpy's linear percentiles).
    """

    title = "Intervals between events"

    def __init__(self, **parts: Any) -> None:
        self.__dict__.update(parts)
        self.notes = [f"Days from {self.from_label} to the next {self.to_label} "
                      f"({'every occurrence' if self.pairs == 'each' else 'first occurrence'})."]

    def _settings(self) -> str:
        return f"{self.from_label} → {self.to_label}"


class EventDistribution(Result):
    """Users by how many times they did an event, from :func:`event_distribution`.

    Attributes
    ----------
    counts, shares : DataFrame
        Group x bucket: users, and users as a share of the group's users.
    per_user : Series
        Times each user did the event in the period (users who did it at least once).
    summary : DataFrame
        Long form: group, bucket, users, share.
    """

    title = "Event frequency distribution"

    def __init__(self, **parts: Any) -> None:
        self.__dict__.update(parts)
        below = self.below_first
        self.notes = [f"{int(self.counts.to_numpy().sum()):,} users did {self.event_label} "
                      "at least as often as the first bucket."]
        if below:
            self.notes.append(f"{below:,} users did it fewer times and are not shown.")

    def _settings(self) -> str:
        return f"{self.event_label}, {self.start:%Y-%m-%d} to {self.end:%Y-%m-%d}"


def event_intervals(
    events: pd.DataFrame,
    from_event: str | list[str],
    to_event: str | list[str],
    *,
    pairs: str = "first",
    breakdown: str | pd.Series | None = None,
    columns: Columns | Mapping[str, str] | None = None,
) -> EventIntervals:
    """Time from one event to the next occurrence of another, per user, by group.

    Parameters
    ----------
    events : DataFrame or Dataset
        Event log (customer_id, timestamp, event); a Dataset adds "signup".
    from_event, to_event : str or list of str
        E.g. "click" -> "purchase", ["purchase", "repeat_purchase"] twice for
        purchase -> next purchase, "signup" -> "purchase".
    pairs : {"first", "each"}, default "first"
        "first": the user's first from-event and the first to-event after it;
        "each": every from-event and the next to-event after it.
    breakdown : str or Series, optional
        A column of the events (value on the from-event) or a Series indexed by
        customer_id (e.g. pack size, channel).
    columns : omnimkt.Columns or dict, optional
        Your column names.

    Examples
    --------
    >>> ev = pd.DataFrame({"customer_id": [1, 1, 2, 2], "event": ["click", "buy"] * 2,
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-03", "2025-01-01",
    ...                                  "2025-01-11"])})
    >>> event_intervals(ev, "click", "buy").summary[["pairs", "mean", "median"]].to_dict("list")
    {'pairs': [2], 'mean': [6.0], 'median': [6.0]}
    """
    check_choice(pairs, "pairs", ("first", "each"))
    f_names, t_names = event_names(from_event, "from_event"), event_names(to_event, "to_event")
    ev = event_table(events, as_columns(columns))
    f_rows = np.flatnonzero(match_events(ev, f_names, "from_event"))
    t_rows = np.flatnonzero(match_events(ev, t_names, "to_event"))
    if pairs == "first":
        f_rows = f_rows[_first_per_group(ev.cust[f_rows])]
    nxt = np.searchsorted(t_rows, f_rows, side="right")
    ok = nxt < len(t_rows)
    to = t_rows[np.minimum(nxt, len(t_rows) - 1)]
    ok &= ev.cust[to] == ev.cust[f_rows]
    group = customer_groups(breakdown, ev, f_rows)
    days = (ev.ts[to] - ev.ts[f_rows]) / np.timedelta64(1, "D")
    table = pd.DataFrame({"customer_id": np.asarray(ev.ids)[ev.cust[f_rows]], "group": group,
                          "from_time": ev.ts[f_rows], "to_time": ev.ts[to], "days": days})
    missed = table.loc[~ok, "group"].value_counts()
    table = table[ok].reset_index(drop=True)
    if table.empty:
        raise DataError(f"to_event: {t_names!r} never follows {f_names!r} for any user; "
                        "no interval to measure.")
    return EventIntervals(intervals=table, summary=_interval_summary(table, missed, breakdown),
                          from_label=" / ".join(f_names), to_label=" / ".join(t_names),
                          pairs=pairs)


def _interval_summary(table: pd.DataFrame, missed: pd.Series, breakdown: Any) -> pd.DataFrame:
    def row(days: np.ndarray, n_missed: int) -> dict[str, float]:
        out = {"pairs": len(days), "not_reached": n_missed, "mean": float(np.mean(days))}
        out.update({k: float(np.percentile(days, q)) for k, q in _QUANTILES.items()})
        return out

    groups = table.groupby("group", sort=True)["days"]
    rows = {g: row(d.to_numpy(), int(missed.get(g, 0))) for g, d in groups}
    if breakdown is not None:
        rows["all"] = row(table["days"].to_numpy(), int(missed.sum()))
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "group"
    return out.reset_index()


def _check_buckets(buckets: Any) -> list[int]:
    if isinstance(buckets, str | bytes) or not isinstance(buckets, Sequence | np.ndarray):
        raise ModelError(f"buckets: expected increasing whole numbers >= 1 such as "
                         f"(1, 2, 4, 7), got {buckets!r}.")
    values = [check_number(b, "buckets", low=1, integer=True) for b in buckets]
    if not values or any(b <= a for a, b in zip(values, values[1:], strict=False)):
        raise ModelError(f"buckets: must be strictly increasing whole numbers >= 1 such as "
                         f"(1, 2, 4, 7), got {list(buckets)!r}.")
    return values


def _bucket_labels(values: list[int]) -> list[str]:
    labels = [str(a) if b - 1 == a else f"{a}-{b - 1}" for a, b in zip(values, values[1:],
                                                                        strict=False)]
    return [*labels, f"{values[-1]}+"]


def event_distribution(
    events: pd.DataFrame,
    event: str | list[str],
    *,
    buckets: Sequence[int] = (1, 2, 4, 7),
    start: Any = None,
    end: Any = None,
    breakdown: str | pd.Series | None = None,
    columns: Columns | Mapping[str, str] | None = None,
) -> EventDistribution:
    """How many users did an event 1, 2-3, 4-6, 7+ times between ``start`` and ``end``.

    Parameters
    ----------
    events : DataFrame or Dataset
        Event log (customer_id, timestamp, event).
    event : str or list of str
        The event(s) counted.
    buckets : sequence of int, default (1, 2, 4, 7)
        Lower bounds of the buckets, strictly increasing whole numbers >= 1:
        (1, 2, 4, 7) means 1, 2-3, 4-6 and 7+ times.
    start, end : date-like, optional
        Reporting period, both days inclusive (default: the whole log).
    breakdown : str or Series, optional
        A column of the events (value on the user's first counted event) or a
        Series indexed by customer_id.
    columns : omnimkt.Columns or dict, optional
        Your column names.

    Examples
    --------
    >>> ev = pd.DataFrame({"customer_id": [1, 2, 2, 2], "event": ["buy"] * 4,
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04"])})
    >>> event_distribution(ev, "buy", buckets=(1, 2)).counts.iloc[0].tolist()
    [1, 1]
    """
    values = _check_buckets(buckets)
    names = event_names(event, "event")
    ev = event_table(events, as_columns(columns))
    mask = match_events(ev, names, "event")
    lo = as_day(start, "start", allow_none=True)
    hi = as_day(end, "end", allow_none=True)
    lo = pd.Timestamp(ev.ts.min()).normalize() if lo is None else lo
    hi = pd.Timestamp(ev.ts.max()).normalize() if hi is None else hi
    if hi < lo:
        raise ModelError(f"end: {hi:%Y-%m-%d} is before start {lo:%Y-%m-%d}.")
    mask &= (ev.ts >= lo.to_datetime64()) & (ev.ts < day_after(hi).to_datetime64())
    rows = np.flatnonzero(mask)
    if len(rows) == 0:
        raise DataError(f"event: {names!r} does not occur between {lo:%Y-%m-%d} and "
                        f"{hi:%Y-%m-%d}.")
    firsts = rows[_first_per_group(ev.cust[rows])]
    per_user = np.bincount(ev.cust[rows])[ev.cust[firsts]]
    group = customer_groups(breakdown, ev, firsts)
    bucket = np.searchsorted(values, per_user, side="right") - 1
    shown = bucket >= 0
    labels = _bucket_labels(values)
    frame = pd.DataFrame({"group": group[shown],
                          "bucket": pd.Categorical.from_codes(bucket[shown], labels)})
    counts = frame.groupby(["group", "bucket"], observed=False).size().unstack("bucket")
    counts = counts.reindex(columns=labels, fill_value=0).astype("int64")
    shares = counts.div(counts.sum(axis=1).where(lambda s: s > 0), axis=0)
    summary = pd.DataFrame({"users": counts.stack(), "share": shares.stack()}).reset_index()
    ids = pd.Index(np.asarray(ev.ids)[ev.cust[firsts]], name="customer_id")
    return EventDistribution(counts=counts, shares=shares, summary=summary,
                             per_user=pd.Series(per_user, index=ids, name="times"),
                             below_first=int((~shown).sum()), event_label=" / ".join(names),
                             start=lo, end=hi)
