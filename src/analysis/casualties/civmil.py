"""Civilian and military casualties: shares with intervals, their change over time, case-fatality by
group, and Azerbaijan's civilian share against the global Landmine Monitor share.

Pure functions (frames in, frames out); every statistic comes from statsmodels or scipy:

- :func:`civilian_share`: civilian share of the casualties of known status, Wilson score interval
  (``statsmodels.stats.proportion.proportion_confint(method="wilson")``).
- :func:`share_trend`: change of the civilian share over time, a binomial GLM
  (statsmodels ``GLM``, family Binomial, logit link) of the increments between consecutive split
  statements, with a time term in years; the odds ratio per year with its 95% interval.
- :func:`case_fatality`: killed / all casualties by group (Wilson intervals), the civilian-to-military
  risk ratio with its log-method interval (``Table2x2.riskratio_confint``) and Fisher's exact test
  (``scipy.stats.fisher_exact``).
- :func:`global_comparison`: Azerbaijan's shares next to the Landmine Monitor's global shares, editions
  kept apart.
- the figures are drawn by :mod:`analysis.plots.civmil`.

Counts are people (victims: killed + injured); shares and case-fatality are fractions from 0 to 1.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import fisher_exact
# the statsmodels modules used, not statsmodels.api (which imports all of statsmodels: a quarter second per kernel)
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.proportion import proportion_confint
from statsmodels.tools.tools import add_constant

from ..data import require_columns

#: The ceasefire that ended the 2020 war; the origin of the time axis of :func:`share_trend`.
CEASEFIRE = pd.Timestamp("2020-11-10")
#: Days in a year on the time axis (Julian year).
DAYS_PER_YEAR = 365.25
#: Fewest usable intervals for which :func:`share_trend` fits a trend.
MIN_INTERVALS = 3
GROUPS = ("civilian", "military")
GLOBAL_SERIES = "Global (Landmine Monitor)"
AZERBAIJAN_SERIES = "Azerbaijan since the ceasefire (official)"
COMPARISON_COLUMNS = ["series", "period", "share", "lower", "upper", "edition", "qualifier", "record"]
#: Monitor editions in the order they are drawn.
EDITIONS = ("first_published", "revised", "unspecified")


def _wilson(count, nobs, alpha: float):
    """Wilson score interval of count/nobs (statsmodels), NaN where nobs is 0."""
    count = np.asarray(count, dtype=float)
    nobs = np.asarray(nobs, dtype=float)
    ok = nobs > 0
    lower = np.full(count.shape, np.nan)
    upper = np.full(count.shape, np.nan)
    if ok.any():
        lo, hi = proportion_confint(count[ok], nobs[ok], alpha=alpha, method="wilson")
        lower[ok], upper[ok] = lo, hi
    return lower, upper


# --------------------------------------------------------------------------------------------------
# shares


def civilian_share(splits: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Civilian share of the casualties of known status at each statement, with a Wilson interval.

    Method: share = civilian / (civilian + military), a fraction from 0 to 1; its (1 - ``alpha``)
    Wilson score interval from ``statsmodels.stats.proportion.proportion_confint(method="wilson")``.
    The interval treats the victims as independent binomial trials; it is the sampling uncertainty of
    the share, not of the counts themselves.

    ``splits`` has columns ``date`` (datetime64), ``civilian`` and ``military`` (victims, people,
    cumulative since the ceasefire at that date); other columns are kept. Rows missing either count
    are dropped. Added columns: ``known`` (civilian + military, people), ``share``, ``lower``,
    ``upper`` (fractions; NaN where ``known`` is 0). Sorted by date (stable), index reset.
    """
    require_columns(splits, ["date", "civilian", "military"], "civilian_share")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1, not {alpha!r}")
    out = splits.dropna(subset=["civilian", "military"]).copy()
    out["civilian"] = out["civilian"].astype("int64")
    out["military"] = out["military"].astype("int64")
    if ((out["civilian"] < 0) | (out["military"] < 0)).any():
        raise ValueError("civilian_share: civilian and military counts must not be negative")
    out["known"] = out["civilian"] + out["military"]
    known = out["known"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share"] = np.where(known > 0, out["civilian"].to_numpy(dtype=float) / known, np.nan)
    out["lower"], out["upper"] = _wilson(out["civilian"], out["known"], alpha)
    return out.sort_values("date", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# trend


def _years_since_ceasefire(dates: pd.Series) -> np.ndarray:
    return ((pd.to_datetime(dates) - CEASEFIRE) / pd.Timedelta(days=1)).to_numpy(dtype=float) / DAYS_PER_YEAR


def share_trend(splits: pd.DataFrame, overdispersion: bool = True) -> dict:
    """Change of the civilian share over time: a binomial GLM of the increments between statements.

    Method: cumulative statements overlap, so the model uses the increments between consecutive split
    statements (sorted by date): dc = civilian_i - civilian_(i-1) and dm = military_i - military_(i-1)
    victims (people). An interval is used when dc >= 0, dm >= 0 and dc + dm > 0; every other
    consecutive pair is listed in ``dropped`` with the reason. A binomial GLM (``statsmodels`` GLM,
    family Binomial, logit link; endog [dc, dm] = [civilians, military]) with an intercept and a time
    term, the interval's midpoint in years (of 365.25 days) since 10 Nov 2020, gives the odds ratio of
    a casualty being civilian per year, its 95% Wald interval and p-value.

    Over-dispersion: harm comes in bursts, so increments vary more than binomial. The Pearson
    chi-square / residual df is returned as ``dispersion``; when ``overdispersion`` is true and it
    exceeds 1, the model is refitted with that scale (quasi-binomial: standard errors times
    sqrt(dispersion)), which widens the interval (it never narrows it). ``scale`` gives the scale used (1 = plain binomial).

    ``splits``: columns ``date``, ``civilian``, ``military`` (cumulative since the ceasefire); rows
    missing either count are ignored; statements should be one per date, of one scope, reconciled.

    Returns a dict: ``odds_ratio_per_year``, ``lower``, ``upper``, ``p_value``, ``n_intervals``,
    ``method`` (a sentence), ``dispersion``, ``scale``, ``intervals`` (start, end, civilian, military,
    midpoint_years: the increments used) and ``dropped`` (start, end, civilian_start, civilian_end,
    military_start, military_end, reason). With fewer than 3 usable intervals, or when every increment
    is all civilian or all military, the estimates are NaN and ``method`` says why.
    """
    require_columns(splits, ["date", "civilian", "military"], "share_trend")
    rows = splits.dropna(subset=["date", "civilian", "military"]).sort_values("date", kind="stable")
    dates = pd.to_datetime(rows["date"]).reset_index(drop=True)
    civ = rows["civilian"].astype("int64").to_numpy()
    mil = rows["military"].astype("int64").to_numpy()

    used, dropped = [], []
    for i in range(1, len(rows)):
        start, end = dates[i - 1], dates[i]
        dc, dm = int(civ[i] - civ[i - 1]), int(mil[i] - mil[i - 1])
        reasons = []
        if end == start:
            reasons.append("two statements for the same date (a conflict to resolve before the trend)")
        if dc < 0:
            reasons.append(f"civilian count falls from {civ[i - 1]} to {civ[i]} (reclassification)")
        if dm < 0:
            reasons.append(f"military count falls from {mil[i - 1]} to {mil[i]} (reclassification)")
        if not reasons and dc + dm == 0:
            reasons.append("no new casualties of known status between the statements")
        if reasons:
            dropped.append(
                {"start": start, "end": end, "civilian_start": int(civ[i - 1]), "civilian_end": int(civ[i]),
                 "military_start": int(mil[i - 1]), "military_end": int(mil[i]), "reason": "; ".join(reasons)}
            )
        else:
            used.append({"start": start, "end": end, "civilian": dc, "military": dm})

    intervals = pd.DataFrame(used, columns=["start", "end", "civilian", "military"])
    intervals["start"] = pd.to_datetime(intervals["start"])
    intervals["end"] = pd.to_datetime(intervals["end"])
    intervals["civilian"] = intervals["civilian"].astype("int64")
    intervals["military"] = intervals["military"].astype("int64")
    intervals["midpoint_years"] = _years_since_ceasefire(intervals["start"] + (intervals["end"] - intervals["start"]) / 2)
    dropped = pd.DataFrame(
        dropped,
        columns=["start", "end", "civilian_start", "civilian_end", "military_start", "military_end", "reason"],
    )

    n = len(intervals)
    result = {
        "odds_ratio_per_year": math.nan, "lower": math.nan, "upper": math.nan, "p_value": math.nan,
        "n_intervals": n, "dispersion": math.nan, "scale": math.nan,
        "intervals": intervals, "dropped": dropped,
    }
    if n < MIN_INTERVALS:
        result["method"] = (
            f"No trend estimated: a binomial GLM of the civilian share needs at least {MIN_INTERVALS} usable "
            f"intervals between consecutive split statements, and there {'is' if n == 1 else 'are'} {n}."
        )
        return result
    if (intervals["civilian"] == 0).all() or (intervals["military"] == 0).all():
        result["method"] = (
            "No trend estimated: every increment is all civilian or all military, so the binomial GLM's "
            "odds are not identified."
        )
        return result

    endog = intervals[["civilian", "military"]].to_numpy(dtype=float)
    exog = add_constant(intervals["midpoint_years"].to_numpy(dtype=float), has_constant="add")
    model = GLM(endog, exog, family=families.Binomial())
    fit = model.fit()
    dispersion = float(fit.pearson_chi2 / fit.df_resid) if fit.df_resid > 0 else math.nan
    scale_note = "binomial variance (scale 1)"
    if overdispersion and np.isfinite(dispersion) and dispersion > 1:
        # The Pearson chi2/df of the binomial fit, passed as a fixed scale. (statsmodels 0.15's own
        # scale="X2" is wrong with a [successes, failures] endog: it ignores the number of trials and
        # gives about dispersion / mean trials, which would NARROW the interval.)
        fit = model.fit(scale=dispersion)
        scale_note = f"quasi-binomial variance (scale = Pearson chi2/df = {dispersion:.2f}, widening the interval)"
    lo, hi = fit.conf_int(alpha=0.05)[1]
    result.update(
        odds_ratio_per_year=float(np.exp(fit.params[1])),
        lower=float(np.exp(lo)),
        upper=float(np.exp(hi)),
        p_value=float(fit.pvalues[1]),
        dispersion=dispersion,
        scale=float(fit.scale),
        method=(
            f"Binomial GLM (logit link, statsmodels) of civilian vs military victims in {n} non-overlapping "
            "increments between consecutive cumulative split statements, with the interval midpoint in years "
            f"since 10 Nov 2020 as the time term and {scale_note}; odds ratio of a casualty being civilian "
            "per year with a 95% Wald interval."
        ),
    )
    return result


# --------------------------------------------------------------------------------------------------
# case fatality


def case_fatality(
    civilian_killed: int,
    civilian_total: int,
    military_killed: int,
    military_total: int,
    alpha: float = 0.05,
) -> tuple[pd.DataFrame, dict]:
    """Case-fatality (killed / all casualties) by group, and civilians compared with the military.

    Method: case-fatality = killed / casualties (people; a fraction from 0 to 1) per group with its
    (1 - ``alpha``) Wilson score interval (``proportion_confint(method="wilson")``). The comparison
    uses the 2x2 table rows = (civilian, military), columns = (killed, survived):
    ``statsmodels.stats.contingency_tables.Table2x2`` gives the risk ratio (civilian CFR / military
    CFR) and its interval by the log method, exp(ln RR +/- z * sqrt(1/a - 1/(a+b) + 1/c - 1/(c+d)));
    ``scipy.stats.fisher_exact`` gives the two-sided exact p-value.

    Returns ``(table, comparison)``: ``table`` has one row per group with columns group, killed,
    casualties, case_fatality, lower, upper; ``comparison`` is a dict with risk_ratio, lower, upper,
    fisher_p and method.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1, not {alpha!r}")
    counts = {"civilian": (civilian_killed, civilian_total), "military": (military_killed, military_total)}
    for group, (killed, total) in counts.items():
        for name, value in (("killed", killed), ("total", total)):
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"case_fatality: {group}_{name} must be a whole number >= 0, not {value!r}")
        if killed > total:
            raise ValueError(f"case_fatality: {group}_killed {killed} exceeds {group}_total {total}")
        if total == 0:
            raise ValueError(f"case_fatality: {group}_total is 0; case-fatality is undefined")
    killed = np.array([counts[g][0] for g in GROUPS], dtype="int64")
    total = np.array([counts[g][1] for g in GROUPS], dtype="int64")
    lower, upper = _wilson(killed, total, alpha)
    table = pd.DataFrame(
        {"group": list(GROUPS), "killed": killed, "casualties": total, "case_fatality": killed / total,
         "lower": lower, "upper": upper}
    )
    two_by_two = np.column_stack([killed, total - killed])  # rows: civilian, military; columns: killed, survived
    ct = Table2x2(two_by_two)
    rr_lo, rr_hi = ct.riskratio_confint(alpha=alpha)
    fisher = fisher_exact(two_by_two, alternative="two-sided")
    level = round(100 * (1 - alpha), 6)
    comparison = {
        "risk_ratio": float(ct.riskratio),
        "lower": float(rr_lo),
        "upper": float(rr_hi),
        "fisher_p": float(fisher.pvalue),
        "method": (
            "Case-fatality = killed / all casualties per group with Wilson intervals; risk ratio (civilian / "
            f"military case-fatality) with a {level:g}% log-method interval (statsmodels Table2x2) and "
            "Fisher's exact test, two-sided (scipy)."
        ),
    }
    return table, comparison


# --------------------------------------------------------------------------------------------------
# global comparison


def global_comparison(monitor_annual: pd.DataFrame, azerbaijan: pd.DataFrame) -> pd.DataFrame:
    """Azerbaijan's civilian share next to the Landmine Monitor's global civilian share, as a long table.

    The Monitor's ``civilian_share_pct`` is the percentage of civilians among the casualties whose
    civilian or military status was KNOWN (its own wording: "where the status was known"), the same
    denominator as :func:`civilian_share`; it is taken as printed (divided by 100), with no interval.
    Rows: ``monitor_annual`` rows with country "Global" and metric "civilian_share_pct" (relays flagged
    ``duplicate`` are left out); the editions (first_published, revised, unspecified) are kept apart,
    so a year can appear twice. ``azerbaijan`` is the output of :func:`civilian_share`.

    Columns: ``series`` ("Global (Landmine Monitor)" or "Azerbaijan since the ceasefire (official)"),
    ``period`` (the Monitor's year label, e.g. "2012" or "1999-2008"; the statement date YYYY-MM-DD),
    ``share``, ``lower``, ``upper`` (fractions 0-1; NaN bounds for the Monitor), ``edition``,
    ``qualifier`` (as recorded; for Azerbaijan, the frame's ``qualifier`` column if it has one),
    ``record`` (the Monitor's row_id; for Azerbaijan the ``report_id`` column if present, else the date).
    """
    require_columns(monitor_annual, ["country", "metric", "year", "value", "edition", "qualifier"], "global_comparison")
    require_columns(azerbaijan, ["date", "share", "lower", "upper"], "global_comparison")
    mon = monitor_annual[(monitor_annual["country"] == "Global") & (monitor_annual["metric"] == "civilian_share_pct")]
    if "flags" in mon.columns:
        relay = mon["flags"].fillna("").astype(str).str.split(";").apply(lambda tokens: "duplicate" in tokens)
        mon = mon[~relay.astype(bool)]
    mon = mon.sort_values(["year"], kind="stable")
    glob = pd.DataFrame(
        {
            "series": GLOBAL_SERIES,
            "period": mon["year"].astype("string").to_numpy(),
            "share": mon["value"].astype("float64").to_numpy() / 100.0,
            "lower": np.nan,
            "upper": np.nan,
            "edition": mon["edition"].astype("string").to_numpy(),
            "qualifier": mon["qualifier"].astype("string").to_numpy(),
            "record": mon.index.astype(str),
        }
    )
    az = azerbaijan.dropna(subset=["share"]).sort_values("date", kind="stable")
    period = pd.to_datetime(az["date"]).dt.strftime("%Y-%m-%d")
    record = az["report_id"].astype("string") if "report_id" in az.columns else period
    loc = pd.DataFrame(
        {
            "series": AZERBAIJAN_SERIES,
            "period": period.astype("string").to_numpy(),
            "share": az["share"].astype("float64").to_numpy(),
            "lower": az["lower"].astype("float64").to_numpy(),
            "upper": az["upper"].astype("float64").to_numpy(),
            "edition": pd.array([pd.NA] * len(az), dtype="string"),
            "qualifier": (az["qualifier"].astype("string").to_numpy() if "qualifier" in az.columns
                          else pd.array([pd.NA] * len(az), dtype="string")),
            "record": record.astype("string").to_numpy(),
        }
    )
    out = pd.concat([glob, loc], ignore_index=True)[COMPARISON_COLUMNS]
    for col in ("series", "period", "edition", "qualifier", "record"):
        out[col] = out[col].astype("string")
    return out
