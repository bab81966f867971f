"""One call from transactions to customer lifetime values: model choice, spend model,
per-customer values and value tiers (used by the CLV notebook and the report)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from omnimkt.clv.models import (
    BetaGeoModel,
    ModifiedBetaGeoModel,
    ParetoNBDModel,
    _RepeatPurchaseModel,
)
from omnimkt.clv.spend import GammaGammaModel, customer_value, value_tiers
from omnimkt.clv.summary import TIME_UNITS, rfm_summary
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
    that of the likelihood). Candidates that fail to converge are listed with NaN."""
    rows, fitted = {}, {}
    n = len(summary)
    last_error: ModelError | None = None
    for name in candidates:
        if name not in MODELS:
            raise ModelError(f"unknown model {name!r}; choose from {list(MODELS)}.")
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


@dataclass
class CLVResult:
    """Customer lifetime values and how they were obtained.

    Attributes
    ----------
    customers : DataFrame indexed by customer_id (frequency, recency, T,
        monetary_value, p_alive, expected_purchases, expected_spend, clv, tier),
        sorted by CLV.
    tiers : DataFrame of value tiers (see :func:`value_tiers`).
    model, spend_model : the fitted repeat-purchase and Gamma-Gamma models.
    comparison : the model choice table (see :func:`select_model`).
    horizon : future window in weeks; annual_discount_rate : the discount rate used.
    notes : plain-language notes (assumption checks, customers left out of the spend fit).
    """

    customers: pd.DataFrame
    tiers: pd.DataFrame
    model: _RepeatPurchaseModel
    spend_model: GammaGammaModel
    comparison: pd.DataFrame
    horizon: float
    annual_discount_rate: float
    notes: list[str] = field(default_factory=list)

    @property
    def summary(self) -> pd.DataFrame:
        """Key figures as a one-column table."""
        c = self.customers
        top = self.tiers.iloc[0]
        figures = {
            "customers": len(c),
            "model": self.model._label,
            "horizon (weeks)": self.horizon,
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

    def __repr__(self) -> str:
        return "CLVResult\n" + self.summary.to_string()

    def _repr_html_(self) -> str:
        return "<p><b>CLVResult</b></p>" + self.summary.to_html()

    def to_markdown(self) -> str:
        return "**CLVResult**\n\n" + self.summary.to_markdown()


def analyse_clv(transactions: pd.DataFrame, *, observation_end: Any = None,
                horizon: float = 52.0, annual_discount_rate: float = 0.10,
                models: tuple[str, ...] = tuple(MODELS),
                tier_shares: tuple[float, ...] = (0.2, 0.3, 0.5), columns: Any = None,
                validate: bool = True) -> CLVResult:
    """From transactions to per-customer CLV in one call (time unit: weeks).

    Steps: :func:`rfm_summary`; the best repeat-purchase model by BIC among ``models``;
    a Gamma-Gamma spend model (repeat buyers with a non-positive mean spend are left out
    of its fit, with a note); discounted CLV over ``horizon`` weeks with monthly cash
    flows; value tiers. Model warnings are collected in ``notes`` instead of raised.

    Examples
    --------
    >>> from omnimkt.datasets import load_cdnow
    >>> res = analyse_clv(load_cdnow(), observation_end="1998-06-30")  # doctest: +SKIP
    >>> res.tiers                                                       # doctest: +SKIP
    """
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
    weekly = (1 + annual_discount_rate) ** (TIME_UNITS["W"] / 365.25) - 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = customer_value(model, spend, summary, horizon=horizon, discount_rate=weekly)
    tiers = value_tiers(table, shares=tier_shares)
    table["tier"] = tiers.attrs["tier"].reindex(table.index)
    return CLVResult(customers=table, tiers=tiers, model=model, spend_model=spend,
                     comparison=comparison, horizon=horizon,
                     annual_discount_rate=annual_discount_rate, notes=notes)
