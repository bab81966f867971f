"""The simulation of one block of customers, and the Parquet folder blocks stream into.

The generative story is told in :mod:`omnimkt.datasets.synthetic`; here it is
drawn, vectorised over the customers of one block.

A world of ``n`` customers is generated in blocks of at most ``block_size``
customers. Block 0 draws from the same random streams the generator has always
used, so a world of one block is unchanged; block ``b >= 1`` has its own
:class:`numpy.random.SeedSequence` child of the seed (spawn key ``1000 + b``),
so every block can be drawn, written and forgotten in turn.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm.auto import tqdm

from omnimkt._gate import check_bool, check_number
from omnimkt.datasets._synthetic_tables import (
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

#: The generator's checked settings (``omnimkt.datasets.synthetic._Settings``).
_Settings = Any

#: Customers per block: about 1 GB of tables in memory with every table built.
BLOCK_SIZE = 500_000
#: Spawn keys of blocks 1, 2, ... start here, far from the seven part streams (0-6).
_BLOCK_KEY0 = 1000


def block_sizes(n: int, block_size: int) -> list[int]:
    """Customers per block: full blocks, then the rest.

    >>> block_sizes(7, 3)
    [3, 3, 1]
    """
    size = check_number(block_size, "block_size", low=1, integer=True)
    return [min(size, n - start) for start in range(0, n, size)]


def block_seed(root: np.random.SeedSequence, b: int) -> np.random.SeedSequence:
    """The root of block ``b``'s streams; block 0 is the world's root itself."""
    if b == 0:
        return root
    return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, _BLOCK_KEY0 + b))


def check_out(out: Any, overwrite: Any, names: list[str]) -> Path:
    """The folder to write into, created if needed; ModelError naming ``out`` otherwise."""
    check_bool(overwrite, "overwrite")
    if not isinstance(out, (str, os.PathLike)):
        raise ModelError(f"out: expected a folder path, got {out!r:.60}.")
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise ModelError(f"out: {str(folder)!r} is a file, not a folder; give a folder path.")
    if folder.is_dir() and any(folder.iterdir()) and not overwrite:
        raise ModelError(f"out: the folder {str(folder)!r} is not empty; pass overwrite=True to "
                         f"replace the world's files in it, or give an empty or new folder.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".omnimkt_write_test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ModelError(f"out: cannot write into {str(folder)!r} ({exc.strerror or exc}); "
                         "give a folder you can write to.") from None
    for name in names:  # overwrite=True replaces only the files this world writes
        (folder / f"{name}.parquet").unlink(missing_ok=True)
    return folder


@dataclass
class ParquetSink:
    """One Parquet file per table, written a block at a time (row groups per block)."""

    folder: Path
    writers: dict[str, pq.ParquetWriter] = field(default_factory=dict)

    def write(self, name: str, df: pd.DataFrame, *, index: bool = False) -> None:
        table = pa.Table.from_pandas(df, preserve_index=index)
        if name not in self.writers:
            self.writers[name] = pq.ParquetWriter(self.folder / f"{name}.parquet", table.schema)
        self.writers[name].write_table(table)

    def close(self) -> dict[str, Path]:
        for w in self.writers.values():
            w.close()
        return {name: self.folder / f"{name}.parquet" for name in self.writers}


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
                     pack_switch, end_day, habit_strength=0.0):
    """Orders per customer until dropout or the end of observation.

    Also returns, per customer, the order from which the habit hazard
    ``p * (1 - habit_strength)`` applied (0: never): the first repeat order placed
    once the cans of the earlier orders add up to three or more.
    """
    n = len(t0)
    idx = np.arange(n)
    cust, times, qty = [idx], [t0], []
    q = np.where(rng.random(n) < pack_switch, rng.choice(pack_mix_keys, n, p=pack_mix_p), pack)
    qty.append(q)
    churn = np.where(trial, t0, np.nan)  # triers leave right after their first order
    cans = q.astype(np.int64)  # cans bought so far: finished by the time of the next order
    habit_order = np.zeros(n, np.int64)
    alive_idx, t, q_last = idx[~trial], t0[~trial], q[~trial]
    k = 1
    while len(alive_idx):
        k += 1
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
        habit = cans[alive_idx] >= 3
        habit_order[alive_idx[habit & (habit_order[alive_idx] == 0)]] = k
        cans[alive_idx] += q_next
        # x 1.0 without a habit: with habit_strength=0 the draws are exactly the old ones
        drop = rng.random(m) < p[alive_idx] * np.where(habit, 1.0 - habit_strength, 1.0)
        churn[alive_idx[drop]] = t_next[drop]
        keep = ~drop
        alive_idx, t, q_last = alive_idx[keep], t_next[keep], q_next[keep]
    return np.concatenate(cust), np.concatenate(times), np.concatenate(qty), churn, habit_order


def _block(cfg: _Settings, root: np.random.SeedSequence, names: list[str], bar: tqdm,
           label: str) -> dict:
    """One block of ``cfg.n`` customers with their prospects: tables and truth, local ids."""
    # One stream per part, so a table's content does not depend on which others are built.
    r_j, r_c, r_o, r_b, r_cu, r_tt, r_tp = (np.random.default_rng(s) for s in root.spawn(7))
    bar.set_postfix_str(label + "journeys")
    jr = _journeys(r_j, r_c, cfg)
    cu = _customer_traits(r_c, cfg, jr)
    bar.update()
    bar.set_postfix_str(label + "orders")
    p = cfg.params
    cust, t, qty, churn, cu["habit_order"] = _simulate_orders(
        r_o, jr["first_buy"], cu["g"], cu["p_drop"], cu["pack"], cu["trial"], p["regularity"],
        cfg.pack_keys, cfg.pack_p, p["pack_switch"], cfg.span, p["habit_strength"]
    )
    t, churn = _shop_hours(t), _shop_hours(churn)
    jr["first_buy"] = _shop_hours(jr["first_buy"])
    out = {"n": cfg.n, "truth_customers": _truth_customers(cfg, jr, cu, churn),
           "channels": jr["truth"], "n_journeys": len(jr["length"]),
           "n_prospects": jr["n_prospects"], "tables": {}}
    bar.update()
    for name in names:
        bar.set_postfix_str(label + name)
        if name == "transactions":
            df = _transactions(
                r_b, cfg.day0, cust, t, qty, cu["premium"], cu["home"], cu["stickiness"],
                cu["sales_keys"], cu["sales_p"], p["other_item_prob"], p["promo_prob"],
            )
        elif name == "customers":
            df = _customers(r_cu, cfg.day0, cfg.n, jr["first_buy"], cu["home"],
                            cu["sales_keys"], cu["referrer"])
        else:
            if "t_touch" not in jr:
                jr["t_touch"] = _touch_times(r_tt, jr["length"], jr["jend"])
            df = _journey_table(name, r_tp, cfg, jr, cust, t, qty, cu)
        out["tables"][name] = df
        bar.update()
    return out


class _Blocks:
    """Blocks put together: ids shifted to the whole world's, tables kept or written out.

    Customers of block ``b`` follow those of blocks ``0..b-1``; prospects take ids after
    all ``n`` customers, block by block; order ids run on over the blocks.
    """

    def __init__(self, cfg: _Settings, names: list[str], sink: ParquetSink | None):
        self.cfg, self.names, self.sink = cfg, names, sink
        self.c_off = self.p_off = self.o_off = self.n_journeys = 0
        self.parts: dict[str, list[pd.DataFrame]] = {x: [] for x in [*names, "truth_customers"]}
        self.channels: pd.DataFrame | None = None

    def add(self, blk: dict) -> None:
        n_b, tables = blk["n"], dict(blk["tables"], truth_customers=blk["truth_customers"])
        if self.c_off or self.p_off or self.o_off or n_b != self.cfg.n:
            _shift_ids(tables, n_b, self.cfg.n, self.c_off, self.p_off, self.o_off)
        if "transactions" in tables and len(tables["transactions"]):
            self.o_off = int(tables["transactions"]["order_id"].max())
        self.c_off += n_b
        self.p_off += blk["n_prospects"]
        self.n_journeys += blk["n_journeys"]
        ch = blk["channels"]
        if self.channels is None:
            self.channels = ch
        else:
            cols = ch.columns.drop("true_effect")
            self.channels[cols] = self.channels[cols] + ch[cols]
        for name, df in tables.items():
            if self.sink is None:
                self.parts[name].append(df)
            else:
                self.sink.write(name, df, index=name == "truth_customers")


def _shift_ids(tables: dict[str, pd.DataFrame], n_b: int, n: int, c_off: int, p_off: int,
               o_off: int) -> None:
    """Block-local ids (customers 1..n_b, then prospects) to the whole world's, in place."""
    for name, df in tables.items():
        if name == "truth_customers":
            df.index = df.index + c_off
            continue
        ids = df["customer_id"].to_numpy()
        df["customer_id"] = np.where(ids <= n_b, ids + c_off, ids - n_b + n + p_off)
        if name == "customers":
            df["referrer_id"] = df["referrer_id"] + c_off
        elif name == "transactions":
            df["order_id"] = df["order_id"] + o_off


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


def _truth_customers(cfg: _Settings, jr: dict, cu: dict, churn: np.ndarray) -> pd.DataFrame:
    """The ground truth of one block's customers (ids 1..n of the block)."""
    pack, pack_switch = cu["pack"], cfg.params["pack_switch"]
    mean_q = (1 - pack_switch) * pack + pack_switch * float(cfg.pack_keys @ cfg.pack_p)
    return pd.DataFrame(
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
            "three_cans_by_order": cu["habit_order"],
            "habit_dropout_prob": cu["p_drop"] * (1.0 - cfg.params["habit_strength"]),
        },
        index=pd.Index(np.arange(1, cfg.n + 1), name="customer_id"),
    )


def _journey_table(name: str, r_tp: np.random.Generator, cfg: _Settings, jr: dict,
                   cust: np.ndarray, t: np.ndarray, qty: np.ndarray, cu: dict) -> pd.DataFrame:
    """``touchpoints`` or ``stage_events`` from the journeys (and the orders)."""
    if name == "touchpoints":
        return _touchpoints(r_tp, cfg.day0, jr["length"], jr["jch"], jr["t_touch"], jr["owner"],
                            jr["names"], cfg.kol_shares)
    return _stage_events(cfg.day0, jr, (cust, t, qty), cu["g"], cu["referrer"],
                         cfg.params["satisfied_window_days"])


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
