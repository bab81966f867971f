"""Churn: which customers are slipping away, scored two ways on the same holdout.

Two approaches, compared on one cut-off day (``cutoff``, inclusive):

* **probabilistic** -- from a fitted :mod:`omnimkt.clv` model (BG/NBD ...):
  ``1 - P(alive)`` and ``P(no purchase in the next N days)``
  (:func:`probabilistic_churn`);
* **supervised** -- a seeded scikit-learn pipeline (:class:`SupervisedChurnModel`)
  on features built from the calibration window only (:func:`churn_features`)
  predicting "no purchase in the next 90 days" (:func:`churn_labels`, the
  case's three-month wake-up rule). To stay honest it is trained on an earlier
  cut-off (``cutoff - horizon_days``) whose labels are known at
  ``cutoff``, then scores customers at ``cutoff``; the
  holdout is never seen by either approach (:func:`churn_backtest`).

Evaluation (:func:`evaluate_churn`, :func:`compare_churn`) gives ROC AUC, PR
AUC (average precision), gains and lift by decile and a calibration table.
:func:`channel_retention` tests the claim that customers using 3+ channels
retain better, stratified by purchase frequency (the obvious confounder), and
:func:`winback_thresholds` turns scores into a win-back contact rule with
expected cost and saved value.

Time is counted in whole days, as in :mod:`omnimkt.clv` and lifetimes: a
purchase on the cut-off day belongs to the calibration window; the holdout is
``(cutoff, cutoff + horizon_days]``. Every function taking raw tables accepts
``columns=`` (``omnimkt.Columns`` or a dict of your column names).
"""

from __future__ import annotations

from omnimkt.churn.backtest import churn_backtest, churn_scores
from omnimkt.churn.channels import FREQUENCY_BANDS as FREQUENCY_BANDS  # public, not in __all__
from omnimkt.churn.channels import ChannelRetention, channel_retention
from omnimkt.churn.evaluation import (
    ChurnComparison,
    ChurnEvaluation,
    compare_churn,
    evaluate_churn,
)
from omnimkt.churn.features import churn_features, churn_labels, true_churn
from omnimkt.churn.model import SupervisedChurnModel, probabilistic_churn
from omnimkt.churn.winback import WinbackPlan, saved_customer_value, winback_thresholds

__all__ = [
    "ChannelRetention", "ChurnComparison", "ChurnEvaluation", "SupervisedChurnModel",
    "WinbackPlan", "channel_retention", "churn_backtest", "churn_features", "churn_labels",
    "churn_scores", "saved_customer_value",
    "compare_churn", "evaluate_churn", "probabilistic_churn", "true_churn",
    "winback_thresholds",
]
