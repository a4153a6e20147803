"""Mine clearance since the ceasefire: reconciled cumulative series by operator scope, daily estimates
with intervals, and the trend of the monthly clearance rate.

Measures: ``hectares`` (area released as "cleared": includes battle-area clearance and survey-based
release), ``ap_mines`` (anti-personnel mines), ``at_mines`` (anti-tank mines), ``uxo`` (other explosive
ordnance), all since 10 November 2020. Scopes (``operators``): ``all`` (all operators: ANAMA, the Ministry
of Defence, Emergency Situations, the Border Service, companies), ``anama`` (ANAMA's own teams, the 2021 –
early 2022 releases), ``mod`` (the Ministry of Defence's engineers). Scopes are never mixed.

Methods (named in notebook 03):

- *Reconciliation*: the cumulative statements of one scope (all territory; the Gazakh-only figures are
  not added) go through :func:`analysis.reconcile.reconcile` with a body priority; corrections
  (swapped AP/AT counts, "453,900 ha") are applied at load time.
- *Daily estimate*: between two kept points, the fraction of the increment cleared by a given day
  follows a Beta distribution with mean equal to the elapsed share of days and a concentration that
  matches the week-to-week variability of the weekly releases (κ + 1 = weeks / CV², from the coefficient
  of variation of the weekly figures); estimate = median, 90 % interval = 5th–95th percentiles.
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

from .data import has_flag
from .reconcile import OBSERVATION_COLUMNS, Reconciliation, check_bounds, reconcile, segments

CEASEFIRE = pd.Timestamp("2020-11-10")
MEASURES = ["hectares", "ap_mines", "at_mines", "uxo"]
SCOPES = ["all", "anama", "mod"]
LABELS = {"hectares": "hectares cleared", "ap_mines": "anti-personnel mines", "at_mines": "anti-tank mines",
          "uxo": "other explosive ordnance"}
DEFAULT_PRIORITY = ["anama", "cabinet", "presidential_administration", "president", "mfa", "mod",
                    "mine_action_review", "azcbl", "government_other", "media"]
DAYS_PER_MONTH = 365.25 / 12


def _qualifier(row, measure: str) -> str:
    q = row["hectares_qualifier"] if measure == "hectares" else row["items_qualifier"]
    return "exact" if pd.isna(q) else str(q)


def observations(reports: pd.DataFrame, scope: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observations of the cumulative measures of one operator scope, and the statements not used (with why)."""
    rows, not_used = [], []
    for rid, row in reports.to_dict("index").items():  # plain dicts: a Series per row cost more than the work
        why = ""
        if row["operators"] != scope:
            continue  # another scope: reported by that scope's reconciliation
        if row["basis"] != "cumulative":
            article = "an" if str(row["basis"])[0] in "aeiou" else "a"
            why = f"{article} {str(row['basis']).replace('_', '-')} figure: used in the monthly rates and cross-checks"
        elif row["reporting_body"] == "mine_action_review":
            why = "Mine Action Review counts land released (cancelled, reduced and cleared): another measure"
        elif row["territory"] != "all":
            why = f"covers {row['territory']} only: not added to the national series"
        elif isinstance(row["flags"], str) and "stale" in row["flags"].split(";"):
            why = "flagged stale by the curation: an old total repeated after a newer one"
        elif pd.isna(row["period_start"]):
            why = "the period's start is not stated"
        elif not pd.Timestamp("2020-11-01") <= row["period_start"] <= pd.Timestamp("2020-11-30"):
            why = f"counts from {row['period_start']:%Y-%m-%d}, not from the ceasefire"
        elif pd.isna(row["as_of_date"]):
            why = "no as-of date"
        elif row["as_of_date_precision"] == "year":
            why = "as-of date known only to the year"
        if why:
            not_used.append({"record_id": rid, "reason": why})
            continue
        date, note = row["as_of_date"], ""
        if row["as_of_date_precision"] == "month":
            date, note = date + pd.Timedelta(days=14), "as-of date known to the month: placed on the 15th"
        values = {m: row[m] for m in MEASURES if not pd.isna(row[m])}
        if not values:
            not_used.append({"record_id": rid, "reason": "gives no hectares nor a split of items"})
            continue
        for measure, value in values.items():
            rows.append({"record_id": rid, "date": date, "measure": measure, "value": float(value),
                         "qualifier": _qualifier(row, measure), "reporting_body": str(row["reporting_body"]),
                         "derived": False, "duplicate_of": None if pd.isna(row["duplicate_of"]) else row["duplicate_of"],
                         "note": note})
    return pd.DataFrame(rows, columns=OBSERVATION_COLUMNS), pd.DataFrame(not_used, columns=["record_id", "reason"])


def reconcile_clearance(reports: pd.DataFrame, scope: str = "all", priority: list[str] | None = None) -> Reconciliation:
    """The reconciled cumulative series of each measure for one operator scope."""
    obs, not_used = observations(reports, scope)
    result = reconcile(obs, list(priority or DEFAULT_PRIORITY))
    result.not_used = not_used
    return result


# --------------------------------------------------------------------------------------------------
# daily estimate


def weekly_variability(reports: pd.DataFrame, scope: str, measure: str) -> float:
    """Coefficient of variation (sd / mean) of the weekly figures of a scope and measure (relays left out).

    Falls back to the all-operator weeks when the scope has fewer than 8 weekly figures.
    """
    def cv(sel):
        values = sel[measure].dropna().astype(float)
        values = values[values > 0]
        return (float(values.std(ddof=1) / values.mean()), len(values)) if len(values) >= 2 else (np.nan, len(values))

    weekly = reports[(reports["basis"] == "weekly") & (reports["territory"] == "all") & ~has_flag(reports, "duplicate")]
    value, n = cv(weekly[weekly["operators"] == scope])
    if n < 8 and scope != "all":
        value, n = cv(weekly[weekly["operators"] == "all"])
    return value if np.isfinite(value) else 1.0


def daily_cumulative(kept: pd.DataFrame, measure: str, cv: float, level: float = 0.90) -> pd.DataFrame:
    """Cumulative amount for every day from the ceasefire to the last kept point, with its interval.

    Columns ``date, measure, estimate, lower, upper``. See the module's method note (Beta split).
    """
    seg = segments(kept, measure, CEASEFIRE)
    if seg is None:
        return pd.DataFrame(columns=["date", "measure", "estimate", "lower", "upper"])
    days, t0, t1, v0, v1 = seg.days, seg.t0, seg.t1, seg.v0, seg.v1
    span = np.maximum(t1 - t0, 1)
    p = np.clip((days - t0) / span, 0.0, 1.0)
    weeks = np.maximum(span / 7.0, 1.0)
    kappa = np.maximum(weeks / max(cv, 1e-6) ** 2 - 1.0, 0.5)
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    frac_mid, frac_lo, frac_hi = p.copy(), p.copy(), p.copy()
    inner = (p > 0) & (p < 1) & (v1 > v0)
    if inner.any():
        dist = stats.beta(p[inner] * kappa[inner], (1 - p[inner]) * kappa[inner])
        frac_mid[inner], frac_lo[inner], frac_hi[inner] = dist.ppf(0.5), dist.ppf(lo_q), dist.ppf(hi_q)
    inc = v1 - v0
    out = pd.DataFrame({
        "date": seg.dates, "measure": measure,
        "estimate": v0 + inc * frac_mid, "lower": v0 + inc * frac_lo, "upper": v0 + inc * frac_hi,
    })
    digits = 1 if measure == "hectares" else 0
    for col in ("estimate", "lower", "upper"):
        out[col] = out[col].round(digits)
    return out


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
            d = daily_cumulative(rec.kept, measure, cv)
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
