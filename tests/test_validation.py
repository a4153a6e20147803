"""Bad input is caught at load time, every problem at once, each named by file, row, column and rule."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data import DataValidationError, load_package, validate_package


def problems_of(mini):
    return [(p.file, p.row, p.column, p.rule) for p in validate_package(mini.root)]


def test_the_mini_package_is_valid(mini):
    assert validate_package(mini.root) == []
    pkg = load_package(mini.root)
    assert pkg.casualty_reports.loc["cr002", "civilian_total"] == 161


def test_missing_column(mini):
    mini.rewrite_columns("casualty_reports", drop="killed")
    assert problems_of(mini) == [("casualty_reports.csv", None, "killed", "missing-column")]


def test_unknown_column(mini):
    mini.rewrite_columns("sources", add=("outlet_country", "AZ"))
    assert problems_of(mini) == [("sources.csv", None, "outlet_country", "unknown-column")]


def test_text_in_a_count(mini):
    mini.set("casualty_reports", 1, military_killed="fifteen")
    found = validate_package(mini.root)
    assert [(p.file, p.row, p.line, p.record_id, p.column, p.rule) for p in found] == [
        ("casualty_reports.csv", 2, 3, "cr002", "military_killed", "type")
    ]
    assert "'fifteen' is not a whole number" in str(found[0])


def test_decimal_count_is_not_a_whole_number(mini):
    mini.set("casualty_reports", 0, killed="65.5")
    assert problems_of(mini) == [("casualty_reports.csv", 1, "killed", "type")]


def test_negative_count(mini):
    mini.set("clearance_reports", 0, at_mines="-3")
    found = validate_package(mini.root)
    assert [(p.file, p.row, p.column, p.rule) for p in found] == [("clearance_reports.csv", 1, "at_mines", "minimum")]
    assert "below the minimum 0" in found[0].message


def test_killed_plus_injured_not_total(mini):
    mini.set("casualty_reports", 0, injured="276")
    found = validate_package(mini.root)
    assert [(p.file, p.row, p.column, p.rule) for p in found] == [("casualty_reports.csv", 1, "total", "killed-plus-injured")]
    assert "killed 65 + injured 276 = 341, not the total 340" in found[0].message


def test_source_arithmetic_flag_acknowledges_a_printed_slip(mini):
    mini.set("casualty_reports", 0, injured="276", flags="source_arithmetic")
    assert validate_package(mini.root) == []


def test_part_above_total(mini):
    mini.set("casualty_reports", 1, civilian_killed="170")
    rules = problems_of(mini)
    assert ("casualty_reports.csv", 2, "civilian_killed", "part-above-total") in rules
    # and the group's own sum no longer holds either
    assert ("casualty_reports.csv", 2, "civilian_total", "killed-plus-injured") in rules


def test_start_after_as_of(mini):
    mini.set("casualty_reports", 0, as_of_date="2023-12-01", period_start="2023-12-03")
    assert problems_of(mini) == [("casualty_reports.csv", 1, "period_start", "period-order")]


def test_date_after_publication(mini):
    mini.set("casualty_reports", 0, as_of_date="2023-12-20")
    found = validate_package(mini.root)
    assert [(p.file, p.row, p.column, p.rule) for p in found] == [("casualty_reports.csv", 1, "as_of_date", "after-publication")]
    assert "2023-12-06" in found[0].message


def test_unknown_source_id(mini):
    mini.set("clearance_reports", 0, source_id="caspian_post_20231215")
    assert problems_of(mini) == [("clearance_reports.csv", 1, "source_id", "foreign-key")]


def test_unknown_enum_value(mini):
    mini.set("clearance_reports", 0, operators="halo_trust")
    found = validate_package(mini.root)
    assert [(p.file, p.row, p.column, p.rule) for p in found] == [("clearance_reports.csv", 1, "operators", "enum")]
    assert "'halo_trust' is not one of the known values" in found[0].message


def test_duplicate_source_id(mini):
    mini.set("sources", 1, source_id="trend_20231206")
    rules = problems_of(mini)
    assert ("sources.csv", 2, "source_id", "unique") in rules


def test_unparseable_date(mini):
    mini.set("casualty_reports", 0, as_of_date="6 Dec 2023")
    assert problems_of(mini) == [("casualty_reports.csv", 1, "as_of_date", "type")]


def test_impossible_calendar_date(mini):
    mini.set("casualty_reports", 0, period_start="2021-02-30")
    assert problems_of(mini) == [("casualty_reports.csv", 1, "period_start", "type")]


def test_empty_file(mini):
    mini.path("corrections").write_text("")
    assert problems_of(mini) == [("corrections.csv", None, None, "empty-file")]


def test_row_with_too_many_cells(mini):
    path = mini.path("sources")
    lines = path.read_text().splitlines()
    lines[2] += ",extra"
    path.write_text("\n".join(lines) + "\n")
    assert problems_of(mini) == [("sources.csv", 2, None, "row-length")]


def test_unknown_flag(mini):
    mini.set("casualty_reports", 0, flags="duplicate;doubtful")
    found = validate_package(mini.root)
    assert [(p.file, p.row, p.column, p.rule) for p in found] == [("casualty_reports.csv", 1, "flags", "pattern")]
    assert "'doubtful'" in found[0].message


def test_duplicate_of_must_name_an_earlier_record(mini):
    mini.set("casualty_reports", 0, duplicate_of="cr002", flags="duplicate")
    assert problems_of(mini) == [("casualty_reports.csv", 1, "duplicate_of", "duplicate-of")]


def test_missing_required_quote(mini):
    mini.set("clearance_reports", 0, quote="")
    assert problems_of(mini) == [("clearance_reports.csv", 1, "quote", "required")]


def test_every_problem_is_reported_not_only_the_first(mini):
    mini.set("casualty_reports", 0, killed="-1", reporting_body="someone")
    mini.set("clearance_reports", 0, hectares="114,658")
    found = problems_of(mini)
    assert ("casualty_reports.csv", 1, "killed", "minimum") in found
    assert ("casualty_reports.csv", 1, "reporting_body", "enum") in found
    assert ("clearance_reports.csv", 1, "hectares", "type") in found
    with pytest.raises(DataValidationError) as err:
        load_package(mini.root)
    assert "clearance_reports.csv, row 1 (line 2, cl001), column 'hectares': [type]" in str(err.value)


def test_correction_is_applied_and_raw_stays_verbatim(mini):
    mini.set("casualty_reports", 0, total="365")  # a printed typo
    assert problems_of(mini) == [("casualty_reports.csv", 1, "total", "killed-plus-injured")]
    mini.rows["corrections"] = [dict(correction_id="fix001", resource="casualty_reports", record_id="cr001", field="total",
                                     printed_value="365", corrected_value="340", reason="65 + 275 = 340")]
    mini.write()
    pkg = load_package(mini.root)
    assert pkg.casualty_reports.loc["cr001", "total"] == 340
    assert ",365," in mini.path("casualty_reports").read_text()
    assert pkg.corrections_applied["correction_id"].tolist() == ["fix001"]


def test_correction_must_match_the_printed_value(mini):
    mini.rows["corrections"] = [dict(correction_id="fix001", resource="casualty_reports", record_id="cr001", field="total",
                                     printed_value="365", corrected_value="340", reason="typo")]
    mini.write()
    assert problems_of(mini) == [("corrections.csv", 1, "printed_value", "correction")]


def test_correction_of_an_unknown_record(mini):
    mini.rows["corrections"] = [dict(correction_id="fix001", resource="clearance_reports", record_id="cl009", field="uxo",
                                     printed_value="1", corrected_value="2", reason="typo")]
    mini.write()
    assert problems_of(mini) == [("corrections.csv", 1, "record_id", "correction")]


def test_corrected_value_is_checked_like_a_raw_cell(mini):
    mini.rows["corrections"] = [dict(correction_id="fix001", resource="clearance_reports", record_id="cl001", field="uxo",
                                     printed_value="61258", corrected_value="-5", reason="typo")]
    mini.write()
    # the rule the raw cell would break, named in corrections.csv, where the mistake is
    assert problems_of(mini) == [("corrections.csv", 1, "corrected_value", "minimum")]


def test_a_unit_slip_in_hectares_is_caught(mini):
    """114,658 ha typed as 114,658,000 (x1000) since the ceasefire: some 100,000 ha a day."""
    mini.set("clearance_reports", 0, hectares="114658000")
    found = validate_package(mini.root)
    assert [(p.file, p.row, p.column, p.rule) for p in found] == [("clearance_reports.csv", 1, "hectares", "implausible-area")]
    assert "a unit slip?" in found[0].message
    mini.set("clearance_reports", 0, hectares="114658000", flags="implausible")
    assert validate_package(mini.root) == []


def test_an_unknown_scope_is_caught(mini):
    mini.set("casualty_reports", 0, scope="liberated_territories")
    assert problems_of(mini) == [("casualty_reports.csv", 1, "scope", "enum")]


def test_an_impossible_month_is_caught(mini):
    mini.set("clearance_reports", 0, as_of_date="2023-13")
    assert problems_of(mini) == [("clearance_reports.csv", 1, "as_of_date", "type")]


def test_a_bad_correction_target_column_is_caught(mini):
    mini.rows["corrections"] = [dict(correction_id="fix001", resource="clearance_reports", record_id="cl001", field="acres",
                                     printed_value="1", corrected_value="2", reason="typo")]
    mini.write()
    assert problems_of(mini) == [("corrections.csv", 1, "field", "correction")]


GOOD_ROWS = {
    "contamination_estimates": dict(estimate_id="ce001", source_id="trend_20231206", as_of_date="2023-11-28",
                                    metric="contaminated_area_estimate", value="9000", unit="km2", qualifier="approx",
                                    reporting_body="anama", quote="about 9,000 square kilometers"),
    "monitor_annual": dict(row_id="ma001", source_id="trend_20231206", country="Azerbaijan", year="2012",
                           period_start="2012-01-01", period_end="2012-12-31", metric="casualties_total",
                           reporting_body="anama", edition="unspecified", value="17", qualifier="exact", quote="17 casualties"),
    "casualty_incidents": dict(incident_id="ci001", source_id="trend_20231206", date="2023-12-01", district="Fuzuli",
                               killed="0", injured="1", victim_group="civilian", quote="a civilian was injured"),
}


@pytest.mark.parametrize("resource, column, bad, rule", [
    ("contamination_estimates", "value", "about 9000", "type"),
    ("contamination_estimates", "unit", "acres", "enum"),
    ("monitor_annual", "edition", "second", "enum"),
    ("monitor_annual", "period_end", "2012-12-32", "type"),
    ("casualty_incidents", "injured", "-1", "minimum"),
    ("casualty_incidents", "victim_group", "tourist", "enum"),
    ("casualty_incidents", "date", "2023-12-07", "after-publication"),
])
def test_bad_cells_in_the_other_statement_files(mini, resource, column, bad, rule):
    mini.rows[resource] = [dict(GOOD_ROWS[resource])]
    mini.write()
    assert validate_package(mini.root) == []
    mini.set(resource, 0, **{column: bad})
    assert problems_of(mini) == [(f"{resource}.csv", 1, column, rule)]


def test_intake_names_a_record_that_does_not_exist(mini):
    mini.rows["intake"] = [dict(intake_id="in001", batch="new_statements_2026-12.csv", batch_row="1", outcome="added",
                                records="cr001;cl009", note="")]
    mini.write()
    found = validate_package(mini.root)
    assert [(p.file, p.row, p.column, p.rule) for p in found] == [("intake.csv", 1, "records", "foreign-key")]
    assert "'cl009' is not a record of clearance_reports.csv" in found[0].message


def test_intake_enters_a_gathered_row_twice(mini):
    mini.rows["intake"] = [dict(intake_id=f"in00{i}", batch="new_statements_2026-12.csv", batch_row="7", outcome="added",
                                records=rec, note="") for i, rec in ((1, "cr001"), (2, "cr002"))]
    mini.write()
    found = validate_package(mini.root)
    assert [(p.file, p.row, p.column, p.rule) for p in found] == [("intake.csv", 2, "batch_row", "intake-twice")]
    assert "new_statements_2026-12.csv row 7 is already entered in row 1" in found[0].message


def test_intake_outcome_must_be_known(mini):
    mini.rows["intake"] = [dict(intake_id="in001", batch="new_statements_2026-12.csv", batch_row="1", outcome="skipped",
                                records="cr001", note="")]
    mini.write()
    assert problems_of(mini) == [("intake.csv", 1, "outcome", "enum")]


# --- the backtest's reading, from hand-made scores ------------------------------------------------------------


def _checked(rows):
    from analysis.statements import backtest

    scores = pd.DataFrame(rows, columns=["series", "test", "n", "coverage_90", "median_half_width"])
    scores["coverage_50"], scores["mape"] = 0.5, 0.01
    return backtest.targets(scores[backtest.SCORE_COLUMNS])


def test_the_backtest_reading_says_what_is_met_short_too_wide_and_not_assessed():
    from analysis.statements import backtest

    checked = _checked([("casualties:total", "leave_one_out", 60, 0.90, 0.01),       # met, width under 5 %
                        ("casualties:total", "rolling_origin", 80, 0.80, 0.04),      # too narrow
                        ("casualties:military", "rolling_origin", 20, 1.00, 0.20),   # wider than it needs to be
                        ("clearance:all:hectares", "rolling_origin", 13, 0.92, 0.24),  # covered, too wide for 6 %
                        ("clearance:all:uxo", "leave_one_out", 6, 0.5, 0.01)])       # too few to assess
    text = backtest.describe(checked)
    assert text.startswith(backtest.describe_targets())
    assert "**Met.** casualties:total (leave one out: 90.0% of 60 inside the 90 % interval, median half-width 1.0%)" in text
    assert "**Short: casualties:total, rolling origin.** Only 80.0% of 80 held-out figures" in text
    assert "the intervals are too narrow here" in text
    assert "**Short: casualties:military, rolling origin.** 100.0% of 20 fall inside the 90 % interval: wider than" in text
    assert "**Short: clearance:all:hectares, rolling origin.** The median half-width 24.0% is above the 6% target." in text
    assert "**Not assessed** (fewer than 10 held-out figures): clearance:all:uxo (leave one out, 6)." in text


def test_the_targets_are_written_from_the_constants(monkeypatch):
    from analysis.statements import backtest

    assert backtest.describe_targets() == (
        "**Targets**, for every series with at least 10 held-out statements: 90 % coverage between 0.85 and 0.95, "
        "and a median half-width of the 90 % interval under 5 % (casualties:total) and 6 % (clearance:all:hectares).")
    monkeypatch.setattr(backtest, "TARGET_HALF_WIDTH", {"casualties:total": 0.04})
    assert "under 4 % (casualties:total)." in backtest.describe_targets()


def test_a_factor_in_use_that_the_backtest_no_longer_gives_is_called_stale():
    from analysis.statements import backtest

    table = pd.DataFrame({"family": ["casualties", "clearance:items"], "estimate": [1.8, 1.6],
                          "coverage_90_at_estimate": [0.91, 0.9], "n": [257, 22], "in_use": [1.8, 1.45]})
    text = backtest.describe_scales(table, "interpolation")
    assert text.startswith("**The interpolation's factor**")
    assert "casualties: x1.80 in use, x1.80 from these 257 leave-one-out figures (91% inside the 90 % interval at it);" in text
    assert "clearance:items: x1.45 in use, x1.60 from these 22 leave-one-out figures (90% inside the 90 % interval at it)" \
           " — the factor in use is stale." in text
    assert "held-out figures of the rolling origin" in backtest.describe_scales(table)
