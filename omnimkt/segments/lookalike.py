"""Look-alikes (case J): customers or areas most similar to a seed group."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

from omnimkt._gate import check_bool, check_frame, check_number
from omnimkt.errors import DataError, ModelError
from omnimkt.segments._base import (
    align_side,
    as_customer_table,
    customer_table,
    transactions_of,
)


def lookalike_features(data: Any, *, cutoff: Any = None, columns: Any = None) -> pd.DataFrame:
    """Default customer features for look-alikes: log orders, log spend, log basket,
    recency, tenure and paid-to-list ratio (when list prices exist).

    ``cutoff`` is the inclusive last day of history (default: the day of the
    last purchase); recency and tenure are measured to the end of that day.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 2], "amount": [10.0, 20.0],
    ...                    "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02"])})
    >>> list(lookalike_features(tx).columns)
    ['log_orders', 'log_spend', 'log_basket', 'recency_days', 'tenure_days']
    """
    t = as_customer_table(data, cutoff=cutoff, columns=columns)
    out = pd.DataFrame({
        "log_orders": np.log1p(t["orders"].astype(float)),
        "log_spend": np.log1p(t["spend"]),
        "log_basket": np.log1p(t["mean_basket"]),
        "recency_days": t["recency_days"],
        "tenure_days": t["tenure_days"],
    }, index=t.index)
    if t["price_ratio"].notna().any():
        out["price_ratio"] = t["price_ratio"].fillna(t["price_ratio"].median())
    return out


def area_profile(data: Any, *, by: str = "region", customers: pd.DataFrame | None = None,
                 cutoff: Any = None, columns: Any = None) -> pd.DataFrame:
    """One row per area (a customers-table column such as region or estate) to match areas.

    Columns: customers, orders_per_customer, spend_per_customer, mean_basket,
    repeat_share (2+ orders), and, with product data, one share of spend per
    product (``share_<product>``). ``cutoff`` is the inclusive last day of
    history (default: the day of the last purchase).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 2, 3], "amount": [10.0, 20.0, 30.0],
    ...                    "timestamp": pd.to_datetime(["2025-01-01"] * 3)})
    >>> cu = pd.DataFrame({"customer_id": [1, 2, 3], "region": ["a", "a", "b"]})
    >>> area_profile(tx, customers=cu)["spend_per_customer"].tolist()
    [15.0, 30.0]
    """
    if not isinstance(by, str):
        raise ModelError(f"by: expected a customers-table column name, got {by!r}.")
    if customers is None and hasattr(data, "customers") and not isinstance(data, pd.DataFrame):
        customers = data.customers
    if customers is not None:
        check_frame(customers, "customers")
    if customers is None or by not in customers.columns or "customer_id" not in customers.columns:
        raise DataError(f"customers.{by}: needed to profile areas; pass customers= with "
                        f"customer_id and {by}.")
    tx = transactions_of(data, columns)
    t = customer_table(tx, cutoff=cutoff, validate=False)
    ids, customers = align_side(t.index, customers, "customers")
    if ids is not t.index:
        t = t.set_axis(ids)
        tx = tx.assign(customer_id=pd.Index(tx["customer_id"]).astype("str"))
    area = customers.drop_duplicates("customer_id").set_index("customer_id")[by]
    area = area.reindex(t.index).astype(object).fillna("unknown")
    g = t.groupby(area.to_numpy())
    out = pd.DataFrame({
        "customers": g.size().astype(float),
        "orders_per_customer": g["orders"].mean(),
        "spend_per_customer": g["spend"].mean(),
        "mean_basket": g["spend"].sum() / g["orders"].sum(),
        "repeat_share": g["orders"].apply(lambda s: float((s >= 2).mean())),
    })
    if "product" in tx.columns:
        lines = tx[["customer_id", "product", "amount"]].copy()
        lines["area"] = area.reindex(lines["customer_id"]).to_numpy()
        mix = lines.pivot_table(index="area", columns="product", values="amount",
                                aggfunc="sum", fill_value=0.0, observed=True)
        mix = mix.div(mix.sum(axis=1), axis=0).add_prefix("share_")
        out = out.join(mix)
    out.index.name = by
    return out


def _as_list(value: Any) -> list[Any]:
    """A scalar as a one-element list; a list-like as a list (strings stay whole)."""
    if isinstance(value, str) or np.isscalar(value) or value is None:
        return [value]
    return list(value)


def seed_group(tiers: Any, tier: str | Sequence[str], *, customers: Any = None,
               where: Mapping[str, Any] | None = None) -> pd.Index:
    """Customer ids in one or more tiers, optionally restricted by customer attributes.

    Picks the seed group (or the candidate pool) for :func:`lookalikes`, e.g. the
    advocates of one region: customers whose tier is in ``tier`` and, for every
    ``column: value`` of ``where``, whose ``customers[column]`` equals ``value``
    (or is one of the values, if a list). Customers missing from the customers
    table do not match any ``where`` condition.

    Parameters
    ----------
    tiers : TierResult or Series
        A tier per customer: the result of :func:`four_classes`, :func:`five_types`,
        :func:`tiers_1535`, ... or its ``tiers`` Series (index customer_id).
    tier : str or list of str
        Tier label(s) to keep, e.g. ``"advocate"`` or ``["ordinary", "loyal"]``.
    customers : DataFrame or Dataset, optional
        Customers table with ``customer_id`` and the ``where`` columns (a Dataset's
        ``customers`` is used). Needed only with ``where``.
    where : dict, optional
        Column -> value (or list of values), e.g. ``{"region": "east"}``.

    Returns
    -------
    Index
        Customer ids (name ``customer_id``) in the order of ``tiers``.

    Raises
    ------
    ModelError
        Unknown tier label.
    DataError
        Missing customers table or column, customer ids that match none of the
        tiers' ids (text vs integer ids are reconciled), or an empty group.

    Examples
    --------
    >>> import pandas as pd
    >>> tiers = pd.Series(["advocate", "loyal", "advocate"], index=[1, 2, 3])
    >>> cu = pd.DataFrame({"customer_id": [1, 2, 3], "region": ["east", "east", "west"]})
    >>> seed_group(tiers, "advocate", customers=cu, where={"region": "east"}).tolist()
    [1]
    >>> seed_group(tiers, ["advocate", "loyal"]).tolist()
    [1, 2, 3]
    """
    t = getattr(tiers, "tiers", tiers)
    if not isinstance(t, pd.Series):
        raise DataError("tiers: expected a tier result (e.g. four_classes(...)) or a Series "
                        "of tier labels indexed by customer_id.")
    if where is not None and not isinstance(where, Mapping):
        raise ModelError(f"where: expected a dict such as {{'region': 'east'}}, got {where!r}.")
    labels = _as_list(tier)
    known = list(t.cat.categories) if isinstance(t.dtype, pd.CategoricalDtype) else list(
        pd.unique(t.dropna()))
    unknown = [lab for lab in labels if lab not in known]
    if unknown:
        raise ModelError(f"tier: {len(unknown)} label(s) not among the tiers "
                        f"(e.g. {unknown[:3]}); the tiers are {known}.")
    mask = t.isin(labels).to_numpy(dtype=bool)
    conditions = dict(where or {})
    if conditions:
        if customers is not None and not isinstance(customers, pd.DataFrame):
            customers = getattr(customers, "customers", None)
        if customers is None:
            raise DataError(f"customers: needed to filter on {list(conditions)}; pass "
                            "customers= (a customers table or a Dataset with one).")
        check_frame(customers, "customers")
        need = ["customer_id", *conditions]
        absent = [c for c in need if c not in customers.columns]
        if absent:
            raise DataError(f"customers: missing column(s) {absent}; they are needed to "
                            f"filter on {list(conditions)}.")
        ids, customers = align_side(t.index, customers, "customers")
        attrs = customers.drop_duplicates("customer_id").set_index("customer_id")
        attrs = attrs.reindex(ids)
        for col, value in conditions.items():
            # Missing attributes (ids absent from customers) compare False.
            mask = mask & attrs[col].isin(_as_list(value)).to_numpy(dtype=bool)
    out = t.index[mask].rename("customer_id")
    if len(out) == 0:
        cond = "".join(f" with {c} in {_as_list(v)}" for c, v in conditions.items())
        raise DataError(f"seed group is empty: no customer in tier(s) {labels}{cond}. "
                        "Check the tier and the filter values.")
    return out


def lookalikes(features: pd.DataFrame, seeds: Any, *, n: int = 10,
               exclude_seeds: bool = True, candidates: Any = None) -> pd.DataFrame:
    """Rows of ``features`` most similar to a seed group (nearest neighbours).

    Features are standardised (``StandardScaler`` over all rows) and scikit-learn's
    ``NearestNeighbors`` (Euclidean) measures, for every candidate, the distance
    to its nearest seed; the ``n`` closest candidates come back, closest first
    (ties by index). ``features`` can describe customers
    (:func:`lookalike_features`) or areas (:func:`area_profile`).

    Returns
    -------
    DataFrame indexed like ``features`` with distance, nearest_seed and rank.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"x": [0.0, 0.1, 5.0, 5.2, 9.0]}, index=list("abcde"))
    >>> lookalikes(f, ["c"], n=2).index.tolist()
    ['d', 'e']
    """
    n = check_number(n, "n", low=1, integer=True)
    check_bool(exclude_seeds, "exclude_seeds")
    if not isinstance(features, pd.DataFrame) or features.empty:
        raise DataError("features: expected a non-empty DataFrame (one row per customer or area).")
    num = features.select_dtypes("number")
    if num.shape[1] == 0:
        raise DataError("features: no numeric column to compare rows on.")
    bad = num.isna().any(axis=1)
    if bad.any():
        raise DataError(f"features: {int(bad.sum())} rows have missing values "
                        f"(e.g. {list(num.index[bad][:3])}). Fill or drop them.")
    seeds = pd.Index(list(seeds) if not np.isscalar(seeds) else [seeds]).unique()
    if len(seeds) == 0:
        raise DataError("seeds: the seed group is empty. Pass at least one id.")
    missing = seeds[~seeds.isin(num.index)]
    if len(missing):
        raise DataError(f"seeds: {len(missing)} seed id(s) not in features "
                        f"(e.g. {list(missing[:3])}).")
    z = StandardScaler().fit_transform(num.to_numpy(dtype=float))
    z = np.nan_to_num(z)
    pos = pd.Series(np.arange(len(num)), index=num.index)
    seed_pos = pos.loc[seeds].to_numpy()
    mask = np.ones(len(num), dtype=bool)
    if exclude_seeds:
        mask[seed_pos] = False
    if candidates is not None:
        mask &= num.index.isin(list(candidates))
    cand = np.flatnonzero(mask)
    if len(cand) == 0:
        raise DataError("candidates: no row left to match once the seeds are excluded.")
    nn = NearestNeighbors(n_neighbors=1).fit(z[seed_pos])
    dist, which = nn.kneighbors(z[cand])
    out = pd.DataFrame({"distance": dist[:, 0],
                        "nearest_seed": num.index[seed_pos][which[:, 0]]},
                       index=num.index[cand])
    out["_i"] = np.arange(len(out))
    out = out.sort_values(["distance", "_i"], kind="stable").drop(columns="_i").head(n)
    out["rank"] = np.arange(1, len(out) + 1)
    return out
