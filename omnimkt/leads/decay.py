"""How a lead's value decays with the delay before the store first contacts it.

Model: a lead first contacted ``d`` days after it was captured converts (orders
within ``window_days`` of the contact) with probability

    p(d) = base_rate[source] · exp(−hazard · d),

the chance it converts when reached at once, times the chance it has not bought
elsewhere in the meantime (a constant daily hazard, shared by the sources). Only
open leads count: a lead that ordered before its first contact (at the fair itself)
is already a customer and is left out. The
model is a binomial regression with a log link; it is fitted by maximum likelihood on
counts per (source, delay), with standard errors from the Fisher information.
:meth:`LeadDecayModel.delay_cost` turns it into money: what a 15-30 day hand-over of a
fair's lead list costs against calling the next day.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from omnimkt._gate import as_day, check_number
from omnimkt._result import Estimator, Result
from omnimkt.errors import DataError, ModelError
from omnimkt.leads._common import prepare

__all__ = ["DelayCost", "LeadDecayModel"]


class LeadDecayModel(Estimator):
    """Conversion of leads against the delay before the first contact.

    Parameters
    ----------
    window_days : float > 0, default 60
        An order within this many days after the first contact is a conversion.
    observation_end : date-like, optional
        Last day of data; leads whose window is not over by then are left out
        (default: the day of the last order).

    Attributes
    ----------
    hazard_ : float
        Daily hazard that a waiting lead is lost (buys elsewhere).
    hazard_se_ : float
        Its standard error.
    half_life_days_ : float
        Days after which half of a lead's conversion chance is gone (ln 2 / hazard).
    base_rates_ : Series indexed by source
        Conversion probability when contacted on the day of capture.
    base_rate_se_ : Series indexed by source
    margin_per_conversion_ : Series indexed by source
        Mean margin of a converted lead's orders from the contact on (follow-ups included).
    counts_ : DataFrame
        source, delay_days, leads, converted: the data the model was fitted on.
    leads_per_event_ : Series indexed by source
        Mean leads per event (fair, weekend ...); all leads of a source without events.
    """

    def __init__(self, window_days: float = 60, observation_end: Any = None) -> None:
        self.window_days = window_days
        self.observation_end = observation_end

    def _check_settings(self) -> None:
        check_number(self.window_days, "window_days", low=0, low_open=True)
        as_day(self.observation_end, "observation_end", allow_none=True)

    def fit(self, leads: pd.DataFrame, orders: pd.DataFrame, *,
            columns: Any = None) -> LeadDecayModel:
        """Fit the decay on leads with a ``contacted`` date and their orders.

        Examples
        --------
        >>> from omnimkt.datasets.leads import generate_leads
        >>> w = generate_leads(n_fairs=3, flats=0, seed=4)
        >>> m = LeadDecayModel().fit(w.leads, w.orders)
        >>> 0.005 < m.hazard_ < 0.05
        True
        """
        self._start_fit()
        t = prepare(leads, orders, columns=columns)
        counts, margin = _conversions(t, float(self.window_days), self.observation_end)
        hazard, rates, cov = _fit(counts)
        self.counts_ = counts
        self.hazard_ = hazard
        self.hazard_se_ = float(math.sqrt(cov[0, 0]))
        self.half_life_days_ = math.log(2) / hazard if hazard > 0 else math.inf
        self.base_rates_ = rates
        self.base_rate_se_ = pd.Series(np.sqrt(np.diag(cov)[1:]), index=rates.index)
        self.margin_per_conversion_ = margin.reindex(rates.index)
        self.leads_per_event_ = _leads_per_event(t.leads).reindex(rates.index)
        return self

    # ---------------------------------------------------------------- display
    @property
    def summary(self) -> pd.DataFrame:
        self._check_fitted()
        c = self.counts_
        g = c.assign(w=c["delay_days"] * c["leads"]).groupby("source")
        out = pd.DataFrame({"leads": g["leads"].sum(), "converted": g["converted"].sum()})
        out["mean_delay_days"] = g["w"].sum() / out["leads"]
        out["observed_rate"] = out["converted"] / out["leads"]
        out["base_rate"] = self.base_rates_
        out["base_rate_se"] = self.base_rate_se_
        out["margin_per_conversion"] = self.margin_per_conversion_
        out["value_at_day_0"] = out["base_rate"] * out["margin_per_conversion"]
        return out

    @property
    def notes(self) -> list[str]:  # type: ignore[override]
        self._check_fitted()
        return [f"Daily hazard {self.hazard_:.4f} (se {self.hazard_se_:.4f}): a lead loses half "
                f"its chance to convert in {self.half_life_days_:.0f} days."]

    def _settings(self) -> str:
        return f"conversion = order within {self.window_days:g} days of the first contact"

    # ---------------------------------------------------------------- use
    def conversion_probability(self, delay_days: Any, source: str) -> np.ndarray:
        """Probability that a lead of ``source`` first contacted after ``delay_days`` converts.

        Examples
        --------
        >>> from omnimkt.datasets.leads import generate_leads
        >>> m = LeadDecayModel().fit(*(lambda w: (w.leads, w.orders))(generate_leads(
        ...     n_fairs=2, flats=0, seed=1)))
        >>> bool(m.conversion_probability(30, "fair") < m.conversion_probability(0, "fair"))
        True
        """
        self._check_fitted()
        if source not in self.base_rates_.index:
            raise ModelError(f"source: {source!r} is not one of the fitted sources "
                             f"{list(self.base_rates_.index)}.")
        d = np.atleast_1d(np.asarray(delay_days, dtype=float))
        if np.isnan(d).any() or (d < 0).any():
            raise ModelError(f"delay_days: must be numbers >= 0 (days from capture to the "
                             f"first contact), got {delay_days!r}.")
        p = self.base_rates_[source] * np.exp(-self.hazard_ * d)
        return p if np.ndim(delay_days) else p[0]

    def value_curve(self, source: str, *, max_delay_days: int = 60) -> pd.DataFrame:
        """Conversion probability and expected margin of one lead by contact delay (0 to max)."""
        top = check_number(max_delay_days, "max_delay_days", low=1, integer=True)
        days = np.arange(top + 1)
        p = self.conversion_probability(days, source)
        return pd.DataFrame({"delay_days": days, "conversion_probability": p,
                             "expected_margin": p * self.margin_per_conversion_[source]})

    def delay_cost(self, source: str = "fair", *, delay_days: tuple[float, ...] = (15, 30),
                   baseline_days: float = 1, leads_per_event: float | None = None) -> DelayCost:
        """What contacting ``source`` leads after each of ``delay_days`` costs vs ``baseline_days``.

        ``leads_per_event`` (default: the mean number of leads per event of that source
        in the fitted data) turns the loss per lead into a loss per fair.
        """
        base = check_number(baseline_days, "baseline_days", low=0)
        delays = [check_number(d, "delay_days", low=0) for d in np.atleast_1d(delay_days)]
        per_event = self._leads_per_event(source) if leads_per_event is None else \
            check_number(leads_per_event, "leads_per_event", low=0, low_open=True)
        value = float(self.margin_per_conversion_[source])
        days = [base, *delays]
        p = np.asarray(self.conversion_probability(days, source), dtype=float)
        table = pd.DataFrame({"delay_days": days, "conversion_probability": p,
                              "margin_per_lead": p * value})
        table["lost_share"] = 1 - p / p[0]
        table["lost_margin_per_lead"] = (p[0] - p) * value
        table["lost_margin_per_event"] = table["lost_margin_per_lead"] * per_event
        return DelayCost(table, source, per_event)

    def _leads_per_event(self, source: str) -> float:
        self._check_fitted()
        if source not in self.leads_per_event_.index:
            raise ModelError(f"source: {source!r} is not one of the fitted sources "
                             f"{list(self.leads_per_event_.index)}.")
        return float(self.leads_per_event_[source])


class DelayCost(Result):
    """Conversion and margin lost by a later first contact, per lead and per event.

    Attributes
    ----------
    summary : DataFrame
        delay_days, conversion_probability, margin_per_lead, lost_share,
        lost_margin_per_lead and lost_margin_per_event (first row: the baseline).
    """

    title = "Cost of a later first contact"

    def __init__(self, summary: pd.DataFrame, source: str, leads_per_event: float) -> None:
        self.summary, self.source, self.leads_per_event = summary, source, leads_per_event
        last = summary.iloc[-1]
        self.notes = [f"Calling {self.source} leads after {last['delay_days']:g} days instead of "
                      f"{summary['delay_days'].iloc[0]:g} loses {last['lost_share']:.0%} of "
                      f"their conversions: {last['lost_margin_per_event']:,.0f} of margin per "
                      f"event of {leads_per_event:,.0f} leads."]

    def _settings(self) -> str:
        return f"source {self.source!r}, {self.leads_per_event:,.0f} leads per event"


def _leads_per_event(leads: pd.DataFrame) -> pd.Series:
    n = leads.groupby("source").size()
    if "event_id" not in leads:
        return n.astype(float)
    events = leads.groupby("source")["event_id"].nunique()
    return (n / events.where(events > 0, 1)).astype(float)


def _conversions(t: Any, window: float, observation_end: Any) -> tuple[pd.DataFrame, pd.Series]:
    """Counts per (source, delay) of contacted leads whose window is observed; margin per
    conversion per source."""
    leads = t.leads
    if "contacted" not in leads or leads["contacted"].isna().all():
        raise DataError("leads.contacted: no lead has a first-contact date, so the decay with "
                        "the contact delay cannot be measured. Add the date of the first call "
                        "or visit (column 'contacted').")
    end = as_day(observation_end, "observation_end", allow_none=True)
    if end is None:
        end = t.orders["timestamp"].max().normalize()
    span = pd.Timedelta(days=window)
    leads = leads[leads["contacted"].notna() & (leads["contacted"] + span <= end + pd.Timedelta(
        days=1))]
    if leads.empty:
        raise DataError(f"leads: no contacted lead has its {window:g}-day window over by "
                        f"{end:%Y-%m-%d}; pass a shorter window_days or a later observation_end.")
    o = t.orders[t.orders["customer_id"].isin(leads["customer_id"])]
    contact = o["customer_id"].map(leads.set_index("customer_id")["contacted"])
    # A lead that bought before the call (at the fair) is a customer already: its later
    # orders follow its own rhythm, not the decay of an open lead.
    bought = o["customer_id"][(o["timestamp"] < contact).to_numpy()].unique()
    leads = leads[~leads["customer_id"].isin(bought)]
    o = o[~o["customer_id"].isin(bought)]
    contact = contact[o.index]
    after = (o["timestamp"] >= contact).to_numpy()
    inside = after & (o["timestamp"] < contact + span).to_numpy()
    converted = leads["customer_id"].isin(o["customer_id"][inside])
    delay = (leads["contacted"] - leads["captured"]).dt.days
    counts = (pd.DataFrame({"source": leads["source"], "delay_days": delay,
                            "converted": converted.astype("int64")})
              .groupby(["source", "delay_days"])["converted"].agg(["size", "sum"])
              .rename(columns={"size": "leads", "sum": "converted"}).reset_index())
    won = o[after & o["customer_id"].isin(leads["customer_id"][converted]).to_numpy()]
    margin = won.groupby("customer_id")["margin"].sum().groupby(
        won.groupby("customer_id")["source"].first()).mean()
    return counts, margin


def _fit(counts: pd.DataFrame) -> tuple[float, pd.Series, np.ndarray]:
    """Maximum likelihood (hazard, base rates) and their covariance (inverse Fisher)."""
    sources = sorted(counts["source"].unique())
    s = counts["source"].map({k: i for i, k in enumerate(sources)}).to_numpy()
    d = counts["delay_days"].to_numpy(float)
    n = counts["leads"].to_numpy(float)
    k = counts["converted"].to_numpy(float)
    per = counts.groupby("source")[["converted", "leads"]].sum().loc[sources]
    if (per["converted"] == 0).any():
        raise DataError(f"leads: no lead of source(s) {list(per.index[per['converted'] == 0])} "
                        "converted, so their base rate cannot be estimated. Leave them out.")
    eps = 1e-9

    def nll(x: np.ndarray) -> tuple[float, np.ndarray]:
        lam, q = x[0], x[1:]
        p = np.clip(q[s] * np.exp(-lam * d), eps, 1 - eps)
        dl_dp = k / p - (n - k) / (1 - p)
        grad = np.zeros_like(x)
        grad[0] = np.sum(dl_dp * -d * p)
        np.add.at(grad[1:], s, dl_dp * p / q[s])
        return -float(np.sum(k * np.log(p) + (n - k) * np.log1p(-p))), -grad

    start = np.r_[0.01, (per["converted"] / per["leads"]).to_numpy()]
    bounds = [(0.0, 5.0)] + [(eps, 1 - eps)] * len(sources)
    res = optimize.minimize(nll, start, jac=True, method="L-BFGS-B", bounds=bounds)
    if not res.success:
        raise ModelError(f"LeadDecayModel: the fit did not converge ({res.message}).")
    lam, q = res.x[0], res.x[1:]
    p = q[s] * np.exp(-lam * d)
    grad_p = np.zeros((len(d), 1 + len(sources)))
    grad_p[:, 0] = -d * p
    grad_p[np.arange(len(d)), 1 + s] = p / q[s]
    info = (grad_p * (n / (p * (1 - p)))[:, None]).T @ grad_p
    cov = np.linalg.pinv(info)
    return float(lam), pd.Series(q, index=pd.Index(sources, name="source")), cov
