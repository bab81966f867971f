"""Grade an offer list against what customers did later (and their true probabilities).

An offer list ranks non-owners, best prospects first. Whether it is any good
shows only afterwards: did the customers high on the list buy more often than
the rest? :func:`grade_offers` answers with the usual measures side by side —
AUC against the later purchase, the buy rate at the top of the list against
all offered customers and, on a synthetic world where each customer's true probability
is known, the rank correlation with it and the AUC that the true probability
itself reaches (the ceiling no model can beat, since chance decides the rest).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

from omnimkt._gate import check_number
from omnimkt._result import Estimator, Result
from omnimkt.errors import DataError, ModelError, examples

__all__ = ["OfferGrade", "grade_offers"]


class OfferGrade(Result):
    """An offer list graded against the later purchases.

    Attributes
    ----------
    summary : DataFrame (one row per measure, index ``measure``)
        ``value`` of each measure: out-of-fold AUC of the model (when given),
        Spearman vs the true probability and AUC of the true probability (when
        given), AUC of the score vs the later purchase, buy rate of the top
        ``top`` offers and of all offered customers.
    top : int
    offered : int
        Customers on the list.
    buyers : int
        Of them, customers who bought later.
    """

    title = "Offer list against the later purchases"

    def __init__(self, summary: pd.DataFrame, top: int, offered: int, buyers: int) -> None:
        self.summary = summary
        self.top = top
        self.offered = offered
        self.buyers = buyers
        self.notes = [f"{offered:,} customers offered, {buyers:,} of them bought later; "
                      "AUC 0.5 = a random order, 1 = every buyer ranked above every "
                      "non-buyer."]

    def _settings(self) -> str:
        return f"top={self.top}"

    def value(self, measure: str) -> float:
        """One measure of ``summary`` by its name (a row label)."""
        return float(self.summary.loc[measure, "value"])


def _as_score(offers: Any) -> pd.Series:
    if isinstance(offers, pd.DataFrame):
        if "score" not in offers.columns:
            raise DataError("offers: no 'score' column; pass NextProductModel.offers(...) or "
                            "a Series of scores indexed by customer.")
        offers = offers["score"]
    if not isinstance(offers, pd.Series):
        raise DataError(f"offers: expected a DataFrame with a 'score' column or a Series, "
                        f"got {type(offers).__name__}.")
    if offers.empty:
        raise DataError("offers: the list is empty; nothing to grade.")
    bad = offers.index[~np.isfinite(pd.to_numeric(offers, errors="coerce").astype(float))]
    if len(bad):
        raise DataError(f"offers.score: {len(bad)} customers have no finite score "
                        f"(e.g. {examples(bad)}).")
    # best first; ties keep the list's own order
    return offers.astype(float).sort_values(ascending=False, kind="stable")


def _aligned(values: Any, name: str, index: pd.Index) -> pd.Series:
    if not isinstance(values, pd.Series):
        raise DataError(f"{name}: expected a Series indexed by customer, "
                        f"got {type(values).__name__}.")
    absent = index[~index.isin(values.index)]
    if len(absent):
        raise DataError(f"{name}: {len(absent)} offered customers have no value "
                        f"(e.g. {examples(absent)}).")
    out = pd.to_numeric(values.reindex(index), errors="coerce").astype(float)
    if out.isna().any():
        raise DataError(f"{name}: {int(out.isna().sum())} offered customers have a missing "
                        f"or non-numeric value (e.g. {examples(index[out.isna()])}).")
    return out


def grade_offers(offers: Any, bought: pd.Series, *, p_true: pd.Series | None = None,
                 model: Any = None, top: int = 100) -> OfferGrade:
    """How well an offer list picks the customers who bought later.

    Parameters
    ----------
    offers : DataFrame with a ``score`` column, or Series of scores
        Indexed by customer, e.g. :meth:`NextProductModel.offers`; higher score =
        offered first (ties keep the given order).
    bought : Series of 0/1 indexed by customer
        1 for an offered customer who bought the product later (a campaign's
        result, or a synthetic world's truth). Must cover every offered customer
        and hold both buyers and non-buyers.
    p_true : Series of probabilities, optional
        Each customer's true probability of buying (known only on a synthetic
        world): adds the Spearman correlation of the score with it and the AUC
        the true probability itself reaches against ``bought``.
    model : fitted NextProductModel, optional
        Adds its out-of-fold AUC of telling owners from non-owners.
    top : int >= 1
        Size of the head of the list whose buy rate is reported (at most the
        number of offers).

    Returns
    -------
    OfferGrade

    Examples
    --------
    >>> import pandas as pd
    >>> score = pd.Series([0.9, 0.8, 0.3, 0.1], index=list("abcd"))
    >>> bought = pd.Series([1, 0, 1, 0], index=list("abcd"))
    >>> g = grade_offers(score, bought, top=2)
    >>> g.value("AUC vs later purchase"), g.value("buy rate, top 2 offered")
    (0.75, 0.5)
    """
    score = _as_score(offers)
    later = _aligned(bought, "bought", score.index)
    if not later.isin([0, 1]).all():
        raise DataError(f"bought: every value must be 0/1 (bought later or not); got e.g. "
                        f"{examples(later[~later.isin([0, 1])].unique())}.")
    if later.nunique() < 2:
        raise DataError(f"bought: all {len(later):,} offered customers have the same value "
                        f"{int(later.iloc[0])}; the AUC needs buyers and non-buyers.")
    p = None if p_true is None else _aligned(p_true, "p_true", score.index)
    top = check_number(top, "top", low=1, high=len(score), integer=True)
    rows: dict[str, float] = {}
    if model is not None:
        if isinstance(model, Estimator):
            model._check_fitted()
        if not hasattr(model, "cv_auc_"):
            raise ModelError(f"model: expected a fitted NextProductModel (with cv_auc_), "
                            f"got {type(model).__name__}.")
        rows["out-of-fold AUC (owners)"] = float(model.cv_auc_)
    if p is not None:
        rows["Spearman vs true probability"] = float(spearmanr(score, p).statistic)
    rows["AUC vs later purchase"] = float(roc_auc_score(later, score))
    if p is not None:
        rows["AUC of the true probability"] = float(roc_auc_score(later, p))
    rows[f"buy rate, top {top} offered"] = float(later.iloc[:top].mean())
    rows["buy rate, all offered"] = float(later.mean())
    summary = pd.DataFrame({"value": list(rows.values())},
                           index=pd.Index(list(rows), name="measure"))
    return OfferGrade(summary, top, len(score), int(later.sum()))
