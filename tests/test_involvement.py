"""Involvement (case L): Cronbach's alpha against a published example and ANOVA, the CIP
profile against the survey's truth, the article's guidance, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from omnimkt.datasets.survey import involvement_survey
from omnimkt.errors import DataError, ModelError
from omnimkt.involvement import (
    FACETS,
    cronbach_alpha,
    involvement_guidance,
    involvement_profile,
    score_facets,
)

# Shrout & Fleiss (1979), "Intraclass correlations: uses in assessing rater reliability",
# Psychological Bulletin 86(2), Table 2: 6 targets rated by 4 judges. Their Table 4 gives
# ICC(3,k) = .91, and ICC(3,k) (consistency of the mean of k ratings) is Cronbach's alpha
# with the judges as items (Hoyt 1941). The same table is psych::ICC's example in R.
SHROUT_FLEISS = pd.DataFrame({"J1": [9, 6, 8, 7, 10, 6], "J2": [2, 1, 4, 1, 5, 2],
                              "J3": [5, 3, 6, 2, 6, 4], "J4": [8, 2, 8, 6, 9, 7]})


def test_alpha_reproduces_shrout_and_fleiss_icc3k():
    assert round(cronbach_alpha(SHROUT_FLEISS), 2) == 0.91
    # Their mean squares: between targets BMS = 11.24, residual EMS = 1.02;
    # ICC(3,k) = (BMS - EMS) / BMS.
    assert cronbach_alpha(SHROUT_FLEISS) == pytest.approx((11.24 - 1.02) / 11.24, abs=2e-3)


def test_alpha_by_hand_on_a_small_table():
    # Items a = 1,2,3,4 (variance 5/3) and b = 2,2,4,4 (variance 4/3); sums 3,4,7,8
    # (variance 17/3). alpha = 2/1 * (1 - (5/3 + 4/3) / (17/3)) = 2 * (1 - 9/17) = 16/17.
    items = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 4, 4]})
    assert cronbach_alpha(items) == pytest.approx(16 / 17)


def test_alpha_equals_hoyts_anova_from_statsmodels():
    import statsmodels.formula.api as smf
    from statsmodels.stats.anova import anova_lm

    s = involvement_survey(60, seed=3)
    cols = [i for i, f in s.items.items() if f == "sign"]
    wide = s.responses[cols].astype(float)
    long = wide.reset_index().melt(id_vars="index", var_name="item", value_name="y")
    table = anova_lm(smf.ols("y ~ C(index) + C(item)", data=long).fit())
    ms_subject = table.loc["C(index)", "mean_sq"]
    ms_error = table.loc["Residual", "mean_sq"]
    assert cronbach_alpha(wide) == pytest.approx(1 - ms_error / ms_subject, rel=1e-9)


def test_profile_recovers_the_true_facet_order():
    s = involvement_survey(300, seed=0)
    p = involvement_profile(s.responses, s.items, reverse=s.reverse)
    truth = s.truth.loc[p.summary.index]
    for facet in [*FACETS, "involvement"]:
        assert spearmanr(p.summary[facet], truth[facet]).statistic > 0.9, facet
    assert (p.summary["level"] == np.where(truth["involvement"] > 0, "high", "low")).all()
    assert (p.reliability["alpha"] > 0.7).all()
    assert p.summary["sheets"].eq(300).all()


def test_noisier_items_give_lower_alpha():
    quiet = involvement_survey(200, item_sd=0.4, seed=1)
    noisy = involvement_survey(200, item_sd=1.2, seed=1)
    a = involvement_profile(quiet.responses, quiet.items, reverse=quiet.reverse).reliability
    b = involvement_profile(noisy.responses, noisy.items, reverse=noisy.reverse).reliability
    assert (a["alpha"] > b["alpha"] + 0.1).all()


def test_reverse_items_are_flipped_on_the_scale():
    r = pd.DataFrame({"i1": [5, 1], "i2": [4, 2], "i3": [1, 5]})
    got = score_facets(r, {"i1": "sign", "i2": "sign", "i3": "sign"}, reverse=["i3"])
    # (5 + 4 + (1 + 5 - 1)) / 3 and (1 + 2 + (1 + 5 - 5)) / 3
    assert got["sign"].tolist() == pytest.approx([14 / 3, 4 / 3])
    seven = score_facets(r, {"i3": "sign"}, scale=(1, 7), reverse=["i3"])
    assert seven["sign"].tolist() == [7.0, 3.0]


def test_guidance_states_the_articles_rules():
    s = involvement_survey(300, seed=0)
    p = involvement_profile(s.responses, s.items, reverse=s.reverse)
    g = involvement_guidance(p, high_price=["gas_stove"]).summary
    rules = g.groupby("product")["rule"].apply(set)
    # Low-involvement goods: visibility and online promotion alliances (article's advice).
    for low in p.summary.index[p.summary["level"] == "low"]:
        assert "visibility_and_alliances" in rules[low]
        assert "price_not_too_low" not in rules[low]
    # Visible products (sign above the midpoint) must not be priced too low.
    assert "price_not_too_low" in rules["mobile_phone"]
    assert "price_not_too_low" in rules["gas_stove"]          # flagged as high price
    assert "reassure_on_consequences" in rules["infant_formula"]
    advice = g.loc[g["rule"] == "price_not_too_low", "kind"].unique().tolist()
    assert advice == ["article's advice"]
    assert g.loc[g["rule"] == "price_not_too_low", "source"].iloc[0].startswith("003")


def test_bad_input_is_named():
    r = pd.DataFrame({"product": ["tv", "tv"], "s1": [5, 4], "s2": [4, 6]})
    items = {"s1": "sign", "s2": "sign"}
    with pytest.raises(DataError, match=r"responses.s2: 1 answers outside the 1-5 scale"):
        involvement_profile(r, items)
    with pytest.raises(ModelError, match="items: 1 item.*unknown facet.*'s2' -> 'status'"):
        involvement_profile(r, {"s1": "sign", "s2": "status"})
    with pytest.raises(DataError, match="responses: 1 item column"):
        involvement_profile(r, {"s1": "sign", "s9": "sign"}, scale=(1, 7))
    with pytest.raises(DataError, match="responses: the table is empty"):
        involvement_profile(r.iloc[:0], items)
    with pytest.raises(DataError, match="responses: no 'brand' column"):
        involvement_profile(r, items, product="brand", scale=(1, 7))
    with pytest.raises(DataError, match="responses.s1: 1 answers are not numbers"):
        involvement_profile(r.assign(s1=["5", "x"]), items, scale=(1, 7))
    with pytest.raises(ModelError, match="reverse"):
        involvement_profile(r, items, scale=(1, 7), reverse=["s3"])
    with pytest.raises(ModelError, match=r"scale\[1\]"):
        involvement_profile(r, items, scale=(5, 1))
    with pytest.raises(DataError, match="items: Cronbach's alpha needs at least 2 item"):
        cronbach_alpha(r[["s1"]])
    p = involvement_profile(r, items, scale=(1, 7))
    with pytest.raises(DataError, match="high_price: 1 product"):
        involvement_guidance(p, high_price=["radio"])
