"""Analysis of a finished test: lift, confidence intervals, p-values, CUPED, checks.

- **conversion** (0/1 outcome): difference of rates with the pooled two-proportion
  z-test (statsmodels' ``proportions_ztest``), the Wald interval of the difference
  (``confint_proportions_2indep(method="wald")``) and the log interval of the rate
  ratio for the relative lift (``compare="ratio", method="log"``);
- **mean**: Welch's t-test and interval (``scipy.stats.ttest_ind(equal_var=False)``);
  the relative-lift interval by the delta method on the ratio of means;
- **CUPED** (``pre=`` a pre-period metric): ``y − θ·(x − mean x)`` with
  ``θ = cov(y, x) / var(x)`` on the pooled customers, then Welch's test;
- **checks**: the sample-ratio-mismatch chi-square test against the planned
  split (flagged when p < 0.001) and a warning when fewer customers were
  observed than planned (the test was stopped early).

Confidence intervals are two-sided at ``1 − alpha``; ``alternative`` changes
only the p-value.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from omnimkt._gate import check_choice, check_frame, check_number
from omnimkt._result import Result
from omnimkt.errors import DataError, ModelError

__all__ = ["TestResult", "analyse_test", "SRM_THRESHOLD"]

#: p-value under which the split is called a sample-ratio mismatch.
SRM_THRESHOLD = 0.001
METRICS = ("conversion", "mean")
ALTERNATIVES = ("two-sided", "larger", "smaller")


class TestResult(Result):
    """The outcome of a test.

    Attributes
    ----------
    summary : DataFrame
        One row per analysis ("unadjusted", and "CUPED" with a pre-period
        metric): n and mean per group, difference, ci_low, ci_high,
        relative_lift, rel_ci_low, rel_ci_high, statistic, p_value, significant.
    metric, alternative : str
    alpha : float
    theta, variance_reduction : float
        CUPED coefficient and the share of outcome variance removed (NaN without
        a pre-period metric).
    srm_p_value : float
    srm : bool
        True when the observed split differs from the planned one (p < 0.001).
    stopped_early : bool
        True when fewer customers were observed than ``planned_n``.
    """

    __test__ = False  # not a pytest class
    title = "Test result"

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    def _settings(self) -> str:
        return f"{self.metric}, {self.alternative}, alpha {self.alpha:g}"


# --------------------------------------------------------------------------- statistics
def _proportions(y_t: np.ndarray, y_c: np.ndarray, alpha: float, alt: str) -> dict:
    n1, n2 = len(y_t), len(y_c)
    c1, c2 = float(y_t.sum()), float(y_c.sum())
    p1, p2 = c1 / n1, c2 / n2
    pool = (c1 + c2) / (n1 + n2)
    se0 = math.sqrt(pool * (1 - pool) * (1 / n1 + 1 / n2))
    if se0 == 0:
        raise DataError("data: every customer in both groups has the same outcome "
                        f"({p1:g}); there is no variation to test.")
    z = (p1 - p2) / se0
    q = stats.norm.isf(alpha / 2)
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    out = {"statistic": z, "p_value": _p_normal(z, alt), "difference": p1 - p2,
           "ci_low": p1 - p2 - q * se, "ci_high": p1 - p2 + q * se}
    if c1 > 0 and c2 > 0:
        d = q * math.sqrt(1 / c1 - 1 / n1 + 1 / c2 - 1 / n2)
        ratio = p1 / p2
        out.update(relative_lift=ratio - 1, rel_ci_low=math.exp(math.log(ratio) - d) - 1,
                   rel_ci_high=math.exp(math.log(ratio) + d) - 1)
    else:
        out.update(relative_lift=float("nan"), rel_ci_low=float("nan"),
                   rel_ci_high=float("nan"))
    return out


def _welch(y_t: np.ndarray, y_c: np.ndarray, alpha: float, alt: str) -> dict:
    n1, n2 = len(y_t), len(y_c)
    m1, m2 = float(y_t.mean()), float(y_c.mean())
    v1, v2 = float(y_t.var(ddof=1)) / n1, float(y_c.var(ddof=1)) / n2
    se = math.sqrt(v1 + v2)
    if se == 0:
        raise DataError("data: the outcome does not vary within either group (zero "
                        "variance); a t-test is undefined.")
    df = (v1 + v2) ** 2 / (v1 ** 2 / (n1 - 1) + v2 ** 2 / (n2 - 1))
    t = (m1 - m2) / se
    q = stats.t.isf(alpha / 2, df)
    out = {"statistic": t, "p_value": _p_t(t, df, alt), "difference": m1 - m2,
           "ci_low": m1 - m2 - q * se, "ci_high": m1 - m2 + q * se, "df": df}
    if m2 != 0:
        # delta method for m1 / m2: var ≈ v1 / m2² + m1² v2 / m2⁴
        se_r = math.sqrt(v1 / m2 ** 2 + m1 ** 2 * v2 / m2 ** 4)
        zq = stats.norm.isf(alpha / 2)
        out.update(relative_lift=m1 / m2 - 1, rel_ci_low=m1 / m2 - 1 - zq * se_r,
                   rel_ci_high=m1 / m2 - 1 + zq * se_r)
    else:
        out.update(relative_lift=float("nan"), rel_ci_low=float("nan"),
                   rel_ci_high=float("nan"))
    return out


def _p_normal(z: float, alt: str) -> float:
    if alt == "two-sided":
        return float(2 * stats.norm.sf(abs(z)))
    return float(stats.norm.sf(z) if alt == "larger" else stats.norm.cdf(z))


def _p_t(t: float, df: float, alt: str) -> float:
    if alt == "two-sided":
        return float(2 * stats.t.sf(abs(t), df))
    return float(stats.t.sf(t, df) if alt == "larger" else stats.t.cdf(t, df))


def _cuped(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, float, float]:
    """CUPED-adjusted outcome, θ and the share of variance removed.

    ``θ = cov(y, x) / var(x)`` on all customers; the adjusted outcome keeps the
    mean of ``y``.

    Examples
    --------
    >>> y_adj, theta, reduction = _cuped(np.array([1., 2., 3., 5.]), np.array([1., 2., 3., 4.]))
    >>> round(theta, 3), round(reduction, 3)
    (1.3, 0.966)
    """
    vx = float(np.var(x, ddof=1))
    if vx == 0:
        raise DataError("data: the pre-period metric is the same for every customer; it "
                        "cannot reduce variance (drop pre=).")
    theta = float(np.cov(y, x, ddof=1)[0, 1] / vx)
    adjusted = y - theta * (x - x.mean())
    vy = float(np.var(y, ddof=1))
    reduction = 1 - float(np.var(adjusted, ddof=1)) / vy if vy > 0 else float("nan")
    return adjusted, theta, reduction


# --------------------------------------------------------------------------- public
def analyse_test(data: pd.DataFrame, *, outcome: str, metric: str = "conversion",
                 group: str = "group", treatment: Any = "treatment",
                 control: Any = "control", pre: str | None = None, alpha: float = 0.05,
                 alternative: str = "two-sided", control_share: float = 0.5,
                 planned_n: int | None = None) -> TestResult:
    """Lift, confidence intervals and p-values of a finished test, with checks.

    Parameters
    ----------
    data : DataFrame
        One row per customer: the ``group`` label and the ``outcome`` (0/1 for
        conversion, a number for means), optionally a pre-period metric ``pre``.
    outcome, group, pre : str
        Column names.
    metric : "conversion" or "mean"
    treatment, control : labels of the two groups in ``group``.
    alpha : float in (0, 1)
    alternative : "two-sided", "larger" (treatment higher) or "smaller"
    control_share : float in (0, 1)
        The planned control share, for the sample-ratio-mismatch check.
    planned_n : int, optional
        Planned customers in the test (both groups); fewer observed -> warning.

    Examples
    --------
    >>> df = pd.DataFrame({"group": ["treatment"] * 4 + ["control"] * 4,
    ...                    "bought": [1, 1, 1, 0, 1, 0, 0, 0]})
    >>> r = analyse_test(df, outcome="bought")
    >>> round(r.summary.loc[0, "difference"], 2)
    np.float64(0.5)
    """
    metric = check_choice(metric, "metric", METRICS)
    alpha = check_number(alpha, "alpha", low=0, high=1, low_open=True, high_open=True)
    alternative = check_choice(alternative, "alternative", ALTERNATIVES)
    cs = check_number(control_share, "control_share", low=0, high=1, low_open=True,
                      high_open=True)
    planned_n = check_number(planned_n, "planned_n", low=1, integer=True, allow_none=True)
    y, is_t, x = _columns(data, outcome, group, treatment, control, pre, metric)
    rows = {"unadjusted": _row(y, is_t, metric, alpha, alternative)}
    theta = reduction = float("nan")
    if x is not None:
        adjusted, theta, reduction = _cuped(y, x)
        rows["CUPED"] = _row(adjusted, is_t, "mean", alpha, alternative)
    summary = pd.DataFrame.from_dict(rows, orient="index").rename_axis("analysis")
    summary["significant"] = summary["p_value"] < alpha
    n_t, n_c = int(is_t.sum()), int((~is_t).sum())
    srm_p = float(stats.chisquare([n_t, n_c], [(n_t + n_c) * (1 - cs), (n_t + n_c) * cs])[1])
    stopped = planned_n is not None and n_t + n_c < planned_n
    res = TestResult(summary=summary.reset_index(), metric=metric, alternative=alternative,
                     alpha=alpha, theta=theta, variance_reduction=reduction,
                     srm_p_value=srm_p, srm=srm_p < SRM_THRESHOLD, stopped_early=stopped,
                     planned_n=planned_n, control_share=cs)
    res.notes = _notes(res, n_t, n_c)
    return res


def _row(y: np.ndarray, is_t: np.ndarray, metric: str, alpha: float, alt: str) -> dict:
    y_t, y_c = y[is_t], y[~is_t]
    stat = (_proportions if metric == "conversion" else _welch)(y_t, y_c, alpha, alt)
    return {"n_treatment": len(y_t), "n_control": len(y_c),
            "mean_treatment": float(y_t.mean()), "mean_control": float(y_c.mean()),
            "difference": stat["difference"], "ci_low": stat["ci_low"],
            "ci_high": stat["ci_high"], "relative_lift": stat["relative_lift"],
            "rel_ci_low": stat["rel_ci_low"], "rel_ci_high": stat["rel_ci_high"],
            "statistic": stat["statistic"], "p_value": stat["p_value"]}


def _columns(data: Any, outcome: Any, group: Any, treatment: Any, control: Any, pre: Any,
             metric: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    frame = check_frame(data, "data")
    for name, col in (("outcome", outcome), ("group", group), ("pre", pre)):
        if col is None and name == "pre":
            continue
        if not isinstance(col, str) or col not in frame.columns:
            raise ModelError(f"{name}: {col!r} is not a column of data (columns: "
                             f"{', '.join(map(str, frame.columns[:8]))}).")
    g = frame[group]
    unknown = ~g.isin([treatment, control])
    if unknown.any():
        raise DataError(f"data.{group}: {int(unknown.sum())} rows are neither {treatment!r} "
                        f"nor {control!r} (e.g. {g[unknown].unique()[:3].tolist()}).")
    is_t = (g == treatment).to_numpy()
    for label, n in ((treatment, int(is_t.sum())), (control, int((~is_t).sum()))):
        if n < 2:
            raise DataError(f"data.{group}: group {label!r} has {n} customer(s); each group "
                            "needs at least 2 to estimate its variance.")
    y = _numeric(frame, outcome, "outcome")
    if metric == "conversion" and not np.isin(y, (0.0, 1.0)).all():
        raise DataError(f"data.{outcome}: a conversion outcome must be 0/1 (or True/False); "
                        "use metric='mean' for amounts.")
    x = None if pre is None else _numeric(frame, pre, "pre")
    return y, is_t, x


def _numeric(frame: pd.DataFrame, col: str, name: str) -> np.ndarray:
    s = frame[col]
    if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
        raise DataError(f"data.{col}: the {name} must be numbers, got {s.dtype}.")
    values = s.to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(values).any():
        raise DataError(f"data.{col}: {int(np.isnan(values).sum())} missing values; fill or "
                        "drop them first.")
    return values


def _notes(res: TestResult, n_t: int, n_c: int) -> list[str]:
    first = res.summary.iloc[-1]
    notes = [f"Treatment minus control: {first['difference']:.4g} (CI {first['ci_low']:.4g} "
             f"to {first['ci_high']:.4g}), p = {first['p_value']:.3g}."]
    if not math.isnan(res.theta):
        notes.append(f"CUPED removed {res.variance_reduction:.1%} of the outcome variance "
                     f"(theta = {res.theta:.4g}).")
    if res.srm:
        notes.append(f"WARNING sample-ratio mismatch: {n_t:,} treated vs {n_c:,} control "
                     f"differs from the planned control share {res.control_share:.3g} "
                     f"(p = {res.srm_p_value:.2g}); check the assignment before trusting "
                     "the result.")
    if res.stopped_early:
        notes.append(f"WARNING stopped early: {n_t + n_c:,} customers observed of "
                     f"{res.planned_n:,} planned; the error rates of the design do not hold "
                     "and an early 'significant' result is often a false alarm.")
    return notes
