"""Media pricing (shared case F): one campaign bought under CPM, CPC, CPA and CPS.

The pricing models are those of :class:`omnimkt.attribution.economics.Pricing`:

=====  ===============================  ==========================
model  the buyer pays                   billed on
=====  ===============================  ==========================
CPM    ``rate`` per 1,000 impressions   impressions / 1,000
CPC    ``rate`` per click               clicks
CPA    ``rate`` per action              actions (registrations, inquiries ...)
CPS    ``rate`` as a share of sales     sales value (0.08 = 8 % commission)
=====  ===============================  ==========================

:func:`price_campaign` gives each model's cost, cost per order, the rate at which
it would cost the same as a reference model (``equal_cost_rate``) and, with a
gross ``margin``, the rate at which the media eats the whole margin
(``break_even_rate``). :func:`pricing_risk` asks who carries the risk: the later
in the funnel the buyer pays, the more of the uncertainty about click and
conversion rates moves from the buyer's cost per order to the publisher's revenue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_rng, check_number
from omnimkt.attribution.economics import PRICING_MODELS, Pricing
from omnimkt.data._validate_sessions import validate_sessions
from omnimkt.errors import DataError, ModelError, examples
from omnimkt.web.result import PricingComparison, PricingRisk

__all__ = ["BILLED_ON", "VOLUMES", "campaign_volumes", "price_campaign", "pricing_risk"]

#: Campaign volumes, in funnel order.
VOLUMES = ("impressions", "clicks", "actions", "orders", "sales")
#: The volume each pricing model is billed on, and the divisor of the rate.
BILLED_ON = {"CPM": ("impressions", 1000.0), "CPC": ("clicks", 1.0), "CPA": ("actions", 1.0),
             "CPS": ("sales", 1.0)}
_ACTIONS = ("registered", "inquiry_online", "inquiry_phone", "inquiry_email")


def campaign_volumes(sessions: pd.DataFrame, impressions: Mapping[str, float], *,
                     actions: Iterable[str] | None = None,
                     columns: Mapping[str, str] | None = None,
                     validate: bool = True) -> pd.DataFrame:
    """Impressions, clicks, actions, orders and sales per campaign from its visits.

    Each visit with a ``campaign`` is a click; an action is a visit with any of
    the ``actions`` flags (default: a registration or an inquiry, those of
    registered, inquiry_online, inquiry_phone, inquiry_email the table has); orders and
    sales come from ``ordered`` and ``order_value``. ``impressions`` is the
    count the publisher reports per campaign.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"customer_id": [1, 2, 3], "timestamp": "2025-01-01",
    ...     "source": "campaign", "campaign": ["a", "a", "b"], "registered": [1, 0, 0],
    ...     "ordered": [1, 0, 0], "order_value": [300.0, 0, 0]})
    >>> campaign_volumes(s, {"a": 1000, "b": 500})["clicks"].tolist()
    [2, 1]
    """
    df = validate_sessions(sessions, columns) if validate else sessions
    if actions is None:
        acts = tuple(c for c in _ACTIONS if c in df.columns) or _ACTIONS
    else:
        acts = (actions,) if isinstance(actions, str) else tuple(actions)
    need = ["campaign", "ordered", "order_value", *acts]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise DataError(f"sessions: no column {examples(missing)} (needed for campaign "
                        "volumes); map yours with columns=.")
    if not isinstance(impressions, Mapping):
        raise ModelError("impressions: expected a dict campaign -> impressions, got "
                         f"{type(impressions).__name__}.")
    s = df[df["campaign"].notna()]
    seen = sorted(s["campaign"].astype("str").unique())
    unknown = [c for c in seen if c not in impressions]
    if unknown:
        raise ModelError(f"impressions: no count for campaign(s) {examples(unknown)}; give "
                         "the impressions the publisher reports for every campaign.")
    g = pd.DataFrame({"campaign": s["campaign"].astype("str"), "clicks": 1,
                      "actions": s[list(acts)].astype(bool).any(axis=1).astype(int),
                      "orders": s["ordered"].astype(int),
                      "sales": s["order_value"].fillna(0.0)}).groupby("campaign").sum()
    idx = pd.Index(sorted(impressions), name="campaign")
    out = g.reindex(idx).fillna(0)
    out.insert(0, "impressions", [check_number(impressions[c], f"impressions[{c!r}]", low=0)
                                  for c in idx])
    return out.astype({"clicks": int, "actions": int, "orders": int})


def _prices(prices: Any) -> list[Pricing]:
    if isinstance(prices, Pricing):
        return [prices]
    if isinstance(prices, Mapping):
        out = [p if isinstance(p, Pricing) else Pricing(m, p) for m, p in prices.items()]
    elif isinstance(prices, Iterable) and not isinstance(prices, str):
        out = [p if isinstance(p, Pricing) else Pricing(*p) for p in prices]
    else:
        raise ModelError("prices: expected a dict such as {'CPM': 20, 'CPC': 1.5}, a Pricing "
                         f"or a list of them, got {type(prices).__name__}.")
    if not out:
        raise ModelError(f"prices: give at least one of {', '.join(PRICING_MODELS)}.")
    models = [p.model for p in out]
    if len(set(models)) < len(models):
        raise ModelError(f"prices: each model once, got {models}.")
    return out


def _volume_table(volumes: Any, models: Iterable[str], extra: Iterable[str] = ()) -> pd.DataFrame:
    """Volumes as a DataFrame indexed by campaign, checked for what the models need."""
    if isinstance(volumes, Mapping):
        volumes = pd.Series(volumes)
    if isinstance(volumes, pd.Series):
        volumes = volumes.to_frame("campaign").T
    if not isinstance(volumes, pd.DataFrame):
        raise ModelError(f"volumes: expected a dict such as {{'impressions': 200000, 'clicks': "
                         f"2000, 'orders': 40, ...}} or a DataFrame, got {type(volumes).__name__}.")
    v = volumes.set_index("campaign") if "campaign" in volumes.columns else volumes.copy()
    v.index = v.index.astype("str").rename("campaign")
    need = dict.fromkeys(["orders", *(BILLED_ON[m][0] for m in models), *extra])
    for col in need:
        why = "cost per order" if col == "orders" else "pricing"
        users = [m for m in models if BILLED_ON[m][0] == col]
        label = f"{'/'.join(users)} pricing" if users else why
        if col not in v.columns or v[col].isna().any():
            raise ModelError(f"volumes: {label} needs {col!r} for every campaign; got columns "
                             f"{list(v.columns)}. Give the {col} or drop that model.")
        x = pd.to_numeric(v[col], errors="coerce")
        if x.isna().any() or (x < 0).any() or np.isinf(x).any():
            raise ModelError(f"volumes: {col!r} must be numbers >= 0, got "
                             f"{examples(v[col].tolist())}.")
        v[col] = x.astype(float)
    order = [c for c in VOLUMES if c in v.columns]
    for lo, hi in zip(order[:2], order[1:3], strict=False):
        if (v[hi] > v[lo]).any():
            raise ModelError(f"volumes: {hi} exceed {lo} for {examples(v.index[v[hi] > v[lo]])}.")
    return v


def price_campaign(volumes: Any, prices: Any, *, reference: str | None = None,
                   margin: float | None = None) -> PricingComparison:
    """Cost, cost per order, equal-cost and break-even rates under each pricing model.

    Parameters
    ----------
    volumes : dict, Series or DataFrame
        impressions, clicks, actions, orders, sales of one campaign (dict/Series)
        or of several (DataFrame rows; a ``campaign`` column or the index names
        them). Each model needs its billed volume, and every model needs orders.
    prices : dict model -> rate, a Pricing or a list of them
        e.g. ``{"CPM": 20, "CPC": 1.5, "CPA": 30, "CPS": 0.10}``.
    reference : str, optional
        The model the equal-cost rates refer to (default: the first priced).
    margin : float in [0, 1], optional
        Gross margin on sales; gives each model's break-even rate.

    Examples
    --------
    200,000 impressions, CTR 1 %, conversion 2 %, 300 yuan an order:

    >>> vol = {"impressions": 200_000, "clicks": 2_000, "actions": 100, "orders": 40,
    ...        "sales": 12_000}
    >>> r = price_campaign(vol, {"CPM": 20, "CPC": 1.5})
    >>> r.summary[["model", "cost", "cost_per_order", "equal_cost_rate"]].values.tolist()
    [['CPM', 4000.0, 100.0, 20.0], ['CPC', 3000.0, 75.0, 2.0]]
    """
    specs = _prices(prices)
    models = [p.model for p in specs]
    ref = models[0] if reference is None else reference
    if ref not in models:
        raise ModelError(f"reference: {ref!r} is not among the priced models {models}.")
    m = check_number(margin, "margin", low=0, high=1, allow_none=True)
    v = _volume_table(volumes, models, ["sales"] if m is not None else [])
    rows = []
    for camp, vol in v.iterrows():
        ref_spec = specs[models.index(ref)]
        ref_cost = ref_spec.rate * vol[BILLED_ON[ref][0]] / BILLED_ON[ref][1]
        for p in specs:
            col, per = BILLED_ON[p.model]
            units = vol[col] / per
            cost = p.rate * units
            rows.append({
                "campaign": camp, "model": p.model, "rate": p.rate, "billed_on": col,
                "billed_units": units, "cost": cost,
                "cost_per_click": _div(cost, vol.get("clicks", np.nan)),
                "cost_per_order": _div(cost, vol["orders"]),
                "cost_share_of_sales": _div(cost, vol.get("sales", np.nan)),
                "equal_cost_rate": _div(ref_cost, units),
                "break_even_rate": np.nan if m is None else _div(m * vol["sales"], units),
            })
    out = pd.DataFrame(rows)
    if len(v) == 1 and v.index[0] == "campaign":
        out = out.drop(columns="campaign")
        out.insert(0, "campaign", "campaign")
    return PricingComparison(summary=out, volumes=v, reference=ref, margin=m)


def _div(a: float, b: float) -> float:
    return float(a) / float(b) if b and not np.isnan(b) else float("nan")


def _beta(rng: np.random.Generator, mean: float, cv: float, n: int) -> np.ndarray:
    """Draws with the given mean and coefficient of variation (a point mass when cv = 0)."""
    if cv == 0 or mean in (0.0, 1.0):
        return np.full(n, mean)
    var = (cv * mean) ** 2
    if var >= mean * (1 - mean):
        raise ModelError(f"rate_cv: {cv:g} is too large for a rate of {mean:.4g} (the spread "
                         f"would exceed what a rate between 0 and 1 allows); use a smaller one.")
    k = mean * (1 - mean) / var - 1
    return rng.beta(mean * k, (1 - mean) * k, n)


def pricing_risk(volumes: Any, prices: Any, *, rate_cv: float = 0.3, n_runs: int = 2000,
                 seed: int | np.random.Generator = 0) -> PricingRisk:
    """Who carries the risk of each pricing model when click and conversion rates are uncertain.

    The campaign's observed rates are the expected ones: CTR = clicks /
    impressions, action rate = actions / clicks, conversion = orders / clicks,
    order value = sales / orders (held fixed). Each run draws the three rates
    from Beta distributions with that mean and coefficient of variation
    ``rate_cv``, then clicks ~ Binomial(impressions, CTR), actions and orders
    ~ Binomial(clicks, rate) (independently). The buyer's risk is the spread of
    the cost per order; the publisher's is the spread of its revenue (= the
    buyer's cost). Under CPM the publisher's revenue is fixed; under CPS the
    buyer's cost per order is (the order value being fixed).

    Examples
    --------
    >>> vol = {"impressions": 200_000, "clicks": 2_000, "actions": 100, "orders": 40,
    ...        "sales": 12_000}
    >>> r = pricing_risk(vol, {"CPM": 20, "CPS": 0.1}, n_runs=500, seed=1)
    >>> r.summary["risk_on"].to_dict()
    {'CPM': 'buyer', 'CPS': 'publisher'}
    """
    specs = _prices(prices)
    models = [p.model for p in specs]
    v = _volume_table(volumes, models, ["impressions", "clicks", "sales"])
    if len(v) != 1:
        raise ModelError(f"volumes: pricing_risk takes one campaign, got {len(v)} rows; "
                         "call it per campaign.")
    cv = check_number(rate_cv, "rate_cv", low=0)
    runs = check_number(n_runs, "n_runs", low=1, integer=True)
    rng = as_rng(seed)
    vol = v.iloc[0]
    impr = int(round(vol["impressions"]))
    if vol["clicks"] <= 0 or vol["orders"] <= 0:
        raise ModelError("volumes: pricing_risk needs clicks > 0 and orders > 0 to take the "
                         "rates from; got " f"clicks={vol['clicks']:g}, orders={vol['orders']:g}.")
    ctr = _beta(rng, vol["clicks"] / impr, cv, runs)
    has_actions = "actions" in v.columns
    act_rate = _beta(rng, vol["actions"] / vol["clicks"], cv, runs) if has_actions else None
    cvr = _beta(rng, vol["orders"] / vol["clicks"], cv, runs)
    clicks = rng.binomial(impr, ctr)
    draws = pd.DataFrame({"run": np.arange(runs), "impressions": float(impr),
                          "clicks": clicks.astype(float),
                          "actions": rng.binomial(clicks, act_rate).astype(float)
                          if has_actions else np.nan,
                          "orders": rng.binomial(clicks, cvr).astype(float)})
    draws["sales"] = draws["orders"] * vol["sales"] / vol["orders"]
    parts = []
    for p in specs:
        col, per = BILLED_ON[p.model]
        d = draws.assign(model=p.model, cost=p.rate * draws[col] / per)
        d["cost_per_order"] = d["cost"] / d["orders"].where(d["orders"] > 0)
        parts.append(d)
    all_draws = pd.concat(parts, ignore_index=True)
    summary = _risk_summary(all_draws, specs)
    return PricingRisk(summary=summary, draws=all_draws, rate_cv=cv, n_runs=runs)


def _risk_summary(draws: pd.DataFrame, specs: list[Pricing]) -> pd.DataFrame:
    rows = {}
    for p in specs:
        d = draws[draws["model"] == p.model]
        cpo, rev = d["cost_per_order"].dropna(), d["cost"]
        b_cv = _cv(cpo)
        p_cv = _cv(rev)
        ratio = 1.5
        risk = ("buyer" if b_cv > ratio * p_cv else "publisher" if p_cv > ratio * b_cv
                else "shared")
        rows[p.model] = {
            "rate": p.rate, "buyer_cost_per_order_mean": cpo.mean(),
            "buyer_cost_per_order_sd": _sd(cpo), "buyer_cost_per_order_cv": b_cv,
            "buyer_cost_per_order_p5": cpo.quantile(0.05),
            "buyer_cost_per_order_p95": cpo.quantile(0.95),
            "publisher_revenue_mean": rev.mean(), "publisher_revenue_sd": _sd(rev),
            "publisher_revenue_cv": p_cv, "risk_on": risk,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "model"
    return out


def _sd(x: pd.Series) -> float:
    """Standard deviation; rounding residue of a constant (1e-14 on 33.39) is 0."""
    if len(x) < 2:
        return 0.0
    sd = float(x.std(ddof=1))
    return 0.0 if sd < 1e-9 * abs(float(x.mean())) else sd


def _cv(x: pd.Series) -> float:
    m = float(x.mean())
    return 0.0 if m == 0 else _sd(x) / abs(m)
