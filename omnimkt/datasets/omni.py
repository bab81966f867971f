"""Fulfilment and stores for a synthetic world's orders (case M's stages 2 and 3).

The main world (:func:`omnimkt.datasets.generate`) records where an order was
placed, not how it was fulfilled. :func:`add_fulfilment` adds a simulated
fulfilment process on top, without touching the world's own draws:

* every customer has a home (nearest) store, drawn uniformly from ``n_stores``;
* an order placed in store (``store_channels``) is fulfilled there: ``fulfilment
  = "store"`` at the home store with probability ``nearest_share``, else at
  another store;
* an online order is fulfilled offline (``"store"``: pick-up or ship-from-store)
  with probability ``offline_share``, else by delivery from a warehouse
  (``"delivery"``, no store); an offline-fulfilled order goes to the home store
  with probability ``nearest_share``.

Shares measured on the tables (e.g. by :mod:`omnimkt.maturity`) emerge from these
draws; ``truth`` holds the settings to compare with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from omnimkt._gate import as_rng, check_frame, check_number
from omnimkt.errors import DataError

__all__ = ["FulfilmentWorld", "add_fulfilment"]


@dataclass
class FulfilmentWorld:
    """Transactions with ``fulfilment`` and ``store_id``; customers with
    ``home_store_id``; ``truth`` the settings of the process."""

    transactions: pd.DataFrame
    customers: pd.DataFrame
    truth: dict


def add_fulfilment(transactions: pd.DataFrame, customers: pd.DataFrame, *,
                   offline_share: float = 0.25, nearest_share: float = 0.8,
                   n_stores: int = 30, store_channels: Sequence[str] = ("store_pos",),
                   seed: int | np.random.Generator = 0) -> FulfilmentWorld:
    """Simulate how each order was fulfilled and from which store (see the module).

    Lines of one order (``order_id``, else customer + time + channel) share one draw.

    >>> tx = pd.DataFrame({"customer_id": [1, 2], "order_id": [1, 2], "amount": 1.0,
    ...     "timestamp": pd.to_datetime(["2025-01-01"] * 2), "channel": ["store_pos", "app"]})
    >>> w = add_fulfilment(tx, pd.DataFrame({"customer_id": [1, 2]}), offline_share=0.0)
    >>> w.transactions["fulfilment"].tolist()
    ['store', 'delivery']
    """
    tx = check_frame(transactions, "transactions").copy()
    cu = check_frame(customers, "customers").copy()
    for table, df, col in (("transactions", tx, "channel"), ("transactions", tx, "customer_id"),
                           ("customers", cu, "customer_id")):
        if col not in df.columns:
            raise DataError(f"{table}: no {col} column; add_fulfilment needs "
                            f"{table}.{col}.")
    offline_share = check_number(offline_share, "offline_share", low=0, high=1)
    nearest_share = check_number(nearest_share, "nearest_share", low=0, high=1)
    n_stores = check_number(n_stores, "n_stores", low=2, integer=True)
    rng = as_rng(seed)
    stores = np.array([f"S{i:03d}" for i in range(1, n_stores + 1)])
    home = pd.Series(stores[rng.integers(0, n_stores, len(cu))], index=cu["customer_id"])
    missing = ~tx["customer_id"].isin(home.index)
    if missing.any():
        raise DataError(f"transactions.customer_id: {int(missing.sum()):,} rows of customers "
                        f"not in customers, e.g. {tx.loc[missing, 'customer_id'].head(3).tolist()}.")
    keys = ["order_id"] if "order_id" in tx.columns else ["customer_id", "timestamp", "channel"]
    order = tx.groupby(keys, sort=True, observed=True).ngroup().to_numpy()
    n = int(order.max()) + 1 if len(order) else 0
    first = pd.Series(np.arange(len(tx))).groupby(order).first().to_numpy()
    in_store = tx["channel"].isin(list(store_channels)).to_numpy()[first]
    offline = in_store | (rng.random(n) < offline_share)
    near = rng.random(n) < nearest_share
    cust_home = home.reindex(tx["customer_id"].to_numpy()[first]).to_numpy()
    # Another store than home: shift the home store's number by 1..n_stores-1.
    home_idx = np.searchsorted(stores, cust_home)
    other = stores[(home_idx + rng.integers(1, n_stores, n)) % n_stores]
    store = np.where(offline, np.where(near, cust_home, other), None)
    tx["fulfilment"] = np.where(offline, "store", "delivery")[order]
    tx["store_id"] = store[order]
    cu["home_store_id"] = home.to_numpy()
    truth = {"offline_share": offline_share, "nearest_share": nearest_share,
             "n_stores": n_stores, "store_channels": list(store_channels)}
    return FulfilmentWorld(tx, cu, truth)
