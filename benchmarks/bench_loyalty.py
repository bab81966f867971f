"""Benchmarks of the points-ladder simulator and rules engine (issue 6).

Targets: one run of 1.73M members x 52 weekly steps < 10 s; 20 runs of 200k
members < 30 s; peak memory < 4 GB; rules engine over ~20M transactions < 60 s;
one member with 1M purchases in a few seconds (the engine is linear per member).
Each measurement runs in its own subprocess so its peak memory (ru_maxrss) is
its own; the ~20M-transaction log (omnimkt.datasets.generate(1_730_000, seed=0),
or a synthetic log with ``--synthetic-log``) is built once in another process
and cached as Parquet in the temp folder, so the engine's peak excludes the
generator's.  Wall time and CPU time are both printed: on a shared machine the
wall time mostly measures the other processes (the load average is printed too).

Usage::

    .venv/bin/python benchmarks/bench_loyalty.py            # full sizes
    .venv/bin/python benchmarks/bench_loyalty.py --quick    # small sizes, smoke test
    .venv/bin/python benchmarks/bench_loyalty.py --synthetic-log   # engine on a synthetic log
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

SIM = r"""
import json, resource, time
from omnimkt.loyalty import Behaviour, simulate
n, runs = {n}, {runs}
beh = Behaviour(n_initial=n, max_members=n, weekly_joins=0, referral_rate=0.0005)
t, c = time.perf_counter(), time.process_time()
res = simulate(behaviour=beh, weeks=52, n_runs=runs, seed=0, progress=False)
print(json.dumps({{"wall": time.perf_counter() - t, "cpu": time.process_time() - c,
                  "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
                  "member_weeks": n * 52 * runs,
                  "cost_p50": float(res.summary.loc["programme cost", "p50"])}}))
"""

MAKE_LOG = r"""
import json, os, time
import numpy as np, pandas as pd
n_customers, synthetic, folder = {n}, {synthetic}, {folder!r}
t0 = time.perf_counter()
source = "omnimkt.datasets.generate"
if not synthetic:
    try:
        from omnimkt.datasets import generate
        w = generate(n_customers, seed=0, tables=("transactions", "customers"))
        tx = w.transactions[["customer_id", "timestamp", "amount"]]
        cu = w.customers[["customer_id", "referrer_id"]]
    except Exception as err:  # fall back to a synthetic log
        synthetic, source = True, f"synthetic (generate failed: {{type(err).__name__}})"
if synthetic:
    source = source if source != "omnimkt.datasets.generate" else "synthetic"
    rng = np.random.default_rng(0)
    n = 12 * n_customers
    tx = pd.DataFrame({{"customer_id": rng.integers(0, n_customers, n),
        "timestamp": np.datetime64("2024-01-01", "ns")
                     + (rng.integers(0, 730 * 86400, n) * 10**9).astype("timedelta64[ns]"),
        "amount": rng.gamma(2.0, 150.0, n).round(2)}})
    ids = np.arange(n_customers)
    ref = np.where(rng.random(n_customers) < 0.2, (rng.random(n_customers) * ids).astype(np.int64), -1)
    ref[0] = -1
    cu = pd.DataFrame({{"customer_id": ids,
                       "referrer_id": pd.array(np.where(ref >= 0, ref, 0), dtype="Int64")}})
    cu.loc[ref < 0, "referrer_id"] = pd.NA
os.makedirs(folder, exist_ok=True)
tx.to_parquet(os.path.join(folder, "transactions.parquet"))
cu.to_parquet(os.path.join(folder, "customers.parquet"))
print(json.dumps({{"source": source, "build_s": time.perf_counter() - t0}}))
"""

ENGINE = r"""
import json, os, resource, time
import pandas as pd
from omnimkt.loyalty import apply_ladder
folder = {folder!r}
tx = pd.read_parquet(os.path.join(folder, "transactions.parquet"))
cu = pd.read_parquet(os.path.join(folder, "customers.parquet"))
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
t, c = time.perf_counter(), time.process_time()
res = apply_ladder(tx, cu)
wall, cpu = time.perf_counter() - t, time.process_time() - c
t2 = time.perf_counter()
s = res.summary["value"]
m = res.monthly
tables = time.perf_counter() - t2
print(json.dumps({{"transactions": len(tx), "referred": int(cu["referrer_id"].notna().sum()),
                  "wall": wall, "cpu": cpu, "tables_s": tables, "rss_before_gb": rss_before,
                  "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
                  "identity_gap": res.identity_check(),
                  "diamond": float(s["members reaching diamond"])}}))
"""


ONE_MEMBER = r"""
import json, resource, time
import numpy as np, pandas as pd
from omnimkt.loyalty import apply_ladder
n = {n}
rng = np.random.default_rng(0)
tx = pd.DataFrame({{"customer_id": np.ones(n, np.int64), "amount": rng.gamma(2.0, 150.0, n).round(2),
                   "timestamp": np.datetime64("2020-01-01", "ns")
                                + (np.arange(n) * 60 * 10**9).astype("timedelta64[ns]")}})
t, c = time.perf_counter(), time.process_time()
res = apply_ladder(tx)
print(json.dumps({{"wall": time.perf_counter() - t, "cpu": time.process_time() - c,
                  "resets": int(res.members["n_resets"].sum()),
                  "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
                  "identity_gap": res.identity_check()}}))
"""


def _run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    synthetic = "--synthetic-log" in argv
    big, small, runs, n_cust = (50_000, 10_000, 3, 20_000) if quick else (
        1_730_000, 200_000, 20, 1_730_000)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    r = _run(SIM.format(n=big, runs=1))
    print(f"simulate 1 run x {big:,} members x 52 weeks: wall {r['wall']:.1f} s, "
          f"cpu {r['cpu']:.1f} s, peak {r['peak_gb']:.2f} GB "
          f"({r['cpu'] / r['member_weeks'] * 1e9:.0f} ns cpu per member-week)  [target < 10 s]")
    r = _run(SIM.format(n=small, runs=runs))
    print(f"simulate {runs} runs x {small:,} members x 52 weeks: wall {r['wall']:.1f} s, "
          f"cpu {r['cpu']:.1f} s, peak {r['peak_gb']:.2f} GB  [target < 30 s, < 4 GB]")
    folder = os.path.join(tempfile.gettempdir(), f"omnimkt_bench_loyalty_{n_cust}_{int(synthetic)}")
    if not os.path.exists(os.path.join(folder, "customers.parquet")):
        made = _run(MAKE_LOG.format(n=n_cust, synthetic=synthetic, folder=folder))
        print(f"log built in {made['build_s']:.0f} s ({made['source']}), cached in {folder}")
    r = _run(ENGINE.format(folder=folder))
    print(f"rules engine on {r['transactions']:,} transactions "
          f"({r['referred']:,} referred customers): wall {r['wall']:.1f} s, "
          f"cpu {r['cpu']:.1f} s, summary+monthly tables {r['tables_s']:.1f} s, "
          f"peak {r['peak_gb']:.2f} GB (of which input {r['rss_before_gb']:.2f} GB), "
          f"identity gap {r['identity_gap']:g}  [target < 60 s]")
    n_one = 100_000 if quick else 1_000_000
    r = _run(ONE_MEMBER.format(n=n_one))
    print(f"rules engine, 1 member x {n_one:,} purchases ({r['resets']:,} resets): "
          f"wall {r['wall']:.1f} s, cpu {r['cpu']:.1f} s, peak {r['peak_gb']:.2f} GB, "
          f"identity gap {r['identity_gap']:g}  [target: a few seconds; was quadratic]")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
