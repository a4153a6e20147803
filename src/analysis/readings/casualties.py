"""The casualty series in words (notebook 01): how many as of the last statement and as of the nowcast, the
trend, the calendar-year cross-check and the longest stretch without a statement; and the captions of the
notebook's figures."""

from __future__ import annotations

import pandas as pd

from ..casualties.series import LABELS, CasualtyAnalysis
from ..data.bodies import body_name
from ..statements.model import INTERPOLATED_GAP_DAYS
from ..statements.observations import CEASEFIRE
from . import words

#: How a caption explains the lighter stretches (the plots' rule, statements.model.interpolated_stretches).
INTERPOLATED = (f"lighter where interpolated (no exact statement for {INTERPOLATED_GAP_DAYS} days or more)")

#: Statuses of an observation that put a statement on the series (a down-weighted one still is a statement).
STATED = ("fitted", "down-weighted", "bound met", "bound not met", "window not met")


def _row_text(row: pd.Series) -> str:
    return words.with_interval(row["estimate"], row["lower"], row["upper"])


def as_of(daily: pd.DataFrame, measure: str) -> tuple[pd.Series, pd.Series | None]:
    """The last fitted day of ``measure`` and, if the series runs on as a forecast, its last day."""
    return words.last_rows(daily[daily["measure"] == measure])


def level_sentence(daily: pd.DataFrame, measure: str = "total", parts=("killed", "injured")) -> str:
    """'By 12 March 2026, the day of the last statement, the series gives 420 (90 % interval 417–422) casualties
    (killed and injured) since the ceasefire: 72 (...) killed and 348 (...) injured. Carried on to ... as a
    forecast (no statement yet): ...'."""
    last, forecast = as_of(daily, measure)
    have = [p for p in parts if p in set(daily["measure"])]
    bits = [f"{_row_text(as_of(daily, p)[0])} {LABELS[p].replace('people ', '')}" for p in have]
    return words.by_last_statement(last, forecast, _row_text, f"{LABELS[measure]} since the ceasefire",
                                   f": {words.listing(bits)}" if bits else "")


def trend_sentence(analysis: CasualtyAnalysis, measure: str = "total") -> str:
    """The trend of ``measure`` in words: direction and size decided by the 95 % interval, a change of slope
    named with its date."""
    t = analysis.trends.get(measure)
    if t is None:
        return f"No trend of {LABELS.get(measure, measure)} could be fitted: {analysis.skipped.get(measure, 'no data')}."
    first = CEASEFIRE + pd.Timedelta(days=t.first_day)
    last = CEASEFIRE + pd.Timedelta(days=t.last_day)
    rr, lo, hi = t.rate_ratio
    what = f"the rate of {LABELS[measure]}"
    if t.rate_ratio_after is None:
        return (f"From {words.day(first)} to {words.day(last)} {words.change_per_year(rr, lo, hi, what)}; composite-link "
                f"quasi-Poisson trend of {t.rate.n} amounts between statements.")
    a, alo, ahi = t.rate_ratio_after
    after = words.change_per_year(a, alo, ahi, "it")
    slowed = ""
    if words.direction(lo, hi) == words.direction(alo, ahi) == "fell":
        slowed = ", so the decline slowed" if a > rr else ", so the decline quickened"
    return (f"From {words.day(first)} to {words.month(t.knot_date)} {words.change_per_year(rr, lo, hi, what)}; from "
            f"{words.month(t.knot_date)} to {words.day(last)} {after}{slowed}. Composite-link quasi-Poisson trend of "
            f"{t.rate.n} amounts between statements, with the change of slope where an F test asks for one.")


#: Short names of the measures where a sentence already says "casualties".
SHORT = {"total": "total", "killed": "killed", "injured": "injured"}


def cross_check_sentence(cross_check: pd.DataFrame) -> str:
    """The calendar-year totals against the series' count over the same year: the years where every measure
    agrees within the series' 90 % interval, and for each other year which measures lie outside and which way
    the other statements pull."""
    if cross_check.empty:
        return "No calendar-year total falls inside the fitted period."
    cc = cross_check.assign(inside=(cross_check["stated"] >= cross_check["lower"] - 0.5)
                            & (cross_check["stated"] <= cross_check["upper"] + 0.5))
    bodies = words.listing(sorted({body_name(b) for b in cc["reporting_body"]}))
    by_year = cc.groupby("year")["inside"].all()
    agree = [str(y) for y, ok in by_year.items() if ok]
    parts = []
    if agree:
        every = "every year" if len(agree) == len(by_year) else words.listing(agree)
        parts.append(f"The calendar-year totals of the {bodies} agree with the series' count over the same year within its "
                     f"90 % interval in {every}" + (f" ({words.listing(agree)})" if len(agree) == len(by_year) else ""))
    for year, ok in by_year.items():
        if ok:
            continue
        rows = cc[cc["year"] == year]
        out = rows[~rows["inside"]]
        stated = words.listing(f"{SHORT.get(m, m)} {words.count(v)}" for m, v in zip(out["measure"], out["stated"]))
        series = words.listing(f"{words.with_interval(e, lo, hi)}" for e, lo, hi in zip(out["series_increase"], out["lower"], out["upper"]))
        ways = {"more" if e > v else "fewer" for e, v in zip(out["series_increase"], out["stated"])}
        way = ways.pop() if len(ways) == 1 else "a different count"
        text = (f"in {year} the stated {stated} lie outside the series' {series}: the other statements imply {way} "
                f"casualties that year than the annual total")
        fine = rows[rows["inside"]]
        if len(fine):
            text += (f" (the {words.listing(SHORT.get(m, m) for m in fine['measure'])} "
                     f"{'figure agrees' if len(fine) == 1 else 'figures agree'})")
        parts.append(text)
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def gap_sentence(analysis: CasualtyAnalysis, measure: str = "total") -> str:
    """'The longest stretch without a statement of casualties: from 2 June to 17 October 2025 (137 days).'"""
    s = analysis.statements
    dates = s.loc[(s["measure"] == measure) & s["status"].isin(STATED), "date"]
    gap = words.longest_gap(dates)
    if gap is None:
        return ""
    return (f"The longest stretch without a statement of {LABELS[measure]} ran {words.gap_text(gap)}; the series "
            "interpolates there, and its band is widest in the middle of it.")


def bounds_sentence(statements: pd.DataFrame, what: str = "statements") -> str:
    """How many rounded figures and bounds the series meets, and which it does not (with the reason)."""
    s = statements[statements["lo"] != statements["hi"]]
    s = s[s["status"] != "not fitted"]
    if s.empty:
        return f"No rounded figure or bound among the {what}."
    missed = s[s["status"].isin(["bound not met", "window not met"])]
    met = s.drop(missed.index)
    text = f"The series meets {len(met):,} of the {words.plural(len(s), 'rounded figure or bound', 'rounded figures and bounds')}"
    if missed.empty:
        return text + "."
    ids = words.listing(f"{r} ({m})" for r, m in zip(missed["record_id"], missed["measure"]))
    return text + f"; not {ids}, which the exact figures around {'it' if len(missed) == 1 else 'them'} rule out (the reasons are in the table)."


def reading(analysis: CasualtyAnalysis, cross_check: pd.DataFrame, measure: str = "total") -> str:
    """The reading of notebook 01."""
    parts = [level_sentence(analysis.daily, measure, ("killed", "injured") if measure == "total" else ()),
             trend_sentence(analysis, measure), cross_check_sentence(cross_check), gap_sentence(analysis, measure)]
    return "\n\n".join(p for p in parts if p)


# --------------------------------------------------------------------------------------------------
# captions


def caption_cumulative(analysis: CasualtyAnalysis, measure: str) -> str:
    last, forecast = as_of(analysis.daily, measure)
    text = (f"{LABELS[measure].capitalize()} since 10 November 2020: {_row_text(last)} by {words.day(last['date'])}. The "
            "line is the series fitted to every statement and the band the 90% interval of the figure an official statement "
            f"would give that day, {INTERPOLATED}; points are the official statements by reporting body (hollow where the "
            "fit down-weights them), grey markers rounded figures and bounds.")
    if forecast is not None:
        text += f" Dashed and lighter after the last statement: a forecast to {words.day(forecast['date'])}."
    return text


def caption_monthly(analysis: CasualtyAnalysis, measure: str) -> str:
    t = analysis.trends.get(measure)
    text = (f"Expected {LABELS[measure]} per calendar month from the composite-link quasi-Poisson trend (line; 90% intervals "
            "of the mean and, lighter, of the count; dashed where a forecast), and the fitted series' own count in each month "
            "(points, 90% bars; lighter in months inside an interpolated stretch).")
    if t is not None:
        rr, lo, hi = t.rate_ratio
        text += f" {words.change_per_year(rr, lo, hi, 'The rate').replace(' CI ', ' CI ')}"
        if t.rate_ratio_after is not None:
            a, alo, ahi = t.rate_ratio_after
            text += f" to {words.month(t.knot_date)}, and after it {words.change_per_year(a, alo, ahi, 'it').removeprefix('it ')}"
        text += "."
    return text


def caption_long_run(differences: pd.DataFrame, derived: pd.DataFrame | None = None) -> str:
    """The long-run figure's caption: how ANAMA's and AzCBL's annual counts compare, decided from the years both
    report (:func:`analysis.casualties.longrun.body_differences`), and the post-ceasefire years derived from the
    fitted series (:func:`analysis.casualties.longrun.annual_from_series`) with the highest of them."""
    text = ("Annual casualties as reported by ANAMA, the national campaign AzCBL and official sources, mostly as cited by "
            "Landmine Monitor; bodies and editions are kept apart and missing years stay gaps.")
    if derived is not None and len(derived):
        d = derived[derived["metric"] == "casualties_total"] if "metric" in derived else derived
        d = d.dropna(subset=["value"]).sort_values("year")
        if len(d):
            top = d.loc[d["value"].idxmax()]
            years = f"{int(d['year'].min())}{words.DASH}{int(d['year'].max())}"
            text += (f" The years {years} are this project's, derived from the fitted series (the calendar-year increase, "
                     f"90% bars), not a body's figures: the highest is {int(top['year'])} with "
                     f"{words.with_interval(top['value'], top['lower'], top['upper'], level='90%')}.")
    d = differences.dropna(subset=["difference"]) if "difference" in differences else differences.iloc[0:0]
    if len(d):
        n = len(d)
        higher = int((d["difference"] > 0).sum())
        lower = int((d["difference"] < 0).sum())
        span = words.interval(d["difference"].abs().min(), d["difference"].abs().max())
        if higher == n:
            text += f" AzCBL counts more than ANAMA in every one of the {n} years both report (by {span} people)."
        elif lower == n:
            text += f" AzCBL counts fewer than ANAMA in every one of the {n} years both report (by {span} people)."
        else:
            text += f" Of the {n} years both report, AzCBL counts more in {higher} and fewer in {lower}."
    return text
