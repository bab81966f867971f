"""The two churn scorers: a seeded scikit-learn pipeline on :func:`churn_features`
(:class:`SupervisedChurnModel`) and scores from a fitted :mod:`omnimkt.clv` model
(:func:`probabilistic_churn`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_seed_int, check_choice, check_n_jobs, check_number
from omnimkt._result import Estimator
from omnimkt.churn._common import _as_labels, _check_two_classes
from omnimkt.errors import DataError, examples

__all__ = ["SupervisedChurnModel", "probabilistic_churn"]

class SupervisedChurnModel(Estimator):
    """A seeded scikit-learn pipeline predicting churn from :func:`churn_features`.

    Pipeline: median imputation (with missing-value indicators: a customer
    with one purchase has no gaps) -> standard scaling -> a classifier,
    ``method="gbm"`` (``HistGradientBoostingClassifier``) or
    ``method="logistic"`` (``LogisticRegression``). Columns seen at ``fit`` are
    kept; at prediction missing ``cat_share_*`` columns count as 0, other
    missing columns as unknown. Settings are checked at ``fit``.

    Parameters
    ----------
    method : {"gbm", "logistic"}
    seed : int >= 0 or numpy Generator, default 0
        Random state of the classifier (same seed, same model).
    n_jobs : int, default 1
        OpenMP / BLAS threads while fitting and predicting; 1 is fastest on a
        shared machine, -1 uses every core.
    max_iter : int, optional
        Boosting rounds (gbm, default 100) or solver iterations (logistic,
        default 2000).
    learning_rate, max_leaf_nodes, min_samples_leaf, l2_regularization
        Gradient boosting settings (gbm only).
    C : float, default 1
        Inverse regularisation strength (logistic only).

    Attributes
    ----------
    pipeline_ : sklearn Pipeline
        The fitted imputer, scaler and classifier.
    feature_names_ : list of str
        Feature columns seen at fit, in order.
    n_customers_ : int
        Customers fitted.
    base_rate_ : float
        Share of churners among them.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"recency_days": [1, 2, 50, 60, 3, 70]}, index=[1, 2, 3, 4, 5, 6])
    >>> y = pd.Series([0, 0, 1, 1, 0, 1], index=X.index)
    >>> m = SupervisedChurnModel("logistic").fit(X, y)
    >>> bool(m.predict_proba(X).loc[4] > 0.5)
    True
    """

    title = "Supervised churn model"

    def __init__(self, method: str = "gbm", seed: Any = 0, *, n_jobs: int = 1,
                 max_iter: int | None = None, learning_rate: float = 0.05,
                 max_leaf_nodes: int = 15, min_samples_leaf: int = 40,
                 l2_regularization: float = 1.0, C: float = 1.0) -> None:  # noqa: N803
        self.method = method
        self.seed = seed
        self.n_jobs = n_jobs
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.C = C

    def _check_settings(self) -> None:
        check_choice(self.method, "method", ("gbm", "logistic"))
        if not isinstance(self.seed, np.random.Generator):
            check_number(self.seed, "seed", low=0, integer=True)
        check_n_jobs(self.n_jobs)
        check_number(self.max_iter, "max_iter", low=1, integer=True, allow_none=True)
        check_number(self.learning_rate, "learning_rate", low=0, low_open=True)
        check_number(self.max_leaf_nodes, "max_leaf_nodes", low=2, integer=True)
        check_number(self.min_samples_leaf, "min_samples_leaf", low=1, integer=True)
        check_number(self.l2_regularization, "l2_regularization", low=0)
        check_number(self.C, "C", low=0, low_open=True)

    def _threads(self) -> Any:
        from threadpoolctl import threadpool_limits

        # busy-waiting OpenMP threads make small fits slow on shared cores
        return threadpool_limits(check_n_jobs(self.n_jobs))

    def _pipeline(self) -> Any:
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import StandardScaler

        seed = as_seed_int(self.seed)
        if self.method == "gbm":
            # shallow, slowly learning trees: a few thousand customers are enough
            clf: Any = HistGradientBoostingClassifier(
                max_iter=100 if self.max_iter is None else self.max_iter,
                learning_rate=self.learning_rate, max_leaf_nodes=self.max_leaf_nodes,
                min_samples_leaf=self.min_samples_leaf,
                l2_regularization=self.l2_regularization, early_stopping=False,
                random_state=seed)
        else:
            clf = LogisticRegression(max_iter=2000 if self.max_iter is None else self.max_iter,
                                     C=self.C, random_state=seed)
        return Pipeline([
            ("impute", SimpleImputer(strategy="median", add_indicator=True,
                                     keep_empty_features=True)),
            ("scale", StandardScaler()),
            ("model", clf),
        ])

    @property
    def summary(self) -> pd.DataFrame:
        """What the model was fitted on: customers, churn rate, features."""
        self._check_fitted()
        return pd.DataFrame({"value": pd.Series({
            "method": self.method, "customers": self.n_customers_,
            "base churn rate": self.base_rate_, "features": len(self.feature_names_),
        }, dtype=object)})

    def _settings(self) -> str:
        return f"method {self.method}, seed {self.seed}"

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
        """Fit on features ``X`` and labels ``y`` (aligned on ``customer_id``); returns self."""
        self._start_fit()
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
        self._check_fitted()
        X = self._matrix(X)
        fill = {c: 0.0 for c in self.feature_names_ if c.startswith("cat_share_")}
        X = X.reindex(columns=self.feature_names_).fillna(fill)
        with self._threads():
            p = self.pipeline_.predict_proba(X.to_numpy())[:, 1]
        return pd.Series(p, index=X.index, name="churn_prob")

def probabilistic_churn(model: Any, summary: pd.DataFrame, horizon_days: int = 90, *,
                        time_unit: str | None = None) -> pd.DataFrame:
    """Churn scores from a fitted :mod:`omnimkt.clv` model.

    Parameters
    ----------
    model
        A fitted clv model (e.g. ``omnimkt.clv.BetaGeoModel``).
    summary : DataFrame
        Its RFM summary at the cut-off (frequency, recency, T), indexed by
        customer_id.
    horizon_days : int, default 90
        The churn window in days.
    time_unit : {"D", "W", "M"}, optional
        The summary's time unit; default ``summary.attrs["time_unit"]`` (set by
        ``rfm_summary``), else the model's.

    Returns
    -------
    DataFrame indexed by customer_id: ``p_alive``, ``churn_prob`` (=
    ``1 - p_alive``) and ``p_no_purchase`` (no purchase within ``horizon_days``).

    Examples
    --------
    >>> from omnimkt.clv import BetaGeoModel
    >>> bg = BetaGeoModel()  # with the published CDNOW parameters instead of a fit
    >>> bg.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    >>> s = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [10.0]})
    >>> probabilistic_churn(bg, s, 91, time_unit="W")["p_no_purchase"].round(4).tolist()
    [0.8554]
    """
    from omnimkt.clv.summary import TIME_UNITS, _summary_unit

    horizon_days = check_number(horizon_days, "horizon_days", low=1, integer=True)
    horizon = horizon_days / TIME_UNITS[_summary_unit(summary, model, time_unit)]
    p_alive = pd.Series(np.asarray(model.probability_alive(summary), dtype="float64"),
                        index=summary.index)
    p_none = pd.Series(np.asarray(model.probability_no_purchase(horizon, summary),
                                  dtype="float64"), index=summary.index)
    out = pd.DataFrame({"p_alive": p_alive, "churn_prob": 1.0 - p_alive,
                        "p_no_purchase": p_none})
    out.index.name = "customer_id"
    return out
