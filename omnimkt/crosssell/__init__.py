"""Cross-sell (case J): which products go together, and whom to offer the next one.

* :func:`association_rules` — rules ``A -> B`` with support, confidence and lift
  over baskets (:func:`basket_matrix` turns a long table into 0/1 baskets).
* :class:`NextProductModel` — a seeded scikit-learn propensity to own a target
  product, learned from its owners; ``offers()`` ranks the non-owners.
* :func:`grade_offers` — an offer list against who bought later: AUC, buy rate
  at the top of the list vs all offered, and (on a synthetic world) the true
  probabilities' own AUC as the ceiling.

Grade any other ranking against a known truth with
:func:`omnimkt.segments.areas.ranking_check`.
"""

from omnimkt.crosssell.grading import OfferGrade, grade_offers
from omnimkt.crosssell.propensity import NextProductModel
from omnimkt.crosssell.rules import RuleResult, association_rules, basket_matrix

__all__ = ["NextProductModel", "OfferGrade", "RuleResult", "association_rules", "basket_matrix",
           "grade_offers"]
