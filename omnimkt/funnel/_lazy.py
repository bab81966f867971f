"""Per-customer funnel levels computed in an engine (DuckDB or Spark, via narwhals).

Covers ``order="strict"``, ``by="customer"`` without ``exclude`` or ``breakdown``
(``attempts``, ``window_days``, ``start``/``end`` and step lists all work); the
other settings need every event of a customer in sequence (exact order, sessions)
or a per-row pick (breakdown values) and stay on the pandas path.

The rows are ordered as in :mod:`omnimkt.funnel.engine`: customer, time, then the
tie position of the event (earliest funnel step first, then the event name). A row
number within the customer gives that order; an attempt starts at every step-1 row
and each next step is the smallest row number after the previous step whose time
is within the window (a join on the customer, then ``min``), the ``searchsorted``
of the pandas engine written as a join.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from omnimkt._gate import day_after
from omnimkt.errors import DataError, ModelError, examples
from omnimkt.segments._lazy import epoch_seconds

__all__ = ["funnel_lazy", "supported"]


def _collect(lf: nw.LazyFrame) -> pd.DataFrame:
    from omnimkt.data.engine import collect

    return collect(lf)


def supported(spec: Any) -> None:
    """ModelError for settings the engine path does not run."""
    bad = [f"{name}={value!r}" for name, value, ok in (
        ("order", spec.order, spec.order == "strict"), ("by", spec.by, spec.by == "customer"),
        ("exclude", spec.excl, not spec.excl), ("breakdown", spec.breakdown,
                                                 spec.breakdown is None)) if not ok]
    if bad:
        raise ModelError(f"funnel on an engine source runs order='strict', by='customer' "
                         f"without exclude or breakdown; got {', '.join(bad)}. Pass a pandas "
                         "DataFrame of the events (e.g. collected for a sample of customers) "
                         "for these settings.")


def _names(step: Any) -> list[Any]:
    return list(step) if isinstance(step, list | tuple | set | frozenset) else [step]


def _open(events: Any, columns: Any, step_column: str) -> nw.LazyFrame:
    """The events with canonical names, checked like the pandas path's events table."""
    from omnimkt.data._engine_validate import canonical_lazy
    from omnimkt.data.engine import _open as open_source
    from omnimkt.data.engine import _rename
    from omnimkt.data.schema import TableSpec

    lf = _rename(open_source(events, "events"), columns, "events")
    names = lf.collect_schema().names()
    missing = [c for c in ("customer_id", "timestamp", step_column) if c not in names]
    if missing:
        wanted = ", ".join(repr(columns.source_name(c)) for c in missing)
        found = ", ".join(repr(str(c)) for c in names[:30]) or "none"
        raise DataError(
            f"events: missing required column(s) {wanted}. Available columns: {found}. If "
            "your data names them differently, map them with columns={canonical: yours} "
            "or pass step_column=...")
    spec = TableSpec("events", required=("customer_id", "timestamp"),
                     timestamps=("timestamp",))
    return canonical_lazy(lf.select("customer_id", "timestamp", step_column), spec, columns,
                          validate=True, allow_refunds=False, now=None, duplicates="keep")


def _tie(spec: Any, known: list[Any]) -> dict[Any, int]:
    """Tie position of each step event name: earliest step, then the name's sort order."""
    first = {}
    for k, step in enumerate(spec.steps):
        for n in _names(step):
            first.setdefault(n, k)
    try:
        ranked = sorted(first, key=lambda n: (first[n], n))
    except TypeError:
        ranked = sorted(first, key=lambda n: (first[n], str(n)))
    del known
    return {n: i for i, n in enumerate(ranked)}


def _rows(lf: nw.LazyFrame, spec: Any) -> nw.LazyFrame:
    """Step rows with their row number in the canonical order and one flag per step."""
    col = spec.step_column
    wanted = list(dict.fromkeys(n for s in spec.steps for n in _names(s)))
    seen = _collect(lf.filter(nw.col(col).is_in(wanted)).select(col).unique())[col].tolist()
    unknown = [n for n in wanted if n not in seen]
    if unknown:
        values = _collect(lf.select(col).unique().sort(col).head(8))[col].tolist()
        raise DataError(f"events.{col}: step name(s) {unknown} never occur; known "
                        f"values include {examples(values, 8)}. Check the spelling or "
                        "step_column.")
    tie: Any = nw.lit(None, dtype=nw.Int64)
    for name, pos in _tie(spec, seen).items():
        tie = nw.when(nw.col(col) == name).then(nw.lit(pos, dtype=nw.Int64)).otherwise(tie)
    rows = lf.filter(nw.col(col).is_in(wanted)).with_columns(tie=tie, t=epoch_seconds(
        nw.col("timestamp")))
    flags = {f"s{k}": nw.col(col).is_in(_names(s)) for k, s in enumerate(spec.steps)}
    return rows.with_columns(
        rn=nw.col("tie").cum_count().over("customer_id", order_by=["timestamp", "tie"]),
        **flags)


def _anchors(rows: nw.LazyFrame, spec: Any) -> nw.LazyFrame:
    a = rows.filter(nw.col("s0"))
    if spec.attempts == "first":
        a = a.filter(nw.col("rn") == nw.col("rn").min().over("customer_id"))
    if spec.start is not None:
        a = a.filter(nw.col("timestamp") >= spec.start.to_pydatetime())
    if spec.end is not None:
        a = a.filter(nw.col("timestamp") < day_after(spec.end).to_pydatetime())
    win = None if spec.win_ns is None else spec.win_ns // 10**9  # whole seconds
    deadline = nw.lit(None, dtype=nw.Int64) if win is None else nw.col("t") + win
    return a.select("customer_id", a_rn=nw.col("rn"), a_t=nw.col("t"), deadline=deadline,
                    rn_0=nw.col("rn"), t_0=nw.col("t"), entered=nw.col("timestamp"))


def funnel_lazy(events: Any, spec: Any, columns: Any) -> tuple[pd.DataFrame, None]:
    """Per-customer levels (customer_id, entered, steps_reached, step times in s) of the
    counted attempt of every customer who entered, sorted by customer_id."""
    from omnimkt.data.engine import materialized

    # the step rows (a window over every event) are read once per step: compute them once
    with materialized(_rows(_open(events, columns, spec.step_column), spec)) as rows:
        return _levels(rows, spec), None


def _levels(rows: nw.LazyFrame, spec: Any) -> pd.DataFrame:
    att = _anchors(rows, spec)
    for k in range(1, len(spec.steps)):
        cand = rows.filter(nw.col(f"s{k}")).select("customer_id", c_rn=nw.col("rn"),
                                                   c_t=nw.col("t"))
        ok = nw.col("c_rn") > nw.col(f"rn_{k - 1}")
        if spec.win_ns is not None:
            ok = ok & (nw.col("c_t") <= nw.col("deadline"))
        nxt = (att.filter(~nw.col(f"rn_{k - 1}").is_null())
               .join(cand, on="customer_id").filter(ok)
               .group_by("customer_id", "a_rn").agg(nw.col("c_rn").min().alias(f"rn_{k}")))
        t_k = rows.select("customer_id", **{f"rn_{k}": nw.col("rn"), f"t_{k}": nw.col("t")})
        nxt = nxt.join(t_k, on=["customer_id", f"rn_{k}"])
        att = att.join(nxt, on=["customer_id", "a_rn"], how="left")
    reached = sum((~nw.col(f"rn_{k}").is_null()).cast(nw.Int64)
                  for k in range(len(spec.steps)))
    att = att.with_columns(steps_reached=reached)
    best = att.with_columns(top=nw.col("steps_reached").max().over("customer_id"))
    best = best.filter(nw.col("steps_reached") == nw.col("top"))
    best = best.filter(nw.col("a_rn") == nw.col("a_rn").min().over("customer_id"))
    return _collect(best.select("customer_id", "entered", "a_t", "steps_reached",
                                *[f"t_{k}" for k in range(len(spec.steps))])
                    .sort("customer_id"))


def units_frame(out: pd.DataFrame, n_steps: int) -> pd.DataFrame:
    """The ``units`` table of :class:`~omnimkt.funnel.FunnelResult` from the levels."""
    a_t = out["a_t"].to_numpy(dtype=np.int64)
    units = pd.DataFrame({"customer_id": out["customer_id"].to_numpy()})
    units["entered"] = out["entered"].to_numpy(dtype="datetime64[ns]")
    units["steps_reached"] = out["steps_reached"].to_numpy(dtype=np.int64)
    for k in range(n_steps):
        t = out[f"t_{k}"]
        d = np.where(t.isna(), np.iinfo(np.int64).min,
                     (t.fillna(0).to_numpy(dtype=np.int64) - a_t) * 10**9)
        units[f"time_to_{k + 1}"] = pd.to_timedelta(d.view("timedelta64[ns]"))
    return units
