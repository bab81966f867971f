"""Web shop measurement (shared case F): visit analytics and media pricing.

- visits: :func:`visit_metrics` (the case's metric list per source, region ...),
  :func:`visit_rates` (outcome rates per source x new/returning x depth with
  Wilson intervals), :class:`VisitModel` (logit of an outcome on the visit's
  features), :func:`depth_band`;
- pricing: :func:`campaign_volumes` (impressions, clicks, actions, orders, sales
  per campaign from the visits), :func:`price_campaign` (cost and cost per
  order under CPM / CPC / CPA / CPS, equal-cost and break-even rates),
  :func:`pricing_risk` (who carries the risk when the rates are uncertain).

A synthetic shop with the true effects: :func:`omnimkt.datasets.sessions.generate_sessions`.
"""

from omnimkt.web.pricing import campaign_volumes, price_campaign, pricing_risk
from omnimkt.web.result import PricingComparison, PricingRisk, VisitMetrics, VisitRates
from omnimkt.web.visits import FEATURES, VisitModel, depth_band, visit_metrics, visit_rates

__all__ = [
    "FEATURES", "PricingComparison", "PricingRisk", "VisitMetrics", "VisitModel", "VisitRates",
    "campaign_volumes", "depth_band", "price_campaign", "pricing_risk", "visit_metrics",
    "visit_rates",
]
