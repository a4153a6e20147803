"""Benchmarks of the project (``make bench``; not tests: timings vary with the machine).

(a) full regeneration of every notebook (forced, by the project's runner) against a floor measured in
    the same run: as many notebooks that only import pandas, seaborn and statsmodels, run by the same
    runner (target: at most 1.5 x the floor);
(b) a rerun with nothing changed (target: under 1 s), as a fresh process, the way `make figures` runs;
(c) the reconciliation and the trend model on synthetic statements at 1k, 10k, 100k and 1M rows
    (target: 1M in under 5 s, cost growing no faster than linearly).

Prints a table and writes it to bench/results.md.
"""

from __future__ import annotations

import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

from analysis import casualties, notebooks, paths
from analysis.reconcile import OBSERVATION_COLUMNS, reconcile

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
BODIES = ["anama", "pgo", "mfa", "media", "amva"]


def synthetic_observations(n: int, seed: int = 1) -> pd.DataFrame:
    """n statements of one cumulative count: noisy, with relays, same-day conflicts and bounds."""
    rng = np.random.default_rng(seed)
    days = np.sort(rng.integers(0, max(n // 2, 10), n))
    true = np.cumsum(rng.poisson(0.3, days.max() + 1))[days]
    value = true + rng.integers(-2, 3, n) * (rng.random(n) < 0.2)
    qualifier = np.where(rng.random(n) < 0.05, "at_least", "exact")
    ids = np.array([f"s{i:07d}" for i in range(n)])
    dup = np.where(rng.random(n) < 0.05, np.roll(ids, 1), None)
    return pd.DataFrame({
        "record_id": ids, "date": pd.Timestamp("2020-11-10") + pd.to_timedelta(days, unit="D"), "measure": "total",
        "value": value.astype(float), "qualifier": qualifier, "reporting_body": rng.choice(BODIES, n),
        "derived": False, "duplicate_of": dup, "note": "",
    }, columns=OBSERVATION_COLUMNS)


def bench_reconcile(sizes=(1_000, 10_000, 100_000, 1_000_000)) -> list[dict]:
    rows = []
    for n in sizes:
        obs = synthetic_observations(n)
        start = time.perf_counter()
        result = reconcile(obs, BODIES)
        mid = time.perf_counter()
        ivals = casualties.interval_counts(result.kept, "total")
        casualties.fit_trend(ivals)
        end = time.perf_counter()
        rows.append({"rows": n, "reconcile_s": mid - start, "trend_s": end - mid, "total_s": end - start,
                     "kept": len(result.kept)})
    return rows


def floor_notebooks(folder: Path, count: int) -> list[Path]:
    out = []
    for i in range(count):
        nb = nbformat.v4.new_notebook()
        nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
        nb.cells = [nbformat.v4.new_code_cell("import pandas, seaborn, statsmodels.api")]
        path = folder / f"floor_{i}.ipynb"
        nbformat.write(nb, path)
        out.append(path)
    return out


def bench_regeneration() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        floors = floor_notebooks(Path(tmp), len(NOTEBOOKS))
        start = time.perf_counter()
        assert notebooks.run_all(floors, force=True, record=False) == 0
        floor = time.perf_counter() - start
    start = time.perf_counter()
    assert notebooks.run_all(NOTEBOOKS, force=True) == 0
    full = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "analysis.notebooks", *map(str, NOTEBOOKS)], check=True, capture_output=True)
    rerun = time.perf_counter() - start
    return {"floor_s": floor, "full_s": full, "ratio": full / floor, "rerun_s": rerun}


def main() -> int:
    recon = bench_reconcile()
    regen = bench_regeneration()
    machine = f"{platform.machine()}, {platform.processor() or 'cpu'}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}"
    largest, smallest = recon[-1], recon[-2]  # 100k -> 1M: past the fixed costs
    growth = (largest["total_s"] / max(smallest["total_s"], 1e-9)) / (largest["rows"] / smallest["rows"])
    lines = [
        "# Benchmark results", "", f"Machine: {machine}. Written by `make bench` on {time.strftime('%Y-%m-%d')}.", "",
        "| benchmark | result | target | met |", "|---|---|---|---|",
        f"| (a) full regeneration of {len(NOTEBOOKS)} notebooks | {regen['full_s']:.1f} s vs floor {regen['floor_s']:.1f} s "
        f"(x{regen['ratio']:.2f}) | ≤ 1.5 x floor | {'yes' if regen['ratio'] <= 1.5 else 'no'} |",
        f"| (b) rerun with nothing changed | {regen['rerun_s']:.2f} s | < 1 s | {'yes' if regen['rerun_s'] < 1 else 'no'} |",
        f"| (c) reconcile + trend, 1M rows | {largest['total_s']:.2f} s | < 5 s | {'yes' if largest['total_s'] < 5 else 'no'} |",
        f"| (c) growth, 100k to 1M rows (time ratio / size ratio) | {growth:.2f} | ≤ 1 (linear) | {'yes' if growth <= 1 else 'no'} |",
        "", "| rows | reconcile (s) | trend (s) | total (s) | kept |", "|---|---|---|---|---|",
    ]
    lines += [f"| {r['rows']:,} | {r['reconcile_s']:.3f} | {r['trend_s']:.3f} | {r['total_s']:.3f} | {r['kept']:,} |" for r in recon]
    text = "\n".join(lines) + "\n"
    print(text)
    (Path(__file__).parent / "results.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
