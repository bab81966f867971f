"""Funnels and lifecycle stages: hand-made logs with exact counts, invariants, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omnimkt import DataError, ModelError
from omnimkt.data import STAGES, Dataset
from omnimkt.funnel import (
    campaign_funnel,
    compare_periods,
    event_log,
    funnel,
    purchase_funnel,
    stage_at,
    stage_conversion,
    stage_counts,
    stage_transitions,
)

D0 = pd.Timestamp("2025-01-01")
STEPS = ["visit", "click", "purchase"]


def log(rows):
    """rows: (customer, day offset (float), event[, channel])."""
    df = pd.DataFrame(rows, columns=["customer_id", "day", "event", "channel"][: len(rows[0])])
    df["timestamp"] = D0 + pd.to_timedelta(df.pop("day"), unit="D")
    return df


# c1 in order; c2 click before visit; c3 purchase after the window; c4 a second attempt
# converts (first attempt's click falls outside the window); c5 only purchases.
BASE = log([
    (1, 0, "visit", "tv"), (1, 1, "click", "tv"), (1, 2, "purchase", "tv"),
    (2, 0, "click", "kol"), (2, 1, "visit", "kol"), (2, 2, "purchase", "kol"),
    (3, 0, "visit", "kol"), (3, 40, "purchase", "kol"),
    (4, 0, "visit", "tv"), (4, 50, "visit", "kol"), (4, 55, "click", "kol"),
    (4, 60, "purchase", "kol"),
    (5, 3, "purchase", "tv"),
])


def counts(res):
    return res.summary.iloc[:, 1].tolist()


def test_strict_order_best_attempt():
    res = funnel(BASE, STEPS, window_days=30)
    assert counts(res) == [4, 2, 2]
    s = res.summary
    assert s["conversion_from_previous"].tolist() == [1.0, 0.5, 1.0]
    assert s["conversion_from_first"].tolist() == [1.0, 0.5, 0.5]
    assert s["drop_off"].tolist() == [0, 2, 0]
    # c1: 1 and 2 days; c4 (attempt from day 50): 5 and 10 days
    assert s["median_time_to_step"].tolist()[1:] == [pd.Timedelta("3D"), pd.Timedelta("6D")]
    assert res.time_to_convert.sort_values().tolist() == [pd.Timedelta("2D"), pd.Timedelta("10D")]
    units = res.units.set_index("customer_id")
    assert units.loc[4, "entered"] == D0 + pd.Timedelta("50D")


def test_first_attempt_and_no_window():
    assert counts(funnel(BASE, STEPS, window_days=30, attempts="first")) == [4, 1, 1]
    # without a window c4's first attempt converts too
    assert counts(funnel(BASE, STEPS, window_days=None, attempts="first")) == [4, 2, 2]
    assert counts(funnel(BASE, STEPS, window_days=10)) == [4, 2, 2]
    assert counts(funnel(BASE, STEPS, window_days=4)) == [4, 1, 1]  # c4 needs 10 days
    # fractions of a day: c1 clicks 24 h and buys 48 h after the visit
    assert counts(funnel(BASE.query("customer_id == 1"), STEPS, window_days=1.5)) == [1, 1, 0]


def test_any_order():
    res = funnel(BASE, STEPS, order="any", window_days=30)
    assert counts(res) == [4, 3, 3]  # c2 counts; c5 (no visit) does not
    units = res.units.set_index("customer_id")
    assert units.loc[2, "time_to_3"] == pd.Timedelta("2D")


def test_exact_order():
    ev = log([(9, 0, "visit"), (9, 1, "email"), (9, 2, "click"), (9, 3, "purchase"),
              (8, 0, "visit"), (8, 1, "click"), (8, 2, "purchase")])
    assert counts(funnel(ev, STEPS, order="exact")) == [2, 1, 1]
    assert counts(funnel(ev, STEPS, order="strict")) == [2, 2, 2]


def test_exclusion_steps():
    ev = log([(6, 0, "visit"), (6, 1, "refund"), (6, 2, "click"), (6, 3, "purchase"),
              (7, 0, "visit"), (7, 5, "refund"),
              (10, 0, "visit"), (10, 40, "refund"),
              (11, 0, "visit"), (11, 1, "click"), (11, 2, "refund"), (11, 3, "purchase")])
    assert counts(funnel(ev, STEPS)) == [4, 2, 2]
    # refund between visit and click: c6 dropped; c7 dropped (click never came, within the
    # window); c10's refund is after the 30-day window, so c10 stays
    assert counts(funnel(ev, STEPS, exclude=[("refund", "visit", "click")])) == [2, 1, 1]
    assert counts(funnel(ev, STEPS, exclude=[("refund", 2, 3)])) == [3, 1, 1]  # c11 dropped
    assert counts(funnel(ev, STEPS, exclude="refund")) == [1, 0, 0]  # anywhere: only c10


def test_sessions():
    t0 = D0 + pd.Timedelta("10h")
    ev = pd.DataFrame({"customer_id": [8, 8, 8, 8],
                       "timestamp": [t0, t0 + pd.Timedelta("10min"), t0 + pd.Timedelta("50min"),
                                     t0 + pd.Timedelta("2D")],
                       "event": ["visit", "click", "purchase", "visit"]})
    res = funnel(ev, STEPS, by="session")
    assert res.summary.columns[1] == "sessions"
    assert counts(res) == [2, 1, 0]  # the purchase comes 40 min later: a new session
    assert counts(funnel(ev, STEPS, by="session", session_gap_minutes=60)) == [2, 1, 1]
    assert counts(funnel(ev, STEPS)) == [1, 1, 1]


def test_repeated_step_names_and_alternatives():
    ev = log([(1, 0, "buy"), (1, 5, "buy"), (1, 9, "buy"), (2, 0, "buy"), (2, 1, "buy")])
    res = funnel(ev, ["buy", "buy", "buy"], step_column="event", window_days=None)
    assert counts(res) == [2, 2, 1]
    assert res.summary["step"].tolist() == ["buy", "buy (2)", "buy (3)"]
    res = funnel(BASE, [["visit", "click"], "purchase"])
    assert counts(res) == [4, 3]  # c5 never visits or clicks; c3 buys too late
    assert res.summary["step"].tolist() == ["visit | click", "purchase"]


def test_breakdown_sums_and_cohorts():
    res = funnel(BASE, STEPS, breakdown="channel")
    table = res.breakdown_table()
    assert table.sum().tolist() == counts(res)
    assert table.loc["kol"].tolist() == [3, 1, 1]  # c2, c3 and c4's second attempt
    seg = pd.Series({1: "gold", 2: "gold", 3: "basic"}, name="segment")
    res = funnel(BASE, STEPS, breakdown=seg)
    assert res.breakdown_table().loc["(missing)"].tolist() == [1, 1, 1]  # c4
    res = funnel(BASE, STEPS, breakdown="cohort_month")
    assert res.breakdown_table().index.tolist() == ["2025-01", "2025-02"]


def test_compare_periods():
    cmp = compare_periods(BASE, STEPS, {"jan": ("2025-01-01", "2025-01-31"),
                                        "feb": ("2025-02-01", "2025-02-28")})
    s = cmp.summary
    assert s["customers_jan"].tolist() == [4, 1, 1]
    assert s["customers_feb"].tolist() == [1, 1, 1]  # c4's day-50 attempt
    assert s["change"].round(3).tolist() == [0.0, 0.75, 0.75]
    assert "jan" in cmp.to_markdown()


def test_display():
    res = funnel(BASE, STEPS)
    assert "<table" in res._repr_html_()
    md = res.to_markdown()
    assert "| visit" in md and "strict order" in md
    assert "conversion_from_first" in repr(res)
    ts = res.time_summary()
    assert ts["count"].tolist() == [4, 2, 2]


def test_unsorted_input_and_string_ids_do_not_matter():
    shuffled = BASE.sample(frac=1, random_state=3).reset_index(drop=True)
    assert counts(funnel(shuffled, STEPS)) == [4, 2, 2]
    as_str = BASE.assign(customer_id="c" + BASE["customer_id"].astype(str))
    assert counts(funnel(as_str, STEPS)) == [4, 2, 2]
    mine = BASE.rename(columns={"customer_id": "member_no", "timestamp": "at"})
    assert counts(funnel(mine, STEPS, columns={"customer_id": "member_no",
                                               "timestamp": "at"})) == [4, 2, 2]


# ---- property tests ---------------------------------------------------------------
def tie_rule_order(ev, steps):
    """The documented tie rule, written independently: customer, time, first step matched
    (events matching no step last), event name, channel."""
    first_step = {}
    for k, s in enumerate(steps):
        first_step.setdefault(s, k)
    key = ev.assign(_rank=ev["event"].map(first_step).fillna(len(steps)))
    sort_by = ["customer_id", "timestamp", "_rank", "event"]
    sort_by += ["channel"] if "channel" in ev else []
    return key.sort_values(sort_by, kind="stable").drop(columns="_rank")


def brute_force(ev, steps, window_days, order):
    """Reference: per customer, try every start, keep the furthest progress (slow loops)."""
    best_counts = np.zeros(len(steps), dtype=int)
    w = pd.Timedelta(days=window_days)
    for _, g in tie_rule_order(ev, steps).groupby("customer_id"):
        rows = list(zip(g["timestamp"], g["event"], strict=True))
        best = 0
        for i, (t0, e0) in enumerate(rows):
            if order == "any":
                if e0 not in steps:
                    continue
                seen = {e for t, e in rows[i:] if t - t0 <= w}
                k = 0
                while k < len(steps) and steps[k] in seen:
                    k += 1
            else:
                if e0 != steps[0]:
                    continue
                k, j = 1, i
                while k < len(steps):
                    if order == "exact":
                        nxt = j + 1 if j + 1 < len(rows) and rows[j + 1][1] == steps[k] else None
                    else:
                        nxt = next((q for q in range(j + 1, len(rows))
                                    if rows[q][1] == steps[k]), None)
                    if nxt is None or rows[nxt][0] - t0 > w:
                        break
                    k, j = k + 1, nxt
            best = max(best, k)
        best_counts[:best] += 1
    return best_counts.tolist()


event_rows = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 60), st.sampled_from("abcd"),
              st.sampled_from(["x", "y"])),
    min_size=1, max_size=60)
# few distinct days: many events of one customer share a timestamp
tied_rows = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 4), st.sampled_from("abcde"),
              st.sampled_from(["x", "y", "z"])),
    min_size=1, max_size=50)


@settings(max_examples=80, deadline=None)
@given(rows=event_rows, window=st.integers(1, 40),
       steps=st.lists(st.sampled_from("abcd"), min_size=1, max_size=4),
       order=st.sampled_from(["strict", "any", "exact"]))
def test_counts_never_increase_and_breakdown_sums(rows, window, steps, order):
    ev = log(rows)
    if not set(steps) <= set(ev["event"]):
        with pytest.raises(DataError):
            funnel(ev, steps)
        return
    res = funnel(ev, steps, window_days=window, order=order, breakdown="channel")
    c = counts(res)
    assert all(a >= b for a, b in zip(c, c[1:], strict=False))
    assert res.breakdown_table().sum().tolist() == c
    assert (res.summary["conversion_from_first"].dropna() <= 1).all()
    assert c == brute_force(ev, steps, window, order)


@settings(max_examples=120, deadline=None)
@given(rows=tied_rows, window=st.sampled_from([1, 2, None]),
       steps=st.lists(st.sampled_from("abcd"), min_size=1, max_size=4),
       order=st.sampled_from(["strict", "any", "exact"]),
       attempts=st.sampled_from(["best", "first"]),
       breakdown=st.sampled_from([None, "channel"]), seed=st.integers(0, 2**16))
def test_row_order_never_changes_counts(rows, window, steps, order, attempts, breakdown, seed):
    """Issue 9: ties (same customer, same timestamp) used to follow the input row order."""
    ev = log(rows)
    if not set(steps) <= set(ev["event"]):
        return
    opts = dict(window_days=window, order=order, attempts=attempts, breakdown=breakdown)
    ref = funnel(ev, steps, **opts)
    shuffled = ev.sample(frac=1, random_state=seed).reset_index(drop=True)
    res = funnel(shuffled, steps, **opts)
    assert counts(res) == counts(ref)
    pd.testing.assert_frame_equal(res.summary, ref.summary)
    if breakdown:
        pd.testing.assert_frame_equal(res.breakdown, ref.breakdown)
    if attempts == "best" and window is not None:
        assert counts(ref) == brute_force(ev, steps, window, order)


def test_tie_rule_by_hand():
    t = D0 + pd.Timedelta("9h")
    ev = pd.DataFrame({"customer_id": [1, 1, 1, 1], "timestamp": [t, t, t, t + pd.Timedelta("1h")],
                       "event": ["email", "click", "visit", "purchase"]})
    for perm in ([0, 1, 2, 3], [3, 2, 1, 0], [1, 0, 3, 2]):
        shuffled = ev.iloc[perm]
        # visit and click at one instant count as visit -> click (step order)
        assert counts(funnel(shuffled, STEPS)) == [1, 1, 1]
        # ... and as click -> visit in a funnel that asks for that order
        assert counts(funnel(shuffled, ["click", "visit"])) == [1, 1]
        assert counts(funnel(shuffled, ["click", "visit"], order="exact")) == [1, 1]
        # exact: the non-step email at that instant comes after the steps, before purchase
        assert counts(funnel(shuffled, STEPS, order="exact")) == [1, 1, 0]
        # an exclusion event tied with steps comes after them: between click and purchase
        assert counts(funnel(shuffled, STEPS, exclude=[("email", 2, 3)])) == [0, 0, 0]
        assert counts(funnel(shuffled, STEPS, exclude=[("email", 1, 2)])) == [1, 1, 1]
    # identical simultaneous start events: the smallest breakdown value, in any row order
    two = pd.DataFrame({"customer_id": 1, "timestamp": [t, t, t + pd.Timedelta("1h")],
                        "event": ["visit", "visit", "click"], "channel": ["tv", "kol", "sms"]})
    for perm in ([0, 1, 2], [1, 0, 2], [2, 1, 0]):
        res = funnel(two.iloc[perm], ["visit", "click"], breakdown="channel")
        assert res.breakdown_table().index.tolist() == ["kol"]
    # ... and after the last step when tied with it: not between
    late = ev.assign(timestamp=[t + pd.Timedelta("1h"), t, t, t + pd.Timedelta("1h")])
    assert counts(funnel(late, STEPS, exclude=[("email", 2, 3)])) == [1, 1, 1]


# ---- event logs and the case-D helpers ----------------------------------------------
TX = pd.DataFrame({
    "customer_id": [1, 1, 1, 1, 2, 3, 3],
    "order_id": [10, 10, 11, 12, 20, 30, 31],
    "timestamp": pd.to_datetime(["2025-01-05", "2025-01-05", "2025-02-01", "2025-03-01",
                                 "2025-01-10", "2025-01-20", "2025-04-01"]),
    "amount": [5.0, 3.0, 7.0, 7.0, 9.0, 4.0, 4.0],
})
TP = pd.DataFrame({
    "customer_id": [1, 1, 2, 3, 4],
    "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04",
                                 "2025-01-04"]),
    "channel": ["tv", "social_kol", "tv", "search_ads", "tv"],
    "event": ["impression", "click", "impression", "click", "impression"],
    "campaign": ["c1", "c1", "c1", "c2", "c1"],
})
SE = pd.DataFrame({
    "customer_id": [1, 1, 1, 1, 3, 3, 4],
    "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-05", "2025-02-01",
                                 "2025-01-04", "2025-01-20", "2025-01-04"]),
    "stage": ["discover", "consider", "purchase", "satisfied", "consider", "purchase",
              "discover"],
})


def test_event_log_stacks_tables():
    ev = event_log(Dataset(transactions=TX, touchpoints=TP, stage_events=SE))
    assert len(ev) == 5 + 6 + 7  # order 10 has two lines -> one order event
    assert ev["event"].value_counts()["repeat_purchase"] == 3
    assert (ev["source"] == "stage").sum() == 7
    assert ev.loc[ev["event"] == "purchase", "amount"].tolist() == [8.0, 9.0, 4.0]
    assert ev["timestamp"].is_monotonic_increasing is False  # sorted by customer first
    assert ev.groupby("customer_id")["timestamp"].apply(lambda s: s.is_monotonic_increasing).all()


def test_purchase_funnel():
    res = purchase_funnel(TX)
    assert counts(res) == [3, 2, 1]
    assert res.summary["step"].tolist() == ["1st purchase", "2nd purchase", "3rd purchase"]
    assert res.summary["median_time_to_step"].iloc[2] == pd.Timedelta("55D")


def test_campaign_funnel():
    data = Dataset(transactions=TX, touchpoints=TP, stage_events=SE)
    res = campaign_funnel(data)
    # exposure: 1,2,3,4; interaction: 1,3; member (consider): 1,3; sales: 1,3; repeat: 1,3
    assert counts(res) == [4, 2, 2, 2, 2]
    assert res.summary["step"].tolist()[2] == "effective member"
    assert counts(campaign_funnel(data, campaign="c1")) == [3, 1, 1, 1, 1]
    no_stage = campaign_funnel(Dataset(transactions=TX, touchpoints=TP))
    assert counts(no_stage) == [4, 2, 2, 2]
    assert "effective member" not in no_stage.summary["step"].tolist()
    with pytest.raises(DataError, match="touchpoints"):
        campaign_funnel(Dataset(transactions=TX))


# ---- lifecycle ---------------------------------------------------------------------
def test_stage_at_highest_and_latest():
    se = pd.concat([SE, pd.DataFrame({"customer_id": [4], "stage": ["aware"],
                                      "timestamp": [pd.Timestamp("2025-03-01")]})])
    s = stage_at(se, "2025-01-15")
    assert s.astype(str).to_dict() == {1: "purchase", 3: "consider", 4: "discover"}
    assert list(s.cat.categories) == list(STAGES)
    assert stage_at(se, "2024-12-31").astype(str).tolist() == ["none"] * 3
    fell_back = pd.DataFrame({"customer_id": [1, 1], "stage": ["loyal", "aware"],
                              "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01"])})
    assert stage_at(fell_back, "2025-03-01").iloc[0] == "loyal"
    assert stage_at(fell_back, "2025-03-01", rule="latest").iloc[0] == "aware"
    assert stage_at(se, "2025-03-02", customers=[1, 99]).astype(str).tolist() == ["satisfied", "none"]


def test_stage_counts():
    c = stage_counts(SE, "M")
    assert c.index.astype(str).tolist() == ["2025-01", "2025-02"]
    assert (c.sum(axis=1) == 3).all()
    assert c.loc["2025-01", ["discover", "purchase"]].tolist() == [1, 2]
    assert c.loc["2025-02", ["discover", "purchase", "satisfied"]].tolist() == [1, 1, 1]
    assert c.to_numpy().min() >= 0
    w = stage_counts(SE, "W")
    assert (w.iloc[-1] == c.iloc[-1]).all()


def test_stage_transitions():
    m = stage_transitions(SE, "2025-01-03", "2025-02-15")
    assert m.shape == (len(STAGES), len(STAGES))
    assert m.loc["consider", "satisfied"] == 1  # customer 1
    assert m.loc["none", "purchase"] == 1  # customer 3
    assert m.loc["none", "discover"] == 1  # customer 4
    assert int(m.to_numpy().sum()) == 3
    share = stage_transitions(SE, "2025-01-03", "2025-02-15", normalize=True)
    assert share.loc["consider"].sum() == pytest.approx(1.0)
    with pytest.raises(ModelError, match="end: .* is before start"):
        stage_transitions(SE, "2025-03-01", "2025-01-01")


def test_stage_conversion():
    s = stage_conversion(SE).summary.set_index("stage")
    assert s.loc["discover", "customers"] == 3
    assert s.loc["consider", "customers"] == 2 and s.loc["consider", "moved_on"] == 2
    # consider -> beyond: customer 1 after 3 days, customer 3 after 16 days
    assert s.loc["consider", "median_days_in_stage"] == pytest.approx(9.5)
    assert s.loc["purchase", "conversion_to_next"] == pytest.approx(0.5)
    assert s.loc["discover", "current"] == 1
    assert np.isnan(s.loc["advocate", "conversion_to_next"])


# ---- bad input ---------------------------------------------------------------------
def test_unknown_step_names():
    with pytest.raises(DataError, match=r"events\.event.*'purchse'"):
        funnel(BASE, ["visit", "purchse"])


def test_empty_steps():
    with pytest.raises(ModelError, match="steps: give a non-empty list"):
        funnel(BASE, [])
    with pytest.raises(ModelError, match="steps: give a non-empty list"):
        funnel(BASE, "visit")


@pytest.mark.parametrize("window", [0, -1, float("nan"), float("inf"), True, "30D", 10**6])
def test_bad_window_days(window):
    with pytest.raises(ModelError, match="window_days: must be a number > 0"):
        funnel(BASE, STEPS, window_days=window)


@pytest.mark.parametrize("gap", [0, -5, float("nan"), False, "30min"])
def test_bad_session_gap(gap):
    with pytest.raises(ModelError, match="session_gap_minutes"):
        funnel(BASE, STEPS, by="session", session_gap_minutes=gap)


@pytest.mark.parametrize("arg, value", [("order", "loose"), ("by", "visitor"),
                                        ("attempts", "last"), ("attempts", True),
                                        ("order", None)])
def test_unknown_choices(arg, value):
    with pytest.raises(ModelError, match=f"{arg}: {value!r} is not one of"):
        funnel(BASE, STEPS, **{arg: value})


def test_no_events():
    with pytest.raises(DataError, match="events: the table is empty"):
        funnel(BASE.iloc[:0], STEPS)
    with pytest.raises(DataError, match="events: expected a pandas DataFrame"):
        funnel(BASE.to_dict(), STEPS)


def test_missing_column_and_bad_timestamps():
    with pytest.raises(DataError, match=r"events: missing required column\(s\) 'channel'"):
        funnel(BASE.drop(columns="channel"), ["tv"], step_column="channel")
    bad = BASE.assign(timestamp=BASE["timestamp"].astype(str))
    bad.loc[[0, 3], "timestamp"] = "not a date"
    with pytest.raises(DataError, match=r"events\.timestamp: 2 of 13 rows cannot be read as dates"):
        funnel(bad, STEPS)
    with pytest.raises(DataError, match=r"events\.customer_id: 1 of 13 rows have no id"):
        funnel(BASE.assign(customer_id=BASE["customer_id"].where(BASE.index != 2)), STEPS)


def test_epoch_numbers_are_not_timestamps():
    """Issue 9: integer epoch seconds were read as nanoseconds (all in 1970)."""
    secs = BASE.assign(timestamp=BASE["timestamp"].astype("int64") // 10**9)
    with pytest.raises(DataError, match=r"events\.timestamp: holds numbers .*unit='s'"):
        funnel(secs, STEPS)
    converted = secs.assign(timestamp=pd.to_datetime(secs["timestamp"], unit="s"))
    assert counts(funnel(converted, STEPS)) == [4, 2, 2]


def test_aware_timestamps_keep_their_own_wall_clock_day():
    # 23:30 in Shanghai on 31 Jan is 15:30 UTC: the local day is what counts
    ev = pd.DataFrame({"customer_id": [1, 1], "event": ["visit", "purchase"],
                       "timestamp": pd.to_datetime(["2025-01-31 23:30", "2025-02-01 00:10"])
                       .tz_localize("Asia/Shanghai")})
    res = funnel(ev, ["visit", "purchase"])
    assert res.units["entered"].iloc[0] == pd.Timestamp("2025-01-31 23:30")
    assert counts(funnel(ev, ["visit", "purchase"], start="2025-02-01")) == [0, 0]
    assert counts(funnel(ev, ["visit", "purchase"], end="2025-01-31")) == [1, 1]


def test_start_and_end_are_inclusive_days():
    # c4's second attempt starts on day 50 (20 Feb), c1..c4's first on 1 Jan
    assert counts(funnel(BASE, STEPS, start="2025-02-20", end="2025-02-20")) == [1, 1, 1]
    # c2's visit is on day 1; c1 converts; c3 and c4 (first attempt) stop at the visit
    assert counts(funnel(BASE, STEPS, end="2025-01-01")) == [3, 1, 1]
    with pytest.raises(ModelError, match="end: .* is before start"):
        funnel(BASE, STEPS, start="2025-03-01", end="2025-01-01")
    with pytest.raises(ModelError, match="start: 20250101 is a number"):
        funnel(BASE, STEPS, start=20250101)
    with pytest.raises(ModelError, match="periods: give a dict"):
        compare_periods(BASE, STEPS, {"jan": ("2025-01-01", "2025-01-31")})
    with pytest.raises(ModelError, match="periods: 'b' must be a"):
        compare_periods(BASE, STEPS, {"a": ("2025-01-01", "2025-01-31"), "b": "2025-02"})


def test_bad_settings():
    with pytest.raises(ModelError, match="exclude"):
        funnel(BASE, STEPS, exclude=[("refund", "click", "visit")])
    with pytest.raises(ModelError, match="exclude: step number 7"):
        funnel(BASE, STEPS, exclude=[("refund", 1, 7)])
    with pytest.raises(ModelError, match="exclude needs"):
        funnel(BASE, STEPS, order="any", exclude="refund")
    with pytest.raises(DataError, match="breakdown: events has no column"):
        funnel(BASE, STEPS, breakdown="segment")
    with pytest.raises(ModelError, match="breakdown: give a column name"):
        funnel(BASE, STEPS, breakdown=3)
    with pytest.raises(ModelError, match="labels: 2 labels for 3 steps"):
        funnel(BASE, STEPS, labels=["a", "b"])
    with pytest.raises(ModelError, match="step_column: must be a column name"):
        funnel(BASE, STEPS, step_column=None)
    with pytest.raises(ModelError, match="columns: unknown canonical name"):
        funnel(BASE, STEPS, columns={"member": "customer_id"})
    with pytest.raises(ModelError, match="n: must be a whole number >= 2"):
        purchase_funnel(TX, 2.5)
    with pytest.raises(ModelError, match="member_stage: 'member' is not one of"):
        campaign_funnel(Dataset(transactions=TX, touchpoints=TP), member_stage="member")


def test_event_log_ids_of_different_types_are_matched_or_rejected():
    """Issue 9: int ids in one table and text ids in another matched nothing silently."""
    tp_text = TP.assign(customer_id=TP["customer_id"].astype(str))
    ev = event_log(Dataset(transactions=TX, touchpoints=tp_text))
    assert set(ev["customer_id"]) == {"1", "2", "3", "4"}
    data = Dataset(transactions=TX, touchpoints=tp_text, stage_events=SE)
    assert counts(campaign_funnel(data)) == [4, 2, 2, 2, 2]
    other = TP.assign(customer_id="x" + TP["customer_id"].astype(str))
    with pytest.raises(DataError, match=r"touchpoints\.customer_id: none of its 4 ids occurs"):
        event_log(Dataset(transactions=TX, touchpoints=other))


def test_lifecycle_settings():
    with pytest.raises(ModelError, match="rule: 'lowest' is not one of"):
        stage_at(SE, "2025-02-01", rule="lowest")
    with pytest.raises(ModelError, match="cutoff: 20250201 is a number"):
        stage_at(SE, 20250201)
    with pytest.raises(ModelError, match="freq: '2M' is not one of"):
        stage_counts(SE, "2M")
    with pytest.raises(ModelError, match="normalize: must be True or False"):
        stage_transitions(SE, "2025-01-03", "2025-02-15", normalize="yes")
    with pytest.raises(ModelError, match="customers: give a list"):
        stage_at(SE, "2025-02-01", customers="1")


def test_unknown_stage():
    bad = SE.assign(stage=SE["stage"].replace({"consider": "considering"}))
    with pytest.raises(DataError, match=r"stage_events\.stage: 2 of 7 rows are not a known"):
        stage_at(bad, "2025-02-01")


def test_column_mapping_and_refunds():
    from omnimkt import Columns

    mine = SE.rename(columns={"customer_id": "member_no", "stage": "phase"})
    cols = Columns(customer_id="member_no", stage="phase")
    assert stage_counts(mine, columns=cols).equals(stage_counts(SE))
    refund = pd.DataFrame({"customer_id": [1], "order_id": [13], "amount": [-7.0],
                           "timestamp": [pd.Timestamp("2025-03-05")]})
    assert counts(purchase_funnel(pd.concat([TX, refund]))) == [3, 2, 1]  # not an order
    tx = TX.rename(columns={"customer_id": "member_no"})
    assert counts(purchase_funnel(tx, columns=Columns(customer_id="member_no"))) == [3, 2, 1]


# ---- plots and widget (smoke: they draw what they are given) -----------
def test_plots_and_widget(recwarn):
    import matplotlib.pyplot as plt

    from omnimkt.plotting.funnel import (
        plot_funnel,
        plot_funnel_breakdown,
        plot_stage_conversion,
        plot_stage_counts,
        plot_stage_transitions,
        plot_time_to_convert,
    )
    from omnimkt.widgets.funnel import funnel_explorer

    res = funnel(BASE, STEPS, breakdown="channel")
    assert [t.get_text() for t in plot_funnel(res).get_yticklabels()] == STEPS
    assert len(plot_funnel_breakdown(res).get_lines()) == 2
    assert "days" in plot_time_to_convert(res).get_xlabel()
    assert plot_stage_counts(stage_counts(SE)).get_ylabel() == "customers"
    assert plot_stage_transitions(stage_transitions(SE, "2025-01-03", "2025-02-15")).get_ylabel()
    assert len(plot_stage_conversion(stage_conversion(SE)).patches) == len(STAGES) - 2
    given = [(plot_funnel, res), (plot_funnel_breakdown, res), (plot_time_to_convert, res),
             (plot_stage_counts, stage_counts(SE)),
             (plot_stage_transitions, stage_transitions(SE, "2025-01-03", "2025-02-15")),
             (plot_stage_conversion, stage_conversion(SE))]
    for fn, arg in given:  # each draws only on the axes it is given, and returns them
        plt.close("all")
        fig, ax = plt.subplots()
        assert fn(arg, ax=ax) is ax
        assert plt.get_fignums() == [fig.number]
        assert all(a is ax or a in ax.child_axes for a in fig.axes), fn.__name__
    box = funnel_explorer(BASE, STEPS, breakdowns=["channel"])
    assert type(box).__name__ == "VBox"
    window, order = box.children[0].children
    window.value, order.value = 5, "any"  # redraws without error
    box.children[1].value = "channel"
    plt.close("all")
    assert not [str(w.message) for w in recwarn if "omnimkt" in str(w.filename)]


def test_sort_order_packed_and_lexsort_agree():
    from omnimkt.funnel.engine import _sort_order

    rng = np.random.default_rng(0)
    c = rng.integers(0, 50, 2000)
    t = rng.integers(0, 100, 2000) * 10**9  # whole seconds, many ties: packed key
    tie = rng.integers(0, 5, 2000)
    assert (_sort_order(c, t, tie) == np.lexsort((tie, t, c))).all()
    c2 = rng.integers(0, 2**40, 2000)
    t2 = rng.integers(0, 2**50, 2000)  # nanoseconds and huge ids: lexsort
    assert (_sort_order(c2, t2, tie) == np.lexsort((tie, t2, c2))).all()
