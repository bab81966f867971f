"""Descriptive checks of the case's rules on a fitted model's purchase log.

* :func:`customer_timeline` - one customer's purchases with their clock and triggers;
* :func:`habit_curve` - does buying again get likelier once 3 cans have been bought?
* :func:`second_purchase_timing` - when do new customers buy the second time, by pack size
  (is day 20 a good moment to prompt)?
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import check_choice, check_number
from omnimkt.errors import DataError, ModelError
from omnimkt.retention._clock import _to_ts
from omnimkt.retention.model import ReplenishmentModel

__all__ = ["customer_timeline", "habit_curve", "habit_effect", "second_purchase_timing"]


def _fitted(model: Any) -> None:
    if not isinstance(model, ReplenishmentModel):
        raise ModelError(f"model: expected a fitted ReplenishmentModel, got "
                         f"{type(model).__name__}.")
    model._check_fitted()


def _customer_code(ids: np.ndarray, customer_id: Any) -> np.ndarray:
    """Positions of ``customer_id`` among the log's ids; 123 and "123" find each other."""
    hit = np.flatnonzero(ids == customer_id)
    if len(hit) == 0 and ids.dtype.kind in "iu" and isinstance(customer_id, str):
        hit = np.flatnonzero(ids.astype("str") == customer_id)
    elif len(hit) == 0 and ids.dtype.kind == "O" and isinstance(customer_id, int | np.integer):
        hit = np.flatnonzero(ids.astype("str") == str(customer_id))
    return hit


def customer_timeline(model: ReplenishmentModel, customer_id: Any) -> pd.DataFrame:
    """One customer's purchase days with the consumption clock and the triggers they set.

    Each row is what the model knew right after that purchase: units bought,
    units so far and habit, days per unit used, expected depletion, and the
    dates of the follow-up call, the repurchase prompt and the win-back that
    purchase would trigger (NaT when the rule does not apply), plus the actual
    next purchase.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1], "amount": [564.0, 198.0], "quantity": [3, 1],
    ...                    "timestamp": pd.to_datetime(["2025-01-01", "2025-01-25"])})
    >>> t = customer_timeline(ReplenishmentModel(category=None).fit(tx), 1)
    >>> t["prompt_date"].dt.strftime("%Y-%m-%d").tolist(), t["next_purchase"].isna().tolist()
    (['2025-01-21', nan], [False, True])
    """
    _fitted(model)
    log = model.log_
    hit = _customer_code(log.ids, customer_id)
    if len(hit) == 0:
        raise DataError(f"transactions.customer_id: customer {customer_id!r} has no purchases "
                        "in the fitted log (check the id and the category).")
    rows = np.flatnonzero(log.code == hit[0])
    day = log.day[rows]
    dep = np.floor(model.depletion_[rows])
    new = (np.ones(len(rows), dtype=bool) if model.new_customer_purchases is None
           else log.n[rows] <= model.new_customer_purchases)
    call, _ = model._call_due(rows)
    prompt = day + model.prompt_day
    win = day + model.winback_silent_days + 1
    nxt = log.next_day[rows].astype(np.float64)
    nxt[nxt < 0] = np.nan
    nan = np.nan
    return pd.DataFrame({
        "purchase": _to_ts(day),
        "units": log.units[rows],
        "units_total": log.units_total[rows],
        "habit": log.units_total[rows] >= model.habit_units,
        "days_per_unit": log.supply[rows] / log.units[rows] * model.factor_[rows],
        "expected_depletion": _to_ts(dep),
        "call_date": _to_ts(np.where(new, call, nan)),
        "prompt_date": _to_ts(np.where(new & (log.units[rows] >= model.prompt_units), prompt, nan)),
        "winback_date": _to_ts(win),
        "next_purchase": _to_ts(nxt),
    }, index=pd.RangeIndex(1, len(rows) + 1, name="purchase_no"))


def habit_curve(model: ReplenishmentModel, *, horizon_days: int = 60,
                max_units: int = 12, by: str = "units") -> pd.DataFrame:
    """Share of purchases followed by another within ``horizon_days``, by units bought so far.

    The case says the baby is used to the taste after three cans. If so, the
    chance of buying again should jump once ``units_total`` reaches 3. Only
    purchases at least ``horizon_days`` before the data end count. ``by=
    "purchases"`` groups by the purchase number instead (1st, 2nd, ...), which
    separates the habit from pack size (a 3-can pack also lasts longer).

    Returns
    -------
    DataFrame indexed by units (or purchases) so far (capped at ``max_units``,
    shown as e.g. "12+"): purchases, bought_again (share), median_days_to_next.
    """
    _fitted(model)
    horizon_days = check_number(horizon_days, "horizon_days", low=1, integer=True)
    max_units = check_number(max_units, "max_units", low=1, integer=True)
    by = check_choice(by, "by", ("units", "purchases"))
    log = model.log_
    ok = log.day + horizon_days <= log.data_end_day
    so_far = log.units_total if by == "units" else log.n
    units = np.minimum(np.round(so_far[ok]), max_units).astype(np.int64)
    gap = (log.next_day - log.day)[ok].astype(np.float64)
    gap[log.next_day[ok] < 0] = np.inf
    again = gap <= horizon_days
    frame = pd.DataFrame({"units": units, "again": again,
                          "gap": np.where(again, gap, np.nan)})
    t = frame.groupby("units").agg(purchases=("again", "size"), bought_again=("again", "mean"),
                                   median_days_to_next=("gap", "median"))
    t.index = [f"{u}+" if u == max_units else str(u) for u in t.index]
    t.index.name = "units_bought_so_far" if by == "units" else "purchase_number"
    return t


def second_purchase_timing(model: ReplenishmentModel, *, horizon_days: int = 90) -> pd.DataFrame:
    """When new customers buy again, by the units of their first purchase.

    Only first purchases at least ``horizon_days`` before the data end count.
    Columns: customers, bought_again (within the horizon), median_days (to the
    second purchase, among those who bought), before_prompt (share who bought
    before the prompt day, so would get no prompt), around_prompt (share
    buying within 7 days after the prompt day), expected_days (units x days
    per unit, the clock's own answer).
    """
    _fitted(model)
    horizon_days = check_number(horizon_days, "horizon_days", low=1, integer=True)
    log = model.log_
    first = (log.n == 1) & (log.day + horizon_days <= log.data_end_day)
    units = np.round(log.units[first]).astype(np.int64)
    gap = (log.next_day - log.day)[first].astype(np.float64)
    gap[log.next_day[first] < 0] = np.inf
    rate = log.supply[first] / log.units[first]
    pday = model.prompt_day
    frame = pd.DataFrame({
        "units": units, "again": gap <= horizon_days,
        "gap": np.where(gap <= horizon_days, gap, np.nan),
        "before": gap < pday, "around": (gap >= pday) & (gap < pday + 7),
        "expected": units * rate,
    })
    t = frame.groupby("units").agg(
        customers=("again", "size"), bought_again=("again", "mean"),
        median_days=("gap", "median"), before_prompt=("before", "mean"),
        around_prompt=("around", "mean"), expected_days=("expected", "median"))
    t.index.name = "units_first_purchase"
    return t


def habit_effect(model: ReplenishmentModel, *, horizon_days: int = 120,
                 max_purchases: int = 8) -> pd.DataFrame:
    """Does finishing three cans lower the chance of stopping? Compared like with like.

    For each repeat purchase (the 2nd on) at least ``horizon_days`` before the
    data end, "stopped" means no further purchase within ``horizon_days``.
    Purchases are split by whether the cans of the customer's *earlier*
    purchases reach ``model.habit_units`` (3: "three cans finished", the
    article's habit) and compared within strata of the same purchase number
    (capped at ``max_purchases``) and the same units bought that day. Within a
    stratum both groups survived the same number of purchases and face the
    same gap to the next one, so a world without a habit gives equal stop
    shares (a naive curve by units so far would not: customers who reach three
    cans are survivors, less likely to stop anyway).

    Returns
    -------
    DataFrame, one row per stratum ``"<purchase number>/<units>"`` with both
    groups present, plus a last row ``"pooled"``: purchases_without,
    purchases_with, stop_without, stop_with (shares), difference (with -
    without), se (standard error of the difference; pooled row: strata
    weighted by the smaller group's size) and reduction (1 - stop_with /
    stop_without: the relative fall in the stop rate, to compare with a
    habit strength).

    Examples
    --------
    >>> import pandas as pd
    >>> rows = [(1, 0, 1), (1, 7, 1), (1, 14, 1), (1, 21, 1), (2, 0, 3), (2, 21, 1),
    ...         (3, 0, 1), (3, 7, 1), (4, 0, 3), (4, 21, 1), (4, 28, 1)]
    >>> tx = pd.DataFrame({"customer_id": [r[0] for r in rows], "quantity": [r[2] for r in rows],
    ...     "timestamp": [pd.Timestamp("2025-01-01") + pd.Timedelta(days=r[1]) for r in rows],
    ...     "amount": 198.0})
    >>> tx = pd.concat([tx, pd.DataFrame({"customer_id": [9], "quantity": [1], "amount": [1.0],
    ...     "timestamp": [pd.Timestamp("2025-06-01")]})])
    >>> e = habit_effect(ReplenishmentModel(category=None).fit(tx), horizon_days=30)
    >>> e[["stop_without", "stop_with"]].round(3).to_dict("list")  # 2/1, 3/1, pooled (2:1)
    {'stop_without': [0.5, 0.0, 0.333], 'stop_with': [0.5, 1.0, 0.667]}
    """
    _fitted(model)
    horizon_days = check_number(horizon_days, "horizon_days", low=1, integer=True)
    max_purchases = check_number(max_purchases, "max_purchases", low=2, integer=True)
    log = model.log_
    ok = (log.day + horizon_days <= log.data_end_day) & (log.n >= 2)
    gap = (log.next_day - log.day)[ok]
    frame = pd.DataFrame({
        "n": np.minimum(log.n[ok], max_purchases),
        "u": np.round(log.units[ok]).astype(np.int64),
        "habit": (log.units_total - log.units)[ok] >= model.habit_units,
        "stop": (log.next_day[ok] < 0) | (gap > horizon_days),
    })
    g = frame.groupby(["n", "u", "habit"])["stop"].agg(["size", "mean"]).unstack("habit")
    cols = ["purchases_without", "purchases_with", "stop_without", "stop_with"]
    if g.shape[1] < 4 or g.dropna().empty:
        raise DataError("transactions: no repeat purchases with and without three cans "
                        f"finished at least {horizon_days} days before the data end; "
                        "use a longer log or a shorter horizon_days.")
    g = g.dropna()
    t = pd.DataFrame({cols[0]: g[("size", False)], cols[1]: g[("size", True)],
                      cols[2]: g[("mean", False)], cols[3]: g[("mean", True)]})
    t["difference"] = t["stop_with"] - t["stop_without"]
    var = (t["stop_with"] * (1 - t["stop_with"]) / t["purchases_with"]
           + t["stop_without"] * (1 - t["stop_without"]) / t["purchases_without"])
    t["se"] = np.sqrt(var)
    w = np.minimum(t["purchases_without"], t["purchases_with"]).to_numpy(dtype=float)
    w = w / w.sum()
    pooled = {c: float(t[c].sum()) for c in cols[:2]}
    pooled.update({c: float(w @ t[c].to_numpy()) for c in ("stop_without", "stop_with")})
    pooled["difference"] = pooled["stop_with"] - pooled["stop_without"]
    pooled["se"] = float(np.sqrt(w**2 @ var.to_numpy()))
    t.index = [f"{n}/{u}" for n, u in t.index]
    t.loc["pooled"] = pd.Series(pooled)
    with np.errstate(divide="ignore", invalid="ignore"):
        t["reduction"] = 1 - t["stop_with"] / t["stop_without"]
    t[cols[:2]] = t[cols[:2]].astype(np.int64)
    t.index.name = "purchase_number/units"
    return t
