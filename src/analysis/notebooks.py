"""Execute notebooks with papermill, the way ``make figures`` does.

Each notebook runs in its own folder (``notebooks/``) into a temporary file; only when every cell
succeeded is the result cleaned of volatile metadata (papermill's timings and paths, per-cell
execution times) and moved over the notebook, so a rerun with unchanged inputs leaves git clean and a
failed run leaves the committed notebook as it was.

Usage: ``python -m analysis.notebooks notebooks/00_data_overview.ipynb [...]``
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
import papermill
from papermill.exceptions import PapermillExecutionError

KERNEL = "python3"


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop metadata that changes from run to run without the results changing."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return nb


def run(notebook: Path | str, output: Path | str | None = None, parameters: dict | None = None) -> Path:
    """Execute ``notebook`` (into ``output``, default: in place) and return the path written."""
    notebook = Path(notebook).resolve()
    output = Path(output).resolve() if output else notebook
    tmp = output.with_name(f".{output.stem}.tmp{output.suffix}")
    try:
        papermill.execute_notebook(
            str(notebook), str(tmp), parameters=parameters or {}, kernel_name=KERNEL,
            cwd=str(notebook.parent), progress_bar=False, log_output=False,
        )
        nb = clean(nbformat.read(tmp, as_version=4))
        nbformat.write(nb, tmp)
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    return output


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m analysis.notebooks NOTEBOOK.ipynb [...]", file=sys.stderr)
        return 2
    for name in argv:
        start = time.perf_counter()
        try:
            run(name)
        except PapermillExecutionError as exc:
            print(f"FAILED {name}: cell {exc.cell_index} (execution count {exc.exec_count}) raised "
                  f"{exc.ename}: {exc.evalue}", file=sys.stderr)
            print("the committed notebook and earlier outputs were left as they were", file=sys.stderr)
            return 1
        print(f"ran {name} in {time.perf_counter() - start:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
