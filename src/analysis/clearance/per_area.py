"""Clearance per area: the annual figures of one release per year, items per 100 ha by type and year, and
casualties per 10,000 ha cleared.

Rates per area (:func:`items_per_100_ha`, :func:`casualties_per_10000_ha`) carry the exact (Garwood)
Poisson interval of ``statsmodels.stats.rates.confint_poisson(method="exact-c")``, treating the hectares
as a fixed exposure. Items and casualties come in clusters (a cache of ordnance, one blast with several
victims), so the counts are over-dispersed and this interval is optimistic (too narrow).

Units as in :mod:`analysis.clearance.rates` (hectares; items; casualties are people).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from statsmodels.stats.rates import confint_poisson

from ..data import require_columns
from .rates import _calendar_year, _difference, _points


#: The item types (counts) among the measures.
ITEM_TYPES = ["ap_mines", "at_mines", "uxo"]
ITEMS_RATE_COLUMNS = ["year", "measure", "items", "hectares", "per_100_ha", "lower", "upper", "record_id",
                      "items_qualifier", "hectares_qualifier"]
CASUALTY_RATE_COLUMNS = ["year", "casualties", "hectares", "per_10000_ha", "lower", "upper", "record_id",
                         "hectares_qualifier", "casualties_lower", "casualties_upper"]
#: Reporting bodies whose annual all-operator figure is preferred, in this order (ANAMA's own release first).
ANNUAL_BODY_PRIORITY = ["anama", "cabinet", "presidential_administration", "president", "mfa"]
#: Bodies whose annual "hectares" are another measure: Mine Action Review counts anti-personnel mined
#: area only (352 ha in 2022 against ANAMA's 41,915 ha of all clearance and release).
OTHER_MEASURE_BODIES = ("mine_action_review",)


def _decimals(value: float) -> int:
    """Decimal places of a figure as printed (41915.77 -> 2, 41915.0 -> 0)."""
    text = repr(float(value))
    if "e" in text or "." not in text:
        return 0
    return len(text.split(".")[1].rstrip("0"))


def _poisson_rate(count, exposure, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) Poisson interval of count / exposure from statsmodels ("exact-c")."""
    count = np.asarray(count, dtype=float)
    exposure = np.asarray(exposure, dtype=float)
    lo, hi = confint_poisson(count, exposure=exposure, method="exact-c", alpha=alpha)
    return np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)


def annual_figures(periods: pd.DataFrame, require_types: bool = True) -> pd.DataFrame:
    """One annual all-operator statement per calendar year: hectares and (optionally) the items by type.

    Candidates: annual statements of a calendar year, all operators and all territory (``periods`` of
    scope "all"), grouped into releases (a record and its relays, ``duplicate_of``). Mine Action Review's
    annual "hectares" (anti-personnel mined area only) are another measure and never used. The release is
    chosen by reporting body: ANAMA's own annual release first, then the Cabinet of Ministers, the
    presidential administration, the President, the MFA, then any other body; among releases of the same
    body, the first recorded. With ``require_types`` only releases that give hectares and all three types
    (AP, AT, other) qualify.

    Within the release, the hectares are taken at their most precise printing (relays sometimes truncate:
    62,023 ha in cl123 against 62,023.9 in its relay cl124; 41,915 in cl050 against 41,915.77 in cl052),
    an exact figure before a bound; the items from the release's first record that gives them. Columns:
    year, release, hectares, hectares_qualifier, hectares_record, and for each type ``<type>``,
    ``<type>_qualifier``, ``<type>_record`` (NaN / NA where the release gives none), ``record_id`` (the
    records used, semicolon-joined).
    """
    require_columns(periods, ["record_id", "basis", "period_start", "period_end", "measure", "value", "qualifier",
                              "reporting_body", "duplicate_of"], "annual_figures")
    p = periods
    if "operators" in p.columns:
        p = p[p["operators"] == "all"]
    if "territory" in p.columns:
        p = p[p["territory"] == "all"]
    a = _calendar_year(p)
    a = a[~a["reporting_body"].isin(OTHER_MEASURE_BODIES)].copy()
    a["release"] = a["duplicate_of"].fillna(a["record_id"]).astype(str)
    rank = {b: i for i, b in enumerate(ANNUAL_BODY_PRIORITY)}
    rows = []
    for year, grp in a.groupby("year", sort=True):
        best = None
        for release, rel in grp.groupby("release", sort=True):
            measures = set(rel["measure"])
            if "hectares" not in measures or (require_types and not set(ITEM_TYPES) <= measures):
                continue
            body_rows = rel[rel["record_id"] == release]
            body = str((body_rows if not body_rows.empty else rel)["reporting_body"].iloc[0])
            key = (rank.get(body, len(rank)), release)
            if best is None or key < best[0]:
                best = (key, release, rel)
        if best is None:
            continue
        _, release, rel = best
        ha = rel[rel["measure"] == "hectares"].copy()
        ha["_dec"] = ha["value"].map(_decimals)
        ha["_exact"] = (ha["qualifier"] == "exact").astype(int)
        ha["_orig"] = (ha["record_id"] == release).astype(int)
        ha = ha.sort_values(["_exact", "_dec", "_orig"], ascending=False, kind="stable")
        h = ha.iloc[0]
        row = {"year": int(year), "release": release, "hectares": float(h["value"]),
               "hectares_qualifier": str(h["qualifier"]), "hectares_record": str(h["record_id"])}
        used = [str(h["record_id"])]
        for t in ITEM_TYPES:
            it = rel[rel["measure"] == t].copy()
            if it.empty:
                row.update({t: math.nan, f"{t}_qualifier": pd.NA, f"{t}_record": pd.NA})
                continue
            it["_orig"] = (it["record_id"] == release).astype(int)
            it = it.sort_values(["_orig", "record_id"], ascending=[False, True], kind="stable")
            i = it.iloc[0]
            row.update({t: float(i["value"]), f"{t}_qualifier": str(i["qualifier"]), f"{t}_record": str(i["record_id"])})
            used.append(str(i["record_id"]))
        row["record_id"] = ";".join(sorted(dict.fromkeys(used)))
        rows.append(row)
    cols = ["year", "release", "hectares", "hectares_qualifier", "hectares_record"]
    for t in ITEM_TYPES:
        cols += [t, f"{t}_qualifier", f"{t}_record"]
    cols.append("record_id")
    out = pd.DataFrame(rows, columns=cols)
    out["year"] = out["year"].astype("int64")
    return out


def items_per_100_ha(periods: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Items found per 100 ha cleared, by type and calendar year, with an exact Poisson interval.

    Figures: one annual all-operator statement per year, chosen by :func:`annual_figures` (ANAMA's own
    annual release preferred when there are several; hectares at the release's most precise printing).
    ``per_100_ha`` = items / hectares x 100 (items per 100 ha). Interval: (1 - ``alpha``) exact (Garwood)
    Poisson interval for a rate, ``statsmodels.stats.rates.confint_poisson(items, exposure=hectares/100,
    method="exact-c")``, i.e. chi2(alpha/2; 2k)/2 and chi2(1 - alpha/2; 2k + 2)/2 divided by the exposure;
    it treats the hectares as a fixed, known exposure and the items as independent events. Items come in
    clusters (minefields, ammunition caches), so the counts are over-dispersed and the interval is
    optimistic (too narrow); it is the counting uncertainty only. An "over 8,780" (at least) count is
    used as the count. Also: "hectares cleared" includes battle-area clearance and survey-based release.

    Columns: year, measure (ap_mines, at_mines, uxo), items, hectares, per_100_ha, lower, upper, record_id
    (the records used), items_qualifier, hectares_qualifier. Sorted by year and type.
    """
    fig = annual_figures(periods, require_types=True)
    rows = []
    for r in fig.to_dict("records"):
        for t in ITEM_TYPES:
            if pd.isna(r[t]):
                continue
            rec = ";".join(sorted(dict.fromkeys([r["hectares_record"], r[f"{t}_record"]])))
            rows.append({"year": r["year"], "measure": t, "items": int(round(r[t])), "hectares": r["hectares"],
                         "record_id": rec, "items_qualifier": r[f"{t}_qualifier"],
                         "hectares_qualifier": r["hectares_qualifier"]})
    out = pd.DataFrame(rows, columns=[c for c in ITEMS_RATE_COLUMNS if c not in ("per_100_ha", "lower", "upper")])
    exposure = out["hectares"].to_numpy(dtype=float) / 100.0
    counts = out["items"].to_numpy(dtype=float)
    out["per_100_ha"] = counts / exposure if len(out) else np.array([], dtype=float)
    if len(out):
        out["lower"], out["upper"] = _poisson_rate(counts, exposure, alpha)
    else:
        out["lower"], out["upper"] = np.array([], dtype=float), np.array([], dtype=float)
    out = out[ITEMS_RATE_COLUMNS]
    out["year"] = out["year"].astype("int64")
    out["items"] = out["items"].astype("int64")
    for col in ("hectares", "per_100_ha", "lower", "upper"):
        out[col] = out[col].astype("float64")
    for col in ("measure", "record_id", "items_qualifier", "hectares_qualifier"):
        out[col] = out[col].astype("string")
    return out.reset_index(drop=True)


def casualties_per_10000_ha(casualty_daily: pd.DataFrame, periods: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Mine and ERW casualties (killed + injured) per 10,000 ha cleared, by calendar year.

    Years: those with an annual all-operator hectares statement (chosen by :func:`annual_figures`
    without requiring the types: ANAMA's own release first, hectares at their most precise printing) and a
    casualty series covering the whole year (both 31 Dec of the year before and 31 Dec of the year).
    ``casualty_daily``: columns date, measure, estimate, lower, upper (``data/processed/
    casualties_cumulative_daily.csv``); measure "total" = killed + injured since the ceasefire.

    ``casualties`` = estimate(31 Dec) - estimate(31 Dec of the year before), rounded to a whole number
    (people); ``per_10000_ha`` = casualties / hectares x 10,000. Interval: (1 - ``alpha``) exact (Garwood)
    Poisson interval, ``statsmodels.stats.rates.confint_poisson(casualties, exposure=hectares/10000,
    method="exact-c")``, with the hectares as a fixed exposure; casualties come in clusters, so it is
    optimistic, and it ignores the uncertainty of the casualty series itself, which is given separately as
    ``casualties_lower`` / ``casualties_upper`` (the conservative range of the difference of the series'
    90% intervals, as in :func:`analysis.clearance.rates.monthly_from_cumulative`). This is a ratio of two
    national totals, not a risk per hectare: most casualties do not happen on the land being cleared.

    Columns: year, casualties, hectares, per_10000_ha, lower, upper, record_id, hectares_qualifier,
    casualties_lower, casualties_upper.
    """
    require_columns(casualty_daily, ["date", "measure", "estimate", "lower", "upper"], "casualties_per_10000_ha")
    c = casualty_daily[casualty_daily["measure"].astype("string") == "total"].copy()
    c["date"] = pd.to_datetime(c["date"]).dt.normalize()
    c = _points(c.set_index("date").sort_index())
    fig = annual_figures(periods, require_types=False)
    rows = []
    for r in fig.to_dict("records"):
        y = r["year"]
        end = c.get(pd.Timestamp(f"{y}-12-31"))
        start = c.get(pd.Timestamp(f"{y - 1}-12-31"))
        if end is None or start is None:
            continue
        value, lo, hi = _difference(end, start)
        rows.append({"year": y, "casualties": int(round(value)), "hectares": r["hectares"],
                     "record_id": r["hectares_record"], "hectares_qualifier": r["hectares_qualifier"],
                     "casualties_lower": lo, "casualties_upper": hi})
    out = pd.DataFrame(rows, columns=[c_ for c_ in CASUALTY_RATE_COLUMNS if c_ not in ("per_10000_ha", "lower", "upper")])
    exposure = out["hectares"].to_numpy(dtype=float) / 10000.0
    counts = out["casualties"].to_numpy(dtype=float)
    if len(out):
        out["per_10000_ha"] = counts / exposure
        out["lower"], out["upper"] = _poisson_rate(counts, exposure, alpha)
    else:
        out["per_10000_ha"] = out["lower"] = out["upper"] = np.array([], dtype=float)
    out = out[CASUALTY_RATE_COLUMNS]
    out["year"] = out["year"].astype("int64")
    out["casualties"] = out["casualties"].astype("int64")
    for col in ("hectares", "per_10000_ha", "lower", "upper", "casualties_lower", "casualties_upper"):
        out[col] = out[col].astype("float64")
    for col in ("record_id", "hectares_qualifier"):
        out[col] = out[col].astype("string")
    return out.reset_index(drop=True)
