"""Tests of omnimkt.segments: exact hand-made scores and tiers, invariants, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omnimkt import DataError, ModelError
from omnimkt import segments as S
from omnimkt.segments.rfm import segment_from_scores

DAY0 = pd.Timestamp("2025-01-01")


def tx_from(rows):
    """rows: (customer_id, day offset, amount[, quantity, list_price, category])."""
    out = []
    for i, r in enumerate(rows):
        d = {"customer_id": r[0], "timestamp": DAY0 + pd.Timedelta(days=r[1]), "amount": r[2],
             "order_id": i + 1}
        if len(r) > 3:
            d.update(quantity=r[3], list_price=r[4], category=r[5], product="formula_standard")
        out.append(d)
    return pd.DataFrame(out)


# ---------------------------------------------------------------- RFM scores
def test_quantile_scores_exact_and_ties():
    v = pd.Series([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], index=range(10))
    assert S.quantile_scores(v).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert S.quantile_scores(v, higher_is_better=False).tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    ties = pd.Series([1, 1, 1, 1, 1, 1, 2, 2, 3, 9])
    assert S.quantile_scores(ties).tolist() == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    # row order does not matter
    shuffled = ties.sample(frac=1, random_state=3)
    assert S.quantile_scores(shuffled).sort_index().tolist() == S.quantile_scores(ties).tolist()


def test_rfm_scores_hand_made():
    # customer i (1..10): i orders, each 10*i yuan; last order on day 100 - 10*i
    rows = []
    for i in range(1, 11):
        for j in range(i):
            rows.append((i, 100 - 10 * i - j, 10.0 * i))
    res = S.rfm_scores(tx_from(rows), cutoff=DAY0 + pd.Timedelta(days=99))
    sc = res.scores
    assert sc["recency_days"].tolist() == [10.0 * i for i in range(1, 11)]
    assert sc["frequency"].tolist() == list(range(1, 11))
    # recency reversed: customer 1 (most recent) gets 5
    assert sc["r_score"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert sc["f_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert sc["m_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert sc["rfm_cell"].tolist()[:2] == [511, 511]
    assert sc["segment"].astype(str).tolist() == [
        "new", "new", "potential loyalist", "potential loyalist", "need attention",
        "need attention", "at risk", "at risk", "can't lose", "can't lose"]
    assert res.summary.loc["new", "customers"] == 2
    assert res.summary["customers"].sum() == 10
    assert "champions" in res.to_markdown()


def test_segment_map_covers_every_cell_once():
    r, fm = np.meshgrid(np.arange(1, 6), np.arange(1, 6))
    seg = segment_from_scores(pd.Series(r.ravel()), pd.Series(fm.ravel()))
    assert seg.notna().all()
    assert set(seg.astype(str)) == set(S.SEGMENT_ORDER)
    hits = {}
    for _name, rs, fs, _ in S.RFM_SEGMENT_RULES:
        for a in rs:
            for b in fs:
                hits[(a, b)] = hits.get((a, b), 0) + 1
    assert len(hits) == 25 and set(hits.values()) == {1}
    cell = dict(zip(zip(r.ravel(), fm.ravel(), strict=True), seg.astype(str), strict=True))
    assert cell[(5, 5)] == "champions" and cell[(1, 1)] == "lost"
    assert cell[(1, 5)] == "can't lose" and cell[(3, 2)] == "about to sleep"


# ---------------------------------------------------------------- 2-8 rule
def test_pareto_share_exact():
    v = pd.Series([100.0, 50, 20, 10, 5, 5, 4, 3, 2, 1], index=range(1, 11))
    res = S.pareto_split(v)
    assert res.customer_share == 0.2
    assert res.value_share == pytest.approx(150 / 200)
    assert res.tiers.loc[[1, 2]].astype(str).tolist() == ["top 20%", "top 20%"]
    assert res.lorenz["value_share"].iloc[-1] == pytest.approx(1.0)


def test_pareto_ties_broken_by_id():
    v = pd.Series([5.0] * 10, index=[10, 9, 8, 7, 6, 5, 4, 3, 2, 1])
    res = S.pareto_split(v)
    assert sorted(res.tiers.index[res.tiers == "top 20%"]) == [1, 2]
    assert res.value_share == pytest.approx(0.2)


def test_pareto_from_transactions():
    tx = tx_from([(1, 0, 800.0), (2, 1, 100.0), (3, 2, 50.0), (4, 3, 30.0), (5, 4, 20.0)])
    res = S.pareto_split(tx)
    assert res.value_share == pytest.approx(0.8)
    assert res.summary.loc["top 20%", "customers"] == 1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=60),
       st.floats(0.05, 0.95))
def test_pareto_properties(values, top):
    v = pd.Series(values, index=range(len(values)))
    if sum(values) <= 0:
        with pytest.raises(DataError):
            S.pareto_split(v, top_share=top)
        return
    res = S.pareto_split(v, top_share=top)
    assert res.summary["customers"].sum() == len(v)
    assert res.summary["value_share"].sum() == pytest.approx(1.0)
    assert res.tiers.notna().all() and len(res.tiers) == len(v)
    # the top tier holds the largest values
    top_vals = v[res.tiers == res.tiers.cat.categories[0]]
    rest = v[res.tiers != res.tiers.cat.categories[0]]
    if len(rest):
        assert top_vals.min() >= rest.max()


# ---------------------------------------------------------------- 1535, 3+3+4
def test_1535_sizes_and_referrers_first():
    v = pd.Series(range(20, 0, -1), index=range(1, 21), dtype=float)
    res = S.tiers_1535(v)
    assert res.summary["customers"].tolist() == [3, 7, 10]
    assert res.tiers.loc[[1, 2, 3]].astype(str).tolist() == ["opinion leader"] * 3
    cust = pd.DataFrame({"customer_id": range(1, 21),
                         "referrer_id": pd.array([pd.NA] * 19 + [20], dtype="Int64")})
    res = S.tiers_1535(v, customers=cust)
    # customer 20 (lowest value) referred someone (itself here) -> opinion leader
    assert str(res.tiers.loc[20]) == "opinion leader"
    assert str(res.tiers.loc[3]) == "intent"


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0, 1e4, allow_nan=False), min_size=1, max_size=80))
def test_1535_partition(values):
    v = pd.Series(values, index=range(len(values)))
    res = S.tiers_1535(v)
    assert res.summary["customers"].sum() == len(v)
    assert res.summary["share"].sum() == pytest.approx(1.0)
    n = len(v)
    assert res.summary["customers"].iloc[0] == int(np.floor(0.15 * n + 0.5))


def test_334_hand_made():
    tx = tx_from([(1, 0, 10.0), (1, 31, 10.0), (2, 9, 10.0), (2, 40, 10.0), (3, 31, 90.0),
                  (4, 32, 80.0), (5, 33, 70.0), (6, 34, 5.0), (7, 35, 5.0), (8, 36, 5.0),
                  (9, 37, 5.0), (10, 38, 5.0)])
    res = S.split_334(tx)
    t = res.tiers.astype(str)
    assert t.loc[[1, 2]].tolist() == ["old", "old"]  # the only repeat buyers (30% = 3 slots)
    assert t.loc[[3, 4, 5]].tolist() == ["key development"] * 3
    assert (t.loc[6:] == "potential").all()
    assert res.summary["customers"].tolist() == [2, 3, 5]
    assert res.summary.loc["old", "target_share"] == pytest.approx(0.3)
    assert "Only 2 repeat buyers" in res.to_markdown()
    # prospects count in the base and land in potential
    res = S.split_334(tx, prospects=[100, 101])
    assert res.summary["customers"].sum() == 12
    assert str(res.tiers.loc[100]) == "potential"


@pytest.mark.filterwarnings("ignore::omnimkt.DataWarning")
@settings(max_examples=12, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 15), st.integers(0, 300), st.floats(1, 500)),
                min_size=1, max_size=50))
def test_334_partition(rows):
    res = S.split_334(tx_from(rows))
    n = len({r[0] for r in rows})
    assert res.summary["customers"].sum() == n
    assert res.summary["share"].sum() == pytest.approx(1.0)
    assert res.summary["value_share"].sum() == pytest.approx(1.0)


# ---------------------------------------------------------------- types and classes
def test_five_types_and_four_classes():
    tx = tx_from([(1, 0, 100.0), (1, 30, 100.0), (1, 60, 100.0),   # loyal, referrer
                  (2, 0, 50.0), (2, 30, 50.0), (2, 60, 50.0),      # loyal
                  (3, 0, 900.0), (3, 10, 900.0),                   # ordinary, premium
                  (4, 0, 40.0), (4, 5, 40.0), (4, 9, 40.0),        # 3 orders but not recent
                  (5, 55, 20.0)])                                  # one purchase
    customers = pd.DataFrame({"customer_id": [1, 2, 3, 4, 5, 6],
                              "referrer_id": pd.array([pd.NA, 1, pd.NA, pd.NA, 1, pd.NA],
                                                      dtype="Int64")})
    touch = pd.DataFrame({"customer_id": [50, 50, 51, 2],
                          "timestamp": [DAY0] * 4, "channel": "sms",
                          "event": ["impression", "click", "impression", "click"]})
    cutoff = DAY0 + pd.Timedelta(days=119)
    four = S.four_classes(tx, customers=customers, touchpoints=touch, cutoff=cutoff)
    t = four.tiers.astype(str)
    assert t.loc[1] == "advocate"
    assert t.loc[2] == "loyal"
    assert t.loc[3] == "ordinary" and t.loc[4] == "ordinary"
    assert t.loc[5] == "potential"
    assert t.loc[[6, 50, 51]].tolist() == ["potential"] * 3
    assert four.summary["customers"].tolist() == [4, 2, 1, 1]
    five = S.five_types(tx, customers=customers, touchpoints=touch, cutoff=cutoff)
    t = five.tiers.astype(str)
    assert t.loc[1] == "opinion leader"
    assert t.loc[3] == "premium large"  # top 20% of the 4 other buyers = 1 customer
    assert t.loc[[2, 4, 5]].tolist() == ["small and medium"] * 3
    assert t.loc[50] == "intent / target"
    assert t.loc[[51, 6]].tolist() == ["potential", "potential"]
    assert five.summary["customers"].sum() == 8


@pytest.mark.filterwarnings("ignore::omnimkt.DataWarning")
def test_four_classes_recent_days_parameter():
    tx = tx_from([(1, 0, 10.0), (1, 5, 10.0), (1, 10, 10.0)])
    cutoff = DAY0 + pd.Timedelta(days=99)
    # last order 90 days before the end of the cutoff day: recent at the default 90 days, not at 60
    assert str(S.four_classes(tx, cutoff=cutoff).tiers.loc[1]) == "loyal"
    assert str(S.four_classes(tx, cutoff=cutoff, recent_days=60).tiers.loc[1]) == "ordinary"
    assert "advocate" in S.four_classes(tx, cutoff=cutoff).to_markdown()


def test_price_sensitivity_thresholds():
    tx = tx_from([(1, 0, 500.0), (1, 9, 450.0), (2, 0, 300.0), (3, 0, 100.0), (3, 5, 150.0),
                  (3, 9, 900.0)])
    res = S.price_sensitivity(tx)
    assert res.table["basket"].tolist() == [475.0, 300.0, 150.0]
    assert res.table["offer"].tolist() == ["service content", "standard offer", "price offer"]
    res = S.price_sensitivity(tx, basket="mean", high=350, low=100)
    assert res.table["sensitivity"].tolist() == ["not sensitive", "in between", "not sensitive"]
    with pytest.raises(ModelError, match="low=500"):
        S.price_sensitivity(tx, low=500, high=400)


def test_asset_cube_numbers():
    tx = tx_from([(1, 0, 100.0), (1, 30, 100.0), (2, 10, 50.0), (3, 0, 60.0), (3, 60, 40.0)])
    data = S.customer_table(tx, cutoff=DAY0 + pd.Timedelta(days=60))
    cube = S.asset_cube(data)
    row = cube.iloc[0]
    assert row["customers"] == 3
    assert row["length_days"] == pytest.approx(30.0)  # (30 + 0 + 60) / 3
    assert row["height_value"] == pytest.approx(350 / 3)
    assert row["volume"] == pytest.approx(3 * 30 / 365.25 * 350 / 3)


# ---------------------------------------------------------------- RFMCL
def test_rfmcl_table_definition():
    # customer 1: 3 cans on day 0 (expected to last 21 days), seen on day 42 -> R = 2
    tx = tx_from([(1, 0, 270.0, 3, 300.0, "formula"), (2, 0, 100.0, 1, 100.0, "formula"),
                  (2, 35, 100.0, 1, 100.0, "formula")])
    t = S.rfmcl_table(tx, cutoff=DAY0 + pd.Timedelta(days=41))
    assert t.loc[1, "R"] == pytest.approx(2.0)
    assert t.loc[1, "expected_duration_days"] == pytest.approx(21.0)
    assert t.loc[2, "R"] == pytest.approx(1.0)  # 7 days after a 1-can purchase
    assert t["F"].tolist() == [1, 2]
    assert t["M"].tolist() == [270.0, 200.0]
    assert t.loc[1, "C"] == pytest.approx(0.9)  # paid 270 of 300 list
    assert t["L"].tolist() == [42.0, 42.0]
    assert t.attrs["C"] == "price_ratio"
    t = S.rfmcl_table(tx, cutoff=DAY0 + pd.Timedelta(days=41), c="regularity")
    assert t.attrs["C"] == "regularity" and t["C"].isna().all()  # fewer than 3 orders


def _blobs(seed=0, n=60):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "R": np.r_[rng.uniform(0.2, 0.8, n), rng.uniform(8, 12, n)],
        "F": np.r_[rng.integers(8, 12, n), np.ones(n, dtype=int)],
        "M": np.r_[rng.uniform(5000, 6000, n), rng.uniform(100, 150, n)],
        "C": np.r_[rng.uniform(0.95, 1, n), rng.uniform(0.95, 1, n)],
        "L": np.r_[rng.uniform(400, 500, n), rng.uniform(400, 500, n)],
    }, index=pd.RangeIndex(1, 2 * n + 1, name="customer_id"))


def test_rfmcl_segmenter_finds_and_names_clusters():
    X = _blobs()
    m = S.RFMCLSegmenter(seed=0).fit(X)
    assert m.k_ == 2
    assert list(m.silhouette_.index) == list(range(2, 9))
    assert m.silhouette_.idxmax() == 2
    assert (m.labels_.iloc[:60] == 0).all() and (m.labels_.iloc[60:] == 1).all()
    assert m.names_.tolist() == ["active high-value", "dormant low-value (one-time)"]
    assert m.profile_["customers"].tolist() == [60, 60]
    again = S.RFMCLSegmenter(seed=0).fit(X)
    assert again.labels_.equals(m.labels_)
    assert m.predict(X.iloc[:3]).tolist() == [0, 0, 0]


def test_rfmcl_segments_on_transactions():
    rows = []
    for c in range(1, 31):
        heavy = c <= 10
        for j in range(8 if heavy else 1):
            rows.append((c, 300 - 20 * j if heavy else c, 900.0 if heavy else 90.0, 3, 1000.0
                         if heavy else 100.0, "formula"))
    res = S.rfmcl_segments(tx_from(rows), seed=1, cutoff=DAY0 + pd.Timedelta(days=319))
    assert res.k == 2
    assert res.summary["customers"].sum() == 30
    assert res.table.loc[1, "cluster"] == 0  # heavy buyers are the valuable cluster
    assert "silhouette" in res.to_markdown()


# ---------------------------------------------------------------- look-alikes
def test_lookalikes_nearest_to_seed_group():
    f = pd.DataFrame({"x": [0.0, 0.1, 5.0, 5.2, 9.0, 4.9], "y": [0, 0, 1, 1, 0, 1.0]},
                     index=[1, 2, 3, 4, 5, 6])
    out = S.lookalikes(f, [3], n=2)
    assert out.index.tolist() == [6, 4]  # 4.9 is closer to 5.0 than 5.2
    assert out["nearest_seed"].tolist() == [3, 3]
    assert out["rank"].tolist() == [1, 2]
    out = S.lookalikes(f, [1, 5], n=1)
    assert out.index.tolist() == [2]


def test_area_lookalike():
    tx = tx_from([(1, 0, 100.0), (2, 0, 110.0), (3, 0, 900.0), (4, 0, 105.0)])
    cust = pd.DataFrame({"customer_id": [1, 2, 3, 4],
                         "region": ["shanghai_a", "beijing_b", "beijing_c", "x"]})
    prof = S.area_profile(tx, customers=cust)
    out = S.lookalikes(prof, ["shanghai_a"], n=1)
    assert out.index.tolist() == ["x"] or out.index.tolist() == ["beijing_b"]
    assert out.index[0] != "beijing_c"



def _seed_table():
    """Tiers of five buyers and one prospect (99, not in the customers table)."""
    tiers = pd.Series(pd.Categorical(["advocate", "loyal", "advocate", "ordinary", "advocate",
                                      "potential"],
                                     categories=["potential", "ordinary", "loyal", "advocate"],
                                     ordered=True),
                      index=pd.Index([11, 12, 13, 14, 15, 99], name="customer_id"), name="tier")
    cust = pd.DataFrame({"customer_id": [11, 12, 13, 14, 15],
                         "region": ["east", "east", "west", "east", "east"],
                         "city": ["a", "b", "a", "a", "b"]})
    return tiers, cust


def test_seed_group_tier_and_attributes():
    tiers, cust = _seed_table()
    assert S.seed_group(tiers, "advocate").tolist() == [11, 13, 15]
    assert S.seed_group(tiers, ["ordinary", "loyal"]).tolist() == [12, 14]  # order of tiers
    east = S.seed_group(tiers, "advocate", customers=cust, where={"region": "east"})
    assert east.tolist() == [11, 15] and east.name == "customer_id"
    both = S.seed_group(tiers, "advocate", customers=cust,
                        where={"region": ["east", "west"], "city": "a"})
    assert both.tolist() == [11, 13]
    # a Dataset-like object lends its customers table; a TierResult its tiers
    from types import SimpleNamespace
    assert S.seed_group(SimpleNamespace(tiers=tiers), "loyal", customers=SimpleNamespace(
        customers=cust), where={"region": "east"}).tolist() == [12]
    pareto = S.pareto_split(pd.Series([1.0, 2.0, 3.0, 4.0, 10.0], index=[1, 2, 3, 4, 5]))
    assert S.seed_group(pareto, "top 20%").tolist() == [5]


def test_seed_group_feeds_lookalikes():
    tiers, cust = _seed_table()
    f = pd.DataFrame({"x": [0.0, 0.2, 5.0, 3.0, 10.0, 7.0]}, index=tiers.index)
    seeds = S.seed_group(tiers, "advocate", customers=cust, where={"region": "east"})
    pool = S.seed_group(tiers, ["ordinary", "loyal"])
    out = S.lookalikes(f, seeds, n=5, candidates=pool)
    assert out.index.tolist() == [12, 14]       # 13 (a seed's tier) and 99 are not candidates
    assert out["nearest_seed"].tolist() == [11, 11]
    z = (f["x"] - f["x"].mean()) / f["x"].std(ddof=0)
    assert out["distance"].tolist() == pytest.approx([z[12] - z[11], z[14] - z[11]])

# ---------------------------------------------------------------- salon window
def test_window_counts_exact():
    tx = tx_from([
        (1, 100, 50.0),                    # new in window (window starts day 90)
        (2, 0, 80.0), (2, 95, 60.0),       # silent 90 days at start -> woken
        (3, -200, 70.0), (3, 120, 40.0),   # silent 290 days -> won back
        (4, 80, 30.0), (4, 100, 300.0),    # active, spends more -> upgraded
        (5, 0, 20.0), (5, 150, 20.0),      # bought after the window: nothing
        (6, 1, 10.0), (6, 100, 10.0),      # silent 89 days: not sleeping yet
    ])
    res = S.window_counts(tx, DAY0 + pd.Timedelta(days=90), tier_thresholds=[100, 200, 300])
    c = res.customers
    assert res.counts == {"new": 1, "woken": 1, "won back": 1, "upgraded": 3}
    assert c.loc[2, "woken"] and c.loc[3, "won back"] and c.loc[1, "new"]
    assert not c.loc[6, "woken"]
    assert c.loc[4, "tier_start"] == "D" and c.loc[4, "tier_end"] == "A"
    assert not c.loc[1, "upgraded"]  # new customers are not upgrades


# ---------------------------------------------------------------- bad input
def test_empty_transactions():
    with pytest.raises(DataError, match=r"transactions.*empty"):
        S.rfm_scores(pd.DataFrame({"customer_id": [], "timestamp": [], "amount": []}))


def test_negative_spend():
    tx = tx_from([(1, 0, -5.0), (2, 0, 10.0), (3, 1, -1.0)])
    with pytest.raises(DataError, match=r"amount.*2.*negative"):
        S.pareto_split(tx)


def test_negative_value_series():
    with pytest.raises(DataError, match="1 customers have negative value"):
        S.pareto_split(pd.Series([1.0, -2.0]))


@pytest.mark.filterwarnings("ignore::omnimkt.DataWarning")
def test_single_customer_clustering():
    tx = tx_from([(1, 0, 10.0), (1, 5, 20.0)])
    with pytest.raises(DataError, match=r"1 customer\(s\)"):
        S.rfmcl_segments(tx)


def test_k_too_big():
    X = _blobs(n=3)
    with pytest.raises(DataError, match=r"k=10 is too big.*6 customers"):
        S.RFMCLSegmenter(10).fit(X)


def test_too_few_customers_for_k_range():
    X = _blobs(n=1)
    with pytest.raises(DataError, match="cannot be split"):
        S.RFMCLSegmenter(k_range=range(3, 9)).fit(X)


def test_missing_columns_rfmcl_table():
    with pytest.raises(DataError, match=r"RFMCL table: missing column\(s\) C, L"):
        S.RFMCLSegmenter().fit(pd.DataFrame({"R": [1.0, 2], "F": [1, 2], "M": [1.0, 2]}))


def test_bad_shares():
    with pytest.raises(ModelError, match="shares: must be 3 non-negative fractions summing to 1"):
        S.tiers_1535(pd.Series([1.0, 2.0]), shares=(0.5, 0.5, 0.5))


def test_lookalike_unknown_seed():
    f = pd.DataFrame({"x": [0.0, 1.0]}, index=[1, 2])
    with pytest.raises(DataError, match=r"1 seed id\(s\) not in features"):
        S.lookalikes(f, [7])



def test_seed_group_unknown_tier():
    tiers, _ = _seed_table()
    with pytest.raises(ModelError, match=r"tier: 1 label\(s\) not among the tiers.*'champion'"):
        S.seed_group(tiers, ["advocate", "champion"])


def test_seed_group_filter_without_customers():
    tiers, _ = _seed_table()
    with pytest.raises(DataError, match=r"customers: needed to filter on \['region'\]"):
        S.seed_group(tiers, "advocate", where={"region": "east"})


def test_seed_group_missing_column():
    tiers, cust = _seed_table()
    with pytest.raises(DataError, match=r"customers: missing column\(s\) \['estate'\]"):
        S.seed_group(tiers, "advocate", customers=cust, where={"estate": "x"})


def test_seed_group_empty():
    tiers, cust = _seed_table()
    # 99 is a prospect without a customers row, so it matches no region
    with pytest.raises(DataError, match=r"seed group is empty.*'potential'.*region in \['east'\]"):
        S.seed_group(tiers, "potential", customers=cust, where={"region": "east"})


def test_seed_group_bad_tiers():
    with pytest.raises(DataError, match="tiers: expected a tier result"):
        S.seed_group(["advocate"], "advocate")

def test_window_outside_data():
    tx = tx_from([(1, 0, 10.0), (2, 5, 10.0)])
    with pytest.raises(DataError, match="outside the data"):
        S.window_counts(tx, "2030-01-01")


@pytest.mark.filterwarnings("ignore::omnimkt.DataWarning")
def test_cutoff_before_data():
    tx = tx_from([(1, 0, 10.0)])
    with pytest.raises(DataError, match="no purchase on or before cutoff=2020-01-01"):
        S.rfm_scores(tx, cutoff="2020-01-01")


def test_customer_table_regularity_and_orders():
    # order 1 has two lines on day 0; orders on days 0, 10, 30 -> gaps 10, 20
    tx = pd.DataFrame({"customer_id": [1, 1, 1, 1, 2], "order_id": [7, 7, 8, 9, 10],
                       "timestamp": [DAY0, DAY0, DAY0 + pd.Timedelta(days=10),
                                     DAY0 + pd.Timedelta(days=30), DAY0],
                       "amount": [10.0, 20.0, 30.0, 40.0, 5.0]})
    t = S.customer_table(tx.sample(frac=1, random_state=1), cutoff=DAY0 + pd.Timedelta(days=39))
    assert t.loc[1, "orders"] == 3 and t.loc[1, "spend"] == 100.0
    assert t.loc[1, "median_basket"] == 30.0
    assert t.loc[1, "regularity"] == pytest.approx(1 / (1 + 5 / 15))
    assert np.isnan(t.loc[2, "regularity"])
    assert t.loc[1, "lifespan_days"] == 30.0 and t.loc[2, "recency_days"] == 40.0


def test_plots_draw_on_the_given_axes():
    import matplotlib.pyplot as plt

    from omnimkt.plotting import segments as P

    rows = [(c, d, 10.0 * c) for c in range(1, 21) for d in range(0, 3 * (c % 4) + 1, 3)]
    tx = tx_from(rows)
    for fn, res in ((P.plot_pareto, S.pareto_split(tx)), (P.plot_rfm_segments, S.rfm_scores(tx)),
                    (P.plot_tiers, S.split_334(tx))):
        fig, (left, right) = plt.subplots(1, 2)
        ax = fn(res, ax=right)
        assert ax is right and not left.has_data()
        assert ax.get_ylabel() or ax.get_xlabel()
        plt.close(fig)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=1, max_size=80), st.integers(2, 7))
def test_quantile_scores_properties(values, n_bins):
    v = pd.Series(values, dtype=float)
    sc = S.quantile_scores(v, n_bins)
    assert sc.between(1, n_bins).all()
    order = np.argsort(v.to_numpy(), kind="stable")
    assert (np.diff(sc.to_numpy()[order]) >= 0).all()  # monotone in the value
    assert (sc.groupby(v).nunique() == 1).all()  # equal values, equal score
    assert sc.max() == 1 + (n_bins * int((v < v.max()).sum())) // len(v)


@settings(max_examples=10, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 12), st.integers(0, 200), st.floats(1, 900)),
                min_size=2, max_size=40), st.integers(0, 1))
@pytest.mark.filterwarnings("ignore::omnimkt.DataWarning")
def test_classes_and_types_partition(rows, ref_flag):
    tx = tx_from(rows)
    ids = sorted({r[0] for r in rows})
    cust = pd.DataFrame({"customer_id": ids + [99],
                         "referrer_id": pd.array([pd.NA] * len(ids) + [ids[0] if ref_flag
                                                                       else pd.NA],
                                                 dtype="Int64")})
    for res in (S.four_classes(tx, customers=cust), S.five_types(tx, customers=cust),
                S.price_sensitivity(tx)):
        assert res.tiers.index.is_unique
        assert res.summary["customers"].sum() == len(res.tiers)
        assert res.summary["share"].sum() == pytest.approx(1.0)
        assert set(ids) <= set(res.tiers.index)


# ---------------------------------------------------------------- one contract (issue 9)
def test_rfm_scores_columns_as_a_plain_dict():
    tx = tx_from([(1, 0, 10.0), (2, 1, 20.0), (3, 2, 30.0)]).rename(
        columns={"customer_id": "member_no", "amount": "paid"})
    res = S.rfm_scores(tx, columns={"customer_id": "member_no", "amount": "paid"})
    assert res.scores["monetary"].tolist() == [10.0, 20.0, 30.0]
    with pytest.raises(ModelError, match="columns: unknown canonical name"):
        S.rfm_scores(tx, columns={"member": "member_no"})


def test_cutoff_is_inclusive_and_recency_runs_to_its_end():
    # a purchase at 23:00 on the cutoff day counts; recency is measured to midnight after it
    tx = pd.DataFrame({"customer_id": [1, 2, 2],
                       "timestamp": pd.to_datetime(["2025-01-01 00:00", "2025-01-05 23:00",
                                                    "2025-01-06 08:00"]),
                       "amount": [10.0, 20.0, 30.0]})
    t = S.customer_table(tx, cutoff="2025-01-05")
    assert t["orders"].tolist() == [1, 1] and t.loc[1, "recency_days"] == 5.0
    assert t.loc[2, "recency_days"] == pytest.approx(1 / 24)
    # default cutoff = the day of the last purchase: the same end of history as before
    assert S.customer_table(tx).loc[1, "recency_days"] == 6.0
    # an aware cutoff is read on its own wall-clock day
    aware = pd.Timestamp("2025-01-05 01:00", tz="Asia/Shanghai")
    assert S.customer_table(tx, cutoff=aware)["orders"].tolist() == [1, 1]
    assert S.rfm_scores(tx, cutoff="2025-01-05").cutoff == pd.Timestamp("2025-01-05")


@pytest.mark.parametrize(("call", "name"), [
    (lambda tx: S.pareto_split(tx, top_share=float("nan")), "top_share"),
    (lambda tx: S.pareto_split(tx, top_share=True), "top_share"),
    (lambda tx: S.rfm_scores(tx, n_bins=2.5), "n_bins"),
    (lambda tx: S.rfm_scores(tx, cutoff=20250101), "cutoff"),
    (lambda tx: S.customer_table(tx, validate="yes"), "validate"),
    (lambda tx: S.tiers_1535(tx, shares=(0.15, 0.35, float("nan"))), "shares"),
    (lambda tx: S.tiers_1535(tx, shares=(0.0, True, 0.0)), "shares"),
    (lambda tx: S.split_334(tx, min_orders=0), "min_orders"),
    (lambda tx: S.five_types(tx, premium_share=-0.1), "premium_share"),
    (lambda tx: S.four_classes(tx, loyal_orders=2.5), "loyal_orders"),
    (lambda tx: S.four_classes(tx, recent_days=float("inf")), "recent_days"),
    (lambda tx: S.price_sensitivity(tx, high=float("nan")), "high"),
    (lambda tx: S.price_sensitivity(tx, basket="mode"), "basket"),
    (lambda tx: S.asset_cube(tx, by=3), "by"),
    (lambda tx: S.rfmcl_table(tx, c="colour"), "c"),
    (lambda tx: S.rfmcl_table(tx, days_per_unit=0), "days_per_unit"),
    (lambda tx: S.rfmcl_segments(tx, k=1.5), "k"),
    (lambda tx: S.window_counts(tx, "2025-01-03", window_days=float("nan")), "window_days"),
    (lambda tx: S.window_counts(tx, "2025-01-03", sleeping_days=200), "sleeping_days"),
    (lambda tx: S.window_counts(tx, "2025-01-03", tier_quantiles=(0.4, 0.7, 1.5)),
     "tier_quantiles"),
    (lambda tx: S.window_counts(tx, "2025-01-03", tier_thresholds=[300, 200, 100]),
     "tier_thresholds"),
    (lambda tx: S.window_counts(tx, "not a day"), "start"),
    (lambda tx: S.lookalikes(pd.DataFrame({"x": [0.0, 1.0]}), [0], n=0), "n"),
    (lambda tx: S.lookalikes(pd.DataFrame({"x": [0.0, 1.0]}), [0], exclude_seeds="no"),
     "exclude_seeds"),
])
def test_bad_parameters_name_the_parameter(call, name):
    tx = tx_from([(1, 0, 10.0), (2, 1, 20.0), (2, 5, 20.0), (3, 2, 30.0)])
    with pytest.raises(ModelError, match=f"^{name}"):
        call(tx)


@pytest.mark.parametrize(("setting", "value"), [
    ("k", 0), ("k_range", [2, 2.5]), ("seed", -1), ("features", ("R", "X")),
    ("n_init", 0), ("selection_sample", float("nan")), ("n_jobs", 0),
])
def test_segmenter_settings_checked_at_fit(setting, value):
    with pytest.raises(ModelError, match=setting):
        S.RFMCLSegmenter(**{setting: value}).fit(_blobs())


def test_segmenter_is_an_estimator():
    from sklearn.base import clone

    from omnimkt.errors import NotFittedError

    m = S.RFMCLSegmenter(k=2, seed=np.random.default_rng(0))
    assert clone(m).get_params()["k"] == 2
    with pytest.raises(NotFittedError):
        m.predict(_blobs())
    assert m.fit(_blobs()) is m
    assert m.summary["customers"].tolist() == [60, 60]
    assert "k = 2" in repr(m) and "<table" in m._repr_html_()


def test_text_and_integer_ids_across_tables():
    tx = tx_from([(1, 0, 100.0), (1, 30, 100.0), (1, 60, 100.0), (2, 0, 50.0), (3, 55, 20.0)])
    # customers loaded with text ids: referrals still count
    customers = pd.DataFrame({"customer_id": ["1", "2", "3", "9"],
                              "referrer_id": [None, "1", None, None],
                              "region": ["east", "east", "west", "west"]})
    four = S.four_classes(tx, customers=customers, cutoff=DAY0 + pd.Timedelta(days=60))
    assert four.tiers.loc["1"] == "advocate" and four.tiers.loc["9"] == "potential"
    assert four.summary["customers"].tolist() == [3, 0, 0, 1]
    prof = S.area_profile(tx, customers=customers)
    assert prof["customers"].to_dict() == {"east": 2.0, "west": 1.0}
    tiers = pd.Series(["advocate", "loyal", "advocate"], index=[1, 2, 3])
    east = S.seed_group(tiers, "advocate", customers=customers, where={"region": "east"})
    assert east.tolist() == [1]  # the ids of the tiers, which feed lookalikes
    with pytest.raises(DataError, match="none of its 2 ids occurs"):
        S.seed_group(tiers, "advocate", customers=pd.DataFrame(
            {"customer_id": ["c-1", "c-2"], "region": ["east", "west"]}), where={"region": "east"})


def test_four_classes_loyal_by_cans_counts_formula_cans_not_orders():
    # 1: one 3-can formula order (one order, three cans); 2: three 1-can orders of which
    # one is a toy (two formula cans); 3: 1 + 2 formula cans in two orders
    rows = [(1, 50, 3, "formula"), (2, 10, 1, "formula"), (2, 30, 1, "toy"),
            (2, 50, 1, "formula"), (3, 20, 1, "formula"), (3, 50, 2, "formula")]
    tx = pd.DataFrame({"customer_id": [r[0] for r in rows],
                       "timestamp": [DAY0 + pd.Timedelta(days=r[1]) for r in rows],
                       "amount": 198.0, "quantity": [r[2] for r in rows],
                       "category": [r[3] for r in rows]})
    cut = DAY0 + pd.Timedelta(days=60)
    by_orders = S.four_classes(tx, cutoff=cut).tiers.astype(str).tolist()
    by_cans = S.four_classes(tx, cutoff=cut, loyal_by="cans").tiers.astype(str).tolist()
    every = S.four_classes(tx, cutoff=cut, loyal_by="cans", category=None).tiers.astype(str)
    assert by_orders == ["potential", "loyal", "ordinary"]
    assert by_cans == ["loyal", "ordinary", "loyal"]    # cans: 3, 2 (toy left out), 3
    assert every.tolist() == ["loyal", "loyal", "loyal"]
    with pytest.raises(ModelError, match="loyal_by"):
        S.four_classes(tx, loyal_by="units")
    with pytest.raises(DataError, match="customer table"):
        S.four_classes(S.customer_table(tx), loyal_by="cans")
    with pytest.raises(DataError, match=r"transactions\.quantity"):
        S.four_classes(tx.drop(columns="quantity"), loyal_by="cans", category=None)
