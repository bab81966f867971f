"""Contract tour of the lead-source family (case H)."""

from __future__ import annotations


def tour(t) -> None:
    from omnimkt import leads as L
    from omnimkt.datasets.leads import generate_leads
    from omnimkt.plotting import leads as P

    w = generate_leads(n_fairs=3, flats=20, seed=2)
    econ = t.keep(L.source_economics(w.leads, w.orders, w.events))
    roi = t.keep(L.fair_roi(w.leads, w.orders, w.events, horizon_days=180))
    model = t.fit(L.LeadDecayModel(), w.leads, w.orders)
    t.keep(model.delay_cost("fair"))
    voucher = t.keep(L.voucher_economics(w.leads, w.orders))
    t.plot(P.plot_source_economics, econ)
    t.plot(P.plot_fair_roi, roi)
    t.plot(P.plot_lead_decay, model)
    t.plot(P.plot_voucher, voucher)
