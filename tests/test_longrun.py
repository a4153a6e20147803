"""Long-run context (analysis.casualties.longrun): annual figures since 1999 and the "since 1991" totals.

Expectations on the real data were read by hand in data/raw/monitor_annual.csv and
data/raw/casualty_reports.csv (row ids in the comments); the filters and the arithmetic are also checked
on small hand-made frames.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis.casualties import longrun
from analysis.plots.longrun import plot_annual, plot_since_1991
from analysis.data import has_flag


@pytest.fixture(scope="module")
def annual(pkg):
    return longrun.annual_casualties(pkg.monitor_annual)


@pytest.fixture(scope="module")
def since(pkg):
    return longrun.since_1991_series(pkg.casualty_reports, pkg.monitor_annual)


# --------------------------------------------------------------------------------------------------
# hand-made frames


def _monitor(rows: list[dict]) -> pd.DataFrame:
    """A frame with the typed monitor_annual columns, indexed by row_id."""
    base = dict(source_id="src_a", country="Azerbaijan", year="", metric="casualties_total", reporting_body="anama",
                edition="unspecified", value=None, value_high=None, qualifier="exact", flags=None)
    df = pd.DataFrame([{**base, **r} for r in rows])
    df["period_start"] = pd.to_datetime(df["period_start"])
    df["period_end"] = pd.to_datetime(df["period_end"])
    df["value"] = pd.array(df["value"], dtype="Float64")
    for col in ("reporting_body", "edition", "qualifier"):
        df[col] = df[col].astype("category")
    for col in ("source_id", "country", "year", "metric", "flags"):
        df[col] = df[col].astype("string")
    return df.set_index("row_id")


def _one_year(year: int, **cells) -> dict:
    return dict(year=str(year), period_start=f"{year}-01-01", period_end=f"{year}-12-31", **cells)


HANDMADE = _monitor([
    _one_year(2010, row_id="ma001", value=5, edition="first_published"),
    _one_year(2010, row_id="ma002", value=6, edition="revised", flags="revised"),
    _one_year(2010, row_id="ma003", value=13, reporting_body="azcbl"),
    _one_year(2010, row_id="ma004", value=4, metric="injured"),
    _one_year(2010, row_id="ma005", value=1, metric="children"),                        # metric not asked for
    _one_year(2010, row_id="ma006", value=40, country="Armenia"),                       # other country
    dict(row_id="ma007", year="2009-2010", period_start="2009-01-01", period_end="2010-12-31", value=30),  # two years
    dict(row_id="ma008", year="2010 (partial)", period_start="2010-01-01", period_end=None, value=3),     # no end
    dict(row_id="ma009", year="2010-02_to_2010-12", period_start="2010-02-01", period_end="2010-12-31", value=9),
    dict(row_id="ma010", year="2010-11-10_to_2011-11-09", period_start="2010-11-10", period_end="2011-11-09", value=9),
    _one_year(2010, row_id="ma011", value=None, flags="parts_only"),                    # no value
    _one_year(1998, row_id="ma012", value=50),                                          # before start
    _one_year(2011, row_id="ma013", value=41, reporting_body="pgo"),
    _one_year(2011, row_id="ma014", value=42, reporting_body="government_other", source_id="src_b"),
    _one_year(2011, row_id="ma015", value=20, reporting_body="landmine_monitor"),
    _one_year(2011, row_id="ma016", value=17, reporting_body="us_state_department"),
])


def test_annual_filter_keeps_single_calendar_years_of_the_country_only():
    out = longrun.annual_casualties(HANDMADE)
    assert list(out.columns) == longrun.ANNUAL_COLUMNS
    # excluded: ma005 (children), ma006 (Armenia), ma007 (two years), ma008 (no end), ma009 (Feb-Dec),
    # ma010 (not a calendar year), ma011 (no value), ma012 (1998 < start)
    assert sorted(out["row_id"]) == ["ma001", "ma002", "ma003", "ma004", "ma013", "ma014", "ma015", "ma016"]
    assert out["year"].dtype == "int64"
    # sorted by year, metric, reporting_body, edition, row_id
    assert out["row_id"].tolist() == ["ma001", "ma002", "ma003", "ma004", "ma014", "ma015", "ma013", "ma016"]


def test_annual_filter_keeps_editions_and_bodies_apart_and_labels_them():
    out = longrun.annual_casualties(HANDMADE).set_index("row_id")
    # the ANAMA 2010 total in two editions: both kept, nothing averaged
    assert out.loc["ma001", ["edition", "value"]].tolist() == ["first_published", 5]
    assert out.loc["ma002", ["edition", "value", "flags"]].tolist() == ["revised", 6, "revised"]
    assert out.loc["ma001", "body_label"] == "ANAMA" and out.loc["ma003", "body_label"] == "AzCBL"
    assert out.loc["ma013", "body_label"] == out.loc["ma014", "body_label"] == "official (Prosecutor General, other government)"
    assert out.loc["ma015", "body_label"] == "Landmine Monitor"
    assert out.loc["ma016", "body_label"] == "US State Department"  # any other body in words, not its code


def test_annual_filter_start_end_and_metrics():
    out = longrun.annual_casualties(HANDMADE, start=1998, end=2010, metrics=("casualties_total",))
    assert sorted(out["row_id"]) == ["ma001", "ma002", "ma003", "ma012"]
    assert longrun.annual_casualties(HANDMADE, country="Armenia")["row_id"].tolist() == ["ma006"]
    with pytest.raises(ValueError):
        longrun.annual_casualties(HANDMADE, start=2011, end=2010)


def test_annual_wide_keeps_a_second_value_in_a_suffix_column():
    rows = _monitor([
        _one_year(2007, row_id="ma001", value=33, reporting_body="azcbl"),
        _one_year(2007, row_id="ma002", value=32, reporting_body="azcbl", source_id="src_b"),
        _one_year(2007, row_id="ma003", value=33, reporting_body="azcbl", source_id="src_c", flags="duplicate"),
        _one_year(2007, row_id="ma004", value=30, reporting_body="azcbl", edition="revised"),
        _one_year(2009, row_id="ma005", value=11),
    ])
    wide = longrun.annual_wide(longrun.annual_casualties(rows))
    assert list(wide.columns) == ["ANAMA (unspecified)", "AzCBL (unspecified)", "AzCBL (unspecified) #2", "AzCBL (revised)"]
    assert wide.index.tolist() == [2007, 2008, 2009]  # 2008: a visible gap
    assert wide.loc[2007].tolist()[1:] == [33, 32, 30]
    assert wide.loc[2008].isna().all()
    assert all(str(t) == "Float64" for t in wide.dtypes)
    # 33 given twice (ma001, ma003) fills one cell, traced to both rows
    assert wide.attrs["row_ids"][(2007, "AzCBL (unspecified)")] == "ma001;ma003"
    assert wide.attrs["row_ids"][(2007, "AzCBL (unspecified) #2")] == "ma002"


def test_body_differences_arithmetic_and_choices():
    rows = _monitor([
        # 2010: ANAMA first_published 5 preferred over unspecified 7 and revised 6; AzCBL 13 -> +8, x2.6
        _one_year(2010, row_id="ma001", value=6, edition="revised"),
        _one_year(2010, row_id="ma002", value=7),
        _one_year(2010, row_id="ma003", value=5, edition="first_published"),
        _one_year(2010, row_id="ma004", value=13, reporting_body="azcbl"),
        # 2011: AzCBL 16 (own site, src_b) and 23 (same page as ANAMA, src_a): the same-page pair is used
        _one_year(2011, row_id="ma005", value=11),
        _one_year(2011, row_id="ma006", value=16, reporting_body="azcbl", source_id="src_b"),
        _one_year(2011, row_id="ma007", value=23, reporting_body="azcbl"),
        # 2012: ANAMA 0 -> no ratio
        _one_year(2012, row_id="ma008", value=0),
        _one_year(2012, row_id="ma009", value=3, reporting_body="azcbl"),
        # 2013: AzCBL only -> no row
        _one_year(2013, row_id="ma010", value=9, reporting_body="azcbl"),
    ])
    diff = longrun.body_differences(longrun.annual_casualties(rows)).set_index("year")
    assert list(diff.reset_index().columns) == longrun.DIFFERENCE_COLUMNS
    assert diff.index.tolist() == [2010, 2011, 2012]
    assert diff.loc[2010, ["anama", "azcbl", "difference"]].tolist() == [5, 13, 8]
    assert diff.loc[2010, "ratio"] == pytest.approx(13 / 5)
    assert diff.loc[2010, "anama_edition"] == "first_published" and diff.loc[2010, "anama_row_id"] == "ma003"
    assert diff.loc[2010, "alternatives"] == "ANAMA 6 (ma001, revised); ANAMA 7 (ma002, unspecified)"
    assert diff.loc[2011, ["azcbl", "difference", "azcbl_row_id"]].tolist() == [23, 12, "ma007"]
    assert bool(diff.loc[2011, "same_source"]) and "AzCBL 16 (ma006" in diff.loc[2011, "alternatives"]
    assert diff.loc[2012, "difference"] == 3 and pd.isna(diff.loc[2012, "ratio"])
    assert pd.isna(diff.loc[2012, "alternatives"])


def test_since_1991_filters_on_handmade_frames():
    cr = pd.DataFrame(
        {
            "report_id": ["cr001", "cr002", "cr003", "cr004", "cr005", "cr006"],
            "source_id": "src_a",
            "as_of_date": pd.to_datetime(["2022-10-06", "2022-10-06", "2023-01-01", "2023-01-01", None, "2024-11-11"]),
            "period_start": pd.to_datetime(["1991-01-01", "1991-01-01", "1992-01-01", "1993-01-01", "1991-01-01", "1991-01-01"]),
            "basis": ["cumulative", "cumulative", "cumulative", "cumulative", "cumulative", "interval"],
            "scope": ["official", "official", "official_civilians", "official", "official", "official"],
            "reporting_body": "pgo",
            "qualifier": ["exact", "exact", "exact", "exact", "at_least", "exact"],
            "total": pd.array([3336, 3336, 3445, 100, 3400, 5], dtype="Int64"),
            "flags": [None, "duplicate", None, None, None, None],
        }
    ).set_index("report_id")
    ma = _monitor([
        dict(row_id="ma001", year="1991-2014", period_start="1991-01-01", period_end="2014-12-31", value=2440,
             metric="cumulative_casualties_total", reporting_body="landmine_monitor"),
        dict(row_id="ma002", year="1999-2013", period_start="1999-01-01", period_end="2013-12-31", value=451,
             metric="cumulative_casualties_total", reporting_body="azcbl"),
        dict(row_id="ma003", year="1991-2014", period_start="1991-01-01", period_end="2014-12-31", value=384,
             metric="cumulative_killed"),
        dict(row_id="ma004", year="1991-2014", period_start="1991-01-01", period_end="2014-12-31", value=99,
             metric="cumulative_casualties_total", country="Armenia"),
    ])
    out = longrun.since_1991_series(cr, ma)
    assert list(out.columns) == longrun.SINCE_1991_COLUMNS
    # cr003 civilians only, cr004 starts 1993, cr006 not cumulative; ma002 starts 1999, ma003 not a total,
    # ma004 Armenia. Sorted by date, the undated cr005 last.
    assert out["record"].tolist() == ["ma001", "cr001", "cr002", "cr005"]
    assert out["duplicate"].tolist() == [False, False, True, False]
    assert out["resource"].tolist() == ["monitor_annual"] + ["casualty_reports"] * 3
    assert pd.isna(out.iloc[-1]["date"]) and out.iloc[-1]["qualifier"] == "at_least"


# --------------------------------------------------------------------------------------------------
# the real data


def test_annual_real_rows(annual):
    totals = annual[annual["metric"] == "casualties_total"]
    # 27 one-year totals with a value in 1999-2025 (ma031 ... ma140; ma040 has no value)
    assert len(totals) == 27
    assert set(totals["year"]) == set(range(2003, 2017)) | {2023, 2024}
    ids = set(annual["row_id"])
    assert not ids & {"ma026", "ma040", "ma071", "ma119", "ma125", "ma143"}  # periods, no value, partial, range
    # ANAMA and AzCBL differ in 2012: 17 (ma085) and 19 (ma084), both in the same Monitor page
    y2012 = totals[totals["year"] == 2012].set_index("body_label")["value"]
    assert y2012.to_dict() == {"ANAMA": 17, "AzCBL": 19}
    # AzCBL 2007: 33 on its own site (ma047) and 32 as the Monitor cited it (ma048): both kept
    az2007 = totals[(totals["year"] == 2007) & (totals["reporting_body"] == "azcbl")]
    assert az2007.set_index("row_id")["value"].to_dict() == {"ma047": 33, "ma048": 32}
    assert annual.set_index("row_id").loc["ma140", ["body_label", "value"]].tolist() == ["official (Prosecutor General, other government)", 41]
    # all Azerbaijani annual rows have edition 'unspecified' in the current data
    assert set(annual["edition"]) == {"unspecified"}


def test_annual_wide_real(annual):
    wide = longrun.annual_wide(annual)
    assert wide.loc[2007, "AzCBL (unspecified)"] == 33 and wide.loc[2007, "AzCBL (unspecified) #2"] == 32
    assert wide.loc[2008, "AzCBL (unspecified)"] == 23 and wide.loc[2008, "AzCBL (unspecified) #2"] == 16
    assert wide.loc[2008, "ANAMA (unspecified)"] == 11
    assert wide.loc[2007, "Landmine Monitor (unspecified)"] == 20
    assert wide.loc[2017:2022].isna().all().all()  # the gap stays a gap
    assert wide.index.min() == 2003 and wide.index.max() == 2024


def test_body_differences_real(annual):
    diff = longrun.body_differences(annual).set_index("year")
    assert diff.index.tolist() == [2008, 2009, 2010, 2011, 2012, 2013, 2014, 2016]
    # 2008: ANAMA 11 (ma057), AzCBL 23 as the same Monitor page cites it (ma058); the site's 16 (ma059) listed
    assert diff.loc[2008, ["anama", "azcbl", "difference"]].tolist() == [11, 23, 12]
    assert diff.loc[2008, "azcbl_row_id"] == "ma058" and bool(diff.loc[2008, "same_source"])
    assert diff.loc[2008, "alternatives"] == "AzCBL 16 (ma059, unspecified)"
    # 2013: ANAMA 8 (ma091, LM 2016 page), AzCBL 13 (ma090, LM 2014 page)
    assert diff.loc[2013, ["anama", "azcbl", "difference"]].tolist() == [8, 13, 5]
    assert diff.loc[2013, "ratio"] == pytest.approx(1.625) and not bool(diff.loc[2013, "same_source"])
    # 2016: ANAMA 4 (ma114), AzCBL 14 (ma113)
    assert diff.loc[2016, "difference"] == 10 and diff.loc[2016, "ratio"] == pytest.approx(3.5)
    assert (diff["difference"] > 0).all()  # AzCBL counts more than ANAMA in every year both give


def test_since_1991_real(since):
    by_record = since.set_index("record")
    # Caspian Post, 14 Dec 2023: 3,419 since 1991, as of 9 Dec 2023 (cr150)
    assert by_record.loc["cr150", "total"] == 3419 and by_record.loc["cr150", "date"] == pd.Timestamp("2023-12-09")
    # PGO, 6 Oct 2022: 3,336 (cr047, flagged misworded), relayed by News.az (cr048, duplicate)
    assert by_record.loc["cr047", "total"] == 3336 and by_record.loc["cr047", "date"] == pd.Timestamp("2022-10-06")
    assert not by_record.loc["cr047", "duplicate"] and by_record.loc["cr048", "duplicate"]
    assert by_record.loc["cr047", "flags"] == "misworded"
    # "over 3,400": lower bounds
    bounds = since[since["qualifier"] == "at_least"]
    assert sorted(bounds["record"]) == ["cr114", "cr116", "cr125", "cr130"]
    assert (bounds["total"] == 3400).all()
    # Monitor cumulative: 2,440 at end-2014 (ma011) then 2,439 at end-2016 (ma015)
    assert by_record.loc["ma011", ["total", "date"]].tolist() == [2440, pd.Timestamp("2014-12-31")]
    assert by_record.loc["ma015", ["total", "date"]].tolist() == [2439, pd.Timestamp("2016-12-31")]
    flagged = has_flag(since.set_index("record"), "implausible")
    # only the later, lower total carries the flag in the data (ma011 is not flagged)
    assert flagged["ma015"] and not flagged["ma011"]
    assert flagged[flagged].index.tolist() == ["ma015"]
    # left out: cr017 (civilians only, PGO 1992-2021), ma027 (AzCBL "from 1999", 451), ma018 (another metric)
    assert not set(since["record"]) & {"cr017", "ma027", "ma018"}
    # ANAMA's register of 19 Sep 2023 (cr180: 3,393) joined in December 2026
    assert by_record.loc["cr180", ["total", "date"]].tolist() == [3393, pd.Timestamp("2023-09-19")]
    assert len(since) == 25


def test_since_1991_sorted_with_undated_last(since):
    dated = since["date"].notna()
    assert dated.tolist() == sorted(dated.tolist(), reverse=True)  # all NaT at the end
    assert since.loc[dated, "date"].is_monotonic_increasing
    assert sorted(since.loc[~dated, "record"]) == ["cr143", "cr147", "ma146"]
    assert since.iloc[0][["record", "total"]].tolist() == ["ma001", 2297]  # US State Dept, to July 2006


# --------------------------------------------------------------------------------------------------
# plots (smoke tests)


def _labelled_lines(fig):
    return [line for line in fig.axes[0].get_lines() if not line.get_label().startswith("_")]


def test_plot_annual_one_line_per_body(annual):
    fig = plot_annual(annual)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    wide = longrun.annual_wide(annual)
    assert len(ax.get_lines()) == len(wide.columns)  # one per (body, edition), plus AzCBL's second values
    labels = [line.get_label() for line in _labelled_lines(fig)]
    for body in ("ANAMA", "AzCBL", "official (Prosecutor General, other government)", "Landmine Monitor"):
        assert labels.count(body) == 1
    anama = next(line for line in ax.get_lines() if line.get_label() == "ANAMA")
    x, y = anama.get_xdata(), anama.get_ydata()
    assert math.isnan(y[list(x).index(2015)])  # no ANAMA figure for 2015: a gap, not a bridge
    second = next(line for line in ax.get_lines() if "other value" in line.get_label())
    assert second.get_linestyle() == "None"
    styles = {(line.get_marker(), str(line.get_linestyle())) for line in ax.get_lines() if line.get_linestyle() != "None"}
    assert len(styles) == 4  # four bodies: marker and line style differ


def test_plot_annual_draws_revised_hollow_and_dashed():
    fig = plot_annual(longrun.annual_casualties(HANDMADE))
    revised = next(line for line in fig.axes[0].get_lines() if line.get_label() == "ANAMA, revised")
    first = next(line for line in fig.axes[0].get_lines() if line.get_label() == "ANAMA, first published")
    assert revised.get_markerfacecolor() == "none" and revised.get_linestyle() == "--"
    assert first.get_marker() != revised.get_marker()


def test_plot_since_1991_markers(since):
    fig = plot_since_1991(since)
    assert isinstance(fig, Figure)
    lines = fig.axes[0].get_lines()
    # undated (3) and relays (cr048, cr116) left out
    assert sum(len(line.get_xdata()) for line in lines) == 25 - 3 - 2
    bounds = [line for line in lines if line.get_marker() == "^"]
    assert len(bounds) == 1 and sorted(np.asarray(bounds[0].get_ydata(), dtype=float)) == [3400.0] * 3
    assert {line.get_marker() for line in lines} == {"o", "^"}
    assert all(line.get_linestyle() == "None" for line in lines)


# --------------------------------------------------------------------------------------------------
# the post-ceasefire years, derived from the fitted series


def _handmade_daily(last_fitted="2023-02-01", end="2023-06-30"):
    """10 Nov 2020 on: 2 a day to the end of 2020, 1 a day in 2021, half a day in 2022, 0.25 after."""
    dates = pd.date_range("2020-11-10", end, freq="D")
    rate = np.select([dates <= "2020-12-31", dates <= "2021-12-31", dates <= "2022-12-31"], [2.0, 1.0, 0.5], 0.25)
    est = np.cumsum(rate) - rate[0]
    return pd.DataFrame({"date": dates, "measure": "total", "estimate": est, "lower": est - 3, "upper": est + 3,
                         "kind": np.where(dates <= last_fitted, "fit", "forecast")})


def test_derived_years_are_the_calendar_year_increases_of_complete_fitted_years():
    daily = _handmade_daily()
    other = daily.assign(measure="killed", estimate=daily["estimate"] / 10)
    out = longrun.annual_from_series(pd.concat([other, daily]))
    # 2020 starts on 10 Nov (not complete); 2023 runs past the last fitted day (1 Feb 2023): left out
    assert out["year"].tolist() == [2021, 2022]
    assert out["value"].tolist() == [365.0, 182.5]  # 1 a day over 365 days, then half a day
    assert (out["end"] - out["start"]).dt.days.tolist() == [365, 365]
    assert out["lower"].isna().all() and out["upper"].isna().all()  # no interval without the fit
    assert "no interval" in out.attrs["method"]
    assert set(out["body_label"]) == {longrun.SERIES_LABEL}
    assert longrun.annual_from_series(pd.concat([other, daily]), metric="killed")["value"].tolist() == [36.5, 18.25]
    # a year with a day missing is not complete
    holed = daily[daily["date"] != "2022-07-01"]
    assert longrun.annual_from_series(holed)["year"].tolist() == [2021]


@pytest.fixture(scope="module")
def casualty_total(pkg):
    from analysis.casualties import series

    return series.analyse(pkg.casualty_reports, pkg.sources, corrected=set(pkg.corrections_applied["record_id"]),
                          nowcast_to="2026-06-30", measures=["total"], coherent=False)


def test_derived_years_on_the_real_series_carry_the_interval_of_the_increase(casualty_total):
    from analysis.statements import latent
    from analysis.statements.observations import day

    fit = casualty_total.fits["total"]
    out = longrun.annual_from_series(casualty_total.daily, fit)
    assert out["year"].tolist() == [2021, 2022, 2023, 2024, 2025]  # the last statement is of 2026
    d = casualty_total.daily_of("total").set_index("date")["estimate"]
    by_hand = [d[f"{y}-12-31"] - d[f"{y - 1}-12-31"] for y in range(2021, 2026)]
    assert np.allclose(out["value"], by_hand)
    # the interval is that of the increase (the ends' correlation counted), not the difference of the bounds
    _, var = latent.increment_moments(fit.fit.x, fit.fit.cov, np.array([day("2022-12-31") + 1]),
                                      np.array([day("2023-12-31") + 1]))
    row = out.set_index("year").loc[2023]
    assert row["sd"] == pytest.approx(math.sqrt(var[0]))
    assert row["upper"] - row["value"] == pytest.approx(1.6449 * row["sd"], rel=1e-4)
    assert (out["lower"] < out["value"]).all() and (out["value"] < out["upper"]).all()
    assert "90 % interval" in out.attrs["method"]


def test_the_long_run_figure_shows_the_post_war_peak_in_a_style_of_its_own(annual, casualty_total):
    derived = longrun.annual_from_series(casualty_total.daily, casualty_total.fits["total"])
    fig = plot_annual(annual, derived=derived)
    ax = fig.axes[0]
    (bars,) = [c for c in ax.containers if c.get_label().startswith(longrun.SERIES_LABEL)]
    assert bars.get_label() == "derived from the fitted series, this project (90 % bars)"
    line = bars.lines[0]
    assert line.get_marker() == "h" and line.get_color() == "#000000" and line.get_markerfacecolor() == "white"
    assert list(line.get_xdata()) == [2021, 2022, 2023, 2024, 2025]
    assert np.allclose(line.get_ydata(), derived["value"])
    bodies = {ln.get_marker() for ln in ax.get_lines() if ln is not line}
    assert "h" not in bodies
    # the post-war peak: 2021 above every annual figure any body gave for 1999-2016
    assert derived["value"].iloc[0] > annual.loc[annual["metric"] == "casualties_total", "value"].max()
    assert ax.get_ylim()[1] >= derived["upper"].max()


def test_the_since_1991_figure_says_the_two_sets_cover_different_periods(since):
    note = longrun.registers_note(since)
    # the Monitor file's last dated total: end 2016 (ma015); the first official one: 6 Oct 2022 (cr047), the
    # last 26 Dec 2025 (cr130)
    assert "to 2016 at the latest" in note and "Oct 2022 to Dec 2025" in note
    assert note.endswith("so they include the casualties since the 2020 ceasefire.")
    fig = plot_since_1991(since)
    assert [t.get_text().replace("\n", " ") for t in fig.axes[0].texts] == [note]
    assert len(plot_since_1991(since, note=False).axes[0].texts) == 0
