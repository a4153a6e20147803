"""Projection of the remaining area: the arithmetic checked by hand, the trend's closed form against a
numeric integral, the bootstrap's reproducibility, and a smoke test of the fan chart."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from scipy import integrate, optimize

from analysis.clearance import projection as P
from analysis.plots.projection import plot_fan_chart

TODAY = pd.Timestamp("2026-01-01")
SCENARIO = "ANAMA 1,166,702 ha (2024)"


def numeric_trend_years(remaining_ha: float, a: float, b: float, s: float) -> float:
    """T such that the numeric integral of 12·exp(a + b·t) over [s, s + T] equals remaining_ha."""
    def cleared(T):
        return integrate.quad(lambda t: 12.0 * math.exp(a + b * t), s, s + T)[0]
    hi = 1.0
    while cleared(hi) < remaining_ha:
        hi *= 2
        assert hi < 1e4, "the trend never clears this area"
    return optimize.brentq(lambda T: cleared(T) - remaining_ha, 0.0, hi, xtol=1e-12)


TREND = {"intercept": math.log(3000.0), "slope": 0.15, "cov": [[0.01, -0.002], [-0.002, 0.001]],
         "start_years": (TODAY - pd.Timestamp("2020-11-10")).days / 365.25}


# ------------------------------------------------------------------------------- scenarios, remaining


def test_default_scenarios_are_the_published_estimates_in_hectares():
    sc = P.default_scenarios()
    assert P.KM2 == 100.0
    assert sc == {"AzCBL 8,000 km² (2023)": 800_000.0, "ANAMA 9,000 km² (2023)": 900_000.0,
                  "ANAMA 1,166,702 ha (2024)": 1_166_702.0}
    table = P.scenario_table(sc)
    assert list(table.columns) == ["scenario", "contaminated_ha"]
    assert table["contaminated_ha"].tolist() == [800_000.0, 900_000.0, 1_166_702.0]


def test_bad_scenario_value_is_refused_with_its_name():
    with pytest.raises(ValueError, match="tiny"):
        P.scenario_table({"tiny": -5.0})
    with pytest.raises(ValueError, match="text"):
        P.scenario_table({"text": "800000"})


def test_remaining_by_hand_and_its_interval():
    rem = P.remaining({SCENARIO: 1_166_702.0}, cleared=249_000.0, cleared_lower=240_000.0, cleared_upper=255_000.0)
    row = rem.iloc[0]
    assert row["remaining_ha"] == 917_702.0          # 1,166,702 − 249,000
    assert row["remaining_lower"] == 911_702.0       # 1,166,702 − 255,000 (the upper cleared)
    assert row["remaining_upper"] == 926_702.0       # 1,166,702 − 240,000 (the lower cleared)
    assert {"scenario", "contaminated_ha", "cleared_ha", "remaining_ha", "remaining_lower",
            "remaining_upper"} <= set(rem.columns)


def test_remaining_is_never_negative_and_then_takes_zero_years():
    rem = P.remaining({"small": 100_000.0, "straddles": 250_000.0}, 249_000.0, 240_000.0, 255_000.0)
    assert rem["remaining_ha"].tolist() == [0.0, 1_000.0]
    assert rem["remaining_lower"].tolist() == [0.0, 0.0]
    assert rem["remaining_upper"].tolist() == [0.0, 10_000.0]
    table = P.projection_table(rem, 69_205.7, 62_000.0, 76_000.0, TREND, {"plan": 65_000.0}, TODAY)
    small = table[table["scenario"] == "small"]
    assert (small[["years", "lower", "upper"]] == 0.0).all().all()
    assert (small["completion_year"] == 2026.0).all()
    straddles = table[table["scenario"] == "straddles"]
    assert (straddles["lower"] == 0.0).all()
    assert (straddles["upper"] > 0).all()


# ------------------------------------------------------------------------------- constant rate


def test_constant_rate_arithmetic_by_hand():
    # 1,166,702 ha contaminated − 249,000 ha cleared by end-2025 = 917,702 ha remaining;
    # at 2025's 69,205.7 ha/year: 917,702 / 69,205.7 = 13.2605 years; from 1 Jan 2026: 2039.26.
    rem = P.remaining({SCENARIO: 1_166_702.0}, 249_000.0)
    table = P.projection_table(rem, 69_205.7, 69_205.7, 69_205.7, None, {}, TODAY)
    row = table.iloc[0]
    assert row["method"] == "last 12 months' rate"
    assert row["remaining_ha"] == 917_702.0
    assert row["years"] == pytest.approx(13.2605, abs=1e-4)
    assert row["years"] == pytest.approx(917_702.0 / 69_205.7, rel=1e-12)
    assert row["completion_year"] == pytest.approx(2039.2605, abs=1e-4)
    assert P.decimal_year(TODAY) == 2026.0


def test_constant_rate_interval_by_hand_and_direction():
    years, lower, upper = P.years_at_constant_rate(917_702.0, 69_205.7, 60_000.0, 80_000.0)
    assert lower == pytest.approx(917_702.0 / 80_000.0)   # 11.4713 years: higher rate -> fewer years
    assert upper == pytest.approx(917_702.0 / 60_000.0)   # 15.2950 years
    assert lower < years < upper
    # vectorised: years fall as the rate rises
    y, _, _ = P.years_at_constant_rate(917_702.0, np.array([40_000.0, 60_000.0, 65_000.0]))
    assert np.all(np.diff(y) < 0)
    assert P.years_at_constant_rate(1000.0, 10.0, 0.0, 20.0)[2] == np.inf
    with pytest.raises(ValueError):
        P.years_at_constant_rate(1000.0, 10.0, 20.0, 30.0)


def test_last12_interval_combines_rate_and_cleared_to_date():
    rem = P.remaining({SCENARIO: 1_166_702.0}, 249_000.0, 240_000.0, 255_000.0)
    table = P.projection_table(rem, 69_205.7, 62_000.0, 76_000.0, None, {"2026 plan (>65,000 ha)": 65_000.0}, TODAY)
    last12 = table[table["method"] == "last 12 months' rate"].iloc[0]
    assert last12["lower"] == pytest.approx(911_702.0 / 76_000.0)   # 11.996 years
    assert last12["upper"] == pytest.approx(926_702.0 / 62_000.0)   # 14.947 years
    assert "90% interval of the last-12-months rate and of cleared-to-date" in last12["interval"]
    plan = table[table["method"] == "planned: 2026 plan (>65,000 ha)"].iloc[0]
    assert plan["years"] == pytest.approx(917_702.0 / 65_000.0)     # 14.118 years
    assert plan["lower"] == pytest.approx(911_702.0 / 65_000.0)
    assert plan["upper"] == pytest.approx(926_702.0 / 65_000.0)
    assert "cleared-to-date only" in plan["interval"]
    assert plan["completion_upper"] == pytest.approx(2026.0 + 926_702.0 / 65_000.0)


# ------------------------------------------------------------------------------- trend


@pytest.mark.parametrize("slope", [0.15, -0.02])
def test_trend_closed_form_matches_numeric_integral(slope):
    a, s, R = math.log(3000.0), 5.14, 917_702.0
    # with slope −0.02 the trend could ever clear 12·3000·e^(−0.1028)/0.02 ≈ 1.62 million ha > R
    closed = P.trend_years(R, a, slope, s)
    assert closed == pytest.approx(numeric_trend_years(R, a, slope, s), rel=1e-8)
    # the closed form of the cumulative clearance, too
    T = 4.0
    by_hand = 12 * math.exp(a) * (math.exp(slope * (s + T)) - math.exp(slope * s)) / slope
    assert by_hand == pytest.approx(integrate.quad(lambda t: 12 * math.exp(a + slope * t), s, s + T)[0], rel=1e-10)


def test_trend_with_zero_slope_is_a_constant_rate():
    a, R = math.log(5000.0), 600_000.0
    assert P.trend_years(R, a, 0.0, 3.0) == pytest.approx(R / (12 * 5000.0))
    assert P.trend_years(R, a, 1e-12, 3.0) == pytest.approx(R / (12 * 5000.0), rel=1e-9)


def test_falling_trend_never_clears_beyond_its_asymptote():
    a, b, s = math.log(3000.0), -0.3, 5.0
    asymptote = 12 * math.exp(a + b * s) / -b      # about 26,776 ha ever clearable
    assert P.trend_years(asymptote * 1.01, a, b, s) == np.inf
    assert P.trend_years(asymptote, a, b, s) == np.inf
    assert np.isfinite(P.trend_years(asymptote * 0.99, a, b, s))
    years, lower, upper = P.years_at_trend(917_702.0, a, b, [[1e-4, 0], [0, 1e-4]], s)
    assert years == np.inf and upper == np.inf
    rem = P.remaining({SCENARIO: 1_166_702.0}, 249_000.0)
    table = P.projection_table(rem, None, None, None, {"intercept": a, "slope": b, "cov": [[1e-4, 0], [0, 1e-4]],
                                                       "start_years": s}, {}, TODAY)
    assert table["completion_year"].iloc[0] == np.inf
    assert table["note"].iloc[0] == "never at this trend"


def test_bootstrap_is_reproducible_and_contains_the_point():
    args = dict(intercept=TREND["intercept"], slope=TREND["slope"], cov=TREND["cov"], start_years=TREND["start_years"])
    first = P.years_at_trend(917_702.0, **args, seed=7)
    again = P.years_at_trend(917_702.0, **args, seed=7)
    other = P.years_at_trend(917_702.0, **args, seed=8)
    assert first == again
    assert first[1:] != other[1:]
    years, lower, upper = first
    assert years == pytest.approx(P.trend_years(917_702.0, TREND["intercept"], TREND["slope"], TREND["start_years"]))
    assert lower < years < upper
    # a wider level gives a wider interval; arrays give the same as one at a time
    _, lo99, hi99 = P.years_at_trend(917_702.0, **args, seed=7, level=0.99)
    assert lo99 <= lower and hi99 >= upper
    ys, los, his = P.years_at_trend(np.array([551_000.0, 917_702.0]), **args, seed=7)
    assert (ys[1], los[1], his[1]) == pytest.approx(first)


def test_bootstrap_upper_bound_counts_never_draws():
    # a slope near zero with a large variance: some draws fall fast enough never to finish
    a, s, R = math.log(3000.0), 5.0, 917_702.0
    years, lower, upper = P.years_at_trend(R, a, 0.0, [[1e-4, 0], [0, 0.04]], s, n_draws=2000)
    assert np.isfinite(years) and np.isfinite(lower)
    assert upper == np.inf


def test_projection_table_columns_and_methods():
    rem = P.remaining(P.default_scenarios(), 249_000.0, 240_000.0, 255_000.0)
    table = P.projection_table(rem, 69_205.7, 62_000.0, 76_000.0, TREND,
                               {"2024 plan": 60_000.0, "2026 plan": 65_000.0}, TODAY)
    for col in ["scenario", "method", "rate_ha_per_year", "years", "lower", "upper", "completion_year",
                "completion_lower", "completion_upper", "interval"]:
        assert col in table.columns
    assert len(table) == 3 * 4
    assert set(table["method"]) == {"last 12 months' rate", "fitted trend", "planned: 2024 plan", "planned: 2026 plan"}
    trend_rows = table[table["method"] == "fitted trend"]
    assert trend_rows["rate_ha_per_year"].isna().all()
    assert trend_rows["interval"].str.contains("parametric bootstrap of the trend coefficients").all()
    assert (table["lower"] <= table["years"]).all() and (table["years"] <= table["upper"]).all()
    assert np.allclose(table["completion_year"], 2026.0 + table["years"])
    assert P.projection_table(rem, 69_205.7, 62_000.0, 76_000.0, None, {}, TODAY)["method"].unique().tolist() \
        == ["last 12 months' rate"]


def test_targets_defaults_and_comparison():
    t = P.targets()
    assert list(t.columns) == ["target", "year", "source_note"]
    assert t["year"].tolist() == [2030.0, 2052.0]
    assert P.targets({"custom": 2040})["year"].tolist() == [2040.0]
    rem = P.remaining({SCENARIO: 1_166_702.0}, 249_000.0)
    table = P.projection_table(rem, 69_205.7, 69_205.7, 69_205.7, None, {}, TODAY)
    cmp = P.against_targets(table, t)
    assert cmp["verdict"].tolist() == ["after", "before"]        # 2039.26 vs 2030 and 2052
    assert cmp["years_after_target"].tolist() == pytest.approx([9.2605, -12.7395], abs=1e-4)


def test_caveat_names_what_hectares_include():
    assert "battle-area clearance" in P.HECTARES_CAVEAT and "survey-based release" in P.HECTARES_CAVEAT
    assert "352 ha" in P.HECTARES_CAVEAT


# ------------------------------------------------------------------------------- figure


def test_fan_paths_start_at_cleared_to_date_rise_and_stop_at_the_total():
    total = 1_166_702.0
    rem = P.remaining({SCENARIO: total}, 249_000.0, 240_000.0, 255_000.0)
    table = P.projection_table(rem, 69_205.7, 62_000.0, 76_000.0, TREND, {"2026 plan": 65_000.0}, TODAY)
    fan = P.fan_paths(table, TODAY, 2060, trend=TREND, n_draws=200)
    assert list(fan.columns) == P.FAN_COLUMNS
    assert list(dict.fromkeys(fan["method"])) == list(table["method"])
    for _, path in fan.groupby("method", sort=False):
        assert len(path) == 400 and path["year"].iloc[0] == P.decimal_year(TODAY)
        assert path["year"].iloc[-1] == pytest.approx(2060)
        start = path.iloc[0]
        assert (start["cleared"], start["lower"], start["upper"]) == (249_000.0, 240_000.0, 255_000.0)
        for col in ("cleared", "lower", "upper"):
            assert (path[col].diff().dropna() >= 0).all() and path[col].max() <= total
        assert (path["lower"] <= path["cleared"]).all() and (path["cleared"] <= path["upper"]).all()
    plan = fan[fan["method"] == "planned: 2026 plan"]
    years = plan["year"] - P.decimal_year(TODAY)
    assert np.allclose(plan["cleared"], np.minimum(249_000.0 + 65_000.0 * years, total))
    with pytest.raises(ValueError, match="trend="):
        P.fan_paths(table, TODAY)


def test_fan_chart_smoke():
    dates = pd.to_datetime(["2021-10-15", "2022-11-17", "2023-11-28", "2024-12-31", "2025-12-31"])
    est = np.array([18_302.0, 59_055.0, 111_207.0, 180_000.0, 249_000.0])
    history = pd.DataFrame({"date": dates, "estimate": est, "lower": est * 0.97, "upper": est * 1.02})
    rem = P.remaining({SCENARIO: 1_166_702.0}, 249_000.0, 240_000.0, 255_000.0)
    table = P.projection_table(rem, 69_205.7, 62_000.0, 76_000.0, TREND, {"2026 plan": 65_000.0, "2022 plan": 40_000.0},
                               TODAY)
    fig = plot_fan_chart(history, table, 1_166_702.0, P.targets(), trend=TREND, today=TODAY, n_draws=200)
    assert isinstance(fig, Figure)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any(lbl.startswith("fitted trend") for lbl in labels)
    assert any(lbl.startswith("planned: 2022 plan") for lbl in labels)
    # each path's year is the calendar year its completion falls in (as the readings say), not a rounded one
    for r in table.itertuples():
        if np.isfinite(r.completion_year) and r.completion_year <= 2060:
            assert f"{r.method} (~{math.floor(r.completion_year)})" in labels
    assert "fitted trend (~2032)" in labels  # its completion falls in October 2032 (2032.79): rounding would say 2033
    ax = fig.axes[0]
    assert ax.get_xlim()[1] == 2060
    styles = {(h.get_linestyle(), h.get_marker()) for h in fig.axes[0].get_legend().legend_handles
              if hasattr(h, "get_marker") and h.get_marker() not in (None, "None", "")}
    assert len(styles) == 4                                       # four methods, four line style + marker pairs
    with pytest.raises(ValueError, match="ONE scenario"):
        plot_fan_chart(history, P.projection_table(P.remaining(P.default_scenarios(), 249_000.0), 69_205.7, None, None,
                                                     None, {}, TODAY), targets_df=P.targets())
    with pytest.raises(ValueError, match="trend="):
        plot_fan_chart(history, table, targets_df=P.targets())


# ------------------------------------------------------------------------------- how plans were met


def _estimates(rows):
    """Contamination estimates as the loader gives them (index estimate_id), plan rows only."""
    frame = pd.DataFrame(rows, columns=["estimate_id", "metric", "value", "unit", "qualifier", "flags", "duplicate_of"])
    frame["value"] = frame["value"].astype("Float64")
    return frame.set_index("estimate_id")


def _daily(points):
    """A fitted daily series through the given (date, estimate) points, linear between them."""
    points = pd.Series({pd.Timestamp(d): v for d, v in points})
    days = pd.date_range(points.index.min(), points.index.max(), freq="D")
    return pd.DataFrame({"date": days, "estimate": points.reindex(days).interpolate().to_numpy()})


def test_each_plan_is_set_against_the_fitted_year_and_every_plan_not_used_says_why():
    est = _estimates([
        ("p1", "target_clearance_2022", 40000, "hectares", "exact", None, None),
        ("p2", "target_clearance_2022", 40000, "hectares", "exact", None, None),  # the same plan again
        ("p3", "target_clearance_2023", None, "hectares", "at_least", "implausible;typo", None),
        ("p4", "target_clearance_2024", 60000, "hectares", "exact", None, None),
        ("p5", "target_clearance_2024", 55000, "hectares", "exact", None, None),  # disagrees
        ("p6", "target_clearance_2025", 50000, "hectares", "at_least", None, None),
        ("p7", "target_clearance_2025", 50000, "hectares", "at_least", "duplicate", "p6"),  # a relay: once
        ("p8", "target_clearance_2026", 65000, "hectares", "at_least", None, None),  # not a complete year yet
        ("p9", "target_clearance_2024_aghdam", 9400, "hectares", "approx", None, None),  # a region's, not a national plan
    ])
    daily = _daily([("2020-11-10", 0), ("2021-12-31", 20000), ("2022-12-31", 64000), ("2023-12-31", 100000),
                    ("2024-12-31", 160000), ("2025-12-31", 215000), ("2026-02-22", 222000)])
    out = P.plan_achievement(est, daily).set_index("year")
    assert list(out.index) == [2022, 2023, 2024, 2025, 2026]
    assert out.loc[2022, "achieved_ha"] == 44000 and out.loc[2022, "ratio"] == pytest.approx(1.1)
    assert out.loc[2022, "estimate_ids"] == "p1;p2" and out.loc[2022, "used"]
    assert out.loc[2025, "achieved_ha"] == 55000 and out.loc[2025, "ratio"] == pytest.approx(1.1)
    assert out.loc[2025, "estimate_ids"] == "p6" and out.loc[2025, "qualifier"] == "at_least"
    assert not out.loc[2023, "used"] and out.loc[2023, "reason"] == "the plan's figure is flagged implausible and typo"
    assert not out.loc[2024, "used"] and "disagree (55,000, 60,000 ha)" in out.loc[2024, "reason"]
    assert not out.loc[2026, "used"] and "does not cover 2026" in out.loc[2026, "reason"]


def test_the_planned_rate_carries_the_spread_of_how_plans_were_met():
    # ratios 1.1 and 1.0: logs 0.0953102 and 0; mean 0.0476551, sd 0.0673945; t(1 df, 0.95) = 6.3137515;
    # half-width 6.3137515 * 0.0673945 * sqrt(1.5) = 0.521144
    plans = pd.DataFrame({"year": [2022, 2024], "ratio": [1.1, 1.0], "used": [True, True]})
    met = P.plan_ratio(plans)
    assert met["ratio"] == pytest.approx(math.sqrt(1.1), rel=1e-9)
    assert met["lower"] == pytest.approx(math.exp(0.0476551 - 0.521144), rel=1e-5)
    assert met["upper"] == pytest.approx(math.exp(0.0476551 + 0.521144), rel=1e-5)
    assert met["n"] == 2 and met["years"] == [2022, 2024]
    assert P.plan_ratio(plans.iloc[:1]) is None  # one year: no spread to read
    assert P.plan_ratio(plans.assign(used=[True, False])) is None
    # 100,000 ha left at a plan of 50,000 ha/yr met x1.1 (x1.0-x1.25): 100000 / 55000 = 1.818 years
    left = P.remaining({"s": 200000.0}, 100000.0, 100000.0, 100000.0)
    table = P.projection_table(left, None, None, None, None, {"plan": 50000.0}, today=TODAY,
                               plan_met={"ratio": 1.1, "lower": 1.0, "upper": 1.25, "years": [2022, 2024]})
    row = table.iloc[0]
    assert row["rate_ha_per_year"] == pytest.approx(55000.0)
    assert (row["rate_lower"], row["rate_upper"]) == (pytest.approx(50000.0), pytest.approx(62500.0))
    assert row["years"] == pytest.approx(100000 / 55000) and row["lower"] == pytest.approx(1.6)
    assert row["upper"] == pytest.approx(2.0) and "how past plans were met" in row["interval"]
    stated = P.projection_table(left, None, None, None, None, {"plan": 50000.0}, today=TODAY).iloc[0]
    assert stated["years"] == pytest.approx(2.0) and stated["lower"] == stated["upper"] == pytest.approx(2.0)
