"""Churn: which customers are slipping away, scored two ways on the same holdout.

Two approaches, compared on one cut-off date (``calibration_end``):

* **probabilistic** -- from a fitted :mod:`omnimkt.clv` model (BG/NBD ...):
  ``1 - P(alive)`` and ``P(no purchase in the next N days)``
  (:func:`probabilistic_churn`);
* **supervised** -- a seeded scikit-learn pipeline (:class:`SupervisedChurnModel`)
  on features built from the calibration window only (:func:`churn_features`)
  predicting "no purchase in the next 90 days" (:func:`churn_labels`, the
  case's three-month wake-up rule). To stay honest it is trained on an earlier
  cut-off (``calibration_end - horizon``) whose labels are known at
  ``calibration_end``, then scores customers at ``calibration_end``; the
  holdout is never seen by either approach (:func:`churn_backtest`).

Evaluation (:func:`evaluate_churn`, :func:`compare_churn`) gives ROC AUC, PR
AUC (average precision), gains and lift by decile and a calibration table.
:func:`channel_retention` tests the claim that customers using 3+ channels
retain better, stratified by purchase frequency (the obvious confounder), and
:func:`winback_thresholds` turns scores into a win-back contact rule with
expected cost and saved value.

Time is counted in whole days, as in :mod:`omnimkt.clv` and lifetimes: a
purchase on the cut-off day belongs to the calibration window; the holdout is
``(calibration_end, calibration_end + horizon_days]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from omnimkt.errors import DataError, ModelError, examples

__all__ = [
    "ChannelRetention", "ChurnComparison", "ChurnEvaluation", "SupervisedChurnModel",
    "WinbackPlan", "channel_retention", "churn_backtest", "churn_features", "churn_labels",
    "churn_scores", "saved_customer_value",
    "compare_churn", "evaluate_churn", "probabilistic_churn", "true_churn",
    "winback_thresholds",
]

_REQUIRED = ("customer_id", "timestamp", "amount")


# --------------------------------------------------------------------------- helpers
class _Result:
    """Shared display of result objects: ``summary`` table, repr, HTML and Markdown."""

    _title = "result"
    summary: pd.DataFrame

    def __repr__(self) -> str:
        return f"{self._title}\n{self.summary.to_string(float_format=lambda v: f'{v:.4g}')}"

    def _repr_html_(self) -> str:
        return f"<h4>{self._title}</h4>" + self.summary.to_html(
            float_format=lambda v: f"{v:.4g}")

    def to_markdown(self) -> str:
        """The summary as a Markdown table under a bold title."""
        return f"**{self._title}**\n\n" + self.summary.to_markdown(floatfmt=".4g")


def _prepare_transactions(transactions: pd.DataFrame) -> pd.DataFrame:
    """Canonical transactions (validated by omnimkt.data when available)."""
    if not isinstance(transactions, pd.DataFrame):
        raise DataError(f"transactions: expected a pandas DataFrame, got "
                        f"{type(transactions).__name__}. Pass the transactions table.")
    try:  # the shared validator, once the data module provides it
        from omnimkt.data import validate_transactions
    except ImportError:
        validate_transactions = None
    if validate_transactions is not None:
        # identical rows are kept, as omnimkt.clv does: two identical order lines are real
        return validate_transactions(transactions, duplicates="keep")
    missing = [c for c in _REQUIRED if c not in transactions.columns]
    if missing:
        raise DataError(f"transactions: missing column(s) {', '.join(missing)} (have: "
                        f"{examples(transactions.columns, 8)}). Map your names with "
                        "omnimkt.Columns.")
    if transactions.empty:
        raise DataError("transactions: the table is empty (0 rows). Pass at least one purchase.")
    df = transactions.copy()
    ts = pd.to_datetime(df["timestamp"], errors="coerce")
    bad = ts.isna()
    if bad.any():
        raise DataError(f"transactions.timestamp: {int(bad.sum())} rows are not dates "
                        f"(e.g. {examples(df.loc[bad, 'timestamp'])}). Fix or drop them.")
    df["timestamp"] = ts
    return df.sort_values(["customer_id", "timestamp"], kind="stable").reset_index(drop=True)


def _prepare_side(customers: pd.DataFrame | None, touchpoints: pd.DataFrame | None
                  ) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Canonical customers and touchpoints tables (None stays None)."""
    from omnimkt.data import validate_customers, validate_touchpoints

    for name, table in (("customers", customers), ("touchpoints", touchpoints)):
        if table is not None and not isinstance(table, pd.DataFrame):
            raise DataError(f"{name}: expected a pandas DataFrame or None, got "
                            f"{type(table).__name__}.")
    cu = None if customers is None else validate_customers(customers)
    tp = None if touchpoints is None else validate_touchpoints(touchpoints,
                                                               duplicates="keep")
    return cu, tp


def _cutoff(tx: pd.DataFrame, calibration_end: Any) -> pd.Timestamp:
    """The cut-off day; an error when no customer has bought on or before it."""
    try:
        cut = pd.Timestamp(calibration_end)
    except (TypeError, ValueError) as exc:
        raise DataError(f"calibration_end: {calibration_end!r} is not a date. "
                        "Pass e.g. '2025-06-30'.") from exc
    if cut is pd.NaT or pd.isna(cut):
        raise DataError("calibration_end: got a missing date (NaT). Pass e.g. '2025-06-30'.")
    if cut.tzinfo is not None:
        raise DataError(f"calibration_end: {cut} has a time zone, transactions.timestamp is "
                        "naive. Pass a naive date.")
    cut = cut.normalize()
    first = tx["timestamp"].min().normalize()
    if cut < first:
        raise DataError(
            f"calibration_end {cut.date()} is before the first transaction "
            f"({first.date()}): no customer is active in the calibration window "
            f"(transactions.timestamp, 0 of {len(tx):,} rows on or before it). "
            "Choose a cut-off inside the data.")
    return cut


def _holdout_end(tx: pd.DataFrame, cut: pd.Timestamp, horizon_days: int,
                 observation_end: Any) -> pd.Timestamp:
    """End of the label window, checked against the end of the observed data."""
    if not isinstance(horizon_days, int | np.integer) or horizon_days <= 0:
        raise DataError(f"horizon_days: must be a positive whole number of days, got "
                        f"{horizon_days!r}.")
    last = tx["timestamp"].max().normalize()
    end = last if observation_end is None else pd.Timestamp(observation_end).normalize()
    if cut >= end:
        raise DataError(
            f"calibration_end {cut.date()} is on or after the end of the data ({end.date()}, "
            "transactions.timestamp): nothing is left to observe after it. "
            "Choose an earlier cut-off.")
    stop = cut + pd.Timedelta(days=int(horizon_days))
    if stop > end:
        raise DataError(
            f"the {horizon_days}-day horizon after calibration_end {cut.date()} ends "
            f"{stop.date()}, after the end of the data ({end.date()}, "
            "transactions.timestamp): customers would be labelled churned for days never "
            "observed. Choose a cut-off at least horizon_days before the end, or pass "
            "observation_end= if the data really runs later.")
    return stop


def _orders(tx: pd.DataFrame) -> pd.DataFrame:
    """One row per order (order_id when given, else one per customer and timestamp)."""
    agg: dict[str, tuple[str, str]] = {"amount": ("amount", "sum")}
    if "quantity" in tx.columns:
        agg["quantity"] = ("quantity", "sum")
    if "order_id" in tx.columns:
        agg["timestamp"] = ("timestamp", "min")
        keys = ["customer_id", "order_id"]
    else:
        keys = ["customer_id", "timestamp"]
    return tx.groupby(keys, sort=True).agg(**agg).reset_index()


# --------------------------------------------------------------------------- features
def churn_features(transactions: pd.DataFrame, calibration_end: Any, *,
                   customers: pd.DataFrame | None = None,
                   touchpoints: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per-customer churn features from the calibration window only.

    Only rows on or before ``calibration_end`` (whole days) are used, so the
    features never see the holdout. Customers with no purchase by then are
    left out. Columns (those needing an absent column are skipped):

    ``n_orders`` orders (``order_id``, else distinct timestamps);
    ``n_purchase_days`` distinct purchase days; ``recency_days`` days from the
    last purchase to the cut-off; ``tenure_days`` days from the first purchase;
    ``total_spend`` and ``avg_basket`` (spend per order); ``avg_units`` units
    per order (``quantity``); ``n_channels`` sales channels used (``channel``);
    ``cat_share_<c>`` share of spend in each category (``category``);
    ``avg_discount_rate`` discount / list price; ``gap_mean_days``,
    ``gap_median_days`` and ``gap_cv`` (coefficient of variation, population
    std / mean, of the gaps between purchase days: regularity; NaN below two
    gaps); ``overdue_ratio`` = ``recency_days / gap_median_days`` (days since
    the last purchase against the customer's typical gap); with ``customers``
    holding ``referrer_id``: ``was_referred`` (0/1) and ``n_referred`` (people
    they referred whose ``signup_date`` -- else first purchase -- is on or
    before the cut-off); with ``touchpoints``: ``n_touchpoints``,
    ``n_touch_channels`` and ``days_since_last_touch`` in the window.

    Returns
    -------
    DataFrame indexed by ``customer_id``.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-11", "2025-01-31", "2025-01-20"]),
    ...     "amount": [10.0, 20.0, 30.0, 5.0]})
    >>> f = churn_features(tx, "2025-02-10")
    >>> f.loc[1, ["n_orders", "recency_days", "avg_basket", "gap_mean_days"]].tolist()
    [3.0, 10.0, 20.0, 15.0]
    """
    tx = _prepare_transactions(transactions)
    customers, touchpoints = _prepare_side(customers, touchpoints)
    return _features(tx, _cutoff(tx, calibration_end), customers, touchpoints)


def _features(tx: pd.DataFrame, cut: pd.Timestamp, customers: pd.DataFrame | None,
              touchpoints: pd.DataFrame | None) -> pd.DataFrame:
    cal = tx[tx["timestamp"].dt.normalize() <= cut]
    orders = _orders(cal)
    g = orders.groupby("customer_id", sort=True)
    feats = pd.DataFrame({"n_orders": g.size().astype("int64")})
    days = orders[["customer_id"]].assign(day=orders["timestamp"].dt.normalize())
    days = days.drop_duplicates().sort_values(["customer_id", "day"], kind="stable")
    gd = days.groupby("customer_id", sort=True)["day"]
    feats["n_purchase_days"] = gd.size().astype("int64")
    feats["recency_days"] = (cut - gd.max()).dt.days.astype("int64")
    feats["tenure_days"] = (cut - gd.min()).dt.days.astype("int64")
    feats["total_spend"] = g["amount"].sum().astype("float64")
    feats["avg_basket"] = feats["total_spend"] / feats["n_orders"]
    if "quantity" in orders.columns:
        feats["avg_units"] = g["quantity"].sum().astype("float64") / feats["n_orders"]
    if "channel" in cal.columns:
        feats["n_channels"] = cal.groupby("customer_id")["channel"].nunique().astype("int64")
    if "category" in cal.columns:
        spend = cal.pivot_table(index="customer_id", columns="category", values="amount",
                                aggfunc="sum", fill_value=0.0, observed=True)
        share = spend.div(spend.sum(axis=1).replace(0.0, np.nan), axis=0).fillna(0.0)
        share.columns = [f"cat_share_{c}" for c in share.columns]
        feats = feats.join(share.astype("float64"))
    if {"discount", "list_price"} <= set(cal.columns):
        sums = cal.groupby("customer_id")[["discount", "list_price"]].sum()
        feats["avg_discount_rate"] = (
            sums["discount"] / sums["list_price"].replace(0.0, np.nan)).astype("float64")
    gaps = days.assign(gap=gd.diff().dt.days).dropna(subset=["gap"])
    gg = gaps.groupby("customer_id")["gap"]
    stats = pd.DataFrame({"n": gg.size(), "mean": gg.mean(), "median": gg.median(),
                          "std": gg.std(ddof=0)})
    feats["gap_mean_days"] = stats["mean"].astype("float64")
    feats["gap_median_days"] = stats["median"].astype("float64")
    # regularity needs at least two gaps; one gap has no spread to speak of
    cv = (stats["std"] / stats["mean"].replace(0.0, np.nan)).where(stats["n"] >= 2)
    feats["gap_cv"] = cv.astype("float64")
    feats["overdue_ratio"] = (
        feats["recency_days"] / feats["gap_median_days"].replace(0.0, np.nan))
    if customers is not None:
        feats = feats.join(_referral_features(customers, cal, cut, feats.index))
    if touchpoints is not None:
        feats = feats.join(_touch_features(touchpoints, cut, feats.index))
    feats.index.name = "customer_id"
    return feats


def _referral_features(customers: pd.DataFrame, cal: pd.DataFrame, cut: pd.Timestamp,
                       index: pd.Index) -> pd.DataFrame:
    out = pd.DataFrame(index=index)
    if "referrer_id" not in customers.columns:
        return out
    ref = customers[["customer_id", "referrer_id"]]
    referred = ref.loc[ref["referrer_id"].notna(), "customer_id"]
    out["was_referred"] = index.isin(referred).astype("int64")
    # a referral counts once the referred person is a customer by the cut-off
    if "signup_date" in customers.columns:
        when = pd.to_datetime(customers["signup_date"], errors="coerce").dt.normalize()
        known = ref[(when <= cut).to_numpy() & ref["referrer_id"].notna().to_numpy()]
    else:
        buyers = cal["customer_id"].unique()
        known = ref[ref["customer_id"].isin(buyers) & ref["referrer_id"].notna()]
    counts = known.groupby("referrer_id").size()
    counts.index = counts.index.astype(object)  # Int64 referrers vs int64 ids, or str
    out["n_referred"] = counts.reindex(index.astype(object), fill_value=0).astype(
        "int64").to_numpy()
    return out


def _touch_features(touchpoints: pd.DataFrame, cut: pd.Timestamp,
                    index: pd.Index) -> pd.DataFrame:
    tp = touchpoints[["customer_id", "timestamp", "channel"]]
    day = pd.to_datetime(tp["timestamp"]).dt.normalize()
    tp = tp[(day <= cut).to_numpy()].assign(day=day[day <= cut])
    g = tp.groupby("customer_id")
    out = pd.DataFrame(index=index)
    out["n_touchpoints"] = g.size().reindex(index, fill_value=0).astype("int64")
    out["n_touch_channels"] = g["channel"].nunique().reindex(index, fill_value=0).astype("int64")
    out["days_since_last_touch"] = (cut - g["day"].max()).dt.days.reindex(index).astype(
        "float64")
    return out


def churn_labels(transactions: pd.DataFrame, calibration_end: Any, horizon_days: int = 90,
                 *, observation_end: Any = None) -> pd.Series:
    """1 if a customer active by ``calibration_end`` makes no purchase in the next days.

    The case's wake-up rule: no purchase for three months (``horizon_days=90``)
    marks a customer to win back. Customers are those with a purchase on or
    before the cut-off; the window is ``(calibration_end, calibration_end +
    horizon_days]`` in whole days and must lie inside the data (up to the last
    transaction, or ``observation_end`` if the data is known to run later).

    Returns
    -------
    Series of int (1 = churned, 0 = bought again) named ``churned``, indexed by
    ``customer_id``.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-02-15", "2025-01-05",
    ...                                  "2025-06-01"]), "amount": [1.0, 1.0, 1.0, 1.0]})
    >>> churn_labels(tx, "2025-01-31", horizon_days=90).to_dict()
    {1: 0, 2: 1}
    """
    tx = _prepare_transactions(transactions)
    cut = _cutoff(tx, calibration_end)
    return _labels(tx, cut, _holdout_end(tx, cut, horizon_days, observation_end))


def _labels(tx: pd.DataFrame, cut: pd.Timestamp, stop: pd.Timestamp) -> pd.Series:
    day = tx["timestamp"].dt.normalize()
    active = pd.Index(np.sort(tx.loc[day <= cut, "customer_id"].unique()), name="customer_id")
    back = tx.loc[(day > cut) & (day <= stop), "customer_id"].unique()
    return pd.Series((~active.isin(back)).astype("int64"), index=active, name="churned")


def true_churn(truth_customers: pd.DataFrame, at: Any,
               index: pd.Index | None = None) -> pd.Series:
    """Ground truth from a synthetic world: 1 if the customer had dropped out by ``at``.

    ``truth_customers`` is ``world.truth.customers`` (index ``customer_id``,
    column ``churn_date``, NaT while alive). ``index`` restricts the result to
    the customers scored.
    """
    if "churn_date" not in truth_customers.columns:
        raise DataError("truth.customers: missing column churn_date (the date each customer "
                        "became inactive, NaT if alive). Pass world.truth.customers.")
    when = pd.to_datetime(truth_customers["churn_date"])
    out = (when.notna() & (when <= pd.Timestamp(at))).astype("int64").rename("true_churned")
    out.index.name = "customer_id"
    return out if index is None else out.reindex(index)


# --------------------------------------------------------------------------- supervised
class SupervisedChurnModel:
    """A seeded scikit-learn pipeline predicting churn from :func:`churn_features`.

    Pipeline: median imputation (with missing-value indicators: a customer
    with one purchase has no gaps) -> standard scaling -> a classifier,
    ``method="gbm"`` (``HistGradientBoostingClassifier``) or
    ``method="logistic"`` (``LogisticRegression``). Columns seen at ``fit`` are
    kept; at prediction missing ``cat_share_*`` columns count as 0, other
    missing columns as unknown.

    Parameters
    ----------
    method : {"gbm", "logistic"}
    seed : int
        Random state of the classifier (results are reproducible).
    n_threads : int or None
        OpenMP / BLAS threads while fitting and predicting; 1 (default) is
        fastest on a shared machine, None uses every core.
    **params
        Passed to the classifier (e.g. ``max_iter=300``, ``C=0.5``).

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"recency_days": [1, 2, 50, 60, 3, 70]}, index=[1, 2, 3, 4, 5, 6])
    >>> y = pd.Series([0, 0, 1, 1, 0, 1], index=X.index)
    >>> m = SupervisedChurnModel("logistic").fit(X, y)
    >>> bool(m.predict_proba(X).loc[4] > 0.5)
    True
    """

    def __init__(self, method: str = "gbm", seed: int = 0, *, n_threads: int | None = 1,
                 **params: Any) -> None:
        self.method = method
        self.seed = seed
        self.n_threads = n_threads
        self.params = params

    def _threads(self) -> Any:
        from threadpoolctl import threadpool_limits

        # busy-waiting OpenMP threads make small fits slow on shared cores
        return threadpool_limits(self.n_threads)

    def _pipeline(self) -> Any:
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import StandardScaler

        if self.method == "gbm":
            # shallow, slowly learning trees: a few thousand customers are enough
            settings = {"max_iter": 100, "learning_rate": 0.05, "max_leaf_nodes": 15,
                        "min_samples_leaf": 40, "l2_regularization": 1.0,
                        "early_stopping": False, "random_state": self.seed}
            settings.update(self.params)
            clf: Any = HistGradientBoostingClassifier(**settings)
        elif self.method == "logistic":
            settings = {"max_iter": 2000, "C": 1.0, "random_state": self.seed}
            settings.update(self.params)
            clf = LogisticRegression(**settings)
        else:
            raise ModelError(f"SupervisedChurnModel: method must be 'gbm' or 'logistic', "
                             f"got {self.method!r}.")
        return Pipeline([
            ("impute", SimpleImputer(strategy="median", add_indicator=True,
                                     keep_empty_features=True)),
            ("scale", StandardScaler()),
            ("model", clf),
        ])

    def _matrix(self, X: pd.DataFrame) -> pd.DataFrame:
        if not isinstance(X, pd.DataFrame):
            raise DataError(f"features: expected a DataFrame from churn_features, got "
                            f"{type(X).__name__}.")
        bad = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
        if bad:
            raise DataError(f"features: {len(bad)} non-numeric column(s) "
                            f"({examples(bad)}). Use churn_features or encode them.")
        return X.astype("float64")

    def fit(self, X: pd.DataFrame, y: pd.Series) -> SupervisedChurnModel:
        """Fit on features ``X`` and labels ``y`` (aligned on ``customer_id``)."""
        X = self._matrix(X)
        y = _as_labels(y, "labels")
        common = X.index.intersection(y.index)
        if len(common) == 0:
            raise DataError(f"features and labels share no customer_id (e.g. features "
                            f"{examples(X.index)}, labels {examples(y.index)}). Build both "
                            "from the same transactions and cut-off.")
        X, y = X.loc[common], y.loc[common]
        _check_two_classes(y, "labels")
        self.feature_names_ = list(X.columns)
        pipeline = self._pipeline()
        with self._threads():
            self.pipeline_ = pipeline.fit(X.to_numpy(), y.to_numpy())
        self.n_customers_ = len(y)
        self.base_rate_ = float(y.mean())
        return self

    def predict_proba(self, X: pd.DataFrame) -> pd.Series:
        """Probability of churn per customer (Series named ``churn_prob``).

        Unlike scikit-learn's two-column array, this returns the churn
        probability only, indexed like ``X``.
        """
        if not hasattr(self, "pipeline_"):
            raise ModelError("SupervisedChurnModel is not fitted yet: call fit(X, y) first.")
        X = self._matrix(X)
        fill = {c: 0.0 for c in self.feature_names_ if c.startswith("cat_share_")}
        X = X.reindex(columns=self.feature_names_).fillna(fill)
        with self._threads():
            p = self.pipeline_.predict_proba(X.to_numpy())[:, 1]
        return pd.Series(p, index=X.index, name="churn_prob")

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"SupervisedChurnModel(method={self.method!r}, seed={self.seed}{extra})"


def _as_labels(y: Any, what: str) -> pd.Series:
    y = pd.Series(y) if not isinstance(y, pd.Series) else y
    if y.isna().any():
        raise DataError(f"{what}: {int(y.isna().sum())} missing labels (e.g. customers "
                        f"{examples(y.index[y.isna()])}). Drop them first.")
    ok = y.isin([0, 1, True, False])
    if not ok.all():
        raise DataError(f"{what}: {int((~ok).sum())} labels are not 0/1 (e.g. "
                        f"{examples(y[~ok])}). Use 1 = churned, 0 = active.")
    return y.astype("int64")


def _check_two_classes(y: pd.Series, what: str) -> None:
    if y.nunique() < 2:
        label = "churned (1)" if int(y.iloc[0]) == 1 else "active (0)"
        raise DataError(
            f"{what}: all {len(y):,} customers are {label}; a churn model or an AUC needs "
            "both churners and non-churners. Choose another cut-off or horizon_days.")


# --------------------------------------------------------------------------- probabilistic
def probabilistic_churn(model: Any, summary: pd.DataFrame, horizon: float) -> pd.DataFrame:
    """Churn scores from a fitted :mod:`omnimkt.clv` model.

    Parameters
    ----------
    model
        A fitted clv model (e.g. ``omnimkt.clv.BetaGeoModel``).
    summary : DataFrame
        Its RFM summary at the cut-off (frequency, recency, T), indexed by
        customer_id.
    horizon : float
        The churn window in the model's time unit (e.g. ``90 / 7`` weeks).

    Returns
    -------
    DataFrame indexed by customer_id: ``p_alive``, ``churn_prob`` (=
    ``1 - p_alive``) and ``p_no_purchase`` (no purchase within ``horizon``).
    """
    p_alive = pd.Series(np.asarray(model.probability_alive(summary), dtype="float64"),
                        index=summary.index)
    p_none = pd.Series(np.asarray(model.probability_no_purchase(horizon, summary),
                                  dtype="float64"), index=summary.index)
    out = pd.DataFrame({"p_alive": p_alive, "churn_prob": 1.0 - p_alive,
                        "p_no_purchase": p_none})
    out.index.name = "customer_id"
    return out


# --------------------------------------------------------------------------- evaluation
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


class ChurnEvaluation(_Result):
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
        self._title = f"Churn evaluation: {name}"
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
    y, s = _align(y_true, scores)
    return ChurnEvaluation(y, s, name, n_bins)


class ChurnComparison(_Result):
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

    _title = "Churn approaches compared on the same holdout"

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
        for name in ("probabilistic", "clv_models", "supervised_model", "calibration_end",
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


# --------------------------------------------------------------------------- 3+ channels
#: Default frequency bands (orders in the calibration window), doubling widths.
FREQUENCY_BANDS: tuple[int, ...] = (1, 2, 4, 8, 16, 32)


class ChannelRetention(_Result):
    """Retention by number of sales channels used, raw and within frequency bands.

    Attributes
    ----------
    summary : DataFrame
        Rows ``raw`` and ``stratified``: retention of the many-channel and
        few-channel groups, relative uplift (``+0.9`` would be the vendor's
        "+90%"), difference in points with a 95% interval.
    by_channels : DataFrame
        Customers and retention by channel count (1, 2, ..., ``threshold``+).
    by_band : DataFrame
        Customers and retention per frequency band and group.
    confounding : str
        Plain statement of why the raw comparison is biased.
    """

    _title = "Retention by number of channels used"

    def __init__(self, summary: pd.DataFrame, by_channels: pd.DataFrame,
                 by_band: pd.DataFrame, threshold: int, excluded_share: float) -> None:
        self.summary, self.by_channels, self.by_band = summary, by_channels, by_band
        self.threshold = threshold
        self.excluded_share = excluded_share
        self.raw_uplift = float(summary.loc["raw", "relative_uplift"])
        self.adjusted_uplift = float(summary.loc["stratified", "relative_uplift"])
        self.confounding = (
            "Customers who buy more often have more occasions to use another channel, and "
            "frequent buyers are also the ones most likely to buy again; a raw comparison "
            "credits the channels with what frequency explains. The stratified figure "
            f"compares {threshold}+ and fewer-channel customers with the same number of "
            "orders (frequency bands), weighted like the "
            f"{threshold}+ group; bands with no customer in one of the groups are left out "
            f"({excluded_share:.0%} of the {threshold}+ group). Other differences (tenure, "
            "region, price tier) may remain: this is an observational comparison, not an "
            "experiment.")


def channel_retention(transactions: pd.DataFrame, calibration_end: Any,
                      horizon_days: int = 90, *, threshold: int = 3,
                      bands: Sequence[int] = FREQUENCY_BANDS,
                      observation_end: Any = None) -> ChannelRetention:
    """Test "customers using 3+ channels retain better" with frequency held fixed.

    Retention = a purchase in the ``horizon_days`` after ``calibration_end``
    among customers active by then; channels and orders are counted in the
    calibration window. The raw comparison (``threshold``+ channels vs fewer)
    is confounded by purchase frequency, so customers are also compared within
    frequency bands (``bands`` are the lower edges of order-count bands) and
    the band rates are weighted by the ``threshold``+ group's band mix (direct
    standardisation); the 95% interval of the difference uses the normal
    approximation.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 1, 2, 2, 2],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-05", "2025-01-09",
    ...         "2025-02-10", "2025-01-02", "2025-01-06", "2025-01-10"]),
    ...     "amount": 1.0, "channel": ["a", "b", "c", "a", "a", "a", "b"]})
    >>> r = channel_retention(tx, "2025-01-31", 10)
    >>> r.by_channels["retention"].to_dict()
    {'2': 0.0, '3+': 1.0}
    """
    tx = _prepare_transactions(transactions)
    if "channel" not in tx.columns:
        raise DataError("transactions: no channel column, so channels used cannot be "
                        "counted. Add the sales channel of each purchase (column 'channel').")
    cut = _cutoff(tx, calibration_end)
    labels = _labels(tx, cut, _holdout_end(tx, cut, horizon_days, observation_end))
    feats = _features(tx, cut, None, None)
    df = pd.DataFrame({"n_channels": feats["n_channels"], "n_orders": feats["n_orders"],
                       "retained": 1 - labels.reindex(feats.index)})
    many = df["n_channels"] >= threshold
    if not many.any() or many.all():
        raise DataError(
            f"transactions.channel: {int(many.sum()):,} of {len(df):,} customers used "
            f"{threshold}+ channels by the cut-off; both groups are needed. Lower threshold "
            "or move calibration_end.")
    count = np.minimum(df["n_channels"], threshold)
    labels_ch = count.map(lambda k: f"{k}+" if k == threshold else str(k))
    g = df.groupby(labels_ch, sort=True)
    by_channels = pd.DataFrame({"customers": g.size(), "retention": g["retained"].mean(),
                                "mean_orders": g["n_orders"].mean()})
    by_channels.index.name = "channels"
    edges = sorted(set(int(b) for b in bands) | {1})
    band_idx = np.searchsorted(np.asarray(edges), df["n_orders"].to_numpy(), side="right") - 1
    names = [f"{lo}-{hi - 1}" if hi - 1 > lo else str(lo)
             for lo, hi in zip(edges, edges[1:], strict=False)] + [f"{edges[-1]}+"]
    df["band"] = pd.Categorical.from_codes(band_idx, categories=names, ordered=True)
    df["group"] = np.where(many, f"{threshold}+", f"<={threshold - 1}")
    t = df.groupby(["band", "group"], observed=True)["retained"].agg(["size", "mean"])
    by_band = t.rename(columns={"size": "customers", "mean": "retention"}).unstack("group")
    hi_n = by_band[("customers", f"{threshold}+")]
    lo_n = by_band[("customers", f"<={threshold - 1}")]
    both = hi_n.notna() & lo_n.notna()
    w = hi_n[both] / hi_n[both].sum()
    p1 = by_band[("retention", f"{threshold}+")][both]
    p0 = by_band[("retention", f"<={threshold - 1}")][both]
    adj1, adj0 = float((w * p1).sum()), float((w * p0).sum())
    se_adj = float(np.sqrt((w**2 * (p1 * (1 - p1) / hi_n[both]
                                    + p0 * (1 - p0) / lo_n[both])).sum()))
    raw1, raw0 = float(df.loc[many, "retained"].mean()), float(df.loc[~many, "retained"].mean())
    n1, n0 = int(many.sum()), int((~many).sum())
    se_raw = float(np.sqrt(raw1 * (1 - raw1) / n1 + raw0 * (1 - raw0) / n0))
    rows = {}
    for key, (a, b, se, na, nb) in {"raw": (raw1, raw0, se_raw, n1, n0),
                                    "stratified": (adj1, adj0, se_adj,
                                                   int(hi_n[both].sum()),
                                                   int(lo_n[both].sum()))}.items():
        rows[key] = {f"retention_{threshold}plus": a, "retention_fewer": b,
                     "relative_uplift": a / b - 1 if b > 0 else np.nan,
                     "difference_pts": 100 * (a - b), "ci_low_pts": 100 * (a - b - 1.96 * se),
                     "ci_high_pts": 100 * (a - b + 1.96 * se),
                     f"customers_{threshold}plus": na, "customers_fewer": nb}
    summary = pd.DataFrame(rows).T
    summary.index.name = "comparison"
    excluded = float(1 - hi_n[both].sum() / n1)
    return ChannelRetention(summary, by_channels, by_band, threshold, excluded)


# --------------------------------------------------------------------------- win-back
class WinbackPlan(_Result):
    """Expected cost and saved value of a win-back campaign by score threshold.

    Attributes
    ----------
    summary : DataFrame
        One row per threshold: customers contacted, expected churners among
        them, customers saved, cost, saved value, value lost to backfire, net
        value and return per yuan spent.
    best : Series
        The row with the highest net value (``None`` when no threshold pays).
    best_threshold : float or None
    breakeven_probability : float
        The churn probability above which contacting one customer pays on
        average: ``(cost + backfire * value) / ((success + backfire) * value)``.
    """

    _title = "Win-back campaign: expected cost and saved value by threshold"

    def __init__(self, summary: pd.DataFrame, breakeven: float) -> None:
        self.summary = summary
        self.breakeven_probability = breakeven
        i = summary["net_value"].idxmax()
        pays = summary.loc[i, "net_value"] > 0
        self.best = summary.loc[i] if pays else None
        self.best_threshold = float(summary.loc[i, "threshold"]) if pays else None


def saved_customer_value(transactions: pd.DataFrame, as_of: Any = None, *,
                         margin: float = 0.30, days: int = 365) -> float:
    """What keeping one customer is worth: ``margin`` x the median spend over the
    ``days`` up to ``as_of`` (default: last purchase day) of customers who bought in them.

    A plain, stated assumption for :func:`winback_thresholds`; replace it with
    your own margin or CLV (e.g. ``omnimkt.clv.customer_value``) when known.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 3], "amount": [100.0, 100.0, 50.0, 400.0],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-06-01", "2025-03-01",
    ...                                  "2024-01-01"])})
    >>> saved_customer_value(tx, "2025-06-30", margin=0.5)
    62.5
    """
    if not 0.0 < margin <= 1.0:
        raise DataError(f"margin: must be a share in (0, 1], got {margin!r}.")
    tx = _prepare_transactions(transactions)
    cut = tx["timestamp"].max().normalize() if as_of is None else _cutoff(tx, as_of)
    day = tx["timestamp"].dt.normalize()
    year = tx[(day > cut - pd.Timedelta(days=int(days))) & (day <= cut)]
    if year.empty:
        raise DataError(f"transactions.timestamp: no purchase in the {days} days up to "
                        f"{cut.date()}; choose another as_of.")
    return margin * float(year.groupby("customer_id")["amount"].sum().median())


def winback_thresholds(scores: pd.Series, *, cost_per_contact: float, saved_value: float,
                       success_rate: float, y_true: pd.Series | None = None,
                       thresholds: Sequence[float] | None = None,
                       backfire_rate: float = 0.0) -> WinbackPlan:
    """Expected cost and saved value of contacting customers whose score >= threshold.

    Churners among the contacted are counted from ``y_true`` when given
    (backtest on a holdout), else expected as the sum of the scores, which
    then must be calibrated probabilities of churn. A contacted churner is
    saved with probability ``success_rate`` and is then worth ``saved_value``;
    each contact costs ``cost_per_contact``. ``backfire_rate`` is the share
    of contacted non-churners the contact pushes to leave (Ascarza et al.
    2016 saw churn rise after proactive outreach), each costing
    ``saved_value``. Keep a random hold-out group in the real campaign to
    measure ``success_rate``.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([0.9, 0.6, 0.3, 0.1])
    >>> plan = winback_thresholds(s, cost_per_contact=10, saved_value=100, success_rate=0.2,
    ...                           thresholds=[0.0, 0.5, 0.8])
    >>> plan.summary["net_value"].round(2).tolist()
    [-2.0, 10.0, 8.0]
    >>> plan.best_threshold, plan.breakeven_probability
    (0.5, 0.5)
    """
    for name, v in {"cost_per_contact": cost_per_contact, "saved_value": saved_value}.items():
        if not np.isfinite(v) or v < 0:
            raise DataError(f"{name}: must be a non-negative number, got {v!r}.")
    for name, v in {"success_rate": success_rate, "backfire_rate": backfire_rate}.items():
        if not 0.0 <= v <= 1.0:
            raise DataError(f"{name}: must be a share between 0 and 1, got {v!r}.")
    s = pd.to_numeric(pd.Series(scores), errors="coerce").astype("float64")
    if s.isna().any():
        raise DataError(f"scores: {int(s.isna().sum())} missing scores (e.g. customers "
                        f"{examples(s.index[s.isna()])}). Score every customer.")
    if y_true is None:
        if s.min() < 0 or s.max() > 1:
            raise DataError("scores: without y_true the scores must be churn probabilities "
                            f"in [0, 1]; got {s.min():.3g} to {s.max():.3g}.")
        churn = s
    else:
        churn = _as_labels(y_true, "y_true").reindex(s.index)
        if churn.isna().any():
            raise DataError(f"y_true: {int(churn.isna().sum())} scored customers have no "
                            f"label (e.g. {examples(s.index[churn.isna()])}).")
    grid = np.round(np.linspace(0.0, 1.0, 21), 2) if thresholds is None else thresholds
    rows = []
    for t in grid:
        hit = (s >= t).to_numpy()
        n = int(hit.sum())
        churners = float(churn.to_numpy()[hit].sum())
        saved = churners * success_rate
        cost = n * cost_per_contact
        value = saved * saved_value
        lost = (n - churners) * backfire_rate * saved_value
        rows.append({"threshold": float(t), "contacted": n, "share_contacted": n / len(s),
                     "expected_churners": churners, "saved_customers": saved,
                     "cost": cost, "saved_value": value, "backfire_loss": lost,
                     "net_value": value - cost - lost,
                     "return_per_yuan": (value - lost) / cost if cost > 0 else np.nan})
    denom = (success_rate + backfire_rate) * saved_value
    breakeven = (cost_per_contact + backfire_rate * saved_value) / denom if denom > 0 \
        else np.inf
    return WinbackPlan(pd.DataFrame(rows), float(breakeven))


# --------------------------------------------------------------------------- end to end
def churn_backtest(transactions: pd.DataFrame, calibration_end: Any, horizon_days: int = 90,
                   *, customers: pd.DataFrame | None = None,
                   touchpoints: pd.DataFrame | None = None, observation_end: Any = None,
                   clv_model: Any = None, method: str = "gbm", seed: int = 0,
                   truth: pd.DataFrame | None = None, n_bins: int = 10,
                   n_threads: int | None = 1) -> ChurnComparison:
    """Both churn approaches on the same holdout, side by side.

    * probabilistic: each ``clv_model`` (default BG/NBD and MBG/NBD, weeks)
      fitted on the RFM summary at ``calibration_end``; scores
      ``1 - P(alive) [model]`` and ``P(no purchase in N d) [model]``. BG/NBD
      lets customers drop out only after a repeat purchase, so it gives every
      one-time buyer P(alive) = 1; MBG/NBD also lets them drop out after the
      first purchase (trial-only buyers);
    * supervised: :class:`SupervisedChurnModel` trained on features at
      ``calibration_end - horizon_days`` with the labels observed up to
      ``calibration_end`` (so nothing after the cut-off is used), then scoring
      the features at ``calibration_end``.

    All are judged on :func:`churn_labels` at ``calibration_end`` (no purchase
    in the next ``horizon_days``) and, with ``truth`` (``world.truth.customers``
    of a synthetic world), on the true dropout by the cut-off.

    Parameters
    ----------
    clv_model : clv model, or dict of name -> clv model, optional
        Unfitted :mod:`omnimkt.clv` repeat-purchase models.

    Returns
    -------
    ChurnComparison
        With extra attributes ``labels``, ``features``, ``probabilistic``
        (dict of name -> DataFrame of :func:`probabilistic_churn`), ``clv_models``
        (fitted), ``supervised_model``, ``truth_labels``, ``calibration_end``
        and ``horizon_days``.

    Examples
    --------
    >>> from omnimkt.datasets import generate
    >>> w = generate(1000, seed=1)
    >>> cmp = churn_backtest(w.transactions, "2025-09-30")
    >>> list(cmp.summary.index)  # doctest: +NORMALIZE_WHITESPACE
    ['1 - P(alive) [BG/NBD]', 'P(no purchase in 90 d) [BG/NBD]',
     '1 - P(alive) [MBG/NBD]', 'P(no purchase in 90 d) [MBG/NBD]', 'supervised (gbm)']
    """
    from omnimkt import clv

    tx = _prepare_transactions(transactions)
    customers, touchpoints = _prepare_side(customers, touchpoints)
    cut = _cutoff(tx, calibration_end)
    labels = _labels(tx, cut, _holdout_end(tx, cut, horizon_days, observation_end))
    train_cut = cut - pd.Timedelta(days=int(horizon_days))
    if train_cut < tx["timestamp"].min().normalize():
        raise DataError(
            f"calibration_end {cut.date()}: the supervised model trains on customers active "
            f"by {train_cut.date()} (calibration_end - horizon_days), before the first "
            "transaction. Choose a later cut-off or a shorter horizon_days.")
    if clv_model is None:
        models = {"BG/NBD": clv.BetaGeoModel(), "MBG/NBD": clv.ModifiedBetaGeoModel()}
    elif isinstance(clv_model, Mapping):
        models = dict(clv_model)
    else:
        models = {getattr(clv_model, "_label", "") or type(clv_model).__name__: clv_model}
    summary = clv.rfm_summary(tx, observation_end=cut, time_unit="W")
    unit = clv.TIME_UNITS[summary.attrs.get("time_unit", "W")]
    scores: dict[str, pd.Series] = {}
    probs: dict[str, pd.DataFrame] = {}
    for name, model in models.items():
        model.fit(summary)
        probs[name] = prob = probabilistic_churn(model, summary, horizon_days / unit)
        scores[f"1 - P(alive) [{name}]"] = prob["churn_prob"]
        scores[f"P(no purchase in {horizon_days} d) [{name}]"] = prob["p_no_purchase"]
    x_train = _features(tx, train_cut, customers, touchpoints)
    y_train = _labels(tx, train_cut, cut)
    sup = SupervisedChurnModel(method, seed=seed, n_threads=n_threads).fit(x_train, y_train)
    feats = _features(tx, cut, customers, touchpoints)
    scores[f"supervised ({method})"] = sup.predict_proba(feats)
    truth_labels = None if truth is None else true_churn(truth, cut, labels.index)
    out = compare_churn(labels, scores, truth=truth_labels, n_bins=n_bins)
    out.labels, out.features, out.probabilistic = labels, feats, probs
    out.clv_models, out.supervised_model = models, sup
    out.calibration_end, out.horizon_days = cut, int(horizon_days)
    out.truth_labels = truth_labels
    return out


def churn_scores(transactions: pd.DataFrame, as_of: Any = None, horizon_days: int = 90, *,
                 customers: pd.DataFrame | None = None,
                 touchpoints: pd.DataFrame | None = None, clv_model: Any = None,
                 method: str = "gbm", seed: int = 0, n_threads: int | None = 1) -> pd.DataFrame:
    """Score every customer active by ``as_of`` (default: the last purchase day) for action.

    The supervised model is trained on features at ``as_of - horizon_days`` with the
    labels observed up to ``as_of`` (as in :func:`churn_backtest`, one period later);
    the clv model (default MBG/NBD, weeks: unlike BG/NBD it does not give every
    one-time buyer P(alive) = 1) is fitted on the summary at ``as_of``.

    Returns
    -------
    DataFrame indexed by customer_id: ``churn_prob`` (supervised), ``p_no_purchase``,
    ``p_alive`` (clv model), ``recency_days``, ``n_orders`` and ``total_spend``.
    """
    from omnimkt import clv

    tx = _prepare_transactions(transactions)
    customers, touchpoints = _prepare_side(customers, touchpoints)
    cut = tx["timestamp"].max().normalize() if as_of is None else _cutoff(tx, as_of)
    train_cut = cut - pd.Timedelta(days=int(horizon_days))
    if train_cut < tx["timestamp"].min().normalize():
        raise DataError(
            f"as_of {cut.date()}: the supervised model trains on customers active by "
            f"{train_cut.date()} (as_of - horizon_days), before the first transaction. "
            "Give more history or a shorter horizon_days.")
    x_train = _features(tx, train_cut, customers, touchpoints)
    sup = SupervisedChurnModel(method, seed=seed, n_threads=n_threads).fit(
        x_train, _labels(tx, train_cut, cut))
    feats = _features(tx, cut, customers, touchpoints)
    summary = clv.rfm_summary(tx, observation_end=cut, time_unit="W")
    model = (clv.ModifiedBetaGeoModel() if clv_model is None else clv_model).fit(summary)
    prob = probabilistic_churn(model, summary, horizon_days / clv.TIME_UNITS["W"])
    out = pd.DataFrame({"churn_prob": sup.predict_proba(feats),
                        "p_no_purchase": prob["p_no_purchase"], "p_alive": prob["p_alive"]})
    out = out.join(feats[["recency_days", "n_orders", "total_spend"]])
    out.attrs.update(as_of=cut, horizon_days=int(horizon_days))
    return out
