"""Column-level checks shared by the ``validate_*`` functions (ids, timestamps, numbers).

Each check takes one raw column and returns it converted, or raises a
:class:`~omnimkt.DataError` naming the table, the user's column name, the number
of bad rows, a few example values with their row labels, and what to do.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from omnimkt.data.schema import Columns
from omnimkt.errors import DataError, DataWarning, examples

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
        n_bad = int(np.count_nonzero(bad))
        pos = np.flatnonzero(bad)[:3]
        vals = examples(raw.iloc[pos])
        rows = examples(self.index[pos])
        return DataError(
            f"{self.table}.{self.label(canon)}: {n_bad:,} of {len(bad):,} rows {what} "
            f"(e.g. {vals} at rows {rows}). {todo}"
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
        s = s.astype("str") if not s.isna().any() else s.astype("Int64").astype("str").mask(
            s.isna())
    if is_intlike(s.dtype):
        if not s.isna().any():
            return s.astype("int64")
        return s.astype("Int64")
    return s.astype("str")


# --------------------------------------------------------------------------- times
_TZ_TAIL = r"(?:Z|UTC|GMT|[+-]\d\d:?\d\d)\s*$"


def resolve_now(now: Any) -> tuple[pd.Timestamp, str]:
    """The first instant that counts as future, and how to name it in messages.

    ``now`` given as a date (midnight) allows that whole day; the default is the
    end of today (UTC). Time-zone-aware values are converted to naive UTC.
    """
    ts = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now)
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    if now is None or ts == ts.normalize():
        day = ts.normalize()
        return day + pd.Timedelta(days=1), f"the end of {day:%Y-%m-%d}"
    return ts + pd.Timedelta(1, "ns"), f"{ts}"


def _aware_flags(raw: pd.Series) -> np.ndarray:
    """Which raw values carry a time zone (strings with an offset, aware datetimes)."""
    if raw.dtype == object:  # python objects: datetimes may carry a tzinfo (error path only)
        flags = np.fromiter(
            (not isinstance(v, str) and getattr(v, "tzinfo", None) is not None for v in raw),
            dtype=bool, count=len(raw),
        )
        txt = raw.map(lambda v: v if isinstance(v, str) else "").astype("str")
    else:
        flags, txt = np.zeros(len(raw), dtype=bool), raw.astype("str")
    tail = txt.str.strip().str.slice(-6).str.contains(_TZ_TAIL, regex=True)
    return flags | tail.fillna(False).to_numpy(bool)


def _parse_like_first(s: pd.Series) -> pd.Series:
    """Parse text with the one format guessed from its first value (UTC if zoned); NaT if none."""
    from pandas.tseries.api import guess_datetime_format

    first = str(s.dropna().iloc[0]).strip()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas' own day-first advice: we pick the format
        fmt = guess_datetime_format(first) or guess_datetime_format(first, dayfirst=True)
        if fmt is None or fmt.startswith("%Y-%d"):  # year-day-month: a typo, not a format
            return pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]")
        return pd.to_datetime(s, errors="coerce", format=fmt, utc=True)


def parse_times(
    raw: pd.Series, ctx: Ctx, canon: str, *, required: bool,
    now: tuple[pd.Timestamp, str] | None,
) -> pd.Series:
    """Parse a timestamp column to naive datetime64[ns] (aware input converted to UTC)."""
    s = raw
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(s.cat.categories.dtype)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        parsed = s.dt.tz_convert("UTC").dt.tz_localize(None)
    elif s.dtype.kind == "M":
        parsed = s  # already parsed: no re-parsing
    elif s.dtype.kind in "iufb":
        raise DataError(
            f"{ctx.table}.{ctx.label(canon)}: holds numbers ({s.dtype}, e.g. "
            f"{examples(s.dropna())}), not dates. Convert them first, e.g. "
            "pd.to_datetime(df[col], unit='s') for Unix seconds."
        )
    else:
        try:
            parsed = pd.to_datetime(s, errors="coerce", format="ISO8601")
        except (ValueError, TypeError):
            aware = _aware_flags(s)
            notna = s.notna().to_numpy()
            if aware.any() and (~aware & notna).any():
                raise ctx.error(
                    canon, ~aware & notna, "have no time zone while others do", raw,
                    f"{int(aware.sum()):,} rows carry a time zone (e.g. "
                    f"{examples(s[aware])}). Make them consistent: localise the naive ones "
                    "(e.g. to UTC) or strip the zone from all rows.",
                ) from None
            parsed = pd.to_datetime(s, errors="coerce", format="ISO8601", utc=True)
        failed = (parsed.isna() & s.notna()).to_numpy()
        if failed.any():
            # Non-ISO text (e.g. '31/01/2025'): one format inferred for all these rows,
            # so '01/02/2025' is read the same way as its neighbours, never guessed per row.
            retry = _parse_like_first(s[failed])
            aware = _aware_flags(s[failed])
            main_aware = isinstance(parsed.dtype, pd.DatetimeTZDtype)
            if (aware != main_aware).any() and retry.notna().any():
                odd = np.zeros(len(s), dtype=bool)
                odd[np.flatnonzero(failed)[(aware != main_aware) & retry.notna().to_numpy()]] = 1
                what = "have no time zone while others do" if main_aware else \
                    "have a time zone while others do not"
                raise ctx.error(
                    canon, odd, what, raw,
                    "Make them consistent: localise the naive ones (e.g. to UTC) or strip the "
                    "zone from all rows.",
                )
            if main_aware:
                parsed = parsed.dt.tz_convert("UTC")
                parsed[failed] = retry.to_numpy()
            else:
                parsed = parsed.astype("datetime64[ns]")
                parsed[failed] = retry.dt.tz_localize(None).to_numpy()
        if isinstance(parsed.dtype, pd.DatetimeTZDtype):
            parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
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
def to_numeric(
    raw: pd.Series, ctx: Ctx, canon: str, *, required: bool, keep_int: bool = False
) -> pd.Series:
    """Convert to float64 (whole ``quantity`` stays int64); text that is not a number fails."""
    s = raw
    if keep_int and is_intlike(s.dtype) and not s.isna().any():
        return s.astype("int64")
    if s.dtype.kind in "iufb" or isinstance(s.dtype, pd.api.extensions.ExtensionDtype) and \
            pd.api.types.is_numeric_dtype(s.dtype):
        num = s.astype("float64") if s.dtype.kind in "iufb" else pd.Series(
            s.to_numpy("float64", na_value=np.nan), index=s.index)
    else:
        num = pd.to_numeric(s.astype("str").where(s.notna()), errors="coerce").astype("float64")
        bad = (num.isna() & s.notna()).to_numpy()
        if bad.any():
            raise ctx.error(
                canon, bad, "are not numbers", raw,
                "Clean them (remove currency signs, thousands separators, use '.' for "
                "decimals) or drop these rows.",
            )
    v = num.to_numpy()
    if np.isinf(v).any():
        raise ctx.error(canon, np.isinf(v), "are infinite", raw, "Correct or drop these rows.")
    if required and np.isnan(v).any():
        raise ctx.error(
            canon, np.isnan(v), "are missing", raw, "Fill them in or drop these rows."
        )
    return (num + 0.0).rename(canon)  # -0.0 -> 0.0: equal values, one spelling
