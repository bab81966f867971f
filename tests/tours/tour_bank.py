"""Contract tour of the bank case (I) on a small branch."""

from __future__ import annotations


def tour(t) -> None:
    from omnimkt import bank as B
    from omnimkt.datasets.bank import generate_bank
    from omnimkt.plotting import bank as P

    w = generate_bank(0.001, seed=1, pilot_size=300)
    t.plot(P.plot_tier_mix, t.keep(B.tier_mix(w.customers)))
    t.plot(P.plot_echannel_kpis,
           t.keep(B.echannel_kpis(w.customers, w.events, cutoff=w.cutoff)))
