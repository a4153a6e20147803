"""data/README.md's data dictionary and coverage table, and datapackage.json's coverage entries, are the ones
generated from the descriptor and the data."""

from analysis.data import datadict


def test_dictionary_is_current():
    assert datadict.current() == datadict.render(), "run `make data-dictionary`"


def test_coverage_is_stated_and_current():
    """A new statement that moves a file's latest date makes this fail until `make data-dictionary` is run."""
    assert datadict.stale() == [], "run `make data-dictionary`"


def test_dictionary_lists_every_field():
    text = datadict.render()
    for column in ("report_id", "civilian_killed", "hectares_qualifier", "duplicate_of", "printed_value", "batch_row"):
        assert f"| `{column}` |" in text


def test_coverage_table_names_every_statement_file_and_its_dates(pkg):
    table = datadict.render_coverage()
    for row in pkg.coverage().to_dict("records"):
        assert f"| `{row['resource']}.csv` | {row['rows']} | {row['first_statement']} | {row['latest_statement']} |" in table


def test_a_later_statement_makes_the_coverage_stale(tmp_path, monkeypatch):
    import shutil

    from analysis import data
    from analysis.pipeline import paths

    raw = tmp_path / "raw"
    shutil.copytree(paths.RAW, raw)
    before = datadict.coverage_entries(data.load_package(raw))["casualty_reports"]
    with open(raw / "sources.csv", "a", encoding="utf-8") as fh:
        fh.write("trend_20990101,Trend,t,https://en.trend.az/x,2026-04-20,en,\n")
    with open(raw / "casualty_reports.csv", encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split(",")
    cells = dict(report_id="cr999", source_id="trend_20990101", as_of_date="2026-04-20", period_start="2020-11-10",
                 basis="cumulative", scope="official", scope_text="s", reporting_body="mfa", qualifier="exact", total="421", quote="421")
    with open(raw / "casualty_reports.csv", "a", encoding="utf-8") as fh:
        fh.write(",".join(cells.get(c, "") for c in header) + "\n")
    after = datadict.coverage_entries(data.load_package(raw))["casualty_reports"]
    assert (after["rows"], after["latest_statement"], after["latest_publication"]) == (before["rows"] + 1, "2026-04-20", "2026-04-20")
