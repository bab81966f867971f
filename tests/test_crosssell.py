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
