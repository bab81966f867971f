"""A randomised campaign on a synthetic world, with each customer's TRUE effect.

The world (``omnimkt.datasets.generate`` / ``load_sample``) knows each customer's
purchase rate and whether they are still alive. :func:`campaign_experiment`
adds a contact campaign after the last day of data: every customer gets a true
treatment effect that depends on what an analyst can observe, treatment is
assigned at random, and the outcome (bought within ``window_days``) is drawn
from ``base probability + true effect``. An uplift model can then be checked
against the truth.

The true effect (added to the probability of buying; ``effect_scale`` scales it):

- **lapsing** customers (last purchase 30-120 days ago) are persuadable:
  up to ``+0.15`` at about 70 days;
- **recent loyal** customers (bought in the last 25 days, 6+ orders) react
  badly (``-0.06``): outreach raises churn, as in the retention case
  (6 % -> 10 %);
- **big packs** (5+ units per order on average): ``+0.03``;
- **acquisition channel**: app ``+0.03``, ecommerce ``-0.02``;
- a small individual part (sd 0.01).

The base probability is ``1 − exp(−purchase_rate · weeks)`` for a customer alive
at the end of the data, and 0.01 for one who has churned.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_day, as_rng, check_number
from omnimkt.errors import DataError

__all__ = ["CAMPAIGN_FEATURES", "campaign_experiment"]

#: Observable features of the campaign table (inputs for an uplift model).
CAMPAIGN_FEATURES = ("recency_days", "n_orders", "tenure_days", "avg_basket", "avg_units",
                     "n_channels", "acquisition_channel")


def campaign_experiment(world: Any, *, treat_share: float = 0.5,
                        seed: int | np.random.Generator = 0, cutoff: Any = None,
                        window_days: float = 30, effect_scale: float = 1.0) -> pd.DataFrame:
    """A randomised contact campaign on ``world``'s customers, with the true effects.

    Parameters
    ----------
    world : SyntheticWorld
        From :func:`omnimkt.datasets.generate` or :func:`load_sample` (its
        ``truth`` is needed).
    treat_share : float in (0, 1)
        Share of customers contacted (exactly ``round(n · treat_share)``).
    seed : int >= 0 or numpy Generator
    cutoff : date-like, optional
        Last day of history for the features; default: the last day of data.
    window_days : float > 0
        How long after the contact a purchase counts as a conversion.
    effect_scale : float >= 0
        Multiplies every true effect (0 = a campaign that does nothing).

    Returns
    -------
    DataFrame, one row per customer with a purchase by ``cutoff``: customer_id,
    the observable features (:data:`CAMPAIGN_FEATURES`), group ("treatment" /
    "control"), treated (bool), base_probability, true_effect (the change in
    the probability of buying the contact causes, after clipping to [0, 1])
    and converted (0/1).

    Examples
    --------
    >>> from omnimkt.datasets import generate
    >>> table = campaign_experiment(generate(300, seed=1), seed=2)
    >>> sorted(table["group"].unique())
    ['control', 'treatment']
    """
    share = check_number(treat_share, "treat_share", low=0, high=1, low_open=True,
                         high_open=True)
    window = check_number(window_days, "window_days", low=0, low_open=True)
    scale = check_number(effect_scale, "effect_scale", low=0)
    rng = as_rng(seed)
    truth = getattr(world, "truth", None)
    if truth is None or getattr(world, "transactions", None) is None:
        raise DataError("world: needs transactions and the ground truth; pass a world from "
                        "omnimkt.datasets.generate or load_sample.")
    from omnimkt.churn import churn_features  # lazy: datasets must not load models early

    tx = world.transactions
    cut = as_day(cutoff) if cutoff is not None else as_day(tx["timestamp"].max())
    feats = churn_features(tx, cut)
    table = _features(feats, world.customers)
    t = truth.customers.reindex(table["customer_id"].to_numpy())
    weeks = window / 7.0
    alive = t["alive_at_end"].fillna(False).to_numpy(dtype=bool)
    base = np.where(alive, 1 - np.exp(-t["purchase_rate"].to_numpy() * weeks), 0.01)
    effect = scale * _effect(table, rng)
    treated_p = np.clip(base + effect, 0.0, 1.0)
    n = len(table)
    treated = np.zeros(n, dtype=bool)
    treated[rng.permutation(n)[: round(n * share)]] = True
    draw = rng.random(n)
    table["group"] = np.where(treated, "treatment", "control")
    table["treated"] = treated
    table["base_probability"] = base
    table["true_effect"] = treated_p - base
    table["converted"] = (draw < np.where(treated, treated_p, base)).astype(np.int8)
    return table


def _features(feats: pd.DataFrame, customers: pd.DataFrame | None) -> pd.DataFrame:
    table = feats[[c for c in CAMPAIGN_FEATURES if c in feats.columns]].copy()
    table.index.name = "customer_id"
    table = table.reset_index()
    channel = None
    if customers is not None and "acquisition_channel" in customers.columns:
        channel = customers.set_index("customer_id")["acquisition_channel"]
    table["acquisition_channel"] = (
        channel.reindex(table["customer_id"].to_numpy()).fillna("unknown").astype(str)
        .to_numpy() if channel is not None else "unknown")
    return table


def _effect(table: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    recency = table["recency_days"].to_numpy(dtype=float)
    orders = table["n_orders"].to_numpy(dtype=float)
    units = table["avg_units"].to_numpy(dtype=float)
    channel = table["acquisition_channel"].to_numpy()
    lapsing = 0.15 * np.exp(-(((recency - 70.0) / 35.0) ** 2))
    sleeping_dogs = np.where((recency < 25) & (orders >= 6), -0.06, 0.0)
    packs = np.where(units >= 5, 0.03, 0.0)
    by_channel = np.select([channel == "app", channel == "ecommerce"], [0.03, -0.02], 0.0)
    return lapsing + sleeping_dogs + packs + by_channel + rng.normal(0.0, 0.01, len(table))
