"""Look-alike areas without buyers (case J) against a hand example and the world's truth."""

from __future__ import annotations

import pandas as pd
import pytest

from omnimkt.datasets.estates import estate_world
from omnimkt.errors import DataError, ModelError
from omnimkt.segments.areas import lookalike_areas, ranking_check


def test_knn_with_one_neighbour_copies_the_nearest_launched_area():
    # One feature; launched areas s1 (price 8, 30 buyers / 100 households) and
    # s2 (price 2, 2 / 100). Candidate b1 (7.5) is nearest s1, b2 (2.2) nearest s2.
    areas = pd.DataFrame({"price": [8.0, 2.0, 7.5, 2.2], "households": [100] * 4},
                         index=["s1", "s2", "b1", "b2"])
    r = lookalike_areas(areas, pd.Series({"s1": 30, "s2": 2}), k=1)
    assert r.summary.index.tolist() == ["b1", "b2"]
    assert r.summary["expected_penetration"].tolist() == pytest.approx([0.30, 0.02])
    assert r.summary["nearest_areas"].tolist() == ["s1", "s2"]


def test_seed_method_measures_the_distance_to_the_best_area():
    areas = pd.DataFrame({"price": [8.0, 2.0, 7.0, 3.0]}, index=["s1", "s2", "b1", "b2"])
    r = lookalike_areas(areas, pd.Series({"s1": 30, "s2": 2}), method="seed",
                        seed_share=0.5, households=None)
    # Only s1 is a seed; standardised price: sd (ddof=0) of [8, 2, 7, 3] = sqrt(6.5).
    sd = 6.5 ** 0.5
    assert r.summary["distance"].tolist() == pytest.approx([1 / sd, 5 / sd])
    assert r.seeds.tolist() == ["s1"]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("method", ["knn", "seed"])
def test_the_ranking_recovers_the_latent_demand_better_than_random(seed, method):
    w = estate_world(60, seed=seed)
    beijing = w.areas.index[w.areas["city"] == "Beijing"]
    assert not w.buyers["area_id"].isin(beijing).any()      # no buyers there yet
    r = lookalike_areas(w.areas, w.buyers, method=method)
    assert set(r.summary.index) >= set(beijing)
    score = r.summary.loc[beijing, "score"]
    check = ranking_check(score, w.truth.areas["latent_demand"], k=10, seed=seed)
    s = check.summary
    assert s.loc["spearman", "model"] > 0.5
    assert abs(s.loc["spearman", "random"]) < 0.1
    assert s.loc["top-k hits", "model"] >= 2 * s.loc["top-k hits", "random"]


def test_ranking_check_by_hand():
    truth = pd.Series([4.0, 3.0, 2.0, 1.0], index=list("abcd"))
    reverse = ranking_check(-truth, truth, k=2)
    assert reverse.summary.loc["spearman", "model"] == pytest.approx(-1.0)
    assert reverse.summary.loc["top-k hits", "model"] == 0.0
    # A random order puts on average k/n = 1/2 of the true top 2 in its top 2.
    assert ranking_check(truth, truth, k=2, n_random=4000).summary.loc[
        "top-k hits", "random"] == pytest.approx(0.5, abs=0.03)


def test_bad_input_is_named():
    areas = pd.DataFrame({"price": [8.0, 2.0, 7.0]}, index=["s1", "s2", "b1"])
    buyers = pd.Series({"s1": 3})
    with pytest.raises(DataError, match="areas: no numeric feature column"):
        lookalike_areas(pd.DataFrame({"city": ["a", "b"]}, index=["s1", "b1"]), buyers)
    with pytest.raises(DataError, match="areas: the table is empty"):
        lookalike_areas(areas.iloc[:0], buyers)
    with pytest.raises(DataError, match="areas: 1 rows have missing feature values"):
        lookalike_areas(areas.assign(price=[8.0, None, 7.0]), buyers)
    with pytest.raises(DataError, match=r"areas: feature column\(s\) \['size'\]"):
        lookalike_areas(areas, buyers, features=["size"])
    with pytest.raises(DataError, match="buyers: 1 area"):
        lookalike_areas(areas, pd.Series({"x9": 3}))
    with pytest.raises(DataError, match="buyers: no area has a buyer"):
        lookalike_areas(areas, pd.Series({"s1": 0}))
    with pytest.raises(DataError, match="buyers: needs an area_id"):
        lookalike_areas(areas, pd.DataFrame({"estate": ["s1"]}))
    with pytest.raises(ModelError, match="method"):
        lookalike_areas(areas, buyers, method="cosine")
    with pytest.raises(ModelError, match="seed_share"):
        lookalike_areas(areas, buyers, method="seed", seed_share=0)
    with pytest.raises(ModelError, match="k: must be"):
        ranking_check(pd.Series([1.0], index=["a"]), pd.Series([1.0], index=["a"]), k=2)
    with pytest.raises(DataError, match="truth: 1 scored item"):
        ranking_check(pd.Series([1.0], index=["a"]), pd.Series([1.0], index=["b"]), k=1)
