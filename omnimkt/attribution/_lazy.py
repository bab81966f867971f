"""The distinct-path table of :func:`omnimkt.attribution.build_paths`, computed in an engine.

Touches and conversions are put on one timeline per customer (narwhals over DuckDB
or Spark); a running count of conversions gives every touch its journey, exactly
as the pandas path's ``searchsorted``. Each journey's ordered channels are then
packed into integers (channel code + 1 as a digit in base ``n_channels + 1``, a
few positions per int64 "chunk"), so grouping journeys by their path is a plain
``group_by`` on integer columns: narwhals has no ordered string aggregation that
runs on both DuckDB and Spark, and integers group faster anyway. Only the distinct
paths come back to pandas, where the digits are decoded into channel codes.
"""

from __future__ import annotations

import math
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from omnimkt.segments._lazy import epoch_seconds

__all__ = ["paths_lazy"]

_KEY = ["customer_id", "k"]


def _collect(lf: nw.LazyFrame) -> pd.DataFrame:
    from omnimkt.data.engine import collect

    return collect(lf)


def _lookup(col: str, values: dict[Any, int]) -> nw.Expr:
    """``values[col]`` as a when/then chain (the mapping is small: channels, positions)."""
    out: Any = nw.lit(None, dtype=nw.Int64)
    for key, v in values.items():
        out = nw.when(nw.col(col) == key).then(nw.lit(v, dtype=nw.Int64)).otherwise(out)
    return out


def _timeline(tp: nw.LazyFrame, tx: nw.LazyFrame, conversion: str) -> nw.LazyFrame:
    """Touches and conversions on one timeline, each with its journey number k
    (:func:`_split` separates them)."""
    if conversion == "first_purchase":
        tx = tx.filter(nw.col("timestamp") == nw.col("timestamp").min().over("customer_id"))
    conv = (tx.group_by("customer_id", "timestamp").agg(nw.col("amount").sum().alias("value"))
            .with_columns(is_conv=nw.lit(1, dtype=nw.Int64), channel=nw.lit(None, nw.String)))
    touches = tp.select("customer_id", "timestamp", "channel",
                        is_conv=nw.lit(0, dtype=nw.Int64),
                        value=nw.lit(None, dtype=nw.Float64))
    # the two tables may come from different files: one schema for the union
    ids = {str(f.collect_schema()["customer_id"]) for f in (touches, conv)}
    types = {"customer_id": nw.String if len(ids) > 1 else None,
             "timestamp": nw.Datetime("us"), "channel": nw.String,
             "is_conv": nw.Int64, "value": nw.Float64}

    def typed(f: nw.LazyFrame) -> nw.LazyFrame:
        return f.select([nw.col(c).cast(t) if t is not None else nw.col(c)
                         for c, t in types.items()])

    both = nw.concat([typed(touches), typed(conv)], how="vertical")
    # a touch at the very moment of a purchase belongs to it: touches sort first at ties
    both = both.with_columns(
        k=nw.col("is_conv").cum_sum().over("customer_id", order_by=["timestamp", "is_conv"])
        - nw.col("is_conv"),
        n_conv=nw.col("is_conv").sum().over("customer_id"))
    return both


def _split(both: nw.LazyFrame) -> tuple[nw.LazyFrame, nw.LazyFrame]:
    conv = both.filter(nw.col("is_conv") == 1).select(
        "customer_id", "k", conv_ts=nw.col("timestamp"), value=nw.col("value"))
    touches = both.filter(nw.col("is_conv") == 0).drop("is_conv", "value")
    return conv, touches


def _kept(conv: nw.LazyFrame, touches: nw.LazyFrame, conversion: str, include_nulls: bool,
          window_days: float | None) -> nw.LazyFrame:
    """Touches inside a journey and its window: customer_id, k, timestamp, channel."""
    is_null = nw.col("k") == nw.col("n_conv")
    if conversion == "first_purchase":  # touches after the first purchase: no journey
        touches = touches.filter((nw.col("k") == 0) | is_null)
    if not include_nulls:
        touches = touches.filter(~is_null)
    t = touches.join(conv.select(*_KEY, "conv_ts"), on=_KEY, how="left")
    # a null journey ends at its last touch
    end = nw.when(is_null).then(nw.col("timestamp").max().over(*_KEY)).otherwise(
        nw.col("conv_ts"))
    t = t.with_columns(end=end)
    if window_days is not None:
        # whole seconds (see epoch_seconds): d <= window  <=>  d <= floor(window in s)
        win_s = int(round(window_days * 86400e9)) // 10**9
        t = t.filter(epoch_seconds(nw.col("end")) - epoch_seconds(nw.col("timestamp")) <= win_s)
    return t.select(*_KEY, "timestamp", "channel")


def _packed(kept: nw.LazyFrame, channels: list[str], max_len: int) -> tuple[nw.LazyFrame, int]:
    """One row per journey: integer chunks c0.. holding its ordered channel codes."""
    base = len(channels) + 1
    per = max(1, int(62 / math.log2(base)))  # positions per int64 chunk
    n_chunks = max(1, math.ceil(max_len / per))
    pos = nw.col("channel").cum_count().over(*_KEY, order_by=["timestamp", "channel"]) - 1
    t = kept.with_columns(code=_lookup("channel", {c: i for i, c in enumerate(channels)}),
                          pos=pos)
    t = t.with_columns(chunk=nw.col("pos") // per, slot=nw.col("pos") % per).with_columns(
        digit=(nw.col("code") + 1) * _lookup("slot", {i: base ** i for i in range(per)}))
    aggs = [nw.when(nw.col("chunk") == j).then(nw.col("digit")).otherwise(0).sum()
            .alias(f"c{j}") for j in range(n_chunks)]
    return t.group_by(*_KEY).agg(*aggs), n_chunks


def _decode(table: pd.DataFrame, n_chunks: int, base: int, per: int
            ) -> tuple[np.ndarray, np.ndarray]:
    """Channel codes and offsets of the distinct paths from their integer chunks."""
    codes: list[int] = []
    offsets = [0]
    chunks = table[[f"c{j}" for j in range(n_chunks)]].to_numpy(dtype=np.int64)
    for row in chunks:
        for v in row.tolist():
            for _ in range(per):
                if v == 0:
                    break
                codes.append(v % base - 1)
                v //= base
        offsets.append(len(codes))
    return np.asarray(codes, dtype=np.int32), np.asarray(offsets, dtype=np.int64)


def paths_lazy(tp: nw.LazyFrame, tx: nw.LazyFrame, *, window_days: float | None,
               conversion: str, include_nulls: bool, no_touch: str, direct_label: str,
               params: dict) -> Any:
    """:func:`~omnimkt.attribution.build_paths` on lazy frames: a :class:`Paths` with one
    row per distinct path (``journeys`` and ``days_before`` are not kept)."""
    from omnimkt.data.engine import materialized

    # the windows over the raw touches run once; every query below reads the kept rows
    with materialized(_timeline(tp, tx, conversion)) as both:
        conv, touches = _split(both)
        with materialized(_kept(conv, touches, conversion, include_nulls, window_days)) as kept:
            return _distinct_paths(conv, kept, no_touch, direct_label, params)


def _distinct_paths(conv: nw.LazyFrame, kept: nw.LazyFrame, no_touch: str, direct_label: str,
                    params: dict) -> Any:
    from omnimkt.attribution.paths import Paths

    journeys = kept.group_by(*_KEY).agg(nw.len().alias("n"))
    lost = conv.join(journeys, on=_KEY, how="anti")
    info = _collect(lost.select(nw.len().alias("n"), nw.col("value").sum().alias("v")))
    n_lost, v_lost = int(info["n"].iloc[0]), float(info["v"].fillna(0.0).iloc[0])
    top = _collect(journeys.select(nw.col("n").max().alias("m")))["m"].iloc[0]
    max_len = 0 if pd.isna(top) else int(top)
    channels = sorted(_collect(kept.select("channel").unique())["channel"].astype(str))
    direct = no_touch == "direct" and n_lost > 0
    if direct:
        channels = sorted(set(channels) | {direct_label})
        lost_rows = lost.select(*_KEY, timestamp=nw.col("conv_ts"),
                                channel=nw.lit(direct_label, nw.String))
        kept = nw.concat([kept, lost_rows], how="vertical")
        max_len = max(max_len, 1)
    unattributed = (0.0, 0.0) if direct else (float(n_lost), v_lost)
    base = len(channels) + 1
    per = max(1, int(62 / math.log2(base)))
    packed, n_chunks = _packed(kept, channels, max_len)
    chunk_cols = [f"c{j}" for j in range(n_chunks)]
    is_conv = (~nw.col("value").is_null()).cast(nw.Float64)
    table = _collect(
        packed.join(conv.select(*_KEY, "value"), on=_KEY, how="left")
        .group_by(*chunk_cols)
        .agg(is_conv.sum().alias("conversions"), nw.col("value").sum().alias("value"),
             (1.0 - is_conv).sum().alias("nulls"))
        .sort(*chunk_cols))
    codes, offsets = _decode(table, n_chunks, base, per)
    return Paths(channels=channels, codes=codes, offsets=offsets,
                 conversions=table["conversions"].to_numpy(dtype=float),
                 value=table["value"].fillna(0.0).to_numpy(dtype=float),
                 nulls=table["nulls"].to_numpy(dtype=float),
                 unattributed_conversions=unattributed[0],
                 unattributed_value=unattributed[1], params=params)
