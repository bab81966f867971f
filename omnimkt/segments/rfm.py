"""RFM quintile scores and the named RFM segment map."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import check_bool, check_number
from omnimkt._result import Result
from omnimkt.errors import DataError
from omnimkt.segments._base import as_customer_table

#: The segment map over (R score, FM score), FM = ceil((F + M) / 2). Every one of
#: the 25 cells belongs to exactly one segment; rules are checked in this order.
#: Each entry: (segment, R scores, FM scores, what it means / what to do).
RFM_SEGMENT_RULES: tuple[tuple[str, tuple[int, ...], tuple[int, ...], str], ...] = (
    ("champions", (5,), (4, 5), "bought recently, often and a lot: reward, ask for referrals"),
    ("loyal", (3, 4), (4, 5), "buy often and spend well: upsell, loyalty programme"),
    ("potential loyalist", (4, 5), (2, 3), "recent, average frequency: membership offers"),
    ("new", (5,), (1,), "just made a first small purchase: onboarding, the second purchase"),
    ("promising", (4,), (1,), "recent first-time buyers: build the habit"),
    ("need attention", (3,), (3,), "average on all counts, slipping: limited-time offers"),
    ("about to sleep", (3,), (1, 2), "below average and fading: reactivate now"),
    ("at risk", (1, 2), (3, 4), "used to buy well, long silent: personal win-back"),
    ("can't lose", (1, 2), (5,), "best customers of the past, now silent: win them back first"),
    ("hibernating", (2,), (1, 2), "low value, long silent: low-cost reminders"),
    ("hibernating", (1,), (2,), "low value, long silent: low-cost reminders"),
    ("lost", (1,), (1,), "lowest on all counts: reach only with cheap channels"),
)

SEGMENT_ORDER: tuple[str, ...] = (
    "champions", "loyal", "potential loyalist", "new", "promising", "need attention",
    "about to sleep", "at risk", "can't lose", "hibernating", "lost",
)


def quantile_scores(values: pd.Series, n_bins: int = 5, *, higher_is_better: bool = True
                    ) -> pd.Series:
    """Score values 1..n_bins by rank; ties share a score; higher score = better.

    The score of a value is ``1 + floor(n_bins * (r - 1) / n)`` where ``r`` is
    its rank counted from the worst value with ties getting the lowest rank
    of their group (``rank(method="min")``). Equal values therefore always get
    the same score, whatever the row order, and with no ties each score holds
    ``n / n_bins`` customers.

    Examples
    --------
    >>> quantile_scores(pd.Series([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])).tolist()
    [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    >>> quantile_scores(pd.Series([1, 1, 1, 2]), 2).tolist()
    [1, 1, 1, 2]
    """
    n_bins = check_number(n_bins, "n_bins", low=2, integer=True)
    check_bool(higher_is_better, "higher_is_better")
    if not isinstance(values, pd.Series):
        raise DataError(f"values: expected a pandas Series, got {type(values).__name__}.")
    v = pd.to_numeric(values, errors="coerce").astype(float)
    if v.isna().any():
        raise DataError(f"{values.name or 'values'}: {int(v.isna().sum())} missing or non-numeric "
                        "values cannot be scored. Fill or drop them.")
    n = len(v)
    if n == 0:
        return pd.Series([], index=values.index, dtype="int64", name=values.name)
    x = v.to_numpy() if higher_is_better else -v.to_numpy()
    # rank(method="min") through np.unique: one sort instead of pandas' slower rank
    uniq, inv, counts = np.unique(x, return_inverse=True, return_counts=True)
    below = np.r_[0, np.cumsum(counts)[:-1]]  # values strictly worse than each unique value
    score = 1 + (n_bins * below[inv]) // n
    return pd.Series(score, index=values.index, name=values.name)


def segment_from_scores(r_score: pd.Series, fm_score: pd.Series) -> pd.Series:
    """Name the RFM segment of each customer from R and FM scores (1..5)."""
    # 5 x 5 lookup table of segment codes, filled from the rules (first rule wins)
    lut = np.full((6, 6), -1, dtype=np.int64)
    for name, rs, fms, _ in reversed(RFM_SEGMENT_RULES):
        for r in rs:
            for fm in fms:
                lut[r, fm] = SEGMENT_ORDER.index(name)
    r = np.clip(r_score.to_numpy(dtype=np.int64), 0, 5)
    fm = np.clip(fm_score.to_numpy(dtype=np.int64), 0, 5)
    cat = pd.Categorical.from_codes(lut[r, fm], categories=list(SEGMENT_ORDER), ordered=True)
    return pd.Series(cat, index=r_score.index, name="segment")


class RFMResult(Result):
    """RFM scores per customer (``scores``) and the segment sizes (``summary``).

    ``cutoff`` is the last day of history the scores were computed on.
    """

    title = "RFM segments"

    def __init__(self, scores: pd.DataFrame, cutoff: pd.Timestamp | None) -> None:
        self.scores = scores
        self.cutoff = cutoff
        self.notes = []
        codes = scores["segment"].cat.codes.to_numpy()
        ok = codes >= 0
        codes = codes[ok]
        k = len(SEGMENT_ORDER)

        def total(col: str) -> np.ndarray:
            return np.bincount(codes, weights=scores[col].to_numpy(dtype=float)[ok], minlength=k)

        n = np.bincount(codes, minlength=k)
        spend = total("monetary")
        with np.errstate(divide="ignore", invalid="ignore"):
            summary = pd.DataFrame({
                "customers": n,
                "share": n / max(len(scores), 1),
                "mean_recency_days": total("recency_days") / n,
                "mean_orders": total("frequency") / n,
                "mean_spend": spend / n,
                "spend_share": spend / spend.sum() if spend.sum() > 0 else np.nan,
            }, index=pd.Index(list(SEGMENT_ORDER), name="segment"))
        summary["action"] = [next(a for n_, _, _, a in RFM_SEGMENT_RULES if n_ == s)
                             for s in summary.index]
        self.summary = summary

    def _settings(self) -> str:
        return f"cutoff {self.cutoff:%Y-%m-%d}" if self.cutoff is not None else ""

    @property
    def segments(self) -> pd.Series:
        """The segment of each customer."""
        return self.scores["segment"]


def rfm_scores(data: Any, *, cutoff: Any = None, n_bins: int = 5, columns: Any = None
               ) -> RFMResult:
    """RFM quintile scores and named segments for every customer.

    R scores recency (days since the last purchase) **reversed**: the most
    recent buyers get 5. F scores the number of orders, M the total spend;
    higher is better. Scores come from :func:`quantile_scores` (ties share the
    lowest score of their group, so the result does not depend on row order).
    The segment uses R and ``FM = ceil((F + M) / 2)`` with the rules in
    :data:`RFM_SEGMENT_RULES`:

    ==================  =========  ==========
    segment             R          FM
    ==================  =========  ==========
    champions           5          4-5
    loyal               3-4        4-5
    potential loyalist  4-5        2-3
    new                 5          1
    promising           4          1
    need attention      3          3
    about to sleep      3          1-2
    at risk             1-2        3-4
    can't lose          1-2        5
    hibernating         2 / 1      1-2 / 2
    lost                1          1
    ==================  =========  ==========

    Parameters
    ----------
    data : DataFrame or Dataset
        Transactions (or a :func:`customer_table` output).
    cutoff : date-like, optional
        Last day of history, inclusive (default: the day of the last
        purchase). Recency is measured to the end of that day.
    n_bins : int
        Score levels (5 = quintiles). The segment map needs 5.
    columns : omnimkt.Columns or dict, optional
        Your column names, e.g. ``{"customer_id": "member_no"}``.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 3, 4, 5],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-03-01", "2025-02-01",
    ...                                  "2025-01-10", "2025-02-20", "2025-01-20"]),
    ...     "amount": [50.0, 60.0, 30.0, 10.0, 80.0, 20.0]})
    >>> res = rfm_scores(tx, cutoff="2025-03-01")
    >>> int(res.scores.loc[1, "rfm_cell"]), res.segments[1]
    (555, 'champions')
    """
    n_bins = check_number(n_bins, "n_bins", low=2, integer=True)
    table = as_customer_table(data, cutoff=cutoff, columns=columns)
    scores = pd.DataFrame({
        "recency_days": table["recency_days"],
        "frequency": table["orders"],
        "monetary": table["spend"],
    }, index=table.index)
    scores["r_score"] = quantile_scores(scores["recency_days"], n_bins, higher_is_better=False)
    scores["f_score"] = quantile_scores(scores["frequency"], n_bins)
    scores["m_score"] = quantile_scores(scores["monetary"], n_bins)
    scores["fm_score"] = (scores["f_score"] + scores["m_score"] + 1) // 2
    # the cell as a 3-digit number (555 = best), cheaper than strings for millions of rows
    scores["rfm_cell"] = 100 * scores["r_score"] + 10 * scores["f_score"] + scores["m_score"]
    scores["rfm_sum"] = scores["r_score"] + scores["f_score"] + scores["m_score"]
    if n_bins == 5:
        scores["segment"] = segment_from_scores(scores["r_score"], scores["fm_score"])
    else:
        scores["segment"] = pd.Categorical.from_codes(np.full(len(scores), -1),
                                                      categories=list(SEGMENT_ORDER),
                                                      ordered=True)
    # the end of history is the midnight after the cutoff day
    end = table["last_purchase"].iloc[0] + pd.Timedelta(days=float(table["recency_days"].iloc[0]))
    return RFMResult(scores, end.normalize() - pd.Timedelta(days=1))
