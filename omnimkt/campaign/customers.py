"""Customer-side campaign figures of case G: penetration, traffic, staff load, movement.

* :func:`service_penetration` — share of the window's customers who had each
  service type (常规 / 高端 / 拓客项目普及率), overall and by customer tier;
* :func:`traffic_change` — visits in the window against the same days a year
  earlier (客流量同比);
* :func:`staff_load` — customers served per therapist per working day (人均护理客数);
* :func:`customer_movement` — new, woken, won-back and upgraded customers,
  computed from the visits by :func:`omnimkt.segments.window_counts`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import check_number
from omnimkt._result import Result
from omnimkt.campaign._common import (
    as_window,
    check_tiers,
    in_window,
    require,
    store_ids,
    visits_table,
)
from omnimkt.errors import DataError, examples

__all__ = ["Penetration", "StaffLoad", "TrafficChange", "customer_movement",
           "service_penetration", "staff_load", "traffic_change"]


class Penetration(Result):
    """Share of the window's customers who had each service, overall and per tier."""

    title = "Service penetration"

    def __init__(self, summary: pd.DataFrame, customers: pd.Series, start: pd.Timestamp,
                 end: pd.Timestamp) -> None:
        self.summary, self.customers, self.start, self.end = summary, customers, start, end
        self.notes = ["Penetration = customers with at least one visit of the service in "
                      "the window / customers with any visit in the window (per column)."]

    def _settings(self) -> str:
        return f"{self.start.date()} to {self.end.date()}"


def service_penetration(visits: Any, customers: Any, *, start: Any, end: Any,
                        tiers: tuple[str, ...] | None = None) -> Penetration:
    """Service penetration in the window, overall and by customer tier.

    ``visits`` needs customer_id, store_id, timestamp, service; ``customers``
    customer_id and tier. ``tiers`` lists the allowed tier labels (default: the
    salon world's high-end / regular / low-mid); another label is an error.

    Examples
    --------
    >>> v = pd.DataFrame({"customer_id": [1, 1, 2], "store_id": "A",
    ...     "timestamp": ["2025-09-01", "2025-09-02", "2025-09-01"],
    ...     "service": ["regular", "high-end", "regular"]})
    >>> c = pd.DataFrame({"customer_id": [1, 2], "tier": ["high-end", "regular"]})
    >>> service_penetration(v, c, start="2025-09-01", end="2025-09-30").summary["all"].tolist()
    [1.0, 0.5]
    """
    from omnimkt.datasets.salon import SALON_TIERS, SERVICES

    allowed = tuple(tiers) if tiers is not None else SALON_TIERS
    first, last = as_window(start, end)
    v = in_window(visits_table(visits, columns=("customer_id", "store_id", "timestamp",
                                                "service")), first, last)
    c = require(customers, "customers", ("customer_id", "tier"))
    check_tiers(c["tier"], "customers", allowed)
    tier = c.drop_duplicates("customer_id").set_index("customer_id")["tier"]
    unknown = ~v["customer_id"].isin(tier.index)
    if unknown.any():
        raise DataError(f"visits.customer_id: {int(unknown.sum())} visits by customers not in "
                        f"the customers table (e.g. {examples(v.loc[unknown, 'customer_id'])}).")
    had = pd.crosstab(v["customer_id"], v["service"]) > 0
    who = tier.reindex(had.index)
    cols = {"all": had.mean()}
    for t in allowed:
        cols[t] = had[who == t].mean() if (who == t).any() else had.iloc[:0].mean()
    summary = pd.DataFrame(cols)
    order = [s for s in SERVICES if s in summary.index]
    summary = summary.reindex(order + [s for s in summary.index if s not in order])
    summary.index.name = "service"
    counts = pd.concat([pd.Series({"all": len(had)}), who.value_counts().reindex(
        list(allowed), fill_value=0)])
    return Penetration(summary, counts.rename("customers"), first, last)


class TrafficChange(Result):
    """Visits in the window against the same days one year earlier, per store."""

    title = "Store traffic, year on year"

    def __init__(self, summary: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> None:
        self.summary, self.start, self.end = summary, start, end
        self.notes = ["change = visits in the window / visits on the same calendar days a "
                      "year earlier - 1."]

    def _settings(self) -> str:
        return f"{self.start.date()} to {self.end.date()} vs a year earlier"


def traffic_change(visits: Any, *, start: Any, end: Any, stores: Any = None) -> TrafficChange:
    """Year-on-year change in visits (and visiting customers) per store.

    Examples
    --------
    >>> v = pd.DataFrame({"customer_id": [1, 2, 3], "store_id": "A",
    ...     "timestamp": ["2024-09-05", "2025-09-05", "2025-09-06"]})
    >>> float(traffic_change(v, start="2025-09-01", end="2025-09-30").summary["change"].iloc[0])
    1.0
    """
    first, last = as_window(start, end)
    v = visits_table(visits, stores=stores)
    year = pd.DateOffset(years=1)
    if v["timestamp"].min() > last - year:
        raise DataError(f"visits: the data start on {v['timestamp'].min().date()}, after "
                        f"{(last - year).date()}; a year-on-year comparison needs visits in "
                        f"the same window a year earlier ({(first - year).date()} to "
                        f"{(last - year).date()}).")
    now, then = in_window(v, first, last), in_window(v, first - year, last - year)
    summary = pd.DataFrame({"visits": now.groupby("store_id").size(),
                            "visits_year_before": then.groupby("store_id").size(),
                            "customers": now.groupby("store_id")["customer_id"].nunique(),
                            "customers_year_before":
                                then.groupby("store_id")["customer_id"].nunique()}).fillna(0)
    summary.loc["all stores"] = [len(now), len(then), now["customer_id"].nunique(),
                                 then["customer_id"].nunique()]
    summary = summary.astype(np.int64)
    summary["change"] = summary["visits"] / summary["visits_year_before"].replace(0, np.nan) - 1
    summary.index.name = "store_id"
    return TrafficChange(summary, first, last)


class StaffLoad(Result):
    """Customers served per therapist per working day, per store."""

    title = "Customers per therapist per day"

    def __init__(self, summary: pd.DataFrame, by_staff: pd.DataFrame, workdays: float,
                 start: pd.Timestamp, end: pd.Timestamp) -> None:
        self.summary, self.by_staff = summary, by_staff
        self.workdays, self.start, self.end = workdays, start, end
        self.notes = [f"Per working day = visits / (therapists x days in the window x "
                      f"{workdays:g}/7 working days a week)."]

    def _settings(self) -> str:
        return f"{self.workdays:g} working days a week"


def staff_load(visits: Any, staff: Any, *, start: Any, end: Any,
               workdays_per_week: float = 6) -> StaffLoad:
    """Visits per therapist per working day, per store and per therapist.

    Every therapist of ``staff`` (staff_id, store_id) counts, also one who served
    nobody; a visit by a therapist not in ``staff`` is an error.

    Examples
    --------
    >>> s = pd.DataFrame({"staff_id": ["a1", "a2"], "store_id": ["A", "A"]})
    >>> v = pd.DataFrame({"customer_id": [1, 2, 3, 4], "store_id": "A", "staff_id": "a1",
    ...     "timestamp": ["2025-09-01", "2025-09-01", "2025-09-02", "2025-09-02"]})
    >>> staff_load(v, s, start="2025-09-01", end="2025-09-02",
    ...            workdays_per_week=7).summary["per_day"].tolist()
    [1.0, 1.0]
    """
    first, last = as_window(start, end)
    week = check_number(workdays_per_week, "workdays_per_week", low=0, high=7, low_open=True)
    people = require(staff, "staff", ("staff_id", "store_id"))
    v = in_window(visits_table(visits, stores=people, columns=(
        "customer_id", "store_id", "staff_id", "timestamp")), first, last)
    stranger = ~v["staff_id"].isin(people["staff_id"])
    if stranger.any():
        raise DataError(f"visits.staff_id: {int(stranger.sum())} visits by staff not in the "
                        f"staff table (e.g. {examples(v.loc[stranger, 'staff_id'].unique())}).")
    days = ((last - first).days + 1) * week / 7
    by_staff = people.set_index("staff_id")[["store_id"]].copy()
    by_staff["visits"] = v.groupby("staff_id").size().reindex(by_staff.index, fill_value=0)
    by_staff["per_day"] = by_staff["visits"] / days
    summary = by_staff.groupby("store_id").agg(therapists=("visits", "size"),
                                               visits=("visits", "sum"))
    summary.loc["all stores"] = summary.sum()
    summary["per_day"] = summary["visits"] / (summary["therapists"] * days)
    return StaffLoad(summary, by_staff, week, first, last)


def customer_movement(visits: Any, *, start: Any, end: Any, stores: Any = None,
                      sleeping_days: int = 90, lost_days: int = 180, tier_days: int = 365,
                      tier_thresholds: Any = None) -> Any:
    """New, woken, won-back and upgraded customers of a campaign window, from the visits.

    The window runs from ``start`` to ``end`` (both inclusive). Definitions
    (those of :func:`omnimkt.segments.window_counts`; s = days from the last
    visit before ``start`` to ``start``):

    * **new**: first visit ever falls in the window;
    * **woken**: sleeping at the start (``sleeping_days`` <= s < ``lost_days``)
      and visiting in the window;
    * **won back**: lost at the start (s >= ``lost_days``) and visiting;
    * **upgraded**: an existing customer whose trailing ``tier_days`` spend
      (cash sales + card consumption) moved up a D < C < B < A tier between the
      window's start and end (``tier_thresholds``: the C, B, A lower bounds in
      yuan; default: quantiles of that spend at the start).

    Visits outside the ``stores`` given are an error.

    Returns
    -------
    omnimkt.segments.WindowCounts

    Examples
    --------
    >>> v = pd.DataFrame({"customer_id": [1, 2, 2], "store_id": "A",
    ...     "timestamp": ["2025-01-01", "2025-01-01", "2025-09-02"],
    ...     "cash_sales": [0.0, 0.0, 0.0], "card_consumption": [380.0, 380.0, 380.0]})
    >>> customer_movement(v, start="2025-09-01", end="2025-09-30",
    ...                   tier_thresholds=[500, 1000, 5000]).counts["won back"]
    1
    """
    from omnimkt.segments import window_counts

    first, last = as_window(start, end)
    money = tuple(c for c in ("cash_sales", "card_consumption")
                  if isinstance(visits, pd.DataFrame) and c in visits.columns)
    if not money:
        raise DataError("visits: needs a cash_sales or card_consumption column (yuan) to set "
                        "spend tiers.")
    v = visits_table(visits, stores=store_ids(stores) if stores is not None else None,
                     money=money)
    tx = pd.DataFrame({"customer_id": v["customer_id"], "timestamp": v["timestamp"],
                       "amount": v[list(money)].sum(axis=1)})
    return window_counts(tx, first, window_days=(last - first).days + 1,
                         sleeping_days=sleeping_days, lost_days=lost_days, tier_days=tier_days,
                         tier_thresholds=tier_thresholds)
