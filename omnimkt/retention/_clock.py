"""Consumption clock: order lines -> customer-day purchases and expected depletion dates."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import (
    as_columns,
    as_day,
    check_bool,
    check_frame,
    check_number,
    to_local_naive,
)
from omnimkt.data import validate_transactions
from omnimkt.errors import DataError, ModelError, examples

_DAY_NS = 86_400 * 1_000_000_000
_EPOCH = pd.Timestamp("1970-01-01")

__all__ = [
    "depletion_table",
]


# --------------------------------------------------------------------------
# Purchase log: raw order lines -> one row per customer and purchase day,
# with prefix statistics (everything known right after that purchase).
# --------------------------------------------------------------------------


@dataclass
class _PurchaseLog:
    """Customer-day purchases sorted by (customer, day) with prefix state.

    All arrays have one entry per purchase day of a customer. ``day`` is in
    days since 1970-01-01. Prefix quantities (``n``, ``units_total``, ...)
    describe what is known right after that purchase, so the state of a
    customer on any date is simply its last row before that date.
    """

    ids: np.ndarray          # customer_id per customer code
    code: np.ndarray         # customer code per row (int64)
    day: np.ndarray          # purchase day (int64, days since epoch)
    units: np.ndarray        # units bought that day
    supply: np.ndarray       # days of consumption bought that day (units x rate)
    amount: np.ndarray       # amount paid that day (nan when no amount column)
    n: np.ndarray            # purchase number (1 = first purchase day)
    units_total: np.ndarray  # cumulative units
    amount_total: np.ndarray  # cumulative amount
    first_day: np.ndarray    # first purchase day of the customer
    supply_before: np.ndarray  # cumulative supply before this purchase
    next_day: np.ndarray     # next purchase day of the same customer (-1 if none)
    channel: np.ndarray | None  # most used sales channel per customer code, or None
    data_end_day: int        # last day of the whole log (all categories)

    def __len__(self) -> int:
        return len(self.day)

    @property
    def min_day(self) -> int:
        return int(self.day.min())

    @property
    def max_day(self) -> int:
        return int(self.day.max())

    def state_rows(self, list_day: int) -> np.ndarray:
        """Row index of each customer's last purchase strictly before ``list_day``."""
        known = self.day < list_day
        same_next = np.empty_like(known)
        same_next[:-1] = known[1:] & (self.code[1:] == self.code[:-1])
        same_next[-1] = False
        return np.flatnonzero(known & ~same_next)

    def depletion(
        self,
        *,
        carry_over: bool = True,
        learn: bool = False,
        prior_days: float = 21.0,
        factor_bounds: tuple[float, float] = (0.25, 4.0),
    ) -> tuple[np.ndarray, np.ndarray]:
        """Expected depletion day after each purchase and the consumption factor used.

        ``carry_over``: stock left from earlier purchases adds to the new one
        (a queue: ``D_n = max(t_n, D_{n-1}) + supply_n``). ``learn``: scale the
        nominal rate by the customer's own pace (days elapsed / days of supply
        bought before the last purchase), shrunk towards 1 by ``prior_days``
        of pseudo-observation; carry-over is then off because the learned
        pace already absorbs buying ahead.
        """
        t = self.day.astype(np.float64)
        s = self.supply
        factor = np.ones(len(t))
        if learn:
            span = t - self.first_day
            factor = (span + prior_days) / (self.supply_before + prior_days)
            factor = np.where(self.n >= 2, factor, 1.0)
            factor = np.clip(factor, *factor_bounds)
            return t + factor * s, factor
        if not carry_over:
            return t + s, factor
        # Closed form of the queue recursion: D_n = C_n + max_{k<=n}(t_k - C_{k-1}),
        # with C the cumulative supply within the customer. A per-customer offset
        # larger than any value range lets one global cummax restart per customer.
        c_before = self.supply_before
        v = t - c_before
        lo = float(v.min())
        width = float(v.max() - lo) + 1.0
        shifted = (v - lo) + self.code.astype(np.float64) * width
        run = np.maximum.accumulate(shifted) - self.code.astype(np.float64) * width + lo
        return c_before + s + run, factor


def _bad(table: str, column: str, mask: np.ndarray, values, what: str, todo: str) -> DataError:
    count = int(np.count_nonzero(mask))
    ex = examples(pd.unique(np.asarray(values)[mask]))
    return DataError(f"{table}.{column}: {count:,} rows {what} (e.g. {ex}). {todo}")


def _day_number(ts: pd.Timestamp) -> int:
    """A naive midnight Timestamp as days since 1970-01-01."""
    return int((ts - _EPOCH) // pd.Timedelta(days=1))


def _to_ts(days: np.ndarray) -> np.ndarray:
    """Days since epoch (int or float) -> datetime64[ns] (NaT where nan)."""
    days = np.asarray(days, dtype=np.float64)
    out = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[ns]")
    ok = np.isfinite(days)
    out[ok] = (np.round(days[ok] * _DAY_NS)).astype("int64").astype("datetime64[ns]")
    return out


def _day_text(day: int) -> str:
    return str(_to_ts(np.array([day]))[0])[:10]


def _check_clock(days_per_unit: Any, consumption: Any, category: Any) -> dict[str, float] | None:
    """The clock settings checked with the gate; returns the per-product rates (or None)."""
    check_number(days_per_unit, "days_per_unit", low=0, low_open=True)
    if category is not None and not isinstance(category, str):
        raise ModelError(f"category: expected a category name such as 'formula' or None, "
                         f"got {category!r}.")
    if consumption is None:
        return None
    if not isinstance(consumption, Mapping):
        raise ModelError(f"consumption: expected a dict {{product: days per unit}}, got "
                         f"{type(consumption).__name__}.")
    rates = {}
    for product, rate in consumption.items():
        rates[product] = check_number(rate, f"consumption[{product!r}]", low=0, low_open=True)
    return rates


def _build_log(
    transactions: pd.DataFrame,
    *,
    days_per_unit: float = 7.0,
    consumption: Mapping[str, float] | None = None,
    category: str | None = "formula",
) -> _PurchaseLog:
    """Collapse canonical order lines to customer-day purchases with prefix state.

    Works on numpy arrays and frees each line-level array as soon as it is
    reduced: at 20M lines memory, not time, is the limit.
    """
    rates = _check_clock(days_per_unit, consumption, category)
    missing = [c for c in ("customer_id", "timestamp") if c not in transactions.columns]
    if missing:
        raise DataError(
            f"transactions: missing column(s) {missing}; have {list(transactions.columns)[:8]}. "
            "Rename them or map them with columns={...}.")
    tx, chan, chan_names, data_end_day = _category_lines(transactions, category, consumption)
    ids_raw = tx["customer_id"].to_numpy()
    day = _line_days(tx["timestamp"])
    data_end_day = max(data_end_day if data_end_day is not None else -(2**62), int(day.max()))
    q, supply = _units_and_supply(tx, rates, float(days_per_unit))
    has_amount = "amount" in tx.columns
    amt = (pd.to_numeric(tx["amount"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
           if has_amount else np.full(len(tx), np.nan))
    del tx
    codes, ids = _customer_codes(ids_raw)
    del ids_raw
    d0 = int(day.min())
    span = int(day.max()) - d0 + 1
    # memory matters at 20M lines: build the sort key in place, free line arrays early
    key = codes * span
    key += day
    key -= d0
    del day
    channel_mode = None if chan is None else _channel_mode(codes, chan, chan_names, len(ids))
    del codes, chan
    return _collapse(key, q, supply, amt, span, d0, ids, has_amount, channel_mode, data_end_day)


def _category_lines(transactions: pd.DataFrame, category: str | None, consumption: Any
                    ) -> tuple[pd.DataFrame, np.ndarray | None, Any, int | None]:
    """The needed columns of the category's lines, their channel codes and the log's last day."""
    tx = transactions
    data_end_day = None
    if pd.api.types.is_datetime64_any_dtype(tx["timestamp"]) and len(tx):
        last = tx["timestamp"].max()
        if not pd.isna(last):
            # outcomes can be observed up to the end of the whole log, not only
            # up to the last purchase in the category
            data_end_day = _day_number(as_day(last, "transactions.timestamp"))
    # under copy-on-write this selection is free; the category filter then copies only these
    keep = [c for c in ("customer_id", "timestamp", "quantity", "amount", "product")
            if c in tx.columns and (c != "product" or consumption is not None)]
    chan = chan_names = None
    if "channel" in tx.columns:
        # factorize the (Arrow-backed) strings once, before filtering, to keep int codes only
        chan, chan_names = pd.factorize(tx["channel"], use_na_sentinel=False)
    if category is not None and "category" in tx.columns:
        mask = (tx["category"] == category).to_numpy(dtype=bool, na_value=False)
        tx = tx[keep].loc[mask]
        if chan is not None:
            chan = chan[mask]
    else:
        tx = tx[keep]
    if len(tx) == 0:
        where = (f" in category {category!r}"
                 if category is not None and "category" in transactions.columns else "")
        raise DataError(
            f"transactions: no purchases{where} ({len(transactions):,} rows in total). "
            "The retention model needs at least one purchase; check the category "
            "argument (category=None uses every row).")
    if pd.isna(tx["customer_id"].to_numpy()).any():
        bad = int(pd.isna(tx["customer_id"].to_numpy()).sum())
        raise DataError(f"transactions.customer_id: {bad:,} rows have no customer id. "
                        "Drop anonymous purchases before modelling retention.")
    return tx, chan, chan_names, data_end_day


def _line_days(ts: pd.Series) -> np.ndarray:
    """Purchase day of each line (days since epoch), local wall-clock day for aware times."""
    if not pd.api.types.is_datetime64_any_dtype(ts):
        raise DataError("transactions.timestamp: not datetimes. Run "
                        "omnimkt.data.validate_transactions first (validate=True does it).")
    tsv = to_local_naive(ts).to_numpy(dtype="datetime64[ns]")
    if np.isnat(tsv).any():
        raise DataError(f"transactions.timestamp: {int(np.isnat(tsv).sum()):,} rows have no "
                        "date. Drop or fix them.")
    return tsv.view("int64") // _DAY_NS


def _units_and_supply(tx: pd.DataFrame, rates: dict[str, float] | None, days_per_unit: float
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Units per line (1 without a quantity column) and the days of consumption they buy."""
    if "quantity" in tx.columns:
        q = pd.to_numeric(tx["quantity"], errors="coerce").to_numpy(dtype=np.float64,
                                                                    na_value=np.nan)
        bad = ~(q > 0)  # catches nan, zero and negative
        if bad.any():
            raise _bad("transactions", "quantity", bad, tx["quantity"].to_numpy(),
                       "have zero, negative or missing units",
                       "Units must be positive (cans bought); drop refunds and empty lines first.")
    else:
        q = np.ones(len(tx))
    if rates is None:
        return q, q * days_per_unit
    if "product" not in tx.columns:
        raise DataError(
            "transactions.product: column missing but a per-product consumption rate was "
            "given. Add the product column or pass consumption=None.")
    pcode, pnames = pd.factorize(tx["product"], use_na_sentinel=False)
    prate = np.array([rates.get(p, np.nan) if isinstance(p, str) else np.nan for p in pnames],
                     dtype=np.float64)
    rate = prate[pcode]
    bad = np.isnan(rate)
    if bad.any():
        raise _bad("transactions", "product", bad, np.asarray(pnames, dtype=object)[pcode],
                   "are products without a consumption rate",
                   "Add them to consumption={product: days per unit} or filter them out.")
    return q, q * rate


def _customer_codes(ids_raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer code per line and the customer id of each code (ids sorted)."""
    if (ids_raw.dtype.kind in "iu" and len(ids_raw) > 1
            and bool(np.all(ids_raw[1:] >= ids_raw[:-1]))):
        # validated data come sorted by customer: codes by counting id changes (no hashing)
        change = np.r_[True, ids_raw[1:] != ids_raw[:-1]]
        return np.cumsum(change, dtype=np.int64) - 1, ids_raw[change]
    codes, ids = pd.factorize(ids_raw, sort=True)
    return codes.astype(np.int64), np.asarray(ids)


def _channel_mode(codes: np.ndarray, chan: np.ndarray, chan_names: Any, n_ids: int) -> np.ndarray:
    """Each customer's most used sales channel over the whole log.

    Used as a contact preference: a stable trait, not an outcome, so no leakage
    worth the cost of a running mode.
    """
    k = len(chan_names)
    pair = codes * k
    pair += chan
    counts = np.bincount(pair, minlength=n_ids * k).reshape(n_ids, k)
    return np.asarray([str(c) for c in chan_names], dtype=object)[counts.argmax(axis=1)]


def _collapse(key: np.ndarray, q: np.ndarray, supply: np.ndarray, amt: np.ndarray, span: int,
              d0: int, ids: np.ndarray, has_amount: bool, channel: np.ndarray | None,
              data_end_day: int) -> _PurchaseLog:
    """Sum the lines of each (customer, day) key and add the prefix state per customer."""
    if not (len(key) < 2 or bool(np.all(key[1:] >= key[:-1]))):
        order = np.argsort(key, kind="stable")
        key, q, supply, amt = key[order], q[order], supply[order], amt[order]
        del order
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    ukey = key[starts]
    del key
    units = np.add.reduceat(q, starts)
    sup = np.add.reduceat(supply, starts)
    amount = np.add.reduceat(amt, starts)
    del q, supply, amt, starts
    code = ukey // span
    pday = ukey % span + d0
    # prefix statistics within customer (group starts repeated, no per-row gathers)
    gs = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    sizes = np.diff(np.r_[gs, len(code)])
    n = np.arange(1, len(code) + 1, dtype=np.int64) - np.repeat(gs, sizes)

    def prefix(x: np.ndarray) -> np.ndarray:
        c = np.cumsum(x)
        c -= np.repeat(np.r_[0.0, c[gs[1:] - 1]], sizes)
        return c

    amount_total = prefix(np.nan_to_num(amount))
    if not has_amount:
        amount_total[:] = np.nan  # no amounts: basket unknown (offer type "standard")
    supply_before = prefix(sup)
    supply_before -= sup
    last_of_cust = np.r_[code[1:] != code[:-1], True]
    return _PurchaseLog(
        ids=np.asarray(ids), code=code, day=pday.astype(np.int64), units=units, supply=sup,
        amount=amount, n=n.astype(np.int64), units_total=prefix(units),
        amount_total=amount_total, first_day=np.repeat(pday[gs], sizes).astype(np.int64),
        supply_before=supply_before,
        next_day=np.where(last_of_cust, -1, np.r_[pday[1:], -1]).astype(np.int64),
        channel=channel, data_end_day=data_end_day,
    )


def _transactions(transactions: Any, columns: Any, validate: Any) -> pd.DataFrame:
    """The log through the shared validator (column mapping, ids, dates, amounts).

    ``validate=False`` skips it for data already in canonical form (it costs
    about 2 s per million rows); the retention checks on units, products and
    dates still run.
    """
    cols = as_columns(columns)
    validate = check_bool(validate, "validate")
    if hasattr(transactions, "transactions") and not isinstance(transactions, pd.DataFrame):
        transactions = transactions.transactions
    tx = check_frame(transactions, "transactions")
    if not validate:
        return cols.to_canonical(tx)
    with warnings.catch_warnings():
        # per-customer rules work for one customer too; that warning is for
        # models that learn across customers
        warnings.filterwarnings("ignore", message=".*single customer.*")
        return validate_transactions(tx, cols)


def _list_day(log: _PurchaseLog, cutoff: Any) -> int:
    """The first day after an inclusive ``cutoff`` (default: the day of the log's last row)."""
    day = as_day(cutoff, "cutoff", allow_none=True)
    if day is None:
        return log.data_end_day + 1
    return _day_number(day) + 1


def _state_frame(
    log: _PurchaseLog,
    rows: np.ndarray,
    depletion: np.ndarray,
    factor: np.ndarray,
    list_day: int,
    habit_units: float,
) -> pd.DataFrame:
    dep = depletion[rows]
    n = log.n[rows]
    return pd.DataFrame(
        {
            "last_purchase": _to_ts(log.day[rows]),
            "units_last": log.units[rows],
            "units_total": log.units_total[rows],
            "purchases": n,
            "expected_depletion": _to_ts(np.floor(dep)),
            "days_until_depletion": dep - list_day,
            "habit": log.units_total[rows] >= habit_units,
            "first_purchase": _to_ts(log.first_day[rows]),
            "days_per_unit_factor": factor[rows],
            "mean_basket": log.amount_total[rows] / n,
        },
        index=pd.Index(log.ids[log.code[rows]], name="customer_id"),
    )


def depletion_table(
    transactions: pd.DataFrame,
    *,
    cutoff: Any = None,
    days_per_unit: float = 7.0,
    consumption: Mapping[str, float] | None = None,
    category: str | None = "formula",
    habit_units: float = 3,
    carry_over: bool = False,
    learn_consumption: bool = False,
    columns: Any = None,
    validate: bool = True,
) -> pd.DataFrame:
    """Each customer's consumption clock: when does the product they bought run out?

    Parameters
    ----------
    transactions : DataFrame, Dataset or engine source
        Order lines: customer_id, timestamp (+ quantity = units, e.g. cans;
        product; category; amount). Without ``quantity`` each line is 1 unit. A
        polars/pyarrow table, DuckDB relation, Parquet/CSV path or Spark DataFrame is
        reduced in its engine (:mod:`omnimkt.data.engine`) to one row per customer.
    cutoff : date-like, optional
        Last day of history, inclusive: purchases on or before it are used.
        Default: the day of the last row of the log. The table describes the
        morning of the next day (``days_until_depletion`` counts from it).
    days_per_unit : float
        Days one unit lasts (the case: one can a week -> 7).
    consumption : mapping product -> days per unit, optional
        Per-product rates; every product in the (filtered) log must have one.
    category : str or None
        Keep only lines of this category (the case: "formula"); None keeps all.
    habit_units : float
        Units bought in total (>= 0) after which the customer counts as habitual (3 cans).
    carry_over : bool, default False
        Stock left from earlier purchases adds to a new one (buying ahead
        postpones depletion). Default False: depletion = last purchase day +
        units_last x days per unit. (On the synthetic world customers buy only
        part of their needs from the brand, so carried-over stock piles up and
        the carry-over clock misses the next purchase by months.)
    learn_consumption : bool, default False
        Scale the rate by the customer's own pace once they have 2+ purchases:
        factor = (days from first to last purchase + 3 units' days) / (days of
        supply bought before the last purchase + 3 units' days), clipped to
        [0.25, 4]; one purchase -> factor 1.
    columns : omnimkt.Columns or dict, optional
        Your column names, e.g. ``Columns(customer_id="member_no", quantity="cans")``.
    validate : bool, default True
        Run :func:`omnimkt.data.validate_transactions` first (skip for data
        already canonical, e.g. at scale).

    Returns
    -------
    DataFrame indexed by customer_id with last_purchase, units_last (units
    bought on the last purchase day), units_total, purchases (purchase days),
    expected_depletion (Timestamp, day), days_until_depletion (float, from
    the day after ``cutoff``; negative if overdue), habit (units_total >= habit_units), first_purchase,
    days_per_unit_factor (1 unless learned) and mean_basket (amount per
    purchase day, NaN without amounts). Customers with no purchase up to
    ``cutoff`` are absent.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1], "timestamp": [pd.Timestamp("2025-01-01")],
    ...                    "amount": [300.0], "quantity": [3]})
    >>> t = depletion_table(tx, cutoff="2025-01-20", category=None)
    >>> str(t.loc[1, "expected_depletion"].date()), float(t.loc[1, "days_until_depletion"])
    ('2025-01-22', 1.0)
    """
    _check_clock(days_per_unit, consumption, category)
    habit_units = check_number(habit_units, "habit_units", low=0)
    check_bool(carry_over, "carry_over")
    check_bool(learn_consumption, "learn_consumption")
    from omnimkt.data.engine import is_engine_source

    if is_engine_source(transactions):  # reduced where the data lives (DuckDB, Spark)
        from omnimkt.data.engine import lazy_table
        from omnimkt.retention._lazy import state_lazy

        with warnings.catch_warnings():
            # per-customer rules work for one customer too (as on the pandas path)
            warnings.filterwarnings("ignore", message=".*single customer.*")
            lf = lazy_table(transactions, "transactions", columns,
                            validate=check_bool(validate, "validate"))
        return state_lazy(lf, cutoff=cutoff, days_per_unit=float(days_per_unit),
                          rates=_check_clock(days_per_unit, consumption, category),
                          category=category, habit_units=habit_units,
                          carry_over=carry_over, learn=learn_consumption)
    transactions = _transactions(transactions, columns, validate)
    log = _build_log(transactions, days_per_unit=days_per_unit, consumption=consumption,
                     category=category)
    a = _list_day(log, cutoff)
    rows = log.state_rows(a)
    if len(rows) == 0:
        raise DataError(
            f"transactions: no purchases on or before cutoff={_day_text(a - 1)} "
            f"(first purchase on {_day_text(log.min_day)}). Choose a later cutoff.")
    dep, factor = log.depletion(carry_over=carry_over, learn=learn_consumption,
                                prior_days=3 * float(days_per_unit))
    return _state_frame(log, rows, dep, factor, a, habit_units)
