"""A synthetic omnichannel world with known answers, modelled on the formula-brand case.

Customers of an infant-formula brand are acquired over about two years through
pre-purchase journeys of marketing touchpoints. Every channel has a known effect
on conversion; every customer has a known purchase rate and dropout process;
referrals link customers. Models fitted on the tables can therefore be checked
against ``world.truth``.

The generative story (all of it vectorised over customers, looping only over the
n-th order):

* **Journeys.** A prospect sees ``1 + Poisson(journey_mean - 1)`` touches (at most
  10), channels drawn from ``channel_mix``; touches are ordered by the channel's
  place in the funnel (TV and KOLs early, search and store visits late) with noise.
  The journey converts with the noisy-OR probability
  ``1 - (1 - base_rate) * prod(1 - true_effect[channel])`` over its touches, so a
  channel's ``true_effect`` is the conversion lift of one touch. Journeys are drawn
  until exactly ``n_customers`` have converted; the others are null journeys of
  prospects, whose ids follow the customers'.
* **Purchases.** Customer *i* has a share of wallet ``g_i ~ Gamma(r, alpha)`` (cans
  per week bought from the brand) and a dropout probability
  ``p_i ~ Beta(a, b)``. An order of ``q`` cans lasts ``q / g_i`` weeks; the gap to
  the next order is Gamma distributed with that mean and shape ``regularity``
  (1 = exponential). A share ``trial_dropout`` of customers try one order and
  leave; everyone else drops out after each repeat order with probability
  ``p_i`` (the BG/NBD story). With ``regularity=1``, ``pack_mix={1: 1.0}`` and
  ``trial_dropout=0`` the process is exactly BG/NBD with rate ``g_i`` per week
  and ``truth.params`` holds its r, alpha, a, b.
* **Baskets.** Cans are sold in packs of 1, 3 or 6 (``pack_mix``; a customer keeps
  their usual pack except with probability ``pack_switch``); standard cans list at
  198 yuan and premium at 368, multi-packs and promotions give discounts, so both
  sub-200 and over-400 yuan baskets occur. About a third of orders add an item of
  another category.
* **Referrals and stages.** A customer whose journey holds a ``referral`` touch was
  referred by an earlier customer. Lifecycle stage events (shared case D) come
  from the journey (discover, aware, consider, choose) and the orders (purchase,
  satisfied = 2nd order, loyal = 3rd order, advocate = first referral made).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from omnimkt._gate import as_day, check_number, check_progress
from omnimkt.data.dataset import Dataset
from omnimkt.datasets._synthetic_tables import (
    FORMULA_PRICES,
    KOL_ACCOUNTS,
    OTHER_PRODUCTS,
    PACK_DISCOUNT,
    REGIONS,
    SALES_CHANNELS,
    TOUCH_CHANNELS,
    _check_mix,
    _customers,
    _shop_hours,
    _stage_events,
    _to_ts,
    _touchpoints,
    _transactions,
)
from omnimkt.errors import ModelError

__all__ = [
    "ALL_TABLES", "FORMULA_PRICES", "KOL_ACCOUNTS", "OTHER_PRODUCTS", "PACK_DISCOUNT", "REGIONS",
    "SALES_CHANNELS", "TOUCH_CHANNELS", "GroundTruth", "SyntheticWorld", "generate",
]

ALL_TABLES = ("transactions", "touchpoints", "customers", "stage_events")


@dataclass
class GroundTruth:
    """What the generator knows and models should recover.

    Attributes
    ----------
    customers : DataFrame indexed by customer_id
        purchase_rate (orders per week while alive), cans_per_week (share of
        wallet g), dropout_prob, pack_size, price_tier, referred, alive_at_end,
        churn_date (NaT while alive at the end of observation).
    channels : DataFrame indexed by channel
        true_effect, touches, journeys_touched, conversions_touched and
        incremental_conversions (expected conversions lost without the channel).
    params : dict
        The generator's settings.
    """

    customers: pd.DataFrame
    channels: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(repr=False)
class SyntheticWorld(Dataset):
    """A :class:`~omnimkt.data.Dataset` with its ground truth and observation end."""

    truth: GroundTruth | None = None
    observation_end: pd.Timestamp | None = None


def _rng(seed: int | np.random.Generator) -> np.random.SeedSequence:
    """The root of the world's streams (a Generator seed draws one integer from itself)."""
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(2**63)))
    return np.random.SeedSequence(check_number(seed, "seed", low=0, integer=True))


def _simulate_journeys(rng, n_customers, start_day, span_days, journey_mean, base_rate, channel_mix):
    """Draw journeys in batches until exactly ``n_customers`` converted."""
    names = list(TOUCH_CHANNELS)
    share = np.array([channel_mix.get(c, TOUCH_CHANNELS[c][0]) for c in names], float)
    share /= share.sum()
    effect = np.array([TOUCH_CHANNELS[c][1] for c in names])
    log_keep = np.log1p(-effect)
    lengths, channels, converted = [], [], []
    n_conv = 0
    while n_conv < n_customers:
        # Oversample by the expected conversion rate, then cut at the n-th conversion.
        batch = int((n_customers - n_conv) / 0.2) + 1000
        length = np.minimum(1 + rng.poisson(journey_mean - 1, batch), 10)
        ch = rng.choice(len(names), size=int(length.sum()), p=share).astype(np.int8)
        jid = np.repeat(np.arange(batch), length)
        log_no = np.log1p(-base_rate) + np.bincount(jid, weights=log_keep[ch], minlength=batch)
        conv = rng.random(batch) < -np.expm1(log_no)
        need = n_customers - n_conv
        cum = np.cumsum(conv)
        if cum[-1] >= need:
            cut = int(np.searchsorted(cum, need)) + 1
            length, conv = length[:cut], conv[:cut]
            ch = ch[: int(length.sum())]
        lengths.append(length)
        channels.append(ch)
        converted.append(conv)
        n_conv += int(conv.sum())
    length = np.concatenate(lengths)
    ch = np.concatenate(channels)
    conv = np.concatenate(converted)
    n_j = len(length)
    end_day = start_day + rng.random(n_j) * span_days  # moment the journey ends
    return names, effect, length, ch, conv, end_day


def _funnel_order(rng, length, ch):
    """Reorder each journey's touches by the channel's funnel position, with noise."""
    pos = np.array([TOUCH_CHANNELS[c][2] for c in TOUCH_CHANNELS])
    jid = np.repeat(np.arange(len(length), dtype=np.float64), length)
    key = pos[ch] + rng.normal(0, 0.25, len(ch))
    # Squash the key into [0, 1) and add the journey number: one sort orders every journey,
    # and the input is already in runs by journey, which the stable sort exploits.
    jid += 0.5 + np.arctan(key - 0.5) / np.pi * 0.999
    return ch[np.argsort(jid, kind="stable")]


def _touch_times(rng, length, end_day):
    """Touch moments (days): spread over 1-30 days before the journey's end, in order."""
    jid = np.repeat(np.arange(len(length)), length)
    span = np.minimum(rng.uniform(1, 30, len(length)), end_day)  # not before the window
    frac = np.sort(rng.random(len(jid)) + jid) - jid  # sorted within each journey
    t = end_day[jid] - span[jid] * (1 - frac)
    last = np.cumsum(length) - 1
    t[last] = end_day  # the last touch ends the journey
    return t


def _simulate_orders(rng, t0, g, p, pack, trial, regularity, pack_mix_keys, pack_mix_p,
                     pack_switch, end_day):
    """Orders per customer until dropout or the end of observation."""
    n = len(t0)
    idx = np.arange(n)
    cust, times, qty = [idx], [t0], []
    q = np.where(rng.random(n) < pack_switch, rng.choice(pack_mix_keys, n, p=pack_mix_p), pack)
    qty.append(q)
    churn = np.where(trial, t0, np.nan)  # triers leave right after their first order
    alive_idx, t, q_last = idx[~trial], t0[~trial], q[~trial]
    while len(alive_idx):
        weeks = rng.gamma(regularity, q_last / (g[alive_idx] * regularity))
        t_next = t + weeks * 7.0
        inside = t_next < end_day
        alive_idx, t_next = alive_idx[inside], t_next[inside]
        if not len(alive_idx):
            break
        m = len(alive_idx)
        q_next = np.where(
            rng.random(m) < pack_switch, rng.choice(pack_mix_keys, m, p=pack_mix_p), pack[alive_idx]
        )
        cust.append(alive_idx)
        times.append(t_next)
        qty.append(q_next)
        drop = rng.random(m) < p[alive_idx]
        churn[alive_idx[drop]] = t_next[drop]
        keep = ~drop
        alive_idx, t, q_last = alive_idx[keep], t_next[keep], q_next[keep]
    return np.concatenate(cust), np.concatenate(times), np.concatenate(qty), churn


#: The generator's latest representable moment: pandas' nanosecond timestamps end on
#: 2262-04-11, and every generated moment lies on or before ``end``.
_LAST_END = pd.Timestamp("2262-04-10")
#: Baby birth dates go up to 300 days before the first order: the earliest start that
#: keeps them after pandas' first nanosecond timestamp (1677-09-21).
_FIRST_START = pd.Timestamp("1679-01-01")
#: Cans per week on average (r / alpha): far above any family's need, and the bound that
#: keeps the number of orders (about cans per week x weeks per customer) finite.
_MAX_CANS_PER_WEEK = 50.0


@dataclass(frozen=True)
class _Settings:
    """The generator's checked settings (see :func:`generate`)."""

    n: int
    tables: tuple[str, ...]
    day0: np.datetime64
    end_ts: pd.Timestamp
    span: float
    pack_keys: np.ndarray
    pack_p: np.ndarray
    channel_mix: Mapping[str, float]
    show: bool
    params: dict[str, Any]


def _check_probability(value: Any, name: str, *, below_one: bool = False) -> float:
    return check_number(value, name, low=0, high=1, high_open=below_one)


def _check_window(start: Any, end: Any) -> tuple[np.datetime64, pd.Timestamp, float]:
    """First day, last moment (end of the inclusive ``end`` day) and span in days."""
    first, last = as_day(start, "start"), as_day(end, "end")
    if first < _FIRST_START:
        raise ModelError(f"start: {start!r} is too early; the generated dates (baby birth "
                         f"dates up to 300 days before) need start >= {_FIRST_START:%Y-%m-%d}.")
    if last > _LAST_END:
        raise ModelError(f"end: {end!r} is too late; generated timestamps must stay before "
                         f"pandas' limit 2262-04-11, so end <= {_LAST_END:%Y-%m-%d}.")
    end_ts = last + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
    span = (end_ts - first).total_seconds() / 86400
    if span < 30:
        raise ModelError(f"start, end: the window {start} .. {end} must span at least 30 days.")
    return np.datetime64(first.date(), "s"), end_ts, span


def _check_pack_mix(pack_mix: Any) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(pack_mix, Mapping):
        raise ModelError(f"pack_mix: expected a dict {{pack size: share}}, got {pack_mix!r:.60}.")
    for size in pack_mix:
        # a pack of 0 cans lasts 0 weeks: the next order would come at once, forever
        check_number(size, "pack_mix pack size", low=1, high=1000, integer=True)
    return _check_mix("pack_mix", pack_mix)


def _check_channel_mix(channel_mix: Any) -> Mapping[str, float]:
    if channel_mix is None:
        return {}
    if not isinstance(channel_mix, Mapping):
        raise ModelError(f"channel_mix: expected a dict {{channel: share}}, got "
                         f"{channel_mix!r:.60}.")
    bad = sorted(map(str, set(channel_mix) - set(TOUCH_CHANNELS)))
    if bad:
        raise ModelError(f"channel_mix: unknown channels {bad}; known: {list(TOUCH_CHANNELS)}.")
    _check_mix("channel_mix", {c: channel_mix.get(c, TOUCH_CHANNELS[c][0])
                               for c in TOUCH_CHANNELS})
    return channel_mix


def _check_settings(n_customers: Any, seed: Any, start: Any, end: Any, tables: Any,
                    progress: Any, model: dict[str, Any]) -> _Settings:
    """Every argument of :func:`generate` checked before any work (ModelError otherwise)."""
    n = check_number(n_customers, "n_customers", low=1, integer=True)
    if not isinstance(seed, np.random.Generator):
        check_number(seed, "seed", low=0, integer=True)
    tables = (tables,) if isinstance(tables, str) else tuple(tables)
    unknown = sorted(map(str, set(tables) - set(ALL_TABLES)))
    if unknown:
        raise ModelError(f"tables: unknown tables {unknown}; choose from {list(ALL_TABLES)}.")
    day0, end_ts, span = _check_window(start, end)
    m = dict(model)
    for name in ("r", "alpha", "a", "b"):
        m[name] = check_number(m[name], name, low=0, low_open=True)
    if m["r"] / m["alpha"] > _MAX_CANS_PER_WEEK:
        raise ModelError(f"r, alpha: r / alpha = {m['r'] / m['alpha']:g} cans per week on "
                         f"average; must be <= {_MAX_CANS_PER_WEEK:g} (the number of orders "
                         "grows with it without bound).")
    m["regularity"] = check_number(m["regularity"], "regularity", low=0, low_open=True,
                                   high=1000)
    m["trial_dropout"] = _check_probability(m["trial_dropout"], "trial_dropout",
                                            below_one=True)
    for name in ("pack_switch", "premium_share", "other_item_prob", "promo_prob"):
        m[name] = _check_probability(m[name], name)
    # Poisson(journey_mean - 1) extra touches, capped at 10 touches a journey
    m["journey_mean"] = check_number(m["journey_mean"], "journey_mean", low=1, high=10)
    # a conversion probability: above 1 no journey ever converted and the draw never ended
    m["base_rate"] = _check_probability(m["base_rate"], "base_rate", below_one=True)
    pack_keys, pack_p = _check_pack_mix(m.pop("pack_mix") or {1: 0.3, 3: 0.5, 6: 0.2})
    channel_mix = _check_channel_mix(m.pop("channel_mix"))
    conv = _expected_conversion(m["base_rate"], m["journey_mean"], channel_mix)
    if conv < 0.01:
        raise ModelError(
            f"base_rate, journey_mean, channel_mix: journeys would convert {conv:.2%} of the "
            "time on average; at least 1% is needed (each customer would otherwise take more "
            "than 100 journeys to find). Raise base_rate or journey_mean, or give "
            "channel_mix more weight on effective channels.")
    show = check_progress(progress, large=n >= 200_000)
    return _Settings(n, tables, day0, end_ts, span, pack_keys, pack_p, channel_mix, show, m)


def _expected_conversion(base_rate: float, journey_mean: float,
                         channel_mix: Mapping[str, float]) -> float:
    """Share of journeys that convert on average (noisy-OR over a capped Poisson length)."""
    share = np.array([channel_mix.get(c, TOUCH_CHANNELS[c][0]) for c in TOUCH_CHANNELS], float)
    keep = float(share @ (1 - np.array([v[1] for v in TOUCH_CHANNELS.values()]))) / share.sum()
    lam = journey_mean - 1
    k = np.arange(10)
    pk = np.exp(-lam + k * np.log(max(lam, 1e-300)) - np.cumsum(np.r_[0, np.log(k[1:])]))
    pk = np.r_[pk[:-1], max(1 - pk[:-1].sum(), 0.0)]     # lengths 1..10, the tail on 10
    return 1 - (1 - base_rate) * float(pk @ keep ** (k + 1))


def generate(
    n_customers: int = 5000,
    seed: int | np.random.Generator = 0,
    *,
    start: str | pd.Timestamp = "2024-01-01",
    end: str | pd.Timestamp = "2025-12-31",
    tables: Iterable[str] = ALL_TABLES,
    r: float = 6.0,
    alpha: float = 6.5,
    a: float = 0.7,
    b: float = 10.0,
    regularity: float = 4.0,
    trial_dropout: float = 0.3,
    pack_mix: Mapping[int, float] | None = None,
    pack_switch: float = 0.2,
    premium_share: float = 0.35,
    other_item_prob: float = 0.35,
    promo_prob: float = 0.15,
    journey_mean: float = 3.5,
    base_rate: float = 0.02,
    channel_mix: Mapping[str, float] | None = None,
    progress: bool | None = None,
) -> SyntheticWorld:
    """Generate a seeded omnichannel world with its ground truth.

    Every setting is checked before any work: a value outside its range raises
    :class:`omnimkt.ModelError` naming the setting and the allowed range.

    Parameters
    ----------
    n_customers : int >= 1
        Number of customers (people with at least one order). Prospects whose
        journeys never converted come on top in ``touchpoints``.
    seed : int >= 0 or numpy.random.Generator
        Same seed, same world, whatever ``tables`` asks for.
    start, end : date-like
        Observation window, both days inclusive; customers are acquired over all
        of it. At least 30 days, ``start >= 1679-01-01`` and ``end <= 2262-04-10``
        (pandas' timestamps end on 2262-04-11).
    tables : iterable of str
        Which tables to build (the truth is always built). Skipping
        ``touchpoints`` and ``stage_events`` saves most time and memory at scale.
    r, alpha : float > 0
        Gamma heterogeneity of the cans bought per week (shape, rate per week);
        ``r / alpha`` (mean cans per week) at most 50.
    a, b : float > 0
        Beta heterogeneity of the dropout probability after each repeat order.
    regularity : float in (0, 1000]
        Gamma shape of the gap between orders; 1 is memoryless (Poisson).
    trial_dropout : float in [0, 1)
        Share of customers who try one order and never come back (0 for an
        exact BG/NBD process).
    pack_mix : mapping
        Share of customers by usual pack size (whole cans, 1-1000), default
        ``{1: .3, 3: .5, 6: .2}``; shares >= 0 with a positive sum.
    pack_switch : float in [0, 1]
        Probability that an order's pack differs from the customer's usual one.
    premium_share, other_item_prob, promo_prob : float in [0, 1]
        Share of premium-line customers, orders with a non-formula item, and
        orders with a 10% promotion.
    journey_mean : float in [1, 10]
        Mean touches per journey (at most 10 touches each).
    base_rate : float in [0, 1)
        Conversion probability of a journey without touches. With the touches'
        effects a journey must convert with probability >= 1% on average (more
        than 100 journeys per customer is refused: memory grows with them).
    channel_mix : mapping
        Override the share of touches by channel (shares >= 0).
    progress : bool, optional
        Show a progress bar over the generation steps; by default (``None``)
        only from 200,000 customers on (about a few seconds of work).

    Returns
    -------
    SyntheticWorld
        ``.transactions``, ``.touchpoints``, ``.customers``, ``.stage_events``
        (those asked for), ``.truth`` and ``.observation_end``.

    Examples
    --------
    >>> world = generate(200, seed=1)
    >>> world.customers.shape[0]
    200
    >>> bool(world.truth.channels["true_effect"].idxmax() == "referral")
    True
    """
    cfg = _check_settings(n_customers, seed, start, end, tables, progress, dict(
        r=r, alpha=alpha, a=a, b=b, regularity=regularity, trial_dropout=trial_dropout,
        pack_mix=pack_mix, pack_switch=pack_switch, premium_share=premium_share,
        other_item_prob=other_item_prob, promo_prob=promo_prob, journey_mean=journey_mean,
        base_rate=base_rate, channel_mix=channel_mix))
    # One stream per part, so a table's content does not depend on which others are built.
    r_j, r_c, r_o, r_b, r_cu, r_tt, r_tp = (np.random.default_rng(s) for s in _rng(seed).spawn(7))
    steps = ["journeys", "orders", *[x for x in ALL_TABLES if x in cfg.tables]]
    bar = tqdm(total=len(steps), desc="generate", unit="step", disable=not cfg.show)
    bar.set_postfix_str(steps[0])
    jr = _journeys(r_j, r_c, cfg)
    cu = _customer_traits(r_c, cfg, jr)
    bar.update()
    bar.set_postfix_str("orders")
    p = cfg.params
    cust, t, qty, churn = _simulate_orders(
        r_o, jr["first_buy"], cu["g"], cu["p_drop"], cu["pack"], cu["trial"], p["regularity"],
        cfg.pack_keys, cfg.pack_p, p["pack_switch"], cfg.span
    )
    t, churn = _shop_hours(t), _shop_hours(churn)
    jr["first_buy"] = _shop_hours(jr["first_buy"])
    world = _world(cfg, jr, cu, churn, str(start), str(end))
    bar.update()
    for name in [x for x in ALL_TABLES if x in cfg.tables]:
        bar.set_postfix_str(name)
        if name == "transactions":
            world.transactions = _transactions(
                r_b, cfg.day0, cust, t, qty, cu["premium"], cu["home"], cu["stickiness"],
                cu["sales_keys"], cu["sales_p"], p["other_item_prob"], p["promo_prob"],
            )
        elif name == "customers":
            world.customers = _customers(r_cu, cfg.day0, cfg.n, jr["first_buy"], cu["home"],
                                         cu["sales_keys"], cu["referrer"])
        else:
            if "t_touch" not in jr:
                jr["t_touch"] = _touch_times(r_tt, jr["length"], jr["jend"])
            setattr(world, name, _journey_table(name, r_tp, cfg, jr, cust, t, cu["referrer"]))
        bar.update()
    bar.close()
    return world


def _journeys(r_j: np.random.Generator, r_c: np.random.Generator, cfg: _Settings) -> dict:
    """Journeys until ``n`` converted, owners, first purchases and the channels' truth."""
    n, p = cfg.n, cfg.params
    # Journeys: the last ten days are left for orders to follow.
    names, effect, length, jch, conv, jend = _simulate_journeys(
        r_j, n, 0.0, cfg.span - 10, p["journey_mean"], p["base_rate"], cfg.channel_mix
    )
    n_j = len(length)
    jch = _funnel_order(r_j, length, jch)
    jid_conv = np.flatnonzero(conv)
    # Customers take ids 1..n in order of first purchase; prospects follow. Half a day at
    # least between the journey's last touch and the order keeps the stages in order.
    first_buy = jend[jid_conv] + r_c.uniform(0.5, 2.5, n)
    order = np.argsort(first_buy, kind="stable")
    jid_conv, first_buy = jid_conv[order], first_buy[order]
    journey_owner = np.empty(n_j, np.int64)
    journey_owner[jid_conv] = np.arange(1, n + 1)
    prospects = np.flatnonzero(~conv)
    journey_owner[prospects] = n + 1 + np.arange(len(prospects))
    # Per-journey channel counts give the truth about channels exactly.
    cell = np.repeat(np.arange(n_j) * len(names), length)
    cell += jch
    counts = np.bincount(cell, minlength=n_j * len(names)).astype(np.int16).reshape(n_j, -1)
    del cell
    log_keep = np.log1p(-effect)
    # A fixed-order sum, not ``counts @ log_keep``: BLAS kernels differ between CPUs in
    # their last bit, and the sample's truth files must rebuild bit for bit anywhere.
    log_no = np.full(n_j, np.log1p(-p["base_rate"]))
    for c in range(len(names)):
        log_no += counts[:, c] * log_keep[c]
    p_full = -np.expm1(log_no)
    return {"names": names, "length": length, "jch": jch, "jend": jend, "conv": conv,
            "jid_conv": jid_conv, "first_buy": first_buy, "owner": journey_owner,
            "n_prospects": len(prospects),
            "referred": counts[jid_conv, names.index("referral")] > 0,
            "truth": _channel_truth(names, effect, log_keep, counts, log_no, p_full, conv)}


def _customer_traits(r_c: np.random.Generator, cfg: _Settings, jr: dict) -> dict:
    """Latent traits, home channel and referrer of every customer (stream ``r_c``)."""
    n, p, names = cfg.n, cfg.params, jr["names"]
    first_buy, length = jr["first_buy"], jr["length"]
    cu = {"g": r_c.gamma(p["r"], 1.0 / p["alpha"], n), "p_drop": r_c.beta(p["a"], p["b"], n)}
    cu["trial"] = r_c.random(n) < p["trial_dropout"]
    cu["pack"] = r_c.choice(cfg.pack_keys, n, p=cfg.pack_p).astype(np.int64)
    cu["premium"] = r_c.random(n) < p["premium_share"]
    cu["stickiness"] = r_c.beta(4.0, 1.5, n)
    sales_keys, sales_p = _check_mix("sales channels", SALES_CHANNELS)
    last_touch = jr["jch"][np.cumsum(length)[jr["jid_conv"]] - 1]
    cu["home"] = np.where(
        last_touch == names.index("store_visit"), 0, r_c.choice(len(sales_keys), n, p=sales_p)
    )
    # The referrer is a customer who had bought at least a month before the referred one.
    senior = np.searchsorted(first_buy, first_buy - 30.0)
    ref_rank = (r_c.random(n) * senior).astype(np.int64)
    cu["referrer"] = np.where(jr["referred"] & (senior > 0), ref_rank + 1, 0)
    cu["sales_keys"], cu["sales_p"] = sales_keys, sales_p
    return cu


def _world(cfg: _Settings, jr: dict, cu: dict, churn: np.ndarray, start: str,
           end: str) -> SyntheticWorld:
    """An empty world holding the ground truth of the customers and channels."""
    p, n = cfg.params, cfg.n
    pack, pack_switch = cu["pack"], p["pack_switch"]
    mean_q = (1 - pack_switch) * pack + pack_switch * float(cfg.pack_keys @ cfg.pack_p)
    truth_c = pd.DataFrame(
        {
            "purchase_rate": cu["g"] / mean_q,
            "cans_per_week": cu["g"],
            "dropout_prob": cu["p_drop"],
            "trial_only": cu["trial"],
            "pack_size": pack,
            "price_tier": np.where(cu["premium"], "premium", "standard"),
            "referred": jr["referred"],
            "alive_at_end": np.isnan(churn),
            "churn_date": np.where(
                np.isnan(churn), np.datetime64("NaT"), _to_ts(cfg.day0, np.nan_to_num(churn))
            ).astype("datetime64[ns]"),
        },
        index=pd.Index(np.arange(1, n + 1), name="customer_id"),
    )
    params = dict(
        n_customers=n, start=start, end=end, r=p["r"], alpha=p["alpha"], a=p["a"], b=p["b"],
        regularity=p["regularity"], trial_dropout=p["trial_dropout"],
        pack_mix=dict(zip(cfg.pack_keys.tolist(), cfg.pack_p.tolist(), strict=True)),
        pack_switch=pack_switch, premium_share=p["premium_share"],
        journey_mean=p["journey_mean"], base_rate=p["base_rate"], n_journeys=len(jr["length"]),
        n_prospects=jr["n_prospects"], time_unit_of_rates="weeks",
    )
    return SyntheticWorld(transactions=pd.DataFrame(),
                          truth=GroundTruth(truth_c, jr["truth"], params),
                          observation_end=pd.Timestamp(cfg.end_ts))


def _journey_table(name: str, r_tp: np.random.Generator, cfg: _Settings, jr: dict,
                   cust: np.ndarray, t: np.ndarray, referrer: np.ndarray) -> pd.DataFrame:
    """``touchpoints`` or ``stage_events`` from the journeys (and the orders)."""
    if name == "touchpoints":
        return _touchpoints(r_tp, cfg.day0, jr["length"], jr["jch"], jr["t_touch"], jr["owner"],
                            jr["names"])
    return _stage_events(cfg.day0, jr["length"], jr["jch"], jr["t_touch"], jr["owner"],
                         jr["jid_conv"], jr["names"], cust, t, jr["first_buy"], referrer)


def _channel_truth(names, effect, log_keep, counts, log_no, p_full, conv) -> pd.DataFrame:
    rows = []
    for c in range(len(names)):
        k = counts[:, c]
        has = k > 0
        # Removing a channel takes its factor out of the no-conversion probability.
        p_without = -np.expm1(log_no[has] - k[has] * log_keep[c])
        rows.append((int(k.sum()), int(has.sum()), int((has & conv).sum()),
                     float((p_full[has] - p_without).sum())))
    out = pd.DataFrame(
        rows, columns=["touches", "journeys_touched", "conversions_touched", "incremental_conversions"],
        index=pd.Index(names, name="channel"),
    )
    out.insert(0, "true_effect", effect)
    return out


