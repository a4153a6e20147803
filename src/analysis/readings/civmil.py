"""Civilians and soldiers in words (notebook 02): the civilian share and its change, case-fatality by group,
the statements left out of the split series, and the global share beside Azerbaijan's."""

from __future__ import annotations

import pandas as pd

from . import words


def share_sentence(share: pd.DataFrame) -> str:
    """The latest civilian share with its Wilson interval, and the first one."""
    s = share.dropna(subset=["share"]).sort_values("date", kind="stable")
    if s.empty:
        return "No statement in the window gives both civilian and military casualties."
    last, first = s.iloc[-1], s.iloc[0]
    text = (f"By {words.day(last['date'])}, the latest statement with the split, {words.percent(last['share'])} of the "
            f"{words.count(last['known'])} casualties of known status since the ceasefire were civilians (95 % Wilson interval "
            f"{words.percent_interval(last['lower'], last['upper'])})")
    if len(s) > 1:
        text += (f"; at the first split, {words.day(first['date'])}, {words.percent(first['share'])} of "
                 f"{words.count(first['known'])} ({words.percent_interval(first['lower'], first['upper'])})")
    return text + "."


def trend_sentence(trend: dict) -> str:
    """The binomial GLM's odds ratio per year in words, the direction decided by its 95 % interval."""
    o, lo, hi = trend["odds_ratio_per_year"], trend["lower"], trend["upper"]
    numbers = f"odds ratio {words.ratio(o)} per year, 95 % CI {words.ratio(lo)}{words.DASH}{words.ratio(hi)}"
    d = words.direction(lo, hi)
    if d == "rose":
        what = f"the odds that a new casualty is a civilian rose, by a factor of about {words.ratio(o, 1)} a year"
    elif d == "fell":
        what = f"the odds that a new casualty is a civilian fell, by a factor of about {words.ratio(o, 1)} a year"
    else:
        what = "the civilian share of new casualties shows no clear change"
    return (f"Among the casualties added between statements, {what} ({numbers}; quasi-binomial GLM of "
            f"{trend['n_intervals']} increments, Pearson dispersion {trend['dispersion']:.1f}). The increments are few and "
            "noisy; the interval says how far that goes.")


def fatality_sentence(table: pd.DataFrame, comparison: dict, date) -> str:
    """Case-fatality by group at the split of ``date`` and their risk ratio, the direction decided by its
    interval."""
    rows = table.set_index("group")
    c, m = rows.loc["civilian"], rows.loc["military"]
    rr, lo, hi = comparison["risk_ratio"], comparison["lower"], comparison["upper"]
    d = words.direction(lo, hi)
    verdict = {"rose": "more likely to die than a military one", "fell": "less likely to die than a military one",
               "unclear": "neither clearly more nor less likely to die than a military one"}[d]
    return (f"At the split of {words.day(date)}, {words.count(c['killed'])} of {words.count(c['casualties'])} civilian casualties "
            f"had died ({words.percent(c['case_fatality'])}, 95 % Wilson interval "
            f"{words.percent_interval(c['lower'], c['upper'])}) against {words.count(m['killed'])} of "
            f"{words.count(m['casualties'])} military ones ({words.percent(m['case_fatality'])}, "
            f"{words.percent_interval(m['lower'], m['upper'])}): a civilian casualty was {verdict} (risk ratio "
            f"{words.ratio(rr)}, 95 % CI {words.ratio(lo)}{words.DASH}{words.ratio(hi)}; Fisher's exact p = "
            f"{comparison['fisher_p']:.1g}).")


def dropped_sentence(dropped: pd.DataFrame) -> str:
    """Which statements the split series leaves out, by reason: relays of a statement already counted, and any
    other (named, with its figures against the kept ones)."""
    if dropped.empty:
        return "Every statement with the split is used."
    d = dropped.reset_index()
    ids = d["record_id"] if "record_id" in d else d.iloc[:, 0]
    d = d.assign(record_id=ids)
    relay = d["reason"].astype(str).str.startswith(("relay of", "same figure as"))
    n_relay = d.loc[relay, "record_id"].nunique()
    others = d[~relay]
    parts = []
    if n_relay:
        parts.append(f"{words.plural(n_relay, 'statement')} {'repeats' if n_relay == 1 else 'repeat'} a figure already "
                     "counted (a relay, or the same figure from the same body the same day) and "
                     f"{'is' if n_relay == 1 else 'are'} counted once")
    for rid, rows in others.groupby("record_id", sort=False):
        r = rows.iloc[0]
        figures = words.listing(f"{m} {words.count(v)}" for m, v in zip(rows["measure"], rows["value"]))
        parts.append(f"{rid} ({words.day(r['date'])}: {figures}) is left out: {r['reason']}")
    if others.empty:
        parts.append("no statement is left out for disagreeing with the others")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def global_sentence(comparison: pd.DataFrame, share: pd.DataFrame) -> str:
    """Landmine Monitor's global civilian share against Azerbaijan's latest, the comparison decided by the
    latter's interval against the range of the global figures."""
    glob = comparison[comparison["series"].str.startswith("Global")]
    s = share.dropna(subset=["share"]).sort_values("date", kind="stable")
    if glob.empty or s.empty:
        return ""
    lo_g, hi_g = glob["share"].min(), glob["share"].max()
    last = s.iloc[-1]
    years = glob["period"].astype(str).str[:4].astype(int)
    if last["upper"] < lo_g:
        verdict = "below every one of them"
    elif last["lower"] > hi_g:
        verdict = "above every one of them"
    else:
        verdict = "within their range"
    return (f"Landmine Monitor's global civilian share (casualties of known status) ranges over "
            f"{words.percent_interval(lo_g, hi_g)} for the years {years.min()} to {years.max()}; Azerbaijan's latest "
            f"share, with its interval, lies {verdict}.")


def reading(share: pd.DataFrame, trend: dict, fatality: pd.DataFrame, fatality_comparison: dict, fatality_date,
            comparison: pd.DataFrame) -> str:
    """The reading of notebook 02."""
    parts = [share_sentence(share), trend_sentence(trend), fatality_sentence(fatality, fatality_comparison, fatality_date),
             global_sentence(comparison, share)]
    return "\n\n".join(p for p in parts if p)


# --------------------------------------------------------------------------------------------------
# captions


def caption_share(share: pd.DataFrame) -> str:
    s = share.dropna(subset=["share"]).sort_values("date", kind="stable")
    text = ("Civilians as a share of the casualties of known status since 10 November 2020, at every date with the split "
            "(95% Wilson intervals), beside Landmine Monitor's global share by year (editions kept apart).")
    if len(s):
        last = s.iloc[-1]
        text += f" Latest: {words.percent(last['share'])} ({words.percent_interval(last['lower'], last['upper'])}) on {words.day(last['date'])}."
    return text


def caption_fatality(table: pd.DataFrame, comparison: dict, date) -> str:
    return (f"Share of casualties since the ceasefire who died, by group, at the split of {words.day(date)} (95% Wilson "
            f"intervals). Risk ratio civilian/military {words.ratio(comparison['risk_ratio'])} (95% CI "
            f"{words.ratio(comparison['lower'])}{words.DASH}{words.ratio(comparison['upper'])}; Fisher's exact p = "
            f"{comparison['fisher_p']:.1g}).")
