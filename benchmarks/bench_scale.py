"""Scale curve: the CLV pipeline on pandas, DuckDB and Spark, from 1.73M to 17.69M customers.

For each size the synthetic world is written to Parquet once with
``generate(n, seed=0, out=folder)`` (kept under ``--data`` between runs), then every
measurement runs in a fresh process and reports wall time and the peak resident memory
of the whole process tree (the Spark JVM included), sampled every 0.1 s:

* ``anchor``  plain DuckDB SQL: the per-customer RFM aggregation from the Parquet files
  (the issue's anchor, no memory limit, 2 threads);
* ``duckdb``  omnimkt on the Parquet folder: validated ``rfm_summary`` (aggregate-query
  validation in DuckDB) + BG/NBD + Gamma-Gamma + 52-week CLV for every customer;
* ``pandas``  the same pipeline on the in-memory path (read Parquet, validate, summarise);
  run under an address-space limit (``--pandas-limit-gb``) so running out of memory is a
  clean ``MemoryError`` instead of the kernel's OOM killer;
* ``spark``   the same pipeline with the summary aggregated by local Spark (``local[2]``);
* ``paths``   ``attribution.build_paths`` from the touchpoints and transactions files;
* ``funnel``  a 5-step funnel over the stage events.

Usage: ``python benchmarks/bench_scale.py [--sizes 1730000,5000000,17690000]
[--engines anchor,duckdb,pandas,spark,paths,funnel] [--spark-max 5000000]
[--data /var/tmp/omnimkt_scale] [--plot benchmarks/scale_curve.png]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

STEPS = ("discover", "aware", "consider", "purchase", "loyal")
LABELS = {"anchor": "plain DuckDB SQL RFM (anchor)", "duckdb": "CLV pipeline, DuckDB",
          "pandas": "CLV pipeline, pandas", "spark": "CLV pipeline, Spark local[2]",
          "paths": "distinct paths, DuckDB", "funnel": "5-step funnel, DuckDB"}


# ----------------------------------------------------------------------- measuring
class _PeakTree:
    """Peak RSS of this process and all its descendants (the Spark JVM included)."""

    def __init__(self) -> None:
        import psutil

        self.proc = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _rss(self) -> int:
        total = 0
        for p in [self.proc, *self.proc.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except Exception:  # a child that just ended
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(0.1)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())
        return self.peak / 2**20


def _world(n: int, data: Path) -> dict:
    from omnimkt.datasets import generate

    folder = data / f"world_{n}"
    meta = folder / "meta.json"
    if meta.exists():
        return json.loads(meta.read_text())
    t = time.perf_counter()
    files = generate(n, seed=0, out=folder, overwrite=True)
    info = {"generate_s": time.perf_counter() - t,
            "observation_end": str(files.observation_end),
            "paths": {k: str(v) for k, v in files.paths.items()}}
    meta.write_text(json.dumps(info))
    return info


def _clv_tail(summary, out: dict, t0: float) -> None:
    from omnimkt.clv import BetaGeoModel, GammaGammaModel

    out["summary_s"] = time.perf_counter() - t0
    out["customers"] = len(summary)
    t = time.perf_counter()
    bg = BetaGeoModel().fit(summary)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gg = GammaGammaModel().fit(summary)
    clv = gg.customer_lifetime_value(bg, summary, horizon_days=364, annual_discount_rate=0.0)
    out["models_s"] = time.perf_counter() - t
    out["total_clv_52w"] = float(clv.sum())
    out["nan_predictions"] = int(clv.isna().sum())


def _measure(mode: str, info: dict, pandas_limit_gb: float) -> dict:
    """One measurement; runs in its own process."""
    paths, end = info["paths"], info["observation_end"]
    tx = paths["transactions"]
    out: dict = {}
    if mode == "pandas" and pandas_limit_gb > 0:
        import resource

        lim = int(pandas_limit_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
    peak = _PeakTree()
    t0 = time.perf_counter()
    try:
        _run_mode(mode, paths, tx, end, out, t0)
        out["status"] = "ok"
    except MemoryError as exc:
        out["status"] = f"MemoryError after {time.perf_counter() - t0:.0f} s ({exc!s:.60})"
    out["wall_s"] = time.perf_counter() - t0
    out["peak_mb"] = peak.stop()
    return out


def _run_mode(mode: str, paths: dict, tx: str, end: str, out: dict, t0: float) -> None:
    from omnimkt.clv import rfm_summary

    if mode == "anchor":
        import duckdb

        con = duckdb.connect()
        con.execute("SET threads=2")
        df = con.sql(f"""
            WITH days AS (SELECT customer_id, CAST(timestamp AS DATE) AS d, SUM(amount) AS a
                          FROM read_parquet('{tx}') GROUP BY ALL)
            SELECT customer_id, COUNT(*) - 1 AS frequency,
                   DATE_DIFF('day', MIN(d), MAX(d)) / 7.0 AS recency,
                   DATE_DIFF('day', MIN(d), DATE '{end[:10]}') / 7.0 AS T,
                   COALESCE((SUM(a) - ARG_MIN(a, d)) / NULLIF(COUNT(*) - 1, 0), 0) AS monetary
            FROM days GROUP BY customer_id""").df()
        out["customers"] = len(df)
    elif mode == "duckdb":
        _clv_tail(rfm_summary(tx, observation_end=end), out, t0)
    elif mode == "pandas":
        import pandas as pd

        frame = pd.read_parquet(tx, columns=["customer_id", "timestamp", "amount"])
        _clv_tail(rfm_summary(frame, observation_end=end), out, t0)
    elif mode == "spark":
        from omnimkt.data.engine import local_spark

        spark = local_spark()
        out["spark_start_s"] = time.perf_counter() - t0
        _clv_tail(rfm_summary(spark.read.parquet(_micros(tx)), observation_end=end), out, t0)
        spark.stop()
    elif mode == "paths":
        from omnimkt.attribution import build_paths

        p = build_paths(paths["touchpoints"], tx)
        out["distinct_paths"] = len(p.table) if hasattr(p, "table") else None
    elif mode == "funnel":
        from omnimkt.funnel import funnel

        f = funnel(paths["stage_events"], list(STEPS), window_days=365, step_column="stage")
        out["users_per_step"] = f.summary.select_dtypes("number").iloc[:, 0].astype(int).tolist()


def _micros(path: str) -> str:
    """A copy with microsecond timestamps: Spark 3.5 cannot read the nanosecond Parquet
    timestamps pandas writes (made once, outside the timing, by DuckDB)."""
    import duckdb

    out = path.replace(".parquet", "_us.parquet")
    if not os.path.exists(out):
        duckdb.sql(f"COPY (SELECT * REPLACE (CAST(timestamp AS TIMESTAMP) AS timestamp) "
                   f"FROM read_parquet('{path}')) TO '{out}' (FORMAT parquet)")
    return out


def _sub(mode: str, n: int, data: Path, pandas_limit_gb: float) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", mode, "--sizes", str(n),
                           "--data", str(data), "--pandas-limit-gb", str(pandas_limit_gb)],
                          capture_output=True, text=True, check=False)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        return {"status": f"failed: {proc.stderr.strip().splitlines()[-1:]}", "wall_s": None}
    return json.loads(lines[-1])


def _plot(rows: list[dict], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    for mode in sorted({r["mode"] for r in rows}):
        pts = [r for r in rows if r["mode"] == mode and r.get("status") == "ok"]
        if not pts:
            continue
        x = [r["n"] / 1e6 for r in pts]
        a1.plot(x, [r["wall_s"] for r in pts], marker="o", label=LABELS.get(mode, mode))
        a2.plot(x, [r["peak_mb"] / 1024 for r in pts], marker="o", label=mode)
    a1.set(xlabel="customers (millions)", ylabel="wall time (s)", title="Time")
    a2.set(xlabel="customers (millions)", ylabel="peak RSS (GB)", title="Memory")
    a2.axhline(8, color="grey", ls=":", lw=1)
    a1.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1730000,5000000,17690000")
    ap.add_argument("--engines", default="anchor,duckdb,pandas,spark,paths,funnel")
    ap.add_argument("--spark-max", type=int, default=5_000_000)
    ap.add_argument("--data", default="/var/tmp/omnimkt_scale")
    ap.add_argument("--pandas-limit-gb", type=float, default=20.0)
    ap.add_argument("--plot", default="")
    ap.add_argument("--child", default="", help=argparse.SUPPRESS)
    a = ap.parse_args()
    data = Path(a.data)
    sizes = [int(s) for s in a.sizes.split(",")]
    if a.child:
        info = _world(sizes[0], data)
        if a.child == "spark":
            _micros(info["paths"]["transactions"])
        print(json.dumps(_measure(a.child, info, a.pandas_limit_gb)))
        return
    data.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in (sizes if a.engines else []):
        info = _world(n, data)
        print(f"\n== {n:,} customers (world written in {info['generate_s']:.0f} s)", flush=True)
        for mode in a.engines.split(","):
            if mode == "spark" and n > a.spark_max:
                continue
            r = {"mode": mode, "n": n, **_sub(mode, n, data, a.pandas_limit_gb)}
            rows.append(r)
            with open(data / "results.jsonl", "a") as fh:  # the plot reads every run
                fh.write(json.dumps(r) + "\n")
            extra = {k: v for k, v in r.items() if k not in ("mode", "n", "wall_s", "peak_mb",
                                                             "status")}
            wall = f"{r['wall_s']:7.1f} s" if r.get("wall_s") is not None else "      –"
            peak = f"{r['peak_mb'] / 1024:5.2f} GB" if r.get("peak_mb") else "   –"
            print(f"  {mode:<7} {wall}  peak {peak}  {r['status']}  {extra}", flush=True)
        anchor = next((r for r in rows if r["n"] == n and r["mode"] == "anchor"), None)
        ours = next((r for r in rows if r["n"] == n and r["mode"] == "duckdb"), None)
        if anchor and ours and anchor.get("wall_s") and ours.get("summary_s"):
            print(f"  omnimkt validated RFM summary on DuckDB / plain DuckDB SQL RFM: "
                  f"{ours['summary_s'] / anchor['wall_s']:.2f}x", flush=True)
    if a.plot:
        runs = [json.loads(x) for x in (data / "results.jsonl").read_text().splitlines()]
        latest = {(r["mode"], r["n"]): r for r in runs}  # the last run of each point
        _plot(list(latest.values()), a.plot)
        print(f"\nscale curve written to {a.plot}")


if __name__ == "__main__":
    main()
