"""Customer lifetime value: RFM summary, calibration/holdout split, BG/NBD, Pareto/NBD,
MBG/NBD and Gamma-Gamma models, discounted CLV and model checking.

Conventions (those of ``lifetimes``, so results agree with it on the same input)
--------------------------------------------------------------------------------
* Timestamps are floored to the calendar day and all purchases of one customer
  on one day are merged into one purchase (amounts summed).
* ``frequency`` = number of *repeat* purchase days (purchase days - 1);
  ``recency`` = time from the first to the last purchase day; ``T`` = time
  from the first purchase day to the end of observation; ``monetary_value`` =
  mean amount of the repeat purchase days (0 for one-time buyers).
* Time units: ``"D"`` days, ``"W"`` = days / 7, ``"M"`` = days / 30.4375
  (mean Gregorian month). Weeks are *not* calendar weeks: the published CDNOW
  results use days / 7 (2,457 calibration repeat purchases; calendar weeks give
  2,248).

Models fit on compressed sufficient statistics: customers sharing the same
(frequency, recency, T) triple become one weighted row, which makes fits on
millions of customers take well under a second while giving the same
parameters as the uncompressed fit.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import integrate
from scipy.special import expit, gammaln, hyp2f1

from omnimkt.errors import DataError, ModelError, ModelWarning, examples

__all__ = [
    "TIME_UNITS",
    "rfm_summary",
    "calibration_holdout",
    "BetaGeoModel",
    "ParetoNBDModel",
    "ModifiedBetaGeoModel",
    "GammaGammaModel",
    "customer_value",
]

#: Days per time unit.
TIME_UNITS: dict[str, float] = {"D": 1.0, "W": 7.0, "M": 30.4375}

_NS_PER_DAY = 86_400 * 10**9


# --------------------------------------------------------------------------------------
# Data preparation
# --------------------------------------------------------------------------------------


def _days_per_unit(time_unit: str) -> float:
    try:
        return TIME_UNITS[time_unit]
    except KeyError:
        raise DataError(
            f"time_unit={time_unit!r} is not supported; use one of {sorted(TIME_UNITS)} "
            "('D' days, 'W' = days/7, 'M' = days/30.4375)."
        ) from None


def _canonical(transactions: pd.DataFrame, columns: Any = None, *, need_amount: bool = False
               ) -> pd.DataFrame:
    """Minimal checks; returns a frame with customer_id, timestamp (datetime64) [, amount]."""
    if not isinstance(transactions, pd.DataFrame):
        raise DataError(
            f"transactions must be a pandas DataFrame, got {type(transactions).__name__}."
        )
    df = transactions
    if columns is not None:
        if isinstance(columns, Mapping):
            from omnimkt.data.schema import Columns

            columns = Columns(dict(columns))
        df = columns.to_canonical(df)
    missing = [c for c in ("customer_id", "timestamp") if c not in df.columns]
    if need_amount and "amount" not in df.columns:
        missing.append("amount")
    if missing:
        raise DataError(
            f"transactions: missing column(s) {', '.join(missing)} (have: "
            f"{examples(df.columns, k=8)}). Rename them or pass columns=Columns(...)."
        )
    if len(df) == 0:
        raise DataError("transactions: the table is empty; give at least one purchase.")
    keep = ["customer_id", "timestamp"] + (["amount"] if "amount" in df.columns else [])
    out = df[keep]
    ts = out["timestamp"]
    if not pd.api.types.is_datetime64_any_dtype(ts):
        parsed = pd.to_datetime(ts, errors="coerce")
        bad = parsed.isna() & ts.notna()
        if bad.any():
            raise DataError(
                f"transactions.timestamp: {int(bad.sum())} rows cannot be read as dates "
                f"(e.g. {examples(ts[bad])}). Fix or drop them."
            )
        ts = parsed
    if isinstance(ts.dtype, pd.DatetimeTZDtype):
        ts = ts.dt.tz_convert(None)
    if ts.isna().any():
        raise DataError(
            f"transactions.timestamp: {int(ts.isna().sum())} rows have no timestamp. Drop them."
        )
    ids = out["customer_id"]
    if ids.isna().any():
        raise DataError(
            f"transactions.customer_id: {int(ids.isna().sum())} rows have no customer id. "
            "Drop them or fill the ids."
        )
    cols = {"customer_id": ids.to_numpy(), "timestamp": ts.to_numpy().astype("datetime64[ns]")}
    if "amount" in out.columns:
        amt = pd.to_numeric(out["amount"], errors="coerce")
        bad = amt.isna() & out["amount"].notna()
        if bad.any():
            raise DataError(
                f"transactions.amount: {int(bad.sum())} rows are not numbers "
                f"(e.g. {examples(out['amount'][bad])}). Clean them."
            )
        cols["amount"] = amt.fillna(0.0).to_numpy(dtype="float64")
    return pd.DataFrame(cols)


def _to_day(value: Any, name: str) -> np.int64:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise DataError(f"{name}={value!r} is not a date.") from None
    if ts.tzinfo is not None:
        ts = ts.tz_convert(None)
    return np.int64(ts.normalize().value // _NS_PER_DAY)


def _purchase_days(tx: pd.DataFrame, end_day: np.int64 | None = None,
                   start_day: np.int64 | None = None):
    """Merge same-day purchases. Returns (ids, cust_codes, days, amounts) sorted by customer, day.

    ``ids`` are the unique customer ids (sorted); ``cust_codes`` index into them.
    """
    days = tx["timestamp"].to_numpy().astype("datetime64[D]").astype(np.int64)
    mask = np.ones(len(days), dtype=bool)
    if end_day is not None:
        mask &= days <= end_day
    if start_day is not None:
        mask &= days > start_day
    codes, ids = pd.factorize(tx["customer_id"], sort=True)
    codes = codes[mask]
    days = days[mask]
    amount = tx["amount"].to_numpy()[mask] if "amount" in tx.columns else None
    if len(days) == 0:
        return ids, codes, days, amount
    dmin = days.min()
    span = np.int64(days.max() - dmin + 1)
    key = codes.astype(np.int64) * span + (days - dmin)
    ukey, inverse = np.unique(key, return_inverse=True)
    if amount is not None:
        amount = np.bincount(inverse, weights=amount, minlength=len(ukey))
    return ids, (ukey // span).astype(np.int64), ukey % span + dmin, amount


def _summarise(ids, cust, days, amount, end_day, unit_days) -> pd.DataFrame:
    n_ids = len(ids)
    counts = np.bincount(cust, minlength=n_ids)
    present = counts > 0
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    ends = starts + counts - 1
    first = np.where(present, days[np.minimum(starts, len(days) - 1)] if len(days) else 0, 0)
    last = np.where(present, days[np.clip(ends, 0, max(len(days) - 1, 0))] if len(days) else 0, 0)
    freq = (counts - 1)[present]
    out = pd.DataFrame(
        {
            "frequency": freq.astype(np.int64),
            "recency": (last - first)[present] / unit_days,
            "T": (end_day - first)[present] / unit_days,
        },
        index=pd.Index(np.asarray(ids)[present], name="customer_id"),
    )
    if amount is not None:
        total = np.bincount(cust, weights=amount, minlength=n_ids)
        first_amount = np.where(present, amount[np.minimum(starts, len(days) - 1)], 0.0)
        rep = (total - first_amount)[present]
        with np.errstate(invalid="ignore", divide="ignore"):
            out["monetary_value"] = np.where(freq > 0, rep / np.maximum(freq, 1), 0.0)
    return out


def rfm_summary(
    transactions: pd.DataFrame,
    *,
    observation_end: Any = None,
    time_unit: str = "W",
    columns: Any = None,
) -> pd.DataFrame:
    """Per-customer frequency, recency, T and monetary value (lifetimes conventions).

    Parameters
    ----------
    transactions : DataFrame
        Canonical transactions: ``customer_id``, ``timestamp`` and (optionally)
        ``amount``. Row order does not matter.
    observation_end : date-like, optional
        End of observation (inclusive, whole day); purchases after it are ignored
        and customers whose first purchase is after it are left out. Defaults to
        the last purchase day.
    time_unit : {"D", "W", "M"}
        Days, weeks (days / 7) or months (days / 30.4375).
    columns : Columns or mapping, optional
        Your column names (``Columns(customer_id="member_no")``).

    Returns
    -------
    DataFrame indexed by ``customer_id`` with ``frequency`` (int), ``recency``,
    ``T`` and, when ``amount`` is given, ``monetary_value``. ``attrs`` holds
    ``time_unit`` and ``observation_end``.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-15", "2025-01-08"]),
    ...     "amount": [5.0, 5.0, 20.0, 7.0]})
    >>> rfm_summary(tx, observation_end="2025-01-29")
                 frequency  recency    T  monetary_value
    customer_id
    1                    1      2.0  4.0            20.0
    2                    0      0.0  3.0             0.0
    """
    unit = _days_per_unit(time_unit)
    tx = _canonical(transactions, columns)
    last_day = np.int64(tx["timestamp"].max().value // _NS_PER_DAY)
    end_day = last_day if observation_end is None else _to_day(observation_end, "observation_end")
    first_day = np.int64(tx["timestamp"].min().value // _NS_PER_DAY)
    if end_day < first_day:
        raise DataError(
            f"observation_end={pd.Timestamp(observation_end).date()} is before the first "
            f"purchase ({pd.Timestamp(first_day, unit='D').date()}) in transactions.timestamp; "
            "choose a later date."
        )
    ids, cust, days, amount = _purchase_days(tx, end_day=end_day)
    out = _summarise(ids, cust, days, amount, end_day, unit)
    out.attrs.update(time_unit=time_unit,
                     observation_end=pd.Timestamp(int(end_day), unit="D"))
    return out


def calibration_holdout(
    transactions: pd.DataFrame,
    calibration_end: Any,
    observation_end: Any = None,
    *,
    time_unit: str = "W",
    columns: Any = None,
) -> pd.DataFrame:
    """Split transactions at a cut-off: RFM summary of the calibration period and
    repeat purchases in the holdout period, for customers seen in calibration.

    Returns a DataFrame indexed by ``customer_id`` with ``frequency_cal``,
    ``recency_cal``, ``T_cal``, ``monetary_value_cal`` (with amounts),
    ``frequency_holdout`` (purchase days in the holdout, same-day merged),
    ``monetary_value_holdout`` (mean amount per holdout purchase day, 0 if none)
    and ``duration_holdout``. Both ends are inclusive whole days.

    Raises DataError when the cut-off is not strictly inside the data.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-15", "2025-02-01", "2025-01-08"]),
    ...     "amount": [5.0, 20.0, 9.0, 7.0]})
    >>> calibration_holdout(tx, "2025-01-22", "2025-02-05")[["frequency_cal", "frequency_holdout"]]
                 frequency_cal  frequency_holdout
    customer_id
    1                        1                  1
    2                        0                  0
    """
    unit = _days_per_unit(time_unit)
    tx = _canonical(transactions, columns)
    first_day = np.int64(tx["timestamp"].min().value // _NS_PER_DAY)
    last_day = np.int64(tx["timestamp"].max().value // _NS_PER_DAY)
    cal_day = _to_day(calibration_end, "calibration_end")
    obs_day = last_day if observation_end is None else _to_day(observation_end, "observation_end")
    fmt = lambda d: pd.Timestamp(int(d), unit="D").date()  # noqa: E731
    if cal_day < first_day or cal_day >= last_day:
        raise DataError(
            f"calibration_end={fmt(cal_day)} is outside transactions.timestamp "
            f"({fmt(first_day)} .. {fmt(last_day)}): the cut-off must leave purchases on both "
            "sides. Choose a date inside the data."
        )
    if obs_day <= cal_day:
        raise DataError(
            f"observation_end={fmt(obs_day)} must be after calibration_end={fmt(cal_day)}."
        )
    ids, cust, days, amount = _purchase_days(tx, end_day=cal_day)
    cal = _summarise(ids, cust, days, amount, cal_day, unit)
    cal.columns = [f"{c}_cal" for c in cal.columns]
    h_ids, h_cust, h_days, h_amount = _purchase_days(tx, end_day=obs_day, start_day=cal_day)
    # ids from factorize(sort=True) are the same in both calls: codes index the same ids.
    n = np.bincount(h_cust, minlength=len(h_ids))
    freq_h = pd.Series(n, index=pd.Index(np.asarray(h_ids), name="customer_id"))
    cal["frequency_holdout"] = freq_h.reindex(cal.index).to_numpy().astype(np.int64)
    if h_amount is not None:
        tot = np.bincount(h_cust, weights=h_amount, minlength=len(h_ids))
        with np.errstate(invalid="ignore", divide="ignore"):
            mv = np.where(n > 0, tot / np.maximum(n, 1), 0.0)
        cal["monetary_value_holdout"] = pd.Series(mv, index=freq_h.index).reindex(
            cal.index).to_numpy()
    cal["duration_holdout"] = float(obs_day - cal_day) / unit
    cal.attrs.update(time_unit=time_unit,
                     calibration_end=pd.Timestamp(int(cal_day), unit="D"),
                     observation_end=pd.Timestamp(int(obs_day), unit="D"))
    return cal


# --------------------------------------------------------------------------------------
# Shared model machinery
# --------------------------------------------------------------------------------------


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


def _compress(*arrays: np.ndarray):
    """Unique rows and counts of stacked arrays; returns (unique columns, weights, inverse)."""
    stacked = np.column_stack(arrays)
    uniq, inverse, counts = np.unique(stacked, axis=0, return_inverse=True, return_counts=True)
    return [uniq[:, i] for i in range(uniq.shape[1])], counts.astype(np.float64), inverse.ravel()


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


class _Result:
    """Mixin giving ``summary`` based repr / HTML / markdown."""

    def _summary_title(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        if not hasattr(self, "params_"):
            return f"{type(self).__name__}(not fitted)"
        return f"{self._summary_title()}\n{self.summary.round(4).to_string()}"

    def _repr_html_(self) -> str:
        if not hasattr(self, "params_"):
            return f"<p>{type(self).__name__} (not fitted)</p>"
        return f"<p><b>{self._summary_title()}</b></p>" + self.summary.round(4).to_html()

    def to_markdown(self) -> str:
        self._check_fitted()
        return f"**{self._summary_title()}**\n\n" + self.summary.round(4).to_markdown()

    def _check_fitted(self) -> None:
        if not hasattr(self, "params_"):
            raise ModelError(
                f"{type(self).__name__} is not fitted yet; call .fit(summary) first."
            )


def _quiet_fit(fn, model_name: str):
    """Run a lifetimes fit without its prints; turn its ConvergenceError into ModelError."""
    from lifetimes.utils import ConvergenceError

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


class _RepeatPurchaseModel(_Result):
    """Common code of BG/NBD, MBG/NBD and Pareto/NBD."""

    _param_names: tuple[str, ...] = ()
    _label = ""

    def __init__(self, penalizer: float = 0.0, *, max_iter: int | None = None,
                 tol: float = 1e-7) -> None:
        self.penalizer = penalizer
        self.max_iter = max_iter
        self.tol = tol

    # -- fitting ---------------------------------------------------------------------
    def fit(self, summary: pd.DataFrame, weights: Any = None):
        """Fit on an RFM summary (``rfm_summary`` or the ``_cal`` columns of
        ``calibration_holdout``); customers sharing (frequency, recency, T) are fitted
        as one weighted row. Returns ``self``."""
        x, tx, T = _rfm_arrays(summary)
        w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
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
        (ux, utx, uT), uw, _ = _compress(x, tx, T)
        if weights is not None:
            uw = np.bincount(_compress(x, tx, T)[2], weights=w)
        self.n_customers_ = int(round(w.sum()))
        self.n_patterns_ = len(ux)
        self.time_unit_ = summary.attrs.get("time_unit")
        log_params = self._fit_lifetimes(ux, utx, uT, uw)
        params = np.exp(log_params)

        def negll(lp):
            return -self._loglik(np.exp(lp), ux, utx, uT, uw)

        H = _numeric_hessian(negll, log_params)
        self.params_ = pd.Series(params, index=list(self._param_names), dtype=float)
        self.log_likelihood_ = float(-negll(log_params))
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
        return self._table

    def _summary_title(self) -> str:
        return (f"{self._label} fitted on {self.n_customers_:,} customers "
                f"({self.n_patterns_:,} patterns), log-likelihood {self.log_likelihood_:.2f}")

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
        """Expected number of purchases in the next ``t`` time units, per customer."""
        t = float(t)
        return self._predict_frame(summary, lambda x, tx, T: self._cond_exp(t, x, tx, T),
                                   "expected_purchases")

    def probability_no_purchase(self, t: float, summary: pd.DataFrame) -> pd.Series:
        """P(no purchase at all in the next ``t`` time units | history), per customer."""
        t = float(t)
        return self._predict_frame(summary, lambda x, tx, T: self._p_zero(t, x, tx, T),
                                   "p_no_purchase")

    def expected_population_purchases(self, t: Any) -> pd.Series:
        """Expected repeat purchases in ``t`` time units since the first purchase, for a
        randomly chosen new customer (unconditional E[X(t)])."""
        self._check_fitted()
        ts = np.atleast_1d(np.asarray(t, dtype=float))
        return pd.Series(self._uncond_exp(ts), index=pd.Index(ts, name="t"),
                         name="expected_purchases")

    def probability_alive_matrix(self, max_frequency: int = 20, max_recency: float | None = None,
                                 T: float | None = None) -> pd.DataFrame:
        """P(alive) for customers of age ``T`` by frequency (columns) and recency (rows)."""
        self._check_fitted()
        T = float(T if T is not None else (max_recency if max_recency is not None else 52))
        rec = np.arange(0, int(np.floor(max_recency if max_recency is not None else T)) + 1,
                        dtype=float)
        freqs = np.arange(0, max_frequency + 1, dtype=float)
        X, R = np.meshgrid(freqs, rec)
        R = np.where(X == 0, 0.0, R)
        vals = self._p_alive(X.ravel(), R.ravel(), np.full(X.size, T)).reshape(X.shape)
        return pd.DataFrame(vals, index=pd.Index(rec, name="recency"),
                            columns=pd.Index(freqs.astype(int), name="frequency"))

    def expected_purchases_matrix(self, t: float, max_frequency: int = 20,
                                  max_recency: float | None = None,
                                  T: float | None = None) -> pd.DataFrame:
        """Expected purchases in the next ``t`` by frequency (columns) and recency (rows)."""
        self._check_fitted()
        T = float(T if T is not None else (max_recency if max_recency is not None else 52))
        rec = np.arange(0, int(np.floor(max_recency if max_recency is not None else T)) + 1,
                        dtype=float)
        freqs = np.arange(0, max_frequency + 1, dtype=float)
        X, R = np.meshgrid(freqs, rec)
        R = np.where(X == 0, 0.0, R)
        vals = self._cond_exp(float(t), X.ravel(), R.ravel(),
                              np.full(X.size, T)).reshape(X.shape)
        return pd.DataFrame(vals, index=pd.Index(rec, name="recency"),
                            columns=pd.Index(freqs.astype(int), name="frequency"))

    # subclasses implement: _fit_lifetimes, _loglik, _p_alive, _cond_exp, _p_zero, _uncond_exp


class _BetaGeoFamily(_RepeatPurchaseModel):
    _param_names = ("r", "alpha", "a", "b")
    _modified = False

    def _fitter(self):
        from lifetimes import BetaGeoFitter, ModifiedBetaGeoFitter

        cls = ModifiedBetaGeoFitter if self._modified else BetaGeoFitter
        return cls(penalizer_coef=self.penalizer)

    def _fit_lifetimes(self, x, tx, T, w) -> np.ndarray:
        fitter = self._fitter()
        kwargs = {} if self.max_iter is None else {"maxiter": self.max_iter}
        _quiet_fit(lambda: fitter.fit(x, tx, T, weights=w, tol=self.tol, **kwargs), self._label)
        return np.log(fitter.params_[list(self._param_names)].to_numpy(dtype=float))

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
        z = t / (alpha + T + t)
        if self._modified:
            A, B, C = r + x, b + x + 1, a + b + x
            first = (a + b + x) / (a - 1)
        else:
            A, B, C = r + x, b + x, a + b + x - 1
            first = (a + b + x - 1) / (a - 1)
        log_h = _log_hyp2f1(A, B, C, z)
        second = -np.expm1(log_h + (r + x) * np.log((alpha + T) / (alpha + t + T)))
        return first * second * self._p_alive(x, tx, T)

    def _p_zero(self, t, x, tx, T):
        # Alive at T with prob P(alive); an alive customer's rate has posterior
        # Gamma(r + x, alpha + T), and no purchase means no drop-out chance either, so
        # P(0 in (T, T+t] | alive) = ((alpha+T)/(alpha+T+t))^(r+x) (Fader, Hardie & Lee 2005).
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
    penalizer : float
        L2 penalty on the parameters (lifetimes' ``penalizer_coef``); 0 reproduces the paper.
    max_iter : int, optional
        Iteration cap of the optimiser.
    tol : float
        Optimiser tolerance.

    Examples
    --------
    >>> from omnimkt.clv import BetaGeoModel, rfm_summary
    >>> model = BetaGeoModel().fit(summary)                          # doctest: +SKIP
    >>> model.probability_alive(summary).head()                       # doctest: +SKIP
    """

    _label = "BG/NBD"


class ModifiedBetaGeoModel(_BetaGeoFamily):
    """MBG/NBD model (Batislam et al. 2007): as BG/NBD, but a customer may also drop out
    right after the first purchase, so one-time buyers are not assumed alive."""

    _label = "MBG/NBD"
    _modified = True


class ParetoNBDModel(_RepeatPurchaseModel):
    """Pareto/NBD model (Schmittlein, Morrison & Colombo 1987): Poisson purchases with
    Gamma(r, alpha) rates, exponential lifetimes with Gamma(s, beta) drop-out rates.

    Predictions use our own log-space likelihood: lifetimes' closed form can return NaN
    with scipy >= 1.16 (hyp2f1 overflow when recency == T and frequency is large); rows
    where the closed form is not finite are recomputed by numerical integration.
    """

    _param_names = ("r", "alpha", "s", "beta")
    _label = "Pareto/NBD"

    def __init__(self, penalizer: float = 0.0, *, max_iter: int | None = None,
                 tol: float = 1e-7) -> None:
        super().__init__(penalizer, max_iter=max_iter, tol=tol)

    def _fit_lifetimes(self, x, tx, T, w) -> np.ndarray:
        from lifetimes import ParetoNBDFitter

        fitter = ParetoNBDFitter(penalizer_coef=self.penalizer)
        maxiter = 4000 if self.max_iter is None else self.max_iter
        # Deterministic start (lifetimes draws a random one otherwise).
        _quiet_fit(lambda: fitter.fit(x, tx, T, weights=w, initial_params=np.ones(4),
                                      tol=1e-10, maxiter=maxiter), self._label)
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
        return res.x if res.fun <= nll(start) else start

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


# --------------------------------------------------------------------------------------
# Gamma-Gamma spend model and CLV
# --------------------------------------------------------------------------------------


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
        from lifetimes import GammaGammaFitter

        fitter = GammaGammaFitter(penalizer_coef=self.penalizer)
        kwargs = {} if self.max_iter is None else {"maxiter": self.max_iter}
        _quiet_fit(lambda: fitter.fit(ux, um, weights=uw, tol=self.tol, **kwargs), "Gamma-Gamma")
        lp = np.log(fitter.params_[["p", "q", "v"]].to_numpy(dtype=float))

        def negll(v):
            return -self._loglik(np.exp(v), ux, um, uw)

        self.params_ = pd.Series(np.exp(lp), index=list(self._param_names), dtype=float)
        self.log_likelihood_ = float(-negll(lp))
        self.n_customers_ = int(rep.sum())
        self._table = _param_table(self._param_names, np.exp(lp), _numeric_hessian(negll, lp))
        if self.params_["q"] <= 1:
            warnings.warn("Gamma-Gamma: q <= 1, so the population mean spend is undefined; "
                          "expected spend of one-time buyers will be unreliable.",
                          ModelWarning, stacklevel=2)
        return self

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
                                discount_rate: float = 0.0, *, step: float = 1.0,
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
        step : float
            Cash flows are counted at the end of each ``step`` time units.
        margin : float
            Profit margin applied to spend (1 = revenue).

        CLV = margin * E[spend] * sum_k (E[X(k step)] - E[X((k-1) step)]) / (1+d)^(k step).
        """
        self._check_fitted()
        transaction_model._check_fitted()
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
