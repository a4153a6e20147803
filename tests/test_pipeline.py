"""The figure pipeline: the manifest matches the folder and the data, reruns are incremental, failures
leave the committed outputs alone."""

from __future__ import annotations

import ast
import hashlib
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis.pipeline import paths, runner
from analysis.pipeline.manifest import read_manifest

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_manifest_and_folder_list_exactly_the_same_files():
    manifest = read_manifest(paths.FIGURES)
    listed = {f for entry in manifest["figures"].values() for f in entry["files"]}
    on_disk = {p.name for p in paths.FIGURES.iterdir() if p.is_file() and p.name != "manifest.json"}
    assert listed == on_disk


def test_every_figure_is_described_and_its_hashes_are_current():
    manifest = read_manifest(paths.FIGURES)
    assert len(manifest["figures"]) >= 10
    for name, entry in manifest["figures"].items():
        assert entry["title"] and entry["caption"].count(".") >= 1, name
        assert (paths.ROOT / entry["notebook"]).is_file() and entry["parameters"], name
        assert sorted(entry["formats"]) == sorted(f.rsplit(".", 1)[1] for f in entry["files"])
        for file, digest in entry["files"].items():
            assert _sha(paths.FIGURES / file) == digest, f"{file} changed since the manifest was written"
        for data_file, digest in entry["inputs"].items():
            assert _sha(paths.ROOT / data_file) == digest, f"{name} was made from another {data_file}: run make figures"


def test_committed_outputs_are_up_to_date_with_their_notebooks():
    """The signature of each notebook's last run equals its current signature (else make figures would re-run it)."""
    manifest = read_manifest(paths.FIGURES)
    for nb in NOTEBOOKS:
        assert manifest["notebooks"][nb.stem]["signature"] == runner.signature(nb), nb.name


def test_signature_follows_content_not_mtime(tmp_path, monkeypatch):
    root = tmp_path / "project"
    shutil.copytree(paths.RAW, root / "data" / "raw")
    shutil.copytree(paths.NOTEBOOKS, root / "notebooks")
    shutil.copy(paths.ROOT / "requirements.txt", root / "requirements.txt")
    monkeypatch.setattr(paths, "ROOT", root)
    before = {nb.name: runner.signature(root / "notebooks" / nb.name) for nb in NOTEBOOKS}
    (root / "data" / "raw" / "clearance_reports.csv").touch()  # touched, not changed
    assert {nb.name: runner.signature(root / "notebooks" / nb.name) for nb in NOTEBOOKS} == before
    with open(root / "data" / "raw" / "clearance_reports.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")  # changed: only the notebooks that read it
    after = {nb.name: runner.signature(root / "notebooks" / nb.name) for nb in NOTEBOOKS}
    changed = sorted(n for n in after if after[n] != before[n])
    readers = sorted(nb.name for nb in NOTEBOOKS
                     if "data/raw/clearance_reports.csv" in nbformat.read(nb, as_version=4).metadata["azmine"]["inputs"])
    assert changed == readers == ["00_data_overview.ipynb", "03_clearance_rates.ipynb", "04_validation.ipynb"]


def test_package_hash_covers_the_whole_package_tree(tmp_path):
    """A change to any module or style sheet, in any subpackage, re-runs the notebooks; where the checkout
    lives, and files that are not code (a README), do not."""
    copy = tmp_path / "analysis"
    shutil.copytree(runner.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert runner.package_hash(copy) == runner.package_hash()
    hashes = [runner.package_hash(copy)]
    (copy / "stage").mkdir()
    (copy / "stage" / "README.md").write_text("what this stage is\n")
    assert runner.package_hash(copy) == hashes[-1]
    for change in (lambda: (copy / "stage" / "__init__.py").write_text('"""A stage."""\n'),
                   lambda: (copy / "stage" / "__init__.py").write_text('"""A stage, reworded."""\n'),
                   lambda: (copy / "stage" / "deeper").mkdir()
                   or (copy / "stage" / "deeper" / "x.mplstyle").write_text("lines.linewidth: 1\n"),
                   lambda: (copy / "stage" / "__init__.py").rename(copy / "stage" / "moved.py")):
        change()
        hashes.append(runner.package_hash(copy))
    assert len(set(hashes)) == len(hashes), "every change gives a new hash"


def test_a_failing_notebook_stops_the_run_and_leaves_every_output(tmp_path, capsys):
    broken = tmp_path / "99_broken.ipynb"
    nb = nbformat.read(paths.NOTEBOOKS / "00_data_overview.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('deliberately broken')"))
    nbformat.write(nb, broken)
    digests = {p.name: _sha(p) for d in (paths.FIGURES, paths.PROCESSED) for p in d.iterdir() if p.is_file()}
    assert runner.run_all([broken], force=True) == 1
    err = capsys.readouterr().err
    assert "FAILED" in err and "99_broken.ipynb" in err and "RuntimeError: deliberately broken" in err
    assert f"cell {len(nb.cells) - 1}" in err
    assert {p.name: _sha(p) for d in (paths.FIGURES, paths.PROCESSED) for p in d.iterdir() if p.is_file()} == digests
    assert not list(paths.ROOT.glob(".stage-*"))


def test_parallel_kernels_start_in_their_notebooks_folder_and_leave_the_cwd(tmp_path, monkeypatch):
    # papermill's own cwd option changes the whole process's working directory; threads running
    # notebooks side by side restored it in the wrong order, leaving a deleted folder as the cwd
    monkeypatch.chdir(tmp_path)
    made = []
    for i in range(4):
        folder = tmp_path / f"folder{i}"
        folder.mkdir()
        nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                               "language": "python"}})
        nb.cells = [nbformat.v4.new_code_cell(f"import os\nassert os.getcwd() == {str(folder)!r}, os.getcwd()")]
        nbformat.write(nb, folder / "check.ipynb")
        made.append(folder / "check.ipynb")
    assert runner.run_all(made, force=True, workers=2, record=False) == 0
    assert Path.cwd() == tmp_path
    # each kernel's stderr is kept; where pyzmq has CurveZMQ the channels are encrypted (ipykernel warns if not)
    import zmq
    log = runner.kernel_log(made[0]).read_text()
    if zmq.has("curve"):
        assert "without encryption" not in log


def test_makespan_is_the_list_schedule_of_a_thread_pool():
    # two workers, jobs in order: 4 and 3 start at once; 2 goes to the worker free at 3 (ends 5), 1 to the
    # one free at 4 (ends 5)
    assert runner.makespan([4, 3, 2, 1], 2) == 5
    assert runner.makespan([4, 3, 2, 1], 1) == 10
    assert runner.makespan([], 2) == 0


def _notebooks_costing(tmp_path, seconds: dict) -> list[Path]:
    """Notebooks that declare only their analysis time (no figures in the manifest, so each is expected to take
    KERNEL_SECONDS + its declared seconds)."""
    out = []
    for name, secs in seconds.items():
        nb = nbformat.v4.new_notebook(metadata={"azmine": {"analysis_seconds": secs}})
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
        out.append(tmp_path / f"{name}.ipynb")
    return out


def test_the_start_order_ends_soonest_where_longest_first_leaves_a_notebook_alone(tmp_path):
    # the project's five notebooks as they ran on the 2-core machine (seconds, kernel included): 4.5, 4.0, 3.4,
    # 2.05, 1.6. Longest first starts 3.4 on the core free at 4.0 (ends 7.4) and 2.05 then 1.6 on the other
    # (ends 8.15); 2.05 first on the core free at 4.0 and 3.4 on the one free at 4.5 ends at 7.9 (4.5 + 3.4),
    # while 4.0 + 2.05 + 1.6 = 7.65 on the other.
    k = runner.KERNEL_SECONDS
    spans = {"a": 4.5, "b": 4.0, "c": 3.4, "d": 2.05, "e": 1.6}
    nbs = _notebooks_costing(tmp_path, {n: s - k for n, s in spans.items()})
    order = [p.stem for p in runner.start_order(nbs, 2)]
    assert order == ["a", "b", "d", "c", "e"]
    assert runner.makespan([spans[n] for n in order], 2) == pytest.approx(7.9)
    assert runner.makespan([spans[n] for n in "abcde"], 2) == pytest.approx(8.15)
    # where longest first is already best it is kept (three equal notebooks: any order ends at 2 x one)
    same = _notebooks_costing(tmp_path, {"x": 1, "y": 1, "z": 1})
    assert [p.stem for p in runner.start_order(same, 2)] == ["x", "y", "z"]
    # a notebook with nothing to do takes no time: the rest are scheduled as if it were not there
    order = [p.stem for p in runner.start_order(nbs, 2, skip={"a"})]
    assert order[-1] == "a" and order[:2] == ["b", "c"]


def test_the_project_notebooks_start_in_an_order_no_worse_than_longest_first():
    made = read_manifest(paths.FIGURES)["notebooks"]
    cost = {nb.stem: runner.expected_seconds(nb, made) for nb in NOTEBOOKS}
    order = runner.start_order(NOTEBOOKS, 2)
    lpt = sorted(NOTEBOOKS, key=lambda nb: -cost[nb.stem])
    assert sorted(order) == sorted(NOTEBOOKS)
    assert runner.makespan([cost[nb.stem] for nb in order], 2) <= runner.makespan([cost[nb.stem] for nb in lpt], 2)
    # every notebook costs its kernel; the backtest (one figure, many refits) declares its analysis time
    assert min(cost.values()) >= runner.KERNEL_SECONDS + runner.FIGURE_SECONDS
    assert cost["04_validation"] > runner.KERNEL_SECONDS + len(made["04_validation"]["figures"]) * runner.FIGURE_SECONDS


def test_clean_drops_volatile_metadata_and_merges_split_prints():
    nb = nbformat.v4.new_notebook(metadata={"papermill": {"duration": 1.2}})
    injected = nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["injected-parameters"]})
    cell = nbformat.v4.new_code_cell("print('saved', 'a.svg')", execution_count=7,
                                     metadata={"papermill": {"duration": 0.3}, "execution": {"iopub.status.busy": "t"}})
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/plain": "<Figure>"}),
        nbformat.v4.new_output("stream", name="stdout", text="saved"),
        nbformat.v4.new_output("stream", name="stdout", text=" a.svg\n"),
        nbformat.v4.new_output("stream", name="stderr", text="warning\n"),
        nbformat.v4.new_output("display_data", data={"text/plain": "<Figure>"}),
        nbformat.v4.new_output("stream", name="stdout", text="saved b.svg\n"),
    ]
    nb.cells = [injected, cell]
    out = runner.clean(nb)
    assert "papermill" not in out.metadata and len(out.cells) == 1
    (only,) = out.cells
    assert only.metadata == {} and only.execution_count == 1
    # adjacent pieces of one print become one output; nothing moves across a figure or between streams
    assert [(o.output_type, o.get("name"), o.get("text")) for o in only.outputs] == [
        ("display_data", None, None), ("stream", "stdout", "saved a.svg\n"), ("stream", "stderr", "warning\n"),
        ("display_data", None, None), ("stream", "stdout", "saved b.svg\n")]


def test_a_dying_kernel_is_reported_with_its_log_and_the_console_shows_only_progress(tmp_path, capfd):
    dying = tmp_path / "98_dying.ipynb"
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("import sys\nprint('about to die', file=sys.stderr, flush=True)"),
                nbformat.v4.new_code_cell("import os\nos._exit(3)")]
    nbformat.write(nb, dying)
    assert runner.run_all([dying], force=True, record=False) == 1
    out, err = capfd.readouterr()
    assert "FAILED" in err and "98_dying.ipynb: the kernel failed" in err and "build/kernel-logs/98_dying.log" in err
    # kernel chatter (ipykernel's own log lines) goes to the kernel's log, not to the console
    assert "[IPKernelApp]" not in out + err
    assert runner.kernel_log(dying).exists()


def test_the_cell_importing_the_package_runs_without_collections_and_freezes_what_it_imported(tmp_path):
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell(source) for source in (
        "import gc, sys\nstate = [(gc.isenabled(), gc.get_freeze_count())]",
        "from analysis import data\nfrom analysis.plots import save\nstate.append((gc.isenabled(), gc.get_freeze_count()))",
        "state.append((gc.isenabled(), gc.get_freeze_count()))",
        # a fresh import in a cell that fails: the collector still resumes once the cell ends
        "for name in [m for m in sys.modules if m.split('.')[0] == 'analysis']:\n    del sys.modules[name]",
        "import analysis\nstate.append((gc.isenabled(), gc.get_freeze_count()))\nraise RuntimeError('after the import')",
        "state.append((gc.isenabled(), gc.get_freeze_count()))\nprint(state)",
    )]
    NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=120,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert nb.cells[4].outputs[-1]["ename"] == "RuntimeError"
    # (collector on, objects frozen): before, inside and after the importing cell; inside the failing one; after it
    state = ast.literal_eval(nb.cells[-1].outputs[0]["text"])
    (on0, frozen0), (on_importing, _), (on1, frozen1), (on_failing, _), (on2, frozen2) = state
    assert on0 and not on_importing and on1 and not on_failing and on2
    assert frozen1 > frozen0 + 50_000  # pandas, matplotlib and the package, frozen after the first cell
    assert frozen2 >= frozen1


def test_outside_ipython_importing_the_package_leaves_the_collector_alone():
    import subprocess
    import sys

    code = "import gc, analysis.plots.save; assert gc.isenabled() and gc.get_freeze_count() == 0"
    subprocess.run([sys.executable, "-c", code], check=True)


def _loaded_after(code: str, modules) -> list[list[str]]:
    """Run ``code`` in a fresh interpreter; at each ``#check`` line in it, which of ``modules`` are loaded."""
    import ast
    import subprocess
    import sys

    probe = f"print(sorted(m for m in {tuple(modules)!r} if m in sys.modules))"
    script = "import sys\n" + code.replace("#check", probe)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    return [ast.literal_eval(line) for line in out.splitlines()]


def test_the_validation_notebooks_imports_leave_statsmodels_glm_unloaded():
    # notebook 04 reads only labels from the clearance modules: statsmodels' GLM (and its formula machinery, a fifth
    # of a second per kernel) loads only where a GLM is fitted
    code = ("from analysis.plots.validation import plot_calibration\nfrom analysis.statements import backtest\n"
            "from analysis.clearance import per_area\n#check")
    assert _loaded_after(code, ("statsmodels.genmod", "formulaic", "patsy")) == [[]]


def test_the_casualty_notebooks_model_leaves_scipy_stats_unloaded():
    # notebook 01 fits every casualty series (rate, F tests, latent series, coherence, intervals) and its trend: its
    # normal quantiles and F tests are scipy.special's ndtri and fdtrc, so scipy.stats (a fifth of a second per
    # kernel) is never imported
    code = ("from analysis import data\nfrom analysis.casualties import longrun, series\n"
            "from analysis.readings import casualties\n#check\n"
            "pkg = data.load_package()\nfit = series.analyse(pkg.casualty_reports, pkg.sources)\n"
            "longrun.annual_casualties(pkg.monitor_annual, start=1990, end=2100)\n#check")
    assert _loaded_after(code, ("scipy.stats", "scipy.special")) == [["scipy.special"], ["scipy.special"]]


def test_checking_a_notebooks_parameters_leaves_matplotlib_unloaded_in_the_runner():
    # the runner checks every notebook's parameters before its kernel starts; matplotlib (pulled in by the figure
    # formats' list) cost the runner's own process two thirds of a CPU-second beside the kernels
    code = ("from analysis.pipeline import params, runner\n"
            "try:\n    params.unknown_parameters({'nope': 1}, {'output_dir': {}})\nexcept params.ParameterError:\n    pass\n"
            "#check\nparams.figure_formats(['svg'])\n#check")
    assert _loaded_after(code, ("matplotlib",)) == [[], ["matplotlib"]]
