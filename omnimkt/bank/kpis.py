"""Bank tiers and e-channel KPIs from a customers table and an events table (case I).

* :func:`tier_mix` — customers per tier against the case's 600,000 VIP /
  10,000 high-end / 100,000 corporate, with the ratios;
* :func:`echannel_kpis` — e-banking customers and their year-on-year growth,
  the activity rate (动户率) and its change in points, the online share of
  wealth-product sales (网银理财销售占比) and its change in points;
* :func:`customer_features` — what a direct-marketing model may use about each
  customer at a cut-off.

Tables: ``customers`` has customer_id, tier and (for the KPIs) ebank_since (the
enrolment day, missing for customers not on e-banking); ``events`` has
customer_id, timestamp, channel ("ebank", "branch", ...), event ("login",
"wealth_purchase", ...) and amount (yuan).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_day, check_number, day_after
from omnimkt._result import Result
from omnimkt.campaign._common import as_dates, check_tiers, require
from omnimkt.errors import DataError, examples

__all__ = ["EChannelKPIs", "TierMix", "customer_features", "echannel_kpis", "tier_mix"]


def _tiers(tiers: Any) -> tuple[str, ...]:
    from omnimkt.datasets.bank import BANK_TIERS

    return tuple(tiers) if tiers is not None else BANK_TIERS


class TierMix(Result):
    """Customers per tier, their shares, and the case's counts scaled the same way."""

    title = "Customer tiers"

    def __init__(self, summary: pd.DataFrame, scale: float) -> None:
        self.summary, self.scale = summary, scale
        self.notes = [f"case_scaled = the case's count x {scale:g} (the sample's scale); "
                      "a ratio of 1 means the sample keeps the case's mix."]


def tier_mix(customers: Any, *, tiers: Any = None) -> TierMix:
    """Customers per tier against the case's counts (scaled to the sample's size).

    The scale is the sample's customers over the case's (710,000), so the
    ``ratio`` column shows whether each tier has its case share.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": range(71), "tier": ["vip"] * 60 + ["high_end"] * 1
    ...                   + ["corporate"] * 10})
    >>> tier_mix(c).summary["ratio"].round(2).tolist()
    [1.0, 1.0, 1.0]
    """
    from omnimkt.datasets.bank import CASE_I_COUNTS

    allowed = _tiers(tiers)
    c = require(customers, "customers", ("customer_id", "tier"))
    check_tiers(c["tier"], "customers", allowed)
    counts = c.drop_duplicates("customer_id")["tier"].value_counts().reindex(
        list(allowed), fill_value=0)
    case = pd.Series(CASE_I_COUNTS).reindex(list(allowed))
    scale = counts.sum() / case.sum() if case.notna().all() else np.nan
    summary = pd.DataFrame({"customers": counts.astype(np.int64),
                            "share": counts / counts.sum(), "case_customers": case,
                            "case_scaled": case * scale})
    summary["ratio"] = summary["customers"] / summary["case_scaled"]
    summary.index.name = "tier"
    return TierMix(summary, float(scale))


class EChannelKPIs(Result):
    """E-banking KPIs at the cut-off and a year earlier."""

    title = "E-channel KPIs"

    def __init__(self, summary: pd.DataFrame, cutoff: pd.Timestamp, window_days: int) -> None:
        self.summary, self.cutoff, self.window_days = summary, cutoff, window_days
        self.notes = [
            "ebank_customers: enrolled on or before the day; growth = now / a year before - 1.",
            f"activity_rate: enrolled customers with an e-banking event in the "
            f"{window_days} days up to the day / enrolled customers; change in points.",
            "online_wealth_share: wealth-product sales (yuan) bought on e-banking in the 365 "
            "days up to the day / all wealth-product sales; change in points."]

    def _settings(self) -> str:
        return f"cutoff {self.cutoff.date()}, activity over {self.window_days} days"


def echannel_kpis(customers: Any, events: Any, *, cutoff: Any,
                  window_days: int = 90) -> EChannelKPIs:
    """E-banking customers (+growth), activity rate and online wealth share, vs a year earlier.

    Parameters
    ----------
    customers : DataFrame
        customer_id, ebank_since (date or missing).
    events : DataFrame
        customer_id, timestamp, channel, event, amount.
    cutoff : date-like
        The "now" day (inclusive); the comparison day is one year earlier.
    window_days : int > 0
        How recent an e-banking event must be for an active customer.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": [1, 2], "ebank_since": ["2024-01-10", "2025-02-01"]})
    >>> e = pd.DataFrame({"customer_id": [1, 2], "timestamp": ["2025-06-01", "2025-06-02"],
    ...     "channel": "ebank", "event": "login", "amount": 0.0})
    >>> float(echannel_kpis(c, e, cutoff="2025-06-30").summary.loc["ebank_customers", "now"])
    2.0
    """
    cut = as_day(cutoff, "cutoff")
    days = check_number(window_days, "window_days", low=1, integer=True)
    c = require(customers, "customers", ("customer_id", "ebank_since"))
    e = require(events, "events", ("customer_id", "timestamp", "channel", "event", "amount"))
    since = as_dates(c["ebank_since"])
    bad = since.isna() & c["ebank_since"].notna()
    if bad.any():
        raise DataError(f"customers.ebank_since: {int(bad.sum())} rows are not dates (e.g. "
                        f"{examples(c.loc[bad, 'ebank_since'])}); leave it empty for "
                        "customers not on e-banking.")
    ts = as_dates(e["timestamp"])
    amount = pd.to_numeric(e["amount"], errors="coerce")
    bad = ts.isna() | amount.isna() | (amount < 0)
    if bad.any():
        raise DataError(f"events: {int(bad.sum())} rows have a timestamp that is not a date or "
                        f"an amount that is missing or negative (e.g. "
                        f"{examples(e.loc[bad, 'amount'])}).")
    ev = pd.DataFrame({"customer_id": e["customer_id"], "timestamp": ts, "amount": amount,
                       "online": (e["channel"] == "ebank").to_numpy(),
                       "wealth": (e["event"] == "wealth_purchase").to_numpy()})
    ids = c["customer_id"].to_numpy()
    rows = {}
    for label, day in (("year_before", cut - pd.DateOffset(years=1)), ("now", cut)):
        stop = day_after(day)
        on = since < stop
        recent = ev[ev["online"] & (ev["timestamp"] < stop)
                    & (ev["timestamp"] >= stop - pd.Timedelta(days=days))]
        active = np.isin(ids, recent["customer_id"].unique()) & on.to_numpy()
        year = ev[ev["wealth"] & (ev["timestamp"] < stop)
                  & (ev["timestamp"] >= stop - pd.Timedelta(days=365))]
        total = year["amount"].sum()
        rows[label] = {"ebank_customers": float(on.sum()),
                       "activity_rate": active.sum() / on.sum() if on.sum() else np.nan,
                       "online_wealth_share": (year.loc[year["online"], "amount"].sum() / total
                                               if total else np.nan)}
    summary = pd.DataFrame(rows)
    summary["change"] = summary["now"] - summary["year_before"]
    summary.loc["ebank_customers", "change"] = (summary.loc["ebank_customers", "now"]
                                                / summary.loc["ebank_customers", "year_before"]
                                                - 1)
    summary["change_is"] = ["growth (share)", "points (share)", "points (share)"]
    summary["case_claim"] = ["17.69M, +29% YoY", "+4 points", "62%, +42 points"]
    summary.index.name = "kpi"
    return EChannelKPIs(summary, cut, days)


def customer_features(customers: Any, events: Any, *, cutoff: Any,
                      window_days: int = 90, tiers: Any = None) -> pd.DataFrame:
    """Per customer at ``cutoff``: tier, age, log10 balance, e-banking use and wealth history.

    Returns a DataFrame indexed by customer_id: tier, age, log_balance,
    ebank (enrolled, 0/1), ebank_active (an e-banking event in the last
    ``window_days``, 0/1), wealth_12m (wealth purchases in the last 365 days)
    and online_wealth_12m (of which on e-banking).

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": [1, 2], "tier": ["vip", "vip"], "age": [30, 60],
    ...     "balance": [1e5, 1e6], "ebank_since": ["2024-01-10", None]})
    >>> e = pd.DataFrame({"customer_id": [1, 2], "timestamp": ["2025-06-01", "2025-06-02"],
    ...     "channel": ["ebank", "branch"], "event": "wealth_purchase", "amount": 1e4})
    >>> customer_features(c, e, cutoff="2025-06-30")["online_wealth_12m"].tolist()
    [1, 0]
    """
    cut = as_day(cutoff, "cutoff")
    days = check_number(window_days, "window_days", low=1, integer=True)
    c = require(customers, "customers",
                ("customer_id", "tier", "age", "balance", "ebank_since"))
    check_tiers(c["tier"], "customers", _tiers(tiers))
    e = require(events, "events", ("customer_id", "timestamp", "channel", "event"))
    stop = day_after(cut)
    ts = as_dates(e["timestamp"])
    past = e[(ts < stop)].assign(timestamp=ts[ts < stop])
    recent = past[(past["channel"] == "ebank")
                  & (past["timestamp"] >= stop - pd.Timedelta(days=days))]
    wealth = past[(past["event"] == "wealth_purchase")
                  & (past["timestamp"] >= stop - pd.Timedelta(days=365))]
    out = c.set_index("customer_id")[["tier", "age"]].copy()
    out["log_balance"] = np.log10(pd.to_numeric(c["balance"]).clip(lower=1).to_numpy())
    out["ebank"] = (as_dates(c["ebank_since"]) < stop).astype(np.int8).to_numpy()
    out["ebank_active"] = out.index.isin(recent["customer_id"].unique()).astype(np.int8)
    out["wealth_12m"] = wealth.groupby("customer_id").size().reindex(
        out.index, fill_value=0).astype(np.int64)
    out["online_wealth_12m"] = wealth[wealth["channel"] == "ebank"].groupby(
        "customer_id").size().reindex(out.index, fill_value=0).astype(np.int64)
    return out
