"""Benchmarks of the project (``make bench``; not tests: timings vary with the machine).

(a) full regeneration of every notebook (forced, by the project's runner) against a floor measured in
    the same run: as many notebooks that only import pandas, seaborn and statsmodels (``statsmodels.api``,
    the usual entry point), run by the same runner (target: at most 1.5 x the floor). Five runs of
    each, alternating; the medians are compared, since a 2-core machine's timings vary by 10-20%;
(b) a rerun with nothing changed (target: under 1 s), as a fresh process, the way `make figures` runs;
(c) the statement model's fit of one series (:func:`analysis.statements.model.fit_series`: the rate, the
    variance components, the latent series, the statuses and the daily table) on synthetic statements at
    1k, 10k, 100k and 1M rows, best of three (target: 1M in under 5 s; cost growing no faster than linearly,
    read as the exponent k of time ~ rows^k between 100k and 1M being at most 1.1: an O(n log n) sort gives
    about 1.08).

Prints a table and writes it to bench/results.md and to the README's benchmark block.
"""

from __future__ import annotations

import math
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

from analysis.pipeline import paths, runner
from analysis.statements import model, observations

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
BODIES = ["anama", "pgo", "mfa", "media", "amva"]


def synthetic_observations(n: int, seed: int = 1) -> pd.DataFrame:
    """n statements of one cumulative count over about 2,000 days (an observation table of
    :mod:`analysis.statements.observations`): noisy figures from several bodies, relays, 5 % "at least" bounds."""
    rng = np.random.default_rng(seed)
    days = np.sort(rng.integers(1, 2000, n))
    true = np.cumsum(rng.poisson(0.3, 2001))
    value = (true[days] + rng.integers(-2, 3, n) * (rng.random(n) < 0.2)).astype(float)
    qualifier = np.where(rng.random(n) < 0.05, "at_least", "exact")
    ids = np.array([f"s{i:07d}" for i in range(n)], dtype=object)
    obs = pd.DataFrame({
        "record_id": ids, "series": "casualties:total", "measure": "total", "kind": "stock", "start": 0, "end_lo": days,
        "end_hi": days, "value": value, "qualifier": qualifier, "lo": value, "hi": np.where(qualifier == "at_least", np.inf, value),
        "unit": 0.0, "reporting_body": rng.choice(BODIES, n), "derived": False,
        "duplicate_of": np.where(rng.random(n) < 0.05, np.roll(ids, 1), None), "published": days, "fitted": True, "reason": "",
    }, columns=observations.COLUMNS)
    return observations.collapse_relays(obs)


def bench_model(sizes=(1_000, 10_000, 100_000, 1_000_000), repeats: int = 3) -> list[dict]:
    """The fit of one series at each size; the best of ``repeats`` runs (the least disturbed by whatever else
    the machine does), as timeit reports."""
    rows = []
    for n in sizes:
        obs = synthetic_observations(n)
        best = None
        for _ in range(repeats):
            start = time.perf_counter()
            fit = model.fit_series(obs, key="casualties:total", relative=False, season=False)
            run = {"rows": n, "total_s": time.perf_counter() - start, "fitted": int(obs["fitted"].sum()),
                   "iterations": fit.fit.iterations, "weeks": len(fit.fit.x)}
            best = run if best is None or run["total_s"] < best["total_s"] else best
        rows.append(best)
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


def bench_regeneration(repeats: int = 5) -> dict:
    """Full regeneration against the floor, ``repeats`` times each, alternating so that both see the
    same state of the machine; the ratio compares the medians. Then a rerun with nothing changed."""
    floors, fulls, cpu = [], [], {"floor": 0.0, "full": 0.0}
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            floor_nbs = floor_notebooks(Path(tmp), len(NOTEBOOKS))
            start, kernels = time.perf_counter(), _kernel_cpu()
            assert runner.run_all(floor_nbs, force=True, record=False) == 0
            floors.append(time.perf_counter() - start)
            cpu["floor"] += (_kernel_cpu() - kernels) / repeats
        start, kernels = time.perf_counter(), _kernel_cpu()
        assert runner.run_all(NOTEBOOKS, force=True) == 0
        fulls.append(time.perf_counter() - start)
        cpu["full"] += (_kernel_cpu() - kernels) / repeats
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "analysis.pipeline.runner", *map(str, NOTEBOOKS)], check=True, capture_output=True)
    rerun = time.perf_counter() - start
    floor, full = statistics.median(floors), statistics.median(fulls)
    return {"floor_s": floor, "full_s": full, "ratio": full / floor, "rerun_s": rerun, "floors": floors, "fulls": fulls,
            "cpu": cpu}


def _kernel_cpu() -> float:
    """CPU seconds used so far by this process's finished children (the kernels)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    recon = bench_model()
    regen = bench_regeneration()
    machine = f"{platform.machine()}, {platform.processor() or 'cpu'}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}"
    largest, smaller = recon[-1], recon[-2]  # 100k -> 1M: past the fixed costs
    # the exponent k in time ~ rows^k between the two largest sizes: 1 is linear, n log n gives ~1.08
    growth = math.log(largest["total_s"] / smaller["total_s"]) / math.log(largest["rows"] / smaller["rows"])
    runs = ", ".join(f"{f:.1f}/{p:.1f}" for f, p in zip(regen["fulls"], regen["floors"]))
    lines = [
        "# Benchmark results", "", f"Machine: {machine}. Written by `make bench` on {time.strftime('%Y-%m-%d')}.", "",
        "| benchmark | result | target | met |", "|---|---|---|---|",
        f"| (a) full regeneration of {len(NOTEBOOKS)} notebooks (median of {len(regen['fulls'])}) | "
        f"{regen['full_s']:.1f} s vs floor {regen['floor_s']:.1f} s (x{regen['ratio']:.2f}) | ≤ 1.5 x floor | "
        f"{'yes' if regen['ratio'] <= 1.5 else 'no'} |",
        f"| (b) rerun with nothing changed | {regen['rerun_s']:.2f} s | < 1 s | {'yes' if regen['rerun_s'] < 1 else 'no'} |",
        f"| (c) the statement model's fit of one series, 1M statements (best of 3) | {largest['total_s']:.2f} s | < 5 s | {'yes' if largest['total_s'] < 5 else 'no'} |",
        f"| (c) growth exponent k (time ~ rows^k, 100k to 1M) | {growth:.2f} | ≤ 1.1 (linear, within timing noise) | "
        f"{'yes' if growth <= 1.1 else 'no'} |",
        "", f"Regeneration runs, full/floor in seconds: {runs}. The floor is {len(NOTEBOOKS)} notebooks that only "
        "`import pandas, seaborn, statsmodels.api`, run by the same runner on the same cores. CPU used by the "
        f"kernels per run: {regen['cpu']['full']:.1f} s for the notebooks, {regen['cpu']['floor']:.1f} s for the floor.",
        "", "| statements | fit (s) | fitted (relays counted once) | weeks | iterations |", "|---|---|---|---|---|",
    ]
    lines += [f"| {r['rows']:,} | {r['total_s']:.3f} | {r['fitted']:,} | {r['weeks']} | {r['iterations']} |" for r in recon]
    text = "\n".join(lines) + "\n"
    print(text)
    (Path(__file__).parent / "results.md").write_text(text, encoding="utf-8")
    from analysis.pipeline import frontpage, paths

    readme = paths.ROOT / "README.md"  # the README quotes the run, never typed by hand
    readme.write_text(frontpage.replace_block(readme.read_text(encoding="utf-8"), frontpage.BENCH_BLOCK,
                                              frontpage.bench_block(text)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
