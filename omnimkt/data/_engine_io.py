"""Data folders through an engine: ``load_dataset(path, engine=...)`` and ``omnimkt check --engine``.

A table is a file ``<table>.parquet`` / ``.csv`` / ``.csv.gz`` or a folder
``<table>/`` of Parquet or CSV parts (as a warehouse export writes them). The
tables stay in the engine (DuckDB relations or Spark DataFrames), validated by
aggregate queries; nothing is read into pandas.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import narwhals as nw
import pandas as pd

from omnimkt._gate import check_choice
from omnimkt.data.dataset import Dataset
from omnimkt.data.schema import SPECS
from omnimkt.errors import DataError, DataWarning

ENGINES = ("auto", "pandas", "duckdb", "spark")
TABLES = tuple(SPECS)
#: The tables an engine validates and aggregates. The channel tables (sessions, leads,
#: social posts, ...) are small side tables: they are read in memory with their full
#: pandas validation even when the customer tables stay in DuckDB or Spark.
ENGINE_TABLES = ("transactions", "touchpoints", "customers", "stage_events")
_SUFFIXES = (".parquet", ".csv", ".csv.gz")
#: Bytes in memory per byte on disk, roughly (Parquet is compressed and typed; CSV is text).
_EXPANSION = {"parquet": 5.0, "csv": 1.5}


def engine_files(folder: Path) -> dict[str, Path]:
    """Each table's file or folder of parts in ``folder`` (transactions required)."""
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise DataError(f"dataset: {str(folder)!r} {what}. Pass a folder holding "
                        "transactions.parquet (or .csv, .csv.gz, or a transactions/ folder "
                        "of Parquet or CSV parts).")
    found: dict[str, Path] = {}
    for kind in TABLES:
        hits = [folder / f"{kind}{s}" for s in _SUFFIXES if (folder / f"{kind}{s}").is_file()]
        if (folder / kind).is_dir():
            hits.append(folder / kind)
        if len(hits) > 1:
            raise DataError(f"{kind}: the folder {str(folder)!r} holds more than one source for "
                            f"this table ({', '.join(p.name for p in hits)}); keep only one.")
        if hits:
            found[kind] = hits[0]
    if "transactions" not in found:
        raise DataError(f"dataset: no transactions file or folder in {str(folder)!r} for the "
                        "engine (looked for transactions.parquet, .csv, .csv.gz and "
                        "transactions/). Excel files are read with engine='pandas'.")
    return found


def _bytes(p: Path) -> tuple[int, str]:
    files = [f for f in p.rglob("*") if f.is_file()] if p.is_dir() else [p]
    fmt = "parquet" if any(f.suffix == ".parquet" for f in files) else "csv"
    return sum(f.stat().st_size for f in files), fmt


def memory_bytes() -> int:
    """Physical memory of this machine (bytes)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # not POSIX: assume 8 GB
        return 8 * 2**30


def choose_engine(folder: Path, engine: str, budget: float = 0.25) -> str:
    """``engine``, or for "auto": "duckdb" when the tables would take more than ``budget``
    of the memory in pandas (file size times a format factor) or a table is a folder of
    parts, else "pandas"."""
    check_choice(engine, "engine", ENGINES)
    if engine != "auto":
        return engine
    try:
        found = engine_files(folder)
    except DataError:
        return "pandas"  # Excel or a layout only the pandas reader knows: it reports
    if any(p.is_dir() for p in found.values()):
        return "duckdb"  # folders of parts: the pandas reader takes single files only
    need = sum(size * _EXPANSION[fmt] for size, fmt in map(_bytes, found.values()))
    return "duckdb" if need > budget * memory_bytes() else "pandas"


def _spark_read(path: Path) -> Any:
    from pyspark.sql import SparkSession

    from omnimkt.data.engine import local_spark

    spark = SparkSession.getActiveSession() or local_spark()
    files = [str(f) for f in sorted(path.rglob("*")) if f.suffix == ".parquet"] \
        if path.is_dir() else [str(path)]
    if files and files[0].endswith(".parquet"):
        return spark.read.parquet(*files)
    src = str(path / "*.csv*") if path.is_dir() else str(path)
    return spark.read.csv(src, header=True, inferSchema=True)


def _source(path: Path, engine: str) -> Any:
    return _spark_read(path) if engine == "spark" else path


def _say(progress: bool, text: str) -> None:
    if progress:
        print(text, file=sys.stderr, flush=True)


def load_engine_dataset(folder: Path, engine: str, columns: Any, *, allow_refunds: bool,
                        now: Any, duplicates: str, progress: bool = False) -> Dataset:
    """The validated tables of ``folder`` as engine frames (DuckDB relations / Spark)."""
    from omnimkt.data.engine import lazy_table

    found = engine_files(folder)
    tables: dict[str, Any] = {}
    sources: dict[str, dict[str, Any]] = {}
    for kind, path in found.items():
        t0 = time.perf_counter()
        if kind in ENGINE_TABLES:
            tables[kind] = lazy_table(_source(path, engine), kind, columns,
                                      allow_refunds=allow_refunds, now=now,
                                      duplicates=duplicates).to_native()
        else:
            tables[kind] = _side_table(path, kind, columns)
        sources[kind] = {"file": str(path), "format": _bytes(path)[1],
                         "engine": engine if kind in ENGINE_TABLES else "pandas"}
        _say(progress, f"{kind}: validated in {engine} ({time.perf_counter() - t0:.1f} s)")
    ds = Dataset(**tables)
    ds.sources = sources
    return ds


def _side_table(path: Path, kind: str, columns: Any) -> pd.DataFrame:
    """A channel table read in memory (a folder of Parquet parts included), validated."""
    from omnimkt.data.io import read_table, validate_kind

    if path.is_dir():
        return validate_kind(kind, pd.read_parquet(path), columns)
    return read_table(path, kind, columns)


def _checked(source: Any, kind: str, columns: Any, allow_refunds: bool, now: Any,
             every: list[DataError]) -> nw.LazyFrame:
    """``lazy_table`` that also collects every failing column check into ``every``."""
    from omnimkt._gate import as_columns
    from omnimkt.data import engine as eg
    from omnimkt.data._engine_validate import canonical_lazy

    cols = as_columns(columns)
    lf = eg._open(source, kind)
    names = lf.collect_schema().names()
    return canonical_lazy(eg._rename(lf, cols, kind), SPECS[kind], cols, validate=True,
                          allow_refunds=allow_refunds, now=now, duplicates="warn",
                          user_names=names, every=every)


def check_engine_dataset(folder: str | os.PathLike, engine: str, *, columns: Any = None,
                         allow_refunds: bool = False, now: Any = None,
                         progress: bool = False) -> Any:
    """:func:`omnimkt.data.check_dataset` in the engine: the first problem of every table."""
    from omnimkt.data.check import CheckReport, Problem
    from omnimkt.data.engine import collect

    path = Path(folder)
    problems: list[Problem] = []
    notes: list[str] = []
    rows: list[dict[str, Any]] = []
    try:
        found = engine_files(path)
    except DataError as exc:
        return CheckReport(path, pd.DataFrame(columns=["table", "file", "read_as", "rows"]),
                           [Problem("dataset", str(exc))], [])
    for kind, file in found.items():
        n = 0
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always", DataWarning)
            every: list[DataError] = []
            try:
                if kind in ENGINE_TABLES:
                    lf = _checked(_source(file, engine), kind, columns, allow_refunds, now,
                                  every)
                    n = int(collect(lf.select(nw.len().alias("n")))["n"].iloc[0])
                else:
                    n = len(_side_table(file, kind, columns))
            except DataError as exc:
                problems.extend(Problem(kind, str(e)) for e in (every or [exc]))
        notes.extend(str(w.message) for w in seen if issubclass(w.category, DataWarning))
        read_as = engine if kind in ENGINE_TABLES else "pandas"
        rows.append({"table": kind, "file": file.name, "read_as": read_as, "rows": n,
                     "problems": sum(p.table == kind for p in problems)})
        _say(progress, f"{kind}: checked in {engine}")
    return CheckReport(path, pd.DataFrame(rows), problems, notes)

