"""Input checks shared by the campaign scorecard: the window, the visits table, stores."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_day, check_frame
from omnimkt.errors import DataError, ModelError, examples


def as_window(start: Any, end: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The campaign window as two days, both inclusive; ``end`` before ``start`` is an error.

    >>> as_window("2025-09-01", "2025-10-15")[1]
    Timestamp('2025-10-15 00:00:00')
    """
    first, last = as_day(start, "start"), as_day(end, "end")
    if last < first:
        raise ModelError(f"end={last.date()} is before start={first.date()}: the window "
                         "runs from start to end, both days included.")
    return first, last


def require(df: Any, table: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """``df`` as a DataFrame holding ``columns``, else a DataError naming what is missing."""
    frame = check_frame(df, table)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{table}: missing column(s) {', '.join(missing)}; it needs "
                        f"{', '.join(columns)} (has {', '.join(map(str, frame.columns[:8]))}).")
    return frame


def visits_table(visits: Any, *, stores: Any = None,
                 columns: tuple[str, ...] = ("customer_id", "store_id", "timestamp"),
                 money: tuple[str, ...] = ()) -> pd.DataFrame:
    """The checked visits: dates parsed, money columns numeric and >= 0, stores known.

    ``stores`` (a table with ``store_id``, or a list of ids) lists the salons; a
    visit whose ``store_id`` is not among them is an error.
    """
    frame = require(visits, "visits", (*columns, *money)).copy()
    ts = as_dates(frame["timestamp"])
    bad = ts.isna()
    if bad.any():
        raise DataError(f"visits.timestamp: {int(bad.sum())} rows are not dates (e.g. "
                        f"{examples(frame.loc[bad, 'timestamp'])}). Fix or drop them.")
    frame["timestamp"] = ts
    for col in money:
        values = pd.to_numeric(frame[col], errors="coerce")
        neg = values.isna() | (values < 0)
        if neg.any():
            raise DataError(f"visits.{col}: {int(neg.sum())} rows are missing or negative "
                            f"(e.g. {examples(frame.loc[neg, col])}); amounts are yuan >= 0.")
        frame[col] = values.astype(float)
    if stores is not None:
        known = store_ids(stores)
        outside = ~frame["store_id"].isin(known)
        if outside.any():
            raise DataError(f"visits.store_id: {int(outside.sum())} visits are outside any "
                            f"store (e.g. {examples(frame.loc[outside, 'store_id'].unique())}; "
                            f"the stores are {examples(known, 5)}). Fix the store ids or add "
                            "the store.")
    return frame


def as_dates(raw: pd.Series) -> pd.Series:
    """Dates of a column (unparsable -> NaT), naive; text may mix "2025-09-01" and
    "2025-09-01 10:00" (format="mixed")."""
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        ts = pd.to_datetime(raw)
    else:
        ts = pd.to_datetime(raw, errors="coerce", format="mixed")
    return ts.dt.tz_localize(None) if ts.dt.tz is not None else ts


def store_ids(stores: Any) -> np.ndarray:
    """The store ids of a store/staff table or of a list of ids."""
    if isinstance(stores, pd.DataFrame):
        return require(stores, "stores", ("store_id",))["store_id"].unique()
    return np.asarray(list(stores), dtype=object)


def in_window(frame: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Rows whose timestamp falls on a day from ``start`` to ``end`` (both inclusive)."""
    ts = frame["timestamp"]
    return frame[(ts >= start) & (ts < end + pd.Timedelta(days=1))]


def check_tiers(values: pd.Series, table: str, allowed: tuple[str, ...]) -> None:
    """A DataError when a tier label is not one of ``allowed``."""
    unknown = ~values.isin(allowed)
    if unknown.any():
        raise DataError(f"{table}.tier: {int(unknown.sum())} rows have an unknown tier (e.g. "
                        f"{examples(values[unknown].unique())}); allowed: "
                        f"{', '.join(allowed)}.")
