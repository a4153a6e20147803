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

Scores per series and test: ``n``; ``coverage_50`` and ``coverage_90`` (shares inside the intervals);
``mape`` (mean absolute error over the stated figure); ``median_half_width`` (half the 90 % interval over
the estimate).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from . import model

Z90 = stats.norm.ppf(0.95)
Z50 = stats.norm.ppf(0.75)
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
    """Held-out predictive of each exact cumulative statement (grouped with its relays). Columns:
    ``record_id, day, value, estimate, sd, inside_50, inside_90``."""
    obs = sf.observations
    fit = sf.fit
    scored = _scored(obs)
    roots = _root(obs)
    rows = []
    omega, pseudo = fit.precision, fit.pseudo
    for root in pd.unique(roots[scored]):
        group = np.flatnonzero((roots == root) & obs["fitted"].to_numpy() & (obs["lo"] == obs["hi"]).to_numpy()
                               & (obs["kind"] == "stock").to_numpy())
        first = group[0]
        w = float(omega[group].sum())
        y_eff = float((omega[group] * pseudo[group]).sum() / w) if w > 0 else float(obs["value"].iloc[first])
        m, v = float(fit.predicted[first]), float(fit.predicted_var[first])
        h = w * v
        if h >= 1 - 1e-9:
            continue
        v_out = v / (1 - h)
        m_out = (m - h * y_eff) / (1 - h)
        sd = float(np.sqrt(v_out + sf.scales.official(np.array([m_out]))[0] ** 2))
        for i in group:
            y = float(obs["value"].iloc[i])
            rows.append({"record_id": obs["record_id"].iloc[i], "day": int(obs["end_lo"].iloc[i]), "value": y,
                         "estimate": m_out, "sd": sd})
    return _inside(pd.DataFrame(rows, columns=["record_id", "day", "value", "estimate", "sd"]))


def _inside(out: pd.DataFrame) -> pd.DataFrame:
    err = (out["value"] - out["estimate"]).abs()
    out["inside_50"] = err <= Z50 * out["sd"]
    out["inside_90"] = err <= Z90 * out["sd"]
    return out


def cutoffs(first: str, last: pd.Timestamp, every_months: int = 3) -> list[pd.Timestamp]:
    """Quarterly cut-off dates from ``first`` to 180 days before ``last``."""
    end = pd.Timestamp(last) - pd.Timedelta(days=180)
    return list(pd.date_range(first, end, freq=f"{every_months}MS"))


def rolling_origin(obs: pd.DataFrame, fit_kwargs: dict, cuts: list[pd.Timestamp], horizon: int = 180) -> pd.DataFrame:
    """Refit on what was published before each cut-off; score what was published in the next ``horizon`` days.
    Columns: ``cutoff, record_id, day, value, estimate, sd, inside_50, inside_90``."""
    from .observations import day

    rows = []
    scored = _scored(obs)
    for cut in cuts:
        c = day(cut)
        train = obs[obs["published"] < c]
        test = obs[scored & (obs["published"] >= c) & (obs["published"] < c + horizon)]
        known = set(train["record_id"]) | set(train["duplicate_of"].dropna())
        test = test[~test["record_id"].isin(known) & ~test["duplicate_of"].isin(known)]
        test = test.drop_duplicates("record_id")
        if test.empty or not train["fitted"].any():
            continue
        try:
            sf = model.fit_series(train, nowcast_day=int(test["end_hi"].max()), light=True, **fit_kwargs)
        except ValueError:
            continue
        mean, var = sf.fit.cumulative(test["end_lo"].to_numpy())
        if (test["end_hi"] != test["end_lo"]).any():  # month-only dates: the month's average
            for j, (lo, hi) in enumerate(zip(test["end_lo"], test["end_hi"])):
                if hi != lo:
                    mm, vv = sf.fit.cumulative(np.arange(lo, hi + 1))
                    mean[j], var[j] = mm.mean(), vv.mean()
        sd = np.sqrt(var + sf.scales.official(mean) ** 2)
        for r, m, s in zip(test.itertuples(), mean, sd):
            rows.append({"cutoff": cut, "record_id": r.record_id, "day": int(r.end_lo), "value": float(r.value),
                         "estimate": float(m), "sd": float(s)})
    return _inside(pd.DataFrame(rows, columns=["cutoff", "record_id", "day", "value", "estimate", "sd"]))


def validate(fits: dict, cuts: list[pd.Timestamp], horizon: int = 180, rolling: set | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both tests for every fitted series (``fits``: key -> :class:`~analysis.statements.model.SeriesFit`);
    the rolling origin only for the keys in ``rolling`` (all when None). Returns ``(scores, held)``:
    ``scores`` has :data:`SCORE_COLUMNS`, ``held`` one row per held-out statement (``series, test, cutoff,
    record_id, date, value, estimate, sd, inside_50, inside_90``)."""
    from .observations import CEASEFIRE

    scores, held = [], []
    for key, fit in fits.items():
        loo = leave_one_out(fit).assign(series=key, test="leave_one_out", cutoff=pd.NaT)
        scores.append(score(loo, key, "leave_one_out"))
        held.append(loo)
        if rolling is None or key in rolling:
            ro = rolling_origin(fit.observations[OBSERVATION_INPUT], fit.options, cuts, horizon)
            scores.append(score(ro, key, "rolling_origin"))
            held.append(ro.assign(series=key, test="rolling_origin"))
    held = pd.concat(held, ignore_index=True)
    held["date"] = CEASEFIRE + pd.to_timedelta(held["day"], unit="D")
    columns = ["series", "test", "cutoff", "record_id", "date", "value", "estimate", "sd", "inside_50", "inside_90"]
    return pd.DataFrame(scores, columns=SCORE_COLUMNS), held[columns]


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


def describe(checked: pd.DataFrame) -> str:
    """The reading of the backtest, from its scores (:func:`targets`): which assessed series meet the targets,
    which fall short and how (too many misses: the intervals are too narrow; too few: too wide; or too wide
    for the width target), and which have too few held-out statements to be assessed. Markdown."""
    lines = []
    tests = {"leave_one_out": "leave one out", "rolling_origin": "rolling origin"}
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
        lines.append(f"**Short: {r.series}, {tests[r.test]}.** " + "; ".join(why) + ".")
    few = checked[~checked["assessed"] & (checked["n"] > 0)]
    if len(few):
        lines.append("**Not assessed** (fewer than 10 held-out figures): " + ", ".join(
            f"{r.series} ({tests[r.test]}, {r.n})" for r in few.itertuples()) + ".")
    return "\n\n".join(lines)
