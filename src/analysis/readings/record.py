"""What the record holds, in words (notebook 00): how many statements of each kind, how many are
cumulative, the busiest years, the longest stretch without a statement, the corrections and the flags."""

from __future__ import annotations

import pandas as pd

from ..data import has_flag, overview
from ..statements.observations import CEASEFIRE
from . import words

#: Statement files, their kind in words, and whether their rows have a basis (cumulative, weekly, ...).
FILES = {
    "casualty_reports": "casualty statements",
    "clearance_reports": "clearance statements",
    "contamination_estimates": "contamination estimates",
    "monitor_annual": "Landmine Monitor rows",
    "casualty_incidents": "incidents",
}
BASIS_WORDS = {"weekly": "weekly", "monthly": "monthly", "annual": "annual", "year_to_date": "year-to-date",
               "interval": "interval", "quarterly": "quarterly"}
#: Files on notebook 00's timeline.
TIMELINE_FILES = ("casualty_reports", "clearance_reports", "contamination_estimates")
#: The flags named in the reading (the most common ones first), at most this many.
FLAGS_NAMED = 3


def statements_of(pkg) -> pd.DataFrame:
    """One row per row of each statement file: file, record_id, date (as-of or incident date; a Monitor
    row's period start), basis and reporting_body (empty where the file has none), relay (flag ``duplicate``)."""
    parts = []
    for resource in FILES:
        df = pkg[resource]
        date = overview.statement_dates(pkg, resource)
        parts.append(pd.DataFrame({
            "file": resource,
            "record_id": df.index.astype(str),
            "date": pd.to_datetime(date).to_numpy(),
            "basis": df["basis"].astype("string").to_numpy() if "basis" in df else pd.NA,
            "reporting_body": df["reporting_body"].astype("string").to_numpy() if "reporting_body" in df else pd.NA,
            "relay": has_flag(df, "duplicate").fillna(False).astype(bool).to_numpy(),
        }))
    return pd.concat(parts, ignore_index=True)


def _basis_sentence(rows: pd.DataFrame, what: str) -> str:
    """'Of the 159 casualty statements counted once, 126 (79 %) are cumulative counts; ...'."""
    own = rows[~rows["relay"]]
    n = len(own)
    if n == 0:
        return ""
    basis = own["basis"].fillna("undated").value_counts()
    cumulative = int(basis.get("cumulative", 0))
    share = cumulative / n
    amount = "most" if share > 0.5 else "about half" if share == 0.5 else "a minority"
    others = [f"{BASIS_WORDS.get(b, b)} {int(k)}" for b, k in basis.items() if b != "cumulative"]
    rest = f"; the others give amounts over a period ({words.listing(others)})" if others else ""
    return (f"Of the {words.plural(n, what.split()[0] + ' statement')} counted once, {amount} are cumulative counts "
            f"({cumulative:,} of {n:,}, {words.percent(share)}){rest}.")


def reading(statements: pd.DataFrame, corrections: pd.DataFrame, flags: pd.DataFrame) -> str:
    """The reading of notebook 00, from :func:`statements_of`, the corrections applied (``resource``,
    ``record_id``) and the flag counts (flag x file, :func:`analysis.data.overview.flag_counts`)."""
    parts = []
    counts = []
    for resource, what in FILES.items():
        rows = statements[statements["file"] == resource]
        if rows.empty:
            continue
        relays = int(rows["relay"].sum())
        if relays and not any("relay" in c for c in counts):
            note = f" ({relays:,} of them {'a relay' if relays == 1 else 'relays'} of a statement already counted)"
        else:
            note = f" ({words.plural(relays, 'relay')})" if relays else ""
        counts.append(f"{len(rows):,} {what}{note}")
    parts.append(f"**What the record holds.** {words.listing(counts)}.")

    for resource, kind in (("casualty_reports", "casualty"), ("clearance_reports", "clearance")):
        rows = statements[statements["file"] == resource]
        sentence = _basis_sentence(rows, f"{kind} statements")
        if sentence:
            parts.append(sentence)

    busiest, gaps = [], []
    for resource, kind in (("casualty_reports", "casualty"), ("clearance_reports", "clearance")):
        rows = statements[(statements["file"] == resource) & ~statements["relay"]]
        dated = rows["date"].dropna()
        if dated.empty:
            continue
        years = dated.dt.year.value_counts()
        top = years.max()
        top_years = sorted(int(y) for y in years[years == top].index)
        busiest.append(f"{words.listing(map(str, top_years))} for {kind} statements ({int(top):,}"
                       f"{' each' if len(top_years) > 1 else ''})")
        since = dated[dated >= CEASEFIRE]
        gap = words.longest_gap(since, since=CEASEFIRE)
        if gap is not None:
            gaps.append((kind, words.gap_text(gap)))
    if busiest:
        parts.append(f"The busiest year, by the date the figures refer to, was {words.listing(busiest)}.")
    if gaps:
        (kind, text), rest = gaps[0], gaps[1:]
        more = "".join(f"; without a {k} statement, {t}" for k, t in rest)
        parts.append(f"The longest stretch since the ceasefire without a {kind} statement ran {text}{more}. The series "
                     "interpolate across such stretches, and their bands widen there.")
    undated = int(statements.loc[statements["file"].isin(TIMELINE_FILES), "date"].isna().sum())
    if undated:
        parts.append(f"{words.plural(undated, 'statement')} {'has' if undated == 1 else 'have'} no date and "
                     f"{'is' if undated == 1 else 'are'} not on the timeline.")

    if len(corrections):
        by_file = corrections.groupby("resource")["record_id"].nunique()
        files = [f"{words.plural(int(k), 'row')} of {r}" for r, k in by_file.items()]
        parts.append(f"{words.plural(len(corrections), 'printed value')} {'is' if len(corrections) == 1 else 'are'} mended "
                     f"by an explicit correction ({words.listing(files)}); the raw rows keep what was printed.")
    else:
        parts.append("No printed value needed a correction.")

    if flags is not None and not flags.empty:
        total = flags.sum(axis=1).sort_values(ascending=False, kind="stable")
        total = total[total > 0]
        named = [f"`{f}` ({int(k):,})" for f, k in total.head(FLAGS_NAMED).items()]
        parts.append(f"The most common caveats are {words.listing(named)}; a flag is a caveat, not an exclusion.")
    return "\n\n".join(parts)


def caption_timeline(statements: pd.DataFrame) -> str:
    """The timeline's caption: how often ANAMA's clearance statements come (median days between consecutive
    dated ones since the ceasefire) and how many bodies give casualty counts."""
    text = ("Each marker is one published statement, placed at the date its figures refer to, on the row of the body "
            "whose count it is.")
    own = statements[~statements["relay"] & statements["date"].notna() & (statements["date"] >= CEASEFIRE)]
    cl = own[(own["file"] == "clearance_reports") & (own["reporting_body"] == "anama")]["date"].drop_duplicates().sort_values()
    if len(cl) > 2:
        median = int(round(cl.diff().dt.days.median()))
        text += f" ANAMA's clearance statements come a median of {words.plural(median, 'day')} apart"
    bodies = own.loc[own["file"] == "casualty_reports", "reporting_body"].nunique()
    if bodies:
        text += ("; " if len(cl) > 2 else " ") + f"casualty counts come from {words.plural(bodies, 'body', 'bodies')}"
    return text + "."
