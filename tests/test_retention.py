"""Tests of the formula-brand replenishment model (shared CASES.md A) and its backtest."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import omnimkt
from omnimkt.retention import (
    ACTIONS,
    CALL_TIMINGS,
    ReplenishmentModel,
    action_counts,
    backtest,
    depletion_table,
)

DAY0 = pd.Timestamp("2025-01-01")


def day(n: float) -> pd.Timestamp:
    return DAY0 + pd.Timedelta(days=n)


def log(*rows) -> pd.DataFrame:
    """rows: (customer_id, day, cans[, amount[, channel]])"""
    recs = []
    for r in rows:
        cid, d, q = r[:3]
        amount = r[3] if len(r) > 3 else 198.0 * q
        channel = r[4] if len(r) > 4 else "store_pos"
        recs.append({"customer_id": cid, "timestamp": day(d) + pd.Timedelta(hours=10),
                     "amount": float(amount), "quantity": q, "channel": channel,
                     "product": "formula_standard", "category": "formula"})
    return pd.DataFrame(recs)


@pytest.fixture(scope="module")
def world_tx() -> pd.DataFrame:
    from omnimkt.datasets import generate

    return generate(5000, seed=0, tables=("transactions",)).transactions


# ---------------------------------------------------------------- clock
def test_depletion_three_cans_runs_out_on_day_21():
    t = depletion_table(log((1, 0, 3)), cutoff=day(9))
    row = t.loc[1]
    assert row["expected_depletion"] == day(21)
    assert row["days_until_depletion"] == 11.0
    assert row["units_last"] == 3 and row["units_total"] == 3 and row["purchases"] == 1
    assert bool(row["habit"]) is True


def test_depletion_overdue_is_negative_and_habit_needs_three_cans():
    t = depletion_table(log((1, 0, 1), (2, 0, 2)), cutoff=day(29))
    assert t.loc[1, "days_until_depletion"] == 7 - 30
    assert t.loc[2, "expected_depletion"] == day(14)
    assert not t["habit"].any()


def test_depletion_uses_units_of_the_last_purchase_day_and_default_cutoff():
    # two lines on the same day are one purchase of 4 cans
    tx = log((1, 0, 3), (1, 10, 1), (1, 10, 3))
    t = depletion_table(tx)  # cutoff = the day of the last purchase; counted from the next day
    assert t.loc[1, "units_last"] == 4 and t.loc[1, "purchases"] == 2
    assert t.loc[1, "expected_depletion"] == day(10 + 28)
    assert t.loc[1, "days_until_depletion"] == 27.0


def test_depletion_carry_over_and_learned_pace():
    tx = log((1, 0, 3), (1, 10, 1))
    # carry over: 21 days of stock at day 0, day 10 adds 7 -> day 28
    assert depletion_table(tx, carry_over=True).loc[1, "expected_depletion"] == day(28)
    # learned pace: 1 can every 14 days -> factor (14 + 21) / (7 + 21) = 1.25
    tx2 = log((1, 0, 1), (1, 14, 1))
    t = depletion_table(tx2, learn_consumption=True)
    assert t.loc[1, "days_per_unit_factor"] == pytest.approx(1.25)
    assert t.loc[1, "expected_depletion"] == day(14 + 8)  # floor(14 + 8.75)


def test_depletion_per_product_rates_and_category_filter():
    tx = log((1, 0, 2))
    tx.loc[0, "product"] = "formula_premium"
    other = pd.DataFrame({"customer_id": [1], "timestamp": [day(5)], "amount": [159.0],
                          "quantity": [1], "channel": ["app"], "product": ["probiotics"],
                          "category": ["other"]})
    t = depletion_table(pd.concat([tx, other]), consumption={"formula_premium": 8.0})
    assert t.loc[1, "expected_depletion"] == day(16)
    assert t.loc[1, "last_purchase"] == day(0)  # the probiotics line is not formula


def test_depletion_column_mapping():
    tx = log((7, 0, 3)).rename(columns={"customer_id": "member_no", "quantity": "cans"})
    t = depletion_table(tx, columns=omnimkt.Columns(customer_id="member_no", quantity="cans"))
    assert t.loc[7, "expected_depletion"] == day(21)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(0, 200), st.integers(1, 6)),
                min_size=1, max_size=25),
       st.integers(1, 260))
def test_depletion_is_last_purchase_plus_units_times_rate(rows, list_day):
    tx = log(*rows)
    first = min(r[1] for r in rows)
    if list_day <= first:
        list_day = first + 1
    t = depletion_table(tx, cutoff=day(list_day - 1), validate=False)
    for cid, r in t.iterrows():
        mine = [x for x in rows if x[0] == cid and x[1] < list_day]
        last = max(x[1] for x in mine)
        units = sum(x[2] for x in mine if x[1] == last)
        assert r["last_purchase"] == day(last)
        assert r["units_last"] == units
        assert r["units_total"] == sum(x[2] for x in mine)
        assert r["expected_depletion"] == day(last + 7 * units)
        assert r["days_until_depletion"] == last + 7 * units - list_day


# ------------------------------------------------------------- actions
def test_three_cans_on_day_0_call_day_19_to_21_and_prompt_day_20():
    # the "whole purchase nearly finished" reading of the call (misreading (a) of issue 13)
    m = ReplenishmentModel(call_at="purchase_depleted").fit(log((1, 0, 3)))
    acts = m.actions(day(0), horizon_days=60)
    call = acts[acts["action"] == "follow_up_call"]
    prompt = acts[acts["action"] == "repurchase_prompt"]
    assert len(call) == 1 and len(prompt) == 1
    call_day = (call["due_date"].iloc[0] - DAY0).days
    assert 19 <= call_day <= 21 and call_day == 19  # 2 days before running out on day 21
    assert (prompt["due_date"].iloc[0] - DAY0).days == 20
    assert call["channel"].iloc[0] == "phone"
    # the list for day 20 (cutoff day 19) holds exactly the prompt
    today = m.actions(day(19))
    assert today["action"].astype(str).tolist() == ["repurchase_prompt"]
    assert "20 days since buying 3 cans on 2025-01-01" in today["reason"].iloc[0]


def test_silent_91_days_gets_win_back_90_does_not():
    m = ReplenishmentModel().fit(log((1, 0, 1)))
    assert m.actions(day(89)).empty
    a = m.actions(day(90))
    assert a["action"].astype(str).tolist() == ["win_back"]
    assert a["due_date"].iloc[0] == day(91)
    assert "no purchase for 91 days" in a["reason"].iloc[0]


def test_buying_again_before_the_prompt_cancels_it():
    m = ReplenishmentModel().fit(log((1, 0, 3), (1, 10, 1)))
    assert m.actions(day(19)).empty
    later = m.actions(day(10), horizon_days=200)
    assert "repurchase_prompt" not in set(later["action"].astype(str))
    # the win-back clock restarts at the new purchase: day 10 + 91
    wb = later[later["action"] == "win_back"]
    assert wb["due_date"].tolist() == [day(101)]


def test_prompt_needs_a_three_can_purchase_and_a_new_customer():
    m = ReplenishmentModel().fit(log((1, 0, 1), (2, 0, 3), (2, 30, 3)))
    acts = m.actions(day(30), horizon_days=30)
    assert "repurchase_prompt" not in set(acts["action"].astype(str))
    everyone = ReplenishmentModel(new_customer_purchases=None).fit(log((2, 0, 3), (2, 30, 3)))
    acts = everyone.actions(day(30), horizon_days=30)
    assert day(50) in set(acts.loc[acts["action"] == "repurchase_prompt", "due_date"])


def test_offer_type_by_basket_and_message_channel():
    tx = log((1, 0, 3, 450.0, "app"), (2, 0, 3, 150.0, "mini_shop"), (3, 0, 3, 300.0, "ecommerce"))
    a = ReplenishmentModel().fit(tx).actions(day(19)).set_index("customer_id")
    assert a.loc[1, "offer_type"] == "service_content" and a.loc[1, "channel"] == "app_push"
    assert a.loc[2, "offer_type"] == "price_offer" and a.loc[2, "channel"] == "messaging"
    assert a.loc[3, "offer_type"] == "standard" and a.loc[3, "channel"] == "sms"
    counts = action_counts(a.reset_index())
    assert counts.loc["repurchase_prompt", "total"] == 3
    assert list(counts.index) == list(ACTIONS)


def test_thresholds_are_parameters():
    m = ReplenishmentModel(prompt_day=25, winback_silent_days=60, call_at="purchase_depleted",
                           call_days_before_depletion=5, days_per_unit=10).fit(log((1, 0, 3)))
    acts = m.actions(day(0), horizon_days=100)
    due = {str(a): (d - DAY0).days for a, d in zip(acts["action"], acts["due_date"], strict=True)}
    assert due == {"follow_up_call": 25, "repurchase_prompt": 25, "win_back": 61}
    # first can of three at 10 days per can runs out on day 10; 5 days before -> day 5
    m.set_params(call_at="first_can").fit(log((1, 0, 3)))
    acts = m.actions(day(0), horizon_days=100)
    assert (acts["due_date"][acts["action"] == "follow_up_call"] == day(5)).all()


def test_export_csv_and_excel(tmp_path):
    m = ReplenishmentModel().fit(log((1, 0, 3), (2, 0, 1)))
    p = m.to_csv(tmp_path / "actions.csv", day(0), horizon_days=100)
    back = pd.read_csv(p, encoding="utf-8-sig")
    assert list(back.columns[:6]) == ["customer_id", "action", "due_date", "reason", "channel",
                                      "offer_type"]
    assert len(back) == 5 and back["due_date"].iloc[0] == "2025-01-06"
    x = m.to_excel(tmp_path / "actions.xlsx", day(0), horizon_days=100)
    sheets = pd.read_excel(x, sheet_name=None, engine="calamine")
    assert set(sheets) == {"actions", "summary"} and len(sheets["actions"]) == 5


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(0, 150), st.integers(1, 6)),
                min_size=1, max_size=20),
       st.integers(1, 250), st.integers(1, 30))
@pytest.mark.parametrize("call_at", ["first_can", "purchase_depleted"])
def test_every_action_follows_its_rule(call_at, rows, list_day, horizon):
    tx = log(*rows)
    first = min(r[1] for r in rows)
    list_day = max(list_day, first + 1)
    m = ReplenishmentModel(learn_consumption=False, call_at=call_at).fit(tx, validate=False)
    acts = m.actions(day(list_day - 1), horizon_days=horizon)
    assert acts["due_date"].between(day(list_day), day(list_day + horizon - 1)).all()
    for _, a in acts.iterrows():
        mine = [x for x in rows if x[0] == a["customer_id"] and x[1] < list_day]
        last = max(x[1] for x in mine)
        units = sum(x[2] for x in mine if x[1] == last)
        n_days = len({x[1] for x in mine})
        due = (a["due_date"] - DAY0).days
        assert a["last_purchase"] == day(last)
        if a["action"] == "win_back":
            assert due == last + 91
        elif a["action"] == "repurchase_prompt":
            assert due == last + 20 and units >= 3 and n_days == 1
        else:
            # first can: 7 days after the purchase; whole purchase: 7 x units days
            cans = 1 if call_at == "first_can" else units
            assert due == max(last + 7 * cans - 2, last + 1) and n_days == 1
            assert a["channel"] == "phone"
    # no customer gets the same action twice in one list
    assert not acts.duplicated(["customer_id", "action"]).any()


# ----------------------------------------------------------- bad input
def test_product_without_rate_is_a_data_error():
    tx = log((1, 0, 3), (2, 0, 1))
    tx.loc[1, "product"] = "formula_goat"
    with pytest.raises(omnimkt.DataError, match=r"transactions\.product: 1 rows.*'formula_goat'"):
        ReplenishmentModel(consumption={"formula_standard": 7.0}).fit(tx)


@pytest.mark.parametrize("bad", [0, -3])
def test_zero_or_negative_units_is_a_data_error(bad):
    tx = log((1, 0, 3), (2, 0, 1), (3, 0, 1))
    tx["quantity"] = [3, bad, bad]
    with pytest.raises(omnimkt.DataError, match=r"transactions\.quantity: 2 rows"):
        ReplenishmentModel().fit(tx, validate=False)
    with pytest.raises(omnimkt.DataError, match=r"quantity"):
        depletion_table(tx)


def test_no_purchases_is_a_data_error():
    empty = log((1, 0, 3)).iloc[:0]
    with pytest.raises(omnimkt.DataError, match="transactions"):
        ReplenishmentModel().fit(empty)
    other = log((1, 0, 3)).assign(category="other")
    with pytest.raises(omnimkt.DataError, match=r"no purchases in category 'formula'"):
        depletion_table(other)
    with pytest.raises(omnimkt.DataError, match="no purchases on or before cutoff=2025-01-02"):
        depletion_table(log((1, 5, 3)), cutoff=day(1))


def test_cutoff_before_data_and_unfitted_model():
    m = ReplenishmentModel().fit(log((1, 5, 3)))
    with pytest.raises(omnimkt.DataError, match="before the first purchase"):
        m.actions(day(4))
    assert len(m.actions(day(5), horizon_days=30)) == 2  # the purchase day itself is history
    with pytest.raises(omnimkt.errors.NotFittedError, match="not fitted"):
        ReplenishmentModel().actions()
    with pytest.raises(omnimkt.ModelError, match="price_threshold"):
        ReplenishmentModel(price_threshold=500).fit(log((1, 0, 1)))


def test_backtest_date_outside_data_is_a_data_error():
    tx = log((1, 0, 3), (1, 20, 3), (2, 3, 1), (2, 40, 1))
    with pytest.raises(omnimkt.DataError, match=r"1 replay cutoff\(s\) outside the data"):
        backtest(tx, cutoffs=[day(9), day(299)])
    with pytest.raises(omnimkt.DataError, match="outside the data"):
        backtest(tx, cutoffs=[day(-6)])


# ------------------------------------------------- backtest, hand-sized
def test_backtest_small_log_outcomes_by_hand():
    # customer 1: 3 cans day 0, buys day 24 -> call day 19 (bought 5 days later),
    # prompt day 20 (4 days later); customer 2: 3 cans day 0, buys day 15 (before both)
    tx = log((1, 0, 3), (1, 24, 1), (2, 0, 3), (2, 15, 1), (3, 0, 1), (3, 120, 1))
    res = backtest(tx, cutoffs=[day(13)], horizon_days=7, control_share=0.0,
                   model=ReplenishmentModel(call_at="purchase_depleted"))
    s = res.summary
    assert s.loc["follow_up_call", "actions"] == 2 and s.loc["follow_up_call", "cancelled"] == 1
    assert s.loc["follow_up_call", "repurchase_7d"] == 1.0
    assert s.loc["repurchase_prompt", "repurchase_7d"] == 1.0
    assert s.loc["win_back", "actions"] == 0


# ------------------------------------------- backtest, synthetic world
def test_depletion_beats_median_gap_on_the_synthetic_world(world_tx):
    res = backtest(world_tx, start="2024-12-01", end="2025-11-23")
    e = res.errors
    assert e.loc["depletion_learned_pace", "used_by_model"]
    assert e.loc["depletion_learned_pace", "n"] == e.loc["median_gap", "n"] > 10_000
    assert e.loc["depletion_learned_pace", "mae"] < 0.8 * e.loc["median_gap", "mae"]
    assert (e.loc["depletion_learned_pace", "median_ae"]
            < e.loc["median_gap", "median_ae"])
    assert res.settings["n_cutoffs"] == 52 and res.settings["horizon_days"] == 7


def test_historical_uplift_is_zero_within_its_ci_and_a_simulated_effect_is_found(world_tx):
    res = backtest(world_tx, control_share=0.3, seed=3)
    u = res.uplift
    assert (u["ci_low"] <= 0).all() and (u["ci_high"] >= 0).all()
    assert u.loc["all", "control"] > 0.25 * (u.loc["all", "control"] + u.loc["all", "treated"])
    sim = backtest(world_tx, control_share=0.3, seed=3, simulated_uplift=0.10)
    assert sim.uplift.loc["all", "ci_low"] > 0
    assert sim.uplift.loc["all", "uplift"] == pytest.approx(0.10, abs=0.04)
    # the simulation touches only the treated arm
    assert sim.uplift.loc["all", "control_rate"] == u.loc["all", "control_rate"]


def test_backtest_is_deterministic_and_control_arm_is_per_customer(world_tx):
    a = backtest(world_tx, start="2025-03-02", end="2025-06-29", seed=5)
    b = backtest(world_tx, start="2025-03-02", end="2025-06-29", seed=5)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    c = backtest(world_tx, start="2025-03-02", end="2025-06-29", seed=6)
    assert not a.summary["control"].equals(c.summary["control"])
    assert "Taitel" in a.notes[-1] and "|" in a.to_markdown() and "<table" in a._repr_html_()


def test_world_action_list_has_all_actions_and_no_warnings(world_tx):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = ReplenishmentModel().fit(world_tx)
        # two weeks before the end: first purchases of the last days get their day-5 call
        cut = m.last_day_ - pd.Timedelta(days=14)
        acts = m.actions(cut, horizon_days=7)
    assert set(acts["action"].astype(str)) == set(ACTIONS)
    assert acts["due_date"].between(cut + pd.Timedelta(days=1), cut + pd.Timedelta(days=7)).all()
    assert set(acts["offer_type"].astype(str)) == {"service_content", "standard", "price_offer"}
    assert acts["reason"].str.len().min() > 20
    assert np.isfinite(m.depletion()["days_until_depletion"]).all()


# ------------------------------------------------- analysis helpers, UI
def test_customer_timeline_by_hand():
    from omnimkt.retention import customer_timeline

    m = ReplenishmentModel(call_at="purchase_depleted").fit(
        log((1, 0, 3), (1, 24, 1), (2, 0, 1)))
    t = customer_timeline(m, 1)
    assert t["purchase"].tolist() == [day(0), day(24)]
    assert t.loc[1, "expected_depletion"] == day(21) and t.loc[1, "call_date"] == day(19)
    # the article's reading: the first of the three cans runs out on day 7 -> call day 5
    assert customer_timeline(m.set_params(call_at="first_can"), 1).loc[1, "call_date"] == day(5)
    assert t.loc[1, "prompt_date"] == day(20) and t.loc[1, "winback_date"] == day(91)
    assert t.loc[1, "next_purchase"] == day(24) and pd.isna(t.loc[2, "prompt_date"])
    # learned pace after the second purchase: (24 + 21) / (21 + 21) x 7 days per can
    assert t.loc[2, "days_per_unit"] == pytest.approx(7 * 45 / 42)
    with pytest.raises(omnimkt.DataError, match="customer 99"):
        customer_timeline(m, 99)


def test_habit_curve_and_second_purchase_timing_by_hand():
    from omnimkt.retention import habit_curve, second_purchase_timing

    tx = log((1, 0, 3), (1, 18, 3), (2, 0, 3), (2, 25, 1), (3, 0, 1), (4, 200, 1))
    m = ReplenishmentModel().fit(tx)
    t = second_purchase_timing(m, horizon_days=90)
    assert t.loc[3, "customers"] == 2 and t.loc[3, "bought_again"] == 1.0
    assert t.loc[3, "median_days"] == 21.5 and t.loc[3, "before_prompt"] == 0.5
    assert t.loc[3, "around_prompt"] == 0.5 and t.loc[3, "expected_days"] == 21
    assert t.loc[1, "bought_again"] == 0.0
    h = habit_curve(m, horizon_days=60, by="purchases")
    assert h.loc["1", "purchases"] == 3 and h.loc["1", "bought_again"] == pytest.approx(2 / 3)


def test_plots_and_widget_run_quietly(world_tx):
    import matplotlib.pyplot as plt

    from omnimkt.plotting import retention as rp
    from omnimkt.widgets.retention import threshold_explorer

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = ReplenishmentModel().fit(world_tx)
        res = backtest(world_tx, start="2025-06-01", end="2025-08-24")
        fig, axes = plt.subplots(2, 3)
        rp.plot_depletion_clock(m.depletion(), ax=axes[0, 0])
        rp.plot_action_counts(m.actions(horizon_days=7), ax=axes[0, 1])
        rp.plot_action_volumes(res, ax=axes[0, 2])
        rp.plot_repurchase(res, ax=axes[1, 0])
        rp.plot_depletion_errors(res, ax=axes[1, 1])
        ax = rp.plot_uplift(res, ax=axes[1, 2])
        assert "percentage points" in ax.get_xlabel()
        plt.close(fig)
        for i, ax in enumerate(axes.ravel()):  # each plot drew on its own axes only
            assert ax.has_data() or ax.patches or ax.lines, i
        plt.close(fig)
        box = threshold_explorer(world_tx, horizon_days=7)
        assert type(box).__name__ == "VBox"
        plt.close("all")


def test_text_ids_and_no_amounts_give_standard_offers():
    tx = pd.DataFrame({"customer_id": ["m-1", "m-2"], "timestamp": [day(0), day(0)],
                       "quantity": [3, 1]})
    m = ReplenishmentModel(category=None).fit(tx, validate=False)
    a = m.actions(day(0), horizon_days=100)
    assert set(a["customer_id"]) == {"m-1", "m-2"}
    assert set(a["offer_type"].astype(str)) == {"standard"}
    assert m.depletion(day(0))["mean_basket"].isna().all()


# ------------------------------------------------ one contract (issue 9)
def test_model_is_an_estimator_with_a_summary():
    from sklearn.base import clone

    m = ReplenishmentModel(prompt_day=25)
    assert "not fitted" in repr(m)
    twin = clone(m)
    assert twin.get_params() == m.get_params()
    fitted = m.fit(log((1, 0, 3), (2, 0, 1), (2, 30, 1)))
    assert fitted is m
    s = m.summary
    assert isinstance(s, pd.DataFrame)
    # by hand: buyer 2 paced 30 days for one 7-day can: (30 + 21) / (7 + 21) x 7 days
    assert s.loc["buyers", "value"] == 2 and s.loc["purchase days", "value"] == 3
    assert s.loc["days per unit, median used", "value"] == pytest.approx((7 + 7 * 51 / 28) / 2)
    assert "ReplenishmentModel" in m._repr_html_() and "|" in m.to_markdown()
    assert m.cutoff_ == day(30)
    with pytest.raises(omnimkt.errors.NotFittedError, match="not fitted"):
        ReplenishmentModel().depletion()


@pytest.mark.parametrize(("setting", "value"), [
    ("days_per_unit", float("nan")), ("days_per_unit", 0), ("prompt_day", 2.7),
    ("winback_silent_days", -1), ("call_days_before_depletion", True),
    ("habit_units", float("inf")), ("prompt_units", 0), ("new_customer_purchases", 0),
    ("service_threshold", float("nan")), ("carry_over", "yes"), ("learn_consumption", 1),
    ("category", 3), ("unit_name", ""), ("message_channels", {"app": 1}),
])
def test_bad_model_settings_name_the_parameter(setting, value):
    with pytest.raises(omnimkt.ModelError, match=setting):
        ReplenishmentModel(**{setting: value}).fit(log((1, 0, 3)))


def test_bad_consumption_rate_names_the_product():
    with pytest.raises(omnimkt.ModelError, match=r"consumption\['formula_standard'\]"):
        depletion_table(log((1, 0, 3)), consumption={"formula_standard": float("nan")})


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"days_per_unit": -7}, "days_per_unit"), ({"habit_units": float("nan")}, "habit_units"),
    ({"carry_over": "no"}, "carry_over"), ({"validate": "yes"}, "validate"),
    ({"cutoff": 20250110}, "cutoff"), ({"columns": {"member": "customer_id"}}, "columns"),
])
def test_bad_depletion_arguments_name_the_parameter(kwargs, name):
    with pytest.raises(omnimkt.ModelError, match=name):
        depletion_table(log((1, 0, 3)), **kwargs)


def test_columns_as_a_plain_dict():
    tx = log((7, 0, 3)).rename(columns={"customer_id": "member_no"})
    t = depletion_table(tx, columns={"customer_id": "member_no"})
    assert t.loc[7, "expected_depletion"] == day(21)


@pytest.mark.parametrize("bad", [0, 2.7, True, float("nan")])
def test_bad_horizon_days_in_actions(bad):
    m = ReplenishmentModel().fit(log((1, 0, 3)))
    with pytest.raises(omnimkt.ModelError, match="horizon_days"):
        m.actions(day(0), horizon_days=bad)


def test_aware_cutoff_is_its_own_wall_clock_day():
    m = ReplenishmentModel().fit(log((1, 0, 3)))
    # 01:00 on day 19 in Shanghai is still day 18 in UTC; the list is for day 20
    aware = m.actions(pd.Timestamp("2025-01-20 01:00", tz="Asia/Shanghai"))
    assert aware["action"].astype(str).tolist() == ["repurchase_prompt"]


def test_aware_timestamps_count_on_their_local_day():
    tx = log((1, 0, 3))
    # 23:30 on 31 Dec in UTC is 07:30 on 1 Jan in Shanghai: the purchase is day 0
    tx["timestamp"] = pd.Series([pd.Timestamp("2024-12-31 23:30", tz="UTC")]).dt.tz_convert(
        "Asia/Shanghai")
    t = depletion_table(tx, validate=False)
    assert t.loc[1, "last_purchase"] == day(0) and t.loc[1, "expected_depletion"] == day(21)


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"control_share": float("nan")}, "control_share"), ({"control_share": 1.0}, "control_share"),
    ({"confidence": 1.0}, "confidence"), ({"response_window_days": (7, True)},
                                          "response_window_days"),
    ({"response_window_days": 14}, "response_window_days"), ({"step_days": 0}, "step_days"),
    ({"uplift_window_days": 2.5}, "uplift_window_days"), ({"horizon_days": -1}, "horizon_days"),
    ({"seed": -1}, "seed"), ({"simulated_uplift": float("inf")}, "simulated_uplift"),
    ({"model": "case"}, "model"), ({"progress": "auto"}, "progress"),
    ({"start": "2025-02-01", "end": "2025-01-01"}, "start"), ({"end": "not a date"}, "end"),
])
def test_bad_backtest_arguments_name_the_parameter(kwargs, name):
    tx = log((1, 0, 3), (1, 20, 3), (2, 3, 1), (2, 40, 1))
    with pytest.raises(omnimkt.ModelError, match=name):
        backtest(tx, **kwargs)


def test_analysis_helpers_check_their_arguments():
    from omnimkt.retention import customer_timeline, habit_curve, second_purchase_timing

    m = ReplenishmentModel().fit(log((1, 0, 3), (1, 24, 1), (2, 0, 1)))
    with pytest.raises(omnimkt.ModelError, match="horizon_days"):
        habit_curve(m, horizon_days=0)
    with pytest.raises(omnimkt.ModelError, match="by: 'cans'"):
        habit_curve(m, by="cans")
    with pytest.raises(omnimkt.ModelError, match="horizon_days"):
        second_purchase_timing(m, horizon_days=float("nan"))
    with pytest.raises(omnimkt.errors.NotFittedError):
        habit_curve(ReplenishmentModel())
    with pytest.raises(omnimkt.ModelError, match="model: expected"):
        customer_timeline("model", 1)
    # an id typed as text finds the integer id of the log
    assert len(customer_timeline(m, "1")) == 2


# ------------------------------------------- issue 13: faithful readings
def test_price_rule_is_one_definition_across_retention_and_segments():
    from omnimkt.segments import price_sensitivity

    # customer 1: 100, 150, 800 yuan -> median 150 (< 200: price offer), mean 350 (standard)
    # customer 2: 400 yuan exactly -> "above 400" fails, "below 200" fails: standard
    # customer 3: 2 x 450 yuan -> median = mean = 450: service content
    tx = log((1, 0, 1, 100.0), (1, 7, 1, 150.0), (1, 14, 1, 800.0), (2, 0, 2, 400.0),
             (3, 0, 3, 450.0), (3, 9, 3, 450.0))
    expected = {"median": ["price_offer", "standard", "service_content"],
                "mean": ["standard", "standard", "service_content"]}
    for basket, offers in expected.items():
        dep = ReplenishmentModel(basket=basket).fit(tx).depletion(day(20))
        assert dep["offer_type"].astype(str).tolist() == offers
        same = {"service content": "service_content", "standard offer": "standard",
                "price offer": "price_offer"}
        seg = price_sensitivity(tx, basket=basket).table["offer"].astype(str)
        assert seg.map(same).tolist() == offers
    dep = ReplenishmentModel().fit(tx).depletion(day(20))      # default: median
    assert dep.loc[1, "basket"] == 150.0 and dep.loc[1, "mean_basket"] == 350.0
    # what was known at the time: after the second purchase the median is (100 + 150) / 2
    assert ReplenishmentModel().fit(tx).depletion(day(10)).loc[1, "basket"] == 125.0


@pytest.mark.parametrize(("kw", "match"), [({"call_at": "last"}, "call_at"),
                                           ({"basket": "average"}, "basket"),
                                           ({"price_threshold": 500.0}, "price_threshold")])
def test_bad_call_timing_and_price_rule_settings(kw, match):
    with pytest.raises(omnimkt.ModelError, match=match):
        ReplenishmentModel(**kw).fit(log((1, 0, 3)))


def test_first_can_call_with_a_one_can_purchase_equals_the_depletion_call():
    # one can: first can = whole purchase -> day 7 - 2 = day 5 under both readings
    for call_at in ("first_can", "purchase_depleted"):
        acts = ReplenishmentModel(call_at=call_at).fit(log((1, 0, 1))).actions(
            day(0), horizon_days=30)
        assert acts.loc[acts["action"] == "follow_up_call", "due_date"].tolist() == [day(5)]
    # six cans: first can runs out day 7 (call day 5); the whole purchase day 42 (call day 40)
    dues = [ReplenishmentModel(call_at=c).fit(log((1, 0, 6))).actions(day(0), horizon_days=60)
            .query("action == 'follow_up_call'")["due_date"].iloc[0] for c in CALL_TIMINGS]
    assert dues == [day(5), day(40)]


@pytest.fixture(scope="module")
def habit_worlds() -> dict[float, object]:
    from omnimkt.datasets import generate

    return {h: generate(20_000, seed=3, habit_strength=h, tables=("transactions",))
            for h in (0.0, 0.6)}


def test_habit_effect_recovers_the_generator_habit_and_finds_none_without(habit_worlds):
    from omnimkt.retention import habit_effect

    for h, w in habit_worlds.items():
        tc = w.truth.customers
        # the generator's truth: relative fall of the dropout probability with the habit
        truth = 1 - tc["habit_dropout_prob"].mean() / tc["dropout_prob"].mean()
        assert truth == pytest.approx(h)
        e = habit_effect(ReplenishmentModel().fit(w.transactions)).loc["pooled"]
        if h == 0:
            # no habit: the stop rates agree within 2.5 standard errors
            assert abs(e["difference"]) < 2.5 * e["se"] and abs(e["reduction"]) < 0.15
        else:
            assert e["difference"] < -4 * e["se"]
            assert e["reduction"] == pytest.approx(truth, abs=0.12)
