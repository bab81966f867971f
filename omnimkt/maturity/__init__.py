"""How far along is a firm? Data-driven omnichannel maturity (case M, 001; 000).

001 names five "all"s (all media, all-channel retail, all-customer operation,
all-industry collaboration, all-data driven) and four stages (integrate
channels; online order / offline fulfilment; nearest-store fulfilment;
continuous customer operation); 000 names six kinds of customer data. This
package measures what a firm's own tables can show:

* :func:`indicator_values` -- each indicator of :data:`INDICATORS` (definition
  included), NaN when the tables cannot measure it;
* :func:`assess_maturity` -- indicators against (started, achieved) thresholds
  (:data:`DEFAULT_THRESHOLDS`, omnimkt's, not the article's) and the stage reached.
"""

from __future__ import annotations

from omnimkt.maturity.assessment import MaturityAssessment, assess_maturity, indicator_status
from omnimkt.maturity.indicators import (
    DATA_KINDS,
    DEFAULT_THRESHOLDS,
    INDICATORS,
    STAGES,
    indicator_values,
)

__all__ = [
    "DATA_KINDS", "DEFAULT_THRESHOLDS", "INDICATORS", "STAGES", "MaturityAssessment",
    "assess_maturity", "indicator_status", "indicator_values",
]
