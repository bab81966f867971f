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
* **Habit ("three cans make a habit", case A).** Once the cans of a customer's
  earlier orders add up to three or more (they have been drunk by the time of the
  next order), the dropout probability after each order is ``p_i * (1 -
  habit_strength)``. ``truth.customers`` records ``three_cans_by_order`` (the
  first order at which the habit hazard applied, 0 if never) and
  ``habit_dropout_prob``. ``habit_strength=0`` (default) draws exactly the world
  without a habit.
* **Baskets.** Cans are sold in packs of 1, 3 or 6 (``pack_mix``; a customer keeps
  their usual pack except with probability ``pack_switch``); standard cans list at
  198 yuan and premium at 368, multi-packs and promotions give discounts, so both
  sub-200 and over-400 yuan baskets occur. About a third of orders add an item of
  another category.
* **Referrals and stages.** A customer whose journey holds a ``referral`` touch was
  referred by an earlier customer. Lifecycle stage events (shared case D) are
  emitted by behaviour, never by the outcome (:data:`STAGE_RULES`, also in
  ``truth.params["stage_rules"]``):

  - discover: the journey's first touch; aware: its second touch;
  - consider: the first considering touch (search, store visit, parenting class,
    referral, messaging article) from the second touch on;
  - choose: the first brand search or store visit from the second touch on --
    the prospect shortlists the brand whether or not they buy, so choose ->
    purchase is below 100% and some buyers never "choose";
  - purchase: the first order;
  - satisfied: a second order placed at most ``satisfied_window_days`` after
    the first order's cans ran out (``quantity / g_i`` weeks after it): the
    customer finished the cans and came back without lapsing. Late second
    orders are repeat purchases without satisfaction;
  - loyal: the third order; advocate: a loyal customer's first referral.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from omnimkt._gate import as_day, check_number, check_progress
from omnimkt.data.dataset import Dataset
from omnimkt.datasets._blocks import (
    BLOCK_SIZE,
    ParquetSink,
    _block,
    _Blocks,
    block_seed,
    block_sizes,
    check_out,
)
from omnimkt.datasets._synthetic_tables import (
    FORMULA_PRICES,
    KOL_ACCOUNTS,
    OTHER_PRODUCTS,
    PACK_DISCOUNT,
    REGIONS,
    SALES_CHANNELS,
    TOUCH_CHANNELS,
    _check_mix,
)
from omnimkt.datasets.social import kol_click_shares
from omnimkt.errors import ModelError

__all__ = [
    "ALL_TABLES", "FORMULA_PRICES", "KOL_ACCOUNTS", "OTHER_PRODUCTS", "PACK_DISCOUNT", "REGIONS",
    "SALES_CHANNELS", "STAGE_RULES", "TOUCH_CHANNELS", "GroundTruth", "SyntheticWorld", "WorldFiles", "generate",
]

ALL_TABLES = ("transactions", "touchpoints", "customers", "stage_events")

#: How each stage event of ``stage_events`` is emitted (see the module docstring).
STAGE_RULES: dict[str, str] = {
    "discover": "first touch of the journey",
    "aware": "second touch of the journey",
    "consider": "first touch from the second on in search_ads, store_visit, parenting_class, "
                "referral or messaging_article",
    "choose": "first touch from the second on in search_ads or store_visit (bought or not)",
    "purchase": "first order",
    "satisfied": "second order placed at most satisfied_window_days after the first order's "
                 "cans ran out (first order quantity / cans_per_week weeks after it)",
    "loyal": "third order",
    "advocate": "first referral made by a loyal customer (from the later of the two dates)",
}


@dataclass
class GroundTruth:
    """What the generator knows and models should recover.

    Attributes
    ----------
    customers : DataFrame indexed by customer_id
        purchase_rate (orders per week while alive), cans_per_week (share of
        wallet g), dropout_prob, pack_size, price_tier, referred, alive_at_end,
        churn_date (NaT while alive at the end of observation),
        three_cans_by_order (the first order placed with three cans finished,
        from which the habit hazard applied; 0 if never) and
        habit_dropout_prob (the dropout probability used from then on).
    channels : DataFrame indexed by channel
        true_effect, touches, journeys_touched, conversions_touched and
        incremental_conversions (expected conversions lost without the channel).
    params : dict
        The generator's settings; ``stage_rules`` says how each stage event is
        emitted.
    """

    customers: pd.DataFrame
    channels: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(repr=False)
class SyntheticWorld(Dataset):
    """A :class:`~omnimkt.data.Dataset` with its ground truth and observation end."""

    truth: GroundTruth | None = None
    observation_end: pd.Timestamp | None = None

    def tables(self) -> list[str]:
        """Names of the tables present (the truth and the observation end are not tables)."""
        return [t for t in super().tables() if t not in ("truth", "observation_end")]


@dataclass
class WorldFiles:
    """A world written to Parquet by ``generate(..., out=folder)``.

    Attributes
    ----------
    folder : Path
        Where the files are.
    paths : dict
        Table name -> Parquet file, ``truth_customers`` included (the per-customer
        truth, indexed by customer_id).
    channels : DataFrame
        The channels' truth, as ``GroundTruth.channels``.
    params : dict
        The generator's settings, as ``GroundTruth.params``.
    observation_end : Timestamp
        The last moment observed.
    """

    folder: Path
    paths: dict[str, Path]
    channels: pd.DataFrame
    params: dict[str, Any]
    observation_end: pd.Timestamp


def _rng(seed: int | np.random.Generator) -> np.random.SeedSequence:
    """The root of the world's streams (a Generator seed draws one integer from itself)."""
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(2**63)))
    return np.random.SeedSequence(check_number(seed, "seed", low=0, integer=True))


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
    kol_shares: np.ndarray | None = None  # one set per world, shared by its blocks


def _kol_shares(root: np.random.SeedSequence) -> np.ndarray:
    """The KOL accounts' click shares of the whole world, from the social mechanism.

    Drawn from the stream that block 0's touchpoint generator would spawn first (spawn key
    ``(6, 0)`` below the root), so a one-block world is unchanged and every block of a
    larger world spreads its KOL touches over the same accounts.
    """
    seq = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, 6, 0))
    return kol_click_shares(np.random.default_rng(seq), KOL_ACCOUNTS, topic="infant_formula")


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
    m["satisfied_window_days"] = check_number(m["satisfied_window_days"],
                                              "satisfied_window_days", low=0)
    for name in ("pack_switch", "premium_share", "other_item_prob", "promo_prob",
                 "habit_strength"):
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
    habit_strength: float = 0.0,
    satisfied_window_days: float = 14.0,
    progress: bool | None = None,
    out: str | os.PathLike | None = None,
    overwrite: bool = False,
    _block_size: int = BLOCK_SIZE,
) -> SyntheticWorld | WorldFiles:
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
    habit_strength : float in [0, 1]
        Once a customer has finished three cans (the cans of their earlier
        orders add up to >= 3), their dropout probability after each order is
        multiplied by ``1 - habit_strength``. 0 (default) is the world without
        a habit; 1 means nobody with the habit drops out.
    satisfied_window_days : float >= 0
        The "satisfied" stage: a second order at most this many days after the
        first order's cans ran out (expected depletion ``quantity / g`` weeks).
    progress : bool, optional
        Show a progress bar over the generation steps of every block; by default
        (``None``) only from 200,000 customers on (about a few seconds of work).
    out : path-like, optional
        A folder to write the world to as Parquet instead of returning it: one
        ``<table>.parquet`` per table (one row group per block) and
        ``truth_customers.parquet`` (indexed by customer_id). Only one block of
        rows is ever held in memory. Read back with ``pd.read_parquet(path)`` or
        DuckDB's ``read_parquet``; the rows equal the in-memory world's of the
        same arguments, bit for bit. The folder is created if needed; a file, a
        folder that cannot be written, or a non-empty folder without
        ``overwrite`` raise :class:`omnimkt.ModelError`.
    overwrite : bool
        Allow ``out`` to be a non-empty folder; the world's files in it are
        replaced, other files are left alone.

    Returns
    -------
    SyntheticWorld
        ``.transactions``, ``.touchpoints``, ``.customers``, ``.stage_events``
        (those asked for), ``.truth`` and ``.observation_end``.
    WorldFiles
        With ``out``: the paths written, the channels' truth and the settings.

    Notes
    -----
    **Blocks.** Customers are generated in blocks of 500,000. A world of one
    block is drawn exactly as it always was; block ``b >= 1`` draws from its own
    random streams spawned from ``seed``, so the in-memory world and the one
    written to ``out`` are the same. Each block is a complete smaller world over
    the whole window: its own journeys, prospects, orders and referrals (a
    referrer is an earlier customer *of the same block*). Put together:

    * customer ids run 1..n block after block (ids follow the first purchase
      within a block, not across blocks); prospects take ids after all ``n``
      customers, block after block; order ids run on over the blocks;
    * rows of every table come block by block (each block's rows sorted as in
      a one-block world), and ``truth.customers`` is the blocks' concatenation;
    * ``truth.channels`` sums the blocks' counts and expected incremental
      conversions; ``truth.params`` sums ``n_journeys`` and ``n_prospects``.

    Examples
    --------
    >>> world = generate(200, seed=1)
    >>> world.customers.shape[0]
    200
    >>> bool(world.truth.channels["true_effect"].idxmax() == "referral")
    True
    >>> import tempfile
    >>> files = generate(200, seed=1, out=tempfile.mkdtemp(), tables="transactions")
    >>> sorted(files.paths)
    ['transactions', 'truth_customers']
    >>> pd.read_parquet(files.paths["transactions"]).equals(
    ...     generate(200, seed=1, tables="transactions").transactions)
    True
    """
    cfg = _check_settings(n_customers, seed, start, end, tables, progress, dict(
        r=r, alpha=alpha, a=a, b=b, regularity=regularity, trial_dropout=trial_dropout,
        pack_mix=pack_mix, pack_switch=pack_switch, premium_share=premium_share,
        other_item_prob=other_item_prob, promo_prob=promo_prob, journey_mean=journey_mean,
        base_rate=base_rate, channel_mix=channel_mix, habit_strength=habit_strength,
        satisfied_window_days=satisfied_window_days))
    sizes = block_sizes(cfg.n, _block_size)
    names = [x for x in ALL_TABLES if x in cfg.tables]
    folder = None if out is None else check_out(out, overwrite, [*names, "truth_customers"])
    root = _rng(seed)
    if "touchpoints" in names:
        cfg = replace(cfg, kol_shares=_kol_shares(root))
    steps = ["journeys", "orders", *names]
    bar = tqdm(total=len(sizes) * len(steps), desc="generate", unit="step", disable=not cfg.show)
    acc = _Blocks(cfg, names, None if folder is None else ParquetSink(folder))
    for b, n_b in enumerate(sizes):
        label = f"block {b + 1}/{len(sizes)} " if len(sizes) > 1 else ""
        acc.add(_block(replace(cfg, n=n_b), block_seed(root, b), names, bar, label))
    bar.close()
    return _finish(acc, str(start), str(end))


def _params(cfg: _Settings, start: str, end: str, n_journeys: int, n_prospects: int) -> dict:
    p = cfg.params
    return dict(
        n_customers=cfg.n, start=start, end=end, r=p["r"], alpha=p["alpha"], a=p["a"], b=p["b"],
        regularity=p["regularity"], trial_dropout=p["trial_dropout"],
        pack_mix=dict(zip(cfg.pack_keys.tolist(), cfg.pack_p.tolist(), strict=True)),
        pack_switch=p["pack_switch"], premium_share=p["premium_share"],
        journey_mean=p["journey_mean"], base_rate=p["base_rate"], n_journeys=n_journeys,
        n_prospects=n_prospects, time_unit_of_rates="weeks",
        habit_strength=p["habit_strength"], satisfied_window_days=p["satisfied_window_days"],
        stage_rules=dict(STAGE_RULES),
    )


def _finish(acc: _Blocks, start: str, end: str) -> SyntheticWorld | WorldFiles:
    """The world (or the files written) from the blocks put together."""
    params = _params(acc.cfg, start, end, acc.n_journeys, acc.p_off)
    end_ts = pd.Timestamp(acc.cfg.end_ts)
    if acc.sink is not None:
        paths = acc.sink.close()
        return WorldFiles(acc.sink.folder, paths, acc.channels, params, end_ts)
    frames = {name: (dfs[0] if len(dfs) == 1 else pd.concat(dfs, ignore_index=name !=
                                                            "truth_customers"))
              for name, dfs in acc.parts.items()}
    truth = GroundTruth(frames.pop("truth_customers"), acc.channels, params)
    return SyntheticWorld(transactions=frames.pop("transactions", None), **frames,
                          truth=truth, observation_end=end_ts)
