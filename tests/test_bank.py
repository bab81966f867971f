"""Bank case (I): tiers, e-channel KPIs on a hand-made table, the synthetic branch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from omnimkt import bank as B
from omnimkt.datasets.bank import CASE_I_COUNTS, generate_bank
from omnimkt.errors import DataError, ModelError
from omnimkt.experiments import UpliftModel, qini_curve


def _tables():
    customers = pd.DataFrame({
        "customer_id": [1, 2, 3, 4, 5],
        "tier": ["vip", "vip", "high_end", "corporate", "vip"],
        "age": [35, 62, 50, np.nan, 28], "balance": [2e5, 5e5, 4e6, 3e6, 1e5],
        "ebank_since": ["2023-05-01", "2024-03-01", "2025-01-10", "2025-06-01", None]})
    events = pd.DataFrame({
        "customer_id": [1, 2, 1, 3, 4, 2, 1, 5],
        "timestamp": ["2024-05-20", "2024-06-10", "2025-05-02", "2025-06-15", "2025-06-20",
                      "2024-01-15", "2024-08-01", "2025-03-01"],
        "channel": ["ebank", "branch", "ebank", "ebank", "ebank", "branch", "ebank",
                    "branch"],
        "event": ["login", "wealth_purchase", "wealth_purchase", "login", "login",
                  "wealth_purchase", "wealth_purchase", "wealth_purchase"],
        "amount": [0.0, 10000.0, 30000.0, 0.0, 0.0, 5000.0, 20000.0, 10000.0]})
    return customers, events


def test_echannel_kpis_by_hand():
    c, e = _tables()
    s = B.echannel_kpis(c, e, cutoff="2025-06-30", window_days=90).summary
    # year before = 2024-06-30: enrolled 1 (2023-05), 2 (2024-03) -> 2; now: 1, 2, 3, 4 -> 4
    assert s.loc["ebank_customers", "year_before"] == 2
    assert s.loc["ebank_customers", "now"] == 4
    assert s.loc["ebank_customers", "change"] == pytest.approx(4 / 2 - 1)
    # activity, 90 days to 2024-06-30 (from 2024-04-02): 1 logged in 05-20 -> 1 of 2
    # 90 days to 2025-06-30: 1 (05-02), 3 (06-15), 4 (06-20) -> 3 of 4
    assert s.loc["activity_rate", "year_before"] == pytest.approx(1 / 2)
    assert s.loc["activity_rate", "now"] == pytest.approx(3 / 4)
    assert s.loc["activity_rate", "change"] == pytest.approx(0.25)
    # wealth sales, 365 days to 2024-06-30: 10,000 branch + 5,000 branch -> online 0
    # to 2025-06-30: 30,000 online + 20,000 online (2024-08-01) + 10,000 branch -> 50/60
    assert s.loc["online_wealth_share", "year_before"] == pytest.approx(0.0)
    assert s.loc["online_wealth_share", "now"] == pytest.approx(50 / 60)


def test_tier_mix_and_features_by_hand():
    c, e = _tables()
    m = B.tier_mix(c).summary
    assert m["customers"].tolist() == [3, 1, 1]
    scale = 5 / 710_000
    assert m.loc["vip", "case_scaled"] == pytest.approx(600_000 * scale)
    assert m.loc["high_end", "ratio"] == pytest.approx(1 / (10_000 * scale))
    f = B.customer_features(c, e, cutoff="2025-06-30")
    assert f.loc[1, "wealth_12m"] == 2 and f.loc[1, "online_wealth_12m"] == 2
    assert f["ebank"].tolist() == [1, 1, 1, 1, 0]
    assert f["ebank_active"].tolist() == [1, 0, 1, 1, 0]
    assert f.loc[3, "log_balance"] == pytest.approx(np.log10(4e6))


def test_bad_input():
    c, e = _tables()
    with pytest.raises(DataError, match=r"customers\.tier: 1 rows have an unknown tier "
                                        r"\(e\.g\. 'gold'\)"):
        B.tier_mix(c.assign(tier=["vip", "gold", "vip", "vip", "vip"]))
    with pytest.raises(DataError, match=r"customers\.tier: 1 rows have an unknown tier"):
        B.customer_features(c.assign(tier=["vip", "gold", "vip", "vip", "vip"]), e,
                            cutoff="2025-06-30")
    with pytest.raises(DataError, match=r"customers\.ebank_since: 1 rows are not dates"):
        B.echannel_kpis(c.assign(ebank_since=["2023-05-01", "later", None, None, None]), e,
                        cutoff="2025-06-30")
    with pytest.raises(DataError, match=r"events: 1 rows .*negative"):
        B.echannel_kpis(c, e.assign(amount=[0.0, -1.0, 0, 0, 0, 0, 0, 0]),
                        cutoff="2025-06-30")
    with pytest.raises(ModelError, match=r"window_days: must be a whole number >= 1"):
        B.echannel_kpis(c, e, cutoff="2025-06-30", window_days=0)
    with pytest.raises(DataError, match=r"events: missing column\(s\) amount"):
        B.echannel_kpis(c, e.drop(columns="amount"), cutoff="2025-06-30")
    with pytest.raises(ModelError, match=r"scale: must be a number > 0 and <= 1"):
        generate_bank(0)


@pytest.fixture(scope="module")
def world():
    return generate_bank(0.004, seed=2, pilot_size=2000)


def test_bank_world_keeps_the_case_ratios(world):
    counts = world.customers["tier"].value_counts()
    for tier, n in CASE_I_COUNTS.items():
        assert counts[tier] == round(n * 0.004)
    again = generate_bank(0.004, seed=2, pilot_size=2000)
    pd.testing.assert_frame_equal(world.events, again.events)
    assert world.pilot["treated"].sum() == len(world.pilot) // 2


def test_digital_trend_drives_kpis(world):
    kpis = B.echannel_kpis(world.customers, world.events, cutoff=world.cutoff).summary
    flat = generate_bank(0.004, seed=2, pilot_size=2000, digital_trend=0.0)
    kpis0 = B.echannel_kpis(flat.customers, flat.events, cutoff=flat.cutoff).summary
    assert kpis.loc["online_wealth_share", "change"] > kpis0.loc["online_wealth_share",
                                                                  "change"] + 0.1


def test_uplift_on_the_pilot_recovers_the_true_effect(world):
    f = B.customer_features(world.customers, world.events, cutoff=world.cutoff)
    p = world.pilot.set_index("customer_id")
    X = f.loc[p.index].drop(columns="tier")
    m = UpliftModel(learner="logistic").fit(X, p["converted"], p["treated"])
    truth = world.truth.customers.set_index("customer_id")["true_effect"].loc[p.index]
    assert np.corrcoef(m.predict(X), truth)[0, 1] > 0.5
    q = qini_curve(truth.to_numpy(), p["converted"], p["treated"])  # oracle ranking
    assert q.qini_coefficient > 0
