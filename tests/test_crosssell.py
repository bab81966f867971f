"""Cross-sell (case J): association rules against a hand count, propensity against the truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from omnimkt.crosssell import NextProductModel, association_rules, basket_matrix
from omnimkt.datasets.estates import estate_world
from omnimkt.errors import DataError, ModelError
from omnimkt.segments.areas import ranking_check

# Five baskets, counted by hand:
#   1 {tv, ac}   2 {tv, ac, stove}   3 {tv}   4 {ac, stove}   5 {stove}
# support: tv 3/5, ac 3/5, stove 3/5; {tv, ac} 2/5, {ac, stove} 2/5, {tv, stove} 1/5,
# {tv, ac, stove} 1/5.
BASKETS = pd.DataFrame({
    "customer_id": [1, 1, 2, 2, 2, 3, 4, 4, 5],
    "product": ["tv", "ac", "tv", "ac", "stove", "tv", "ac", "stove", "stove"],
})


def _rule(result, ante, cons):
    s = result.summary
    row = s[(s["antecedent"] == ante) & (s["consequent"] == cons)]
    assert len(row) == 1, (ante, cons)
    return row.iloc[0]


def test_support_confidence_lift_match_the_hand_count():
    r = association_rules(BASKETS, min_support=0.2, max_len=3)
    ac_tv = _rule(r, "ac", "tv")
    assert ac_tv["support"] == pytest.approx(2 / 5)
    assert ac_tv["confidence"] == pytest.approx(2 / 3)          # 2 of the 3 ac baskets
    assert ac_tv["lift"] == pytest.approx((2 / 3) / (3 / 5))    # = 10/9
    tv_stove = _rule(r, "tv", "stove")
    assert tv_stove["confidence"] == pytest.approx(1 / 3)
    assert tv_stove["lift"] == pytest.approx((1 / 3) / (3 / 5))  # = 5/9 < 1
    triple = _rule(r, "ac + tv", "stove")
    assert triple["support"] == pytest.approx(1 / 5)
    assert triple["confidence"] == pytest.approx(1 / 2)          # 1 of the 2 {tv, ac}
    assert triple["lift"] == pytest.approx(0.5 / 0.6)
    assert r.summary["lift"].is_monotonic_decreasing


def test_min_support_and_confidence_filter_as_counted():
    r = association_rules(BASKETS, min_support=0.3)
    # {tv, stove} (1/5) falls out; {tv, ac} and {ac, stove} give two rules each.
    assert len(r.summary) == 4
    assert set(r.for_consequent("stove")["antecedent"]) == {"ac"}
    r2 = association_rules(BASKETS, min_support=0.3, min_confidence=0.67)
    assert r2.summary.empty                      # every confidence is exactly 2/3
    r3 = association_rules(BASKETS, min_support=0.3, min_confidence=2 / 3)
    assert len(r3.summary) == 4


def test_wide_table_gives_the_same_rules():
    wide = basket_matrix(BASKETS).astype(int)
    a = association_rules(wide, min_support=0.2).summary
    b = association_rules(BASKETS, min_support=0.2).summary
    pd.testing.assert_frame_equal(a, b)


def test_lift_comes_from_the_shared_tastes_of_the_world():
    strong = association_rules(estate_world(60, seed=4).baskets, min_support=0.05)
    assert _rule(strong, "range_hood", "gas_stove")["lift"] > 1.15
    assert _rule(strong, "robot_vacuum", "smart_tv")["lift"] > 1.15
    none = association_rules(estate_world(60, seed=4, affinity=0).baskets, min_support=0.05)
    pairs = none.summary[~none.summary["antecedent"].str.contains(r"\+")]
    assert pairs["lift"].between(0.85, 1.15).all()


@pytest.mark.parametrize("target", ["smart_tv", "gas_stove"])
def test_offers_rank_the_truly_likely_buyers_first(target):
    w = estate_world(60, seed=0)
    owned = basket_matrix(w.baskets)
    model = NextProductModel(target=target, seed=1).fit(owned)
    offers = model.offers(owned)
    assert not owned.loc[offers.index, target].any()      # owners are never offered
    truth = w.truth.buyers
    check = ranking_check(offers["score"], truth[f"p_next_{target}"], k=50, seed=1)
    assert check.summary.loc["spearman", "model"] > 0.3
    assert check.summary.loc["top-k hits", "model"] > 2 * check.summary.loc["top-k hits",
                                                                              "random"]
    later = truth.loc[offers.index, f"bought_next_{target}"]
    assert roc_auc_score(later, offers["score"]) > 0.58
    assert 0.55 < model.cv_auc_ < 0.9


def test_forest_is_deterministic_under_a_seed():
    w = estate_world(30, seed=3)
    owned = basket_matrix(w.baskets)
    a = NextProductModel(model="forest", seed=5, cv=3).fit(owned).predict(owned)
    b = NextProductModel(model="forest", seed=5, cv=3).fit(owned).predict(owned)
    np.testing.assert_array_equal(a.to_numpy(), b.to_numpy())


def test_bad_input_is_named():
    with pytest.raises(DataError, match="baskets: the table is empty"):
        association_rules(BASKETS.iloc[:0])
    for bad in (0, 1.5, -0.1, float("nan")):
        with pytest.raises(ModelError, match="min_support"):
            association_rules(BASKETS, min_support=bad)
    with pytest.raises(ModelError, match="min_confidence"):
        association_rules(BASKETS, min_confidence=2)
    with pytest.raises(ModelError, match="max_len"):
        association_rules(BASKETS, max_len=1)
    with pytest.raises(DataError, match="baskets.product: 1 rows"):
        association_rules(BASKETS.assign(product=[None] + list(BASKETS["product"][1:])))
    with pytest.raises(DataError, match="0/1 table"):
        association_rules(pd.DataFrame({"tv": [1, 2], "ac": [0, 1]}))
    owned = basket_matrix(BASKETS).astype(int)
    with pytest.raises(DataError, match="target product 'fridge'"):
        NextProductModel(target="fridge").fit(owned)
    with pytest.raises(DataError, match="owned.tv: 3 owners and 2 non-owners"):
        NextProductModel(target="tv", cv=3).fit(owned)
    with pytest.raises(ModelError, match="model"):
        NextProductModel(model="svm").fit(owned)
    with pytest.raises(ModelError, match="target: expected a product name"):
        NextProductModel(target=None).fit(owned)
    with pytest.raises(ModelError, match="cv"):
        NextProductModel(target="tv", cv=1).fit(owned)
    with pytest.raises(DataError, match="owned: every cell must be 0/1"):
        NextProductModel(target="tv", cv=2).fit(owned.assign(ac=owned["ac"] * 3))


# Six offered customers, graded by hand. Given order a..f; c and d tie on the score.
#   customer  a    b    c    d    e    f
#   score     0.9  0.8  0.7  0.7  0.4  0.5
#   bought    1    0    1    0    0    1
#   p_true    0.6  0.5  0.4  0.1  0.2  0.3
# List order (best first, ties as given): a b c d f e.
OFFER_SCORE = pd.Series([0.9, 0.8, 0.7, 0.7, 0.4, 0.5], index=list("abcdef"))
OFFER_BOUGHT = pd.Series([1, 0, 1, 0, 0, 1], index=list("abcdef"))
OFFER_P = pd.Series([0.6, 0.5, 0.4, 0.1, 0.2, 0.3], index=list("abcdef"))


def test_grade_offers_matches_a_hand_count():
    from types import SimpleNamespace

    from omnimkt.crosssell import OfferGrade, grade_offers

    g = grade_offers(OFFER_SCORE.to_frame("score"), OFFER_BOUGHT, p_true=OFFER_P,
                     model=SimpleNamespace(cv_auc_=0.7), top=3)
    assert isinstance(g, OfferGrade)
    # AUC = share of (buyer, non-buyer) pairs where the buyer scores higher, ties 1/2.
    # buyers a, c, f; non-buyers b (.8), d (.7), e (.4):
    #   a (.9) beats b, d, e -> 3;  c (.7) loses to b, ties d, beats e -> 1.5;
    #   f (.5) beats e only -> 1.   (3 + 1.5 + 1) / 9 pairs
    assert g.value("AUC vs later purchase") == pytest.approx(5.5 / 9)
    # true probability: a (.6) beats b, d, e -> 3; c (.4) beats d, e -> 2; f (.3) -> 2
    assert g.value("AUC of the true probability") == pytest.approx(7 / 9)
    # Spearman = Pearson on ranks. score ranks a6 b5 c3.5 d3.5 e1 f2, p ranks 6 5 4 1 2 3;
    # deviations from 3.5: (2.5, 1.5, 0, 0, -2.5, -1.5) and (2.5, 1.5, .5, -2.5, -1.5, -.5)
    # sum of products 13, sums of squares 17 and 17.5.
    assert g.value("Spearman vs true probability") == pytest.approx(13 / np.sqrt(17 * 17.5))
    assert g.value("buy rate, top 3 offered") == pytest.approx(2 / 3)   # a, b, c
    assert g.value("buy rate, all offered") == pytest.approx(3 / 6)
    assert g.value("out-of-fold AUC (owners)") == 0.7
    assert (g.offered, g.buyers, g.top) == (6, 3, 3)
    assert list(g.summary.index)[0] == "out-of-fold AUC (owners)"
    assert "top=3" in repr(g)


def test_grade_offers_keeps_the_given_order_on_ties_and_skips_what_is_not_given():
    from omnimkt.crosssell import grade_offers

    swapped = OFFER_SCORE[list("abdcef")]           # d before c: top 3 = a, b, d
    g = grade_offers(swapped, OFFER_BOUGHT, top=3)
    assert g.value("buy rate, top 3 offered") == pytest.approx(1 / 3)
    assert list(g.summary.index) == ["AUC vs later purchase", "buy rate, top 3 offered",
                                     "buy rate, all offered"]


def test_grade_offers_bad_input_is_named():
    from omnimkt.crosssell import grade_offers
    from omnimkt.errors import NotFittedError

    with pytest.raises(DataError, match="bought: 1 offered customers have no value"):
        grade_offers(OFFER_SCORE, OFFER_BOUGHT.drop("f"))
    with pytest.raises(DataError, match="bought: every value must be 0/1"):
        grade_offers(OFFER_SCORE, OFFER_BOUGHT * 2)
    with pytest.raises(DataError, match="bought: all 6 offered customers have the same"):
        grade_offers(OFFER_SCORE, OFFER_BOUGHT * 0)
    with pytest.raises(DataError, match="p_true: 2 offered customers have no value"):
        grade_offers(OFFER_SCORE, OFFER_BOUGHT, p_true=OFFER_P.iloc[:4])
    with pytest.raises(DataError, match="offers: no 'score' column"):
        grade_offers(OFFER_SCORE.to_frame("p"), OFFER_BOUGHT)
    with pytest.raises(DataError, match="offers: the list is empty"):
        grade_offers(OFFER_SCORE.iloc[:0], OFFER_BOUGHT)
    with pytest.raises(DataError, match="offers.score: 1 customers have no finite score"):
        grade_offers(OFFER_SCORE.replace(0.4, np.nan), OFFER_BOUGHT)
    with pytest.raises(ModelError, match="top"):
        grade_offers(OFFER_SCORE, OFFER_BOUGHT, top=7)
    with pytest.raises(ModelError, match="top"):
        grade_offers(OFFER_SCORE, OFFER_BOUGHT, top=0)
    with pytest.raises(NotFittedError):
        grade_offers(OFFER_SCORE, OFFER_BOUGHT, model=NextProductModel(), top=3)
    with pytest.raises(ModelError, match="model: expected a fitted NextProductModel"):
        grade_offers(OFFER_SCORE, OFFER_BOUGHT, model="logistic", top=3)
