"""Experiments benchmark (issue 11, performance section): the T-learner uplift model fitted
and scored on 1.73M customers (synthetic features and true effects, made here with a seed).

Target: fit + score under 60 s. Also printed: peak memory (the process's maximum resident
set, input table included), CPU time, the Qini coefficient on the same customers and the
Spearman correlation of the score with the true effect.

Run: ``.venv/bin/python benchmarks/bench_experiments.py [--customers 1730000] [--n-jobs 1]``.
On a shared machine one thread per model (the default) is faster than two: OpenMP threads
wait on each other when another process holds a core.
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import numpy as np
import pandas as pd
from scipy import stats


def synthetic_campaign(n: int, seed: int = 0) -> pd.DataFrame:
    """Features, a randomised treatment, true effects and outcomes (vectorised)."""
    rng = np.random.default_rng(seed)
    recency = rng.gamma(1.2, 120, n).clip(0, 730)
    orders = rng.negative_binomial(2, 0.2, n) + 1
    units = rng.choice([1.0, 3.0, 6.0], n, p=[0.3, 0.5, 0.2]) + rng.normal(0, 0.5, n)
    channel = rng.choice(["store_pos", "ecommerce", "mini_shop", "app"], n,
                         p=[0.66, 0.14, 0.14, 0.06])
    base = 0.6 * np.exp(-recency / 90) * (1 - np.exp(-orders / 5)) + 0.01
    effect = (0.15 * np.exp(-(((recency - 70) / 35) ** 2))
              + np.where((recency < 25) & (orders >= 6), -0.06, 0)
              + np.where(units >= 5, 0.03, 0)
              + np.select([channel == "app", channel == "ecommerce"], [0.03, -0.02], 0)
              + rng.normal(0, 0.01, n))
    treated = rng.random(n) < 0.5
    p1 = np.clip(base + effect, 0, 1)
    converted = (rng.random(n) < np.where(treated, p1, base)).astype(np.int8)
    return pd.DataFrame({
        "recency_days": recency, "n_orders": orders, "tenure_days": rng.uniform(0, 730, n),
        "avg_basket": rng.lognormal(6.4, 0.5, n), "avg_units": units,
        "acquisition_channel": channel, "treated": treated, "converted": converted,
        "true_effect": p1 - base})


def main() -> None:
    from omnimkt.experiments import UpliftModel, qini_curve

    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_730_000)
    parser.add_argument("--n-jobs", type=int, default=1)
    args = parser.parse_args()
    n = args.customers
    table = synthetic_campaign(n)
    features = ["recency_days", "n_orders", "tenure_days", "avg_basket", "avg_units",
                "acquisition_channel"]
    wall, cpu = time.perf_counter(), time.process_time()
    model = UpliftModel(n_jobs=args.n_jobs).fit(table[features], table["converted"], table["treated"])
    score = model.predict(table[features])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    qini = qini_curve(score, table["converted"], table["treated"]).qini_coefficient
    rho = stats.spearmanr(score, table["true_effect"]).statistic
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"customers": n, "n_jobs": args.n_jobs, "fit_and_score_s": round(wall, 1),
                      "fit_and_score_cpu_s": round(cpu, 1), "peak_mb": round(peak_mb),
                      "qini_coefficient": round(qini, 5),
                      "spearman_with_true_effect": round(float(rho), 3),
                      "target_s": 60, "met": wall < 60}))


if __name__ == "__main__":
    main()
