"""Civilian/military analysis: expectations computed by hand, not by the functions under test."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis.casualties import civmil
from analysis.plots.civmil import plot_case_fatality, plot_civilian_share

Z95 = 1.959963984540054  # standard normal 97.5% quantile


def wilson_by_hand(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def _splits(rows):
    return pd.DataFrame(
        {"date": pd.to_datetime([r[0] for r in rows]), "civilian": pd.array([r[1] for r in rows], dtype="Int64"),
         "military": pd.array([r[2] for r in rows], dtype="Int64")}
    )


# --------------------------------------------------------------------------------------------------
# civilian_share


def test_share_and_wilson_interval_of_161_of_340():
    splits = _splits([("2023-12-09", 161, 179), ("2022-12-15", 123, 153)])
    splits["report_id"] = ["cr149", "cr054"]
    out = civmil.civilian_share(splits)
    assert list(out["date"]) == [pd.Timestamp("2022-12-15"), pd.Timestamp("2023-12-09")]  # sorted by date
    assert list(out["report_id"]) == ["cr054", "cr149"]  # other columns kept
    last = out.iloc[1]
    assert last["known"] == 340 and last["share"] == pytest.approx(161 / 340)
    lo, hi = wilson_by_hand(161, 340)
    assert last["lower"] == pytest.approx(lo, rel=1e-9) and last["upper"] == pytest.approx(hi, rel=1e-9)
    assert out.iloc[0]["known"] == 276 and out.iloc[0]["share"] == pytest.approx(123 / 276)


def test_share_drops_rows_with_a_missing_count_and_honours_alpha():
    splits = _splits([("2022-01-01", 10, None), ("2022-06-01", None, 4), ("2023-01-01", 30, 20)])
    out = civmil.civilian_share(splits, alpha=0.10)
    assert len(out) == 1 and out["known"].tolist() == [50]
    lo, hi = wilson_by_hand(30, 50, z=1.6448536269514722)
    assert out["lower"].iloc[0] == pytest.approx(lo) and out["upper"].iloc[0] == pytest.approx(hi)


# --------------------------------------------------------------------------------------------------
# share_trend


def test_share_trend_lists_increments_and_dropped_pairs_with_reasons():
    splits = _splits([
        ("2021-01-10", 10, 10),
        ("2021-07-10", 30, 15),   # +20 civilians, +5 military: used
        ("2022-01-10", 28, 25),   # civilian count falls 30 -> 28: dropped
        ("2022-07-10", 40, 30),   # +12, +5: used
        ("2023-01-10", 40, 30),   # nothing new: dropped
        ("2023-07-10", 50, 34),   # +10, +4: used
    ])
    res = civmil.share_trend(splits)
    iv = res["intervals"]
    assert res["n_intervals"] == 3 == len(iv)
    assert iv["civilian"].tolist() == [20, 12, 10] and iv["military"].tolist() == [5, 5, 4]
    assert list(iv.columns) == ["start", "end", "civilian", "military", "midpoint_years"]
    # first interval: 2021-01-10 .. 2021-07-10 = 181 days, midpoint 61 + 90.5 days after 2020-11-10
    assert iv["midpoint_years"].iloc[0] == pytest.approx((61 + 90.5) / 365.25)
    dropped = res["dropped"]
    assert len(dropped) == 2
    assert dropped["reason"].iloc[0] == "civilian count falls from 30 to 28 (reclassification)"
    assert dropped["start"].iloc[0] == pd.Timestamp("2021-07-10") and dropped["end"].iloc[0] == pd.Timestamp("2022-01-10")
    assert "no new casualties" in dropped["reason"].iloc[1]
    assert np.isfinite(res["odds_ratio_per_year"]) and res["lower"] < res["odds_ratio_per_year"] < res["upper"]
    assert 0 <= res["p_value"] <= 1 and "Binomial GLM" in res["method"]


def test_share_trend_with_too_few_intervals_says_why():
    # the two official splits in the record (Dec 2022 and Dec 2023) give one increment: 38 civilians, 26 military
    res = civmil.share_trend(_splits([("2022-12-15", 123, 153), ("2023-12-09", 161, 179)]))
    assert res["n_intervals"] == 1
    assert res["intervals"][["civilian", "military"]].iloc[0].tolist() == [38, 26]
    for key in ("odds_ratio_per_year", "lower", "upper", "p_value"):
        assert math.isnan(res[key])
    assert "at least 3" in res["method"] and "there is 1" in res["method"]


def _synthetic(true_or: float, seed: int, n_intervals: int = 60, overdispersed: bool = False):
    """Cumulative splits whose increments follow a logistic model with a known slope per year."""
    rng = np.random.default_rng(seed)
    days = rng.integers(20, 40, size=n_intervals)
    ends = pd.Timestamp("2020-11-10") + pd.to_timedelta(np.cumsum(days), unit="D")
    starts = ends - pd.to_timedelta(days, unit="D")
    mid_years = ((starts + (ends - starts) / 2 - pd.Timestamp("2020-11-10")) / pd.Timedelta(days=1)) / 365.25
    p = 1 / (1 + np.exp(-(-0.5 + math.log(true_or) * np.asarray(mid_years))))
    n = rng.poisson(50, size=n_intervals)
    if overdispersed:  # beta-binomial: each interval's share is itself random (bursts)
        p = rng.beta(p * 4, (1 - p) * 4)
    dc = rng.binomial(n, p)
    dm = n - dc
    return _splits(
        [("2020-11-10", 0, 0)] + [(str(e.date()), int(c), int(m)) for e, c, m in zip(ends, np.cumsum(dc), np.cumsum(dm))]
    )


def test_share_trend_recovers_a_known_odds_ratio():
    true_or = 1.5
    res = civmil.share_trend(_synthetic(true_or, seed=20201110))
    assert res["n_intervals"] == 60 and res["dropped"].empty
    assert res["lower"] <= true_or <= res["upper"]
    assert res["odds_ratio_per_year"] == pytest.approx(true_or, rel=0.15)
    assert res["p_value"] < 0.01


def test_share_trend_widens_the_interval_under_overdispersion():
    splits = _synthetic(1.5, seed=7, overdispersed=True)
    wide = civmil.share_trend(splits)
    plain = civmil.share_trend(splits, overdispersion=False)
    assert wide["dispersion"] > 1.5  # beta-binomial increments vary far more than binomial
    assert wide["scale"] == pytest.approx(wide["dispersion"]) and plain["scale"] == 1
    assert wide["odds_ratio_per_year"] == pytest.approx(plain["odds_ratio_per_year"])
    ratio = math.log(wide["upper"] / wide["lower"]) / math.log(plain["upper"] / plain["lower"])
    assert ratio == pytest.approx(math.sqrt(wide["dispersion"]))
    assert "quasi-binomial" in wide["method"]


# --------------------------------------------------------------------------------------------------
# case_fatality


def test_case_fatality_caspian_post_december_2023():
    table, comp = civmil.case_fatality(50, 161, 15, 179)
    assert list(table.columns) == ["group", "killed", "casualties", "case_fatality", "lower", "upper"]
    assert table["group"].tolist() == ["civilian", "military"]
    civ, mil = table.iloc[0], table.iloc[1]
    assert round(100 * civ["case_fatality"], 2) == 31.06 and round(100 * mil["case_fatality"], 2) == 8.38
    for row, (k, n) in ((civ, (50, 161)), (mil, (15, 179))):
        lo, hi = wilson_by_hand(k, n)
        assert row["lower"] == pytest.approx(lo) and row["upper"] == pytest.approx(hi)
    rr = (50 / 161) / (15 / 179)
    se = math.sqrt(1 / 50 - 1 / 161 + 1 / 15 - 1 / 179)
    assert comp["risk_ratio"] == pytest.approx(3.706, abs=5e-4) and comp["risk_ratio"] == pytest.approx(rr)
    assert comp["lower"] == pytest.approx(rr * math.exp(-1.959964 * se), rel=1e-6)
    assert comp["upper"] == pytest.approx(rr * math.exp(1.959964 * se), rel=1e-6)
    assert comp["fisher_p"] < 1e-6
    assert "Fisher" in comp["method"] and "risk ratio" in comp["method"]


def test_case_fatality_identical_proportions_give_fisher_p_of_one():
    _, comp = civmil.case_fatality(10, 100, 20, 200)
    assert comp["fisher_p"] == 1.0 and comp["risk_ratio"] == pytest.approx(1.0)


@pytest.mark.parametrize("args", [(60, 50, 1, 10), (-1, 10, 1, 10), (1, 0, 1, 10), (1.5, 10, 1, 10)])
def test_case_fatality_rejects_impossible_counts(args):
    with pytest.raises(ValueError, match="case_fatality"):
        civmil.case_fatality(*args)


# --------------------------------------------------------------------------------------------------
# global_comparison


def test_global_comparison_keeps_editions_apart(pkg):
    az = civmil.civilian_share(_splits([("2022-12-15", 123, 153), ("2023-12-09", 161, 179)]))
    out = civmil.global_comparison(pkg.monitor_annual, az)
    assert list(out.columns) == ["series", "period", "share", "lower", "upper", "edition", "qualifier", "record"]
    glob = out[out["series"] == "Global (Landmine Monitor)"]
    y2012 = glob[glob["period"] == "2012"].set_index("edition")["share"]
    assert y2012.to_dict() == {"first_published": pytest.approx(0.78), "revised": pytest.approx(0.81)}
    assert glob[glob["period"] == "2012"].set_index("edition")["record"].to_dict() == {"first_published": "ma190", "revised": "ma191"}
    assert glob["lower"].isna().all() and glob["upper"].isna().all()
    assert glob["share"].between(0, 1).all()
    # the Monitor's 2024 figure was "nearly 90%": kept with its qualifier, not turned into a count
    assert glob.loc[glob["period"] == "2024", "qualifier"].tolist() == ["at_most"]
    local = out[out["series"] == "Azerbaijan since the ceasefire (official)"]
    assert local["period"].tolist() == ["2022-12-15", "2023-12-09"]
    assert local["record"].tolist() == ["2022-12-15", "2023-12-09"]
    assert local["share"].iloc[1] == pytest.approx(161 / 340)
    lo, hi = wilson_by_hand(161, 340)
    assert local["lower"].iloc[1] == pytest.approx(lo) and local["upper"].iloc[1] == pytest.approx(hi)
    assert local["edition"].isna().all()
    # only Global civilian shares from the Monitor: nothing else leaks in
    mon = pkg.monitor_annual
    expected = ((mon["country"] == "Global") & (mon["metric"] == "civilian_share_pct")).sum()
    assert len(glob) == expected


# --------------------------------------------------------------------------------------------------
# figures


def test_plot_civilian_share_returns_a_figure_with_the_series(pkg):
    az = civmil.civilian_share(_splits([("2022-12-15", 123, 153), ("2023-12-09", 161, 179)]))
    fig = plot_civilian_share(az)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.containers) == 1  # one error-bar series: Azerbaijan
    assert ax.get_ylim() == (0, 1)

    comp = civmil.global_comparison(pkg.monitor_annual, az)
    fig = plot_civilian_share(az, comp)
    ax = fig.axes[0]
    assert len(ax.containers) == 1
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    editions = sorted(comp.loc[comp["series"] == "Global (Landmine Monitor)", "edition"].unique())
    assert len(labels) == 1 + len(editions)
    assert all(any(e.replace("_", " ") in lab for lab in labels) for e in editions)


def test_plot_case_fatality_returns_a_figure_with_one_errorbar_per_group():
    table, _ = civmil.case_fatality(50, 161, 15, 179)
    fig = plot_case_fatality(table)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.containers) == 2
    texts = [t.get_text() for t in ax.texts]
    assert "50/161" in texts and "15/179" in texts
    markers = {c.lines[0].get_marker() for c in ax.containers}
    assert len(markers) == 2  # groups differ by marker, not hue alone


def test_splits_without_the_counts_are_refused_by_name():
    with pytest.raises(KeyError, match=r"civilian_share: the frame lacks column\(s\) \['civilian', 'military'\]"):
        civmil.civilian_share(pd.DataFrame({"date": [pd.Timestamp("2023-12-09")]}))


def test_azerbaijans_shares_keep_the_width_and_the_global_series_has_a_panel_of_its_own(pkg):
    from matplotlib.dates import num2date

    az = civmil.civilian_share(_splits([("2020-12-15", 20, 31), ("2022-12-15", 123, 153), ("2023-12-09", 161, 179)]))
    comp = civmil.global_comparison(pkg.monitor_annual, az)
    fig = plot_civilian_share(az, comp)
    ax, glob = fig.axes
    # Azerbaijan's axis starts in 2020 (just before the ceasefire) and holds only Azerbaijan's points
    assert num2date(ax.get_xlim()[0]).year == 2020 and num2date(ax.get_xlim()[1]).year <= 2024
    (azerbaijan,) = ax.containers
    assert set(ax.get_lines()) == {azerbaijan.lines[0], *azerbaijan.lines[1]}  # the points and their caps
    assert glob.get_shared_y_axes().joined(ax, glob) and glob.get_ylim() == (0, 1)
    # the global series: every Monitor share in the second axes, as points or, for a period, a line
    n_global = (comp["series"] == "Global (Landmine Monitor)").sum()
    points = sum(len(ln.get_xdata()) for ln in glob.get_lines() if ln.get_linestyle() == "None")
    assert points == n_global
    # the 1999-2008 figure (ma149, 71 %) is a line over its span, labelled as one period
    (span,) = [ln for ln in glob.get_lines() if ln.get_linestyle() != "None"]
    assert [pd.Timestamp(v).year for v in span.get_xdata()] == [1999, 2008] and list(span.get_ydata()) == [0.71, 0.71]
    assert [t.get_text() for t in glob.texts] == ["1999\u20132008 as one period\n(average 71%)"]


def test_the_case_fatality_figure_names_the_date_of_the_split():
    table, _ = civmil.case_fatality(50, 161, 15, 179)
    fig = plot_case_fatality(table, split_date=pd.Timestamp("2023-12-09"))
    assert fig.axes[0].get_title(loc="left") == "Split as stated for 9 Dec 2023"
    assert plot_case_fatality(table).axes[0].get_title(loc="left") == ""
