"""Benchmark: a 5-step funnel over 10M synthetic events (target < 30 s, < 4 GB peak).

Each case runs in its own subprocess so that the peak resident memory
(``ru_maxrss``) belongs to that case alone; it includes the 10M-row event table.
CPU seconds are printed next to wall seconds: on a shared machine the wall time
grows with the load, the CPU time much less.

Usage: ``python benchmarks/bench_funnel.py [--events 10000000] [--customers 1000000]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

EVENTS = ["impression", "click", "visit", "add_to_cart", "coupon", "purchase",
          "refund", "share"]
PROBS = [0.35, 0.2, 0.15, 0.1, 0.06, 0.08, 0.02, 0.04]
STEPS = ["impression", "click", "add_to_cart", "coupon", "purchase"]
CASES = {
    "strict, 30-day window": dict(order="strict", window_days=30),
    "strict, first attempt only": dict(order="strict", window_days=30, attempts="first"),
    "any order": dict(order="any", window_days=30),
    "strict + exclusion (refund)": dict(order="strict", window_days=30,
                                        exclude=[("refund", "click", "purchase")]),
    "strict + breakdown (channel)": dict(order="strict", window_days=30, breakdown="channel"),
    "by session (30 min gap)": dict(order="strict", window_days=1, by="session"),
}


def make_events(n_events: int, n_customers: int, seed: int = 0) -> pd.DataFrame:
    """Unsorted synthetic events: customer_id, timestamp, event, channel.

    Each customer's events cluster around a personal start date in 2025, and events
    deeper in the funnel tend to come later (with noise), so funnels convert partly.
    """
    rng = np.random.default_rng(seed)
    cust = rng.integers(0, n_customers, n_events)
    base = rng.integers(0, 300 * 86_400, n_customers)  # personal start, seconds
    ev = rng.choice(len(EVENTS), n_events, p=PROBS)
    depth = np.array([0.0, 0.2, 0.3, 0.4, 0.6, 0.8, 0.9, 0.5])[ev]
    offset = (depth + 0.25 * rng.standard_normal(n_events)) * 20 * 86_400
    seconds = base[cust] + np.maximum(offset, 0).astype("int64")
    start = np.datetime64("2025-01-01T00:00:00", "s").astype("int64")
    return pd.DataFrame({
        "customer_id": cust,
        "timestamp": (start + seconds).astype("datetime64[s]").astype("datetime64[ns]"),
        "event": pd.array(np.asarray(EVENTS)[ev], dtype="str"),
        "channel": pd.array(np.asarray(["tv", "kol", "search", "sms"])[
            rng.integers(0, 4, n_events)], dtype="str"),
    })


def run_case(name: str, n_events: int, n_customers: int) -> dict:
    from omnimkt.funnel import funnel

    events = make_events(n_events, n_customers)
    t0, c0 = time.perf_counter(), time.process_time()
    res = funnel(events, STEPS, **CASES[name])
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    return {"case": name, "seconds": round(wall, 2), "cpu": round(cpu, 2),
            "peak_gb": round(peak_gb, 2),
            "counts": res.summary.iloc[:, 1].tolist()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--case", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.events, args.customers)))
        return
    t0 = time.perf_counter()
    make_events(args.events, args.customers)
    print(f"{args.events:,} events, {args.customers:,} customers, 5 steps {STEPS}; "
          f"generating the table takes {time.perf_counter() - t0:.1f} s (not counted)")
    print(f"{'case':32s} {'wall s':>8s} {'cpu s':>8s} {'peak GB':>8s}  counts per step")
    ok_wall = ok_cpu = True
    for name in CASES:
        out = subprocess.run([sys.executable, __file__, "--case", name, "--events",
                              str(args.events), "--customers", str(args.customers)],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        ok_wall &= r["seconds"] < 30 and r["peak_gb"] < 4
        ok_cpu &= r["cpu"] < 30 and r["peak_gb"] < 4
        print(f"{r['case']:32s} {r['seconds']:8.2f} {r['cpu']:8.2f} {r['peak_gb']:8.2f}  "
              f"{r['counts']}")
    load, cores = os.getloadavg()[0], os.cpu_count()
    print(f"targets (< 30 s, < 4 GB incl. the event table): wall {'met' if ok_wall else 'MISSED'}"
          f", CPU {'met' if ok_cpu else 'MISSED'} (load average {load:.1f} on {cores} cores)")


if __name__ == "__main__":
    main()
