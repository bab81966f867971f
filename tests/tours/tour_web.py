"""Contract tour of the web family (case F): every result, estimator and plot once."""

from __future__ import annotations


def tour(t) -> None:
    from omnimkt import web
    from omnimkt.datasets.sessions import generate_sessions
    from omnimkt.plotting import web as P

    w = generate_sessions(3000, seed=5)
    s = w.sessions
    t.keep(web.visit_metrics(s))
    rates = t.keep(web.visit_rates(s, by=("source", "returning")))
    t.plot(P.plot_visit_rates, rates)
    model = t.fit(web.VisitModel(), s)
    t.plot(P.plot_visit_effects, model)
    vol = w.campaigns.set_index("campaign")
    prices = {"CPM": 20, "CPC": 1.5, "CPA": 30, "CPS": 0.1}
    t.plot(P.plot_pricing, t.keep(web.price_campaign(vol, prices, margin=0.4)))
    risk = t.keep(web.pricing_risk(vol.loc[["search_ads"]], prices, n_runs=200, seed=1))
    t.plot(P.plot_pricing_risk, risk)
