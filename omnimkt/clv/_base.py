"""Shared machinery of the CLV models: summary checks, compression, standard errors, fitting."""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import check_number
from omnimkt.errors import DataError, ModelError, examples


def _rfm_arrays(summary: pd.DataFrame, need_monetary: bool = False):
    """frequency, recency, T (and monetary) arrays from a summary (plain or ``_cal``)."""
    if not isinstance(summary, pd.DataFrame):
        raise DataError(f"summary must be a DataFrame from rfm_summary, got "
                        f"{type(summary).__name__}.")
    suffix = "" if "frequency" in summary.columns else "_cal"
    cols = ["frequency", "recency", "T"] + (["monetary_value"] if need_monetary else [])
    names = [c + suffix for c in cols]
    missing = [c for c in names if c not in summary.columns]
    if missing:
        raise DataError(
            f"summary: missing column(s) {', '.join(missing)}; build it with rfm_summary() "
            "or calibration_holdout()."
        )
    arrs = [summary[c].to_numpy(dtype="float64") for c in names]
    x, tx, T = arrs[:3]
    bad = ~np.isfinite(x) | ~np.isfinite(tx) | ~np.isfinite(T) | (x < 0) | (tx < 0) | (tx > T)
    bad |= (x == 0) & (tx != 0)
    bad |= x != np.round(x)
    if bad.any():
        raise DataError(
            f"summary: {int(bad.sum())} rows have impossible frequency/recency/T (need integer "
            f"frequency >= 0, 0 <= recency <= T, recency 0 when frequency 0), e.g. customers "
            f"{examples(summary.index[bad])}. Rebuild the summary with rfm_summary()."
        )
    return arrs


#: Above this many distinct patterns a fit is warm-started from a fit on a seeded random
#: subsample of this many customers, so the exact fit on all patterns needs few steps. The
#: estimates are always those of the exact (all-pattern) likelihood.
COARSE_PATTERNS = 20_000


def _compress(*arrays: np.ndarray, weights: np.ndarray | None = None):
    """Unique rows of the given columns (sorted) with their total weights and the inverse
    index (hash grouping: much faster than ``np.unique(axis=0)`` on millions of rows)."""
    frame = pd.DataFrame({f"c{i}": np.asarray(a) for i, a in enumerate(arrays)})
    inverse = frame.groupby(list(frame.columns), sort=True).ngroup().to_numpy()
    _, first = np.unique(inverse, return_index=True)
    uniq = [np.asarray(a)[first] for a in arrays]
    counts = np.bincount(inverse, weights=weights, minlength=len(first)).astype(np.float64)
    return uniq, counts, inverse


def _subsample(*arrays: np.ndarray, weights: np.ndarray, n: int = COARSE_PATTERNS,
               seed: int = 0):
    """Compressed patterns of ``n`` customers drawn (seeded, proportional to weight)."""
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(weights), size=n, replace=True, p=weights / weights.sum())
    return _compress(*(np.asarray(a)[idx] for a in arrays))


def _numeric_hessian(f, x0: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """Central-difference Hessian of ``f`` at ``x0`` (used on log-parameters)."""
    n = len(x0)
    H = np.empty((n, n))
    for i in range(n):
        for j in range(i, n):
            ei = np.zeros(n)
            ej = np.zeros(n)
            ei[i] = h
            ej[j] = h
            v = (f(x0 + ei + ej) - f(x0 + ei - ej) - f(x0 - ei + ej) + f(x0 - ei - ej)) / (4 * h * h)
            H[i, j] = H[j, i] = v
    return H


def _param_table(names, values, hessian_negll) -> pd.DataFrame:
    """Estimates with delta-method standard errors and 95% intervals built on the log scale
    (so they stay positive)."""
    values = np.asarray(values, dtype=float)
    try:
        cov_log = np.linalg.inv(hessian_negll)
        se_log = np.sqrt(np.clip(np.diag(cov_log), 0, None))
    except np.linalg.LinAlgError:
        se_log = np.full(len(values), np.nan)
    return pd.DataFrame(
        {
            "estimate": values,
            "std_error": values * se_log,
            "lower_95": values * np.exp(-1.959964 * se_log),
            "upper_95": values * np.exp(1.959964 * se_log),
        },
        index=pd.Index(list(names), name="parameter"),
    )


def lifetimes_module(name: str = "lifetimes"):
    """Import (a part of) lifetimes without the warnings its import emits on pandas 3
    (it sets a pandas option that no longer exists)."""
    import importlib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return importlib.import_module(name)


def _polish(nll, x0: np.ndarray, args: tuple, hess_mean: np.ndarray | None, tol: float,
            max_iter: int | None, model_name: str) -> np.ndarray:
    """Minimise a lifetimes negative log-likelihood (mean over weights, autograd-able) from
    a warm start, with BFGS seeded by the inverse of a nearby Hessian: a few steps instead
    of a full fit, and without lifetimes' costly final Hessian on millions of rows."""
    from scipy.optimize import minimize

    value_and_grad = lifetimes_module("autograd").value_and_grad
    options: dict = {"maxiter": 200 if max_iter is None else max_iter}
    if hess_mean is not None:
        try:
            inv = np.linalg.inv(hess_mean)
            if np.all(np.linalg.eigvalsh((inv + inv.T) / 2) > 0):
                options["hess_inv0"] = (inv + inv.T) / 2
        except np.linalg.LinAlgError:
            pass
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = minimize(value_and_grad(nll), x0, args=args, jac=True, method="BFGS", tol=tol,
                       options=options)
    if not np.isfinite(res.fun) or (not res.success and np.abs(res.jac).max() > 1e-5):
        raise ModelError(
            f"{model_name} fit did not converge. Try penalizer=0.001 (a small L2 penalty), more "
            "data, or check that the summary has enough repeat buyers."
        )
    return np.asarray(res.x, dtype=float)


def _quiet_fit(fn, model_name: str):
    """Run a lifetimes fit without its prints; turn its ConvergenceError into ModelError."""
    ConvergenceError = lifetimes_module("lifetimes.utils").ConvergenceError

    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn()
    except ConvergenceError:
        raise ModelError(
            f"{model_name} fit did not converge. Try penalizer=0.001 (a small L2 penalty), more "
            "data, or check that the summary has enough repeat buyers."
        ) from None


def _check_fit_settings(model: Any) -> None:
    """The settings every CLV model shares: ``penalizer``, ``max_iter`` and ``tol``."""
    check_number(model.penalizer, "penalizer", low=0)
    check_number(model.max_iter, "max_iter", low=1, integer=True, allow_none=True)
    check_number(model.tol, "tol", low=0, low_open=True)


def _check_weights(weights: Any, n: int) -> np.ndarray:
    """Customer weights as floats: one per summary row, finite, >= 0, not all zero."""
    if weights is None:
        return np.ones(n)
    if isinstance(weights, bool) or np.ndim(weights) != 1:
        raise ModelError(f"weights: expected one number per summary row, got {weights!r:.60}.")
    try:
        w = np.asarray(weights, dtype=float)
    except (TypeError, ValueError):
        raise ModelError(f"weights: must be numbers, got {weights!r:.60}.") from None
    if np.asarray(weights).dtype == bool:
        raise ModelError("weights: got booleans; give a count (customers per row) per row.")
    if len(w) != n:
        raise ModelError(f"weights: {len(w):,} values for {n:,} summary rows; give one per row.")
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        raise ModelError(f"weights: {int(bad.sum()):,} values are negative, NaN or infinite "
                         f"(e.g. {examples(w[bad])}); weights are customer counts >= 0.")
    if w.sum() <= 0:
        raise ModelError("weights: all are zero; at least one customer must count.")
    return w


def _check_times(t: Any, name: str = "t") -> np.ndarray:
    """Prediction lengths (model time units) as a float array: finite and > 0."""
    if any(isinstance(v, bool | np.bool_) for v in np.atleast_1d(np.asarray(t, dtype=object))):
        raise ModelError(f"{name}: must be a number of time units > 0, got {t!r}.")
    try:
        ts = np.atleast_1d(np.asarray(t, dtype=float))
    except (TypeError, ValueError):
        raise ModelError(f"{name}: must be a number of time units > 0, got {t!r:.60}.") from None
    if not (np.isfinite(ts).all() and (ts > 0).all()):
        raise ModelError(f"{name}: must be a finite number of time units > 0, got {t!r:.60}.")
    return ts
