"""Helpers shared by the churn modules: tables through the input gate, the cut-off domain
check, the label window and label checks.

Time is counted in whole days: a purchase on the cut-off day (at any hour) belongs to
the calibration window; the holdout is ``(cutoff, cutoff + horizon_days]``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from omnimkt._gate import align_ids, as_columns, as_day, as_text_ids, check_frame, check_number
from omnimkt.errors import DataError, examples


def _transactions(transactions: Any, columns: Any = None) -> pd.DataFrame:
    """Canonical transactions via ``validate_transactions`` (identical rows are kept, as
    :mod:`omnimkt.clv` does: two identical order lines are real purchases)."""
    from omnimkt.data import validate_transactions

    check_frame(transactions, "transactions")
    return validate_transactions(transactions, as_columns(columns), duplicates="keep")


def _prepare_side(tx: pd.DataFrame, customers: pd.DataFrame | None,
                  touchpoints: pd.DataFrame | None, columns: Any = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame | None]:
    """Canonical customers and touchpoints tables (None stays None), their ids made
    comparable with the transactions' (integer and text ids are matched as text)."""
    from omnimkt.data import validate_customers, validate_touchpoints

    for name, table in (("customers", customers), ("touchpoints", touchpoints)):
        if table is not None and not isinstance(table, pd.DataFrame):
            raise DataError(f"{name}: expected a pandas DataFrame or None, got "
                            f"{type(table).__name__}.")
    cols = as_columns(columns)
    cu = None if customers is None else validate_customers(customers, cols)
    tp = None if touchpoints is None else validate_touchpoints(touchpoints, cols,
                                                               duplicates="keep")
    for name in ("customers", "touchpoints"):
        table = cu if name == "customers" else tp
        if table is None:
            continue
        left, right = align_ids(tx["customer_id"], table["customer_id"], "transactions", name)
        if left.dtype != tx["customer_id"].dtype:  # ids became text: everywhere, then
            tx = tx.assign(customer_id=left)
            cu = None if cu is None else _text_ids(cu)
            tp = None if tp is None else tp.assign(customer_id=as_text_ids(tp["customer_id"]))
        elif name == "customers":
            cu = cu.assign(customer_id=right)
        else:
            tp = tp.assign(customer_id=right)
    return tx, cu, tp


def _text_ids(customers: pd.DataFrame) -> pd.DataFrame:
    """Customers with ``customer_id`` and ``referrer_id`` as text ids."""
    out = customers.assign(customer_id=as_text_ids(customers["customer_id"]))
    if "referrer_id" in out.columns:
        out["referrer_id"] = as_text_ids(out["referrer_id"])
    return out


def _cutoff(tx: pd.DataFrame, cutoff: Any) -> pd.Timestamp:
    """The cut-off day (parsed by ``as_day``); an error when no customer has bought on
    or before it."""
    cut = as_day(cutoff, "cutoff")
    first = tx["timestamp"].min().normalize()
    if cut < first:
        raise DataError(
            f"cutoff {cut.date()} is before the first transaction "
            f"({first.date()}): no customer is active in the calibration window "
            f"(transactions.timestamp, 0 of {len(tx):,} rows on or before it). "
            "Choose a cut-off inside the data.")
    return cut


def _holdout_end(tx: pd.DataFrame, cut: pd.Timestamp, horizon_days: int,
                 observation_end: Any) -> pd.Timestamp:
    """End of the label window, checked against the end of the observed data."""
    horizon_days = check_number(horizon_days, "horizon_days", low=1, integer=True)
    last = tx["timestamp"].max().normalize()
    end = last if observation_end is None else as_day(observation_end, "observation_end")
    if cut >= end:
        raise DataError(
            f"cutoff {cut.date()} is on or after the end of the data ({end.date()}, "
            "transactions.timestamp): nothing is left to observe after it. "
            "Choose an earlier cut-off.")
    stop = cut + pd.Timedelta(days=int(horizon_days))
    if stop > end:
        raise DataError(
            f"the {horizon_days}-day horizon after cutoff {cut.date()} ends "
            f"{stop.date()}, after the end of the data ({end.date()}, "
            "transactions.timestamp): customers would be labelled churned for days never "
            "observed. Choose a cut-off at least horizon_days before the end, or pass "
            "observation_end= if the data really runs later.")
    return stop


def _as_labels(y: Any, what: str) -> pd.Series:
    y = pd.Series(y) if not isinstance(y, pd.Series) else y
    if y.isna().any():
        raise DataError(f"{what}: {int(y.isna().sum())} missing labels (e.g. customers "
                        f"{examples(y.index[y.isna()])}). Drop them first.")
    ok = y.isin([0, 1, True, False])
    if not ok.all():
        raise DataError(f"{what}: {int((~ok).sum())} labels are not 0/1 (e.g. "
                        f"{examples(y[~ok])}). Use 1 = churned, 0 = active.")
    return y.astype("int64")


def _check_two_classes(y: pd.Series, what: str) -> None:
    if y.nunique() < 2:
        label = "churned (1)" if int(y.iloc[0]) == 1 else "active (0)"
        raise DataError(
            f"{what}: all {len(y):,} customers are {label}; a churn model or an AUC needs "
            "both churners and non-churners. Choose another cut-off or horizon_days.")
