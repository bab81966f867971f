"""Benchmark of the replenishment model at the case's scale (1.73M members, ~20M lines).

Prints, each measured in a fresh subprocess (so peak memory is that step's own):

1. today's action list: read the log, fit the model, list today's actions
   (without and with the shared validator) - target < 60 s and < 6 GB;
2. a 12-month weekly backtest (52 replay cutoffs) - target < 5 minutes.

Usage::

    .venv/bin/python benchmarks/bench_retention.py [--members 1730000] [--seed 0]

The log is omnimkt.datasets.generate(members, seed, tables=("transactions",))
cached as Parquet in the temp folder (generation time is printed, not part of
the figures).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _cpu_s() -> float:
    """CPU seconds of this process: steadier than wall time on a shared machine."""
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _peak_gb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # kB -> GB on Linux


def make_log(members: int, seed: int) -> Path:
    path = Path(tempfile.gettempdir()) / f"omnimkt_bench_retention_{members}_{seed}.parquet"
    if path.exists():
        return path
    import omnimkt.datasets as ds

    t = time.perf_counter()
    tx = ds.generate(members, seed=seed, tables=("transactions",)).transactions
    tx.to_parquet(path, index=False)
    print(f"generated {len(tx):,} transaction lines for {members:,} members "
          f"in {time.perf_counter() - t:.1f} s -> {path}", flush=True)
    return path


COLUMNS = ["customer_id", "timestamp", "amount", "quantity", "category", "channel"]


def read_log(path: str):
    """The columns the model needs, low-cardinality text as categoricals (as an analyst would)."""
    import pyarrow.parquet as pq

    table = pq.read_table(path, columns=COLUMNS, read_dictionary=["category", "channel"])
    return table.to_pandas()


def step_actions(path: str, validate: bool) -> dict:

    from omnimkt.retention import ReplenishmentModel, action_counts

    t0 = time.perf_counter()
    tx = read_log(path)
    t1 = time.perf_counter()
    model = ReplenishmentModel().fit(tx, validate=validate)
    t2 = time.perf_counter()
    acts = model.actions()
    t3 = time.perf_counter()
    counts = action_counts(acts)["total"].to_dict()
    return {"rows": len(tx), "customers": model.n_customers_, "read_s": t1 - t0,
            "fit_s": t2 - t1, "actions_s": t3 - t2, "total_s": t3 - t0,
            "actions": len(acts), "by_action": counts, "peak_gb": _peak_gb(), "cpu_s": _cpu_s(),
            "load": os.getloadavg()[0]}


def step_backtest(path: str) -> dict:
    from omnimkt.retention import backtest

    t0 = time.perf_counter()
    tx = read_log(path)
    t1 = time.perf_counter()
    res = backtest(tx, validate=False)  # 52 weekly cutoffs ending 30 days before the data end
    t2 = time.perf_counter()
    e = res.errors
    return {"read_s": t1 - t0, "backtest_s": t2 - t1, "dates": res.settings["n_cutoffs"],
            "actions": int(res.summary.loc["all", "actions"]),
            "mae_learned": float(e.loc["depletion_learned_pace", "mae"]),
            "mae_median_gap": float(e.loc["median_gap", "mae"]),
            "uplift_all": float(res.uplift.loc["all", "uplift"]),
            "ci": [float(res.uplift.loc["all", "ci_low"]), float(res.uplift.loc["all", "ci_high"])],
            "peak_gb": _peak_gb(), "cpu_s": _cpu_s(), "load": os.getloadavg()[0]}


def _run(step: str, path: Path, *extra: str) -> dict:
    cmd = [sys.executable, __file__, "--step", step, "--path", str(path), *extra]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=1_730_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--step", choices=["actions", "actions_validated", "backtest"])
    ap.add_argument("--path")
    args = ap.parse_args()
    if args.step:
        res = (step_backtest(args.path) if args.step == "backtest"
               else step_actions(args.path, validate=args.step == "actions_validated"))
        print(json.dumps(res))
        return

    path = make_log(args.members, args.seed)
    a = _run("actions", path)
    print(f"today's action list: {a['rows']:,} lines, {a['customers']:,} formula buyers; "
          f"read {a['read_s']:.1f} s + fit {a['fit_s']:.1f} s + list {a['actions_s']:.2f} s "
          f"= {a['total_s']:.1f} s wall (target < 60 s; CPU {a['cpu_s']:.1f} s, load average "
          f"{a['load']:.1f} on {os.cpu_count()} cores); peak {a['peak_gb']:.2f} GB (target < 6 GB); "
          f"{a['actions']:,} actions {a['by_action']}", flush=True)
    v = _run("actions_validated", path)
    print(f"  same with validate=True: {v['total_s']:.1f} s (fit {v['fit_s']:.1f} s); "
          f"peak {v['peak_gb']:.2f} GB", flush=True)
    b = _run("backtest", path)
    print(f"12-month weekly backtest: {b['dates']} cutoffs, {b['actions']:,} actions replayed in "
          f"{b['backtest_s']:.1f} s (+ read {b['read_s']:.1f} s; target < 300 s; process CPU "
          f"{b['cpu_s']:.1f} s, load {b['load']:.1f}); peak "
          f"{b['peak_gb']:.2f} GB; MAE next purchase: learned depletion {b['mae_learned']:.1f} d "
          f"vs median gap {b['mae_median_gap']:.1f} d; historical uplift {b['uplift_all']:+.4f} "
          f"(95% CI {b['ci'][0]:+.4f} .. {b['ci'][1]:+.4f})", flush=True)


if __name__ == "__main__":
    main()
