"""Contract tour of case K: marketing vs sales channel claims."""

from __future__ import annotations


def tour(t) -> None:
    from omnimkt.claims import marketing_channel_claims, shopper_spend
    from omnimkt.datasets import generate
    from omnimkt.plotting import claims as P

    w = generate(600, seed=1)
    m = t.keep(marketing_channel_claims(w.transactions, w.touchpoints, "2025-06-30"))
    t.plot(P.plot_marketing_claims, m)
    s = t.keep(shopper_spend(w.transactions))
    t.plot(P.plot_shopper_spend, s)
