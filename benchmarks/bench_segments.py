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
    from omnimkt.data import validate_transactions

    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    # only the columns segmentation uses (channel, product, discount are not needed)
    tx = pd.read_parquet(path / "transactions.parquet", columns=[
        "customer_id", "timestamp", "amount", "order_id", "quantity", "list_price", "category"])
    customers = pd.read_parquet(path / "customers.parquet",
                                columns=["customer_id", "referrer_id", "region"])
    t_load = time.perf_counter() - t0
    times: dict[str, tuple[float, float, float]] = {}

    def step(name, fn):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
        times[name] = (time.perf_counter() - t, time.process_time() - c, peak)
        return out

    start, cpu0 = time.perf_counter(), time.process_time()
    tx = step("validate_transactions (shared, once per load)", lambda: validate_transactions(tx))
    seg_start, seg_cpu0 = time.perf_counter(), time.process_time()
    table = step("customer table (orders, spend, recency ...)", lambda: S.customer_table(tx, validate=False))
    rfm = step("RFM scores + segments", lambda: S.rfm_scores(table))
    rfmcl = step("RFMCL table (with depletion clock)",
                 lambda: S.rfmcl_table(tx, base=table, validate=False))
    model = step("RFMCL k-means (k by silhouette 2..8)",
                 lambda: S.RFMCLSegmenter(seed=0).fit(rfmcl))
    pareto = step("2-8 rule", lambda: S.pareto_split(table))
    step("1535 tiers", lambda: S.tiers_1535(table, customers=customers))
    step("3+3+4 split", lambda: S.split_334(table))
    step("four classes", lambda: S.four_classes(table, customers=customers))
    step("five types", lambda: S.five_types(table, customers=customers))
    step("price sensitivity", lambda: S.price_sensitivity(table))
    total, cpu = time.perf_counter() - start, time.process_time() - cpu0
    seg, seg_cpu = time.perf_counter() - seg_start, time.process_time() - seg_cpu0
    # measured after the totals: the depletion clock alone (it runs inside the RFMCL table)
    step("  (of which retention.depletion_table)", lambda: _depletion(tx))
    order = list(times)
    i = order.index("RFMCL table (with depletion clock)") + 1
    order.insert(i, order.pop())
    times = {k: times[k] for k in order}
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    load = os.getloadavg()[0]
    print(f"members: {len(table):,}   order lines: {len(tx):,}   (parquet load {t_load:.1f} s; "
          f"machine load average {load:.1f} on {os.cpu_count()} cores)")
    print(f"  {'step':<48s} {'wall s':>7s} {'cpu s':>7s} {'peak GB':>8s}")
    for name, (t, c, p) in times.items():
        print(f"  {name:<48s} {t:7.1f} {c:7.1f} {p:8.2f}")
    print(f"TOTAL validate + scores + tiers: {total:.1f} s wall, {cpu:.1f} s cpu (target < 60 s)")
    print(f"  of which segments proper: {seg:.1f} s wall, {seg_cpu:.1f} s cpu")
    print(f"peak memory (RSS, incl. the loaded log): {peak_gb:.2f} GB (target < 6 GB)")
    print(f"RFMCL: k = {model.k_}; silhouette "
          + ", ".join(f"{k}:{v:.3f}" for k, v in model.silhouette_.items()))
    print(f"2-8 rule: top 20% bring {pareto.value_share:.1%} of spend; champions "
          f"{int(rfm.summary.loc['champions', 'customers']):,}")


def _depletion(tx):
    from omnimkt.retention import depletion_table

    return depletion_table(tx, carry_over=False)


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
