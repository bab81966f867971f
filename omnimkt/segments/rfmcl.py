"""RFMCL: the formula brand's customer-value model, defined, scored and clustered."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import ClusterMixin
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from omnimkt._gate import (
    as_rng,
    as_seed_int,
    check_bool,
    check_choice,
    check_n_jobs,
    check_number,
)
from omnimkt._result import Estimator, Result
from omnimkt.errors import DataError, ModelError
from omnimkt.segments._base import (
    _customer_table_from_orders,
    history,
    orders_table,
    transactions_of,
)

FEATURES = ("R", "F", "M", "C", "L")
#: Features that are skewed to the right and clustered on a log scale.
_LOG_FEATURES = ("R", "F", "M")


def rfmcl_table(data: Any, *, cutoff: Any = None, c: str = "auto", days_per_unit: float = 7.0,
                consumption: Any = None, category: str | None = "formula",
                columns: Any = None, base: pd.DataFrame | None = None,
                validate: bool = True) -> pd.DataFrame:
    """Score every customer on RFMCL, the formula brand's value model (case A).

    The case does not define the letters; omnimkt uses this reading for a
    consumable product (after the airline LRFMC model):

    * **R** (recency relative to consumption) = days since the last purchase
      of the consumable / days that purchase should last. The expected
      duration comes from :func:`omnimkt.retention.depletion_table` (units
      bought x ``days_per_unit``, about one can a week); R < 1 means the
      customer should still have product, R > 1 means they ran out
      ``R`` times the expected duration ago. Customers without a purchase in
      ``category`` (or data without quantities) use the median gap between
      consecutive orders of all customers as the expected duration.
    * **F** = number of orders (baskets) up to ``cutoff`` (the inclusive last
      day of history; default the day of the last purchase).
    * **M** = total spend (yuan); ``mean_basket`` = M / F is kept alongside
      for the >400 / <200 yuan price-sensitivity rule.
    * **C** = consumption behaviour: with ``c="price"`` the paid-to-list price
      ratio (spend / list-price spend; 1.0 = always full price, lower = buys
      on discount, i.e. price sensitive); with ``c="regularity"`` the
      regularity of the purchase cycle, 1 / (1 + coefficient of variation of
      the gaps between orders) (1 = perfectly regular; needs 3+ orders, else
      NaN). ``c="auto"`` takes the price ratio when ``list_price`` exists.
    * **L** = length of relationship, days since the first purchase.

    Days "since" are measured to the end of the cutoff day (midnight starting
    the next day). ``base`` may pass a :func:`customer_table` already computed
    on the same data and ``cutoff``, and ``validate=False`` skip the checks of a log that
    already passed :func:`omnimkt.data.validate_transactions` (both save time
    on large logs).

    Returns
    -------
    DataFrame indexed by customer_id with R, F, M, C, L plus recency_days,
    expected_duration_days, mean_basket, price_ratio, regularity, habit
    (3+ units bought, when known).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-15", "2025-01-10"]),
    ...     "amount": [100.0, 100.0, 300.0]})
    >>> rfmcl_table(tx, cutoff="2025-01-28")[["R", "F", "M", "L"]].round(2).to_dict("list")
    {'R': [1.0, 1.36], 'F': [2, 1], 'M': [200.0, 300.0], 'L': [28.0, 19.0]}
    """
    c = check_choice(c, "c", ("auto", "price", "regularity"))
    days_per_unit = check_number(days_per_unit, "days_per_unit", low=0, low_open=True)
    if category is not None and not isinstance(category, str):
        raise ModelError(f"category: expected a category name or None, got {category!r}.")
    from omnimkt.data.engine import is_engine_source

    if is_engine_source(data):  # aggregated where the data lives (DuckDB, Spark)
        from omnimkt.data.engine import lazy_table
        from omnimkt.segments._lazy import customer_table_lazy, history_lazy

        lf = lazy_table(data, "transactions", columns, validate=check_bool(validate, "validate"))
        tx, day, end = history_lazy(lf, cutoff)
        if base is None:
            base = customer_table_lazy(tx, day)
    else:
        tx = transactions_of(data, columns, validate=validate)
        tx, day, end = history(tx, cutoff)
        if base is None:
            base = _customer_table_from_orders(orders_table(tx), end)
    recency, expected, habit = _consumption_recency(tx, base, day, end, days_per_unit,
                                                    consumption, category)
    out = pd.DataFrame(index=base.index)
    out["R"] = recency / expected
    out["F"] = base["orders"]
    out["M"] = base["spend"]
    use_price = c == "price" or (c == "auto" and base["price_ratio"].notna().any())
    if use_price and base["price_ratio"].isna().all():
        raise DataError("transactions.list_price: column missing or zero for all rows, so "
                        "C cannot be the paid-to-list ratio. Use c='regularity'.")
    out["C"] = base["price_ratio"] if use_price else base["regularity"]
    out["L"] = base["tenure_days"]
    out["recency_days"] = recency
    out["expected_duration_days"] = expected
    out["mean_basket"] = base["mean_basket"]
    out["price_ratio"] = base["price_ratio"]
    out["regularity"] = base["regularity"]
    out["habit"] = habit
    out.attrs["C"] = "price_ratio" if use_price else "regularity"
    out.attrs["cutoff"] = day
    return out


def _consumption_recency(tx: pd.DataFrame, base: pd.DataFrame, day: pd.Timestamp,
                         end: pd.Timestamp, days_per_unit: float, consumption: Any,
                         category: str | None) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Days since the last purchase, the days it should last, and the habit flag.

    The duration comes from the consumption clock where the data feed it, else
    the median gap between consecutive orders of anyone.
    """
    recency = base["recency_days"].astype(float)
    expected = pd.Series(_median_gap_days(base), index=base.index, dtype=float)
    habit = pd.Series(pd.NA, index=base.index, dtype="boolean")
    dep = _depletion(tx, day, days_per_unit, consumption, category)
    if dep is not None and len(dep):
        dep = dep.reindex(base.index)  # customers without the category get NaN / NaT
        one = np.timedelta64(1, "D")
        dur = ((dep["expected_depletion"] - dep["last_purchase"]) / one).astype(float)
        ok = (dur > 0).to_numpy()
        expected = expected.where(~ok, dur)
        since = ((end - dep["last_purchase"]) / one).astype(float)
        recency = recency.where(~ok, since)
        if "habit" in dep.columns:
            habit = dep["habit"].astype("boolean")
    return recency, expected, habit


def _median_gap_days(base: pd.DataFrame) -> float:
    rep = base[base["orders"] > 1]
    if rep.empty:
        return 30.0  # nobody bought twice: a month is the neutral guess
    return float(np.median(rep["lifespan_days"] / (rep["orders"] - 1)))


def _depletion(tx: pd.DataFrame, cutoff: pd.Timestamp, days_per_unit: float, consumption: Any,
               category: str | None) -> pd.DataFrame | None:
    """The retention module's depletion clock, or None when the data cannot feed it.

    ``tx`` is a pandas frame or (engine sources) a narwhals LazyFrame, which
    :func:`~omnimkt.retention.depletion_table` reduces in its engine."""
    if not isinstance(tx, pd.DataFrame):
        from omnimkt.segments._lazy import has_rows

        names = tx.collect_schema().names()
        if "quantity" not in names or (category is not None and not has_rows(
                tx, "category", category)):
            return None
    elif "quantity" not in tx.columns:
        return None
    elif category is not None and ("category" not in tx.columns
                                   or not (tx["category"] == category).any()):
        return None
    try:
        from omnimkt.retention import depletion_table
    except ImportError:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # carry_over=False: R asks how long the *last* purchase should last.
            return depletion_table(tx, cutoff=cutoff, days_per_unit=days_per_unit,
                                   consumption=consumption, category=category,
                                   carry_over=False, validate=False)
    except DataError:
        return None


class RFMCLSegmenter(ClusterMixin, Estimator):
    """K-means clusters on RFMCL scores, with k chosen by the silhouette.

    R, F and M are taken on a log scale (``log1p``, they are skewed), every
    feature is standardised (``StandardScaler``), missing C values are set to
    the median. Unless ``k`` is given, k-means runs for each k in ``k_range``
    on a seeded sample of at most ``selection_sample`` customers and the k
    with the highest silhouette (computed on ``silhouette_sample`` = 2,000 of
    them) wins;
    ``silhouette_`` keeps the whole curve so the choice can be shown. The
    final model is fitted on at most ``fit_sample`` customers and assigns all.
    Clusters are numbered by decreasing mean spend (0 = most valuable) and
    named from their profile (see :func:`name_clusters`).

    Parameters
    ----------
    k : int, optional
        Number of clusters; ``None`` chooses it by silhouette.
    k_range : iterable of int
        Candidates for k (default 2..8).
    seed : int >= 0 or numpy Generator
        Seeds sampling and k-means (default 0).
    features : tuple of str
        The RFMCL columns clustered on (a subset of R, F, M, C, L).
    selection_sample, fit_sample, silhouette_sample : int
        Sample sizes for choosing k, fitting the final model and the silhouette.
    n_init : int
        k-means restarts.
    n_jobs : int
        Threads for k-means (1 is fastest on small shared machines; -1 = all cores).

    Attributes
    ----------
    k_ : int
        The number of clusters used.
    silhouette_ : Series
        Silhouette by candidate k (empty when ``k`` was given).
    labels_ : Series
        Cluster of each fitted row (0 = highest mean spend), indexed like ``X``.
    profile_ : DataFrame
        Cluster profile (:func:`cluster_profile`): size, value share, medians, name.
    names_ : Series
        Business name of each cluster.
    kmeans_ : sklearn.cluster.KMeans
        The fitted k-means model (on standardised features).
    remap_ : ndarray
        k-means label -> cluster number.
    fill_ : Series
        Medians used for missing feature values (after the log scale).
    scaler_ : sklearn.preprocessing.StandardScaler
        The fitted standardisation.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"R": np.r_[rng.uniform(0, 1, 50), rng.uniform(4, 6, 50)],
    ...     "F": np.r_[rng.integers(5, 9, 50), rng.integers(1, 2, 50)],
    ...     "M": np.r_[rng.uniform(900, 1100, 50), rng.uniform(50, 80, 50)],
    ...     "C": 1.0, "L": np.r_[rng.uniform(300, 400, 50), rng.uniform(200, 300, 50)]})
    >>> RFMCLSegmenter(seed=0).fit(X).k_
    2
    """

    def __init__(self, k: int | None = None, *, k_range: Any = range(2, 9), seed: int = 0,
                 features: tuple[str, ...] = FEATURES, selection_sample: int = 10_000,
                 fit_sample: int = 50_000, n_init: int = 4,
                 silhouette_sample: int = 2_000, n_jobs: int = 1) -> None:
        self.k = k
        self.k_range = k_range
        self.seed = seed
        self.features = features
        self.selection_sample = selection_sample
        self.fit_sample = fit_sample
        self.n_init = n_init
        self.silhouette_sample = silhouette_sample
        self.n_jobs = n_jobs

    def _check_settings(self) -> None:
        if self.k is not None:
            check_number(self.k, "k", low=1, integer=True)
        try:
            ks = list(self.k_range)
        except TypeError as exc:
            raise ModelError(f"k_range: expected whole numbers >= 2, got {self.k_range!r}.") from exc
        for k in ks:
            check_number(k, "k_range", low=2, integer=True)
        if self.k is None and not ks:
            raise ModelError("k_range: empty; give candidate numbers of clusters, e.g. range(2, 9).")
        if not isinstance(self.seed, np.random.Generator):
            check_number(self.seed, "seed", low=0, integer=True)
        feats = tuple(self.features) if not isinstance(self.features, str) else (self.features,)
        for f in feats:
            check_choice(f, "features", FEATURES)
        if not feats:
            raise ModelError(f"features: choose at least one of {', '.join(FEATURES)}.")
        for name, low in (("selection_sample", 2), ("fit_sample", 2), ("silhouette_sample", 2),
                          ("n_init", 1)):
            check_number(getattr(self, name), name, low=low, integer=True)
        check_n_jobs(self.n_jobs)

    @property
    def summary(self) -> pd.DataFrame:  # type: ignore[override]
        """Cluster profile indexed by cluster and name (fitted models only)."""
        self._check_fitted()
        return self.profile_.set_index("name", append=True)

    def _notes(self) -> list[str]:
        return _cluster_notes(self.k_, self.silhouette_)

    def _matrix(self, X: pd.DataFrame, fit: bool) -> np.ndarray:
        if not isinstance(X, pd.DataFrame):
            raise DataError("RFMCL table: expected a DataFrame with columns "
                            f"{', '.join(self.features)} (see rfmcl_table).")
        missing = [f for f in self.features if f not in X.columns]
        if missing:
            raise DataError(f"RFMCL table: missing column(s) {', '.join(missing)}. "
                            "Build it with omnimkt.segments.rfmcl_table.")
        Z = X[list(self.features)].astype(float).copy()
        for f in self.features:
            if f in _LOG_FEATURES:
                bad = Z[f] < 0
                if bad.any():
                    raise DataError(f"RFMCL table.{f}: {int(bad.sum())} rows are negative. "
                                    "R, F and M must be >= 0.")
                Z[f] = np.log1p(Z[f])
        if fit:
            self.fill_ = Z.median().fillna(0.0)
        Z = Z.fillna(self.fill_)
        if fit:
            self.scaler_ = StandardScaler().fit(Z.to_numpy())
        return self.scaler_.transform(Z.to_numpy())

    def fit(self, X: pd.DataFrame, y: Any = None) -> RFMCLSegmenter:
        """Choose k (unless given) and fit k-means; returns ``self``."""
        self._start_fit()
        # One BLAS/OpenMP thread: on small shared machines k-means threads mostly wait
        # for each other (measured 20x slower with 2 busy cores); results are the same.
        with threadpool_limits(limits=check_n_jobs(self.n_jobs)):
            return self._fit(X)

    def _fit(self, X: pd.DataFrame) -> RFMCLSegmenter:
        if isinstance(X, pd.DataFrame) and len(X) < 2:
            raise DataError(f"RFMCL table: {len(X)} customer(s); clustering needs at least 3 "
                            "customers (2 for a fixed k). Use more data.")
        Zall = self._matrix(X, fit=True)
        n = len(Zall)
        distinct = _distinct_rows(Zall, need=max(self.k or 0, max(self.k_range, default=2)) + 1)
        rng = as_rng(self.seed)
        seed = as_seed_int(self.seed)
        if self.k is not None:
            if self.k > distinct:
                raise DataError(f"k={self.k} is too big: the {n} customers have only {distinct} "
                                f"distinct RFMCL profiles. Choose k <= {distinct}.")
            self.k_ = int(self.k)
            self.silhouette_ = pd.Series(dtype=float, name="silhouette")
        else:
            self.silhouette_ = self._silhouette_curve(Zall, distinct, rng, seed)
            self.k_ = int(self.silhouette_.idxmax())
        fit_rows = rng.choice(n, self.fit_sample, replace=False) \
            if n > self.fit_sample else np.arange(n)
        km = KMeans(n_clusters=self.k_, n_init=self.n_init, random_state=seed)
        km.fit(Zall[fit_rows])
        raw = km.predict(Zall)
        # Number clusters by decreasing mean spend so that 0 is the most valuable.
        m = X["M"].to_numpy(dtype=float) if "M" in X.columns else Zall[:, 0]
        means = pd.Series(m).groupby(raw).mean().reindex(range(self.k_))
        order = np.argsort(-means.fillna(-np.inf).to_numpy(), kind="stable")
        remap = np.empty(self.k_, dtype=int)
        remap[order] = np.arange(self.k_)
        self.kmeans_ = km
        self.remap_ = remap
        self.labels_ = pd.Series(remap[raw], index=X.index, name="cluster")
        self.profile_ = cluster_profile(X, self.labels_)
        self.names_ = self.profile_["name"]
        return self

    def _silhouette_curve(self, Zall: np.ndarray, distinct: int, rng: np.random.Generator,
                          seed: int) -> pd.Series:
        """Silhouette of k-means for each candidate k, on a seeded sample."""
        n = len(Zall)
        limit = min(distinct, n - 1)
        ks = [int(k) for k in self.k_range if 2 <= int(k) <= limit]
        if not ks:
            raise DataError(f"RFMCL table: {n} customer(s) with {distinct} distinct profiles "
                            f"cannot be split into k in {list(self.k_range)} clusters (the "
                            "silhouette needs 2 <= k < customers). Use more customers or set k.")
        sel = rng.choice(n, self.selection_sample, replace=False) \
            if n > self.selection_sample else np.arange(n)
        Zs = Zall[sel]
        sil = {}
        for k in ks:
            km = KMeans(n_clusters=k, n_init=self.n_init, random_state=seed).fit(Zs)
            if len(np.unique(km.labels_)) < 2:
                sil[k] = np.nan
                continue
            sil[k] = float(silhouette_score(Zs, km.labels_,
                                            sample_size=min(len(Zs), self.silhouette_sample),
                                            random_state=seed))
        curve = pd.Series(sil, name="silhouette").rename_axis("k")
        if curve.isna().all():
            raise ModelError("RFMCL clustering: no k gave two distinct clusters.")
        return curve

    def predict(self, X: pd.DataFrame) -> pd.Series:
        """Cluster of each row of an RFMCL table (indexed like ``X``)."""
        self._check_fitted()
        with threadpool_limits(limits=check_n_jobs(self.n_jobs)):
            lab = self.kmeans_.predict(self._matrix(X, fit=False))
        return pd.Series(self.remap_[lab], index=X.index, name="cluster")

    def fit_predict(self, X: pd.DataFrame, y: Any = None, **kwargs: Any) -> pd.Series:
        """Fit and return ``labels_``."""
        return self.fit(X).labels_


def _distinct_rows(Z: np.ndarray, need: int) -> int:
    """Number of distinct rows, or at least ``need`` when a sample already has that many."""
    if len(Z) > 5_000:
        rows = np.random.default_rng(0).choice(len(Z), 5_000, replace=False)
        d = len(np.unique(np.round(Z[rows], 9), axis=0))
        if d >= need:
            return max(d, need)
    return len(np.unique(np.round(Z, 9), axis=0))


def cluster_profile(X: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """Describe clusters in business terms: size, value share, medians and a name."""
    g = X.groupby(labels.to_numpy())
    total = X["M"].sum()
    prof = pd.DataFrame({
        "customers": g.size(),
        "share": g.size() / len(X),
        "spend_share": g["M"].sum() / total if total > 0 else np.nan,
        "median_R": g["R"].median(),
        "mean_F": g["F"].mean(),
        "mean_M": g["M"].mean(),
        "mean_basket": (g["M"].sum() / g["F"].sum()),
        "mean_C": g["C"].mean(),
        "median_L": g["L"].median(),
    })
    prof.index.name = "cluster"
    prof["name"] = name_clusters(X, labels)
    return prof


def name_clusters(X: pd.DataFrame, labels: pd.Series, *, c_kind: str | None = None) -> pd.Series:
    """Automatic business names for clusters from their RFMCL profile.

    * status from the cluster's median R: <= 1 "active" (should still have
      product), <= 3 "lapsing", else "dormant";
    * value from the cluster's mean log spend against all customers, in
      standard deviations: > +0.5 "high-value", < -0.5 "low-value", else
      "mid-value";
    * tags: "new" when the median relationship is under 90 days, "one-time"
      when the median customer bought once, and for C = price ratio
      "deal-seeking" / "full-price" when the cluster's mean C is 0.5 standard
      deviations below / above everyone's.

    Duplicate names get " #2", " #3" ... in cluster order.
    """
    c_kind = c_kind or X.attrs.get("C", "price_ratio")
    logm = np.log1p(X["M"].astype(float))
    mu, sd = float(logm.mean()), float(logm.std(ddof=0)) or 1.0
    cm, cs = float(X["C"].mean()), float(X["C"].std(ddof=0))
    names = {}
    for k, idx in X.groupby(labels.to_numpy()).groups.items():
        part = X.loc[idx]
        r = float(part["R"].median())
        status = "active" if r <= 1 else ("lapsing" if r <= 3 else "dormant")
        z = (float(np.log1p(part["M"].astype(float)).mean()) - mu) / sd
        value = "high-value" if z > 0.5 else ("low-value" if z < -0.5 else "mid-value")
        tags = []
        if float(part["L"].median()) < 90:
            tags.append("new")
        if float(part["F"].median()) <= 1:
            tags.append("one-time")
        if c_kind == "price_ratio" and cs > 0 and part["C"].notna().any():
            zc = (float(part["C"].mean()) - cm) / cs
            if zc < -0.5:
                tags.append("deal-seeking")
            elif zc > 0.5:
                tags.append("full-price")
        names[k] = f"{status} {value}" + (f" ({', '.join(tags)})" if tags else "")
    out = pd.Series(names).sort_index()
    seen: dict[str, int] = {}
    for k, v in out.items():
        seen[v] = seen.get(v, 0) + 1
        if seen[v] > 1:
            out[k] = f"{v} #{seen[v]}"
    return out


def _cluster_notes(k: int, silhouette: pd.Series) -> list[str]:
    note = f"k = {k}"
    if len(silhouette):
        note += (" chosen by the highest silhouette over k = "
                 f"{int(silhouette.index.min())}..{int(silhouette.index.max())}")
    return [note + "."]


class RFMCLResult(Result):
    """RFMCL scores (``table``), clusters and their business profile (``summary``)."""

    title = "RFMCL clusters"

    def __init__(self, table: pd.DataFrame, model: RFMCLSegmenter) -> None:
        self.table = table
        self.model = model
        self.k = model.k_
        self.silhouette = model.silhouette_
        self.summary = model.profile_.set_index("name", append=True)
        self.notes = [*_cluster_notes(self.k, self.silhouette),
                      f"C = {table.attrs.get('C', 'price_ratio')}."]

    def _settings(self) -> str:
        day = self.table.attrs.get("cutoff")
        return f"cutoff {day:%Y-%m-%d}" if day is not None else ""


def rfmcl_segments(data: Any, *, k: int | None = None, k_range: Any = range(2, 9),
                   seed: Any = 0, cutoff: Any = None, c: str = "auto",
                   days_per_unit: float = 7.0, consumption: Any = None,
                   category: str | None = "formula", columns: Any = None) -> RFMCLResult:
    """RFMCL scores (:func:`rfmcl_table`) clustered by :class:`RFMCLSegmenter`.

    ``cutoff`` (inclusive last day of history), ``c``, ``days_per_unit``,
    ``consumption``, ``category`` and ``columns`` are as in :func:`rfmcl_table`;
    ``k``, ``k_range`` and ``seed`` as in :class:`RFMCLSegmenter`.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 3, 3, 3, 4],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-05",
    ...                                  "2025-01-02", "2025-01-20", "2025-02-10", "2025-02-12"]),
    ...     "amount": [100.0, 120.0, 30.0, 500.0, 450.0, 480.0, 20.0]})
    >>> rfmcl_segments(tx, k=2).summary["customers"].sum()
    np.int64(4)
    """
    model = RFMCLSegmenter(k, k_range=k_range, seed=seed)
    model._check_settings()  # a bad k fails before the table is built
    table = rfmcl_table(data, cutoff=cutoff, c=c, days_per_unit=days_per_unit,
                        consumption=consumption, category=category, columns=columns)
    model.fit(table)
    table = table.assign(cluster=model.labels_,
                         cluster_name=model.labels_.map(model.names_))
    return RFMCLResult(table, model)


__all__ = ["FEATURES", "RFMCLResult", "RFMCLSegmenter", "cluster_profile", "name_clusters",
           "rfmcl_segments", "rfmcl_table"]
