"""Visit analytics (shared case F): the case's metric list, outcome rates with intervals,
and a logistic model of each outcome on source, new vs returning, depth and interest.

Depth is the band of pages viewed (default 1 page, 2-4 pages, 5+ pages; see
:func:`depth_band`). Rates get Wilson score intervals (statsmodels'
``proportion_confint(method="wilson")``), which stay inside 0-1 and behave for
small groups and rates near zero. :class:`VisitModel` fits a statsmodels
``Logit``; its coefficients are log-odds against a baseline visit (direct, new,
one page, price interest) and can be read side by side with the synthetic
world's ``truth.logit``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from omnimkt._gate import check_bool, check_choice, check_number
from omnimkt._result import Estimator
from omnimkt.data._validate_sessions import OUTCOME_FLAGS, validate_sessions
from omnimkt.errors import DataError, ModelError
from omnimkt.web.result import VisitMetrics, VisitRates

__all__ = ["FEATURES", "VisitModel", "depth_band", "visit_metrics", "visit_rates"]

#: Default depth bands: label -> lowest page count of the band.
DEPTH_BANDS: dict[str, int] = {"1 page": 1, "2-4 pages": 2, "5+ pages": 5}
#: The visit features a VisitModel can use.
FEATURES = ("source", "returning", "depth", "interest")
_BASELINES = {"source": "direct", "interest": "price"}


def depth_band(pages: pd.Series, bands: Mapping[str, int] | None = None) -> pd.Series:
    """The depth band of each visit from its pages viewed (an ordered categorical).

    ``bands`` maps a label to the lowest page count of its band, in rising order;
    visits below the first band (0 pages) get the label ``"0 pages"``.

    Examples
    --------
    >>> import pandas as pd
    >>> depth_band(pd.Series([1, 3, 9])).tolist()
    ['1 page', '2-4 pages', '5+ pages']
    """
    bands = dict(DEPTH_BANDS if bands is None else bands)
    edges = [check_number(v, f"depth_bands[{k!r}]", low=0, integer=True) for k, v in bands.items()]
    if not edges or any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
        raise ModelError(f"depth_bands: lowest page counts must rise, got {bands!r}.")
    labels = list(bands)
    if edges[0] > 0:
        labels, edges = ["0 pages", *labels], [0, *edges]
    codes = np.searchsorted(np.asarray(edges), pages.to_numpy(dtype=float), side="right") - 1
    return pd.Series(pd.Categorical.from_codes(codes, labels, ordered=True), index=pages.index,
                     name="depth")


def _prepare(sessions: Any, columns: Any, validate: bool, needed: Iterable[str],
             depth_bands: Mapping[str, int] | None) -> pd.DataFrame:
    """The validated sessions with ``depth`` and readable ``returning`` added when needed."""
    df = validate_sessions(sessions, columns) if check_bool(validate, "validate") else sessions
    need = list(needed)
    missing = [c for c in need if (c if c != "depth" else "pages") not in df.columns]
    if missing:
        cols = ["pages" if c == "depth" else c for c in missing]
        raise DataError(f"sessions: no column {', '.join(map(repr, cols))} (needed for "
                        f"{', '.join(missing)}); found {list(df.columns)[:12]}. Map yours "
                        "with columns= or leave these out.")
    out = df.copy()
    if "depth" in need:
        out["depth"] = depth_band(out["pages"], depth_bands)
    if "returning" in need:
        out["returning"] = np.where(out["returning"].astype(bool), "returning", "new")
    return out


def _outcomes(df: pd.DataFrame, outcomes: Any) -> tuple[str, ...]:
    if outcomes is None:
        found = tuple(c for c in OUTCOME_FLAGS if c in df.columns)
        if not found:
            raise DataError(f"sessions: no outcome column ({', '.join(OUTCOME_FLAGS)}); add at "
                            "least one 0/1 outcome, e.g. ordered.")
        return found
    names = (outcomes,) if isinstance(outcomes, str) else tuple(outcomes)
    for name in names:
        check_choice(name, "outcomes", OUTCOME_FLAGS)
        if name not in df.columns:
            raise DataError(f"sessions: no column {name!r} for outcomes={names!r}.")
    return names


def visit_metrics(sessions: pd.DataFrame, *, by: str = "source",
                  columns: Mapping[str, str] | None = None,
                  validate: bool = True) -> VisitMetrics:
    """The case's metric list per group: traffic, new visits, dwell, depth, outcomes, orders.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"customer_id": [1, 2, 2], "timestamp": ["2025-01-01"] * 3,
    ...     "source": ["direct", "search", "search"], "pages": [1, 3, 5], "ordered": [0, 1, 0]})
    >>> visit_metrics(s).summary["visits"].tolist()
    [1, 2, 3]
    """
    if not isinstance(by, str):
        raise ModelError(f"by: must be a column name (text), got {by!r}.")
    df = _prepare(sessions, columns, validate, [by], None)
    df["_group"] = df[by].astype("str")
    parts = [(str(k), g) for k, g in df.groupby("_group", sort=True)] + [("all", df)]
    rows = [_metrics_row(g, len(df)) for _, g in parts]
    out = pd.DataFrame(rows, index=pd.Index([k for k, _ in parts], name=by))
    return VisitMetrics(summary=out, by=by)


def _metrics_row(g: pd.DataFrame, total: int) -> dict[str, Any]:
    row: dict[str, Any] = {"visits": len(g), "share": len(g) / total,
                           "visitors": int(g["customer_id"].nunique())}
    if "returning" in g:
        row["new_share"] = float((~g["returning"].astype(bool)).mean())
    for col, name in (("dwell_seconds", "mean_dwell_seconds"), ("pages", "mean_pages")):
        if col in g:
            row[name] = float(g[col].mean())
    for c in OUTCOME_FLAGS:
        if c in g:
            row[c] = int(g[c].sum())
    if "ordered" in g:
        row["order_rate"] = float(g["ordered"].mean())
    if "order_value" in g:
        row["sales"] = float(g["order_value"].sum())
    return row


def visit_rates(sessions: pd.DataFrame, *, by: str | Iterable[str] = ("source", "returning",
                                                                      "depth"),
                outcomes: str | Iterable[str] | None = None, alpha: float = 0.05,
                depth_bands: Mapping[str, int] | None = None,
                columns: Mapping[str, str] | None = None, validate: bool = True) -> VisitRates:
    """Outcome rates per group of visits, each with a Wilson confidence interval.

    Parameters
    ----------
    sessions : DataFrame
        See :func:`omnimkt.data.validate_sessions`.
    by : column name or names
        Groups; ``"depth"`` is the band of pages viewed (:func:`depth_band`),
        ``"returning"`` reads "new" / "returning".
    outcomes : name or names, optional
        Outcome flags (default: every one the table has).
    alpha : float in (0, 1)
    depth_bands : mapping label -> lowest pages, optional
    columns : omnimkt.Columns or dict, optional
    validate : bool

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"customer_id": range(4), "timestamp": "2025-01-01",
    ...     "source": ["search"] * 4, "ordered": [1, 0, 0, 0]})
    >>> r = visit_rates(s, by="source")
    >>> r.summary[["visits", "events"]].values.tolist(), r.summary["rate"].tolist()
    ([[4, 1]], [0.25])
    """
    by_t = (by,) if isinstance(by, str) else tuple(by)
    if not by_t or not all(isinstance(b, str) for b in by_t):
        raise ModelError(f"by: must be one or more column names, got {by!r}.")
    a = check_number(alpha, "alpha", low=0, high=1, low_open=True, high_open=True)
    df = _prepare(sessions, columns, validate, by_t, depth_bands)
    names = _outcomes(df, outcomes)
    g = df.groupby(list(by_t), observed=True, sort=True)
    rows = []
    for name in names:
        counts = g[name].agg(["size", "sum"]).rename(columns={"size": "visits", "sum": "events"})
        counts = counts.reset_index()
        counts.insert(len(by_t), "outcome", name)
        rows.append(counts)
    out = pd.concat(rows, ignore_index=True)
    out["visits"] = out["visits"].astype(int)
    out["events"] = out["events"].astype(int)
    out["rate"] = out["events"] / out["visits"]
    low, high = proportion_confint(out["events"], out["visits"], alpha=a, method="wilson")
    # Zero events: the lower bound is exactly 0 (statsmodels leaves a rounding residue).
    out["ci_low"] = np.where(out["events"] == 0, 0.0, np.asarray(low, float))
    out["ci_high"] = np.where(out["events"] == out["visits"], 1.0, np.asarray(high, float))
    return VisitRates(summary=out, by=by_t, outcomes=names, alpha=a)


class VisitModel(Estimator):
    """Logistic regression of one visit outcome on source, new vs returning, depth, interest.

    Parameters
    ----------
    outcome : str
        One of the outcome flags (default ``"ordered"``).
    features : names, optional
        Any of :data:`FEATURES` (default: all that the table has).
    alpha : float
        Intervals are two-sided at ``1 - alpha``.
    depth_bands : mapping label -> lowest pages, optional

    Attributes
    ----------
    coef_ : Series
        Log-odds per term ("intercept", "source=search", "returning",
        "depth=2-4 pages", "interest=style" ...) against the baseline visit:
        direct (else the first source), new, the first depth band, price interest.
    conf_int_ : DataFrame
        ci_low and ci_high of each coefficient.
    p_values_ : Series
    n_visits_, n_events_ : int
    summary : DataFrame
        term, coef, ci_low, ci_high, odds_ratio, p_value.

    Examples
    --------
    >>> from omnimkt.datasets.sessions import generate_sessions
    >>> m = VisitModel().fit(generate_sessions(3000, seed=1).sessions)
    >>> "source=search" in m.coef_.index
    True
    """

    def __init__(self, outcome: str = "ordered", features: Iterable[str] | None = None,
                 alpha: float = 0.05, depth_bands: Mapping[str, int] | None = None) -> None:
        self.outcome = outcome
        self.features = features
        self.alpha = alpha
        self.depth_bands = depth_bands

    def _check_settings(self) -> None:
        check_choice(self.outcome, "outcome", OUTCOME_FLAGS)
        check_number(self.alpha, "alpha", low=0, high=1, low_open=True, high_open=True)
        if self.features is not None:
            feats = (self.features,) if isinstance(self.features, str) else tuple(self.features)
            if not feats:
                raise ModelError("features: give at least one of " + ", ".join(FEATURES) + ".")
            for f in feats:
                check_choice(f, "features", FEATURES)

    def fit(self, sessions: pd.DataFrame, *, columns: Mapping[str, str] | None = None,
            validate: bool = True) -> VisitModel:
        """Fit on a sessions table; returns ``self``."""
        import statsmodels.api as sm

        self._start_fit()
        df0 = validate_sessions(sessions, columns) if check_bool(validate, "validate") \
            else sessions
        feats = (tuple(f for f in FEATURES if (f if f != "depth" else "pages") in df0.columns)
                 if self.features is None else
                 ((self.features,) if isinstance(self.features, str) else tuple(self.features)))
        df = _prepare(df0, None, False, [*feats, self.outcome], self.depth_bands)
        x = _design(df, feats)
        y = df[self.outcome].astype(float).to_numpy()
        if y.min() == y.max():
            raise DataError(f"sessions.{self.outcome}: every visit has the same value "
                            f"({int(y[0])}); a model needs visits with and without it.")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                res = sm.Logit(y, x).fit(disp=0, maxiter=200)
            except Exception as exc:  # singular design, perfect separation
                raise ModelError(f"VisitModel: the logit of {self.outcome!r} cannot be fitted "
                                 f"({exc}); use fewer features or more visits.") from exc
        ci = res.conf_int(alpha=self.alpha)
        self.coef_ = res.params.rename("coef")
        self.conf_int_ = pd.DataFrame({"ci_low": ci[0], "ci_high": ci[1]})
        self.p_values_ = res.pvalues.rename("p_value")
        self.n_visits_, self.n_events_ = len(y), int(y.sum())
        self.features_ = feats
        return self

    @property
    def summary(self) -> pd.DataFrame:  # type: ignore[override]
        self._check_fitted()
        out = pd.concat([self.coef_, self.conf_int_], axis=1)
        out["odds_ratio"] = np.exp(out["coef"])
        out["p_value"] = self.p_values_
        out.index.name = "term"
        return out.reset_index()

    def _settings(self) -> str:
        return f"{self.outcome}, {self.n_visits_:,} visits, {self.n_events_:,} events"


def _design(df: pd.DataFrame, feats: Iterable[str]) -> pd.DataFrame:
    """Intercept plus 0/1 columns per non-baseline level, named 'feature=level'."""
    cols: dict[str, np.ndarray] = {"intercept": np.ones(len(df))}
    for f in feats:
        if f == "returning":
            cols["returning"] = (df[f] == "returning").to_numpy(float)
            continue
        s = df[f].astype("str") if f != "depth" else df[f]
        levels = list(s.cat.categories) if f == "depth" else sorted(s.unique())
        levels = [lv for lv in levels if (s == lv).any()]
        base = _BASELINES.get(f) if _BASELINES.get(f) in levels else levels[0]
        for lv in levels:
            if lv != base:
                cols[f"{f}={lv}"] = (s == lv).to_numpy(float)
    return pd.DataFrame(cols, index=df.index)
