"""make report: one static HTML page of the executed notebooks, code hidden, figures and text intact."""

from analysis.pipeline import report


def test_report_hides_code_and_keeps_figures_and_interpretation(tmp_path):
    out = report.write(tmp_path / "report.html")
    html = out.read_text(encoding="utf-8")
    assert "from analysis import" not in html and "start_year: int" not in html  # no code, no parameters
    assert html.count("data:image/png;base64") >= 8  # the notebooks' figures
    for heading in ("Casualty trends since the ceasefire", "Civilians and soldiers", "Clearance rates and the road to completion",
                    "Reading the result"):
        assert heading in html
