"""Repeat-purchase models: BG/NBD, MBG/NBD and Pareto/NBD (lifetimes fitters behind our API,
fitted on compressed sufficient statistics; predictions in our own log-space code)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import integrate
from scipy.special import expit, gammaln, hyp2f1

from omnimkt._gate import check_number
from omnimkt._result import Estimator
from omnimkt.clv._base import (
    COARSE_PATTERNS,
    _check_fit_settings,
    _check_times,
    _check_weights,
    _compress,
    _numeric_hessian,
    _param_table,
    _polish,
    _quiet_fit,
    _rfm_arrays,
    _subsample,
    lifetimes_module,
)
from omnimkt.errors import ModelError, ModelWarning

__all__ = ["BetaGeoModel", "ModifiedBetaGeoModel", "ParetoNBDModel"]


class _RepeatPurchaseModel(Estimator):
    """Common code of BG/NBD, MBG/NBD and Pareto/NBD."""

    _param_names: tuple[str, ...] = ()
    _label = ""

    def __init__(self, penalizer: float = 0.0, *, max_iter: int | None = None,
                 tol: float = 1e-7) -> None:
        self.penalizer = penalizer
        self.max_iter = max_iter
        self.tol = tol

    def _check_settings(self) -> None:
        _check_fit_settings(self)

    # -- fitting ---------------------------------------------------------------------
    def fit(self, summary: pd.DataFrame, weights: Any = None):
        """Fit on an RFM summary (``rfm_summary`` or the ``_cal`` columns of
        ``calibration_holdout``); customers sharing (frequency, recency, T) are fitted
        as one weighted row; ``weights`` (optional) counts customers per summary row.
        Returns ``self``."""
        self._start_fit()
        x, tx, T = _rfm_arrays(summary)
        w = _check_weights(weights, len(x))
        if not (x > 0).any():
            raise ModelError(
                f"summary: all {len(x):,} customers are one-time buyers (frequency 0); a "
                "repeat-purchase model cannot be fitted. Use a longer observation window."
            )
        n_rep = int(w[x > 0].sum())
        if n_rep < 10:
            warnings.warn(
                f"summary: only {n_rep} repeat buyers; {self._label} estimates will be "
                "unreliable.", ModelWarning, stacklevel=2,
            )
        (ux, utx, uT), uw, _ = _compress(x, tx, T, weights=w)
        self.n_customers_ = int(round(w.sum()))
        self.n_patterns_ = len(ux)
        self.time_unit_ = summary.attrs.get("time_unit")
        start = None
        if len(ux) > COARSE_PATTERNS:
            # Many distinct patterns (day-level recency/T over years): a fit on a subsample
            # gives a start close to the optimum, so the exact fit needs few steps.
            (sx, stx, sT), sw, _ = _subsample(x, tx, T, weights=w)
            start, h_sub = self._fit_lifetimes(sx, stx, sT, sw)
        log_params, H = self._fit_lifetimes(
            ux, utx, uT, uw, start=start,
            start_hess=None if start is None or h_sub is None else h_sub / sw.sum())
        params = np.exp(log_params)
        if H is None and start is not None and h_sub is not None:
            # Standard errors from the subsample's Hessian scaled to all customers.
            H = h_sub * (uw.sum() / sw.sum())
        if H is None:
            H = _numeric_hessian(lambda lp: -self._loglik(np.exp(lp), ux, utx, uT, uw),
                                 log_params)
        self.params_ = pd.Series(params, index=list(self._param_names), dtype=float)
        self.log_likelihood_ = float(self._loglik(params, ux, utx, uT, uw))
        if not np.isfinite(self.log_likelihood_):
            raise ModelError(f"{self._label} fit ended at a non-finite log-likelihood.")
        self._table = _param_table(self._param_names, params, H)
        self._table.attrs["log_likelihood"] = self.log_likelihood_
        self._check_estimates()
        return self

    def _check_estimates(self) -> None:
        p = self.params_
        if (p > 1e5).any() or (p < 1e-6).any():
            warnings.warn(
                f"{self._label}: parameter(s) {', '.join(p.index[(p > 1e5) | (p < 1e-6)])} "
                "ran to the edge of the parameter space; the fit may not have converged "
                "properly (too few repeat buyers or a penalizer needed).",
                ModelWarning, stacklevel=3,
            )

    @property
    def summary(self) -> pd.DataFrame:
        """Parameters with standard errors and 95% intervals (log-scale delta method)."""
        self._check_fitted()
        table = getattr(self, "_table", None)
        if table is None:  # parameters set by hand, not fitted: no standard errors
            return self.params_.rename("estimate").rename_axis("parameter").to_frame()
        return table

    @property
    def title(self) -> str:  # type: ignore[override]
        return self._label

    def _settings(self) -> str:
        if not self.__sklearn_is_fitted__() or not hasattr(self, "n_patterns_"):
            return ""
        pen = f", penalizer {self.penalizer:g}" if self.penalizer else ""
        return (f"fitted on {self.n_customers_:,} customers ({self.n_patterns_:,} patterns), "
                f"log-likelihood {self.log_likelihood_:.2f}{pen}")

    # -- predictions -----------------------------------------------------------------
    def _predict_frame(self, summary, fn, name):
        self._check_fitted()
        x, tx, T = _rfm_arrays(summary)
        (ux, utx, uT), _, inv = _compress(x, tx, T)
        with np.errstate(all="ignore"):
            vals = fn(ux, utx, uT)[inv]
        if not np.isfinite(vals).all():  # pragma: no cover - guarded by the fallbacks
            raise ModelError(f"{self._label}: {name} produced non-finite values.")
        return pd.Series(vals, index=summary.index, name=name)

    def probability_alive(self, summary: pd.DataFrame) -> pd.Series:
        """P(customer still active at the end of observation | history), per customer."""
        return self._predict_frame(summary, self._p_alive, "p_alive")

    def expected_purchases(self, t: float, summary: pd.DataFrame) -> pd.Series:
        """Expected number of purchases in the next ``t`` time units (> 0), per customer."""
        self._check_fitted()
        t = float(check_number(t, "t", low=0, low_open=True))
        return self._predict_frame(summary, lambda x, tx, T: self._cond_exp(t, x, tx, T),
                                   "expected_purchases")

    def probability_no_purchase(self, t: float, summary: pd.DataFrame) -> pd.Series:
        """P(no purchase at all in the next ``t`` time units | history), per customer.

        "No purchase in (T, T+t]" is the same event as observing the history (x, t_x)
        up to T + t, so P = L(x, t_x, T + t) / L(x, t_x, T) exactly. For BG/NBD and
        MBG/NBD this equals (1 - P(alive)) + P(alive) ((alpha+T)/(alpha+T+t))^(r+x):
        an active customer's rate has posterior Gamma(r + x, alpha + T), and without a
        purchase there is no drop-out opportunity. Used by :mod:`omnimkt.churn`.
        ``t`` is in the model's time unit and must be > 0.
        """
        self._check_fitted()
        t = float(check_number(t, "t", low=0, low_open=True))
        return self._predict_frame(summary, lambda x, tx, T: self._p_zero(t, x, tx, T),
                                   "p_no_purchase")

    def expected_population_purchases(self, t: Any) -> pd.Series:
        """Expected repeat purchases in ``t`` time units since the first purchase, for a
        randomly chosen new customer (unconditional E[X(t)])."""
        self._check_fitted()
        ts = _check_times(t)
        return pd.Series(self._uncond_exp(ts), index=pd.Index(ts, name="t"),
                         name="expected_purchases")

    def _matrix(self, values, max_frequency: int, max_recency: float | None,
                T: float | None) -> pd.DataFrame:
        """``values(x, recency, T)`` on a frequency (columns) x recency (rows) grid."""
        self._check_fitted()
        check_number(max_frequency, "max_frequency", low=0, integer=True)
        check_number(max_recency, "max_recency", low=0, allow_none=True)
        check_number(T, "T", low=0, low_open=True, allow_none=True)
        if max_recency is not None and T is not None and max_recency > T:
            raise ModelError(f"max_recency: {max_recency!r} is more than T={T!r}; a last "
                             "purchase cannot come after the end of observation.")
        T = float(T if T is not None else (max_recency if max_recency is not None else 52))
        rec = np.arange(0, int(np.floor(max_recency if max_recency is not None else T)) + 1,
                        dtype=float)
        freqs = np.arange(0, max_frequency + 1, dtype=float)
        X, R = np.meshgrid(freqs, rec)
        R = np.where(X == 0, 0.0, R)
        vals = values(X.ravel(), R.ravel(), np.full(X.size, T)).reshape(X.shape)
        return pd.DataFrame(vals, index=pd.Index(rec, name="recency"),
                            columns=pd.Index(freqs.astype(int), name="frequency"))

    def probability_alive_matrix(self, max_frequency: int = 20, max_recency: float | None = None,
                                 T: float | None = None) -> pd.DataFrame:
        """P(alive) for customers of age ``T`` by frequency (columns) and recency (rows)."""
        return self._matrix(self._p_alive, max_frequency, max_recency, T)

    def expected_purchases_matrix(self, t: float, max_frequency: int = 20,
                                  max_recency: float | None = None,
                                  T: float | None = None) -> pd.DataFrame:
        """Expected purchases in the next ``t`` by frequency (columns) and recency (rows)."""
        t = float(check_number(t, "t", low=0, low_open=True))
        return self._matrix(lambda x, r, T_: self._cond_exp(t, x, r, T_),
                            max_frequency, max_recency, T)

    # subclasses implement: _fit_lifetimes, _loglik, _p_alive, _cond_exp, _p_zero, _uncond_exp


class _BetaGeoFamily(_RepeatPurchaseModel):
    _param_names = ("r", "alpha", "a", "b")
    _modified = False

    def _fitter(self):
        lt = lifetimes_module()
        cls = lt.ModifiedBetaGeoFitter if self._modified else lt.BetaGeoFitter
        return cls(penalizer_coef=self.penalizer)

    def _fit_lifetimes(self, x, tx, T, w, start=None, start_hess=None):
        fitter = self._fitter()
        kwargs = {} if self.max_iter is None else {"maxiter": self.max_iter}
        if start is not None:
            # lifetimes optimises log-parameters with time scaled so that max(T) = 1
            scale = 1.0 / T.max()
            init = np.asarray(start, dtype=float).copy()
            init[1] += np.log(scale)
            out = _polish(fitter._negative_log_likelihood, init,
                          (x.astype(int), tx * scale, T * scale, w, self.penalizer),
                          start_hess, self.tol, self.max_iter, self._label)
            out[1] -= np.log(scale)
            return out, None
        _quiet_fit(lambda: fitter.fit(x, tx, T, weights=w, tol=self.tol, **kwargs), self._label)
        # lifetimes' Hessian is of the mean negative log-likelihood in log-parameters (time
        # scaling only shifts log alpha, so it is the Hessian in our log-parameters too).
        hess = np.asarray(fitter._hessian_, dtype=float) * w.sum()
        return np.log(fitter.params_[list(self._param_names)].to_numpy(dtype=float)), hess

    def _loglik(self, params, x, tx, T, w) -> float:
        r, alpha, a, b = params
        A1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
        if self._modified:
            A2 = gammaln(a + b) + gammaln(b + x + 1) - gammaln(b) - gammaln(a + b + x + 1)
            A3 = -(r + x) * np.log(alpha + T)
            A4 = np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + T) - np.log(alpha + tx))
            ll = A1 + A2 + A3 + np.logaddexp(A4, 0)
        else:
            A2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
            A3 = -(r + x) * np.log(alpha + T)
            A4 = np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(alpha + tx)
            ll = A1 + A2 + np.where(x > 0, np.logaddexp(A3, A4), A3)
        return float(np.sum(w * ll))

    def _log_odds_dead(self, x, tx, T):
        r, alpha, a, b = self.params_.to_numpy()
        if self._modified:
            return np.log(a / (b + x)) + (r + x) * np.log((alpha + T) / (alpha + tx))
        lo = np.log(a / (b + np.maximum(x, 1) - 1)) + (r + x) * np.log((alpha + T) / (alpha + tx))
        return np.where(x > 0, lo, -np.inf)

    def _p_alive(self, x, tx, T):
        return expit(-self._log_odds_dead(x, tx, T))

    def _cond_exp(self, t, x, tx, T):
        r, alpha, a, b = self.params_.to_numpy()
        x, tx, T = (np.asarray(v, dtype=float) for v in (x, tx, T))
        # The hypergeometric term depends on (x, T) only: evaluate it once per distinct pair.
        if x.size > 5000:
            (ux, uT), _, inv = _compress(x, T)
        else:
            ux, uT, inv = x, T, slice(None)
        z = t / (alpha + uT + t)
        if self._modified:
            A, B, C = r + ux, b + ux + 1, a + b + ux
            first = (a + b + ux) / (a - 1)
        else:
            A, B, C = r + ux, b + ux, a + b + ux - 1
            first = (a + b + ux - 1) / (a - 1)
        log_h = _log_hyp2f1(A, B, C, z)
        second = -np.expm1(log_h + (r + ux) * np.log((alpha + uT) / (alpha + t + uT)))
        return (first * second)[inv] * self._p_alive(x, tx, T)

    def _p_zero(self, t, x, tx, T):
        # Alive at T with prob P(alive); an alive customer's rate has posterior
        # Gamma(r + x, alpha + T), and no purchase means no drop-out chance either, so
        # P(0 in (T, T+t] | alive) = ((alpha+T)/(alpha+T+t))^(r+x); equals the likelihood
        # ratio L(x, tx, T+t) / L(x, tx, T) (tested).
        r, alpha, _, _ = self.params_.to_numpy()
        pa = self._p_alive(x, tx, T)
        return 1.0 - pa + pa * np.exp((r + x) * np.log((alpha + T) / (alpha + T + t)))

    def _uncond_exp(self, t):
        r, alpha, a, b = self.params_.to_numpy()
        if self._modified:
            h = hyp2f1(r, b + 1, a + b, t / (alpha + t))
            return b / (a - 1) * (1 - h * (alpha / (alpha + t)) ** r)
        h = hyp2f1(r, b, a + b - 1, t / (alpha + t))
        return (a + b - 1) / (a - 1) * (1 - h * (alpha / (alpha + t)) ** r)


def _log_hyp2f1(a, b, c, z):
    """log 2F1(a, b; c; z) for 0 <= z < 1, with Euler's transformation where the direct
    series overflows (large frequencies)."""
    a, b, c, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, c, z)))
    with np.errstate(all="ignore"):
        direct = np.log(hyp2f1(a, b, c, z))
        alt = np.log(hyp2f1(c - a, c - b, c, z)) + (c - a - b) * np.log1p(-z)
    return np.where(np.isfinite(direct), direct, alt)


class BetaGeoModel(_BetaGeoFamily):
    """BG/NBD model (Fader, Hardie & Lee 2005): Poisson purchases with Gamma(r, alpha)
    rates; after each repeat purchase the customer drops out with probability p ~ Beta(a, b).

    Parameters
    ----------
    penalizer : float, default 0
        L2 penalty on the parameters (lifetimes' ``penalizer_coef``), >= 0; 0 reproduces
        the paper.
    max_iter : int, optional
        Iteration cap of the optimiser (>= 1).
    tol : float, default 1e-7
        Optimiser tolerance (> 0).

    Attributes
    ----------
    params_ : Series
        Fitted parameters (r, alpha, a, b).
    log_likelihood_ : float
        Log-likelihood at the estimate.
    n_customers_ : int
        Customers fitted (sum of the weights).
    n_patterns_ : int
        Distinct (frequency, recency, T) rows the fit ran on.
    time_unit_ : str or None
        The summary's time unit (``"D"``, ``"W"``, ``"M"``), when it says so.

    Examples
    --------
    >>> from omnimkt.datasets import load_cdnow
    >>> from omnimkt.clv import calibration_holdout
    >>> ch = calibration_holdout(load_cdnow("sample"), "1997-09-30", "1998-06-30")
    >>> BetaGeoModel().fit(ch).params_.round(3).tolist()  # Fader, Hardie & Lee (2005)
    [0.243, 4.414, 0.793, 2.426]
    """

    _label = "BG/NBD"


class ModifiedBetaGeoModel(_BetaGeoFamily):
    """MBG/NBD model (Batislam et al. 2007): as BG/NBD, but a customer may also drop out
    right after the first purchase, so one-time buyers are not assumed alive.

    Parameters
    ----------
    penalizer : float, default 0
        L2 penalty on the parameters (lifetimes' ``penalizer_coef``), >= 0; 0 reproduces
        the paper.
    max_iter : int, optional
        Iteration cap of the optimiser (>= 1).
    tol : float, default 1e-7
        Optimiser tolerance (> 0).

    Attributes
    ----------
    params_ : Series
        Fitted parameters (r, alpha, a, b).
    log_likelihood_ : float
        Log-likelihood at the estimate.
    n_customers_ : int
        Customers fitted (sum of the weights).
    n_patterns_ : int
        Distinct (frequency, recency, T) rows the fit ran on.
    time_unit_ : str or None
        The summary's time unit (``"D"``, ``"W"``, ``"M"``), when it says so.

    Examples
    --------
    >>> model = ModifiedBetaGeoModel(penalizer=0.001)
    >>> model.get_params()["penalizer"]
    0.001
    """

    _label = "MBG/NBD"
    _modified = True


class ParetoNBDModel(_RepeatPurchaseModel):
    """Pareto/NBD model (Schmittlein, Morrison & Colombo 1987): Poisson purchases with
    Gamma(r, alpha) rates, exponential lifetimes with Gamma(s, beta) drop-out rates.

    Predictions use our own log-space likelihood: lifetimes' closed form can return NaN
    with scipy >= 1.16 (hyp2f1 overflow when recency == T and frequency is large); rows
    where the closed form is not finite are recomputed by numerical integration.

    Parameters
    ----------
    penalizer : float, default 0
        L2 penalty on the parameters (lifetimes' ``penalizer_coef``), >= 0; 0 reproduces
        the paper.
    max_iter : int, optional
        Iteration cap of the optimiser (>= 1).
    tol : float, default 1e-7
        Optimiser tolerance (> 0).

    Attributes
    ----------
    params_ : Series
        Fitted parameters (r, alpha, s, beta).
    log_likelihood_ : float
        Log-likelihood at the estimate.
    n_customers_ : int
        Customers fitted (sum of the weights).
    n_patterns_ : int
        Distinct (frequency, recency, T) rows the fit ran on.
    time_unit_ : str or None
        The summary's time unit (``"D"``, ``"W"``, ``"M"``), when it says so.

    Examples
    --------
    >>> ParetoNBDModel().fit(summary).params_  # doctest: +SKIP
    """

    _param_names = ("r", "alpha", "s", "beta")
    _label = "Pareto/NBD"

    def _fit_lifetimes(self, x, tx, T, w, start=None, start_hess=None):
        if start is None:
            fitter = lifetimes_module().ParetoNBDFitter(penalizer_coef=self.penalizer)
            # A rough Nelder-Mead (lifetimes' method) gives the start; the gradient polish
            # below does the precise work far faster than a long simplex run.
            maxiter = 120 if self.max_iter is None else self.max_iter
            # Deterministic start (lifetimes draws a random one otherwise).
            _quiet_fit(lambda: fitter.fit(x, tx, T, weights=w, initial_params=np.ones(4),
                                          tol=1e-4, maxiter=maxiter), self._label)
            start = np.log(fitter.params_[list(self._param_names)].to_numpy(dtype=float))
        # Nelder-Mead stops loosely; polish with a gradient method on our own likelihood.
        from scipy.optimize import minimize

        nll = lambda lp: -self._loglik(np.exp(lp), x, tx, T, w) / w.sum()  # noqa: E731
        res = minimize(nll, start, method="L-BFGS-B",
                       options={"maxiter": 500 if self.max_iter is None else self.max_iter,
                                "ftol": 1e-14, "gtol": 1e-9})
        if not np.isfinite(res.fun) or (self.max_iter is not None and not res.success):
            raise ModelError(
                "Pareto/NBD fit did not converge. Try penalizer=0.001, more data, or check "
                "that the summary has enough repeat buyers."
            )
        return (res.x if res.fun <= nll(start) else start), None

    # log of the part of the likelihood where the customer is alive at T, and of A0
    def _log_parts(self, params, x, tx, T):
        r, alpha, s, beta = params
        log_c = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        log_alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
        log_dead = np.log(s) + self._log_A0(params, x, tx, T) - np.log(r + s + x)
        return log_c, log_alive, log_dead

    @staticmethod
    def _log_A0(params, x, tx, T):
        """log A0 of Fader & Hardie's Pareto/NBD note (eq. 19-20), such that
        s/(r+s+x) A0 = s * int_tx^T (alpha+y)^-(r+x) (beta+y)^-(s+1) dy."""
        r, alpha, s, beta = params
        x, tx, T = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x, tx, T)))
        if alpha < beta:
            lo, hi, tt = alpha, beta, r + x
        else:
            lo, hi, tt = beta, alpha, s + 1 + 0 * x
        d = hi - lo
        rsf = r + s + x
        with np.errstate(all="ignore"):
            p1 = hyp2f1(rsf, tt, rsf + 1.0, d / (hi + tx))
            p2 = hyp2f1(rsf, tt, rsf + 1.0, d / (hi + T))
            q1, q2 = hi + tx, hi + T
            la = np.log(p1) + rsf * np.log(q2)
            lb = np.log(p2) + rsf * np.log(q1)
            out = la + np.log1p(-np.exp(lb - la)) - rsf * np.log(q1 * q2)
        out = np.where(tx >= T, -np.inf, out)
        bad = ~(np.isfinite(out) | (tx >= T))
        # Also distrust catastrophic cancellation (lb ~ la) where the closed form lost digits.
        with np.errstate(all="ignore"):
            bad |= (tx < T) & (np.abs(1 - np.exp(lb - la)) < 1e-8)
        if bad.any():
            out = out.copy()
            for i in np.flatnonzero(bad):
                out[i] = ParetoNBDModel._log_A0_quad(params, x[i], tx[i], T[i])
        return out

    @staticmethod
    def _log_A0_quad(params, x, tx, T) -> float:
        r, alpha, s, beta = params
        # A0 * s/(r+s+x) = s * int ... => A0 = (r+s+x) * int_tx^T f(y) dy
        def logf(y):
            return -(r + x) * np.log(alpha + y) - (s + 1) * np.log(beta + y)

        ref = logf(tx)
        val, _ = integrate.quad(lambda y: np.exp(logf(y) - ref), tx, T, limit=200,
                                epsabs=0, epsrel=1e-10)
        return float(np.log(r + s + x) + np.log(val) + ref)

    def _loglik_rows(self, params, x, tx, T):
        log_c, log_alive, log_dead = self._log_parts(params, x, tx, T)
        return log_c + np.logaddexp(log_alive, log_dead)

    def _loglik(self, params, x, tx, T, w) -> float:
        return float(np.sum(w * self._loglik_rows(params, x, tx, T)))

    def _p_alive(self, x, tx, T):
        p = self.params_.to_numpy()
        _, log_alive, log_dead = self._log_parts(p, x, tx, T)
        return expit(log_alive - log_dead)

    def _cond_exp(self, t, x, tx, T):
        r, alpha, s, beta = self.params_.to_numpy()
        # E[X(t) | alive] = (r+x)/(alpha+T) * (beta+T)/(s-1) * (1 - ((beta+T)/(beta+T+t))^(s-1))
        if abs(s - 1) < 1e-10:
            inner = (r + x) / (alpha + T) * (beta + T) * np.log1p(t / (beta + T))
        else:
            inner = ((r + x) / (alpha + T) * (beta + T) / (s - 1)
                     * -np.expm1((s - 1) * np.log((beta + T) / (beta + T + t))))
        return inner * self._p_alive(x, tx, T)

    def _p_zero(self, t, x, tx, T):
        # No purchase in (T, T+t] is the same event as "history (x, tx) observed up to T+t",
        # so P = L(x, tx, T+t) / L(x, tx, T) exactly (holds for every model of the family).
        p = self.params_.to_numpy()
        return np.exp(self._loglik_rows(p, x, tx, T + t) - self._loglik_rows(p, x, tx, T))

    def _uncond_exp(self, t):
        r, alpha, s, beta = self.params_.to_numpy()
        return r * beta / alpha / (s - 1) * (1 - (beta / (beta + t)) ** (s - 1))
