"""Lifecycle relationship stages (shared case D).

The case's stage ladder, in order: none -> discover -> aware -> consider -> choose ->
purchase -> satisfied -> loyal -> advocate (:data:`omnimkt.data.STAGES`). Customers
move between stages over time, and the case asks that these transitions be tracked.
From a stage event table (customer_id, timestamp, stage; checked with
:func:`omnimkt.data.validate_stage_events`):

* :func:`stage_at` -- each customer's stage at a date (highest reached, or latest);
* :func:`stage_counts` -- customers per stage at the end of each period;
* :func:`stage_transitions` -- from-stage x to-stage matrix between two dates;
* :func:`stage_conversion` -- share reaching each stage that moves on, and the median
  time spent there (:class:`StageConversion`).

These names are also importable from :mod:`omnimkt.funnel`, where they used to live.

Examples
--------
>>> import pandas as pd
>>> se = pd.DataFrame({"customer_id": [1, 1, 2], "stage": ["aware", "purchase", "aware"],
...     "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"])})
>>> stage_at(se, "2025-03-15").astype(str).tolist()
['purchase', 'aware']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._events import _first_per_group, _Result, _timestamps_ns
from omnimkt.data.schema import STAGES
from omnimkt.data.validate import validate_stage_events
from omnimkt.errors import DataError

__all__ = ["StageConversion", "stage_at", "stage_counts", "stage_transitions",
           "stage_conversion"]

_NS_PER_DAY = 86_400 * 10**9
_RULES = ("highest", "latest")


def _stage_table(stage_events: pd.DataFrame, columns: Any = None) -> pd.DataFrame:
    """customer_id, timestamp (ns), code (index in STAGES), sorted; DataError otherwise."""
    # duplicates change no stage, so they are kept silently
    se = validate_stage_events(stage_events, columns, duplicates="keep")
    out = pd.DataFrame({
        "customer_id": se["customer_id"].to_numpy(),
        "timestamp": _timestamps_ns(se["timestamp"], "stage_events"),
        "code": pd.Categorical(se["stage"], categories=STAGES).codes.astype("int64"),
    })
    # ties at one timestamp: the higher stage counts as the later one
    return out.sort_values(["customer_id", "timestamp", "code"], kind="stable",
                           ignore_index=True)


def _as_stage(codes: pd.Series) -> pd.Series:
    return pd.Series(pd.Categorical.from_codes(codes.to_numpy(), categories=STAGES,
                                               ordered=True), index=codes.index, name="stage")


def _check_rule(rule: str) -> None:
    if rule not in _RULES:
        raise DataError(f"rule={rule!r}: use 'highest' or 'latest'.")


def stage_at(stage_events: pd.DataFrame, date: Any, *, rule: str = "highest",
             customers: Sequence[Any] | None = None, columns: Any = None) -> pd.Series:
    """Lifecycle stage of each customer at ``date`` (events with timestamp <= date).

    ``rule="highest"`` (default): the highest stage reached so far in
    :data:`omnimkt.data.STAGES` order -- a relationship, once built, is counted until
    the data say otherwise, as the case's stage ladder reads. ``rule="latest"``: the
    stage of the most recent event (lets customers fall back if you record that).
    Customers with no event yet are "none". Returns an ordered categorical Series
    indexed by customer_id (all customers of the table, or ``customers``).

    Examples
    --------
    >>> import pandas as pd
    >>> se = pd.DataFrame({"customer_id": [1, 1, 2], "stage": ["aware", "purchase", "aware"],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"])})
    >>> stage_at(se, "2025-01-15").astype(str).to_dict()
    {1: 'aware', 2: 'none'}
    """
    _check_rule(rule)
    se = _stage_table(stage_events, columns)
    cut = pd.Timestamp(date).as_unit("ns").value
    sub = se[se["timestamp"] <= cut]
    g = sub.groupby("customer_id", sort=True)["code"]
    codes = g.max() if rule == "highest" else g.last()
    index = pd.Index(customers if customers is not None else se["customer_id"].unique())
    codes = codes.reindex(index.sort_values() if customers is None else index, fill_value=0)
    codes.index.name = "customer_id"
    return _as_stage(codes.astype("int64"))


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
                 start: Any = None, end: Any = None, columns: Any = None) -> pd.DataFrame:
    """Number of customers in each stage at the end of each period.

    Rows: periods (PeriodIndex of ``freq``: "D", "W", "M", "Q", "Y") from the first
    event (or ``start``) to the last (or ``end``); columns: all STAGES. Customers of the
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
    _check_rule(rule)
    se = _stage_table(stage_events, columns)
    freq = {"ME": "M", "MS": "M", "QE": "Q", "YE": "Y", "A": "Y"}.get(freq, freq)
    try:
        ts = pd.to_datetime(se["timestamp"]).dt.to_period(freq)
    except ValueError as exc:
        raise DataError(f"freq={freq!r} is not a period frequency; use 'D', 'W', 'M', "
                        "'Q' or 'Y'.") from exc
    first = pd.Period(start, freq) if start is not None else ts.min()
    last = pd.Period(end, freq) if end is not None else ts.max()
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
                      columns: Any = None) -> pd.DataFrame:
    """Transition matrix of customers between their stage at ``start`` and at ``end``.

    Rows: stage at ``start`` ("from"), columns: stage at ``end`` ("to"), all STAGES
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
    if pd.Timestamp(end) < pd.Timestamp(start):
        raise DataError(f"stage_transitions: end {end!r} is before start {start!r}.")
    a = stage_at(stage_events, start, rule=rule, columns=columns)
    b = stage_at(stage_events, end, rule=rule, columns=columns)
    m = pd.crosstab(a.cat.codes, b.cat.codes).reindex(
        index=range(len(STAGES)), columns=range(len(STAGES)), fill_value=0)
    m.index = pd.Index(STAGES, name="from")
    m.columns = pd.Index(STAGES, name="to")
    if normalize:
        return m.div(m.sum(axis=1).replace(0, 1), axis=0)
    return m.astype("int64")


@dataclass(repr=False)
class StageConversion(_Result):
    """Outcome of :func:`stage_conversion`; ``summary`` has one row per stage."""

    summary: pd.DataFrame
    title: str = "Lifecycle stage conversion"

    def _settings(self) -> str:
        return f"{int(self.summary['customers'].iloc[0]):,} customers"


def stage_conversion(stage_events: pd.DataFrame, *, columns: Any = None) -> StageConversion:
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
