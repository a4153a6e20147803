"""Rules across fields and files, on the corrected values: counts that add up, parts never above their
totals, plausible areas, periods in order, no date after the page's publication, ``duplicate_of`` naming an
earlier record, known ``source_id``s, and an intake ledger that names existing records once."""

from __future__ import annotations

import datetime as dt

from .cells import INTEGER, parse_partial_date
from .descriptor import ID_PREFIXES, STATEMENT_RESOURCES
from .problems import Problem
from .reading import RawTable


#: Casualty count triples that must add up: (part, part, total).
SUM_RULES = (
    ("killed", "injured", "total"),
    ("civilian_killed", "civilian_injured", "civilian_total"),
    ("military_killed", "military_injured", "military_total"),
)
#: Parts that may never exceed their total: (parts, total).
PART_RULES = (
    (("civilian_total",), "total"),
    (("military_total",), "total"),
    (("civilian_total", "military_total"), "total"),
    (("civilian_killed",), "killed"),
    (("military_killed",), "killed"),
    (("civilian_killed", "military_killed"), "killed"),
    (("civilian_injured",), "injured"),
    (("military_injured",), "injured"),
    (("civilian_injured", "military_injured"), "injured"),
    (("civilian_killed",), "civilian_total"),
    (("civilian_injured",), "civilian_total"),
    (("military_killed",), "military_total"),
    (("military_injured",), "military_total"),
    (("killed",), "total"),
    (("injured",), "total"),
    (("children",), "total"),
    (("women",), "total"),
)
#: Hectares a day above which a clearance figure is taken for a unit slip (the record's fastest week: ~590).
MAX_HECTARES_PER_DAY = 2000.0
#: The flag by which a row acknowledges that the source's own arithmetic does not add up.
ARITHMETIC_FLAG = "source_arithmetic"
#: Columns that can be no later than the page's publication date. (A Monitor row's period_end can be:
#: a year's figures are published during it, as year-to-date.)
_DATED_BY_PUBLICATION = {
    "casualty_reports": ("as_of_date", "period_start"),
    "clearance_reports": ("as_of_date", "period_end", "period_start"),
    "contamination_estimates": ("as_of_date",),
    "monitor_annual": ("period_start",),
    "casualty_incidents": ("date",),
}


def _int(row: dict, name: str) -> int | None:
    text = row.get(name, "")
    return int(text) if text and INTEGER.match(text) else None


def _dates(row: dict, name: str) -> tuple[dt.date, dt.date] | None:
    text = row.get(name, "")
    if not text:
        return None
    try:
        first, last, _ = parse_partial_date(text)
    except ValueError:
        return None
    return first, last


def check_intake(tables: dict[str, RawTable], problems: list[Problem]) -> None:
    """Every record the intake ledger names exists; each gathered row (batch, batch_row) has one line."""
    intake = tables.get("intake")
    if intake is None:
        return
    known = {res: {i for i in t.ids if i} | t.malformed_ids for res, t in tables.items() if res in STATEMENT_RESOURCES}
    seen: dict[tuple[str, str], int] = {}
    for number, (row, line, rec) in enumerate(zip(intake.rows, intake.lines, intake.ids), start=1):
        key = (row.get("batch", ""), row.get("batch_row", ""))
        if all(key):
            if key in seen:
                problems.append(Problem(intake.file, "intake-twice", f"{key[0]} row {key[1]} is already entered in row {seen[key]}",
                                        number, line, rec, "batch_row"))
            else:
                seen[key] = number
        for ref in filter(None, row.get("records", "").split(";")):
            resource = ID_PREFIXES.get(ref[:2])
            if resource in known and ref not in known[resource]:
                problems.append(Problem(intake.file, "foreign-key", f"'{ref}' is not a record of {resource}.csv",
                                        number, line, rec, "records"))


def check_rules(tables: dict[str, RawTable], problems: list[Problem]) -> None:
    sources = tables.get("sources")
    source_ids = ({i for i in sources.ids if i} | sources.malformed_ids) if sources else set()
    published = {}
    if sources:
        for row, rec in zip(sources.rows, sources.ids):
            span = _dates(row, "published")
            if rec and span:
                published[rec] = span
    for resource in STATEMENT_RESOURCES:
        table = tables.get(resource)
        if table is None:
            continue
        seen_ids: set[str] = set()
        for number, (row, line, rec) in enumerate(zip(table.rows, table.lines, table.ids), start=1):
            def bad(rule, column, message):
                problems.append(Problem(table.file, rule, message, number, line, rec, column))
            flags = set(filter(None, row.get("flags", "").split(";")))
            sid = row.get("source_id", "")
            if sources and sid and sid not in source_ids:
                bad("foreign-key", "source_id", f"'{sid}' is not a source_id in sources.csv")
            dup = row.get("duplicate_of", "")
            if dup and dup not in seen_ids:
                bad("duplicate-of", "duplicate_of", f"'{dup}' is not an earlier record of {table.file}")
            if rec:
                seen_ids.add(rec)

            if resource == "casualty_reports":
                for part_a, part_b, total in SUM_RULES:
                    a, b, t = _int(row, part_a), _int(row, part_b), _int(row, total)
                    if None not in (a, b, t) and a + b != t and ARITHMETIC_FLAG not in flags:
                        bad("killed-plus-injured", total,
                            f"{part_a} {a} + {part_b} {b} = {a + b}, not the {total} {t}; fix the typo (corrections.csv) or, "
                            f"if the source printed it so, add the flag '{ARITHMETIC_FLAG}'")
                for parts, total in PART_RULES:
                    values = [_int(row, p) for p in parts]
                    t = _int(row, total)
                    if t is not None and None not in values and sum(values) > t:
                        label = " + ".join(f"{p} {v}" for p, v in zip(parts, values))
                        bad("part-above-total", parts[0] if len(parts) == 1 else total, f"{label} exceeds {total} {t}")
            if resource == "clearance_reports":
                items = _int(row, "items_total")
                parts = {p: _int(row, p) for p in ("ap_mines", "at_mines", "mines", "uxo")}
                given = {p: v for p, v in parts.items() if v is not None}
                if items is not None and given and sum(given.values()) > items and ARITHMETIC_FLAG not in flags:
                    bad("part-above-total", "items_total", f"{' + '.join(f'{p} {v}' for p, v in given.items())} exceeds items_total {items}")
                start, end = _dates(row, "period_start"), _dates(row, "period_end") or _dates(row, "as_of_date")
                hectares = row.get("hectares", "")
                if start and end and hectares and "implausible" not in flags:
                    try:
                        per_day = float(hectares) / ((end[1] - start[0]).days + 1)
                    except (ValueError, ZeroDivisionError):
                        per_day = 0.0
                    if per_day > MAX_HECTARES_PER_DAY:
                        bad("implausible-area", "hectares",
                            f"{hectares} ha from {row['period_start']} to {row.get('period_end') or row.get('as_of_date')} is "
                            f"{per_day:,.0f} ha a day (the fastest release on record is under 600 ha a day): a unit slip? Mend it "
                            "in corrections.csv, or add the flag 'implausible' if the source really printed it")

            # dates: the start of a period may not follow its end, nor any date the page's publication
            start_col = "period_start" if "period_start" in row else None
            end_cols = [c for c in ("period_end", "as_of_date") if c in row]
            start = _dates(row, start_col) if start_col else None
            for end_col in end_cols:
                end = _dates(row, end_col)
                if start and end and start[0] > end[1]:
                    bad("period-order", start_col, f"period_start {row[start_col]} is after {end_col} {row[end_col]}")
            date_cols = [c for c in _DATED_BY_PUBLICATION[resource] if c in row]
            span = published.get(sid)
            if span:
                for col in date_cols:
                    d = _dates(row, col)
                    if d and d[0] > span[1]:
                        bad("after-publication", col,
                            f"{col} {row[col]} is after the page's publication date {sources.rows[sources.ids.index(sid)]['published']} ({sid})")
                        break
