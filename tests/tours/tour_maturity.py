"""Contract tour of case M: omnichannel maturity."""

from __future__ import annotations


def tour(t) -> None:
    from omnimkt.datasets import generate
    from omnimkt.datasets.omni import add_fulfilment
    from omnimkt.maturity import assess_maturity
    from omnimkt.plotting import maturity as P

    w = generate(300, seed=2)
    f = add_fulfilment(w.transactions, w.customers, seed=2)
    r = t.keep(assess_maturity(f.transactions, touchpoints=w.touchpoints, customers=f.customers))
    t.plot(P.plot_maturity, r)
