"""Casualties since the 10 November 2020 ceasefire: the reconciled cumulative series, daily estimates
with intervals, the trend model and monthly expected counts.

Measures: ``total`` (victims, killed + injured), ``killed``, ``injured``, ``civilian``, ``military``,
``civilian_killed``, ``civilian_injured``, ``military_killed``, ``military_injured`` (people).

Methods (named in notebook 01):

- *Observations* come from official statements of the cumulative count since the ceasefire (civilian
  measures also from civilian-only statements). A measure a page did not print but whose parts it
  printed exactly is derived by addition or subtraction (``derived = True``; e.g. killed = civilian killed
  + military killed). ANAMA's interval table is chained onto its cumulative count of 14 Dec 2021 to give
  exact cumulative points that no single statement prints.
- *Reconciliation*: :func:`analysis.reconcile.reconcile` (relays, bounds, one figure per date, never
  falling), with the body priority a notebook parameter.
- *Trend*: the counts between consecutive kept points, with their exposure in days, in a Poisson GLM
  with ``offset = log(days)`` and a linear time term (years since the ceasefire); if the Pearson χ²/df
  exceeds a threshold (default 1.5) a negative binomial (NB2) model is fitted instead. The rate ratio per
  year comes with its 95 % Wald interval; monthly expected counts with a 90 % interval by the delta
  method on the log scale.
- *Daily estimate*: between two kept points the increment is split in proportion to the fitted intensity;
  the count reached on a given day follows a beta-binomial distribution whose intra-class correlation is
  set so that the variance inflation at the median increment equals the trend model's Pearson
  dispersion (binomial when there is none). The estimate is its median and the 90 % interval its 5th-95th
  percentiles, so every kept point lies inside (at a kept point the interval has zero width).
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
from .reconcile import OBSERVATION_COLUMNS, Reconciliation, reconcile, segments

CEASEFIRE = pd.Timestamp("2020-11-10")
#: The curation flag of an old total repeated after a newer one: listed, never a point of the series.
STALE_FLAG = "stale"
MEASURES = [
    "total", "killed", "injured", "civilian", "military",
    "civilian_killed", "civilian_injured", "military_killed", "military_injured",
]
#: Where a measure is printed in casualty_reports.csv.
COLUMN_OF = {
    "total": "total", "killed": "killed", "injured": "injured", "civilian": "civilian_total",
    "military": "military_total", "civilian_killed": "civilian_killed", "civilian_injured": "civilian_injured",
    "military_killed": "military_killed", "military_injured": "military_injured",
}
#: measure = a + b, used both ways (a measure from its parts; a part from the total and the other part).
SUMS = [
    ("total", "killed", "injured"),
    ("total", "civilian", "military"),
    ("killed", "civilian_killed", "military_killed"),
    ("injured", "civilian_injured", "military_injured"),
    ("civilian", "civilian_killed", "civilian_injured"),
    ("military", "military_killed", "military_injured"),
]
LABELS = {
    "total": "casualties (killed and injured)", "killed": "people killed", "injured": "people injured",
    "civilian": "civilian casualties", "military": "military casualties", "civilian_killed": "civilians killed",
    "civilian_injured": "civilians injured", "military_killed": "military killed", "military_injured": "military injured",
}
CIVILIAN_MEASURES = {"civilian", "civilian_killed", "civilian_injured"}
#: Default order of trust (the sources' notes: ANAMA, then the Prosecutor General, then the Presidential
#: Administration's infographics, which cite ANAMA, then the Foreign Ministry and others).
DEFAULT_PRIORITY = [
    "anama", "pgo", "presidential_administration", "mfa", "president", "ombudsman", "un",
    "government_other", "sss", "amva", "media", "encyclopedia",
]


def derive_parts(values: dict[str, float]) -> dict[str, tuple[float, bool]]:
    """Complete a statement's measures from printed ones by the sums in :data:`SUMS`.

    Returns measure -> (value, derived). Derived values never overwrite printed ones; a derived value
    that would be negative is not produced.
    """
    out = {m: (float(v), False) for m, v in values.items() if v is not None and not pd.isna(v)}
    changed = True
    while changed:
        changed = False
        for whole, a, b in SUMS:
            have = {k: out[k][0] for k in (whole, a, b) if k in out}
            if len(have) != 2:
                continue
            if whole not in have:
                out[whole] = (have[a] + have[b], True)
            else:
                part, other = (a, b) if a not in have else (b, a)
                value = have[whole] - have[other]
                if value < 0:
                    continue
                out[part] = (value, True)
            changed = True
    return out


def _as_of(row) -> tuple[pd.Timestamp | None, str]:
    """The date a statement's count refers to, and a note when it is approximate."""
    if pd.isna(row["as_of_date"]):
        return None, "no as-of date"
    if row["as_of_date_precision"] == "year":
        return None, "as-of date known only to the year"
    if row["as_of_date_precision"] == "month":
        return row["as_of_date"] + pd.Timedelta(days=14), "as-of date known to the month: placed on the 15th"
    return row["as_of_date"], ""


def _eligible(row) -> str:
    """Empty if the statement counts since the ceasefire (all or civilian victims), else why not."""
    if row["basis"] != "cumulative":
        return {
            "interval": "an interval count: chained onto ANAMA's cumulative count where contiguous",
            "annual": "a calendar-year total: compared with the series in the annual cross-check",
        }.get(row["basis"], f"a {row['basis']} count, not cumulative since the ceasefire")
    if row["period_start"] < pd.Timestamp("2020-11-01") or row["period_start"] > CEASEFIRE:
        return "counts from another start (e.g. since 1991): the long-run series"
    if row["scope"] not in ("official", "official_civilians"):
        return f"another scope ({row['scope']}): not the official count since the ceasefire"
    if isinstance(row.get("flags"), str) and STALE_FLAG in row["flags"].split(";"):
        return "flagged stale by the curation: an old total repeated after a newer one"
    return ""


def observations(reports: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observations of the measures in official statements since the ceasefire, and the statements not used.

    ``reports`` is the typed ``casualty_reports`` frame (index ``report_id``).
    """
    rows, not_used = [], []
    for rid, row in reports.to_dict("index").items():  # plain dicts: a Series per row cost more than the work
        why = _eligible(row)
        date, date_note = _as_of(row)
        if not why and date is None:
            why = date_note
        if why:
            not_used.append({"record_id": rid, "reason": why})
            continue
        printed = {m: row[c] for m, c in COLUMN_OF.items()}
        values = derive_parts(printed) if row["qualifier"] == "exact" else {
            m: (float(v), False) for m, v in printed.items() if not pd.isna(v)}
        if row["scope"] == "official_civilians":
            values = {m: v for m, v in values.items() if m in CIVILIAN_MEASURES}
        if not values:
            not_used.append({"record_id": rid, "reason": "gives no figure of the measures"})
            continue
        for measure, (value, derived) in values.items():
            rows.append({
                "record_id": rid, "date": date, "measure": measure, "value": value, "qualifier": str(row["qualifier"]),
                "reporting_body": str(row["reporting_body"]), "derived": derived,
                "duplicate_of": row["duplicate_of"] if not pd.isna(row["duplicate_of"]) else None, "note": date_note,
            })
    return pd.DataFrame(rows, columns=OBSERVATION_COLUMNS), pd.DataFrame(not_used, columns=["record_id", "reason"])


def chained_intervals(reports: pd.DataFrame) -> pd.DataFrame:
    """Exact cumulative points from ANAMA's interval table chained onto its cumulative count.

    The official interval rows (sorted by start) are chained while each starts the day after the previous
    ends; the chain starts from an exact ANAMA cumulative statement dated the day before the first
    interval. Each measure is chained as long as every interval gives it (printed or derived).
    """
    intervals = reports[(reports["basis"] == "interval") & (reports["scope"] == "official")].sort_values("period_start")
    if intervals.empty:
        return pd.DataFrame(columns=OBSERVATION_COLUMNS)
    start = intervals["period_start"].iloc[0]
    base = reports[(reports["basis"] == "cumulative") & (reports["reporting_body"] == "anama") & (reports["qualifier"] == "exact")
                   & (reports["as_of_date_precision"] == "day") & (reports["as_of_date"] == start - pd.Timedelta(days=1))]
    if base.empty:
        return pd.DataFrame(columns=OBSERVATION_COLUMNS)
    base_id = base.index[0]
    running = {m: v for m, (v, _) in derive_parts({m: base.iloc[0][c] for m, c in COLUMN_OF.items()}).items()}
    rows, expected_start, ids = [], start, []
    for rid, row in intervals.iterrows():
        if row["period_start"] != expected_start:
            break
        ids.append(rid)
        parts = derive_parts({m: row[c] for m, c in COLUMN_OF.items()}) if row["qualifier"] == "exact" else {}
        running = {m: v + parts[m][0] for m, v in running.items() if m in parts}
        for measure, value in running.items():
            rows.append({"record_id": rid, "date": row["as_of_date"], "measure": measure, "value": value,
                         "qualifier": "exact", "reporting_body": "anama", "derived": True, "duplicate_of": None,
                         "note": f"chained: {base_id} + intervals {ids[0]}..{rid}"})
        expected_start = row["as_of_date"] + pd.Timedelta(days=1)
    return pd.DataFrame(rows, columns=OBSERVATION_COLUMNS)


def reconcile_casualties(reports: pd.DataFrame, priority: list[str] | None = None) -> Reconciliation:
    """The reconciled cumulative series of every measure since the ceasefire."""
    priority = list(priority or DEFAULT_PRIORITY)
    obs, not_used = observations(reports)
    chain = chained_intervals(reports)
    if not chain.empty:
        chained_ids = set(chain["record_id"])
        not_used = not_used[~not_used["record_id"].isin(chained_ids)]
        obs = pd.concat([obs, chain], ignore_index=True)
    result = reconcile(obs, priority)
    result.not_used = not_used.reset_index(drop=True)
    return result


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
# daily estimate


def intra_class_correlation(dispersion: float, increments) -> float:
    """ρ with 1 + (n̄ − 1) ρ = dispersion at the median increment n̄ (0 when not over-dispersed)."""
    increments = np.asarray([i for i in increments if i > 1], dtype=float)
    if not np.isfinite(dispersion) or dispersion <= 1 or increments.size == 0:
        return 0.0
    return float(np.clip((dispersion - 1) / (np.median(increments) - 1), 0.0, 0.5))


def betabinom_quantiles(n, a, b, qs) -> tuple[np.ndarray, ...]:
    """Quantiles of Beta-Binomial(n, a, b) for each element: the smallest k with P(X ≤ k) ≥ q.

    The same definition as ``scipy.stats.betabinom.ppf``, but vectorised: for the elements that share an
    ``n`` (every day between two kept points does), the probabilities of 0..n come from
    ``scipy.stats.betabinom.pmf`` in one call and are summed cumulatively. (scipy's generic discrete ppf
    bisects element by element, which took seconds per notebook.) A cumulative probability within 1e-12
    of q counts as reaching it, so an exact tie (q = 0.5 in a symmetric split) is not lost to rounding.
    """
    n = np.asarray(n, dtype=np.int64)
    a, b = np.broadcast_to(np.asarray(a, dtype=float), n.shape), np.broadcast_to(np.asarray(b, dtype=float), n.shape)
    out = tuple(np.empty(n.shape) for _ in qs)
    for size in np.unique(n):
        at = np.flatnonzero(n == size)
        support = np.arange(size + 1)
        cdf = np.cumsum(stats.betabinom.pmf(support[None, :], size, a[at, None], b[at, None]), axis=1)
        for q, result in zip(qs, out):
            reached = cdf >= q - 1e-12
            result[at] = np.where(reached.any(axis=1), reached.argmax(axis=1), size)
    return out


def daily_cumulative(kept: pd.DataFrame, measure: str, trend: Trend | None = None, rho: float = 0.0,
                     level: float = 0.90) -> pd.DataFrame:
    """Cumulative estimate for every day from the ceasefire to the last kept point of ``measure``.

    Columns ``date, measure, estimate, lower, upper`` (people). Between kept points the increment n is split
    by the fitted intensity (uniformly without a trend); the count reached follows Beta-Binomial(n, p, ρ).
    The estimate is its median (a whole number of people), the interval its 5th and 95th percentiles.
    """
    seg = segments(kept, measure, CEASEFIRE)
    if seg is None:
        return pd.DataFrame(columns=["date", "measure", "estimate", "lower", "upper"])
    days, dates, t0, t1, v0, v1 = seg.days, seg.dates, seg.t0, seg.t1, seg.v0, seg.v1
    rate = trend.rate_per_day(dates) if trend is not None else np.ones(days.size)
    cum_rate = np.concatenate([[0.0], np.cumsum(rate[1:])])  # expected events up to the end of each day
    n = (v1 - v0).astype(int)
    span = cum_rate[t1] - cum_rate[t0]
    p = np.where(span > 0, (cum_rate[days] - cum_rate[t0]) / np.where(span > 0, span, 1), 1.0)
    p = np.clip(p, 0.0, 1.0)
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    inner = (p > 0) & (p < 1) & (n > 0)
    lower = np.where(inner, 0.0, np.where(p >= 1, n, 0)).astype(float)
    upper = lower.copy()
    middle = lower.copy()
    if inner.any():
        if rho > 0:
            k = 1 / rho - 1
            lower[inner], middle[inner], upper[inner] = betabinom_quantiles(
                n[inner], p[inner] * k, (1 - p[inner]) * k, (lo_q, 0.5, hi_q))
        else:
            dist = stats.binom(n[inner], p[inner])
            lower[inner], middle[inner], upper[inner] = dist.ppf(lo_q), dist.ppf(0.5), dist.ppf(hi_q)
    return pd.DataFrame({
        "date": dates, "measure": measure, "estimate": (v0 + middle).round().astype(int),
        "lower": (v0 + lower).round().astype(int), "upper": (v0 + upper).round().astype(int),
    })


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
    from .reconcile import check_bounds

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
        daily = daily_cumulative(recon.kept, measure, trend, rho)
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
