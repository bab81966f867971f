"""The two churn scorers: a seeded scikit-learn pipeline on :func:`churn_features`
(:class:`SupervisedChurnModel`) and scores from a fitted :mod:`omnimkt.clv` model
(:func:`probabilistic_churn`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omnimkt.churn._common import _as_labels, _check_two_classes
from omnimkt.errors import DataError, ModelError, examples

__all__ = ["SupervisedChurnModel", "probabilistic_churn"]

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
