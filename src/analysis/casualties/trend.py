"""The trend of the casualty rate since the ceasefire, and the monthly expected counts it gives.

Method (named in notebook 01): the counts between consecutive kept points, with their exposure in days,
in a Poisson GLM with ``offset = log(days)`` and a linear time term (years since the ceasefire); if the
Pearson χ²/df exceeds a threshold (default 1.5) a negative binomial (NB2) model is fitted instead. The rate
ratio per year comes with its 95 % Wald interval; monthly expected counts with a 90 % interval by the
delta method on the log scale.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
# the statsmodels modules used, not statsmodels.api (which imports all of statsmodels: a quarter second per kernel)
from statsmodels.discrete.discrete_model import NegativeBinomial
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.tools.tools import add_constant

from ..statements.daily import CEASEFIRE


@dataclass
class Trend:
    """A fitted trend of the casualty rate: ``log(rate per day) = intercept + slope * years``."""

    measure: str
    model: str  # "Poisson" or "negative binomial (NB2)"
    params: np.ndarray  # intercept, slope (per year since the ceasefire)
    cov: np.ndarray
    pearson_dispersion: float  # Pearson chi2 / df of the Poisson fit
    alpha: float | None  # NB2 dispersion, if that model was used
    n_intervals: int
    rate_ratio_per_year: float = field(init=False)
    rate_ratio_lower: float = field(init=False)
    rate_ratio_upper: float = field(init=False)

    def __post_init__(self):
        se = float(np.sqrt(self.cov[1, 1]))
        z = stats.norm.ppf(0.975)
        self.rate_ratio_per_year = float(np.exp(self.params[1]))
        self.rate_ratio_lower = float(np.exp(self.params[1] - z * se))
        self.rate_ratio_upper = float(np.exp(self.params[1] + z * se))

    def rate_per_day(self, dates) -> np.ndarray:
        years = (pd.DatetimeIndex(dates) - CEASEFIRE).days.to_numpy() / 365.25
        return np.exp(self.params[0] + self.params[1] * years)

    def method(self) -> str:
        extra = f", NB2 alpha = {self.alpha:.3g}" if self.alpha is not None else ""
        return (f"{self.model} GLM of {self.n_intervals} interval counts with offset log(days) and a linear time term "
                f"(Pearson chi2/df of the Poisson fit = {self.pearson_dispersion:.2f}{extra})")


def interval_counts(kept: pd.DataFrame, measure: str, start=None, end=None) -> pd.DataFrame:
    """Counts between consecutive kept points (the ceasefire counting as 0), with exposure in days.

    Columns: ``start`` (day after the earlier point), ``end``, ``days``, ``count``, ``years`` (the interval's
    midpoint in years since the ceasefire). With ``start``/``end``, only intervals inside the window.
    """
    points = kept[kept["measure"] == measure].sort_values("date")
    dates = pd.DatetimeIndex([CEASEFIRE]).append(pd.DatetimeIndex(points["date"]))
    values = np.concatenate([[0.0], points["value"].to_numpy(dtype=float)])
    days = (dates[1:] - dates[:-1]).days.to_numpy()
    mid = dates[:-1] + (dates[1:] - dates[:-1]) / 2
    out = pd.DataFrame({"start": dates[:-1] + pd.Timedelta(days=1), "end": dates[1:], "days": days,
                        "count": np.diff(values), "years": (mid - CEASEFIRE).days.to_numpy() / 365.25})
    out = out[out["days"] > 0]
    if start is not None:
        out = out[out["start"] >= pd.Timestamp(start)]
    if end is not None:
        out = out[out["end"] <= pd.Timestamp(end)]
    return out.reset_index(drop=True)


def _fit_negative_binomial(y, X, exposure):
    """NB2 by maximum likelihood; None when it fails to converge or has no covariance."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = NegativeBinomial(y, X, exposure=exposure).fit(disp=0, maxiter=500)
        except (np.linalg.LinAlgError, ValueError):
            return None
        cov = np.asarray(fit.cov_params()) if fit.mle_retvals.get("converged") else None
    if cov is None or not np.all(np.isfinite(cov)) or not np.all(np.isfinite(fit.params)) or fit.params[-1] <= 1e-8:
        return None
    return fit


def fit_trend(intervals: pd.DataFrame, measure: str = "total", dispersion_threshold: float = 1.5) -> Trend:
    """Poisson GLM with offset log(days) and a time term; negative binomial if over-dispersed."""
    if len(intervals) < 3:
        raise ValueError(f"{measure}: {len(intervals)} intervals are too few for a trend (need 3)")
    y = intervals["count"].to_numpy(dtype=float)
    X = add_constant(intervals["years"].to_numpy(dtype=float), has_constant="add")
    offset = np.log(intervals["days"].to_numpy(dtype=float))
    poisson = GLM(y, X, family=families.Poisson(), offset=offset).fit()
    dispersion = float(poisson.pearson_chi2 / poisson.df_resid) if poisson.df_resid > 0 else float("nan")
    if dispersion > dispersion_threshold:
        nb = _fit_negative_binomial(y, X, intervals["days"].to_numpy(dtype=float))
        if nb is not None:
            params = np.asarray(nb.params)
            return Trend(measure, "negative binomial (NB2)", params[:2], np.asarray(nb.cov_params())[:2, :2], dispersion,
                         float(params[2]), len(intervals))
        # NB2 did not converge (its alpha runs to a boundary): quasi-Poisson, the Poisson fit with its
        # covariance scaled by the Pearson dispersion, still widens the intervals by the over-dispersion.
        quasi = GLM(y, X, family=families.Poisson(), offset=offset).fit(scale="X2")
        return Trend(measure, "quasi-Poisson", np.asarray(quasi.params), np.asarray(quasi.cov_params()), dispersion, None,
                     len(intervals))
    return Trend(measure, "Poisson", np.asarray(poisson.params), np.asarray(poisson.cov_params()), dispersion, None, len(intervals))


def monthly_expected(trend: Trend, first_month: str, last_month: str, level: float = 0.90) -> pd.DataFrame:
    """Expected casualties in each calendar month (the model's mean), with a delta-method interval.

    November 2020 counts from the ceasefire (10 Nov). Columns: ``month`` (YYYY-MM), ``measure``,
    ``expected``, ``lower``, ``upper``.
    """
    z = stats.norm.ppf(0.5 + level / 2)
    months = pd.period_range(first_month, last_month, freq="M")
    if months.empty:
        return pd.DataFrame(columns=["month", "measure", "expected", "lower", "upper"])
    days = pd.date_range(max(months[0].start_time, CEASEFIRE + pd.Timedelta(days=1)), months[-1].end_time.normalize(), freq="D")
    years = (days - CEASEFIRE).days.to_numpy() / 365.25
    rate = np.exp(trend.params[0] + trend.params[1] * years)
    month_of_day = months.get_indexer(days.to_period("M"))
    expected = np.bincount(month_of_day, weights=rate, minlength=len(months))  # sum of the daily rates
    grad = np.column_stack([expected, np.bincount(month_of_day, weights=years * rate, minlength=len(months))])
    with np.errstate(divide="ignore", invalid="ignore"):  # a month wholly before the ceasefire expects 0
        se_log = np.sqrt(np.einsum("ij,jk,ik->i", grad, np.asarray(trend.cov), grad)) / expected
    return pd.DataFrame({"month": months.astype(str), "measure": trend.measure, "expected": expected,
                         "lower": expected * np.exp(-z * se_log), "upper": expected * np.exp(z * se_log)},
                        columns=["month", "measure", "expected", "lower", "upper"])
