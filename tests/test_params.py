"""A bad notebook parameter stops the run with a message naming the parameter."""

import pytest

from analysis.pipeline import params, paths


def test_good_window_passes():
    assert params.year_window(2020, 2026) == (2020, 2026)


@pytest.mark.parametrize(
    "start, end, message",
    [
        (2024, 2021, "parameter 'end_year' (2021) is before 'start_year' (2024)"),
        ("2020", 2026, "parameter 'start_year' must be int, got str '2020'"),
        (2020, 2026.5, "parameter 'end_year' must be int, got float 2026.5"),
        (True, 2026, "parameter 'start_year' must be int, got bool True"),
        (1850, 2026, "parameter 'start_year' must be a year between 1990 and 2100, got 1850"),
    ],
)
def test_bad_window(start, end, message):
    with pytest.raises(params.ParameterError) as err:
        params.year_window(start, end)
    assert str(err.value) == message


def test_figure_formats():
    assert params.figure_formats(["png"]) == ("png",)
    with pytest.raises(params.ParameterError, match="parameter 'figure_formats' must be a non-empty list"):
        params.figure_formats(["png", "jpg"])
    with pytest.raises(params.ParameterError, match="parameter 'figure_formats' must be list or tuple, got str"):
        params.figure_formats("png")


def test_directory(tmp_path):
    assert params.directory("output_dir", "", paths.FIGURES) == paths.FIGURES
    assert params.directory("output_dir", "figures", paths.FIGURES) == paths.FIGURES
    assert params.directory("raw_dir", str(tmp_path), paths.RAW, must_exist=True) == tmp_path
    with pytest.raises(params.ParameterError, match="parameter 'raw_dir': folder 'no/such/folder' does not exist"):
        params.directory("raw_dir", "no/such/folder", paths.RAW, must_exist=True)
