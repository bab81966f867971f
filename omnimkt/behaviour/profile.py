"""Segment profile (用户群画像): a segment against the base on every attribute and metric.

Categorical customer attributes (acquisition channel, region, ...) are compared
by share: share in the segment, share in the base and the index
``100 * share_segment / share_base`` (100 = same as the base). Behaviour metrics
of :func:`omnimkt.segments.customer_table` (orders, spend, recency ...) are
compared by mean, with the same index. Significance compares the segment with
the rest of the base (the customers outside it, an independent sample): a
two-proportion z-test (pooled variance) for shares and Welch's t-test
(:func:`scipy.stats.ttest_ind`, unequal variances) for means.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from omnimkt._gate import align_ids, as_columns
from omnimkt._result import Result
from omnimkt.data.dataset import Dataset
from omnimkt.data.schema import Columns
from omnimkt.data.validate import validate_customers
from omnimkt.errors import DataError, ModelError, examples

__all__ = ["SegmentProfile", "segment_profile"]

_SKIP = {"customer_id", "referrer_id", "signup_date", "baby_birth_date"}


class SegmentProfile(Result):
    """A segment against the base, from :func:`segment_profile`.

    Attributes
    ----------
    categorical : DataFrame
        attribute, level, segment and base shares, index, z, p_value.
    numeric : DataFrame
        metric, segment and base means, index, t, p_value.
    segment_size, base_size : int
    summary : DataFrame
        Both, stacked: attribute, level, kind ("share"/"mean"), segment, base,
        index, p_value.
    """

    title = "Segment profile"

    def __init__(self, **parts: Any) -> None:
        self.__dict__.update(parts)
        self.notes = [f"{self.segment_size:,} customers in the segment, {self.base_size:,} "
                      "in the base; index 100 = same as the base.",
                      "p-values compare the segment with the rest of the base "
                      "(z-test for shares, Welch's t-test for means)."]

    def _settings(self) -> str:
        return f"{self.segment_size:,} of {self.base_size:,} customers"


def segment_profile(
    segment: Any,
    transactions: pd.DataFrame,
    *,
    customers: pd.DataFrame | None = None,
    cutoff: Any = None,
    columns: Columns | Mapping[str, str] | None = None,
) -> SegmentProfile:
    """Profile a segment of customers against the base.

    Parameters
    ----------
    segment : Index, list, array or Series
        Customer ids of the segment (a boolean Series selects its index where True).
    transactions : DataFrame or Dataset
        Purchases (a Dataset also supplies ``customers``); behaviour metrics come from
        :func:`omnimkt.segments.customer_table` (``cutoff`` as there).
    customers : DataFrame, optional
        Customer attributes; when given, its customers are the base (buyers and
        non-buyers), otherwise the buyers are.
    cutoff : date-like, optional
        Last day of history, inclusive (default: the day of the last purchase).
    columns : omnimkt.Columns or dict, optional
        Your column names.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 2, 3, 4], "amount": [10.0, 30.0, 15.0, 25.0],
    ...     "timestamp": pd.to_datetime(["2025-01-01"] * 4)})
    >>> p = segment_profile([1, 2], tx)
    >>> p.numeric.set_index("metric").loc["spend", ["mean_segment", "mean_base", "index"]].tolist()
    [20.0, 20.0, 100.0]
    """
    from omnimkt.segments import customer_table

    cols = as_columns(columns)
    if isinstance(transactions, Dataset) and customers is None:
        customers = transactions.customers
    metrics = customer_table(transactions, cutoff=cutoff, columns=cols)
    metrics = metrics.select_dtypes("number")
    if customers is not None:
        cu = validate_customers(customers, cols)
        left, right = align_ids(pd.Series(cu["customer_id"]), pd.Series(metrics.index),
                                "customers", "transactions")
        base = cu.set_index(pd.Index(left, name="customer_id"))
        metrics.index = pd.Index(right, name="customer_id")
        metrics = metrics.reindex(base.index)
    else:
        base = pd.DataFrame(index=metrics.index)
    inside = _members(segment, base.index)
    cat = _categorical(base, inside)
    num = _numeric(metrics, inside)
    summary = pd.concat([
        cat.assign(kind="share").rename(columns={"share_segment": "segment",
                                                 "share_base": "base"}),
        num.assign(kind="mean").rename(columns={"metric": "attribute", "mean_segment": "segment",
                                                "mean_base": "base"}).assign(level=""),
    ], ignore_index=True)[["attribute", "level", "kind", "segment", "base", "index", "p_value"]]
    return SegmentProfile(categorical=cat, numeric=num, summary=summary,
                          segment_size=int(inside.sum()), base_size=len(inside))


def _members(segment: Any, base: pd.Index) -> np.ndarray:
    """Boolean mask over the base; errors for an empty segment or unknown ids."""
    if isinstance(segment, pd.Series) and pd.api.types.is_bool_dtype(segment.dtype):
        segment = segment.index[segment.to_numpy()]
    if isinstance(segment, str | bytes) or not hasattr(segment, "__len__"):
        raise ModelError(f"segment: expected customer ids (an Index, list or array), got "
                         f"{type(segment).__name__}.")
    ids = pd.Series(pd.Index(segment).unique())
    if len(ids) == 0:
        raise ModelError("segment: is empty; pass the customer ids of the segment.")
    left, right = align_ids(pd.Series(base), ids, "base", "segment")
    unknown = ~right.isin(left)
    if unknown.any():
        raise DataError(f"segment: {int(unknown.sum()):,} of its {len(ids):,} ids are not in "
                        f"the base (e.g. {examples(right[unknown])}); the base is every "
                        "customer of the customers table (or every buyer).")
    return left.isin(right).to_numpy()


def _categorical(base: pd.DataFrame, inside: np.ndarray) -> pd.DataFrame:
    rows = []
    n1, n2 = int(inside.sum()), int((~inside).sum())
    for col in base.columns:
        s = base[col]
        if col in _SKIP or pd.api.types.is_numeric_dtype(s) or \
                pd.api.types.is_datetime64_any_dtype(s) or s.nunique() > 50:
            continue
        s = s.astype(object).where(s.notna(), "(missing)")
        for level in sorted(s.unique(), key=str):
            hit = (s == level).to_numpy()
            x1, x2 = int((hit & inside).sum()), int((hit & ~inside).sum())
            share_base = (x1 + x2) / (n1 + n2)
            rows.append({"attribute": col, "level": str(level), "share_segment": x1 / n1,
                         "share_base": share_base, "index": 100 * (x1 / n1) / share_base,
                         **_z_test(x1, n1, x2, n2)})
    return pd.DataFrame(rows, columns=["attribute", "level", "share_segment", "share_base",
                                       "index", "z", "p_value"])


def _z_test(x1: int, n1: int, x2: int, n2: int) -> dict[str, float]:
    if n1 == 0 or n2 == 0:
        return {"z": np.nan, "p_value": np.nan}
    pooled = (x1 + x2) / (n1 + n2)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return {"z": np.nan, "p_value": np.nan}
    z = (x1 / n1 - x2 / n2) / se
    return {"z": float(z), "p_value": float(2 * stats.norm.sf(abs(z)))}


def _numeric(metrics: pd.DataFrame, inside: np.ndarray) -> pd.DataFrame:
    rows = []
    for col in metrics.columns:
        v = metrics[col].to_numpy(dtype=float)
        seg, rest, all_ = v[inside], v[~inside], v
        seg, rest, all_ = seg[~np.isnan(seg)], rest[~np.isnan(rest)], all_[~np.isnan(all_)]
        if len(seg) == 0 or len(all_) == 0:
            continue
        mean_seg, mean_base = float(seg.mean()), float(all_.mean())
        t = p = np.nan
        if len(seg) >= 2 and len(rest) >= 2 and (seg.var() > 0 or rest.var() > 0):
            t, p = stats.ttest_ind(seg, rest, equal_var=False)
        rows.append({"metric": col, "mean_segment": mean_seg, "mean_base": mean_base,
                     "index": 100 * mean_seg / mean_base if mean_base else np.nan,
                     "t": float(t), "p_value": float(p)})
    return pd.DataFrame(rows, columns=["metric", "mean_segment", "mean_base", "index", "t",
                                       "p_value"])
