"""The long-run context of Azerbaijan's mine casualties: annual figures since 1999 and the "since 1991"
cumulative totals.

All counts are **people** (casualties = people killed or injured by mines and explosive remnants of war,
as each body counts them); years are calendar years. Nothing here averages, interpolates or picks
silently between bodies or editions:

- :func:`annual_casualties` keeps every one-calendar-year row of ``monitor_annual`` (ANAMA and AzCBL, the
  Landmine Monitor's own headline, the Prosecutor General's Office, ...), each body and edition apart;
- :func:`annual_wide` lays one metric out as a year x (body, edition) table, with a second value of the
  same body, year and edition kept in a column of its own (``#2``);
- :func:`body_differences` describes how far AzCBL's annual count is from ANAMA's (difference and ratio;
  no test statistics);
- :func:`since_1991_series` gathers the cumulative totals "since 1991" (or "since the early 1990s") from
  the official statements (``casualty_reports``) and from the Monitor file (``monitor_annual``);
- :func:`annual_from_series` derives the calendar years since the ceasefire from the fitted casualty series
  (this project's, not a body's), so that the long run reaches the post-war years;
- :mod:`analysis.plots.longrun` draws them.

The functions are pure: they take the typed frames of :func:`analysis.data.load_package` (or frames of the
same columns) and return new frames; the inputs are never modified.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special  # ndtri: the normal quantile (stats.norm.ppf's own routine; see statements/rate.py)

from ..data import has_flag
from ..data.bodies import body_name
from ..statements import latent
from ..statements.observations import day

#: The Prosecutor General's Office and other government bodies, one group: both give the official count.
OFFICIAL_LABEL = f"official ({body_name('pgo', short=True)}, other government)"
#: Readable labels of the reporting bodies; any other body is named by :func:`analysis.data.bodies.body_name`
#: (short form, e.g. "US State Department").
BODY_LABELS = {
    "anama": body_name("anama", short=True),
    "azcbl": body_name("azcbl", short=True),
    "pgo": OFFICIAL_LABEL,
    "government_other": OFFICIAL_LABEL,
    "landmine_monitor": body_name("landmine_monitor"),
}
#: Order of the labelled bodies in tables and legends (other bodies follow, alphabetically).
BODY_ORDER = ("ANAMA", "AzCBL", OFFICIAL_LABEL, "Landmine Monitor")
#: Preference among editions where one value per body and year is needed (body_differences), and the
#: order of the edition columns of annual_wide.
EDITION_PREFERENCE = ("first_published", "unspecified", "revised")
#: A cumulative count is a "since 1991" total when it starts on or before this day ("since 1991",
#: "since the early 1990s", the PGO's "since 1992").
SINCE_1991_LATEST_START = pd.Timestamp("1992-12-31")

ANNUAL_COLUMNS = ["year", "metric", "reporting_body", "edition", "value", "qualifier", "row_id", "source_id", "flags", "body_label"]
DIFFERENCE_COLUMNS = [
    "year", "anama", "azcbl", "difference", "ratio", "anama_edition", "azcbl_edition", "anama_row_id",
    "azcbl_row_id", "same_source", "anama_qualifier", "azcbl_qualifier", "alternatives",
]
SINCE_1991_COLUMNS = [
    "date", "total", "qualifier", "reporting_body", "record", "resource", "flags", "duplicate", "period_start", "source_id",
]


# --------------------------------------------------------------------------------------------------
# helpers


def body_label(body) -> str:
    """Readable label of a reporting body code: 'ANAMA', 'AzCBL', 'official (Prosecutor General, other
    government)' for pgo and government_other, 'Landmine Monitor' for landmine_monitor; any other body its
    name (:func:`analysis.data.bodies.body_name`, short form: 'US State Department')."""
    return BODY_LABELS.get(str(body), body_name(body, short=True))


def _label_rank(label: str) -> tuple[int, str]:
    return (BODY_ORDER.index(label), "") if label in BODY_ORDER else (len(BODY_ORDER), label)


def _edition_rank(edition: str) -> int:
    return EDITION_PREFERENCE.index(edition) if edition in EDITION_PREFERENCE else len(EDITION_PREFERENCE)


def _ids(frame: pd.DataFrame, name: str) -> pd.Series:
    """The record ids of ``frame``: the column ``name`` if there is one, else the index."""
    ids = frame[name] if name in frame.columns else pd.Series(frame.index, index=frame.index)
    return ids.astype("string")


def _text(series: pd.Series) -> np.ndarray:
    return series.astype("string").to_numpy()


def _same_page(a, b) -> bool:
    """Whether two rows (itertuples) were read in the same page; a missing source_id never matches."""
    return not pd.isna(a.source_id) and not pd.isna(b.source_id) and str(a.source_id) == str(b.source_id)


def _column_name(label: str, edition: str, k: int = 1) -> str:
    base = f"{label} ({edition})"
    return base if k == 1 else f"{base} #{k}"


# --------------------------------------------------------------------------------------------------
# tables


def annual_casualties(
    monitor_annual: pd.DataFrame,
    country: str = "Azerbaijan",
    start: int = 1999,
    end: int = 2025,
    metrics=("casualties_total", "killed", "injured"),
) -> pd.DataFrame:
    """Every one-calendar-year figure of ``country`` in ``monitor_annual``, long form, bodies and editions apart.

    Input: the typed ``monitor_annual`` frame (``load_package().monitor_annual``, indexed by ``row_id``, or
    with a ``row_id`` column). A row is kept when

    - its ``country`` is ``country``;
    - its period is exactly one calendar year: ``period_start`` is 1 January and ``period_end`` is
      31 December of the same year (so "1999-2004-07", "2021-01_to_2021-06", "since 10 November 2020"
      and the undated partial-year snapshot "2009 (partial)" are left out);
    - that year lies in [``start``, ``end``] (the year is read from the period, not from the text column
      ``year``);
    - its ``metric`` is one of ``metrics``;
    - ``value`` is not missing (rows giving only parts or text are left out).

    Every such row is kept: two bodies, two editions, or two values of the same body (AzCBL's own site
    and the Monitor's citation of it) are never averaged or chosen between. Relays and other flagged rows
    are kept too; ``flags`` says which (filter with :func:`analysis.data.has_flag`).

    Returns one row per kept statement, sorted by year, metric, reporting_body, edition and row_id:
    ``year`` (int, calendar year), ``metric``, ``reporting_body`` (code), ``edition`` (first_published,
    revised, unspecified), ``value`` (people, Float64), ``qualifier`` (exact, at_least, at_most, approx),
    ``row_id``, ``source_id``, ``flags`` and ``body_label`` (see :func:`body_label`).
    """
    if int(start) > int(end):
        raise ValueError(f"start ({start}) is after end ({end})")
    df = monitor_annual
    first = pd.to_datetime(df["period_start"])
    last = pd.to_datetime(df["period_end"])
    one_year = (
        first.notna() & last.notna()
        & (first.dt.month == 1) & (first.dt.day == 1)
        & (last.dt.month == 12) & (last.dt.day == 31)
        & (first.dt.year == last.dt.year)
    ).fillna(False)
    year = first.dt.year
    keep = (
        (df["country"].astype("string") == country).fillna(False)
        & one_year
        & year.between(int(start), int(end)).fillna(False)
        & df["metric"].astype("string").isin(list(metrics)).fillna(False)
        & df["value"].notna()
    ).astype(bool)
    sel = df[keep]
    out = pd.DataFrame(
        {
            "year": year[keep].astype("int64").to_numpy(),
            "metric": _text(sel["metric"]),
            "reporting_body": _text(sel["reporting_body"]),
            "edition": _text(sel["edition"]),
            "value": pd.array(sel["value"], dtype="Float64"),
            "qualifier": _text(sel["qualifier"]),
            "row_id": _ids(sel, "row_id").to_numpy(),
            "source_id": _text(sel["source_id"]),
            "flags": _text(sel["flags"]),
        }
    )
    for col in ("metric", "reporting_body", "edition", "qualifier", "row_id", "source_id", "flags"):
        out[col] = out[col].astype("string")
    out["body_label"] = out["reporting_body"].map(body_label, na_action="ignore").astype("string")
    out = out.sort_values(["year", "metric", "reporting_body", "edition", "row_id"], kind="stable")
    return out.reset_index(drop=True)[ANNUAL_COLUMNS]


def annual_wide(annual: pd.DataFrame, metric: str = "casualties_total") -> pd.DataFrame:
    """One row per year, one column per (body_label, edition): the ``metric`` values (people) of
    :func:`annual_casualties`.

    - Columns are named ``"<body_label> (<edition>)"``, e.g. ``"AzCBL (unspecified)"``, ordered ANAMA,
      AzCBL, official (Prosecutor General, other government), Landmine Monitor, then other bodies alphabetically; within a body
      first_published, unspecified, revised.
    - **Two different values of one body for the same year and edition** (AzCBL's own site said 33 for
      2007, the Monitor cited AzCBL as 32) are both kept, as numbers: the value of the first-recorded row
      (lowest ``row_id``) in the plain column, the next different value in a column with the suffix
      ``" #2"`` (``"AzCBL (unspecified) #2"``), and so on. Text such as "32 / 33" is never written into a
      number column. Rows repeating an identical value (a relay) fill one cell.
    - The index (``year``, int) runs over every year from the first to the last year with a value, so a
      year without any figure stays visible as a row of empty cells; no value is filled in.
    - ``attrs["row_ids"]`` maps ``(year, column)`` to the row id(s) behind each cell (``;``-separated
      where identical values were given by several rows), so every cell can be traced.
    - Qualifiers are not shown here (all Azerbaijani annual rows are ``exact``); see ``annual``.
    """
    sel = annual[annual["metric"].astype("string") == metric].sort_values(["year", "row_id"], kind="stable")
    cells: dict[tuple[int, str], float] = {}
    ids: dict[tuple[int, str], list[str]] = {}
    keys: dict[str, tuple] = {}
    for (label, edition, year), grp in sel.groupby(["body_label", "edition", "year"], sort=False):
        values: list[float] = []
        rows: list[list[str]] = []
        for value, rid in zip(grp["value"], grp["row_id"]):
            value = float(value)
            if value in values:
                rows[values.index(value)].append(str(rid))
            else:
                values.append(value)
                rows.append([str(rid)])
        for k, (value, rid) in enumerate(zip(values, rows), start=1):
            col = _column_name(str(label), str(edition), k)
            cells[(int(year), col)] = value
            ids[(int(year), col)] = rid
            keys[col] = (_label_rank(str(label)), _edition_rank(str(edition)), str(edition), k)
    columns = sorted(keys, key=keys.get)
    if cells:
        years = [y for y, _ in cells]
        index = pd.RangeIndex(min(years), max(years) + 1, name="year")
    else:
        index = pd.RangeIndex(0, 0, name="year")
    wide = pd.DataFrame(
        {col: pd.array([cells.get((y, col)) for y in index], dtype="Float64") for col in columns},
        index=pd.Index(index.to_numpy(dtype="int64"), name="year"),
    )
    wide.columns.name = f"{metric} (people)"
    wide.attrs["row_ids"] = {key: ";".join(v) for key, v in ids.items()}
    return wide


def body_differences(annual: pd.DataFrame, metric: str = "casualties_total") -> pd.DataFrame:
    """AzCBL's annual count against ANAMA's, for every year both give ``metric`` (people per calendar year).

    Input: the long frame of :func:`annual_casualties`. This is descriptive only: no test, no interval.
    The two bodies count differently by design (ANAMA: verified incidents in hazard areas, IMSMA; AzCBL:
    hospitals, coordinators and media, without Nakhchivan), so the difference is not an error of either.

    One value per body and year is needed, so for each body, separately, it is chosen by:

    1. edition, always in the order **first_published, then unspecified, then revised** (the figure as
       first given, never a later restatement when a first one exists);
    2. among values of that edition, an ANAMA/AzCBL pair from the **same page** (``source_id``) if there
       is one (the Monitor compares like with like on one page);
    3. then the first-recorded rows (lowest ``row_id``).

    Every value not chosen is listed in ``alternatives`` ("AzCBL 16 (ma059, unspecified)"), never dropped
    silently.

    Returns one row per year, sorted: ``year``, ``anama``, ``azcbl`` (people, Float64), ``difference``
    (AzCBL - ANAMA, people), ``ratio`` (AzCBL / ANAMA, dimensionless; missing where ANAMA is 0),
    ``anama_edition``, ``azcbl_edition``, ``anama_row_id``, ``azcbl_row_id``, ``same_source`` (bool: both
    read in the same page), ``anama_qualifier``, ``azcbl_qualifier`` (a non-exact qualifier makes the
    difference a bound, not a count) and ``alternatives`` (text; missing when there were none).
    """
    sel = annual[annual["metric"].astype("string") == metric]
    sel = sel[sel["value"].notna()]
    by_body = {b: sel[sel["reporting_body"].astype("string") == b] for b in ("anama", "azcbl")}
    years = sorted(set(by_body["anama"]["year"].astype(int)) & set(by_body["azcbl"]["year"].astype(int)))
    rows = []
    for year in years:
        cand = {}
        for body, frame in by_body.items():
            rows_y = frame[frame["year"].astype(int) == year]
            rank = rows_y["edition"].astype("string").map(_edition_rank)
            cand[body] = rows_y[rank == rank.min()].sort_values("row_id", kind="stable")
        # same page first (False sorts before True), then the lowest row ids
        a, z = min(
            ((a, z) for a in cand["anama"].itertuples() for z in cand["azcbl"].itertuples()),
            key=lambda pair: (not _same_page(pair[0], pair[1]), str(pair[0].row_id), str(pair[1].row_id)),
        )
        a_id, z_id = str(a.row_id), str(z.row_id)
        chosen = {a_id, z_id}
        others = sel[(sel["year"].astype(int) == year) & sel["reporting_body"].astype("string").isin(["anama", "azcbl"])]
        others = others[~others["row_id"].astype(str).isin(chosen)].sort_values("row_id", kind="stable")
        alternatives = "; ".join(
            f"{body_label(r.reporting_body)} {float(r.value):g} ({r.row_id}, {r.edition})" for r in others.itertuples()
        )
        anama, azcbl = float(a.value), float(z.value)
        rows.append(
            {
                "year": year,
                "anama": anama,
                "azcbl": azcbl,
                "difference": azcbl - anama,
                "ratio": azcbl / anama if anama != 0 else None,
                "anama_edition": str(a.edition),
                "azcbl_edition": str(z.edition),
                "anama_row_id": str(a_id),
                "azcbl_row_id": str(z_id),
                "same_source": _same_page(a, z),
                "anama_qualifier": str(a.qualifier),
                "azcbl_qualifier": str(z.qualifier),
                "alternatives": alternatives or None,
            }
        )
    out = pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS)
    out["year"] = out["year"].astype("int64")
    for col in ("anama", "azcbl", "difference", "ratio"):
        out[col] = pd.array(out[col], dtype="Float64")
    out["same_source"] = out["same_source"].astype(bool)
    for col in ("anama_edition", "azcbl_edition", "anama_row_id", "azcbl_row_id", "anama_qualifier", "azcbl_qualifier", "alternatives"):
        out[col] = out[col].astype("string")
    return out


def _since_1991_part(rows: pd.DataFrame, date_col: str, value_col: str, id_name: str, resource: str) -> pd.DataFrame:
    """The since-1991 columns of one resource's selected rows."""
    return pd.DataFrame(
        {
            "date": pd.to_datetime(rows[date_col]).astype("datetime64[ns]").to_numpy(),
            "total": pd.array(rows[value_col], dtype="Float64"),
            "qualifier": _text(rows["qualifier"]),
            "reporting_body": _text(rows["reporting_body"]),
            "record": _ids(rows, id_name).to_numpy(),
            "resource": resource,
            "flags": _text(rows["flags"]),
            "duplicate": has_flag(rows, "duplicate").to_numpy(dtype=bool),
            "period_start": pd.to_datetime(rows["period_start"]).astype("datetime64[ns]").to_numpy(),
            "source_id": _text(rows["source_id"]),
        }
    )


def since_1991_series(
    casualty_reports: pd.DataFrame, monitor_annual: pd.DataFrame, country: str = "Azerbaijan"
) -> pd.DataFrame:
    """The cumulative casualty totals "since 1991" (or "since the early 1990s") as one series over time.

    Values are people killed or injured since the early 1990s, as each statement printed them. Rows come from

    - ``casualty_reports`` (indexed by ``report_id``): ``basis == "cumulative"``, ``period_start`` on or
      before 1992-12-31, ``scope == "official"`` (all victims; the civilians-only scope
      ``official_civilians`` is a different count and is left out) and a ``total``. ``date`` is the
      as-of date (the earliest day it can mean, where only a month or a year was given);
    - ``monitor_annual`` (indexed by ``row_id``): rows of ``country`` with
      ``metric == "cumulative_casualties_total"`` and a value, whose ``period_start`` is on or before
      1992-12-31 **or unknown**. A count known to start later (AzCBL's 451 "from 1999", ma027) is another
      series and is left out; the Landmine Impact Survey's "pre-2003" total (start unknown, ma146) is
      kept. ``date`` is ``period_end``.

    Every such row is kept, relays included (``duplicate`` marks them: count each statement once), and
    flagged rows too (``flags``: misworded, implausible, date_doubtful, ...). **Undated rows are kept, with
    ``date`` NaT**, and sorted last.

    Returns, sorted by date then record: ``date`` (datetime), ``total`` (people, Float64), ``qualifier``
    (exact, at_least, at_most, approx: "over 3,400" is a lower bound, ``at_least``), ``reporting_body``,
    ``record`` (report_id or row_id), ``resource`` (casualty_reports or monitor_annual), ``flags``,
    ``duplicate`` (bool), ``period_start`` (first day counted) and ``source_id``.
    """
    cr = casualty_reports
    keep_cr = (
        (cr["basis"].astype("string") == "cumulative").fillna(False)
        & (pd.to_datetime(cr["period_start"]) <= SINCE_1991_LATEST_START).fillna(False)
        & (cr["scope"].astype("string") == "official").fillna(False)
        & cr["total"].notna()
    ).astype(bool)
    part_cr = _since_1991_part(cr[keep_cr], "as_of_date", "total", "report_id", "casualty_reports")
    ma = monitor_annual
    start = pd.to_datetime(ma["period_start"])
    keep_ma = (
        (ma["country"].astype("string") == country).fillna(False)
        & (ma["metric"].astype("string") == "cumulative_casualties_total").fillna(False)
        & ma["value"].notna()
        & ((start <= SINCE_1991_LATEST_START) | start.isna()).fillna(False)
    ).astype(bool)
    part_ma = _since_1991_part(ma[keep_ma], "period_end", "value", "row_id", "monitor_annual")
    out = pd.concat([part_cr, part_ma], ignore_index=True)
    for col in ("qualifier", "reporting_body", "record", "resource", "flags", "source_id"):
        out[col] = out[col].astype("string")
    out["total"] = out["total"].astype("Float64")
    out["duplicate"] = out["duplicate"].astype(bool)
    out = out.sort_values(["date", "record"], na_position="last", kind="stable").reset_index(drop=True)
    return out[SINCE_1991_COLUMNS]


def registers_note(series: pd.DataFrame, ceasefire: pd.Timestamp = pd.Timestamp("2020-11-10")) -> str:
    """Why the two sets of "since 1991" totals of :func:`since_1991_series` stand at different levels, in one
    sentence read off the rows themselves (dated rows, relays left out): the periods they cover.

    Landmine Monitor's file (``monitor_annual``: the Monitor's own totals, ANAMA's and the US State
    Department's as it cites them) counts from the early 1990s to the end of its period, at the latest the
    year of its last total; the official statements (``casualty_reports``) count from 1991 to the day of each
    statement, so where they are all dated after the ceasefire they include the casualties since it, which no
    Monitor total does. Empty when either set has no dated row."""
    dated = series[series["date"].notna() & ~series["duplicate"].astype(bool)]
    monitor = dated[dated["resource"].astype("string") == "monitor_annual"]
    official = dated[dated["resource"].astype("string") == "casualty_reports"]
    if monitor.empty or official.empty:
        return ""
    last_m, first_o, last_o = monitor["date"].max(), official["date"].min(), official["date"].max()
    text = (f"Different periods: the hollow totals (Monitor and annual reports) count from the early 1990s to {last_m:%Y} "
            "at the latest; "
            f"the official totals (filled) count from 1991 to the day of each statement, {first_o:%b %Y} to {last_o:%b %Y}")
    if first_o > ceasefire >= last_m:
        text += ", so they include the casualties since the 2020 ceasefire"
    return text + "."


# --------------------------------------------------------------------------------------------------
# the post-ceasefire years, from the fitted series

#: The label of the years derived from the fitted series: this project's figure, not a reporting body's.
SERIES_LABEL = "derived from the fitted series, this project"
#: The measure of the fitted casualty series behind each annual metric.
SERIES_MEASURES = {"casualties_total": "total", "killed": "killed", "injured": "injured"}
SERIES_ANNUAL_COLUMNS = ["year", "metric", "value", "lower", "upper", "sd", "start", "end", "body_label"]


def annual_from_series(daily: pd.DataFrame, fit=None, metric: str = "casualties_total", level: float = 0.90) -> pd.DataFrame:
    """The casualties of each calendar year since the ceasefire, derived from the fitted cumulative series.

    ``daily``: the fitted daily series (:attr:`analysis.casualties.series.CasualtyAnalysis.daily`, columns
    ``date, measure, estimate, lower, upper, kind``); the rows of the measure behind ``metric`` (``total`` for
    ``casualties_total``, ``killed``, ``injured``) are used. A year is derived only when it is complete and
    fitted: the rows of 31 December of the year before and of every day of the year are there and of kind
    ``fit`` (the series starts on 10 Nov 2020, so 2020 is never complete; a year reaching past the last
    statement, a forecast, is left out).

    ``value`` = estimate(31 Dec) - estimate(31 Dec of the year before) (people; not rounded). The difference
    of the daily bounds is not an interval of the difference (the two ends' errors are correlated), so
    without ``fit`` no interval is given (``lower``, ``upper``, ``sd`` NaN). With ``fit`` (the measure's
    :class:`analysis.statements.model.SeriesFit`, ``analysis.fits["total"]``), ``sd`` is the posterior
    standard deviation of the fitted series' increase over the year, from the statement model's Laplace
    covariance (:func:`analysis.statements.latent.increment_moments`, which counts the correlation of the two
    ends), and ``lower``/``upper`` = value -/+ z x sd (z the normal quantile of ``level``; the lower end
    not below 0). That sd is the measure's own fit's; the coherent series (parts made to add up) moves the
    estimate by a few people, not its uncertainty by much.

    Returns one row per year: ``year``, ``metric``, ``value``, ``lower``, ``upper``, ``sd``, ``start``,
    ``end`` (the two 31 Decembers), ``body_label`` (:data:`SERIES_LABEL`). ``attrs["method"]`` says how, in
    a sentence a caption can quote.
    """
    if metric not in SERIES_MEASURES:
        raise ValueError(f"annual_from_series: metric must be one of {sorted(SERIES_MEASURES)}, not {metric!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must lie between 0 and 1, not {level!r}")
    measure = SERIES_MEASURES[metric]
    d = daily[daily["measure"].astype("string") == measure].copy()
    d["date"] = pd.to_datetime(d["date"]).dt.normalize()
    d = d.drop_duplicates("date").set_index("date").sort_index()
    fitted = d.index[d["kind"].astype("string") == "fit"]
    z = float(special.ndtri(0.5 + level / 2))
    rows = []
    years = range(fitted.min().year, fitted.max().year + 1) if len(fitted) else range(0)
    for year in years:
        start, end = pd.Timestamp(f"{year - 1}-12-31"), pd.Timestamp(f"{year}-12-31")
        days = pd.date_range(start, end, freq="D")
        if not days.isin(fitted).all():
            continue
        value = float(d.at[end, "estimate"] - d.at[start, "estimate"])
        sd = np.nan
        if fit is not None:
            _, var = latent.increment_moments(fit.fit.x, fit.fit.cov, np.array([day(start) + 1]), np.array([day(end) + 1]))
            sd = float(np.sqrt(var[0]))
        rows.append({"year": year, "metric": metric, "value": value, "lower": max(value - z * sd, 0.0) if fit is not None else np.nan,
                     "upper": value + z * sd if fit is not None else np.nan, "sd": sd, "start": start, "end": end,
                     "body_label": SERIES_LABEL})
    out = pd.DataFrame(rows, columns=SERIES_ANNUAL_COLUMNS)
    out["year"] = out["year"].astype("int64")
    for col in ("value", "lower", "upper", "sd"):
        out[col] = out[col].astype("float64")
    out["start"], out["end"] = pd.to_datetime(out["start"]), pd.to_datetime(out["end"])
    out["metric"], out["body_label"] = out["metric"].astype("string"), out["body_label"].astype("string")
    pct = f"{level * 100:g} %"
    out.attrs["method"] = (
        "Calendar-year increase of the fitted cumulative series of the statement model (its estimate on 31 December "
        "less that on 31 December of the year before), complete fitted years only; "
        + (f"{pct} interval from the posterior standard deviation of the fitted increase (Laplace covariance of the "
           "latent weekly increments, correlation of the two ends included)." if fit is not None else
           "no interval (the difference of the daily bounds is not an interval of the difference).")
    )
    return out
