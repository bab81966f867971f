"""Tests of omnimkt.attribution: worked examples from REFERENCES.md, invariants, bad input,
and the synthetic world's true channel effects."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import omnimkt
from omnimkt import attribution as at
from omnimkt.attribution.result import spearman
from omnimkt.errors import DataError, ModelError

matplotlib.use("Agg")


def table(paths, conv, nulls=None, value=None):
    d = {"path": paths, "total_conversions": conv}
    if value is not None:
        d["total_conversion_value"] = value
    if nulls is not None:
        d["total_null"] = nulls
    return pd.DataFrame(d)


# REFERENCES.md, attribution example 1 (Anderl et al. 2016 removal effect).
MARKOV_EX = table(["google ads", "mailing", "google ads > mailing", "google ads"],
                  [2, 1, 1, 0], nulls=[0, 0, 0, 1], value=[20.0, 10.0, 10.0, 0.0])
# REFERENCES.md, attribution example 2: per-set conversion rates F .20, O .10, L .17, FO .17,
# FL .30, LO 0, FLO .06 (100 journeys per set).
SHAPLEY_EX = table(["F", "O", "L", "F > O", "F > L", "L > O", "F > L > O"],
                   [20, 10, 17, 17, 30, 0, 6], nulls=[80, 90, 83, 83, 70, 100, 94])


def tx_tp(rows_tp, rows_tx):
    tp = pd.DataFrame(rows_tp, columns=["customer_id", "timestamp", "channel"])
    tp["timestamp"] = pd.to_datetime(tp["timestamp"])
    tx = pd.DataFrame(rows_tx, columns=["customer_id", "timestamp", "amount"])
    tx["timestamp"] = pd.to_datetime(tx["timestamp"])
    return tp, tx


# --------------------------------------------------------------------------- worked examples
def test_markov_references_example_exact():
    r = at.markov(at.read_paths(MARKOV_EX))
    assert r.details["p_conversion"] == pytest.approx(0.8, abs=1e-12)
    assert r.details["removal_effect"].to_dict() == pytest.approx(
        {"google ads": 0.75, "mailing": 0.5}, abs=1e-12)
    assert r.conversions.to_dict() == pytest.approx({"google ads": 2.4, "mailing": 1.6}, abs=1e-12)
    tm = r.details["transition_matrix"]
    assert tm.loc["(start)", "google ads"] == pytest.approx(0.8)
    assert tm.loc["google ads", "(conversion)"] == pytest.approx(0.5)
    assert r.conversions.sum() == pytest.approx(4.0)
    assert r.value.sum() == pytest.approx(40.0)


def test_markov_references_example_higher_order_and_journey_credit():
    p = at.read_paths(MARKOV_EX)
    for order in (2, 3):
        r = at.markov(p, order=order)
        assert r.conversions.to_dict() == pytest.approx({"google ads": 2.4, "mailing": 1.6})
    # Per journey: 'google ads > mailing' splits 0.75 : 0.5 -> 0.6 / 0.4 of its 1 conversion.
    r = at.markov(p, credit="journey")
    assert r.conversions.to_dict() == pytest.approx({"google ads": 2.6, "mailing": 1.4})


def test_shapley_references_example():
    p = at.read_paths(SHAPLEY_EX)
    exact = at.shapley(p)
    assert exact.details["shapley_value"].round(3).to_dict() == {"F": 0.455, "L": 0.34, "O": 0.205}
    assert "enumeration" in exact.details["method"]
    # Credits are the Shapley shares of the 100 conversions.
    assert exact.conversions.to_dict() == pytest.approx({"F": 45.5, "L": 34.0, "O": 20.5})
    closed = at.shapley(p, max_exact=0)  # beyond max_exact: Harsanyi closed form, still exact
    assert "closed form" in closed.details["method"]
    assert closed.details["shapley_value"].to_numpy() == pytest.approx(
        exact.details["shapley_value"].to_numpy(), abs=1e-12)


def test_shapley_pooled_rate_sampling_close_to_exact():
    rng = np.random.default_rng(3)
    chans = list("abcde")
    paths = [" > ".join(rng.choice(chans, rng.integers(1, 4))) for _ in range(60)]
    t = table(paths, rng.integers(0, 5, 60), nulls=rng.integers(0, 20, 60))
    p = at.read_paths(t)
    exact = at.shapley(p, value_function="pooled_rate").details["shapley_value"]
    mc = at.shapley(p, value_function="pooled_rate", max_exact=2, n_permutations=4000, seed=1)
    assert "Monte Carlo" in mc.details["method"]
    assert mc.details["shapley_value"].to_numpy() == pytest.approx(exact.to_numpy(), abs=0.01)
    again = at.shapley(p, value_function="pooled_rate", max_exact=2, n_permutations=4000, seed=1)
    assert again.conversions.equals(mc.conversions)  # reproducible with the seed


def test_markov_matches_own_simulation():
    rng = np.random.default_rng(7)
    chans = ["a", "b", "c", "d"]
    paths = [" > ".join(rng.choice(chans, rng.integers(1, 6))) for _ in range(80)]
    t = table(paths, rng.integers(0, 4, 80), nulls=rng.integers(0, 6, 80))
    res = at.markov(at.read_paths(t))
    tm = res.details["transition_matrix"]
    names = list(tm.columns)
    probs = tm.to_numpy()
    cum = probs.cumsum(axis=1)

    def simulate(removed=None, n=40_000, seed=0):
        g = np.random.default_rng(seed)
        state = np.zeros(n, dtype=int)
        alive = np.ones(n, dtype=bool)
        conv = np.zeros(n, dtype=bool)
        for _ in range(200):
            if not alive.any():
                break
            u = g.random(n)
            nxt = (u[:, None] > cum[state]).sum(axis=1)
            nxt = np.minimum(nxt, len(names) - 1)
            if removed is not None:
                nxt = np.where(nxt == names.index(removed), names.index("(null)"), nxt)
            done = alive & ((nxt == names.index("(conversion)")) | (nxt == names.index("(null)")))
            conv |= alive & (nxt == names.index("(conversion)"))
            alive &= ~done
            state = np.where(alive, nxt, 0)
        return conv.mean()

    p_sim = simulate()
    assert p_sim == pytest.approx(res.details["p_conversion"], abs=0.01)
    re_b = 1 - simulate("b", seed=1) / p_sim
    assert re_b == pytest.approx(res.details["removal_effect"]["b"], abs=0.03)


def test_heuristics_hand_examples():
    p = at.read_paths(table(["a > b > c > d", "direct > b > direct"], [10, 2], value=[100.0, 20.0]))
    assert at.first_touch(p).conversions.to_dict() == {"a": 10, "b": 0, "c": 0, "d": 0, "direct": 2}
    assert at.last_touch(p).conversions["direct"] == 2
    assert at.last_non_direct(p).conversions.to_dict() == pytest.approx(
        {"a": 0, "b": 2, "c": 0, "d": 10, "direct": 0})
    lin = at.linear(p)
    assert lin.conversions.to_dict() == pytest.approx(
        {"a": 2.5, "b": 2.5 + 2 / 3, "c": 2.5, "d": 2.5, "direct": 4 / 3})
    assert lin.value["a"] == pytest.approx(25.0)
    pb = at.position_based(p)
    assert pb.conversions.to_dict() == pytest.approx(
        {"a": 4, "b": 1 + 0.4, "c": 1, "d": 4, "direct": 1.6})


def test_time_decay_half_life():
    tp, tx = tx_tp([(1, "2025-01-01", "tv"), (1, "2025-01-08", "search"),
                    (1, "2025-01-15", "kol")], [(1, "2025-01-15", 70.0)])
    p = at.build_paths(tp, tx)
    r = at.time_decay(p)  # default half-life 7 days: weights 1/4, 1/2, 1
    assert r.conversions.to_dict() == pytest.approx({"kol": 4 / 7, "search": 2 / 7, "tv": 1 / 7})
    assert r.value.sum() == pytest.approx(70.0)
    r14 = at.time_decay(p, half_life_days=14)
    w = np.array([2 ** -1, 2 ** -0.5, 1.0])
    assert r14.conversions["tv"] == pytest.approx(w[0] / w.sum())


# --------------------------------------------------------------------------- invariants
journeys_strategy = st.lists(
    st.tuples(
        st.lists(st.tuples(st.integers(0, 4), st.integers(0, 40)), min_size=1, max_size=7),
        st.booleans(),
        st.floats(0.0, 500.0, allow_nan=False),
    ),
    min_size=1, max_size=25,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys_strategy)
def test_every_model_sums_to_totals(journeys):
    chans = ["tv", "search", "kol", "sms", "direct"]
    tp_rows, tx_rows = [], []
    day0 = pd.Timestamp("2025-01-01")
    for cid, (touches, converted, value) in enumerate(journeys):
        for ch, day in touches:
            tp_rows.append((cid, day0 + pd.Timedelta(days=day), chans[ch]))
        if converted:
            tx_rows.append((cid, day0 + pd.Timedelta(days=41), value))
    tp = pd.DataFrame(tp_rows, columns=["customer_id", "timestamp", "channel"])
    tx = pd.DataFrame(tx_rows, columns=["customer_id", "timestamp", "amount"])
    tx = tx.astype({"customer_id": "int64", "amount": "float64"})
    tx["timestamp"] = pd.to_datetime(tx["timestamp"])
    p = at.build_paths(tp, tx, window_days=None)
    n_conv = sum(1 for j in journeys if j[1])
    assert p.total_conversions == n_conv
    assert p.total_nulls == len(journeys) - n_conv
    assert p.total_value == pytest.approx(sum(j[2] for j in journeys if j[1]))
    runs = [at.attribute(p, m) for m in at.MODELS]
    runs += [at.markov(p, order=2), at.markov(p, order=3, repeats="collapse"),
             at.markov(p, credit="journey"), at.markov(p, nulls="ignore"),
             at.shapley(p, value_function="conversions"),
             at.shapley(p, value_function="pooled_rate"),
             at.shapley(p, max_exact=1, value_function="pooled_rate", n_permutations=50)]
    for r in runs:
        assert r.conversions.sum() == pytest.approx(p.total_conversions, abs=1e-6), r.model
        assert r.value.sum() == pytest.approx(p.total_value, abs=1e-6), r.model
        assert set(r.conversions.index) == set(p.channels)
    # The path table keeps every journey.
    t = p.table
    assert t["total_conversions"].sum() == n_conv
    assert t["total_null"].sum() == len(journeys) - n_conv


def test_markov_order1_repeats_collapse_changes_nothing():
    p = at.read_paths(table(["a > a > b", "b > b", "a > c > c > a"], [3, 1, 2], nulls=[1, 4, 2]))
    keep = at.markov(p, repeats="keep")
    collapse = at.markov(p, repeats="collapse")
    assert keep.conversions.to_numpy() == pytest.approx(collapse.conversions.to_numpy())
    # At order 2 the states differ, so the result may differ, but still sums to the total.
    assert at.markov(p, order=2, repeats="collapse").conversions.sum() == pytest.approx(6)


# --------------------------------------------------------------------------- paths
def test_build_paths_windows_nulls_and_unattributed():
    tp, tx = tx_tp(
        [(1, "2025-01-01", "tv"),          # 40 days before conversion: outside 30-day window
         (1, "2025-02-01", "search"), (1, "2025-02-09", "kol"),
         (1, "2025-02-11", "sms"),         # after the first purchase: no journey
         (2, "2025-01-05", "tv"), (2, "2025-03-01", "search"), (2, "2025-03-02", "kol"),
         (4, "2025-01-01", "kol")],        # converts 60 days later: no touch in window
        [(1, "2025-02-10", 30.0), (1, "2025-02-10", 20.0), (1, "2025-03-01", 99.0),
         (3, "2025-01-10", 15.0), (4, "2025-03-02", 5.0)])
    p = at.build_paths(tp, tx, window_days=30)
    t = p.table
    # One distinct path: customer 1 converts on it, customer 2 (the 'tv' of Jan 5 is more
    # than 30 days before their last touch) does not.
    assert t["path"].tolist() == ["search > kol"]
    assert t["total_conversions"].tolist() == [1.0]
    assert t["total_conversion_value"].tolist() == [50.0]  # first order = two lines
    assert t["total_null"].tolist() == [1.0]
    assert p.unattributed_conversions == 2  # customer 3 (no touches), customer 4 (outside window)
    assert p.unattributed_value == 20.0
    j = p.journeys
    assert j["customer_id"].tolist() == [1, 2]
    assert j["converted"].tolist() == [True, False]
    assert j["conversion_time"].iloc[0] == pd.Timestamp("2025-02-10")
    assert p.days_before.tolist() == pytest.approx([9.0, 1.0, 1.0, 0.0])
    long = p.touches()
    assert long["channel"].tolist() == ["search", "kol", "search", "kol"]
    assert long["position"].tolist() == [0, 1, 0, 1]
    only_null = p.subset(np.array([False, True]))
    assert only_null.total_nulls == 1 and only_null.journeys["customer_id"].tolist() == [2]
    wide = at.build_paths(tp, tx, window_days=None)
    assert sorted(wide.table["path"]) == ["kol", "tv > search > kol"]
    direct = at.build_paths(tp, tx, no_touch="direct")
    assert direct.unattributed_conversions == 0
    assert at.last_touch(direct).conversions["direct"] == 2
    no_nulls = at.build_paths(tp, tx, include_nulls=False)
    assert no_nulls.total_nulls == 0 and no_nulls.total_conversions == 1


def test_build_paths_every_purchase():
    tp, tx = tx_tp([(1, "2025-01-01", "tv"), (1, "2025-01-05", "search"),
                    (1, "2025-01-12", "kol"), (1, "2025-01-20", "sms")],
                   [(1, "2025-01-06", 10.0), (1, "2025-01-15", 12.0)])
    p = at.build_paths(tp, tx, conversion="every_purchase")
    t = p.table.set_index("path")
    assert t.loc["tv > search", "total_conversions"] == 1
    assert t.loc["kol", "total_conversion_value"] == 12.0
    assert t.loc["sms", "total_null"] == 1  # touches after the last order: a null journey


def test_timestamps_out_of_order_do_not_matter():
    rng = np.random.default_rng(0)
    n = 400
    tp = pd.DataFrame({"customer_id": rng.integers(0, 60, n),
                       "timestamp": pd.Timestamp("2025-01-01")
                       + pd.to_timedelta(rng.integers(0, 90 * 24, n), unit="h"),
                       "channel": rng.choice(["tv", "kol", "search", "sms"], n)})
    tx = pd.DataFrame({"customer_id": np.arange(0, 60, 2),
                       "timestamp": pd.Timestamp("2025-03-01"), "amount": 10.0})
    a = at.build_paths(tp, tx)
    b = at.build_paths(tp.sample(frac=1, random_state=1), tx.sample(frac=1, random_state=2))
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(a.journeys, b.journeys)
    assert np.array_equal(a.codes, b.codes)
    assert at.markov(a).conversions.equals(at.markov(b).conversions)


def test_column_mapping():
    tp, tx = tx_tp([(1, "2025-01-01", "tv")], [(1, "2025-01-02", 5.0)])
    cols = omnimkt.Columns(customer_id="member_no", channel="source")
    p = at.build_paths(tp.rename(columns={"customer_id": "member_no", "channel": "source"}),
                       tx.rename(columns={"customer_id": "member_no"}), columns=cols)
    assert p.table["path"].tolist() == ["tv"]


def test_read_write_channelattribution_roundtrip(tmp_path):
    p = at.read_paths(MARKOV_EX)
    out = at.to_channelattribution(p, tmp_path / "paths.csv")
    assert list(out.columns) == list(at.CA_COLUMNS)
    assert out.set_index("path")["total_conversions"].to_dict() == {"google ads": 2.0,
                                                                    "mailing": 1.0,
                                                                    "google ads > mailing": 1.0}
    back = at.read_paths(tmp_path / "paths.csv")
    assert at.markov(back).conversions.to_dict() == pytest.approx({"google ads": 2.4, "mailing": 1.6})
    # A table written by us keeps its rows' weights; its nulls survive.
    assert back.total_nulls == 1 and back.total_value == 40.0
    # Other separators are supported when named.
    alt = at.read_paths(table(["a|b", "b"], [1, 1]), sep="|")
    assert alt.channels == ["a", "b"]


# --------------------------------------------------------------------------- bad input
def test_bad_unknown_separator():
    bad = table(["google ads>mailing", "google ads", "mailing"], [1, 2, 1])
    with pytest.raises(DataError, match=r"path table\.path: 1 paths still contain '>'.*sep="):
        at.read_paths(bad)
    with pytest.raises(DataError, match=r"path table\.path: 2 paths still contain ','"):
        at.read_paths(table(["a, b", "b, c", "a"], [1, 1, 1]))


def test_bad_unknown_channel_and_empty_paths():
    with pytest.raises(DataError, match=r"path table\.path: 1 paths name unknown channels 'x'"):
        at.read_paths(table(["a > x", "a"], [1, 1]), channels=["a", "b"])
    with pytest.raises(DataError, match=r"path table\.path: 1 rows have an empty path"):
        at.read_paths(table(["a", ""], [1, 1]))
    with pytest.raises(DataError, match=r"1 paths have an empty channel name"):
        at.read_paths(table(["a >  > b"], [1]))
    with pytest.raises(DataError, match=r"path table\.total_conversions: 1 rows .*negative"):
        at.read_paths(table(["a", "b"], [1, -1]))
    with pytest.raises(DataError, match=r"missing column\(s\) \['total_conversions'\]"):
        at.read_paths(pd.DataFrame({"path": ["a"]}))


def test_conversion_without_touchpoints_is_reported_not_attributed():
    tp, tx = tx_tp([(1, "2025-01-01", "tv")], [(1, "2025-01-02", 5.0), (2, "2025-01-02", 7.0)])
    p = at.build_paths(tp, tx)
    assert p.total_conversions == 1 and p.unattributed_conversions == 1
    r = at.markov(p)
    assert r.total_conversions == 1
    assert any("no touch" in n for n in r.notes)
    assert "1 conversions without touches" in repr(p)


def test_single_channel_gets_everything():
    p = at.read_paths(table(["tv", "tv > tv"], [3, 1], nulls=[5, 0], value=[30.0, 10.0]))
    for r in (at.markov(p), at.shapley(p), at.linear(p), at.markov(p, order=2)):
        assert r.conversions.to_dict() == {"tv": 4.0}
        assert r.value.to_dict() == {"tv": 40.0}
    m = at.markov(p)
    assert m.details["removal_effect"]["tv"] == 1.0
    assert any("Single channel" in n for n in m.notes)


def test_zero_conversions_documented_result():
    p = at.read_paths(table(["a > b", "b"], [0, 0], nulls=[3, 2]))
    for name in at.MODELS:
        if name == "time_decay":
            continue
        r = at.attribute(p, name)
        assert r.conversions.sum() == 0 and r.value.sum() == 0
        assert any("No conversions" in n for n in r.notes)
    assert at.markov(p).details["p_conversion"] == 0.0


def test_bad_touchpoints_and_options():
    tp, tx = tx_tp([(1, "2025-01-01", "tv"), (2, None, "kol")], [(1, "2025-01-02", 5.0)])
    with pytest.raises(DataError, match=r"touchpoints\.timestamp: 1 of 2 rows have no timestamp"):
        at.build_paths(tp, tx)
    tp, tx = tx_tp([(1, "2025-01-01", "tv")], [(1, "2025-01-02", 5.0)])
    with pytest.raises(DataError, match=r"touchpoints: missing required column\(s\).*channel"):
        at.build_paths(tp.drop(columns="channel"), tx)
    tp.loc[0, "channel"] = " "
    with pytest.raises(DataError, match=r"touchpoints\.channel: 1 of 1 rows are empty"):
        at.build_paths(tp, tx)
    with pytest.raises(DataError, match="time_decay: these paths carry no touch timestamps"):
        at.time_decay(at.read_paths(MARKOV_EX))
    with pytest.raises(ModelError, match="model: 'magic' is not one of"):
        at.attribute(at.read_paths(MARKOV_EX), "magic")
    with pytest.raises(ModelError, match="order: must be a whole number >= 1, got 0"):
        at.markov(at.read_paths(MARKOV_EX), order=0)
    with pytest.raises(DataError, match="expected omnimkt.attribution.Paths"):
        at.linear(MARKOV_EX)


# --------------------------------------------------------------------------- results, comparison
def test_result_shape_and_display():
    p = at.read_paths(MARKOV_EX)
    cmp = at.compare_models(p)
    assert "time_decay" not in cmp.results  # no timestamps in a read table
    assert cmp.summary.sum().to_numpy() == pytest.approx(np.ones(len(cmp.results)))
    r = cmp.results["markov"]
    assert list(r.summary.columns)[:4] == ["conversions", "conversion_share", "value", "value_share"]
    assert "removal_effect" in r.summary.columns
    for obj in (r, cmp, p):
        assert "google ads" in obj._repr_html_() and "google ads" in obj.to_markdown()
        assert "google ads" in repr(obj)
    rho = cmp.rank_correlation(pd.Series({"google ads": 2.0, "mailing": 1.0}))
    assert rho["markov"] == pytest.approx(1.0)


def test_plots_return_axes():
    import matplotlib.pyplot as plt

    from omnimkt.plotting import attribution as pa

    p = at.read_paths(MARKOV_EX)
    cmp = at.compare_models(p)
    costs = pd.Series({"google ads": 10.0, "mailing": 5.0})
    roi = at.channel_roi(cmp, costs)
    for ax in (pa.plot_attribution(cmp.results["markov"]), pa.plot_model_comparison(cmp),
               pa.plot_removal_effects(cmp.results["markov"]),
               pa.plot_lorenz(at.concentration({"a": 7, "b": 2})),
               pa.plot_channel_roi(roi),
               pa.plot_budget_shift(at.budget_reallocation(cmp.results["markov"], costs)),
               pa.plot_rank_agreement(cmp.conversions, pd.Series({"google ads": 1, "mailing": 0}))):
        assert ax.get_xlabel() or ax.get_ylabel()
    plt.close("all")


# --------------------------------------------------------------------------- economics
def test_case_e_ten_accounts_concentration():
    # Shared case E: 10 accounts, 9,000 clicks, one account brought 7,000.
    clicks = {"kol_01": 7000.0, **{f"kol_{i:02d}": 2000.0 / 9 for i in range(2, 11)}}
    c = at.concentration(clicks)
    assert c.top_account == "kol_01"
    assert c.top_share == pytest.approx(7 / 9)
    assert round(c.top_share, 3) == 0.778
    assert c.total == pytest.approx(9000)
    # Gini = mean absolute difference / (2 * mean): 18 ordered pairs differ by 6777.8.
    assert c.gini == pytest.approx(18 * (7000 - 2000 / 9) / (2 * 100 * 900))
    assert c.lorenz["value_share"].iloc[-1] == pytest.approx(1.0)
    assert c.lorenz["value_share"].iloc[-2] == pytest.approx(2 / 9)
    assert c.hhi == pytest.approx((7 / 9) ** 2 + 9 * (2 / 81) ** 2)
    equal = at.concentration({str(i): 1.0 for i in range(10)})
    assert equal.gini == pytest.approx(0.0) and equal.top_share == pytest.approx(0.1)
    with pytest.raises(DataError, match="1 accounts have negative"):
        at.concentration({"a": 1.0, "b": -1.0})


def test_pricing_models_and_roi():
    tp = pd.DataFrame({
        "customer_id": range(7), "timestamp": pd.Timestamp("2025-01-01"),
        "channel": ["tv"] * 3 + ["search"] * 2 + ["kol", "mall"],
        "event": ["impression"] * 3 + ["click", "click", "click", "visit"],
        "cost": [0.1, 0.1, 0.1, 2.0, 2.0, 1.0, 0.0]})
    p = at.read_paths(table(["tv > search", "kol", "mall"], [2, 1, 1],
                            value=[200.0, 50.0, 300.0]))
    billing = at.last_touch(p)
    costs = at.channel_costs(tp, {"tv": ("CPM", 40.0), "search": at.Pricing("CPC", 3.0),
                                  "kol": ("CPA", 25.0), "mall": ("CPS", 0.05)}, billing=billing)
    assert costs["cost"].to_dict() == pytest.approx(
        {"kol": 25.0, "mall": 15.0, "search": 6.0, "tv": 0.12})
    assert costs.loc["search", "recorded_cost"] == 4.0
    assert costs["cost_model"].to_dict() == {"kol": "CPA", "mall": "CPS", "search": "CPC", "tv": "CPM"}
    recorded = at.channel_costs(tp)
    assert recorded["cost"].sum() == pytest.approx(5.3)
    roi = at.channel_roi(at.compare_models(p, ["last_touch", "linear"]), costs)
    lt = roi[roi["model"] == "last_touch"].set_index("channel")
    assert lt.loc["search", "roi"] == pytest.approx((200 - 6) / 6)
    assert lt.loc["search", "cpa"] == pytest.approx(3.0)
    assert np.isnan(lt.loc["tv", "cpa"])  # no conversions credited under last touch
    li = roi[roi["model"] == "linear"].set_index("channel")
    assert li.loc["tv", "value"] == pytest.approx(100.0)
    shift = at.budget_reallocation(at.linear(p), costs)
    assert shift["suggested_spend"].sum() == pytest.approx(costs["cost"].sum())
    assert shift.loc["mall", "value_share"] == pytest.approx(300 / 550)
    half = at.budget_reallocation(at.linear(p), costs, step=0.5)
    assert half["change"].to_numpy() == pytest.approx(0.5 * shift["change"].to_numpy())
    assert half["suggested_spend"].sum() == pytest.approx(costs["cost"].sum())
    with pytest.raises(ModelError, match="billing: CPA pricing of 'kol' needs billing"):
        at.channel_costs(tp, {"kol": ("CPA", 25.0)})
    with pytest.raises(ModelError, match="Pricing.model: 'CPX' is not one of"):
        at.Pricing("CPX", 1.0)



# --------------------------------------------------------------------------- checks vs truth
def test_rank_agreement_hand_example():
    credit = pd.DataFrame({"first": [3.0, 2.0, 1.0], "last": [1.0, 3.0, 2.0],
                           "flat": [1.0, 1.0, 1.0]}, index=["a", "b", "c"])
    lift = pd.Series({"a": 30.0, "b": 20.0, "c": 10.0, "not_in_credit": 99.0}, name="lift")
    rho = at.rank_agreement(credit, lift)
    assert list(rho.columns) == ["lift"] and list(rho.index) == ["first", "last", "flat"]
    # last: ranks (1, 3, 2) vs (3, 2, 1) -> centred (-1, 1, 0).(1, 0, -1) / 2 = -0.5
    assert rho["lift"].iloc[:2].tolist() == pytest.approx([1.0, -0.5])
    assert np.isnan(rho.loc["flat", "lift"])  # a constant ranking says nothing
    two = at.rank_agreement(credit, {"lift": lift, "reversed": -lift})
    assert two["reversed"].iloc[:2].tolist() == pytest.approx([-1.0, 0.5])
    unnamed = at.rank_agreement(at.last_touch(at.read_paths(table(["a", "b > c"], [2, 1]))),
                                lift.rename(None))
    # last touch credits a=2, b=0, c=1 -> ranks (3, 1, 2) vs (3, 2, 1): (1,-1,0).(1,0,-1)/2
    assert unnamed.to_dict() == {"spearman": {"last_touch": pytest.approx(0.5)}}


def test_truth_agreement_hand_example():
    p = at.read_paths(table(["a > b", "a > c", "b", "c > c"], [1, 1, 1, 1]))
    truth = pd.DataFrame({"true_effect": [0.3, 0.2, 0.1],
                          "incremental_conversions": [2.0, 1.0, 0.5]}, index=["a", "b", "c"])
    got = at.truth_agreement(at.compare_models(p, ["first_touch", "last_touch"]), p, truth)
    assert list(got.columns) == ["per touch vs true_effect", "total vs incremental"]
    # Touches a=2, b=2, c=3. First touch a=2, b=1, c=1 -> per touch (1, .5, .33): rho 1;
    # last touch a=0, b=2, c=2 -> per touch (0, 1, .67): ranks (1, 3, 2) -> rho -0.5.
    assert got["per touch vs true_effect"].tolist() == pytest.approx([1.0, -0.5])
    # Totals with a tie: ranks (3, 1.5, 1.5) and (1, 2.5, 2.5) vs (3, 2, 1): +-sqrt(3)/2.
    assert got["total vs incremental"].tolist() == pytest.approx([3**0.5 / 2, -(3**0.5) / 2])
    only = at.truth_agreement(at.compare_models(p, ["first_touch"]), p,
                              truth[["incremental_conversions"]])
    assert list(only.columns) == ["total vs incremental"]


def test_incremental_cost_and_cpa_table_hand_example():
    inc = at.incremental_cost(pd.DataFrame({"cost": [100.0, 30.0, 0.0]}, index=["tv", "sms", "mall"]),
                              pd.Series({"tv": 4.0, "sms": 0.0, "mall": 2.0}))
    assert inc["tv"] == 25.0 and inc["mall"] == 0.0 and np.isnan(inc["sms"])  # adds nothing
    assert inc.name == "cost per incremental"
    p = at.read_paths(table(["a > b", "a"], [1, 1]))
    cmp = at.compare_models(p, ["first_touch", "last_touch", "linear"])
    costs = pd.Series({"a": 10.0, "b": 4.0})
    cpa = at.cpa_table(cmp, costs, models=["last_touch", "first_touch"],
                       incremental=pd.Series({"a": 2.0, "b": 1.0}))
    assert list(cpa.columns) == ["last_touch", "first_touch", "cost per incremental"]
    assert cpa.loc["a"].tolist() == [10.0, 5.0, 5.0]
    assert cpa.loc["b", "last_touch"] == 4.0 and np.isnan(cpa.loc["b", "first_touch"])
    full = at.cpa_table(cmp, costs)
    assert list(full.columns) == ["first_touch", "last_touch", "linear"]
    assert full.loc["a", "linear"] == pytest.approx(10.0 / 1.5)
    assert list(at.paid_channels(pd.Series({"tv": 5.0, "ref": 0.0, "kol": 1.0}))) == ["tv", "kol"]


def test_cpa_agreement_paid_only_hand_example():
    p = at.read_paths(table(["a", "b", "b", "c", "d"], [1] * 5))
    costs = pd.DataFrame({"cost": [10.0, 10.0, 30.0, 0.0]}, index=["a", "b", "c", "d"])
    inc = pd.Series({"a": 4.0, "b": 1.0, "c": 1.0, "d": 5.0})
    # Last-touch CPA (10, 5, 30, 0) vs cost per incremental (2.5, 10, 30, 0).
    # Paid a, b, c: ranks (2, 1, 3) vs (1, 2, 3) -> 1/2; with free d: 4/5.
    assert at.cpa_agreement(at.last_touch(p), costs, inc).to_dict() == {"last_touch": 0.5}
    assert at.cpa_agreement(at.last_touch(p), costs, inc,
                            paid_only=False)["last_touch"] == pytest.approx(0.8)


def test_bad_agreement_inputs():
    credit = pd.DataFrame({"m": [1.0, 2.0]}, index=["a", "b"])
    with pytest.raises(DataError, match="shares no channel with the credit table"):
        at.rank_agreement(credit, pd.Series({"x": 1.0, "y": 2.0}))
    with pytest.raises(ModelError, match="^credit: must be a ModelComparison"):
        at.rank_agreement([1.0, 2.0], pd.Series({"a": 1.0}))
    with pytest.raises(ModelError, match="^truth: must be a Series"):
        at.rank_agreement(credit, [1.0, 2.0])
    p = at.read_paths(table(["a > b"], [1]))
    with pytest.raises(DataError, match="neither 'true_effect' nor 'incremental_conversions'"):
        at.truth_agreement(at.compare_models(p, ["linear"]), p, pd.DataFrame({"lift": [1.0]}))
    with pytest.raises(ModelError, match=r"models: \['markov'\] are not in the results"):
        at.cpa_table(at.linear(p), pd.Series({"a": 1.0}), models=["markov"])

# --------------------------------------------------------------------------- synthetic world
@pytest.fixture(scope="module")
def world():
    datasets = pytest.importorskip("omnimkt.datasets")
    return datasets.generate(n_customers=20_000, seed=1)


def test_synthetic_world_ranking_beats_last_touch(world, capsys):
    p = at.build_paths(world.touchpoints, world.transactions, window_days=30)
    truth = world.truth.channels
    cmp = at.compare_models(p, ["last_touch", "linear", "markov", "shapley"])
    # Per-touch efficiency against the per-touch true effect.
    per_touch = at.credit_per_touch(cmp, p)
    rho_eff = per_touch.apply(lambda c: spearman(c, truth["true_effect"]))
    # Total credit against the generator's counterfactual incremental conversions.
    rho_inc = cmp.rank_correlation(truth["incremental_conversions"])
    both = at.truth_agreement(cmp, p, truth)
    assert both["per touch vs true_effect"].to_numpy() == pytest.approx(rho_eff.to_numpy())
    assert both["total vs incremental"].to_numpy() == pytest.approx(rho_inc.to_numpy())
    # Shapley values (rate worth) are per-journey conversion-rate contributions.
    rho_shap = cmp.results["shapley"].details["shapley_value"].corr(
        truth["true_effect"], method="spearman")
    with capsys.disabled():
        print("\nSpearman vs true_effect (credit per touch):", rho_eff.round(3).to_dict())
        print("Spearman vs incremental_conversions (credit):", rho_inc.round(3).to_dict())
        print(f"Spearman Shapley value vs true_effect: {rho_shap:.3f}")
    assert rho_eff["markov"] > rho_eff["last_touch"] + 0.2
    assert rho_eff["shapley"] > rho_eff["last_touch"]
    assert rho_inc["shapley"] > rho_inc["last_touch"] + 0.3
    assert rho_shap > 0.9
    # Known limitation, asserted so a change is noticed: Markov's total credit follows
    # touch volume (tv, social_kol) and ranks totals no better than last touch here.
    assert rho_inc["markov"] < rho_inc["shapley"]


def test_synthetic_world_case_e_accounts(world):
    c = at.account_concentration(world.touchpoints, channel="social_kol", event="click")
    # which account leads comes from the social mechanism (omnimkt.datasets.social)
    assert c.top_account.startswith("kol_")
    assert len(c.values) == 10
    assert c.top_share > 0.4


# --------------------------------------------------------------------------- report, widget
def test_report_section_analyses_and_skips_politely(world):
    import warnings

    from omnimkt.data import Dataset
    from omnimkt.report_sections import attribution as section
    from omnimkt.report_sections.config import resolve_config

    cfg = resolve_config({})
    small = Dataset(transactions=world.transactions[world.transactions["customer_id"] < 800],
                    touchpoints=world.touchpoints[world.touchpoints["customer_id"] < 1200])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        an = section.analyse(small, cfg)
    assert an["cmp"].summary.sum().to_numpy() == pytest.approx(np.ones(5))
    assert section.analyse(Dataset(transactions=world.transactions), cfg)["skip"] == ("no_touch",)


def test_widget_builds():
    import contextlib
    import io

    from omnimkt.widgets.attribution import attribution_explorer

    p = at.read_paths(MARKOV_EX)
    with contextlib.redirect_stdout(io.StringIO()):
        box = attribution_explorer(p, pd.Series({"google ads": 10.0, "mailing": 5.0}))
        picker = box.children[0].children[0]
        picker.value = "shapley"  # redraws without error
    assert "time_decay" not in picker.options


def test_tables_always_go_through_validation():
    # build_paths has no unchecked fast path any more: the validate_* messages apply.
    tp, tx = tx_tp([(1, "2025-01-01", "tv"), (2, "2025-01-01", " ")], [(1, "2025-01-02", 5.0)])
    with pytest.raises(DataError, match=r"touchpoints\.channel"):
        at.build_paths(tp, tx)
    tp.loc[1, "channel"] = "kol"
    tx["amount"] = tx["amount"].astype(object)
    tx.loc[0, "amount"] = "abc"
    with pytest.raises(DataError, match=r"transactions\.amount"):
        at.build_paths(tp, tx)


path_rows = st.lists(
    st.tuples(st.lists(st.sampled_from(["tv", "kol", "search", "sms"]), min_size=1, max_size=6),
              st.integers(0, 30), st.integers(0, 30), st.floats(1.0, 300.0)),
    min_size=1, max_size=20,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path_rows)
def test_every_model_sums_to_totals_on_path_tables(rows):
    t = table([" > ".join(r[0]) for r in rows], [r[1] for r in rows],
              nulls=[r[2] for r in rows], value=[r[1] * r[3] for r in rows])
    p = at.read_paths(t)
    runs = [at.attribute(p, m) for m in at.MODELS if m != "time_decay"]
    runs += [at.markov(p, order=2, credit="journey"), at.markov(p, order=4),
             at.shapley(p, value_function="conversions")]
    for r in runs:
        assert r.conversions.sum() == pytest.approx(p.total_conversions, abs=1e-6), r.model
        assert r.value.sum() == pytest.approx(p.total_value, abs=1e-6), r.model
        if r.model != "shapley":
            assert (r.conversions >= -1e-9).all(), r.model


def test_value_without_conversions_is_an_error():
    with pytest.raises(DataError, match=r"total_conversion_value: 1 rows have conversion value "
                                        r"but no conversions"):
        at.read_paths(table(["a", "b"], [1, 0], nulls=[0, 3], value=[5.0, 2.0]))


# --------------------------------------------------------------------------- issue 9: one contract
def test_results_share_the_one_result_base():
    from omnimkt._result import Result

    p = at.read_paths(MARKOV_EX)
    cmp = at.compare_models(p, ["last_touch", "markov"])
    conc = at.concentration({"a": 3.0, "b": 1.0})
    for obj in (cmp.results["markov"], cmp, p, conc):
        assert isinstance(obj, Result)
        assert isinstance(obj.summary, pd.DataFrame)
        assert obj.title in repr(obj) and obj.title in obj.to_markdown()
        assert "<table" in obj._repr_html_()
    r = cmp.results["markov"]
    assert "order=1" in repr(r)  # the settings line
    assert "Attributed 4 conversions worth 40 in total." in r.to_markdown()
    # Hand check: shares 3:1 -> Gini (2 * (1*1 + 2*3) / (2 * 4)) - 3/2 = 0.25.
    assert "Gini 0.250" in repr(conc)


def _int_and_text_tables(n=300):
    """n customers, each one touch and one purchase a day later (all should convert)."""
    ids = np.arange(n)
    tp = pd.DataFrame({"customer_id": ids, "timestamp": pd.Timestamp("2025-01-01"),
                       "channel": np.where(ids % 2, "tv", "search")})
    tx = pd.DataFrame({"customer_id": ids, "timestamp": pd.Timestamp("2025-01-02"),
                       "amount": 10.0})
    return tp, tx


def test_build_paths_matches_text_ids_with_integer_ids():
    tp, tx = _int_and_text_tables()
    # Before: 0 of 300 conversions matched, silently. Now the ids are matched as text.
    mixed = at.build_paths(tp.assign(customer_id=tp["customer_id"].astype(str)), tx)
    assert mixed.total_conversions == 300 and mixed.total_nulls == 0
    assert mixed.unattributed_conversions == 0
    other_way = at.build_paths(tp, tx.assign(customer_id=tx["customer_id"].astype(str)))
    assert other_way.total_conversions == 300
    assert at.last_touch(mixed).conversions.to_dict() == {"search": 150.0, "tv": 150.0}
    # Ids that cannot match at all are a DataError naming both tables.
    with pytest.raises(DataError, match=r"transactions\.customer_id: none of its 300 ids occurs "
                                        r"in touchpoints\.customer_id"):
        at.build_paths(tp.assign(customer_id="c" + tp["customer_id"].astype(str)), tx)


def test_build_paths_rejects_epoch_second_timestamps_like_validate():
    tp, tx = _int_and_text_tables(5)
    secs = (tp["timestamp"] - pd.Timestamp("1970-01-01")) // pd.Timedelta(seconds=1)
    with pytest.raises(DataError, match=r"touchpoints\.timestamp: holds numbers.*unit='s'"):
        at.build_paths(tp.assign(timestamp=secs), tx)
    with pytest.raises(DataError, match=r"transactions\.timestamp: holds numbers"):
        at.build_paths(tp, tx.assign(timestamp=secs + 86400))


def test_columns_as_plain_dict_everywhere():
    tp = pd.DataFrame({"member": [1, 2, 3], "when": pd.Timestamp("2025-01-01"),
                       "source": ["tv", "tv", "search"], "kol": ["a", "a", "b"],
                       "ev": ["click"] * 3})
    tx = pd.DataFrame({"member": [1], "when": pd.Timestamp("2025-01-02"), "paid": [5.0]})
    cols = {"customer_id": "member", "timestamp": "when", "channel": "source",
            "amount": "paid", "account": "kol", "event": "ev"}
    # Before: channel_costs(columns=<dict>) raised a bare AttributeError.
    costs = at.channel_costs(tp, {"tv": ("CPC", 2.0)}, columns=cols)
    assert costs["cost"].to_dict() == {"search": 0.0, "tv": 4.0}  # 2 clicks x 2.0
    assert at.build_paths(tp, tx, columns=cols).table["total_conversions"].sum() == 1
    conc = at.account_concentration(tp, channel="tv", columns=cols)
    assert conc.top_account == "a" and conc.total == 2.0
    for call in (lambda: at.channel_costs(tp, columns={"member": "customer_id"}),
                 lambda: at.build_paths(tp, tx, columns={"member": "customer_id"}),
                 lambda: at.account_concentration(tp, columns={"member": "customer_id"})):
        with pytest.raises(ModelError, match="columns: unknown canonical name"):
            call()


def _random_paths(n, k, seed=0):
    rng = np.random.default_rng(seed)
    lens = rng.integers(1, 11, n)
    offsets = np.r_[0, np.cumsum(lens)].astype(np.int64)
    conv = (rng.random(n) < 0.2).astype(float)
    return at.Paths(channels=[f"c{i:02d}" for i in range(k)],
                    codes=rng.integers(0, k, offsets[-1]).astype(np.int32), offsets=offsets,
                    conversions=conv, value=10 * conv, nulls=1 - conv)


def test_markov_too_many_states_fails_fast_with_alternatives():
    import time

    p = _random_paths(200_000, 20)
    t0 = time.perf_counter()
    # Before: 247 s of work. 20 + 20^2 + 20^3 = 8,420 possible states, all observed.
    with pytest.raises(ModelError, match=r"order: 20 channels at order 3 give 8,420 observed "
                                         r"states.*about \d[\d,]* s.*Lower the order.*group"):
        at.markov(p, order=3)
    assert time.perf_counter() - t0 < 1.0
    # The same paths at order 2 (420 states) run.
    assert at.markov(p, order=2).details["n_states"] == 420


def test_shapley_exact_table_too_large_fails_fast():
    import time

    p = _random_paths(2_000, 40)
    t0 = time.perf_counter()
    # Before: 2^40 coalitions (8 TiB) were allocated before failing.
    with pytest.raises(ModelError, match=r"max_exact: exact enumeration over 40 channels needs "
                                         r"2\^40 = 1,099,511,627,776 coalitions.*GiB.*max_exact "
                                         r"below 40.*closed form"):
        at.shapley(p, max_exact=40)
    with pytest.raises(ModelError, match="Monte Carlo permutations"):
        at.shapley(p, max_exact=40, value_function="pooled_rate")
    assert time.perf_counter() - t0 < 1.0
    # The default (exact closed form beyond 15 channels) runs and sums to the total.
    assert at.shapley(p).conversions.sum() == pytest.approx(p.total_conversions)


def test_no_circular_import_in_attribution():
    import ast
    import pathlib

    # The cycle was compare -> `from omnimkt.attribution import heuristics` -> the package
    # __init__ -> agreement -> compare. No submodule may import the package itself.
    folder = pathlib.Path(at.__file__).parent
    for f in folder.glob("*.py"):
        if f.name == "__init__.py":
            continue
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "omnimkt.attribution", f.name
    import subprocess
    import sys

    for mod in ("compare", "agreement", "economics", "result"):
        code = f"import omnimkt.attribution.{mod}"
        subprocess.run([sys.executable, "-c", code], check=True)


BAD_PARAMS = [
    # (call, parameter named in the message)
    (lambda p: at.markov(p, order=2.5), "order"),
    (lambda p: at.markov(p, order=True), "order"),
    (lambda p: at.markov(p, order=float("nan")), "order"),
    (lambda p: at.markov(p, repeats="drop"), "repeats"),
    (lambda p: at.markov(p, nulls="skip"), "nulls"),
    (lambda p: at.markov(p, credit="local"), "credit"),
    (lambda p: at.shapley(p, n_permutations=0), "n_permutations"),
    (lambda p: at.shapley(p, n_permutations=True), "n_permutations"),
    (lambda p: at.shapley(p, n_permutations=2.5), "n_permutations"),
    (lambda p: at.shapley(p, max_exact=-1), "max_exact"),
    (lambda p: at.shapley(p, max_exact=float("nan")), "max_exact"),
    (lambda p: at.shapley(p, seed=-1), "seed"),
    (lambda p: at.shapley(p, seed=1.5), "seed"),
    (lambda p: at.shapley(p, seed=True), "seed"),
    (lambda p: at.shapley(p, seed=None), "seed"),
    (lambda p: at.shapley(p, progress="yes"), "progress"),
    (lambda p: at.shapley(p, value_function="mean"), "value_function"),
    (lambda p: at.position_based(p, first=-0.1), "first"),
    (lambda p: at.position_based(p, first=float("nan")), "first"),
    (lambda p: at.position_based(p, last=True), "last"),
    (lambda p: at.position_based(p, first=0.6, last=0.6), "first, last"),
    (lambda p: at.last_non_direct(p, direct=[1]), "direct"),
    (lambda p: at.compare_models(p, ["linear", "magic"]), "models"),
    (lambda p: at.compare_models(p, options={"markvo": {"order": 2}}), "options"),
    (lambda p: at.attribute(p, "magic"), "model"),
    (lambda p: at.truth_agreement(at.compare_models(p), p, [0.1, 0.2]), "truth"),
    (lambda p: at.truth_agreement(at.linear(p), p, pd.DataFrame()), "comparison"),
    (lambda p: at.credit_per_touch(p, p), "results"),
    (lambda p: at.read_paths(MARKOV_EX, sep=""), "sep"),
    (lambda p: at.read_paths(MARKOV_EX, channels="google ads"), "channels"),
]


@pytest.mark.parametrize("call, name", BAD_PARAMS)
def test_bad_model_parameters_name_the_parameter(call, name):
    with pytest.raises(ModelError, match=rf"^{name}: "):
        call(at.read_paths(MARKOV_EX))


def test_bad_time_decay_half_life():
    tp, tx = tx_tp([(1, "2025-01-01", "tv")], [(1, "2025-01-02", 5.0)])
    p = at.build_paths(tp, tx)
    for bad in (0, -1.0, float("nan"), float("inf"), True):
        with pytest.raises(ModelError, match="^half_life_days: "):
            at.time_decay(p, half_life_days=bad)


@pytest.mark.parametrize("kwargs, name", [
    ({"window_days": 0}, "window_days"), ({"window_days": -3}, "window_days"),
    ({"window_days": float("nan")}, "window_days"), ({"window_days": float("inf")}, "window_days"),
    ({"window_days": True}, "window_days"), ({"window_days": "30D"}, "window_days"),
    ({"conversion": "last_purchase"}, "conversion"), ({"no_touch": "keep"}, "no_touch"),
    ({"include_nulls": "yes"}, "include_nulls"), ({"direct_label": ""}, "direct_label"),
])
def test_bad_build_paths_parameters(kwargs, name):
    tp, tx = tx_tp([(1, "2025-01-01", "tv")], [(1, "2025-01-02", 5.0)])
    with pytest.raises(ModelError, match=rf"^{name}: "):
        at.build_paths(tp, tx, **kwargs)


def test_window_days_fraction_of_a_day():
    tp, tx = tx_tp([(1, "2025-01-01 00:00", "tv"), (1, "2025-01-01 18:00", "search")],
                   [(1, "2025-01-02 00:00", 5.0)])
    # 0.5 days = 12 h before the purchase: only the 18:00 touch (6 h before) counts.
    assert at.build_paths(tp, tx, window_days=0.5).table["path"].tolist() == ["search"]
    assert at.build_paths(tp, tx, window_days=1).table["path"].tolist() == ["tv > search"]


def test_last_non_direct_takes_one_name_as_one_channel():
    p = at.read_paths(table(["a > d"], [1]))
    # Before: direct="direct" became the letters d, i, r, e, c, t, so channel 'd' was direct.
    assert at.last_non_direct(p, direct="direct").conversions.to_dict() == {"a": 0.0, "d": 1.0}
    assert at.last_non_direct(p, direct="d").conversions.to_dict() == {"a": 1.0, "d": 0.0}


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -5.0, True])
def test_bad_cost_values_are_rejected(bad):
    p = at.read_paths(table(["a", "b"], [1, 1], value=[10.0, 5.0]))
    costs = pd.Series({"a": 10.0, "b": bad})
    for call in (lambda: at.channel_roi(at.linear(p), costs),
                 lambda: at.budget_reallocation(at.linear(p), costs),
                 lambda: at.paid_channels(costs),
                 lambda: at.incremental_cost(costs, pd.Series({"a": 1.0, "b": 1.0})),
                 lambda: at.cpa_table(at.linear(p), costs)):
        with pytest.raises(ModelError, match=r"^costs: "):
            call()
    with pytest.raises(ModelError, match=r"^Pricing\.rate: "):
        at.Pricing("CPC", bad)


def test_bad_economics_parameters():
    p = at.read_paths(table(["a", "b"], [1, 1], value=[10.0, 5.0]))
    costs = pd.Series({"a": 10.0, "b": 10.0})
    lin = at.linear(p)
    for kwargs, name in (({"step": 0}, "step"), ({"step": 1.5}, "step"),
                         ({"step": float("nan")}, "step"), ({"budget": -1.0}, "budget"),
                         ({"budget": float("inf")}, "budget"), ({"budget": True}, "budget"),
                         ({"paid_only": "no"}, "paid_only")):
        with pytest.raises(ModelError, match=rf"^{name}: "):
            at.budget_reallocation(lin, costs, **kwargs)
    with pytest.raises(ModelError, match="^paid_only: "):
        at.cpa_agreement(lin, costs, pd.Series({"a": 1.0, "b": 2.0}), paid_only=1)
    with pytest.raises(ModelError, match="^incremental: "):
        at.incremental_cost(costs, pd.Series({"a": True, "b": False}))
    with pytest.raises(ModelError, match="^results: "):
        at.channel_roi("markov", costs)
    tp = pd.DataFrame({"customer_id": [1], "timestamp": pd.Timestamp("2025-01-01"),
                       "channel": ["tv"]})
    with pytest.raises(ModelError, match="^pricing: "):
        at.channel_costs(tp, [("tv", "CPC", 1.0)])
    with pytest.raises(ModelError, match="^pricing: the entry for 'tv'"):
        at.channel_costs(tp, {"tv": 1.0})
    with pytest.raises(ModelError, match="^pricing: names channel 'radio'"):
        at.channel_costs(tp, {"radio": ("CPC", 1.0)})
    with pytest.raises(DataError, match="concentration: 1 accounts have negative, missing or infinite"):
        at.concentration({"a": 1.0, "b": float("inf")})
    with pytest.raises(DataError, match="concentration: values must be numbers"):
        at.concentration(pd.Series({"a": True, "b": False}))


def test_plots_draw_only_on_the_given_axes():
    import matplotlib.pyplot as plt

    from omnimkt.plotting import attribution as pa

    p = at.read_paths(MARKOV_EX)
    cmp = at.compare_models(p)
    costs = pd.Series({"google ads": 10.0, "mailing": 5.0})
    calls = [lambda ax: pa.plot_attribution(cmp.results["markov"], ax=ax),
             lambda ax: pa.plot_model_comparison(cmp, ax=ax),
             lambda ax: pa.plot_removal_effects(cmp.results["markov"], ax=ax),
             lambda ax: pa.plot_lorenz(at.concentration({"a": 7, "b": 2}), ax=ax),
             lambda ax: pa.plot_channel_roi(at.channel_roi(cmp, costs), ax=ax),
             lambda ax: pa.plot_budget_shift(at.budget_reallocation(cmp.results["markov"], costs),
                                             ax=ax),
             lambda ax: pa.plot_rank_agreement(cmp.conversions,
                                               pd.Series({"google ads": 1, "mailing": 0}), ax=ax)]
    for draw in calls:
        fig, (mine, other) = plt.subplots(1, 2)
        n_figs = len(plt.get_fignums())
        assert draw(mine) is mine
        assert len(plt.get_fignums()) == n_figs
        assert not other.has_data() and mine.has_data()
        plt.close(fig)


def test_widget_checks_its_model_names():
    from omnimkt.widgets.attribution import attribution_explorer

    # Before: an unknown model silently fell back to the first model of the list.
    with pytest.raises(ModelError, match="^model: 'magic' is not one of"):
        attribution_explorer(at.read_paths(MARKOV_EX), model="magic")
    with pytest.raises(ModelError, match="^compare_with: "):
        attribution_explorer(at.read_paths(MARKOV_EX), compare_with="lastttouch")
