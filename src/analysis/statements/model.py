"""One series from all its statements: the rate, the latent weekly increments, the daily series with its
intervals and a forecast to the nowcast date, and a status for every statement.

Steps (the notebooks name them):

1. *Error scales.* Exact figures of one measure stated by different statements within a week of each other
   disagree by a few units (302 against 299 victims): the robust spread of those differences, less the rate's
   expected change over the gap, is the pooled scale of an official figure's error, and each body's own scale
   is shrunk towards it (:func:`error_scales`). Area and item counts use relative scales; where the record has
   fewer than three such pairs, a stated default (``default_scale``) stands in. A flow's own relative error
   (weekly releases can count some operators' finds and not others') comes from the flows' leave-one-out
   residuals, less their predictive variance.
2. *Rate.* A composite-link quasi-Poisson model (:mod:`.rate`) of amounts over non-overlapping periods: the
   increments between consecutive cumulative figures (the largest set that never falls, figures closer
   than ten days merged) and, where no increment reaches, the flows. A log-linear time term, and a yearly
   season for clearance where an F test asks for one. Beyond the last statement the rate is held at its
   value of that day (a forecast extrapolates neither a decline nor a rise; the season goes on).
3. *Variance.* Harm and clearance come in bursts, and the rate wanders for months: each week's increment
   varies by ``a`` times its expected amount (bursts; at least a Poisson count's for counts), and a level
   with a 26-week correlation moves all of them together by a share whose variance ``b`` is fitted, with a
   weak prior, to the rate model's residuals (:func:`variance_components`).
4. *Latent series* (:mod:`.latent`): the weekly increments' posterior mode given every statement through its
   own error model, robustly, and its Laplace covariance.
5. *Statuses.* An exact figure the robust fit gives a weight below 1/4 (more than about 3.6 of its scales
   from the series) is flagged with a reason (a stale repeat, a figure credited to an early date, a unit
   slip); a bound or a rounded figure is met or not.
6. *Daily series.* The amount reached at the end of each day from the ceasefire to the nowcast date, with
   50 % and 90 % intervals for the figure an official statement would give that day (the series'
   uncertainty plus an official figure's error); ``kind`` is ``fit`` up to the last statement and
   ``forecast`` after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special  # ndtri: the normal quantile (stats.norm.ppf's own routine; see rate.py)
from scipy.optimize import isotonic_regression, minimize

from . import latent
from . import rate as rate_model
from .observations import CEASEFIRE
from .reconcile import longest_non_decreasing

#: The forecast's calibration: past the last statement the weekly amounts vary this many times as much about
#: the rate as the model alone says (their covariance scaled by its square from the week after the last
#: statement on). Surges (a season of returns, a blast) are what a rate model cannot foresee, and the
#: rolling-origin backtest showed the model's own forecast bands too narrow. Each value is the smallest factor
#: at which 90 % of the held-out figures of that family's rolling origin fall inside the 90 % interval (or
#: within one figure of the highest share, where 90 % is out of reach), estimated by notebook 04
#: (:func:`analysis.statements.backtest.forecast_scale`, written to data/processed/forecast_scale.csv); a test
#: fails when the data move the estimate away from the value here. Honest coverage of the rule: the
#: backtest's ``rolling_origin_sequential`` test, where each cut-off uses only the factor the cut-offs before
#: it give.
FORECAST_SCALE = {"casualties": 1.8, "clearance:hectares": 1.7, "clearance:items": 1.85}

#: The interpolation's calibration: between and around the statements the weekly amounts vary this many times
#: as much about the fitted series as the model alone says (the covariance of the weeks up to the last statement
#: scaled by its square; the fitted series itself does not move). The model's own spread assumes that the flows
#: (weekly, monthly, annual figures) and the cumulative figures measure the same thing up to their error
#: scales; where they do not (a weekly release that counts only some operators' finds, an item type counted
#: differently), a held-out cumulative figure falls further from the refit than its interval says. Each value is
#: the smallest factor at which 90 % of that family's leave-one-out figures fall inside the 90 % interval (the
#: rule of :data:`FORECAST_SCALE`), estimated by notebook 04 (:func:`analysis.statements.backtest.interpolation_scale`,
#: written to data/processed/interpolation_scale.csv); a test fails when the data move the estimate away from the
#: value here. The backtest scores each held-out figure with the factor the family's other figures give (honest),
#: and the forecast's factor is read off the rolling origin with this one in place.
INTERPOLATION_SCALE = {"casualties": 1.05, "clearance:hectares": 1.0, "clearance:items": 1.45}


def forecast_family(key: str) -> str:
    """The family a series' calibration factors (:data:`FORECAST_SCALE`, :data:`INTERPOLATION_SCALE`) are
    estimated over: 'casualties' (every casualty measure), 'clearance:hectares' (hectares of every scope) or
    'clearance:items' (mines and other items)."""
    parts = key.split(":")
    if parts[0] == "clearance":
        return "clearance:hectares" if parts[-1] == "hectares" else "clearance:items"
    return parts[0]


#: Official figures closer than this are merged into one point when building the rate's amounts.
MERGE_DAYS = 10
#: Up to this many cumulative figures the rate's amounts come from the largest set that never falls.
LNDS_LIMIT = 50_000
#: Figures given a robust weight below this are flagged (and weigh that little in the fit).
OUTLIER_WEIGHT = 0.25
#: Shrinkage of a body's error scale towards the pooled one, in pairs.
SHRINK_PAIRS = 3.0
#: First guess of the relative error of a flow (a week's, a month's, a year's amount) against the series;
#: re-estimated from the flows' own residuals.
FLOW_SCALE = 0.05
MIN_FLOW_SCALE = 0.01
#: Correlation length of the wandering rate level, in weeks (a regime lasts months: a surge of returns, a
#: season of new areas opened).
LEVEL_WEEKS = 26.0
#: Prior median of the level's squared coefficient of variation (a level wandering by about 30 %), and the
#: prior's width in log units: weak, so that the data decide where they can.
LEVEL_PRIOR = 0.1
LEVEL_PRIOR_LOG_SD = 1.0
#: Error scale of an exact figure where the record has fewer than three same-week pairs: people for counts,
#: a share of the figure for relative measures (areas, items; see fit_series' ``default_scale``).
DEFAULT_COUNT_SCALE = 1.5
DEFAULT_RELATIVE_SCALE = 2e-3


@dataclass
class Scales:
    """Error scale of exact figures: absolute (people) or relative (share of the figure)."""

    relative: bool
    pooled: float
    by_body: dict[str, float]
    pairs: int
    typical: float = 0.0  # root mean square of the bodies' scales over the exact figures they state

    def of(self, bodies, values) -> np.ndarray:
        s = pd.Series(np.asarray(bodies, dtype=object)).map(self.by_body).fillna(self.pooled).to_numpy(dtype=float)
        return s * np.abs(np.asarray(values, dtype=float)) if self.relative else s

    def official(self, values) -> np.ndarray:
        """The error of an official figure from a body drawn as often as the record draws them."""
        scale = self.typical or self.pooled
        return scale * np.abs(np.asarray(values, dtype=float)) if self.relative else np.full(np.shape(values), scale)


def error_scales(obs: pd.DataFrame, relative: bool, daily_rate: float, floor: float, default: float) -> Scales:
    """Scales from the disagreements of exact figures stated within a week of each other (step 1)."""
    mask = (obs["fitted"].to_numpy() & (obs["kind"] == "stock").to_numpy() & (obs["lo"].to_numpy() == obs["hi"].to_numpy())
            & (obs["end_lo"].to_numpy() == obs["end_hi"].to_numpy()))
    sel = np.flatnonzero(mask)
    sel = sel[np.argsort(obs["end_lo"].to_numpy()[sel], kind="stable")]  # the frame's order breaks ties (record id)
    days, values = obs["end_lo"].to_numpy()[sel], obs["value"].to_numpy(dtype=float)[sel]
    body, rec = obs["reporting_body"].to_numpy(dtype=object)[sel], obs["record_id"].to_numpy(dtype=object)[sel]
    # every pair (i, j > i) at most 7 days apart (a window on the sorted days), from different statements
    last = np.searchsorted(days, days + 7, side="right")
    count = np.maximum(last - np.arange(len(days)) - 1, 0)
    if count.sum() > 200_000:  # a synthetic million: each figure's next one is pairs enough
        count = np.minimum(count, 1)
    ii = np.repeat(np.arange(len(days)), count)
    jj = ii + 1 + (np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count))
    keep = rec[ii] != rec[jj]
    ii, jj = ii[keep], jj[keep]
    d = values[jj] - values[ii] - daily_rate * (days[jj] - days[ii])
    if relative:
        d = d / np.maximum(0.5 * (values[ii] + values[jj]), 1e-9)
    pooled = max(float(1.4826 * np.median(np.abs(d - np.median(d)))) / np.sqrt(2), floor) if len(d) >= 3 else default
    by_body = {}
    if len(d):
        half_sq = np.clip(d, -4 * pooled * np.sqrt(2), 4 * pooled * np.sqrt(2)) ** 2 / 2
        codes, names = pd.factorize(np.concatenate([body[ii], body[jj]]))
        ci, cj = codes[: len(ii)], codes[len(ii):]
        k = len(names)
        # each pair counts once for each of its bodies (once if both are the same body)
        sums = np.bincount(ci, weights=half_sq, minlength=k) + np.bincount(cj, weights=half_sq * (ci != cj), minlength=k)
        counts = np.bincount(ci, minlength=k) + np.bincount(cj, weights=(ci != cj).astype(float), minlength=k)
        for b, total, c in zip(sorted(names), *(a[np.argsort(names)] for a in (sums, counts))):
            by_body[b] = float(max(np.sqrt((total + SHRINK_PAIRS * pooled ** 2) / (c + SHRINK_PAIRS)), floor))
    stated = pd.Series(body, dtype=object).map(by_body).fillna(pooled).to_numpy(dtype=float) if len(body) else np.zeros(0)
    typical = float(np.sqrt(np.mean(stated ** 2))) if len(stated) else pooled
    return Scales(relative, pooled, by_body, int(len(d)), typical)


def variance_components(rm: rate_model.RateModel, amounts: pd.DataFrame, rho: float) -> tuple[float, float]:
    """``(a, b)``: the variance of an amount is ``a * mean`` from bursts, and the wandering level adds
    ``b * sum_kl w_k w_l rho^|k-l|`` between any two amounts (``w_k``: each one's expected amount in week
    ``k``), so that neighbouring amounts that both run above the rate tell of a level that wanders. Maximum
    likelihood of the rate model's residuals under that Gaussian covariance."""
    if len(amounts) < 6:
        return rm.phi, 0.0
    s, e, y = amounts["start"].to_numpy(), amounts["end"].to_numpy(), amounts["amount"].to_numpy(dtype=float)
    days = np.arange(0, int(e.max()) + 1)
    rate = rm.daily(days)
    weeks = int(e.max()) // 7 + 1
    w = np.zeros((len(y), weeks))
    for j, (a, b) in enumerate(zip(s, e)):
        np.add.at(w[j], np.arange(a, b + 1) // 7, rate[a:b + 1])
    m = w.sum(axis=1)
    lag = np.abs(np.subtract.outer(np.arange(weeks), np.arange(weeks)))
    c = w @ (rho ** lag) @ w.T
    r = y - m

    def nll(theta):
        a, b = np.exp(theta)
        cov = np.diag(a * m) + b * c
        try:
            ch = linalg_cho(cov)
        except np.linalg.LinAlgError:
            return 1e300
        z = np.linalg.solve(ch, r)
        # a weak prior on the level's variance (log-normal around LEVEL_PRIOR, one log unit wide): with few
        # amounts it keeps the level from being declared fixed, with many the data decide
        return 0.5 * z @ z + np.log(np.diag(ch)).sum() + 0.5 * ((theta[1] - np.log(LEVEL_PRIOR)) / LEVEL_PRIOR_LOG_SD) ** 2

    start_a = max(float(np.sum(r ** 2 / m) / len(r)), 1e-6)
    best = minimize(nll, np.log([start_a, LEVEL_PRIOR]), method="L-BFGS-B",
                    bounds=[(np.log(start_a) - 12, np.log(start_a) + 6), (-14.0, 1.0)])
    a, b = np.exp(best.x)
    return float(a), float(b if b > 1e-5 else 0.0)


def linalg_cho(cov: np.ndarray) -> np.ndarray:
    return np.linalg.cholesky(cov)


def rate_amounts(obs: pd.DataFrame, scales: Scales) -> pd.DataFrame:
    """Non-overlapping amounts over periods for the rate model (step 2): ``start, end, amount``.

    The increments between consecutive cumulative figures come first (they carry the level: weekly releases
    can count only some operators' finds, a cumulative figure counts them all); flows fill the periods no
    increment covers (before the first or after the last cumulative figure), shortest first.
    """
    fitted = obs["fitted"].to_numpy()
    lo, hi = obs["lo"].to_numpy(dtype=float), obs["hi"].to_numpy(dtype=float)
    two_sided = fitted & np.isfinite(lo) & np.isfinite(hi)  # exact or rounded figures, not bounds
    stock = (obs["kind"] == "stock").to_numpy()
    end_lo, end_hi = obs["end_lo"].to_numpy(), obs["end_hi"].to_numpy()
    values = obs["value"].to_numpy(dtype=float)
    starts, ends, amounts = [], [], []
    sel = np.flatnonzero(two_sided & stock & (end_lo == end_hi))
    if len(sel):
        order = sel[np.lexsort((obs["record_id"].to_numpy()[sel].astype(str), end_lo[sel]))]
        # a first pass keeps the largest set of figures that never falls (a stale repeat or a misdated figure
        # would otherwise bend the rate), then merges figures closer than MERGE_DAYS. (Past LNDS_LIMIT figures,
        # synthetic benchmarks only, the merged groups' medians stand in for the search.)
        if len(order) <= LNDS_LIMIT:
            order = order[longest_non_decreasing(values[order], np.ones(len(order)))]
        d, v = end_lo[order].astype(float), values[order]
        groups = np.concatenate([[0], np.cumsum(np.diff(d) > MERGE_DAYS)])
        n = np.bincount(groups).astype(float)
        gd = np.rint(np.bincount(groups, weights=d) / n).astype(np.int64)
        if len(order) <= LNDS_LIMIT:
            centre = np.bincount(groups, weights=v) / n
        else:
            centre = pd.Series(v).groupby(groups).median().to_numpy()
        gv = isotonic_regression(centre, weights=n).x
        keep = np.r_[True, np.diff(gd) > 0] & (gd >= 0)
        gd, gv = gd[keep], gv[keep]
        starts += list(np.r_[0, gd[:-1] + 1])
        ends += list(gd)
        amounts += list(np.maximum(np.diff(np.r_[0.0, gv]), 0.0))
    flows = np.flatnonzero(two_sided & ~stock)
    if len(flows):
        fs, fe = obs["start"].to_numpy()[flows], end_hi[flows]
        order = np.lexsort((fs, fe - fs))
        last = int(max(fe.max(), max(ends, default=0)))
        taken = np.zeros(last + 2, dtype=bool)
        for s_, e_ in zip(starts, ends):
            taken[s_:e_ + 1] = True
        for k in order:
            s_, e_ = int(fs[k]), int(fe[k])
            if s_ < 0 or e_ < s_ or taken[s_:e_ + 1].any():
                continue
            taken[s_:e_ + 1] = True
            starts.append(s_), ends.append(e_), amounts.append(float(values[flows[k]]))
    out = pd.DataFrame({"start": np.asarray(starts, dtype=np.int64), "end": np.asarray(ends, dtype=np.int64),
                        "amount": np.asarray(amounts, dtype=float)})
    return out.sort_values(["start", "end"]).reset_index(drop=True)


def yearly_knots(first_day: int, last_day: int) -> list[float]:
    """Candidate hinges: each 1 January with at least a year of data on both sides (years since origin)."""
    out = []
    for year in range(CEASEFIRE.year + 1, CEASEFIRE.year + 12):
        d = (pd.Timestamp(f"{year}-01-01") - CEASEFIRE).days
        if d - first_day >= 365 and last_day - d >= 365:
            out.append(d / rate_model.DAYS_PER_YEAR)
    return out


@dataclass
class SeriesFit:
    """One fitted series. ``observations``: its observations (:mod:`.observations`) with ``scale``, ``weight``,
    ``predicted`` (the series' value of the statement's functional), ``predicted_sd``, ``status`` and
    ``reason``; ``daily``: ``date, day, estimate, var, sd, lower, upper, lower_50, upper_50, kind``."""

    key: str
    observations: pd.DataFrame
    daily: pd.DataFrame | None
    rate: rate_model.RateModel
    scales: Scales
    amounts: pd.DataFrame
    fit: latent.Fit = field(repr=False)
    prior: latent.Prior = field(repr=False)
    last_day: int
    burst: float = 0.0
    level: float = 0.0
    flow_scale: float = 0.0
    options: dict = field(default_factory=dict)  # the arguments of fit_series that made it (a refit takes them again)
    forecast_scale: float = 1.0  # the factor on the forecast's weekly variation (FORECAST_SCALE), 1 in a raw fit
    interpolation_scale: float = 1.0  # the factor on the pinned weeks' variation (INTERPOLATION_SCALE), 1 in a raw fit

    @property
    def method(self) -> str:
        rel = self.scales.relative
        scale = f"{self.scales.typical:.2%} of the figure" if rel else f"{self.scales.typical:.2g}"
        return (f"latent weekly increments with a {rm_method(self.rate)} as prior mean, bursts of variance "
                f"{self.burst:.3g} x the mean and a level wandering by {np.sqrt(self.level):.0%} (26-week correlation); "
                f"{int(self.observations['fitted'].sum())} statements fitted, an official figure's error {scale} "
                f"({self.scales.pairs} same-week pairs)" + (f", a flow's {self.flow_scale:.0%}" if rel else "")
                + f"; intervals x{self.interpolation_scale:.2f} up to the last statement and x{self.forecast_scale:.2f} "
                  "after it (the backtest's calibration)")


def fit_series(obs: pd.DataFrame, *, key: str, relative: bool, season: bool, nowcast_day: int | None = None,
               count: bool = True, default_scale: float | None = None, light: bool = False,
               forecast_scale: float | None = None, interpolation_scale: float | None = None) -> SeriesFit:
    """Fit one series (see the module docstring). ``obs``: its observations (:mod:`.observations`).

    ``relative``: error scales as shares of the figures (areas, items) instead of units (people);
    ``season``: offer the rate a yearly season; ``nowcast_day``: carry the daily series on to this day
    (days since the ceasefire) as a forecast; ``count``: the amounts are counts (their bursts vary at least
    as a Poisson count); ``default_scale``: an exact figure's error where the record has too few same-week
    pairs; ``light``: skip the daily table and the statuses (the backtest's refits need neither) and stop at 1e-4
    instead of 1e-5 (see the tolerance's note below);
    ``forecast_scale``: the factor on the forecast's weekly variation (default :data:`FORECAST_SCALE` of the
    key's :func:`forecast_family`; 1 gives the model's own forecast); ``interpolation_scale``: the factor on the
    variation of the weeks up to the last statement (default :data:`INTERPOLATION_SCALE` of the family; 1 gives
    the model's own intervals).
    """
    if forecast_scale is None:
        forecast_scale = FORECAST_SCALE.get(forecast_family(key), 1.0)
    if interpolation_scale is None:
        interpolation_scale = INTERPOLATION_SCALE.get(forecast_family(key), 1.0)
    obs = obs.reset_index(drop=True)
    used = obs[obs["fitted"]]
    if used.empty:
        raise ValueError(f"{key}: no statement can be fitted")
    last_day = int(used["end_hi"].max())
    end_day = max(last_day, int(nowcast_day) if nowcast_day is not None else last_day)
    # the grid covers every statement, fitted or not (one not fitted can refer to a later day)
    weeks = latent.n_weeks(max(end_day, int(obs["end_hi"].max())))
    stocks = used[(used["kind"] == "stock") & (used["lo"] == used["hi"])]
    crude = float(stocks["value"].max() / max(stocks["end_lo"].max(), 1)) if len(stocks) else 0.0
    floor = 1e-4 if relative else 0.5
    default = default_scale if default_scale is not None else (DEFAULT_RELATIVE_SCALE if relative else DEFAULT_COUNT_SCALE)
    scales = error_scales(obs, relative, crude, floor, default)
    amounts = rate_amounts(obs, scales)
    if amounts.empty:
        raise ValueError(f"{key}: no amount over a period to fit a rate to")
    rm = rate_model.choose_rate(CEASEFIRE, amounts["start"], amounts["end"], amounts["amount"], season=season)
    mu, jac = rm.weekly(weeks, hold=last_day)
    rho = float(np.exp(-1.0 / LEVEL_WEEKS))
    burst, level = variance_components(rm, amounts, rho)
    if count:
        burst = max(burst, 1.0)
    var = np.maximum(burst * mu, 1e-9 * max(float(mu.max()), 1.0))
    prior = latent.Prior(mu, var, jac, rm.cov, level, rho)
    values = obs["value"].to_numpy(dtype=float)
    flow = (obs["kind"] == "flow").to_numpy()
    own = scales.of(obs["reporting_body"], values)
    flow_scale = FLOW_SCALE if relative else 0.0
    scale = np.where(flow, np.maximum(own, flow_scale * np.abs(values)), own) if relative else own
    lat_obs = latent.Observations(obs["start"], obs["end_lo"], obs["end_hi"], obs["lo"], obs["hi"], scale,
                                  obs["fitted"].astype(float))
    is_stock = ~flow
    g = latent.functional(lat_obs, weeks)
    # Where the fit stops (the largest change of the cumulative series in a step, over its total). The weights of
    # outliers and bounds settle slowly, and a path can take a small step and then move again: at 1e-4 the published
    # fit of the MoD's hectares came out 4 % apart under two BLAS kernels (SkylakeX, Prescott) and the other items
    # 8 % apart under Haswell; at 1e-5 every daily series agrees to 1e-4 across them. The backtest's refits score
    # forecasts, for which 1e-4 gives the same backtest.csv under every kernel tried (at 1e-3 the 1 Nov 2023
    # cut-off's hectares moved 0.4 %, and the hectares' forecast factor with it).
    tol = 1e-4 if light else 1e-5
    f = latent.fit(lat_obs, prior, stock=is_stock, g=g, tol=tol)
    if relative:  # the flows' own relative error, from their leave-one-out residuals (less their predictive variance)
        sel = flow & obs["fitted"].to_numpy() & lat_obs.exact & (values > 0)
        if sel.sum() >= 8:
            y = values[sel]
            h = np.minimum(f.precision[sel] * f.predicted_var[sel], 1 - 1e-9)
            m_out = (f.predicted[sel] - h * f.pseudo[sel]) / (1 - h)
            v_out = f.predicted_var[sel] / (1 - h)
            excess = ((y - m_out) ** 2 - v_out) / y ** 2
            flow_scale = float(np.sqrt(max(np.median(excess) / 0.4549, MIN_FLOW_SCALE ** 2)))  # median of chi2(1)
            scale = np.where(flow, np.maximum(own, flow_scale * np.abs(values)), own)
            lat_obs.scale = scale
            f = latent.fit(lat_obs, prior, stock=is_stock, g=g, start=f, tol=tol)
    f.cov = latent.scale_beyond(f.cov, last_day // latent.WEEK + 1, forecast_scale, before=interpolation_scale)
    out = obs.copy()
    out["scale"] = scale
    out["weight"] = np.where(out["fitted"], f.weights, 0.0)
    out["predicted"] = f.predicted
    out["predicted_sd"] = interpolation_scale * np.sqrt(f.predicted_var)  # every statement is on or before the last day
    daily = None
    if not light:
        daily = daily_series(f, scales, end_day, last_day)
        out = classify(out, daily)
    options = {"key": key, "relative": relative, "season": season, "count": count, "default_scale": default_scale}
    return SeriesFit(key, out, daily, rm, scales, amounts, f, prior, last_day, burst, level, flow_scale, options,
                     forecast_scale, interpolation_scale)


def rm_method(rm: rate_model.RateModel) -> str:
    """'composite-link quasi-Poisson rate of 40 amounts, log-linear in time (with a yearly season)'."""
    parts = ", log-linear in time"
    if "hinge" in rm.terms:
        parts += f" with a change of slope at {CEASEFIRE + pd.Timedelta(days=rm.knot * rate_model.DAYS_PER_YEAR):%b %Y}"
    if "season" in rm.terms:
        parts += ", with a yearly season"
    return f"composite-link quasi-Poisson rate of {rm.n} amounts{parts}"


def daily_series(f: latent.Fit, scales: Scales, end_day: int, last_day: int) -> pd.DataFrame:
    days = np.arange(0, end_day + 1)
    mean, var = f.cumulative(days)
    sd = np.sqrt(var + scales.official(mean) ** 2)
    out = {"date": CEASEFIRE + pd.to_timedelta(days, unit="D"), "day": days, "estimate": mean, "var": var, "sd": sd}
    for level, lo_name, hi_name in ((0.90, "lower", "upper"), (0.50, "lower_50", "upper_50")):
        z = special.ndtri(0.5 + level / 2)
        lo = np.maximum.accumulate(np.maximum(mean - z * sd, 0.0))  # a non-decreasing amount's quantiles never fall
        hi = np.minimum.accumulate((mean + z * sd)[::-1])[::-1]
        out[lo_name], out[hi_name] = lo, np.maximum(hi, mean)
    frame = pd.DataFrame(out)
    frame["kind"] = np.where(days <= last_day, "fit", "forecast")
    return frame


def classify(obs: pd.DataFrame, daily: pd.DataFrame) -> pd.DataFrame:
    """Status and reason of every observation: fitted, down-weighted (with why), a rounded figure or bound met
    or not, not fitted (the reason it came with). Vectorised: the strings are built for the few rows that need
    one."""
    est = daily["estimate"].to_numpy()
    dates = pd.DatetimeIndex(daily["date"])
    fitted = obs["fitted"].to_numpy()
    lo, hi, value = (obs[c].to_numpy(dtype=float) for c in ("lo", "hi", "value"))
    scale, m, weight = obs["scale"].to_numpy(dtype=float), obs["predicted"].to_numpy(dtype=float), obs["weight"].to_numpy()
    end_lo, end_hi = obs["end_lo"].to_numpy(), obs["end_hi"].to_numpy()
    flow = (obs["kind"] == "flow").to_numpy()
    status = np.full(len(obs), "fitted", dtype=object)
    reason = np.where(fitted, "", obs["reason"].fillna("").to_numpy(dtype=object)).astype(object)
    status[~fitted] = "not fitted"

    window = fitted & (lo != hi) & np.isfinite(lo) & np.isfinite(hi)
    ok = (lo - scale <= m) & (m <= hi + scale)
    idx = np.flatnonzero(window)
    status[idx[~ok[idx]]] = "window not met"
    reason[idx] = [f"rounded to {u:g}: {a:g}-{b:g}" + ("" if k else f"; the series gives {p:,.0f}")
                   for u, a, b, k, p in zip(obs["unit"].to_numpy()[idx], lo[idx], hi[idx], ok[idx], m[idx])]

    bound = fitted & (lo != hi) & ~(np.isfinite(lo) & np.isfinite(hi))
    met = np.where(np.isfinite(lo), m >= lo - scale, m <= hi + scale)
    idx = np.flatnonzero(bound)
    status[idx] = np.where(met[idx], "bound met", "bound not met")
    reason[idx] = [f"{'at least' if np.isfinite(a) else 'at most'} {v:g}" +
                   ("" if k else f": the series gives {p:,.0f}, held by the exact figures")
                   for a, v, k, p in zip(lo[idx], value[idx], met[idx], m[idx])]

    low = fitted & (lo == hi) & (weight < OUTLIER_WEIGHT)
    idx = np.flatnonzero(low)
    status[idx] = "down-weighted"
    reached = np.searchsorted(est, value[idx], side="left")  # first day the (non-decreasing) series reaches it
    texts = []
    for i, r in zip(idx, reached):
        v, p = value[i], m[i]
        if flow[i]:
            texts.append(f"the series gives {p:,.0f} over its period: further off than its error allows")
        elif p > 0 and v > 0 and max(p / v, v / p) > 100:
            texts.append(f"about {max(p / v, v / p):,.0f} times {'below' if v < p else 'above'} the series: a unit slip?")
        elif v < p and r < len(est) and end_lo[i] - r > 30:
            texts.append(f"stale: the series had reached {v:,.0f} by {dates[r]:%d %b %Y}")
        elif v > p and r < len(est) and r > end_hi[i] + 30:
            texts.append(f"probably misdated: the series reaches {v:,.0f} only by {dates[r]:%d %b %Y}")
        else:
            texts.append(f"{'below' if v < p else 'above'} the series ({p:,.0f}) by more than its error allows")
    reason[idx] = texts
    obs = obs.copy()
    obs["status"] = status
    obs["reason"] = reason
    return obs


#: A fitted series is drawn as interpolated where more than this many days pass between two days that exact
#: fitted statements pin (:func:`interpolated_stretches`): about two months, longer than the monthly flows and
#: the usual spacing of the cumulative figures, shorter than a calendar year's flow.
INTERPOLATED_GAP_DAYS = 60
STRETCH_COLUMNS = ["start", "end", "days", "start_day", "end_day"]


def interpolated_stretches(observations: pd.DataFrame, last_day: int | None = None,
                           min_days: int = INTERPOLATED_GAP_DAYS) -> pd.DataFrame:
    """The stretches of a fitted series that no exact statement pins: where the series is the model's
    interpolation between statements, not a reading of one.

    Rule: the *pinned days* (days since the ceasefire; the amount at the end of the day) are day 0 (every
    series starts at 0), the day of every exact cumulative figure the fit uses (status ``fitted``; the middle
    of its days where only the month is known), and both ends of every exact flow the fit uses (the day before
    its period and its last day: a weekly or monthly count pins its period's increase, an annual count only
    the year's). Rounded figures, bounds, down-weighted and unfitted statements pin nothing. A stretch is every
    run of more than ``min_days`` days between consecutive pinned days, and the run from the last pinned day
    to ``last_day`` (default: the last day of the fitted statements) when it is that long; days after
    ``last_day`` are a forecast, not a stretch.

    ``observations``: a fitted series' observations (:class:`SeriesFit`'s, columns ``kind, start, end_lo,
    end_hi, lo, hi, status``). Returns one row per stretch: ``start``, ``end`` (dates of the pinned days that
    bound it), ``days`` (``end - start``), ``start_day``, ``end_day`` (days since the ceasefire); the days
    strictly between ``start`` and ``end`` are interpolated."""
    obs = observations
    used = (obs["status"].astype(str) == "fitted").to_numpy() & (obs["lo"].to_numpy(dtype=float) == obs["hi"].to_numpy(dtype=float))
    stock = (obs["kind"].astype(str) == "stock").to_numpy()
    mid = (obs["end_lo"].to_numpy(dtype=np.int64) + obs["end_hi"].to_numpy(dtype=np.int64)) // 2
    flows = used & ~stock
    pinned = np.concatenate([[0], mid[used & stock], obs["start"].to_numpy(dtype=np.int64)[flows] - 1,
                             obs["end_hi"].to_numpy(dtype=np.int64)[flows]])
    if last_day is None:
        last_day = int(obs.loc[obs["fitted"].astype(bool), "end_hi"].max()) if "fitted" in obs else int(pinned.max())
    pinned = np.unique(np.clip(pinned, 0, None))
    pinned = pinned[pinned <= last_day]
    bounds = np.r_[pinned, last_day] if pinned[-1] < last_day else pinned
    gap = np.diff(bounds)
    sel = np.flatnonzero(gap > min_days)
    start, end = bounds[sel], bounds[sel + 1]
    return pd.DataFrame({"start": CEASEFIRE + pd.to_timedelta(start, unit="D"), "end": CEASEFIRE + pd.to_timedelta(end, unit="D"),
                         "days": (end - start).astype(np.int64), "start_day": start.astype(np.int64),
                         "end_day": end.astype(np.int64)}, columns=STRETCH_COLUMNS)


def within_stretches(first, last, stretches: pd.DataFrame) -> np.ndarray:
    """For each period of days ``first .. last`` (dates, both ends included): whether its amount is read
    between the pinned days that bound one of ``stretches`` (:func:`interpolated_stretches`), i.e. the end
    of the day before ``first`` and the end of ``last`` both lie in one stretch: an amount the model
    interpolated, not one a statement gives."""
    first = pd.DatetimeIndex(pd.to_datetime(first)) - pd.Timedelta(days=1)
    last = pd.DatetimeIndex(pd.to_datetime(last))
    out = np.zeros(len(first), dtype=bool)
    for s, e in zip(stretches["start"], stretches["end"]):
        out |= (first >= s) & (last <= e)
    return out
