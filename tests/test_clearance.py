"""The clearance series: the Caspian Post figures, scopes kept apart, the daily intervals, the rate trend."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.clearance.rate_trend import RateTrend, fit_rate_trend
from analysis.clearance.series import analyse, last_twelve_months, value_on
from analysis.statements.daily import CEASEFIRE, daily_amounts


@pytest.fixture(scope="module")
def series(pkg):
    return analyse(pkg.clearance_reports)


@pytest.mark.parametrize("measure, value", [("ap_mines", 30836), ("at_mines", 18601), ("uxo", 61258), ("hectares", 114658)])
def test_all_operators_on_9_december_2023(series, measure, value):
    row = value_on(series.daily, "2023-12-09", "all", measure)
    assert (row["estimate"], row["lower"], row["upper"]) == (value, value, value)


def test_every_kept_statement_lies_inside_the_daily_interval(series):
    for scope, rec in series.reconciliations.items():
        d = series.daily[series.daily["scope"] == scope].set_index(["date", "measure"])
        for row in rec.kept.itertuples():
            band = d.loc[(row.date, row.measure)]
            assert band["lower"] <= row.value <= band["upper"], (scope, row)


def test_scopes_are_kept_apart(series, pkg):
    kept = {scope: set(rec.kept["record_id"]) for scope, rec in series.reconciliations.items()}
    reports = pkg.clearance_reports
    for scope, ids in kept.items():
        assert (reports.loc[list(ids), "operators"] == scope).all()
    # ANAMA's own teams had cleared 9,568.1 ha by 30 Apr 2022 (cl028); all operators about 23,000 (cl027) by then
    assert value_on(series.daily, "2022-04-30", "anama", "hectares")["estimate"] == 9568.1


def test_statements_not_used_say_why(series):
    nu = series.reconciliations["all"].not_used.set_index("record_id")["reason"]
    assert nu["cl065"].startswith("Mine Action Review counts land released")
    assert nu["cl153"] == "covers gazakh only: not added to the national series"
    assert nu["cl050"] == "an annual figure: used in the monthly rates and cross-checks"


def test_bounds_are_checked(series):
    b = series.bounds[(series.bounds["scope"] == "all") & (series.bounds["measure"] == "hectares")].set_index("record_id")
    # "more than 95,000 ha" by 4 Sep 2023 (cl081), between 81,386 (21 Jun) and 106,938 (4 Nov)
    assert b.loc["cl081", "qualifier"] == "at_least" and bool(b.loc["cl081", "consistent"])


def test_daily_split_by_hand():
    kept = pd.DataFrame({"date": [CEASEFIRE + pd.Timedelta(days=70)], "measure": ["hectares"], "value": [700.0]})
    d = daily_amounts(kept, "hectares", cv=0.5).set_index("date")
    mid = d.loc[CEASEFIRE + pd.Timedelta(days=35)]
    # 10 weeks, CV 0.5: concentration 10 / 0.25 - 1 = 39; Beta(19.5, 19.5) is symmetric: median 1/2
    assert mid["estimate"] == 350.0
    from scipy import stats
    assert mid["lower"] == pytest.approx(round(700 * stats.beta(19.5, 19.5).ppf(0.05), 1))
    assert d["estimate"].is_monotonic_increasing


def test_rate_trend_recovers_a_known_growth():
    rng = np.random.default_rng(7)
    months = pd.period_range("2021-01", "2025-12", freq="M")
    years = ((months.to_timestamp() + pd.Timedelta(days=14)) - CEASEFIRE).days.to_numpy() / 365.25
    mean = 2000 * 1.25 ** years
    values = rng.gamma(shape=10, scale=mean / 10)
    trend = fit_rate_trend(pd.DataFrame({"month": months.astype(str), "value": values}))
    g, lo, hi = trend.growth_per_year
    assert lo < 1.25 < hi and g == pytest.approx(1.25, rel=0.1)
    expected = trend.expected(months[:2])
    assert (expected["lower"] < expected["expected"]).all() and (expected["expected"] < expected["upper"]).all()


def test_last_twelve_months_by_hand(series):
    last = last_twelve_months(series.daily)
    d = series.daily[(series.daily["scope"] == "all") & (series.daily["measure"] == "hectares")].set_index("date")
    assert last["end"] == d.index.max()
    assert last["rate"] == pytest.approx(d.loc[last["end"], "estimate"] - d.loc[last["start"], "estimate"])
    assert last["lower"] <= last["rate"] <= last["upper"]


def test_one_scope_and_measure_and_the_lists_of_every_scope(series):
    all_ha = series.daily_of("all", "hectares")
    assert set(all_ha["scope"]) == {"all"} and set(all_ha["measure"]) == {"hectares"}
    assert all_ha["date"].is_monotonic_increasing and all_ha["date"].is_unique
    dropped = series.dropped_statements()
    expected = sum(int((rec.observations["status"] == "dropped").sum()) for rec in series.reconciliations.values())
    assert len(dropped) == expected and set(dropped["scope"]) <= set(series.reconciliations)
    assert dropped["reason"].str.len().gt(0).all()


def test_projection_inputs_put_today_on_the_trend_time_axis():
    trend = RateTrend("hectares", np.array([8.0, 0.1]), np.eye(2) * 0.01, 18, 0.2)
    inputs = trend.projection_inputs("2025-05-22")
    # 10 Nov 2020 to 22 May 2025: 1,654 days of 365.25
    assert inputs["start_years"] == pytest.approx(1654 / 365.25)
    assert (inputs["intercept"], inputs["slope"]) == (8.0, 0.1) and inputs["cov"] is trend.cov


def test_a_stale_repeat_is_listed_not_used(series):
    """Vestnik Kavkaza's 180,000 ha of April 2025 (cl203) repeats the end-2024 total: flagged stale by the
    curation, it is listed with why and never becomes a point (it would flatten January to April 2025)."""
    not_used = series.not_used()
    assert not_used.loc["cl203", "reason"].startswith("flagged stale by the curation")
    assert "cl203" not in set(series.reconciliations["all"].kept["record_id"])
    # and the State Statistics Committee's exact end-2024 total is a point (cl195: 179,791.9 ha)
    assert value_on(series.daily, "2024-12-31", "all", "hectares")["estimate"] == pytest.approx(179791.9)
