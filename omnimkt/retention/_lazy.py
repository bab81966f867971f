"""The consumption clock (:func:`omnimkt.retention.depletion_table`) on a lazy frame.

Order lines are reduced in their engine (DuckDB or Spark, via narwhals) to one row
per customer and purchase day, then to each customer's state on the morning after
``cutoff``: last purchase day, units that day, units and amount so far, purchase
days, first day and the supply bought before the last purchase. Without
``carry_over`` (the default) that state is all the depletion date needs, so only
one row per customer comes back to pandas. ``carry_over=True`` is a running
maximum over each customer's purchase days (a queue); it is computed on the
customer-day rows collected to pandas, by the same numpy code as the pandas path.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from omnimkt._gate import as_day
from omnimkt.errors import DataError
from omnimkt.retention._clock import (
    _bad,
    _collapse,
    _day_number,
    _day_text,
    _PurchaseLog,
    _state_frame,
)
from omnimkt.segments._lazy import epoch_days

__all__ = ["customer_days", "state_lazy"]


def _collect(lf: nw.LazyFrame) -> pd.DataFrame:
    from omnimkt.data.engine import collect

    return collect(lf)


def _supply(names: list[str], rates: dict[str, float] | None, days_per_unit: float
            ) -> tuple[nw.Expr, nw.Expr]:
    units = nw.col("quantity").cast(nw.Float64) if "quantity" in names else nw.lit(1.0)
    if rates is None:
        return units, units * days_per_unit
    rate: Any = nw.lit(None, dtype=nw.Float64)
    for product, r in reversed(list(rates.items())):
        rate = nw.when(nw.col("product") == product).then(nw.lit(float(r))).otherwise(rate)
    return units, units * rate


def _check_lines(lf: nw.LazyFrame, names: list[str], rates: dict[str, float] | None) -> None:
    """The pandas path's unit and product checks as aggregate queries (same messages)."""
    checks = []
    if "quantity" in names:
        checks.append(("quantity", ~(nw.col("quantity").cast(nw.Float64) > 0)
                       | nw.col("quantity").is_null(),
                       "have zero, negative or missing units",
                       "Units must be positive (cans bought); drop refunds and empty lines "
                       "first."))
    if rates is not None:
        if "product" not in names:
            raise DataError(
                "transactions.product: column missing but a per-product consumption rate was "
                "given. Add the product column or pass consumption=None.")
        checks.append(("product", ~nw.col("product").is_in(list(rates))
                       | nw.col("product").is_null(),
                       "are products without a consumption rate",
                       "Add them to consumption={product: days per unit} or filter them out."))
    for col, bad, what, todo in checks:
        flagged = lf.filter(bad)
        n = int(_collect(flagged.select(nw.len().alias("n")))["n"].iloc[0])
        if n:
            # examples in the validated table's order (customer, time)
            head = _collect(flagged.sort("customer_id", "timestamp").select(col).head(50))
            err = _bad("transactions", col, np.ones(len(head), bool), head[col].to_numpy(),
                       what, todo)
            raise DataError(str(err).replace(f" {len(head):,} rows ", f" {n:,} rows ", 1))


def customer_days(lf: nw.LazyFrame, *, days_per_unit: float, rates: dict[str, float] | None,
                  category: str | None, cutoff: Any) -> tuple[nw.LazyFrame, int, int]:
    """Customer-day purchases (all of them), the list day and the data's last day."""
    names = lf.collect_schema().names()
    ends = _collect(lf.select(nw.col("timestamp").max().alias("last"), nw.len().alias("n")))
    total = int(ends["n"].iloc[0])
    last = ends["last"].iloc[0]
    data_end = None if pd.isna(last) else _day_number(as_day(last, "transactions.timestamp"))
    if category is not None and "category" in names:
        lf = lf.filter(nw.col("category") == category)
    if int(_collect(lf.select(nw.len().alias("n")))["n"].iloc[0]) == 0:
        where = (f" in category {category!r}"
                 if category is not None and "category" in names else "")
        raise DataError(
            f"transactions: no purchases{where} ({total:,} rows in total). "
            "The retention model needs at least one purchase; check the category "
            "argument (category=None uses every row).")
    _check_lines(lf, names, rates)
    units, supply = _supply(names, rates, days_per_unit)
    day = epoch_days(nw.col("timestamp"))
    days = (lf.with_columns(day=day, units=units, supply=supply,
                            amount=nw.col("amount").cast(nw.Float64).fill_null(0.0))
            .group_by("customer_id", "day")
            .agg(nw.col("units").sum(), nw.col("supply").sum(), nw.col("amount").sum()))
    line_end = int(_collect(days.select(nw.col("day").max().alias("d")))["d"].iloc[0])
    data_end = max(data_end if data_end is not None else -(2**62), line_end)
    day0 = as_day(cutoff, "cutoff", allow_none=True)
    list_day = data_end + 1 if day0 is None else _day_number(day0) + 1
    return days, list_day, data_end


def _empty(days: nw.LazyFrame, list_day: int) -> DataError:
    first = int(_collect(days.select(nw.col("day").min().alias("d")))["d"].iloc[0])
    return DataError(
        f"transactions: no purchases on or before cutoff={_day_text(list_day - 1)} "
        f"(first purchase on {_day_text(first)}). Choose a later cutoff.")


def state_lazy(lf: nw.LazyFrame, *, cutoff: Any, days_per_unit: float,
               rates: dict[str, float] | None, category: str | None, habit_units: float,
               carry_over: bool, learn: bool) -> pd.DataFrame:
    """:func:`omnimkt.retention.depletion_table` on a lazy transactions frame."""
    all_days, list_day, data_end = customer_days(lf, days_per_unit=days_per_unit, rates=rates,
                                                 category=category, cutoff=cutoff)
    days = all_days.filter(nw.col("day") < list_day)
    if carry_over and not learn:
        d = _collect(days.sort("customer_id", "day"))
        if d.empty:
            raise _empty(all_days, list_day)
        return _carry_over(d, list_day, data_end, habit_units, days_per_unit)
    last = nw.col("day").max().over("customer_id")
    per = (days.with_columns(is_last=nw.col("day") == last)
           .group_by("customer_id")
           .agg(nw.col("day").max().alias("last_day"), nw.col("day").min().alias("first_day"),
                nw.len().alias("n"), nw.col("units").sum().alias("units_total"),
                nw.col("amount").sum().alias("amount_total"),
                nw.col("supply").sum().alias("supply_total"),
                nw.when(nw.col("is_last")).then(nw.col("units")).otherwise(0.0).sum()
                .alias("units_last"),
                nw.when(nw.col("is_last")).then(nw.col("supply")).otherwise(0.0).sum()
                .alias("supply_last"))
            .sort("customer_id"))
    st = _collect(per)
    if st.empty:
        raise _empty(all_days, list_day)
    n = st["n"].to_numpy(dtype=np.int64)
    t = st["last_day"].to_numpy(dtype=np.float64)
    s = st["supply_last"].to_numpy(dtype=np.float64)
    factor = np.ones(len(st))
    if learn:
        prior = 3 * float(days_per_unit)
        before = st["supply_total"].to_numpy(dtype=np.float64) - s
        span = t - st["first_day"].to_numpy(dtype=np.float64)
        factor = np.clip(np.where(n >= 2, (span + prior) / (before + prior), 1.0), 0.25, 4.0)
    log = _PurchaseLog(
        ids=st["customer_id"].to_numpy(), code=np.arange(len(st), dtype=np.int64),
        day=st["last_day"].to_numpy(dtype=np.int64),
        units=st["units_last"].to_numpy(dtype=np.float64), supply=s,
        amount=np.full(len(st), np.nan), n=n,
        units_total=st["units_total"].to_numpy(dtype=np.float64),
        amount_total=st["amount_total"].to_numpy(dtype=np.float64),
        first_day=st["first_day"].to_numpy(dtype=np.int64), supply_before=np.zeros(len(st)),
        next_day=np.full(len(st), -1, np.int64), channel=None, data_end_day=data_end)
    rows = np.arange(len(st))
    return _state_frame(log, rows, t + factor * s, factor, list_day, habit_units)


def _carry_over(d: pd.DataFrame, list_day: int, data_end: int, habit_units: float,
                days_per_unit: float) -> pd.DataFrame:
    """Carry-over needs every purchase day in order: the queue runs in numpy."""
    codes, ids = pd.factorize(d["customer_id"], sort=True)
    day = d["day"].to_numpy(dtype=np.int64)
    d0 = int(day.min())
    span = int(day.max()) - d0 + 1
    key = codes.astype(np.int64) * span + day - d0
    log = _collapse(key, d["units"].to_numpy(dtype=np.float64),
                    d["supply"].to_numpy(dtype=np.float64),
                    d["amount"].to_numpy(dtype=np.float64), span, d0, np.asarray(ids), True,
                    None, data_end)
    rows = log.state_rows(list_day)
    dep, factor = log.depletion(carry_over=True, prior_days=3 * float(days_per_unit))
    return _state_frame(log, rows, dep, factor, list_day, habit_units)

