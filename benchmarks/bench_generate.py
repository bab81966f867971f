"""Benchmark: generate the formula brand's worlds, in memory and streamed to Parquet.

In memory: the 1.73M-member world (issue: < 2 min, < 8 GB). On disk
(``generate(n, out=folder)``, issue #10 item 5): 1.73M and 5M customers with
every table, peak RSS must stay well under 8 GB. Each configuration runs in its
own process under ``/usr/bin/time -v``, so the peak is the whole process's.
Run: ``.venv/bin/python benchmarks/bench_generate.py [n_customers ...] [--disk-only]``.

Measured 2026-12-01 on the 2-core 24 GB machine while other jobs ran (load average
4-14, so wall times are upper bounds; the peak RSS is what this benchmark guards):

=========  ====================================  =========  ==========
customers  run                                   wall       peak RSS
=========  ====================================  =========  ==========
1.73M      in memory, transactions + customers   45 s       4.13 GiB
1.73M      out=folder, all tables (1.0 GB)       208 s      3.06 GiB
5M         in memory, transactions + customers   479 s      11.17 GiB
5M         out=folder, all tables (3.0 GB)       987 s      3.07 GiB
=========  ====================================  =========  ==========
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, sys, time
from pathlib import Path
from omnimkt.datasets import generate
n, tables, out = int(sys.argv[1]), tuple(sys.argv[2].split(",")), sys.argv[3] or None
t0 = time.perf_counter()
world = generate(n, seed=0, tables=tables, out=out, progress=False)
wall = time.perf_counter() - t0
if out is None:
    rows = {name: len(getattr(world, name)) for name in world.tables()}
else:
    import pyarrow.parquet as pq
    rows = {name: pq.ParquetFile(p).metadata.num_rows for name, p in world.paths.items()}
    rows["MB on disk"] = round(sum(Path(p).stat().st_size for p in world.paths.values()) / 1e6)
print(json.dumps({"wall_s": wall, "rows": rows}))
"""
ALL = "transactions,touchpoints,customers,stage_events"


def run(n: int, tables: str, out: str) -> None:
    where = f"out=folder ({tables})" if out else f"in memory ({tables})"
    proc = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-c", CHILD, str(n), tables,
                           out], capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"  {where}: failed with exit code {proc.returncode} (-9: killed, out of memory) "
              f"{proc.stderr.strip()[-300:]}")
        return
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    peak_kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)[1])
    rows = ", ".join(f"{k} {v:,}" for k, v in r["rows"].items())
    print(f"  {where}: {r['wall_s']:.1f} s wall, peak RSS {peak_kib / 1024**2:.2f} GiB")
    print(f"    rows: {rows}")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    sizes = [int(a) for a in args] or [1_730_000, 5_000_000]
    for n in sizes:
        print(f"generate({n:,} customers, seed=0) on this machine")
        if "--disk-only" not in sys.argv:
            run(n, "transactions,customers", "")
        folder = Path(tempfile.mkdtemp(prefix="omnimkt_world_"))
        try:
            run(n, ALL, str(folder))
        finally:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
