"""Campaign scorecard of the salon case (G): hand-computed values and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from omnimkt import campaign as C
from omnimkt.datasets.salon import generate_salon
from omnimkt.errors import DataError, ModelError

D = pd.Timestamp


# ---------------------------------------------------------------- targets
def test_decompose_targets_by_hand():
    monthly = pd.DataFrame({"store_id": ["A", "A", "B"],
                            "month": ["2025-09-01", "2025-10-01", "2025-09-01"],
                            "target": [3000.0, 6200.0, 900.0]})
    staff = pd.DataFrame({"staff_id": ["a1", "a2", "b1"], "store_id": ["A", "A", "B"]})
    out = C.decompose_targets(monthly, staff, start="2025-09-30", end="2025-10-01")
    got = out.set_index(["day", "staff_id"])["target"]
    # September: 3000 / 2 people / 30 days = 50; October: 6200 / 2 / 31 = 100
    assert got[(D("2025-09-30"), "a1")] == pytest.approx(50.0)
    assert got[(D("2025-10-01"), "a2")] == pytest.approx(100.0)
    # B: 900 / 1 / 30 = 30 on Sep 30; B has no October target -> an error below
    assert got[(D("2025-09-30"), "b1")] == pytest.approx(30.0)


def test_one_store_attainment_from_five_targets():
    targets = pd.DataFrame({
        "day": pd.to_datetime(["2025-09-01", "2025-09-01", "2025-09-02", "2025-09-02",
                               "2025-09-01"]),
        "store_id": ["A", "A", "A", "A", "B"],
        "staff_id": ["a1", "a2", "a1", "a2", "b1"],
        "target": [100.0, 100.0, 150.0, 150.0, 80.0]})
    visits = pd.DataFrame({
        "customer_id": [1, 2, 3, 4, 5],
        "store_id": ["A", "A", "A", "B", "A"],
        "staff_id": ["a1", "a2", "a1", "b1", "a2"],
        "timestamp": ["2025-09-01 10:00", "2025-09-02 15:00", "2025-09-02 18:30",
                      "2025-09-01", "2025-09-03"],          # the last is after the window
        "cash_sales": [120.0, 200.0, 230.0, 40.0, 999.0]})
    res = C.track_targets(targets, visits, start="2025-09-01", end="2025-09-02")
    # store A: target 100 + 100 + 150 + 150 = 500; actual 120 + 200 + 230 = 550
    assert res.by_store.loc["A", "target"] == pytest.approx(500.0)
    assert res.by_store.loc["A", "attainment"] == pytest.approx(550 / 500)
    # a1: target 250, actual 350; a2: target 250, actual 200
    assert res.by_staff.loc["a1", "attainment"] == pytest.approx(350 / 250)
    assert res.by_staff.loc["a2", "attainment"] == pytest.approx(200 / 250)
    # daily tracking of A: day 1 120/200, to day 2 550/500
    a = res.daily[res.daily["store_id"] == "A"]
    assert a["attainment_to_date"].tolist() == pytest.approx([0.6, 1.1])
    # all stores: (550 + 40) / (500 + 80)
    assert res.summary.loc["all stores", "attainment"] == pytest.approx(590 / 580)


def test_window_totals_by_hand():
    v = pd.DataFrame({"customer_id": [1, 1, 2, 3], "store_id": ["A", "A", "B", "B"],
                      "timestamp": ["2025-09-01", "2025-09-05", "2025-09-30", "2025-10-01"],
                      "cash_sales": [0.0, 6000.0, 99.0, 50.0],
                      "card_consumption": [380.0, 1500.0, 0.0, 380.0]})
    s = C.window_totals(v, start="2025-09-01", end="2025-09-30").summary
    assert s.loc["A", "visits"] == 2 and s.loc["A", "customers"] == 1
    assert s.loc["all stores", "cash_sales"] == 6099.0
    assert s.loc["all stores", "card_consumption"] == 1880.0


# ---------------------------------------------------------------- customers
def _visits(rows):
    return pd.DataFrame(rows, columns=["customer_id", "timestamp", "card_consumption"]).assign(
        store_id="A", cash_sales=0.0)


def test_four_counts_on_ten_customers():
    v = _visits([
        (1, "2025-09-05", 100.0),                             # first visit in window: new
        (2, "2025-05-01", 100.0), (2, "2025-09-10", 100.0),   # silent 123 days: woken
        (3, "2024-12-01", 100.0), (3, "2025-09-12", 100.0),   # silent 274 days: won back
        (4, "2025-08-20", 500.0), (4, "2025-09-15", 2000.0),  # D (500) -> C (2,500): upgraded
        (5, "2025-08-01", 100.0),                             # no visit in window: nothing
        (6, "2025-06-04", 100.0), (6, "2025-09-02", 100.0),   # silent 89 days: still active
        (7, "2025-06-03", 100.0), (7, "2025-09-03", 100.0),   # silent 90 days: woken
        (8, "2025-03-05", 100.0), (8, "2025-09-04", 100.0),   # silent 180 days: won back
        (9, "2025-10-05", 100.0),                             # after the window: nothing
        (10, "2025-08-25", 4000.0), (10, "2025-09-20", 2500.0),  # B (4,000) -> A: upgraded
    ])
    res = C.customer_movement(v, start="2025-09-01", end="2025-09-30", sleeping_days=90,
                              lost_days=180, tier_thresholds=[1000, 3000, 6000])
    assert res.counts == {"new": 1, "woken": 2, "won back": 2, "upgraded": 2}
    c = res.customers
    assert c.index[c["woken"]].tolist() == [2, 7]
    assert c.index[c["won back"]].tolist() == [3, 8]
    assert c.index[c["upgraded"]].tolist() == [4, 10]
    # a longer sleeping threshold k: customer 7 (90 days) is no longer sleeping
    res = C.customer_movement(v, start="2025-09-01", end="2025-09-30", sleeping_days=100,
                              lost_days=180, tier_thresholds=[1000, 3000, 6000])
    assert res.counts["woken"] == 1


def test_penetration_traffic_and_load_by_hand():
    v = pd.DataFrame({
        "customer_id": [1, 1, 2, 3, 4, 5, 6],
        "store_id": ["A", "A", "A", "A", "A", "A", "A"],
        "staff_id": ["a1", "a1", "a2", "a1", "a2", "a1", "a1"],
        "timestamp": ["2025-09-01", "2025-09-02", "2025-09-01", "2025-09-02", "2025-09-02",
                      "2024-09-01", "2024-09-02"],
        "service": ["regular", "high-end", "regular", "acquisition", "regular", "regular",
                    "regular"]})
    cust = pd.DataFrame({"customer_id": [1, 2, 3, 4, 5, 6],
                         "tier": ["high-end", "regular", "low-mid", "regular", "regular",
                                  "low-mid"]})
    p = C.service_penetration(v, cust, start="2025-09-01", end="2025-09-02").summary
    # 4 customers in the window: regular 1, 2, 4 -> 3/4; high-end 1 -> 1/4; acquisition 3
    assert p.loc["regular", "all"] == pytest.approx(0.75)
    assert p.loc["high-end", "all"] == pytest.approx(0.25)
    assert p.loc["acquisition", "low-mid"] == pytest.approx(1.0)
    assert p.loc["regular", "regular"] == pytest.approx(1.0)
    t = C.traffic_change(v, start="2025-09-01", end="2025-09-02").summary
    assert t.loc["A", "visits"] == 5 and t.loc["A", "visits_year_before"] == 2
    assert t.loc["A", "change"] == pytest.approx(5 / 2 - 1)
    staff = pd.DataFrame({"staff_id": ["a1", "a2", "a3"], "store_id": ["A", "A", "A"]})
    s = C.staff_load(v, staff, start="2025-09-01", end="2025-09-02", workdays_per_week=7)
    # 5 visits / (3 therapists x 2 days); a3 served nobody but counts
    assert s.summary.loc["A", "per_day"] == pytest.approx(5 / 6)
    assert s.by_staff.loc["a1", "per_day"] == pytest.approx(3 / 2)


# ---------------------------------------------------------------- bad input
def test_negative_targets():
    monthly = pd.DataFrame({"store_id": ["A"], "month": ["2025-09-01"], "target": [-5.0]})
    staff = pd.DataFrame({"staff_id": ["a1"], "store_id": ["A"]})
    with pytest.raises(DataError, match=r"monthly_targets\.target: 1 rows .*negative"):
        C.decompose_targets(monthly, staff, start="2025-09-01", end="2025-09-30")
    t = pd.DataFrame({"day": ["2025-09-01"], "store_id": "A", "staff_id": "a1",
                      "target": [-1.0]})
    v = pd.DataFrame({"customer_id": [1], "store_id": "A", "staff_id": "a1",
                      "timestamp": ["2025-09-01"], "cash_sales": [1.0]})
    with pytest.raises(DataError, match=r"targets\.target: 1 rows"):
        C.track_targets(t, v, start="2025-09-01", end="2025-09-01")


def test_missing_month_and_store_without_staff():
    monthly = pd.DataFrame({"store_id": ["A"], "month": ["2025-09-01"], "target": [5.0]})
    staff = pd.DataFrame({"staff_id": ["a1"], "store_id": ["A"]})
    with pytest.raises(DataError, match=r"monthly_targets\.month: no target for '2025-10'"):
        C.decompose_targets(monthly, staff, start="2025-09-01", end="2025-10-15")
    with pytest.raises(DataError, match=r"monthly_targets\.store_id: 1 rows name a store"):
        C.decompose_targets(monthly, staff.assign(store_id="B"), start="2025-09-01",
                            end="2025-09-02")


def test_end_before_start():
    v = _visits([(1, "2025-09-05", 100.0)])
    for call in (lambda: C.window_totals(v.assign(cash_sales=0.0), start="2025-09-30",
                                         end="2025-09-01"),
                 lambda: C.customer_movement(v, start="2025-09-30", end="2025-09-01"),
                 lambda: C.traffic_change(v, start="2025-09-30", end="2025-09-01")):
        with pytest.raises(ModelError, match=r"end=2025-09-01 is before start=2025-09-30"):
            call()


def test_visit_outside_any_store():
    v = _visits([(1, "2025-09-05", 100.0), (2, "2025-09-06", 100.0)])
    v.loc[1, "store_id"] = "Z9"
    stores = pd.DataFrame({"store_id": ["A", "B"]})
    with pytest.raises(DataError, match=r"visits\.store_id: 1 visits are outside any store "
                                        r"\(e\.g\. 'Z9'"):
        C.window_totals(v, start="2025-09-01", end="2025-09-30", stores=stores)
    with pytest.raises(DataError, match=r"visits\.store_id: 1 visits are outside"):
        C.customer_movement(v, start="2025-09-01", end="2025-09-30", stores=stores)
    t = pd.DataFrame({"day": ["2025-09-05"], "store_id": "A", "staff_id": "a1",
                      "target": [1.0]})
    with pytest.raises(DataError, match=r"visits\.store_id: 1 visits are outside"):
        C.track_targets(t, v.assign(staff_id="a1"), start="2025-09-01", end="2025-09-30")


def test_unknown_tier_and_other_bad_input():
    v = pd.DataFrame({"customer_id": [1], "store_id": "A", "timestamp": ["2025-09-01"],
                      "service": ["regular"]})
    cust = pd.DataFrame({"customer_id": [1, 2], "tier": ["regular", "VIP-gold"]})
    with pytest.raises(DataError, match=r"customers\.tier: 1 rows have an unknown tier "
                                        r"\(e\.g\. 'VIP-gold'\)"):
        C.service_penetration(v, cust, start="2025-09-01", end="2025-09-30")
    with pytest.raises(DataError, match=r"visits\.timestamp: 1 rows are not dates"):
        C.service_penetration(v.assign(timestamp="soon"), cust.iloc[:1], start="2025-09-01",
                              end="2025-09-30")
    with pytest.raises(DataError, match=r"visits\.cash_sales: 1 rows are missing or negative"):
        C.window_totals(v.assign(cash_sales=-3.0, card_consumption=0.0), start="2025-09-01",
                        end="2025-09-30")
    staff = pd.DataFrame({"staff_id": ["a1"], "store_id": ["A"]})
    with pytest.raises(ModelError, match=r"workdays_per_week: must be a number > 0"):
        C.staff_load(v.assign(staff_id="a1"), staff, start="2025-09-01", end="2025-09-30",
                     workdays_per_week=0)
    with pytest.raises(DataError, match=r"visits\.staff_id: 1 visits by staff not in"):
        C.staff_load(v.assign(staff_id="zz"), staff, start="2025-09-01", end="2025-09-30")
    with pytest.raises(DataError, match=r"visits: the data start on 2025-09-01"):
        C.traffic_change(v, start="2025-09-01", end="2025-09-30")
    with pytest.raises(DataError, match=r"visits: missing column\(s\) service"):
        C.service_penetration(v.drop(columns="service"), cust.iloc[:1], start="2025-09-01",
                              end="2025-09-30")


# ---------------------------------------------------------------- the salon world
@pytest.fixture(scope="module")
def worlds():
    kw = dict(seed=4, history_days=420, window_days=30)
    return generate_salon(600, **kw), generate_salon(600, campaign_effect=0.0, **kw)


def test_salon_world_truth_and_determinism(worlds):
    w, w0 = worlds
    again = generate_salon(600, seed=4, history_days=420, window_days=30)
    pd.testing.assert_frame_equal(w.visits, again.visits)
    # the no-campaign world of the truth is the world generated with campaign_effect=0
    pd.testing.assert_frame_equal(w.truth.baseline_visits, w0.visits)
    # before the campaign both worlds are the same visits (same draws)
    before = w.visits[w.visits["timestamp"] < w.start]
    pd.testing.assert_frame_equal(before, w0.visits[w0.visits["timestamp"] < w.start])
    assert (w.end - w.start).days == 29


def test_salon_campaign_effect_emerges(worlds):
    w, w0 = worlds
    on = C.window_totals(w.visits, start=w.start, end=w.end).summary
    off = C.window_totals(w0.visits, start=w.start, end=w.end).summary
    assert on.loc["all stores", "visits"] > off.loc["all stores", "visits"]
    moved = C.customer_movement(w.visits, start=w.start, end=w.end).counts
    moved0 = C.customer_movement(w0.visits, start=w.start, end=w.end).counts
    assert moved["won back"] > moved0["won back"]
    # the monthly targets decompose back to the monthly totals over a full month
    month = w.monthly_targets[w.monthly_targets["month"] == w.start]
    daily = C.decompose_targets(month, w.staff, start=w.start,
                                end=w.start + pd.offsets.MonthEnd(0))
    assert daily["target"].sum() == pytest.approx(month["target"].sum())
    assert set(np.unique(w.visits["store_id"])) <= set(w.stores["store_id"])


def test_visits_of_unknown_customers_and_no_money_column():
    v = pd.DataFrame({"customer_id": [1, 7], "store_id": "A",
                      "timestamp": ["2025-09-01", "2025-09-02"], "service": "regular"})
    cust = pd.DataFrame({"customer_id": [1], "tier": ["regular"]})
    with pytest.raises(DataError, match=r"visits\.customer_id: 1 visits by customers not in "
                                        r"the customers table \(e\.g\. 7\)"):
        C.service_penetration(v, cust, start="2025-09-01", end="2025-09-30")
    with pytest.raises(DataError, match=r"visits: needs a cash_sales or card_consumption"):
        C.customer_movement(v, start="2025-09-01", end="2025-09-30")
