"""A synthetic beauty-salon chain with a 45-day campaign and its true effect (case G).

Eight salons (门店), each with its therapists (美容师), serve customers of three
spending-power tiers: high-end (高端), regular (常规) and low-mid (中低端). The
world is simulated day by day, vectorised over customers:

* **States.** A customer is *active* (visits with a daily probability set by
  her tier), *sleeping* (沉睡: rarely visits; an active customer falls asleep
  with a daily hazard, highest for low-mid customers) or *lost* (流失: never
  visits on her own; a sleeping customer is lost with a daily hazard). A visit
  by a sleeping customer makes her active again.
* **New customers** (新客) arrive at each salon at a daily rate; new customers
  of the campaign come through acquisition offers (拓客项目).
* **Visits.** Each visit is served by one therapist of the salon, as a regular
  service (常规项目), a high-end service (高端项目, likelier for richer tiers)
  or, for a first visit during the campaign, an acquisition offer. The price
  of the service is deducted from the customer's prepaid card (card
  consumption, 耗卡); at some visits the customer buys a package (套餐) matched
  to her tier, paid in cash (cash sales, 现金业绩).
* **The campaign** (``start`` .. ``end``, ``window_days`` days, both inclusive) raises, in each salon
  by its execution strength ``skill`` times ``campaign_effect``: visit rates,
  the waking of sleeping customers, the winning back of lost ones (phone
  calls), new arrivals, high-end service take-up and package purchases.
* **Targets.** Each salon's monthly cash-sales target for the campaign months
  is the salon's average monthly cash sales over the year before the campaign
  times ``1 + target_growth``.

Every random draw is made once and compared with a threshold, so the same
``seed`` with ``campaign_effect=0`` gives the same customers without the
campaign; ``truth.baseline`` holds that world's window totals per salon, so the
campaign's true effect is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_day, as_rng, check_number

__all__ = ["SALON_TIERS", "SERVICES", "SalonTruth", "SalonWorld", "generate_salon"]

#: Customer tiers by spending power, richest first.
SALON_TIERS = ("high-end", "regular", "low-mid")
#: Service types of a visit.
SERVICES = ("regular", "high-end", "acquisition")

_TIER_SHARE = np.array([0.12, 0.38, 0.50])
_VISIT_P = np.array([1 / 10, 1 / 16, 1 / 28])        # active customers, per day
_SLEEP_H = np.array([1 / 400, 1 / 250, 1 / 150])     # active -> sleeping, per day
_LOSE_H = np.array([1 / 300, 1 / 200, 1 / 150])      # sleeping -> lost, per day
_SLEEP_VISIT = 1 / 300                                # sleeping customers, per day
_HIGH_END_P = np.array([0.30, 0.10, 0.03])           # high-end service share of visits
_PACKAGE = np.array([20000.0, 6000.0, 2000.0])       # package price by tier (yuan)
_PACKAGE_P = 0.025                                    # package purchase per visit
_PRICE = {"regular": 380.0, "high-end": 1500.0, "acquisition": 99.0}
_NEW_PER_DAY = 0.35                                   # new customers per salon per day


@dataclass
class SalonTruth:
    """What the generator knows: salon strength, customer tiers, the no-campaign world.

    ``baseline`` holds window totals per salon (visits, cash_sales,
    card_consumption) and ``baseline_visits`` every visit of the same world
    without the campaign (same seed, ``campaign_effect=0``).
    """

    stores: pd.DataFrame
    customers: pd.DataFrame
    baseline: pd.DataFrame
    baseline_visits: pd.DataFrame
    campaign_effect: float


@dataclass
class SalonWorld:
    """Tables of the salon chain: stores, staff, customers, visits, monthly targets."""

    stores: pd.DataFrame
    staff: pd.DataFrame
    customers: pd.DataFrame
    visits: pd.DataFrame
    monthly_targets: pd.DataFrame
    start: pd.Timestamp
    end: pd.Timestamp
    truth: SalonTruth


def generate_salon(n_customers: int = 5000, *, seed: int = 0, start: Any = "2025-09-01",
                   window_days: int = 45, history_days: int = 560,
                   campaign_effect: float = 1.0, target_growth: float = 0.4,
                   n_stores: int = 8) -> SalonWorld:
    """Simulate the salon chain and a campaign window (see the module text).

    Parameters
    ----------
    n_customers : int >= 50
        Customers at the first simulated day (new ones arrive later).
    seed : int >= 0
    start : date-like
        First day of the campaign.
    window_days : int >= 1
        Length of the campaign (``end`` = start + window_days - 1, inclusive).
    history_days : int >= 400
        Simulated days before ``start`` (a year-on-year comparison needs > 365).
    campaign_effect : float >= 0
        Scales every campaign lift (0 = no campaign).
    target_growth : float > -1
        Monthly targets = the year's average monthly cash sales x (1 + target_growth).
    n_stores : int >= 1

    Examples
    --------
    >>> w = generate_salon(300, seed=1, history_days=400)
    >>> sorted(w.visits["service"].unique())
    ['acquisition', 'high-end', 'regular']
    """
    n = check_number(n_customers, "n_customers", low=50, integer=True)
    window = check_number(window_days, "window_days", low=1, integer=True)
    hist = check_number(history_days, "history_days", low=400, integer=True)
    effect = check_number(campaign_effect, "campaign_effect", low=0)
    growth = check_number(target_growth, "target_growth", low=-1, low_open=True)
    k = check_number(n_stores, "n_stores", low=1, integer=True)
    first = as_day(start, "start")
    seed_int = check_number(seed, "seed", low=0, integer=True)
    stores, staff = _stores(k, as_rng(seed_int))
    sim = _simulate(n, k, hist, window, effect, stores["skill"].to_numpy(), seed_int)
    base = _simulate(n, k, hist, window, 0.0, stores["skill"].to_numpy(), seed_int)
    day0 = first - pd.Timedelta(days=hist)
    visits = _visit_table(sim, staff, day0, seed_int)
    joined = sim["joined"]
    customers = pd.DataFrame({
        "customer_id": np.flatnonzero(joined) + 1,
        "store_id": stores["store_id"].to_numpy()[sim["store"][joined]],
        "tier": np.asarray(SALON_TIERS, dtype=object)[sim["tier"][joined]]})
    end = first + pd.Timedelta(days=window - 1)      # inclusive, as every start/end
    truth_c = customers.assign(state_at_start=np.asarray(
        ["not yet", "active", "sleeping", "lost"], dtype=object)[sim["state_at_start"][joined]])
    base_visits = _visit_table(base, staff, day0, seed_int)
    baseline = _window_totals(base_visits, first, end)
    targets = _monthly_targets(visits, stores, first, end, growth)
    return SalonWorld(stores[["store_id", "n_staff"]], staff, customers, visits, targets,
                      first, end, SalonTruth(stores, truth_c, baseline,
                                                                 base_visits, effect))


def _stores(k: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = [f"S{i + 1}" for i in range(k)]
    n_staff = rng.integers(6, 11, size=k)
    stores = pd.DataFrame({"store_id": ids, "n_staff": n_staff,
                           "skill": np.round(rng.lognormal(0.0, 0.35, size=k), 3)})
    staff = pd.DataFrame({
        "staff_id": [f"{s}-T{j + 1:02d}" for s, m in zip(ids, n_staff, strict=True) for j in range(m)],
        "store_id": np.repeat(ids, n_staff)})
    return stores, staff


def _simulate(n: int, k: int, hist: int, window: int, effect: float, skill: np.ndarray,
              seed: int) -> dict[str, Any]:
    """Day-by-day states and visits; all uniforms drawn in a fixed order (same seed, same
    draws, whatever the effect)."""
    rng = np.random.default_rng([seed, 1])
    days = hist + window + 20
    size = rng.dirichlet(np.full(k, 8.0))
    max_new = rng.poisson(_NEW_PER_DAY * 4, size=(days, k))       # candidate arrivals
    n_slots = n + int(max_new.sum())
    tier = rng.choice(3, size=n_slots, p=_TIER_SHARE)
    store = np.concatenate([rng.choice(k, size=n, p=size),
                            np.repeat(np.tile(np.arange(k), days), max_new.ravel())])
    arrive = np.concatenate([np.zeros(n, dtype=np.int64),
                             np.repeat(np.repeat(np.arange(days), k), max_new.ravel())])
    thin = rng.random(n_slots)
    state = np.zeros(n_slots, dtype=np.int8)     # 0 not yet, 1 active, 2 sleeping, 3 lost
    state[:n] = rng.choice([1, 2, 3], size=n, p=[0.6, 0.2, 0.2])
    rows_d, rows_c = [], []
    state_at_start = None
    for d in range(days):
        in_campaign = hist <= d < hist + window
        lift = effect * skill[store] if in_campaign else np.zeros(n_slots)
        if d == hist:
            state_at_start = state.copy()
        u = rng.random((3, n_slots))
        joining = (arrive == d) & (d > 0) & (state == 0) & \
            (thin < 0.5 * (1 + 0.8 * lift))
        p_visit = np.where(state == 1, _VISIT_P[tier] * (1 + 0.15 * lift),
                           np.where(state == 2, _SLEEP_VISIT + 0.004 * lift,
                                    np.where(state == 3, 0.0008 * lift, 0.0)))
        visit = (u[0] < p_visit) | joining
        rows_d.append(np.full(int(visit.sum()), d))
        rows_c.append(np.flatnonzero(visit))
        active = state == 1
        state = np.where(visit, 1, state).astype(np.int8)
        state[~visit & active & (u[1] < _SLEEP_H[tier])] = 2
        state[~visit & (state == 2) & ~active & (u[2] < _LOSE_H[tier])] = 3
    return {"day": np.concatenate(rows_d), "cust": np.concatenate(rows_c), "tier": tier,
            "joined": state != 0,
            "store": store, "hist": hist, "window": window, "effect": effect,
            "skill": skill, "state_at_start": state_at_start}


def _visit_table(sim: dict[str, Any], staff: pd.DataFrame, day0: pd.Timestamp,
                 seed: int) -> pd.DataFrame:
    rng = np.random.default_rng([seed, 2])
    day, cust = sim["day"], sim["cust"]
    tier, store = sim["tier"][cust], sim["store"][cust]
    hist, window = sim["hist"], sim["window"]
    in_campaign = (day >= hist) & (day < hist + window)
    lift = np.where(in_campaign, sim["effect"] * sim["skill"][store], 0.0)
    u = rng.random((len(day), 4)).T     # row by row: the same visit gets the same draws
    first_visit = ~pd.Series(cust).duplicated().to_numpy()
    acquisition = first_visit & in_campaign & (u[0] < 0.8)
    high_end = ~acquisition & (u[1] < _HIGH_END_P[tier] * (1 + 0.4 * lift))
    service = np.where(acquisition, "acquisition", np.where(high_end, "high-end", "regular"))
    package = ~acquisition & (u[2] < _PACKAGE_P * (1 + 0.2 * lift))
    card = np.select([acquisition, high_end], [0.0, _PRICE["high-end"]], _PRICE["regular"])
    cash = np.where(acquisition, _PRICE["acquisition"], 0.0) + np.where(
        package, _PACKAGE[tier], 0.0)
    ids = staff["store_id"].to_numpy()
    store_ids = np.unique(ids)
    starts = np.searchsorted(ids, store_ids)
    counts = np.bincount(np.searchsorted(store_ids, ids), minlength=len(store_ids))
    who = starts[store] + np.floor(u[3] * counts[store]).astype(np.int64)
    table = pd.DataFrame({
        "customer_id": cust + 1, "store_id": store_ids[store],
        "staff_id": staff["staff_id"].to_numpy()[who],
        "timestamp": day0 + pd.to_timedelta(day, unit="D"),
        "service": service, "card_consumption": card, "cash_sales": cash,
        "package": np.where(package, np.asarray(SALON_TIERS, dtype=object)[tier], "")})
    return table.sort_values(["timestamp", "customer_id"], kind="stable").reset_index(drop=True)


def _window_totals(visits: pd.DataFrame, start: pd.Timestamp,
                   end: pd.Timestamp) -> pd.DataFrame:
    w = visits[(visits["timestamp"] >= start) & (visits["timestamp"] <= end)]
    return w.groupby("store_id").agg(visits=("customer_id", "size"),
                                     cash_sales=("cash_sales", "sum"),
                                     card_consumption=("card_consumption", "sum"))


def _monthly_targets(visits: pd.DataFrame, stores: pd.DataFrame, start: pd.Timestamp,
                     end: pd.Timestamp, growth: float) -> pd.DataFrame:
    months = pd.period_range(start, end, freq="M")
    year = visits[(visits["timestamp"] < start)
                  & (visits["timestamp"] >= start - pd.Timedelta(days=365))]
    # a year's average month: one month's cash is too lumpy (packages) to set a target on
    monthly = year.groupby("store_id")["cash_sales"].sum().reindex(
        stores["store_id"], fill_value=0.0) / 12
    rows = []
    for m in months:
        for sid, value in monthly.items():
            rows.append({"store_id": sid, "month": m.start_time,
                         "target": round(float(value) * (1 + growth), -2)})
    return pd.DataFrame(rows)
