"""Casualties since the 10 November 2020 ceasefire: the reconciled cumulative series, daily estimates
with intervals, the trend model and monthly expected counts.

Measures: ``total`` (victims, killed + injured), ``killed``, ``injured``, ``civilian``, ``military``,
``civilian_killed``, ``civilian_injured``, ``military_killed``, ``military_injured`` (people).

Methods (named in notebook 01):

- *Observations* and their *reconciliation*: :mod:`analysis.statements.casualty_reports`, with the body
  priority a notebook parameter.
- *Trend*: the counts between consecutive kept points, with their exposure in days, in a Poisson GLM
  with ``offset = log(days)`` and a linear time term (years since the ceasefire); if the Pearson χ²/df
  exceeds a threshold (default 1.5) a negative binomial (NB2) model is fitted instead. The rate ratio per
  year comes with its 95 % Wald interval; monthly expected counts with a 90 % interval by the delta
  method on the log scale.
- *Daily estimate*: :func:`analysis.statements.daily.daily_counts`, a beta-binomial split of each increment
  between kept points by the trend's intensity, its intra-class correlation set by the trend's dispersion.
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

from .data import has_flag
from .statements.casualty_reports import COLUMN_OF, MEASURES, reconcile_casualties
from .statements.daily import CEASEFIRE, daily_counts, intra_class_correlation
from .statements.reconcile import Reconciliation, check_bounds

LABELS = {
    "total": "casualties (killed and injured)", "killed": "people killed", "injured": "people injured",
    "civilian": "civilian casualties", "military": "military casualties", "civilian_killed": "civilians killed",
    "civilian_injured": "civilians injured", "military_killed": "military killed", "military_injured": "military injured",
}


# --------------------------------------------------------------------------------------------------
# trend


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


# --------------------------------------------------------------------------------------------------
# the whole analysis


@dataclass
class CasualtyAnalysis:
    reconciliation: Reconciliation
    trends: dict[str, Trend]
    intervals: dict[str, pd.DataFrame]
    daily: pd.DataFrame
    monthly: pd.DataFrame
    bounds: pd.DataFrame
    skipped: dict[str, str]


def analyse(reports: pd.DataFrame, *, priority=None, window_start="2020-11-10", window_end=None,
            measures=None, dispersion_threshold: float = 1.5) -> CasualtyAnalysis:
    """Reconcile, fit the trend of each measure on the intervals inside the window, estimate daily and
    monthly. ``window_end`` defaults to the last kept statement."""
    recon = reconcile_casualties(reports, priority)
    measures = list(measures or MEASURES)
    start = pd.Timestamp(window_start)
    end = pd.Timestamp(window_end) if window_end else recon.kept["date"].max()
    trends, intervals, daily_parts, monthly_parts, skipped = {}, {}, [], [], {}
    for measure in measures:
        ivals = interval_counts(recon.kept, measure, start, end)
        intervals[measure] = ivals
        trend = None
        try:
            trend = fit_trend(ivals, measure, dispersion_threshold)
            trends[measure] = trend
        except ValueError as exc:
            skipped[measure] = str(exc)
        rho = intra_class_correlation(trend.pearson_dispersion if trend else float("nan"), ivals["count"])
        daily = daily_counts(recon.kept, measure, trend, rho)
        daily_parts.append(daily[(daily["date"] >= start) & (daily["date"] <= end)])
        if trend is not None:
            monthly_parts.append(monthly_expected(trend, f"{max(start, CEASEFIRE):%Y-%m}", f"{end:%Y-%m}"))
    daily = pd.concat(daily_parts, ignore_index=True)
    monthly = pd.concat(monthly_parts, ignore_index=True) if monthly_parts else pd.DataFrame(
        columns=["month", "measure", "expected", "lower", "upper"])
    bounds = check_bounds(recon.bounds()[["record_id", "date", "measure", "value", "qualifier", "reporting_body"]], daily)
    return CasualtyAnalysis(recon, trends, intervals, daily, monthly, bounds, skipped)


def annual_cross_check(reports: pd.DataFrame, daily: pd.DataFrame) -> pd.DataFrame:
    """Calendar-year totals (official, not relays) against the series' increase over the same year.

    Columns: ``year, record_id, reporting_body, measure, stated, series_increase, lower, upper, residual``.
    The series' increase is the estimate at 31 Dec minus that at 31 Dec of the year before (or at the
    ceasefire), with the difference of the interval ends as a rough range.
    """
    annual = reports[(reports["basis"] == "annual") & (reports["scope"] == "official") & ~has_flag(reports, "duplicate")]
    rows = []
    for rid, row in annual.iterrows():
        year = row["period_start"].year
        for measure in ("total", "killed", "injured"):
            stated = row[COLUMN_OF[measure]]
            if pd.isna(stated):
                continue
            d = daily[daily["measure"] == measure].set_index("date")
            end, begin = pd.Timestamp(f"{year}-12-31"), max(pd.Timestamp(f"{year - 1}-12-31"), CEASEFIRE)
            if end not in d.index or begin not in d.index:
                continue
            increase = d.loc[end, "estimate"] - d.loc[begin, "estimate"]
            rows.append({"year": year, "record_id": rid, "reporting_body": str(row["reporting_body"]), "measure": measure,
                         "stated": int(stated), "series_increase": increase,
                         "lower": d.loc[end, "lower"] - d.loc[begin, "upper"], "upper": d.loc[end, "upper"] - d.loc[begin, "lower"],
                         "residual": int(stated) - increase})
    return pd.DataFrame(rows, columns=["year", "record_id", "reporting_body", "measure", "stated", "series_increase",
                                       "lower", "upper", "residual"])


def trend_table(analysis: CasualtyAnalysis) -> pd.DataFrame:
    """One row per measure: model, rate ratio per year with its 95 % CI, Pearson χ²/df, intervals used."""
    rows = []
    for measure, t in analysis.trends.items():
        rows.append({"measure": measure, "model": t.model, "rate_ratio_per_year": t.rate_ratio_per_year,
                     "lower_95": t.rate_ratio_lower, "upper_95": t.rate_ratio_upper,
                     "pearson_chi2_per_df": t.pearson_dispersion, "intervals": t.n_intervals})
    for measure, why in analysis.skipped.items():
        rows.append({"measure": measure, "model": f"not fitted: {why}"})
    return pd.DataFrame(rows).set_index("measure")


def reconciliation_summary(analysis: CasualtyAnalysis) -> pd.DataFrame:
    """Observations per measure by status (kept, bound, dropped)."""
    obs = analysis.reconciliation.observations
    table = obs.pivot_table(index="measure", columns="status", values="record_id", aggfunc="count", fill_value=0)
    table = table.reindex(index=[m for m in MEASURES if m in table.index], columns=["kept", "bound", "dropped"], fill_value=0)
    table.columns.name = None
    return table


def describe_trend(analysis: CasualtyAnalysis, measure: str) -> str:
    """One sentence on the trend of ``measure``, with its interval and method."""
    t = analysis.trends.get(measure)
    if t is None:
        return f"No trend of {measure} could be fitted: {analysis.skipped.get(measure, 'no data')}."
    change = (t.rate_ratio_per_year - 1) * 100
    direction = "fell" if t.rate_ratio_upper < 1 else "rose" if t.rate_ratio_lower > 1 else "changed by an uncertain amount"
    daily = analysis.daily[analysis.daily["measure"] == measure]
    return (f"From {daily['date'].min():%d %b %Y} to {daily['date'].max():%d %b %Y} the rate of {LABELS[measure]} "
            f"{direction}: rate ratio {t.rate_ratio_per_year:.2f} per year (95% CI {t.rate_ratio_lower:.2f}-"
            f"{t.rate_ratio_upper:.2f}), i.e. {change:+.0f}% a year; {t.method()}.")


SPLIT_MEASURES = ["civilian", "military", "civilian_killed", "military_killed", "civilian_injured", "military_injured"]


def split_points(analysis: CasualtyAnalysis, start=None, end=None) -> pd.DataFrame:
    """Dates (within [start, end] when given) where the series has kept points of both civilian and military
    casualties.

    Columns: ``date`` and the :data:`SPLIT_MEASURES` (people; a part missing where not kept), ``record_id`` (the
    statement behind the civilian figure).
    """
    kept = analysis.reconciliation.kept
    kept = kept[kept["measure"].isin(SPLIT_MEASURES)]
    wide = kept.pivot_table(index="date", columns="measure", values="value").reindex(columns=SPLIT_MEASURES)
    wide = wide.dropna(subset=["civilian", "military"]).astype("Int64")
    ids = kept[kept["measure"] == "civilian"].set_index("date")["record_id"]
    wide["record_id"] = ids.reindex(wide.index)
    wide.columns.name = None
    wide = wide.reset_index()
    if start is not None:
        wide = wide[wide["date"] >= pd.Timestamp(start)]
    if end is not None:
        wide = wide[wide["date"] <= pd.Timestamp(end)]
    return wide.reset_index(drop=True)


def split_at(splits: pd.DataFrame, date: pd.Timestamp | None = None) -> pd.Series:
    """The full split (civilian and military, killed and all) on ``date``, or the latest one if None."""
    full = splits.dropna(subset=["civilian", "military", "civilian_killed", "military_killed"])
    if full.empty:
        raise ValueError("no date has the full civilian/military split")
    if date is None:
        return full.iloc[-1]
    match = full[full["date"] == date]
    if match.empty:
        dates = ", ".join(f"{d:%Y-%m-%d}" for d in full["date"])
        raise ValueError(f"no full civilian/military split on {date:%Y-%m-%d}; dates with one: {dates}")
    return match.iloc[0]
