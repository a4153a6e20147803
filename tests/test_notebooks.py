"""The notebooks: parameterised, committed with outputs, and run by papermill with other parameters."""

from __future__ import annotations

import hashlib
import json

import nbformat
import pytest
from papermill.exceptions import PapermillExecutionError

from analysis import notebooks, paths

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_shape(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    for line in tagged[0].source.splitlines():
        if line.strip():
            assert "#" in line and ":" in line.split("=")[0], f"typed default with a comment: {line!r}"
    assert code[-1].outputs, "committed with outputs (the last cell prints the versions)"
    for cell in code:
        if "save_figure(" in cell.source:
            assert any("image/png" in o.get("data", {}) for o in cell.outputs), "a saved figure is also shown"
    assert not any(o.output_type == "error" for c in code for o in c.outputs)
    assert not any("sys.path" in c.source for c in code)
    assert "papermill" not in nb.metadata, "volatile papermill metadata left in the committed notebook"
    outputs = json.dumps([c.outputs for c in code])
    assert str(paths.ROOT) not in outputs and "PosixPath(" not in outputs, "an absolute path in the outputs breaks nbval elsewhere"


def test_a_bad_parameter_stops_the_run_and_overwrites_nothing(tmp_path):
    before = _digest(paths.FIGURES)
    out = tmp_path / "out.ipynb"
    with pytest.raises(PapermillExecutionError) as err:
        notebooks.run(paths.NOTEBOOKS / "00_data_overview.ipynb", out, {"start_year": 2024, "end_year": 2021})
    assert err.value.ename == "ParameterError"
    assert "parameter 'end_year' (2021) is before 'start_year' (2024)" in err.value.evalue
    assert not out.exists() and not list(tmp_path.iterdir())
    assert _digest(paths.FIGURES) == before


def test_another_window_changes_the_outputs(tmp_path):
    out = tmp_path / "out.ipynb"
    notebooks.run(paths.NOTEBOOKS / "00_data_overview.ipynb", out,
                  {"start_year": 2023, "end_year": 2024, "output_dir": str(tmp_path / "fig"), "figure_formats": ["svg"]})
    nb = nbformat.read(out, as_version=4)
    coverage = next(c for c in nb.cells if c.cell_type == "code" and "coverage_table" in c.source)
    html = coverage.outputs[0]["data"]["text/html"]
    assert "<th>2023</th>" in html and "<th>2024</th>" in html and "<th>2022</th>" not in html
    assert [p.name for p in (tmp_path / "fig").iterdir()] == ["00_statement_timeline.svg"]
    assert "papermill" not in nb.metadata and json.dumps(nb).count('"execution"') == 0
