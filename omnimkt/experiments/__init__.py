"""Experiments: size a test, assign groups, analyse the result, target by uplift.

- design: :func:`sample_size`, :func:`power`, :func:`minimum_detectable_effect`
  (statsmodels' formulas: Cohen's h for proportions, the t-test for means);
- assignment: :func:`assign` (seeded, stratified, a hold-out; ``to_csv``);
- analysis: :func:`analyse_test` (z-test / Welch, CIs, CUPED, sample-ratio
  mismatch and early-stopping checks);
- targeting: :func:`uplift_by_segment`, :class:`UpliftModel` (T-learner),
  :func:`qini_curve`, :func:`target_actions` (an action list cut to the customers
  the contact helps).

A synthetic campaign with each customer's true effect:
:func:`omnimkt.datasets.campaign.campaign_experiment`.
"""

from omnimkt.experiments.analysis import SRM_THRESHOLD, TestResult, analyse_test
from omnimkt.experiments.assignment import Assignment, assign
from omnimkt.experiments.design import (
    DesignResult,
    minimum_detectable_effect,
    power,
    sample_size,
)
from omnimkt.experiments.uplift import (
    QiniCurve,
    SegmentUplift,
    TargetedActions,
    UpliftModel,
    qini_curve,
    target_actions,
    uplift_by_segment,
)

__all__ = [
    "SRM_THRESHOLD", "Assignment", "DesignResult", "QiniCurve", "SegmentUplift",
    "TargetedActions", "TestResult", "UpliftModel", "analyse_test", "assign",
    "minimum_detectable_effect", "power", "qini_curve", "sample_size", "target_actions",
    "uplift_by_segment",
]
