"""`python -m bench [NAME ...]`: run benchmarks, write bench/results/<name>.json, print it.

Exit status 0 when every benchmark ran (a missed target is reported, not an error);
1 when one crashed; 2 for an unknown name.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

import bench
from bench import harness

RESULTS = Path(__file__).resolve().parent / "results"
PREFIX = "bench_"


def available() -> list[str]:
    return sorted(
        info.name.removeprefix(PREFIX)
        for info in pkgutil.iter_modules(bench.__path__)
        if info.name.startswith(PREFIX)
    )


def target_met(value: float, target: dict) -> bool:
    if "max" in target and value > target["max"]:
        return False
    if "min" in target and value < target["min"]:
        return False
    return True


def run_one(name: str, machine: dict) -> dict:
    module = importlib.import_module(f"bench.{PREFIX}{name}")
    harness.note(f"running {name}")
    outcome = module.run()
    result = {
        "name": name,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "metrics": outcome["metrics"],
        "targets": outcome["targets"],
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2), flush=True)
    for key, target in result["targets"].items():
        value = result["metrics"].get(key)
        bound = ", ".join(f"{kind} {limit}" for kind, limit in target.items())
        if value is None:
            verdict = "NO METRIC"
        else:
            verdict = "met" if target_met(value, target) else "MISSED"
        harness.note(f"{name}: target {key} ({bound}): {verdict} (measured {value})")
    return result


def main(argv: list[str]) -> int:
    names = [arg.removeprefix(PREFIX) for arg in argv if arg.strip()]
    known = available()
    unknown = [name for name in names if name not in known]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(known)}",
              file=sys.stderr)
        return 2
    machine = harness.machine_info(harness.database_url())
    failed = []
    for name in names or known:
        try:
            run_one(name, machine)
        except Exception:
            traceback.print_exc()
            failed.append(name)
    if failed:
        harness.note(f"crashed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
