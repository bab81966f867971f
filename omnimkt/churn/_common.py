"""Helpers shared by the churn modules: input checks, cut-off dates, labels, results.

Time is counted in whole days: a purchase on the cut-off day belongs to the
calibration window; the holdout is ``(calibration_end, calibration_end + horizon_days]``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omnimkt.errors import DataError, examples

_REQUIRED = ("customer_id", "timestamp", "amount")


class _Result:
    """Shared display of result objects: ``summary`` table, repr, HTML and Markdown."""

    _title = "result"
    summary: pd.DataFrame

    def __repr__(self) -> str:
        return f"{self._title}\n{self.summary.to_string(float_format=lambda v: f'{v:.4g}')}"

    def _repr_html_(self) -> str:
        return f"<h4>{self._title}</h4>" + self.summary.to_html(
            float_format=lambda v: f"{v:.4g}")

    def to_markdown(self) -> str:
        """The summary as a Markdown table under a bold title."""
        return f"**{self._title}**\n\n" + self.summary.to_markdown(floatfmt=".4g")


def _prepare_transactions(transactions: pd.DataFrame) -> pd.DataFrame:
    """Canonical transactions (validated by omnimkt.data when available)."""
    if not isinstance(transactions, pd.DataFrame):
        raise DataError(f"transactions: expected a pandas DataFrame, got "
                        f"{type(transactions).__name__}. Pass the transactions table.")
    try:  # the shared validator, once the data module provides it
        from omnimkt.data import validate_transactions
    except ImportError:
        validate_transactions = None
    if validate_transactions is not None:
        # identical rows are kept, as omnimkt.clv does: two identical order lines are real
        return validate_transactions(transactions, duplicates="keep")
    missing = [c for c in _REQUIRED if c not in transactions.columns]
    if missing:
        raise DataError(f"transactions: missing column(s) {', '.join(missing)} (have: "
                        f"{examples(transactions.columns, 8)}). Map your names with "
                        "omnimkt.Columns.")
    if transactions.empty:
        raise DataError("transactions: the table is empty (0 rows). Pass at least one purchase.")
    df = transactions.copy()
    ts = pd.to_datetime(df["timestamp"], errors="coerce")
    bad = ts.isna()
    if bad.any():
        raise DataError(f"transactions.timestamp: {int(bad.sum())} rows are not dates "
                        f"(e.g. {examples(df.loc[bad, 'timestamp'])}). Fix or drop them.")
    df["timestamp"] = ts
    return df.sort_values(["customer_id", "timestamp"], kind="stable").reset_index(drop=True)


def _prepare_side(customers: pd.DataFrame | None, touchpoints: pd.DataFrame | None
                  ) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Canonical customers and touchpoints tables (None stays None)."""
    from omnimkt.data import validate_customers, validate_touchpoints

    for name, table in (("customers", customers), ("touchpoints", touchpoints)):
        if table is not None and not isinstance(table, pd.DataFrame):
            raise DataError(f"{name}: expected a pandas DataFrame or None, got "
                            f"{type(table).__name__}.")
    cu = None if customers is None else validate_customers(customers)
    tp = None if touchpoints is None else validate_touchpoints(touchpoints,
                                                               duplicates="keep")
    return cu, tp


def _cutoff(tx: pd.DataFrame, calibration_end: Any) -> pd.Timestamp:
    """The cut-off day; an error when no customer has bought on or before it."""
    try:
        cut = pd.Timestamp(calibration_end)
    except (TypeError, ValueError) as exc:
        raise DataError(f"calibration_end: {calibration_end!r} is not a date. "
                        "Pass e.g. '2025-06-30'.") from exc
    if cut is pd.NaT or pd.isna(cut):
        raise DataError("calibration_end: got a missing date (NaT). Pass e.g. '2025-06-30'.")
    if cut.tzinfo is not None:
        raise DataError(f"calibration_end: {cut} has a time zone, transactions.timestamp is "
                        "naive. Pass a naive date.")
    cut = cut.normalize()
    first = tx["timestamp"].min().normalize()
    if cut < first:
        raise DataError(
            f"calibration_end {cut.date()} is before the first transaction "
            f"({first.date()}): no customer is active in the calibration window "
            f"(transactions.timestamp, 0 of {len(tx):,} rows on or before it). "
            "Choose a cut-off inside the data.")
    return cut


def _holdout_end(tx: pd.DataFrame, cut: pd.Timestamp, horizon_days: int,
                 observation_end: Any) -> pd.Timestamp:
    """End of the label window, checked against the end of the observed data."""
    if not isinstance(horizon_days, int | np.integer) or horizon_days <= 0:
        raise DataError(f"horizon_days: must be a positive whole number of days, got "
                        f"{horizon_days!r}.")
    last = tx["timestamp"].max().normalize()
    end = last if observation_end is None else pd.Timestamp(observation_end).normalize()
    if cut >= end:
        raise DataError(
            f"calibration_end {cut.date()} is on or after the end of the data ({end.date()}, "
            "transactions.timestamp): nothing is left to observe after it. "
            "Choose an earlier cut-off.")
    stop = cut + pd.Timedelta(days=int(horizon_days))
    if stop > end:
        raise DataError(
            f"the {horizon_days}-day horizon after calibration_end {cut.date()} ends "
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
