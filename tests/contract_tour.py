"""One pass over every family on small data, for tests/test_contracts.py.

It fits every estimator, builds every result class and lists every plot with the
object it draws. A new estimator, result or plot is detected by the contract
tests, which fail until a call producing it is added here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd


@dataclass
class Tour:
    estimators: list[Any] = field(default_factory=list)
    fit_returns: list[Any] = field(default_factory=list)
    results: list[Any] = field(default_factory=list)
    plots: list[tuple[Any, tuple]] = field(default_factory=list)

    def fit(self, est: Any, *args: Any, **kwargs: Any) -> Any:
        self.fit_returns.append(est.fit(*args, **kwargs))
        self.estimators.append(est)
        return est

    def keep(self, *results: Any) -> Any:
        self.results.extend(results)
        return results[-1]

    def plot(self, fn: Any, *args: Any) -> None:
        self.plots.append((fn, args))


@lru_cache(maxsize=1)
def world():
    from omnimkt.datasets import generate

    return generate(1200, seed=3)


def _clv(t: Tour) -> None:
    from omnimkt import clv
    from omnimkt.plotting import clv as P

    w = world()
    tx = w.transactions
    cut = tx["timestamp"].min() + (tx["timestamp"].max() - tx["timestamp"].min()) * 0.6
    ch = clv.calibration_holdout(tx, cut.strftime("%Y-%m-%d"))
    bg = t.fit(clv.BetaGeoModel(), ch)
    t.fit(clv.ModifiedBetaGeoModel(), ch)
    t.fit(clv.ParetoNBDModel(), ch)
    res = t.keep(clv.analyse_clv(tx))
    t.fit(clv.GammaGammaModel(), clv.rfm_summary(tx).query("frequency > 0"))
    summary = clv.rfm_summary(tx)
    t.plot(P.plot_holdout_by_frequency, clv.holdout_by_frequency(bg, ch))
    tracking = clv.cumulative_tracking(bg, tx, cutoff=cut.strftime("%Y-%m-%d"))
    t.plot(P.plot_cumulative_tracking, tracking)
    t.plot(P.plot_incremental_tracking, tracking)
    t.plot(P.plot_period_transactions, clv.period_transactions(bg, summary))
    t.plot(P.plot_probability_alive_matrix, bg.probability_alive_matrix())
    t.plot(P.plot_expected_purchases_matrix, bg.expected_purchases_matrix(10))
    t.plot(P.plot_clv_distribution, res.customers)
    t.plot(P.plot_value_concentration, res.customers)
    t.plot(P.plot_value_tiers, res.tiers)


def _churn(t: Tour) -> None:
    from omnimkt import churn
    from omnimkt.plotting import churn as P

    w = world()
    tx = w.transactions
    cut = (tx["timestamp"].max() - pd.Timedelta(days=120)).strftime("%Y-%m-%d")
    comp = t.keep(churn.churn_backtest(tx, cut, 90, customers=w.customers))
    t.keep(*comp.evaluations.values())
    feats = churn.churn_features(tx, cut)
    labels = churn.churn_labels(tx, cut, 90)
    t.fit(churn.SupervisedChurnModel(), feats.loc[labels.index], labels)
    plan = t.keep(churn.winback_thresholds(comp.scores.iloc[:, 0], cost_per_contact=5,
                                           saved_value=200, success_rate=0.1))
    claim = t.keep(churn.channel_retention(tx, cut, 90))
    for fn in (P.plot_roc, P.plot_pr, P.plot_gains, P.plot_lift, P.plot_calibration):
        t.plot(fn, comp)
    t.plot(P.plot_winback, plan)
    t.plot(P.plot_channel_retention, claim)


def _overview(t: Tour) -> None:
    from omnimkt import overview
    from omnimkt.plotting import overview as P

    w = world()
    t.plot(P.plot_monthly_sales, overview.monthly_sales(w.transactions))
    t.plot(P.plot_basket_sizes, overview.basket_sizes(w.transactions))
    t.plot(P.plot_customers_by_channel, overview.customers_by_channel(w))
    t.plot(P.plot_journey_lengths, overview.journey_lengths(w.touchpoints, w.transactions))


def _segments(t: Tour) -> None:
    from omnimkt import segments as S
    from omnimkt.plotting import segments as P

    w = world()
    t.plot(P.plot_pareto, t.keep(S.pareto_split(w)))
    t.plot(P.plot_rfm_segments, t.keep(S.rfm_scores(w)))
    t.plot(P.plot_tiers, t.keep(S.tiers_1535(w)))
    t.keep(S.split_334(w), S.five_types(w), S.four_classes(w), S.price_sensitivity(w))
    rfmcl = t.keep(S.rfmcl_segments(w, k_range=range(2, 4)))
    t.plot(P.plot_silhouette, rfmcl)
    t.plot(P.plot_cluster_profile, rfmcl)
    t.fit(S.RFMCLSegmenter(k_range=range(2, 4)), S.rfmcl_table(w))
    start = (w.transactions["timestamp"].max() - pd.Timedelta(days=60)).strftime("%Y-%m-%d")
    t.plot(P.plot_window_counts, t.keep(S.window_counts(w.transactions, start)))


def _retention(t: Tour) -> None:
    from omnimkt import retention
    from omnimkt.plotting import retention as P

    w = world()
    model = t.fit(retention.ReplenishmentModel(), w.transactions)
    t.plot(P.plot_depletion_clock, model.depletion())
    t.plot(P.plot_action_counts, model.actions(horizon_days=7))
    end = w.transactions["timestamp"].max() - pd.Timedelta(days=31)
    bt = t.keep(retention.backtest(w.transactions, start=end - pd.Timedelta(days=56), end=end,
                                   model=model, control_share=0.5))
    for fn in (P.plot_action_volumes, P.plot_repurchase, P.plot_depletion_errors, P.plot_uplift):
        t.plot(fn, bt)


def _funnel(t: Tour) -> None:
    from omnimkt import funnel as F
    from omnimkt.plotting import funnel as P

    w = world()
    events = F.event_log(w)
    loop = t.keep(F.funnel(events, ["click", "purchase", "purchase"], breakdown="channel"))
    camp = t.keep(F.campaign_funnel(w, breakdown="channel"))
    t.plot(P.plot_funnel, camp)
    t.plot(P.plot_funnel_breakdown, camp)
    t.plot(P.plot_time_to_convert, loop)
    tx = w.transactions["timestamp"]
    first, last = tx.min(), tx.max()
    mid = first + (last - first) / 2
    t.keep(F.compare_periods(events, ["purchase", "purchase"],
                             {"first half": (first, mid), "second half": (mid, last)}))
    t.plot(P.plot_stage_counts, F.stage_counts(w.stage_events))
    t.plot(P.plot_stage_transitions, F.stage_transitions(w.stage_events, first, last))
    t.plot(P.plot_stage_conversion, t.keep(F.stage_conversion(w.stage_events)))


def _attribution(t: Tour) -> None:
    from omnimkt import attribution as A
    from omnimkt.plotting import attribution as P

    w = world()
    paths = t.keep(A.build_paths(w.touchpoints, w.transactions))
    comp = t.keep(A.compare_models(paths))
    t.keep(*comp.results.values())
    t.plot(P.plot_attribution, comp.results["markov"])
    t.plot(P.plot_model_comparison, comp)
    t.plot(P.plot_removal_effects, comp.results["markov"])
    t.plot(P.plot_lorenz, t.keep(A.account_concentration(w.touchpoints)))
    costs = A.channel_costs(w.touchpoints)
    t.plot(P.plot_channel_roi, A.channel_roi(comp, costs))
    t.plot(P.plot_budget_shift, A.budget_reallocation(comp.results["shapley"], costs))
    t.plot(P.plot_rank_agreement, A.credit_per_touch(comp, paths),
           w.truth.channels["true_effect"])


def _loyalty(t: Tour) -> None:
    from omnimkt import loyalty as L
    from omnimkt.plotting import loyalty as P

    w = world()
    books = t.keep(L.apply_ladder(w.transactions, w.customers, L.PointsLadder.case()))
    heavy = w.transactions.groupby("customer_id")["amount"].sum().idxmax()
    t.plot(P.plot_tier_counts, books)
    t.plot(P.plot_monthly_cost, books)
    t.plot(P.plot_balance_history, books, heavy)
    behaviour = L.Behaviour(n_initial=200, max_members=800)
    sim = t.keep(L.simulate(behaviour=behaviour, weeks=12, n_runs=3))
    for fn in (P.plot_member_growth, P.plot_tier_distribution, P.plot_liability,
               P.plot_net_effect):
        t.plot(fn, sim)
    t.plot(P.plot_band, sim, "members")
    scen = t.keep(L.compare_ladders({"case": L.PointsLadder.case(),
                                     "no reset": L.PointsLadder(reset_at=None)},
                                    behaviour, weeks=12, n_runs=2))
    t.plot(P.plot_scenarios, scen)
    grid = L.sensitivity_grid(behaviour=behaviour, grid={"own_rate": [0.5, 1.0]}, weeks=8,
                              n_runs=2)
    t.plot(P.plot_sensitivity, grid)


def _data(t: Tour) -> None:
    from pathlib import Path

    from omnimkt.data import check_dataset

    t.keep(check_dataset(Path(__file__).resolve().parents[1] / "sample_data"))


def _behaviour(t: Tour) -> None:
    from omnimkt import behaviour as B
    from omnimkt.funnel import event_log
    from omnimkt.plotting import behaviour as P
    from omnimkt.segments import customer_table

    w = world()
    coh = t.keep(B.cohort_retention(w.transactions, customers=w.customers, breakdown="channel"))
    t.plot(P.plot_cohort_triangle, coh)
    t.plot(P.plot_retention_curves, coh)
    paths = t.keep(B.user_paths(event_log(w), anchor_event="purchase", direction="before",
                                steps=3, top_steps=5))
    t.plot(P.plot_path_flow, paths)
    t.plot(P.plot_path_lengths, paths)
    gaps = t.keep(B.event_intervals(w, "signup", ["purchase", "repeat_purchase"], pairs="each"))
    t.plot(P.plot_intervals, gaps)
    t.plot(P.plot_interval_ecdf, gaps)
    t.plot(P.plot_distribution, t.keep(B.event_distribution(w, "repeat_purchase")))
    table = customer_table(w.transactions)
    prof = t.keep(B.segment_profile(table.index[table["orders"] >= 10], w.transactions,
                                    customers=w.customers))
    t.plot(P.plot_profile, prof)


def _experiments(t: Tour) -> None:
    from omnimkt import experiments as X
    from omnimkt.datasets.campaign import CAMPAIGN_FEATURES, campaign_experiment
    from omnimkt.plotting import experiments as P
    from omnimkt.retention import ReplenishmentModel

    w = world()
    design = t.keep(X.sample_size(baseline=0.06, lift=-0.02, control_share=0.1))
    t.keep(X.power(baseline=0.06, lift=0.02, n_total=5000),
           X.minimum_detectable_effect("mean", sd=40, n_total=5000))
    t.plot(P.plot_power_curve, design)
    camp = campaign_experiment(w, seed=1)
    t.keep(X.assign(camp, control_share=0.1, strata="acquisition_channel", seed=1))
    test = t.keep(X.analyse_test(camp, outcome="converted", pre="n_orders",
                                 planned_n=len(camp) * 2))
    t.plot(P.plot_test_result, test)
    seg = t.keep(X.uplift_by_segment(camp, segment="acquisition_channel", outcome="converted"))
    t.plot(P.plot_uplift_by_segment, seg)
    feats = camp[list(CAMPAIGN_FEATURES)]
    model = t.fit(X.UpliftModel(), feats, camp["converted"], camp["treated"])
    qini = t.keep(X.qini_curve(model.predict(feats), camp["converted"], camp["treated"]))
    t.plot(P.plot_qini, qini)
    actions = ReplenishmentModel().fit(w.transactions).actions(horizon_days=14)
    t.keep(X.target_actions(actions, model, feats.set_index(camp["customer_id"]),
                            cost_per_contact=5, value_per_conversion=200))


def _family_tours() -> list:
    """The ``tour(t)`` of every ``tests/tours/tour_*.py`` (one file per newer family)."""
    import importlib.util
    from pathlib import Path

    steps = []
    for path in sorted((Path(__file__).parent / "tours").glob("tour_*.py")):
        spec = importlib.util.spec_from_file_location(f"tours.{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        steps.append(module.tour)
    return steps


def run_tour() -> Tour:
    """Run every family once; return what was fitted, built and plotted."""
    t = Tour()
    for step in (_clv, _churn, _overview, _segments, _retention, _funnel, _attribution,
                 _loyalty, _data, _behaviour, _experiments, *_family_tours()):
        step(t)
    return t
