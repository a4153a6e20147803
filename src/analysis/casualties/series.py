"""Casualties since the 10 November 2020 ceasefire: one series per measure from every statement, its parts
made to add up, the daily series to the nowcast date, the monthly amounts, the trend, and what became of
every statement (:func:`analyse` and what reads its result).

Measures: ``total`` (victims, killed + injured), ``killed``, ``injured``, ``civilian``, ``military``,
``civilian_killed``, ``civilian_injured``, ``military_killed``, ``military_injured`` (people).

Methods (named in notebook 01):

- *Observations*: every official statement of a measure (cumulative since the ceasefire, or a count over a
  period: ANAMA's interval table, the Prosecutor General's calendar years, year-to-date figures), with the
  parts it prints completed by addition where exact (:mod:`analysis.statements.observations`).
- *One series per measure*: the statement model (:mod:`analysis.statements.model`): latent weekly
  increments, each statement a linear functional of them with its own error model.
- *Parts that add up*: the measures' daily series projected onto the sums (total = killed + injured =
  civilian + military; :mod:`analysis.statements.coherence`).
- *Trend*: :mod:`analysis.casualties.trend`.

The civilian/military splits of notebook 02 are the statements' own splits at their dates; they come from
the first pass of the reconciliation (:func:`first_pass`, :func:`split_points`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..data import has_flag
from ..statements import coherence, latent
from ..statements.casualty_reports import COLUMN_OF, derive_parts, reconcile_casualties
from ..statements.model import SeriesFit, fit_series
from ..statements.observations import CASUALTY_MEASURES, CEASEFIRE, casualty_observations, day
from ..statements.reconcile import Reconciliation
from .trend import Trend, fit_trend, monthly_expected

MEASURES = list(CASUALTY_MEASURES)
LABELS = {
    "total": "casualties (killed and injured)", "killed": "people killed", "injured": "people injured",
    "civilian": "civilian casualties", "military": "military casualties", "civilian_killed": "civilians killed",
    "civilian_injured": "civilians injured", "military_killed": "military killed", "military_injured": "military injured",
}
DAILY_COLUMNS = ["date", "measure", "estimate", "lower", "upper", "lower_50", "upper_50", "kind"]
MONTHLY_COLUMNS = ["month", "measure", "expected", "lower", "upper", "predictive_lower", "predictive_upper",
                   "estimate", "estimate_lower", "estimate_upper", "kind"]


@dataclass
class CasualtyAnalysis:
    """The result of :func:`analyse`.

    ``daily``: :data:`DAILY_COLUMNS`, every day from the window's start to the nowcast date (``kind`` fit up
    to the measure's last statement, forecast after). ``monthly``: :data:`MONTHLY_COLUMNS`: the trend's
    expected amount (90 % interval for the mean, predictive interval for the count) and the series' own
    estimate of the month's count (90 %). ``statements``: every observation with its status and reason.
    ``not_used``: the statements that gave no observation, with the reason.
    """

    fits: dict[str, SeriesFit]
    daily: pd.DataFrame
    monthly: pd.DataFrame
    trends: dict[str, Trend]
    statements: pd.DataFrame
    not_used: pd.DataFrame
    nowcast_to: pd.Timestamp
    skipped: dict[str, str] = field(default_factory=dict)

    def daily_of(self, measure: str = "total") -> pd.DataFrame:
        return self.daily[self.daily["measure"] == measure].sort_values("date").reset_index(drop=True)

    def last_fitted(self, measure: str = "total") -> pd.Series:
        """The daily row of the measure's last statement day (its latest fitted day)."""
        d = self.daily_of(measure)
        return d[d["kind"] == "fit"].iloc[-1]

    def bounds(self, measure: str | None = None) -> pd.DataFrame:
        """Rounded figures and bounds ("about 300", "over 350") with what the series gives there and whether it
        meets them."""
        s = self.statements
        s = s[(s["lo"] != s["hi"])]
        if measure is not None:
            s = s[s["measure"] == measure]
        return s[["record_id", "measure", "date", "qualifier", "value", "lo", "hi", "predicted", "status", "reason"]].set_index("record_id")

    def statuses(self) -> pd.DataFrame:
        """Observations per measure by status."""
        t = self.statements.pivot_table(index="measure", columns="status", values="record_id", aggfunc="count", fill_value=0)
        order = ["fitted", "down-weighted", "bound met", "bound not met", "window not met", "not fitted"]
        t = t.reindex(index=[m for m in MEASURES if m in t.index], columns=[c for c in order if c in t.columns], fill_value=0)
        t.columns.name = None
        return t

    def not_fitted(self, measure: str | None = None) -> pd.DataFrame:
        """Observations that are not fitted or only down-weighted, with the reason."""
        s = self.statements[self.statements["status"].isin(["not fitted", "down-weighted", "bound not met", "window not met"])]
        if measure is not None:
            s = s[s["measure"] == measure]
        return s[["record_id", "measure", "date", "value", "reporting_body", "status", "reason"]].set_index("record_id")


def analyse(reports: pd.DataFrame, sources: pd.DataFrame, *, corrected=(), nowcast_to=None,
            window_start="2020-11-10", window_end=None, measures=None, coherent: bool = True) -> CasualtyAnalysis:
    """Fit every measure from every statement, make the parts add up, and carry the series to ``nowcast_to``
    (default: the last statement). The trend is fitted on the amounts inside the window (``window_end``
    defaults to the last statement); ``corrected``: ids of rows that corrections.csv mends (a row flagged
    implausible is fitted only if corrected). ``coherent=False`` fits only ``measures``, each on its own
    (quicker, where the parts need not add up: notebook 03 reads only the total)."""
    obs, not_used = casualty_observations(reports, sources, derive_parts, set(corrected))
    measures = list(measures or MEASURES)
    last_statement = int(obs.loc[obs["fitted"], "end_hi"].max())
    now = day(nowcast_to) if nowcast_to is not None else last_statement
    fits, skipped = {}, {}
    for m in (MEASURES if coherent else measures):  # coherent parts need every measure's own fit
        sel = obs[obs["measure"] == m]
        try:
            fits[m] = fit_series(sel, key=f"casualties:{m}", relative=False, season=False, nowcast_day=now)
        except ValueError as exc:
            skipped[m] = str(exc)
    own = {m: f.daily for m, f in fits.items()}
    scales = {m: f.scales for m, f in fits.items()}
    if coherent and all(b in own for b in coherence.CASUALTY_BOTTOM):
        daily = coherence.reconcile_daily(own, coherence.CASUALTY_BOTTOM, coherence.CASUALTY_SUMS,
                                          lambda m, est: scales[m].official(est))
    else:
        daily = pd.concat([d.assign(measure=m) for m, d in own.items()], ignore_index=True)
    start = pd.Timestamp(window_start)
    daily = daily[(daily["date"] >= start) & daily["measure"].isin(measures)]
    daily = daily[DAILY_COLUMNS].sort_values(["measure", "date"], key=_measure_order).reset_index(drop=True)
    trends = {}
    for m in measures:
        if m not in fits:
            continue
        try:
            trends[m] = fit_trend(fits[m], m, window_start, window_end)
        except ValueError as exc:
            skipped[m] = str(exc)
    monthly = monthly_table(fits, trends, measures, start, CEASEFIRE + pd.Timedelta(days=now))
    statements = pd.concat([f.observations for m, f in fits.items() if m in measures], ignore_index=True)
    statements["date"] = CEASEFIRE + pd.to_timedelta((statements["end_lo"] + statements["end_hi"]) // 2, unit="D")
    return CasualtyAnalysis(fits, daily, monthly, trends, statements, not_used, CEASEFIRE + pd.Timedelta(days=now), skipped)


def last_statement(reports: pd.DataFrame, sources: pd.DataFrame, corrected=()) -> pd.Timestamp:
    """The latest day any fitted casualty statement refers to (where the series' fit ends)."""
    obs, _ = casualty_observations(reports, sources, derive_parts, set(corrected))
    return CEASEFIRE + pd.Timedelta(days=int(obs.loc[obs["fitted"], "end_hi"].max()))


def _measure_order(col: pd.Series) -> pd.Series:
    return col.map({m: i for i, m in enumerate(MEASURES)}) if col.name == "measure" else col


def monthly_table(fits: dict[str, SeriesFit], trends: dict[str, Trend], measures, start: pd.Timestamp,
                  end: pd.Timestamp) -> pd.DataFrame:
    """Per measure and calendar month: the trend's expected amount with its intervals, and the series' own
    estimate of the month's count with a 90 % interval (:data:`MONTHLY_COLUMNS`)."""
    parts = []
    for m in measures:
        if m not in trends:
            continue
        f = fits[m]
        table = monthly_expected(trends[m], f"{max(start, CEASEFIRE):%Y-%m}", f"{end:%Y-%m}")
        months = pd.PeriodIndex(table["month"], freq="M")
        t0 = np.array([max(day(p.start_time), 0) for p in months])
        t1 = np.array([min(day(p.end_time.normalize()), day(end)) + 1 for p in months])
        mean, var = latent.increment_moments(f.fit.x, f.fit.cov, t0, t1)
        sd = np.sqrt(var)
        table["estimate"] = mean
        table["estimate_lower"] = np.maximum(mean - 1.6449 * sd, 0.0)
        table["estimate_upper"] = mean + 1.6449 * sd
        table["kind"] = np.where(t1 - 1 <= f.last_day, "fit", "forecast")
        parts.append(table)
    if not parts:
        return pd.DataFrame(columns=MONTHLY_COLUMNS)
    return pd.concat(parts, ignore_index=True)[MONTHLY_COLUMNS]


def annual_cross_check(reports: pd.DataFrame, analysis: CasualtyAnalysis) -> pd.DataFrame:
    """Calendar-year totals (official, not relays) against the series' increase over the same year: the model
    fits them, so the residual says how far the other statements pull it away.

    Columns: ``year, record_id, reporting_body, measure, stated, series_increase, lower, upper, residual``
    (90 % interval of the series' increase, from its own fit).
    """
    annual = reports[(reports["basis"] == "annual") & (reports["scope"] == "official") & ~has_flag(reports, "duplicate")]
    rows = []
    for rid, row in annual.iterrows():
        year = row["period_start"].year
        for measure in ("total", "killed", "injured"):
            stated = row[COLUMN_OF[measure]]
            if pd.isna(stated) or measure not in analysis.fits:
                continue
            f = analysis.fits[measure]
            t0 = max(day(f"{year}-01-01"), 0)
            t1 = day(f"{year}-12-31") + 1
            if t1 - 1 > f.last_day:
                continue
            mean, var = latent.increment_moments(f.fit.x, f.fit.cov, np.array([t0]), np.array([t1]))
            sd = float(np.sqrt(var[0]))
            rows.append({"year": year, "record_id": rid, "reporting_body": str(row["reporting_body"]), "measure": measure,
                         "stated": int(stated), "series_increase": float(mean[0]), "lower": float(mean[0]) - 1.6449 * sd,
                         "upper": float(mean[0]) + 1.6449 * sd, "residual": int(stated) - float(mean[0])})
    return pd.DataFrame(rows, columns=["year", "record_id", "reporting_body", "measure", "stated", "series_increase",
                                       "lower", "upper", "residual"])


def trend_table(analysis: CasualtyAnalysis) -> pd.DataFrame:
    """One row per measure: the window of the amounts fitted (``from``, ``to``), the rate ratio per year with its
    95 % CI (and after a change of slope), Pearson's dispersion, the amounts fitted, and the fitted against the
    observed total."""
    rows = []
    for measure, t in analysis.trends.items():
        rr, lo, hi = t.rate_ratio
        after = t.rate_ratio_after
        rows.append({"measure": measure, "from": CEASEFIRE + pd.Timedelta(days=t.first_day),
                     "to": CEASEFIRE + pd.Timedelta(days=t.last_day), "rate_ratio_per_year": rr, "lower_95": lo, "upper_95": hi,
                     "slope_changes": f"{t.knot_date:%Y-%m-%d}" if t.knot_date is not None else "",
                     "rate_ratio_after": after[0] if after else np.nan, "after_lower_95": after[1] if after else np.nan,
                     "after_upper_95": after[2] if after else np.nan, "pearson_chi2_per_df": t.rate.phi,
                     "amounts": t.rate.n, "fitted_total": t.fitted_total, "observed_total": t.observed_total})
    for measure, why in analysis.skipped.items():
        if measure not in analysis.trends:
            rows.append({"measure": measure, "slope_changes": f"not fitted: {why}"})
    return pd.DataFrame(rows).set_index("measure") if rows else pd.DataFrame()


def describe_trend(analysis: CasualtyAnalysis, measure: str) -> str:
    """One sentence on the trend of ``measure``, with its interval and method."""
    t = analysis.trends.get(measure)
    if t is None:
        return f"No trend of {measure} could be fitted: {analysis.skipped.get(measure, 'no data')}."
    rr, lo, hi = t.rate_ratio
    direction = "fell" if hi < 1 else "rose" if lo > 1 else "changed by an uncertain amount"
    first, last = CEASEFIRE + pd.Timedelta(days=t.first_day), CEASEFIRE + pd.Timedelta(days=t.last_day)
    text = (f"From {first:%d %b %Y} to {last:%d %b %Y} the rate of {LABELS[measure]} {direction}: rate ratio {rr:.2f} per "
            f"year (95% CI {lo:.2f}-{hi:.2f}), i.e. {(rr - 1) * 100:+.0f}% a year")
    if t.rate_ratio_after is not None:
        a, alo, ahi = t.rate_ratio_after
        text += f", then {a:.2f} per year (95% CI {alo:.2f}-{ahi:.2f}) from {t.knot_date:%B %Y}"
    return text + f"; {t.method()}."


# --------------------------------------------------------------------------------------------------
# the statements' own civilian/military splits (notebook 02)

SPLIT_MEASURES = ["civilian", "military", "civilian_killed", "military_killed", "civilian_injured", "military_injured"]


def first_pass(reports: pd.DataFrame, priority=None) -> Reconciliation:
    """The first pass of the statements (:func:`analysis.statements.casualty_reports.reconcile_casualties`):
    relays collapsed, one figure per date by body priority, the largest set that never falls. Notebook 02
    reads the civilian/military splits the statements print from it."""
    return reconcile_casualties(reports, priority)


def split_points(reconciliation: Reconciliation, start=None, end=None) -> pd.DataFrame:
    """Dates (within [start, end] when given) where the first pass kept both civilian and military casualties.

    Columns: ``date`` and the :data:`SPLIT_MEASURES` (people; a part missing where not kept), ``record_id`` (the
    statement behind the civilian figure).
    """
    kept = reconciliation.kept
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
