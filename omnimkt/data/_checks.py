"""Column-level checks shared by the ``validate_*`` functions (ids, timestamps, numbers).

Time zones follow the library's one policy (:mod:`omnimkt._gate`): a
time-zone-aware timestamp is read as the wall-clock time of its own zone and
the zone is dropped (``2025-03-01 01:00+08:00`` is 1 March, 01:00); a column
mixing aware and naive values is an error. Amount and date forms beyond ISO
text and plain numbers are described in :mod:`omnimkt.data.parsing`.

Each check takes one raw column and returns it converted, or raises a
:class:`~omnimkt.DataError` naming the table, the user's column name, the number
of bad rows, a few example values with their row labels, and what to do.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_text_ids, to_local_naive
from omnimkt.data.parsing import ParseProblem, money_values, parse_date_text, parse_yyyymmdd
from omnimkt.data.schema import Columns
from omnimkt.errors import DataError, DataWarning, ModelError, examples

__all__ = ["Ctx", "clean_ids", "is_intlike", "parse_times", "resolve_now", "to_numeric"]


# --------------------------------------------------------------------------- messages
class Ctx:
    """Where a problem is (table, the user's column names, original row labels)."""

    def __init__(self, table: str, cols: Columns, index: pd.Index) -> None:
        self.table, self.cols, self.index = table, cols, index

    def label(self, canon: str) -> str:
        user = self.cols.source_name(canon)
        return canon if user == canon else f"{canon} (your column {user!r})"

    def error(
        self, canon: str, bad: np.ndarray, what: str, raw: pd.Series, todo: str
    ) -> DataError:
        """A DataError naming table, column, count of bad rows, examples and the fix."""
        pos = np.flatnonzero(bad)[:3]
        return self.counted_error(canon, int(np.count_nonzero(bad)), len(bad), what,
                                  raw.iloc[pos], self.index[pos], todo)

    def counted_error(self, canon: str, n_bad: int, n_rows: int, what: str, values: Any,
                      rows: Any, todo: str) -> DataError:
        """The same DataError from counts and example values (the engines count in queries)."""
        return DataError(
            f"{self.table}.{self.label(canon)}: {n_bad:,} of {n_rows:,} rows {what} "
            f"(e.g. {examples(values)} at rows {examples(rows)}). {todo}"
        )

    def require_values(self, df: pd.DataFrame, canon: str) -> None:
        s = df[canon]
        bad = s.isna().to_numpy()
        if s.dtype.kind in "OT" or isinstance(s.dtype, pd.StringDtype):
            bad = bad | (s.astype("str").str.strip() == "").fillna(False).to_numpy(bool)
        if bad.any():
            raise self.error(
                canon, bad, "are empty", s, "Fill them in or drop these rows first."
            )


# --------------------------------------------------------------------------- ids
def is_intlike(dtype: Any) -> bool:
    return pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def clean_ids(
    s: pd.Series, ctx: Ctx, canon: str, id_type: str, *, nullable: bool = False
) -> pd.Series:
    """Check ids for gaps and mixed types; keep them as given or coerce them (``id_type``)."""
    if id_type not in ("auto", "str", "int"):
        raise ValueError(f"id_type must be 'auto', 'str' or 'int', not {id_type!r}")
    raw = s
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(s.cat.categories.dtype)
    if s.dtype == object:
        kind = pd.api.types.infer_dtype(s, skipna=True)
        if kind == "string":
            s = s.astype("str")
        elif kind == "integer":
            s = s.astype("Int64") if s.isna().any() else s.astype("int64")
        elif kind in ("empty", "floating", "mixed-integer-float", "decimal"):
            s = s.astype("float64")
        elif id_type == "auto":
            is_num = s.map(lambda v: isinstance(v, (int, float, np.number))).to_numpy()
            is_txt = s.map(lambda v: isinstance(v, str)).to_numpy()
            zeros = s[is_txt].astype(str).str.fullmatch(r"\s*0\d+\s*")
            note = (
                f" Some text ids have leading zeros (e.g. {examples(s[is_txt][zeros])}), so "
                "converting to numbers would change them; id_type='str' keeps them."
                if zeros.any() else ""
            )
            raise DataError(
                f"{ctx.table}.{ctx.label(canon)}: ids mix numbers and text "
                f"({int(is_num.sum()):,} numbers, e.g. {examples(s[is_num])}; "
                f"{int(is_txt.sum()):,} text, e.g. {examples(s[is_txt])}), so 1 and '1' would "
                f"count as different customers.{note} Cast the column to one type "
                "(df[col].astype(str)) or pass id_type='str' or id_type='int'."
            )
        else:
            s = s.map(lambda v: v if v is None or isinstance(v, str) or pd.isna(v) else
                      (str(int(v)) if float(v).is_integer() else str(v))).astype("str")
    missing = s.isna().to_numpy()
    if s.dtype.kind in "OT" or isinstance(s.dtype, pd.StringDtype):
        blank = (s.str.strip() == "").fillna(False).to_numpy(dtype=bool)
        if nullable:
            s = s.mask(blank)
        missing = missing | blank
    if missing.any() and not nullable:
        raise ctx.error(
            canon, missing, "have no id (empty, blank or NaN)", raw,
            f"Drop them (df.dropna(subset=[{ctx.cols.source_name(canon)!r}])) or fill them in.",
        )
    if s.dtype.kind == "f" or str(s.dtype) in ("Float64", "Float32"):
        v = s.to_numpy("float64", na_value=np.nan)
        frac = ~np.isnan(v) & (v != np.floor(v))
        if frac.any():
            raise ctx.error(
                canon, frac, "are not whole numbers", raw,
                "Ids must be integers or text; read the column as text (dtype=str).",
            )
        s = pd.Series(v, index=s.index).astype("Int64")
    if s.dtype.kind == "b":
        raise DataError(f"{ctx.table}.{ctx.label(canon)}: ids are True/False values; "
                        "pass the real customer id column.")
    if id_type == "int" and not is_intlike(s.dtype):
        txt = s.astype("str").str.strip()
        ok = txt.str.fullmatch(r"[+-]?\d{1,18}").fillna(False).to_numpy(dtype=bool) | s.isna()
        if not np.all(ok):
            raise ctx.error(
                canon, ~np.asarray(ok), "are not integers", raw,
                "Use id_type='str' to keep ids as text, or clean these ids.",
            )
        n_before = txt.nunique()
        s = pd.to_numeric(txt).astype("Int64")
        if s.nunique() < n_before:
            warnings.warn(
                f"{ctx.table}.{ctx.label(canon)}: converting ids to integers merged "
                f"{n_before - s.nunique():,} ids that differ only by leading zeros or signs "
                "(e.g. '007' and '7'); use id_type='str' if they are different customers.",
                DataWarning, stacklevel=5,
            )
    elif id_type == "str" and is_intlike(s.dtype):
        s = as_text_ids(s)
    if is_intlike(s.dtype):
        if not s.isna().any():
            return s.astype("int64")
        return s.astype("Int64")
    return s.astype("str")


# --------------------------------------------------------------------------- times
# A zone written after a time: '10:00Z', '10:00:00+08:00', '10:00 UTC', '10:00+0800', '10:00+08'.
_TZ_TAIL = r"(?<=\d:\d\d)(?::\d\d(?:\.\d+)?)?\s*(?:Z|UTC|GMT|[+-]\d\d(?::?\d\d)?)\s*$"
_ZONE_ONLY = r"\s*(?:Z|UTC|GMT|[+-]\d\d(?::?\d\d)?)\s*$"
# The latest time zone on Earth: data in any zone's wall-clock time cannot be past its today.
_LATEST_ZONE = "Etc/GMT-14"


def resolve_now(now: Any) -> tuple[pd.Timestamp, str]:
    """The first instant that counts as future, and how to name it in messages.

    ``now`` given as a date (midnight) allows that whole day; the default is the
    end of today in the latest time zone (UTC+14), since data keep the wall-clock
    time of their own zone. An aware ``now`` keeps its own wall-clock time.
    """
    if now is None:
        ts = pd.Timestamp.now(tz=_LATEST_ZONE).tz_localize(None)
    else:
        try:
            ts = pd.Timestamp(now)
        except (TypeError, ValueError) as exc:
            raise ModelError(f"now: {now!r} is not a date or time; pass e.g. "
                             "'2025-06-30'.") from exc
        if ts is pd.NaT:
            raise ModelError("now: got a missing date (NaT); pass e.g. '2025-06-30'.")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    if now is None or ts == ts.normalize():
        day = ts.normalize()
        return day + pd.Timedelta(days=1), f"the end of {day:%Y-%m-%d}"
    return ts + pd.Timedelta(1, "ns"), f"{ts}"


def _aware_flags(raw: pd.Series) -> np.ndarray:
    """Which raw values carry a time zone (text with an offset after a time, aware datetimes)."""
    if raw.dtype == object:
        flags = np.fromiter(
            (not isinstance(v, str) and getattr(v, "tzinfo", None) is not None for v in raw),
            dtype=bool, count=len(raw),
        )
        txt = raw.map(lambda v: v if isinstance(v, str) else "").astype("str")
    else:
        flags, txt = np.zeros(len(raw), dtype=bool), raw.astype("str")
    tail = txt.str.contains(_TZ_TAIL, regex=True)
    return flags | tail.fillna(False).to_numpy(bool)


def _drop_zones(s: pd.Series) -> pd.Series:
    """Every value's wall-clock time without its zone (the library's time-zone policy)."""
    if s.dtype == object:
        return s.map(_drop_zone)
    return s.astype("str").str.replace(_ZONE_ONLY, "", regex=True)


def _drop_zone(v: Any) -> Any:
    if isinstance(v, str):
        return re.sub(_ZONE_ONLY, "", v)
    if getattr(v, "tzinfo", None) is not None:
        return pd.Timestamp(v).tz_localize(None)
    return v


def _parse_like_first(s: pd.Series) -> pd.Series:
    """Parse text with the one format guessed from its first value; NaT if none fits."""
    from pandas.tseries.api import guess_datetime_format

    first = str(s.dropna().iloc[0]).strip()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas' own day-first advice: we pick the format
        fmt = guess_datetime_format(first) or guess_datetime_format(first, dayfirst=True)
        if fmt is None or fmt.startswith("%Y-%d"):  # year-day-month: a typo, not a format
            return pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
        return pd.to_datetime(s, errors="coerce", format=fmt)


def _number_dates(s: pd.Series, ctx: Ctx, canon: str) -> pd.Series:
    """yyyymmdd whole numbers as dates; any other numbers are an error (never guessed)."""
    parsed = None if s.dtype.kind == "b" else parse_yyyymmdd(s)
    if parsed is None:
        raise DataError(
            f"{ctx.table}.{ctx.label(canon)}: holds numbers ({s.dtype}, e.g. "
            f"{examples(s.dropna())}), not dates. Numbers are read as dates only when every "
            "one is a valid yyyymmdd date (20240305); Excel day numbers only in a file read "
            "from Excel. Convert them first, e.g. pd.to_datetime(df[col], unit='s') for Unix "
            "seconds."
        )
    return parsed


def _text_times(s: pd.Series, ctx: Ctx, canon: str, raw: pd.Series,
                dayfirst: bool | None) -> pd.Series:
    """Parse text (or python date objects) to naive datetime64[ns]; NaT where unreadable."""
    notna = s.notna().to_numpy()
    aware = _aware_flags(s)
    if aware.any():
        if (~aware & notna).any():
            raise ctx.error(
                canon, ~aware & notna, "have no time zone while others do", raw,
                f"{int(aware.sum()):,} rows carry a time zone (e.g. {examples(s[aware])}). "
                "Make them consistent: give every row its zone or strip the zone from all "
                "rows (each time is read as the wall-clock time of its own zone).",
            )
        s = _drop_zones(s)
    try:
        parsed = pd.to_datetime(s, errors="coerce", format="ISO8601")
    except (ValueError, TypeError):  # python objects pandas will not take in one go
        parsed = pd.to_datetime(s.map(lambda v: v if pd.isna(v) else str(v)),
                                errors="coerce", format="ISO8601")
    parsed = to_local_naive(parsed)  # (its own unit: years past 2262 get a clear error later)
    failed = (parsed.isna() & s.notna()).to_numpy()
    if failed.any():
        # Year-first and Chinese forms first, day/month order decided by the whole column,
        # then one format inferred from the first remaining value, never guessed per row.
        try:
            retry = parse_date_text(s[failed].astype("str"), dayfirst)
        except ParseProblem as p:
            bad = np.zeros(len(s), dtype=bool)
            bad[np.flatnonzero(failed)[p.bad]] = True
            raise ctx.error(canon, bad, p.what, raw, p.todo) from None
        parsed[failed] = retry.to_numpy()
        still = (parsed.isna() & s.notna()).to_numpy()
        if still.any():
            parsed[still] = _parse_like_first(s[still]).to_numpy()
    return parsed


def parse_times(
    raw: pd.Series, ctx: Ctx, canon: str, *, required: bool,
    now: tuple[pd.Timestamp, str] | None, dayfirst: bool | None = None,
) -> pd.Series:
    """Parse a timestamp column to naive datetime64[ns] (aware input: its own wall-clock time)."""
    s = raw
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(s.cat.categories.dtype)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        parsed = to_local_naive(s)
    elif s.dtype.kind == "M":
        parsed = s  # already parsed: no re-parsing
    elif s.dtype.kind in "iufb" or pd.api.types.is_numeric_dtype(s.dtype) or \
            pd.api.types.is_bool_dtype(s.dtype):
        parsed = _number_dates(s, ctx, canon)
    else:
        parsed = _text_times(s, ctx, canon, raw, dayfirst)
        bad = (parsed.isna() & s.notna()).to_numpy()
        if bad.any():
            raise ctx.error(
                canon, bad, "cannot be read as dates", raw,
                "Fix or drop them, or parse the column yourself with pd.to_datetime(..., "
                "format=...).",
            )
    if now is not None:
        fut = (parsed >= now[0]).to_numpy()
        if fut.any():
            raise ctx.error(
                canon, fut, f"lie in the future, after {now[1]}", raw,
                "Check the dates (a wrong year or day/month swap?), drop them, or pass "
                "now=... if the data really runs past today.",
            )
    if parsed.dtype != "datetime64[ns]":
        try:
            parsed = parsed.astype("datetime64[ns]")
        except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
            lo, hi = pd.Timestamp.min, pd.Timestamp.max
            out = ((parsed < lo) | (parsed > hi)).to_numpy()
            raise ctx.error(
                canon, out, "lie outside the years 1677-2262", raw, "Correct these dates."
            ) from None
    if required:
        miss = parsed.isna().to_numpy()
        if miss.any():
            raise ctx.error(
                canon, miss, "have no timestamp", raw, "Fill them in or drop these rows."
            )
    return parsed.rename(canon)


# --------------------------------------------------------------------------- numbers
def _is_bool_column(s: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(s.dtype):
        return True
    return s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) == "boolean"


def to_numeric(
    raw: pd.Series, ctx: Ctx, canon: str, *, required: bool, keep_int: bool = False
) -> pd.Series:
    """Convert to float64 (whole ``quantity`` stays int64); text that is not a number fails.

    Amount text such as ``¥1,234.50`` or ``20元`` is read when the whole column reads
    that way (see :mod:`omnimkt.data.parsing`); True/False is never a number.
    """
    s = raw
    if _is_bool_column(s):
        raise DataError(
            f"{ctx.table}.{ctx.label(canon)}: holds True/False values (e.g. "
            f"{examples(s.dropna())}), not numbers; {canon} must be a number. Pass the right "
            "column (check the mapping) or convert it yourself."
        )
    if keep_int and is_intlike(s.dtype) and not s.isna().any():
        return s.astype("int64")
    if s.dtype.kind in "iuf" or isinstance(s.dtype, pd.api.extensions.ExtensionDtype) and \
            pd.api.types.is_numeric_dtype(s.dtype):
        num = s.astype("float64") if s.dtype.kind in "iuf" else pd.Series(
            s.to_numpy("float64", na_value=np.nan), index=s.index)
    else:
        num = pd.to_numeric(s.astype("str").where(s.notna()), errors="coerce").astype("float64")
        bad = (num.isna() & s.notna()).to_numpy()
        if bad.any():
            money = money_values(s)
            bad = bad & money.isna().to_numpy()
            if bad.any():
                raise ctx.error(
                    canon, bad, "are not numbers", raw,
                    "Amounts such as ¥1,234.50, 20元 or RMB 35 are read when every value of "
                    "the column is written so; clean these (use '.' for decimals) or drop "
                    "these rows.",
                )
            num = money
    v = num.to_numpy()
    if np.isinf(v).any():
        raise ctx.error(canon, np.isinf(v), "are infinite", raw, "Correct or drop these rows.")
    if required and np.isnan(v).any():
        raise ctx.error(
            canon, np.isnan(v), "are missing", raw, "Fill them in or drop these rows."
        )
    return (num + 0.0).rename(canon)  # -0.0 -> 0.0: equal values, one spelling
