"""Value tiers of the cases: 2-8 rule, 1535 rule, 3+3+4 split, five types, four classes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_columns, check_choice, check_frame, check_number
from omnimkt._result import Result
from omnimkt.errors import DataError, ModelError
from omnimkt.pricing_rule import (
    DEFAULT_BASKET,
    HIGH,
    LOW,
    SENSITIVITY_LABELS,
    check_rule,
    price_rule,
)
from omnimkt.segments._base import (
    align_side,
    as_customer_table,
    check_shares,
    history,
    transactions_of,
)


class TierResult(Result):
    """A tier per customer (``tiers``) and the tier sizes and value (``summary``).

    Built from integer tier codes (positions in ``labels``) so that millions of
    customers cost a few array operations.
    """

    def __init__(self, codes: Any, labels: list[str], index: pd.Index, value: Any, *,
                 title: str, targets: dict[str, float] | None = None,
                 notes: list[str] | None = None) -> None:
        self.title = title
        codes = np.asarray(codes, dtype=np.int64)
        val = np.nan_to_num(np.asarray(value, dtype=float))
        self.tiers = pd.Series(pd.Categorical.from_codes(codes, categories=list(labels),
                                                         ordered=True),
                               index=index, name="tier")
        self.value = pd.Series(val, index=index, name="value")
        k = len(labels)
        counts = np.bincount(codes, minlength=k)
        sums = np.bincount(codes, weights=val, minlength=k)
        total = float(val.sum())
        summary = pd.DataFrame({"customers": counts, "share": counts / max(len(codes), 1)},
                               index=pd.Index(list(labels), name="tier"))
        if targets is not None:
            summary.insert(1, "target_share", [targets[lab] for lab in labels])
        summary["value"] = sums
        summary["value_share"] = sums / total if total > 0 else np.nan
        with np.errstate(divide="ignore", invalid="ignore"):
            summary["mean_value"] = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
        self.summary = summary
        self.notes = notes or []


def _value_series(data: Any, value: Any, cutoff: Any, columns: Any
                  ) -> tuple[pd.DataFrame | None, pd.Series]:
    """Per-customer table (None if data is a Series) and the value used for ranking."""
    if isinstance(data, pd.Series):
        as_columns(columns)
        table, val = None, data
    else:
        table = as_customer_table(data, cutoff=cutoff, columns=columns)
        val = table["spend"] if value is None else value
    if not isinstance(val, pd.Series):
        raise DataError("value: expected a pandas Series indexed by customer_id.")
    if len(val) == 0:
        raise DataError("value: no customers (0 rows). Pass at least one customer.")
    if pd.api.types.is_bool_dtype(val.dtype):
        raise DataError("value: holds True/False, not amounts. Pass spend or CLV in yuan.")
    v = pd.to_numeric(val, errors="coerce").astype(float)
    if table is not None and not v.index.equals(table.index):
        v = v.reindex(table.index)
    bad = ~np.isfinite(v.to_numpy())
    if bad.any():
        raise DataError(f"value: {int(bad.sum())} customers have no (finite) value "
                        f"(e.g. ids {list(v.index[bad][:3])}). Fill them (e.g. with 0).")
    neg = (v < 0).to_numpy()
    if neg.any():
        raise DataError(f"value: {int(neg.sum())} customers have negative value "
                        f"(e.g. {list(v[neg].round(2)[:3])}). Spend and CLV must be >= 0.")
    v.index.name = "customer_id"
    return table, v.rename("value")


def _order(index: pd.Index, *keys_desc: Any) -> np.ndarray:
    """Positions of ``index`` ordered by the keys (each descending), then id ascending."""
    n = len(index)
    if index.is_monotonic_increasing:
        tie = None  # positions already follow the ids
    else:
        try:
            tie = np.empty(n, dtype=np.int64)
            tie[np.argsort(index.to_numpy(), kind="stable")] = np.arange(n)
        except TypeError:  # ids of mixed types: keep the given order
            tie = None
    order = np.arange(n) if tie is None else np.argsort(tie, kind="stable")
    # successive stable sorts, least significant key first (faster than lexsort here)
    for k in reversed(keys_desc):
        key = -np.nan_to_num(np.asarray(k, dtype=float))[order]
        order = order[np.argsort(key, kind="stable")]
    return order


def _quota_codes(n: int, shares: np.ndarray) -> np.ndarray:
    """Codes 0, 0, ..., 1, 1, ..., 2 ... with group i ending at round(n * cumulative share)."""
    bounds = np.floor(np.cumsum(shares) * n + 0.5).astype(int)
    bounds[-1] = n
    return np.searchsorted(bounds, np.arange(n), side="right")


class ParetoResult(TierResult):
    """The 2-8 rule checked on data: the top ``top_share`` of customers and their value share."""

    def __init__(self, codes: np.ndarray, labels: list[str], value: pd.Series,
                 top_share: float) -> None:
        super().__init__(codes, labels, value.index, value.to_numpy(),
                         title=f"{top_share:.0%} of customers and their value")
        self.top_share = top_share
        self.customer_share = float(self.summary["share"].iloc[0])
        self.value_share = float(self.summary["value_share"].iloc[0])
        v = np.sort(value.to_numpy())[::-1]
        cum = np.r_[0.0, np.cumsum(v)]
        n = len(v)
        # at most ~1,000 points: enough for a curve, small for millions of customers
        pos = np.unique(np.round(np.linspace(0, n, min(n, 1000) + 1)).astype(int))
        self.lorenz = pd.DataFrame({"customer_share": pos / n, "value_share": cum[pos] / cum[-1]})
        self.notes = [f"The top {self.customer_share:.1%} of customers bring "
                      f"{self.value_share:.1%} of the value (the 2-8 rule says about 80%)."]


def pareto_split(data: Any, *, top_share: float = 0.2, value: pd.Series | None = None,
                 cutoff: Any = None, columns: Any = None) -> ParetoResult:
    """The "2-8" rule (case C): the top 20% of customers by value and their value share.

    Customers are ranked by value (total spend, or ``value`` such as a CLV),
    ties broken by customer id; the first ``round(top_share * n)`` (at least
    one) form the top tier. ``value_share`` is the share of all value they
    bring, to compare with the rule's 80%. ``data`` is transactions (or a
    Dataset, or a :func:`customer_table`) or a value Series indexed by
    customer_id; ``cutoff`` is the inclusive last day of history (default: the
    day of the last purchase).

    Examples
    --------
    >>> import pandas as pd
    >>> v = pd.Series([100.0, 50, 20, 10, 5, 5, 4, 3, 2, 1], index=range(1, 11))
    >>> res = pareto_split(v)
    >>> res.customer_share, res.value_share
    (0.2, 0.75)
    """
    top_share = check_number(top_share, "top_share", low=0, high=1, low_open=True,
                             high_open=True)
    _, v = _value_series(data, value, cutoff, columns)
    if float(v.sum()) <= 0:
        raise DataError(f"value: all {len(v)} customers have zero value; shares of value are "
                        "undefined. Check the amount column.")
    n_top = max(1, int(np.floor(top_share * len(v) + 0.5)))
    codes = np.ones(len(v), dtype=np.int64)
    codes[_order(v.index, v.to_numpy())[:n_top]] = 0
    labels = [f"top {top_share:.0%}", f"other {1 - top_share:.0%}"]
    return ParetoResult(codes, labels, v, top_share)


def _referrals(customers: pd.DataFrame | None, index: pd.Index) -> pd.Series:
    """Number of customers each customer referred (customers.referrer_id)."""
    if customers is None or "referrer_id" not in customers.columns:
        return pd.Series(0, index=index, dtype="int64")
    ref = customers["referrer_id"].dropna()
    if not len(ref):
        return pd.Series(0, index=index, dtype="int64")
    if pd.api.types.is_numeric_dtype(ref.dtype) and pd.api.types.is_numeric_dtype(index.dtype):
        ref = ref.astype("int64")
    return ref.value_counts().reindex(index, fill_value=0).astype("int64")


def _customers_of(data: Any, customers: pd.DataFrame | None) -> pd.DataFrame | None:
    if customers is None and hasattr(data, "customers") and not isinstance(data, pd.DataFrame):
        customers = data.customers
    if customers is not None:
        check_frame(customers, "customers")
    if customers is not None and "customer_id" not in customers.columns:
        raise DataError("customers: missing column customer_id. Rename it or pass "
                        "columns=omnimkt.Columns(...).")
    return customers


def _touchpoints_of(data: Any, touchpoints: pd.DataFrame | None) -> pd.DataFrame | None:
    if touchpoints is None and hasattr(data, "touchpoints") and not isinstance(data, pd.DataFrame):
        touchpoints = data.touchpoints
    if touchpoints is not None:
        check_frame(touchpoints, "touchpoints")
    if touchpoints is not None and "customer_id" not in touchpoints.columns:
        raise DataError("touchpoints: missing column customer_id.")
    return touchpoints


def tiers_1535(data: Any, *, customers: pd.DataFrame | None = None,
               shares: tuple[float, float, float] = (0.15, 0.35, 0.50),
               score: pd.Series | None = None, cutoff: Any = None,
               columns: Any = None) -> TierResult:
    """The "1535" rule (case C): 15% opinion leaders, 35% intent, 50% to nurture.

    Rule: customers are ranked by (number of customers they referred,
    ``score``, total spend), all descending, then customer id; the first 15%
    are **opinion leaders** (people who already refer others come first, as
    their word moves others), the next 35% **intent** customers and the last
    50% customers **to nurture**. Default ``score``: the RFM score sum
    (R + F + M quintiles), so intent favours recent, frequent buyers.

    Examples
    --------
    >>> import pandas as pd
    >>> v = pd.Series(range(20, 0, -1), index=range(1, 21), dtype=float)
    >>> tiers_1535(v).summary["customers"].tolist()
    [3, 7, 10]
    """
    labels = ["opinion leader", "intent", "nurture"]
    s = check_shares(shares, labels, "shares")
    customers = _customers_of(data, customers)
    table, v = _value_series(data, None, cutoff, columns)
    if score is None:
        if table is not None:
            from omnimkt.segments.rfm import rfm_scores
            score = rfm_scores(table).scores["rfm_sum"]
        else:
            score = v
    if not isinstance(score, pd.Series):
        raise ModelError("score: expected a pandas Series indexed by customer_id.")
    score = score.reindex(v.index) if not score.index.equals(v.index) else score
    ids, customers = align_side(v.index, customers, "customers")
    if ids is not v.index:
        v, score = v.set_axis(ids), score.set_axis(ids)
    order = _order(v.index, _referrals(customers, v.index).to_numpy(), score.to_numpy(),
                   v.to_numpy())
    codes = np.empty(len(v), dtype=np.int64)
    codes[order] = _quota_codes(len(v), s)
    return TierResult(codes, labels, v.index, v.to_numpy(), title="1535 tiers",
                      targets=dict(zip(labels, s, strict=True)))


def split_334(data: Any, *, shares: tuple[float, float, float] = (0.3, 0.3, 0.4),
              value: pd.Series | None = None, min_orders: int = 2,
              prospects: Any = None, cutoff: Any = None, columns: Any = None) -> TierResult:
    """The "3 + 3 + 4" customer structure (case B): old, key development, potential.

    Rules, with n = buyers + ``prospects``:

    * **old** customers: repeat buyers (``min_orders``+ orders), longest
      relationship first, up to 30% of n (fewer if there are fewer repeat
      buyers);
    * **key development**: of the remaining buyers, the highest predicted value
      first, up to 30% of n. Predicted value: ``value`` if given (e.g. a CLV),
      else the annualised spend, spend / max(tenure, 30 days) x 365;
    * **potential**: everyone else, including prospects (ids given in
      ``prospects`` that never bought).

    ``summary`` compares the actual shares with the 30/30/40 targets.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-10",
    ...         "2025-02-10", "2025-02-01", "2025-02-02", "2025-02-03", "2025-02-04",
    ...         "2025-02-05", "2025-02-06", "2025-02-07", "2025-02-08"]),
    ...     "amount": [10.0, 10, 10, 10, 90, 80, 70, 5, 5, 5, 5, 5]})
    >>> split_334(tx).summary["customers"].tolist()
    [2, 3, 5]
    """
    labels = ["old", "key development", "potential"]
    s = check_shares(shares, labels, "shares")
    min_orders = check_number(min_orders, "min_orders", low=1, integer=True)
    table = as_customer_table(data, cutoff=cutoff, columns=columns)
    if value is None:
        pred = table["spend"] / np.maximum(table["tenure_days"], 30.0) * 365.0
    else:
        _, pred = _value_series(table, value, cutoff, columns)
    ids = table.index
    extra = pd.Index([], dtype=ids.dtype)
    if prospects is not None:
        p = pd.Index(pd.unique(np.asarray(prospects)))
        extra = p.difference(ids)
    n = len(ids) + len(extra)
    n_old = int(np.floor(s[0] * n + 0.5))
    n_key = int(np.floor((s[0] + s[1]) * n + 0.5)) - n_old
    repeat = (table["orders"] >= min_orders).to_numpy()
    codes = np.full(len(ids), 2, dtype=np.int64)
    # old: repeat buyers, longest tenure first (non-repeat buyers sort last and are cut)
    tenure = np.where(repeat, table["tenure_days"].to_numpy(dtype=float), -np.inf)
    old = _order(ids, tenure)[:min(n_old, int(repeat.sum()))]
    codes[old] = 0
    rest_pred = np.where(codes == 2, pred.to_numpy(dtype=float), -np.inf)
    key = _order(ids, rest_pred)[:min(n_key, int((codes == 2).sum()))]
    codes[key] = 1
    codes = np.r_[codes, np.full(len(extra), 2, dtype=np.int64)]
    spend = np.r_[table["spend"].to_numpy(dtype=float), np.zeros(len(extra))]
    notes = []
    if len(old) < n_old:
        notes.append(f"Only {int(repeat.sum()):,} repeat buyers: the old-customer tier holds "
                     f"{len(old) / n:.0%} instead of {s[0]:.0%}.")
    return TierResult(codes, labels, ids.append(extra), spend,
                      title="3+3+4 customer structure",
                      targets=dict(zip(labels, s, strict=True)), notes=notes)


def _prospects(touchpoints: pd.DataFrame | None, customers: pd.DataFrame | None,
               buyers: pd.Index) -> tuple[pd.Index, pd.Index]:
    """(intent, potential) prospects: never bought; intent = clicked or visited."""
    intent = pd.Index([], dtype="int64")
    everyone = pd.Index([], dtype="int64")
    if touchpoints is not None and len(touchpoints):
        tp = touchpoints[~touchpoints["customer_id"].isin(buyers)]
        everyone = everyone.append(pd.Index(tp["customer_id"].unique()))
        if "event" in tp.columns:
            engaged = tp["event"].astype(str).isin(["click", "visit"])
            intent = pd.Index(tp.loc[engaged, "customer_id"].unique())
        else:
            intent = pd.Index(tp["customer_id"].unique())
    if customers is not None and len(customers):
        everyone = everyone.append(pd.Index(customers["customer_id"]).difference(buyers))
    everyone = everyone.unique().sort_values()
    intent = intent.unique().sort_values()
    return intent, everyone.difference(intent)


def _aligned(data: Any, customers: pd.DataFrame | None, touchpoints: pd.DataFrame | None,
             cutoff: Any, columns: Any) -> tuple[pd.DataFrame, Any, Any]:
    """The customer table and the side tables with comparable customer ids."""
    table = as_customer_table(data, cutoff=cutoff, columns=columns)
    ids, customers = align_side(table.index, customers, "customers")
    ids, touchpoints = align_side(ids, touchpoints, "touchpoints")
    # once more: touchpoints may have turned the ids into text
    ids, customers = align_side(ids, customers, "customers")
    if ids is not table.index:
        table = table.set_axis(ids)
    return table, customers, touchpoints


def five_types(data: Any, *, customers: pd.DataFrame | None = None,
               touchpoints: pd.DataFrame | None = None, premium_share: float = 0.2,
               cutoff: Any = None, columns: Any = None) -> TierResult:
    """The five basic customer types of case C.

    Rules, applied in this order:

    * **opinion leader**: referred at least one customer (``customers.referrer_id``);
    * **premium large**: the top ``premium_share`` (20%) of the other buyers by
      spend (ties by id);
    * **small and medium**: the other buyers;
    * **intent / target**: never bought, but clicked or visited (touchpoints
      ``event``; any touchpoint when there is no event column);
    * **potential**: never bought and no engagement (impressions only, or known
      only from the customers table).

    Without customers / touchpoints tables the corresponding types stay empty.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 2, 3, 4, 5],
    ...     "timestamp": pd.to_datetime(["2025-01-01"] * 5), "amount": [10.0, 20, 30, 40, 50]})
    >>> five_types(tx).tiers.astype(str).tolist()
    ['small and medium', 'small and medium', 'small and medium', 'small and medium', 'premium large']
    """
    labels = ["opinion leader", "premium large", "small and medium", "intent / target",
              "potential"]
    customers = _customers_of(data, customers)
    touchpoints = _touchpoints_of(data, touchpoints)
    premium_share = check_number(premium_share, "premium_share", low=0, high=1)
    table, customers, touchpoints = _aligned(data, customers, touchpoints, cutoff, columns)
    leader = (_referrals(customers, table.index) > 0).to_numpy()
    codes = np.where(leader, 0, 2).astype(np.int64)
    n_prem = int(np.floor(premium_share * int((~leader).sum()) + 0.5))
    spend = np.where(leader, -np.inf, table["spend"].to_numpy(dtype=float))
    codes[_order(table.index, spend)[:n_prem]] = 1
    intent, potential = _prospects(touchpoints, customers, table.index)
    codes = np.r_[codes, np.full(len(intent), 3), np.full(len(potential), 4)]
    index = table.index.append(intent).append(potential).rename("customer_id")
    value = np.r_[table["spend"].to_numpy(dtype=float), np.zeros(len(intent) + len(potential))]
    return TierResult(codes, labels, index, value, title="Five customer types")


def _category_units(data: Any, index: pd.Index, category: str | None, cutoff: Any,
                    columns: Any) -> np.ndarray:
    """Units (cans) bought per customer of ``index`` up to the cutoff, in ``category``."""
    if isinstance(data, pd.DataFrame) and {"orders", "spend", "recency_days"} <= set(data.columns):
        raise DataError("four_classes(loyal_by='cans') needs the transactions (quantity per "
                        "line), not a customer table. Pass the transactions or a Dataset.")
    tx, _, _ = history(transactions_of(data, columns), cutoff)
    if "quantity" not in tx.columns:
        raise DataError("transactions.quantity: column missing; loyal_by='cans' counts cans. "
                        "Add the quantity or use loyal_by='orders'.")
    if category is not None:
        if "category" not in tx.columns:
            raise DataError(f"transactions.category: column missing; cannot keep category "
                            f"{category!r}. Pass category=None to count every product.")
        tx = tx[tx["category"] == category]
    units = pd.to_numeric(tx["quantity"], errors="coerce").groupby(tx["customer_id"]).sum()
    if index.dtype != units.index.dtype:
        units.index = units.index.astype(str)
        index = index.astype(str)
    return units.reindex(index).fillna(0.0).to_numpy(dtype=float)


def four_classes(data: Any, *, customers: pd.DataFrame | None = None,
                 touchpoints: pd.DataFrame | None = None, loyal_by: str = "orders",
                 loyal_orders: int = 3, loyal_cans: float = 3,
                 category: str | None = "formula", recent_days: float = 90.0,
                 cutoff: Any = None, columns: Any = None) -> TierResult:
    """The formula brand's four classes (case A): potential, ordinary, loyal, advocate.

    Rules, applied in this order:

    * **advocate**: a buyer who referred at least one customer
      (``customers.referrer_id`` points to them);
    * **loyal**: a purchase within the last ``recent_days`` (90) days and
      either ``loyal_orders`` (3) or more orders (``loyal_by="orders"``,
      default) or ``loyal_cans`` (3) or more units bought in ``category``
      ("formula"; None = every product) (``loyal_by="cans"``);
    * **ordinary**: two or more orders (repeat buyers not loyal);
    * **potential**: one order, or never bought (prospects from the
      touchpoints and customers tables).

    The article names the four classes but gives no threshold for "loyal";
    its only number is the habit: "after three cans the baby is used to the
    taste". Three cans are not three orders (one three-can pack is one order),
    so both readings are offered. The default counts orders, because coming
    back is what loyalty shows and one three-can pack bought last week shows
    no return yet; ``loyal_by="cans"`` is the three-can reading (it needs the
    transactions with quantity, and category to keep formula only).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2, 3],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01",
    ...                                  "2025-01-01", "2025-02-01", "2025-03-01"]),
    ...     "amount": 100.0})
    >>> four_classes(tx, cutoff="2025-03-09").tiers.astype(str).tolist()
    ['loyal', 'ordinary', 'potential']
    >>> tx["quantity"] = [1, 1, 1, 3, 1, 2]     # customer 2: four cans in two orders
    >>> four_classes(tx, cutoff="2025-03-09", loyal_by="cans",
    ...              category=None).tiers.astype(str).tolist()
    ['loyal', 'loyal', 'potential']
    """
    labels = ["potential", "ordinary", "loyal", "advocate"]
    customers = _customers_of(data, customers)
    touchpoints = _touchpoints_of(data, touchpoints)
    loyal_by = check_choice(loyal_by, "loyal_by", ("orders", "cans"))
    loyal_orders = check_number(loyal_orders, "loyal_orders", low=1, integer=True)
    loyal_cans = check_number(loyal_cans, "loyal_cans", low=0, low_open=True)
    recent_days = check_number(recent_days, "recent_days", low=0)
    if category is not None and not isinstance(category, str):
        raise ModelError(f"category: expected a category name such as 'formula' or None, "
                         f"got {category!r}.")
    table, customers, touchpoints = _aligned(data, customers, touchpoints, cutoff, columns)
    refs = _referrals(customers, table.index).to_numpy()
    orders = table["orders"].to_numpy()
    rec = table["recency_days"].to_numpy()
    past = (orders >= loyal_orders if loyal_by == "orders"
            else _category_units(data, table.index, category, cutoff, columns) >= loyal_cans)
    codes = np.select([refs > 0, past & (rec <= recent_days), orders >= 2],
                      [3, 2, 1], default=0).astype(np.int64)
    intent, potential = _prospects(touchpoints, customers, table.index)
    prospects = intent.append(potential).sort_values()
    codes = np.r_[codes, np.zeros(len(prospects), dtype=np.int64)]
    index = table.index.append(prospects).rename("customer_id")
    value = np.r_[table["spend"].to_numpy(dtype=float), np.zeros(len(prospects))]
    notes = [] if customers is not None and "referrer_id" in customers.columns else [
        "No customers.referrer_id: nobody can be classed as advocate."]
    return TierResult(codes, labels, index, value, title="Four customer classes", notes=notes)


class PriceSensitivityResult(TierResult):
    """Price sensitivity per customer from basket size, with the offer type to send."""


def price_sensitivity(data: Any, *, high: float = HIGH, low: float = LOW,
                      basket: str = DEFAULT_BASKET, cutoff: Any = None,
                      columns: Any = None) -> PriceSensitivityResult:
    """Price sensitivity from what a customer regularly spends per order (case A).

    The rule of :mod:`omnimkt.pricing_rule` (the same function the
    replenishment model's offer types use): a customer whose typical order
    (``basket="median"`` order value, the documented default, or ``"mean"``;
    yuan) is **above** ``high`` (400) is *not price sensitive* -> send
    service content (classes, exclusive events); **below** ``low`` (200) is
    *price sensitive* -> send price offers; in between (400 and 200
    included) -> the standard offer. ``table`` holds basket, sensitivity and
    offer per customer.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 2, 3], "amount": [500.0, 300.0, 100.0],
    ...                    "timestamp": pd.to_datetime(["2025-01-01"] * 3)})
    >>> price_sensitivity(tx).table["offer"].tolist()
    ['service content', 'standard offer', 'price offer']
    """
    high, low, basket = check_rule(high, low, basket)
    table = as_customer_table(data, cutoff=cutoff, columns=columns)
    # customer_table's median / mean basket = pricing_rule.typical_basket over the orders
    b = table[f"{basket}_basket"]
    codes = price_rule(b.to_numpy(dtype=float), high=high, low=low)
    labels = list(SENSITIVITY_LABELS)
    res = PriceSensitivityResult(codes, labels, table.index, table["spend"].to_numpy(),
                                 title="Price sensitivity by basket size",
                                 notes=[f"Typical ({basket}) order > {high:g} yuan = not "
                                        f"sensitive; < {low:g} yuan = sensitive."])
    offers = ["service content", "standard offer", "price offer"]
    res.table = pd.DataFrame({
        "basket": b,
        "sensitivity": res.tiers.to_numpy(),
        "offer": pd.Categorical.from_codes(codes, categories=offers),
    }, index=table.index)
    return res


def asset_cube(data: Any, *, by: str | None = None, cutoff: Any = None,
               columns: Any = None) -> pd.DataFrame:
    """The consumer asset cube (case D) as a small table.

    * **width** = number of customers (``customers``) and the breadth of data
      on them (``data_breadth``: mean number of data kinds per customer among
      transactions, touchpoints, profile (customers table) and lifecycle stage
      events, 1-4);
    * **length** = mean relationship length in days (``length_days``: first to
      last purchase; ``tenure_days``: first purchase to the end of the
      ``cutoff`` day);
    * **height** = value per customer (``height_value``: mean spend, yuan);
    * ``volume`` = customers x length in years x height: the cube's size, to
      compare groups or dates.

    ``by`` names a customers-table column (e.g. "region") to get one cube per
    group.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [100.0, 100.0, 50.0],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-31", "2025-01-10"])})
    >>> asset_cube(tx)[["customers", "length_days", "height_value"]].iloc[0].tolist()
    [2.0, 15.0, 125.0]
    """
    if by is not None and not isinstance(by, str):
        raise ModelError(f"by: expected a customers-table column name or None, got {by!r}.")
    customers = _customers_of(data, None)
    touchpoints = _touchpoints_of(data, None)
    stages = getattr(data, "stage_events", None) if not isinstance(data, pd.DataFrame) else None
    table, customers, touchpoints = _aligned(data, customers, touchpoints, cutoff, columns)
    _, stages = align_side(table.index, stages, "stage_events")
    breadth = pd.Series(1.0, index=table.index)
    for extra in (touchpoints, customers, stages):
        if extra is not None and "customer_id" in extra.columns:
            breadth += table.index.isin(extra["customer_id"].unique()).astype(float)
    frame = table[["lifespan_days", "tenure_days", "spend"]].assign(breadth=breadth)
    if by is not None:
        if customers is None or by not in customers.columns:
            raise DataError(f"customers.{by}: column not available to group the cube by. "
                            "Pass a Dataset with a customers table holding it.")
        grp = customers.drop_duplicates("customer_id").set_index("customer_id")[by]
        frame["group"] = grp.reindex(frame.index).astype(object).fillna("unknown")
    else:
        frame["group"] = "all customers"
    g = frame.groupby("group", sort=True)
    out = pd.DataFrame({
        "customers": g.size().astype(float),
        "data_breadth": g["breadth"].mean(),
        "length_days": g["lifespan_days"].mean(),
        "tenure_days": g["tenure_days"].mean(),
        "height_value": g["spend"].mean(),
    })
    out["volume"] = out["customers"] * out["length_days"] / 365.25 * out["height_value"]
    out.index.name = by or "cube"
    return out
