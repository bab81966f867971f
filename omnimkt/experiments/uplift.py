"""Targeting: uplift by segment, a two-model (T-learner) uplift score, the Qini curve,
and an action list kept to the customers a contact helps.

The T-learner fits one classifier on treated customers and one on control
customers; a customer's uplift is ``P(convert | treated) − P(convert | control)``.
The Qini curve orders customers by that score and plots the incremental
conversions gained by contacting the top share ``x``:
``Q(k) = Y_t(k) − Y_c(k) · N_t(k) / N_c(k)`` (Radcliffe 2007). The Qini
coefficient is the area between that curve and the straight line of random
targeting, with ``x`` running from 0 to 1, divided by the number of customers
(incremental conversions per customer, averaged over targeting depths).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import clone
from threadpoolctl import threadpool_limits

from omnimkt._gate import (
    align_ids,
    as_seed_int,
    check_choice,
    check_frame,
    check_n_jobs,
    check_number,
)
from omnimkt._result import Estimator, Result
from omnimkt.errors import DataError, ModelError

__all__ = ["QiniCurve", "SegmentUplift", "TargetedActions", "UpliftModel", "qini_curve",
           "target_actions", "uplift_by_segment"]

LEARNERS = ("hist_gradient_boosting", "logistic")


# --------------------------------------------------------------------------- by segment
class SegmentUplift(Result):
    """Observed uplift per segment: treated rate minus control rate, with a Wald CI.

    Attributes
    ----------
    summary : DataFrame
        Per segment: n_treatment, n_control, mean_treatment, mean_control, uplift,
        ci_low, ci_high, p_value (normal approximation, unpooled variances).
    """

    title = "Uplift by segment"

    def __init__(self, summary: pd.DataFrame, segment: str, alpha: float) -> None:
        self.summary = summary
        self.segment = segment
        self.alpha = alpha
        best = summary.sort_values("uplift", ascending=False).iloc[0]
        worst = summary.sort_values("uplift").iloc[0]
        self.notes = [f"Largest uplift in {segment} = {best[segment]} ({best['uplift']:+.4g}); "
                      f"smallest in {worst[segment]} ({worst['uplift']:+.4g})."]
        if (summary["ci_high"] < 0).any():
            hurt = ", ".join(map(str, summary.loc[summary["ci_high"] < 0, segment]))
            self.notes.append(f"The contact lowers the outcome in: {hurt} (whole CI below 0).")

    def _settings(self) -> str:
        return f"by {self.segment}, {1 - self.alpha:.0%} CI"


def uplift_by_segment(data: pd.DataFrame, *, segment: str, outcome: str,
                      group: str = "group", treatment: Any = "treatment",
                      control: Any = "control", alpha: float = 0.05) -> SegmentUplift:
    """Treated minus control outcome in each segment, with confidence intervals.

    The interval is ``uplift ± z·√(s²_t/n_t + s²_c/n_c)`` (for a 0/1 outcome the
    Wald interval of a difference of proportions); segments with fewer than two
    customers in a group are left out.

    Examples
    --------
    >>> df = pd.DataFrame({"tier": ["A"] * 4 + ["B"] * 4,
    ...                    "group": ["treatment", "treatment", "control", "control"] * 2,
    ...                    "bought": [1, 1, 0, 0, 0, 0, 1, 1]})
    >>> uplift_by_segment(df, segment="tier", outcome="bought").summary["uplift"].tolist()
    [1.0, -1.0]
    """
    alpha = check_number(alpha, "alpha", low=0, high=1, low_open=True, high_open=True)
    frame = check_frame(data, "data")
    for name, col in (("segment", segment), ("outcome", outcome), ("group", group)):
        if not isinstance(col, str) or col not in frame.columns:
            raise ModelError(f"{name}: {col!r} is not a column of data.")
    y = pd.to_numeric(frame[outcome], errors="coerce").astype(float)
    if y.isna().any():
        raise DataError(f"data.{outcome}: {int(y.isna().sum())} values are missing or not "
                        "numbers.")
    g = frame[group]
    if not g.isin([treatment, control]).all():
        raise DataError(f"data.{group}: labels other than {treatment!r} and {control!r}.")
    parts = pd.DataFrame({"seg": frame[segment].to_numpy(), "t": (g == treatment).to_numpy(),
                          "y": y.to_numpy()})
    st = parts.groupby(["seg", "t"], observed=True)["y"].agg(["size", "mean", "var"])
    st = st.unstack("t")
    st = st[(st["size"].get(True, 0) >= 2) & (st["size"].get(False, 0) >= 2)]
    if st.empty:
        raise DataError(f"data: no {segment} has two customers in each group.")
    se = np.sqrt(st[("var", True)] / st[("size", True)] + st[("var", False)] / st[("size", False)])
    q = stats.norm.isf(alpha / 2)
    up = st[("mean", True)] - st[("mean", False)]
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, up / se, np.nan)
    summary = pd.DataFrame({
        segment: st.index, "n_treatment": st[("size", True)].astype(int).to_numpy(),
        "n_control": st[("size", False)].astype(int).to_numpy(),
        "mean_treatment": st[("mean", True)].to_numpy(),
        "mean_control": st[("mean", False)].to_numpy(), "uplift": up.to_numpy(),
        "ci_low": (up - q * se).to_numpy(), "ci_high": (up + q * se).to_numpy(),
        "p_value": np.where(np.isnan(z), 1.0, 2 * stats.norm.sf(np.abs(z)))})
    return SegmentUplift(summary, segment, alpha)


# --------------------------------------------------------------------------- T-learner
def _design(X: pd.DataFrame, categories: dict[str, list] | None,
            one_hot: bool) -> tuple[np.ndarray, dict, list[bool]]:
    """Numbers as they are; text columns one-hot (logistic) or as category codes for the
    boosting learner's native categorical splits (faster than one-hot on large tables).
    Categories are those seen at fit; an unseen one is all-zero / missing."""
    frame = check_frame(X, "X")
    if categories is None:
        categories = {c: sorted(map(str, frame[c].dropna().unique())) for c in frame.columns
                      if not (pd.api.types.is_numeric_dtype(frame[c])
                              or pd.api.types.is_bool_dtype(frame[c]))}
        wide = [c for c, v in categories.items() if len(v) > 250 and not one_hot]
        if wide:
            raise DataError(f"X.{wide[0]}: {len(categories[wide[0]])} categories; the "
                            "boosting learner takes at most 250 (group the rare ones).")
    blocks, is_cat = [], []
    for c in frame.columns:
        if c not in categories:
            blocks.append(frame[c].to_numpy(dtype=np.float64, na_value=np.nan)[:, None])
            is_cat.append(False)
            continue
        text = pd.Categorical(frame[c].astype("str"), categories=categories[c])
        if one_hot:
            codes = text.codes
            blocks.extend((codes == i).astype(np.float64)[:, None]
                          for i in range(len(categories[c])))
            is_cat.extend([False] * len(categories[c]))
        else:
            blocks.append(np.where(text.codes < 0, np.nan, text.codes)[:, None])
            is_cat.append(True)
    Z = np.hstack(blocks) if blocks else np.empty((len(frame), 0))
    return Z, categories, is_cat


class UpliftModel(Estimator):
    """Two-model (T-learner) uplift: one classifier per group, uplift = difference.

    Parameters
    ----------
    learner : "hist_gradient_boosting" or "logistic"
        scikit-learn's ``HistGradientBoostingClassifier`` (missing values
        allowed; text columns as native categorical features, early stopping
        off) or ``LogisticRegression`` (standardised inputs; text columns
        one-hot).
    max_iter : int
        Boosting rounds, or solver iterations for the logistic learner.
    learning_rate : float
        Boosting learning rate.
    max_leaf_nodes : int
        Leaves per boosting tree.
    min_samples_leaf : int
        Customers per leaf at least.
    C : float
        Inverse regularisation of the logistic learner.
    seed : int >= 0 or numpy Generator
    n_jobs : int >= 1, or -1 for all cores
        Threads for fitting and scoring (default 1: on a shared machine one
        thread per model avoids waiting on busy cores).

    Attributes
    ----------
    treated_model_, control_model_ : fitted classifiers
    categories_ : dict
        Text columns and the categories they were one-hot encoded with.
    feature_names_in_ : list of str
    n_treatment_, n_control_ : int
    base_rate_treatment_, base_rate_control_ : float
    summary : DataFrame

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"x": rng.normal(size=2000)})
    >>> t = rng.random(2000) < 0.5
    >>> y = rng.random(2000) < 0.2 + 0.2 * t * (X["x"] > 0)
    >>> m = UpliftModel(learner="logistic").fit(X, y, t)
    >>> bool(m.predict(pd.DataFrame({"x": [2.0]}))[0] > m.predict(pd.DataFrame({"x": [-2.0]}))[0])
    True
    """

    def __init__(self, learner: str = "hist_gradient_boosting", *, max_iter: int = 100,
                 learning_rate: float = 0.1, max_leaf_nodes: int = 31,
                 min_samples_leaf: int = 100, C: float = 1.0,
                 seed: int | np.random.Generator = 0, n_jobs: int = 1) -> None:
        self.learner = learner
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.C = C
        self.seed = seed
        self.n_jobs = n_jobs

    def _check_settings(self) -> None:
        check_choice(self.learner, "learner", LEARNERS)
        check_number(self.max_iter, "max_iter", low=1, integer=True)
        check_number(self.learning_rate, "learning_rate", low=0, low_open=True)
        check_number(self.max_leaf_nodes, "max_leaf_nodes", low=2, integer=True)
        check_number(self.min_samples_leaf, "min_samples_leaf", low=1, integer=True)
        check_number(self.C, "C", low=0, low_open=True)
        check_n_jobs(self.n_jobs)

    def _base(self, seed: int, is_cat: list[bool]) -> Any:
        if self.learner == "logistic":
            from sklearn.linear_model import LogisticRegression
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import StandardScaler

            return make_pipeline(StandardScaler(), LogisticRegression(
                C=self.C, max_iter=self.max_iter))
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier(
            max_iter=self.max_iter, learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes, min_samples_leaf=self.min_samples_leaf,
            early_stopping=False, random_state=seed,
            categorical_features=np.array(is_cat, dtype=bool) if any(is_cat) else None)

    def fit(self, X: pd.DataFrame, y: Any, treatment: Any) -> UpliftModel:
        """Fit one classifier on the treated customers and one on the control.

        ``y`` is the 0/1 outcome, ``treatment`` True/1 for treated customers.
        """
        self._start_fit()
        seed = as_seed_int(self.seed)
        one_hot = self.learner == "logistic"
        Z, categories, is_cat = _design(X, None, one_hot)
        y_arr = _binary(y, "y", len(Z))
        t_arr = _binary(treatment, "treatment", len(Z)).astype(bool)
        for label, mask in (("treated", t_arr), ("control", ~t_arr)):
            if mask.sum() < 2 or np.unique(y_arr[mask]).size < 2:
                raise DataError(f"{label} customers: need at least 2, with both outcomes "
                                f"(got {int(mask.sum())} customers, "
                                f"{int(y_arr[mask].sum())} converted).")
        base = self._base(seed, is_cat)
        with threadpool_limits(check_n_jobs(self.n_jobs)):
            self.treated_model_ = clone(base).fit(Z[t_arr], y_arr[t_arr])
            self.control_model_ = clone(base).fit(Z[~t_arr], y_arr[~t_arr])
        self.categories_ = categories
        self.feature_names_in_ = [str(c) for c in X.columns]
        self.n_treatment_, self.n_control_ = int(t_arr.sum()), int((~t_arr).sum())
        self.base_rate_treatment_ = float(y_arr[t_arr].mean())
        self.base_rate_control_ = float(y_arr[~t_arr].mean())
        return self

    def predict_outcomes(self, X: pd.DataFrame) -> pd.DataFrame:
        """P(convert | treated), P(convert | control) and their difference per row."""
        self._check_fitted()
        frame = check_frame(X, "X")
        missing = [c for c in self.feature_names_in_ if c not in frame.columns]
        if missing:
            raise DataError(f"X: the columns {missing[:5]} used at fit are missing.")
        Z, _, _ = _design(frame[self.feature_names_in_], self.categories_,
                          self.learner == "logistic")
        with threadpool_limits(check_n_jobs(self.n_jobs)):
            p_t = self.treated_model_.predict_proba(Z)[:, 1]
            p_c = self.control_model_.predict_proba(Z)[:, 1]
        return pd.DataFrame({"p_treated": p_t, "p_control": p_c, "uplift": p_t - p_c},
                            index=frame.index)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """The uplift score per row: P(convert | treated) − P(convert | control)."""
        return self.predict_outcomes(X)["uplift"].to_numpy()

    @property
    def summary(self) -> pd.DataFrame:  # type: ignore[override]
        self._check_fitted()
        return pd.DataFrame({
            "group": ["treatment", "control"], "customers": [self.n_treatment_,
                                                             self.n_control_],
            "conversion_rate": [self.base_rate_treatment_, self.base_rate_control_]})

    def _settings(self) -> str:
        return f"T-learner, {self.learner}"


def _binary(values: Any, name: str, n: int) -> np.ndarray:
    arr = np.asarray(values)
    if arr.shape != (n,):
        raise DataError(f"{name}: expected {n} values (one per row of X), got shape "
                        f"{arr.shape}.")
    try:
        out = arr.astype(float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name}: must be 0/1 or True/False.") from exc
    if not np.isin(out, (0.0, 1.0)).all():
        raise DataError(f"{name}: must be 0/1 or True/False, got e.g. "
                        f"{out[~np.isin(out, (0.0, 1.0))][:3].tolist()}.")
    return out.astype(np.int8)


# --------------------------------------------------------------------------- Qini
class QiniCurve(Result):
    """Incremental conversions when the top share of customers by score is contacted.

    Attributes
    ----------
    curve : DataFrame
        share (0-1), customers, qini (incremental conversions), uplift_curve
        ((rate_t − rate_c) · customers), random (the straight line of random
        targeting) — on ``n_points`` evenly spaced shares.
    qini_coefficient : float
    summary : DataFrame
        The curve at 10 %, 20 %, ..., 100 % and the coefficient.
    """

    title = "Qini curve"

    def __init__(self, curve: pd.DataFrame, coefficient: float) -> None:
        self.curve = curve
        self.qini_coefficient = coefficient
        marks = np.linspace(0.1, 1.0, 10)
        idx = np.searchsorted(curve["share"].to_numpy(), marks - 1e-12)
        self.summary = curve.iloc[np.minimum(idx, len(curve) - 1)].reset_index(drop=True)
        top = curve.loc[curve["qini"].idxmax()]
        self.notes = [f"Qini coefficient {coefficient:.4g} (0 = no better than random).",
                      f"Contacting the top {top['share']:.0%} by score gains the most: "
                      f"{top['qini']:.4g} incremental conversions."]


def qini_curve(score: Any, y: Any, treatment: Any, *, n_points: int = 101) -> QiniCurve:
    """The Qini curve and coefficient of an uplift score on a randomised test.

    Examples
    --------
    >>> q = qini_curve([0.9, 0.8, 0.2, 0.1], [1, 0, 0, 1], [1, 0, 1, 0], n_points=5)
    >>> q.curve["qini"].round(3).tolist()
    [0.0, 1.0, 1.0, 1.0, 0.0]
    """
    n_points = check_number(n_points, "n_points", low=2, integer=True)
    s = np.asarray(score, dtype=float)
    n = len(s)
    y_arr = _binary(y, "y", n).astype(float)
    t_arr = _binary(treatment, "treatment", n).astype(bool)
    if np.isnan(s).any():
        raise DataError("score: missing values; score every customer.")
    if t_arr.all() or not t_arr.any():
        raise DataError("treatment: the Qini curve needs treated and control customers.")
    order = np.argsort(-s, kind="stable")
    t_sorted, y_sorted = t_arr[order], y_arr[order]
    n_t = np.concatenate([[0], np.cumsum(t_sorted)])
    n_c = np.concatenate([[0], np.cumsum(~t_sorted)])
    y_t = np.concatenate([[0.0], np.cumsum(y_sorted * t_sorted)])
    y_c = np.concatenate([[0.0], np.cumsum(y_sorted * ~t_sorted)])
    with np.errstate(divide="ignore", invalid="ignore"):
        qini = np.where(n_c > 0, y_t - y_c * n_t / np.maximum(n_c, 1), y_t)
        rate_diff = np.where((n_t > 0) & (n_c > 0),
                             y_t / np.maximum(n_t, 1) - y_c / np.maximum(n_c, 1), 0.0)
    k = np.arange(n + 1)
    share = k / n
    random = share * qini[-1]
    coefficient = float(np.trapezoid(qini - random, share) / n)
    pick = np.unique(np.round(np.linspace(0, n, min(n_points, n + 1))).astype(np.int64))
    curve = pd.DataFrame({"share": share[pick], "customers": k[pick], "qini": qini[pick],
                          "uplift_curve": rate_diff[pick] * k[pick], "random": random[pick]})
    return QiniCurve(curve, coefficient)


# --------------------------------------------------------------------------- action list
class TargetedActions(Result):
    """An action list cut to the customers whose predicted uplift pays for the contact.

    Attributes
    ----------
    actions : DataFrame
        The kept rows, with ``uplift`` added, highest first.
    dropped : DataFrame
        The rows left out (uplift at or below the threshold), with ``uplift``.
    threshold : float
        ``cost_per_contact / value_per_conversion`` (0 without a cost).
    cost_per_contact, value_per_conversion : float
        The economics the list was cut with (used by :meth:`compare`).
    summary : DataFrame
        Per action: listed, kept, dropped, mean_uplift_kept.
    """

    title = "Uplift-targeted action list"

    def __init__(self, actions: pd.DataFrame, dropped: pd.DataFrame, threshold: float,
                 unscored: int, *, cost_per_contact: float = 0.0,
                 value_per_conversion: float = 1.0) -> None:
        self.actions, self.dropped, self.threshold = actions, dropped, threshold
        self.cost_per_contact = cost_per_contact
        self.value_per_conversion = value_per_conversion
        both = pd.concat([actions.assign(kept=True), dropped.assign(kept=False)])
        key = "action" if "action" in both.columns else None
        grouped = both.groupby(key, observed=True) if key else both.groupby(lambda _: "all")
        summary = grouped.agg(listed=("kept", "size"), kept=("kept", "sum"))
        summary["dropped"] = summary["listed"] - summary["kept"]
        summary["mean_uplift_kept"] = both[both["kept"]].groupby(
            key if key else (lambda _: "all"), observed=True)["uplift"].mean()
        self.summary = summary.fillna(0.0).rename_axis("action").reset_index()
        self.notes = [f"Kept {len(actions):,} of {len(both):,} actions: those whose "
                      f"predicted uplift exceeds {threshold:.4g} (the contact cost over the "
                      "value of a conversion)."]
        if unscored:
            self.notes.append(f"{unscored:,} listed customers had no features and were "
                              "dropped.")

    def _settings(self) -> str:
        return f"threshold {self.threshold:.4g}"

    def compare(self, true_effect: pd.Series | None = None) -> pd.DataFrame:
        """Contacting everyone listed against contacting only the kept customers.

        Each row of the action list is one contact costing ``cost_per_contact``;
        its expected incremental conversions are its uplift (unscored rows count
        0), each worth ``value_per_conversion``.

        Parameters
        ----------
        true_effect : Series indexed by customer_id, optional
            Each customer's true change in the probability of converting (a
            synthetic world knows it, e.g. ``campaign_experiment``'s
            ``true_effect``); adds the realised ``true_*`` columns.

        Returns
        -------
        DataFrame indexed by plan ("contact everyone listed", "contact the
        targeted"): contacts, cost, incremental_conversions, incremental_value,
        net_value (incremental value − cost), and with ``true_effect``
        true_incremental_conversions and true_net_value.

        Examples
        --------
        >>> t = TargetedActions(pd.DataFrame({"customer_id": [1], "uplift": [0.3]}),
        ...                     pd.DataFrame({"customer_id": [2], "uplift": [-0.1]}), 0.05, 0,
        ...                     cost_per_contact=5, value_per_conversion=100)
        >>> t.compare()["net_value"].round(2).tolist()
        [10.0, 25.0]
        """
        plans = {"contact everyone listed": pd.concat([self.actions, self.dropped]),
                 "contact the targeted": self.actions}
        cost, value = self.cost_per_contact, self.value_per_conversion
        truth = None
        if true_effect is not None:
            if not isinstance(true_effect, pd.Series):
                raise DataError("true_effect: expected a pandas Series indexed by "
                                "customer_id.")
            truth = true_effect[~true_effect.index.duplicated()]
        rows = {}
        for plan, frame in plans.items():
            gain = float(frame["uplift"].fillna(0.0).sum())
            row = {"contacts": len(frame), "cost": len(frame) * cost,
                   "incremental_conversions": gain, "incremental_value": gain * value,
                   "net_value": gain * value - len(frame) * cost}
            if truth is not None:
                real = truth.reindex(frame["customer_id"].to_numpy())
                if real.isna().any():
                    raise DataError(f"true_effect: no value for {int(real.isna().sum())} "
                                    "listed customers (e.g. "
                                    f"{frame['customer_id'][real.isna().to_numpy()].head(3).tolist()}).")
                row["true_incremental_conversions"] = float(real.sum())
                row["true_net_value"] = float(real.sum()) * value - len(frame) * cost
            rows[plan] = row
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("plan")


def target_actions(actions: pd.DataFrame, model: UpliftModel, features: pd.DataFrame, *,
                   cost_per_contact: float = 0.0,
                   value_per_conversion: float = 1.0) -> TargetedActions:
    """Keep the actions whose customer's predicted uplift pays for the contact.

    Parameters
    ----------
    actions : DataFrame
        An action list with ``customer_id`` (e.g.
        ``omnimkt.retention.ReplenishmentModel(...).actions(...)``).
    model : UpliftModel
        Fitted on a randomised test of the same contact.
    features : DataFrame indexed by customer_id
        The model's features for the listed customers.
    cost_per_contact : float >= 0
    value_per_conversion : float > 0
        Margin of one extra conversion. A contact is kept when
        ``uplift · value_per_conversion > cost_per_contact``.
    """
    model._check_fitted()
    cost = check_number(cost_per_contact, "cost_per_contact", low=0)
    value = check_number(value_per_conversion, "value_per_conversion", low=0, low_open=True)
    frame = check_frame(actions, "actions")
    feats = check_frame(features, "features")
    if "customer_id" not in frame.columns:
        raise DataError("actions: no customer_id column.")
    ids_a, ids_f = align_ids(pd.Series(feats.index), frame["customer_id"], "features",
                             "actions")
    scores = pd.Series(model.predict(feats), index=ids_a.to_numpy())
    scores = scores[~scores.index.duplicated()]
    uplift = scores.reindex(ids_f.to_numpy()).to_numpy()
    threshold = cost / value
    out = frame.assign(uplift=uplift)
    keep = out["uplift"] > threshold
    unscored = int(out["uplift"].isna().sum())
    kept = out[keep].sort_values("uplift", ascending=False, kind="stable")
    return TargetedActions(kept.reset_index(drop=True), out[~keep].reset_index(drop=True),
                           threshold, unscored, cost_per_contact=cost,
                           value_per_conversion=value)

