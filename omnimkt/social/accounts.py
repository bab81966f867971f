"""Social accounts: incremental contribution with uncertainty, fans vs effect (case E).

Raw clicks reward click-bait and big (or bought) audiences. Case E's lesson is to
measure each account's *contribution*: here the conversions a post caused, from a
hold-out of followers who were not shown it.

Model (per account ``a``): conversions of exposed and held-out followers are
Poisson with ``log E[c] = log n + α_a + β_a · exposed`` (account effects and an
account × exposure effect). That model is saturated per account, so its maximum
likelihood estimate has a closed form: the incremental conversions are
``c_exposed − n_exposed · c_holdout / n_holdout``. Intervals come from a seeded
parametric bootstrap (both counts redrawn from their fitted Poisson rates).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from omnimkt._gate import as_columns, as_rng, check_frame, check_number
from omnimkt._result import Estimator, Result
from omnimkt.data.schema import Columns
from omnimkt.errors import DataError, examples

__all__ = ["POST_COLUMNS", "AccountContribution", "RankingComparison", "check_posts",
           "fans_vs_effect"]

#: Columns of the posts table (one row per post, or per account).
POST_COLUMNS = ("account", "followers", "impressions", "clicks", "conversions", "holdout",
                "holdout_conversions")
_COUNTS = POST_COLUMNS[1:]


def check_posts(posts: Any, columns: Columns | Mapping[str, str] | None = None) -> pd.DataFrame:
    """The posts table with canonical names, checked; a DataError names what is wrong.

    Follower counts must be present and >= 0; every count a whole number >= 0;
    clicks and conversions at most the impressions; held-out conversions at most
    the hold-out.

    Examples
    --------
    >>> bad = pd.DataFrame({"account": ["a"], "followers": [10], "impressions": [5],
    ...                     "clicks": [9], "conversions": [0], "holdout": [1],
    ...                     "holdout_conversions": [0]})
    >>> check_posts(bad)
    Traceback (most recent call last):
    ...
    omnimkt.errors.DataError: posts.clicks: 1 rows have more clicks than impressions (e.g. 'a'); ...
    """
    df = as_columns(columns).to_canonical(check_frame(posts, "posts"))
    missing = [c for c in POST_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"posts: no column {examples(missing)}; found {list(df.columns)[:8]}. "
                        "Pass one row per post (or per account) with these columns, "
                        "or map your names with columns=.")
    if len(df) == 0:
        raise DataError("posts: the table is empty; pass at least one post.")
    out = df[list(POST_COLUMNS)].copy()
    out["account"] = out["account"].astype("str")
    for col in _COUNTS:
        v = pd.to_numeric(out[col], errors="coerce")
        bad = v.isna() | (v < 0) | (v != np.floor(v))
        if bad.any():
            what = "missing or non-numeric" if v[bad].isna().any() else "negative or fractional"
            raise DataError(f"posts.{col}: {int(bad.sum())} rows are {what} (accounts "
                            f"{examples(out.loc[bad, 'account'])}; values "
                            f"{examples(out.loc[bad, col])}). Counts must be whole numbers >= 0.")
        out[col] = v.astype(np.int64)
    for col, limit in (("clicks", "impressions"), ("conversions", "impressions"),
                       ("holdout_conversions", "holdout")):
        bad = out[col] > out[limit]
        if bad.any():
            raise DataError(f"posts.{col}: {int(bad.sum())} rows have more {col} than {limit} "
                            f"(e.g. {examples(out.loc[bad, 'account'])}); check the export.")
    return out


def _per_account(posts: pd.DataFrame) -> pd.DataFrame:
    g = posts.groupby("account", sort=True)
    out = g[list(_COUNTS[1:])].sum()
    out.insert(0, "followers", g["followers"].max())  # the same audience across posts
    return out


class AccountContribution(Estimator):
    """Incremental conversions per account from an exposed vs held-out comparison.

    Parameters
    ----------
    alpha : float in (0, 1)
        Intervals are two-sided at ``1 − alpha``.
    n_boot : int >= 100
        Parametric bootstrap draws.
    seed : int >= 0 or numpy Generator

    Attributes
    ----------
    contributions_ : DataFrame
        Per account: followers, impressions, clicks, conversions, holdout,
        holdout_conversions, baseline_rate, incremental, ci_low, ci_high,
        per_1000_impressions, share (of the total incremental), rank.

    Examples
    --------
    >>> posts = pd.DataFrame({"account": ["a", "b"], "followers": [1000, 5000],
    ...     "impressions": [800, 4000], "clicks": [40, 400], "conversions": [30, 20],
    ...     "holdout": [200, 1000], "holdout_conversions": [2, 5]})
    >>> m = AccountContribution(seed=1).fit(posts)
    >>> m.contributions_["incremental"].round(1).tolist()
    [22.0, 0.0]
    """

    def __init__(self, *, alpha: float = 0.05, n_boot: int = 2000,
                 seed: int | np.random.Generator = 0) -> None:
        self.alpha = alpha
        self.n_boot = n_boot
        self.seed = seed

    def _check_settings(self) -> None:
        check_number(self.alpha, "alpha", low=0, high=1, low_open=True, high_open=True)
        check_number(self.n_boot, "n_boot", low=100, integer=True)
        as_rng(self.seed)

    def fit(self, posts: pd.DataFrame, *,
            columns: Columns | Mapping[str, str] | None = None) -> AccountContribution:
        """Estimate each account's incremental conversions from the posts table."""
        self._start_fit()
        acc = _per_account(check_posts(posts, columns))
        if (acc["holdout"] == 0).any():
            raise DataError(f"posts.holdout: {int((acc['holdout'] == 0).sum())} accounts have no "
                            f"held-out followers (e.g. {examples(acc.index[acc['holdout'] == 0])}); "
                            "without a hold-out the conversions they would make anyway are "
                            "unknown. Hold out a share of each post's audience.")
        n_e, c_e = acc["impressions"].to_numpy(float), acc["conversions"].to_numpy(float)
        n_h, c_h = acc["holdout"].to_numpy(float), acc["holdout_conversions"].to_numpy(float)
        base = c_h / n_h
        inc = c_e - n_e * base
        rng = as_rng(self.seed)
        draws = (rng.poisson(c_e, (self.n_boot, len(acc)))
                 - n_e * rng.poisson(c_h, (self.n_boot, len(acc))) / n_h)
        lo, hi = np.quantile(draws, [self.alpha / 2, 1 - self.alpha / 2], axis=0)
        out = acc.assign(baseline_rate=base, incremental=inc, ci_low=lo, ci_high=hi,
                         per_1000_impressions=np.where(n_e > 0, 1000 * inc / np.maximum(n_e, 1),
                                                       np.nan))
        total = out["incremental"].clip(lower=0).sum()
        out["share"] = out["incremental"].clip(lower=0) / total if total > 0 else 0.0
        out["rank"] = out["incremental"].rank(ascending=False, method="min").astype(int)
        self.contributions_ = out
        return self

    @property
    def summary(self) -> pd.DataFrame:  # type: ignore[override]
        self._check_fitted()
        return self.contributions_.sort_values("incremental", ascending=False)[
            ["followers", "clicks", "conversions", "incremental", "ci_low", "ci_high",
             "per_1000_impressions", "share"]]

    def _settings(self) -> str:
        return f"{1 - self.alpha:.0%} bootstrap intervals, {self.n_boot:,} draws"

    def _notes(self) -> list[str]:
        c = self.contributions_
        top = c["incremental"].idxmax()
        sure = int((c["ci_low"] > 0).sum())
        return [f"Top account {top!r} caused {c.loc[top, 'share']:.0%} of the incremental "
                f"conversions; {sure} of {len(c)} accounts have an interval above zero."]

    def rank_agreement(self, truth: pd.Series) -> pd.Series:
        """Spearman correlation with the true effect of the estimate and of raw clicks.

        ``truth``: true incremental conversions per account (index: account).
        """
        self._check_fitted()
        c = self.contributions_
        t = pd.Series(truth).rename(index=str).reindex(c.index)
        if t.isna().any():
            raise DataError(f"truth: no value for {int(t.isna().sum())} accounts "
                            f"(e.g. {examples(c.index[t.isna()])}).")
        return pd.Series({k: float(stats.spearmanr(c[k], t).statistic)
                          for k in ("incremental", "clicks", "followers")},
                         name="spearman_vs_truth")


class RankingComparison(Result):
    """Accounts ranked by followers, clicks and measured effect (and the truth).

    Attributes
    ----------
    ranks : DataFrame
        Per account: followers, clicks, incremental and their ranks (1 = best).
    agreement : DataFrame
        Spearman correlation between each pair of rankings.
    """

    title = "Fans vs effect"

    def __init__(self, ranks: pd.DataFrame, agreement: pd.DataFrame) -> None:
        self.ranks = ranks
        self.agreement = agreement
        self.summary = ranks
        r = agreement
        self.notes = [f"Rank correlation of follower count with measured effect: "
                      f"{r.loc['followers', 'incremental']:.2f}; of clicks with measured "
                      f"effect: {r.loc['clicks', 'incremental']:.2f}."]

    def _settings(self) -> str:
        return f"{len(self.ranks):,} accounts"


def fans_vs_effect(model: AccountContribution, truth: pd.Series | None = None
                   ) -> RankingComparison:
    """Compare rankings by fan count, by clicks and by incremental effect.

    "Fan count is not marketing effect" (CASES.md N): the table shows where the
    biggest accounts land once effect is measured.

    Examples
    --------
    >>> posts = pd.DataFrame({"account": ["a", "b", "c"], "followers": [9000, 5000, 1000],
    ...     "impressions": [800, 800, 800], "clicks": [90, 50, 10], "conversions": [5, 20, 40],
    ...     "holdout": [200, 200, 200], "holdout_conversions": [1, 1, 1]})
    >>> r = fans_vs_effect(AccountContribution(seed=0).fit(posts))
    >>> r.ranks["rank_incremental"].tolist()
    [3, 2, 1]
    """
    if not isinstance(model, AccountContribution):
        raise DataError(f"model: expected a fitted AccountContribution, got {type(model).__name__}.")
    model._check_fitted()
    c = model.contributions_
    cols = {"followers": c["followers"], "clicks": c["clicks"], "incremental": c["incremental"]}
    if truth is not None:
        t = pd.Series(truth).rename(index=str).reindex(c.index)
        if t.isna().any():
            raise DataError(f"truth: no value for {int(t.isna().sum())} accounts "
                            f"(e.g. {examples(c.index[t.isna()])}).")
        cols["truth"] = t
    values = pd.DataFrame(cols)
    ranks = values.rank(ascending=False, method="min").astype(int).add_prefix("rank_")
    agreement = values.corr(method="spearman")
    return RankingComparison(pd.concat([values, ranks], axis=1), agreement)
