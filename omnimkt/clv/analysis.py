"""One call from transactions to customer lifetime values: model choice, spend model,
per-customer values and value tiers (used by the CLV notebook and the report)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import check_choice, check_number
from omnimkt._result import Result
from omnimkt.clv.models import (
    BetaGeoModel,
    ModifiedBetaGeoModel,
    ParetoNBDModel,
    _RepeatPurchaseModel,
)
from omnimkt.clv.spend import GammaGammaModel, customer_value, value_tiers
from omnimkt.clv.summary import rfm_summary
from omnimkt.errors import ModelError

__all__ = ["CLVResult", "analyse_clv", "select_model", "MODELS"]

#: Repeat-purchase models by name.
MODELS: dict[str, type[_RepeatPurchaseModel]] = {
    "BG/NBD": BetaGeoModel,
    "MBG/NBD": ModifiedBetaGeoModel,
    "Pareto/NBD": ParetoNBDModel,
}


def select_model(summary: pd.DataFrame, candidates: tuple[str, ...] = tuple(MODELS)
                 ) -> tuple[_RepeatPurchaseModel, pd.DataFrame]:
    """Fit the candidate models and return the one with the lowest BIC, with a table of
    log-likelihood, AIC and BIC per model (all have four parameters, so the ranking is
    that of the likelihood). Candidates that fail to converge are listed with NaN.

    Examples
    --------
    >>> model, table = select_model(summary, ("BG/NBD", "MBG/NBD"))  # doctest: +SKIP
    """
    if isinstance(candidates, str) or not candidates:
        raise ModelError(f"candidates: give a tuple of model names from {list(MODELS)}, got "
                         f"{candidates!r}.")
    for name in candidates:
        check_choice(name, "candidates", tuple(MODELS))
    rows, fitted = {}, {}
    n = len(summary)
    last_error: ModelError | None = None
    for name in candidates:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                m = MODELS[name]().fit(summary)
        except ModelError as exc:
            last_error = exc
            rows[name] = {"log_likelihood": np.nan, "aic": np.nan, "bic": np.nan}
            continue
        k = len(m.params_)
        rows[name] = {"log_likelihood": m.log_likelihood_, "aic": 2 * k - 2 * m.log_likelihood_,
                      "bic": k * np.log(n) - 2 * m.log_likelihood_}
        fitted[name] = m
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("model")
    if not fitted:
        raise ModelError(f"no repeat-purchase model could be fitted to this data: {last_error}")
    best = table["bic"].idxmin()
    table["chosen"] = table.index == best
    return fitted[best], table


@dataclass(repr=False)
class CLVResult(Result):
    """Customer lifetime values and how they were obtained.

    Attributes
    ----------
    customers : DataFrame indexed by customer_id (frequency, recency, T,
        monetary_value, p_alive, expected_purchases, expected_spend, clv, tier),
        sorted by CLV.
    tiers : DataFrame of value tiers (see :func:`value_tiers`).
    model, spend_model : the fitted repeat-purchase and Gamma-Gamma models.
    comparison : the model choice table (see :func:`select_model`).
    horizon_days : future window in days; annual_discount_rate : the discount rate used.
    notes : plain-language notes (assumption checks, customers left out of the spend fit).
    """

    customers: pd.DataFrame
    tiers: pd.DataFrame
    model: _RepeatPurchaseModel
    spend_model: GammaGammaModel
    comparison: pd.DataFrame
    horizon_days: int
    annual_discount_rate: float
    notes: list[str] = field(default_factory=list)

    title = "Customer lifetime value"

    def _settings(self) -> str:
        return (f"{self.model._label}, next {self.horizon_days:,} days, annual discount rate "
                f"{self.annual_discount_rate:.0%}")

    @property
    def summary(self) -> pd.DataFrame:
        """Key figures as a one-column table."""
        c = self.customers
        top = self.tiers.iloc[0]
        figures = {
            "customers": len(c),
            "model": self.model._label,
            "horizon (days)": self.horizon_days,
            "annual discount rate": self.annual_discount_rate,
            "total CLV": float(c["clv"].sum()),
            "mean CLV": float(c["clv"].mean()),
            "median CLV": float(c["clv"].median()),
            f"share of CLV, {top.name}": float(top["share_clv"]),
            "expected purchases": float(c["expected_purchases"].sum()),
            "customers with P(alive) < 0.5": int((c["p_alive"] < 0.5).sum()),
            "corr(frequency, spend)": float(self.spend_model.independence_corr_),
        }
        return pd.DataFrame({"value": pd.Series(figures, dtype=object)})


def analyse_clv(transactions: pd.DataFrame, *, observation_end: Any = None,
                horizon_days: int = 364, annual_discount_rate: float = 0.10,
                models: tuple[str, ...] = tuple(MODELS),
                tier_shares: tuple[float, ...] = (0.2, 0.3, 0.5), columns: Any = None,
                validate: bool = True) -> CLVResult:
    """From transactions to per-customer CLV in one call (time unit: weeks).

    Steps: :func:`rfm_summary`; the best repeat-purchase model by BIC among ``models``;
    a Gamma-Gamma spend model (repeat buyers with a non-positive mean spend are left out
    of its fit, with a note); discounted CLV over the next ``horizon_days`` (364 = 52
    weeks) with monthly cash flows; value tiers. Model warnings are collected in
    ``notes`` instead of raised.

    Parameters
    ----------
    transactions : DataFrame
        customer_id, timestamp and amount (``columns`` maps your names).
    observation_end : date-like, optional
        Last day of the data used (inclusive); default the last purchase day.
    horizon_days : int, default 364
        Days ahead to value.
    annual_discount_rate : float, default 0.10
        Yearly discount rate, 0 <= r < 1.
    models : tuple of str
        Candidate repeat-purchase models (keys of :data:`MODELS`).
    tier_shares : tuple of float
        Customer shares of the value tiers, from the top; sum to 1.

    Examples
    --------
    >>> from omnimkt.datasets import load_cdnow
    >>> res = analyse_clv(load_cdnow(), observation_end="1998-06-30")  # doctest: +SKIP
    >>> res.tiers                                                       # doctest: +SKIP
    """
    horizon_days = check_number(horizon_days, "horizon_days", low=1, integer=True)
    rate = check_number(annual_discount_rate, "annual_discount_rate", low=0, high=1,
                        high_open=True)
    models = (models,) if isinstance(models, str) else tuple(models)
    for name in models:
        check_choice(name, "models", tuple(MODELS))
    summary = rfm_summary(transactions, observation_end=observation_end, time_unit="W",
                          columns=columns, validate=validate)
    if "monetary_value" not in summary.columns:
        raise ModelError("transactions: an amount column is needed for customer lifetime "
                         "value.")
    notes: list[str] = []
    model, comparison = select_model(summary, models)
    fit_rows = (summary["frequency"] == 0) | (summary["monetary_value"] > 0)
    if (~fit_rows).any():
        notes.append(f"{int((~fit_rows).sum()):,} repeat buyers with zero or negative mean "
                     "spend were left out of the spend model.")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spend = GammaGammaModel().fit(summary[fit_rows])
    notes.extend(str(w.message) for w in caught)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = customer_value(model, spend, summary, horizon_days=horizon_days,
                               annual_discount_rate=rate)
    tiers = value_tiers(table, shares=tier_shares)
    table["tier"] = tiers.attrs["tier"].reindex(table.index)
    return CLVResult(customers=table, tiers=tiers, model=model, spend_model=spend,
                     comparison=comparison, horizon_days=horizon_days,
                     annual_discount_rate=rate, notes=notes)
