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
import pyarrow as pa
from tqdm.auto import tqdm

from omnimkt.data.dataset import Dataset
from omnimkt.data.schema import STAGES
from omnimkt.errors import DataError

SALES_CHANNELS: dict[str, float] = {
    "store_pos": 0.50, "ecommerce": 0.20, "mini_shop": 0.20, "app": 0.10,
}

#: channel -> (share of touches, per-touch conversion lift, funnel position, event, cost per touch in yuan)
TOUCH_CHANNELS: dict[str, tuple[float, float, float, str, float]] = {
    "tv": (0.20, 0.010, 0.00, "impression", 0.05),
    "social_kol": (0.22, 0.060, 0.20, "click", 1.50),
    "messaging_article": (0.14, 0.040, 0.30, "click", 0.80),
    "parenting_class": (0.05, 0.150, 0.40, "visit", 30.00),
    "referral": (0.03, 0.250, 0.50, "visit", 0.00),
    "search_ads": (0.12, 0.100, 0.60, "click", 2.50),
    "app_push": (0.07, 0.015, 0.70, "impression", 0.01),
    "sms": (0.08, 0.005, 0.80, "impression", 0.05),
    "store_visit": (0.09, 0.180, 0.90, "visit", 0.00),
}

#: KOL accounts: case E reports one of ten accounts bringing 7,000 of 9,000 clicks.
KOL_ACCOUNTS: dict[str, float] = {"kol_01": 7000 / 9000} | {
    f"kol_{i:02d}": 2000 / 9000 / 9 for i in range(2, 11)
}

FORMULA_PRICES: dict[str, float] = {"formula_standard": 198.0, "formula_premium": 368.0}
PACK_DISCOUNT: dict[int, float] = {1: 0.0, 3: 0.05, 6: 0.10}
OTHER_PRODUCTS: dict[str, float] = {"probiotics": 159.0, "nutrition": 89.0, "diapers": 129.0}
REGIONS: dict[str, float] = {
    "east": 0.28, "south": 0.20, "north": 0.16, "central": 0.12,
    "southwest": 0.10, "northeast": 0.07, "northwest": 0.07,
}
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


def _rng(seed: int | np.random.Generator | None) -> np.random.SeedSequence:
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(2**63)))
    if seed is None:
        raise DataError("generate(): seed is required so that the world can be rebuilt; pass seed=0.")
    return np.random.SeedSequence(int(seed))


def _check_mix(name: str, mix: Mapping[Any, float]) -> tuple[np.ndarray, np.ndarray]:
    keys = np.array(list(mix.keys()))
    w = np.asarray(list(mix.values()), dtype=float)
    if len(w) == 0 or (w < 0).any() or w.sum() <= 0:
        raise DataError(f"generate(): {name} needs non-negative weights with a positive sum, got {dict(mix)}.")
    return keys, w / w.sum()


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


def _str_column(codes: np.ndarray, categories) -> pd.api.extensions.ExtensionArray:
    """A pandas string column from integer codes, without building a numpy array of strings."""
    dictionary = pa.DictionaryArray.from_arrays(
        pa.array(np.asarray(codes, dtype=np.int32)), pa.array([str(c) for c in categories])
    )
    return pd.array(dictionary.dictionary_decode(), dtype="str")


def _shop_hours(t: np.ndarray) -> np.ndarray:
    """Move moments (days) into the 9:00-21:00 opening hours of their day."""
    day = np.floor(t)
    return day + (9 + (t - day) * 12) / 24


def _to_ts(day0: np.datetime64, days: np.ndarray) -> np.ndarray:
    return day0 + np.round(days * 86400).astype("int64").astype("timedelta64[s]")


def generate(
    n_customers: int = 5000,
    seed: int | np.random.Generator = 0,
    *,
    start: str = "2024-01-01",
    end: str = "2025-12-31",
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

    Parameters
    ----------
    n_customers : int
        Number of customers (people with at least one order). Prospects whose
        journeys never converted come on top in ``touchpoints``.
    seed : int or numpy.random.Generator
        Same seed, same world, whatever ``tables`` asks for.
    start, end : str
        Observation window; customers are acquired over all of it.
    tables : iterable of str
        Which tables to build (the truth is always built). Skipping
        ``touchpoints`` and ``stage_events`` saves most time and memory at scale.
    r, alpha : float
        Gamma heterogeneity of the cans bought per week (shape, rate per week).
    a, b : float
        Beta heterogeneity of the dropout probability after each repeat order.
    regularity : float
        Gamma shape of the gap between orders; 1 is memoryless (Poisson).
    trial_dropout : float
        Share of customers who try one order and never come back (0 for an
        exact BG/NBD process).
    pack_mix : mapping
        Share of customers by usual pack size, default ``{1: .3, 3: .5, 6: .2}``.
    pack_switch : float
        Probability that an order's pack differs from the customer's usual one.
    premium_share, other_item_prob, promo_prob : float
        Share of premium-line customers, orders with a non-formula item, and
        orders with a 10% promotion.
    journey_mean, base_rate : float
        Mean touches per journey and the conversion probability without touches.
    channel_mix : mapping
        Override the share of touches by channel.
    progress : bool, optional
        Show a progress bar over the generation steps; by default only from
        200,000 customers on (about a few seconds of work).

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
    tables = tuple(tables)
    unknown = sorted(set(tables) - set(ALL_TABLES))
    if unknown:
        raise DataError(f"generate(): unknown tables {unknown}; choose from {list(ALL_TABLES)}.")
    if int(n_customers) < 1:
        raise DataError(f"generate(): n_customers must be at least 1, got {n_customers}.")
    if min(r, alpha, a, b, regularity) <= 0:
        raise DataError("generate(): r, alpha, a, b and regularity must be positive.")
    if not 0 <= trial_dropout < 1:
        raise DataError(f"generate(): trial_dropout must be in [0, 1), got {trial_dropout}.")
    n = int(n_customers)
    pack_keys, pack_p = _check_mix("pack_mix", pack_mix or {1: 0.3, 3: 0.5, 6: 0.2})
    if channel_mix is not None:
        bad = sorted(set(channel_mix) - set(TOUCH_CHANNELS))
        if bad:
            raise DataError(f"generate(): unknown channels {bad} in channel_mix; known: {list(TOUCH_CHANNELS)}.")
    day0 = np.datetime64(pd.Timestamp(start).date(), "s")
    end_ts = pd.Timestamp(end) + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
    span = (end_ts - pd.Timestamp(start)).total_seconds() / 86400
    if span < 30:
        raise DataError(f"generate(): the window {start} .. {end} must span at least 30 days.")
    # One stream per part, so a table's content does not depend on which others are built.
    r_j, r_c, r_o, r_b, r_cu, r_tt, r_tp = (np.random.default_rng(s) for s in _rng(seed).spawn(7))

    # Journeys: the last ten days are left for orders to follow.
    steps = ["journeys", "orders", *[x for x in ALL_TABLES if x in tables]]
    bar = tqdm(total=len(steps), desc="generate", unit="step",
               disable=not (progress if progress is not None else n >= 200_000))
    bar.set_postfix_str(steps[0])
    names, effect, length, jch, conv, jend = _simulate_journeys(
        r_j, n, 0.0, span - 10, journey_mean, base_rate, channel_mix or {}
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
    log_no = np.log1p(-base_rate) + counts @ log_keep
    p_full = -np.expm1(log_no)
    referred = counts[jid_conv, names.index("referral")] > 0

    # Customer latent traits.
    g = r_c.gamma(r, 1.0 / alpha, n)
    p_drop = r_c.beta(a, b, n)
    trial = r_c.random(n) < trial_dropout
    pack = r_c.choice(pack_keys, n, p=pack_p).astype(np.int64)
    premium = r_c.random(n) < premium_share
    stickiness = r_c.beta(4.0, 1.5, n)
    sales_keys, sales_p = _check_mix("sales channels", SALES_CHANNELS)
    last_touch = jch[np.cumsum(length)[jid_conv] - 1]
    home = np.where(
        last_touch == names.index("store_visit"), 0, r_c.choice(len(sales_keys), n, p=sales_p)
    )
    # The referrer is a customer who had bought at least a month before the referred one.
    senior = np.searchsorted(first_buy, first_buy - 30.0)
    ref_rank = (r_c.random(n) * senior).astype(np.int64)
    referrer = np.where(referred & (senior > 0), ref_rank + 1, 0)

    bar.update()
    bar.set_postfix_str("orders")
    cust, t, qty, churn = _simulate_orders(
        r_o, first_buy, g, p_drop, pack, trial, regularity, pack_keys, pack_p, pack_switch, span
    )
    t, first_buy, churn = _shop_hours(t), _shop_hours(first_buy), _shop_hours(churn)
    mean_q = (1 - pack_switch) * pack + pack_switch * float(pack_keys @ pack_p)
    truth_c = pd.DataFrame(
        {
            "purchase_rate": g / mean_q,
            "cans_per_week": g,
            "dropout_prob": p_drop,
            "trial_only": trial,
            "pack_size": pack,
            "price_tier": np.where(premium, "premium", "standard"),
            "referred": referred,
            "alive_at_end": np.isnan(churn),
            "churn_date": np.where(
                np.isnan(churn), np.datetime64("NaT"), _to_ts(day0, np.nan_to_num(churn))
            ).astype("datetime64[ns]"),
        },
        index=pd.Index(np.arange(1, n + 1), name="customer_id"),
    )
    truth_ch = _channel_truth(names, effect, log_keep, counts, log_no, p_full, conv)
    del counts, log_no, p_full  # the largest arrays; the tables below do not need them
    params = dict(
        n_customers=n, start=str(start), end=str(end), r=r, alpha=alpha, a=a, b=b,
        regularity=regularity, trial_dropout=trial_dropout,
        pack_mix=dict(zip(pack_keys.tolist(), pack_p.tolist(), strict=True)), pack_switch=pack_switch, premium_share=premium_share, journey_mean=journey_mean,
        base_rate=base_rate, n_journeys=n_j, n_prospects=len(prospects),
        time_unit_of_rates="weeks",
    )
    world = SyntheticWorld(
        transactions=pd.DataFrame(),
        truth=GroundTruth(truth_c, truth_ch, params),
        observation_end=pd.Timestamp(end_ts),
    )
    bar.update()

    def step(name: str) -> None:
        bar.set_postfix_str(name)

    if "transactions" in tables:
        step("transactions")
        world.transactions = _transactions(
            r_b, day0, cust, t, qty, premium, home, stickiness, sales_keys, sales_p,
            other_item_prob, promo_prob,
        )
        bar.update()
    if "touchpoints" in tables or "stage_events" in tables:
        t_touch = _touch_times(r_tt, length, jend)
    if "touchpoints" in tables:
        step("touchpoints")
        world.touchpoints = _touchpoints(r_tp, day0, length, jch, t_touch, journey_owner, names)
        bar.update()
    if "customers" in tables:
        step("customers")
        world.customers = _customers(r_cu, day0, n, first_buy, home, sales_keys, referrer)
        bar.update()
    if "stage_events" in tables:
        step("stage_events")
        world.stage_events = _stage_events(
            day0, length, jch, t_touch, journey_owner, jid_conv, names, cust, t, first_buy, referrer
        )
        bar.update()
    bar.close()
    return world


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


def _transactions(rng, day0, cust, t, qty, premium, home, stickiness, sales_keys, sales_p,
                  other_item_prob, promo_prob) -> pd.DataFrame:
    n_orders = len(cust)
    # Orders come in rounds (every customer's n-th order), so within a customer they are
    # already in time order and a stable sort by customer suffices.
    order = np.argsort(cust, kind="stable")
    cust, t, qty = cust[order], t[order], qty[order]
    own = rng.random(n_orders) < stickiness[cust]
    channel = np.where(own, home[cust], rng.choice(len(sales_keys), n_orders, p=sales_p))
    promo = np.where(rng.random(n_orders) < promo_prob, 0.10, 0.0)
    unit = np.where(premium[cust], FORMULA_PRICES["formula_premium"], FORMULA_PRICES["formula_standard"])
    pack_disc = np.select([qty >= 6, qty >= 3], [PACK_DISCOUNT[6], PACK_DISCOUNT[3]], 0.0)
    f_list = unit * qty
    f_paid = np.round(f_list * (1 - pack_disc) * (1 - promo), 2)
    # A non-formula line on some orders.
    extra = np.flatnonzero(rng.random(n_orders) < other_item_prob)
    o_keys = np.array(list(OTHER_PRODUCTS))
    o_pick = rng.integers(0, len(o_keys), len(extra))
    o_qty = rng.integers(1, 3, len(extra))
    o_list = np.array(list(OTHER_PRODUCTS.values()))[o_pick] * o_qty
    o_paid = np.round(o_list * (1 - promo[extra]), 2)

    rows = np.concatenate([np.arange(n_orders), extra])
    is_formula = np.r_[np.ones(n_orders, bool), np.zeros(len(extra), bool)]
    amount = np.concatenate([f_paid, o_paid])
    # Lines of one order by amount: the order omnimkt.data.validate_transactions gives ties.
    line_order = np.lexsort((amount, rows))
    rows, is_formula, amount = rows[line_order], is_formula[line_order], amount[line_order]
    list_price = np.concatenate([f_list, o_list])[line_order]
    del f_list, f_paid, unit, pack_disc, promo
    products = ["formula_standard", "formula_premium", *o_keys]
    columns = {
        "customer_id": cust[rows] + 1,
        "timestamp": _to_ts(day0, t[rows]).astype("datetime64[ns]"),
        "amount": amount,
        "order_id": rows + 1,
        "channel": _str_column(channel[rows], sales_keys),
        "product": _str_column(
            np.concatenate([premium[cust].astype(np.int8), 2 + o_pick.astype(np.int8)])[line_order],
            products,
        ),
        "category": _str_column(~is_formula, ["formula", "other"]),
        "quantity": np.concatenate([qty, o_qty])[line_order].astype(np.int64),
        "list_price": list_price,
        "discount": np.round(list_price - amount, 2),
    }
    del rows, line_order, is_formula
    return pd.DataFrame(columns, copy=False)


def _customers(rng, day0, n, first_buy, home, sales_keys, referrer) -> pd.DataFrame:
    region_keys, region_p = _check_mix("regions", REGIONS)
    baby_age_days = rng.uniform(0, 300, n)
    return pd.DataFrame(
        {
            "customer_id": np.arange(1, n + 1, dtype=np.int64),
            "signup_date": _to_ts(day0, first_buy).astype("datetime64[ns]"),
            "acquisition_channel": _str_column(home, sales_keys),
            "region": _str_column(rng.choice(len(region_keys), n, p=region_p), region_keys),
            "referrer_id": pd.arrays.IntegerArray(referrer.astype(np.int64), referrer <= 0),
            "baby_birth_date": (_to_ts(day0, np.floor(first_buy - baby_age_days))
                                .astype("datetime64[D]").astype("datetime64[ns]")),
        }
    )


def _touchpoints(rng, day0, length, ch, t, owner, names) -> pd.DataFrame:
    # One journey per person: order journeys by owner; touches within one are in time order.
    jorder = np.argsort(owner, kind="stable")
    lens = length[jorder]
    ends = np.cumsum(lens)
    take = np.repeat(np.cumsum(length)[jorder] - ends, lens) + np.arange(int(ends[-1]))
    ch, t = ch[take], t[take]
    jid = np.repeat(jorder, lens)
    meta = [TOUCH_CHANNELS[c] for c in names]
    kol_keys, kol_p = _check_mix("KOL accounts", KOL_ACCOUNTS)
    # Accounts: the channel's own name, or one of the KOL accounts.
    kol = ch == names.index("social_kol")
    account = ch.astype(np.int64)
    account[kol] = len(names) + rng.choice(len(kol_keys), int(kol.sum()), p=kol_p)
    ts = _to_ts(day0, t)
    # Campaigns run per channel and quarter, e.g. "search_ads_2024Q3".
    months = ts.astype("datetime64[M]").astype(np.int64)
    q_index = months // 3 - months.min() // 3
    q0 = int(months.min() // 3)
    quarters = [f"{(q0 + i) // 4 + 1970}Q{(q0 + i) % 4 + 1}" for i in range(int(q_index.max()) + 1)]
    campaigns = [f"{c}_{q}" for c in names for q in quarters]
    df = pd.DataFrame(
        {
            "customer_id": owner[jid],
            "timestamp": ts.astype("datetime64[ns]"),
            "channel": _str_column(ch, names),
            "account": _str_column(account, [*names, *kol_keys]),
            "campaign": _str_column(ch.astype(np.int64) * len(quarters) + q_index, campaigns),
            "event": _str_column(ch, [m[3] for m in meta]),
            "cost": np.array([m[4] for m in meta])[ch],
        }
    )
    return df


def _stage_events(day0, length, ch, t_touch, owner, jid_conv, names, cust, t, first_buy, referrer):
    """Stage events (shared case D) from the journeys' touches and the orders."""
    n_j = len(length)
    first = np.r_[0, np.cumsum(length)[:-1]]
    last = np.cumsum(length) - 1
    jid = np.repeat(np.arange(n_j), length)
    consider_ch = [names.index(c) for c in
                   ("search_ads", "store_visit", "parenting_class", "referral", "messaging_article")]
    # Consider: the first considering touch from the second touch on.
    cand = np.isin(ch, consider_ch) & (np.arange(len(ch)) > first[jid])
    consider_at = np.full(n_j, np.nan)
    idx = np.flatnonzero(cand)
    first_cand = np.r_[True, jid[idx][1:] != jid[idx][:-1]]
    consider_at[jid[idx][first_cand]] = t_touch[idx][first_cand]
    ev_c, ev_t, ev_s = [], [], []

    def add(ids, when, stage):
        ev_c.append(ids)
        ev_t.append(when)
        ev_s.append(np.full(len(ids), STAGES.index(stage), np.int8))

    add(owner, t_touch[first], "discover")
    two = length >= 2
    add(owner[two], t_touch[first[two] + 1], "aware")
    has_c = ~np.isnan(consider_at)
    add(owner[has_c], consider_at[has_c], "consider")
    add(owner[jid_conv], t_touch[last[jid_conv]], "choose")
    # Orders: the 1st, 2nd and 3rd order of each customer.
    o = np.argsort(cust, kind="stable")
    cs, ts_ = cust[o], t[o]
    first_of = np.r_[True, cs[1:] != cs[:-1]]
    grp_start = np.maximum.accumulate(np.where(first_of, np.arange(len(cs)), 0))
    n_th = np.arange(len(cs)) - grp_start
    loyal_at = np.full(int(cs.max()) + 1 if len(cs) else 1, np.nan)
    for k, stage in ((0, "purchase"), (1, "satisfied"), (2, "loyal")):
        m = n_th == k
        ev_c.append(cs[m] + 1)
        ev_t.append(ts_[m])
        ev_s.append(np.full(int(m.sum()), STAGES.index(stage), np.int8))
    loyal_at[cs[n_th == 2]] = ts_[n_th == 2]
    # Advocate: a loyal customer who referred someone, from the later of the two dates.
    has_ref = referrer > 0
    adv = pd.Series(first_buy[has_ref]).groupby(referrer[has_ref]).min()
    adv_t = np.fmax(adv.to_numpy(), loyal_at[adv.index.to_numpy() - 1])
    ok = ~np.isnan(loyal_at[adv.index.to_numpy() - 1])
    ev_c.append(adv.index.to_numpy()[ok])
    ev_t.append(adv_t[ok])
    ev_s.append(np.full(int(ok.sum()), STAGES.index("advocate"), np.int8))
    cid = np.concatenate(ev_c).astype(np.int64)
    when = _to_ts(day0, np.concatenate(ev_t)).astype("datetime64[ns]")
    stage = np.concatenate(ev_s)
    order = np.lexsort((stage, when, cid))
    return pd.DataFrame(
        {
            "customer_id": cid[order],
            "timestamp": when[order],
            "stage": _str_column(stage[order], STAGES),
        }
    )
