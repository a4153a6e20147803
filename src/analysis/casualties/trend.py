"""The trend of the casualty rate since the ceasefire, and the monthly amounts it expects.

Method (named in notebook 01): the statement model's own rate (:mod:`analysis.statements.rate`), a
composite-link quasi-Poisson model of the amounts between consecutive cumulative figures (and of the flows
where no increment reaches) inside the analysis window: ``log(rate per day) = b0 + b1 t`` with ``t`` in
years since the ceasefire, and a second slope from the 1 January where a quasi-likelihood F test (p < 0.05)
finds that the decline slowed or quickened. Being a quasi-Poisson fit with an intercept, its fitted amounts
add up to the observed total whatever the lengths of the periods (a negative binomial NB2 fit would weight
long periods down and overstate the level). The rate ratio per year comes with a 95 % interval (the
parameters' covariance scaled by Pearson's dispersion); the expected amount per month with a 90 % interval
for the mean (delta method) and a predictive one for the count (the mean's uncertainty plus the dispersion
times the mean).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..statements import rate as rate_model
from ..statements.model import SeriesFit, yearly_knots
from ..statements.observations import CEASEFIRE, day


@dataclass
class Trend:
    """The fitted rate of one measure in the window."""

    measure: str
    rate: rate_model.RateModel
    amounts: pd.DataFrame  # start, end (days since the ceasefire), amount: what it was fitted to
    last_day: int  # the last day of the amounts: the rate is held at its value there beyond it
    first_day: int = 0  # the window's first day (days since the ceasefire)

    @property
    def rate_ratio(self) -> tuple[float, float, float]:
        """Rate ratio per year (over the whole window, or before the change of slope) and its 95 % CI."""
        return self.rate.ratio_per_year("slope")

    @property
    def rate_ratio_after(self) -> tuple[float, float, float] | None:
        """Rate ratio per year after the change of slope (None without one)."""
        return self.rate.ratio_per_year("after") if "hinge" in self.rate.terms else None

    @property
    def knot_date(self) -> pd.Timestamp | None:
        if "hinge" not in self.rate.terms:
            return None
        return CEASEFIRE + pd.Timedelta(days=round(self.rate.knot * rate_model.DAYS_PER_YEAR))

    @property
    def fitted_total(self) -> float:
        """The fitted amounts summed over the periods fitted (equal to the observed total by construction)."""
        return float(self.rate.period(self.amounts["start"].to_numpy(), self.amounts["end"].to_numpy())["expected"].sum())

    @property
    def observed_total(self) -> float:
        return float(self.amounts["amount"].sum())

    def method(self) -> str:
        knot = f", slope changing on {self.knot_date:%d %b %Y}" if self.knot_date is not None else ""
        return (f"composite-link quasi-Poisson GLM of {self.rate.n} amounts between statements, log-linear in time{knot} "
                f"(Pearson chi2/df {self.rate.phi:.2f}); fitted total {self.fitted_total:,.0f} against {self.observed_total:,.0f} "
                "observed")


def fit_trend(fit: SeriesFit, measure: str, window_start=None, window_end=None) -> Trend:
    """The trend of ``measure`` from its fitted series' amounts inside the window (whole periods only)."""
    amounts = fit.amounts
    lo = day(window_start) if window_start is not None else 0
    hi = day(window_end) if window_end is not None else int(amounts["end"].max())
    inside = amounts[(amounts["start"] >= lo) & (amounts["end"] <= hi)]
    if len(inside) < 4:
        raise ValueError(f"{measure}: {len(inside)} amounts between statements in the window are too few for a trend (need 4)")
    knots = yearly_knots(int(inside["start"].min()), int(inside["end"].max()))
    rm = rate_model.choose_rate(CEASEFIRE, inside["start"], inside["end"], inside["amount"], knots=knots)
    return Trend(measure, rm, inside.reset_index(drop=True), int(inside["end"].max()), lo)


def monthly_expected(trend: Trend, first_month: str, last_month: str, level: float = 0.90) -> pd.DataFrame:
    """Expected amount in each calendar month (November 2020 from the ceasefire), with the interval for the
    mean and the predictive interval for the count. Past the trend's last day the rate is held at its value
    there. Columns: ``month, measure, expected, lower, upper, predictive_lower, predictive_upper``."""
    months = pd.period_range(first_month, last_month, freq="M")
    columns = ["month", "measure", "expected", "lower", "upper", "predictive_lower", "predictive_upper"]
    if months.empty:
        return pd.DataFrame(columns=columns)
    starts = np.array([max(day(m.start_time), 0) for m in months])
    ends = np.array([day(m.end_time.normalize()) for m in months])
    table = trend.rate.period(starts, ends, level=level, hold=trend.last_day)
    table.insert(0, "measure", trend.measure)
    table.insert(0, "month", months.astype(str))
    return table[columns]
