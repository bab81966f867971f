"""Check a data folder and list EVERY problem at once (``omnimkt check --data DIR``).

:func:`load_dataset` stops at the first problem, which is right for a model
but slow for a user fixing an export: :func:`check_dataset` reads every table,
runs every column check even after one failed, and returns a
:class:`CheckReport` with one problem per table, column and issue (the same
DataError text the loader would give) plus what was detected per file
(format, encoding or sheet, rows).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from omnimkt._gate import as_columns, check_bool
from omnimkt._result import Result
from omnimkt.data.io import (
    CORE_TABLES,
    TABLES,
    _auto_int_ids,
    _csv_kinds,
    check_folder,
    validate_kind,
)
from omnimkt.data.readers import read_raw
from omnimkt.data.schema import SPECS, Columns
from omnimkt.data.validate import (
    Duplicates,
    IdType,
    _frame_and_steps,
    check_across,
    validate_table,
)
from omnimkt.errors import DataError, DataWarning

__all__ = ["CheckReport", "Problem", "check_dataset"]


@dataclass(frozen=True)
class Problem:
    """One problem found: the table (or ``"dataset"``) and the DataError text."""

    table: str
    message: str

    def __str__(self) -> str:
        return self.message


class CheckReport(Result):
    """What :func:`check_dataset` found: per-table detection, problems and warnings.

    Attributes
    ----------
    folder : Path
        The folder checked.
    problems : list of Problem
        Every problem found (empty when the data can be used).
    warnings : list of str
        Recoverable oddities (e.g. dropped duplicates), as the loader would warn.
    summary : DataFrame
        One row per table file: table, file, read_as (encoding or sheet), rows, problems.
    ok : bool
        ``True`` when there are no problems.
    """

    title = "Data check"

    def __init__(self, folder: Path, tables: pd.DataFrame, problems: list[Problem],
                 warnings_: list[str]) -> None:
        self.folder = folder
        self.summary = tables
        self.problems = problems
        self.warnings = warnings_
        verdict = ("No problems found: the data can be used." if not problems else
                   f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found.")
        self.notes = [verdict, *(p.message for p in problems),
                      *(f"Warning: {w}" for w in warnings_)]

    @property
    def ok(self) -> bool:
        return not self.problems

    def _settings(self) -> str:
        return str(self.folder)


def _catching(problems: list[Problem], notes: list[str], table: str, fn: Any, *args: Any,
              **kw: Any) -> Any:
    """``fn(*args, **kw)``; a DataError becomes a problem (result None), warnings notes."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always", DataWarning)
        try:
            return fn(*args, **kw)
        except DataError as exc:
            problems.append(Problem(table, str(exc)))
            return None
        finally:
            notes.extend(str(w.message) for w in seen if issubclass(w.category, DataWarning))


def _table_problems(kind: str, raw: pd.DataFrame, cols: Columns, opts: Mapping[str, Any],
                    problems: list[Problem], notes: list[str]) -> pd.DataFrame | None:
    """The full validator; when it fails, every column check on its own as well, so that
    all problems are listed (a clean table is validated once)."""
    failed: list[Problem] = []
    if kind not in CORE_TABLES:  # channel tables: their own validator, first problem only
        out = _catching(failed, notes, kind, validate_kind, kind, raw, cols, **opts)
        problems.extend(failed)
        return out
    out = _catching(failed, notes, kind, validate_table, kind, raw, cols, **opts)
    if out is not None:
        return out
    step_opts = {k: opts[k] for k in ("now", "id_type", "dayfirst")}
    if kind == "transactions":
        step_opts["allow_refunds"] = opts["allow_refunds"]
    before = len(problems)
    got = _catching(problems, [], kind, _frame_and_steps, raw, SPECS[kind], cols, **step_opts)
    if got is not None:  # None: missing columns or no rows, nothing else can be checked
        for _, step in got[2]:
            _catching(problems, [], kind, step)
    found = {p.message for p in problems[before:]}
    problems.extend(p for p in failed if p.message not in found)
    return None


def check_dataset(
    folder: str | os.PathLike,
    *,
    columns: Columns | Mapping[str, str] | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    dayfirst: bool | None = None,
    allow_refunds: bool = False,
    now: Any = None,
    duplicates: Duplicates = "warn",
    id_type: IdType = "auto",
) -> CheckReport:
    """Read and validate a data folder, collecting every problem instead of stopping.

    Parameters
    ----------
    folder : path-like
        A data folder as :func:`~omnimkt.data.load_dataset` reads it.
    columns, encoding, sheet, dayfirst, allow_refunds, now, duplicates, id_type
        As in :func:`~omnimkt.data.load_dataset`. A wrong ``columns`` mapping is
        a :class:`~omnimkt.ModelError` (raised, not collected).

    Returns
    -------
    CheckReport
        ``.ok``, ``.problems`` (one per table/column/issue, with the loader's
        message), ``.warnings`` and ``.summary`` (file, encoding or sheet, rows
        per table).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "transactions.csv").write_text(
    ...     "customer_id,timestamp,amount\\n1,2025-01-02,abc\\n,2025-01-03,4\\n")
    >>> report = check_dataset(d)
    >>> report.ok, [p.table for p in report.problems]
    (False, ['transactions', 'transactions'])
    >>> print(report.problems[1])  # doctest: +ELLIPSIS
    transactions.amount: 1 of 2 rows are not numbers (e.g. 'abc' at rows 0). ...
    """
    cols = as_columns(columns)
    check_bool(allow_refunds, "allow_refunds")
    path = Path(folder)
    problems: list[Problem] = []
    notes: list[str] = []
    found = _catching(problems, notes, "dataset", check_folder, path) or {}
    frames: dict[str, pd.DataFrame] = {}
    for kind, file in found.items():
        raw = _catching(problems, notes, kind, read_raw, file, kind, cols,
                        encoding=encoding, sheet=sheet)
        if raw is not None:
            frames[kind] = raw
    rows = _detected(found, frames)
    if id_type == "auto":
        frames = _auto_int_ids(frames, cols, _csv_kinds(found))
    opts = dict(allow_refunds=allow_refunds, now=now, duplicates=duplicates, id_type=id_type,
                dayfirst=dayfirst)
    valid = {kind: _table_problems(kind, raw, cols, opts, problems, notes)
             for kind, raw in frames.items()}
    if found and not problems:
        _catching(problems, notes, "dataset", check_across,
                  {k: v for k, v in valid.items() if k in CORE_TABLES})
    counts = pd.Series([p.table for p in problems], dtype="object").value_counts()
    rows["problems"] = [int(counts.get(t, 0)) for t in rows["table"]]
    return CheckReport(path, rows, problems, notes)


def _detected(found: Mapping[str, Path], frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per table file: what was read and how."""
    out = []
    for kind in TABLES:
        if kind not in found:
            continue
        df = frames.get(kind)
        attrs = df.attrs if df is not None else {}
        read_as = attrs.get("encoding") or (f"sheet {attrs['sheet']!r}" if "sheet" in attrs
                                            else attrs.get("format", ""))
        out.append({"table": kind, "file": found[kind].name, "read_as": read_as or "",
                    "rows": len(df) if df is not None else 0})
    return pd.DataFrame(out, columns=["table", "file", "read_as", "rows"])
