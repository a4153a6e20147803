"""Execute the notebooks with papermill, the way ``make figures`` does: incrementally, in parallel, and
never leaving half a result behind.

- **Incremental.** A notebook re-runs only when its *signature* changed: the SHA-256 of its cells'
  source, the helper package's source, ``requirements.txt`` and the data files it declares in its
  metadata (``metadata.azmine.inputs``; the descriptor, sources and corrections always count). The
  signature of the last run is kept in ``figures/manifest.json``, so a rerun with nothing changed (or
  a fresh clone) does nothing and touching a file without changing it re-runs nothing. ``--force``
  re-runs everything (CI does, to prove the committed outputs are reproducible).
- **Parallel.** Independent notebooks run at once, one per core, started in the order whose schedule ends
  soonest by their expected times (kernel, figures, declared analysis time); a line per notebook shows its time.
- **Staged.** Each notebook runs with its ``output_dir``/``processed_dir`` parameters pointing to a
  private staging folder; only when every cell succeeded are its figures, tables and the executed
  notebook (cleaned of papermill's injected cell and of volatile metadata) moved into place and the
  manifest updated. A failing notebook stops the run (no new notebook starts) with a message naming it
  and the failing cell, and every earlier figure and table stays as it was.
- **Checked first.** Before any notebook starts, the command line (options, notebook files) and the whole
  data package (:func:`analysis.data.validate_package`) are checked; a problem stops the run with its
  message (every problem of the package, each naming file, row, line, column and rule), exit status 1
  (2 for a bad command line), and nothing is written. A package once found valid is remembered by the hash
  of data/raw and of the package's code (``build/validated-data.sha256``), so a rerun with nothing changed
  does not load it again.

Usage: ``python -m analysis.pipeline.runner [--force] notebooks/00_data_overview.ipynb [...]``
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, CancelledError, ThreadPoolExecutor, wait
from pathlib import Path

from . import paths
from .manifest import read_manifest, write_manifest

KERNEL = "python3"
ALWAYS_INPUTS = ["data/raw/datapackage.json", "data/raw/sources.csv", "data/raw/corrections.csv"]
_lock = threading.Lock()


class NotebookFailed(RuntimeError):
    """A notebook raised in one of its cells."""


# --------------------------------------------------------------------------------------------------
# signatures


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def declared_inputs(nb: dict) -> list[str]:
    """Data files (paths from the project root) the notebook reads, from its metadata."""
    declared = nb["metadata"].get("azmine", {}).get("inputs", [])
    return sorted(set(ALWAYS_INPUTS) | set(declared))


def input_hashes(nb: dict) -> dict[str, str]:
    return {name: _sha256(paths.ROOT / name) for name in declared_inputs(nb)}


#: The folder of the ``analysis`` package (this module is in its ``pipeline`` subpackage).
PACKAGE = Path(__file__).resolve().parents[1]


def package_hash(package: Path | None = None) -> str:
    """SHA-256 of the package's code and style (every ``*.py`` and ``*.mplstyle`` file in the whole tree, each
    named by its path inside the package, in sorted order) and of ``requirements.txt``: a change in any
    subpackage re-runs the notebooks, and the hash does not depend on where the checkout lives."""
    package = Path(package) if package is not None else PACKAGE
    files = sorted((p for p in package.rglob("*") if p.suffix in (".py", ".mplstyle") and p.is_file()),
                   key=lambda p: p.relative_to(package).as_posix())
    h = hashlib.sha256()
    for path in files:
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    requirements = paths.ROOT / "requirements.txt"
    h.update(requirements.name.encode())
    h.update(requirements.read_bytes())
    return h.hexdigest()


def signature(notebook: Path, package: str | None = None) -> str:
    """What a notebook's outputs depend on: its cells' source, the package, and its declared inputs."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    h = hashlib.sha256()
    for cell in nb["cells"]:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        h.update(cell["cell_type"].encode())
        h.update(source.encode())
        h.update(repr(cell.get("metadata", {}).get("tags", [])).encode())
    h.update(repr(sorted(input_hashes(nb).items())).encode())
    h.update((package or package_hash()).encode())
    return h.hexdigest()


# --------------------------------------------------------------------------------------------------
# executing one notebook


def _merge_adjacent_streams(outputs: list) -> list:
    """One output for each run of consecutive stdout (or stderr) outputs. Where the kernel happens to
    flush in the middle of a ``print`` depends on timing, so unmerged the same text could be stored in
    one piece or in two from run to run."""
    merged = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (out.get("output_type") == "stream" and prev is not None and prev.get("output_type") == "stream"
                and prev.get("name") == out.get("name")):
            prev["text"] = "".join(prev["text"]) + "".join(out["text"])
        else:
            merged.append(out)
    return merged


def clean(nb):
    """Drop what changes from run to run without the results changing (timings, how stdout happened to be
    split into messages), and papermill's injected cell."""
    nb.metadata.pop("papermill", None)
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    count = 0
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code" and cell.outputs:
            cell.outputs = _merge_adjacent_streams(cell.outputs)
        if cell.cell_type == "code":
            if cell.get("execution_count") is not None:
                count += 1
                cell.execution_count = count
                for out in cell.outputs:
                    if "execution_count" in out:
                        out["execution_count"] = count
    return nb


def _original_index(notebook: Path, index: int, injected: bool) -> int:
    """The index, in the notebook as written, of a cell papermill reports (it counts its injected cell)."""
    if not injected:
        return index
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    return index - 1 if tagged and index > tagged[0] else index


def kernel_log(notebook: Path | str) -> Path:
    """Where the runner keeps the stderr of a notebook's kernel (build/ is not versioned)."""
    return paths.ROOT / "build" / "kernel-logs" / f"{Path(notebook).stem}.log"


def _kernel_manager_class(log: Path):
    """A kernel manager that starts the kernel with its stderr in ``log`` (so ``make figures`` prints a
    line per notebook and nothing else: jupyter_client interrupts every kernel before shutting it down,
    and ipykernel logs that as an error) and, where pyzmq has CurveZMQ and the kernelspec declares it,
    with its channels encrypted."""
    import zmq
    from jupyter_client.manager import AsyncKernelManager

    class LoggedKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw):
            if zmq.has("curve") and self.has_trait("transport_encryption"):  # jupyter_client >= 8.10
                kw.setdefault("transport_encryption", "auto")
            log.parent.mkdir(parents=True, exist_ok=True)
            with open(log, "wb") as stderr:  # the kernel process keeps its own copy of the descriptor
                kw.setdefault("stderr", stderr)
                return await super().start_kernel(**kw)

    return LoggedKernelManager


def run(notebook: Path | str, output: Path | str | None = None, parameters: dict | None = None) -> Path:
    """Execute ``notebook`` with ``parameters`` into ``output`` (default: in place); raise on failure.

    A parameter the notebook does not declare is a :class:`~analysis.pipeline.params.ParameterError` before
    the kernel starts (papermill would only warn and run the default). The output is written only if every
    cell succeeded.
    """
    import nbformat
    import papermill

    notebook = Path(notebook).resolve()
    if parameters:
        from .params import unknown_parameters

        unknown_parameters(parameters, papermill.inspect_notebook(str(notebook)))
    output = Path(output).resolve() if output else notebook
    tmp = output.with_name(f".{output.stem}.tmp{output.suffix}")
    try:
        # The kernel starts in the notebook's folder, as in JupyterLab. Not papermill's ``cwd``: that
        # changes the whole process's working directory, which threads running notebooks side by side
        # would then restore in the wrong order (and a deleted folder could be left as the cwd).
        # The output is written once at the end (or with the error), not after every cell: it is a
        # staging file nobody watches, and rewriting it per cell cost a quarter second per notebook.
        papermill.execute_notebook(
            str(notebook), str(tmp), parameters=parameters or {}, kernel_name=KERNEL,
            progress_bar=False, log_output=False, request_save_on_cell_execute=False,
            resources={"metadata": {"path": str(notebook.parent)}},
            kernel_manager_class=_kernel_manager_class(kernel_log(notebook)),
            # Once the last cell has run and its outputs are in, the kernel has nothing to save: stop it
            # at once. (A graceful stop waited up to 2.5 s, now and then, for a kernel that jupyter_client
            # had just interrupted to answer the shutdown request.)
            shutdown_kernel="immediate",
        )
        nb = clean(nbformat.read(tmp, as_version=4))
        nbformat.write(nb, tmp)
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    return output


def _run_staged(notebook: Path, force: bool, package: str, record: bool = True, sig: str | None = None) -> str:
    """Run one notebook in a staging folder and move its results into place. Returns a progress line. ``sig``: its
    signature, where :func:`run_all` has taken it already."""
    name = notebook.stem
    sig = sig or signature(notebook, package)
    with _lock:
        previous = read_manifest(paths.FIGURES)["notebooks"].get(name, {})
    if not force and previous.get("signature") == sig:
        return f"unchanged {name}"
    import papermill  # only now: importing it takes most of a second
    from papermill.exceptions import PapermillExecutionError
    start = time.perf_counter()
    accepted = papermill.inspect_notebook(str(notebook))
    stage = Path(tempfile.mkdtemp(prefix=f".stage-{name}-", dir=paths.ROOT))
    try:
        parameters = {}
        if "output_dir" in accepted:
            parameters["output_dir"] = str(stage / "figures")
        if "processed_dir" in accepted:
            parameters["processed_dir"] = str(stage / "processed")
        shown = notebook.relative_to(paths.ROOT) if notebook.is_relative_to(paths.ROOT) else notebook
        try:
            run(notebook, stage / notebook.name, parameters)
        except PapermillExecutionError as exc:
            raise NotebookFailed(f"{shown}: cell {_original_index(notebook, exc.cell_index, bool(parameters))} "
                                 f"raised {exc.ename}: {exc.evalue}") from None
        except Exception as exc:  # the kernel died or never started: its log says why
            log = kernel_log(notebook)
            raise NotebookFailed(f"{shown}: the kernel failed ({type(exc).__name__}: {exc}); its log is "
                                 f"{log.relative_to(paths.ROOT)}") from None
        if not record:  # a benchmark's throw-away notebook: nothing to move into the project
            return f"ran {name} in {time.perf_counter() - start:.1f} s"
        nb = json.loads((stage / notebook.name).read_text(encoding="utf-8"))
        staged = read_manifest(stage / "figures")
        inputs = input_hashes(nb)
        defaults = {k: v["default"] for k, v in accepted.items()}
        with _lock:
            manifest = read_manifest(paths.FIGURES)
            paths.FIGURES.mkdir(exist_ok=True)
            paths.PROCESSED.mkdir(exist_ok=True)
            # figures this notebook made before and no longer makes are its own stale outputs
            for fig_name in previous.get("figures", []):
                if fig_name not in staged["figures"]:
                    for file in manifest["figures"].pop(fig_name, {}).get("files", {}):
                        (paths.FIGURES / file).unlink(missing_ok=True)
            for fig_name, entry in staged["figures"].items():
                for file in entry["files"]:
                    os.replace(stage / "figures" / file, paths.FIGURES / file)
                manifest["figures"][fig_name] = dict(entry, notebook=f"notebooks/{notebook.name}",
                                                     parameters=defaults, inputs=inputs)
            for table in sorted((stage / "processed").glob("*.csv")) if (stage / "processed").is_dir() else []:
                os.replace(table, paths.PROCESSED / table.name)
            os.replace(stage / notebook.name, notebook)
            # the signature taken before the run: the outputs belong to that source, even if it was edited since
            manifest["notebooks"][name] = {"signature": sig, "parameters": defaults,
                                           "inputs": inputs, "figures": sorted(staged["figures"])}
            write_manifest(paths.FIGURES, manifest)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return f"ran {name} in {time.perf_counter() - start:.1f} s"


#: What a figure costs a notebook, in seconds of a kernel on this project's 2-core machine (layout, SVG, PDF,
#: PNG): the unit of a notebook's expected running time.
FIGURE_SECONDS = 0.33
#: What every notebook costs before its first figure, in the same seconds: the kernel's start and the cell that
#: imports the package (pandas, matplotlib, scipy). Without it a notebook of one figure would look five times
#: shorter than it runs, and the schedule below would pack the wrong ones together.
KERNEL_SECONDS = 1.3
#: Up to this many notebooks to run, every start order is tried (7! = 5,040 short simulations); beyond, longest first.
EXHAUSTIVE = 7


def expected_seconds(notebook: Path, made: dict) -> float:
    """A notebook's expected running time: :data:`KERNEL_SECONDS`, its figures of the last run (from the manifest)
    at :data:`FIGURE_SECONDS` each, and the seconds of analysis it declares in ``metadata.azmine.analysis_seconds``
    (the fits, the backtest's refits). Declared, not measured: the order must be the same on every machine and
    the manifest the same bytes on every run."""
    figures = len(made.get(Path(notebook).stem, {}).get("figures", []))
    try:
        declared = json.loads(Path(notebook).read_text(encoding="utf-8"))["metadata"].get("azmine", {}).get("analysis_seconds", 0)
    except (OSError, ValueError):
        declared = 0
    return KERNEL_SECONDS + figures * FIGURE_SECONDS + float(declared or 0)


def makespan(seconds: list[float], workers: int) -> float:
    """When the last of jobs taking ``seconds`` ends if they start in this order, each on the first worker free
    (what a thread pool of ``workers`` does with the jobs submitted in order)."""
    free = [0.0] * max(int(workers), 1)
    for s in seconds:
        i = free.index(min(free))
        free[i] += s
    return max(free)


def start_order(notebooks: list[Path], workers: int, skip: set[str] = frozenset()) -> list[Path]:
    """The notebooks in the order to start them, so that the last one ends as early as the expected times
    (:func:`expected_seconds`) allow.

    Longest first (longest-processing-time scheduling) keeps the cores busy to the end, but it is a rule of
    thumb: with five notebooks on two cores it can leave a short one to run alone at the end, when putting it
    after a shorter second notebook would have ended sooner. So every order is simulated (:func:`makespan`) and
    the first that ends soonest, in an enumeration that starts from longest first, is taken: longest first
    wherever nothing beats it. Beyond :data:`EXHAUSTIVE` notebooks, longest first. Notebooks named in ``skip``
    (nothing changed: they end at once) count as taking no time. Unknown notebooks count only their kernel."""
    made = read_manifest(paths.FIGURES)["notebooks"]
    cost = {Path(nb).stem: 0.0 if Path(nb).stem in skip else expected_seconds(nb, made) for nb in notebooks}
    lpt = sorted(notebooks, key=lambda nb: -cost[Path(nb).stem])
    if len(lpt) > EXHAUSTIVE or workers <= 1:
        return lpt
    best, best_end = lpt, makespan([cost[Path(nb).stem] for nb in lpt], workers)
    for order in itertools.permutations(lpt):
        end = makespan([cost[Path(nb).stem] for nb in order], workers)
        if end < best_end - 1e-9:
            best, best_end = list(order), end
    return best


def _signatures(notebooks: list[Path], package: str) -> dict[str, str]:
    """Each notebook's signature, taken once before any runs (a notebook that cannot be read is left out:
    :func:`_run_staged` reports it)."""
    out = {}
    for nb in notebooks:
        try:
            out[Path(nb).stem] = signature(Path(nb), package)
        except (OSError, ValueError, KeyError):
            pass
    return out


def run_all(notebooks: list[Path], force: bool = False, workers: int | None = None, record: bool = True) -> int:
    """Run the notebooks that need it, in parallel; return a process exit status.

    ``record=False`` runs them the same way but moves nothing into the project (the benchmark's floor)."""
    package = package_hash()
    workers = workers or os.cpu_count() or 2
    failed = []
    sigs = _signatures(notebooks, package)
    made = read_manifest(paths.FIGURES)["notebooks"]
    unchanged = set() if force else {name for name, sig in sigs.items() if made.get(name, {}).get("signature") == sig}
    notebooks = start_order(notebooks, workers, skip=unchanged)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_run_staged, Path(nb).resolve(), force, package, record, sigs.get(Path(nb).stem)): nb
                   for nb in notebooks}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)  # a line as each one ends
            for future in done:
                try:
                    print(future.result(), flush=True)
                except CancelledError:
                    print(f"not run {Path(futures[future]).stem} (an earlier notebook failed)", flush=True)
                except NotebookFailed as exc:
                    failed.append(str(exc))
                    for other in pending:
                        other.cancel()  # a failure stops the run: no new notebook starts
    if failed:
        for message in failed:
            print(f"FAILED {message}", file=sys.stderr)
        print("figures/ and data/processed/ keep the outputs of the notebooks that succeeded; nothing of a failed "
              "notebook was written", file=sys.stderr)
        return 1
    return 0


# --------------------------------------------------------------------------------------------------
# checks before any notebook starts

USAGE = "usage: python -m analysis.pipeline.runner [--force] NOTEBOOK.ipynb [...]"


def check_notebooks(names: list[str]) -> list[str]:
    """What is wrong with the notebooks named on the command line: not there, not a notebook, no cell tagged
    ``parameters`` (the runner points its ``output_dir`` there)."""
    out = []
    for name in names:
        path = Path(name)
        if path.suffix != ".ipynb":
            out.append(f"{name}: not a notebook (.ipynb)")
        elif not path.is_file():
            out.append(f"{name}: no such notebook")
        else:
            try:
                nb = json.loads(path.read_text(encoding="utf-8"))
                cells = nb["cells"]
                tagged = any("parameters" in c.get("metadata", {}).get("tags", []) for c in cells)
            except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
                out.append(f"{name}: not a readable notebook ({type(exc).__name__}: {exc})")
                continue
            if not tagged:
                out.append(f"{name}: no cell is tagged 'parameters'")
    return out


def _raw_hash() -> str:
    """SHA-256 of every file in data/raw (by its path there) and of the package's code: what a validation of
    the data package depends on."""
    h = hashlib.sha256(package_hash().encode())
    for path in sorted(p for p in paths.RAW.rglob("*") if p.is_file()):
        h.update(path.relative_to(paths.RAW).as_posix().encode())
        h.update(_sha256(path).encode())
    return h.hexdigest()


def validated_stamp() -> Path:
    """Where the runner remembers the data package it last found valid (build/ is not versioned)."""
    return paths.ROOT / "build" / "validated-data.sha256"


def check_data() -> list[str]:
    """Every problem of the data package (data/raw), as messages; empty when it is valid. A package found valid
    is remembered (:func:`validated_stamp`) and not loaded again until data/raw or the code changes."""
    key = _raw_hash()
    stamp = validated_stamp()
    try:
        if stamp.read_text(encoding="utf-8").strip() == key:
            return []
    except OSError:
        pass
    from ..data import validate_package

    problems = validate_package(paths.RAW)
    if not problems:
        try:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.write_text(key + "\n", encoding="utf-8")
        except OSError:
            pass  # only a shortcut for the next run
    return [str(p) for p in problems]


def main(argv: list[str]) -> int:
    force = "--force" in argv
    options = [a for a in argv if a.startswith("-") and a != "--force"]
    names = [a for a in argv if not a.startswith("-")]
    if options or not names:
        print((f"unknown option(s): {' '.join(options)}\n" if options else "") + USAGE, file=sys.stderr)
        return 2
    bad = check_notebooks(names)
    if bad:
        for message in bad:
            print(f"FAILED {message}", file=sys.stderr)
        print("no notebook was run; nothing was written", file=sys.stderr)
        return 2
    problems = check_data()
    if problems:
        print(f"FAILED the data package (data/raw) has {len(problems)} problem(s):", file=sys.stderr)
        for message in problems:
            print(f"  - {message}", file=sys.stderr)
        print("no notebook was run; figures/, data/processed/ and notebooks/ are as they were", file=sys.stderr)
        return 1
    status = run_all([Path(n) for n in names], force=force)
    if status == 0:
        from . import frontpage  # the README's headline and gallery follow the results (only after a full success)

        if frontpage.update(paths.ROOT):
            print("README.md: headline numbers and gallery rewritten from the results", flush=True)
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
