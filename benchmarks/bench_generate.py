"""Benchmark: generate the formula brand's 1.73M-member world (issue: < 2 min, < 8 GB).

Each configuration runs in its own process so that peak memory is its own.
Run: ``.venv/bin/python benchmarks/bench_generate.py [n_customers]``.
"""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = r"""
import json, resource, sys, time
from omnimkt.datasets import generate
n, tables = int(sys.argv[1]), tuple(sys.argv[2].split(","))
t0 = time.perf_counter()
world = generate(n, seed=0, tables=tables)
wall = time.perf_counter() - t0
rows = {name: len(getattr(world, name)) for name in world.tables()}
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB -> GiB
print(json.dumps({"wall_s": wall, "peak_gib": peak, "rows": rows}))
"""


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_730_000
    configs = [("transactions,customers", 120, 8), (
        "transactions,touchpoints,customers,stage_events", None, None)]
    print(f"generate({n:,} customers, seed=0) on this machine")
    for tables, max_s, max_gib in configs:
        out = subprocess.run([sys.executable, "-c", CHILD, str(n), tables],
                             capture_output=True, text=True)
        if out.returncode != 0:
            print(f"  tables={tables}: failed with exit code {out.returncode} "
                  f"(-9: killed, out of memory) {out.stderr.strip()[-300:]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rows = ", ".join(f"{k} {v:,}" for k, v in r["rows"].items())
        target = f" (target < {max_s} s, < {max_gib} GiB)" if max_s else " (no target)"
        print(f"  tables={tables}: {r['wall_s']:.1f} s wall, peak {r['peak_gib']:.2f} GiB{target}")
        print(f"    rows: {rows}")


if __name__ == "__main__":
    main()
