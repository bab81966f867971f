"""The formula brand's catalogue and the tables its synthetic world is written into.

Prices, packs, channels, regions and KOL accounts of the case (CASES.md A/E),
and the builders of the ``transactions``, ``customers``, ``touchpoints`` and
``stage_events`` tables from the simulated journeys and orders (see
:func:`omnimkt.datasets.generate`).
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from omnimkt.data.schema import STAGES
from omnimkt.errors import ModelError

SALES_CHANNELS: dict[str, float] = {
    "store_pos": 0.50, "ecommerce": 0.20, "mini_shop": 0.20, "app": 0.10,
}

#: channel -> (share of touches, per-touch conversion lift, funnel position, event, cost per touch in yuan)
TOUCH_CHANNELS: dict[str, tuple[float, float, float, str, float]] = {
    "tv": (0.20, 0.010, 0.00, "impression", 0.05),
    "social_kol": (0.22, 0.060, 0.20, "click", 1.50),
    "messaging_article": (0.14, 0.040, 0.30, "click", 0.80),
    "parenting_class": (0.05, 0.150, 0.40, "visit", 30.00),
    "referral": (0.03, 0.250, 0.50, "visit", 0.00),
    "search_ads": (0.12, 0.100, 0.60, "click", 2.50),
    "app_push": (0.07, 0.015, 0.70, "impression", 0.01),
    "sms": (0.08, 0.005, 0.80, "impression", 0.05),
    "store_visit": (0.09, 0.180, 0.90, "visit", 0.00),
}

#: KOL accounts (case E: ten accounts). Their shares of the KOL clicks are not typed in:
#: they come from the social mechanism (audience x content fit x clickiness) of
#: :func:`omnimkt.datasets.social.kol_click_shares`, seeded from the world's generator.
KOL_ACCOUNTS: tuple[str, ...] = tuple(f"kol_{i:02d}" for i in range(1, 11))

FORMULA_PRICES: dict[str, float] = {"formula_standard": 198.0, "formula_premium": 368.0}
PACK_DISCOUNT: dict[int, float] = {1: 0.0, 3: 0.05, 6: 0.10}
OTHER_PRODUCTS: dict[str, float] = {"probiotics": 159.0, "nutrition": 89.0, "diapers": 129.0}
REGIONS: dict[str, float] = {
    "east": 0.28, "south": 0.20, "north": 0.16, "central": 0.12,
    "southwest": 0.10, "northeast": 0.07, "northwest": 0.07,
}

def _check_mix(name: str, mix: Mapping[Any, float]) -> tuple[np.ndarray, np.ndarray]:
    """Keys and normalised shares; negative, missing or infinite shares are a ModelError."""
    keys = np.array(list(mix.keys()))
    values = list(mix.values())
    if any(isinstance(v, bool) or not isinstance(v, Real) for v in values):
        raise ModelError(f"{name}: shares must be numbers, got {dict(mix)}.")
    w = np.asarray(values, dtype=float)
    if len(w) == 0 or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise ModelError(f"{name}: needs finite shares >= 0 with a positive sum, got {dict(mix)}.")
    return keys, w / w.sum()


def _str_column(codes: np.ndarray, categories) -> pd.api.extensions.ExtensionArray:
    """A pandas string column from integer codes, without building a numpy array of strings."""
    dictionary = pa.DictionaryArray.from_arrays(
        pa.array(np.asarray(codes, dtype=np.int32)), pa.array([str(c) for c in categories])
    )
    return pd.array(dictionary.dictionary_decode(), dtype="str")


def _shop_hours(t: np.ndarray) -> np.ndarray:
    """Move moments (days) into the 9:00-21:00 opening hours of their day."""
    day = np.floor(t)
    return day + (9 + (t - day) * 12) / 24


def _to_ts(day0: np.datetime64, days: np.ndarray) -> np.ndarray:
    return day0 + np.round(days * 86400).astype("int64").astype("timedelta64[s]")


def _transactions(rng, day0, cust, t, qty, premium, home, stickiness, sales_keys, sales_p,
                  other_item_prob, promo_prob) -> pd.DataFrame:
    n_orders = len(cust)
    # Orders come in rounds (every customer's n-th order), so within a customer they are
    # already in time order and a stable sort by customer suffices.
    order = np.argsort(cust, kind="stable")
    cust, t, qty = cust[order], t[order], qty[order]
    own = rng.random(n_orders) < stickiness[cust]
    channel = np.where(own, home[cust], rng.choice(len(sales_keys), n_orders, p=sales_p))
    promo = np.where(rng.random(n_orders) < promo_prob, 0.10, 0.0)
    unit = np.where(premium[cust], FORMULA_PRICES["formula_premium"], FORMULA_PRICES["formula_standard"])
    pack_disc = np.select([qty >= 6, qty >= 3], [PACK_DISCOUNT[6], PACK_DISCOUNT[3]], 0.0)
    f_list = unit * qty
    f_paid = np.round(f_list * (1 - pack_disc) * (1 - promo), 2)
    # A non-formula line on some orders.
    extra = np.flatnonzero(rng.random(n_orders) < other_item_prob)
    o_keys = np.array(list(OTHER_PRODUCTS))
    o_pick = rng.integers(0, len(o_keys), len(extra))
    o_qty = rng.integers(1, 3, len(extra))
    o_list = np.array(list(OTHER_PRODUCTS.values()))[o_pick] * o_qty
    o_paid = np.round(o_list * (1 - promo[extra]), 2)

    rows = np.concatenate([np.arange(n_orders), extra])
    is_formula = np.r_[np.ones(n_orders, bool), np.zeros(len(extra), bool)]
    amount = np.concatenate([f_paid, o_paid])
    # Lines of one order by amount: the order omnimkt.data.validate_transactions gives ties.
    line_order = np.lexsort((amount, rows))
    rows, is_formula, amount = rows[line_order], is_formula[line_order], amount[line_order]
    list_price = np.concatenate([f_list, o_list])[line_order]
    del f_list, f_paid, unit, pack_disc, promo
    products = ["formula_standard", "formula_premium", *o_keys]
    columns = {
        "customer_id": cust[rows] + 1,
        "timestamp": _to_ts(day0, t[rows]).astype("datetime64[ns]"),
        "amount": amount,
        "order_id": rows + 1,
        "channel": _str_column(channel[rows], sales_keys),
        "product": _str_column(
            np.concatenate([premium[cust].astype(np.int8), 2 + o_pick.astype(np.int8)])[line_order],
            products,
        ),
        "category": _str_column(~is_formula, ["formula", "other"]),
        "quantity": np.concatenate([qty, o_qty])[line_order].astype(np.int64),
        "list_price": list_price,
        "discount": np.round(list_price - amount, 2),
    }
    del rows, line_order, is_formula
    return pd.DataFrame(columns, copy=False)


def _customers(rng, day0, n, first_buy, home, sales_keys, referrer) -> pd.DataFrame:
    region_keys, region_p = _check_mix("regions", REGIONS)
    baby_age_days = rng.uniform(0, 300, n)
    return pd.DataFrame(
        {
            "customer_id": np.arange(1, n + 1, dtype=np.int64),
            "signup_date": _to_ts(day0, first_buy).astype("datetime64[ns]"),
            "acquisition_channel": _str_column(home, sales_keys),
            "region": _str_column(rng.choice(len(region_keys), n, p=region_p), region_keys),
            "referrer_id": pd.arrays.IntegerArray(referrer.astype(np.int64), referrer <= 0),
            "baby_birth_date": (_to_ts(day0, np.floor(first_buy - baby_age_days))
                                .astype("datetime64[D]").astype("datetime64[ns]")),
        }
    )


def _touchpoints(rng, day0, length, ch, t, owner, names, kol_p) -> pd.DataFrame:
    # One journey per person: order journeys by owner; touches within one are in time order.
    jorder = np.argsort(owner, kind="stable")
    lens = length[jorder]
    ends = np.cumsum(lens)
    take = np.repeat(np.cumsum(length)[jorder] - ends, lens) + np.arange(int(ends[-1]))
    ch, t = ch[take], t[take]
    jid = np.repeat(jorder, lens)
    meta = [TOUCH_CHANNELS[c] for c in names]
    kol_keys = np.array(KOL_ACCOUNTS)
    # Accounts: the channel's own name, or one of the KOL accounts.
    kol = ch == names.index("social_kol")
    account = ch.astype(np.int64)
    account[kol] = len(names) + rng.choice(len(kol_keys), int(kol.sum()), p=kol_p)
    ts = _to_ts(day0, t)
    # Campaigns run per channel and quarter, e.g. "search_ads_2024Q3".
    months = ts.astype("datetime64[M]").astype(np.int64)
    q_index = months // 3 - months.min() // 3
    q0 = int(months.min() // 3)
    quarters = [f"{(q0 + i) // 4 + 1970}Q{(q0 + i) % 4 + 1}" for i in range(int(q_index.max()) + 1)]
    campaigns = [f"{c}_{q}" for c in names for q in quarters]
    df = pd.DataFrame(
        {
            "customer_id": owner[jid],
            "timestamp": ts.astype("datetime64[ns]"),
            "channel": _str_column(ch, names),
            "account": _str_column(account, [*names, *kol_keys]),
            "campaign": _str_column(ch.astype(np.int64) * len(quarters) + q_index, campaigns),
            "event": _str_column(ch, [m[3] for m in meta]),
            "cost": np.array([m[4] for m in meta])[ch],
        }
    )
    return df


#: Touches that show the brand being considered (from a journey's second touch on).
CONSIDER_CHANNELS = ("search_ads", "store_visit", "parenting_class", "referral",
                     "messaging_article")
#: Late-funnel touches that put the brand on the shortlist: a brand search or a store visit.
CHOOSE_CHANNELS = ("search_ads", "store_visit")


def _first_at(jid: np.ndarray, n_j: int, t_touch: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Each journey's first touch moment where ``mask`` holds (NaN where it never does)."""
    at = np.full(n_j, np.nan)
    idx = np.flatnonzero(mask)
    first = np.r_[True, jid[idx][1:] != jid[idx][:-1]]
    at[jid[idx][first]] = t_touch[idx][first]
    return at


def _stage_events(day0, jr, orders, g, referrer, window_days):
    """Stage events (shared case D) from the journeys' touches and the orders.

    consider / choose: the first considering / shortlisting touch from the journey's
    second touch on (bought or not); satisfied: a second order placed at most
    ``window_days`` after the first order's cans ran out (``quantity / g`` weeks).
    """
    length, ch, t_touch, owner, names = (jr[k] for k in ("length", "jch", "t_touch", "owner",
                                                          "names"))
    n_j = len(length)
    first = np.r_[0, np.cumsum(length)[:-1]]
    jid = np.repeat(np.arange(n_j), length)
    later = np.arange(len(ch)) > first[jid]
    codes = {c: names.index(c) for c in CONSIDER_CHANNELS}
    consider_at = _first_at(jid, n_j, t_touch, np.isin(ch, list(codes.values())) & later)
    choose_at = _first_at(jid, n_j, t_touch,
                          np.isin(ch, [codes[c] for c in CHOOSE_CHANNELS]) & later)
    ev_c, ev_t, ev_s = [], [], []

    def add(ids, when, stage):
        ev_c.append(ids)
        ev_t.append(when)
        ev_s.append(np.full(len(ids), STAGES.index(stage), np.int8))

    add(owner, t_touch[first], "discover")
    two = length >= 2
    add(owner[two], t_touch[first[two] + 1], "aware")
    for at, stage in ((consider_at, "consider"), (choose_at, "choose")):
        has = ~np.isnan(at)
        add(owner[has], at[has], stage)
    # Orders: the 1st, an on-time 2nd and the 3rd order of each customer.
    cust, t, qty = orders
    o = np.argsort(cust, kind="stable")  # rounds of n-th orders: in time order per customer
    cs, ts_, qs = cust[o], t[o], qty[o]
    first_of = np.r_[True, cs[1:] != cs[:-1]]
    grp_start = np.maximum.accumulate(np.where(first_of, np.arange(len(cs)), 0))
    n_th = np.arange(len(cs)) - grp_start
    on_time = np.zeros(len(cs), bool)
    on_time[1:] = ts_[1:] - ts_[:-1] <= qs[:-1] / g[cs[1:]] * 7.0 + window_days
    loyal_at = np.full(int(cs.max()) + 1 if len(cs) else 1, np.nan)
    for m, stage in ((n_th == 0, "purchase"), ((n_th == 1) & on_time, "satisfied"),
                     (n_th == 2, "loyal")):
        add(cs[m] + 1, ts_[m], stage)
    loyal_at[cs[n_th == 2]] = ts_[n_th == 2]
    # Advocate: a loyal customer who referred someone, from the later of the two dates.
    has_ref = referrer > 0
    adv = pd.Series(jr["first_buy"][has_ref]).groupby(referrer[has_ref]).min()
    adv_t = np.fmax(adv.to_numpy(), loyal_at[adv.index.to_numpy() - 1])
    ok = ~np.isnan(loyal_at[adv.index.to_numpy() - 1])
    add(adv.index.to_numpy()[ok], adv_t[ok], "advocate")
    cid = np.concatenate(ev_c).astype(np.int64)
    when = _to_ts(day0, np.concatenate(ev_t)).astype("datetime64[ns]")
    stage = np.concatenate(ev_s)
    order = np.lexsort((stage, when, cid))
    return pd.DataFrame(
        {
            "customer_id": cid[order],
            "timestamp": when[order],
            "stage": _str_column(stage[order], STAGES),
        }
    )
