"""A synthetic web shop's visits and media campaigns, with the true effects (shared case F).

The generative story (vectorised over visits):

* **Visitors.** Each visitor has a region, an interest (``price`` or ``style``) and
  a visit propensity (Gamma); visits are spread over ``days`` days. A visitor's
  first visit is ``returning = False``, later ones ``True``, so the share of
  returning visits emerges from how often visitors come back. A share
  ``FRESH_CLICKS`` of campaign clicks comes from people new to the shop.
* **Sources.** Organic visits come ``direct``, from ``search`` or from a
  ``referral`` link (``SOURCE_MIX``). Each media campaign buys ``impressions``; its
  clicks are ``Binomial(impressions, true_ctr)`` and every click is a visit with
  source ``campaign`` and the campaign's name.
* **Depth.** Pages viewed are ``1 + Poisson(λ)`` with ``log λ`` rising for search
  and referral visits, returning visitors and style interest and falling for
  campaign clicks (``PAGE_EFFECTS``); dwell time is Gamma with shape ``2 · pages``
  and 20 s scale (about 40 s a page).
* **Outcomes.** Each outcome event (registration, download, online / phone /
  e-mail inquiry, order) happens with probability
  ``logistic(intercept + source + returning + depth band + interest)``; the
  coefficients are ``TRUE_LOGIT`` (log-odds, one column per outcome). Depth
  bands are 1 page, 2-4 pages and 5+ pages. An order's value is log-normal
  with mean ``ORDER_VALUE[interest]``.

``truth`` holds the coefficients, each visit's true probabilities and each
campaign's true click-through rate, so a model fitted on ``sessions`` can be
checked against them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_day, as_rng, check_number
from omnimkt.datasets._synthetic_tables import REGIONS

__all__ = ["CAMPAIGNS", "DEPTH_BANDS", "ORDER_VALUE", "TRUE_LOGIT", "SessionsTruth",
           "SessionsWorld", "generate_sessions"]

OUTCOMES = ("registered", "downloaded", "inquiry_online", "inquiry_phone", "inquiry_email",
            "ordered")
SOURCE_MIX = {"direct": 0.35, "search": 0.45, "referral": 0.20}
#: Depth bands by pages viewed (lower edges): 1, 2-4, 5+.
DEPTH_BANDS = {"1 page": 1, "2-4 pages": 2, "5+ pages": 5}
#: Media campaigns: impressions bought and the true click-through rate.
CAMPAIGNS = pd.DataFrame(
    {"media": ["portal banner", "search ads", "video pre-roll"],
     "impressions": [400_000, 150_000, 600_000],
     "true_ctr": [0.004, 0.02, 0.002]},
    index=pd.Index(["portal_banner", "search_ads", "video_preroll"], name="campaign"))
#: Share of campaign clicks that come from people new to the shop.
FRESH_CLICKS = 0.6
#: log of the mean extra pages: base, then additive terms.
PAGE_EFFECTS = {"base": np.log(1.6), "search": 0.25, "referral": 0.45, "campaign": -0.5,
                "returning": 0.35, "style": 0.3}
#: True log-odds of each outcome; the baseline visit is direct, new, 1 page, price interest.
TRUE_LOGIT = pd.DataFrame(
    {"registered": [-3.6, 0.2, 0.5, -0.3, -1.0, 0.8, 1.5, 0.1],
     "downloaded": [-3.6, 0.3, 0.2, -0.2, 0.2, 0.7, 1.2, 0.0],
     "inquiry_online": [-4.0, 0.3, 0.4, -0.4, 0.4, 0.8, 1.5, -0.5],
     "inquiry_phone": [-4.6, 0.2, 0.3, -0.5, 0.3, 0.6, 1.2, -0.4],
     "inquiry_email": [-5.0, 0.1, 0.2, -0.5, 0.2, 0.5, 1.0, -0.3],
     "ordered": [-5.4, 0.4, 0.6, -0.6, 0.9, 1.0, 2.0, 0.4]},
    index=pd.Index(["intercept", "source=search", "source=referral", "source=campaign",
                    "returning", "depth=2-4 pages", "depth=5+ pages", "interest=style"],
                   name="term"))
#: Mean order value (yuan) by interest; log-normal with sigma 0.5.
ORDER_VALUE = {"price": 260.0, "style": 380.0}


@dataclass
class SessionsTruth:
    """What the generator knows: coefficients, per-visit probabilities, campaign CTRs."""

    logit: pd.DataFrame
    probabilities: pd.DataFrame
    campaigns: pd.DataFrame
    order_value: Mapping[str, float]


@dataclass
class SessionsWorld:
    """Visits (``sessions``), campaign volumes (``campaigns``) and the ``truth``."""

    sessions: pd.DataFrame
    campaigns: pd.DataFrame
    truth: SessionsTruth

    def __repr__(self) -> str:
        return (f"SessionsWorld(sessions: {len(self.sessions):,} visits, "
                f"campaigns: {len(self.campaigns)})")


def _design(source: np.ndarray, returning: np.ndarray, pages: np.ndarray,
            style: np.ndarray) -> np.ndarray:
    """The 0/1 design matrix of TRUE_LOGIT's terms."""
    return np.column_stack([
        np.ones(len(source)), source == "search", source == "referral", source == "campaign",
        returning, (pages >= 2) & (pages < 5), pages >= 5, style]).astype(float)


def _visits(rng: np.random.Generator, n_organic: int, clicks: pd.Series,
            n_visitors: int) -> pd.DataFrame:
    n = n_organic + int(clicks.sum())
    src = rng.choice(list(SOURCE_MIX), size=n_organic, p=list(SOURCE_MIX.values()))
    campaign = np.repeat(clicks.index.to_numpy(dtype=object), clicks.to_numpy())
    propensity = rng.gamma(0.6, 1.0, n_visitors)
    visitor = rng.choice(n_visitors, size=n, p=propensity / propensity.sum())
    # Media reach people who have not visited yet: most campaign clicks are first visits.
    fresh = np.flatnonzero((np.arange(n) >= n_organic) & (rng.random(n) < FRESH_CLICKS))
    visitor[fresh] = n_visitors + np.arange(len(fresh))
    return pd.DataFrame({
        "visitor": visitor,
        "source": np.r_[src, np.full(len(campaign), "campaign")].astype(object),
        "campaign": np.r_[np.full(n_organic, None, dtype=object), campaign],
    })


def generate_sessions(n_visits: int = 12_000, *, seed: int | np.random.Generator = 0,
                      start: Any = "2025-01-01", days: int = 90,
                      impressions: Mapping[str, int] | None = None) -> SessionsWorld:
    """Simulate a web shop's visits and media campaigns, with the truth.

    Parameters
    ----------
    n_visits : int > 0
        Organic visits (direct, search, referral); campaign clicks come on top.
    seed : int >= 0 or numpy Generator
    start : date-like
        First day of the period.
    days : int > 0
        Length of the period.
    impressions : mapping campaign -> int, optional
        Impressions bought per campaign of :data:`CAMPAIGNS` (default: its column).

    Returns
    -------
    SessionsWorld
        ``sessions`` (canonical columns, see :func:`omnimkt.data.validate_sessions`),
        ``campaigns`` (campaign, media, impressions, clicks, actions = visits with a
        registration or an inquiry, orders, sales) and ``truth``.

    Examples
    --------
    >>> w = generate_sessions(2000, seed=1)
    >>> sorted(w.sessions["source"].unique())
    ['campaign', 'direct', 'referral', 'search']
    """
    n_org = check_number(n_visits, "n_visits", low=1, integer=True)
    n_days = check_number(days, "days", low=1, integer=True)
    first = as_day(start, "start")
    rng = as_rng(seed)
    camp = CAMPAIGNS.copy()
    if impressions is not None:
        unknown = [k for k in impressions if k not in camp.index]
        if unknown:
            from omnimkt.errors import ModelError
            raise ModelError(f"impressions: unknown campaign(s) {unknown}; "
                             f"known: {list(camp.index)}.")
        for k, v in impressions.items():
            camp.loc[k, "impressions"] = check_number(v, f"impressions[{k!r}]", low=0,
                                                      integer=True)
    clicks = pd.Series(rng.binomial(camp["impressions"].to_numpy(), camp["true_ctr"]),
                       index=camp.index)
    n_visitors = max(1, int(0.7 * (n_org + clicks.sum())))
    df = _visits(rng, n_org, clicks, n_visitors)
    n = len(df)
    df["timestamp"] = first + pd.to_timedelta(np.sort(rng.integers(0, n_days * 86400, n)), "s")
    df = df.sample(frac=1.0, random_state=rng).sort_values("timestamp", kind="stable")
    df = df.reset_index(drop=True)
    n_people = int(df["visitor"].max()) + 1
    v_region = rng.choice(list(REGIONS), size=n_people, p=list(REGIONS.values()))
    v_style = rng.random(n_people) < 0.45
    df["region"] = v_region[df["visitor"]]
    df["returning"] = df["visitor"].duplicated()
    style = v_style[df["visitor"].to_numpy()]
    df["interest"] = np.where(style, "style", "price")
    src, ret = df["source"].to_numpy(), df["returning"].to_numpy()
    pe = PAGE_EFFECTS
    log_lam = (pe["base"] + pe["search"] * (src == "search") + pe["referral"] * (src == "referral")
               + pe["campaign"] * (src == "campaign") + pe["returning"] * ret + pe["style"] * style)
    pages = 1 + rng.poisson(np.exp(log_lam))
    df["pages"] = pages
    df["dwell_seconds"] = np.round(rng.gamma(2.0 * pages, 20.0), 1)
    x = _design(src, ret, pages, style)
    prob = pd.DataFrame(1.0 / (1.0 + np.exp(-(x @ TRUE_LOGIT.to_numpy()))),
                        columns=TRUE_LOGIT.columns)
    for k in OUTCOMES:
        df[k] = rng.random(n) < prob[k].to_numpy()
    mean = np.where(style, ORDER_VALUE["style"], ORDER_VALUE["price"])
    value = np.round(mean * rng.lognormal(-0.125, 0.5, n), 2)  # E[lognormal(-s²/2, s)] = 1
    df["order_value"] = np.where(df["ordered"], value, 0.0)
    df["customer_id"] = [f"v{i:06d}" for i in df["visitor"]]
    df["session_id"] = np.arange(1, n + 1)
    cols = ["customer_id", "timestamp", "source", "session_id", "campaign", "region",
            "returning", "interest", "dwell_seconds", "pages", *OUTCOMES, "order_value"]
    sessions = df[cols]
    prob.index = sessions["session_id"].to_numpy()
    prob.index.name = "session_id"
    return SessionsWorld(sessions, _campaign_table(sessions, camp),
                         SessionsTruth(TRUE_LOGIT.copy(), prob, camp, dict(ORDER_VALUE)))


def _campaign_table(sessions: pd.DataFrame, camp: pd.DataFrame) -> pd.DataFrame:
    """Volumes per campaign from its visits (an action = a registration or an inquiry)."""
    s = sessions[sessions["source"] == "campaign"]
    action = s[["registered", "inquiry_online", "inquiry_phone", "inquiry_email"]].any(axis=1)
    g = pd.DataFrame({"campaign": s["campaign"], "clicks": 1, "actions": action,
                      "orders": s["ordered"], "sales": s["order_value"]}).groupby("campaign")
    out = g.sum().reindex(camp.index).fillna(0)
    out = out.astype({"clicks": int, "actions": int, "orders": int})
    out.insert(0, "impressions", camp["impressions"].astype(int))
    out.insert(0, "media", camp["media"])
    return out.reset_index()
