"""Seeded, stratified random assignment to treatment and control (a hold-out)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_columns, as_rng, check_frame, check_number
from omnimkt._result import Result
from omnimkt.errors import DataError, ModelError

__all__ = ["Assignment", "assign"]


class Assignment(Result):
    """Who is treated and who is held out.

    Attributes
    ----------
    table : DataFrame
        One row per customer, in the input order: customer_id, group
        ("treatment" / "control"), stratum ("all" without strata).
    summary : DataFrame
        Per stratum: customers, treatment, control, control_share.
    control_share : float
        The planned control share.
    """

    title = "Test assignment"

    def __init__(self, table: pd.DataFrame, control_share: float, seed: Any) -> None:
        self.table = table
        self.control_share = control_share
        self.seed = seed
        counts = pd.crosstab(table["stratum"], table["group"]).reindex(
            columns=["treatment", "control"], fill_value=0)
        counts.loc["total"] = counts.sum()
        summary = counts.rename_axis(index="stratum", columns=None).reset_index()
        summary.insert(1, "customers", summary["treatment"] + summary["control"])
        summary["control_share"] = summary["control"] / summary["customers"]
        self.summary = summary
        self.notes = [f"Control (hold-out) share planned at {control_share:.3g}; within each "
                      "stratum the control count is the share times the stratum size, "
                      "rounded to the nearest customer."]

    def _settings(self) -> str:
        return f"control share {self.control_share:.3g}"

    def to_csv(self, path: str | Path, **kwargs: Any) -> None:
        """Write the assignment list (customer_id, group, stratum) to ``path``."""
        self.table.to_csv(path, index=False, **kwargs)


def assign(customers: pd.DataFrame | pd.Series, *, control_share: float = 0.1,
           strata: str | None = None, seed: int | np.random.Generator = 0,
           columns: Any = None) -> Assignment:
    """Assign customers at random to treatment or control, optionally within strata.

    Parameters
    ----------
    customers : DataFrame with a ``customer_id`` column, or a Series of ids
        One row per customer (ids must be unique).
    control_share : float in (0, 1)
        Share held out as control (0.1 = a 10 % hold-out).
    strata : str, optional
        Column of ``customers`` to stratify by (e.g. a value tier): each stratum
        gets ``round(control_share * size)`` control customers.
    seed : int >= 0 or numpy Generator
        Same seed and same input, same assignment, byte for byte.
    columns : omnimkt.Columns or dict, optional
        Your name of the ``customer_id`` column.

    Examples
    --------
    >>> ids = pd.DataFrame({"customer_id": range(10), "tier": ["A"] * 5 + ["B"] * 5})
    >>> a = assign(ids, control_share=0.4, strata="tier", seed=1)
    >>> a.summary["control"].tolist()
    [2, 2, 4]
    """
    cs = check_number(control_share, "control_share", low=0, high=1, low_open=True,
                      high_open=True)
    rng = as_rng(seed)
    ids, stratum = _ids_and_strata(customers, strata, columns)
    codes, labels = pd.factorize(stratum, sort=True)
    n = len(ids)
    order = np.lexsort((rng.random(n), codes))  # random order inside each stratum
    sizes = np.bincount(codes, minlength=len(labels))
    n_control = np.floor(sizes * cs + 0.5).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - np.repeat(starts, sizes)
    control = rank < n_control[codes]
    table = pd.DataFrame({
        "customer_id": ids.to_numpy(),
        "group": np.where(control, "control", "treatment"),
        "stratum": np.asarray(labels, dtype=object)[codes].astype(str),
    })
    return Assignment(table, cs, seed)


def _ids_and_strata(customers: Any, strata: Any,
                    columns: Any) -> tuple[pd.Series, pd.Series]:
    id_col = as_columns(columns).mapping.get("customer_id", "customer_id")
    if isinstance(customers, pd.Series):
        customers = customers.rename(id_col).to_frame()
    frame = check_frame(customers, "customers")
    if id_col not in frame.columns:
        raise DataError(f"customers: no '{id_col}' column (columns: "
                        f"{', '.join(map(str, frame.columns[:8]))}). Pass columns="
                        "{'customer_id': 'your id column'}.")
    ids = frame[id_col]
    if len(ids) < 2:
        raise DataError(f"customers: {len(ids)} customer(s); at least 2 are needed to form "
                        "two groups.")
    if ids.isna().any() or ids.duplicated().any():
        dup = ids[ids.duplicated() | ids.isna()].head(3).tolist()
        raise DataError(f"customers.{id_col}: ids must be unique and present; "
                        f"{int(ids.duplicated().sum() + ids.isna().sum())} rows are not "
                        f"(e.g. {dup}). Drop duplicates first.")
    if strata is None:
        return ids, pd.Series("all", index=frame.index)
    if not isinstance(strata, str) or strata not in frame.columns:
        raise ModelError(f"strata: {strata!r} is not a column of customers (columns: "
                         f"{', '.join(map(str, frame.columns[:8]))}).")
    s = frame[strata]
    if s.isna().any():
        raise DataError(f"customers.{strata}: {int(s.isna().sum())} rows have no stratum; "
                        "fill them (e.g. 'unknown') before assigning.")
    return ids, s
