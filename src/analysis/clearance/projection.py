"""How long the remaining contaminated land would take to clear: scenarios, rates, intervals, targets.

Units: areas in **hectares** (ha; 1 km² = 100 ha, :data:`KM2`), rates in **hectares per year** (the trend in
hectares per month, see below), durations in **years** (of 365.25 days), completion dates as **decimal
calendar years** (2039.26 = about 5 April 2039).

Method:

- *Remaining area* = estimated contaminated area − hectares cleared since 10 Nov 2020, for every
  published estimate taken as a named scenario (AzCBL 8,000 km², Feb 2023; ANAMA 9,000 km², Nov 2023;
  1,166,702 ha suspected hazardous area, 2024). The estimates are treated as gross totals (contamination
  at the ceasefire); each is a notebook parameter. Remaining never goes below 0.
- *Years to completion* by three methods:

  (a) the **last twelve months' rate** (ha/year), constant from today: years = remaining / rate;
  (b) the **fitted trend**: the monthly clearance rate ``exp(a + b·t)`` ha/month (t in years since the
      ceasefire) continued from today, solved in closed form for the time at which cumulative clearance
      reaches the remaining area (see :func:`years_at_trend`); if the trend falls (b < 0) and the total it
      can ever clear is less than the remaining area, the answer is ``inf``: *never at this trend*;
  (c) the **planned annual rates** stated in the sources (40,000 ha in 2022, 60,000 ha in 2024, more than
      65,000 ha in 2025 and 2026), constant from today, times how past plans were met: the achieved/planned
      ratio of every past year with a plan and a complete fitted year (:func:`plan_achievement`).

- *Intervals* (the ``interval`` column names what each reflects): for (a) the interval of the last-12-months
  rate and of cleared-to-date; for (b) a parametric bootstrap of the trend coefficients (draws of (a, b)
  from their multivariate normal sampling distribution) combined with the interval of cleared-to-date;
  for (c) a 90 % predictive interval of the achieved/planned ratio (Student t on the log ratios of the past
  years, scipy; a new year's ratio, not only their mean: plans rise with capacity, so future years need not
  average out) combined with the interval of cleared-to-date; with fewer than two past years, the plan as
  stated. The lower number of years always pairs the higher rate with the lower remaining area.
- *Targets*: about 10 years from Nov 2020 (ANAMA, so about 2030) and about 30 years from Oct 2022
  (President Aliyev quoting "international experts", so about 2052).

What "hectares cleared" means: see :data:`HECTARES_CAVEAT`. The published hectares are land *released*,
not anti-personnel minefield cleared: they include battle-area clearance and survey-based release, so
the projection is of land release, and a year to "completion" is when the released area would equal the
estimate, not when the last mine is lifted.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

#: Hectares per square kilometre.
KM2 = 100.0
CEASEFIRE = pd.Timestamp("2020-11-10")
DAYS_PER_YEAR = 365.25
#: Seed of the parametric bootstrap (the ceasefire's date).
SEED = 20201110

HECTARES_CAVEAT = (
    "'Hectares cleared' in the official releases is land released, not anti-personnel minefield cleared: it "
    "includes battle-area clearance and survey-based release. Mine Action Review counted 3.52 km² (352 ha) of "
    "anti-personnel mined area cleared in 2022, against ANAMA's 41,915 ha 'cleared of mines and UXO' that year."
)

METHOD_LAST12 = "last 12 months' rate"
METHOD_TREND = "fitted trend"
PLANNED_PREFIX = "planned: "
#: The ``interval`` text of a planned-rate row that carries how past plans were met begins with this.
PLAN_MET = "the plan times how past plans were met"

SCENARIO_COLUMNS = ["scenario", "contaminated_ha"]
REMAINING_COLUMNS = ["scenario", "contaminated_ha", "cleared_ha", "cleared_lower", "cleared_upper",
                     "remaining_ha", "remaining_lower", "remaining_upper"]
PROJECTION_COLUMNS = ["scenario", "method", "contaminated_ha", "cleared_ha", "remaining_ha", "remaining_lower",
                      "remaining_upper", "rate_ha_per_year", "rate_lower", "rate_upper", "years", "lower", "upper",
                      "completion_year", "completion_lower", "completion_upper", "interval", "note"]
TARGET_COLUMNS = ["target", "year", "source_note"]
FAN_COLUMNS = ["method", "year", "cleared", "lower", "upper"]

_DEFAULT_TARGETS = {
    "ANAMA, Nov 2020: all territory in about 10 years": 2030,
    "President Aliyev citing international experts, Oct 2022: about 30 years": 2052,
}
_DEFAULT_TARGET_NOTES = {
    "ANAMA, Nov 2020: all territory in about 10 years":
        "contamination_estimates ce025 (Azernews, 30 Nov 2020, Idris Ismayilov, ANAMA): 'complete the cleaning of "
        "the territories within 10 years' from Nov 2020",
    "President Aliyev citing international experts, Oct 2022: about 30 years":
        "contamination_estimates ce027 (News.az, 13 Oct 2022, CICA summit): 'nearly 30 years and 25 billion US "
        "dollars', attributed to unnamed international experts",
}


# --------------------------------------------------------------------------------------------- scenarios


def default_scenarios() -> dict[str, float]:
    """The published estimates of the contaminated area, in hectares, by scenario name.

    - AzCBL, Feb 2023: "about 8,000 square kilometers ... must be cleared" (ce007) = 800,000 ha;
    - ANAMA, Nov 2023: "about 9,000 square kilometers of territory were mined" (ce003) = 900,000 ha;
    - 2024: 1,166,702 ha "expected to contain landmines" (ce010, ce031; ANAMA's "nearly 1 million 167
      thousand hectares", Oct 2024, ce014; 11,667 km², ce044).
    """
    return {
        "AzCBL 8,000 km² (2023)": 8_000 * KM2,
        "ANAMA 9,000 km² (2023)": 9_000 * KM2,
        "ANAMA 1,166,702 ha (2024)": 1_166_702.0,
    }


def _check_scenarios(scenarios: Mapping[str, float]) -> None:
    if not isinstance(scenarios, Mapping) or not scenarios:
        raise ValueError(f"scenarios must be a non-empty dict of name -> hectares, got {scenarios!r}")
    for name, value in scenarios.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                or not np.isfinite(value) or value <= 0:
            raise ValueError(f"scenario {name!r}: contaminated area must be a positive number of hectares, got {value!r}")


def scenario_table(scenarios: Mapping[str, float]) -> pd.DataFrame:
    """One row per scenario: ``scenario`` (name), ``contaminated_ha`` (estimated contaminated area, ha).

    Inputs are in hectares (multiply km² by :data:`KM2`)."""
    _check_scenarios(scenarios)
    return pd.DataFrame({"scenario": list(scenarios), "contaminated_ha": [float(v) for v in scenarios.values()]},
                        columns=SCENARIO_COLUMNS)


def remaining(scenarios: Mapping[str, float], cleared: float, cleared_lower: float | None = None,
              cleared_upper: float | None = None) -> pd.DataFrame:
    """Remaining area of each scenario = contaminated − cleared (ha), never below 0.

    ``cleared`` is the hectares cleared (released) since the ceasefire up to today, with its interval
    ``cleared_lower``–``cleared_upper`` (default: no interval). The remaining area's interval comes
    from it: ``remaining_lower = contaminated − cleared_upper`` and ``remaining_upper = contaminated −
    cleared_lower``.

    Columns: ``scenario, contaminated_ha, cleared_ha, cleared_lower, cleared_upper, remaining_ha,
    remaining_lower, remaining_upper`` (all ha).
    """
    cleared_lower = cleared if cleared_lower is None else cleared_lower
    cleared_upper = cleared if cleared_upper is None else cleared_upper
    for name, value in (("cleared", cleared), ("cleared_lower", cleared_lower), ("cleared_upper", cleared_upper)):
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a non-negative number of hectares, got {value!r}")
    if not cleared_lower <= cleared <= cleared_upper:
        raise ValueError(f"need cleared_lower <= cleared <= cleared_upper, got {cleared_lower}, {cleared}, {cleared_upper}")
    out = scenario_table(scenarios)
    out["cleared_ha"] = float(cleared)
    out["cleared_lower"] = float(cleared_lower)
    out["cleared_upper"] = float(cleared_upper)
    total = out["contaminated_ha"]
    out["remaining_ha"] = (total - cleared).clip(lower=0.0)
    out["remaining_lower"] = (total - cleared_upper).clip(lower=0.0)
    out["remaining_upper"] = (total - cleared_lower).clip(lower=0.0)
    return out[REMAINING_COLUMNS]


# --------------------------------------------------------------------------------------------- years


def _years(remaining_ha, rate):
    remaining_ha, rate = np.broadcast_arrays(np.asarray(remaining_ha, dtype=float), np.asarray(rate, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        years = np.where(rate > 0, remaining_ha / np.where(rate > 0, rate, 1.0), np.inf)
    return np.where(remaining_ha <= 0, 0.0, years)


def _out(x):
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


def years_at_constant_rate(remaining_ha, rate_ha_per_year, rate_lower=None, rate_upper=None):
    """Years to clear ``remaining_ha`` hectares at a constant ``rate_ha_per_year``: years = remaining / rate.

    The interval comes from the rate's interval: the *lower* number of years from ``rate_upper`` and
    the *upper* from ``rate_lower``. A rate of 0 or less gives ``inf`` years (never); a remaining area of
    0 gives 0 years. Vectorised over arrays (broadcast). Returns ``(years, lower, upper)``.
    """
    rate_lower = rate_ha_per_year if rate_lower is None else rate_lower
    rate_upper = rate_ha_per_year if rate_upper is None else rate_upper
    lo, mid, hi = (np.asarray(v, dtype=float) for v in (rate_lower, rate_ha_per_year, rate_upper))
    if np.any(np.isnan(mid)) or np.any(lo > mid) or np.any(mid > hi):
        raise ValueError(f"need rate_lower <= rate_ha_per_year <= rate_upper, got {rate_lower}, {rate_ha_per_year}, {rate_upper}")
    if np.any(np.asarray(remaining_ha, dtype=float) < 0):
        raise ValueError("remaining_ha must not be negative")
    return _out(_years(remaining_ha, mid)), _out(_years(remaining_ha, hi)), _out(_years(remaining_ha, lo))


def trend_years(remaining_ha, intercept, slope, start_years):
    """Closed-form years T for the trend ``exp(a + b·t)`` ha/month (t in years since the ceasefire),
    started at ``t = start_years``, to clear ``remaining_ha`` hectares. Broadcasts over arrays.

    Cumulative clearance over the next T years is ``C(T) = ∫ 12·exp(a + b·t) dt`` from s to s + T, i.e.
    ``r0·(exp(b·T) − 1)/b`` with ``r0 = 12·exp(a + b·s)`` the current rate in ha/year (``r0·T`` if b = 0).
    Solving ``C(T) = R``: ``T = ln(1 + R·b/r0)/b``. If b < 0 the trend can only ever clear ``r0/(−b)``
    hectares; when that is less than R (or equal) the answer is ``inf``: never at this trend.
    """
    R, a, b, s = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (remaining_ha, intercept, slope, start_years)))
    r0 = 12.0 * np.exp(a + b * s)
    x = R * b / r0
    with np.errstate(divide="ignore", invalid="ignore"):
        general = np.log1p(np.where(x > -1, x, 0.0)) / np.where(b == 0, 1.0, b)
        # |b| tiny: the series ln(1+x)/b = (R/r0)(1 − x/2 + x²/3) avoids cancellation.
        small = (R / r0) * (1 - x / 2 + x * x / 3)
    years = np.where(np.abs(x) < 1e-6, small, general)
    years = np.where(x <= -1, np.inf, years)
    return _out(np.where(R <= 0, 0.0, years))


def _percentiles(draws: np.ndarray, level: float, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Empirical percentiles (1 − level)/2 and 1 − (1 − level)/2 of draws that may hold ``inf``: the
    inverted empirical distribution function (no interpolation, so an ``inf`` draw is kept as ``inf``)."""
    q = (1 - level) / 2
    lo = np.quantile(draws, q, axis=axis, method="inverted_cdf")
    hi = np.quantile(draws, 1 - q, axis=axis, method="inverted_cdf")
    return lo, hi


def _check_trend(intercept, slope, cov, level, n_draws) -> np.ndarray:
    cov = np.asarray(cov, dtype=float)
    if cov.shape != (2, 2) or not np.all(np.isfinite(cov)) or not np.allclose(cov, cov.T):
        raise ValueError(f"cov must be a symmetric 2x2 covariance matrix of (intercept, slope), got {cov!r}")
    if np.any(np.linalg.eigvalsh(cov) < -1e-12 * max(1.0, float(np.abs(cov).max()))):
        raise ValueError("cov must be positive semi-definite")
    if not (np.isfinite(intercept) and np.isfinite(slope)):
        raise ValueError(f"intercept and slope must be finite, got {intercept!r}, {slope!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    if int(n_draws) < 1:
        raise ValueError(f"n_draws must be positive, got {n_draws!r}")
    return cov


def trend_draws(intercept: float, slope: float, cov, n_draws: int = 4000, seed: int = SEED) -> np.ndarray:
    """``n_draws`` × 2 draws of (intercept, slope) from the multivariate normal with mean (intercept,
    slope) and covariance ``cov`` (the fit's sampling distribution), with ``numpy.random.default_rng(seed)``."""
    cov = _check_trend(intercept, slope, cov, 0.5, n_draws)
    rng = np.random.default_rng(seed)
    return rng.multivariate_normal([intercept, slope], cov, size=int(n_draws), method="eigh")


def years_at_trend(remaining_ha, intercept: float, slope: float, cov, start_years: float, level: float = 0.90,
                   n_draws: int = 4000, seed: int = SEED):
    """Years to clear ``remaining_ha`` hectares if the monthly clearance rate follows its fitted trend.

    The trend: ``rate(t) = exp(intercept + slope·t)`` hectares per month, t in years since 10 Nov 2020,
    continued from ``t = start_years`` (today). The years T solve, in closed form (:func:`trend_years`),
    ``∫_s^{s+T} 12·exp(a + b·t) dt = remaining``. If the slope is negative and the trend can never clear the
    remaining area (``12·exp(a + b·s)/(−b) <= remaining``), the result is ``inf``: never at this trend.

    Interval: **parametric bootstrap of the trend coefficients**: ``n_draws`` draws of (a, b) from the
    multivariate normal (coefficients, ``cov``) with ``numpy.random.default_rng(seed)``, T computed for each,
    and the empirical ``(1 − level)/2`` and ``1 − (1 − level)/2`` percentiles taken with infinite draws
    counted (so the upper bound may be ``inf``). It reflects the uncertainty of the fitted trend only,
    not a departure from it.

    ``remaining_ha`` may be a number or an array (one value each). Returns ``(years, lower, upper)``.
    """
    cov = _check_trend(intercept, slope, cov, level, n_draws)
    R = np.asarray(remaining_ha, dtype=float)
    if np.any(R < 0):
        raise ValueError("remaining_ha must not be negative")
    point = trend_years(R, intercept, slope, start_years)
    ab = trend_draws(intercept, slope, cov, n_draws, seed)
    draws = trend_years(R[None, ...] if R.ndim else R, ab[:, 0].reshape((-1,) + (1,) * R.ndim),
                        ab[:, 1].reshape((-1,) + (1,) * R.ndim), start_years)
    lo, hi = _percentiles(np.asarray(draws, dtype=float), level, axis=0)
    return point, _out(lo), _out(hi)


# --------------------------------------------------------------------------------------------- table


def decimal_year(date) -> float:
    """A date as a decimal calendar year: 2026-01-01 -> 2026.0, 2026-07-02 -> about 2026.5."""
    ts = pd.Timestamp(date)
    days = 366 if ts.is_leap_year else 365
    return ts.year + (ts.day_of_year - 1 + (ts - ts.normalize()) / pd.Timedelta(days=1)) / days


def years_since_ceasefire(date) -> float:
    """Years (of 365.25 days) from 10 Nov 2020 to ``date``: the time axis of the trend."""
    return (pd.Timestamp(date) - CEASEFIRE) / pd.Timedelta(days=1) / DAYS_PER_YEAR


def level_percent(level: float) -> str:
    """An interval's level as the tables and the fan chart name it: 0.9 -> '90%'."""
    return f"{level * 100:g}%"


def _note(method: str, years: float, upper: float) -> str:
    what = "trend" if method == METHOD_TREND else "rate"
    if np.isinf(years):
        return f"never at this {what}"
    if np.isinf(upper):
        return f"upper bound: never at this {what}"
    return ""


def projection_table(remaining_df: pd.DataFrame, last12_rate: float | None, last12_lower: float | None,
                     last12_upper: float | None, trend: Mapping | None, planned_rates: Mapping[str, float],
                     today, level: float = 0.90, n_draws: int = 4000, seed: int = SEED,
                     plan_met: Mapping | None = None) -> pd.DataFrame:
    """Years to completion for every scenario × method, with intervals and completion years.

    ``remaining_df`` comes from :func:`remaining`. Methods (``method`` column):

    - ``"last 12 months' rate"``: ``last12_rate`` ha/year with its interval ``last12_lower``–``last12_upper``
      (``None`` leaves the rows out);
    - ``"fitted trend"``: ``trend`` is a dict with ``intercept``, ``slope`` (of log hectares per month
      against years since the ceasefire), ``cov`` (their 2x2 covariance) and ``start_years`` (today on
      that axis; computed from ``today`` if missing), or ``None`` (no trend rows);
    - ``"planned: <name>"`` for each entry of ``planned_rates`` (name -> ha/year), times how past plans were
      met where ``plan_met`` (from :func:`plan_ratio`) is given: the rate ``plan × ratio`` with the interval
      ``plan × lower`` to ``plan × upper``; without it, the plan as stated.

    Each interval pairs the high rate with the low remaining area (``remaining_lower``) for the lower
    number of years, and the low rate with ``remaining_upper`` for the upper; ``interval`` names what it
    reflects. ``level`` is the trend bootstrap's level and the level named for the others (give the
    last-12-months interval at the same level).

    Columns: ``scenario, method, contaminated_ha, cleared_ha, remaining_ha, remaining_lower, remaining_upper``
    (ha), ``rate_ha_per_year, rate_lower, rate_upper`` (ha/year; NaN for the trend), ``years, lower, upper``
    (years from ``today``), ``completion_year, completion_lower, completion_upper`` (decimal calendar
    years = today + years; ``inf`` stays ``inf``), ``interval`` (text), ``note`` ("never at this trend"
    / "... rate" when the point estimate is infinite, "upper bound: never at this ..." when only the
    upper bound is, else empty).
    """
    missing = [c for c in REMAINING_COLUMNS if c not in remaining_df.columns]
    if missing:
        raise ValueError(f"remaining_df lacks columns {missing}; build it with projection.remaining()")
    now = decimal_year(today)
    pct = level_percent(level)
    rows = []

    def add(method, rate, rate_lo, rate_hi, years, lo, hi, interval):
        for i, r in enumerate(remaining_df.itertuples(index=False)):
            y, l, u = (float(np.atleast_1d(v)[i]) for v in (years, lo, hi))
            rows.append({"scenario": r.scenario, "method": method, "contaminated_ha": r.contaminated_ha,
                         "cleared_ha": r.cleared_ha, "remaining_ha": r.remaining_ha,
                         "remaining_lower": r.remaining_lower, "remaining_upper": r.remaining_upper,
                         "rate_ha_per_year": rate, "rate_lower": rate_lo, "rate_upper": rate_hi,
                         "years": y, "lower": l, "upper": u, "completion_year": now + y,
                         "completion_lower": now + l, "completion_upper": now + u, "interval": interval,
                         "note": _note(method, y, u)})

    R = remaining_df["remaining_ha"].to_numpy(float)
    R_lo = remaining_df["remaining_lower"].to_numpy(float)
    R_hi = remaining_df["remaining_upper"].to_numpy(float)

    if last12_rate is not None:
        lo_rate = last12_rate if last12_lower is None else last12_lower
        hi_rate = last12_rate if last12_upper is None else last12_upper
        years, _, _ = years_at_constant_rate(R, last12_rate, lo_rate, hi_rate)
        _, lower, _ = years_at_constant_rate(R_lo, last12_rate, lo_rate, hi_rate)
        _, _, upper = years_at_constant_rate(R_hi, last12_rate, lo_rate, hi_rate)
        add(METHOD_LAST12, float(last12_rate), float(lo_rate), float(hi_rate), years, lower, upper,
            f"{pct} interval of the last-12-months rate and of cleared-to-date")

    if trend is not None:
        missing = [k for k in ("intercept", "slope", "cov") if k not in trend]
        if missing:
            raise ValueError(f"trend lacks {missing}; expected keys intercept, slope, cov, start_years")
        s = trend.get("start_years")
        s = years_since_ceasefire(today) if s is None else float(s)
        args = dict(intercept=float(trend["intercept"]), slope=float(trend["slope"]), cov=trend["cov"],
                    start_years=s, level=level, n_draws=n_draws, seed=seed)
        years, _, _ = years_at_trend(R, **args)
        _, lower, _ = years_at_trend(R_lo, **args)
        _, _, upper = years_at_trend(R_hi, **args)
        add(METHOD_TREND, np.nan, np.nan, np.nan, years, lower, upper,
            f"{pct} parametric bootstrap of the trend coefficients, and interval of cleared-to-date")

    for name, rate in (planned_rates or {}).items():
        if isinstance(rate, bool) or not np.isfinite(rate) or rate <= 0:
            raise ValueError(f"planned rate {name!r} must be a positive number of hectares per year, got {rate!r}")
        if plan_met is None:
            mid, lo_rate, hi_rate = float(rate), float(rate), float(rate)
            what = f"{pct} interval of cleared-to-date only (the planned rate taken as stated)"
        else:
            mid, lo_rate, hi_rate = (float(rate) * float(plan_met[k]) for k in ("ratio", "lower", "upper"))
            years_text = ", ".join(str(y) for y in plan_met["years"])
            what = (f"{PLAN_MET} (achieved/planned x{plan_met['ratio']:.3f} in {years_text}; "
                    f"{level_percent(plan_met.get('level', level))} predictive interval x{plan_met['lower']:.3f}-"
                    f"x{plan_met['upper']:.3f}, Student t on the log ratios), and interval of cleared-to-date")
        years, _, _ = years_at_constant_rate(R, mid, lo_rate, hi_rate)
        _, lower, _ = years_at_constant_rate(R_lo, mid, lo_rate, hi_rate)
        _, _, upper = years_at_constant_rate(R_hi, mid, lo_rate, hi_rate)
        add(f"{PLANNED_PREFIX}{name}", mid, lo_rate, hi_rate, years, lower, upper, what)

    return pd.DataFrame(rows, columns=PROJECTION_COLUMNS)


# ------------------------------------------------------------------------------------ how plans were met

#: Annual clearance plans are the contamination estimates with this metric (a year; region-specific plans
#: such as ``target_clearance_2024_aghdam`` are not national plans).
PLAN_METRIC = r"target_clearance_(\d{4})"
PLAN_COLUMNS = ["year", "planned_ha", "qualifier", "estimate_ids", "achieved_ha", "ratio", "used", "reason"]


def plan_achievement(estimates: pd.DataFrame, daily: pd.DataFrame) -> pd.DataFrame:
    """Each year's stated national clearance plan against the hectares the fitted series of all operators
    cleared that year (its estimate on 31 December less that on 31 December of the year before; the
    ceasefire's day for 2020). ``estimates``: the contamination estimates (index ``estimate_id``); ``daily``:
    the fitted days of the series (``date, estimate``; forecast days are not used).

    One row per year with a plan (columns :data:`PLAN_COLUMNS`): ``ratio`` = achieved / planned, ``used`` True
    where it is evidence of how plans are met, else ``reason`` says why not (a flagged or blank figure, plans
    that disagree, a year the series has not completed). Relays (``duplicate_of``) count once."""
    e = estimates.reset_index()
    year = e["metric"].astype("string").str.fullmatch(PLAN_METRIC)
    e = e[year.fillna(False).to_numpy() & (e["unit"].astype("string") == "hectares").to_numpy()].copy()
    e["year"] = e["metric"].astype("string").str.extract(PLAN_METRIC, expand=False).astype(int)
    e = e[e["duplicate_of"].isna()]
    days = daily[["date", "estimate"]].copy()
    days["date"] = pd.to_datetime(days["date"])
    at = days.set_index("date")["estimate"]
    rows = []
    for y, group in e.groupby("year", sort=True):
        flagged = group["flags"].fillna("").astype(str).str.contains("implausible|typo|garbled")
        good = group[~flagged & group["value"].notna()]
        ids = ";".join(group["estimate_id"].astype(str))
        row = {"year": int(y), "planned_ha": np.nan, "qualifier": "", "estimate_ids": ids, "achieved_ha": np.nan,
               "ratio": np.nan, "used": False, "reason": ""}
        values = sorted(set(good["value"].astype(float)))
        if not values:
            flags = sorted({f for v in group["flags"].dropna().astype(str) for f in v.split(";") if f})
            row["reason"] = ("the plan's figure is flagged " + " and ".join(flags)) if flags else "the plan's figure is blank"
        elif len(values) > 1:
            row["reason"] = "the statements of this year's plan disagree (" + ", ".join(f"{v:,.0f}" for v in values) + " ha)"
        else:
            row["planned_ha"], row["qualifier"] = values[0], str(good["qualifier"].iloc[0])
            start = CEASEFIRE if y == CEASEFIRE.year else pd.Timestamp(f"{y - 1}-12-31")
            end = pd.Timestamp(f"{y}-12-31")
            if start < CEASEFIRE or end not in at.index or start not in at.index:
                row["reason"] = f"the fitted series does not cover {y} to its end"
            else:
                row["achieved_ha"] = float(at[end] - at[start])
                row["ratio"] = row["achieved_ha"] / row["planned_ha"]
                row["used"] = True
        rows.append(row)
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def plan_ratio(achievement: pd.DataFrame, level: float = 0.90) -> dict | None:
    """How plans are met, from :func:`plan_achievement`'s used rows: ``ratio`` (the geometric mean of
    achieved/planned), ``lower``/``upper`` (the ``level`` predictive interval of a new year's ratio, Student t on
    the log ratios with n − 1 degrees of freedom: ``mean ± t · sd · sqrt(1 + 1/n)``), ``n`` and ``years``.
    ``None`` with fewer than two years (no spread to read)."""
    from scipy import stats

    used = achievement[achievement["used"]]
    if len(used) < 2:
        return None
    logs = np.log(used["ratio"].to_numpy(dtype=float))
    n = len(logs)
    m, sd = float(logs.mean()), float(logs.std(ddof=1))
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd * np.sqrt(1 + 1 / n)
    return {"ratio": float(np.exp(m)), "lower": float(np.exp(m - half)), "upper": float(np.exp(m + half)), "n": n,
            "years": [int(y) for y in used["year"]], "level": level}


# --------------------------------------------------------------------------------------------- targets


def targets(stated: Mapping[str, float] | None = None, source_notes: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The stated completion targets: ``target`` (label), ``year`` (calendar year), ``source_note``.

    Defaults: ANAMA, Nov 2020, "within 10 years" -> 2030 (ce025); President Aliyev quoting international
    experts, Oct 2022, "nearly 30 years" -> 2052 (ce027). Both are informal: no formal completion date
    has been published. ``stated`` (label -> year) and ``source_notes`` (label -> text) are notebook
    parameters."""
    stated = dict(_DEFAULT_TARGETS if stated is None else stated)
    notes = dict(_DEFAULT_TARGET_NOTES if source_notes is None else source_notes)
    for label, year in stated.items():
        if isinstance(year, bool) or not isinstance(year, (int, float, np.integer, np.floating)) \
                or not 2020 <= year <= 2200:
            raise ValueError(f"target {label!r}: year must be a calendar year from 2020, got {year!r}")
    return pd.DataFrame({"target": list(stated), "year": [float(y) for y in stated.values()],
                         "source_note": [notes.get(k, "") for k in stated]}, columns=TARGET_COLUMNS)


def against_targets(projection: pd.DataFrame, targets_df: pd.DataFrame) -> pd.DataFrame:
    """Each projection row set against each target: ``scenario, method, target, target_year,
    completion_year, completion_lower, completion_upper, years_after_target`` (completion − target year;
    negative = before) and ``verdict``: "before" if the whole interval ends by the target year, "after" if
    it starts after it, otherwise "interval spans the target"."""
    out = projection[["scenario", "method", "completion_year", "completion_lower", "completion_upper"]].merge(
        targets_df[["target", "year"]].rename(columns={"year": "target_year"}), how="cross")
    out["years_after_target"] = out["completion_year"] - out["target_year"]
    out["verdict"] = np.select(
        [out["completion_upper"] <= out["target_year"], out["completion_lower"] > out["target_year"]],
        ["before", "after"], default="interval spans the target")
    return out[["scenario", "method", "target", "target_year", "completion_year", "completion_lower",
                "completion_upper", "years_after_target", "verdict"]]


# --------------------------------------------------------------------------------------------- fan


def _trend_cumulative(tau: np.ndarray, a, b, s) -> np.ndarray:
    """Hectares cleared in the ``tau`` years after t = s at the trend exp(a + b·t) ha/month (broadcast)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    r0 = 12.0 * np.exp(a + b * s)
    bt = b * tau
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(np.abs(bt) < 1e-8, tau * (1 + bt / 2), np.expm1(bt) / np.where(b == 0, 1.0, b))
    return r0 * factor


def fan_paths(projection: pd.DataFrame, today, horizon_year: float = 2060, contaminated_ha: float | None = None, *,
              trend: Mapping | None = None, level: float = 0.90, n_draws: int = 1000, seed: int = SEED) -> pd.DataFrame:
    """The path of cumulative hectares cleared that each method projects for ONE scenario, with its fan: what
    :func:`analysis.plots.projection.plot_fan_chart` draws.

    ``projection``: the rows of :func:`projection_table` for one scenario. Each method's path starts at
    ``today`` from cleared-to-date (``cleared_ha``; the fan from ``contaminated − remaining_upper`` to
    ``contaminated − remaining_lower``) and rises to the scenario total (``contaminated_ha``, default: from
    ``projection``), where it stops: constant rates as straight lines, the fan between the low rate from the
    low start and the high rate from the high start; the trend (``trend`` dict as for
    :func:`projection_table`, needed for its rows) along exp(a + b·t), its fan the ``level`` percentile band
    of paths simulated from ``n_draws`` bootstrap draws of (a, b).

    Columns: ``method``, ``year`` (decimal calendar years, 400 points from ``today`` to ``horizon_year``),
    ``cleared``, ``lower``, ``upper`` (cumulative ha since the ceasefire); the methods in the order of
    ``projection``'s rows.
    """
    if projection.empty:
        raise ValueError("projection has no rows")
    if projection["scenario"].nunique() != 1:
        raise ValueError(f"projection must hold ONE scenario, got {sorted(projection['scenario'].unique())}")
    total = float(projection["contaminated_ha"].iloc[0] if contaminated_ha is None else contaminated_ha)
    first = projection.iloc[0]
    cleared = float(first["cleared_ha"])
    start_lo = total - float(first["remaining_upper"])
    start_hi = total - float(first["remaining_lower"])
    today = pd.Timestamp(today)
    now = decimal_year(today)
    tau = np.linspace(0.0, max(horizon_year - now, 0.0), 400)
    parts = []
    for row in projection.itertuples(index=False):
        if row.method == METHOD_TREND:
            if trend is None:
                raise ValueError("projection has trend rows: pass trend= (intercept, slope, cov, start_years)")
            s = trend.get("start_years")
            s = years_since_ceasefire(today) if s is None else float(s)
            mid = cleared + _trend_cumulative(tau, trend["intercept"], trend["slope"], s)
            ab = trend_draws(float(trend["intercept"]), float(trend["slope"]), trend["cov"], n_draws, seed)
            paths = _trend_cumulative(tau[None, :], ab[:, :1], ab[:, 1:], s)
            q_lo, q_hi = _percentiles(paths, level, axis=0)
            low, high = start_lo + q_lo, start_hi + q_hi
        else:
            mid = cleared + row.rate_ha_per_year * tau
            low = start_lo + row.rate_lower * tau
            high = start_hi + row.rate_upper * tau
        mid, low, high = (np.minimum(v, total) for v in (mid, low, high))
        parts.append(pd.DataFrame({"method": row.method, "year": now + tau, "cleared": mid, "lower": low, "upper": high}))
    return pd.concat(parts, ignore_index=True)[FAN_COLUMNS]
