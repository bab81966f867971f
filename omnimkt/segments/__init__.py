"""Customer value segmentation: RFM and RFMCL scores, value tiers, look-alikes, window counts.

Everything here needs only a transactions table (customer_id, timestamp,
amount); customers (referrer_id, region) and touchpoints tables add the
classes that depend on referrals, areas and prospects.

* :func:`rfm_scores` — RFM quintile scores (1-5, higher = better) and the
  11 named segments.
* :func:`rfmcl_table`, :class:`RFMCLSegmenter`, :func:`rfmcl_segments` — the
  formula brand's RFMCL model (defined in :func:`rfmcl_table`) and its k-means
  clusters, named in business terms.
* :func:`pareto_split` (2-8 rule), :func:`tiers_1535`, :func:`split_334`,
  :func:`five_types`, :func:`four_classes`, :func:`price_sensitivity`,
  :func:`asset_cube`.
* :func:`lookalikes` with :func:`lookalike_features` / :func:`area_profile`, and
  :func:`seed_group` to pick the seed group (e.g. one region's advocates).
* :func:`window_counts` — the salon case's new / woken / won-back / upgraded.
"""

from omnimkt.segments._base import customer_table
from omnimkt.segments.lookalike import (
    area_profile,
    lookalike_features,
    lookalikes,
    seed_group,
)
from omnimkt.segments.rfm import (
    RFM_SEGMENT_RULES,
    SEGMENT_ORDER,
    RFMResult,
    quantile_scores,
    rfm_scores,
)
from omnimkt.segments.rfmcl import (
    RFMCLResult,
    RFMCLSegmenter,
    cluster_profile,
    name_clusters,
    rfmcl_segments,
    rfmcl_table,
)
from omnimkt.segments.tiers import (
    ParetoResult,
    TierResult,
    asset_cube,
    five_types,
    four_classes,
    pareto_split,
    price_sensitivity,
    split_334,
    tiers_1535,
)
from omnimkt.segments.window import CASE_G_COUNTS, WindowCounts, window_counts

__all__ = [
    "CASE_G_COUNTS", "RFM_SEGMENT_RULES", "SEGMENT_ORDER", "ParetoResult", "RFMCLResult",
    "RFMCLSegmenter", "RFMResult", "TierResult", "WindowCounts", "area_profile", "asset_cube",
    "cluster_profile", "customer_table", "five_types", "four_classes", "lookalike_features",
    "lookalikes", "name_clusters", "pareto_split", "price_sensitivity", "quantile_scores",
    "rfm_scores", "rfmcl_segments", "rfmcl_table", "seed_group", "split_334", "tiers_1535",
    "window_counts",
]
