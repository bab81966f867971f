"""Amounts and dates as Chinese teams write them, read safely or not at all.

Amounts: ``¥211.18``, ``￥1,234.50``, ``1,201.61``, ``20元``, ``RMB 35``,
``CNY 35``, `` 35 `` are numbers when the WHOLE column reads this way (one
currency sign or unit, thousands separators in groups of three, ``.`` for
decimals); ``-¥5``, ``¥-5`` and ``(5)`` are negative (refunds: see
``allow_refunds``). A column where any value does not fit stays an error.

Dates: ``2024年3月5日 14:03``, ``2024年3月5日``, ``2024/3/5``, ``2024-3-5 9:05``
(year first) and ``20240305``. Day/month-first text such as ``05/03/2024`` is
read day first only when the data decide it: some value has a first field
above 12 and none has a second field above 12 (month first the other way
round); when every value could be either, ``dayfirst=`` decides, and without
it the column is an error naming that option. Whole numbers in a date column
are read as ``yyyymmdd`` only when every one is a valid date of the years
1900-2100; other numbers stay an error (Unix seconds are not guessed).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["ParseProblem", "money_values", "parse_date_text", "parse_money", "parse_yyyymmdd"]

_MONEY = (
    r"^(?P<neg1>-)?\s*(?P<open>\()?\s*(?P<neg2>-)?\s*(?:¥|￥|RMB|CNY)?\s*(?P<neg3>-)?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*(?:元)?\s*(?P<close>\))?$"
)
_TIME = (r"(?:(?:(?<=日)\s*|[T\s]+)(?P<H>\d{1,2})[:：](?P<M>\d{2})"
         r"(?:[:：](?P<S>\d{2})(?:\.(?P<F>\d{1,9}))?)?)?\s*$")
_YMD = (r"^\s*(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
        + _TIME)
_COMPACT = r"^\s*(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})" + _TIME
_XYY = r"^\s*(?P<a>\d{1,2})\s*[-/.]\s*(?P<b>\d{1,2})\s*[-/.]\s*(?P<y>\d{4})" + _TIME


class ParseProblem(Exception):
    """Rows of a column that the data cannot decide (``bad`` marks them), and the fix."""

    def __init__(self, bad: np.ndarray, what: str, todo: str) -> None:
        super().__init__(what)
        self.bad, self.what, self.todo = bad, what, todo


def parse_money(s: pd.Series) -> pd.Series | None:
    """Amount text as float64, or ``None`` when any value does not read as an amount.

    Examples
    --------
    >>> parse_money(pd.Series(["¥211.18", "￥1,234.50", "20元", "RMB 35", " 35 ", "(5)"])).tolist()
    [211.18, 1234.5, 20.0, 35.0, 35.0, -5.0]
    >>> parse_money(pd.Series(["¥12", "twelve"])) is None
    True
    """
    value = money_values(s)
    return None if (value.isna() & s.notna()).any() else value


def money_values(s: pd.Series) -> pd.Series:
    """Each value read as an amount (float64), NaN where it does not read as one."""
    notna = s.notna().to_numpy()
    txt = s[notna].astype("str").str.replace("\u00a0", " ").str.replace("\u3000", " ")
    parts = txt.str.extract(_MONEY, flags=2)  # re.IGNORECASE: rmb, cny
    n_minus = sum(parts[k].notna().astype(int) for k in ("neg1", "neg2", "neg3"))
    paren = parts["open"].notna()
    valid = (paren == parts["close"].notna()) & (n_minus + paren.astype(int) <= 1)
    value = pd.to_numeric(parts["num"].str.replace(",", ""), errors="coerce").astype("float64")
    value = value.where((n_minus == 0) & ~paren, -value).where(valid)
    out = pd.Series(np.nan, index=s.index, dtype="float64")
    out[notna] = value.to_numpy()
    return out


def _assemble(parts: pd.DataFrame, year: str, month: str, day: str) -> pd.Series:
    """Datetimes from extracted text fields; impossible dates (31 February) become NaT."""
    frame = pd.DataFrame({
        "year": pd.to_numeric(parts[year]), "month": pd.to_numeric(parts[month]),
        "day": pd.to_numeric(parts[day]),
        "hour": pd.to_numeric(parts["H"]).fillna(0), "minute": pd.to_numeric(parts["M"]).fillna(0),
        "second": pd.to_numeric(parts["S"]).fillna(0),
        "ns": pd.to_numeric(parts["F"].fillna("0").str.ljust(9, "0")),
    }, index=parts.index)
    return pd.to_datetime(frame, errors="coerce")


def _day_first(a: pd.Series, b: pd.Series, txt: pd.Series, dayfirst: bool | None) -> bool:
    if dayfirst is not None:
        return bool(dayfirst)
    a_big, b_big = (a > 12).to_numpy(), (b > 12).to_numpy()
    if a_big.any() and not b_big.any():
        return True
    if b_big.any() and not a_big.any():
        return False
    if a_big.any():
        raise ParseProblem(
            b_big, "put the month first while others put the day first",
            f"Other rows have a day above 12 first (e.g. {txt[a_big].iloc[0]!r}). Make the "
            "column consistent; dayfirst=True or dayfirst=False then reads it one way.")
    ex = txt.iloc[0]
    raise ParseProblem(
        np.ones(len(txt), dtype=bool), "could be day/month or month/day (no day above 12 "
        "decides it)",
        f"Pass dayfirst=True if {ex!r} is day first, or dayfirst=False if it is month "
        "first.")


def parse_date_text(txt: pd.Series, dayfirst: bool | None = None) -> pd.Series:
    """Parse date text in the forms of the module doc; NaT where no form fits.

    Raises :class:`ParseProblem` when day-first text cannot be decided.

    Examples
    --------
    >>> parse_date_text(pd.Series(["2024年3月5日 14:03", "2024/3/5", "31/01/2024"])).tolist()
    [Timestamp('2024-03-05 14:03:00'), Timestamp('2024-03-05 00:00:00'), Timestamp('2024-01-31 00:00:00')]
    """
    txt = txt.astype("str")
    out = pd.Series(pd.NaT, index=txt.index, dtype="datetime64[ns]")
    for pattern in (_YMD, _COMPACT):
        todo = out.isna()
        parts = txt[todo].str.extract(pattern)
        hit = parts["y"].notna()
        if hit.any():
            out[parts.index[hit]] = _assemble(parts[hit], "y", "m", "d").to_numpy()
    todo = out.isna()
    parts = txt[todo].str.extract(_XYY)
    hit = parts["y"].notna()
    if hit.any():
        parts = parts[hit]
        a, b = pd.to_numeric(parts["a"]), pd.to_numeric(parts["b"])
        try:
            first = _day_first(a, b, txt[parts.index], dayfirst)
        except ParseProblem as p:
            bad = np.zeros(len(txt), dtype=bool)
            bad[txt.index.get_indexer(parts.index[p.bad])] = True
            raise ParseProblem(bad, p.what, p.todo) from None
        day, month = ("a", "b") if first else ("b", "a")
        out[parts.index] = _assemble(parts, "y", month, day).to_numpy()
    return out


def parse_yyyymmdd(s: pd.Series) -> pd.Series | None:
    """Whole numbers such as ``20240305`` as dates, or ``None`` unless all are valid dates.

    Examples
    --------
    >>> parse_yyyymmdd(pd.Series([20240305, 19991231])).dt.strftime("%Y-%m-%d").tolist()
    ['2024-03-05', '1999-12-31']
    >>> parse_yyyymmdd(pd.Series([1735689600])) is None
    True
    """
    v = s.dropna()
    if v.empty or s.dtype.kind not in "iuf":
        return None
    x = v.to_numpy("float64")
    if not (np.all(x == np.floor(x)) and np.all((x >= 19000101) & (x <= 21001231))):
        return None
    text = pd.Series(x.astype("int64").astype(str), index=v.index)
    parsed = pd.to_datetime(text, format="%Y%m%d", errors="coerce")
    if parsed.isna().any():
        return None
    return parsed.reindex(s.index).astype("datetime64[ns]")
