"""The casualty series: hand-checked figures, the trend model on synthetic data, the daily intervals."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.casualties import series
from analysis.casualties.trend import Trend, fit_trend, monthly_expected
from analysis.statements import casualty_reports
from analysis.statements.daily import CEASEFIRE, betabinom_quantiles, daily_counts

CASPIAN = pd.Timestamp("2023-12-09")


@pytest.fixture(scope="module")
def analysis(pkg):
    return series.analyse(pkg.casualty_reports)


def _at(analysis, date, measure):
    row = analysis.daily[(analysis.daily["date"] == date) & (analysis.daily["measure"] == measure)]
    assert len(row) == 1
    return row.iloc[0]


@pytest.mark.parametrize("measure, value", [
    ("total", 340), ("civilian", 161), ("civilian_killed", 50), ("civilian_injured", 111),
    ("military", 179), ("military_killed", 15), ("military_injured", 164), ("killed", 65), ("injured", 275),
])
def test_series_at_9_december_2023_gives_the_caspian_post_figures(analysis, measure, value):
    row = _at(analysis, CASPIAN, measure)
    assert (row["estimate"], row["lower"], row["upper"]) == (value, value, value)


def test_every_kept_statement_lies_inside_the_daily_interval(analysis):
    daily = analysis.daily.set_index(["date", "measure"])
    kept = analysis.reconciliation.kept
    assert len(kept) > 100
    for row in kept.itertuples():
        d = daily.loc[(row.date, row.measure)]
        assert d["lower"] <= row.value <= d["upper"], row


def test_daily_series_never_falls_and_covers_every_day(analysis):
    total = analysis.daily[analysis.daily["measure"] == "total"]
    assert total["date"].iloc[0] == CEASEFIRE
    assert (total["date"].diff().dropna() == pd.Timedelta(days=1)).all()
    assert (total["estimate"].diff().dropna() >= 0).all()
    assert (total["lower"] <= total["estimate"]).all() and (total["estimate"] <= total["upper"]).all()
    assert total["date"].iloc[-1] == analysis.reconciliation.kept["date"].max()


def test_statements_are_all_accounted_for(analysis, pkg):
    reports = pkg.casualty_reports
    r = analysis.reconciliation
    seen = set(r.observations["record_id"]) | set(r.not_used["record_id"])
    assert seen == set(reports.index)
    assert (r.not_used["reason"].str.len() > 0).all()


def test_known_slips_are_dropped_for_the_right_reason(analysis):
    obs = analysis.reconciliation.observations.set_index(["record_id", "measure"])
    # the '415 to 2 June 2025' (AMVA) would force ANAMA's 409 of Oct 2025 to fall
    assert obs.loc[("cr124", "total"), "reason"].startswith("probably misdated")
    # VOA's 369 of Nov 2024 is an old total, flagged stale by the curation: listed, never a point
    assert ("cr112", "total") not in obs.index
    not_used = analysis.reconciliation.not_used.set_index("record_id")["reason"]
    assert not_used.loc["cr112"].startswith("flagged stale by the curation")
    # 65 + 288 printed as 351 (Trend) against the Foreign Ministry's 352 the same day
    assert obs.loc[("cr095", "total"), "status"] == "dropped"


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


def test_annual_totals_against_the_series(analysis, pkg):
    check = series.annual_cross_check(pkg.casualty_reports, analysis.daily).set_index(["year", "measure"])
    # killed: 65 at the end of 2023 (kept 26 Dec 2023 and 26 Jan 2024), 70 at the end of 2024 (11 Nov 2024, 27 Jan 2025)
    assert check.loc[(2024, "killed"), "series_increase"] == 70 - 65 == check.loc[(2024, "killed"), "stated"]
    assert abs(check.loc[(2024, "total"), "residual"]) < 2  # 41 stated (PGO)


def _synthetic_intervals(rr, n=150, base=0.5, seed=1, alpha=None):
    rng = np.random.default_rng(seed)
    days = rng.integers(10, 60, n)
    end = np.cumsum(days)
    start = end - days
    years = (start + days / 2) / 365.25
    mean = base * days * rr ** years
    counts = rng.poisson(mean) if alpha is None else rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mean))
    return pd.DataFrame({"days": days, "count": counts, "years": years})


def test_poisson_glm_recovers_a_known_rate_ratio():
    trend = fit_trend(_synthetic_intervals(0.6))
    assert trend.model == "Poisson"
    assert trend.rate_ratio_lower < 0.6 < trend.rate_ratio_upper
    assert trend.rate_ratio_per_year == pytest.approx(0.6, rel=0.08)


def test_over_dispersed_counts_switch_to_negative_binomial():
    trend = fit_trend(_synthetic_intervals(0.7, alpha=0.5, seed=4))
    assert trend.model == "negative binomial (NB2)" and trend.pearson_dispersion > 1.5
    assert trend.rate_ratio_lower < 0.7 < trend.rate_ratio_upper


def test_monthly_expected_by_hand():
    trend = Trend("total", "Poisson", np.array([math.log(0.5), 0.0]), np.diag([0.01, 0.0]), 1.0, None, 10)
    monthly = monthly_expected(trend, "2020-11", "2020-12").set_index("month")
    assert monthly.loc["2020-11", "expected"] == pytest.approx(20 * 0.5)  # 11-30 Nov 2020
    assert monthly.loc["2020-12", "expected"] == pytest.approx(31 * 0.5)
    # log-scale interval: the gradient of log(sum) w.r.t. the intercept is 1, so the half-width is 1.645 * 0.1
    assert monthly.loc["2020-12", "upper"] == pytest.approx(15.5 * math.exp(1.6448536 * 0.1), rel=1e-6)


def test_daily_split_of_an_increment_by_hand():
    kept = pd.DataFrame({"date": [CEASEFIRE + pd.Timedelta(days=10)], "measure": ["total"], "value": [10.0]})
    day5 = daily_counts(kept, "total").set_index("date").loc[CEASEFIRE + pd.Timedelta(days=5)]
    assert day5["estimate"] == 5  # half the days, half the increment
    # Binomial(10, 1/2): P(X <= 1) = 11/1024 < 0.05 <= P(X <= 2) = 56/1024; P(X <= 7) = 968/1024 < 0.95 <= P(X <= 8)
    assert (day5["lower"], day5["upper"]) == (2, 8)
    wider = daily_counts(kept, "total", rho=0.3).set_index("date").loc[CEASEFIRE + pd.Timedelta(days=5)]
    assert wider["lower"] < 2 and wider["upper"] > 8


def test_betabinom_quantiles_agree_with_scipy():
    from scipy import stats
    rng = np.random.default_rng(5)
    n = rng.integers(1, 120, 400)
    a, b = rng.uniform(0.2, 30, 400), rng.uniform(0.2, 30, 400)
    ours = betabinom_quantiles(n, a, b, (0.05, 0.5, 0.95))
    for q, got in zip((0.05, 0.5, 0.95), ours):
        np.testing.assert_array_equal(got, stats.betabinom(n, a, b).ppf(q))


def test_betabinom_quantile_at_an_exact_tie_is_the_smallest_k():
    # n = 7 split evenly: P(X <= 3) = 0.5 exactly, so the median is 3 by the definition min{k: F(k) >= q},
    # which scipy's bisection misses when its sum rounds to just under 0.5
    from scipy import stats
    a = b = np.full(6, 2.5)
    (median,) = betabinom_quantiles(np.full(6, 7), a, b, (0.5,))
    assert stats.betabinom.cdf(3, 7, 2.5, 2.5) == pytest.approx(0.5, abs=1e-12)
    assert median.tolist() == [3.0] * 6


def test_window_changes_the_trend_inputs(pkg):
    reports = pkg.casualty_reports
    late = series.analyse(reports, window_start="2023-01-01", measures=["total"])
    assert late.intervals["total"]["start"].min() >= pd.Timestamp("2023-01-01")
    assert late.daily["date"].min() == pd.Timestamp("2023-01-01")
    assert late.monthly["month"].iloc[0] == "2023-01"


def test_case_fatality_from_the_series_at_9_december_2023(analysis):
    from analysis.casualties import civmil

    row = series.split_at(series.split_points(analysis), CASPIAN)
    table, comparison = civmil.case_fatality(int(row["civilian_killed"]), int(row["civilian"]),
                                             int(row["military_killed"]), int(row["military"]))
    cfr = table.set_index("group")["case_fatality"]
    assert round(cfr["civilian"] * 100, 1) == 31.1 and round(cfr["military"] * 100, 1) == 8.4  # 50/161, 15/179
    rr = (50 / 161) / (15 / 179)
    se = math.sqrt(1 / 50 - 1 / 161 + 1 / 15 - 1 / 179)
    assert comparison["risk_ratio"] == pytest.approx(rr)
    assert comparison["lower"] == pytest.approx(rr * math.exp(-1.959964 * se), rel=1e-5)
    assert comparison["upper"] == pytest.approx(rr * math.exp(1.959964 * se), rel=1e-5)


def test_split_points_follow_the_window(analysis):
    all_splits = series.split_points(analysis)
    late = series.split_points(analysis, "2023-01-01", "2023-12-31")
    assert late["date"].between("2023-01-01", "2023-12-31").all()
    assert len(late) == all_splits["date"].between("2023-01-01", "2023-12-31").sum() >= 3
