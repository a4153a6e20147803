"""Casualties since the 10 November 2020 ceasefire: the reconciled cumulative series of every measure, its
trend and daily estimates with intervals, the monthly expected counts, the annual cross-check, and the
civilian/military splits the series keeps (:func:`analyse` and what reads its result).

Measures: ``total`` (victims, killed + injured), ``killed``, ``injured``, ``civilian``, ``military``,
``civilian_killed``, ``civilian_injured``, ``military_killed``, ``military_injured`` (people).

Methods (named in notebook 01):

- *Observations* and their *reconciliation*: :mod:`analysis.statements.casualty_reports`, with the body
  priority a notebook parameter.
- *Trend*: :mod:`analysis.casualties.trend`, fitted to the counts between kept points in the window.
- *Daily estimate*: :func:`analysis.statements.daily.daily_counts`, a beta-binomial split of each increment
  between kept points by the trend's intensity, its intra-class correlation set by the trend's dispersion.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..data import has_flag
from ..statements.casualty_reports import COLUMN_OF, MEASURES, reconcile_casualties
from ..statements.daily import CEASEFIRE, daily_counts, intra_class_correlation
from ..statements.reconcile import Reconciliation, check_bounds
from .trend import Trend, fit_trend, interval_counts, monthly_expected


LABELS = {
    "total": "casualties (killed and injured)", "killed": "people killed", "injured": "people injured",
    "civilian": "civilian casualties", "military": "military casualties", "civilian_killed": "civilians killed",
    "civilian_injured": "civilians injured", "military_killed": "military killed", "military_injured": "military injured",
}


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
