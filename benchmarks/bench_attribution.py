"""Attribution benchmark (issue 4, performance section): 1M journeys, 8 channels,
length 1-10, with non-converting journeys, generated here with a seed.

Targets: path building < 20 s; exact order-1 Markov < 5 s; order 3 < 30 s;
Shapley for 12 channels < 10 s; peak memory < 4 GB.

Run: ``.venv/bin/python benchmarks/bench_attribution.py [--journeys 1000000]``.
Each measurement runs in its own subprocess so peak memory is per step (``peak_mb`` is the
process's maximum resident set, input tables included). Wall time (``*_s``) and CPU time
(``*_cpu_s``) are both printed: on a shared machine wall time includes waiting for a core.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd


def synthetic_tables(n_journeys: int, n_channels: int, seed: int = 0):
    """Touchpoints and first purchases of ``n_journeys`` customers (vectorised)."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 11, n_journeys)
    n = int(lengths.sum())
    cust = np.repeat(np.arange(n_journeys, dtype=np.int64), lengths)
    channels = np.array([f"ch{i:02d}" for i in range(n_channels)])
    effect = np.linspace(0.01, 0.08, n_channels)
    code = rng.integers(0, n_channels, n)
    start = rng.integers(0, 700, n_journeys).astype("int64") * 86400
    offset = rng.integers(0, 30 * 86400, n)
    ts = pd.Timestamp("2024-01-01").value // 10**9 + start[cust] + offset
    # Noisy-OR conversion: 1 - prod(1 - effect) over the journey's touches.
    log_keep = np.bincount(cust, weights=np.log1p(-effect[code]), minlength=n_journeys)
    p = 1 - 0.98 * np.exp(log_keep)
    conv = rng.random(n_journeys) < p
    last = np.zeros(n_journeys, dtype=np.int64)
    np.maximum.at(last, cust, ts)
    touchpoints = pd.DataFrame({
        "customer_id": cust,
        "timestamp": pd.to_datetime(ts, unit="s"),
        "channel": pd.array(channels[code], dtype="str"),
    })
    ids = np.flatnonzero(conv)
    transactions = pd.DataFrame({
        "customer_id": ids,
        "timestamp": pd.to_datetime(last[ids] + 3600, unit="s"),
        "amount": np.round(rng.gamma(2.0, 150.0, len(ids)), 2),
    })
    return touchpoints, transactions


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_step(step: str, n_journeys: int) -> dict:
    from omnimkt import attribution as at

    n_channels = 12 if step == "shapley12" else 8
    tp, tx = synthetic_tables(n_journeys, n_channels)
    base_mb = _peak_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    paths = at.build_paths(tp, tx, window_days=30)
    t_paths = time.perf_counter() - t0
    cpu_paths = time.process_time() - c0
    out = {"step": step, "journeys": len(paths), "touches": int(len(paths.codes)),
           "conversions": paths.total_conversions, "build_paths_s": t_paths,
           "build_paths_cpu_s": cpu_paths,
           "input_mb": base_mb}
    if step == "paths":
        t0 = time.perf_counter()
        table = paths.table
        out["path_table_s"] = time.perf_counter() - t0
        out["distinct_paths"] = len(table)
    elif step.startswith("markov"):
        order = int(step[-1])
        t0, c0 = time.perf_counter(), time.process_time()
        res = at.markov(paths, order=order)
        out["model_s"] = time.perf_counter() - t0
        out["model_cpu_s"] = time.process_time() - c0
        out["states"] = res.details["n_states"]
    elif step == "shapley12":
        t0, c0 = time.perf_counter(), time.process_time()
        res = at.shapley(paths)
        out["model_s"] = time.perf_counter() - t0
        out["model_cpu_s"] = time.process_time() - c0
        out["method"] = res.details["method"]
    out["peak_mb"] = _peak_mb()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--journeys", type=int, default=1_000_000)
    ap.add_argument("--step", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step:
        print(json.dumps(run_step(args.step, args.journeys)))
        return
    print(f"attribution benchmark: {args.journeys:,} journeys, 8 channels (12 for Shapley), "
          "length 1-10, seed 0")
    targets = {"paths": ("build_paths_s", 20), "markov1": ("model_s", 5),
               "markov3": ("model_s", 30), "shapley12": ("model_s", 10)}
    for step, (key, limit) in targets.items():
        proc = subprocess.run([sys.executable, __file__, "--journeys", str(args.journeys),
                               "--step", step], capture_output=True, text=True, check=True)
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        extra = {k: v for k, v in r.items() if k not in ("step", key, "peak_mb")}
        flag = "ok" if r[key] < limit and r["peak_mb"] < 4096 else "SLOW/HEAVY"
        print(f"{step:10s} {key}={r[key]:7.2f} s (target < {limit} s)  "
              f"peak={r['peak_mb']:7.0f} MB (< 4096)  [{flag}]  "
              + ", ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}"
                          for k, v in extra.items()))


if __name__ == "__main__":
    main()
