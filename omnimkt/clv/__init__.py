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
(frequency, recency, T) triple become one weighted row (CDNOW: 2,357 customers, 1,016
rows), with the parameters of the uncompressed fit. With day-level recency over years
most triples are distinct (1.73M synthetic customers: ~0.8M rows), so large fits are
warm-started from a fit on a seeded 20,000-customer subsample and finished on all rows
(benchmarks/bench_clv.py: BG/NBD 4.7 s against 24 s for lifetimes' uncompressed fit,
same parameters). Fitting uses lifetimes' likelihoods and optimisers; predictions use
our own log-space code (no NaN for Pareto/NBD where lifetimes returns NaN).

Modules: ``summary`` (RFM summary, split), ``models`` (BG/NBD, MBG/NBD, Pareto/NBD),
``spend`` (Gamma-Gamma, CLV, value tiers, win-back list), ``checks`` (model
checking, P(alive) scored against known churners),
``analysis`` (one call from transactions to values).
"""

from __future__ import annotations

from omnimkt.clv.analysis import MODELS, CLVResult, analyse_clv, select_model
from omnimkt.clv.checks import (
    compare_models,
    cumulative_tracking,
    holdout_by_frequency,
    period_transactions,
    score_against_truth,
    simulate_repeat_purchases,
)
from omnimkt.clv.models import BetaGeoModel, ModifiedBetaGeoModel, ParetoNBDModel
from omnimkt.clv.spend import GammaGammaModel, customer_value, value_tiers, win_back_list
from omnimkt.clv.summary import TIME_UNITS, calibration_holdout, rfm_summary

__all__ = [
    "TIME_UNITS",
    "rfm_summary",
    "calibration_holdout",
    "BetaGeoModel",
    "ParetoNBDModel",
    "ModifiedBetaGeoModel",
    "GammaGammaModel",
    "customer_value",
    "value_tiers",
    "win_back_list",
    "holdout_by_frequency",
    "cumulative_tracking",
    "period_transactions",
    "compare_models",
    "simulate_repeat_purchases",
    "score_against_truth",
    "analyse_clv",
    "select_model",
    "CLVResult",
    "MODELS",
]
