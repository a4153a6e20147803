"""Our own backtest: are the series' intervals calibrated against official figures they were not fitted on?

- **Leave one out.** Each exact cumulative statement (with the relays that repeat it) is dropped in turn and
  the series refitted without it; is it inside the 50 % and 90 % intervals of the refitted series on its
  date? The refit is exact for the fitted model's Gaussian (Laplace) approximation and shares the full fit's
  factorisation: removing a statement's term from the posterior precision is a rank-one update, so the
  held-out predictive mean and variance come in closed form (the "virtual leave-one-out" of Gaussian-process
  regression). The rate model, the error scales and the robust weights are those of the full fit.
- **Rolling origin.** For each cut-off date the whole model (rate, scales, weights, series) is refitted on
  the statements published before it, and the exact cumulative statements published in the next 180 days
  are scored against the refitted series and its forecast.

Both tests also calibrate: the leave-one-out gives each family the factor on the spread of the weeks the
statements pin (:data:`~analysis.statements.model.INTERPOLATION_SCALE`), the rolling origin, with that one in
place, the factor on the weeks after the last statement (:data:`~analysis.statements.model.FORECAST_SCALE`).
Each is scored honestly as well: a leave-one-out figure with the factor the family's other figures give, a
cut-off's figures with the factor that only the cut-offs before it give (``rolling_origin_sequential``).

Scores per series and test: ``n``; ``coverage_50`` and ``coverage_90`` (shares inside the intervals);
``mape`` (mean absolute error over the stated figure); ``median_half_width`` (half the 90 % interval over
the estimate).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special  # ndtri: the normal quantile (stats.norm.ppf's own routine; see rate.py)

from . import model

Z90 = special.ndtri(0.95)
Z50 = special.ndtri(0.75)
SCORE_COLUMNS = ["series", "test", "n", "coverage_50", "coverage_90", "mape", "median_half_width"]
#: The columns of an observation table a refit reads (the fit's own columns are dropped).
OBSERVATION_INPUT = ["record_id", "series", "measure", "kind", "start", "end_lo", "end_hi", "value", "qualifier", "lo", "hi",
                     "unit", "reporting_body", "derived", "duplicate_of", "published", "fitted", "reason"]


def _scored(obs: pd.DataFrame) -> np.ndarray:
    """Exact cumulative statements that are fitted (the held-out candidates)."""
    return (obs["fitted"] & (obs["kind"] == "stock") & (obs["lo"] == obs["hi"])).to_numpy()


def _root(obs: pd.DataFrame) -> np.ndarray:
    """The statement a row repeats (its ``duplicate_of``), or itself."""
    dup = obs["duplicate_of"]
    return np.where(dup.notna(), dup.astype(object), obs["record_id"].astype(object))


def leave_one_out(sf: model.SeriesFit) -> pd.DataFrame:
    """Held-out predictive of each exact cumulative statement (grouped with its relays), scored with the fit's
    interpolation factor. Columns: ``record_id, root, day, value,
    estimate, var_a, var_b, var_d, official_var, sd, inside_50, inside_90`` (``var_a``: the raw model's held-out
    variance, which the factor scales by its square; ``var_b = var_d = 0``: no forecast weeks; ``root``: the
    statement the relays repeat)."""
    obs = sf.observations
    fit = sf.fit
    scored = _scored(obs)
    roots = _root(obs)
    rows = []
    omega, pseudo = fit.precision, fit.pseudo
    values, ids, days = obs["value"].to_numpy(dtype=float), obs["record_id"].to_numpy(dtype=object), obs["end_lo"].to_numpy()
    for root in pd.unique(roots[scored]):
        group = np.flatnonzero((roots == root) & scored)
        first = group[0]
        w = float(omega[group].sum())
        y_eff = float((omega[group] * pseudo[group]).sum() / w) if w > 0 else float(values[first])
        m, v = float(fit.predicted[first]), float(fit.predicted_var[first])
        h = w * v
        if h >= 1 - 1e-9:
            continue
        v_out = v / (1 - h)
        m_out = (m - h * y_eff) / (1 - h)
        official = float(sf.scales.official(np.array([m_out]))[0] ** 2)
        for i in group:
            rows.append({"record_id": ids[i], "root": root, "day": int(days[i]), "value": float(values[i]),
                         "estimate": m_out, "var_a": v_out, "var_b": 0.0, "var_d": 0.0, "official_var": official})
    out = pd.DataFrame(rows, columns=["record_id", "root", "day", "value", "estimate", "var_a", "var_b", "var_d",
                                      "official_var"])
    out["sd"] = _sd(out, 1.0, sf.interpolation_scale) if len(out) else np.zeros(0)
    return _inside(out)


def _inside(out: pd.DataFrame) -> pd.DataFrame:
    err = (out["value"] - out["estimate"]).abs()
    out["inside_50"] = err <= Z50 * out["sd"]
    out["inside_90"] = err <= Z90 * out["sd"]
    return out


def cutoffs(first: str, last: pd.Timestamp, every_months: int = 3) -> list[pd.Timestamp]:
    """Quarterly cut-off dates from ``first`` to 180 days before ``last``."""
    end = pd.Timestamp(last) - pd.Timedelta(days=180)
    return list(pd.date_range(first, end, freq=f"{every_months}MS"))


def _variance_parts(sf: model.SeriesFit, days: np.ndarray, spans: list | None = None) -> tuple[np.ndarray, ...]:
    """Mean of the cumulative amount at ``days`` (or the average over each span ``(lo, hi)``) and its variance
    as a function of the forecast's factor ``c``: ``var(c) = a + 2 b c + d c^2`` (the weeks the statements pin,
    their covariance with the weeks after, and those weeks), from one raw fit."""
    from . import latent

    first = sf.last_day // latent.WEEK + 1
    # every day a figure can refer to, in one evaluation per factor: a span's moments are its days' averages
    days = np.asarray(days)
    if spans is None:
        spans = list(zip(days, days))
    lengths = np.array([int(hi) - int(lo) + 1 for lo, hi in spans])
    every = np.concatenate([np.arange(int(lo), int(hi) + 1) for lo, hi in spans]) if len(spans) else np.zeros(0, int)
    starts = np.r_[0, np.cumsum(lengths)[:-1]] if len(spans) else np.zeros(0, int)
    out = []
    for c in (0.0, 1.0, 2.0):
        cov = latent.scale_beyond(sf.fit.cov, first, c) if c != 1.0 else sf.fit.cov
        mean, var = latent.cumulative_moments(sf.fit.x, cov, every + 1)
        if len(spans):
            mean, var = np.add.reduceat(mean, starts) / lengths, np.add.reduceat(var, starts) / lengths
        out.append((mean, var))
    (mean, v0), (_, v1), (_, v2) = out
    d = (v2 - 2 * v1 + v0) / 2
    b = (v1 - v0 - d) / 2
    return mean, v0, b, d


def _sd(held: pd.DataFrame, factor, interp=None) -> np.ndarray:
    """The held-out figure's predictive sd with the forecast's factor ``c`` and the interpolation's ``k`` (each a
    number, one per row, or a column of factors against a row of figures; ``k`` by default the rows' ``interp``
    column, else 1): ``D cov D`` with ``D`` ``k`` on the pinned weeks and ``c`` after them gives
    ``k^2 a + 2 k c b + c^2 d``, plus the official figure's error."""
    c = np.asarray(factor, dtype=float)
    if interp is None:
        interp = held["interp"].to_numpy(dtype=float) if "interp" in held else 1.0
    k = np.asarray(interp, dtype=float)
    a, b, d, off = (held[col].to_numpy(dtype=float) for col in ("var_a", "var_b", "var_d", "official_var"))
    var = k ** 2 * a + 2 * k * c * b + c ** 2 * d
    return np.sqrt(np.maximum(var, 0.0) + off)


def rolling_origin(obs: pd.DataFrame, fit_kwargs: dict, cuts: list[pd.Timestamp], horizon: int = 180,
                   factor: float = 1.0, interp: float = 1.0) -> pd.DataFrame:
    """Refit on what was published before each cut-off (raw: both factors 1); score what was published in the
    next ``horizon`` days with the forecast's factor ``factor`` and the interpolation's ``interp``. Columns:
    ``cutoff, record_id, day, value, estimate, var_a, var_b, var_d, official_var, interp, sd, inside_50,
    inside_90`` (``var_*``: the variance as a function of the factors, :func:`_variance_parts`)."""
    from .observations import day

    # the columns the loop reads, as arrays once (a refit is some 20 ms; pandas' per-call overhead on a
    # small frame was a quarter of that)
    scored = _scored(obs)
    published = obs["published"].to_numpy()
    ids = obs["record_id"].to_numpy(dtype=object)
    dup = obs["duplicate_of"].to_numpy(dtype=object)
    has_dup = obs["duplicate_of"].notna().to_numpy()
    end_lo, end_hi = obs["end_lo"].to_numpy(), obs["end_hi"].to_numpy()
    values = obs["value"].to_numpy(dtype=float)
    fitted = obs["fitted"].to_numpy(dtype=bool)
    parts = []
    for cut in cuts:
        c = day(cut)
        in_train = published < c
        known = set(ids[in_train]) | set(dup[in_train & has_dup])
        first = {}  # the first row of each record not yet published, in the frame's order
        for i in np.flatnonzero(scored & (published >= c) & (published < c + horizon)):
            if ids[i] not in known and not (has_dup[i] and dup[i] in known):
                first.setdefault(ids[i], i)
        test = np.fromiter(first.values(), dtype=np.int64, count=len(first))
        if not len(test) or not fitted[in_train].any():
            continue
        try:
            sf = model.fit_series(obs.take(np.flatnonzero(in_train)), nowcast_day=int(end_hi[test].max()), light=True,
                                  forecast_scale=1.0, interpolation_scale=1.0, **fit_kwargs)
        except ValueError:
            continue
        spans = list(zip(end_lo[test], end_hi[test])) if (end_hi[test] != end_lo[test]).any() else None
        mean, a, b, d = _variance_parts(sf, end_lo[test], spans)
        parts.append(pd.DataFrame({"cutoff": cut, "record_id": ids[test], "day": end_lo[test].astype(int),
                                   "value": values[test], "estimate": mean.astype(float), "var_a": a.astype(float),
                                   "var_b": b.astype(float), "var_d": d.astype(float),
                                   "official_var": (sf.scales.official(mean) ** 2).astype(float)}))
    columns = ["cutoff", "record_id", "day", "value", "estimate", "var_a", "var_b", "var_d", "official_var"]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    out["interp"] = float(interp)
    out["sd"] = _sd(out, factor) if len(out) else np.zeros(0)
    return _inside(out)


#: The factors :func:`forecast_scale` tries, and the fewest held-out figures it takes one from.
SCALE_GRID = np.round(np.arange(1.0, 4.0001, 0.05), 2)
SCALE_MIN_N = 10


def _grid_factor(held: pd.DataFrame, sd_at) -> tuple[float, float]:
    """The smallest factor of :data:`SCALE_GRID` at which 90 % of the held-out figures fall inside the 90 %
    interval (``sd_at(factor)``: their sds at it); where no factor reaches 90 %, the smallest whose share is
    within one figure of the highest share (a factor is not chased for a single figure). ``(1, nan)`` with
    fewer than :data:`SCALE_MIN_N` figures."""
    return _grid_choice(_inside_at_grid(held, sd_at).sum(axis=1), len(held))


def _inside_at_grid(held: pd.DataFrame, sd_at) -> np.ndarray:
    """``inside[j, i]``: figure ``i`` inside its 90 % interval at the grid's ``j``-th factor (factors x figures)."""
    err = (held["value"] - held["estimate"]).abs().to_numpy()
    return err[None, :] <= Z90 * sd_at(SCALE_GRID[:, None])


def _grid_choice(hits: np.ndarray, n: int) -> tuple[float, float]:
    """The rule of :func:`_grid_factor` from the number of figures inside at each factor of the grid."""
    if n < SCALE_MIN_N:
        return 1.0, float("nan")
    shares = hits / n
    target = min(0.90, shares.max() - 1.0 / n) - 1e-12
    i = int(np.flatnonzero(shares >= target)[0])
    return float(SCALE_GRID[i]), float(shares[i])


def forecast_scale(held: pd.DataFrame) -> tuple[float, float]:
    """The forecast's factor from rolling-origin held-out figures (``var_*`` columns, and the interpolation's
    factor in ``interp`` where present) by the rule of :func:`_grid_factor`. Returns ``(factor, share inside at
    it)``."""
    return _grid_factor(held, lambda c: _sd(held, c))


def interpolation_scale(held: pd.DataFrame) -> tuple[float, float]:
    """The interpolation's factor from leave-one-out held-out figures (:func:`leave_one_out`) by the rule of
    :func:`_grid_factor`. Returns ``(factor, share inside at it)``."""
    return _grid_factor(held, lambda k: _sd(held, 1.0, k))


def honest_leave_one_out(loo: pd.DataFrame) -> pd.DataFrame:
    """Each leave-one-out figure scored with the interpolation's factor that the other figures of its family
    give (those of other statements: a figure and its relays are left out together), so that no figure helps
    choose the width it is judged by. ``loo``: :func:`leave_one_out` rows with ``series``. Sets ``interp`` and
    replaces ``sd`` and the ``inside_*`` columns."""
    out = loo.reset_index(drop=True).copy()
    family = out["series"].map(model.forecast_family).to_numpy()
    group = pd.factorize(out["series"].astype(str) + "\x00" + out["root"].astype(str))[0]
    interp = np.ones(len(out))
    for fam in pd.unique(family):
        mine = np.flatnonzero(family == fam)
        # a left-out group's columns are taken from the family's totals
        sub = out.iloc[mine]
        inside = _inside_at_grid(sub, lambda k: _sd(sub, 1.0, k))
        total = inside.sum(axis=1)
        for g in np.unique(group[mine]):
            cols = group[mine] == g
            interp[mine[cols]] = _grid_choice(total - inside[:, cols].sum(axis=1), int(len(mine) - cols.sum()))[0]
    out["interp"] = interp
    out["sd"] = _sd(out, 1.0, interp) if len(out) else np.zeros(0)
    return _inside(out)


def sequential(held: pd.DataFrame, horizon: int = 180) -> pd.DataFrame:
    """Each cut-off's held-out figures scored with the factor that the cut-offs whose windows had closed by then
    give (:func:`forecast_scale` of the same :func:`~analysis.statements.model.forecast_family`): the honest
    test of the rule. Sets ``factor`` and replaces ``sd`` and the ``inside_*`` columns."""
    out = held.copy()
    family = out["series"].map(model.forecast_family)
    out["factor"] = 1.0
    for fam in family.unique():
        mine = family == fam
        for cut in out.loc[mine, "cutoff"].unique():
            earlier = out[mine & (out["cutoff"] + pd.Timedelta(days=horizon) <= cut)]
            out.loc[mine & (out["cutoff"] == cut), "factor"] = forecast_scale(earlier)[0]
    out["sd"] = _sd(out, out["factor"].to_numpy())
    return _inside(out)


def forecast_scales(held: pd.DataFrame) -> pd.DataFrame:
    """Per family: the factor the whole rolling origin gives (:func:`forecast_scale`), the share inside at it, the
    number of held-out figures, and the factor the model uses (:data:`analysis.statements.model.FORECAST_SCALE`)."""
    return _scales_table(held[held["test"] == "rolling_origin"], forecast_scale, model.FORECAST_SCALE)


def interpolation_scales(held: pd.DataFrame) -> pd.DataFrame:
    """Per family: the factor the whole leave-one-out gives (:func:`interpolation_scale`), the share inside at
    it, the number of held-out figures, and the factor the model uses
    (:data:`analysis.statements.model.INTERPOLATION_SCALE`)."""
    return _scales_table(held[held["test"] == "leave_one_out"], interpolation_scale, model.INTERPOLATION_SCALE)


def _scales_table(held: pd.DataFrame, estimate, in_use: dict) -> pd.DataFrame:
    family = held["series"].map(model.forecast_family)
    rows = []
    for fam in sorted(family.unique()):
        factor, share = estimate(held[family == fam])
        rows.append({"family": fam, "estimate": factor, "coverage_90_at_estimate": share, "n": int((family == fam).sum()),
                     "in_use": in_use.get(fam, 1.0)})
    return pd.DataFrame(rows, columns=["family", "estimate", "coverage_90_at_estimate", "n", "in_use"])


def validate(fits: dict, cuts: list[pd.Timestamp], horizon: int = 180, rolling: set | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both tests for every fitted series (``fits``: key -> :class:`~analysis.statements.model.SeriesFit`);
    the rolling origin only for the keys in ``rolling`` (all when None), scored twice: with the forecast's
    factor the model uses (``rolling_origin``) and with the factor that only earlier cut-offs give
    (``rolling_origin_sequential``). Returns ``(scores, held)``: ``scores`` has :data:`SCORE_COLUMNS`, ``held``
    one row per held-out statement and test (``series, test, cutoff, record_id, date, value, estimate, sd,
    inside_50, inside_90, var_a, var_b, var_d, official_var, interp``; for the rolling origin also ``factor``).
    The leave-one-out figures are scored with the interpolation's factor the family's other figures give
    (:func:`honest_leave_one_out`); the rolling origin with the interpolation's factor in use."""
    from .observations import CEASEFIRE

    held, loo_all, ro_all = [], [], []
    for key, fit in fits.items():
        loo_all.append(leave_one_out(fit).assign(series=key, test="leave_one_out", cutoff=pd.NaT))
        if rolling is None or key in rolling:
            ro = rolling_origin(fit.observations[OBSERVATION_INPUT], fit.options, cuts, horizon, factor=fit.forecast_scale,
                                interp=fit.interpolation_scale)
            ro_all.append(ro.assign(series=key, test="rolling_origin", factor=fit.forecast_scale))
    if loo_all:
        held.append(honest_leave_one_out(pd.concat(loo_all, ignore_index=True)))
    held += ro_all
    if ro_all:
        held.append(sequential(pd.concat(ro_all, ignore_index=True), horizon).assign(test="rolling_origin_sequential"))
    held = pd.concat(held, ignore_index=True)
    held["date"] = CEASEFIRE + pd.to_timedelta(held["day"], unit="D")
    tests = ("leave_one_out", "rolling_origin", "rolling_origin_sequential")
    scores = [score(held[(held["series"] == key) & (held["test"] == test)], key, test)
              for key in fits for test in tests if test == "leave_one_out" or rolling is None or key in rolling]
    columns = ["series", "test", "cutoff", "record_id", "date", "value", "estimate", "sd", "inside_50", "inside_90",
               "var_a", "var_b", "var_d", "official_var", "interp", "factor"]
    return pd.DataFrame(scores, columns=SCORE_COLUMNS), held.reindex(columns=columns)


def score(held: pd.DataFrame, series_key: str, test: str) -> dict:
    if held.empty:
        return {"series": series_key, "test": test, "n": 0, "coverage_50": np.nan, "coverage_90": np.nan,
                "mape": np.nan, "median_half_width": np.nan}
    rel = (held["value"] - held["estimate"]).abs() / held["value"].abs().clip(lower=1e-9)
    half = Z90 * held["sd"] / held["estimate"].abs().clip(lower=1e-9)
    return {"series": series_key, "test": test, "n": int(len(held)), "coverage_50": float(held["inside_50"].mean()),
            "coverage_90": float(held["inside_90"].mean()), "mape": float(rel.mean()), "median_half_width": float(half.median())}


#: The targets of a series with at least ``TARGET_MIN_N`` held-out statements: 90 % coverage in this range,
#: and the median half-width of the 90 % interval under these shares of the estimate.
TARGET_MIN_N = 10
TARGET_COVERAGE = (0.85, 0.95)
TARGET_HALF_WIDTH = {"casualties:total": 0.05, "clearance:all:hectares": 0.06}


def targets(scores: pd.DataFrame) -> pd.DataFrame:
    """Each score against the targets: ``coverage_ok`` (in 0.85-0.95), ``width_ok`` (where the series has a
    width target), ``assessed`` (at least 10 held-out statements), ``lower_90``/``upper_90`` (95 % Wilson
    interval of the 90 % coverage, statsmodels)."""
    from statsmodels.stats.proportion import proportion_confint

    out = scores.copy()
    hits = (out["coverage_90"] * out["n"]).round().fillna(0).astype(int)
    lo, hi = proportion_confint(hits, out["n"].clip(lower=1), alpha=0.05, method="wilson")
    out["lower_90"], out["upper_90"] = np.where(out["n"] > 0, lo, np.nan), np.where(out["n"] > 0, hi, np.nan)
    out["assessed"] = out["n"] >= TARGET_MIN_N
    out["coverage_ok"] = out["coverage_90"].between(*TARGET_COVERAGE)
    limit = out["series"].map(TARGET_HALF_WIDTH)
    out["width_target"] = limit
    out["width_ok"] = np.where(limit.notna(), out["median_half_width"] < limit, np.nan)
    return out


def describe_targets() -> str:
    """The targets in words, from :data:`TARGET_MIN_N`, :data:`TARGET_COVERAGE` and :data:`TARGET_HALF_WIDTH`
    (so that the notebook's text follows the constants). Markdown."""
    widths = " and ".join(f"{share:.0%} ({series})" for series, share in TARGET_HALF_WIDTH.items()).replace("%", " %")
    return (f"**Targets**, for every series with at least {TARGET_MIN_N} held-out statements: 90 % coverage between "
            f"{TARGET_COVERAGE[0]:.2f} and {TARGET_COVERAGE[1]:.2f}, and a median half-width of the 90 % interval under "
            f"{widths}.")


def describe(checked: pd.DataFrame) -> str:
    """The reading of the backtest, from its scores (:func:`targets`): which assessed series meet the targets,
    which fall short and how (too many misses: the intervals are too narrow; too few: too wide; or too wide
    for the width target), and which have too few held-out statements to be assessed. Markdown."""
    lines = [describe_targets()]
    tests = {"leave_one_out": "leave one out", "rolling_origin": "rolling origin",
             "rolling_origin_sequential": "rolling origin, factor from earlier cut-offs only"}
    assessed = checked[checked["assessed"]]
    met = assessed[assessed["coverage_ok"] & (assessed["width_ok"].isna() | (assessed["width_ok"] == True))]  # noqa: E712
    short = assessed.drop(met.index)
    if len(met):
        lines.append("**Met.** " + "; ".join(
            f"{r.series} ({tests[r.test]}: {r.coverage_90:.1%} of {r.n} inside the 90 % interval"
            + (f", median half-width {r.median_half_width:.1%}" if pd.notna(r.width_target) else "") + ")"
            for r in met.itertuples()) + ".")
    for r in short.itertuples():
        why = []
        if r.coverage_90 < TARGET_COVERAGE[0]:
            why.append(f"only {r.coverage_90:.1%} of {r.n} held-out figures fall inside the 90 % interval "
                       f"(95 % CI {r.lower_90:.0%}-{r.upper_90:.0%}): the intervals are too narrow here")
        elif r.coverage_90 > TARGET_COVERAGE[1]:
            why.append(f"{r.coverage_90:.1%} of {r.n} fall inside the 90 % interval: wider than it needs to be")
        if pd.notna(r.width_target) and r.width_ok == False:  # noqa: E712
            why.append(f"the median half-width {r.median_half_width:.1%} is above the {r.width_target:.0%} target")
        text = "; ".join(why)
        lines.append(f"**Short: {r.series}, {tests[r.test]}.** " + text[:1].upper() + text[1:] + ".")
    few = checked[~checked["assessed"] & (checked["n"] > 0)]
    if len(few):
        lines.append(f"**Not assessed** (fewer than {TARGET_MIN_N} held-out figures): " + ", ".join(
            f"{r.series} ({tests[r.test]}, {r.n})" for r in few.itertuples()) + ".")
    return "\n\n".join(lines)


SCALE_NAMES = {
    "forecast": ("The forecast's factor", "the weekly amounts after the last statement vary this many times as much "
                 "as the rate model alone says", "held-out figures of the rolling origin"),
    "interpolation": ("The interpolation's factor", "up to the last statement the weekly amounts vary this many times "
                      "as much about the fitted series as the model alone says", "leave-one-out figures"),
}


def describe_scales(table: pd.DataFrame, kind: str = "forecast") -> str:
    """A calibration factor in words, from :func:`forecast_scales` (``kind`` 'forecast') or
    :func:`interpolation_scales` ('interpolation'): the factor in use for each family and whether this backtest
    gives the same one (a test fails when it does not). Markdown."""
    if table.empty:
        return ""
    title, meaning, figures = SCALE_NAMES[kind]
    bits = []
    for r in table.itertuples():
        same = abs(r.estimate - r.in_use) < 0.05 / 2
        share = f"{r.coverage_90_at_estimate:.0%}" if pd.notna(r.coverage_90_at_estimate) else "n/a"
        bits.append(f"{r.family}: x{r.in_use:.2f} in use, x{r.estimate:.2f} from these {r.n} {figures} "
                    f"({share} inside the 90 % interval at it)" + ("" if same else " — the factor in use is stale"))
    return f"**{title}** ({meaning}): " + "; ".join(bits) + "."
