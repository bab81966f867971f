"""Read and write the canonical tables as files and folders.

A data folder holds one file per table, named after it: ``transactions.csv``
(or ``.csv.gz`` / ``.parquet`` / ``.xlsx`` / ``.xls``; required),
``touchpoints.*``, ``customers.*`` and ``stage_events.*`` (optional), and the channel
tables of the case studies (optional): ``sessions.*`` (website visits),
``leads.*``, ``lead_events.*`` and ``lead_orders.*`` (a retailer's lead sources) and
``social_posts.*`` (social-media campaign posts).
:func:`load_dataset` reads and validates it (file faults, encodings and Excel
sheets: see :mod:`omnimkt.data.readers`); :func:`write_dataset` writes CSV,
gzipped CSV or Parquet byte-for-byte reproducibly.
"""

from __future__ import annotations

import dataclasses
import gzip
import inspect
import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_columns, check_frame
from omnimkt.data._validate_leads import (
    validate_lead_events,
    validate_lead_orders,
    validate_leads,
)
from omnimkt.data._validate_sessions import validate_sessions
from omnimkt.data.dataset import Dataset
from omnimkt.data.readers import READ_FORMATS, format_of, read_raw
from omnimkt.data.schema import SPECS, Columns
from omnimkt.data.validate import (
    Duplicates,
    IdType,
    validate_customers,
    validate_dataset,
    validate_stage_events,
    validate_touchpoints,
    validate_transactions,
)
from omnimkt.errors import DataError

__all__ = ["CHANNEL_TABLES", "FORMATS", "READ_FORMATS", "TABLES", "load_dataset", "read_table",
           "validate_kind", "validate_social_posts", "write_dataset", "write_table"]

#: File formats written (and read), by file-name suffix; READ_FORMATS adds Excel.
FORMATS: tuple[str, ...] = ("csv", "csv.gz", "parquet")
CORE_TABLES: tuple[str, ...] = ("transactions", "touchpoints", "customers", "stage_events")
#: Tables of the channel case studies; they come from other systems (web analytics, a
#: lead list, a social platform's export) and are validated each on its own.
CHANNEL_TABLES: tuple[str, ...] = ("sessions", "leads", "lead_events", "lead_orders",
                                   "social_posts")
TABLES: tuple[str, ...] = CORE_TABLES + CHANNEL_TABLES
# Id columns are read as text so that leading zeros ('00042') survive the CSV reader.
_ID_COLUMNS = ("customer_id", "referrer_id")
_SOURCE_KEYS = ("file", "format", "encoding", "sheet")


def validate_social_posts(df: pd.DataFrame, columns: Columns | Mapping[str, str] | None = None,
                          *, dayfirst: bool | None = None) -> pd.DataFrame:
    """Check a social-media posts table and return it canonical (the ``social_posts`` table).

    The rules are those of :func:`omnimkt.social.check_posts` (follower counts present,
    counts whole and >= 0, clicks and conversions at most the impressions, held-out
    conversions at most the hold-out); the optional ``post_id``, ``platform`` and
    ``topic`` columns are kept. ``dayfirst`` is accepted for symmetry (no dates here).

    Examples
    --------
    >>> posts = pd.DataFrame({"账号": ["a"], "粉丝数": [10], "impressions": [5], "clicks": [2],
    ...     "conversions": [1], "holdout": [1], "holdout_conversions": [0]})
    >>> validate_social_posts(posts, {"account": "账号", "followers": "粉丝数"}).columns[:2].tolist()
    ['account', 'followers']
    """
    # The social package owns the rules of this table; imported here, not at the top,
    # so that omnimkt.data stays importable without the model families.
    from omnimkt.social.accounts import check_posts

    canon = as_columns(columns).to_canonical(check_frame(df, "social_posts"))
    try:
        out = check_posts(canon)
    except DataError as exc:
        text = str(exc)
        raise DataError("social_" + text if text.startswith("posts") else text) from None
    extra = [c for c in SPECS["social_posts"].optional if c in canon.columns]
    for c in extra:
        out[c] = canon[c].to_numpy()
    return out.reset_index(drop=True)


def _renamed_errors(fn: Any, table: str, *prefixes: str) -> Any:
    """``fn`` whose DataError messages name ``table`` instead of ``prefixes`` (a validator
    shared with another table)."""
    def run(df: pd.DataFrame, columns: Any = None, **options: Any) -> pd.DataFrame:
        try:
            return fn(df, columns, **options)
        except DataError as exc:
            text = str(exc)
            for p in prefixes:
                if text.startswith((p + ".", p + ":")):
                    text = table + text[len(p):]
                    break
            raise DataError(text) from None

    run.__signature__ = inspect.signature(fn)  # type: ignore[attr-defined]
    run.__doc__ = fn.__doc__
    return run


_VALIDATORS = {
    "transactions": validate_transactions,
    "touchpoints": validate_touchpoints,
    "customers": validate_customers,
    "stage_events": validate_stage_events,
    "sessions": validate_sessions,
    "leads": validate_leads,
    "lead_events": validate_lead_events,
    # The leads' orders are checked as transactions; errors name the lead_orders table.
    "lead_orders": _renamed_errors(validate_lead_orders, "lead_orders", "transactions", "orders"),
    "social_posts": validate_social_posts,
}


def validate_kind(kind: str, df: pd.DataFrame, columns: Columns | Mapping[str, str] | None = None,
                  **options: Any) -> pd.DataFrame:
    """Validate ``df`` as table ``kind`` with the options its validator takes.

    Options a table does not use (``allow_refunds`` for sessions, ``duplicates`` for
    leads ...) are left out, so one set of loader options serves every table.

    Examples
    --------
    >>> s = validate_kind("sessions", pd.DataFrame({"customer_id": ["v1"],
    ...     "timestamp": ["2025-01-02"], "source": ["search"]}), allow_refunds=True)
    >>> s["source"].tolist()
    ['search']
    """
    _check_kind(kind)
    fn = _VALIDATORS[kind]
    takes = inspect.signature(fn).parameters
    return fn(df, columns, **{k: v for k, v in options.items() if k in takes})


def _format_of(path: Path) -> str | None:
    return format_of(path)


def _check_kind(kind: str) -> None:
    if kind not in SPECS:
        raise ValueError(f"kind must be one of {', '.join(TABLES)}, not {kind!r}")


def _is_text(s: pd.Series) -> bool:
    return s.dtype.kind in "OT" or isinstance(s.dtype, pd.StringDtype)


def _id_groups(kinds: set[str]) -> list[set[str]]:
    """Tables whose customer ids must share one type.

    The customer tables form one group. Visitors of ``sessions`` (often cookie ids) are
    their own group; leads are a group with ``lead_orders`` when the folder has that
    table, and join the customer tables when their orders are the transactions.
    """
    core = set(CORE_TABLES) | ({"leads"} if "lead_orders" not in kinds else set())
    groups = [core & kinds, {"sessions"} & kinds, {"leads", "lead_orders"} & kinds - core]
    return [g for g in groups if g]


def _auto_int_ids(
    frames: Mapping[str, pd.DataFrame], cols: Columns, csv_kinds: set[str]
) -> dict[str, pd.DataFrame]:
    """Turn CSV ids (read as text) into integers when every id of a group of tables is a
    plain integer (groups: :func:`_id_groups`).

    Ids with leading zeros ('00042') or letters, or text ids in a Parquet or Excel file,
    keep all the group's ids as text, so that the same customer has the same id everywhere.
    """
    out = dict(frames)
    for group in _id_groups(set(frames)):
        out.update(_auto_int_group({k: frames[k] for k in group}, cols, csv_kinds))
    return out


def _auto_int_group(
    frames: Mapping[str, pd.DataFrame], cols: Columns, csv_kinds: set[str]
) -> dict[str, pd.DataFrame]:
    names = [cols.source_name(c) for c in _ID_COLUMNS]
    text_cols = [
        (k, n) for k, df in frames.items() for n in names if n in df.columns and _is_text(df[n])
    ]
    if not text_cols or any(k not in csv_kinds for k, _ in text_cols):
        return dict(frames)
    for k, n in text_cols:
        s = frames[k][n].dropna()
        if not s.str.fullmatch(r"0|[1-9]\d{0,17}").all():
            return dict(frames)
    out = dict(frames)
    for k, n in text_cols:
        s = out[k][n]
        conv = pd.to_numeric(s).astype("Int64") if s.isna().any() else s.astype("int64")
        attrs = dict(out[k].attrs)
        out[k] = out[k].assign(**{n: conv})
        out[k].attrs.update(attrs)
    return out


def _csv_kinds(found: Mapping[str, Path]) -> set[str]:
    return {k for k, p in found.items() if _format_of(p) in ("csv", "csv.gz")}


def _with_source(df: pd.DataFrame, info: Mapping[str, Any]) -> pd.DataFrame:
    df.attrs.update({k: v for k, v in info.items() if k in _SOURCE_KEYS})
    return df


def read_table(
    path: str | os.PathLike,
    kind: str,
    columns: Columns | Mapping[str, str] | None = None,
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
    dayfirst: bool | None = None,
    **validate_kwargs: Any,
) -> pd.DataFrame:
    """Read one table from ``.csv``, ``.csv.gz``, ``.parquet``, ``.xlsx`` or ``.xls`` and validate it.

    Parameters
    ----------
    path : path-like
        The file; its suffix decides the format.
    kind : str
        Which canonical table it is: "transactions", "touchpoints", "customers",
        "stage_events", or a channel table: "sessions", "leads", "lead_events",
        "lead_orders", "social_posts".
    columns : Columns or dict, optional
        Your column names, e.g. ``Columns(customer_id="member_no")``.
    encoding : str, optional
        Text encoding of a CSV file. ``None`` detects UTF-8 (with or without a
        byte-order mark) and GBK/GB18030; anything else needs ``encoding=``.
    sheet : str or int, optional
        Excel sheet by name or position; ``None`` = the first sheet.
    dayfirst : bool, optional
        How to read dates such as ``05/03/2024``; ``None`` decides from the data
        and raises when the data cannot decide.
    **validate_kwargs
        Passed to the matching ``validate_*`` function (e.g. ``allow_refunds=True``,
        ``id_type="str"``); options the table does not use are ignored.

    Returns
    -------
    DataFrame
        The canonical, validated table. Ids in CSV files are read as text and
        become integers only if all of them are plain integers (no leading zeros).
        ``attrs`` holds ``file``, ``format`` and the detected ``encoding`` (text
        files) or ``sheet`` (Excel).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "tx.csv"
    >>> _ = p.write_text("customer_id,timestamp,amount\\n7,2025-01-02,9.5\\n8,2025-01-03,4\\n")
    >>> tx = read_table(p, "transactions")
    >>> tx["amount"].tolist(), tx.attrs["encoding"]
    ([9.5, 4.0], 'utf-8')
    """
    _check_kind(kind)
    cols = as_columns(columns)
    raw = read_raw(Path(path), kind, cols, encoding=encoding, sheet=sheet)
    info = dict(raw.attrs)
    if validate_kwargs.get("id_type", "auto") == "auto":
        raw = _auto_int_ids({kind: raw}, cols, _csv_kinds({kind: Path(path)}))[kind]
    validate_kwargs["dayfirst"] = dayfirst
    return _with_source(validate_kind(kind, raw, cols, **validate_kwargs), info)


def find_files(folder: Path) -> dict[str, Path]:
    """The file of each table in a data folder (``transactions.csv`` ... ``customers.xlsx``)."""
    found: dict[str, Path] = {}
    for kind in TABLES:
        hits = [folder / f"{kind}.{fmt}" for fmt in READ_FORMATS
                if (folder / f"{kind}.{fmt}").is_file()]
        if len(hits) > 1:
            raise DataError(
                f"{kind}: the folder {str(folder)!r} holds more than one file for this table "
                f"({', '.join(p.name for p in hits)}); keep only one."
            )
        if hits:
            found[kind] = hits[0]
    return found


def check_folder(folder: Path) -> dict[str, Path]:
    """The table files of ``folder``; a DataError if it is no folder or has no transactions."""
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise DataError(
            f"dataset: {str(folder)!r} {what}. Pass a folder holding transactions.csv "
            "(or .csv.gz / .parquet / .xlsx / .xls) and optionally touchpoints.*, customers.*, "
            "stage_events.*, sessions.*, leads.*, lead_events.*, lead_orders.*, "
            "social_posts.*; for a single file use omnimkt.data.read_table(path, 'transactions')."
        )
    found = find_files(folder)
    if "transactions" not in found:
        seen = sorted(p.name for p in folder.iterdir())
        listing = ", ".join(seen[:20]) + (" ..." if len(seen) > 20 else "") if seen else "none"
        raise DataError(
            f"dataset: no transactions file in {str(folder)!r} (looked for "
            f"{', '.join('transactions.' + f for f in READ_FORMATS)}). Files found: {listing}. "
            "Rename your purchases file accordingly."
        )
    return found


def load_dataset(
    path: str | os.PathLike,
    columns: Columns | Mapping[str, str] | None = None,
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
    dayfirst: bool | None = None,
    allow_refunds: bool = False,
    now: Any = None,
    duplicates: Duplicates = "warn",
    id_type: IdType = "auto",
    engine: str = "auto",
    progress: bool = False,
) -> Dataset:
    """Read a data folder (transactions.* required; the other tables optional).

    Each table may be ``.csv``, ``.csv.gz``, ``.parquet``, ``.xlsx`` or ``.xls``;
    ``encoding``, ``sheet`` and ``dayfirst`` are as in :func:`read_table` and apply
    to every file; the other options go to :func:`omnimkt.data.validate_dataset`.
    What was detected per table (file, format, encoding or sheet) is in each
    table's ``attrs`` and in ``Dataset.sources``. The channel tables (sessions,
    leads, lead_events, lead_orders, social_posts) are validated each with its own
    rules; their ids need not match the customers' (see :func:`_id_groups`).

    ``engine`` decides where the tables live: "pandas" reads them into memory;
    "duckdb" (embedded) or "spark" keep them in that engine, validated by aggregate
    queries, as DuckDB relations / Spark DataFrames (tables may then also be folders
    of Parquet or CSV parts, e.g. ``transactions/part-0.parquet``; Excel needs
    pandas); "auto" (default) uses DuckDB only when the files would take more than
    a quarter of this machine's memory in pandas. ``progress`` prints one line per
    table (engines only). The engine path reads ISO dates and plain numbers only
    and keeps ids in the type the engine read them (``encoding``, ``sheet``,
    ``dayfirst`` and ``id_type`` apply to pandas).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "transactions.csv").write_text(
    ...     "customer_id,timestamp,amount\\n1,2025-01-02,9.5\\n2,2025-01-03,4\\n")
    >>> ds = load_dataset(d)
    >>> ds, ds.sources["transactions"]["encoding"]
    (Dataset(transactions: 2 rows), 'utf-8')
    """
    from omnimkt.data._engine_io import choose_engine, load_engine_dataset

    cols = as_columns(columns)
    chosen = choose_engine(Path(path), engine)
    if chosen != "pandas":
        return load_engine_dataset(Path(path), chosen, cols, allow_refunds=allow_refunds,
                                   now=now, duplicates=duplicates, progress=progress)
    found = check_folder(Path(path))
    frames = {kind: read_raw(p, kind, cols, encoding=encoding, sheet=sheet)
              for kind, p in found.items()}
    sources = {kind: dict(df.attrs, rows=len(df)) for kind, df in frames.items()}
    if id_type == "auto":
        frames = _auto_int_ids(frames, cols, _csv_kinds(found))
    core = {k: v for k, v in frames.items() if k in CORE_TABLES}
    ds = validate_dataset(Dataset(**core), cols, allow_refunds=allow_refunds, now=now,
                          duplicates=duplicates, id_type=id_type, dayfirst=dayfirst)
    channel = {k: validate_kind(k, v, cols, now=now, duplicates=duplicates, id_type=id_type,
                                dayfirst=dayfirst)
               for k, v in frames.items() if k in CHANNEL_TABLES}
    ds = dataclasses.replace(ds, **channel)
    for kind, info in sources.items():
        _with_source(getattr(ds, kind), info)
    ds.sources = sources
    return ds


def _iso(s: pd.Series) -> pd.Series:
    """ISO 8601 text of a naive datetime column, to the second or finer if needed; NaT empty."""
    v = s.to_numpy("datetime64[ns]")
    ns = v.view("int64")[~np.isnat(v)]
    unit = "ns"
    for u, step in (("s", 10**9), ("ms", 10**6), ("us", 10**3)):
        if not np.any(ns % step):
            unit = u
            break
    text = np.datetime_as_string(v, unit=unit)
    return pd.Series(np.where(np.isnat(v), "", text), index=s.index, dtype=object)


def _csv_text(df: pd.DataFrame) -> str:
    # Floats in shortest round-trip form (exact), timestamps as ISO 8601 text without
    # losing sub-seconds, '\n' line ends on every OS: the same bytes for the same data.
    dt = {c: _iso(df[c]) for c in df.columns if df[c].dtype.kind == "M"}
    return (df.assign(**dt) if dt else df).to_csv(index=False, lineterminator="\n")


def write_table(df: pd.DataFrame, target: str | os.PathLike, *, format: str = "csv.gz") -> Path:
    """Write one table reproducibly (same data, same bytes); see :func:`write_dataset`.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> write_table(pd.DataFrame({"a": [1.5]}), p, format="csv").read_text()
    'a\\n1.5\\n'
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    target = Path(target)
    if format == "parquet":
        df.reset_index(drop=True).to_parquet(target, index=False)
        return target
    data = _csv_text(df).encode("utf-8")
    if format == "csv.gz":
        buf = io.BytesIO()
        # mtime=0 and an empty file name keep the gzip header identical on every run.
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=6) as gz:
            gz.write(data)
        data = buf.getvalue()
    target.write_bytes(data)
    return target


def write_dataset(
    dataset: Dataset, path: str | os.PathLike, *, format: str = "csv.gz"
) -> dict[str, Path]:
    """Write every table of ``dataset`` to ``path/<table>.<format>``, reproducibly.

    The bytes depend only on the data: gzip headers carry no time stamp or file
    name, floats are written exactly (shortest round-trip form), timestamps as
    ISO 8601 (``2025-01-31T09:30:00``, sub-seconds kept when present). Existing
    files of the same names are replaced; a file of the same table in another
    format is an error (the folder would be ambiguous to :func:`load_dataset`).

    Returns
    -------
    dict
        Table name -> path written.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1], "timestamp": [pd.Timestamp("2025-01-01 09:30")],
    ...                    "amount": [9.5]})
    >>> paths = write_dataset(Dataset(tx), tempfile.mkdtemp(), format="csv")
    >>> paths["transactions"].read_text()
    'customer_id,timestamp,amount\\n1,2025-01-01T09:30:00,9.5\\n'
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for kind in dataset.tables():
        if kind not in TABLES:
            continue
        df = getattr(dataset, kind)
        others = [folder / f"{kind}.{f}" for f in FORMATS if f != format]
        clash = [p.name for p in others if p.exists()]
        if clash:
            raise DataError(
                f"{kind}: {str(folder)!r} already holds {', '.join(clash)}; writing "
                f"{kind}.{format} too would make the folder ambiguous. Remove it first."
            )
        target = folder / f"{kind}.{format}"
        write_table(df, target, format=format)
        written[kind] = target
    return written
