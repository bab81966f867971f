"""Contract tour of the campaign scorecard (case G) on a small salon world."""

from __future__ import annotations


def tour(t) -> None:
    from omnimkt import campaign as C
    from omnimkt.datasets.salon import generate_salon
    from omnimkt.plotting import campaign as P

    w = generate_salon(300, seed=1, history_days=400, window_days=20)
    span = {"start": w.start, "end": w.end}
    targets = C.decompose_targets(w.monthly_targets, w.staff, **span)
    tracking = t.keep(C.track_targets(targets, w.visits, **span))
    t.plot(P.plot_attainment, tracking)
    t.plot(P.plot_daily_tracking, tracking)
    t.keep(C.window_totals(w.visits, stores=w.stores, **span))
    t.plot(P.plot_penetration, t.keep(C.service_penetration(w.visits, w.customers, **span)))
    t.plot(P.plot_traffic_change, t.keep(C.traffic_change(w.visits, **span)))
    t.plot(P.plot_staff_load, t.keep(C.staff_load(w.visits, w.staff, **span)))
    t.keep(C.customer_movement(w.visits, stores=w.stores, **span))
