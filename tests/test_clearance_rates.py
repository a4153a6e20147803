"""Clearance rates: expectations computed by hand from data/raw/clearance_reports.csv or from small
hand-made frames, never by the functions under test."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from scipy.stats import chi2

from analysis.clearance import per_area, rates
from analysis.statements.clearance_reports import period_statements
from analysis.plots.clearance import plot_items_by_type, plot_items_per_100_ha, plot_monthly_rate


@pytest.fixture(scope="module")
def reports(pkg):
    return pkg.clearance_reports


@pytest.fixture(scope="module")
def statements(reports):
    return period_statements(reports)


@pytest.fixture(scope="module")
def periods(statements):
    return statements[0]


def garwood(k: int, exposure: float) -> tuple[float, float]:
    """Exact (Garwood) 95% Poisson interval of a rate k / exposure, by hand from the chi-square quantiles."""
    lower = chi2.ppf(0.025, 2 * k) / 2 if k > 0 else 0.0
    upper = chi2.ppf(0.975, 2 * k + 2) / 2
    return lower / exposure, upper / exposure


def rows_of(periods, record_id):
    return periods[periods["record_id"] == record_id].set_index("measure")


# --------------------------------------------------------------------------------------------------
# period_statements


def test_period_statements_columns_and_scope(periods, reports):
    assert list(periods.columns[:10]) == ["record_id", "basis", "period_start", "period_end", "days", "measure",
                                         "value", "qualifier", "reporting_body", "flags"]
    assert set(periods["operators"]) == {"all"} and set(periods["territory"]) == {"all"}
    assert "cumulative" not in set(periods["basis"])
    # Gazakh-only Jan-Aug 2025 (cl144) and ANAMA's own 2023 share (cl094) belong to other series
    assert not periods["record_id"].isin(["cl144", "cl094", "cl032"]).any()
    anama, _ = period_statements(reports, scope="anama")
    assert rows_of(anama, "cl094").loc["hectares", "value"] == 32823.9
    assert rows_of(anama, "cl029").loc["hectares", "value"] == 1701.5


def test_period_statements_values_days_and_qualifiers(periods):
    a2022 = rows_of(periods, "cl050")
    assert a2022.loc["hectares", "value"] == 41915.0 and a2022.loc["hectares", "qualifier"] == "exact"
    assert a2022.loc["ap_mines", "value"] == 8780 and a2022.loc["ap_mines", "qualifier"] == "at_least"  # "over 8,780"
    assert a2022.loc["hectares", "days"] == 365
    week = rows_of(periods, "cl034")  # 6-11 June 2022, Mon-Sat
    assert week.loc["hectares", "days"] == 6 and week.loc["hectares", "value"] == 3544.0
    assert rows_of(periods, "cl037").loc["hectares", "qualifier"] == "at_least"  # "more than 6,900 hectares"
    # corrections applied: "453,900 hectares" -> 453.9 (cl075), "5,246" -> missing (cl082)
    assert rows_of(periods, "cl075").loc["hectares", "value"] == 453.9
    assert "hectares" not in rows_of(periods, "cl082").index
    # a measure the page does not give has no row (January 2023 release without hectares)
    assert "hectares" not in rows_of(periods, "cl058").index


def test_relays_collapsed_only_when_they_repeat_the_same_value(periods, statements):
    not_used = statements[1]
    # cl040 relays cl039 (August 2022): AP and AT identical -> collapsed; UXO 1,131 vs 1,161 -> both kept;
    # hectares 5,523.74 vs "more than 5,523" -> both kept
    cl039, cl040 = rows_of(periods, "cl039"), rows_of(periods, "cl040")
    assert cl039.loc["uxo", "value"] == 1161 and cl040.loc["uxo", "value"] == 1131
    assert cl039.loc["hectares", "value"] == 5523 and cl040.loc["hectares", "value"] == 5523.74
    assert set(cl040.index) == {"hectares", "uxo"}
    nu40 = not_used[not_used["record_id"] == "cl040"].set_index("measure")["reason"]
    assert dict(nu40) == {"ap_mines": "relay of cl039", "at_mines": "relay of cl039"}
    assert cl039.loc["ap_mines", "relays"] == "cl040"
    # cl049 repeats cl048 (December 2022) in every measure: not repeated at all
    assert not (periods["record_id"] == "cl049").any()
    nu49 = not_used[not_used["record_id"] == "cl049"]
    assert len(nu49) == 4 and set(nu49["reason"]) == {"relay of cl048"}
    assert set(rows_of(periods, "cl048")["relays"]) == {"cl049"}
    # a relay that supplies a figure the original lacks is kept (cl108 gives April 2024's 6,038.9 ha)
    assert rows_of(periods, "cl108").loc["hectares", "value"] == 6038.9
    assert set(rows_of(periods, "cl108").index) == {"hectares"}


def test_undated_statements_are_listed_not_used(statements):
    periods, not_used = statements
    undated = not_used[not_used["reason"].str.startswith("undated")]
    assert set(undated["record_id"]) == {"cl171", "cl172", "cl173", "cl175"}  # cl174 is ANAMA-only
    assert undated["measure"].isna().all()
    assert not periods["record_id"].isin(undated["record_id"]).any()


# --------------------------------------------------------------------------------------------------
# monthly_from_statements (hand-made)


def _periods(rows):
    out = pd.DataFrame(rows, columns=["record_id", "basis", "period_start", "period_end", "measure", "value", "qualifier"])
    out["period_start"] = pd.to_datetime(out["period_start"])
    out["period_end"] = pd.to_datetime(out["period_end"])
    return out


HAND = _periods([
    # June 2025 (30 days): inside weeks 1-7, 8-14, 15-21, 22-28, 29-30 cover every day; the week
    # 26 May - 1 June straddles the month's start and is ignored
    ("w01", "weekly", "2025-05-26", "2025-06-01", "hectares", 9999.0, "exact"),
    ("w02", "weekly", "2025-06-01", "2025-06-07", "hectares", 100.0, "exact"),
    ("w03", "weekly", "2025-06-08", "2025-06-14", "hectares", 200.0, "exact"),
    ("w04", "weekly", "2025-06-15", "2025-06-21", "hectares", 300.0, "exact"),
    ("w05", "weekly", "2025-06-22", "2025-06-28", "hectares", 400.0, "at_least"),
    ("w06", "weekly", "2025-06-29", "2025-06-30", "hectares", 50.0, "exact"),
    # July 2025: 1-30 July covered, 31 July missing -> no sum
    ("w07", "weekly", "2025-07-01", "2025-07-07", "hectares", 10.0, "exact"),
    ("w08", "weekly", "2025-07-08", "2025-07-14", "hectares", 10.0, "exact"),
    ("w09", "weekly", "2025-07-15", "2025-07-21", "hectares", 10.0, "exact"),
    ("w10", "weekly", "2025-07-22", "2025-07-30", "hectares", 10.0, "exact"),
    # August 2025: two different monthly statements (and a third repeating the first)
    ("m01", "monthly", "2025-08-01", "2025-08-31", "hectares", 1000.0, "exact"),
    ("m02", "monthly", "2025-08-01", "2025-08-31", "hectares", 1100.0, "exact"),
    ("m03", "monthly", "2025-08-01", "2025-08-31", "hectares", 1000.0, "exact"),
    # a "monthly" release for 1-30 September (30 days of a 30-day month: exact) and 1-30 October (not exact)
    ("m04", "monthly", "2025-09-01", "2025-09-30", "ap_mines", 40.0, "at_least"),
    ("m05", "monthly", "2025-10-01", "2025-10-30", "ap_mines", 50.0, "exact"),
])


def test_weekly_sum_only_where_every_day_is_covered():
    out = rates.monthly_from_statements(HAND)
    weekly = out[out["basis"] == "sum of weekly statements"]
    assert list(weekly["month"]) == ["2025-06"]
    june = weekly.iloc[0]
    assert june["value"] == 100 + 200 + 300 + 400 + 50  # the straddling 9,999 is not in it
    assert june["records"] == "w02;w03;w04;w05;w06"
    assert june["lower"] == 1050 and math.isnan(june["upper"])  # one week is "at least"
    assert june["qualifier"] == "at_least"
    assert not (out["month"] == "2025-07").any()  # 31 July missing: a gap stays a gap


def test_monthly_statements_exact_month_and_disagreements_kept():
    out = rates.monthly_from_statements(HAND)
    direct = out[out["basis"] == "monthly statement"]
    aug = direct[direct["month"] == "2025-08"].set_index("records")
    assert dict(aug["value"]) == {"m01;m03": 1000.0, "m02": 1100.0}
    assert (aug["lower"] == aug["value"]).all() and (aug["upper"] == aug["value"]).all()
    sep = direct[direct["month"] == "2025-09"].iloc[0]
    assert (sep["value"], sep["lower"], sep["qualifier"]) == (40.0, 40.0, "at_least") and math.isnan(sep["upper"])
    assert not (out["month"] == "2025-10").any()  # 1-30 October is not the calendar month
    assert list(out.columns) == ["month", "measure", "value", "lower", "upper", "basis", "records", "qualifier"]


def test_overlapping_weeks_are_not_summed():
    p = _periods([
        ("a", "weekly", "2025-02-01", "2025-02-14", "uxo", 5.0, "exact"),
        ("b", "weekly", "2025-02-10", "2025-02-28", "uxo", 7.0, "exact"),
    ])
    assert rates.monthly_from_statements(p).empty


def test_real_monthly_statements(periods):
    out = rates.monthly_from_statements(periods)
    direct = out[out["basis"] == "monthly statement"]
    dec25 = direct[direct["month"] == "2025-12"]
    assert list(dec25["measure"]) == ["hectares"] and dec25["value"].iloc[0] == 5098.7
    # December 2022 was released for 1-30 December (cl048): not a whole month
    assert not (direct["month"] == "2022-12").any()
    # January 2023: cl059 (1-31 Jan) supplies the hectares and repeats the items of cl058 (1-30 Jan)
    jan = direct[direct["month"] == "2023-01"].set_index("measure")
    assert jan.loc["hectares", "value"] == 1504.56 and jan.loc["ap_mines", "records"] == "cl059"
    aug = direct[(direct["month"] == "2022-08") & (direct["measure"] == "uxo")]
    assert dict(zip(aug["records"], aug["value"])) == {"cl039": 1161.0, "cl040": 1131.0}


# --------------------------------------------------------------------------------------------------
# monthly_from_cumulative (hand-made)


def _daily(start, end, scope="all", measure="hectares", per_day=10.0, band=0.1):
    dates = pd.date_range(start, end, freq="D")
    est = per_day * np.arange(len(dates), dtype=float)
    return pd.DataFrame({"date": dates, "scope": scope, "measure": measure, "estimate": est,
                         "lower": est * (1 - band), "upper": est * (1 + band)})


def test_monthly_from_cumulative_by_hand():
    daily = pd.concat([_daily("2020-11-10", "2021-02-15"),
                       _daily("2020-11-10", "2021-02-15", scope="mod", per_day=99.0)], ignore_index=True)
    out = rates.monthly_from_cumulative(daily, "all").set_index("month")
    # day index: 30 Nov = 20, 31 Dec = 51, 31 Jan = 82; February is incomplete
    assert list(out.index) == ["2020-11", "2020-12", "2021-01"]
    assert out.loc["2020-11", "value"] == 200.0  # from the series' first day (10 Nov, estimate 0)
    assert out.loc["2020-12", "value"] == pytest.approx(310.0)
    assert out.loc["2021-01", "value"] == pytest.approx(310.0)
    # lower = max(0, 0.9 * 820 - 1.1 * 510) = 177; upper = 1.1 * 820 - 0.9 * 510 = 443
    assert out.loc["2021-01", "lower"] == pytest.approx(177.0)
    assert out.loc["2021-01", "upper"] == pytest.approx(443.0)
    # lower of December: 0.9 * 510 - 1.1 * 200 = 239
    assert out.loc["2020-12", "lower"] == pytest.approx(239.0)
    assert set(out["basis"]) == {"difference of the cumulative series"} and set(out["records"]) == {""}


def test_monthly_from_cumulative_lower_never_below_zero_and_partial_start_left_out():
    daily = _daily("2021-03-15", "2021-05-31", band=0.9)
    out = rates.monthly_from_cumulative(daily).set_index("month")
    assert list(out.index) == ["2021-04", "2021-05"]  # March starts mid-month, after the ceasefire
    assert (out["lower"] == 0).all()


# --------------------------------------------------------------------------------------------------
# clearance_monthly


def test_clearance_monthly_stacks_the_sources(reports):
    daily = _daily("2020-11-10", "2023-12-31", per_day=150.0)
    out = rates.clearance_monthly(daily, reports)
    assert list(out.columns) == ["month", "scope", "measure", "value", "lower", "upper", "basis"]
    hec = out[(out["measure"] == "hectares") & (out["scope"] == "all")]
    aug = hec[hec["month"] == "2022-08"].set_index("basis")["value"]
    assert dict(aug) == {"difference of the cumulative series": pytest.approx(150 * 31),
                         "monthly statement (cl039)": 5523.0, "monthly statement (cl040)": 5523.74}
    jul = hec[hec["month"] == "2022-07"].set_index("basis")
    assert jul.loc["monthly statement", "value"] == 6900.0
    assert not out.duplicated(["month", "scope", "measure", "basis"]).any()
    assert out.equals(out.sort_values(["scope", "measure", "month", "basis"], kind="stable").reset_index(drop=True))
    # statements after the end of the daily series are kept
    assert (hec["month"] == "2025-12").any()


def test_clearance_monthly_keeps_scopes_apart(reports):
    daily = pd.concat([_daily("2020-11-10", "2022-06-30", scope=s) for s in ("all", "anama")], ignore_index=True)
    out = rates.clearance_monthly(daily, reports, scopes=("all", "anama"))
    anama = out[(out["scope"] == "anama") & (out["basis"] == "monthly statement")]
    # ANAMA's own teams: April 2021 (cl004, "around 285 ha") and April 2022 (cl029, 1,701.5 ha)
    hec = anama[anama["measure"] == "hectares"].set_index("month")["value"]
    assert hec["2021-04"] == 285.0 and hec["2022-04"] == 1701.5
    assert not ((out["scope"] == "all") & (out["month"] == "2022-04") & out["basis"].str.startswith("monthly")).any()


# --------------------------------------------------------------------------------------------------
# cross-checks


def test_annual_cross_check_by_hand(periods):
    # a cumulative series rising 100 ha a day from 31 Dec 2022 to 31 Dec 2024
    dates = pd.date_range("2022-12-31", "2024-12-31", freq="D")
    est = 100.0 * np.arange(len(dates))
    daily = pd.DataFrame({"date": dates, "scope": "all", "measure": "hectares", "estimate": est,
                          "lower": est - 50, "upper": est + 50})
    out = rates.annual_cross_check(periods, daily)
    y23 = out[(out["year"] == 2023) & (out["record_id"] == "cl096") & (out["measure"] == "hectares")].iloc[0]
    assert y23["stated"] == 53081.8 and y23["reporting_body"] == "anama"
    assert y23["cumulative_difference"] == 36500.0  # 365 days x 100 ha
    assert (y23["lower"], y23["upper"]) == (36400.0, 36600.0)
    assert y23["residual"] == pytest.approx(53081.8 - 36500.0)
    assert y23["relative_residual"] == pytest.approx((53081.8 - 36500.0) / 36500.0)
    y24 = out[out["year"] == 2024].set_index(["record_id", "measure"])
    assert y24.loc[("cl124", "hectares"), "stated"] == 62023.9
    assert y24.loc[("cl123", "hectares"), "stated"] == 62023.0  # the two printings of one release
    assert y24.loc[("cl125", "hectares"), "reporting_body"] == "cabinet"
    assert math.isnan(y24.loc[("cl123", "ap_mines"), "cumulative_difference"])  # no AP series given
    # 2022 starts before the series (31 Dec 2022 is its first day): no difference, a gap
    y22 = out[out["year"] == 2022]
    assert y22["cumulative_difference"].isna().all()
    # 2025 ends after the series: a gap too
    assert out[out["year"] == 2025]["cumulative_difference"].isna().all()
    assert list(out.columns) == ["year", "record_id", "reporting_body", "measure", "stated", "qualifier",
                                 "cumulative_difference", "lower", "upper", "residual", "relative_residual"]


def test_weekly_vs_monthly_december_2025(periods):
    out = rates.weekly_vs_monthly(periods)
    dec = out[(out["month"] == "2025-12") & (out["measure"] == "hectares")]
    assert len(dec) == 1
    d = dec.iloc[0]
    # weeks 1-7, 8-14, 15-21, 22-28 Dec: 1,693.4 + 838.2 + 1,299.0 + 932.9 = 4,763.5 ha; 29-31 Dec missing
    assert d["weekly_sum"] == pytest.approx(4763.5)
    assert d["monthly"] == 5098.7
    assert d["difference"] == pytest.approx(335.2)
    assert (d["weeks"], d["days_covered"], d["days_in_month"], bool(d["fully_covered"])) == (4, 28, 31, False)
    assert d["weekly_records"] == "cl155;cl156;cl157;cl158" and d["monthly_records"] == "cl162"


def test_weekly_vs_monthly_ignores_straddling_weeks(periods):
    out = rates.weekly_vs_monthly(periods)
    octo = out[(out["month"] == "2025-10") & (out["measure"] == "hectares")].iloc[0]
    # 29 Sep - 5 Oct (cl149) straddles the month's start; 6-12 (cl208), 13-19 and 20-26 Oct lie inside
    assert octo["weekly_records"] == "cl208;cl150;cl151"
    assert octo["weekly_sum"] == pytest.approx(1497.5 + 1587.8 + 1644.6)
    assert octo["days_covered"] == 21 and not octo["fully_covered"]


def test_weekly_vs_monthly_full_coverage_by_hand():
    p = pd.concat([HAND, _periods([("m06", "monthly", "2025-06-01", "2025-06-30", "hectares", 1000.0, "exact")])])
    out = rates.weekly_vs_monthly(p)
    june = out[out["month"] == "2025-06"].iloc[0]
    assert june["weekly_sum"] == 1050.0 and june["difference"] == -50.0
    assert bool(june["fully_covered"]) and june["days_covered"] == 30 and june["weeks"] == 5


# --------------------------------------------------------------------------------------------------
# items per 100 ha


ANNUAL = {  # year: (hectares, AP, AT, UXO, records) from ANAMA's annual releases
    2022: (41915.77, 8780, 4133, 14950, "cl050;cl052"),
    2023: (53081.8, 3495, 5034, 23049, "cl096"),
    2024: (62023.9, 4286, 2372, 59163, "cl123;cl124"),
    2025: (69205.7, 4963, 1861, 52392, "cl160"),
}


def test_items_per_100_ha_rows(periods):
    out = per_area.items_per_100_ha(periods)
    assert list(out.columns[:8]) == ["year", "measure", "items", "hectares", "per_100_ha", "lower", "upper", "record_id"]
    assert sorted(set(out["year"])) == [2022, 2023, 2024, 2025]
    for year, (ha, ap, at, uxo, rec) in ANNUAL.items():
        rows = out[out["year"] == year].set_index("measure")
        assert dict(rows["items"]) == {"ap_mines": ap, "at_mines": at, "uxo": uxo}
        assert (rows["hectares"] == ha).all()
        assert set(rows["record_id"]) == {rec}


def test_items_per_100_ha_2022_ap_by_hand(periods):
    out = per_area.items_per_100_ha(periods).set_index(["year", "measure"])
    row = out.loc[(2022, "ap_mines")]
    exposure = 41915.77 / 100
    assert row["per_100_ha"] == pytest.approx(8780 / exposure)
    assert round(row["per_100_ha"], 3) == 20.947  # 8,780 / 41,915(.77) ha x 100
    lo, hi = garwood(8780, exposure)
    assert row["lower"] == pytest.approx(lo, rel=1e-9) and row["upper"] == pytest.approx(hi, rel=1e-9)
    assert row["items_qualifier"] == "at_least"  # "over 8,780" in cl050


@pytest.mark.parametrize("year, measure, k", [(2023, "at_mines", 5034), (2025, "uxo", 52392), (2024, "ap_mines", 4286)])
def test_items_per_100_ha_intervals_by_hand(periods, year, measure, k):
    row = per_area.items_per_100_ha(periods).set_index(["year", "measure"]).loc[(year, measure)]
    exposure = ANNUAL[year][0] / 100
    lo, hi = garwood(k, exposure)
    assert row["per_100_ha"] == pytest.approx(k / exposure)
    assert (row["lower"], row["upper"]) == (pytest.approx(lo, rel=1e-9), pytest.approx(hi, rel=1e-9))


def test_annual_choice_prefers_anama_and_never_mine_action_review(periods):
    fig = per_area.annual_figures(periods, require_types=False).set_index("year")
    assert fig.loc[2023, "release"] == "cl096"  # ANAMA's release, not the Cabinet's cl093 (same 53,081.8 ha)
    assert fig.loc[2022, "hectares"] == 41915.77  # never MAR's 352 ha (cl051) nor the PM's 44,000 (cl054)
    # 2021: the ANAMA deputy chairman's 20,165 ha for all operators (cl181), not the MoD's ">13,000 ha" (cl021)
    assert fig.loc[2021, "release"] == "cl181" and fig.loc[2021, "hectares"] == 20165


# --------------------------------------------------------------------------------------------------
# casualties per 10,000 ha


def _casualties(points):
    rows = []
    for date, est, lo, hi in points:
        rows.append({"date": date, "measure": "total", "estimate": est, "lower": lo, "upper": hi})
        rows.append({"date": date, "measure": "killed", "estimate": 1, "lower": 1, "upper": 1})
    out = pd.DataFrame(rows)
    out["date"] = pd.to_datetime(out["date"])
    return out


def test_casualties_per_10000_ha_by_hand(periods):
    cas = _casualties([("2022-12-31", 280, 276, 280), ("2023-12-31", 342, 341, 342), ("2024-12-31", 383, 382, 383),
                       ("2025-06-30", 400, 400, 400)])
    out = per_area.casualties_per_10000_ha(cas, periods).set_index("year")
    assert list(out.index) == [2023, 2024]  # 2022 lacks 31 Dec 2021, 2025 lacks 31 Dec 2025
    y24 = out.loc[2024]
    assert y24["casualties"] == 41 and y24["hectares"] == 62023.9 and y24["record_id"] == "cl124"
    assert y24["per_10000_ha"] == pytest.approx(41 / 6.20239)
    assert round(y24["per_10000_ha"], 2) == 6.61
    lo, hi = garwood(41, 6.20239)
    assert y24["lower"] == pytest.approx(lo, rel=1e-9) and y24["upper"] == pytest.approx(hi, rel=1e-9)
    # the casualty series' own uncertainty: max(0, 382 - 342) .. 383 - 341
    assert (y24["casualties_lower"], y24["casualties_upper"]) == (40.0, 42.0)
    y23 = out.loc[2023]
    assert y23["casualties"] == 62 and y23["hectares"] == 53081.8
    assert y23["per_10000_ha"] == pytest.approx(62 / 5.30818)


def test_casualties_rounded_to_whole_people(periods):
    cas = _casualties([("2023-12-31", 341.6, 341, 342), ("2024-12-31", 382.3, 382, 383)])
    out = per_area.casualties_per_10000_ha(cas, periods)
    assert out["casualties"].tolist() == [41]  # 40.7 -> 41


# --------------------------------------------------------------------------------------------------
# figures


def test_plot_monthly_rate(reports):
    daily = _daily("2020-11-10", "2024-12-31", per_day=150.0)
    monthly = rates.clearance_monthly(daily, reports)
    fig = plot_monthly_rate(monthly, "hectares", "all")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["difference of the cumulative series (conservative range)", "monthly statement"]
    lines = [ln for ln in ax.get_lines() if ln.get_label() in labels]
    assert len({(ln.get_color(), ln.get_marker(), ln.get_linestyle()) for ln in lines}) == 2
    assert ax.collections  # the band
    with pytest.raises(ValueError):
        plot_monthly_rate(monthly, "hectares", "mod")


def test_plot_items_by_type(periods):
    fig = plot_items_by_type(per_area.annual_figures(periods))
    assert isinstance(fig, Figure)
    lines = fig.axes[0].get_lines()
    assert len(lines) == 3 and len({ln.get_marker() for ln in lines}) == 3
    ap = next(ln for ln in lines if ln.get_label().startswith("AP"))
    assert list(ap.get_ydata()) == [8780, 3495, 4286, 4963]


def test_plot_items_per_100_ha(periods):
    fig = plot_items_per_100_ha(per_area.items_per_100_ha(periods))
    assert isinstance(fig, Figure)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        "AP mines", "AT mines", "other ordnance (UXO)"]
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    fig.draw_without_rendering()
    shown = [t.get_text() for t in ax.get_yticklabels() if t.get_visible() and t.get_text()]
    assert "10" in shown and not any("$" in t for t in shown)  # plain numbers, not mathtext powers of ten


def test_a_frame_without_a_needed_column_is_named_in_the_error():
    with pytest.raises(KeyError, match=r"monthly_from_statements: the frame lacks column\(s\) \['record_id'"):
        rates.monthly_from_statements(pd.DataFrame({"month": ["2023-01"]}))
