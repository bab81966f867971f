"""The same pandas table as every engine source, for equality tests pandas == every engine.

    for name, source in engine_sources(df, tmp_path, spark):
        assert_frame_equal(rfm_summary(source, ...), expected)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

ENGINE_NAMES = ("polars", "arrow", "duckdb", "parquet", "csv", "spark")


def _arrow(df: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(df, preserve_index=False)


def engine_sources(df: pd.DataFrame, tmp_path: Path, spark: Any = None,
                   names: tuple[str, ...] = ENGINE_NAMES) -> Iterator[tuple[str, Any]]:
    """(name, source) pairs holding ``df``: polars, pyarrow, DuckDB relation, Parquet path,
    CSV path and (when ``spark`` is given) a Spark DataFrame."""
    import polars as pl

    from omnimkt.data.engine import duckdb_connection

    tmp_path = Path(tmp_path)
    for name in names:
        if name == "polars":
            yield name, pl.from_arrow(_arrow(df))
        elif name == "arrow":
            yield name, _arrow(df)
        elif name == "duckdb":
            yield name, duckdb_connection().from_arrow(_arrow(df))
        elif name == "parquet":
            path = tmp_path / f"engine_{id(df)}.parquet"
            df.to_parquet(path, index=False)
            yield name, path
        elif name == "csv":
            path = tmp_path / f"engine_{id(df)}.csv"
            df.to_csv(path, index=False)
            yield name, str(path)
        elif name == "spark" and spark is not None:
            yield name, spark.createDataFrame(df)
