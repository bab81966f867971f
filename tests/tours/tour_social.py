"""Contract tour of case E and the WeChat methods: accounts, drift, funnels, the quiz."""

from __future__ import annotations


def tour(t) -> None:
    from omnimkt import social as so
    from omnimkt.datasets import social as ds
    from omnimkt.plotting import social as P

    w = ds.generate_social(8, seed=2)
    model = t.fit(so.AccountContribution(n_boot=200, seed=0), w.posts)
    t.plot(P.plot_account_contribution, model)
    ranks = t.keep(so.fans_vs_effect(model, w.truth.set_index("account")["true_incremental"]))
    t.plot(P.plot_fans_vs_effect, ranks)
    drift = t.keep(so.audience_drift(w.audience, "acc_08"))
    t.plot(P.plot_audience_drift, drift)
    daily, _ = ds.simulate_wechat(days=5, seed=1)
    funnel = t.keep(so.method_funnel(daily))
    t.plot(P.plot_method_funnel, funnel)
    people, answers = ds.simulate_quiz(200, days=5, seed=1)
    quiz = t.keep(so.quiz_points(answers, daily_bonus=5))
    segments = t.keep(so.remarketing_segments(quiz, people))
    t.plot(P.plot_remarketing_segments, segments)
