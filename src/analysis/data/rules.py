"""Rules across fields and files, on the corrected values: counts that add up, parts never above their
totals, plausible areas, a range's upper end not below its lower one, values within what their unit allows,
periods in order and agreeing with the row's own scope text, no date after the page's publication,
``duplicate_of`` naming an earlier record and agreeing with the ``duplicate`` flag, known ``source_id``s, and
an intake ledger that names existing records once.

The rules read only cells that passed their own checks (:mod:`.cells`), and skip a row whose correction was
rejected (:mod:`.corrections`): one cause, one message. A problem on a corrected row says which correction
made the value it read."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .cells import INTEGER, parse_partial_date
from .descriptor import ID_PREFIXES, STATEMENT_RESOURCES
from .problems import Problem, shorten
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
#: Azerbaijan's whole territory (86,600 km2), in hectares: no area cleared or contaminated can be larger.
COUNTRY_HECTARES = 8_660_000.0
#: The largest value each unit of contamination_estimates.csv can take: a share is at most 100 percent, and
#: an area at most the country's territory. (The descriptor's maxima are looser: they bound what a page could
#: print, a unit slip included, so that a slip can be kept verbatim with the flag ``implausible``.)
UNIT_MAXIMA = {"percent": 100.0, "km2": COUNTRY_HECTARES / 100, "hectares": COUNTRY_HECTARES,
               "m2": COUNTRY_HECTARES * 10_000}
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m} | {
    m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_ISO_DAY = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2}-[0-9]{2}-[0-9]{2})(?![0-9])")
_SINCE = re.compile(r"\b(?:since|from)\s+~?\s*(?:(?P<month>[A-Za-z]+)\.?\s+)?(?P<year>(?:19|20)[0-9]{2})(?![0-9])", re.I)
_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])")
#: Bases whose period lies within the one calendar year their scope text names.
_WITHIN_A_YEAR = ("annual", "monthly", "year_to_date")


class _Row:
    """One row as the rules read it: only the cells that passed their own checks."""

    def __init__(self, table: RawTable, index: int):
        self.table, self.index, self.cells = table, index, table.rows[index]

    def get(self, name: str) -> str:
        return "" if (self.index, name) in self.table.bad_cells else self.cells.get(name, "")

    def int(self, name: str) -> int | None:
        text = self.get(name)
        return int(text) if text and INTEGER.match(text) else None

    def float(self, name: str) -> float | None:
        text = self.get(name)
        try:
            return float(text) if text else None
        except ValueError:
            return None

    def dates(self, name: str) -> tuple[dt.date, dt.date] | None:
        text = self.get(name)
        if not text:
            return None
        try:
            first, last, _ = parse_partial_date(text)
        except ValueError:
            return None
        return first, last

    def flags(self) -> set[str] | None:
        """The row's flags, or None when its flags cell is unreadable (then no rule can use it)."""
        if (self.index, "flags") in self.table.bad_cells:
            return None
        return set(filter(None, self.cells.get("flags", "").split(";")))

    def corrected_by(self, columns) -> str:
        fixes = sorted({self.table.corrected[(self.index, c)] for c in columns if (self.index, c) in self.table.corrected})
        return f" (as corrected by {', '.join(fixes)} in corrections.csv)" if fixes else ""


def _rows(table: RawTable):
    for index, (number, line, rec) in enumerate(zip(table.numbers, table.lines, table.ids)):
        if index not in table.unsettled:
            yield _Row(table, index), number, line, rec


def check_intake(tables: dict[str, RawTable], problems: list[Problem]) -> None:
    """Every record the intake ledger names exists; each gathered row (batch, batch_row) has one line."""
    intake = tables.get("intake")
    if intake is None:
        return
    seen: dict[tuple[str, str], int] = {}
    for row, number, line, rec in _rows(intake):
        key = (row.get("batch"), row.get("batch_row"))
        if all(key):
            if key in seen:
                problems.append(Problem(intake.file, "intake-twice", f"{key[0]} row {key[1]} is already entered in row {seen[key]}",
                                        number, line, rec, "batch_row"))
            else:
                seen[key] = number
        for ref in filter(None, row.get("records").split(";")):
            resource = ID_PREFIXES.get(ref[:2])
            if resource in tables and resource in STATEMENT_RESOURCES and not tables[resource].knows(ref):
                problems.append(Problem(intake.file, "foreign-key", f"'{ref}' is not a record of {resource}.csv",
                                        number, line, rec, "records"))


def scope_text_problem(scope_text: str, period_start: dt.date, basis: str) -> str | None:
    """Why ``period_start`` contradicts the row's own words for its scope, or None.

    The scope text is read for the start it states, most precise first: a day written YYYY-MM-DD (the first
    one: 'since 2020-11-10', '2020-11-10 to 2021-10-15') is the start; 'since' or 'from' a year, or a month and
    year ('since November 2020', 'since 1991') puts the start in that year (and month); otherwise the period
    cannot start after the earliest year the text names ('last four years (since 2020)', 'end of war to end
    of 2021'), and a year's, a month's or a year-to-date count starts in the year its text names ('calendar
    year 2023', 'Jan-Apr 2021'). A text that names no date ('after Patriotic War') says nothing against it."""
    day = _ISO_DAY.search(scope_text)
    if day:
        try:
            stated = dt.date.fromisoformat(day.group(1))
        except ValueError:
            stated = None
        if stated and stated != period_start:
            return f"the scope text says the count starts on {stated:%Y-%m-%d}"
        if stated:
            return None
    since = _SINCE.search(scope_text)
    if since:
        year = int(since.group("year"))
        month = _MONTHS.get((since.group("month") or "").lower())
        if period_start.year != year or (month and period_start.month != month):
            when = f"{calendar.month_name[month]} {year}" if month else str(year)
            return f"the scope text says the count runs from {when}"
        return None
    years = [int(y) for y in _YEAR.findall(scope_text)]
    if not years:
        return None
    if period_start.year > min(years):
        return f"the scope text names {min(years)}, before the period starts"
    if basis in _WITHIN_A_YEAR and period_start.year != min(years):
        return f"a {basis} count of the scope text's {min(years)} starts in {min(years)}"
    return None


def check_rules(tables: dict[str, RawTable], problems: list[Problem]) -> None:
    sources = tables.get("sources")
    published: dict[str, tuple[tuple[dt.date, dt.date], str]] = {}
    if sources:
        for row, _, _, rec in _rows(sources):
            span = row.dates("published")
            if rec and span:
                published[rec] = (span, row.get("published"))
    for resource in STATEMENT_RESOURCES:
        table = tables.get(resource)
        if table is None:
            continue
        for row, number, line, rec in _rows(table):
            blamed: set[str] = set()

            def bad(rule, column, message, involved=()):
                if column in blamed:
                    return  # one message per cell: a later rule on a cell already blamed would repeat the cause
                blamed.add(column)
                message += row.corrected_by((column, *involved))
                problems.append(Problem(table.file, rule, message, number, line, rec, column))
            flags = row.flags()
            sid = row.get("source_id")
            if sources and sid and not sources.knows(sid):
                bad("foreign-key", "source_id", f"'{shorten(sid)}' is not a source_id in sources.csv")
            dup = row.get("duplicate_of")
            if dup and not (table.order.get(dup, number) < number or (dup not in table.order and not table.complete)):
                bad("duplicate-of", "duplicate_of", f"'{shorten(dup)}' is not an earlier record of {table.file}")
            if flags is not None and (row.index, "duplicate_of") not in table.bad_cells:
                if "duplicate" in flags and not dup:
                    bad("relay", "duplicate_of", "the row is flagged 'duplicate' but duplicate_of is empty: name the record "
                        "it relays (or drop the flag)", ("flags",))
                elif dup and "duplicate" not in flags:
                    bad("relay", "flags", f"duplicate_of names {dup} but the flags lack 'duplicate': add the flag (or empty "
                        "duplicate_of)", ("duplicate_of",))
            flags = flags or set()

            if resource == "casualty_reports":
                for part_a, part_b, total in SUM_RULES:
                    a, b, t = row.int(part_a), row.int(part_b), row.int(total)
                    if None not in (a, b, t) and a + b != t and ARITHMETIC_FLAG not in flags:
                        bad("killed-plus-injured", total,
                            f"{part_a} {a} + {part_b} {b} = {a + b}, not the {total} {t}; fix the typo (corrections.csv) or, "
                            f"if the source printed it so, add the flag '{ARITHMETIC_FLAG}'", (part_a, part_b))
                for parts, total in PART_RULES:
                    values = [row.int(p) for p in parts]
                    t = row.int(total)
                    if t is not None and None not in values and sum(values) > t:
                        label = " + ".join(f"{p} {v}" for p, v in zip(parts, values))
                        bad("part-above-total", parts[0] if len(parts) == 1 else total, f"{label} exceeds {total} {t}",
                            (*parts, total))
            if resource == "clearance_reports":
                items = row.int("items_total")
                parts = {p: row.int(p) for p in ("ap_mines", "at_mines", "mines", "uxo")}
                given = {p: v for p, v in parts.items() if v is not None}
                if items is not None and given and sum(given.values()) > items and ARITHMETIC_FLAG not in flags:
                    bad("part-above-total", "items_total", f"{' + '.join(f'{p} {v}' for p, v in given.items())} exceeds "
                        f"items_total {items}", tuple(given))
                start, end = row.dates("period_start"), row.dates("period_end") or row.dates("as_of_date")
                hectares = row.float("hectares")
                if start and end and hectares and "implausible" not in flags:
                    per_day = hectares / ((end[1] - start[0]).days + 1) if end[1] >= start[0] else 0.0
                    if per_day > MAX_HECTARES_PER_DAY:
                        bad("implausible-area", "hectares",
                            f"{row.get('hectares')} ha from {row.get('period_start')} to {row.get('period_end') or row.get('as_of_date')} "
                            f"is {per_day:,.0f} ha a day (the fastest release on record is under 600 ha a day): a unit slip? "
                            "Mend it in corrections.csv, or add the flag 'implausible' if the source really printed it")
                if hectares and hectares > COUNTRY_HECTARES and "implausible" not in flags:
                    bad("implausible-area", "hectares",
                        f"{row.get('hectares')} ha is more than Azerbaijan's whole territory ({COUNTRY_HECTARES:,.0f} ha): a unit "
                        "slip? Mend it in corrections.csv, or add the flag 'implausible' if the source really printed it")
            if "value_high" in row.cells:
                low, high = row.float("value"), row.float("value_high")
                if low is not None and high is not None and high < low:
                    bad("range-order", "value_high", f"the upper end {row.get('value_high')} is below the lower end (value) "
                        f"{row.get('value')}: swapped?", ("value",))
            if resource == "contamination_estimates":
                unit = row.get("unit")
                for col in ("value", "value_high"):
                    value = row.float(col)
                    if unit in UNIT_MAXIMA and value is not None and value > UNIT_MAXIMA[unit] and "implausible" not in flags:
                        whole = "the whole" if unit == "percent" else "Azerbaijan's whole territory"
                        bad("unit-range", col, f"{row.get(col)} {unit} is more than {whole} ({UNIT_MAXIMA[unit]:,.0f} {unit}); "
                            "mend it in corrections.csv, or add the flag 'implausible' if the source really printed it",
                            ("unit",))

            # dates: the start of a period may not follow its end, nor any date the page's publication
            start_col = "period_start" if "period_start" in row.cells else None
            end_cols = [c for c in ("period_end", "as_of_date") if c in row.cells]
            start = row.dates(start_col) if start_col else None
            for end_col in end_cols:
                end = row.dates(end_col)
                if start and end and start[0] > end[1]:
                    bad("period-order", start_col, f"period_start {row.get(start_col)} is after {end_col} {row.get(end_col)}",
                        (end_col,))
            scope_text = row.get("scope_text")
            if start and scope_text:
                why = scope_text_problem(scope_text, start[0], row.get("basis"))
                if why:
                    bad("scope-text", "period_start", f"period_start {row.get('period_start')} contradicts the row's "
                        f"scope_text '{shorten(scope_text)}': {why}; mend the one that is wrong (a misprint in "
                        "corrections.csv)", ("scope_text",))
            date_cols = [c for c in _DATED_BY_PUBLICATION[resource] if c in row.cells]
            page = published.get(sid)
            if page:
                span, written = page
                for col in date_cols:
                    d = row.dates(col)
                    if d and d[0] > span[1]:
                        bad("after-publication", col, f"{col} {row.get(col)} is after the page's publication date {written} ({sid})")
                        break
