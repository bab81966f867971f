"""Contract tour of case J: look-alike areas without buyers and cross-sell."""

from __future__ import annotations


def tour(t) -> None:
    from omnimkt.crosssell import (
        NextProductModel,
        association_rules,
        basket_matrix,
        grade_offers,
    )
    from omnimkt.datasets.estates import estate_world
    from omnimkt.plotting import crosssell as P
    from omnimkt.segments.areas import lookalike_areas, ranking_check

    w = estate_world(20, seed=2)
    truth = w.truth.areas["latent_demand"]
    ranking = t.keep(lookalike_areas(w.areas, w.buyers))
    lookalike_areas(w.areas, w.buyers, method="seed")
    check = t.keep(ranking_check(ranking.summary["score"], truth, k=5))
    t.plot(P.plot_area_ranking, ranking, truth)
    t.plot(P.plot_ranking_check, check)
    rules = t.keep(association_rules(w.baskets, min_support=0.05))
    t.plot(P.plot_rules, rules)
    owned = basket_matrix(w.baskets)
    model = t.fit(NextProductModel(target="smart_tv", cv=3), owned)
    offers = model.offers(owned)
    t.plot(P.plot_offer_gains, offers, w.truth.buyers["bought_next_smart_tv"])
    t.keep(grade_offers(offers, w.truth.buyers["bought_next_smart_tv"],
                        p_true=w.truth.buyers["p_next_smart_tv"], model=model, top=20))
