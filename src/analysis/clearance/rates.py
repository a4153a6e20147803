"""Clearance rates: hectares and items per month from every source, and the cross-checks of the sources
against each other (annual statements against the cumulative series, monthly statements against the
weeks inside them).

Pure functions (frames in, frames out). They start from the direct period figures of
:func:`analysis.statements.clearance_reports.period_statements` and the reconciled daily series of
:func:`analysis.clearance.series.analyse`.

Units: ``hectares`` in hectares (ha: the area ANAMA calls "cleared", which includes battle-area clearance
and survey-based release, not only minefield clearance); ``ap_mines`` (anti-personnel mines), ``at_mines``
(anti-tank mines) and ``uxo`` (other explosive ordnance) in items (counts). A "month" is a calendar month
written ``YYYY-MM``; a "year" a calendar year.

Sources of a monthly figure (the ``basis`` column), never mixed silently:

- ``"monthly statement"``: a published figure whose period is exactly that calendar month;
- ``"sum of weekly statements"``: the sum of the weekly figures lying inside the month, only when their
  periods cover every day of it (weeks straddling the month's ends are ignored);
- ``"difference of the cumulative series"``: the reconciled cumulative series (``daily``, from
  :mod:`analysis.clearance.series`) at the month's last day minus its value at the previous month's last
  day, with a conservative range (see :func:`monthly_from_cumulative`).
"""

from __future__ import annotations

import calendar
import math

import numpy as np
import pandas as pd

from ..data import require_columns
from ..statements.clearance_reports import MEASURES, period_statements
from ..statements.observations import CEASEFIRE


BASIS_MONTHLY = "monthly statement"
BASIS_WEEKLY = "sum of weekly statements"
BASIS_CUMULATIVE = "difference of the cumulative series"
MONTHLY_COLUMNS = ["month", "measure", "value", "lower", "upper", "basis", "records", "qualifier"]
CLEARANCE_MONTHLY_COLUMNS = ["month", "scope", "measure", "value", "lower", "upper", "basis"]
ANNUAL_CHECK_COLUMNS = ["year", "record_id", "reporting_body", "measure", "stated", "qualifier",
                        "cumulative_difference", "lower", "upper", "residual", "relative_residual"]
WEEKLY_CHECK_COLUMNS = ["month", "measure", "monthly", "weekly_sum", "weeks", "days_covered", "days_in_month",
                        "fully_covered", "difference", "monthly_records", "weekly_records"]
# --------------------------------------------------------------------------------------------------
# helpers


def _month_bounds(month: str | pd.Period) -> tuple[pd.Timestamp, pd.Timestamp]:
    p = pd.Period(month, freq="M")
    return p.start_time.normalize(), p.end_time.normalize()


def _month_label(ts: pd.Timestamp) -> str:
    return f"{ts.year:04d}-{ts.month:02d}"


def _days_in_month(month: str) -> int:
    y, m = (int(x) for x in month.split("-"))
    return calendar.monthrange(y, m)[1]


def _bounds_of(value: float, qualifier: str) -> tuple[float, float]:
    """Lower and upper end of a stated figure: the figure itself, except that "at least" states no upper
    end and "at most" no lower end (left NaN: a gap stays a gap)."""
    if qualifier == "at_least":
        return value, math.nan
    if qualifier == "at_most":
        return math.nan, value
    return value, value


def _combined_qualifier(qualifiers) -> str:
    """The qualifier of a sum: exact if every part is exact; at_least / at_most / approx if the other
    parts are exact and those are all of that one kind; "mixed" otherwise."""
    kinds = {str(q) for q in qualifiers} - {"exact"}
    if not kinds:
        return "exact"
    if len(kinds) == 1:
        return kinds.pop()
    return "mixed"


# --------------------------------------------------------------------------------------------------
# monthly figures


def _exact_months(periods: pd.DataFrame) -> pd.DataFrame:
    """Monthly statements whose period is exactly one calendar month, with their month label."""
    m = periods[periods["basis"] == "monthly"].copy()
    if m.empty:
        return m.assign(month=pd.Series(dtype="string"))
    starts = pd.to_datetime(m["period_start"])
    ends = pd.to_datetime(m["period_end"])
    exact = (starts.dt.day == 1) & (ends == starts + pd.offsets.MonthEnd(0))
    m = m[exact.to_numpy()].copy()
    m["month"] = pd.to_datetime(m["period_start"]).map(_month_label).astype("string")
    return m


def _direct_monthly(periods: pd.DataFrame) -> pd.DataFrame:
    """One row per month, measure and distinct value of the exact monthly statements."""
    m = _exact_months(periods)
    rows = []
    for (month, measure, value), grp in m.groupby(["month", "measure", "value"], sort=True):
        q = list(dict.fromkeys(grp["qualifier"].astype(str)))
        qualifier = q[0] if len(q) == 1 else ";".join(q)
        lo, hi = _bounds_of(float(value), q[0]) if len(q) == 1 else (float(value), float(value))
        rows.append({"month": month, "measure": measure, "value": float(value), "lower": lo, "upper": hi,
                     "basis": BASIS_MONTHLY, "records": ";".join(grp["record_id"].astype(str)), "qualifier": qualifier})
    return pd.DataFrame(rows, columns=MONTHLY_COLUMNS)


def _weeks_by_month(periods: pd.DataFrame) -> dict[tuple[str, str], pd.DataFrame]:
    """Weekly statements by (month, measure) of the month their whole period lies in, sorted by start
    (weeks straddling two months belong to none). Dates are parsed once, not once per month."""
    w = periods[periods["basis"] == "weekly"]
    starts, ends = pd.to_datetime(w["period_start"]), pd.to_datetime(w["period_end"])
    inside = (starts.dt.to_period("M") == ends.dt.to_period("M")).to_numpy()
    w = w[inside].sort_values(["period_start", "record_id"], kind="stable")
    starts = pd.to_datetime(w["period_start"])
    w = w.assign(_first_day=[d.toordinal() for d in starts],
                 _last_day=[d.toordinal() for d in pd.to_datetime(w["period_end"])])
    month = starts.map(_month_label)
    return {(str(m), str(measure)): grp for (m, measure), grp in w.groupby([month, w["measure"]], sort=False)}


def _coverage(weeks: pd.DataFrame) -> tuple[int, bool]:
    """Days of the union of the weeks' periods (a group of :func:`_weeks_by_month`), and whether any day is
    covered twice."""
    days: set[int] = set()
    overlap = False
    for s, e in zip(weeks["_first_day"].tolist(), weeks["_last_day"].tolist()):  # ordinals (_weeks_by_month)
        span = set(range(s, e + 1))
        overlap = overlap or bool(days & span)
        days |= span
    return len(days), overlap


def monthly_from_statements(periods: pd.DataFrame) -> pd.DataFrame:
    """Monthly amounts taken directly from the statements: monthly figures and sums of weekly figures.

    ``periods`` is the table of :func:`period_statements` (one scope and territory). For each calendar
    month and measure:

    (a) ``basis = "monthly statement"``: each monthly statement whose period is exactly that calendar month
        (a release for 1-30 December is not used for December). Statements giving the same value are one
        row (``records`` lists them); two different values for the same month are two rows, the record ids
        say which.
    (b) ``basis = "sum of weekly statements"``: the sum of the weekly statements lying entirely inside the
        month, when the union of their periods covers every day of the month and no two of them overlap
        (weeks straddling the month's first or last day are ignored; overlapping weeks, e.g. two differing
        relays of the same week, would be counted twice, so the month is not summed).

    Units as in ``periods`` (hectares; items). ``lower`` and ``upper`` equal ``value`` for a direct figure
    (the statement is the figure), except that an "at least" figure has no upper end and an "at most"
    figure no lower end (NaN). For a sum they are the sums of the parts' ends (NaN if any part lacks that
    end). ``qualifier``: as stated; for a sum "exact" if every week is exact, else the one non-exact kind,
    or "mixed". ``month`` is ``YYYY-MM``; sorted by month, measure and basis.
    """
    require_columns(periods, ["record_id", "basis", "period_start", "period_end", "measure", "value", "qualifier"],
                    "monthly_from_statements")
    direct = _direct_monthly(periods)
    by_month = _weeks_by_month(periods)
    sums = []
    for (month, measure), weeks in sorted(by_month.items(), key=lambda item: item[0]):
        covered, overlap = _coverage(weeks)
        if overlap or covered < _days_in_month(month):
            continue
        bounds = [_bounds_of(float(v), str(q)) for v, q in zip(weeks["value"], weeks["qualifier"])]
        los = [b[0] for b in bounds]
        his = [b[1] for b in bounds]
        sums.append({
            "month": month, "measure": measure, "value": float(weeks["value"].astype(float).sum()),
            "lower": math.nan if any(math.isnan(x) for x in los) else float(sum(los)),
            "upper": math.nan if any(math.isnan(x) for x in his) else float(sum(his)),
            "basis": BASIS_WEEKLY, "records": ";".join(weeks["record_id"].astype(str)),
            "qualifier": _combined_qualifier(weeks["qualifier"]),
        })
    out = pd.concat([direct, pd.DataFrame(sums, columns=MONTHLY_COLUMNS)], ignore_index=True)
    return _finish_monthly(out)


def _finish_monthly(out: pd.DataFrame) -> pd.DataFrame:
    out = out[MONTHLY_COLUMNS].copy()
    for col in ("value", "lower", "upper"):
        out[col] = out[col].astype("float64")
    for col in ("month", "measure", "basis", "records", "qualifier"):
        out[col] = out[col].astype("string")
    return out.sort_values(["month", "measure", "basis", "records"], kind="stable").reset_index(drop=True)


def _scope_daily(daily: pd.DataFrame, scope: str, where: str) -> pd.DataFrame:
    require_columns(daily, ["date", "scope", "measure", "estimate", "lower", "upper"], where)
    d = daily[daily["scope"].astype("string") == scope].copy()
    d["date"] = pd.to_datetime(d["date"]).dt.normalize()
    if d.duplicated(["date", "measure"]).any():
        raise ValueError(f"{where}: the daily series of scope {scope!r} has more than one row for a date and measure")
    return d


def _points(series: pd.DataFrame) -> dict:
    """(estimate, lower, upper) by date of a daily series indexed by date, for lookups with ``.get``
    (None outside the series)."""
    return dict(zip(series.index, zip(*(series[c].astype(float).tolist() for c in ("estimate", "lower", "upper")))))


def _start_counts(first: pd.Timestamp, period_first: pd.Timestamp) -> bool:
    """Whether a difference over a period may start from the series' first day, when the series starts
    inside the period: only when the series starts on the period's first day or at (or before) the
    ceasefire, before which nothing is counted. Otherwise the period is only partly covered: a gap."""
    return first == period_first or first <= CEASEFIRE


def _difference(end, start) -> tuple[float, float, float]:
    """Difference of two cumulative values with a conservative range: the lower end of the later value
    minus the upper end of the earlier one (not below 0), and the upper end of the later minus the lower
    end of the earlier."""
    value = end[0] - start[0]
    return value, max(0.0, end[1] - start[2]), end[2] - start[1]


def monthly_from_cumulative(daily: pd.DataFrame, scope: str = "all") -> pd.DataFrame:
    """Monthly amounts as differences of the reconciled cumulative series.

    ``daily``: columns ``date`` (every day), ``scope``, ``measure``, ``estimate``, ``lower``, ``upper`` (the
    90% interval of the CUMULATIVE amount since the ceasefire: hectares, or items). For each calendar month
    whose last day lies in the series: ``value`` = estimate at the month's last day minus the estimate at
    the previous month's last day. The month in which the series starts is included when the series starts
    on its first day or at (or before) the ceasefire of 10 Nov 2020 (so November 2020 counts from the
    series' first day); otherwise it is partial and left out.

    Range: ``lower`` = max(0, lower at the month's end - upper at the start), ``upper`` = upper at the end -
    lower at the start. This is a conservative range, wider than a 90% interval of the difference: it
    treats the two ends' intervals as if the worst cases could coincide, whereas the reconciled series'
    errors at neighbouring month ends are positively correlated. ``basis`` is "difference of the cumulative
    series"; ``records`` is "" and ``qualifier`` empty (NA). Columns as :func:`monthly_from_statements`.
    """
    d = _scope_daily(daily, scope, "monthly_from_cumulative")
    rows = []
    for measure, grp in d.groupby("measure", sort=False):
        s = grp.set_index("date").sort_index()
        if s.empty:
            continue
        first, last = s.index[0], s.index[-1]
        points = _points(s)
        for p in pd.period_range(first, last, freq="M"):
            m_first, m_last = p.start_time.normalize(), p.end_time.normalize()
            if m_last > last:
                continue
            end = points.get(m_last)
            start = points.get(m_first - pd.Timedelta(days=1))
            if start is None:
                if m_first <= first and _start_counts(first, m_first):
                    start = points.get(first)
                else:
                    continue
            if end is None or start is None:
                continue
            value, lo, hi = _difference(end, start)
            rows.append({"month": str(p), "measure": str(measure), "value": value, "lower": lo, "upper": hi,
                         "basis": BASIS_CUMULATIVE, "records": "", "qualifier": pd.NA})
    return _finish_monthly(pd.DataFrame(rows, columns=MONTHLY_COLUMNS))


def clearance_monthly(daily: pd.DataFrame | None, reports: pd.DataFrame, scopes=("all",)) -> pd.DataFrame:
    """Every monthly figure of every source, stacked: the table ``data/processed/clearance_monthly.csv``.

    For each scope (operators) in ``scopes`` (territory "all"): the direct monthly statements and the sums
    of weekly statements (:func:`monthly_from_statements` of :func:`period_statements`) and the differences
    of the cumulative series (:func:`monthly_from_cumulative`; none if ``daily`` is None or lacks the scope).
    One row per month x scope x measure x basis; where two direct statements disagree for the same month,
    both are kept and ``basis`` names the records, e.g. "monthly statement (cl039)" and
    "monthly statement (cl040)".

    Columns exactly: month (YYYY-MM), scope, measure, value, lower, upper, basis; units hectares or items
    per month. Sorted by scope, measure, month and basis.
    """
    parts = []
    for scope in scopes:
        periods, _ = period_statements(reports, scope=scope)
        stated = monthly_from_statements(periods)
        is_direct = stated["basis"] == BASIS_MONTHLY
        counts = stated[is_direct].groupby(["month", "measure"])["value"].transform("size")
        several = pd.Series(False, index=stated.index)
        several.loc[counts.index] = counts > 1
        stated.loc[several, "basis"] = [f"{BASIS_MONTHLY} ({r})" for r in stated.loc[several, "records"]]
        frames = [stated]
        if daily is not None and (daily["scope"].astype("string") == scope).any():
            frames.append(monthly_from_cumulative(daily, scope))
        both = pd.concat(frames, ignore_index=True)
        both["scope"] = scope
        parts.append(both)
    out = pd.concat(parts, ignore_index=True)[CLEARANCE_MONTHLY_COLUMNS] if parts else pd.DataFrame(
        columns=CLEARANCE_MONTHLY_COLUMNS)
    for col in ("month", "scope", "measure", "basis"):
        out[col] = out[col].astype("string")
    for col in ("value", "lower", "upper"):
        out[col] = out[col].astype("float64")
    return out.sort_values(["scope", "measure", "month", "basis"], kind="stable").reset_index(drop=True)


def direct_monthly(monthly: pd.DataFrame, scope: str = "all", measure: str = "hectares") -> pd.DataFrame:
    """One figure per month from direct statements (``clearance_monthly`` rows): a monthly statement where
    there is one (the first record if two differ), else the sum of weekly statements covering the month.
    Differences of the cumulative series are interpolations, not data, and are left out."""
    sel = monthly[(monthly["scope"] == scope) & (monthly["measure"] == measure)]
    sel = sel[sel["basis"].str.startswith("monthly statement") | sel["basis"].str.startswith("sum of weekly")]
    sel = sel.assign(order=np.where(sel["basis"].str.startswith("monthly statement"), 0, 1))
    sel = sel.sort_values(["month", "order", "basis"], kind="stable").groupby("month", as_index=False).head(1)
    return sel.drop(columns="order").reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# cross-checks


def _calendar_year(periods: pd.DataFrame, basis: str = "annual") -> pd.DataFrame:
    a = periods[periods["basis"] == basis].copy()
    s = pd.to_datetime(a["period_start"])
    e = pd.to_datetime(a["period_end"])
    ok = (s.dt.month == 1) & (s.dt.day == 1) & (e.dt.month == 12) & (e.dt.day == 31) & (s.dt.year == e.dt.year)
    a = a[ok.to_numpy()].copy()
    a["year"] = pd.to_datetime(a["period_start"]).dt.year.astype("int64")
    return a


def annual_cross_check(periods: pd.DataFrame, daily: pd.DataFrame, scope: str = "all") -> pd.DataFrame:
    """Each annual statement against the cumulative series' difference over that calendar year.

    ``periods``: :func:`period_statements` of the same scope (rows of another ``operators`` are ignored);
    ``daily``: the reconciled cumulative series (see :func:`monthly_from_cumulative`). Rows: every (annual
    statement, measure) whose period is a calendar year (1 Jan - 31 Dec), relays kept where they differ.

    ``cumulative_difference`` = estimate at 31 Dec of the year minus the estimate at 31 Dec of the year
    before (or at the series' first day when the series starts at the ceasefire or on 1 Jan of that year;
    a series starting later in the year leaves a gap); ``lower`` / ``upper``:
    the conservative range of :func:`monthly_from_cumulative`; NaN where the series does not reach the
    year's end. ``residual`` = stated - cumulative_difference; ``relative_residual`` = residual /
    cumulative_difference. Units: hectares or items. Note that Mine Action Review's 352 ha for 2022 is
    anti-personnel mined area only, another measure: its residual is not a discrepancy.
    """
    require_columns(periods, ["record_id", "basis", "period_start", "period_end", "measure", "value", "qualifier",
                              "reporting_body"], "annual_cross_check")
    p = periods[periods["operators"] == scope] if "operators" in periods.columns else periods
    annual = _calendar_year(p)
    d = _scope_daily(daily, scope, "annual_cross_check")
    series = {m: g.set_index("date").sort_index() for m, g in d.groupby("measure", sort=False)}
    points = {m: _points(g) for m, g in series.items()}
    rows = []
    for r in annual.itertuples(index=False):
        diff = (math.nan, math.nan, math.nan)
        s = series.get(r.measure)
        if s is not None and not s.empty:
            end_day = pd.Timestamp(f"{r.year}-12-31")
            at = points[r.measure]
            end = at.get(end_day)
            start = at.get(pd.Timestamp(f"{r.year - 1}-12-31"))
            first = s.index[0]
            year_first = pd.Timestamp(f"{r.year}-01-01")
            if start is None and year_first <= first <= end_day and _start_counts(first, year_first):
                start = at.get(first)
            if end is not None and start is not None:
                diff = _difference(end, start)
        value = float(r.value)
        residual = value - diff[0]
        rows.append({"year": int(r.year), "record_id": r.record_id, "reporting_body": r.reporting_body,
                     "measure": r.measure, "stated": value, "qualifier": r.qualifier,
                     "cumulative_difference": diff[0], "lower": diff[1], "upper": diff[2], "residual": residual,
                     "relative_residual": residual / diff[0] if diff[0] not in (0.0,) and not math.isnan(diff[0])
                     else math.nan})
    out = pd.DataFrame(rows, columns=ANNUAL_CHECK_COLUMNS)
    out["year"] = out["year"].astype("int64")
    for col in ("record_id", "reporting_body", "measure", "qualifier"):
        out[col] = out[col].astype("string")
    for col in ("stated", "cumulative_difference", "lower", "upper", "residual", "relative_residual"):
        out[col] = out[col].astype("float64")
    order = {m: i for i, m in enumerate(MEASURES)}
    return (out.assign(_m=out["measure"].map(lambda m: order.get(m, len(order))))
            .sort_values(["year", "_m", "record_id"], kind="stable").drop(columns="_m").reset_index(drop=True))


def weekly_vs_monthly(periods: pd.DataFrame) -> pd.DataFrame:
    """Monthly statements against the sum of the weekly statements inside the same month.

    For each month with a monthly statement (period exactly the calendar month) and at least one weekly
    statement of the same measure lying entirely inside it (weeks straddling the month's ends are left
    out): ``monthly`` (stated; one row per distinct stated value), ``weekly_sum`` (sum of those weeks),
    ``weeks`` (how many), ``days_covered`` (days of the union of their periods), ``days_in_month``,
    ``fully_covered`` (every day of the month covered), ``difference`` = monthly - weekly_sum. Where weeks
    overlap (would be counted twice) ``weekly_sum`` and ``difference`` are NaN. Units: hectares or items.
    ``monthly_records`` and ``weekly_records`` name the statements. A difference in a fully covered month
    is a discrepancy between the releases; in a partly covered month it includes the uncovered days.
    """
    require_columns(periods, ["record_id", "basis", "period_start", "period_end", "measure", "value", "qualifier"],
                    "weekly_vs_monthly")
    direct = _direct_monthly(periods)
    by_month = _weeks_by_month(periods)
    rows = []
    for r in direct.itertuples(index=False):
        weeks = by_month.get((r.month, r.measure))
        if weeks is None:
            continue
        covered, overlap = _coverage(weeks)
        n_days = _days_in_month(r.month)
        wsum = math.nan if overlap else float(weeks["value"].astype(float).sum())
        rows.append({"month": r.month, "measure": r.measure, "monthly": float(r.value), "weekly_sum": wsum,
                     "weeks": len(weeks), "days_covered": covered, "days_in_month": n_days,
                     "fully_covered": bool(covered == n_days), "difference": float(r.value) - wsum,
                     "monthly_records": r.records, "weekly_records": ";".join(weeks["record_id"].astype(str))})
    out = pd.DataFrame(rows, columns=WEEKLY_CHECK_COLUMNS)
    for col in ("weeks", "days_covered", "days_in_month"):
        out[col] = out[col].astype("int64")
    out["fully_covered"] = out["fully_covered"].astype(bool)
    for col in ("monthly", "weekly_sum", "difference"):
        out[col] = out[col].astype("float64")
    for col in ("month", "measure", "monthly_records", "weekly_records"):
        out[col] = out[col].astype("string")
    return out.sort_values(["month", "measure"], kind="stable").reset_index(drop=True)
