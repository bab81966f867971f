"""Look-alike areas that have no buyers yet (case J), and a check of any ranking against a truth.

:func:`~omnimkt.segments.lookalike.lookalikes` ranks rows most similar to a
seed group. The appliance maker of case J needed one step more: from the
estates where it already had buyers (Shanghai), find estates *without* buyers
(Beijing) that look like the good ones. :func:`lookalike_areas` does that on
housing attributes (price level, flat size, months since hand-over, renovation
stage, ...), scaled so that each counts alike:

* ``method="knn"`` (default): each candidate's expected penetration (buyers per
  household) is the mean penetration of its ``k`` most similar areas with
  buyers (scikit-learn ``KNeighborsRegressor``, distance-weighted). All launched
  areas inform the score, the weak ones too.
* ``method="seed"``: the case's own move: the best launched areas (top
  ``seed_share`` by penetration) are the seeds and each candidate is scored by
  its distance to the nearest seed (:func:`lookalikes`).

:func:`ranking_check` grades any score against a known truth: Spearman rank
correlation, and the share of the true top ``k`` found in the score's top ``k``
next to what a seeded random ranking finds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.neighbors import KNeighborsRegressor
from sklearn.preprocessing import StandardScaler

from omnimkt._gate import as_rng, check_choice, check_frame, check_number
from omnimkt._result import Result
from omnimkt.errors import DataError, examples
from omnimkt.segments.lookalike import lookalikes

__all__ = ["AreaRanking", "RankingCheck", "lookalike_areas", "ranking_check"]


class AreaRanking(Result):
    """Candidate areas ranked by likeness to the areas that already have buyers.

    Attributes
    ----------
    summary : DataFrame indexed by area
        rank, score (higher = more promising), and for ``method="knn"`` the
        expected_penetration and the nearest launched areas; for ``"seed"`` the
        distance and nearest_seed; then the candidate's features.
    seeds : Index
        The launched areas the ranking learned from.
    """

    title = "Look-alike areas without buyers"

    def __init__(self, summary: pd.DataFrame, seeds: pd.Index, method: str,
                 features: list[str]) -> None:
        self.summary = summary
        self.seeds = seeds
        self.method = method
        self.features = features
        self.notes = [f"{len(summary)} candidate areas ranked on {', '.join(features)} "
                      f"(standardised) against {len(seeds)} areas with buyers."]

    def _settings(self) -> str:
        return f"method={self.method}"

    def top(self, n: int = 10) -> pd.Index:
        """The ``n`` best-ranked candidate areas."""
        return self.summary.index[: check_number(n, "n", low=1, integer=True)]


def _feature_table(areas: Any, features: Sequence[str] | None) -> pd.DataFrame:
    areas = check_frame(areas, "areas")
    if areas.empty:
        raise DataError("areas: the table is empty; pass one row per area with its "
                        "housing attributes.")
    if features is None:
        num = areas.select_dtypes("number")
        num = num.drop(columns=[c for c in ("households", "buyers") if c in num.columns])
    else:
        cols = [features] if isinstance(features, str) else list(features)
        absent = [c for c in cols if c not in areas.columns]
        if absent:
            raise DataError(f"areas: feature column(s) {absent} not in the table "
                            f"(columns: {list(areas.columns)[:8]}).")
        num = areas[cols]
        text = [c for c in cols if not pd.api.types.is_numeric_dtype(num[c])]
        if text:
            raise DataError(f"areas: feature column(s) {text} are not numeric; encode them "
                            "as numbers first.")
    if num.shape[1] == 0:
        raise DataError("areas: no numeric feature column (price level, flat size, months "
                        "since hand-over, ...) to compare areas on; pass features=.")
    bad = num.isna().any(axis=1)
    if bad.any():
        raise DataError(f"areas: {int(bad.sum())} rows have missing feature values "
                        f"(e.g. areas {examples(num.index[bad])}). Fill or drop them.")
    return num.astype(float)


def _penetration(buyers: Any, areas: pd.DataFrame, households: str | None) -> pd.Series:
    """Buyers per area (or per household when a households column exists)."""
    if isinstance(buyers, pd.DataFrame):
        if "area_id" not in buyers.columns:
            raise DataError("buyers: needs an area_id column (one row per buyer) or pass a "
                            "Series of buyer counts indexed by area.")
        counts = buyers["area_id"].value_counts()
    elif isinstance(buyers, pd.Series):
        counts = buyers
    else:
        raise DataError("buyers: expected a buyers table with area_id or a Series of buyer "
                        f"counts per area, got {type(buyers).__name__}.")
    unknown = counts.index[~counts.index.isin(areas.index)]
    if len(unknown):
        raise DataError(f"buyers: {len(unknown)} area(s) not in the areas table "
                        f"(e.g. {examples(unknown)}). Check the area ids.")
    counts = counts.reindex(areas.index).fillna(0).astype(float)
    if (counts < 0).any():
        raise DataError("buyers: negative buyer counts (e.g. "
                        f"{examples(counts.index[counts < 0])}).")
    if households is not None and households in areas.columns:
        return counts / areas[households].astype(float).clip(lower=1)
    return counts


def lookalike_areas(areas: pd.DataFrame, buyers: Any, *, features: Sequence[str] | None = None,
                    candidates: Any = None, method: str = "knn", k: int = 5,
                    seed_share: float = 0.25, households: str | None = "households"
                    ) -> AreaRanking:
    """Rank areas with no buyers by how much they look like the areas that have some.

    Parameters
    ----------
    areas : DataFrame indexed by area id
        Housing attributes per area (numeric), e.g. from
        :func:`omnimkt.datasets.estates.estate_world`.
    buyers : DataFrame or Series
        A buyers table with ``area_id`` (one row per buyer) or buyer counts per area.
    features : list of str, optional
        Columns to compare on; default every numeric column but households/buyers.
    candidates : list of area ids, optional
        Areas to rank; default every area with no buyer.
    method : "knn" or "seed"
        See the module docstring.
    k : int >= 1
        Neighbours for ``"knn"`` (capped at the number of launched areas).
    seed_share : float in (0, 1]
        Share of launched areas (best penetration first) used as seeds by ``"seed"``.
    households : str or None
        Column of households per area; penetration = buyers / households. ``None``
        ranks on buyer counts.

    Returns
    -------
    AreaRanking

    Examples
    --------
    >>> import pandas as pd
    >>> areas = pd.DataFrame({"price": [8.0, 2.0, 7.5, 2.2]}, index=["s1", "s2", "b1", "b2"])
    >>> lookalike_areas(areas, pd.Series({"s1": 30, "s2": 2}), k=1,
    ...                 households=None).summary.index.tolist()
    ['b1', 'b2']
    """
    method = check_choice(method, "method", ("knn", "seed"))
    k = check_number(k, "k", low=1, integer=True)
    share = check_number(seed_share, "seed_share", low=0, high=1, low_open=True)
    num = _feature_table(areas, features)
    pen = _penetration(buyers, areas, households)
    launched = pen.index[pen > 0]
    if len(launched) == 0:
        raise DataError("buyers: no area has a buyer; look-alikes need at least one area "
                        "with buyers.")
    cand = pen.index[pen == 0] if candidates is None else pd.Index(list(candidates))
    missing = cand[~cand.isin(num.index)]
    if len(missing):
        raise DataError(f"candidates: {len(missing)} area(s) not in the areas table "
                        f"(e.g. {examples(missing)}).")
    if len(cand) == 0:
        raise DataError("candidates: no area left to rank (every area has buyers).")
    if method == "seed":
        n_seed = max(1, int(np.ceil(share * len(launched))))
        seeds = pen.loc[launched].sort_values(ascending=False, kind="stable").index[:n_seed]
        ranked = lookalikes(num, seeds, n=len(num), exclude_seeds=False,
                            candidates=cand.difference(seeds, sort=False))
        out = ranked[["distance", "nearest_seed"]].assign(score=-ranked["distance"])
    else:
        seeds = launched
        scaler = StandardScaler().fit(num.to_numpy())
        z = pd.DataFrame(np.nan_to_num(scaler.transform(num.to_numpy())), index=num.index)
        kk = min(k, len(launched))
        knn = KNeighborsRegressor(n_neighbors=kk, weights="distance")
        # The launched areas without buyers carry information too (zero penetration).
        train = pen.index.difference(cand, sort=False)
        knn.fit(z.loc[train].to_numpy(), pen.loc[train].to_numpy())
        expected = knn.predict(z.loc[cand].to_numpy())
        _, nearest = knn.kneighbors(z.loc[cand].to_numpy())
        out = pd.DataFrame({"expected_penetration": expected,
                            "nearest_areas": [", ".join(map(str, train[row])) for row in nearest],
                            "score": expected}, index=cand)
    out["_i"] = np.arange(len(out))
    out = out.sort_values(["score", "_i"], ascending=[False, True], kind="stable")
    out = out.drop(columns="_i")
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    out = out.join(num)
    out.index.name = areas.index.name or "area"
    return AreaRanking(out, pd.Index(seeds), method, list(num.columns))


class RankingCheck(Result):
    """A ranking graded against the truth: rank correlation and top-k hits vs random.

    Attributes
    ----------
    summary : DataFrame (one row per measure)
        measure, model, random (mean of the seeded random rankings).
    """

    title = "Ranking against the truth"

    def __init__(self, summary: pd.DataFrame, k: int, n: int) -> None:
        self.summary = summary
        self.k = k
        self.n = n
        self.notes = [f"{n} items; top-k hits = share of the true top {k} found in the "
                      f"ranking's top {k}; 'random' averages seeded random orders."]

    def _settings(self) -> str:
        return f"k={self.k}"


def ranking_check(score: pd.Series, truth: pd.Series, *, k: int = 10, n_random: int = 200,
                  seed: int | np.random.Generator = 0) -> RankingCheck:
    """How well ``score`` (higher = better) orders items by ``truth``, against random orders.

    Parameters
    ----------
    score, truth : Series indexed by item
        Compared on the items of ``score`` (all of them must be in ``truth``).
    k : int >= 1
        Size of the top group (at most the number of items).
    n_random : int >= 1
        Random orders drawn for the baseline.
    seed : int >= 0 or numpy Generator

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([3.0, 2.0, 1.0, 0.0], index=list("abcd"))
    >>> float(ranking_check(s, s, k=2).summary.loc["top-k hits", "model"])
    1.0
    """
    if not isinstance(score, pd.Series) or not isinstance(truth, pd.Series):
        raise DataError("score, truth: expected two pandas Series indexed by item.")
    if score.empty:
        raise DataError("score: empty; nothing to check.")
    absent = score.index[~score.index.isin(truth.index)]
    if len(absent):
        raise DataError(f"truth: {len(absent)} scored item(s) have no true value "
                        f"(e.g. {examples(absent)}).")
    k = check_number(k, "k", low=1, high=len(score), integer=True)
    n_random = check_number(n_random, "n_random", low=1, integer=True)
    rng = as_rng(seed)
    t = truth.reindex(score.index).astype(float).to_numpy()
    s = score.astype(float).to_numpy()
    true_top = set(np.argsort(-t, kind="stable")[:k])

    def hits(order: np.ndarray) -> float:
        return len(true_top.intersection(order[:k])) / k

    rand_hits = [hits(rng.permutation(len(s))) for _ in range(n_random)]
    rand_rho = [spearmanr(rng.permutation(s), t).statistic for _ in range(min(n_random, 50))]
    summary = pd.DataFrame({
        "model": [float(spearmanr(s, t).statistic), hits(np.argsort(-s, kind="stable"))],
        "random": [float(np.mean(rand_rho)), float(np.mean(rand_hits))],
    }, index=pd.Index(["spearman", "top-k hits"], name="measure"))
    return RankingCheck(summary, k, len(s))
