"""Gamma-Gamma spend model, discounted CLV and the per-customer value table."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.special import gammaln

from omnimkt._gate import check_number
from omnimkt._result import Estimator
from omnimkt.clv._base import (
    COARSE_PATTERNS,
    _check_fit_settings,
    _compress,
    _param_table,
    _polish,
    _quiet_fit,
    _rfm_arrays,
    _subsample,
    lifetimes_module,
)
from omnimkt.clv.models import _RepeatPurchaseModel
from omnimkt.clv.summary import TIME_UNITS, _summary_unit
from omnimkt.errors import DataError, ModelError, ModelWarning, examples

__all__ = ["GammaGammaModel", "customer_value", "value_tiers", "win_back_list"]


class GammaGammaModel(Estimator):
    """Gamma-Gamma model of the mean spend per repeat purchase (Fader, Hardie & Lee 2005,
    Fader & Hardie note 025). Parameters p, q, v (the note's gamma).

    Fitted on repeat buyers only (frequency > 0). The model assumes spend is independent
    of purchase frequency: ``independence_corr_`` is the Pearson correlation of frequency
    and monetary value among repeat buyers (a ModelWarning is raised when |corr| > 0.3).

    Parameters
    ----------
    penalizer : float, default 0
        L2 penalty on the parameters (lifetimes' ``penalizer_coef``), >= 0.
    max_iter : int, optional
        Iteration cap of the optimiser (>= 1).
    tol : float, default 1e-7
        Optimiser tolerance (> 0).
    corr_threshold : float, default 0.3
        Warn when |corr(frequency, spend)| among repeat buyers exceeds this (0-1).

    Attributes
    ----------
    params_ : Series
        Fitted p, q and v.
    log_likelihood_ : float
        Log-likelihood at the estimate.
    n_customers_ : int
        Repeat buyers fitted.
    independence_corr_ : float
        Pearson correlation of frequency and mean spend among repeat buyers.

    Examples
    --------
    >>> from omnimkt.datasets import load_cdnow
    >>> from omnimkt.clv import calibration_holdout
    >>> ch = calibration_holdout(load_cdnow("sample"), "1997-09-30", "1998-06-30")
    >>> GammaGammaModel().fit(ch).params_.round(2).tolist()  # Fader & Hardie's note
    [6.25, 3.74, 15.44]
    """

    _param_names = ("p", "q", "v")

    def __init__(self, penalizer: float = 0.0, *, max_iter: int | None = None,
                 tol: float = 1e-7, corr_threshold: float = 0.3) -> None:
        self.penalizer = penalizer
        self.max_iter = max_iter
        self.tol = tol
        self.corr_threshold = corr_threshold

    def _check_settings(self) -> None:
        _check_fit_settings(self)
        check_number(self.corr_threshold, "corr_threshold", low=0, high=1)

    def fit(self, summary: pd.DataFrame) -> GammaGammaModel:
        """Fit on an RFM summary with ``monetary_value`` (repeat buyers are used)."""
        self._start_fit()
        x, _, _, m = _rfm_arrays(summary, need_monetary=True)
        rep = x > 0
        if not rep.any():
            raise ModelError(
                f"summary: all {len(x):,} customers are one-time buyers; the Gamma-Gamma spend "
                "model needs repeat buyers (it models the mean of repeat purchases)."
            )
        bad = rep & ~(m > 0)
        if bad.any():
            col = "monetary_value" if "monetary_value" in summary.columns else "monetary_value_cal"
            raise DataError(
                f"summary.{col}: {int(bad.sum())} repeat buyers have zero or negative spend "
                f"(e.g. customers {examples(summary.index[bad])}). The Gamma-Gamma model needs "
                "positive amounts: drop refunds/free orders from transactions.amount first."
            )
        xr, mr = x[rep], m[rep]
        if rep.sum() < 10:
            warnings.warn(f"summary: only {int(rep.sum())} repeat buyers; Gamma-Gamma estimates "
                          "will be unreliable.", ModelWarning, stacklevel=2)
        corr = float(np.corrcoef(xr, mr)[0, 1]) if rep.sum() > 2 and np.std(xr) > 0 else np.nan
        self.independence_corr_ = corr
        if np.isfinite(corr) and abs(corr) > self.corr_threshold:
            warnings.warn(
                f"Gamma-Gamma assumes spend independent of frequency, but their correlation "
                f"among repeat buyers is {corr:.2f}; expected spend may be biased.",
                ModelWarning, stacklevel=2,
            )
        (ux, um), uw, _ = _compress(xr, mr)
        start = None
        if len(ux) > COARSE_PATTERNS:
            (sx, sm), sw, _ = _subsample(xr, mr, weights=np.ones(len(xr)))
            start, h_sub = self._fit_lifetimes(sx, sm, sw)
            lp = _polish(lifetimes_module().GammaGammaFitter._negative_log_likelihood, start,
                         (ux, um, uw, self.penalizer), h_sub / sw.sum(), self.tol,
                         self.max_iter, "Gamma-Gamma")
            hess = h_sub * (uw.sum() / sw.sum())  # standard errors from the subsample
        else:
            lp, hess = self._fit_lifetimes(ux, um, uw)

        self.params_ = pd.Series(np.exp(lp), index=list(self._param_names), dtype=float)
        self.log_likelihood_ = float(self._loglik(np.exp(lp), ux, um, uw))
        self.n_customers_ = int(rep.sum())
        self._table = _param_table(self._param_names, np.exp(lp), hess)
        if self.params_["q"] <= 1:
            warnings.warn("Gamma-Gamma: q <= 1, so the population mean spend is undefined; "
                          "expected spend of one-time buyers will be unreliable.",
                          ModelWarning, stacklevel=2)
        return self

    def _fit_lifetimes(self, x, m, w):
        fitter = lifetimes_module().GammaGammaFitter(penalizer_coef=self.penalizer)
        kwargs = {} if self.max_iter is None else {"maxiter": self.max_iter}
        _quiet_fit(lambda: fitter.fit(x, m, weights=w, tol=self.tol, **kwargs), "Gamma-Gamma")
        hess = np.asarray(fitter._hessian_, dtype=float) * w.sum()
        return np.log(fitter.params_[["p", "q", "v"]].to_numpy(dtype=float)), hess

    @staticmethod
    def _loglik(params, x, m, w) -> float:
        p, q, v = params
        ll = (gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(v)
              + (p * x - 1) * np.log(m) + p * x * np.log(x) - (p * x + q) * np.log(x * m + v))
        return float(np.sum(w * ll))

    @property
    def summary(self) -> pd.DataFrame:
        """Parameters with standard errors, 95% intervals; ``attrs`` holds the correlation."""
        self._check_fitted()
        table = getattr(self, "_table", None)
        if table is None:  # parameters set by hand, not fitted: no standard errors
            return self.params_.rename("estimate").rename_axis("parameter").to_frame()
        out = table.copy()
        out.attrs["independence_corr"] = self.independence_corr_
        return out

    @property
    def title(self) -> str:  # type: ignore[override]
        return "Gamma-Gamma"

    def _settings(self) -> str:
        if not hasattr(self, "log_likelihood_"):
            return ""
        return (f"fitted on {self.n_customers_:,} repeat buyers, log-likelihood "
                f"{self.log_likelihood_:.2f}, corr(frequency, spend) = "
                f"{self.independence_corr_:.3f}")

    def population_mean_spend(self) -> float:
        """Mean spend per purchase of a randomly chosen customer, v p / (q - 1)."""
        self._check_fitted()
        p, q, v = self.params_.to_numpy()
        return float(v * p / (q - 1)) if q > 1 else float("nan")

    def expected_spend(self, summary: pd.DataFrame) -> pd.Series:
        """E[mean spend per purchase | frequency, monetary value] per customer; one-time
        buyers get the population mean."""
        self._check_fitted()
        x, _, _, m = _rfm_arrays(summary, need_monetary=True)
        p, q, v = self.params_.to_numpy()
        if q <= 1:
            raise ModelError("Gamma-Gamma: q <= 1, expected spend is undefined; refit with "
                             "a penalizer or more repeat buyers.")
        wgt = p * x / (p * x + q - 1)
        vals = (1 - wgt) * (v * p / (q - 1)) + wgt * np.where(x > 0, m, 0.0)
        return pd.Series(vals, index=summary.index, name="expected_spend")

    def customer_lifetime_value(self, transaction_model: _RepeatPurchaseModel,
                                summary: pd.DataFrame, *, horizon_days: int = 364,
                                annual_discount_rate: float = 0.0, margin: float = 1.0,
                                step_days: float | None = None,
                                time_unit: str | None = None) -> pd.Series:
        """Discounted expected value of each customer's purchases over ``horizon_days``.

        Parameters
        ----------
        transaction_model : fitted BetaGeoModel / ParetoNBDModel / ModifiedBetaGeoModel
        summary : DataFrame from ``rfm_summary`` (same time unit as the models).
        horizon_days : int, default 364
            Days after the end of the summary to value (364 = 52 weeks).
        annual_discount_rate : float, default 0
            Yearly discount rate of future cash flows, 0 <= r < 1 (0.10 = 10 % a year);
            a day's cash flow is discounted by ``(1 + r) ** (days / 365.25)``.
        margin : float, default 1
            Profit margin applied to spend, 0 < margin <= 1 (1 = revenue).
        step_days : float, optional
            Cash flows are counted (and discounted) at the end of each step of this many
            days. Default: one month (30.4375 days); without discounting the whole
            horizon is one step (the result does not depend on the step then).
        time_unit : {"D", "W", "M"}, optional
            The summary's time unit; default ``summary.attrs["time_unit"]`` (set by
            :func:`rfm_summary`), else the model's.

        CLV = margin * E[spend] * sum_k (E[X(k step)] - E[X((k-1) step)]) / (1+d)^(k step).

        Examples
        --------
        >>> gg.customer_lifetime_value(bg, summary, horizon_days=364)  # doctest: +SKIP
        """
        self._check_fitted()
        transaction_model._check_fitted()
        horizon_days = check_number(horizon_days, "horizon_days", low=1, integer=True)
        rate = check_number(annual_discount_rate, "annual_discount_rate", low=0, high=1,
                            high_open=True)
        margin = check_number(margin, "margin", low=0, high=1, low_open=True)
        step_days = check_number(step_days, "step_days", low=0, low_open=True,
                                 allow_none=True)
        unit_days = TIME_UNITS[_summary_unit(summary, transaction_model, time_unit)]
        horizon = horizon_days / unit_days
        per_unit = (1 + rate) ** (unit_days / 365.25) - 1
        if step_days is not None:
            step = step_days / unit_days
        else:
            step = horizon if per_unit == 0 else TIME_UNITS["M"] / unit_days
        spend = self.expected_spend(summary).to_numpy()
        x, tx, T = _rfm_arrays(summary)
        (ux, utx, uT), _, inv = _compress(x, tx, T)
        # every step up to the one that reaches the horizon, the last one cut at it
        times = step * np.arange(1, max(1, int(np.ceil(horizon / step - 1e-9))) + 1)
        times[-1] = min(times[-1], horizon)
        total = np.zeros(len(ux))
        prev = np.zeros(len(ux))
        with np.errstate(all="ignore"):
            for tk in times:
                cur = transaction_model._cond_exp(float(tk), ux, utx, uT)
                total += (cur - prev) / (1 + per_unit) ** tk
                prev = cur
        vals = margin * spend * total[inv]
        return pd.Series(np.maximum(vals, 0.0), index=summary.index, name="clv")


def customer_value(transaction_model: _RepeatPurchaseModel, spend_model: GammaGammaModel,
                   summary: pd.DataFrame, *, horizon_days: int = 364,
                   annual_discount_rate: float = 0.0, margin: float = 1.0,
                   step_days: float | None = None,
                   time_unit: str | None = None) -> pd.DataFrame:
    """One table per customer: RFM, P(alive), expected purchases and spend, and CLV over
    the next ``horizon_days``, sorted by CLV descending.

    The arguments are those of :meth:`GammaGammaModel.customer_lifetime_value`.

    Examples
    --------
    >>> customer_value(bgf, ggf, summary, horizon_days=364)         # doctest: +SKIP
    """
    clv = spend_model.customer_lifetime_value(
        transaction_model, summary, horizon_days=horizon_days,
        annual_discount_rate=annual_discount_rate, margin=margin, step_days=step_days,
        time_unit=time_unit)
    unit_days = TIME_UNITS[_summary_unit(summary, transaction_model, time_unit)]
    out = summary[[c for c in ("frequency", "recency", "T", "monetary_value")
                   if c in summary.columns]].copy()
    out["p_alive"] = transaction_model.probability_alive(summary)
    out["expected_purchases"] = transaction_model.expected_purchases(
        horizon_days / unit_days, summary)
    out["expected_spend"] = spend_model.expected_spend(summary)
    out["clv"] = clv
    return out.sort_values("clv", ascending=False, kind="stable")


def value_tiers(table: pd.DataFrame | pd.Series, *, shares: tuple[float, ...] = (0.2, 0.3, 0.5),
                labels: tuple[str, ...] | None = None, column: str = "clv") -> pd.DataFrame:
    """Rank customers by CLV and cut them into tiers of the given customer shares.

    Parameters
    ----------
    table : DataFrame from :func:`customer_value` (or a Series of CLV).
    shares : shares of customers per tier, from the most valuable down; must sum to 1.
        The default (20% / 30% / 50%) is the classic top / middle / base split.
    labels : tier names; default "top 20%", "next 30%", "bottom 50%".

    Returns a DataFrame indexed by tier with ``customers``, ``share_customers``,
    ``clv_total``, ``share_clv``, ``clv_mean``, ``clv_min`` and, when present in
    ``table``, the mean ``p_alive``, ``expected_purchases`` and ``expected_spend``.
    ``attrs["tier"]`` holds each customer's tier (a Series).

    Examples
    --------
    >>> v = pd.Series([100.0, 50, 10, 5, 1], index=pd.Index(list("abcde"), name="customer_id"))
    >>> value_tiers(v, shares=(0.2, 0.8))[["customers", "share_clv"]].round(3)  # doctest: +NORMALIZE_WHITESPACE
                customers  share_clv
    tier
    top 20%             1      0.602
    bottom 80%          4      0.398
    """
    df = table.to_frame(column) if isinstance(table, pd.Series) else table
    if column not in df.columns:
        raise DataError(f"value_tiers: no {column!r} column; pass customer_value(...) output.")
    shares_arr = np.asarray([check_number(v, "shares", low=0, high=1, low_open=True)
                             for v in np.atleast_1d(np.asarray(shares, dtype=object))])
    if len(shares_arr) == 0 or abs(shares_arr.sum() - 1) > 1e-9:
        raise ModelError(f"shares: {shares} must be positive shares that sum to 1.")
    if labels is None:
        cum = np.cumsum(shares_arr)
        labels = tuple(
            [f"top {shares_arr[0]:.0%}"]
            + [f"next {s:.0%}" for s in shares_arr[1:-1]]
            + ([f"bottom {shares_arr[-1]:.0%}"] if len(shares_arr) > 1 else [])
        )[: len(cum)]
    if len(labels) != len(shares_arr):
        raise ModelError(f"labels: {len(labels)} labels for {len(shares_arr)} shares; give one "
                         "label per share.")
    order = df[column].sort_values(ascending=False, kind="stable")
    n = len(order)
    bounds = np.r_[0, np.round(np.cumsum(shares_arr) * n).astype(int)]
    codes = np.searchsorted(bounds[1:], np.arange(n), side="right")
    tier = pd.Series(pd.Categorical.from_codes(codes, categories=list(labels), ordered=True),
                     index=order.index, name="tier").reindex(df.index)
    work = df.assign(tier=tier)
    agg = {"customers": (column, "size"), "clv_total": (column, "sum"),
           "clv_mean": (column, "mean"), "clv_min": (column, "min")}
    for c in ("p_alive", "expected_purchases", "expected_spend"):
        if c in work.columns:
            agg[c] = (c, "mean")
    out = work.groupby("tier", observed=False).agg(**agg)
    out.insert(1, "share_customers", out["customers"] / max(n, 1))
    out.insert(3, "share_clv", out["clv_total"] / max(df[column].sum(), 1e-12))
    out.attrs["tier"] = tier
    return out


def win_back_list(customers: pd.DataFrame, *, max_p_alive: float = 0.5,
                  min_frequency: int = 2) -> pd.DataFrame:
    """Customers who bought repeatedly but now look inactive: a win-back list.

    Keeps the rows with ``p_alive < max_p_alive`` and ``frequency >= min_frequency``
    (``frequency`` counts *repeat* purchases, so the default 2 means three orders or
    more), in the order of ``customers``.

    Parameters
    ----------
    customers : DataFrame with ``p_alive`` and ``frequency`` columns, e.g. from
        :func:`customer_value` or ``analyse_clv(...).customers``.
    max_p_alive : customers with a chance of still being active below this are listed.
    min_frequency : fewest repeat purchases for a customer to be listed.

    Examples
    --------
    >>> c = pd.DataFrame({"frequency": [5, 2, 1, 3], "p_alive": [0.2, 0.49, 0.1, 0.5]},
    ...                  index=pd.Index([11, 12, 13, 14], name="customer_id"))
    >>> win_back_list(c)  # doctest: +NORMALIZE_WHITESPACE
                 frequency  p_alive
    customer_id
    11                   5     0.20
    12                   2     0.49
    """
    missing = [c for c in ("p_alive", "frequency") if c not in customers.columns]
    if missing:
        raise DataError(f"customers: no {', '.join(missing)} column; pass customer_value(...) "
                        "or analyse_clv(...).customers.")
    check_number(max_p_alive, "max_p_alive", low=0, high=1, low_open=True)
    check_number(min_frequency, "min_frequency", low=0, integer=True)
    keep = (customers["p_alive"] < max_p_alive) & (customers["frequency"] >= min_frequency)
    return customers[keep]
