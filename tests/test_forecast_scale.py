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
