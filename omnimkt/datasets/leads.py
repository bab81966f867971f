"""A synthetic appliance retailer's leads (case H), with the mechanism's truth returned.

The store gets leads from five sources, each simulated as a mechanism (the case's
rules drive the design; every rate below is this simulation's assumption, not a
figure of the case):

- **fair** (建材联盟活动): ``n_fairs`` one-day building-materials fairs on Saturdays,
  each with a fee of 10,000-15,000 yuan and 50 yuan per order taken there. Visitors
  leave their details (Poisson, ``fair_leads`` on average); some buy at the fair at
  a loss-leader margin. The organiser hands the list over 15-30 days later
  (one draw per fair) and the store then phones the leads over the next days.
- **canvassing** (扫楼): weekend visits to estates whose renovation is ending, a
  small cost per weekend; leads are invited within two weeks.
- **walk_in**: people who come into the store; no cost; a follow-up call the same day
  or within a week.
- **service_call** (服务营销): after the May-Day peak (五一大促) the store phones old
  customers offering a safety check; a visit that finds a need becomes a lead, and the
  trade-in offer (以旧换新) follows; the trade-in allowance lowers the order's margin.
- **developer** (开发商合作): flats sold by a developer carry a 20,000-yuan voucher
  (家电购物券) for one store, expiring ``voucher_days`` after the sale. Owners come
  when their renovation ends; a voucher not used by its expiry is lost.

Conversion after the contact: a lead's need is met elsewhere at a constant hazard
``hazard_per_day`` (they buy at another shop), so the probability that it converts
when first contacted ``d`` days after capture is ``base_rate[source] · exp(−hazard · d)``.
Every buyer then places follow-up orders (Poisson, spread over the months after).
The truth (``LeadWorld.truth``) gives the true rates and each lead's probability, and,
for the developer deal, what each flat owner would have spent at the store without
the voucher, so the deal's incremental sales can be checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_rng, check_number
from omnimkt.data import validate_lead_events, validate_lead_orders, validate_leads

__all__ = ["LeadTruth", "LeadWorld", "generate_leads"]

START = pd.Timestamp("2025-01-01")
OBSERVATION_END = pd.Timestamp("2026-06-30")

#: Per source: base conversion rate at contact delay 0, mean order value (yuan) of the
#: conversion order, its gross margin rate. Assumptions of this simulation.
_SOURCE_RATES = {
    "fair": (0.25, 9000.0, 0.15),
    "canvassing": (0.35, 8000.0, 0.15),
    "walk_in": (0.22, 5000.0, 0.15),
    "service_call": (0.30, 4500.0, 0.12),
}
_FAIR_BUY_SHARE, _FAIR_ORDER_VALUE, _FAIR_MARGIN = 0.35, 5700.0, 0.025
_FOLLOWUPS, _FOLLOWUP_VALUE, _FOLLOWUP_MARGIN = 0.6, 3000.0, 0.18


@dataclass
class LeadTruth:
    """What the lead world's mechanism knows.

    Attributes
    ----------
    sources : DataFrame indexed by source
        base_rate (conversion at delay 0), hazard_per_day, mean_value, margin_rate.
    leads : DataFrame indexed by customer_id
        source, delay_days (NaN without a contact), p_convert, converted,
        and for developer leads would_buy_anyway and spend_anyway (what the owner
        would have spent at the store without the voucher).
    voucher : dict
        flats, vouchers_redeemed, sales, sales_anyway and incremental_sales of the deal.
    params : dict
        The generator's settings.
    """

    sources: pd.DataFrame
    leads: pd.DataFrame
    voucher: dict[str, float]
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class LeadWorld:
    """The lead tables (validated canonical form) and the truth behind them.

    Attributes
    ----------
    leads : DataFrame
        customer_id, source, captured, event_id, handed_over, contacted, store_id,
        voucher_value, voucher_expiry.
    orders : DataFrame
        A transactions table of the leads' orders: customer_id, timestamp, amount,
        order_id, store_id, margin, voucher (paid by voucher), kind (at_event,
        conversion, voucher, follow_up; for readers, models do not use it).
    events : DataFrame
        event_id, source, event_date, fee, fee_per_order.
    truth : LeadTruth
    observation_end : Timestamp
    """

    leads: pd.DataFrame
    orders: pd.DataFrame
    events: pd.DataFrame
    truth: LeadTruth
    observation_end: pd.Timestamp = OBSERVATION_END

    def __repr__(self) -> str:
        return (f"LeadWorld(leads: {len(self.leads):,} rows; orders: {len(self.orders):,} rows; "
                f"events: {len(self.events):,} rows)")


def _value(rng: np.random.Generator, mean: float, n: int, sigma: float = 0.5) -> np.ndarray:
    """Lognormal order values with the given mean, rounded to whole yuan."""
    return np.round(rng.lognormal(np.log(mean) - sigma**2 / 2, sigma, n))


class _Book:
    """Collects leads, orders and events while the sources are simulated."""

    def __init__(self) -> None:
        self.leads: list[dict] = []
        self.orders: list[dict] = []
        self.events: list[dict] = []
        self.truth: list[dict] = []

    def lead(self, source: str, captured: pd.Timestamp, event: str | None, **extra: Any) -> int:
        cid = len(self.leads) + 1
        self.leads.append({"customer_id": cid, "source": source, "captured": captured,
                           "event_id": event, **extra})
        return cid

    def order(self, cid: int, day: pd.Timestamp, amount: float, margin: float, kind: str,
              voucher: float = 0.0) -> None:
        self.orders.append({"customer_id": cid, "timestamp": day, "amount": float(amount),
                            "margin": float(round(margin, 2)), "voucher": float(voucher),
                            "kind": kind})


def _contacted_leads(book: _Book, rng: np.random.Generator, source: str, event: str | None,
                     captured: pd.Timestamp, handed: pd.Timestamp, queue: np.ndarray,
                     hazard: float) -> list[int]:
    """Leads contacted ``queue`` days after hand-over; each converts by the decay mechanism."""
    base, value, rate = _SOURCE_RATES[source]
    ids = []
    for q in queue:
        contacted = handed + pd.Timedelta(days=int(q))
        delay = (contacted - captured).days
        p = base * np.exp(-hazard * delay)
        cid = book.lead(source, captured, event, handed_over=handed, contacted=contacted)
        converted = bool(rng.random() < p)
        book.truth.append({"customer_id": cid, "source": source, "delay_days": delay,
                           "p_convert": p, "converted": converted})
        if converted:
            day = contacted + pd.Timedelta(days=int(rng.exponential(7.0)))
            amount = _value(rng, value, 1)[0]
            book.order(cid, day, amount, amount * rate, "conversion")
        ids.append(cid)
    return ids


def _fairs(book: _Book, rng: np.random.Generator, n_fairs: int, fair_leads: float,
           hazard: float) -> None:
    saturdays = pd.date_range("2025-03-01", "2025-10-31", freq="W-SAT")
    days = np.sort(rng.choice(len(saturdays), n_fairs, replace=False))
    for i, d in enumerate(days, 1):
        day, event = saturdays[d], f"fair_{i:02d}"
        fee = float(rng.integers(20, 31) * 500)  # 10,000-15,000 yuan in steps of 500
        book.events.append({"event_id": event, "source": "fair", "event_date": day,
                            "fee": fee, "fee_per_order": 50.0})
        handed = day + pd.Timedelta(days=int(rng.integers(15, 31)))
        n = int(rng.poisson(fair_leads))
        # Phoning a few hundred leads takes the store a week or two.
        ids = _contacted_leads(book, rng, "fair", event, day, handed,
                               rng.integers(0, 12, n), hazard)
        buys = rng.random(n) < _FAIR_BUY_SHARE
        amounts = _value(rng, _FAIR_ORDER_VALUE, int(buys.sum()))
        rates = rng.normal(_FAIR_MARGIN, 0.01, len(amounts))  # loss-leader prices
        for cid, amount, rate in zip(np.asarray(ids)[buys], amounts, rates, strict=True):
            book.order(int(cid), day, amount, amount * rate, "at_event")


def _canvassing(book: _Book, rng: np.random.Generator, hazard: float) -> None:
    for day in pd.date_range("2025-04-05", "2025-11-30", freq="W-SAT"):
        event = f"canvass_{day:%Y-%m-%d}"
        book.events.append({"event_id": event, "source": "canvassing", "event_date": day,
                            "fee": 1200.0, "fee_per_order": 0.0})
        n = int(rng.poisson(18))
        _contacted_leads(book, rng, "canvassing", event, day, day, rng.integers(1, 15, n),
                         hazard)


def _walk_ins(book: _Book, rng: np.random.Generator, hazard: float) -> None:
    for day in pd.date_range("2025-01-01", "2025-12-31", freq="D"):
        n = int(rng.poisson(1.2))
        later = rng.random(n) < 0.4
        queue = np.where(later, rng.integers(1, 8, n), 0)
        _contacted_leads(book, rng, "walk_in", None, day, day, queue, hazard)


def _service_calls(book: _Book, rng: np.random.Generator, hazard: float,
                   n_calls: int) -> None:
    event = "service_2025"
    book.events.append({"event_id": event, "source": "service_call",
                        "event_date": pd.Timestamp("2025-05-08"), "fee": 6.0 * n_calls,
                        "fee_per_order": 0.0})
    need = rng.random(n_calls) < 0.45  # the home visit finds an old appliance worth replacing
    visit_days = pd.Timestamp("2025-05-08") + pd.to_timedelta(
        rng.integers(0, 54, int(need.sum())), unit="D")
    for day in visit_days:
        queue = rng.integers(0, 21, 1)
        ids = _contacted_leads(book, rng, "service_call", event, day, day, queue, hazard)
        for o in book.orders[-1:]:
            if o["customer_id"] == ids[0] and o["kind"] == "conversion":
                o["margin"] = round(o["margin"] - 300.0, 2)  # the trade-in allowance


def _developer(book: _Book, rng: np.random.Generator, flats: int, voucher_value: float,
               voucher_days: int) -> dict[str, float]:
    event = "developer_2025"
    book.events.append({"event_id": event, "source": "developer",
                        "event_date": pd.Timestamp("2025-03-01"), "fee": 0.0,
                        "fee_per_order": 0.0})
    sold = pd.Timestamp("2025-03-01") + pd.to_timedelta(rng.integers(0, 245, flats), unit="D")
    arrive = rng.normal(150, 45, flats).round()  # days until the renovation ends
    comes = rng.random(flats) < 0.9
    anyway = rng.random(flats) < 0.15
    spend_anyway = np.where(anyway, _value(rng, 15000.0, flats), 0.0)
    top_up = _value(rng, 18000.0, flats, sigma=0.7)
    sales = 0.0
    redeemed = 0
    for i in range(flats):
        expiry = sold[i] + pd.Timedelta(days=voucher_days)
        cid = book.lead("developer", sold[i], event, voucher_value=voucher_value,
                        voucher_expiry=expiry)
        used = bool(comes[i] and 0 <= arrive[i] <= voucher_days)
        book.truth.append({"customer_id": cid, "source": "developer", "converted": used,
                           "would_buy_anyway": bool(anyway[i]),
                           "spend_anyway": float(spend_anyway[i])})
        if used:
            amount = voucher_value + top_up[i]
            day = sold[i] + pd.Timedelta(days=int(arrive[i]))
            book.order(cid, day, amount, amount * 0.15, "voucher", voucher=voucher_value)
            sales += amount
            redeemed += 1
    return {"flats": float(flats), "vouchers_redeemed": float(redeemed), "sales": sales,
            "sales_anyway": float(spend_anyway.sum()),
            "incremental_sales": sales - float(spend_anyway.sum())}


def _follow_ups(book: _Book, rng: np.random.Generator) -> None:
    first: dict[int, pd.Timestamp] = {}
    for o in book.orders:
        cid = o["customer_id"]
        first[cid] = min(first.get(cid, o["timestamp"]), o["timestamp"])
    for cid, day in sorted(first.items()):
        for _ in range(int(rng.poisson(_FOLLOWUPS))):
            when = day + pd.Timedelta(days=int(1 + rng.exponential(120)))
            if when <= OBSERVATION_END:
                amount = _value(rng, _FOLLOWUP_VALUE, 1)[0]
                book.order(cid, when, amount, amount * _FOLLOWUP_MARGIN, "follow_up")


def generate_leads(*, n_fairs: int = 10, fair_leads: float = 300, hazard_per_day: float = 0.02,
                   flats: int = 150, voucher_value: float = 20000, voucher_days: int = 180,
                   service_calls: int = 800, seed: int | np.random.Generator = 0) -> LeadWorld:
    """Simulate one year of an appliance retailer's leads (2025), observed to mid-2026.

    Parameters
    ----------
    n_fairs : int >= 1
        Building-materials fairs attended (Saturdays, March to October 2025).
    fair_leads : float > 0
        Mean number of visitors per fair who leave their details.
    hazard_per_day : float >= 0
        Daily hazard that an uncontacted lead buys elsewhere (the decay to recover).
    flats : int >= 0
        Flats sold under the developer deal (one voucher each).
    voucher_value : float > 0
        Face value of a voucher in yuan (the case: 20,000).
    voucher_days : int >= 1
        Days from the flat's sale to the voucher's expiry.
    service_calls : int >= 0
        Old customers phoned after the May-Day peak.
    seed : int >= 0 or numpy Generator

    Returns
    -------
    LeadWorld

    Examples
    --------
    >>> w = generate_leads(n_fairs=2, flats=10, seed=1)
    >>> sorted(w.leads["source"].unique())
    ['canvassing', 'developer', 'fair', 'service_call', 'walk_in']
    >>> w.truth.sources.loc["fair", "hazard_per_day"]
    np.float64(0.02)
    """
    n_fairs = check_number(n_fairs, "n_fairs", low=1, integer=True)
    fair_leads = check_number(fair_leads, "fair_leads", low=0, low_open=True)
    hazard = check_number(hazard_per_day, "hazard_per_day", low=0)
    flats = check_number(flats, "flats", low=0, integer=True)
    voucher_value = check_number(voucher_value, "voucher_value", low=0, low_open=True)
    voucher_days = check_number(voucher_days, "voucher_days", low=1, integer=True)
    service_calls = check_number(service_calls, "service_calls", low=0, integer=True)
    rng = as_rng(seed)
    book = _Book()
    _fairs(book, rng, n_fairs, fair_leads, hazard)
    _canvassing(book, rng, hazard)
    _walk_ins(book, rng, hazard)
    _service_calls(book, rng, hazard, service_calls)
    voucher = _developer(book, rng, flats, voucher_value, voucher_days)
    _follow_ups(book, rng)
    params = dict(n_fairs=n_fairs, fair_leads=fair_leads, hazard_per_day=hazard, flats=flats,
                  voucher_value=voucher_value, voucher_days=voucher_days,
                  service_calls=service_calls)
    return _assemble(book, voucher, hazard, params)


def _assemble(book: _Book, voucher: dict[str, float], hazard: float,
              params: dict[str, Any]) -> LeadWorld:
    leads = pd.DataFrame(book.leads)
    for c in ("handed_over", "contacted", "voucher_expiry"):
        leads[c] = pd.to_datetime(leads[c]) if c in leads else pd.NaT
    leads["voucher_value"] = leads.get("voucher_value", 0.0)
    leads["voucher_value"] = leads["voucher_value"].fillna(0.0).astype(float)
    leads["store_id"] = np.where(leads["source"] == "developer", "store_2", "store_1")
    leads = leads[["customer_id", "source", "captured", "event_id", "handed_over", "contacted",
                   "store_id", "voucher_value", "voucher_expiry"]]
    orders = pd.DataFrame(book.orders).sort_values(["customer_id", "timestamp"], kind="stable")
    orders = orders.reset_index(drop=True)
    orders.insert(3, "order_id", np.arange(1, len(orders) + 1))
    orders.insert(4, "store_id", orders["customer_id"].map(
        leads.set_index("customer_id")["store_id"]))
    events = pd.DataFrame(book.events).sort_values(["event_date", "event_id"], kind="stable")
    sources = pd.DataFrame(
        {s: {"base_rate": r[0], "hazard_per_day": hazard, "mean_value": r[1],
             "margin_rate": r[2]} for s, r in _SOURCE_RATES.items()}).T
    sources.index.name = "source"
    truth_leads = pd.DataFrame(book.truth).set_index("customer_id").sort_index()
    truth = LeadTruth(sources=sources.astype(float), leads=truth_leads, voucher=voucher,
                      params=params)
    return LeadWorld(leads=validate_leads(leads), orders=validate_lead_orders(orders),
                     events=validate_lead_events(events), truth=truth)
