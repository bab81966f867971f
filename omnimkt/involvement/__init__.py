"""Consumer involvement (case L): CIP questionnaire scores, reliability and guidance.

* :func:`score_facets`, :func:`cronbach_alpha` — facet scores per answer sheet and
  the reliability of a facet's items (:data:`FACETS` lists the five facets of
  Laurent & Kapferer's consumer involvement profile).
* :func:`involvement_profile` — facet means per product, alpha per facet, high
  or low involvement.
* :func:`involvement_guidance` — the article's price / content / channel rules
  that apply to each product (:data:`GUIDANCE_RULES`).
"""

from omnimkt.involvement.profile import (
    GUIDANCE_RULES,
    InvolvementGuidance,
    InvolvementProfile,
    involvement_guidance,
    involvement_profile,
)
from omnimkt.involvement.scoring import FACETS, cronbach_alpha, score_facets

__all__ = ["FACETS", "GUIDANCE_RULES", "InvolvementGuidance", "InvolvementProfile",
           "cronbach_alpha", "involvement_guidance", "involvement_profile", "score_facets"]
