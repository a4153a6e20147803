"""One static HTML report of the executed notebooks, code hidden, for readers who don't code.

``python -m analysis.pipeline.report [OUT.html]`` (``make report``) reads the committed, executed notebooks
(their stored outputs are what nbval checks), joins them in reading order and renders them with
nbconvert without the code cells' input or prompts. Default output: ``report/report.html``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from . import paths

DEFAULT = paths.ROOT / "report" / "report.html"


def combined_notebook(notebooks: list[Path]) -> nbformat.NotebookNode:
    """The notebooks' cells one after the other (the parameters and version cells are left out)."""
    out = nbformat.v4.new_notebook()
    out.metadata = nbformat.read(notebooks[0], as_version=4).metadata
    out.cells.append(nbformat.v4.new_markdown_cell(
        "# Landmines in Azerbaijan since the 2020 ceasefire\n\nThe analysis notebooks of this project, executed, with "
        "the code hidden. Every number traces back to a cited statement in `data/raw/`."))
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            tags = cell.metadata.get("tags", [])
            if "parameters" in tags or "injected-parameters" in tags:
                continue
            if cell.cell_type == "code" and cell.source.lstrip().startswith("import sys, matplotlib"):
                continue
            out.cells.append(cell)
    return out


def render(notebooks: list[Path] | None = None) -> str:
    notebooks = notebooks or sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(combined_notebook(notebooks))
    return body


def write(out: Path = DEFAULT) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(render(), encoding="utf-8")
    os.replace(tmp, out)
    return out


if __name__ == "__main__":
    target = write(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
    print(f"wrote {target.relative_to(paths.ROOT) if target.is_relative_to(paths.ROOT) else target}")
