"""Case K's vendor claim: brands using 3+ marketing channels see +90% retention and
+250% engagement and purchase rate -- tested per person, frequency-adjusted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_columns, as_day, check_frame, check_number, day_after
from omnimkt._result import Result
from omnimkt.churn._common import _transactions
from omnimkt.claims._compare import BANDS, band_labels, check_bands, compare, verdict
from omnimkt.claims.counts import ENGAGED_EVENTS, channel_counts
from omnimkt.errors import DataError, ModelError

__all__ = ["MARKETING_CLAIMS", "TOUCH_BANDS", "MarketingChannelClaims",
           "marketing_channel_claims", "mechanism_check", "noisy_or_probs"]

#: Default touch bands: every count from 1 to 9 on its own, then 10+ (journeys are short).
TOUCH_BANDS: tuple[int, ...] = tuple(range(1, 11))

#: The vendor's relative uplifts for 3+ vs <=2 marketing channels (case K, 004).
MARKETING_CLAIMS: dict[str, float] = {"retention": 0.90, "engagement": 2.50,
                                      "purchase_rate": 2.50}

_DEFS = {
    "purchase_rate": ("people reached by the cut-off", "bought by cut-off + horizon",
                      "touches"),
    "engagement": ("people reached by the cut-off", "share of touches clicked or visited",
                   "touches"),
    "retention": ("customers who bought by the cut-off", "bought again in the horizon",
                  "orders"),
}


class MarketingChannelClaims(Result):
    """Retention, engagement and purchase rate, 3+ vs fewer marketing channels.

    Attributes
    ----------
    summary : DataFrame
        One row per (measure, comparison): ``raw`` and ``adjusted`` (within bands
        of touches or orders, weighted like the 3+ group); the two rates, the
        relative uplift with a 95% interval, the claimed uplift and a verdict.
    by_channels : DataFrame
        People and mean outcome by marketing-channel count, per measure.
    counts : DataFrame
        The per-person table the comparison used (see :func:`channel_counts`).
    """

    title = "Marketing channels: the vendor's 3+ channel claims"

    def __init__(self, summary: pd.DataFrame, by_channels: pd.DataFrame, counts: pd.DataFrame,
                 threshold: int, notes: list[str], touch_edges: list[int]) -> None:
        self.summary, self.by_channels, self.counts = summary, by_channels, counts
        self.threshold, self.notes, self.touch_edges = threshold, notes, touch_edges

    def _settings(self) -> str:
        return f"{self.threshold}+ vs fewer marketing channels"


def marketing_channel_claims(transactions: pd.DataFrame, touchpoints: pd.DataFrame,
                             cutoff: Any, horizon_days: int = 90, *, threshold: int = 3,
                             bands: Sequence[int] = BANDS,
                             touch_bands: Sequence[int] = TOUCH_BANDS, pre_purchase: bool = True,
                             engaged_events: Sequence[str] = ENGAGED_EVENTS,
                             columns: Any = None) -> MarketingChannelClaims:
    """Test "3+ marketing channels: +90% retention, +250% engagement and purchase rate".

    The vendor compares *brands*; one firm's data can only compare *people*
    reached by ``threshold``+ marketing channels with people reached by fewer:

    * **purchase rate** -- people touched on or before ``cutoff`` (touches before
      their first order when ``pre_purchase``) who bought by ``cutoff +
      horizon_days``; adjusted within ``touch_bands`` (lower edges of bands of
      the number of touches; default each count on its own), because a
      person touched more often meets more channels *and* more chances to buy;
    * **engagement** -- the same people's share of touches whose ``event`` is a
      click or visit (``engaged_events``); adjusted within ``touch_bands``;
    * **retention** -- customers who bought by ``cutoff`` and bought again in the
      ``horizon_days`` after it; adjusted within order-count ``bands``, as
      :func:`omnimkt.churn.channel_retention` does for sales channels.

    Adjusted = direct standardisation to the 3+ group's band mix (bands with
    nobody in one group are left out); 95% intervals by the normal approximation
    (difference) and the delta method (relative uplift).

    Examples
    --------
    >>> from omnimkt.datasets import generate
    >>> w = generate(600, seed=1)
    >>> r = marketing_channel_claims(w.transactions, w.touchpoints, "2025-06-30")
    >>> list(r.summary.index.get_level_values("measure").unique())
    ['purchase_rate', 'engagement', 'retention']
    """
    threshold = check_number(threshold, "threshold", low=2, integer=True)
    horizon_days = check_number(horizon_days, "horizon_days", low=1, integer=True)
    edges = {"orders": check_bands(bands), "touches": check_bands(touch_bands)}
    cut = as_day(cutoff, "cutoff")
    tx = _transactions(transactions, columns)
    end = cut + pd.Timedelta(days=horizon_days)
    last = tx["timestamp"].max().normalize()
    if end > last:
        raise DataError(f"transactions.timestamp: the last purchase is on {last.date()}, "
                        f"before cutoff + horizon_days ({end.date()}); outcomes after it are "
                        "unknown. Choose an earlier cutoff or a shorter horizon_days.")
    now = channel_counts(tx, touchpoints, cutoff=cut, pre_purchase=pre_purchase,
                         engaged_events=engaged_events, columns=columns)
    later = tx[(tx["timestamp"] >= day_after(cut)) & (tx["timestamp"] < day_after(end))]
    bought_later = now.index.isin(later["customer_id"].unique())
    first_all = tx.groupby("customer_id")["timestamp"].min().reindex(now.index)
    now["bought_by_end"] = (first_all < day_after(end)).astype(float)
    now["bought_in_horizon"] = bought_later.astype(float)
    reached = now[now["n_touches"] > 0]
    buyers = now[now["n_orders"] > 0]
    plan = {"purchase_rate": (reached, "bought_by_end", "touches"),
            "engagement": (reached, "engaged_share", "touches"),
            "retention": (buyers, "bought_in_horizon", "orders")}
    rows, tables, notes = {}, [], [
        "The vendor compares brands; this compares people of one firm, so it is "
        "observational: people reached by more channels may differ in other ways."]
    for measure, (pop, y, by) in plan.items():
        if pop[y].isna().all():
            notes.append(f"{measure}: cannot be measured (no touch events in the data).")
            continue
        pop = pop[pop[y].notna()]
        treated = pop["n_marketing_channels"] >= threshold
        for label, band in (("raw", None), ("adjusted", band_labels(pop[f"n_{by}"], edges[by]))):
            r = compare(pop[y], treated, band)
            rows[(measure, label)] = {**r, "claim": MARKETING_CLAIMS[measure],
                                      "verdict": verdict(r, MARKETING_CLAIMS[measure])}
        tables.append(_by_channels(pop, y, threshold, measure))
    summary = pd.DataFrame.from_dict(rows, orient="index")
    summary.index.names = ["measure", "comparison"]
    notes += [f"{m}: {a} -> {o}; adjusted within bands of {b}."
              for m, (a, o, b) in _DEFS.items() if (m, "raw") in rows]
    by_channels = pd.concat(tables) if tables else pd.DataFrame()
    return MarketingChannelClaims(summary, by_channels, now, threshold, notes, edges["touches"])


def mechanism_check(result: MarketingChannelClaims, touch_probs: pd.Series) -> pd.DataFrame:
    """The purchase-rate comparison redone on a known conversion probability.

    ``touch_probs`` is each reached person's probability of buying under a known
    mechanism (e.g. the synthetic world's noisy-OR of its channels' true effects,
    which has no term for the *number* of channels). If the observed adjusted
    uplift matches the uplift of these probabilities, it comes from *which*
    channels reached people, not from how many.

    Returns rows ``raw`` and ``adjusted`` with the observed and the mechanism's
    relative uplift and the mechanism's 95% interval.

    >>> from omnimkt.datasets import generate
    >>> w = generate(600, seed=1)
    >>> r = marketing_channel_claims(w.transactions, w.touchpoints, "2025-06-30")
    >>> p = pd.Series(0.2, index=r.counts.index)
    >>> float(mechanism_check(r, p).loc["adjusted", "mechanism_uplift"])
    0.0
    """
    if not isinstance(result, MarketingChannelClaims):
        raise ModelError("result: expected the MarketingChannelClaims of "
                         f"marketing_channel_claims, got {type(result).__name__}.")
    pop = result.counts[result.counts["n_touches"] > 0]
    p = pd.Series(touch_probs, dtype=float).reindex(pop.index)
    if p.isna().any():
        missing = list(pop.index[p.isna()][:3])
        raise DataError(f"touch_probs: no probability for {int(p.isna().sum()):,} of "
                        f"{len(pop):,} people reached, e.g. ids {missing}. Give one per "
                        "person in result.counts with n_touches > 0.")
    treated = pop["n_marketing_channels"] >= result.threshold
    rows = {}
    for label, band in (("raw", None),
                        ("adjusted", band_labels(pop["n_touches"], result.touch_edges))):
        m = compare(p, treated, band)
        rows[label] = {"observed_uplift": result.summary.loc[("purchase_rate", label),
                                                             "relative_uplift"],
                       "mechanism_uplift": round(m["relative_uplift"], 12),
                       "mechanism_ci_low": m["uplift_ci_low"],
                       "mechanism_ci_high": m["uplift_ci_high"]}
    out = pd.DataFrame(rows).T.astype(float)
    out.index.name = "comparison"
    return out


def noisy_or_probs(touchpoints: pd.DataFrame, effects: Any, base_rate: float,
                   first_order: pd.Series | None = None, columns: Any = None) -> pd.Series:
    """Each person's buying probability ``1 - (1 - base_rate) * prod(1 - effect)`` over
    their touches (those before ``first_order`` when given): the synthetic world's
    conversion mechanism (:func:`omnimkt.datasets.generate`).

    >>> tp = pd.DataFrame({"customer_id": [1, 1, 2], "channel": ["a", "b", "a"],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-01"])})
    >>> noisy_or_probs(tp, {"a": 0.5, "b": 0.5}, 0.0).round(2).to_dict()
    {1: 0.75, 2: 0.5}
    """
    from omnimkt.data import validate_touchpoints

    check_frame(touchpoints, "touchpoints")
    base_rate = check_number(base_rate, "base_rate", low=0, high=1, high_open=True)
    eff = pd.Series(effects, dtype=float)
    tp = validate_touchpoints(touchpoints, as_columns(columns), duplicates="keep")
    unknown = sorted(set(tp["channel"].astype(str)) - set(eff.index.astype(str)))
    if unknown or not ((eff >= 0) & (eff < 1)).all():
        raise ModelError(f"effects: need an effect in [0, 1) for every channel; missing "
                         f"{unknown[:3]}, got {eff.to_dict()}.")
    if first_order is not None:
        first = tp["customer_id"].map(first_order)
        tp = tp[first.isna() | (tp["timestamp"] < first)]
    keep = np.log1p(-tp["channel"].astype(str).map(eff).astype(float))
    return 1 - (1 - base_rate) * np.exp(keep.groupby(tp["customer_id"]).sum())


def _by_channels(pop: pd.DataFrame, y: str, threshold: int, measure: str) -> pd.DataFrame:
    k = np.minimum(pop["n_marketing_channels"], threshold)
    label = k.map(lambda v: f"{v}+" if v == threshold else str(v))
    g = pop.groupby(label)
    out = pd.DataFrame({"people": g.size(), "mean": g[y].mean(),
                        "mean_touches": g["n_touches"].mean(), "mean_orders": g["n_orders"].mean()})
    out.index.name = "marketing_channels"
    return pd.concat({measure: out}, names=["measure"])
