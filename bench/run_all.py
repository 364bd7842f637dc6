"""Runs every benchmark in bench/ one after another and prints one table of figure, target and verdict.

    python bench/run_all.py [--quick] [NAME ...]

Each benchmark is a script here that accepts `--quick` (a smoke-sized run) and reports its figures through
`bench.common.report`, which appends them to the file named by POLKU_BENCH_RESULTS. A benchmark that crashes
or finds a wrong answer is a failed row, never a missing one. Exits non-zero when anything failed or missed.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root, for bench.common

from bench.common import load_average

HERE = Path(__file__).resolve().parent
NOT_BENCHMARKS = {"common", "run_all", "__init__"}


def benchmarks() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.py") if p.stem not in NOT_BENCHMARKS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke-sized runs (minutes, not the targets' sizes)")
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all of {', '.join(benchmarks())})")
    args = parser.parse_args()
    names = args.names or benchmarks()
    rows: list[dict[str, object]] = []
    print(load_average())
    for name in names:
        with tempfile.NamedTemporaryFile("r", suffix=".jsonl") as results:
            started = time.perf_counter()
            print(f"\n=== {name} ===", flush=True)
            done = subprocess.run(
                [sys.executable, str(HERE / f"{name}.py"), *(["--quick"] if args.quick else [])],
                env={**os.environ, "POLKU_BENCH_RESULTS": results.name},
                check=False,
            )
            reported = [json.loads(line) for line in results.read().splitlines() if line.strip()]
            rows += reported
            if done.returncode != 0 and all(r.get("ok") is not False for r in reported):
                rows.append(
                    {
                        "bench": name,
                        "figure": "run",
                        "value": f"exit {done.returncode}",
                        "target": "exit 0",
                        "ok": False,
                    }
                )
            print(f"=== {name}: {time.perf_counter() - started:.0f} s, exit {done.returncode} ===", flush=True)
    print(f"\n{load_average()}")
    print(f"{'bench':<16} {'figure':<58} {'value':>24}  {'target':<16} verdict")
    for r in rows:
        mark = "" if r.get("ok") is None else ("met" if r["ok"] else "MISSED")
        print(f"{r['bench']!s:<16} {r['figure']!s:<58} {r['value']!s:>24}  {r['target']!s:<16} {mark}")
    return 1 if any(r.get("ok") is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
