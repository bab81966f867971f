"""The campaign scorecard of the salon case (G): targets, tracking and customer movement.

- :mod:`~omnimkt.campaign.scorecard`: :func:`decompose_targets` (monthly target
  split per person and per day), :func:`track_targets` (daily tracking and
  attainment per store / person), :func:`window_totals` (cash sales, card
  consumption);
- :mod:`~omnimkt.campaign.customers`: :func:`service_penetration`,
  :func:`traffic_change`, :func:`staff_load`, :func:`customer_movement`
  (new / woken / won back / upgraded, computed from the visits).

A synthetic salon chain with a true campaign effect:
:func:`omnimkt.datasets.salon.generate_salon`. The case's own figures, for
citing next to ours: :data:`CASE_G_CLAIMS`.
"""

from omnimkt.campaign.customers import (
    Penetration,
    StaffLoad,
    TrafficChange,
    customer_movement,
    service_penetration,
    staff_load,
    traffic_change,
)
from omnimkt.campaign.scorecard import (
    TargetTracking,
    WindowTotals,
    decompose_targets,
    track_targets,
    window_totals,
)
from omnimkt.segments.window import CASE_G_COUNTS

#: What the salon case reports for its 45-day campaign (claims, not results).
CASE_G_CLAIMS = {
    "stores": 8, "days": 45, "cash_sales_yuan": 12_780_000, "card_consumption_yuan": 6_520_000,
    "attainment": "120% (one store), 101% (one), 80-90% (the others)",
    "penetration": "regular >60%, high-end >30%, acquisition ~13%",
    "traffic_yoy": "+40% or more (monthly store traffic)", "per_therapist_per_day": "3-4",
    **CASE_G_COUNTS,
}

__all__ = [
    "CASE_G_CLAIMS", "Penetration", "StaffLoad", "TargetTracking", "TrafficChange",
    "WindowTotals", "customer_movement", "decompose_targets", "service_penetration",
    "staff_load", "track_targets", "traffic_change", "window_totals",
]
