"""Clearance in words (notebook 03): how much as of the last statement and the nowcast, the last twelve months
and the last annual release, the trend and its season, the items found, and the years to completion; and the
captions of the notebook's figures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..clearance.projection import PLAN_MET, PLANNED_PREFIX
from ..clearance.series import LABELS
from ..data.bodies import body_name
from ..statements.model import INTERPOLATED_GAP_DAYS
from . import words

ITEMS = ("ap_mines", "at_mines", "uxo")
ITEM_WORDS = {"ap_mines": "anti-personnel mines", "at_mines": "anti-tank mines", "uxo": "other items of ordnance"}
QUALIFIER_WORDS = {"at_least": "at least", "at_most": "at most", "approx": "about"}


def _estimate(row: pd.Series, unit: str = "") -> str:
    """'256,110 ha (90 % interval 253,069–259,152)'."""
    return (f"{words.count(row['estimate'])}{unit} (90 % interval "
            f"{words.interval(row['lower'], row['upper'])})")


def as_of(daily: pd.DataFrame, scope: str, measure: str) -> tuple[pd.Series, pd.Series | None]:
    return words.last_rows(daily[(daily["scope"] == scope) & (daily["measure"] == measure)])


def level_sentence(daily: pd.DataFrame, scope: str = "all") -> str:
    """'By 22 February 2026, the day of the last statement, the series gives 256,110 ha (90 % interval ...) released
    as cleared since the ceasefire by all operators, with 41,106 (...) anti-personnel mines, ... found and
    destroyed.' and the forecast."""
    last, forecast = as_of(daily, scope, "hectares")
    items = [m for m in ITEMS if m in set(daily.loc[daily["scope"] == scope, "measure"])]
    bits = [f"{_estimate(as_of(daily, scope, m)[0])} {ITEM_WORDS[m]}" for m in items]
    return words.by_last_statement(last, forecast, lambda r: _estimate(r, " ha"),
                                   f"released as cleared since the ceasefire by {'all operators' if scope == 'all' else scope}",
                                   f", with {words.listing(bits)} found and destroyed" if bits else "")


def pace_sentence(last12: dict, annual: pd.DataFrame) -> str:
    """The last twelve months' hectares from the series, and the latest annual release beside it."""
    text = (f"In the twelve months to {words.day(last12['end'])} the series gives {words.count(last12['rate'])} ha "
            f"(90 % interval {words.interval(last12['lower'], last12['upper'])})")
    a = annual.dropna(subset=["hectares"]).sort_values("year")
    if len(a):
        r = a.iloc[-1]
        q = QUALIFIER_WORDS.get(str(r.get("hectares_qualifier", "exact")), "")
        text += (f"; ANAMA's annual release for {int(r['year'])} gives {q + ' ' if q else ''}{words.count(r['hectares'])} ha "
                 f"for that calendar year")
    return text + "."


def trend_sentence(trend) -> str:
    """The fitted rate's growth per year (direction from its 95 % interval) and its season's extremes."""
    g, lo, hi = trend.growth_per_year
    text = f"Over the whole record {words.change_per_year(g, lo, hi, 'the rate of clearance')}"
    if trend.seasonal:
        f = trend.season_factors()
        text += (f", with a yearly season from {words.ratio(f.min())} times the year's average in {_month(f.idxmin())} to "
                 f"{words.ratio(f.max())} times in {_month(f.idxmax())}")
    return text + " (composite-link quasi-Poisson rate of the amounts between statements)."


def _month(abbr: str) -> str:
    return pd.Timestamp(f"2025-{abbr}-01").strftime("%B")


def items_sentence(annual: pd.DataFrame) -> str:
    """For each type of item, its peak year in the annual releases and the latest year: 'anti-personnel mines
    peaked in 2022 (at least 8,780) and numbered 4,963 in 2025'."""
    a = annual.sort_values("year")
    if a.empty:
        return ""
    bits = []
    for m in ITEMS:
        s = a.dropna(subset=[m])
        if s.empty:
            continue
        peak = s.loc[s[m].idxmax()]
        last = s.iloc[-1]
        q = QUALIFIER_WORDS.get(str(peak.get(f"{m}_qualifier", "exact")), "")
        peak_text = f"{q + ' ' if q else ''}{words.count(peak[m])}"
        if int(peak["year"]) == int(last["year"]):
            bits.append(f"{ITEM_WORDS[m]} were most numerous in the latest year, {int(last['year'])} ({peak_text})")
        else:
            bits.append(f"{ITEM_WORDS[m]} peaked in {int(peak['year'])} ({peak_text}) and numbered "
                        f"{words.count(last[m])} in {int(last['year'])}")
    text = "; ".join(bits)
    return f"In ANAMA's annual releases, {text}." if text else ""


def minefield_sentence(cross_check: pd.DataFrame) -> str:
    """Where another body counted only minefield clearance for a year (Mine Action Review), against ANAMA's
    hectares for the same year: the figures, not typed, from the annual cross-check."""
    cc = cross_check[cross_check["measure"] == "hectares"]
    mar = cc[cc["reporting_body"] == "mine_action_review"]
    bits = []
    for _, r in mar.iterrows():
        anama = cc[(cc["year"] == r["year"]) & (cc["reporting_body"] == "anama")]
        if anama.empty:
            continue
        bits.append(f"{body_name('mine_action_review')} reports {words.count(r['stated'])} ha of anti-personnel mined area "
                    f"cleared in {int(r['year'])}, against the {words.count(anama['stated'].iloc[0])} ha ANAMA released that year")
    if not bits:
        return ""
    return (f"{words.listing(bits)}: most of the area released is battle-area clearance and survey-based release, so the "
            "pace of clearing actual minefields is far slower than the hectares suggest.")


def projection_sentence(table: pd.DataFrame) -> str:
    """Years to completion for each scenario and method, with the 90 % interval and the calendar year."""
    if table.empty:
        return ""
    lines = []
    for scenario, rows in table.groupby("scenario", sort=False):
        r0 = rows.iloc[0]
        bits = []
        for _, r in rows.iterrows():
            if not words.finite(r["years"]):
                bits.append(f"{r['method']}: not reached ({r.get('note', '')})")
                continue
            bits.append(f"{r['method']}: {words.amount(r['years'], 1)} years (90 % interval "
                        f"{words.interval(r['lower'], r['upper'], lambda x: words.amount(x, 1))}), around "
                        f"{int(np.floor(r['completion_year']))}")
        lines.append(f"- **{scenario}** ({words.count(r0['remaining_ha'])} ha left): {'; '.join(bits)}.")
    return "Years to clear the rest, from the latest fitted day, by scenario:\n\n" + "\n".join(lines)


def targets_sentence(verdicts: pd.DataFrame) -> str:
    """Which projections meet each stated target: 'before', 'after' or 'interval spans the target', from
    :func:`analysis.clearance.projection.against_targets`."""
    if verdicts.empty:
        return ""
    bits = []
    for target, rows in verdicts.groupby("target", sort=False):
        year = int(rows["target_year"].iloc[0])
        before = rows[rows["verdict"] == "before"]
        spans = rows[rows["verdict"] == "interval spans the target"]
        after = rows[rows["verdict"] == "after"]
        if len(after) == len(rows):
            verdict = "every projection finishes after it"
        elif len(before) == len(rows):
            verdict = "every projection finishes before it"
        else:
            pieces = []
            if len(before):
                pieces.append(f"{words.plural(len(before), 'projection')} finish{'es' if len(before) == 1 else ''} before it")
            if len(spans):
                methods = sorted(set(spans["method"]))
                pieces.append(f"the 90 % interval of {words.plural(len(spans), 'projection')} ({words.listing(methods)}) "
                              "spans it")
            if len(after):
                pieces.append(f"{words.plural(len(after), 'projection')} finish{'es' if len(after) == 1 else ''} after it")
            verdict = words.listing(pieces)
        bits.append(f"against the target \"{target}\" ({year}), {verdict}")
    text = "; ".join(bits)
    return text[0].upper() + text[1:] + "."


def reading(daily: pd.DataFrame, last12: dict, annual: pd.DataFrame, trend, cross_check: pd.DataFrame,
            projection: pd.DataFrame, verdicts: pd.DataFrame) -> str:
    """The reading of notebook 03."""
    parts = [level_sentence(daily), pace_sentence(last12, annual), trend_sentence(trend), items_sentence(annual),
             minefield_sentence(cross_check), projection_sentence(projection), targets_sentence(verdicts)]
    return "\n\n".join(p for p in parts if p)


# --------------------------------------------------------------------------------------------------
# captions


def caption_cumulative(daily: pd.DataFrame) -> str:
    last, forecast = as_of(daily, "all", "hectares")
    text = ("Hectares released as cleared since 10 November 2020 by all operators, by ANAMA's own teams and by the Ministry "
            f"of Defence: fitted lines with 90% intervals (lighter where interpolated, no exact statement for "
            f"{INTERPOLATED_GAP_DAYS} days or more) and the statements around them; all operators "
            f"{_estimate(last, ' ha')} by {words.day(last['date'])}. 'Cleared' includes battle-area clearance and "
            "survey-based release.")
    if forecast is not None:
        text += f" Dashed and lighter after the last statement: a forecast to {words.day(forecast['date'])}."
    return text


def caption_monthly(trend, measure: str) -> str:
    g, lo, hi = trend.growth_per_year
    return (f"Monthly {LABELS[measure]} from direct statements (markers) and from differences of the fitted series (line, "
            f"conservative range; lighter across interpolated stretches), with the fitted rate and its season (black, 90% "
            f"interval; dashed where a forecast): "
            f"{words.change_per_year(g, lo, hi, 'the rate')}.")


def caption_items_by_type(annual: pd.DataFrame) -> str:
    text = ("Anti-personnel mines, anti-tank mines and other explosive ordnance found and neutralised each year, from "
            "ANAMA's annual releases.")
    s = items_sentence(annual)
    return f"{text} {s.removeprefix('In ANAMA' + chr(39) + 's annual releases, ').capitalize()}" if s else text


def plans_sentence(achievement: pd.DataFrame, ratio: dict | None) -> str:
    """How the stated annual plans were met (:func:`analysis.clearance.projection.plan_achievement` and
    :func:`~analysis.clearance.projection.plan_ratio`): each year beaten or missed and by how much, the ratio the
    planned-rate projection uses, and the plans not used with why. Markdown."""
    used = achievement[achievement["used"]]
    if used.empty:
        text = "No past year has both a stated plan and a complete fitted year, so the planned rate is taken as stated."
    else:
        def one(r):
            diff = r.ratio - 1
            how = "met" if abs(diff) < 0.005 else ("beaten" if diff > 0 else "missed")
            by = "" if how == "met" else f" by {abs(diff):.0%}"
            least = "more than " if r.qualifier == "at_least" else ""
            return f"{r.year}: {least}{r.planned_ha:,.0f} ha planned, {r.achieved_ha:,.0f} ha in the fitted series ({how}{by})"
        text = "**How the plans were met.** " + "; ".join(one(r) for r in used.itertuples()) + "."
        if ratio is None:
            text += " One year gives no spread, so the planned rate is taken as stated."
        else:
            pct = f"{ratio['level']:.0%}".replace("%", " %")
            text += (f" The planned-rate projection takes the plan times x{ratio['ratio']:.3f} (the geometric mean of "
                     f"achieved/planned), with the {pct} predictive interval of a new year's ratio, x{ratio['lower']:.3f}-"
                     f"x{ratio['upper']:.3f} (Student t on the log ratios of {ratio['n']} years).")
    skipped = achievement[~achievement["used"]]
    if len(skipped):
        text += " Not used: " + "; ".join(f"{r.year}, as {r.reason}" for r in skipped.itertuples()) + "."
    return text


def caption_projection(table: pd.DataFrame, scenario: str) -> str:
    rows = table[table["scenario"] == scenario]
    planned = rows[rows["method"].str.startswith(PLANNED_PREFIX)]
    met = planned["interval"].str.startswith(PLAN_MET).any() if len(planned) else False
    plan = ("the planned rate times how past plans were met" if met else "the planned rate taken as stated")
    text = ("Hectares released as cleared since the ceasefire and their projection to the scenario's total at the last twelve "
            "months' rate, the fitted trend and the planned rate (dashed or dotted from today, 90% fans, each conditional on "
            f"the scenario; {plan}), against the stated targets. 'Cleared' includes survey-based release; the scenarios are not a "
            "range.")
    done = rows[rows["years"].map(words.finite)]
    if len(done):
        first, last = done["completion_year"].min(), done["completion_year"].max()
        text += (f" For {scenario}, completion falls between {int(np.floor(first))} and {int(np.floor(last))} depending on "
                 "the rate assumed.")
    return text


def caption_items_per_100_ha(per_100: pd.DataFrame) -> str:
    """The items-per-hectare figure's caption, with the method of its intervals (from the table's own
    ``attrs['method']``)."""
    text = "Items neutralised per 100 ha released as cleared, from ANAMA's annual releases. The hectares include survey-based release."
    method = per_100.attrs.get("method")
    return f"{text} {method[0].upper() + method[1:]}" if method else text
