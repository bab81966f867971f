"""Read one table file as it is, or fail with a :class:`~omnimkt.DataError` naming the file.

The readers never validate; they turn bytes into a DataFrame and say what they
found in ``df.attrs``: ``file``, ``format``, ``encoding`` (text files) and
``sheet`` (Excel). Every fault of the file itself becomes a DataError naming the
file and what to do: unreadable (permissions), a damaged or truncated gzip, a
ragged or cut-off CSV, a damaged Parquet or Excel file, an encoding that cannot
be decided.

Encodings (text files)
----------------------
``encoding=None`` decides from the bytes: a UTF-8 byte-order mark means
``utf-8-sig``; bytes that are valid UTF-8 mean ``utf-8``; otherwise
charset-normalizer is asked and only a Chinese GB encoding (GB2312, GBK,
GB18030, what Excel on a Chinese Windows saves) is accepted, decoded as ``gbk``
(or ``gb18030``, its superset, when needed). Anything else is an error that
names the guess and asks for ``encoding=``: a wrong guess would silently garble
every name and channel. An explicit ``encoding=`` always wins.

Excel
-----
``.xlsx`` and ``.xls`` are read with python-calamine (first sheet, or
``sheet=`` by name or position). Excel stores dates as day numbers; a date
column of the table that holds plain numbers is read as Excel day numbers
only in a file read from Excel and only when every value lies between
1950-01-01 and 2099-12-31 (serials 18,264-73,050); elsewhere numbers in a date
column stay an error.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from pathlib import Path
from typing import Any

import pandas as pd

from omnimkt.data.schema import SPECS, Columns
from omnimkt.errors import DataError

__all__ = ["READ_FORMATS", "format_of", "read_raw"]

#: File formats read, by file-name suffix (longest first when matching).
READ_FORMATS: tuple[str, ...] = ("csv", "csv.gz", "parquet", "xlsx", "xls")
_ID_COLUMNS = ("customer_id", "referrer_id")
_GB = ("gb2312", "gbk", "gb18030", "hz")
# Excel day numbers of 1950-01-01 and 2099-12-31 (origin 1899-12-30, the 1900 system).
_SERIAL_LOW, _SERIAL_HIGH = 18264, 73050


def format_of(path: Path) -> str | None:
    """The format of ``path`` from its suffix (``None`` if not one of :data:`READ_FORMATS`)."""
    name = path.name.lower()
    for fmt in sorted(READ_FORMATS, key=len, reverse=True):
        if name.endswith("." + fmt):
            return fmt
    return None


def _where(kind: str, path: Path) -> str:
    return f"{kind}: file {str(path)!r}"


def _read_bytes(path: Path, kind: str) -> bytes:
    if not path.is_file():
        where = path.parent if path.parent.is_dir() else None
        seen = ", ".join(sorted(p.name for p in where.iterdir())[:20]) if where else "-"
        raise DataError(
            f"{_where(kind, path)} does not exist. Files in its folder: {seen or 'none'}.")
    try:
        return path.read_bytes()
    except PermissionError:
        raise DataError(
            f"{_where(kind, path)} cannot be read: permission denied. Give your user read "
            "access (e.g. chmod u+r) or copy the file somewhere you can read it.") from None
    except OSError as exc:
        raise DataError(f"{_where(kind, path)} cannot be read ({exc.strerror or exc}). "
                        "Check the disk or copy the file again.") from None


def _gunzip(data: bytes, kind: str, path: Path) -> bytes:
    try:
        return gzip.decompress(data)
    except EOFError:
        raise DataError(
            f"{_where(kind, path)} is a truncated gzip file (it ends before the compressed "
            "stream does), so rows are missing. Copy or export the file again.") from None
    except (gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise DataError(
            f"{_where(kind, path)} is not a readable gzip file ({exc}). It is damaged or not "
            "compressed: copy it again, or rename it to .csv if it is plain text.") from None


# --------------------------------------------------------------------------- encodings
def _decode(data: bytes, encoding: str | None, kind: str, path: Path) -> tuple[bytes, str]:
    """``data`` as UTF-8 bytes without a byte-order mark, and the encoding it was read as."""
    if encoding is not None:
        if encoding.lower().replace("_", "-") in ("utf-8", "utf8") and data.startswith(
                b"\xef\xbb\xbf"):
            encoding = "utf-8-sig"  # the byte-order mark is not part of the first column name
        try:
            return data.decode(encoding).encode("utf-8"), encoding
        except LookupError:
            raise DataError(f"{kind}: encoding={encoding!r} is not an encoding Python knows; "
                            "use e.g. 'utf-8', 'gbk' or 'gb18030'.") from None
        except UnicodeDecodeError as exc:
            raise DataError(
                f"{_where(kind, path)} is not valid {encoding} text (byte {exc.start:,}). "
                f"{_guess_note(data)}Pass the right encoding=, or encoding=None to detect "
                "it.") from None
    if data.startswith(b"\xef\xbb\xbf") and _is_utf8(data[3:]):
        return data[3:], "utf-8-sig"
    if data.isascii() or _is_utf8(data):  # isascii: no copy for the common large file
        return data, "utf-8"
    guess = _guess(data)
    if guess in _GB:
        for enc in ("gbk", "gb18030"):
            try:
                return data.decode(enc).encode("utf-8"), enc
            except UnicodeDecodeError:
                continue
    looks = f"it looks like {guess}, but that cannot be confirmed" if guess else \
        "no encoding fits it with confidence"
    raise DataError(
        f"{_where(kind, path)}: cannot decide its text encoding ({looks}; it is not UTF-8 "
        "or GBK). Pass encoding=, e.g. encoding='gbk', 'gb18030', 'big5' or 'cp1252' "
        "(--encoding on the command line), or save the file as UTF-8.")


def _guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    # Only the lines with non-ASCII bytes carry evidence: a GBK file whose Chinese is all
    # in the header line is otherwise drowned in ASCII digits (and guessed as Kazakh).
    lines = [ln for ln in data[:4_000_000].splitlines() if not ln.isascii()]
    if not lines:
        lines = [ln for ln in data.splitlines() if not ln.isascii()]
    best = from_bytes(b"\n".join(lines[:20_000])).best()
    return None if best is None else best.encoding


def _guess_note(data: bytes) -> str:
    guess = "utf-8" if _is_utf8(data) else _guess(data)
    return f"It looks like {guess}. " if guess else ""


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --------------------------------------------------------------------------- csv
def _check_complete(data: bytes, kind: str, path: Path) -> None:
    """A CSV cut off mid-row, or with a quote never closed, is an error, not a shorter table.

    ``data`` is UTF-8; only counts and the first and last lines are looked at.
    """
    if data.count(b'"') % 2:  # quotes inside values are doubled, so a whole file has pairs
        start = data.rfind(b'"')
        line = data.count(b"\n", 0, start) + 1
        raise DataError(
            f"{_where(kind, path)} is not a well-formed CSV table (a quote opened on line "
            f"{line:,} is never closed: {_text(data[start:start + 30])!r}). The file was cut "
            "off, or a value holds a stray quote (write it as \"\"); fix it or export it "
            "again.")
    if not data or data.endswith((b"\n", b"\r")):
        return
    cut = data.rfind(b"\n")
    if cut < 0:
        return  # a header alone: the validators say the table is empty
    header, last = _text(data[: data.find(b"\n")]), _text(data[cut + 1:])
    n_head = len(next(csv.reader([header.rstrip("\r")])))
    n_last = len(next(csv.reader([last])))
    if n_last < n_head:
        line = data.count(b"\n") + 1
        raise DataError(
            f"{_where(kind, path)} ends in the middle of a row (line {line:,}, "
            f"{last[-40:]!r}, has {n_last} of {n_head} fields and no line end): the "
            "file was cut off while saving or copying. Export or copy it again.")


def _text(b: bytes) -> str:
    return b.decode("utf-8", errors="replace")


def _parse_csv(text_bytes: bytes, kind: str, path: Path, cols: Columns) -> pd.DataFrame:
    text_ids = {cols.source_name(c): "str" for c in _ID_COLUMNS}
    try:  # pyarrow's reader is multi-threaded and parses ISO timestamps on the way
        df = pd.read_csv(io.BytesIO(text_bytes), dtype=text_ids, engine="pyarrow")
        zoned = [c for c in df.columns if isinstance(df[c].dtype, pd.DatetimeTZDtype)]
        if not zoned:
            return df
        # pyarrow converts '+08:00' times to UTC; the library keeps each row's own
        # wall-clock time, so read these columns as text and let validation parse them.
        return pd.read_csv(io.BytesIO(text_bytes), engine="pyarrow",
                           dtype={**text_ids, **dict.fromkeys(zoned, "str")})
    except (ImportError, ValueError):  # e.g. short rows: the C reader fills them or says why
        pass
    try:
        return pd.read_csv(io.BytesIO(text_bytes), dtype=text_ids, low_memory=False)
    except pd.errors.EmptyDataError:
        raise DataError(f"{_where(kind, path)} is empty (no header, no rows).") from None
    except pd.errors.ParserError as exc:
        detail = str(exc).replace("Error tokenizing data. C error: ", "").strip()
        raise DataError(
            f"{_where(kind, path)} is not a well-formed CSV table ({detail}). A value holding "
            "a comma or a quote must be quoted (\"a, b\"); fix the row or export the file "
            "again.") from None


def _read_csv(data: bytes, fmt: str, kind: str, path: Path, cols: Columns,
              encoding: str | None) -> tuple[pd.DataFrame, str]:
    if fmt == "csv.gz":
        data = _gunzip(data, kind, path)
    utf8, used = _decode(data, encoding, kind, path)
    _check_complete(utf8, kind, path)
    return _parse_csv(utf8, kind, path, cols), used


# --------------------------------------------------------------------------- parquet, excel
def _read_parquet(data: bytes, kind: str, path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(io.BytesIO(data))
    except (ValueError, OSError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise DataError(
            f"{_where(kind, path)} is not a readable Parquet file ({str(exc)[:120]}). It is "
            "damaged or truncated: write or copy it again.") from None


def _sheet_names(data: bytes, kind: str, path: Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    try:
        return list(CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names)
    except Exception as exc:  # calamine raises its own error types for every damage
        raise DataError(
            f"{_where(kind, path)} is not a readable Excel file ({str(exc)[:120]}). Open and "
            "save it again in Excel, or export the sheet as CSV.") from None


def _read_excel(data: bytes, kind: str, path: Path, cols: Columns,
                sheet: str | int | None) -> tuple[pd.DataFrame, str]:
    names = _sheet_names(data, kind, path)
    if sheet is None:
        sheet = 0
    if isinstance(sheet, bool) or not isinstance(sheet, str | int):
        raise DataError(f"{kind}: sheet must be a sheet name or a position (0 = first), got "
                        f"{sheet!r}.")
    if sheet not in names and not (isinstance(sheet, int) and -len(names) <= sheet < len(names)):
        raise DataError(
            f"{_where(kind, path)} has no sheet {sheet!r}. Its sheets: "
            f"{', '.join(repr(n) for n in names) or 'none'}. Pass sheet= (a name or a "
            "position, 0 = first).")
    name = sheet if isinstance(sheet, str) else names[sheet]
    try:
        df = pd.read_excel(io.BytesIO(data), sheet_name=name, engine="calamine")
    except Exception as exc:  # damaged sheet data
        raise DataError(f"{_where(kind, path)}: sheet {name!r} cannot be read "
                        f"({str(exc)[:120]}). Save the file again or export it as CSV.") from None
    return _excel_serial_dates(df, kind, cols), name


def _excel_serial_dates(df: pd.DataFrame, kind: str, cols: Columns) -> pd.DataFrame:
    """Date columns of the table stored as Excel day numbers -> datetimes (see module doc)."""
    for canon in SPECS[kind].timestamps:
        name = cols.source_name(canon)
        if name not in df.columns:
            continue
        s = df[name]
        if s.dtype.kind not in "iuf" or not s.notna().any():
            continue
        v = s.dropna()
        if ((v >= _SERIAL_LOW) & (v <= _SERIAL_HIGH)).all():
            when = pd.to_datetime(s, unit="D", origin="1899-12-30").dt.round("s")
            df = df.assign(**{name: when})
    return df


# --------------------------------------------------------------------------- entry point
def read_raw(path: Path, kind: str, cols: Columns, *, encoding: str | None = None,
             sheet: str | int | None = None) -> pd.DataFrame:
    """Read one file without validation; ``attrs`` say what was found (see module doc).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "tx.csv"
    >>> text = "会员编号,交易时间,金额,渠道\\n7,2025-01-02,9.5,天猫旗舰店\\n8,2025-01-03,4,门店\\n"
    >>> _ = p.write_bytes(text.encode("gbk"))
    >>> df = read_raw(p, "transactions", Columns())
    >>> df.attrs["encoding"], df["渠道"].tolist()
    ('gbk', ['天猫旗舰店', '门店'])
    """
    fmt = format_of(path)
    if fmt is None and path.is_file():
        raise DataError(
            f"{kind}: cannot read {path.name!r}; supported file types are "
            f"{', '.join('.' + f for f in READ_FORMATS)}. Convert the file or read it with "
            f"pandas and call omnimkt.data.validate_{kind}(df).")
    data = _read_bytes(path, kind)
    info: dict[str, Any] = {"file": path.name, "format": fmt}
    if fmt == "parquet":
        df = _read_parquet(data, kind, path)
    elif fmt in ("xlsx", "xls"):
        df, info["sheet"] = _read_excel(data, kind, path, cols, sheet)
    else:
        df, info["encoding"] = _read_csv(data, fmt or "csv", kind, path, cols, encoding)
    df.attrs.update(info)
    return df
