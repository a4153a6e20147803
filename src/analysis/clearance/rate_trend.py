"""The trend of the clearance rate, with its season.

Method (named in notebook 03): the statement model's own rate (:mod:`analysis.statements.rate`) for the
scope and measure: a composite-link quasi-Poisson model of the amounts between cumulative statements and of
the flows where no increment reaches, ``log(rate per day) = b0 + b1 t + g1 sin(2 pi y) + g2 cos(2 pi y)``
(``t`` in years since the ceasefire, ``y`` the fraction of the calendar year), the season kept where a
quasi-likelihood F test asks for it. The growth per year is ``exp(b1)`` with its 95 % interval; the expected
amount per month with a 90 % interval for the mean and a predictive one for the amount.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from ..statements import rate as rate_model
from ..statements.model import SeriesFit
from ..statements.observations import CEASEFIRE, day

DAYS_PER_MONTH = 365.25 / 12


@dataclass
class RateTrend:
    """The fitted rate of one scope and measure (``rate``), held at its value of the last statement beyond it."""

    measure: str
    rate: rate_model.RateModel
    last_day: int

    @property
    def growth_per_year(self) -> tuple[float, float, float]:
        return self.rate.ratio_per_year("slope")

    @property
    def seasonal(self) -> bool:
        return "season" in self.rate.terms

    def season_factors(self) -> pd.Series:
        """The season's factor on the rate in each calendar month (mean 1 over the year); 1 without a season."""
        months = pd.period_range("2025-01", "2025-12", freq="M")
        if not self.seasonal:
            return pd.Series(1.0, index=[p.strftime("%b") for p in months])
        names = self.rate.names
        g1, g2 = self.rate.beta[names.index("sin")], self.rate.beta[names.index("cos")]
        out = []
        for p in months:
            doy = np.arange(p.start_time.day_of_year, p.end_time.day_of_year + 1)
            angle = 2 * np.pi * (doy - 1) / rate_model.DAYS_PER_YEAR
            out.append(np.exp(g1 * np.sin(angle) + g2 * np.cos(angle)).mean())
        f = np.array(out)
        return pd.Series(f / f.mean(), index=[p.strftime("%b") for p in months])

    def method(self) -> str:
        g, lo, hi = self.growth_per_year
        season = "with a yearly season" if self.seasonal else "no season (the F test did not ask for one)"
        return (f"composite-link quasi-Poisson rate of {self.rate.n} amounts, log-linear in time, {season}: "
                f"x{g:.2f} per year (95% CI {lo:.2f}-{hi:.2f}), Pearson chi2/df {self.rate.phi:.3g}")

    def expected(self, months: pd.PeriodIndex, level: float = 0.90) -> pd.DataFrame:
        """Expected amount in each calendar month, with the interval for the mean (``lower``, ``upper``) and the
        predictive one for the amount (``predictive_lower``, ``predictive_upper``)."""
        starts = np.array([max(day(p.start_time), 0) for p in months])
        ends = np.array([day(p.end_time.normalize()) for p in months])
        table = self.rate.period(starts, ends, level=level, hold=self.last_day)
        table.insert(0, "measure", self.measure)
        table.insert(0, "month", months.astype(str))
        return table

    def projection_inputs(self, today) -> dict:
        """The trend as :func:`analysis.clearance.projection.projection_table` takes it: the log of the
        expected hectares per month (averaged over the season, ``I0`` of its amplitude) as ``intercept +
        slope * years``, their 2x2 covariance, and ``today`` on that axis (years since the ceasefire)."""
        names = self.rate.names
        b0, b1 = self.rate.beta[0], self.rate.beta[names.index("slope")]
        amplitude = np.hypot(self.rate.beta[names.index("sin")], self.rate.beta[names.index("cos")]) if self.seasonal else 0.0
        idx = [0, names.index("slope")]
        return {"intercept": float(b0 + np.log(DAYS_PER_MONTH * special.i0(amplitude))), "slope": float(b1),
                "cov": self.rate.cov[np.ix_(idx, idx)],
                "start_years": (pd.Timestamp(today) - CEASEFIRE) / pd.Timedelta(days=1) / rate_model.DAYS_PER_YEAR}


def rate_trend(fit: SeriesFit, measure: str) -> RateTrend:
    """The trend of a fitted series (its rate model)."""
    if "slope" not in fit.rate.terms:
        raise ValueError(f"{measure}: the rate has no time term (too few amounts for a trend)")
    return RateTrend(measure, fit.rate, fit.last_day)


def trend_table(fits: dict, scope: str = "all", measures=("hectares", "ap_mines", "at_mines", "uxo")) -> pd.DataFrame:
    """One row per measure of ``scope``: the window of the amounts fitted (``from``, ``to``), the growth of the
    rate per year with its 95 % CI, whether it has a season, the amounts fitted and the method."""
    rows = []
    for m in measures:
        f = fits.get((scope, m))
        if f is None or "slope" not in f.rate.terms:
            continue
        t = rate_trend(f, m)
        g, lo, hi = t.growth_per_year
        rows.append({"scope": scope, "measure": m, "from": CEASEFIRE + pd.Timedelta(days=int(f.amounts["start"].min())),
                     "to": CEASEFIRE + pd.Timedelta(days=int(f.amounts["end"].max())), "growth_per_year": g, "lower_95": lo,
                     "upper_95": hi, "seasonal": t.seasonal, "amounts": t.rate.n, "method": t.method()})
    return pd.DataFrame(rows, columns=["scope", "measure", "from", "to", "growth_per_year", "lower_95", "upper_95", "seasonal",
                                       "amounts", "method"])
