"""Multi-touch channel attribution: journey paths, rule-based models, exact Markov
(order k), Shapley values, and channel economics (cost, ROI, account concentration).

Typical use::

    from omnimkt import attribution as at
    paths = at.build_paths(world.touchpoints, world.transactions, window_days=30)
    comparison = at.compare_models(paths)
    costs = at.channel_costs(world.touchpoints)
    at.channel_roi(comparison, costs)
    at.truth_agreement(comparison, paths, world.truth.channels)   # simulated worlds only
    at.cpa_table(comparison, costs, incremental=world.truth.channels["incremental_conversions"])

Every model returns an :class:`AttributionResult` (credit and value per channel,
summing to the totals) with a ``summary`` DataFrame.
"""

from omnimkt.attribution.agreement import rank_agreement, truth_agreement
from omnimkt.attribution.compare import (
    DEFAULT_MODELS,
    MODELS,
    attribute,
    compare_models,
    credit_per_touch,
)
from omnimkt.attribution.economics import (
    PRICING_MODELS,
    Concentration,
    Pricing,
    account_concentration,
    budget_reallocation,
    channel_costs,
    channel_roi,
    concentration,
    cpa_agreement,
    cpa_table,
    incremental_cost,
    paid_channels,
)
from omnimkt.attribution.heuristics import (
    first_touch,
    last_non_direct,
    last_touch,
    linear,
    position_based,
    time_decay,
)
from omnimkt.attribution.markov import markov
from omnimkt.attribution.paths import CA_COLUMNS, Paths, build_paths
from omnimkt.attribution.pathtable import read_paths, to_channelattribution
from omnimkt.attribution.result import AttributionResult, ModelComparison
from omnimkt.attribution.shapley import channel_sets, shapley

__all__ = [
    "CA_COLUMNS", "DEFAULT_MODELS", "MODELS", "PRICING_MODELS",
    "AttributionResult", "Concentration", "ModelComparison", "Paths", "Pricing",
    "account_concentration", "attribute", "budget_reallocation", "build_paths",
    "channel_costs", "channel_roi", "channel_sets", "compare_models", "concentration",
    "cpa_agreement", "cpa_table", "credit_per_touch", "incremental_cost", "paid_channels",
    "rank_agreement", "truth_agreement",
    "first_touch", "last_non_direct", "last_touch", "linear", "markov", "position_based",
    "read_paths", "shapley", "time_decay", "to_channelattribution",
]
