"""Items per 100 ha with finds that come in clusters: the dispersion of the weekly and monthly releases by hand,
and the quasi-Poisson interval it widens the annual one by (analysis.clearance.per_area)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.clearance import per_area
from analysis.plots.clearance import plot_items_per_100_ha
from analysis.statements import clearance_reports
from analysis.statements.clearance_reports import PERIOD_COLUMNS


def _release(record, basis, start, end, values, qualifier="exact", duplicate_of=None, body="anama"):
    return [{"record_id": record, "basis": basis, "period_start": pd.Timestamp(start), "period_end": pd.Timestamp(end),
             "days": (pd.Timestamp(end) - pd.Timestamp(start)).days + 1, "measure": m, "value": float(v),
             "qualifier": qualifier, "reporting_body": body, "flags": "duplicate" if duplicate_of else "",
             "operators": "all", "territory": "all", "duplicate_of": duplicate_of, "relays": ""}
            for m, v in values.items()]


def _periods():
    rows = []
    # 2023: uxo 10, 30, 20 on 100, 100, 200 ha; 2024: 5, 15 on 50, 50 ha (the mines are the same, a tenth)
    for rec, start, uxo, ha in (("w1", "2023-03-06", 10, 100), ("w2", "2023-03-13", 30, 100), ("m1", "2023-05-01", 20, 200),
                                ("w3", "2024-02-05", 5, 50), ("w4", "2024-02-12", 15, 50)):
        basis = "monthly" if rec.startswith("m") else "weekly"
        end = pd.Timestamp(start) + pd.Timedelta(days=27 if basis == "monthly" else 6)
        rows += _release(rec, basis, start, end, {"uxo": uxo, "hectares": ha})
    rows += _release("w1r", "weekly", "2023-03-06", "2023-03-12", {"uxo": 10, "hectares": 100.5}, duplicate_of="w1")  # a relay
    rows += _release("w5", "weekly", "2024-03-04", "2024-03-10", {"uxo": 400}, qualifier="exact")  # no hectares: unused
    rows += _release("w6", "weekly", "2024-03-11", "2024-03-17", {"uxo": 40, "hectares": 100}, qualifier="at_least")  # a bound
    rows += _release("m2", "monthly", "2024-06-01", "2024-06-30", {"hectares": 70})  # hectares given, uxo missing...
    rows += _release("m2r", "monthly", "2024-06-01", "2024-06-30", {"uxo": 14}, duplicate_of="m2")  # ...in its relay
    # the annual release: 2023, 300 items on 1,000 ha
    rows += _release("a1", "annual", "2023-01-01", "2023-12-31", {"ap_mines": 40, "at_mines": 60, "uxo": 300, "hectares": 1000})
    return pd.DataFrame(rows, columns=PERIOD_COLUMNS)


def test_the_dispersion_is_pearsons_chi2_per_df_of_a_poisson_glm_with_a_year_factor_by_hand():
    out = per_area.item_dispersion(_periods(), measures=["uxo"]).set_index("measure").loc["uxo"]
    # by hand: the year rates are total items over total hectares (a factor per year, log hectares offset):
    # 2023: 60 / 400 = 0.15, expected 15, 15, 30, chi2 = 25/15 + 225/15 + 100/30 = 20;
    # 2024: (5 + 15 + 14) / (50 + 50 + 70) = 0.2, expected 10, 10, 14, chi2 = 2.5 + 2.5 + 0 = 5;
    # the relay w1r is not counted again, w5 has no hectares, w6's count is a bound; m2 takes its relay's items
    assert out["releases"] == 6 and out["years"] == 2 and out["df_resid"] == 4
    assert out["dispersion"] == pytest.approx(25 / 4)
    assert out["records"] == "m1;m2;m2r;w1;w2;w3;w4"


def test_the_quasi_poisson_interval_is_the_exact_one_widened_by_the_root_of_the_dispersion():
    out = per_area.items_per_100_ha(_periods()).set_index("measure")
    uxo = out.loc["uxo"]
    assert uxo["per_100_ha"] == 30.0 and uxo["dispersion"] == pytest.approx(6.25)
    # on the log scale each half-width is sqrt(6.25) = 2.5 times the exact one
    assert math.log(uxo["per_100_ha"] / uxo["lower_qp"]) == pytest.approx(2.5 * math.log(uxo["per_100_ha"] / uxo["lower"]))
    assert math.log(uxo["upper_qp"] / uxo["per_100_ha"]) == pytest.approx(2.5 * math.log(uxo["upper"] / uxo["per_100_ha"]))
    # the mines have no weekly figures here: no dispersion, no quasi-Poisson interval, the exact one kept
    assert out.loc["ap_mines", ["dispersion", "lower_qp", "upper_qp"]].isna().all()
    assert out.loc["ap_mines", "lower"] < 4.0 < out.loc["ap_mines", "upper"]
    assert "quasi-Poisson" in out.attrs["method"] and "other ordnance 6.25" in out.attrs["method"]
    assert "anti-personnel mines not estimable" in out.attrs["method"]


def test_a_dispersion_below_one_never_narrows_the_interval():
    lo, hi = per_area._widen([30.0, 0.0], [28.0, 0.0], [32.0, 3.7], [0.5, 4.0])
    assert lo[0] == 28.0 and hi[0] == pytest.approx(32.0)
    assert lo[1] == 0.0 and hi[1] == pytest.approx(3.7 * 4.0)  # no finds: the exact upper end times the dispersion


@pytest.fixture(scope="module")
def table(pkg):
    periods, _ = clearance_reports.period_statements(pkg.clearance_reports, scope="all")
    return per_area.items_per_100_ha(periods)


def test_on_the_record_finds_are_over_dispersed_and_every_interval_widens(table):
    # clustered finds: every type varies from week to week far more than a Poisson count
    assert (table["dispersion"] > 10).all()
    factor = np.sqrt(table["dispersion"])
    rate = table["per_100_ha"]
    assert np.allclose(np.log(rate / table["lower_qp"]), factor * np.log(rate / table["lower"]))
    assert np.allclose(np.log(table["upper_qp"] / rate), factor * np.log(table["upper"] / rate))
    assert ((table["lower_qp"] < table["lower"]) & (table["upper_qp"] > table["upper"])).all()
    # the point estimates stay the annual releases': 8,780 AP mines on the 2022 hectares
    ap = table.set_index(["year", "measure"]).loc[(2022, "ap_mines")]
    assert ap["items"] == 8780 and ap["per_100_ha"] == pytest.approx(8780 / ap["hectares"] * 100)


def test_the_figure_draws_the_wider_intervals_with_readable_ticks_below_5(table):
    fig = plot_items_per_100_ha(table)
    ax = fig.axes[0]
    thin = [c for c in ax.containers if c.get_label() in ("AP mines", "AT mines", "other ordnance (UXO)")]
    assert len(thin) == 3
    at = table[table["measure"] == "at_mines"].sort_values("year")
    (bars,) = [c for c in thin if c.get_label() == "AT mines"]
    segments = bars.lines[2][0].get_segments()
    assert np.allclose([s[0][1] for s in segments], at["lower_qp"]) and np.allclose([s[1][1] for s in segments], at["upper_qp"])
    fig.draw_without_rendering()
    shown = [t.get_text() for t in ax.get_yticklabels() if t.get_visible() and t.get_text()]
    lo, hi = ax.get_ylim()
    assert {"2", "3", "5", "10"} <= set(shown) and not any("$" in t for t in shown)
    assert lo <= at["lower_qp"].min() and hi >= table["upper_qp"].max()
    texts = [t.get_text() for lg in fig.legends for t in lg.get_texts()]
    assert texts == ["thin: quasi-Poisson (clusters)", "thick: exact Poisson (often\nwithin the marker)"]
