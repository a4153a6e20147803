"""Timeline and coverage on a small hand-made package, counted by hand."""

import pandas as pd

from analysis.data import overview
from analysis.data import load_package


def _package(mini):
    extra = [
        dict(mini.rows["casualty_reports"][0], report_id="cr003", flags="duplicate", duplicate_of="cr001"),
        dict(report_id="cr004", source_id="trend_20231206", as_of_date="", period_start="2020-11-10", basis="cumulative",
             scope="official", scope_text="since 2020", reporting_body="pgo", qualifier="exact", killed="57", quote="57 killed"),
        dict(report_id="cr005", source_id="trend_20231206", as_of_date="2022-10", period_start="2020-11-10", basis="cumulative",
             scope="official", scope_text="since 2020", reporting_body="mfa", qualifier="at_least", total="266", quote="over 266"),
    ]
    mini.rows["casualty_reports"] += extra
    mini.write()
    return load_package(mini.root)


def test_coverage_counts_by_hand(mini):
    table = overview.coverage_table(_package(mini), 2022, 2023)
    assert list(table.columns) == ["2022", "2023", "undated"]
    # total: cr001 and cr002 in 2023 (cr003 is a relay of cr001), cr005 in 2022
    assert table.loc["casualties: total"].tolist() == [1, 2, 0]
    # killed: cr001 in 2023; cr004 has no date
    assert table.loc["casualties: killed"].tolist() == [0, 1, 1]
    assert table.loc["casualties: civilian/military split"].tolist() == [0, 1, 0]
    assert table.loc["clearance: hectares"].tolist() == [0, 1, 0]
    assert table.loc["contamination, targets, capacity"].tolist() == [0, 0, 0]


def test_coverage_can_keep_relays(mini):
    table = overview.coverage_table(_package(mini), 2023, 2023, drop_duplicates=False)
    assert table.loc["casualties: total", "2023"] == 3


def test_timeline_keeps_undated_statements_and_sorts_by_date(mini):
    timeline = overview.statement_timeline(_package(mini))
    assert len(timeline) == 6  # five casualty statements and one clearance statement
    assert timeline["record_id"].tolist()[:2] == ["cr005", "cr001"]
    assert timeline.iloc[0]["date"] == pd.Timestamp("2022-10-01") and timeline.iloc[0]["date_precision"] == "month"
    assert timeline["date"].isna().sum() == 1 and timeline.iloc[-1]["record_id"] == "cr004"


def test_package_summary_and_flag_counts(mini):
    pkg = _package(mini)
    summary = overview.package_summary(pkg)
    assert summary.loc["casualty_reports"].to_dict() == {
        "rows": 5, "undated": 1, "flagged": 1, "relays (duplicate)": 1, "fields corrected": 0}
    assert overview.flag_counts(pkg).loc["duplicate", "casualty_reports"] == 1
