"""Association rules on baskets: support, confidence and lift (case J's cross-sell).

A basket is the set of products one customer (or one order) holds. For a rule
``A -> B`` (A a set of products, B one product) over ``N`` baskets:

* support(A -> B) = baskets holding A and B / N
* confidence = support(A and B) / support(A)  (share of A-baskets that also hold B)
* lift = confidence / support(B)  (> 1: B is more common with A than without
  regard to A; 1 = independent)

Frequent itemsets are counted exactly (every itemset up to ``max_len`` whose
support reaches ``min_support``, Apriori's pruning), with boolean matrix
products in numpy; no extra dependency.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import check_frame, check_number
from omnimkt._result import Result
from omnimkt.errors import DataError, examples

__all__ = ["RuleResult", "association_rules", "basket_matrix"]


def basket_matrix(baskets: Any, *, basket: str = "customer_id",
                  item: str = "product") -> pd.DataFrame:
    """A 0/1 table (rows = baskets, columns = products) from a long table or a wide one.

    A long table has one row per (basket, product); duplicates count once. A wide
    table of 0/1 or booleans passes through (checked).

    Examples
    --------
    >>> import pandas as pd
    >>> long = pd.DataFrame({"customer_id": [1, 1, 2], "product": ["tv", "fridge", "tv"]})
    >>> basket_matrix(long).to_dict("list")
    {'fridge': [True, False], 'tv': [True, True]}
    """
    df = check_frame(baskets, "baskets")
    if df.empty:
        raise DataError("baskets: the table is empty; pass one row per (basket, product) or a "
                        "0/1 table with one row per basket.")
    if basket in df.columns and item in df.columns:
        bad = df[item].isna() | df[basket].isna()
        if bad.any():
            raise DataError(f"baskets.{item}: {int(bad.sum())} rows have a missing {basket} "
                            f"or {item}; drop or fill them.")
        wide = pd.crosstab(df[basket], df[item]) > 0
        wide.columns.name = None
        return wide
    values = df.to_numpy()
    is01 = np.isin(values, [0, 1, True, False])
    if not is01.all():
        cols = df.columns[~is01.all(axis=0)]
        raise DataError(f"baskets: expected a long table with columns {basket!r} and {item!r}, "
                        f"or a 0/1 table; column(s) {examples(cols)} hold other values.")
    return df.astype(bool)


class RuleResult(Result):
    """Association rules ``antecedent -> consequent`` with support, confidence and lift.

    Attributes
    ----------
    summary : DataFrame
        antecedent, consequent, baskets (holding both), support, confidence, lift,
        antecedent_support, consequent_support; strongest lift first.
    itemsets : DataFrame
        Every frequent itemset with its support and basket count.
    n_baskets : int
    """

    title = "Association rules"

    def __init__(self, summary: pd.DataFrame, itemsets: pd.DataFrame, n_baskets: int,
                 min_support: float, min_confidence: float) -> None:
        self.summary = summary
        self.itemsets = itemsets
        self.n_baskets = n_baskets
        self.min_support = min_support
        self.min_confidence = min_confidence
        self.notes = [f"{len(summary)} rules from {n_baskets:,} baskets. Lift > 1: the "
                      "consequent is bought more often with the antecedent than overall."]

    def _settings(self) -> str:
        return f"min_support={self.min_support:g}, min_confidence={self.min_confidence:g}"

    def for_consequent(self, product: str) -> pd.DataFrame:
        """The rules that end in ``product`` (what to cross-sell it to), best lift first."""
        return self.summary[self.summary["consequent"] == product]


def _frequent(m: np.ndarray, min_count: float, max_len: int) -> dict[tuple[int, ...], int]:
    counts = m.sum(axis=0)
    level = {(j,): int(c) for j, c in enumerate(counts) if c >= min_count}
    found = dict(level)
    for size in range(2, max_len + 1):
        items = sorted({j for s in level for j in s})
        nxt = {}
        for combo in combinations(items, size):
            if any(sub not in level for sub in combinations(combo, size - 1)):
                continue  # Apriori: every subset of a frequent set is frequent
            c = int(m[:, list(combo)].all(axis=1).sum())
            if c >= min_count:
                nxt[combo] = c
        if not nxt:
            break
        found.update(nxt)
        level = nxt
    return found


def association_rules(baskets: Any, *, min_support: float = 0.05, min_confidence: float = 0.0,
                      max_len: int = 2, basket: str = "customer_id",
                      item: str = "product") -> RuleResult:
    """Rules ``A -> B`` between products bought together, with support, confidence and lift.

    Parameters
    ----------
    baskets : DataFrame
        Long (``basket``, ``item`` columns) or a 0/1 table (see :func:`basket_matrix`).
    min_support : float in (0, 1]
        Smallest share of baskets an itemset (A and B together) must reach.
    min_confidence : float in [0, 1]
        Smallest confidence a rule must reach.
    max_len : int >= 2
        Largest itemset (antecedent plus consequent).
    basket, item : str
        Column names of a long table.

    Returns
    -------
    RuleResult

    Examples
    --------
    >>> import pandas as pd
    >>> b = pd.DataFrame({"customer_id": [1, 1, 2, 2, 3, 4],
    ...                   "product": ["tv", "ac", "tv", "ac", "tv", "stove"]})
    >>> r = association_rules(b, min_support=0.25)
    >>> r.summary.query("antecedent == 'ac'")[["confidence", "lift"]].to_dict("records")
    [{'confidence': 1.0, 'lift': 1.3333333333333333}]
    """
    min_support = check_number(min_support, "min_support", low=0, high=1, low_open=True)
    min_confidence = check_number(min_confidence, "min_confidence", low=0, high=1)
    max_len = check_number(max_len, "max_len", low=2, integer=True)
    wide = basket_matrix(baskets, basket=basket, item=item)
    m = wide.to_numpy(dtype=bool)
    n = m.shape[0]
    names = [str(c) for c in wide.columns]
    found = _frequent(m, min_support * n - 1e-9, max_len)
    rows = []
    for combo, count in found.items():
        if len(combo) < 2:
            continue
        for cons in combo:
            ante = tuple(j for j in combo if j != cons)
            a_sup = found[ante] / n
            c_sup = found[(cons,)] / n
            conf = count / found[ante]
            if conf + 1e-12 < min_confidence:
                continue
            rows.append({"antecedent": " + ".join(names[j] for j in ante),
                         "consequent": names[cons], "baskets": count, "support": count / n,
                         "confidence": conf, "lift": conf / c_sup,
                         "antecedent_support": a_sup, "consequent_support": c_sup})
    cols = ["antecedent", "consequent", "baskets", "support", "confidence", "lift",
            "antecedent_support", "consequent_support"]
    summary = pd.DataFrame(rows, columns=cols)
    if len(summary):
        summary = summary.sort_values(["lift", "support", "antecedent", "consequent"],
                                      ascending=[False, False, True, True],
                                      kind="stable").reset_index(drop=True)
    itemsets = pd.DataFrame({"itemset": [" + ".join(names[j] for j in s) for s in found],
                             "size": [len(s) for s in found],
                             "baskets": list(found.values()),
                             "support": [c / n for c in found.values()]})
    return RuleResult(summary, itemsets, n, min_support, min_confidence)
