"""Mine clearance since the ceasefire: reconciled cumulative series by operator scope, daily estimates
with intervals, and the trend of the monthly clearance rate.

Measures: ``hectares`` (area released as "cleared": includes battle-area clearance and survey-based
release), ``ap_mines`` (anti-personnel mines), ``at_mines`` (anti-tank mines), ``uxo`` (other explosive
ordnance), all since 10 November 2020. Scopes (``operators``): ``all`` (all operators: ANAMA, the Ministry
of Defence, Emergency Situations, the Border Service, companies), ``anama`` (ANAMA's own teams, the 2021 –
early 2022 releases), ``mod`` (the Ministry of Defence's engineers). Scopes are never mixed.

Methods (named in notebook 03):

- *Reconciliation* of the cumulative statements of one scope: :mod:`analysis.statements.clearance_reports`.
- *Daily estimate*: :func:`analysis.statements.daily.daily_amounts`, a Beta split of each increment between
  kept points whose concentration matches the week-to-week variability of the weekly releases.
- *Trend of the monthly rate*: a Gamma GLM with log link of the monthly amounts (direct monthly
  statements and sums of weekly statements covering a whole month) on time in years; the growth per
  year comes with its 95 % interval and the expected monthly amount with a 90 % interval (delta method).
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

from .statements.clearance_reports import MEASURES, reconcile_clearance, weekly_variability
from .statements.daily import CEASEFIRE, daily_amounts
from .statements.reconcile import Reconciliation, check_bounds

SCOPES = ["all", "anama", "mod"]
LABELS = {"hectares": "hectares cleared", "ap_mines": "anti-personnel mines", "at_mines": "anti-tank mines",
          "uxo": "other explosive ordnance"}
DAYS_PER_MONTH = 365.25 / 12


# --------------------------------------------------------------------------------------------------
# trend of the monthly rate


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
        """The trend as :func:`analysis.projection.projection_table` takes it: intercept, slope, their
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


# --------------------------------------------------------------------------------------------------
# the whole analysis


@dataclass
class ClearanceSeries:
    reconciliations: dict[str, Reconciliation]
    daily: pd.DataFrame  # date, scope, measure, estimate, lower, upper
    bounds: pd.DataFrame
    variability: pd.DataFrame  # scope, measure, cv

    def daily_of(self, scope: str = "all", measure: str = "hectares") -> pd.DataFrame:
        """The daily series of one scope and measure, in date order."""
        return _daily_of(self.daily, scope, measure)

    def dropped_statements(self) -> pd.DataFrame:
        """Every dropped figure of every scope with its reason (see ``Reconciliation.dropped_statements``)."""
        return pd.concat([rec.dropped_statements().assign(scope=scope) for scope, rec in self.reconciliations.items()])

    def not_used(self) -> pd.DataFrame:
        """Statements of every scope that gave no figure, with the reason, indexed by record id."""
        return pd.concat([rec.not_used.assign(scope=scope) for scope, rec in self.reconciliations.items()]).set_index("record_id")


def _daily_of(daily: pd.DataFrame, scope: str, measure: str) -> pd.DataFrame:
    return daily[(daily["scope"] == scope) & (daily["measure"] == measure)].sort_values("date")


def analyse(reports: pd.DataFrame, *, scopes=SCOPES, priority=None) -> ClearanceSeries:
    """Reconcile each scope and estimate every day of each measure."""
    recs, parts, bounds, cvs = {}, [], [], []
    for scope in scopes:
        rec = reconcile_clearance(reports, scope, priority)
        recs[scope] = rec
        scope_daily = []
        for measure in MEASURES:
            cv = weekly_variability(reports, scope, measure)
            cvs.append({"scope": scope, "measure": measure, "cv": cv})
            d = daily_amounts(rec.kept, measure, cv)
            if not d.empty:
                scope_daily.append(d.assign(scope=scope))
        if scope_daily:
            sd = pd.concat(scope_daily, ignore_index=True)
            parts.append(sd)
            b = rec.bounds()[["record_id", "date", "measure", "value", "qualifier", "reporting_body"]]
            bounds.append(check_bounds(b, sd.drop(columns="scope")).assign(scope=scope))
    daily = pd.concat(parts, ignore_index=True)[["date", "scope", "measure", "estimate", "lower", "upper"]]
    return ClearanceSeries(recs, daily, pd.concat(bounds, ignore_index=True), pd.DataFrame(cvs))


def value_on(daily: pd.DataFrame, date, scope: str, measure: str) -> pd.Series:
    """The daily row (estimate, lower, upper) of a scope and measure on a date."""
    row = daily[(daily["date"] == pd.Timestamp(date)) & (daily["scope"] == scope) & (daily["measure"] == measure)]
    if row.empty:
        raise KeyError(f"no {scope} {measure} estimate on {pd.Timestamp(date):%Y-%m-%d}")
    return row.iloc[0]


def last_twelve_months(daily: pd.DataFrame, scope: str = "all", measure: str = "hectares") -> dict:
    """Amount cleared in the 365 days up to the series' last day, with a conservative 90 % range."""
    d = _daily_of(daily, scope, measure).set_index("date")
    end = d.index.max()
    start = end - pd.Timedelta(days=365)
    a, b = d.loc[start], d.loc[end]
    return {"start": start, "end": end, "rate": float(b["estimate"] - a["estimate"]),
            "lower": float(max(0.0, b["lower"] - a["upper"])), "upper": float(b["upper"] - a["lower"])}


def direct_monthly(monthly: pd.DataFrame, scope: str = "all", measure: str = "hectares") -> pd.DataFrame:
    """One figure per month from direct statements (``clearance_monthly`` rows): a monthly statement where
    there is one (the first record if two differ), else the sum of weekly statements covering the month.
    Differences of the cumulative series are interpolations, not data, and are left out."""
    sel = monthly[(monthly["scope"] == scope) & (monthly["measure"] == measure)]
    sel = sel[sel["basis"].str.startswith("monthly statement") | sel["basis"].str.startswith("sum of weekly")]
    sel = sel.assign(order=np.where(sel["basis"].str.startswith("monthly statement"), 0, 1))
    sel = sel.sort_values(["month", "order", "basis"], kind="stable").groupby("month", as_index=False).head(1)
    return sel.drop(columns="order").reset_index(drop=True)
