"""The trend of the monthly clearance rate.

Method (named in notebook 03): a Gamma GLM with log link of the monthly amounts (direct monthly statements
and sums of weekly statements covering a whole month, :func:`analysis.clearance.rates.direct_monthly`) on
time in years; the growth per year comes with its 95 % interval and the expected monthly amount with a
90 % interval (delta method).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
# the statsmodels modules used, not statsmodels.api (which imports all of statsmodels: a quarter second per kernel)
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.tools.tools import add_constant

from ..statements.daily import CEASEFIRE


@dataclass
class RateTrend:
    """log(expected amount per month) = intercept + slope * years since the ceasefire (Gamma GLM, log link)."""

    measure: str
    params: np.ndarray
    cov: np.ndarray
    n_months: int
    scale: float

    @property
    def growth_per_year(self) -> tuple[float, float, float]:
        z = stats.norm.ppf(0.975)
        se = float(np.sqrt(self.cov[1, 1]))
        return float(np.exp(self.params[1])), float(np.exp(self.params[1] - z * se)), float(np.exp(self.params[1] + z * se))

    def method(self) -> str:
        g, lo, hi = self.growth_per_year
        return (f"Gamma GLM (log link) of {self.n_months} monthly amounts on time: x{g:.2f} per year "
                f"(95% CI {lo:.2f}-{hi:.2f}), dispersion {self.scale:.2f}")

    def projection_inputs(self, today) -> dict:
        """The trend as :func:`analysis.clearance.projection.projection_table` takes it: intercept, slope, their
        covariance, and ``today`` on the same time axis (years since the ceasefire)."""
        return {"intercept": self.params[0], "slope": self.params[1], "cov": self.cov,
                "start_years": (pd.Timestamp(today) - CEASEFIRE) / pd.Timedelta(days=1) / 365.25}

    def expected(self, months: pd.PeriodIndex, level: float = 0.90) -> pd.DataFrame:
        """Expected amount in each month (at its midpoint), with a delta-method interval on the log scale."""
        z = stats.norm.ppf(0.5 + level / 2)
        years = ((months.to_timestamp() + pd.Timedelta(days=14)) - CEASEFIRE).days.to_numpy() / 365.25
        X = np.column_stack([np.ones_like(years), years])
        eta = X @ self.params
        se = np.sqrt(np.einsum("ij,jk,ik->i", X, self.cov, X))
        return pd.DataFrame({"month": months.astype(str), "measure": self.measure, "expected": np.exp(eta),
                             "lower": np.exp(eta - z * se), "upper": np.exp(eta + z * se)})


def fit_rate_trend(monthly: pd.DataFrame, measure: str = "hectares") -> RateTrend:
    """Fit the trend to monthly amounts (columns ``month`` YYYY-MM and ``value``; one row per month)."""
    data = monthly.dropna(subset=["value"])
    data = data[data["value"] > 0]
    if len(data) < 4:
        raise ValueError(f"{measure}: {len(data)} monthly figures are too few for a trend (need 4)")
    months = pd.PeriodIndex(data["month"], freq="M")
    years = ((months.to_timestamp() + pd.Timedelta(days=14)) - CEASEFIRE).days.to_numpy() / 365.25
    X = add_constant(years, has_constant="add")
    fit = GLM(data["value"].to_numpy(dtype=float), X, family=families.Gamma(families.links.Log())).fit()
    return RateTrend(measure, np.asarray(fit.params), np.asarray(fit.cov_params()), len(data), float(fit.scale))
