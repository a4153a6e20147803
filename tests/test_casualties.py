"""The casualty series: the Caspian Post figures, what became of the statements, the parts that add up, the
trend on synthetic data and by hand, the first pass that notebook 02 reads."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.casualties import series
from analysis.casualties.trend import Trend, fit_trend, monthly_expected
from analysis.statements import casualty_reports, rate
from analysis.statements.observations import CEASEFIRE

CASPIAN = pd.Timestamp("2023-12-09")


@pytest.fixture(scope="module")
def analysis(pkg):
    return series.analyse(pkg.casualty_reports, pkg.sources, corrected=set(pkg.corrections_applied["record_id"]),
                          nowcast_to="2026-06-30")


def _at(analysis, date, measure):
    row = analysis.daily[(analysis.daily["date"] == date) & (analysis.daily["measure"] == measure)]
    assert len(row) == 1
    return row.iloc[0]


@pytest.mark.parametrize("measure, value", [
    ("total", 340), ("civilian", 161), ("civilian_killed", 50), ("civilian_injured", 111),
    ("military", 179), ("military_killed", 15), ("military_injured", 164), ("killed", 65), ("injured", 275),
])
def test_series_at_9_december_2023_gives_the_caspian_post_figures(analysis, measure, value):
    """Caspian Post, 14 Dec 2023: 340 casualties, 161 civilians (50 killed, 111 injured), 179 military (15, 164),
    as of 9 Dec 2023: each inside the 90 % interval and within one person of the estimate."""
    row = _at(analysis, CASPIAN, measure)
    assert row["lower"] <= value <= row["upper"]
    assert abs(row["estimate"] - value) <= 1
    assert row["kind"] == "fit"


def test_the_parts_add_up_to_the_totals_every_day(analysis):
    wide = analysis.daily.pivot(index="date", columns="measure", values="estimate")
    for whole, a, b in (("total", "killed", "injured"), ("total", "civilian", "military"),
                        ("killed", "civilian_killed", "military_killed"), ("injured", "civilian_injured", "military_injured"),
                        ("civilian", "civilian_killed", "civilian_injured"), ("military", "military_killed", "military_injured")):
        np.testing.assert_allclose(wide[whole], wide[a] + wide[b], atol=1e-6)


def test_daily_series_never_falls_and_runs_to_the_nowcast(analysis):
    total = analysis.daily_of("total")
    assert total["date"].iloc[0] == CEASEFIRE and total["date"].iloc[-1] == pd.Timestamp("2026-06-30")
    assert (total["date"].diff().dropna() == pd.Timedelta(days=1)).all()
    for col in ("estimate", "lower", "upper"):
        assert (total[col].diff().dropna() >= -1e-9).all(), col
    assert (total["lower"] <= total["estimate"]).all() and (total["estimate"] <= total["upper"]).all()
    # fitted to the last statement (12 Mar 2026: 72 killed, 347 injured), a forecast after it, widening
    last = analysis.last_fitted("total")
    assert last["date"] == pd.Timestamp("2026-03-12")
    ahead = total[total["kind"] == "forecast"]
    assert ahead["date"].min() == pd.Timestamp("2026-03-13")
    assert (ahead["upper"] - ahead["lower"]).iloc[-1] > (last["upper"] - last["lower"]) + 5


def test_statements_are_all_accounted_for(analysis, pkg):
    reports = pkg.casualty_reports
    seen = set(analysis.statements["record_id"]) | set(analysis.not_used["record_id"])
    assert seen == set(reports.index)
    assert (analysis.not_used["reason"].str.len() > 0).all()
    not_fitted = analysis.statements[analysis.statements["status"] == "not fitted"]
    assert (not_fitted["reason"].str.len() > 0).all()


def test_known_slips_are_listed_for_the_right_reason(analysis):
    s = analysis.statements.set_index(["record_id", "measure"])
    # the '415 to 2 June 2025' (AMVA) is flagged date_doubtful by the curation: listed, not fitted
    assert s.loc[("cr124", "total"), "status"] == "not fitted"
    assert s.loc[("cr124", "total"), "reason"].startswith("flagged date_doubtful")
    # VOA's 369 of Nov 2024 is an old total, flagged stale
    assert s.loc[("cr112", "total"), "reason"].startswith("flagged stale by the curation")
    # a relay with the same figure is counted once
    assert s.loc[("cr137", "total"), "reason"] == "relay of cr136 (same statement, same figure): counted once"
    # 'In October, Baku said 266' (a month-only date, Oct 2022) sits above the series ANAMA's 26 Oct count allows
    assert s.loc[("cr044", "total"), "status"] == "down-weighted"
    assert s.loc[("cr044", "total"), "weight"] < 0.25


def test_the_interval_table_and_the_annual_totals_are_fitted_as_flows(analysis):
    s = analysis.statements.set_index(["record_id", "measure"])
    # ANAMA's interval table: 7 victims from 15 Dec 2021 to 4 Feb 2022 (the first interval after its 197)
    interval = s.loc[("cr030", "total")]
    assert interval["kind"] == "flow" and interval["status"] == "fitted"
    assert interval["start"] == (pd.Timestamp("2021-12-15") - CEASEFIRE).days
    # the Prosecutor General's 41 victims of 2024 (cr117), a calendar year
    annual = s.loc[("cr117", "total")]
    assert annual["kind"] == "flow" and (annual["start"], annual["end_hi"]) == (
        (pd.Timestamp("2024-01-01") - CEASEFIRE).days, (pd.Timestamp("2024-12-31") - CEASEFIRE).days)
    assert abs(annual["predicted"] - 41) < 2


def test_annual_totals_against_the_series(analysis, pkg):
    check = series.annual_cross_check(pkg.casualty_reports, analysis).set_index(["year", "measure"])
    # 2024: 41 victims, 5 killed and 36 injured (PGO, cr117), the series within one of each
    assert check.loc[(2024, "total"), "stated"] == 41 and abs(check.loc[(2024, "total"), "residual"]) < 1
    assert check.loc[(2024, "killed"), "stated"] == 5 and abs(check.loc[(2024, "killed"), "residual"]) < 1
    row = check.loc[(2024, "total")]
    assert row["lower"] <= row["series_increase"] <= row["upper"]


def test_the_trend_matches_the_observed_total(analysis):
    t = analysis.trends["total"]
    assert t.fitted_total == pytest.approx(t.observed_total, rel=1e-9)
    rr, lo, hi = t.rate_ratio
    assert lo < rr < hi < 1  # the rate fell
    table = series.trend_table(analysis)
    assert table.loc["total", "observed_total"] == t.observed_total


def test_monthly_table_has_both_intervals_and_the_series_count(analysis):
    m = analysis.monthly[analysis.monthly["measure"] == "total"].set_index("month")
    assert (m["lower"] <= m["expected"]).all() and (m["expected"] <= m["upper"]).all()
    assert (m["predictive_lower"] <= m["lower"]).all() and (m["upper"] <= m["predictive_upper"]).all()
    # the series' own monthly counts add up to its total at the last fitted month's end
    daily = analysis.daily_of("total").set_index("date")
    assert m.loc[:"2026-02", "estimate"].sum() == pytest.approx(daily.loc["2026-02-28", "estimate"], abs=0.5)
    assert m.loc["2026-02", "kind"] == "fit" and m.loc["2026-04", "kind"] == "forecast"


def test_the_interval_table_is_chained_onto_anamas_count(pkg):
    reports = pkg.casualty_reports
    chain = casualty_reports.chained_intervals(reports)
    total = chain[chain["measure"] == "total"].set_index("date")["value"]
    # 197 to 14 Dec 2021, then + 7 + 6 + 12 + 11 + 22 + 5 + 11 + 9 (casualty notes: 280 to 6 Jan 2023) + 5
    assert total.loc["2023-01-06"] == 197 + 7 + 6 + 12 + 11 + 22 + 5 + 11 + 9 == 280
    assert total.iloc[-1] == 285
    killed = chain[chain["measure"] == "killed"].set_index("date")["value"]
    assert killed.loc["2023-01-06"] == 36 + 1 + 0 + 2 + 1 + 2 + 2 + 1 + 1 == 46
    assert pd.Timestamp("2023-03-14") not in killed.index  # the last interval gives no killed


def test_derive_parts_from_the_caspian_post_split():
    out = casualty_reports.derive_parts({"total": 340, "civilian": 161, "civilian_killed": 50, "civilian_injured": 111,
                                         "military": 179, "military_killed": 15, "military_injured": 164})
    assert out["killed"] == (65.0, True) and out["injured"] == (275.0, True)
    assert out["total"] == (340.0, False)


def _synthetic_amounts(rr, n=150, base=0.5, seed=1, dispersion=None):
    rng = np.random.default_rng(seed)
    days = rng.integers(10, 60, n)
    end = np.cumsum(days) - 1
    start = end - days + 1
    rate_day = base * rr ** (np.arange(end[-1] + 1) / 365.25)
    mean = np.array([rate_day[s:e + 1].sum() for s, e in zip(start, end)])
    counts = rng.poisson(mean) if dispersion is None else rng.negative_binomial(mean / (dispersion - 1), 1 / dispersion)
    return start, end, counts


def test_composite_link_rate_recovers_a_known_rate_ratio():
    start, end, counts = _synthetic_amounts(0.6)
    fit = rate.fit_rate(CEASEFIRE, start, end, counts, ("slope",))
    rr, lo, hi = fit.ratio_per_year("slope")
    assert lo < 0.6 < hi and rr == pytest.approx(0.6, rel=0.08)
    # quasi-Poisson with an intercept: the fitted amounts add up to the observed total
    assert fit.period(start, end)["expected"].sum() == pytest.approx(counts.sum(), rel=1e-6)


def test_over_dispersion_widens_the_interval_not_the_estimate():
    start, end, counts = _synthetic_amounts(0.7, seed=4, dispersion=4.0)
    fit = rate.fit_rate(CEASEFIRE, start, end, counts, ("slope",))
    assert fit.phi > 2
    rr, lo, hi = fit.ratio_per_year("slope")
    assert lo < 0.7 < hi


def test_a_slowing_decline_gets_a_second_slope():
    rng = np.random.default_rng(2)
    days = np.arange(0, 5 * 365)
    t = days / 365.25
    rate_day = np.where(t < 2, 1.0 * 0.3 ** t, 1.0 * 0.3 ** 2 * 0.9 ** (t - 2))
    start = np.arange(0, len(days) - 30, 30)
    end = start + 29
    counts = rng.poisson([rate_day[s:e + 1].sum() * 4 for s, e in zip(start, end)])
    knots = [(pd.Timestamp(f"{y}-01-01") - CEASEFIRE).days / 365.25 for y in (2022, 2023, 2024)]
    fit = rate.choose_rate(CEASEFIRE, start, end, counts, knots=knots)
    assert "hinge" in fit.terms
    assert fit.ratio_per_year("after")[0] > fit.ratio_per_year("slope")[0]


def test_monthly_expected_by_hand():
    amounts = pd.DataFrame({"start": [0, 21], "end": [20, 51], "amount": [10.5, 15.5]})
    fit = rate.fit_rate(CEASEFIRE, amounts["start"], amounts["end"], amounts["amount"], ())
    trend = Trend("total", fit, amounts, 51)
    monthly = monthly_expected(trend, "2020-11", "2020-12").set_index("month")
    # a constant rate of 26 / 52 = 0.5 a day: 10-30 Nov 2020 is 21 days, December 31
    assert monthly.loc["2020-11", "expected"] == pytest.approx(21 * 0.5)
    assert monthly.loc["2020-12", "expected"] == pytest.approx(31 * 0.5)
    # the interval of the mean comes from the intercept's variance (phi / total count, on the log scale)
    se = math.sqrt(fit.cov[0, 0])
    assert monthly.loc["2020-12", "upper"] == pytest.approx(15.5 * math.exp(1.6448536 * se), rel=1e-6)
    assert monthly.loc["2020-12", "predictive_upper"] > monthly.loc["2020-12", "upper"]


def test_window_changes_the_trend_inputs(pkg):
    late = series.analyse(pkg.casualty_reports, pkg.sources, window_start="2023-01-01", measures=["total"], coherent=False)
    assert late.trends["total"].amounts["start"].min() >= (pd.Timestamp("2023-01-01") - CEASEFIRE).days
    assert late.daily["date"].min() == pd.Timestamp("2023-01-01")
    assert late.monthly["month"].iloc[0] == "2023-01"
    assert set(late.fits) == {"total"}


def test_case_fatality_from_the_first_pass_at_9_december_2023(pkg):
    from analysis.casualties import civmil

    row = series.split_at(series.split_points(series.first_pass(pkg.casualty_reports)), CASPIAN)
    table, comparison = civmil.case_fatality(int(row["civilian_killed"]), int(row["civilian"]),
                                             int(row["military_killed"]), int(row["military"]))
    cfr = table.set_index("group")["case_fatality"]
    assert round(cfr["civilian"] * 100, 1) == 31.1 and round(cfr["military"] * 100, 1) == 8.4  # 50/161, 15/179
    rr = (50 / 161) / (15 / 179)
    se = math.sqrt(1 / 50 - 1 / 161 + 1 / 15 - 1 / 179)
    assert comparison["risk_ratio"] == pytest.approx(rr)
    assert comparison["lower"] == pytest.approx(rr * math.exp(-1.959964 * se), rel=1e-5)
    assert comparison["upper"] == pytest.approx(rr * math.exp(1.959964 * se), rel=1e-5)


def test_split_points_follow_the_window(pkg):
    first = series.first_pass(pkg.casualty_reports)
    all_splits = series.split_points(first)
    late = series.split_points(first, "2023-01-01", "2023-12-31")
    assert late["date"].between("2023-01-01", "2023-12-31").all()
    assert len(late) == all_splits["date"].between("2023-01-01", "2023-12-31").sum() >= 3
