"""The notebooks: parameterised, committed with outputs, and run by papermill with other parameters."""

from __future__ import annotations

import hashlib
import json

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from analysis.pipeline import paths, runner

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
    names = []
    for line in tagged[0].source.splitlines():
        if line.strip():
            assert "#" in line and ":" in line.split("=")[0], f"typed default with a comment: {line!r}"
            names.append(line.split(":")[0].strip())
    # papermill must understand every line (it cannot parse a comment containing '=')
    assert list(papermill.inspect_notebook(str(path))) == names
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
        runner.run(paths.NOTEBOOKS / "00_data_overview.ipynb", out, {"start_year": 2024, "end_year": 2021})
    assert err.value.ename == "ParameterError"
    assert "parameter 'end_year' (2021) is before 'start_year' (2024)" in err.value.evalue
    assert not out.exists() and not list(tmp_path.iterdir())
    assert _digest(paths.FIGURES) == before


def test_another_window_changes_the_outputs(tmp_path):
    out = tmp_path / "out.ipynb"
    runner.run(paths.NOTEBOOKS / "00_data_overview.ipynb", out,
                  {"start_year": 2023, "end_year": 2024, "output_dir": str(tmp_path / "fig"), "figure_formats": ["svg"]})
    nb = nbformat.read(out, as_version=4)
    coverage = next(c for c in nb.cells if c.cell_type == "code" and "coverage_table" in c.source)
    html = coverage.outputs[0]["data"]["text/html"]
    assert "<th>2023</th>" in html and "<th>2024</th>" in html and "<th>2022</th>" not in html
    assert sorted(p.name for p in (tmp_path / "fig").iterdir()) == ["00_statement_timeline.svg", "manifest.json"]
    assert "papermill" not in nb.metadata and json.dumps(nb).count('"execution"') == 0


def test_casualty_notebook_follows_its_window(tmp_path):
    """papermill -p window_start: the trend, the daily and the monthly tables start there."""
    before = _digest(paths.PROCESSED)
    out = tmp_path / "01.ipynb"
    runner.run(paths.NOTEBOOKS / "01_casualty_trends.ipynb", out,
                  {"window_start": "2023-01-01", "output_dir": str(tmp_path / "fig"), "processed_dir": str(tmp_path / "tab"),
                   "figure_formats": ["png"]})
    import pandas as pd

    daily = pd.read_csv(tmp_path / "tab" / "casualties_cumulative_daily.csv")
    monthly = pd.read_csv(tmp_path / "tab" / "casualties_monthly.csv")
    assert daily["date"].min() == "2023-01-01" and monthly["month"].min() == "2023-01"
    committed = pd.read_csv(paths.PROCESSED / "casualties_monthly.csv")
    assert committed["month"].min() == "2020-11"
    assert _digest(paths.PROCESSED) == before, "a run with another window must not touch the committed tables"
    assert sorted(p.name for p in (tmp_path / "fig").iterdir()) == [
        "01_cumulative_total.png", "01_long_run_annual.png", "01_monthly_total.png", "01_since_1991.png", "manifest.json"]
    text = json.dumps(nbformat.read(out, as_version=4).cells)
    assert "From 1 January 2023" in text  # the generated reading follows the window


@pytest.mark.parametrize("notebook, parameters, message", [
    ("01_casualty_trends.ipynb", {"measure": "deaths"}, "parameter 'measure' must be one of"),
    ("01_casualty_trends.ipynb", {"window_start": "2024-01-01", "window_end": "2023-01-01"},
     "parameter 'window_end' (2023-01-01) is not after 'window_start' (2024-01-01)"),
    ("02_civilian_military.ipynb", {"case_fatality_date": "9 Dec 2023"},
     "parameter 'case_fatality_date' must be a date YYYY-MM-DD or '', got '9 Dec 2023'"),
    ("01_casualty_trends.ipynb", {"nowcast_to": "2025-01-01"},
     "parameter 'nowcast_to' (2025-01-01) is before the last statement (2026-03-12)"),
    ("01_casualty_trends.ipynb", {"nowcast_to": "31/12/2026"}, "parameter 'nowcast_to' must be a date YYYY-MM-DD or ''"),
])
def test_bad_parameters_of_the_casualty_notebooks(tmp_path, notebook, parameters, message):
    before = _digest(paths.PROCESSED), _digest(paths.FIGURES)
    with pytest.raises(PapermillExecutionError) as err:
        runner.run(paths.NOTEBOOKS / notebook, tmp_path / "out.ipynb", parameters)
    assert err.value.ename == "ParameterError" and message in err.value.evalue
    assert (_digest(paths.PROCESSED), _digest(paths.FIGURES)) == before


@pytest.mark.parametrize("parameters, message", [
    ({"scenario_ha": {"8,000 km2": -800000.0}}, "parameter 'scenario_ha' must map labels to positive numbers"),
    ({"fan_scenario": "12,000 km2"}, "parameter 'fan_scenario' must be one of"),
    ({"scopes": ["all", "halo"]}, "parameter 'scopes' must list each of"),
    ({"targets": {"ANAMA": "2030"}}, "parameter 'targets' must map labels to calendar years"),
    ({"nowcast_to": "2024-06-30"}, "parameter 'nowcast_to' (2024-06-30) is before the last statement"),
])
def test_bad_parameters_of_the_clearance_notebook(tmp_path, parameters, message):
    before = _digest(paths.PROCESSED), _digest(paths.FIGURES)
    with pytest.raises(PapermillExecutionError) as err:
        runner.run(paths.NOTEBOOKS / "03_clearance_rates.ipynb", tmp_path / "out.ipynb", parameters)
    assert err.value.ename == "ParameterError" and message in err.value.evalue
    assert (_digest(paths.PROCESSED), _digest(paths.FIGURES)) == before


def test_clearance_notebook_scenarios_are_parameters(tmp_path):
    """Another contamination estimate changes the projection table and nothing committed."""
    before = _digest(paths.PROCESSED)
    out = tmp_path / "03.ipynb"
    runner.run(paths.NOTEBOOKS / "03_clearance_rates.ipynb", out,
                  {"scenario_ha": {"half of 1,166,702 ha": 583351.0}, "fan_scenario": "half of 1,166,702 ha",
                   "output_dir": str(tmp_path / "fig"), "processed_dir": str(tmp_path / "tab"), "figure_formats": ["png"]})
    text = json.dumps(nbformat.read(out, as_version=4).cells)
    assert "half of 1,166,702 ha" in text and "AzCBL 8,000 km2" not in text.split("scenario_ha")[-1]
    assert _digest(paths.PROCESSED) == before


def test_casualty_notebook_nowcasts_to_a_given_day(tmp_path):
    """papermill -p nowcast_to 2026-12-31: the daily table runs to that day, a forecast after the last statement."""
    import pandas as pd

    runner.run(paths.NOTEBOOKS / "01_casualty_trends.ipynb", tmp_path / "01.ipynb",
               {"nowcast_to": "2026-12-31", "output_dir": str(tmp_path / "fig"), "processed_dir": str(tmp_path / "tab"),
                "figure_formats": ["png"]})
    daily = pd.read_csv(tmp_path / "tab" / "casualties_cumulative_daily.csv")
    total = daily[daily["measure"] == "total"].set_index("date")
    assert total.index.max() == "2026-12-31" and total.loc["2026-12-31", "kind"] == "forecast"
    assert total.loc["2026-03-12", "kind"] == "fit" and total.loc["2026-03-13", "kind"] == "forecast"
    assert total.loc["2026-12-31", "upper"] - total.loc["2026-12-31", "lower"] > total.loc["2026-03-12", "upper"] - \
        total.loc["2026-03-12", "lower"]


@pytest.mark.parametrize("notebook, parameters, message", [
    ("01_casualty_trends.ipynb", {"windw_start": "2023-01-01"},
     "parameter 'windw_start' is not a parameter of this notebook: papermill would ignore it and run the default; did you "
     "mean 'window_start'?"),
    ("01_casualty_trends.ipynb", {"window_start": "2030-01-01"},
     "parameters 'window_start' (2030-01-01) and 'window_end' (''): the window holds no casualty statements"),
    ("01_casualty_trends.ipynb", {"long_run_start": 1990, "long_run_end": 1995},
     "parameters 'long_run_start' (1990) and 'long_run_end' (1995): the years hold no annual figures"),
    ("00_data_overview.ipynb", {"start_year": 1991, "end_year": 1995},
     "parameters 'start_year' (1991) and 'end_year' (1995): the years hold no statements; the statements cover 2018-2026"),
    ("02_civilian_military.ipynb", {"window_start": "2025-06-01"}, "the window holds no civilian/military splits"),
    ("03_clearance_rates.ipynb", {"scenario_ha": {"too small": 100000.0}, "fan_scenario": "too small"},
     "parameter 'scenario_ha': scenario 'too small' (100,000 ha) is not larger than the area already cleared by"),
    ("03_clearance_rates.ipynb", {"scopes": ["mod"]}, "parameter 'scopes': 'all' is not chosen"),
    ("04_validation.ipynb", {"horizon_day": 90}, "parameter 'horizon_day' is not a parameter of this notebook"),
])
def test_a_parameter_that_selects_nothing_or_is_misspelled_stops_before_anything_is_written(tmp_path, notebook, parameters, message):
    """Run by papermill itself (not the project's runner, which refuses an undeclared name before the kernel starts):
    the notebook's own check cell stops it with a message naming the parameter, before any figure or table."""
    before = _digest(paths.PROCESSED), _digest(paths.FIGURES)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    parameters = dict(parameters, output_dir=str(out_dir))
    if notebook != "00_data_overview.ipynb":
        parameters["processed_dir"] = str(out_dir)
    with pytest.raises(PapermillExecutionError) as err:
        papermill.execute_notebook(str(paths.NOTEBOOKS / notebook), str(tmp_path / "run.ipynb"), parameters=parameters,
                                   kernel_name="python3", progress_bar=False, log_output=False)
    assert err.value.ename == "ParameterError" and message in err.value.evalue, err.value.evalue
    assert list(out_dir.iterdir()) == [], "nothing is written before the parameters are checked"
    assert (_digest(paths.PROCESSED), _digest(paths.FIGURES)) == before


def test_an_output_dir_that_is_a_file_is_refused_by_name(tmp_path):
    a_file = tmp_path / "a_file.txt"
    a_file.write_text("not a folder")
    before = _digest(paths.FIGURES)
    with pytest.raises(PapermillExecutionError) as err:
        runner.run(paths.NOTEBOOKS / "00_data_overview.ipynb", tmp_path / "out.ipynb", {"output_dir": str(a_file)})
    assert err.value.ename == "ParameterError" and "parameter 'output_dir'" in err.value.evalue and "is a file" in err.value.evalue
    assert a_file.read_text() == "not a folder" and _digest(paths.FIGURES) == before
