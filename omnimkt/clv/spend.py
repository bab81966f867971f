"""Gamma-Gamma spend model, discounted CLV and the per-customer value table."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import gammaln

from omnimkt.clv._base import (
    COARSE_PATTERNS,
    _compress,
    _param_table,
    _polish,
    _quiet_fit,
    _Result,
    _rfm_arrays,
    _subsample,
    lifetimes_module,
)
from omnimkt.clv.models import _RepeatPurchaseModel
from omnimkt.clv.summary import TIME_UNITS
from omnimkt.errors import DataError, ModelError, ModelWarning, examples

__all__ = ["GammaGammaModel", "customer_value", "value_tiers", "win_back_list"]


class GammaGammaModel(_Result):
    """Gamma-Gamma model of the mean spend per repeat purchase (Fader, Hardie & Lee 2005,
    Fader & Hardie note 025). Parameters p, q, v (the note's gamma).

    Fitted on repeat buyers only (frequency > 0). The model assumes spend is independent
    of purchase frequency: ``independence_corr_`` is the Pearson correlation of frequency
    and monetary value among repeat buyers (a ModelWarning is raised when |corr| > 0.3).

    Examples
    --------
    >>> gg = GammaGammaModel().fit(summary)                           # doctest: +SKIP
    >>> gg.expected_spend(summary)                                    # doctest: +SKIP
    """

    _param_names = ("p", "q", "v")

    def __init__(self, penalizer: float = 0.0, *, max_iter: int | None = None,
                 tol: float = 1e-7, corr_threshold: float = 0.3) -> None:
        self.penalizer = penalizer
        self.max_iter = max_iter
        self.tol = tol
        self.corr_threshold = corr_threshold

    def fit(self, summary: pd.DataFrame):
        """Fit on an RFM summary with ``monetary_value`` (repeat buyers are used)."""
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
        out = self._table.copy()
        out.attrs["independence_corr"] = self.independence_corr_
        return out

    def _summary_title(self) -> str:
        return (f"Gamma-Gamma fitted on {self.n_customers_:,} repeat buyers, log-likelihood "
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
                                summary: pd.DataFrame, horizon: float = 52.0,
                                discount_rate: float = 0.0, *, step: float | None = None,
                                margin: float = 1.0) -> pd.Series:
        """Discounted expected value of each customer's purchases over ``horizon``.

        Parameters
        ----------
        transaction_model : fitted BetaGeoModel / ParetoNBDModel / ModifiedBetaGeoModel
        summary : DataFrame from ``rfm_summary`` (same time unit as the models).
        horizon : float
            Length of the future window, in the summary's time unit (52 = one year in weeks).
        discount_rate : float
            Discount rate *per time unit* (weekly rate for weeks; an annual rate ``R``
            is ``(1 + R) ** (1 / 52) - 1`` per week).
        step : float, optional
            Cash flows are counted (and discounted) at the end of each ``step`` time units.
            Default: one month (30.4375 days) in the summary's time unit, or ``horizon / 12``
            when the unit is unknown; without discounting the whole horizon is one step
            (the result does not depend on the step then).
        margin : float
            Profit margin applied to spend (1 = revenue).

        CLV = margin * E[spend] * sum_k (E[X(k step)] - E[X((k-1) step)]) / (1+d)^(k step).
        """
        self._check_fitted()
        transaction_model._check_fitted()
        if step is None:
            unit = summary.attrs.get("time_unit")
            step = (horizon if discount_rate == 0 else
                    TIME_UNITS["M"] / TIME_UNITS[unit] if unit in TIME_UNITS else horizon / 12)
        if horizon <= 0 or step <= 0:
            raise ModelError("horizon and step must be positive.")
        if discount_rate < 0:
            raise ModelError("discount_rate must be >= 0.")
        spend = self.expected_spend(summary).to_numpy()
        x, tx, T = _rfm_arrays(summary)
        (ux, utx, uT), _, inv = _compress(x, tx, T)
        times = np.arange(step, horizon + step / 2, step)
        times[-1] = min(times[-1], horizon)
        total = np.zeros(len(ux))
        prev = np.zeros(len(ux))
        with np.errstate(all="ignore"):
            for tk in times:
                cur = transaction_model._cond_exp(float(tk), ux, utx, uT)
                total += (cur - prev) / (1 + discount_rate) ** tk
                prev = cur
        vals = margin * spend * total[inv]
        return pd.Series(np.maximum(vals, 0.0), index=summary.index, name="clv")


def customer_value(transaction_model: _RepeatPurchaseModel, spend_model: GammaGammaModel,
                   summary: pd.DataFrame, horizon: float = 52.0, discount_rate: float = 0.0,
                   **kwargs: Any) -> pd.DataFrame:
    """One table per customer: RFM, P(alive), expected purchases and spend, and CLV over
    ``horizon`` (in the summary's time unit), sorted by CLV descending.

    Examples
    --------
    >>> customer_value(bgf, ggf, summary, horizon=52)               # doctest: +SKIP
    """
    out = summary[[c for c in ("frequency", "recency", "T", "monetary_value")
                   if c in summary.columns]].copy()
    out["p_alive"] = transaction_model.probability_alive(summary)
    out["expected_purchases"] = transaction_model.expected_purchases(horizon, summary)
    out["expected_spend"] = spend_model.expected_spend(summary)
    out["clv"] = spend_model.customer_lifetime_value(transaction_model, summary, horizon,
                                                     discount_rate, **kwargs)
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
    shares_arr = np.asarray(shares, dtype=float)
    if (shares_arr <= 0).any() or abs(shares_arr.sum() - 1) > 1e-9:
        raise DataError(f"value_tiers: shares {shares} must be positive and sum to 1.")
    if labels is None:
        cum = np.cumsum(shares_arr)
        labels = tuple(
            [f"top {shares_arr[0]:.0%}"]
            + [f"next {s:.0%}" for s in shares_arr[1:-1]]
            + ([f"bottom {shares_arr[-1]:.0%}"] if len(shares_arr) > 1 else [])
        )[: len(cum)]
    if len(labels) != len(shares_arr):
        raise DataError("value_tiers: give one label per share.")
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
    if not 0 < max_p_alive <= 1:
        raise DataError(f"win_back_list: max_p_alive={max_p_alive} must be in (0, 1].")
    if min_frequency < 0:
        raise DataError(f"win_back_list: min_frequency={min_frequency} must be 0 or more.")
    keep = (customers["p_alive"] < max_p_alive) & (customers["frequency"] >= min_frequency)
    return customers[keep]
