"""Data-driven omnichannel maturity indicators (case M, 001; the six data kinds of 000).

Each indicator is a share in [0, 1] computed from the firm's own tables, with its
definition in :data:`INDICATORS`. The thresholds are omnimkt's defaults, not the
articles' (the articles give no numbers): change them with ``thresholds=``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_columns, check_frame, check_number
from omnimkt.claims.counts import STORE_CHANNELS, orders
from omnimkt.errors import DataError, ModelError

__all__ = ["DATA_KINDS", "DEFAULT_THRESHOLDS", "INDICATORS", "STAGES", "indicator_values"]

#: The six kinds of customer data of 000 (数据库六大类).
DATA_KINDS: dict[str, str] = {
    "usage": "user / usage data (使用者数据): who buys and what they buy and use",
    "relationship": "relationship data (客户关系数据): contacts and touchpoints",
    "attitude": "attitude data (态度数据): opinions of the product, e.g. surveys",
    "feedback": "feedback data (反馈数据): complaints, reviews, service records",
    "product_application": "product-application data (产品应用用途数据): what it is used for",
    "credit": "credit data (信用数据): payment and credit records",
}

#: The four transformation stages of 001 (全渠道营销四个阶段).
STAGES: dict[int, str] = {
    1: "integrate channels (社会化渠道整合)",
    2: "online order, offline fulfilment (线上接单、线下分单)",
    3: "nearest-store fulfilment (就近派送、终端成交)",
    4: "continuous customer operation (客户持续经营)",
}

#: indicator -> (stage, the "all" of 001 it measures, definition).
INDICATORS: dict[str, tuple[int, str, str]] = {
    "multichannel_share": (1, "all-channel retail (全渠道零售)",
                           "buying customers with orders in 2+ sales channels / buying customers"),
    "media_reach_share": (1, "all media (全媒体营销)",
                          "people reached by 2+ marketing channels / people reached"),
    "offline_fulfilment_share": (2, "all-channel retail (全渠道零售)",
                                 "online orders whose fulfilment is offline (e.g. store pick-up) / "
                                 "online orders"),
    "nearest_store_share": (3, "all-channel retail (全渠道零售)",
                            "offline-fulfilled online orders served by the customer's home store "
                            "/ offline-fulfilled online orders"),
    "repeat_share": (4, "all-customer operation (全客户经营)",
                     "buying customers with 2+ orders / buying customers"),
    "cross_category_share": (4, "all-customer operation (全客户经营)",
                             "buying customers who bought 2+ categories / buying customers"),
    "data_coverage": (4, "all-data driven (全数据驱动)",
                      "kinds of the six customer data kinds with a non-empty table / 6"),
}

#: indicator -> (started at, achieved at): omnimkt's defaults, not the articles'.
DEFAULT_THRESHOLDS: dict[str, tuple[float, float]] = {
    "multichannel_share": (0.10, 0.30), "media_reach_share": (0.30, 0.60),
    "offline_fulfilment_share": (0.05, 0.20), "nearest_store_share": (0.30, 0.70),
    "repeat_share": (0.30, 0.50), "cross_category_share": (0.10, 0.30),
    "data_coverage": (0.50, 5 / 6),
}


def check_thresholds(thresholds: Mapping[str, Sequence[float]] | None) -> dict:
    """Defaults updated by ``thresholds``; each a (started, achieved) pair in order."""
    out = dict(DEFAULT_THRESHOLDS)
    if thresholds is None:
        return out
    if not isinstance(thresholds, Mapping):
        raise ModelError(f"thresholds: expected a dict such as {{'repeat_share': (0.3, 0.5)}}, "
                         f"got {type(thresholds).__name__}.")
    for name, pair in thresholds.items():
        if name not in INDICATORS:
            raise ModelError(f"thresholds: unknown indicator {name!r}; known: "
                             f"{', '.join(INDICATORS)}.")
        if isinstance(pair, str) or not hasattr(pair, "__len__") or len(pair) != 2:
            raise ModelError(f"thresholds[{name!r}]: give (started, achieved), got {pair!r}.")
        lo = check_number(pair[0], f"thresholds[{name!r}] started", low=0, high=1)
        hi = check_number(pair[1], f"thresholds[{name!r}] achieved", low=0, high=1)
        if lo > hi:
            raise ModelError(f"thresholds[{name!r}]: out of order, started {lo} > achieved "
                             f"{hi}; give (started, achieved) with started <= achieved.")
        out[name] = (lo, hi)
    return out


def check_data_kinds(data_kinds: Mapping[str, Any] | None) -> dict[str, bool]:
    """Which of the six kinds have a non-empty table (DataFrame) in ``data_kinds``."""
    data_kinds = {} if data_kinds is None else data_kinds
    if not isinstance(data_kinds, Mapping):
        raise ModelError(f"data_kinds: expected a dict kind -> table, got "
                         f"{type(data_kinds).__name__}.")
    unknown = [k for k in data_kinds if k not in DATA_KINDS]
    if unknown:
        raise ModelError(f"data_kinds: unknown data kind(s) {unknown[:3]}; the six kinds are "
                         f"{', '.join(DATA_KINDS)}.")
    for k, v in data_kinds.items():
        if v is not None and not isinstance(v, pd.DataFrame):
            raise ModelError(f"data_kinds[{k!r}]: expected a DataFrame or None, got "
                             f"{type(v).__name__}.")
    return {k: isinstance(data_kinds.get(k), pd.DataFrame) and len(data_kinds[k]) > 0
            for k in DATA_KINDS}


def indicator_values(transactions: pd.DataFrame, *, touchpoints: pd.DataFrame | None = None,
                     customers: pd.DataFrame | None = None,
                     data_kinds: Mapping[str, Any] | None = None,
                     store_channels: Sequence[str] = STORE_CHANNELS,
                     offline_fulfilment: Sequence[str] = ("store",),
                     columns: Any = None) -> pd.Series:
    """Every indicator of :data:`INDICATORS` (NaN where the tables cannot measure it).

    Needs ``transactions`` with ``channel``; ``offline_fulfilment_share`` needs a
    ``fulfilment`` column (values in ``offline_fulfilment`` are offline);
    ``nearest_store_share`` also ``store_id`` and ``customers.home_store_id``;
    ``media_reach_share`` needs touchpoints; ``cross_category_share`` a
    ``category`` column. ``data_kinds`` maps kinds to tables; by default
    transactions are usage data and touchpoints relationship data.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "order_id": [1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"]),
    ...     "amount": 1.0, "channel": ["store_pos", "app", "app"]})
    >>> indicator_values(tx)[["multichannel_share", "repeat_share"]].tolist()
    [0.5, 0.5]
    """
    from omnimkt.data import validate_customers, validate_touchpoints, validate_transactions

    cols = as_columns(columns)
    tx = validate_transactions(check_frame(transactions, "transactions"), cols,
                               duplicates="keep")
    if "channel" not in tx.columns:
        raise DataError("transactions: no channel column, so sales channels cannot be "
                        "counted. Add the sales channel of each order (column 'channel').")
    tp = None if touchpoints is None else validate_touchpoints(
        check_frame(touchpoints, "touchpoints"), cols, duplicates="keep")
    cu = None if customers is None else validate_customers(check_frame(customers, "customers"),
                                                           cols)
    kinds = {"usage": tx, "relationship": tp, **(data_kinds or {})}
    coverage = check_data_kinds(kinds)
    o = orders(tx, store_channels).merge(_order_extras(tx), left_index=True, right_index=True)
    per = o.groupby("customer_id")
    v = {"multichannel_share": float((per["channel"].nunique() >= 2).mean()),
         "repeat_share": float((per.size() >= 2).mean())}
    v["media_reach_share"] = (np.nan if tp is None else
                              float((tp.groupby("customer_id")["channel"].nunique() >= 2).mean()))
    v["cross_category_share"] = (float((tx.groupby("customer_id")["category"].nunique() >= 2)
                                       .mean()) if "category" in tx.columns else np.nan)
    v.update(_fulfilment(o, cu, offline_fulfilment))
    v["data_coverage"] = sum(coverage.values()) / len(DATA_KINDS)
    return pd.Series(v).reindex(list(INDICATORS))


def _order_extras(tx: pd.DataFrame) -> pd.DataFrame:
    """Fulfilment and store of each order (as :func:`orders` numbers them), if present."""
    keys = ["order_id"] if "order_id" in tx.columns else ["customer_id", "timestamp", "channel"]
    extra = [c for c in ("fulfilment", "store_id") if c in tx.columns]
    if not extra:
        return pd.DataFrame(index=pd.RangeIndex(tx.groupby(keys, observed=True).ngroups))
    return (tx.groupby(keys, sort=True, observed=True)[extra].first().reset_index(drop=True))


def _fulfilment(o: pd.DataFrame, cu: pd.DataFrame | None,
                offline_fulfilment: Sequence[str]) -> dict[str, float]:
    online = o[~o["in_store"]]
    if "fulfilment" not in o.columns or online.empty:
        return {"offline_fulfilment_share": np.nan, "nearest_store_share": np.nan}
    offline = online[online["fulfilment"].isin(list(offline_fulfilment))]
    out = {"offline_fulfilment_share": len(offline) / len(online),
           "nearest_store_share": np.nan}
    if (cu is not None and "home_store_id" in cu.columns and "store_id" in o.columns
            and len(offline)):
        home = cu.set_index("customer_id")["home_store_id"]
        out["nearest_store_share"] = float(
            (offline["store_id"].astype(str) == offline["customer_id"].map(home).astype(str))
            .mean())
    return out
