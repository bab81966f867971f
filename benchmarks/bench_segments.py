"""Benchmark: RFM + RFMCL scores + value tiers for 1.73M members (~20M order lines).

Issue 5 target: under 60 s and under 6 GB peak memory. The synthetic world
(omnimkt.datasets.generate, formula brand) is generated once in a subprocess
and cached as Parquet; the measurement runs in a fresh subprocess so its peak
memory (ru_maxrss) is its own. Usage:

    python benchmarks/bench_segments.py [n_members] [--cache DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def prepare(n: int, path: Path) -> None:
    from omnimkt.datasets import generate

    t0 = time.perf_counter()
    world = generate(n, seed=0, tables=("transactions", "customers"))
    world.transactions.to_parquet(path / "transactions.parquet", index=False)
    world.customers.to_parquet(path / "customers.parquet", index=False)
    print(f"generated {n:,} members, {len(world.transactions):,} order lines "
          f"in {time.perf_counter() - t0:.1f} s")


def measure(path: Path) -> None:
    import warnings

    import pandas as pd

    from omnimkt import segments as S

    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    tx = pd.read_parquet(path / "transactions.parquet")
    customers = pd.read_parquet(path / "customers.parquet")
    t_load = time.perf_counter() - t0
    times: dict[str, float] = {}

    def step(name, fn):
        t = time.perf_counter()
        out = fn()
        times[name] = time.perf_counter() - t
        return out

    start = time.perf_counter()
    table = step("validate + customer table", lambda: S.customer_table(tx))
    rfm = step("RFM scores + segments", lambda: S.rfm_scores(table))
    rfmcl = step("RFMCL table (with depletion clock)",
                 lambda: S.rfmcl_table(tx, base=table, validated=True))
    model = step("RFMCL k-means (k by silhouette 2..8)",
                 lambda: S.RFMCLSegmenter(seed=0).fit(rfmcl))
    pareto = step("2-8 rule", lambda: S.pareto_split(table))
    step("1535 tiers", lambda: S.tiers_1535(table, customers=customers))
    step("3+3+4 split", lambda: S.split_334(table))
    step("four classes", lambda: S.four_classes(table, customers=customers))
    step("five types", lambda: S.five_types(table, customers=customers))
    step("price sensitivity", lambda: S.price_sensitivity(table))
    total = time.perf_counter() - start
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"members: {len(table):,}   order lines: {len(tx):,}   (load {t_load:.1f} s)")
    for name, t in times.items():
        print(f"  {name:<40s} {t:6.1f} s")
    print(f"TOTAL scores + tiers: {total:.1f} s (target < 60 s)")
    print(f"peak memory (RSS, incl. the loaded log): {peak_gb:.2f} GB (target < 6 GB)")
    print(f"RFMCL: k = {model.k_}; silhouette "
          + ", ".join(f"{k}:{v:.3f}" for k, v in model.silhouette_.items()))
    print(f"2-8 rule: top 20% bring {pareto.value_share:.1%} of spend; champions "
          f"{int(rfm.summary.loc['champions', 'customers']):,}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=1_730_000)
    ap.add_argument("--cache", default=None)
    ap.add_argument("--stage", choices=["prepare", "measure"], default=None)
    args = ap.parse_args()
    if args.stage == "prepare":
        prepare(args.n, Path(args.cache))
        return
    if args.stage == "measure":
        measure(Path(args.cache))
        return
    cache = Path(args.cache or os.path.join(tempfile.gettempdir(),
                                            f"omnimkt_bench_segments_{args.n}"))
    cache.mkdir(parents=True, exist_ok=True)
    if not (cache / "transactions.parquet").exists():
        subprocess.run([sys.executable, __file__, str(args.n), "--cache", str(cache),
                        "--stage", "prepare"], check=True)
    subprocess.run([sys.executable, __file__, str(args.n), "--cache", str(cache),
                    "--stage", "measure"], check=True)


if __name__ == "__main__":
    main()
