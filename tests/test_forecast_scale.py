"""The forecast's calibration factor: how the covariance is scaled, how the factor is read off the rolling
origin, and that the factor in use is the one the committed backtest gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.pipeline import paths
from analysis.statements import backtest, latent, model
from analysis.statements.observations import CEASEFIRE


def test_only_the_weeks_after_the_last_statement_are_scaled():
    cov = np.array([[4.0, 1.0, 0.5], [1.0, 9.0, 2.0], [0.5, 2.0, 16.0]])
    out = latent.scale_beyond(cov, 1, 2.0)
    assert out[0, 0] == 4.0 and out[0, 1] == 2.0 and out[0, 2] == 1.0  # past x future: times the factor
    assert out[1, 1] == 36.0 and out[1, 2] == 8.0 and out[2, 2] == 64.0  # future x future: times its square
    assert latent.scale_beyond(cov, 1, 1.0) is cov and latent.scale_beyond(cov, 3, 2.0) is cov


def _held(errors, var_d=None, cutoffs=None, series="casualties:total"):
    n = len(errors)
    return pd.DataFrame({"series": series, "test": "rolling_origin",
                         "cutoff": cutoffs if cutoffs is not None else pd.Timestamp("2023-01-01"),
                         "value": 100.0 + np.asarray(errors, dtype=float), "estimate": 100.0,
                         "var_a": 0.0, "var_b": 0.0, "var_d": 1.0 if var_d is None else var_d, "official_var": 0.0})


def test_the_factor_is_the_smallest_that_puts_nine_in_ten_inside():
    # sd = factor (var = factor^2): a figure lies inside at factor c when |error| <= 1.645 c
    z = backtest.Z90
    held = _held(z * np.array([0.5, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 1.47, 3.0]))  # the 9th needs 1.5
    assert backtest.forecast_scale(held) == (1.5, 0.9)
    factor, share = backtest.forecast_scale(held.iloc[:9])  # fewer than ten figures: no factor read
    assert factor == 1.0 and np.isnan(share)


def test_where_nine_in_ten_is_out_of_reach_no_factor_is_chased_for_one_figure():
    z = backtest.Z90
    # two figures no factor reaches (no forecast variance), one that needs 3.5, the rest inside at 1
    held = _held(z * np.array([0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 3.47, 5.0, 5.0]), var_d=np.array([1.0] * 8 + [0.0, 0.0]))
    factor, share = backtest.forecast_scale(held)
    assert share == pytest.approx(0.7) and factor == 1.0  # 0.8 at 3.5 is one figure more: not chased


def test_the_sequential_test_uses_only_windows_closed_before_each_cut_off():
    z = backtest.Z90
    first = _held(z * np.full(12, 1.97), cutoffs=pd.Timestamp("2022-01-01"))  # all need a factor of 2 (1.97 of it)
    second = _held(z * np.full(5, 1.97), cutoffs=pd.Timestamp("2022-05-01"))  # 120 days later: the first is still open
    third = _held(z * np.full(5, 1.97), cutoffs=pd.Timestamp("2022-08-01"))  # 212 days later: it has closed
    out = backtest.sequential(pd.concat([first, second, third], ignore_index=True), horizon=180)
    assert list(out.groupby("cutoff")["factor"].first()) == [1.0, 1.0, 2.0]
    assert not out.loc[out["cutoff"] < pd.Timestamp("2022-08-01"), "inside_90"].any()
    assert out.loc[out["cutoff"] == pd.Timestamp("2022-08-01"), "inside_90"].all()


def test_a_series_forecast_widens_by_its_factor_and_its_fitted_days_do_not_move():
    days = np.arange(0, 400, 20)
    obs = pd.DataFrame({"record_id": [f"r{i}" for i in range(len(days))], "series": "t", "measure": "total", "kind": "stock",
                        "start": 0, "end_lo": days, "end_hi": days, "value": np.round(0.3 * days), "qualifier": "exact",
                        "lo": np.round(0.3 * days), "hi": np.round(0.3 * days), "unit": "people", "reporting_body": "anama",
                        "derived": False, "duplicate_of": None, "published": days, "fitted": True, "reason": ""})
    raw = model.fit_series(obs, key="test:total", relative=False, season=False, nowcast_day=600, forecast_scale=1.0)
    wide = model.fit_series(obs, key="test:total", relative=False, season=False, nowcast_day=600, forecast_scale=2.0)
    fit_days = raw.daily["day"] <= raw.last_day
    assert np.allclose(raw.daily.loc[fit_days, "var"].iloc[:-7], wide.daily.loc[fit_days, "var"].iloc[:-7])
    ahead = raw.daily["day"] == 600
    added_raw = raw.daily.loc[ahead, "var"].iloc[0] - raw.daily.loc[raw.daily["day"] == raw.last_day, "var"].iloc[0]
    added_wide = wide.daily.loc[ahead, "var"].iloc[0] - wide.daily.loc[wide.daily["day"] == wide.last_day, "var"].iloc[0]
    assert 2.0 < added_wide / added_raw <= 4.0 + 1e-9  # the weeks after vary twice as much (and covary with the past)
    assert model.fit_series(obs, key="casualties:total", relative=False, season=False).forecast_scale == model.FORECAST_SCALE["casualties"]


def test_the_factor_in_use_is_the_one_the_committed_backtest_gives():
    """Notebook 04 re-estimates each family's factor from its rolling origin (data/processed/forecast_scale.csv);
    when new statements move it, this fails: update FORECAST_SCALE in analysis.statements.model."""
    table = pd.read_csv(paths.PROCESSED / "forecast_scale.csv")
    assert set(table["family"]) == set(model.FORECAST_SCALE)
    for r in table.itertuples():
        assert r.in_use == model.FORECAST_SCALE[r.family]
        assert abs(r.estimate - r.in_use) < 0.025, f"{r.family}: the backtest gives x{r.estimate}, the model uses x{r.in_use}"


# --- the interpolation's factor (INTERPOLATION_SCALE) -------------------------------------------------------


def test_the_pinned_weeks_are_scaled_by_the_interpolation_factor_and_the_weeks_after_by_the_forecast_one():
    cov = np.array([[4.0, 1.0, 0.5], [1.0, 9.0, 2.0], [0.5, 2.0, 16.0]])
    out = latent.scale_beyond(cov, 1, 2.0, before=1.5)
    assert out[0, 0] == 9.0  # pinned x pinned: times 1.5^2
    assert out[0, 1] == 3.0 and out[0, 2] == 1.5  # pinned x after: times 1.5 x 2
    assert out[1, 1] == 36.0 and out[2, 2] == 64.0  # after x after: times 2^2
    assert np.array_equal(latent.scale_beyond(cov, 3, 2.0, before=3.0), 9.0 * cov)  # no week after: all pinned
    assert latent.scale_beyond(cov, 3, 2.0, before=1.0) is cov


def _loo(errors, series="clearance:all:uxo", var=1.0):
    n = len(errors)
    return pd.DataFrame({"series": series, "test": "leave_one_out", "record_id": [f"r{i}" for i in range(n)],
                         "root": [f"r{i}" for i in range(n)], "value": 100.0 + np.asarray(errors, dtype=float),
                         "estimate": 100.0, "var_a": var, "var_b": 0.0, "var_d": 0.0, "official_var": 0.0})


def test_the_interpolation_factor_is_read_off_the_leave_one_out_by_the_same_rule():
    z = backtest.Z90
    # twenty figures: 17 inside at 1, one needs 1.38, one 2.0, one no factor reaches; 18 of 20 is 90 %
    loo = _loo(z * np.array([0.2, 0.5] + [0.9] * 15 + [1.38, 2.0, 40.0]))
    factor, share = backtest.interpolation_scale(loo)
    assert factor == 1.4 and share == pytest.approx(0.9)
    # the official figure's own error is not scaled: a figure that only it explains needs no factor
    assert backtest.interpolation_scale(loo.assign(var_a=0.0, official_var=1.0))[0] == 1.0


def test_an_honest_leave_one_out_scores_each_figure_with_the_factor_the_others_give():
    z = backtest.Z90
    errors = z * np.array([0.5] * 9 + [1.88, 1.88])  # eleven figures, two need a factor of 1.9 (1.88 of it)
    out = backtest.honest_leave_one_out(_loo(errors))
    # left out, a figure that needs 1.9 sees ten others of which one needs it: 9 of 10 inside at 1
    assert (out.loc[out["value"] > 101, "interp"] == 1.0).all()
    assert not out.loc[out["value"] > 101, "inside_90"].any()
    # the others see both, 8 of 10 inside at 1: the factor rises until 9 of 10 are (1.9, where both are)
    assert (out.loc[out["value"] < 101, "interp"] == 1.9).all() and out.loc[out["value"] < 101, "inside_90"].all()
    # a figure and its relay are left out together: a relay cannot vouch for the statement it repeats
    relayed = _loo(errors).assign(root=lambda d: np.where(d["record_id"] == "r10", "r9", d["root"]))
    out = backtest.honest_leave_one_out(relayed)
    assert out.loc[out["root"] == "r9", "interp"].eq(1.0).all()


def test_the_fitted_series_does_not_move_and_its_spread_scales_by_the_factor():
    days = np.arange(0, 400, 20)
    values = np.round(0.3 * days + 3 * np.sin(days / 30.0))
    obs = pd.DataFrame({"record_id": [f"r{i}" for i in range(len(days))], "series": "t", "measure": "total", "kind": "stock",
                        "start": 0, "end_lo": days, "end_hi": days, "value": values, "qualifier": "exact",
                        "lo": values, "hi": values, "unit": "people", "reporting_body": "anama",
                        "derived": False, "duplicate_of": None, "published": days, "fitted": True, "reason": ""})
    kw = dict(key="test:total", relative=False, season=False, nowcast_day=500, forecast_scale=1.0)
    raw = model.fit_series(obs, interpolation_scale=1.0, **kw)
    wide = model.fit_series(obs, interpolation_scale=2.0, **kw)
    assert np.allclose(raw.daily["estimate"], wide.daily["estimate"])
    fitted = raw.daily["day"] <= raw.last_day
    assert np.allclose(wide.daily.loc[fitted, "var"], 4.0 * raw.daily.loc[fitted, "var"])
    assert np.allclose(wide.observations["predicted_sd"], 2.0 * raw.observations["predicted_sd"])
    # the leave-one-out's held-out spread follows: var_a is the raw one, sd the scaled one
    loo_raw, loo_wide = backtest.leave_one_out(raw), backtest.leave_one_out(wide)
    assert np.allclose(loo_raw["var_a"], loo_wide["var_a"]) and (loo_wide["sd"] > loo_raw["sd"]).all()
    assert model.fit_series(obs, key="clearance:all:uxo", relative=False, season=False).interpolation_scale \
        == model.INTERPOLATION_SCALE["clearance:items"]


def test_the_interpolation_factor_in_use_is_the_one_the_committed_backtest_gives():
    """Notebook 04 re-estimates each family's interpolation factor from its leave-one-out
    (data/processed/interpolation_scale.csv); when new statements move it, this fails: update
    INTERPOLATION_SCALE in analysis.statements.model (and then FORECAST_SCALE, which is read with it in place)."""
    table = pd.read_csv(paths.PROCESSED / "interpolation_scale.csv")
    assert set(table["family"]) == set(model.INTERPOLATION_SCALE)
    for r in table.itertuples():
        assert r.in_use == model.INTERPOLATION_SCALE[r.family]
        assert abs(r.estimate - r.in_use) < 0.025, f"{r.family}: the leave-one-out gives x{r.estimate}, the model uses x{r.in_use}"
