"""The readings decide their wording from the results: each decision on hand-made inputs, where the right
sentence is known before the code runs."""

from __future__ import annotations

import re
from types import SimpleNamespace

import nbformat
import pandas as pd
import pytest

from analysis.pipeline import paths
from analysis.readings import casualties, civmil, clearance, headline, record, words

T = pd.Timestamp


# --------------------------------------------------------------------------------------------------
# words


@pytest.mark.parametrize("ratio, lo, hi, expected", [
    (0.39, 0.23, 0.64, "the rate fell by about 61 % a year (rate ratio 0.39 per year, 95 % CI 0.23–0.64)"),
    (1.32, 1.20, 1.45, "the rate rose by about 32 % a year (rate ratio 1.32 per year, 95 % CI 1.20–1.45)"),
    (0.95, 0.80, 1.12, "the rate shows no clear change (rate ratio 0.95 per year, 95 % CI 0.80–1.12, which includes no change)"),
    (1.30, 0.99, 1.70, "the rate shows no clear change (rate ratio 1.30 per year, 95 % CI 0.99–1.70, which includes no change)"),
])
def test_a_change_per_year_is_read_from_its_interval(ratio, lo, hi, expected):
    assert words.change_per_year(ratio, lo, hi, "the rate") == expected


def test_the_longest_gap_and_its_words():
    dates = [T("2025-01-10"), T("2025-06-02"), T("2025-10-17"), T("2025-03-01")]
    assert words.longest_gap(dates) == (T("2025-06-02"), T("2025-10-17"), 137)
    assert words.gap_text(words.longest_gap(dates)) == "from 2 June to 17 October 2025 (137 days)"
    assert words.gap_text((T("2024-12-20"), T("2025-01-05"), 16)) == "from 20 December 2024 to 5 January 2025 (16 days)"
    assert words.gap_text((T("2025-06-02"), T("2025-06-20"), 18)) == "from 2 to 20 June 2025 (18 days)"
    assert words.longest_gap([T("2025-01-01")]) is None
    # the start counts as an end of a stretch
    assert words.longest_gap([T("2021-06-01"), T("2021-07-01")], since=T("2020-11-10"))[2] == 203


def test_numbers_in_words():
    assert words.day("2023-12-09") == "9 December 2023"
    assert words.with_interval(419.54, 417.1, 421.9) == "420 (90 % interval 417–422)"
    assert words.percent_interval(0.4683, 0.568) == "47–57 %"
    assert words.listing(["a"]) == "a" and words.listing(["a", "b", "c"]) == "a, b and c"
    assert words.plural(1, "day") == "1 day" and words.plural(3, "body", "bodies") == "3 bodies"


# --------------------------------------------------------------------------------------------------
# notebook 00


def _statements(rows):
    return pd.DataFrame(rows, columns=["file", "record_id", "date", "basis", "reporting_body", "relay"]).assign(
        date=lambda d: pd.to_datetime(d["date"]))


def test_the_record_reading_says_most_or_a_minority_from_the_counts():
    rows = [("casualty_reports", "cr1", "2021-01-01", "cumulative", "anama", False),
            ("casualty_reports", "cr2", "2021-05-01", "cumulative", "pgo", False),
            ("casualty_reports", "cr3", "2021-05-01", "cumulative", "pgo", True),
            ("casualty_reports", "cr4", "2022-03-01", "monthly", "anama", False),
            ("clearance_reports", "cl1", "2021-02-01", "cumulative", "anama", False),
            ("clearance_reports", "cl2", "2021-02-08", "weekly", "anama", False),
            ("clearance_reports", "cl3", "2021-02-15", "weekly", "anama", False),
            ("clearance_reports", "cl4", None, "weekly", "anama", False)]
    text = record.reading(_statements(rows), pd.DataFrame({"resource": ["casualty_reports"], "record_id": ["cr2"]}),
                          pd.DataFrame({"casualty_reports": [2, 1], "clearance_reports": [0, 4]}, index=["stale", "typo"]))
    assert "4 casualty statements (1 of them a relay of a statement already counted)" in text
    assert "Of the 3 casualty statements counted once, most are cumulative counts (2 of 3, 67 %); the others give amounts over a period (monthly 1)." in text
    assert "Of the 4 clearance statements counted once, a minority are cumulative counts (1 of 4, 25 %)" in text
    assert "was 2021 for casualty statements (2) and 2021 for clearance statements (3)" in text
    # since the ceasefire (10 Nov 2020): 10 Nov 2020 -> 1 Jan 2021 is 52 days, 1 May 2021 -> 1 Mar 2022 is 304
    assert "without a casualty statement ran from 1 May 2021 to 1 March 2022 (304 days)" in text
    assert "1 statement has no date" in text
    assert "1 printed value is mended by an explicit correction (1 row of casualty_reports)" in text
    assert "`typo` (5) and `stale` (2)" in text


def test_the_timeline_caption_counts_from_the_record():
    rows = [("clearance_reports", f"cl{i}", d, "weekly", "anama", False)
            for i, d in enumerate(["2021-01-01", "2021-01-08", "2021-01-22", "2021-02-05"])]
    rows += [("casualty_reports", "cr1", "2021-01-01", "cumulative", "anama", False),
             ("casualty_reports", "cr2", "2021-02-01", "cumulative", "pgo", False)]
    text = record.caption_timeline(_statements(rows))
    assert "a median of 14 days apart; casualty counts come from 2 bodies." in text


# --------------------------------------------------------------------------------------------------
# notebook 01


def _daily(measure, rows):
    return pd.DataFrame(rows, columns=["date", "estimate", "lower", "upper", "kind"]).assign(
        measure=measure, date=lambda d: pd.to_datetime(d["date"]))


def test_the_level_names_the_last_statement_and_marks_the_forecast():
    daily = pd.concat([_daily("total", [("2026-03-11", 418.2, 416, 421, "fit"), ("2026-03-12", 419.6, 417.2, 421.9, "fit"),
                                        ("2026-04-30", 428.4, 418.1, 440.2, "forecast")]),
                       _daily("killed", [("2026-03-12", 72.1, 71.2, 73.4, "fit")]),
                       _daily("injured", [("2026-03-12", 347.5, 345.6, 349.4, "fit")])])
    text = casualties.level_sentence(daily, "total")
    assert text.startswith("By 12 March 2026, the day of the last statement, the series gives 420 (90 % interval 417–422) "
                           "casualties (killed and injured) since the ceasefire: 72 (90 % interval 71–73) killed and 348 "
                           "(90 % interval 346–349) injured.")
    assert "Carried on to 30 April 2026 as a forecast (no statement yet): 428 (90 % interval 418–440)." in text
    assert "forecast" not in casualties.level_sentence(daily[daily["kind"] == "fit"], "total")


def _trend(rr, after=None, knot=None):
    rate = SimpleNamespace(n=30)
    return SimpleNamespace(rate_ratio=rr, rate_ratio_after=after, knot_date=T(knot) if knot else None, first_day=0,
                           last_day=1948, rate=rate)


@pytest.mark.parametrize("trend, expected", [
    (_trend((0.39, 0.23, 0.64), (0.73, 0.61, 0.88), "2022-01-01"),
     "From 10 November 2020 to January 2022 the rate of casualties (killed and injured) fell by about 61 % a year "
     "(rate ratio 0.39 per year, 95 % CI 0.23–0.64); from January 2022 to 12 March 2026 it fell by about 27 % a year "
     "(rate ratio 0.73 per year, 95 % CI 0.61–0.88), so the decline slowed."),
    (_trend((0.80, 0.70, 0.90), (0.50, 0.40, 0.60), "2023-01-01"), "so the decline quickened."),
    (_trend((0.90, 0.70, 1.10)), "the rate of casualties (killed and injured) shows no clear change"),
    (_trend((0.60, 0.40, 0.90), (1.05, 0.90, 1.20), "2022-01-01"), "; from January 2022 to 12 March 2026 it shows no clear change"),
])
def test_the_casualty_trend_in_words(trend, expected):
    analysis = SimpleNamespace(trends={"total": trend}, skipped={})
    text = casualties.trend_sentence(analysis, "total")
    assert expected in text
    if trend.rate_ratio_after and words.direction(*trend.rate_ratio_after[1:]) != "fell":
        assert "decline slowed" not in text and "quickened" not in text


def _cross(rows):
    return pd.DataFrame(rows, columns=["year", "record_id", "reporting_body", "measure", "stated", "series_increase", "lower", "upper"])


def test_the_cross_check_says_which_years_agree_and_which_way_the_others_pull():
    cc = _cross([(2023, "cr087", "pgo", "total", 58, 61.8, 59.9, 63.6), (2023, "cr087", "pgo", "killed", 19, 19.1, 18.5, 19.7),
                 (2023, "cr087", "pgo", "injured", 39, 42.9, 41.4, 44.6), (2024, "cr117", "pgo", "total", 41, 41.1, 39.7, 42.6),
                 (2025, "cr131", "pgo", "total", 40, 33.0, 31.0, 35.0)])
    text = casualties.cross_check_sentence(cc)
    assert text.startswith("The calendar-year totals of the Prosecutor General's Office agree with the series' count over the "
                           "same year within its 90 % interval in 2024;")
    assert ("in 2023 the stated total 58 and injured 39 lie outside the series' 62 (90 % interval 60–64) and 43 (90 % interval "
            "41–45): the other statements imply more casualties that year than the annual total (the killed figure agrees)") in text
    assert "in 2025 the stated total 40 lie outside the series' 33 (90 % interval 31–35): the other statements imply fewer" in text
    every = casualties.cross_check_sentence(cc[cc["year"] == 2024])
    assert "in every year (2024)" in every


def test_the_bounds_sentence_names_what_is_not_met():
    s = pd.DataFrame({"record_id": ["a", "b", "c", "d"], "measure": "total", "lo": [100, 150, 5, 7], "hi": [float("inf"), 160, 5, 9],
                      "status": ["bound met", "window not met", "fitted", "not fitted"]})
    assert casualties.bounds_sentence(s) == ("The series meets 1 of the 2 rounded figures and bounds; not b (total), which the "
                                             "exact figures around it rule out (the reasons are in the table).")


def test_the_long_run_caption_compares_the_two_national_sources():
    more = pd.DataFrame({"year": [2008, 2009], "difference": [12.0, 2.0]})
    assert "AzCBL counts more than ANAMA in every one of the 2 years both report (by 2–12 people)." in casualties.caption_long_run(more)
    mixed = pd.DataFrame({"year": [2008, 2009, 2010], "difference": [12.0, -2.0, 3.0]})
    assert "Of the 3 years both report, AzCBL counts more in 2 and fewer in 1." in casualties.caption_long_run(mixed)


# --------------------------------------------------------------------------------------------------
# notebook 02


@pytest.mark.parametrize("odds, lo, hi, expected", [
    (1.81, 1.13, 2.91, "the odds that a new casualty is a civilian rose, by a factor of about 1.8 a year"),
    (0.60, 0.40, 0.90, "the odds that a new casualty is a civilian fell, by a factor of about 0.6 a year"),
    (1.10, 0.80, 1.50, "the civilian share of new casualties shows no clear change"),
])
def test_the_share_trend_in_words(odds, lo, hi, expected):
    trend = {"odds_ratio_per_year": odds, "lower": lo, "upper": hi, "n_intervals": 13, "dispersion": 4.8}
    assert expected in civmil.trend_sentence(trend)


@pytest.mark.parametrize("rr, lo, hi, verdict", [
    (3.41, 2.00, 5.81, "more likely to die than a military one"),
    (0.50, 0.30, 0.80, "less likely to die than a military one"),
    (1.20, 0.70, 2.10, "neither clearly more nor less likely to die than a military one"),
])
def test_case_fatality_in_words(rr, lo, hi, verdict):
    table = pd.DataFrame({"group": ["civilian", "military"], "killed": [55, 15], "casualties": [198, 184],
                          "case_fatality": [55 / 198, 15 / 184], "lower": [0.22, 0.05], "upper": [0.344, 0.13]})
    text = civmil.fatality_sentence(table, {"risk_ratio": rr, "lower": lo, "upper": hi, "fisher_p": 6e-7}, T("2024-11-11"))
    assert text.startswith("At the split of 11 November 2024, 55 of 198 civilian casualties had died (28 %, 95 % Wilson "
                           "interval 22–34 %) against 15 of 184 military ones (8 %, 5–13 %)")
    assert f"a civilian casualty was {verdict}" in text


def test_the_global_comparison_is_decided_by_the_interval():
    comparison = pd.DataFrame({"series": ["Global (Landmine Monitor)"] * 3, "period": ["1999-2008", "2012", "2024"],
                               "share": [0.71, 0.80, 0.85]})
    low = pd.DataFrame({"date": [T("2024-11-11")], "share": [0.52], "lower": [0.47], "upper": [0.57], "known": [382]})
    assert "ranges over 71–85 % for the years 1999 to 2024; Azerbaijan's latest share, with its interval, lies below every one of them." in civmil.global_sentence(comparison, low)
    inside = low.assign(share=0.75, lower=0.68, upper=0.82)
    assert "within their range" in civmil.global_sentence(comparison, inside)


def test_the_dropped_statements_are_named_by_reason():
    relays = pd.DataFrame({"date": [T("2021-02-09")] * 2, "measure": ["civilian", "military"], "value": [17.0, 57.0],
                           "reporting_body": "pgo", "reason": "relay of cr002 (same statement, same figure)"},
                          index=pd.Index(["cr003", "cr003"], name="record_id"))
    assert civmil.dropped_sentence(relays).startswith("1 statement repeats a figure already counted")
    assert "no statement is left out for disagreeing" in civmil.dropped_sentence(relays)
    other = pd.concat([relays, pd.DataFrame({"date": [T("2022-12-15")], "measure": ["military"], "value": [190.0],
                                             "reporting_body": "mfa", "reason": "falls below cr076"},
                                            index=pd.Index(["cr054"], name="record_id"))])
    assert "cr054 (15 December 2022: military 190) is left out: falls below cr076" in civmil.dropped_sentence(other)


# --------------------------------------------------------------------------------------------------
# notebook 03


def test_items_by_type_name_the_peak_and_the_latest_year():
    annual = pd.DataFrame({"year": [2022, 2023, 2024, 2025], "ap_mines": [8780, 3495, 4286, 4963],
                           "ap_mines_qualifier": ["at_least", "exact", "exact", "exact"], "at_mines": [4133, 5034, 2372, 1861],
                           "uxo": [14950, 23049, 59163, 70000], "hectares": [41915.77, 53081.8, 62023.9, 69205.7]})
    text = clearance.items_sentence(annual)
    assert "anti-personnel mines peaked in 2022 (at least 8,780) and numbered 4,963 in 2025" in text
    assert "anti-tank mines peaked in 2023 (5,034) and numbered 1,861 in 2025" in text
    assert "other items of ordnance were most numerous in the latest year, 2025 (70,000)" in text
    assert clearance.caption_items_by_type(annual).endswith("numbered 4,963 in 2025; anti-tank mines peaked in 2023 (5,034) and "
                                                            "numbered 1,861 in 2025; other items of ordnance were most numerous "
                                                            "in the latest year, 2025 (70,000).")
    pace = clearance.pace_sentence({"end": T("2026-02-22"), "rate": 70743.7, "lower": 67770.6, "upper": 73716.9}, annual)
    assert pace == ("In the twelve months to 22 February 2026 the series gives 70,744 ha (90 % interval 67,771–73,717); ANAMA's "
                    "annual release for 2025 gives 69,206 ha for that calendar year.")


def test_the_targets_are_read_from_the_verdicts():
    v = pd.DataFrame({"target": ["ten years"] * 3 + ["thirty years"] * 3, "target_year": [2030] * 3 + [2052] * 3,
                      "method": ["last 12 months' rate", "fitted trend", "planned"] * 2,
                      "verdict": ["after", "interval spans the target", "after", "before", "before", "before"]})
    text = clearance.targets_sentence(v)
    assert text == ('Against the target "ten years" (2030), the 90 % interval of 1 projection (fitted trend) spans it and 2 '
                    'projections finish after it; against the target "thirty years" (2052), every projection finishes before it.')


def test_minefield_area_is_set_beside_anamas_hectares():
    cc = pd.DataFrame({"year": [2022, 2022], "measure": "hectares", "reporting_body": ["anama", "mine_action_review"],
                       "stated": [41915.0, 352.0]})
    assert clearance.minefield_sentence(cc).startswith("Mine Action Review reports 352 ha of anti-personnel mined area cleared "
                                                       "in 2022, against the 41,915 ha ANAMA released that year")
    assert clearance.minefield_sentence(cc[cc["reporting_body"] == "anama"]) == ""


# --------------------------------------------------------------------------------------------------
# the README's headline


def _tables():
    cas = pd.concat([_daily(m, [("2026-03-12", e, e - 2, e + 2, "fit"), ("2026-03-20", e + 1, e - 3, e + 5, "forecast")])
                     for m, e in (("total", 419.6), ("killed", 72.2), ("injured", 347.4))])
    cl = pd.concat([_daily(m, [("2026-02-22", e, e * 0.99, e * 1.01, "fit")]).assign(scope="all")
                    for m, e in (("hectares", 256110.5), ("ap_mines", 41106.0), ("at_mines", 23197.0), ("uxo", 180711.0))])
    return {"casualties_cumulative_daily": cas, "clearance_cumulative_daily": cl,
            "casualties_trend": pd.DataFrame({"measure": ["total"], "from": [T("2020-11-10")], "to": [T("2026-03-12")],
                                              "rate_ratio_per_year": [0.39], "lower_95": [0.23], "upper_95": [0.64],
                                              "slope_changes": ["2022-01-01"], "rate_ratio_after": [0.73],
                                              "after_lower_95": [0.61], "after_upper_95": [0.88]}),
            "civilian_share": pd.DataFrame({"date": [T("2023-12-09"), T("2024-11-11")], "share": [0.47, 0.518],
                                            "lower": [0.42, 0.468], "upper": [0.53, 0.568]}),
            "clearance_trend": pd.DataFrame({"scope": ["all"], "measure": ["hectares"], "from": [T("2020-11-10")],
                                             "to": [T("2026-02-22")], "growth_per_year": [1.32], "lower_95": [1.20],
                                             "upper_95": [1.45], "seasonal": [True]}),
            "clearance_projection": pd.DataFrame({"scenario": ["S"] * 2, "method": ["last 12 months' rate", "fitted trend"],
                                                  "remaining_ha": [910591.5] * 2, "years": [12.87, float("nan")],
                                                  "lower": [12.31, float("nan")], "upper": [13.48, float("nan")],
                                                  "completion_year": [2039.01, float("nan")], "as_of": [T("2026-02-22")] * 2})}


def test_the_headline_is_written_from_the_tables():
    text = headline.headline(_tables())
    assert "| People killed or injured by mines and ordnance | 420 (418–422) | 12 March 2026 | 421 (417–425) on 20 March 2026 |" in text
    assert "| Civilian share of the casualties of known status | 52 % (47–57 %, 95 % Wilson) | 11 November 2024 | |" in text
    assert "| Hectares released as cleared, all operators | 256,110 (253,549–258,672) | 22 February 2026 | (no forecast) |" in text
    assert ("from 10 November 2020 to January 2022 the rate fell by about 61 % a year (rate ratio 0.39 per year, 95 % CI "
            "0.23–0.64); from January 2022 to 12 March 2026 it fell by about 27 % a year") in text
    assert "the hectares cleared per month rose by about 32 % a year" in text
    assert "| S | 910,592 | 12.9 years (12.3–13.5), about 2039 | not reached |  |" in text


# --------------------------------------------------------------------------------------------------
# no markdown cell of a notebook states a result

#: What a markdown cell may say with digits: the notebook's number, the interval levels, the ceasefire's date,
#: method constants and names of parameters and files.
ALLOWED = [r"^# \d\d ·", r"\b(50|90|95) ?%", r"10 November 2020", r"(?i)\bnotebook 0\d\b", r"`[^`]*`", r"\b0\.85\b|\b0\.95\b",
           r"\b(5|6) ?%", r"\b180 days\b", r"\bten\b", r"10,000 ha", r"100 ha", r"1990s", r"since 1991", r"\bNN\b",
           r"1999[–-]2008"]


@pytest.mark.parametrize("path", sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.name)
def test_no_markdown_cell_states_a_result(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        text = cell.source
        for pattern in ALLOWED:
            text = re.sub(pattern, "", text, flags=re.M)
        assert not re.search(r"\d", text), f"{path.name}: a number typed into a markdown cell: {cell.source[:300]!r}"
        for phrase in ("rose", "fell", "falling", "increased", "decreased", "higher than", "lower than", "about half"):
            questions = re.sub(r"[^.?!]*\?", "", cell.source)  # a question asks, it does not state
            assert not re.search(rf"\b{phrase}\b", questions), (
                f"{path.name}: a result typed into a markdown cell ({phrase!r}): {cell.source[:300]!r}")


def test_how_the_plans_were_met_is_said_from_the_table():
    rc = clearance
    nan = float("nan")
    plans = pd.DataFrame({"year": [2022, 2023, 2024, 2025], "planned_ha": [40000.0, nan, 60000.0, 50000.0],
                          "qualifier": ["exact", "", "exact", "at_least"], "achieved_ha": [44000.0, nan, 57000.0, 50100.0],
                          "ratio": [1.1, nan, 0.95, 1.002], "used": [True, False, True, True],
                          "reason": ["", "the plan's figure is flagged typo", "", ""]})
    met = {"ratio": 1.015, "lower": 0.9, "upper": 1.2, "n": 3, "level": 0.9}
    text = rc.plans_sentence(plans, met)
    assert "2022: 40,000 ha planned, 44,000 ha in the fitted series (beaten by 10%)" in text
    assert "2024: 60,000 ha planned, 57,000 ha in the fitted series (missed by 5%)" in text
    assert "2025: more than 50,000 ha planned, 50,100 ha in the fitted series (met)" in text
    assert "x1.015" in text and "x0.900-x1.200" in text and "3 years" in text
    assert "Not used: 2023, as the plan's figure is flagged typo." in text
    one = rc.plans_sentence(plans.iloc[:1], None)
    assert "One year gives no spread, so the planned rate is taken as stated." in one
    assert "taken as stated" in rc.plans_sentence(plans.iloc[1:2], None) and "How the plans" not in rc.plans_sentence(plans.iloc[1:2], None)
