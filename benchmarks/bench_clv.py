"""Benchmark of the CLV pipeline at Biostime scale (issue 3, performance section).

Prints, for ``generate(N, seed=0, tables=("transactions",))`` (default N = 1.73M):

1. the end-to-end pipeline -- RFM summary + BG/NBD fit + Gamma-Gamma fit + P(alive)
   and 12-month (52-week) CLV for every customer -- wall time and peak memory, measured
   in a fresh subprocess that reads the transactions from a Parquet file (so the
   generator's own memory is not counted);
2. our ``rfm_summary`` vs lifetimes' ``summary_data_from_transaction_data`` on the same
   data (lifetimes on a customer subset, ``--lifetimes-share``, because on the full data it
   takes minutes; ours is timed on both the subset and the full data);
3. our compressed BG/NBD fit vs an uncompressed lifetimes ``BetaGeoFitter`` fit on the
   same summary, with both parameter sets.

Usage: ``python benchmarks/bench_clv.py [--customers 1730000] [--lifetimes-share 0.1]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _generate(n: int, path: str) -> None:
    import omnimkt.datasets as ds

    t = time.perf_counter()
    world = ds.generate(n, seed=0, tables=("transactions",))
    gen = time.perf_counter() - t
    tx = world.transactions[["customer_id", "timestamp", "amount"]]
    tx.to_parquet(path, index=False)
    print(json.dumps({"generate_s": gen, "rows": len(tx), "customers": int(tx["customer_id"].nunique()),
                      "observation_end": str(world.observation_end), "peak_mb": _peak_mb()}))


def _pipeline(path: str, end: str) -> None:
    import pandas as pd

    from omnimkt.clv import BetaGeoModel, GammaGammaModel, rfm_summary

    t0 = time.perf_counter()
    tx = pd.read_parquet(path)
    t_read = time.perf_counter() - t0
    c0 = time.process_time()
    out = {"read_s": t_read}
    t = time.perf_counter()
    from omnimkt.data import validate_transactions

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tx = validate_transactions(tx, duplicates="keep")
    out["validate_s"] = time.perf_counter() - t
    t = time.perf_counter()
    s = rfm_summary(tx, observation_end=end, validate=False)
    out["summary_s"] = time.perf_counter() - t
    t = time.perf_counter()
    bg = BetaGeoModel().fit(s)
    out["bgnbd_fit_s"] = time.perf_counter() - t
    out["patterns"] = bg.n_patterns_
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # independence warning, if any, is not timed output
        gg = GammaGammaModel().fit(s)
    out["gamma_gamma_fit_s"] = time.perf_counter() - t
    t = time.perf_counter()
    pa = bg.probability_alive(s)
    out["p_alive_s"] = time.perf_counter() - t
    t = time.perf_counter()
    clv = gg.customer_lifetime_value(bg, s, horizon_days=364, annual_discount_rate=0.0)
    out["clv_52w_s"] = time.perf_counter() - t
    out["pipeline_s"] = time.perf_counter() - t0 - t_read
    out["pipeline_cpu_s"] = time.process_time() - c0
    out["pipeline_without_validation_s"] = out["pipeline_s"] - out["validate_s"]
    out["customers"] = len(s)
    out["nan_predictions"] = int(pa.isna().sum() + clv.isna().sum())
    out["bg_params"] = bg.params_.round(4).tolist()
    out["gg_params"] = gg.params_.round(4).tolist()
    out["total_clv_52w"] = float(clv.sum())
    out["peak_mb"] = _peak_mb()
    print(json.dumps(out))


def _summaries(path: str, end: str, share: float) -> None:
    import numpy as np
    import pandas as pd

    from omnimkt.clv import rfm_summary

    lt = __import__("omnimkt.clv._base", fromlist=["x"]).lifetimes_module("lifetimes.utils")
    tx = pd.read_parquet(path)
    ids = tx["customer_id"].unique()
    keep = np.random.default_rng(0).choice(ids, int(len(ids) * share), replace=False)
    sub = tx[tx["customer_id"].isin(keep)].reset_index(drop=True)
    out = {"subset_customers": len(keep), "subset_rows": len(sub)}
    t = time.perf_counter()
    ours_full = rfm_summary(tx, observation_end=end, validate=False)
    out["ours_full_s"] = time.perf_counter() - t
    t = time.perf_counter()
    ours = rfm_summary(sub, observation_end=end, validate=False)
    out["ours_subset_s"] = time.perf_counter() - t
    t = time.perf_counter()
    ours_v = rfm_summary(sub, observation_end=end, validate=True)
    out["ours_subset_with_validation_s"] = time.perf_counter() - t
    t = time.perf_counter()
    theirs = lt.summary_data_from_transaction_data(
        sub, "customer_id", "timestamp", monetary_value_col="amount",
        observation_period_end=end, freq="D", freq_multiplier=7)
    out["lifetimes_subset_s"] = time.perf_counter() - t
    theirs = theirs.sort_index()
    out["equal"] = bool(np.allclose(ours.to_numpy(float), theirs.to_numpy(), rtol=1e-9)
                        and ours_v.equals(ours) and len(ours_full) == tx["customer_id"].nunique())
    print(json.dumps(out))


def _fits(path: str, end: str) -> None:
    import pandas as pd

    from omnimkt.clv import BetaGeoModel, rfm_summary

    lt = __import__("omnimkt.clv._base", fromlist=["x"]).lifetimes_module()
    s = rfm_summary(pd.read_parquet(path), observation_end=end, validate=False)
    t = time.perf_counter()
    ours = BetaGeoModel().fit(s)
    out = {"ours_compressed_s": time.perf_counter() - t, "patterns": ours.n_patterns_,
           "customers": len(s)}
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = lt.BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
    out["lifetimes_uncompressed_s"] = time.perf_counter() - t
    out["ours_params"] = ours.params_.round(5).tolist()
    out["lifetimes_params"] = theirs.params_.round(5).tolist()
    print(json.dumps(out))


def _run(mode: str, *args: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--mode", mode, *args], capture_output=True,
                          text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=1_730_000)
    ap.add_argument("--lifetimes-share", type=float, default=0.1)
    ap.add_argument("--skip-lifetimes", action="store_true")
    ap.add_argument("--mode", default="main", help=argparse.SUPPRESS)
    ap.add_argument("--path", default="", help=argparse.SUPPRESS)
    ap.add_argument("--end", default="", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.mode == "generate":
        return _generate(a.customers, a.path)
    if a.mode == "pipeline":
        return _pipeline(a.path, a.end)
    if a.mode == "summaries":
        return _summaries(a.path, a.end, a.lifetimes_share)
    if a.mode == "fits":
        return _fits(a.path, a.end)

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "tx.parquet")
        g = _run("generate", "--customers", str(a.customers), "--path", path)
        end = g["observation_end"]
        print(f"generate({a.customers:,}, seed=0, tables=('transactions',)): "
              f"{g['generate_s']:.1f} s, {g['rows']:,} transaction rows, "
              f"{g['customers']:,} customers, peak {g['peak_mb']:,.0f} MB")
        p = _run("pipeline", "--path", path, "--end", end)
        print("\n== End-to-end pipeline (fresh process; Parquet read not counted)")
        for k in ("validate_s", "summary_s", "bgnbd_fit_s", "gamma_gamma_fit_s", "p_alive_s",
                  "clv_52w_s"):
            print(f"  {k[:-2]:<22} {p[k]:7.2f} s")
        print(f"  {'TOTAL':<22} {p['pipeline_s']:7.2f} s  (without validation "
              f"{p['pipeline_without_validation_s']:.2f} s; target < 60 s); CPU time "
              f"{p['pipeline_cpu_s']:.1f} s; load average {os.getloadavg()[0]:.1f} "
              "on this shared machine")
        print(f"  peak memory            {p['peak_mb']:7,.0f} MB  (target < 6,000 MB; includes "
              f"the {g['rows']:,} rows read)")
        print(f"  customers {p['customers']:,}, BG/NBD patterns {p['patterns']:,}, NaN predictions "
              f"{p['nan_predictions']}")
        print(f"  BG/NBD r, alpha, a, b = {p['bg_params']}; Gamma-Gamma p, q, v = {p['gg_params']}")
        if a.skip_lifetimes:
            return
        s = _run("summaries", "--path", path, "--end", end, "--lifetimes-share",
                 str(a.lifetimes_share))
        print(f"\n== RFM summary: ours vs lifetimes on the same {s['subset_customers']:,}-customer "
              f"subset ({s['subset_rows']:,} rows, {a.lifetimes_share:.0%} of customers)")
        print(f"  ours (validated input)   {s['ours_subset_s']:7.2f} s")
        print(f"  ours (with validation)   {s['ours_subset_with_validation_s']:7.2f} s")
        print(f"  lifetimes                {s['lifetimes_subset_s']:7.2f} s  -> "
              f"{s['lifetimes_subset_s'] / s['ours_subset_s']:.1f}x faster "
              f"({s['lifetimes_subset_s'] / s['ours_subset_with_validation_s']:.1f}x with "
              f"validation); identical results: {s['equal']}")
        print(f"  ours on all {g['customers']:,} customers: {s['ours_full_s']:.2f} s")
        f = _run("fits", "--path", path, "--end", end)
        print(f"\n== BG/NBD fit on {f['customers']:,} customers")
        print(f"  ours, compressed to {f['patterns']:,} patterns  {f['ours_compressed_s']:7.2f} s  "
              f"{f['ours_params']}")
        print(f"  lifetimes, uncompressed           {f['lifetimes_uncompressed_s']:7.2f} s  "
              f"{f['lifetimes_params']}")


if __name__ == "__main__":
    main()
