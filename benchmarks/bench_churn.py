"""Churn at scale: features, labels, supervised fit / predict and the full two-way backtest.

Usage: ``python benchmarks/bench_churn.py [n_customers]`` (default 100,000). Prints wall
times (time.perf_counter) and peak memory (ru_maxrss) of this process; not part of the tests.
"""

from __future__ import annotations

import resource
import sys
import time

import pandas as pd

from omnimkt import churn
from omnimkt.datasets import generate


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main(n: int) -> None:
    t = time.perf_counter()
    world = generate(n, seed=0, tables=("transactions", "customers"))
    tx = world.transactions
    print(f"generate {n:,} customers, {len(tx):,} rows: {time.perf_counter() - t:.1f} s")
    cut = pd.Timestamp("2025-09-30")

    t = time.perf_counter()
    feats = churn.churn_features(tx, cut, customers=world.customers)
    print(f"churn_features ({feats.shape[0]:,} x {feats.shape[1]}): "
          f"{time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    labels = churn.churn_labels(tx, cut, 90)
    print(f"churn_labels: {time.perf_counter() - t:.1f} s (churn rate {labels.mean():.3f})")

    t = time.perf_counter()
    cmp = churn.churn_backtest(tx, cut, customers=world.customers,
                               truth=world.truth.customers)
    print(f"churn_backtest (BG/NBD + MBG/NBD + GBM, train and score): "
          f"{time.perf_counter() - t:.1f} s")
    print(cmp.summary[["roc_auc", "pr_auc", "brier", "truth_roc_auc"]].round(3).to_string())
    print(f"peak memory: {_peak_gb():.2f} GB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
