"""The ``validate_*`` checks as aggregate queries in the engine (DuckDB or Spark, via narwhals).

Every check is a boolean narwhals expression "this row is bad"; one aggregate
query counts the bad rows of all checks at once, and only for the first failing
check (in the order the pandas validator runs them) a second query fetches three
example values with their row positions. The DataError is built by the pandas
validator's own message builders, so both paths give the same text.

What the engine does not do that pandas does (the engine raises "cannot be read
as dates" / "are not numbers" instead): dates other than ISO text (Chinese and
day/month text, yyyymmdd numbers), amounts written as money text (``¥1,234``),
and ``id_type`` conversions; ids are kept in the type the engine read them.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import narwhals as nw

from omnimkt.data._checks import Ctx, resolve_now
from omnimkt.data.schema import STAGES, Columns, TableSpec
from omnimkt.errors import DataError, DataWarning, examples

_ROW = "__omnimkt_row"


@dataclass
class _Check:
    """One check: ``bad`` rows of column ``canon`` (or ``fail`` raising directly)."""

    canon: str
    bad: nw.Expr | None = None
    what: str = ""
    todo: str = ""
    fail: Callable[[], DataError] | None = None


def _native_cast(lf: nw.LazyFrame, col: str, new: str, to: str) -> nw.LazyFrame:
    """Add ``new`` = ``col`` parsed as 'timestamp' or 'double', NULL where it cannot be read.

    narwhals has no lenient cast (its DuckDB cast and strptime raise on the first bad
    value), so this one step is written per engine.
    """
    native = lf.to_native()
    if lf.implementation.is_duckdb():
        typ = "TIMESTAMP" if to == "timestamp" else "DOUBLE"
        q = col.replace('"', '""')
        return nw.from_native(native.project(f'*, TRY_CAST(TRIM("{q}") AS {typ}) AS "{new}"'))
    from pyspark.sql import functions as F

    c = F.trim(F.col(f"`{col}`"))
    expr = F.to_timestamp(c) if to == "timestamp" else c.cast("double")
    return nw.from_native(native.withColumn(new, expr))


def _with_row_numbers(lf: nw.LazyFrame) -> nw.LazyFrame:
    """Row positions 0..n-1 in the source's order (only on the error path)."""
    native = lf.to_native()
    if lf.implementation.is_duckdb():
        return nw.from_native(native.project(f'*, (row_number() OVER ()) - 1 AS "{_ROW}"'))
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    w = Window.orderBy(F.monotonically_increasing_id())
    return nw.from_native(native.withColumn(_ROW, F.row_number().over(w) - 1))


def _pandas_dtype_name(dtype: Any) -> str:
    return {nw.Int64: "int64", nw.Int32: "int32", nw.Float64: "float64",
            nw.Float32: "float32", nw.Boolean: "bool"}.get(type(dtype), str(dtype).lower())


def _head(lf: nw.LazyFrame, col: str, n: int = 3) -> list[Any]:
    from omnimkt.data.engine import collect

    return collect(lf.filter(~nw.col(col).is_null()).select(col).head(n))[col].tolist()


# --------------------------------------------------------------------------- columns
def _id_checks(lf: nw.LazyFrame, dtype: Any, ctx: Ctx, conv: dict[str, nw.Expr]) -> list[_Check]:
    c, col = "customer_id", nw.col("customer_id")
    if dtype == nw.Boolean:
        return [_Check(c, fail=lambda: DataError(
            f"{ctx.table}.{ctx.label(c)}: ids are True/False values; "
            "pass the real customer id column."))]
    todo = f"Drop them (df.dropna(subset=[{ctx.cols.source_name(c)!r}])) or fill them in."
    if dtype == nw.String:
        missing = col.is_null() | (col.str.strip_chars() == "")
        return [_Check(c, missing, "have no id (empty, blank or NaN)", todo)]
    if dtype.is_float():
        conv[c] = col.cast(nw.Int64)
        return [_Check(c, col.is_null() | col.is_nan(), "have no id (empty, blank or NaN)", todo),
                _Check(c, col != col.floor(), "are not whole numbers",
                       "Ids must be integers or text; read the column as text (dtype=str).")]
    if dtype.is_integer():
        conv[c] = col.cast(nw.Int64)
    return [_Check(c, col.is_null(), "have no id (empty, blank or NaN)", todo)]


def _time_checks(lf: nw.LazyFrame, c: str, dtype: Any, ctx: Ctx, required: bool,
                 limit: tuple[Any, str] | None, conv: dict[str, nw.Expr]) -> tuple[
                     nw.LazyFrame, list[_Check]]:
    checks: list[_Check] = []
    col = nw.col(c)
    if dtype == nw.String:
        parsed = f"__omnimkt_ts_{c}"
        lf = _native_cast(lf, c, parsed, "timestamp")
        conv[c] = nw.col(parsed).cast(nw.Datetime("us"))
        checks.append(_Check(c, nw.col(parsed).is_null() & ~col.is_null(),
                             "cannot be read as dates",
                             "Fix or drop them, or parse the column yourself with "
                             "pd.to_datetime(..., format=...)."))
    elif isinstance(dtype, nw.Datetime):
        conv[c] = col.dt.replace_time_zone(None) if dtype.time_zone else col
    elif dtype == nw.Date:
        conv[c] = col.cast(nw.Datetime("us"))
    else:
        def numbers(dtype: Any = dtype) -> DataError:
            return DataError(
                f"{ctx.table}.{ctx.label(c)}: holds numbers ({_pandas_dtype_name(dtype)}, e.g. "
                f"{examples(_head(lf, c))}), not dates. Numbers are read as dates only when "
                "every one is a valid yyyymmdd date (20240305); Excel day numbers only in a "
                "file read from Excel. Convert them first, e.g. pd.to_datetime(df[col], "
                "unit='s') for Unix seconds.")
        return lf, [_Check(c, fail=numbers)]
    if limit is not None:
        checks.append(_Check(c, conv[c] >= nw.lit(limit[0].to_pydatetime()),
                             f"lie in the future, after {limit[1]}",
                             "Check the dates (a wrong year or day/month swap?), drop them, or "
                             "pass now=... if the data really runs past today."))
    if required:
        checks.append(_Check(c, conv[c].is_null(), "have no timestamp",
                             "Fill them in or drop these rows."))
    return lf, checks


def _number_checks(lf: nw.LazyFrame, c: str, dtype: Any, ctx: Ctx, required: bool,
                   negative_ok: bool, conv: dict[str, nw.Expr]) -> tuple[
                       nw.LazyFrame, list[_Check]]:
    col = nw.col(c)
    if dtype == nw.Boolean:
        return lf, [_Check(c, fail=lambda: DataError(
            f"{ctx.table}.{ctx.label(c)}: holds True/False values (e.g. "
            f"{examples(_head(lf, c))}), not numbers; {c} must be a number. Pass the right "
            "column (check the mapping) or convert it yourself."))]
    checks: list[_Check] = []
    if dtype == nw.String:
        num = f"__omnimkt_num_{c}"
        lf = _native_cast(lf, c, num, "double")
        value = nw.col(num)
        checks.append(_Check(c, value.is_null() & ~col.is_null(), "are not numbers",
                             "Amounts such as ¥1,234.50, 20元 or RMB 35 are read when every "
                             "value of the column is written so; clean these (use '.' for "
                             "decimals) or drop these rows."))
    else:
        value = col.cast(nw.Float64)
    conv[c] = (col.cast(nw.Int64) if c == "quantity" and dtype.is_integer()
               else value + 0.0)  # -0.0 -> 0.0, as pandas
    finite = value.is_finite() | value.is_null() | value.is_nan()
    checks.append(_Check(c, ~finite, "are infinite", "Correct or drop these rows."))
    if required:
        checks.append(_Check(c, value.is_null() | value.is_nan(), "are missing",
                             "Fill them in or drop these rows."))
    if c == "cost" or (c in ("amount", "quantity") and not negative_ok):
        todo = ("Refunds and returns are kept only on request: pass allow_refunds=True, "
                "or drop/net them out first." if c != "cost"
                else "Costs cannot be negative; correct or drop these rows.")
        checks.append(_Check(c, value < 0, "are negative", todo))
    return lf, checks


def _text_checks(spec: TableSpec, names: list[str], conv: dict[str, nw.Expr]) -> list[_Check]:
    checks = []
    if spec.name == "touchpoints":
        ch = nw.col("channel")
        checks.append(_Check("channel", ch.is_null() | (ch.cast(nw.String).str.strip_chars()
                                                        == ""),
                             "are empty", "Fill them in or drop these rows first."))
    if spec.name == "stage_events":
        stage = nw.col("stage").cast(nw.String).str.strip_chars().str.to_lowercase()
        conv["stage"] = stage
        checks.append(_Check("stage", ~stage.is_in(list(STAGES)) | nw.col("stage").is_null(),
                             "are not a known lifecycle stage",
                             f"Use one of {', '.join(STAGES)} (map your own stage names to "
                             "these first)."))
    return checks


# --------------------------------------------------------------------------- running
def _count(lf: nw.LazyFrame, checks: list[_Check], extra: dict[str, nw.Expr]) -> dict[str, int]:
    from omnimkt.data.engine import collect

    aggs = [nw.len().alias("__n")] + [
        ch.bad.fill_null(False).cast(nw.Int64).sum().alias(f"__b{i}")
        for i, ch in enumerate(checks) if ch.bad is not None
    ] + [e.alias(k) for k, e in extra.items()]
    row = collect(lf.select(*aggs)).iloc[0]
    return {k: (0 if v is None or v != v else int(v)) for k, v in row.items()}


def _raise_first(lf: nw.LazyFrame, checks: list[_Check], counts: dict[str, int],
                 ctx: Ctx, every: list[DataError] | None = None) -> None:
    """Raise the first failing check's DataError (pandas order); with ``every``, collect
    the errors of all failing checks into it first (``omnimkt check`` lists them all)."""
    from omnimkt.data.engine import collect

    for i, ch in enumerate(checks):
        if ch.fail is not None:
            err = ch.fail()
        elif counts[f"__b{i}"]:
            ex = collect(_with_row_numbers(lf).filter(ch.bad.fill_null(False))
                         .select(ch.canon, _ROW).sort(_ROW).head(3))
            err = ctx.counted_error(ch.canon, counts[f"__b{i}"], counts["__n"], ch.what,
                                    ex[ch.canon], ex[_ROW], ch.todo)
        else:
            continue
        if every is None:
            raise err
        every.append(err)
    if every:
        raise every[0]


def _duplicates(lf: nw.LazyFrame, table: str, n_rows: int, duplicates: str) -> nw.LazyFrame:
    from omnimkt.data.engine import collect
    from omnimkt.data.validate import duplicates_problem

    if duplicates not in ("warn", "raise", "keep"):
        raise ValueError(f"duplicates must be 'warn', 'raise' or 'keep', not {duplicates!r}")
    if duplicates == "keep":
        return lf
    names = lf.collect_schema().names()
    groups = lf.group_by(*names).agg(nw.len().alias("__omnimkt_n"))
    dup = groups.filter(nw.col("__omnimkt_n") > 1)
    n_dup = int(collect(dup.select((nw.col("__omnimkt_n") - 1).sum().alias("n")))["n"].fillna(0)
                .iloc[0])
    if not n_dup:
        return lf
    keys = [c for c in ("customer_id", "timestamp", "order_id", "stage") if c in names]
    first = collect(dup.sort(keys + [c for c in names if c not in keys]).head(3))
    first = first.loc[first.index.repeat(first["__omnimkt_n"] - 1)].head(3)
    duplicates_problem(table, n_dup, n_rows, first, duplicates, stacklevel=5)
    return lf.unique()


def canonical_lazy(lf: nw.LazyFrame, spec: TableSpec, cols: Columns, *, validate: bool,
                   allow_refunds: bool, now: Any, duplicates: str,
                   user_names: list[str] | None = None,
                   every: list[DataError] | None = None) -> nw.LazyFrame:
    """Canonical columns, converted types and (``validate``) the checks of ``spec``.

    ``every``: a list that receives the DataError of every failing column check (the
    first is raised afterwards), for :func:`omnimkt.data.check_dataset`'s engine path.
    """
    from omnimkt.data.validate import missing_columns_error

    schema = dict(lf.collect_schema())
    names = list(schema)
    missing = [c for c in spec.required if c not in names]
    if missing:
        original = user_names or [cols.mapping.get(n, n) if n in cols.mapping else n
                                  for n in names]
        raise missing_columns_error(spec, cols, original, missing)
    lf = lf.select(list(spec.required) + [c for c in names if c not in spec.required])
    ctx = Ctx(spec.name, cols, None)
    conv: dict[str, nw.Expr] = {}
    checks = _id_checks(lf, schema["customer_id"], ctx, conv)
    limit = resolve_now(now) if spec.name != "customers" else None
    for c in spec.timestamps:
        if c in schema:
            lf, more = _time_checks(lf, c, schema[c], ctx, c in spec.required, limit, conv)
            checks += more
    for c in spec.numeric:
        if c in schema:
            lf, more = _number_checks(lf, c, schema[c], ctx, c in spec.required,
                                      allow_refunds, conv)
            checks += more
    checks += _text_checks(spec, names, conv)
    if validate:
        extra = {"__ids": nw.col("customer_id").n_unique()} if spec.name == "transactions" \
            else {}
        counts = _count(lf, checks, extra)
        if counts["__n"] == 0:
            from omnimkt.data.validate import empty_table_error

            raise empty_table_error(spec)
        _raise_first(lf, checks, counts, ctx, every)
    out = lf.select([conv.get(c, nw.col(c)).alias(c) for c in
                     list(spec.required) + [c for c in names if c not in spec.required]])
    if validate:
        # validate_customers always drops identical rows with a warning.
        policy = "warn" if spec.name == "customers" else duplicates
        out = _duplicates(out, spec.name, counts["__n"], policy)
        if spec.name == "transactions" and counts.get("__ids", 2) < 2:
            _single_customer(out, counts["__n"])
        if spec.name == "customers":
            _repeated_ids(out, ctx)
    return out


def _repeated_ids(lf: nw.LazyFrame, ctx: Ctx) -> None:
    """Customer ids on more than one (distinct) row: the pandas text of validate_customers."""
    from omnimkt.data.engine import collect

    rep = lf.group_by("customer_id").agg(nw.len().alias("__n")).filter(nw.col("__n") > 1)
    tot = collect(rep.select(nw.len().alias("ids"), nw.col("__n").sum().alias("rows")))
    n_ids = int(tot["ids"].iloc[0])
    if n_ids:
        first = collect(rep.sort("customer_id").head(3))["customer_id"]
        raise DataError(
            f"customers.{ctx.label('customer_id')}: {n_ids:,} customer ids appear on more "
            f"than one row ({int(tot['rows'].iloc[0]):,} rows, e.g. {examples(first)}) with "
            "different details. Keep one row per customer, e.g. df.drop_duplicates(subset=[id "
            "column], keep='last')."
        )


def _single_customer(lf: nw.LazyFrame, n_rows: int) -> None:
    first = _head(lf, "customer_id", 1)
    warnings.warn(
        f"transactions: all {n_rows:,} rows belong to a single customer "
        f"({examples(first)}); models that learn across customers "
        "(CLV, churn, segments) need many customers.",
        DataWarning, stacklevel=4,
    )

