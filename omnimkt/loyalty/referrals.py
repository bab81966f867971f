"""The referral forest of a ladder: who referred whom, depths and heights.

Referral credits are priced bottom-up: a referrer's points need the referred
member's amount paid *after* their own tier discount, so members are replayed
by their height in the forest (0 = referred nobody).

Examples
--------
>>> import numpy as np
>>> referral_heights(np.array([-1, 0, 1, 0])).tolist()
[2, 1, 0, 0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from omnimkt.errors import DataError, examples

__all__ = ["referral_heights"]


def _lookup(sorted_ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Position of each value in ``sorted_ids`` (-1 if absent).

    Binary search for numeric ids (no hash table to build over millions of ids);
    pandas' hash lookup otherwise.
    """
    values = np.asarray(values)
    if (sorted_ids.dtype.kind in "iuf" and values.dtype.kind in "iuf") and sorted_ids.size:
        if values.size > 10_000:  # sorted queries make the binary search cache friendly
            o = np.argsort(values, kind="stable")
            pos = np.empty(values.size, dtype=np.int64)
            pos[o] = np.searchsorted(sorted_ids, values[o])
        else:
            pos = np.searchsorted(sorted_ids, values)
        pos_c = np.minimum(pos, sorted_ids.size - 1)
        return np.where(sorted_ids[pos_c] == values, pos_c, -1)
    return pd.Index(sorted_ids).get_indexer(values)


def _referrers(customer_ids: np.ndarray | None, referrer_ids: np.ndarray | None,
               ids: np.ndarray) -> np.ndarray:
    """Referrer code per member code (-1 = none); raises on referral cycles.

    ``customer_ids`` / ``referrer_ids`` come from a validated customers table
    (unique ids, every referrer a customer), ``ids`` are all members, sorted.
    """
    ref = np.full(len(ids), -1, dtype=np.int64)
    if customer_ids is None or referrer_ids is None:
        return ref
    has = pd.notna(referrer_ids)
    r_ids = np.asarray(referrer_ids[has])
    if r_ids.dtype == object and customer_ids.dtype.kind in "iu":
        r_ids = r_ids.astype(customer_ids.dtype)
    child = _lookup(ids, customer_ids[has])
    ref[child] = _lookup(ids, r_ids)
    _depths(ref, ids)  # raises on cycles
    return ref


def _depths(ref: np.ndarray, ids: np.ndarray | None = None) -> np.ndarray:
    """Depth of each member in the referral forest (roots 0); DataError on cycles."""
    depth = np.where(ref < 0, 0, -1)
    todo = np.flatnonzero(depth < 0)
    while todo.size:
        ready = depth[ref[todo]] >= 0
        if not ready.any():
            cyc = todo if ids is None else ids[todo]
            raise DataError(f"customers.referrer_id: {todo.size} customers are in or behind a "
                            f"referral cycle (e.g. {examples(cyc)}); a member cannot refer "
                            "themselves, directly or through others. Break the cycle.")
        done = todo[ready]
        depth[done] = depth[ref[done]] + 1
        todo = todo[~ready]
    return depth


def referral_heights(ref: np.ndarray) -> np.ndarray:
    """Height in the referral forest: 0 = referred nobody, else 1 + max over referees.

    Parameters
    ----------
    ref : ndarray of int
        Referrer position of each member, -1 for none.
    """
    depth = _depths(ref)
    height = np.zeros(len(ref), dtype=np.int64)
    order = np.argsort(-depth, kind="stable")
    d_sorted = depth[order]
    for d in np.unique(d_sorted)[::-1]:
        if d == 0:
            break
        nodes = order[d_sorted == d]
        np.maximum.at(height, ref[nodes], height[nodes] + 1)
    return height
