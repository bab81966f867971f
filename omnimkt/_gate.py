"""The one input gate: column mappings, dates and cut-offs, seeds and parameter checks.

Every public function of omnimkt checks its arguments with these helpers, so the
same mistake gets the same message everywhere. Parameter mistakes raise
:class:`omnimkt.ModelError` naming the parameter, the value and what is allowed;
data mistakes raise :class:`omnimkt.DataError` naming the table.

Time-zone policy (one for the whole library)
--------------------------------------------
A time-zone-aware value, in the data or as a cut-off, is read as the wall-clock
time of its own zone and the zone is then dropped: ``2025-03-01 01:00+08:00`` is
1 March, as the shop that recorded it would say. Days are calendar days.

Cut-off rule
------------
``cutoff`` is the last day of history and is inclusive: everything that happened
on that calendar day, at any hour, counts as history. See :func:`day_after`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from omnimkt.errors import DataError, ModelError, examples

__all__ = [
    "align_ids", "as_columns", "as_text_ids", "canonical_names", "as_day", "as_rng", "as_seed_int", "check_bool", "check_choice",
    "check_frame", "check_n_jobs", "check_number", "check_progress", "day_after",
    "to_local_naive",
]

if TYPE_CHECKING:
    from omnimkt.data.schema import Columns


def canonical_names() -> frozenset[str]:
    """Every canonical column name a mapping may use as a key."""
    from omnimkt.data.schema import SPECS  # lazy: omnimkt.data itself uses this gate

    return frozenset(n for spec in SPECS.values() for n in (*spec.required, *spec.optional))


# --------------------------------------------------------------------------- columns
def as_columns(columns: Columns | Mapping[str, str] | None) -> Columns:
    """A :class:`~omnimkt.Columns` from ``None``, a ``Columns`` or a plain dict.

    Keys must be canonical names and values column names (text); a wrong key is an
    error, not silently ignored.

    Examples
    --------
    >>> as_columns({"customer_id": "会员编号"})
    Columns(customer_id='会员编号')
    >>> as_columns({"member": "会员编号"})
    Traceback (most recent call last):
    ...
    omnimkt.errors.ModelError: columns: unknown canonical name(s) 'member' ...
    """
    from omnimkt.data.schema import Columns

    if columns is None:
        return Columns()
    if isinstance(columns, Columns):
        mapping = dict(columns.mapping)
    elif isinstance(columns, Mapping):
        mapping = dict(columns)
    else:
        raise ModelError(
            f"columns: expected omnimkt.Columns or a dict such as {{'customer_id': "
            f"'member_no'}}, got {type(columns).__name__} ({columns!r:.60}).")
    allowed = canonical_names()
    unknown = sorted(str(k) for k in mapping if k not in allowed)
    if unknown:
        raise ModelError(
            f"columns: unknown canonical name(s) {examples(unknown, 5)} ... the keys are "
            f"omnimkt's names, the values yours. Allowed keys: {', '.join(sorted(allowed))}.")
    bad = [k for k, v in mapping.items() if not isinstance(v, str) or not v]
    if bad:
        raise ModelError(
            f"columns: the value for {examples(bad)} must be your column name as text, got "
            f"{examples([mapping[k] for k in bad])}.")
    return Columns(mapping)


def check_frame(df: Any, table: str) -> pd.DataFrame:
    """``df`` itself if it is a pandas DataFrame, else a DataError naming the table."""
    if not isinstance(df, pd.DataFrame):
        raise DataError(f"{table}: expected a pandas DataFrame, got {type(df).__name__}. "
                        f"Pass the {table} table (see omnimkt.data for the columns).")
    return df


# --------------------------------------------------------------------------- dates
def to_local_naive(s: pd.Series) -> pd.Series:
    """Drop the time zone of an aware datetime Series, keeping each row's wall-clock time."""
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_localize(None)
    return s


def as_day(value: Any, name: str = "cutoff", *, allow_none: bool = False) -> pd.Timestamp | None:
    """A date-like argument as a naive midnight ``Timestamp`` (the calendar day).

    Accepts ISO text, ``datetime``/``date``, ``numpy.datetime64`` and ``Timestamp``;
    an aware value keeps its own wall-clock day. Numbers, booleans, NaT and
    unparsable text raise :class:`ModelError`.

    Examples
    --------
    >>> as_day("2025-03-01 23:30")
    Timestamp('2025-03-01 00:00:00')
    >>> as_day("2025-03-01 01:00+08:00")
    Timestamp('2025-03-01 00:00:00')
    >>> as_day(20250301)
    Traceback (most recent call last):
    ...
    omnimkt.errors.ModelError: cutoff: 20250301 is a number, not a date; pass e.g. '2025-06-30'.
    """
    if value is None:
        if allow_none:
            return None
        raise ModelError(f"{name}: a date is required; pass e.g. '2025-06-30'.")
    if isinstance(value, bool | Real) and not isinstance(value, np.datetime64):
        raise ModelError(f"{name}: {value!r} is a number, not a date; pass e.g. '2025-06-30'.")
    if not isinstance(value, str | dt.date | np.datetime64 | pd.Timestamp):
        raise ModelError(f"{name}: expected a date, got {type(value).__name__} ({value!r:.40}); "
                         "pass e.g. '2025-06-30'.")
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ModelError(f"{name}: {value!r} is not a date; pass e.g. '2025-06-30'.") from exc
    if ts is pd.NaT or pd.isna(ts):
        raise ModelError(f"{name}: got a missing date (NaT); pass e.g. '2025-06-30'.")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize()


def day_after(day: pd.Timestamp) -> pd.Timestamp:
    """The first instant after an inclusive cut-off day (``timestamp < day_after(cutoff)``)."""
    return day + pd.Timedelta(days=1)


# --------------------------------------------------------------------------- numbers
def _range_text(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    parts = []
    if low is not None:
        parts.append(f"{'>' if low_open else '>='} {low:g}")
    if high is not None:
        parts.append(f"{'<' if high_open else '<='} {high:g}")
    return " and ".join(parts) if parts else "a finite number"


def check_number(value: Any, name: str, *, low: float | None = None, high: float | None = None,
                 low_open: bool = False, high_open: bool = False, integer: bool = False,
                 allow_none: bool = False) -> Any:
    """``value`` checked as a finite (whole) number in a range, else :class:`ModelError`.

    Booleans are not numbers and 2.7 is not a count. Returns ``int`` when
    ``integer`` is set, otherwise ``float`` (``None`` passes when ``allow_none``).

    Examples
    --------
    >>> check_number(0.1, "annual_discount_rate", low=0, high=1, high_open=True)
    0.1
    >>> check_number(float("nan"), "margin", low=0, high=1)
    Traceback (most recent call last):
    ...
    omnimkt.errors.ModelError: margin: must be a number >= 0 and <= 1, got nan.
    >>> check_number(2.7, "horizon_days", low=1, integer=True)
    Traceback (most recent call last):
    ...
    omnimkt.errors.ModelError: horizon_days: must be a whole number >= 1, got 2.7.
    """
    if value is None and allow_none:
        return None
    kind = "a whole number" if integer else "a number"
    allowed = _range_text(low, high, low_open, high_open)
    what = f"{name}: must be {kind} {allowed}, got {value!r}."
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ModelError(what)
    v = float(value)
    if math.isnan(v) or math.isinf(v):
        raise ModelError(what)
    if integer and not (isinstance(value, Integral) or v == int(v)):
        raise ModelError(what)
    too_low = low is not None and (v <= low if low_open else v < low)
    too_high = high is not None and (v >= high if high_open else v > high)
    if too_low or too_high:
        raise ModelError(what)
    return int(v) if integer else v


def check_choice(value: Any, name: str, choices: Iterable[Any]) -> Any:
    """``value`` if it is one of ``choices``, else :class:`ModelError` listing them.

    >>> check_choice("W", "time_unit", ("D", "W", "M"))
    'W'
    """
    options = tuple(choices)
    try:
        ok = value in options
    except TypeError:
        ok = False
    if not ok or isinstance(value, bool) and not any(isinstance(o, bool) for o in options):
        raise ModelError(f"{name}: {value!r} is not one of {', '.join(map(repr, options))}.")
    return value


def check_bool(value: Any, name: str) -> bool:
    """``value`` if it is a real boolean (numpy's too), else :class:`ModelError`."""
    if not isinstance(value, bool | np.bool_):
        raise ModelError(f"{name}: must be True or False, got {value!r}.")
    return bool(value)


def check_progress(progress: Any, *, large: bool) -> bool:
    """Whether to show a progress bar: ``None`` (the default everywhere) means "when the
    job is large"; ``True``/``False`` force it."""
    if progress is None:
        return bool(large)
    return check_bool(progress, "progress")


def check_n_jobs(n_jobs: Any) -> int:
    """``n_jobs`` as a positive thread count (-1 means all cores)."""
    import os

    n = check_number(n_jobs, "n_jobs", integer=True)
    if n == -1:
        return os.cpu_count() or 1
    if n < 1:
        raise ModelError(f"n_jobs: must be a whole number >= 1, or -1 for all cores, got {n_jobs!r}.")
    return n


# --------------------------------------------------------------------------- seeds
def as_rng(seed: Any, name: str = "seed") -> np.random.Generator:
    """A ``numpy.random.Generator`` from an int seed (>= 0) or a Generator.

    >>> as_rng(7).integers(100) == as_rng(7).integers(100)
    np.True_
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(check_number(seed, name, low=0, integer=True))


def as_seed_int(seed: Any, name: str = "seed") -> int:
    """An int seed (for libraries that take ``random_state``); a Generator draws one."""
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(2**31 - 1))
    return check_number(seed, name, low=0, integer=True)


# --------------------------------------------------------------------------- ids
def _id_kind(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s.dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(s.dtype):
        return "int"
    if pd.api.types.is_float_dtype(s.dtype):
        return "float"
    return "text"


def align_ids(left: pd.Series, right: pd.Series, left_name: str,
              right_name: str) -> tuple[pd.Series, pd.Series]:
    """Make two id columns comparable, or raise a DataError naming both tables.

    Integer ids and text ids are reconciled by writing the integers as text
    (``123`` matches ``"123"``, ``7`` does not match ``"007"``). If, after that, no
    id of ``right`` occurs in ``left`` although both are non-empty, the tables
    cannot be joined and the error shows examples of each.

    Examples
    --------
    >>> a, b = align_ids(pd.Series([1, 2]), pd.Series(["2", "3"]), "transactions", "touchpoints")
    >>> list(a), list(b)
    (['1', '2'], ['2', '3'])
    """
    kinds = {_id_kind(left), _id_kind(right)}
    if "bool" in kinds or "float" in kinds and len(kinds) > 1:
        raise DataError(
            f"{left_name}.customer_id ({left.dtype}) and {right_name}.customer_id "
            f"({right.dtype}) hold ids of different types (e.g. {examples(left.dropna())} vs "
            f"{examples(right.dropna())}). Load both with the same id type.")
    if len(kinds) > 1:
        left = as_text_ids(left)
        right = as_text_ids(right)
    if len(left) and len(right) and not right.isin(left).any():
        raise DataError(
            f"{right_name}.customer_id: none of its {right.nunique():,} ids occurs in "
            f"{left_name}.customer_id (e.g. {examples(right.unique())} vs "
            f"{examples(left.unique())}). Check that both tables use the same customer "
            "ids (prefixes, leading zeros, the column mapping).")
    return left, right


def as_text_ids(s: pd.Series) -> pd.Series:
    """Ids as text, integers written without a decimal point; missing stays missing.

    >>> list(as_text_ids(pd.Series([7, None], dtype="Int64")))
    ['7', nan]
    """
    if pd.api.types.is_integer_dtype(s.dtype):
        return s.astype("Int64").astype("str").where(s.notna())
    return s.astype("str").where(s.notna())
