"""Every assumption of the client report, with its default and its allowed range.

:func:`resolve_config` takes the client's mapping (e.g. the ``[assumptions]`` of a
``client.toml``), checks each value with :func:`omnimkt._gate.check_number` and fills
in the defaults; the report lists the result in its "Assumptions used" section.

Examples
--------
>>> cfg = resolve_config({"cost_per_contact": 15, "margin": 0.25})
>>> cfg["cost_per_contact"], cfg["margin"], cfg["horizon_days"]
(15.0, 0.25, 364)
>>> resolve_config({"cost_per_contacts": 15})
Traceback (most recent call last):
...
omnimkt.errors.ModelError: config: unknown key 'cost_per_contacts'. Allowed keys: ...
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from omnimkt._gate import check_number
from omnimkt.errors import ModelError

__all__ = ["ASSUMPTIONS", "DEFAULT_LADDER", "resolve_config"]

#: The case's points ladder: (points needed, discount, voucher) per tier.
DEFAULT_LADDER: tuple[tuple[float, float, float], ...] = (
    (3000, 0.10, 200), (6000, 0.15, 500), (9000, 0.30, 1000))

# key -> (default, check_number keywords, (English, Chinese) description)
ASSUMPTIONS: dict[str, tuple[Any, dict[str, Any], tuple[str, str]]] = {
    "horizon_days": (364, {"low": 1, "integer": True},
                     ("days ahead valued by customer lifetime value", "客户终身价值的预测天数")),
    "annual_discount_rate": (0.10, {"low": 0, "high": 1, "high_open": True},
                             ("annual discount rate", "年折现率")),
    "churn_horizon_days": (90, {"low": 1, "integer": True},
                           ("days without a purchase that count as churn (test period)",
                            "判定流失的无购买天数（检验期）")),
    "cost_per_contact": (20.0, {"low": 0}, ("cost per contact", "每次触达成本")),
    "success_rate": (0.10, {"low": 0, "high": 1},
                     ("share of contacted customers who respond", "触达后响应（挽回）比例")),
    "margin": (0.30, {"low": 0, "high": 1}, ("gross margin on sales", "销售毛利率")),
    "saved_value": (None, {"low": 0, "allow_none": True},
                    ("value of a won-back customer (empty = margin × median yearly spend)",
                     "每位挽回客户的价值（留空=毛利率×活跃客户年消费中位数）")),
    "top_share": (0.20, {"low": 0, "high": 1, "low_open": True, "high_open": True},
                  ("share of customers counted as the top group", "头部客户比例")),
    "recent_days": (90, {"low": 1, "integer": True},
                    ("days that count as recent", "“近期”的天数")),
    "loyal_orders": (3, {"low": 2, "integer": True},
                     ("orders that make a customer loyal", "忠诚客户的最少订单数")),
    "days_per_unit": (7.0, {"low": 0, "low_open": True},
                      ("days one unit lasts (consumption rate)", "每件商品的消耗天数")),
    "prompt_day": (20, {"low": 1, "integer": True},
                   ("day after a purchase for the repurchase prompt", "购买后第几天提醒复购")),
    "winback_silent_days": (90, {"low": 1, "integer": True},
                            ("silent days before a win-back offer", "多少天未购买后发送唤醒优惠")),
    "action_days": (7, {"low": 1, "integer": True},
                    ("days of reminders in the action list", "行动清单覆盖的天数")),
    "service_threshold": (400.0, {"low": 0},
                          ("order value above which service content is sent", "推送服务内容的客单价线")),
    "price_threshold": (200.0, {"low": 0},
                        ("order value below which price offers are sent", "推送价格优惠的客单价线")),
    "min_customers_per_side": (30, {"low": 1, "integer": True},
                               ("customers needed on each side of the price lines",
                                "采用价格线时每侧至少需要的客户数")),
    "clock_history_days": (150, {"low": 30, "integer": True},
                           ("days of history needed to check the consumption clock",
                            "检验消耗周期规则所需的历史天数")),
    "attribution_window_days": (30, {"low": 1, "integer": True},
                      ("days before a first purchase in which touches get credit", "归因回溯天数")),
    "funnel_window_days": (365, {"low": 1, "integer": True},
                           ("days a journey step still counts", "旅程漏斗的转化窗口（天）")),
    "min_channel_spend": (5000.0, {"low": 0},
                          ("spend a channel needs for budget advice", "给出预算建议所需的最低渠道投入")),
    "min_channel_conversions": (30, {"low": 1, "integer": True},
                                ("first purchases a channel needs for budget advice",
                                 "给出预算建议所需的最低归因首购数")),
    "max_budget_shift": (0.10, {"low": 0, "high": 1, "low_open": True},
                         ("largest budget move, as a share of the smaller channel's spend",
                          "单次预算调整上限（占较小渠道投入的比例）")),
    "ladder_own_rate": (1.0, {"low": 0}, ("points per ¥1 a member spends", "会员每消费1元积分")),
    "ladder_referral_rate": (0.5, {"low": 0},
                             ("points per ¥1 a referred customer spends", "被推荐人每消费1元给推荐人的积分")),
    "ladder_reset_at": (9000.0, {"low": 0, "low_open": True},
                        ("points at which the balance resets", "积分清零的门槛")),
    "voucher_breakage": (0.25, {"low": 0, "high": 1},
                         ("share of vouchers never redeemed", "代金券未核销比例")),
    "seed": (0, {"low": 0, "integer": True}, ("random seed", "随机种子")),
}


def _check_ladder(value: Any) -> tuple[tuple[float, float, float], ...]:
    """The ladder as ((points, discount, voucher), ...), increasing points."""
    if not isinstance(value, list | tuple) or not value:
        raise ModelError("config: ladder must be a list of [points, discount, voucher] tiers, "
                         f"e.g. [[3000, 0.10, 200], [6000, 0.15, 500]], got {value!r:.80}.")
    tiers = []
    for i, tier in enumerate(value):
        if not isinstance(tier, list | tuple) or len(tier) != 3:
            raise ModelError(f"config: ladder[{i}] must be [points, discount, voucher], got "
                             f"{tier!r:.60}.")
        tiers.append((check_number(tier[0], f"ladder[{i}] points", low=0, low_open=True),
                      check_number(tier[1], f"ladder[{i}] discount", low=0, high=1,
                                   high_open=True),
                      check_number(tier[2], f"ladder[{i}] voucher", low=0)))
    if any(b[0] <= a[0] for a, b in zip(tiers, tiers[1:], strict=False)):
        raise ModelError("config: ladder tiers must need increasing points.")
    return tuple(tiers)


def resolve_config(mapping: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every assumption of the report: the client's values checked, the rest defaulted.

    Parameters
    ----------
    mapping : mapping, optional
        Assumption name -> value (see :data:`ASSUMPTIONS`, plus ``ladder``: a list of
        ``[points, discount, voucher]`` tiers). Unknown keys are an error naming the
        key and listing the allowed ones.

    Returns
    -------
    dict
        Every key of :data:`ASSUMPTIONS` and ``ladder``, checked.

    Examples
    --------
    >>> resolve_config({"margin": float("nan")})
    Traceback (most recent call last):
    ...
    omnimkt.errors.ModelError: margin: must be a number >= 0 and <= 1, got nan.
    """
    if mapping is None:
        mapping = {}
    if not isinstance(mapping, Mapping):
        raise ModelError(f"config: expected a mapping of assumptions, got {type(mapping).__name__}.")
    allowed = [*ASSUMPTIONS, "ladder"]
    for key in mapping:
        if key not in allowed:
            raise ModelError(f"config: unknown key {key!r}. Allowed keys: {', '.join(allowed)}.")
    out: dict[str, Any] = {}
    for key, (default, rules, _) in ASSUMPTIONS.items():
        value = mapping.get(key, default)
        out[key] = None if value is None and rules.get("allow_none") else check_number(
            value, key, **rules)
    out["ladder"] = _check_ladder(mapping.get("ladder", DEFAULT_LADDER))
    if out["price_threshold"] > out["service_threshold"]:
        raise ModelError(f"price_threshold: {out['price_threshold']:g} must not exceed "
                         f"service_threshold ({out['service_threshold']:g}).")
    return out
