"""Report section: today's actions from the replenishment triggers (formula-brand case).

Examples
--------
>>> from omnimkt.datasets import generate
>>> w = generate(600, seed=2, tables=("transactions",))
>>> render(w)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from omnimkt.errors import DataError, ModelError
from omnimkt.plotting.retention import plot_action_counts, plot_depletion_errors
from omnimkt.retention import ReplenishmentModel, action_counts, backtest

__all__ = ["actions_table", "render"]

_LABELS = {"follow_up_call": "follow-up call", "repurchase_prompt": "repurchase prompt",
           "win_back": "win-back offer", "service_content": "service content",
           "standard": "standard", "price_offer": "price offer"}


def actions_table(actions: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The first ``n`` actions in client-facing form (dates as text, words for codes)."""
    a = actions.head(n)
    return pd.DataFrame({
        "customer": a["customer_id"].to_numpy(),
        "action": [_LABELS[str(x)] for x in a["action"]],
        "due": a["due_date"].dt.strftime("%Y-%m-%d").to_numpy(),
        "channel": a["channel"].astype("str").to_numpy(),
        "offer": [_LABELS[str(x)] for x in a["offer_type"]],
        "why": a["reason"].astype("str").to_numpy(),
    }, index=pd.RangeIndex(1, len(a) + 1, name="#"))


def _counts_table(counts: pd.DataFrame) -> pd.DataFrame:
    t = counts.rename(index=_LABELS, columns=_LABELS)
    t.index.name, t.columns.name = "action", "offer"
    return t


def render(data: Any, *, as_of: Any = None, horizon_days: int = 1, rows: int = 10,
           run_backtest: bool = True, seed: int = 0, **options: Any) -> None:
    """Show today's replenishment actions for ``data`` (an omnimkt Dataset).

    The model runs with the case's rules (one can a week, prompt on day 20
    after a 3-can purchase, win-back after 90 silent days, 400 / 200 yuan
    offer thresholds); ``options`` override any :class:`ReplenishmentModel`
    setting. Without a "formula" category every product line counts. When
    the data cover at least ~5 months, a short replay of the past 12 weeks
    checks the consumption clock against the actual next purchases.
    """
    display(Markdown("## Today's actions: replenishment triggers"))
    tx = data.transactions
    cat = options.get("category", "formula")
    note = ("" if cat is None or "category" in tx.columns
            else " (no category column in the data, so every product line counts)")
    try:
        model = ReplenishmentModel(**options).fit(tx)
    except DataError as exc:
        if "no purchases in category" not in str(exc):
            display(Markdown(f"_Action list skipped: {exc}_"))
            return
        options = {**options, "category": None}
        model = ReplenishmentModel(**options).fit(tx)
        note = " (no formula category in the data, so every product line counts)"
    try:
        acts = model.actions(as_of, horizon_days=horizon_days)
    except (DataError, ModelError) as exc:
        display(Markdown(f"_Action list skipped: {exc}_"))
        return
    dep = model.depletion(as_of)
    start = acts["due_date"].min() if len(acts) else None
    day_txt = (f"{start:%Y-%m-%d}" if start is not None else "the day after the data end")
    span = "today" if horizon_days == 1 else f"in the next {horizon_days} days"
    counts = action_counts(acts)
    display(Markdown(f"### Actions due {span} ({day_txt}){note}"))
    display(_counts_table(counts))
    if len(acts):
        display(actions_table(acts, rows))

    n = len(acts)
    by = counts["total"]
    habit = float(dep["habit"].mean())
    txt = [f"{n:,} customers are due an action {span}: {by['follow_up_call']:,} follow-up "
           f"calls, {by['repurchase_prompt']:,} repurchase prompts and {by['win_back']:,} "
           "win-back offers."]
    if n:
        svc = counts.loc[:, "service_content"].sum() / n
        price = counts.loc[:, "price_offer"].sum() / n
        txt.append(f"{svc:.0%} of them spend over {model.service_threshold:g} yuan a purchase "
                   f"and get service content rather than discounts; {price:.0%} spend under "
                   f"{model.price_threshold:g} yuan and get a price offer.")
    today = dep["expected_depletion"] - pd.to_timedelta(dep["days_until_depletion"], unit="D")
    silent = ((today - dep["last_purchase"]).dt.days > model.winback_silent_days).mean()
    unit = model.unit_name + "s" if model.category is not None and not note else "units"
    txt.append(f"Of {len(dep):,} buyers, {habit:.0%} have bought at least "
               f"{model.habit_units:g} {unit} (the habit the case describes) and "
               f"{float(silent):.0%} have not bought for more than "
               f"{model.winback_silent_days} days.")

    bt = None
    first = pd.Timestamp(tx["timestamp"].min()).normalize()
    last = pd.Timestamp(tx["timestamp"].max()).normalize()
    if run_backtest and (last - first).days >= 150:
        end = last - pd.Timedelta(days=30)
        try:
            bt = backtest(tx, start=end - pd.Timedelta(weeks=11), end=end, model=model,
                          seed=seed, validate=False)
        except (DataError, ModelError):
            bt = None
    fig, axes = plt.subplots(1, 2 if bt is not None else 1, figsize=(12 if bt is not None else 6, 3.8),
                             squeeze=False)
    plot_action_counts(counts, ax=axes[0, 0])
    if bt is not None:
        plot_depletion_errors(bt, ax=axes[0, 1])
        e = bt.errors
        used = e.index[e["used_by_model"]][0]
        txt.append(
            f"Replayed over the 12 weeks to {bt.settings['last_date']}, the consumption clock "
            f"missed the actual next purchase by {e.loc[used, 'mae']:.1f} days on average, "
            f"against {e.loc['median_gap', 'mae']:.1f} days for a plain median-gap rule; keep "
            f"a hold-out group when the actions go live, since outreach can also backfire.")
    fig.tight_layout()
    display(fig)
    plt.close(fig)
    display(Markdown(" ".join(txt)))
