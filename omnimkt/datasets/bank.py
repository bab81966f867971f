"""A synthetic provincial bank branch: customer tiers, e-banking and a wealth pilot (case I).

The case's branch runs a precision direct-marketing platform over 600,000 VIP
(贵宾), 10,000 high-end (高端) and 100,000 corporate (对公) customers. This world
keeps those ratios at ``scale`` (default 1/100: 6,000 / 100 / 1,000) and
simulates, month by month over ``months`` months up to ``cutoff``:

* **E-banking enrolment** (网银开通): each customer enrols at a monthly hazard
  that is higher for younger retail customers and corporates and grows over
  time (``digital_trend``), so adoption rises year on year.
* **Activity** (动户): an enrolled customer logs in during a month with a
  probability of her own, which also grows with ``digital_trend``.
* **Wealth-product purchases** (理财): a purchase happens at a monthly rate
  rising with balance; it is made online (网银自助购买) with a probability that
  rises over time and with the customer's activity, and only if she is
  enrolled, else at the branch.
* **A randomised pilot** of a direct-marketing contact for a wealth product,
  after ``cutoff``: ``pilot_size`` retail customers, half contacted at random;
  a customer buys within 30 days with her base probability plus, if
  contacted, her true effect: larger for active e-banking users with mid-sized
  balances (the contact points to a product they can buy in two taps),
  around zero for customers not on e-banking, and negative for high-end
  customers (who dislike mass contacts). ``truth.customers["true_effect"]``
  holds it for every retail customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_day, check_number

__all__ = ["BANK_TIERS", "CASE_I_COUNTS", "BankTruth", "BankWorld", "generate_bank"]

#: Customer tiers of the bank's platform.
BANK_TIERS = ("vip", "high_end", "corporate")
#: The case's customer counts per tier.
CASE_I_COUNTS = {"vip": 600_000, "high_end": 10_000, "corporate": 100_000}


@dataclass
class BankTruth:
    """Each customer's latent traits and, for retail customers, the pilot's true effect."""

    customers: pd.DataFrame
    digital_trend: float


@dataclass
class BankWorld:
    """customers (id, tier, age, balance, ebank_since), events, the pilot and the truth."""

    customers: pd.DataFrame
    events: pd.DataFrame
    pilot: pd.DataFrame
    cutoff: pd.Timestamp
    scale: float
    truth: BankTruth


def generate_bank(scale: float = 0.01, *, seed: int = 0, cutoff: Any = "2025-09-30",
                  months: int = 36, digital_trend: float = 1.0,
                  pilot_size: int = 4000) -> BankWorld:
    """Simulate the bank branch and a wealth-product pilot (see the module text).

    Parameters
    ----------
    scale : float in (0, 1]
        Customers per tier = the case's counts x scale (ratios kept).
    seed : int >= 0
    cutoff : date-like
        Last day of history (inclusive); the pilot runs after it.
    months : int >= 13
        Months simulated up to ``cutoff``.
    digital_trend : float >= 0
        How fast enrolment, activity and online buying grow (0 = flat).
    pilot_size : int >= 100
        Retail customers in the randomised pilot (at most all retail customers).

    Examples
    --------
    >>> w = generate_bank(0.001, seed=1, pilot_size=300)
    >>> w.customers["tier"].value_counts().to_dict()
    {'vip': 600, 'corporate': 100, 'high_end': 10}
    """
    sc = check_number(scale, "scale", low=0, high=1, low_open=True)
    rng = np.random.default_rng(check_number(seed, "seed", low=0, integer=True))
    cut = as_day(cutoff, "cutoff")
    n_months = check_number(months, "months", low=13, integer=True)
    trend = check_number(digital_trend, "digital_trend", low=0)
    size = check_number(pilot_size, "pilot_size", low=100, integer=True)
    cust = _customers(sc, rng)
    month_ends = pd.date_range(end=cut, periods=n_months, freq="ME")
    if month_ends[-1] != cut:   # the cut-off month counts in full up to the cut-off day
        month_ends = month_ends[1:].append(pd.DatetimeIndex([cut]))
    events, enrol = _history(cust, month_ends, trend, rng)
    cust["ebank_since"] = enrol
    pilot, effect = _pilot(cust, events, cut, size, rng)
    truth = cust[["customer_id", "tier", "activity", "wealth_rate"]].assign(true_effect=effect)
    public = cust[["customer_id", "tier", "age", "balance", "ebank_since"]]
    return BankWorld(public, events, pilot, cut, sc, BankTruth(truth, trend))


def _customers(scale: float, rng: np.random.Generator) -> pd.DataFrame:
    counts = {t: max(1, round(c * scale)) for t, c in CASE_I_COUNTS.items()}
    tier = np.repeat(list(counts), list(counts.values()))
    n = len(tier)
    retail = tier != "corporate"
    age = np.where(retail, np.clip(rng.normal(46, 13, n), 20, 85), np.nan).round()
    mu = np.select([tier == "vip", tier == "high_end"], [np.log(3e5), np.log(3e6)], np.log(2e6))
    return pd.DataFrame({
        "customer_id": np.arange(1, n + 1), "tier": tier, "age": age,
        "balance": np.round(rng.lognormal(mu, 0.6), -2),
        "activity": rng.beta(2, 3, n),                   # log-in propensity once enrolled
        "wealth_rate": np.where(retail, 0.04, 0.02) * rng.gamma(2, 0.5, n)})


def _history(cust: pd.DataFrame, month_ends: pd.DatetimeIndex, trend: float,
             rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    n = len(cust)
    young = np.nan_to_num((60 - cust["age"].to_numpy()) / 40, nan=0.8).clip(0, 1)
    hazard0 = 0.006 + 0.02 * young
    enrolled = np.zeros(n, dtype=bool)
    enrol = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    rows = []
    act, rate = cust["activity"].to_numpy(), cust["wealth_rate"].to_numpy()
    rich = np.log(cust["balance"].to_numpy()) / np.log(3e5)
    for k, end in enumerate(month_ends):
        t = k / 12                                         # years since the start
        month_start = end.to_period("M").start_time
        days = (end - month_start).days + 1
        u = rng.random((5, n))
        new = ~enrolled & (u[0] < hazard0 * (1 + trend * t))
        enrol[new] = np.datetime64(month_start + pd.Timedelta(days=int(days // 2)), "ns")
        enrolled |= new
        login = enrolled & (u[1] < np.clip(act * (0.7 + 0.08 * trend * t), 0, 0.98))
        buy = u[2] < rate * rich
        p_online = 1 / (1 + np.exp(-(-1.6 + 0.9 * trend * t + 2.0 * act)))
        online = buy & enrolled & (u[3] < p_online)
        day = month_start + pd.to_timedelta(np.floor(u[4] * days), unit="D")
        for mask, channel, event in ((login, "ebank", "login"),
                                     (online, "ebank", "wealth_purchase"),
                                     (buy & ~online, "branch", "wealth_purchase")):
            idx = np.flatnonzero(mask)
            amount = np.where(event == "login", 0.0,
                              np.round(cust["balance"].to_numpy()[idx] * 0.1, -2))
            rows.append(pd.DataFrame({"customer_id": idx + 1, "timestamp": day[idx],
                                      "channel": channel, "event": event, "amount": amount}))
    events = pd.concat(rows, ignore_index=True).sort_values(
        ["timestamp", "customer_id"], kind="stable").reset_index(drop=True)
    return events, enrol


def _pilot(cust: pd.DataFrame, events: pd.DataFrame, cut: pd.Timestamp, size: int,
           rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    n = len(cust)
    retail = (cust["tier"] != "corporate").to_numpy()
    recent = events[(events["timestamp"] > cut - pd.Timedelta(days=90))
                    & (events["channel"] == "ebank")]
    active = np.isin(cust["customer_id"].to_numpy(), recent["customer_id"].unique())
    enrolled = cust["ebank_since"].notna().to_numpy()
    log_bal = np.log10(cust["balance"].to_numpy())
    mid = np.exp(-((log_bal - 5.5) / 0.5) ** 2)           # peaks at 300,000 yuan
    effect = (0.10 * active * mid + 0.02 * (enrolled & ~active)
              - 0.04 * (cust["tier"] == "high_end").to_numpy()
              + rng.normal(0, 0.005, n))
    effect = np.where(retail, effect, np.nan)
    base = np.clip(cust["wealth_rate"].to_numpy() * 1.5, 0.005, 0.3)
    ids = np.flatnonzero(retail)
    chosen = rng.choice(ids, size=min(size, len(ids)), replace=False)
    chosen.sort()
    treated = np.zeros(len(chosen), dtype=bool)
    treated[rng.permutation(len(chosen))[: len(chosen) // 2]] = True
    p = np.clip(base[chosen] + np.where(treated, effect[chosen], 0.0), 0, 1)
    pilot = pd.DataFrame({"customer_id": chosen + 1, "treated": treated,
                          "converted": (rng.random(len(chosen)) < p).astype(np.int8)})
    return pilot, np.clip(base + effect, 0, 1) - base
