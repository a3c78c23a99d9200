"""Benchmarks: `python -m bench [NAME]` runs bench/bench_<NAME>.py (all of them without NAME).

Each module exposes ``run() -> {"metrics": {...}, "targets": {...}}``; the results land in
bench/results/<NAME>.json. Shared helpers live in bench/harness.py.
"""
