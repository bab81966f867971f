"""Cross-sell (case J): which products go together, and whom to offer the next one.

* :func:`association_rules` — rules ``A -> B`` with support, confidence and lift
  over baskets (:func:`basket_matrix` turns a long table into 0/1 baskets).
* :class:`NextProductModel` — a seeded scikit-learn propensity to own a target
  product, learned from its owners; ``offers()`` ranks the non-owners.

Grade a ranking against a known truth with
:func:`omnimkt.segments.areas.ranking_check`.
"""

from omnimkt.crosssell.propensity import NextProductModel
from omnimkt.crosssell.rules import RuleResult, association_rules, basket_matrix

__all__ = ["NextProductModel", "RuleResult", "association_rules", "basket_matrix"]
