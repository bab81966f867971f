"""Next-product propensity: whom to offer a product they do not own yet (case J).

The model learns, from customers who already own the product, what sets them
apart (the other products they bought, and any customer features), and scores
everyone else by how much they look like those owners. It is a look-alike of
owners, not a causal model: a high score means "resembles the buyers", which
is why a campaign should keep a hold-out group before claiming an effect.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from omnimkt._gate import as_seed_int, check_choice, check_frame, check_number
from omnimkt._result import Estimator
from omnimkt.errors import DataError, ModelError, examples

__all__ = ["NextProductModel"]


def _design(owned: Any, features: Any, target: str) -> tuple[pd.DataFrame, pd.Series]:
    owned = check_frame(owned, "owned")
    if owned.empty:
        raise DataError("owned: the table is empty; pass one row per customer and one 0/1 "
                        "column per product (e.g. basket_matrix(baskets)).")
    if target not in owned.columns:
        raise DataError(f"owned: no column for the target product {target!r} "
                        f"(products: {list(owned.columns)[:8]}).")
    values = owned.to_numpy()
    if not np.isin(values, [0, 1, True, False]).all():
        raise DataError("owned: every cell must be 0/1 (or True/False): does the customer own "
                        "the product?")
    x = owned.drop(columns=[target]).astype(float).add_prefix("owns_")
    if features is not None:
        features = check_frame(features, "features")
        num = features.select_dtypes("number")
        if num.shape[1] == 0:
            raise DataError("features: no numeric column to use.")
        missing = owned.index[~owned.index.isin(num.index)]
        if len(missing):
            raise DataError(f"features: {len(missing)} customers of owned have no row "
                            f"(e.g. {examples(missing)}).")
        num = num.reindex(owned.index)
        if num.isna().any().any():
            raise DataError("features: missing values; fill or drop them first.")
        x = x.join(num.astype(float))
    return x, owned[target].astype(int)


class NextProductModel(Estimator):
    """Propensity to own ``target`` given the other products owned (and features).

    Parameters
    ----------
    target : str
        The product to cross-sell (a column of the ``owned`` table).
    model : "logistic" or "forest"
        Standardised logistic regression, or a random forest (200 trees).
    cv : int >= 2
        Folds of the seeded cross-validation behind ``cv_auc_``.
    seed : int >= 0 or numpy Generator

    Attributes
    ----------
    model_ : sklearn estimator fitted on every customer
    features_ : list of str
    cv_auc_ : float
        Out-of-fold ROC AUC of telling owners from non-owners.
    owners_ : int
        Customers who own the target.
    effects_ : Series
        Logistic coefficients (per standard deviation) or forest importances.

    Examples
    --------
    >>> import pandas as pd
    >>> owned = pd.DataFrame({"tv": [1, 1, 0, 0, 1, 0] * 5, "ac": [1, 1, 0, 0, 1, 1] * 5})
    >>> m = NextProductModel(target="tv", cv=2).fit(owned)
    >>> round(float(m.effects_["owns_ac"]), 2) > 0
    True
    """

    def __init__(self, target: str = "smart_tv", model: str = "logistic", cv: int = 5,
                 seed: int | np.random.Generator = 0) -> None:
        self.target = target
        self.model = model
        self.cv = cv
        self.seed = seed

    def _check_settings(self) -> None:
        if not isinstance(self.target, str) or not self.target:
            raise ModelError(f"target: expected a product name, got {self.target!r}.")
        check_choice(self.model, "model", ("logistic", "forest"))
        check_number(self.cv, "cv", low=2, integer=True)

    def _new_model(self, seed: int) -> Any:
        if self.model == "forest":
            return RandomForestClassifier(n_estimators=200, min_samples_leaf=5,
                                          random_state=seed, n_jobs=1)
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))

    def fit(self, owned: pd.DataFrame, features: pd.DataFrame | None = None
            ) -> NextProductModel:
        """Learn what owners of ``target`` look like; returns ``self``."""
        self._start_fit()
        x, y = _design(owned, features, self.target)
        n_own = int(y.sum())
        folds = int(self.cv)
        if min(n_own, len(y) - n_own) < folds:
            raise DataError(f"owned.{self.target}: {n_own} owners and {len(y) - n_own} "
                            f"non-owners; each must reach cv={folds} to fit and check the model.")
        seed = as_seed_int(self.seed)
        split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        oof = cross_val_predict(self._new_model(seed), x, y, cv=split,
                                method="predict_proba")[:, 1]
        self.model_ = self._new_model(seed).fit(x, y)
        self.features_ = list(x.columns)
        self.cv_auc_ = float(roc_auc_score(y, oof))
        self.owners_ = n_own
        if self.model == "forest":
            eff = self.model_.feature_importances_
        else:
            eff = self.model_[-1].coef_[0]
        self.effects_ = pd.Series(eff, index=self.features_, name="effect")
        return self

    @property
    def summary(self) -> pd.DataFrame:  # type: ignore[override]
        self._check_fitted()
        kind = "importance" if self.model == "forest" else "coefficient per sd"
        order = self.effects_.abs().sort_values(ascending=False, kind="stable").index
        return pd.DataFrame({"feature": order, kind: self.effects_.loc[order].to_numpy()})

    @property
    def notes(self) -> list[str]:  # type: ignore[override]
        self._check_fitted()
        return [f"{self.owners_:,} owners of {self.target}; out-of-fold AUC "
                f"{self.cv_auc_:.3f} ({self.cv}-fold, seeded)."]

    def _settings(self) -> str:
        return f"target={self.target}, model={self.model}"

    def predict(self, owned: pd.DataFrame, features: pd.DataFrame | None = None) -> pd.Series:
        """Score (probability of owning ``target``) for every customer of ``owned``."""
        self._check_fitted()
        x, _ = _design(owned, features, self.target)
        if list(x.columns) != self.features_:
            raise DataError(f"owned/features: columns differ from the fit ({self.features_}).")
        return pd.Series(self.model_.predict_proba(x)[:, 1], index=owned.index, name="score")

    def offers(self, owned: pd.DataFrame, features: pd.DataFrame | None = None,
               n: int | None = None) -> pd.DataFrame:
        """Customers who do not own ``target``, best prospects first (score, rank)."""
        score = self.predict(owned, features)
        keep = owned[self.target].astype(int).to_numpy() == 0
        out = score[keep].to_frame()
        out["_i"] = np.arange(len(out))
        out = out.sort_values(["score", "_i"], ascending=[False, True], kind="stable")
        out = out.drop(columns="_i")
        out["rank"] = np.arange(1, len(out) + 1)
        if n is not None:
            out = out.head(check_number(n, "n", low=1, integer=True))
        return out
