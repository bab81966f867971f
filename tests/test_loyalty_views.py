"""Plots, widget and report section of the points ladder (smoke + content checks)."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from omnimkt import ModelError
from omnimkt.data import Dataset
from omnimkt.loyalty import Behaviour, PointsLadder, apply_ladder, compare_ladders, simulate
from omnimkt.loyalty.scenarios import alternative_ladders, sensitivity_grid
from omnimkt.plotting import loyalty as lp

BEH = Behaviour(n_initial=200, max_members=600, weekly_joins=5, rate_mean=0.5, basket_mean=500)


@pytest.fixture(scope="module")
def sim():
    return simulate(behaviour=BEH, weeks=20, n_runs=3, seed=1, progress=False)


@pytest.fixture(scope="module")
def applied():
    tx = pd.DataFrame({"customer_id": [1, 1, 2, 2, 3],
                       "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-05",
                                                    "2025-03-01", "2025-03-02"]),
                       "amount": [5000.0, 6000.0, 3000.0, 500.0, 100.0]})
    cu = pd.DataFrame({"customer_id": [1, 2, 3], "referrer_id": pd.array([None, 1, 1], "Int64")})
    return apply_ladder(tx, cu)


def test_simulation_plots_draw_on_given_axes(sim):
    for fn in (lp.plot_tier_distribution, lp.plot_member_growth, lp.plot_liability,
               lp.plot_net_effect):
        fig, ax = plt.subplots()
        assert fn(sim, ax=ax) is ax
        assert ax.get_xlabel() == "week" and ax.get_ylabel()
        plt.close(fig)


def test_engine_plots(applied):
    fig, axes = plt.subplots(1, 3)
    assert lp.plot_balance_history(applied, 1, ax=axes[0]) is axes[0]
    assert lp.plot_monthly_cost(applied, ax=axes[1]).get_ylabel() == "yuan per month"
    assert lp.plot_tier_counts(applied, ax=axes[2]).get_ylabel() == "members (count)"
    plt.close(fig)


def test_scenario_and_sensitivity_plots():
    res = compare_ladders(alternative_ladders(), BEH, weeks=8, n_runs=2)
    fig, ax = plt.subplots()
    assert len(lp.plot_scenarios(res, ax=ax).patches) == 6
    plt.close(fig)
    g = sensitivity_grid(behaviour=BEH, grid={"discount_3": [0.2, 0.3], "uplift": [0, 0.1]},
                         weeks=5, n_runs=1)
    fig, ax = plt.subplots()
    lp.plot_sensitivity(g, ax=ax)
    plt.close("all")


def test_widget_builds_and_rejects_bad_ladders():
    from omnimkt.widgets.loyalty import ladder_explorer, ladder_from_settings
    box = ladder_explorer(n_members=100, weeks=5, n_runs=1)
    assert "programme cost" in box.children[1].value
    with pytest.raises(ModelError, match="strictly increasing"):
        ladder_from_settings(PointsLadder(), [3000, 2000, 9000], [0.1, 0.15, 0.3],
                             [200, 500, 1000], True, 0.25)
    with pytest.raises(ModelError, match="n_members: must be a whole number >= 1"):
        ladder_explorer(n_members=0)
    plt.close("all")


def test_report_section_applies_the_configured_ladder():
    from omnimkt.report_sections.config import resolve_config
    from omnimkt.report_sections.loyalty import analyse
    tx = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [3000.0, 7000.0, 100.0],
                       "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-02-02"])})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        an = analyse(Dataset(transactions=tx), resolve_config({}))
    # 3,000 -> 1-star; then 7,000 at 10% off = 6,300 points -> 9,300: top tier and reset
    m = an["res"].members
    assert m.loc[1, "level"] == 3 and m.loc[1, "points_reset"] == 9300
    assert m.loc[2, "level"] == 0 and not an["referrals"]


def test_plots_make_their_own_axes_and_draw_only_there(sim, applied):
    ax = lp.plot_liability(sim)
    assert ax.figure.axes == [ax]
    g = sensitivity_grid(behaviour=BEH, grid={"discount_3": [0.2, 0.3], "uplift": [0, 0.1]},
                         weeks=3, n_runs=1)
    fig, ax = plt.subplots()
    assert lp.plot_sensitivity(g, ax=ax) is ax and fig.axes == [ax]
    with pytest.raises(ModelError, match="customer_id: 99 has no events"):
        lp.plot_balance_history(applied, 99)
    with pytest.raises(ModelError, match="grid: expected the table"):
        lp.plot_sensitivity(pd.DataFrame({"a": [1]}))
    plt.close("all")
