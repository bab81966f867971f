"""The replenishment model: consumption clock -> dated action list (shared case A)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import check_bool, check_choice, check_number
from omnimkt._result import Estimator
from omnimkt.errors import DataError, ModelError
from omnimkt.pricing_rule import DEFAULT_BASKET, HIGH, LOW, check_rule, price_rule, typical_basket
from omnimkt.retention._clock import (
    _build_log,
    _check_clock,
    _day_text,
    _list_day,
    _PurchaseLog,
    _state_frame,
    _to_ts,
    _transactions,
)

#: Actions in the order an operations team works them.
ACTIONS: tuple[str, ...] = ("follow_up_call", "repurchase_prompt", "win_back")
#: Offer types by price sensitivity (typical basket vs the 400 / 200 yuan thresholds of
#: :mod:`omnimkt.pricing_rule`), in the order of its codes 0, 1, 2.
OFFER_TYPES: tuple[str, ...] = ("service_content", "standard", "price_offer")
#: When the follow-up call is due (see ReplenishmentModel).
CALL_TIMINGS: tuple[str, ...] = ("first_can", "purchase_depleted")

#: Message channel for prompts and win-backs by the customer's most used sales channel.
DEFAULT_MESSAGE_CHANNELS: dict[str, str] = {
    "app": "app_push",
    "mini_shop": "messaging",
    "ecommerce": "sms",
    "store_pos": "sms",
}

ACTION_COLUMNS = [
    "customer_id", "action", "due_date", "reason", "channel", "offer_type",
    "last_purchase", "units_last", "expected_depletion", "mean_basket", "basket",
]


class ReplenishmentModel(Estimator):
    """Formula-brand replenishment triggers: follow-up call, repurchase prompt, win-back.

    The rules of the case (shared CASES.md A), every threshold a parameter:

    * **consumption clock** - one unit (can) lasts ``days_per_unit`` days
      (7: one can a week; ``consumption`` sets a rate per product), so a
      purchase runs out ``units x days_per_unit`` days later; once a customer
      has 2+ purchases their own pace (days between purchases per unit bought)
      scales that rate (``learn_consumption``, default True because on the
      synthetic world it halves the error against the actual next purchase
      while the fixed rate is no better than a median-gap rule; a first
      purchase always uses the case's rate); ``carry_over`` adds stock left
      from earlier purchases;
    * **habit** - a customer who bought ``habit_units`` (3) units in total;
    * **follow-up call** - by phone, to ask about the feeding experience,
      ``call_days_before_depletion`` (2) days before a can runs out. The
      article (000, 在一罐奶粉即将用完时: "when a can is nearly finished",
      said of a new customer who bought three cans, before the day-20 prompt)
      is read by default as the **first** can of the purchase
      (``call_at="first_can"``: expected depletion minus (units - 1) cans'
      life, so 7 - 2 = day 5 after a three-can purchase at a can a week; the
      call then checks the feeding experience early and the prompt comes two
      weeks later). ``call_at="purchase_depleted"`` is the other reading, the
      whole purchase nearly finished (day 19, the day before the prompt). For
      one-can purchases the two coincide;
    * **repurchase prompt** - ``prompt_day`` (20) days after a purchase of at
      least ``prompt_units`` (3) units, by app / messaging / SMS; a customer
      who bought again in between gets none (the clock restarts);
    * **win-back** - on the first day after ``winback_silent_days`` (90)
      silent days (day 91), a wake-up offer;
    * calls and prompts go to new customers (at most
      ``new_customer_purchases`` purchase days; None = everyone), win-backs to
      everyone;
    * **offer type** - the price-sensitivity rule of :mod:`omnimkt.pricing_rule`
      (the same function as :func:`omnimkt.segments.price_sensitivity`): the
      typical basket (``basket="median"`` order value over the customer's
      purchase days in the category known at the time, default; or
      ``"mean"``) above ``service_threshold`` (400 yuan) -> "service_content"
      (parenting classes, events), below ``price_threshold`` (200) ->
      "price_offer", in between (400 and 200 included) -> "standard".

    Parameters
    ----------
    days_per_unit, consumption, category, carry_over, learn_consumption
        The consumption clock, as in :func:`omnimkt.retention.depletion_table`.
    habit_units, call_days_before_depletion, call_at, prompt_day, prompt_units,
    winback_silent_days, new_customer_purchases, service_threshold, price_threshold, basket
        The trigger rules above.
    message_channels : mapping, optional
        Sales channel -> message channel for prompts and win-backs (default
        app -> app_push, mini_shop -> messaging, others -> sms).
    unit_name : str
        Word for one unit in the reasons ("can").

    Attributes
    ----------
    log_ : _PurchaseLog
        The purchase log: one row per customer and purchase day with what was
        known right after it (units so far, purchase number, next purchase).
    depletion_ : ndarray
        Expected depletion day (days since 1970-01-01) after each purchase day.
    factor_ : ndarray
        Consumption factor used after each purchase day (1 = the case's rate;
        learned from the customer's own pace when ``learn_consumption``).
    n_customers_ : int
        Buyers in the modelled category.
    first_day_, last_day_ : Timestamp
        First and last purchase day in the category.
    cutoff_ : Timestamp
        The default cutoff: the day of the last row of the whole log.

    ``summary`` shows the learned consumption rates and the action counts of
    the default list (the day after ``cutoff_``).

    Dates: ``cutoff`` is the last day of history, inclusive; the action list
    is for the day after it (a morning run over yesterday's data) and the
    following ``horizon_days - 1`` days.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1], "timestamp": [pd.Timestamp("2025-01-01")],
    ...                    "amount": [450.0], "quantity": [3]})
    >>> m = ReplenishmentModel(category=None).fit(tx)
    >>> a = m.actions("2025-01-05")          # the list for day 5: first can nearly finished
    >>> a[["action", "channel", "offer_type"]].values.tolist()
    [['follow_up_call', 'phone', 'service_content']]
    >>> m2 = ReplenishmentModel(category=None, call_at="purchase_depleted").fit(tx)
    >>> m2.actions("2025-01-19")["action"].tolist()   # day 20: the whole purchase nearly gone
    ['follow_up_call']
    """

    def __init__(
        self,
        *,
        days_per_unit: float = 7.0,
        consumption: Mapping[str, float] | None = None,
        category: str | None = "formula",
        carry_over: bool = False,
        learn_consumption: bool = True,
        habit_units: float = 3,
        call_days_before_depletion: int = 2,
        call_at: str = "first_can",
        prompt_day: int = 20,
        prompt_units: float = 3,
        winback_silent_days: int = 90,
        new_customer_purchases: int | None = 1,
        service_threshold: float = HIGH,
        price_threshold: float = LOW,
        basket: str = DEFAULT_BASKET,
        message_channels: Mapping[str, str] | None = None,
        unit_name: str = "can",
    ) -> None:
        self.days_per_unit = days_per_unit
        self.consumption = consumption
        self.category = category
        self.carry_over = carry_over
        self.learn_consumption = learn_consumption
        self.habit_units = habit_units
        self.call_days_before_depletion = call_days_before_depletion
        self.call_at = call_at
        self.prompt_day = prompt_day
        self.prompt_units = prompt_units
        self.winback_silent_days = winback_silent_days
        self.new_customer_purchases = new_customer_purchases
        self.service_threshold = service_threshold
        self.price_threshold = price_threshold
        self.basket = basket
        self.message_channels = message_channels
        self.unit_name = unit_name

    # ------------------------------------------------------------------ fit
    def _check_settings(self) -> None:
        _check_clock(self.days_per_unit, self.consumption, self.category)
        check_bool(self.carry_over, "carry_over")
        check_bool(self.learn_consumption, "learn_consumption")
        check_number(self.habit_units, "habit_units", low=0)
        check_number(self.prompt_units, "prompt_units", low=0, low_open=True)
        for name in ("prompt_day", "winback_silent_days", "call_days_before_depletion"):
            check_number(getattr(self, name), name, low=0, integer=True)
        check_number(self.new_customer_purchases, "new_customer_purchases", low=1,
                     integer=True, allow_none=True)
        check_choice(self.call_at, "call_at", CALL_TIMINGS)
        check_rule(self.service_threshold, self.price_threshold, self.basket,
                   high_name="service_threshold", low_name="price_threshold")
        channels = self.message_channels
        if channels is not None and (not isinstance(channels, Mapping) or not all(
                isinstance(v, str) for v in channels.values())):
            raise ModelError("message_channels: expected a dict {sales channel: message "
                             f"channel}} of text, got {channels!r}.")
        if not isinstance(self.unit_name, str) or not self.unit_name:
            raise ModelError(f"unit_name: expected a word such as 'can', got {self.unit_name!r}.")

    def fit(self, transactions: pd.DataFrame, *, columns: Any = None,
            validate: bool = True) -> ReplenishmentModel:
        """Read the purchase log (order lines) and run the consumption clock; returns ``self``.

        ``columns`` maps your column names (``omnimkt.Columns`` or a dict);
        ``validate`` runs :func:`omnimkt.data.validate_transactions` first (skip
        it for canonical data at scale). Raises :class:`omnimkt.DataError` for
        products without a consumption rate, zero / negative / missing units,
        or no purchases at all.
        """
        self._start_fit()
        transactions = _transactions(transactions, columns, validate)
        self._set_log(_build_log(transactions, days_per_unit=self.days_per_unit,
                                 consumption=self.consumption, category=self.category))
        return self

    def _set_log(self, log: _PurchaseLog) -> None:
        self.log_ = log
        self.depletion_, self.factor_ = log.depletion(
            carry_over=self.carry_over, learn=self.learn_consumption,
            prior_days=3 * float(self.days_per_unit))
        self.n_customers_ = len(log.ids)
        self.first_day_ = _to_ts(np.array([log.min_day]))[0]
        self.last_day_ = _to_ts(np.array([log.max_day]))[0]
        self.cutoff_ = _to_ts(np.array([log.data_end_day]))[0]
        self._basket_cache: np.ndarray | None = None

    def _basket(self, rows: np.ndarray) -> np.ndarray:
        """Typical basket (the price rule's) known right after each purchase-log row."""
        log = self.log_
        if self.basket == "mean":
            return log.amount_total[rows] / log.n[rows]
        if getattr(self, "_basket_cache", None) is None:
            # running median over the customer's purchase days, computed once on demand
            self._basket_cache = typical_basket(log.amount, log.code, basket="median",
                                                running=True)
        return self._basket_cache[rows]

    def _call_due(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Due day of the follow-up call and the depletion day it refers to, per log row."""
        log = self.log_
        dep = self.depletion_[rows]
        if self.call_at == "first_can":
            per_unit = log.supply[rows] / log.units[rows] * self.factor_[rows]
            dep = dep - np.maximum(log.units[rows] - 1.0, 0.0) * per_unit
        ref = np.floor(dep).astype(np.int64)
        # a call is never due before the purchase it follows up
        return np.maximum(ref - int(self.call_days_before_depletion), log.day[rows] + 1), ref

    @property
    def summary(self) -> pd.DataFrame:  # type: ignore[override]
        """What the fit learned: buyers, consumption rates, habit, and the default list."""
        self._check_fitted()
        log, a = self.log_, self.log_.data_end_day + 1
        rows = log.state_rows(a)
        pace = log.supply[rows] / log.units[rows] * self.factor_[rows]
        arr = self._action_arrays(a, 1)
        counts = np.bincount(arr["action"].astype(np.int64), minlength=len(ACTIONS))
        items = [
            ("buyers", self.n_customers_),
            ("purchase days", len(log)),
            ("first purchase", self.first_day_),
            ("last purchase", self.last_day_),
            ("days per unit, median used", float(np.median(pace))),
            ("days per unit, 10% / 90% used",
             f"{np.quantile(pace, 0.1):.3g} / {np.quantile(pace, 0.9):.3g}"),
            ("buyers with the habit", float(np.mean(log.units_total[rows] >= self.habit_units))),
            *[(f"{name.replace('_', ' ')}s due {_day_text(a)}", int(c))
              for name, c in zip(ACTIONS, counts, strict=True)],
        ]
        return pd.DataFrame({"value": [v for _, v in items]},
                            index=pd.Index([k for k, _ in items], name="quantity"))

    def _settings(self) -> str:
        return (f"{self.days_per_unit:g} days per {self.unit_name}"
                f"{', own pace learned' if self.learn_consumption else ''}; call on the "
                f"{'first can' if self.call_at == 'first_can' else 'whole purchase'}, prompt day "
                f"{self.prompt_day}, win-back after {self.winback_silent_days} silent days")

    # ------------------------------------------------------------ queries
    def depletion(self, cutoff: Any = None) -> pd.DataFrame:
        """The consumption clock after ``cutoff`` (see :func:`depletion_table`), plus offer_type.

        ``cutoff`` is the last day of history, inclusive (default: the day of
        the last row of the fitted log).
        """
        self._check_fitted()
        a = self._list_day(cutoff)
        rows = self.log_.state_rows(a)
        out = _state_frame(self.log_, rows, self.depletion_, self.factor_, a, self.habit_units)
        out["basket"] = self._basket(rows)
        out["offer_type"] = pd.Categorical(self._offer_type(out["basket"].to_numpy()),
                                           categories=list(OFFER_TYPES))
        return out

    def _list_day(self, cutoff: Any) -> int:
        a = _list_day(self.log_, cutoff)
        if a <= self.log_.min_day:
            raise DataError(
                f"cutoff={_day_text(a - 1)} is before the first purchase "
                f"({self.first_day_!s:.10}); nothing is known yet. Choose a later date.")
        return a

    def _offer_type(self, basket: np.ndarray) -> np.ndarray:
        codes = price_rule(basket, high=self.service_threshold, low=self.price_threshold)
        return np.asarray(OFFER_TYPES, dtype=object)[codes]

    def _message_channel(self, codes: np.ndarray) -> np.ndarray:
        mapping = dict(DEFAULT_MESSAGE_CHANNELS)
        mapping.update(self.message_channels or {})
        if self.log_.channel is None:
            return np.full(len(codes), mapping.get("", "sms"), dtype=object)
        names = self.log_.channel
        per_name = np.array([mapping.get(str(c), "sms") for c in names], dtype=object)
        return per_name[codes]

    def _action_arrays(self, list_day: int, horizon_days: int) -> dict[str, np.ndarray]:
        """Rows (purchase-log index), action code and due day of the actions due in the window.

        Cheap numpy only: the backtest calls this once per replay date.
        """
        log = self.log_
        rows = log.state_rows(list_day)
        lo, hi = list_day, list_day + horizon_days
        day = log.day[rows]
        new = (np.ones(len(rows), dtype=bool) if self.new_customer_purchases is None
               else log.n[rows] <= self.new_customer_purchases)
        call_due, _ = self._call_due(rows)
        prompt_due = day + int(self.prompt_day)
        win_due = day + int(self.winback_silent_days) + 1
        masks = (
            new & (call_due >= lo) & (call_due < hi),
            new & (log.units[rows] >= self.prompt_units) & (prompt_due >= lo) & (prompt_due < hi),
            (win_due >= lo) & (win_due < hi),
        )
        dues = (call_due, prompt_due, win_due)
        out_rows, out_act, out_due = [], [], []
        for k, (m, d) in enumerate(zip(masks, dues, strict=True)):
            out_rows.append(rows[m])
            out_act.append(np.full(int(m.sum()), k, dtype=np.int8))
            out_due.append(d[m])
        return {
            "row": np.concatenate(out_rows),
            "action": np.concatenate(out_act),
            "due": np.concatenate(out_due),
        }

    def actions(self, cutoff: Any = None, *, horizon_days: int = 1) -> pd.DataFrame:
        """The dated action list for the days after ``cutoff``.

        Parameters
        ----------
        cutoff : date-like, optional
            Last day of history, inclusive: purchases on or before it are known.
            Default: the day of the last row of the fitted log.
        horizon_days : int
            Actions due in the ``horizon_days`` days after ``cutoff`` (1 =
            tomorrow's list, the usual morning run; 7 = the coming week's).

        Returns
        -------
        DataFrame with one row per action: customer_id, action
        ("follow_up_call", "repurchase_prompt", "win_back"), due_date, reason
        (plain words), channel ("phone" for calls; app_push / messaging / sms
        for messages), offer_type ("service_content", "standard",
        "price_offer"), last_purchase, units_last, expected_depletion,
        mean_basket, basket (the typical basket the
        offer type is read from, see ``basket``). Sorted by due date, action, customer.
        """
        self._check_fitted()
        horizon_days = check_number(horizon_days, "horizon_days", low=1, integer=True)
        a = self._list_day(cutoff)
        arr = self._action_arrays(a, horizon_days)
        return self._action_frame(arr)

    def _action_frame(self, arr: dict[str, np.ndarray]) -> pd.DataFrame:
        log = self.log_
        rows, act, due = arr["row"], arr["action"], arr["due"]
        order = np.lexsort((log.code[rows], act, due))
        rows, act, due = rows[order], act[order], due[order]
        codes = log.code[rows]
        basket = self._basket(rows)
        dep = np.floor(self.depletion_[rows])
        channel = self._message_channel(codes)
        channel[act == 0] = "phone"
        frame = pd.DataFrame({
            "customer_id": log.ids[codes],
            "action": pd.Categorical.from_codes(act.astype(np.int64), categories=list(ACTIONS)),
            "due_date": _to_ts(due),
            "reason": "",
            "channel": pd.array(channel, dtype="str"),
            "offer_type": pd.Categorical(self._offer_type(basket), categories=list(OFFER_TYPES)),
            "last_purchase": _to_ts(log.day[rows]),
            "units_last": log.units[rows],
            "expected_depletion": _to_ts(dep),
            "mean_basket": log.amount_total[rows] / log.n[rows],
            "basket": basket,
        })
        pace = log.supply[rows] / log.units[rows] * self.factor_[rows]
        learned = (log.n[rows] >= 2) & bool(self.learn_consumption)
        _, call_ref = self._call_due(rows)
        frame["reason"] = self._reasons(frame, act, due - log.day[rows], pace, learned,
                                        _to_ts(call_ref))
        return frame[ACTION_COLUMNS]

    def _reasons(self, f: pd.DataFrame, act: np.ndarray, days_since: np.ndarray,
                 pace: np.ndarray, learned: np.ndarray, call_ref: Any) -> pd.Series:
        """Plain-words reason per action (vectorised string building)."""
        if len(f) == 0:
            return pd.Series([], index=f.index, dtype="str")
        unit = self.unit_name
        units = f["units_last"].map(lambda u: f"{u:g}").astype("str")
        plural = np.where(f["units_last"].to_numpy() == 1, unit, unit + "s")
        last = f["last_purchase"].dt.strftime("%Y-%m-%d")
        dep = f["expected_depletion"].dt.strftime("%Y-%m-%d")
        since = pd.Series(days_since, index=f.index).astype("str")
        rate = (pd.Series(pace, index=f.index).map(lambda v: f"{v:.3g}").astype("str")
                + f" days per {unit}"
                + pd.Series(np.where(learned, " (their own pace)", ""), index=f.index))
        ref = pd.Series(call_ref, index=f.index).dt.strftime("%Y-%m-%d")
        what = (f" the first {unit} runs out around " if self.call_at == "first_can"
                else " they run out around ")
        call = ("bought " + units + " " + plural + " on " + last + "; at " + rate
                + what + np.where(self.call_at == "first_can", ref, dep)
                + ": call about the feeding experience")
        prompt = (since + " days since buying " + units + " " + plural + " on " + last
                  + " and no purchase since: prompt the next purchase")
        win = ("no purchase for " + since + " days (last on " + last
               + "): send a wake-up offer")
        out = np.where(act == 0, call, np.where(act == 1, prompt, win))
        return pd.Series(out, index=f.index, dtype="str")

    def action_counts(self, cutoff: Any = None, *, horizon_days: int = 1) -> pd.DataFrame:
        """Counts of the action list by action and offer type (a small pivot)."""
        acts = self.actions(cutoff, horizon_days=horizon_days)
        return action_counts(acts)

    # -------------------------------------------------------------- export
    def to_csv(self, path: str | Path, cutoff: Any = None, *, horizon_days: int = 1) -> Path:
        """Write the action list to a UTF-8 CSV (dates as YYYY-MM-DD) and return the path."""
        acts = _export_frame(self.actions(cutoff, horizon_days=horizon_days))
        path = Path(path)
        # utf-8-sig so spreadsheet programs open Chinese text correctly
        acts.to_csv(path, index=False, encoding="utf-8-sig")
        return path

    def to_excel(self, path: str | Path, cutoff: Any = None, *, horizon_days: int = 1) -> Path:
        """Write the action list (sheet "actions") and the counts (sheet "summary") to Excel."""
        acts = self.actions(cutoff, horizon_days=horizon_days)
        path = Path(path)
        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            _export_frame(acts).to_excel(xw, sheet_name="actions", index=False)
            action_counts(acts).to_excel(xw, sheet_name="summary")
        return path


def action_counts(actions: pd.DataFrame) -> pd.DataFrame:
    """Pivot of an action list: rows = action, columns = offer type, plus a total.

    >>> action_counts(pd.DataFrame({"action": ["win_back"], "offer_type": ["standard"]}))
    ... # doctest: +NORMALIZE_WHITESPACE
    offer_type      service_content  standard  price_offer  total
    action
    follow_up_call                0         0            0      0
    repurchase_prompt             0         0            0      0
    win_back                      0         1            0      1
    """
    tab = pd.crosstab(
        pd.Categorical(actions["action"].astype("str"), categories=list(ACTIONS)),
        pd.Categorical(actions["offer_type"].astype("str"), categories=list(OFFER_TYPES)),
        dropna=False,
    )
    tab = tab.reindex(index=list(ACTIONS), columns=list(OFFER_TYPES), fill_value=0)
    tab.index.name, tab.columns.name = "action", "offer_type"
    tab["total"] = tab.sum(axis=1)
    return tab.astype("int64")


def _export_frame(acts: pd.DataFrame) -> pd.DataFrame:
    out = acts.copy()
    for c in ("due_date", "last_purchase", "expected_depletion"):
        out[c] = out[c].dt.strftime("%Y-%m-%d")
    for c in ("action", "offer_type"):
        out[c] = out[c].astype("str")
    out["mean_basket"] = out["mean_basket"].round(2)
    out["basket"] = out["basket"].round(2)
    return out
