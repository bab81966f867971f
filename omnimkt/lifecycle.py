"""Lifecycle relationship stages (shared case D).

The case's stage ladder, in order: none -> discover -> aware -> consider -> choose ->
purchase -> satisfied -> loyal -> advocate (:data:`omnimkt.data.STAGES`). Customers
move between stages over time, and the case asks that these transitions be tracked.
From a stage event table (customer_id, timestamp, stage; checked with
:func:`omnimkt.data.validate_stage_events`):

* :func:`stage_at` -- each customer's stage at the end of ``cutoff`` (highest reached,
  or latest);
* :func:`stage_counts` -- customers per stage at the end of each period;
* :func:`stage_transitions` -- from-stage x to-stage matrix over a period (the stage
  before ``start`` against the stage at the end of ``end``);
* :func:`stage_conversion` -- share reaching each stage that moves on, and the median
  time spent there (:class:`StageConversion`).

Dates follow the library's one rule (:mod:`omnimkt._gate`): ``cutoff``, ``start`` and
``end`` are calendar days, inclusive, and time-zone-aware timestamps are read in their
own zone. These names are also importable from :mod:`omnimkt.funnel`.

Examples
--------
>>> import pandas as pd
>>> se = pd.DataFrame({"customer_id": [1, 1, 2], "stage": ["aware", "purchase", "aware"],
...     "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"])})
>>> stage_at(se, "2025-03-15").astype(str).tolist()
['purchase', 'aware']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._events import _first_per_group
from omnimkt._gate import as_columns, as_day, check_bool, check_choice, day_after
from omnimkt._result import Result
from omnimkt.data.schema import STAGES, Columns
from omnimkt.data.validate import validate_stage_events
from omnimkt.errors import ModelError

__all__ = ["StageConversion", "stage_at", "stage_counts", "stage_transitions",
           "stage_conversion"]

_NS_PER_DAY = 86_400 * 10**9
_RULES = ("highest", "latest")
_FREQS = ("D", "W", "M", "Q", "Y")
ColumnsLike = Columns | Mapping[str, str] | None


def _stage_table(stage_events: pd.DataFrame, columns: ColumnsLike = None) -> pd.DataFrame:
    """customer_id, timestamp (ns), code (index in STAGES), sorted; DataError otherwise."""
    # duplicates change no stage, so they are kept silently
    se = validate_stage_events(stage_events, as_columns(columns), duplicates="keep")
    out = pd.DataFrame({
        "customer_id": se["customer_id"].to_numpy(),
        "timestamp": se["timestamp"].to_numpy().astype("datetime64[ns]").view("int64"),
        "code": pd.Categorical(se["stage"], categories=STAGES).codes.astype("int64"),
    })
    # ties at one timestamp: the higher stage counts as the later one
    return out.sort_values(["customer_id", "timestamp", "code"], kind="stable",
                           ignore_index=True)


def _as_stage(codes: pd.Series) -> pd.Series:
    return pd.Series(pd.Categorical.from_codes(codes.to_numpy(), categories=STAGES,
                                               ordered=True), index=codes.index, name="stage")


def _codes_before(se: pd.DataFrame, bound_ns: int, rule: str) -> pd.Series:
    """Stage code per customer from the events before ``bound_ns`` (customers seen only)."""
    g = se[se["timestamp"] < bound_ns].groupby("customer_id", sort=True)["code"]
    return g.max() if rule == "highest" else g.last()


def _as_customers(codes: pd.Series, se: pd.DataFrame, customers: Any) -> pd.Series:
    if isinstance(customers, str) or customers is not None and np.ndim(customers) != 1:
        raise ModelError(f"customers: give a list of customer ids, got {customers!r:.60}.")
    index = pd.Index(customers if customers is not None else se["customer_id"].unique())
    codes = codes.reindex(index.sort_values() if customers is None else index, fill_value=0)
    codes.index.name = "customer_id"
    return _as_stage(codes.astype("int64"))


def stage_at(stage_events: pd.DataFrame, cutoff: Any, *, rule: str = "highest",
             customers: Sequence[Any] | None = None,
             columns: ColumnsLike = None) -> pd.Series:
    """Lifecycle stage of each customer at the end of the day ``cutoff`` (inclusive).

    ``rule="highest"`` (default): the highest stage reached so far in
    :data:`omnimkt.data.STAGES` order -- a relationship, once built, is counted until
    the data say otherwise, as the case's stage ladder reads. ``rule="latest"``: the
    stage of the most recent event (lets customers fall back if you record that).
    Customers with no event yet are "none". Every event on the ``cutoff`` day, at any
    hour, counts. Returns an ordered categorical Series indexed by customer_id (all
    customers of the table, or ``customers``).

    Examples
    --------
    >>> import pandas as pd
    >>> se = pd.DataFrame({"customer_id": [1, 1, 2], "stage": ["aware", "purchase", "aware"],
    ...     "timestamp": pd.to_datetime(["2025-01-01 09:00", "2025-02-01 09:00",
    ...                                  "2025-03-01 18:00"])})
    >>> stage_at(se, "2025-01-15").astype(str).to_dict()
    {1: 'aware', 2: 'none'}
    >>> stage_at(se, "2025-03-01").astype(str).to_dict()
    {1: 'purchase', 2: 'aware'}
    """
    rule = check_choice(rule, "rule", _RULES)
    bound = day_after(as_day(cutoff, "cutoff")).value
    se = _stage_table(stage_events, columns)
    return _as_customers(_codes_before(se, bound, rule), se, customers)


def _state_changes(se: pd.DataFrame, rule: str) -> pd.DataFrame:
    """Rows where a customer's stage changes: timestamp, previous code, new code."""
    state = se.groupby("customer_id", sort=False)["code"].cummax() if rule == "highest" \
        else se["code"]
    first = _first_per_group(se["customer_id"].to_numpy())
    prev = state.shift(1).fillna(0).to_numpy(dtype="int64", copy=True)
    prev[first] = 0
    ch = state.to_numpy() != prev
    return pd.DataFrame({"timestamp": se["timestamp"].to_numpy()[ch], "prev": prev[ch],
                         "new": state.to_numpy()[ch]})


def stage_counts(stage_events: pd.DataFrame, freq: str = "M", *, rule: str = "highest",
                 start: Any = None, end: Any = None,
                 columns: ColumnsLike = None) -> pd.DataFrame:
    """Number of customers in each stage at the end of each period.

    Rows: periods (PeriodIndex of ``freq``: "D", "W", "M", "Q" or "Y", the reporting
    bucket) from the period of the first event (or of the day ``start``) to that of
    the last event (or of the day ``end``); columns: all STAGES. Customers of the
    table not yet seen by a period's end are counted as "none", so each row sums to the
    number of customers. Stage per customer as in :func:`stage_at`.

    Examples
    --------
    >>> import pandas as pd
    >>> se = pd.DataFrame({"customer_id": [1, 1, 2], "stage": ["aware", "purchase", "aware"],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"])})
    >>> stage_counts(se)[["none", "aware", "purchase"]].to_numpy().tolist()
    [[1, 1, 0], [1, 0, 1], [0, 1, 1]]
    """
    rule = check_choice(rule, "rule", _RULES)
    freq = check_choice(freq, "freq", _FREQS)
    lo, hi = as_day(start, "start", allow_none=True), as_day(end, "end", allow_none=True)
    if lo is not None and hi is not None and hi < lo:
        raise ModelError(f"end: {end!r} is before start {start!r}.")
    se = _stage_table(stage_events, columns)
    ts = pd.to_datetime(se["timestamp"]).dt.to_period(freq)
    first = pd.Period(lo, freq) if lo is not None else ts.min()
    last = pd.Period(hi, freq) if hi is not None else ts.max()
    periods = pd.period_range(first, last, freq=freq, name="period")
    ch = _state_changes(se, rule)
    ch_period = pd.to_datetime(ch["timestamp"]).dt.to_period(freq)
    ch_period = ch_period.clip(lower=first)  # changes before `start` count at the start
    delta = pd.concat([
        pd.DataFrame({"period": ch_period, "code": ch["new"], "d": 1}),
        pd.DataFrame({"period": ch_period, "code": ch["prev"], "d": -1}),
    ])
    delta = delta[delta["period"] <= last]
    table = delta.pivot_table(index="period", columns="code", values="d", aggfunc="sum",
                              fill_value=0)
    table = table.reindex(index=periods, columns=range(len(STAGES)), fill_value=0).cumsum()
    table[0] += se["customer_id"].nunique()
    table.columns = pd.Index(STAGES, name="stage")
    return table.astype("int64")


def stage_transitions(stage_events: pd.DataFrame, start: Any, end: Any, *,
                      rule: str = "highest", normalize: bool = False,
                      columns: ColumnsLike = None) -> pd.DataFrame:
    """Transition matrix of customers over the period ``start`` .. ``end`` (both inclusive).

    Rows: stage before the period (events before the day ``start``, "from"), columns:
    stage at its end (events up to the end of the day ``end``, "to"); all STAGES
    including "none" (customers not yet seen). Counts, or row shares with
    ``normalize=True`` (empty rows stay 0).

    Examples
    --------
    >>> import pandas as pd
    >>> se = pd.DataFrame({"customer_id": [1, 1, 2], "stage": ["aware", "purchase", "aware"],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"])})
    >>> int(stage_transitions(se, "2025-01-15", "2025-03-15").loc["aware", "purchase"])
    1
    """
    rule = check_choice(rule, "rule", _RULES)
    normalize = check_bool(normalize, "normalize")
    lo, hi = as_day(start, "start"), as_day(end, "end")
    if hi < lo:
        raise ModelError(f"end: {end!r} is before start {start!r}; both days are inclusive.")
    se = _stage_table(stage_events, columns)
    a = _as_customers(_codes_before(se, lo.value, rule), se, None)
    b = _as_customers(_codes_before(se, day_after(hi).value, rule), se, None)
    m = pd.crosstab(a.cat.codes, b.cat.codes).reindex(
        index=range(len(STAGES)), columns=range(len(STAGES)), fill_value=0)
    m.index = pd.Index(STAGES, name="from")
    m.columns = pd.Index(STAGES, name="to")
    if normalize:
        return m.div(m.sum(axis=1).replace(0, 1), axis=0)
    return m.astype("int64")


@dataclass(repr=False, eq=False)
class StageConversion(Result):
    """Outcome of :func:`stage_conversion`.

    Attributes
    ----------
    summary : DataFrame
        One row per stage after "none": stage, customers, moved_on, conversion_to_next,
        current, median_days_in_stage (see :func:`stage_conversion`).
    """

    summary: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    title: str = "Lifecycle stage conversion"

    def _settings(self) -> str:
        return f"{int(self.summary['customers'].iloc[0]):,} customers"


def stage_conversion(stage_events: pd.DataFrame, *,
                     columns: ColumnsLike = None) -> StageConversion:
    """Share of customers who reach each stage and move on, with the median time in stage.

    For each stage s after "none": ``customers`` who reached s or a later stage,
    ``moved_on`` who then reached a higher stage, ``conversion_to_next`` = moved_on /
    customers, ``current`` whose highest stage is s, and ``median_days_in_stage``: median
    days from first reaching s (or beyond) to first going beyond s, among those who
    moved on (0 for those who skipped s).

    Examples
    --------
    >>> import pandas as pd
    >>> se = pd.DataFrame({"customer_id": [1, 1, 2], "stage": ["aware", "purchase", "aware"],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"])})
    >>> s = stage_conversion(se).summary.set_index("stage")
    >>> int(s.loc["aware", "moved_on"]), float(s.loc["aware", "median_days_in_stage"])
    (1, 31.0)
    """
    se = _stage_table(stage_events, columns)
    # first time each customer is at stage s or beyond (a running maximum passes s then)
    reach = {s: se[se["code"] >= s].groupby("customer_id")["timestamp"].min()
             for s in range(1, len(STAGES))}
    highest = se.groupby("customer_id")["code"].max()
    rows = []
    for s in range(1, len(STAGES)):
        here = reach[s]
        nxt = reach[s + 1] if s + 1 < len(STAGES) else pd.Series(dtype="int64")
        days = (nxt - here.reindex(nxt.index)).to_numpy() / _NS_PER_DAY
        rows.append({
            "stage": STAGES[s], "customers": len(here), "moved_on": len(nxt),
            "conversion_to_next": len(nxt) / len(here) if len(here) else np.nan,
            "current": int((highest == s).sum()),
            "median_days_in_stage": float(np.median(days)) if len(days) else np.nan,
        })
    out = pd.DataFrame(rows)
    out.loc[out["stage"] == STAGES[-1], "conversion_to_next"] = np.nan
    return StageConversion(summary=out)
