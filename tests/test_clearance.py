"""The clearance series: the Caspian Post figures, scopes kept apart, what became of the statements, the
items that add up, the rate with its season, the last twelve months."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special

from analysis.clearance.rate_trend import RateTrend, rate_trend
from analysis.clearance.series import analyse, last_statement, last_twelve_months, value_on
from analysis.statements import latent, rate
from analysis.statements.observations import CEASEFIRE


@pytest.fixture(scope="module")
def series(pkg):
    return analyse(pkg.clearance_reports, pkg.sources, corrected=set(pkg.corrections_applied["record_id"]),
                   nowcast_to="2026-06-30")


@pytest.mark.parametrize("measure, value", [("ap_mines", 30836), ("at_mines", 18601), ("uxo", 61258)])
def test_all_operators_items_on_9_december_2023(series, measure, value):
    """Caspian Post: 30,836 anti-personnel mines, 18,601 anti-tank mines, 61,258 other items as of 9 Dec 2023,
    each inside the 90 % interval and within one item of the estimate."""
    row = value_on(series.daily, "2023-12-09", "all", measure)
    assert row["lower"] <= value <= row["upper"]
    assert abs(row["estimate"] - value) <= 1


def test_all_operators_hectares_on_9_december_2023(series):
    """Caspian Post: 114,658 ha as of 9 Dec 2023, inside the 90 % interval and within 0.5 % of the estimate."""
    row = value_on(series.daily, "2023-12-09", "all", "hectares")
    assert row["lower"] <= 114658 <= row["upper"]
    assert abs(row["estimate"] - 114658) <= 0.005 * 114658


def test_items_add_up_every_day(series):
    d = series.daily[series.daily["scope"] == "all"].pivot(index="date", columns="measure", values="estimate")
    fits = series.fits
    assert {"ap_mines", "at_mines", "uxo"} <= set(d.columns)
    assert ("all", "mines") in fits and ("all", "items") in fits
    # every measure never falls
    for m in ("hectares", "ap_mines", "at_mines", "uxo"):
        assert (d[m].diff().dropna() >= -1e-9).all(), m


def test_scopes_are_kept_apart(series, pkg):
    reports = pkg.clearance_reports
    for scope in ("all", "anama", "mod"):
        ids = set(series.statements.loc[series.statements["scope"] == scope, "record_id"])
        assert (reports.loc[list(ids), "operators"] == scope).all()
    # ANAMA's own teams had cleared 9,568.1 ha by 30 Apr 2022 (cl028); all operators about 23,000 (cl027) by then
    anama = value_on(series.daily, "2022-04-30", "anama", "hectares")
    assert anama["lower"] <= 9568.1 <= anama["upper"] and abs(anama["estimate"] - 9568.1) < 100
    assert value_on(series.daily, "2022-04-30", "all", "hectares")["estimate"] > 20000


def test_statements_not_used_say_why(series):
    nu = series.not_used()
    assert nu.loc["cl065", "reason"].startswith("Mine Action Review counts land released")
    assert nu.loc["cl153", "reason"] == "covers gazakh only: not added to the national series"


def test_flows_are_fitted(series):
    s = series.statements[(series.statements["scope"] == "all") & (series.statements["measure"] == "hectares")]
    s = s.set_index("record_id")
    # ANAMA's 2022 total of 41,915 ha (cl050) and the 2025 total of 69,205.7 ha (cl160), calendar years
    for rid, value in (("cl050", 41915.0), ("cl160", 69205.7)):
        row = s.loc[rid]
        assert row["kind"] == "flow" and row["status"] == "fitted"
        assert abs(row["predicted"] - value) < 0.03 * value
    # the weekly release of 1-7 Dec 2025 (cl155) is a flow of its week
    assert (s.loc["cl155", "end_hi"] - s.loc["cl155", "start"]) == 6


def test_bounds_are_met(series):
    b = series.bounds("all", "hectares")
    # "more than 95,000 ha" by 4 Sep 2023 (cl081), between 81,386 (25 May) and 106,938 (4 Nov)
    assert b.loc["cl081", "qualifier"] == "at_least" and b.loc["cl081", "status"] == "bound met"
    assert b.loc["cl081", "predicted"] >= 95000 * (1 - 1e-6)


def test_a_stale_repeat_is_listed_not_fitted(series):
    """Vestnik Kavkaza's 180,000 ha of April 2025 (cl203) repeats the end-2024 total: flagged stale by the
    curation, it is listed with why and not fitted (it would flatten January to April 2025)."""
    s = series.statements.set_index(["record_id", "measure", "scope"])
    row = s.loc[("cl203", "hectares", "all")]
    assert row["status"] == "not fitted" and row["reason"].startswith("flagged stale by the curation")
    # the State Statistics Committee's exact end-2024 total (cl195: 179,791.9 ha)
    end_2024 = value_on(series.daily, "2024-12-31", "all", "hectares")
    assert abs(end_2024["estimate"] - 179791.9) < 0.005 * 179791.9


def test_the_series_runs_to_the_nowcast_as_a_forecast(series, pkg):
    d = series.daily_of("all", "hectares")
    assert d["date"].iloc[-1] == pd.Timestamp("2026-06-30")
    last = last_statement(pkg.clearance_reports, pkg.sources, "all", set(pkg.corrections_applied["record_id"]))
    assert series.last_fitted("all", "hectares")["date"] <= last
    assert (d.loc[d["date"] > last, "kind"] == "forecast").all()


def test_last_twelve_months_to_the_latest_fitted_day(series):
    last = last_twelve_months(series)
    d = series.daily_of("all", "hectares").set_index("date")
    assert last["end"] == series.last_fitted("all", "hectares")["date"]
    assert last["rate"] == pytest.approx(d.loc[last["end"], "estimate"] - d.loc[last["start"], "estimate"], rel=1e-6)
    assert last["lower"] < last["rate"] < last["upper"]


def test_rate_with_a_season_recovers_a_known_growth():
    rng = np.random.default_rng(7)
    days = np.arange(0, 5 * 365)
    doy = (CEASEFIRE + pd.to_timedelta(days, unit="D")).day_of_year.to_numpy()
    rate_day = 100 * 1.25 ** (days / 365.25) * np.exp(0.4 * np.cos(2 * np.pi * (doy - 1) / 365.25))
    start = np.arange(0, len(days) - 7, 7)
    end = start + 6
    amounts = np.array([rng.gamma(20, rate_day[s:e + 1].sum() / 20) for s, e in zip(start, end)])
    fit = rate.choose_rate(CEASEFIRE, start, end, amounts, season=True)
    assert "season" in fit.terms
    g, lo, hi = fit.ratio_per_year("slope")
    assert lo < 1.25 < hi and g == pytest.approx(1.25, rel=0.05)
    names = fit.names
    assert fit.beta[names.index("cos")] == pytest.approx(0.4, abs=0.05)


def test_projection_inputs_average_the_season(series):
    trend = rate_trend(series.fits[("all", "hectares")], "hectares")
    inputs = trend.projection_inputs("2025-05-22")
    names = trend.rate.names
    b0, b1 = trend.rate.beta[0], trend.rate.beta[names.index("slope")]
    amplitude = np.hypot(trend.rate.beta[names.index("sin")], trend.rate.beta[names.index("cos")]) if trend.seasonal else 0.0
    assert inputs["intercept"] == pytest.approx(b0 + np.log(365.25 / 12 * special.i0(amplitude)))
    assert inputs["slope"] == b1 and inputs["start_years"] == pytest.approx(1654 / 365.25)
    # 12 exp(intercept + slope t) is the year's expected hectares: against the 2025 total of 69,205.7
    t_mid = (pd.Timestamp("2025-07-02") - CEASEFIRE).days / 365.25
    assert 12 * np.exp(inputs["intercept"] + b1 * t_mid) == pytest.approx(69205.7, rel=0.2)


def test_season_factors_average_one_and_slow_the_winter(series):
    trend = rate_trend(series.fits[("all", "hectares")], "hectares")
    f = trend.season_factors()
    assert f.mean() == pytest.approx(1.0)
    if trend.seasonal:
        assert f[["Jan", "Feb"]].mean() < f[["Jun", "Jul"]].mean()


def test_a_trend_needs_a_time_term():
    fit = rate.fit_rate(CEASEFIRE, [0, 10, 20, 30], [9, 19, 29, 39], [10, 12, 9, 11], ())
    with pytest.raises(ValueError, match="no time term"):
        rate_trend(type("F", (), {"rate": fit, "last_day": 39})(), "hectares")
    assert isinstance(RateTrend("hectares", fit, 39).season_factors(), pd.Series)


# --------------------------------------------------------------------------------------------------
# figures: what the model fills in is drawn apart from what statements give


def test_the_cumulative_clearance_figure_draws_each_scopes_stretches_lighter(series):
    from analysis.plots import style
    from analysis.plots.clearance import plot_cumulative
    from analysis.statements.model import interpolated_stretches

    fig = plot_cumulative(series, "hectares")
    ax = fig.axes[0]
    for i, scope in enumerate(["all", "anama", "mod"]):
        f = series.fits[(scope, "hectares")]
        stretches = interpolated_stretches(f.observations, f.last_day)
        colour = style.category_style(i)["color"]
        light = sorted((pd.Timestamp(ln.get_xdata()[0]), pd.Timestamp(ln.get_xdata()[-1])) for ln in ax.get_lines()
                       if ln.get_alpha() == style.INTERPOLATED_ALPHA and ln.get_color() == colour)
        assert light == list(zip(stretches["start"], stretches["end"])), scope
    # the Ministry of Defence's engineers: no exact statement from 10 Mar 2022 to 18 May 2024
    mod = interpolated_stretches(series.fits[("mod", "hectares")].observations, series.fits[("mod", "hectares")].last_day)
    assert ((mod["start"] == "2022-03-10") & (mod["end"] == "2024-05-18")).any()
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "lighter: interpolated, no exact statement for 60+ days" in texts
    assert any(t.startswith("forecast to") and "dashed" in t for t in texts)


def test_the_monthly_rate_draws_months_across_a_gap_lighter_and_the_forecast_dashed(series, pkg):
    from analysis.clearance import rates
    from analysis.clearance.rate_trend import rate_trend
    from analysis.plots import style
    from analysis.plots.clearance import add_rate_trend, plot_monthly_rate

    monthly = rates.clearance_monthly(series.daily[series.daily["kind"] == "fit"], pkg.clearance_reports)
    fig = plot_monthly_rate(monthly, "hectares", "all", series=series)
    add_rate_trend(fig, rate_trend(series.fits[("all", "hectares")], "hectares"), "2020-11", "2026-06")
    ax = fig.axes[0]
    colour = style.category_style(0)["color"]
    months = lambda lines: {f"{pd.Timestamp(x):%Y-%m}" for ln in lines for x in ln.get_xdata()}
    light = months(ln for ln in ax.get_lines() if ln.get_alpha() == style.INTERPOLATED_ALPHA and ln.get_color() == colour)
    solid = months(ln for ln in ax.get_lines() if ln.get_alpha() is None and ln.get_color() == colour)
    # all operators' hectares: no exact statement from 31 Dec 2020 to 15 Oct 2021, so January to September
    # 2021 are differences across the gap; December 2020 and October 2021 straddle a pinned day
    gap = {f"2021-{m:02d}" for m in range(1, 10)}
    assert gap <= light and not gap & solid
    assert {"2020-12", "2021-10"} <= solid
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "lighter: a month inside 60+ days without an exact statement" in texts
    assert "the rate carried on (forecast; dashed, lighter band)" in texts
