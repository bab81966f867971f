"""Benchmark of the behaviour family at warehouse scale: ~10M events, 1.73M users.

Measures monthly cohort retention (24 periods) and the top 4-step paths, each in
its own child process so the peak memory (``resource.getrusage``) belongs to one
analysis (the synthetic table included). Targets: under 10 s and 3 GB each.

Run: ``.venv/bin/python benchmarks/bench_behaviour.py``
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

USERS = 1_730_000
EVENTS = 10_000_000
EVENT_NAMES = np.array(["impression", "click", "visit", "add_to_cart", "purchase",
                        "repeat_purchase", "share", "coupon"])


def synthetic(seed: int = 0) -> pd.DataFrame:
    """Rows sorted by customer then time, like a validated table (cheap to build)."""
    rng = np.random.default_rng(seed)
    per_user = rng.poisson(EVENTS / USERS - 1, USERS) + 1
    ids = np.repeat(np.arange(1, USERS + 1), per_user)
    first = rng.integers(0, 730 * 86400, USERS)
    gaps = rng.exponential(20 * 86400, len(ids)).astype("int64")
    starts = np.r_[0, np.cumsum(per_user)[:-1]]
    gaps[starts] = 0
    seconds = np.cumsum(gaps)
    seconds -= np.repeat(seconds[starts], per_user)
    seconds += np.repeat(first, per_user)
    ts = np.datetime64("2023-01-01", "s") + np.minimum(seconds, 759 * 86400)
    return pd.DataFrame({"customer_id": ids, "timestamp": ts.astype("datetime64[ns]"),
                         "amount": rng.gamma(2.0, 80.0, len(ids)).round(2),
                         "event": pd.Categorical.from_codes(  # text, as event_log gives
                             rng.integers(0, len(EVENT_NAMES), len(ids)), EVENT_NAMES
                         ).astype(str)})


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB on Linux


def run(which: str) -> None:
    from omnimkt import behaviour as B

    df = synthetic()
    t0 = time.perf_counter()
    if which == "cohort":
        r = B.cohort_retention(df[["customer_id", "timestamp", "amount"]], freq="M",
                               n_periods=24, cutoff="2025-01-31")
        what = f"{len(r.sizes)} cohorts, {int(r.sizes.sum()):,} customers"
    else:
        r = B.user_paths(df[["customer_id", "timestamp", "event"]], anchor_event="click",
                         steps=4)
        what = f"{len(r.paths):,} distinct paths, top share {r.paths['share'].iloc[0]:.2%}"
    seconds = time.perf_counter() - t0
    print(f"{which:7s} {len(df):,} rows, {df['customer_id'].nunique():,} users: "
          f"{seconds:.1f} s, peak {_peak_gb():.2f} GB ({what})", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        run(sys.argv[1])
    else:
        for job in ("cohort", "paths"):
            subprocess.run([sys.executable, __file__, job], check=True)
