"""Look-alikes (case J): customers or areas most similar to a seed group."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

from omnimkt.errors import DataError
from omnimkt.segments._base import as_customer_table


def lookalike_features(data: Any, *, as_of: Any = None, columns: Any = None) -> pd.DataFrame:
    """Default customer features for look-alikes: log orders, log spend, log basket,
    recency, tenure and paid-to-list ratio (when list prices exist).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 2], "amount": [10.0, 20.0],
    ...                    "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02"])})
    >>> list(lookalike_features(tx).columns)
    ['log_orders', 'log_spend', 'log_basket', 'recency_days', 'tenure_days']
    """
    t = as_customer_table(data, as_of=as_of, columns=columns)
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
                 as_of: Any = None, columns: Any = None) -> pd.DataFrame:
    """One row per area (a customers-table column such as region or estate) to match areas.

    Columns: customers, orders_per_customer, spend_per_customer, mean_basket,
    repeat_share (2+ orders), and, with product data, one share of spend per
    product (``share_<product>``).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 2, 3], "amount": [10.0, 20.0, 30.0],
    ...                    "timestamp": pd.to_datetime(["2025-01-01"] * 3)})
    >>> cu = pd.DataFrame({"customer_id": [1, 2, 3], "region": ["a", "a", "b"]})
    >>> area_profile(tx, customers=cu)["spend_per_customer"].tolist()
    [15.0, 30.0]
    """
    if customers is None and hasattr(data, "customers") and not isinstance(data, pd.DataFrame):
        customers = data.customers
    if customers is None or by not in customers.columns or "customer_id" not in customers.columns:
        raise DataError(f"customers.{by}: needed to profile areas; pass customers= with "
                        f"customer_id and {by}.")
    tx = data.transactions if hasattr(data, "transactions") and not isinstance(
        data, pd.DataFrame) else data
    t = as_customer_table(tx, as_of=as_of, columns=columns)
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
    if n < 1:
        raise DataError(f"n: must be at least 1 (got {n}).")
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
