"""Test design: sample size, power and minimum detectable effect.

Formulas follow statsmodels, so a figure here equals the one an analyst gets from
``statsmodels.stats.power``:

- **proportions** (``metric="proportion"``): the normal approximation on Cohen's
  effect size ``h = 2·asin(√p_treatment) − 2·asin(√p_control)`` (the arcsine
  transform; statsmodels' ``proportion_effectsize`` with ``NormalIndPower``);
- **means** (``metric="mean"``): the two-sample t-test with Cohen's
  ``d = lift / sd`` and ``n_treatment + n_control − 2`` degrees of freedom
  (statsmodels' ``TTestIndPower``).

Group sizes may differ (a 10 % hold-out): give ``control_share`` (the control's
share of all test customers) or ``ratio`` (control size / treatment size). The
two-sided power counts both rejection tails, as statsmodels does.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from scipy import optimize, stats

from omnimkt._gate import check_choice, check_number
from omnimkt._result import Result
from omnimkt.errors import ModelError

__all__ = ["DesignResult", "minimum_detectable_effect", "power", "sample_size"]

METRICS = ("proportion", "mean")
ALTERNATIVES = ("two-sided", "larger", "smaller")


class DesignResult(Result):
    """A test design: the effect, the error rates and the group sizes.

    Attributes
    ----------
    solved_for : "sample_size", "power" or "minimum_detectable_effect".
    metric, alternative : str
    baseline, target, lift, relative_lift, effect_size : float
        Control rate or mean, treatment rate or mean, absolute and relative
        difference, and Cohen's h (proportions) or d (means).
    alpha, power : float
    control_share, ratio : float
        Control share of all test customers; control size / treatment size.
    n_treatment_exact : float
        Treatment customers as the solver returns them (statsmodels' ``nobs1``).
    n_treatment, n_control, n_total : int
        Group sizes rounded up to whole customers.
    """

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)
        self.title = {"sample_size": "Test design: sample size",
                      "power": "Test design: power",
                      "minimum_detectable_effect": "Test design: minimum detectable effect",
                      }[self.solved_for]
        self.summary = pd.DataFrame({
            "metric": [self.metric], "baseline": [self.baseline], "target": [self.target],
            "lift": [self.lift], "relative_lift": [self.relative_lift],
            "effect_size": [self.effect_size], "alpha": [self.alpha], "power": [self.power],
            "n_treatment": [self.n_treatment], "n_control": [self.n_control],
            "n_total": [self.n_total]})
        self.notes = [self._sentence()]

    def _settings(self) -> str:
        return f"{self.alternative}, control share {self.control_share:.3g}"

    def _sentence(self) -> str:
        return (f"With {self.n_treatment:,} treated and {self.n_control:,} control customers, "
                f"a {self.alternative} test at alpha {self.alpha:g} detects a change from "
                f"{self.baseline:.4g} to {self.target:.4g} with probability {self.power:.3f}.")


# --------------------------------------------------------------------------- power formulas
def _normal_power(effect: float, n1: float, ratio: float, alpha: float, alt: str) -> float:
    nobs = 1.0 / (1.0 / n1 + 1.0 / (n1 * ratio))
    shift = effect * math.sqrt(nobs)
    a = alpha / 2 if alt == "two-sided" else alpha
    out = 0.0
    if alt in ("two-sided", "larger"):
        out += stats.norm.sf(stats.norm.isf(a) - shift)
    if alt in ("two-sided", "smaller"):
        out += stats.norm.cdf(stats.norm.ppf(a) - shift)
    return float(out)


def _t_power(effect: float, n1: float, ratio: float, alpha: float, alt: str) -> float:
    nobs = 1.0 / (1.0 / n1 + 1.0 / (n1 * ratio))
    df = n1 * (1 + ratio) - 2
    nc = effect * math.sqrt(nobs)
    a = alpha / 2 if alt == "two-sided" else alpha
    out = 0.0
    if alt in ("two-sided", "larger"):
        out += stats.nct.sf(stats.t.isf(a, df), df, nc)
    if alt in ("two-sided", "smaller"):
        out += stats.nct.cdf(stats.t.ppf(a, df), df, nc)
    return float(out)


def _power_of(metric: str, effect: float, n1: float, ratio: float, alpha: float,
              alt: str) -> float:
    fn = _normal_power if metric == "proportion" else _t_power
    return fn(effect, n1, ratio, alpha, alt)


# --------------------------------------------------------------------------- checks
def _split(control_share: Any, ratio: Any) -> tuple[float, float]:
    """(control_share, ratio) from one of the two; ratio = n_control / n_treatment."""
    if control_share is not None and ratio is not None:
        raise ModelError("control_share, ratio: give one of them (ratio = control size / "
                         f"treatment size), got control_share={control_share!r} and "
                         f"ratio={ratio!r}.")
    if ratio is not None:
        r = check_number(ratio, "ratio", low=0, low_open=True)
        return r / (1 + r), r
    cs = check_number(0.5 if control_share is None else control_share, "control_share",
                      low=0, high=1, low_open=True, high_open=True)
    return cs, cs / (1 - cs)


def _effect(metric: str, baseline: Any, lift: Any, relative_lift: Any,
            sd: Any) -> tuple[float, float, float]:
    """(baseline, target, effect size) from the baseline and one lift."""
    if (lift is None) == (relative_lift is None):
        raise ModelError("lift, relative_lift: give exactly one (lift=0.01 is one point "
                         f"more, relative_lift=0.1 is 10 % more), got lift={lift!r}, "
                         f"relative_lift={relative_lift!r}.")
    if metric == "proportion":
        p0 = check_number(baseline, "baseline", low=0, high=1, low_open=True, high_open=True)
        target = _target(p0, lift, relative_lift)
        if not 0 < target < 1:
            raise ModelError(f"lift: the treated rate {target:.4g} must lie in (0, 1) for a "
                             f"baseline of {p0:g}.")
        return p0, target, 2 * math.asin(math.sqrt(target)) - 2 * math.asin(math.sqrt(p0))
    s = check_number(sd, "sd", low=0, low_open=True)
    if relative_lift is not None:
        m0 = check_number(baseline, "baseline")
    else:
        m0 = check_number(0.0 if baseline is None else baseline, "baseline")
    target = _target(m0, lift, relative_lift)
    return m0, target, (target - m0) / s


def _target(base: float, lift: Any, relative_lift: Any) -> float:
    if lift is not None:
        d = check_number(lift, "lift")
        if d == 0:
            raise ModelError("lift: must not be 0 (no difference cannot be detected).")
        return base + d
    r = check_number(relative_lift, "relative_lift", low=-1, low_open=True)
    if r == 0 or base == 0:
        raise ModelError("relative_lift: must not be 0, and the baseline must not be 0.")
    return base * (1 + r)


def _common(metric: Any, alpha: Any, alternative: Any) -> tuple[str, float, str]:
    metric = check_choice(metric, "metric", METRICS)
    alpha = check_number(alpha, "alpha", low=0, high=1, low_open=True, high_open=True)
    alternative = check_choice(alternative, "alternative", ALTERNATIVES)
    return metric, alpha, alternative


def _check_direction(effect: float, alternative: str) -> None:
    if alternative == "larger" and effect < 0 or alternative == "smaller" and effect > 0:
        raise ModelError(f"alternative: a '{alternative}' test cannot detect a change in the "
                         "other direction; flip the sign of the lift or use 'two-sided'.")


def _result(solved_for: str, metric: str, base: float, target: float, effect: float,
            alpha: float, pw: float, alt: str, cs: float, ratio: float, n1: float,
            n_total: int | None = None) -> DesignResult:
    if n_total is None:
        n_t = math.ceil(n1 - 1e-9)
        n_c = math.ceil(n1 * ratio - 1e-9)
    else:
        n_c = round(n_total * cs)
        n_t = n_total - n_c
    return DesignResult(
        solved_for=solved_for, metric=metric, alternative=alt, baseline=base, target=target,
        lift=target - base, relative_lift=(target / base - 1) if base else float("nan"),
        effect_size=effect, alpha=alpha, power=pw, control_share=cs, ratio=ratio,
        n_treatment_exact=n1, n_treatment=int(n_t), n_control=int(n_c),
        n_total=int(n_t + n_c))


# --------------------------------------------------------------------------- public
def sample_size(metric: str = "proportion", *, baseline: float | None = None,
                lift: float | None = None, relative_lift: float | None = None,
                sd: float | None = None, alpha: float = 0.05, power: float = 0.8,
                alternative: str = "two-sided", control_share: float | None = None,
                ratio: float | None = None) -> DesignResult:
    """Customers needed per group to detect a lift with the given power.

    Parameters
    ----------
    metric : "proportion" or "mean"
    baseline : float
        Control conversion rate (0-1) or control mean (needed for ``relative_lift``).
    lift, relative_lift : float
        The effect to detect: absolute (0.01 = one point) or relative (0.1 = 10 %).
    sd : float
        Standard deviation of the outcome (means only).
    alpha, power : float in (0, 1)
    alternative : "two-sided", "larger" or "smaller"
    control_share, ratio : float
        Planned split: control share of the test (default 0.5), or control size /
        treatment size.

    Returns
    -------
    DesignResult with ``n_treatment_exact`` (statsmodels' ``nobs1``) and the
    group sizes rounded up.

    Examples
    --------
    >>> d = sample_size(baseline=0.06, lift=-0.02, control_share=0.1)
    >>> d.n_treatment, d.n_control
    (9230, 1026)
    """
    metric, alpha, alternative = _common(metric, alpha, alternative)
    pw = check_number(power, "power", low=0, high=1, low_open=True, high_open=True)
    cs, ratio = _split(control_share, ratio)
    base, target, effect = _effect(metric, baseline, lift, relative_lift, sd)
    _check_direction(effect, alternative)
    if pw <= alpha:
        raise ModelError(f"power: must exceed alpha ({alpha:g}), got {pw:g}.")
    low = 2.0 / min(1.0, ratio) + 1e-6  # at least 2 customers in each group

    def gap(n1: float) -> float:
        return _power_of(metric, effect, n1, ratio, alpha, alternative) - pw

    high = low * 2
    while gap(high) < 0:
        high *= 2
        if high > 1e13:
            raise ModelError("lift: the effect is too small to detect with any sample size.")
    n1 = low if gap(low) >= 0 else optimize.brentq(gap, low, high, xtol=1e-10, rtol=1e-14)
    return _result("sample_size", metric, base, target, effect, alpha, pw, alternative, cs,
                   ratio, n1)


def power(metric: str = "proportion", *, n_total: int, baseline: float | None = None,
          lift: float | None = None, relative_lift: float | None = None,
          sd: float | None = None, alpha: float = 0.05, alternative: str = "two-sided",
          control_share: float | None = None, ratio: float | None = None) -> DesignResult:
    """The probability that a test of ``n_total`` customers detects the lift.

    Parameters are those of :func:`sample_size`; ``n_total`` (all test customers)
    is split by ``control_share`` / ``ratio`` into whole groups.

    Examples
    --------
    >>> round(power(baseline=0.06, lift=-0.02, n_total=10256, control_share=0.1).power, 3)
    0.8
    """
    metric, alpha, alternative = _common(metric, alpha, alternative)
    n_total = check_number(n_total, "n_total", low=4, integer=True)
    cs, ratio = _split(control_share, ratio)
    base, target, effect = _effect(metric, baseline, lift, relative_lift, sd)
    n_c = round(n_total * cs)
    n_t = n_total - n_c
    if min(n_c, n_t) < 2:
        raise ModelError(f"n_total: {n_total} customers split {n_t} / {n_c}; each group "
                         "needs at least 2.")
    pw = _power_of(metric, effect, float(n_t), n_c / n_t, alpha, alternative)
    return _result("power", metric, base, target, effect, alpha, pw, alternative, cs,
                   n_c / n_t, float(n_t), n_total)


def minimum_detectable_effect(metric: str = "proportion", *, n_total: int,
                              baseline: float | None = None, sd: float | None = None,
                              alpha: float = 0.05, power: float = 0.8,
                              alternative: str = "two-sided",
                              control_share: float | None = None,
                              ratio: float | None = None) -> DesignResult:
    """The smallest lift a test of ``n_total`` customers detects with ``power``.

    For ``"two-sided"`` and ``"larger"`` the lift is an increase, for
    ``"smaller"`` a decrease. Proportions invert Cohen's h; means return
    ``d · sd`` (``baseline`` defaults to 0 for means).

    Examples
    --------
    >>> d = minimum_detectable_effect(baseline=0.06, n_total=20000, control_share=0.1)
    >>> round(d.lift, 4)
    0.0166
    """
    metric, alpha, alternative = _common(metric, alpha, alternative)
    pw = check_number(power, "power", low=0, high=1, low_open=True, high_open=True)
    n_total = check_number(n_total, "n_total", low=4, integer=True)
    cs, ratio = _split(control_share, ratio)
    if pw <= alpha:
        raise ModelError(f"power: must exceed alpha ({alpha:g}), got {pw:g}.")
    n_c = round(n_total * cs)
    n_t = n_total - n_c
    if min(n_c, n_t) < 2:
        raise ModelError(f"n_total: {n_total} customers split {n_t} / {n_c}; each group "
                         "needs at least 2.")
    sign = -1.0 if alternative == "smaller" else 1.0
    if metric == "proportion":
        base = check_number(baseline, "baseline", low=0, high=1, low_open=True, high_open=True)
        phi0 = 2 * math.asin(math.sqrt(base))
        h_max = (math.pi - phi0) if sign > 0 else phi0
    else:
        s = check_number(sd, "sd", low=0, low_open=True)
        base = check_number(0.0 if baseline is None else baseline, "baseline")
    r = n_c / n_t

    def gap(h: float) -> float:
        return _power_of(metric, sign * h, float(n_t), r, alpha, alternative) - pw

    if metric == "mean":
        # Cohen's d grows from a quarter of the usual answer until the power is reached
        # (a large d makes scipy's noncentral t return NaN, so no fixed upper bound).
        h_max = 0.25 / math.sqrt(n_t * r / (1 + r))
        while gap(h_max) < 0:
            h_max *= 2
    if gap(h_max * (1 - 1e-12)) < 0:
        raise ModelError(f"n_total: {n_total} customers cannot reach power {pw:g} for any "
                         "change of the baseline rate.")
    h = optimize.brentq(gap, 1e-12, h_max * (1 - 1e-12), xtol=1e-14, rtol=1e-14)
    effect = sign * h
    if metric == "proportion":
        target = math.sin((phi0 + effect) / 2) ** 2
    else:
        target = base + effect * s
    return _result("minimum_detectable_effect", metric, base, target, effect, alpha, pw,
                   alternative, cs, r, float(n_t), n_total)

