"""Evaluation of churn scores on a holdout: ROC AUC, PR AUC, gains and lift by decile
and a calibration table for one score (:func:`evaluate_churn`) or several side by side
(:func:`compare_churn`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import check_number
from omnimkt._result import Result
from omnimkt.churn._common import _as_labels, _check_two_classes
from omnimkt.errors import DataError, ModelError, examples

__all__ = ["ChurnComparison", "ChurnEvaluation", "compare_churn", "evaluate_churn"]

def _align(y_true: Any, scores: Any) -> tuple[pd.Series, pd.Series]:
    y = _as_labels(y_true, "y_true")
    s = scores if isinstance(scores, pd.Series) else pd.Series(np.asarray(scores))
    if isinstance(y_true, pd.Series) and isinstance(scores, pd.Series):
        common = y.index.intersection(s.index)
        if len(common) == 0:
            raise DataError(f"y_true and scores share no customer_id (e.g. y_true "
                            f"{examples(y.index)}, scores {examples(s.index)}).")
        y, s = y.loc[common], s.loc[common]
    elif len(y) != len(s):
        raise DataError(f"y_true has {len(y):,} values but scores {len(s):,}; pass "
                        "Series indexed by customer_id or arrays of equal length.")
    else:
        s.index = y.index
    s = pd.to_numeric(s, errors="coerce").astype("float64")
    if s.isna().any():
        raise DataError(f"scores: {int(s.isna().sum())} missing or non-numeric scores (e.g. "
                        f"customers {examples(s.index[s.isna()])}). Score every customer.")
    _check_two_classes(y, "y_true")
    return y, s


def _gains(y: pd.Series, s: pd.Series, n_bins: int) -> pd.DataFrame:
    # highest scores first; ties keep customer order so results are deterministic
    order = np.argsort(-s.to_numpy(), kind="stable")
    yy = y.to_numpy()[order]
    n = len(yy)
    decile = np.minimum((np.arange(n) * n_bins) // n, n_bins - 1) + 1
    t = pd.DataFrame({"decile": decile, "churned": yy}).groupby("decile")["churned"]
    out = pd.DataFrame({"customers": t.size(), "churners": t.sum()})
    base = yy.mean()
    out["churn_rate"] = out["churners"] / out["customers"]
    out["lift"] = out["churn_rate"] / base
    out["cum_customers_share"] = out["customers"].cumsum() / n
    out["cum_churners_share"] = out["churners"].cumsum() / yy.sum()
    out["cum_lift"] = out["cum_churners_share"] / out["cum_customers_share"]
    return out


def _calibration(y: pd.Series, s: pd.Series, n_bins: int) -> pd.DataFrame:
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    b = np.clip(np.digitize(s.to_numpy(), edges[1:-1], right=True), 0, n_bins - 1)
    t = pd.DataFrame({"bin": b, "p": s.to_numpy(), "y": y.to_numpy()}).groupby("bin")
    out = pd.DataFrame({"customers": t.size(), "mean_predicted": t["p"].mean(),
                        "observed_rate": t["y"].mean()})
    out.index = pd.Index([f"{edges[i]:.1f}-{edges[i + 1]:.1f}" for i in out.index],
                         name="predicted")
    return out


class ChurnEvaluation(Result):
    """How well one churn score ranks and predicts churners (from :func:`evaluate_churn`).

    Attributes
    ----------
    summary : DataFrame
        Metrics: customers, churners, base_rate, roc_auc, pr_auc (average
        precision), lift and capture (share of churners found) in the top 10%
        and 20%, brier (probability scores only).
    gains : DataFrame
        By score decile (1 = highest): churn rate, lift, cumulative gains.
    calibration : DataFrame or None
        Mean predicted vs observed churn rate by predicted-probability bin
        (None when scores are not probabilities).
    roc, pr : DataFrame
        Curves (fpr, tpr) and (recall, precision) for plots.
    """

    def __init__(self, y: pd.Series, s: pd.Series, name: str, n_bins: int) -> None:
        from sklearn.metrics import (
            average_precision_score,
            brier_score_loss,
            precision_recall_curve,
            roc_auc_score,
            roc_curve,
        )

        self.name = name
        self.title = f"Churn evaluation: {name}"
        self.y_true, self.scores = y, s
        yv, sv = y.to_numpy(), s.to_numpy()  # plain arrays: sklearn checks them faster
        self.roc_auc = float(roc_auc_score(yv, sv))
        self.pr_auc = float(average_precision_score(yv, sv))
        self.base_rate = float(y.mean())
        self.gains = _gains(y, s, n_bins)
        is_prob = bool(s.min() >= 0.0 and s.max() <= 1.0)
        self.calibration = _calibration(y, s, n_bins) if is_prob else None
        fpr, tpr, _ = roc_curve(yv, sv)
        self.roc = pd.DataFrame({"fpr": fpr, "tpr": tpr})
        prec, rec, _ = precision_recall_curve(yv, sv)
        self.pr = pd.DataFrame({"recall": rec, "precision": prec})
        top = self._top(0.1), self._top(0.2)
        metrics = {
            "customers": float(len(y)), "churners": float(y.sum()),
            "base_rate": self.base_rate, "roc_auc": self.roc_auc, "pr_auc": self.pr_auc,
            "lift_top10": top[0][0], "capture_top10": top[0][1],
            "lift_top20": top[1][0], "capture_top20": top[1][1],
            "brier": float(brier_score_loss(yv, sv)) if is_prob else np.nan,
        }
        self.summary = pd.DataFrame({name: metrics})

    def _top(self, share: float) -> tuple[float, float]:
        """Lift and share of churners captured among the top ``share`` of scores."""
        k = max(1, int(round(share * len(self.y_true))))
        order = np.argsort(-self.scores.to_numpy(), kind="stable")[:k]
        found = self.y_true.to_numpy()[order].sum()
        return float(found / k / self.base_rate), float(found / self.y_true.sum())


def evaluate_churn(y_true: Any, scores: Any, *, name: str = "score",
                   n_bins: int = 10) -> ChurnEvaluation:
    """Evaluate a churn score against observed churn (1 = churned).

    ``y_true`` and ``scores`` are Series indexed by customer_id (aligned on it)
    or arrays of equal length; a higher score must mean more likely to churn.

    Examples
    --------
    >>> ev = evaluate_churn([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> ev.roc_auc
    0.75
    """
    n_bins = check_number(n_bins, "n_bins", low=1, integer=True)
    y, s = _align(y_true, scores)
    return ChurnEvaluation(y, s, name, n_bins)


class ChurnComparison(Result):
    """Several churn scores side by side on the same customers (:func:`compare_churn`).

    Attributes
    ----------
    summary : DataFrame
        One row per approach: roc_auc, pr_auc, lift/capture at the top decile
        and 20%, brier, base_rate and, with ground truth, ``truth_roc_auc``.
    evaluations : dict of name -> ChurnEvaluation
    scores : DataFrame
        The scores, one column per approach, and ``churned`` (observed label).
    truth_evaluations : dict of name -> ChurnEvaluation (empty without truth)
    """

    title = "Churn approaches compared on the same holdout"

    def __init__(self, evaluations: dict[str, ChurnEvaluation], scores: pd.DataFrame,
                 truth_evaluations: dict[str, ChurnEvaluation]) -> None:
        self.evaluations = evaluations
        self.truth_evaluations = truth_evaluations
        self.scores = scores
        cols = ["roc_auc", "pr_auc", "lift_top10", "capture_top10", "lift_top20",
                "capture_top20", "brier", "base_rate", "customers"]
        table = pd.concat([e.summary.T[cols] for e in evaluations.values()])
        if truth_evaluations:
            table["truth_roc_auc"] = [truth_evaluations[k].roc_auc for k in evaluations]
            table["truth_pr_auc"] = [truth_evaluations[k].pr_auc for k in evaluations]
        table.index.name = "approach"
        self.summary = table

    @property
    def best(self) -> str:
        """Name of the approach with the highest ROC AUC on the holdout."""
        return str(self.summary["roc_auc"].idxmax())

    def subset(self, customers: Any) -> ChurnComparison:
        """The same comparison re-evaluated on some customers only (same scores)."""
        idx = self.scores.index.intersection(pd.Index(customers))
        if len(idx) == 0:
            raise DataError("subset: none of the given customers were scored.")
        truth = getattr(self, "truth_labels", None)
        n_bins = len(next(iter(self.evaluations.values())).gains)
        out = compare_churn(self.scores.loc[idx, "churned"],
                            self.scores.loc[idx].drop(columns="churned"),
                            truth=None if truth is None else truth.loc[idx], n_bins=n_bins)
        for name in ("features", "labels", "truth_labels"):
            if getattr(self, name, None) is not None:
                setattr(out, name, getattr(self, name).loc[idx])
        for name in ("probabilistic", "clv_models", "supervised_model", "cutoff",
                     "horizon_days"):
            if hasattr(self, name):
                setattr(out, name, getattr(self, name))
        return out

    def not_yet_lapsed(self) -> ChurnComparison:
        """Only customers whose last purchase is less than ``horizon_days`` before the
        cut-off: those the three-month wake-up rule has not flagged yet, and the hard
        cases (long-lapsed customers are easy to call)."""
        if getattr(self, "features", None) is None:
            raise ModelError("not_yet_lapsed needs a result of churn_backtest (features).")
        recent = self.features["recency_days"] < self.horizon_days
        return self.subset(self.features.index[recent.to_numpy()])


def compare_churn(y_true: pd.Series, scores: Mapping[str, pd.Series] | pd.DataFrame, *,
                  truth: pd.Series | None = None, n_bins: int = 10) -> ChurnComparison:
    """Evaluate several churn scores on the same customers and tabulate them.

    Parameters
    ----------
    y_true : Series
        Observed churn (1 = churned) indexed by customer_id.
    scores : dict of name -> Series, or DataFrame (one column per approach)
        Only customers present in ``y_true`` and in every score are compared,
        so every approach is judged on exactly the same holdout.
    truth : Series, optional
        True churn (e.g. :func:`true_churn` on a synthetic world); adds
        ``truth_roc_auc`` / ``truth_pr_auc``.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.Series([0, 1, 0, 1])
    >>> cmp = compare_churn(y, {"a": pd.Series([.1, .9, .2, .7]), "b": pd.Series([.5, .4, .6, .7])})
    >>> cmp.summary["roc_auc"].tolist()
    [1.0, 0.5]
    """
    n_bins = check_number(n_bins, "n_bins", low=1, integer=True)
    table = pd.DataFrame(dict(scores)) if not isinstance(scores, pd.DataFrame) else scores
    if table.shape[1] == 0:
        raise DataError("scores: no approach given. Pass e.g. {'BG/NBD': s1, 'GBM': s2}.")
    y = _as_labels(y_true, "y_true")
    common = y.index.intersection(table.dropna().index)
    if len(common) == 0:
        raise DataError(f"y_true and scores share no customer_id (e.g. y_true "
                        f"{examples(y.index)}, scores {examples(table.index)}).")
    y, table = y.loc[common], table.loc[common]
    evals = {str(k): evaluate_churn(y, table[k], name=str(k), n_bins=n_bins) for k in table}
    truth_evals: dict[str, ChurnEvaluation] = {}
    if truth is not None:
        t = _as_labels(truth.reindex(common).dropna(), "truth")
        truth_evals = {str(k): evaluate_churn(t, table[k].loc[t.index], name=str(k),
                                              n_bins=n_bins) for k in table}
    return ChurnComparison(evals, table.assign(churned=y), truth_evals)
