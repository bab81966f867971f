"""Contract tour of case L: CIP involvement profile and guidance."""

from __future__ import annotations


def tour(t) -> None:
    from omnimkt.datasets.survey import involvement_survey
    from omnimkt.involvement import involvement_guidance, involvement_profile
    from omnimkt.plotting import involvement as P

    s = involvement_survey(40, seed=2)
    profile = t.keep(involvement_profile(s.responses, s.items, reverse=s.reverse))
    t.keep(involvement_guidance(profile, high_price=["smart_tv"]))
    t.plot(P.plot_involvement_profile, profile)
    t.plot(P.plot_reliability, profile)
