"""Clearance per area: the annual figures of one release per year, items per 100 ha by type and year, and
casualties per 10,000 ha cleared.

Rates per area (:func:`items_per_100_ha`, :func:`casualties_per_10000_ha`) carry the exact (Garwood)
Poisson interval of ``statsmodels.stats.rates.confint_poisson(method="exact-c")``, treating the hectares
as a fixed exposure. Items and casualties come in clusters (a cache of ordnance, one blast with several
victims), so the counts are over-dispersed and this interval is optimistic (too narrow). For the items,
:func:`item_dispersion` measures the over-dispersion in the weekly and monthly releases (a Poisson GLM,
statsmodels, Pearson chi2/df) and :func:`items_per_100_ha` widens the annual interval by it (quasi-Poisson).

Units as in :mod:`analysis.clearance.rates` (hectares; items; casualties are people).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..data import require_columns
from .rates import _calendar_year, _difference, _points


#: The item types (counts) among the measures.
ITEM_TYPES = ["ap_mines", "at_mines", "uxo"]
ITEMS_RATE_COLUMNS = ["year", "measure", "items", "hectares", "per_100_ha", "lower", "upper", "record_id",
                      "items_qualifier", "hectares_qualifier", "dispersion", "lower_qp", "upper_qp"]
DISPERSION_COLUMNS = ["measure", "dispersion", "df_resid", "releases", "years", "records"]
#: The bases whose releases measure the over-dispersion of the finds (short periods: many of them a year).
DISPERSION_BASES = ("weekly", "monthly")
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


def _glm_poisson(y: np.ndarray, exog: np.ndarray, offset: np.ndarray):
    """A Poisson GLM (log link) fitted by statsmodels.

    statsmodels is imported here, when a GLM is fitted, not with the module: its GLM brings the formula
    machinery (formulaic, patsy; a fifth of a second), and notebooks that only read this module's constants
    (the item types, through the figures' labels) need none of it. Only the modules used, never
    ``statsmodels.api``, which imports all of statsmodels."""
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM

    return GLM(y, exog, family=families.Poisson(), offset=offset).fit()


def _poisson_rate(count, exposure, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) Poisson interval of count / exposure from statsmodels ("exact-c")."""
    from statsmodels.stats.rates import confint_poisson  # see _glm_poisson on why here

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


def item_dispersion(periods: pd.DataFrame, measures=tuple(ITEM_TYPES)) -> pd.DataFrame:
    """How much more the items found vary from release to release than a Poisson count would: the dispersion
    of each item type in the weekly and monthly releases.

    Data: the weekly and monthly statements of ``periods`` (:func:`analysis.statements.clearance_reports.
    period_statements`, one scope), one observation per release (a record and its relays, ``duplicate_of``:
    a relay is never counted again; a measure the original does not print is taken from its first relay, so
    that a release whose items and hectares were printed on two pages is kept once), with the items and the
    hectares both exact (no bound, no rounded figure) and hectares above 0.

    Method: per item type, a Poisson GLM (statsmodels ``GLM``, family Poisson, log link) of the items found,
    with log(hectares) as offset and a factor for each calendar year (of the period's start): the rate per
    hectare may change from year to year, and within a year the releases differ by more than chance when the
    finds come in clusters. ``dispersion`` = Pearson chi2 / residual degrees of freedom (NaN with none left).
    Weekly and monthly releases can cover the same days (a week inside its month); the counts then repeat,
    which leaves the ratio about as it is but counts more degrees of freedom than there are independent finds.

    Columns: measure, dispersion, df_resid, releases (observations used), years (year factors), records (the
    record ids used, semicolon-joined).
    """
    require_columns(periods, ["record_id", "basis", "period_start", "measure", "value", "qualifier", "duplicate_of"],
                    "item_dispersion")
    p = periods[periods["basis"].astype("string").isin(DISPERSION_BASES)].copy()
    p["release"] = p["duplicate_of"].fillna(p["record_id"]).astype(str)
    p["_relay"] = p["duplicate_of"].notna().astype(int)
    # one value per release and measure: the original's, else the first relay's
    p = p.sort_values(["release", "measure", "_relay", "record_id"], kind="stable").drop_duplicates(["release", "measure"])
    first = p.sort_values(["release", "_relay"], kind="stable").drop_duplicates("release").set_index("release")
    ha = p[(p["measure"] == "hectares") & (p["qualifier"] == "exact") & (p["value"] > 0)].set_index("release")
    rows = []
    for m in measures:
        it = p[(p["measure"] == m) & (p["qualifier"] == "exact")].set_index("release")
        both = it.index.intersection(ha.index)
        it = it.loc[both].sort_values(["period_start", "record_id"], kind="stable")
        n = len(it)
        year = pd.to_datetime(first.loc[it.index, "period_start"]).dt.year.to_numpy()
        years = sorted(set(year.tolist()))
        dispersion, df_resid = math.nan, n - len(years)
        if n and df_resid > 0:
            exog = (year[:, None] == np.asarray(years)[None, :]).astype(float)
            offset = np.log(ha.loc[it.index, "value"].to_numpy(dtype=float))
            fit = _glm_poisson(it["value"].to_numpy(dtype=float), exog, offset)
            dispersion = float(fit.pearson_chi2 / fit.df_resid)
        records = sorted(set(it["record_id"].astype(str)) | set(ha.loc[it.index, "record_id"].astype(str)))
        rows.append({"measure": m, "dispersion": dispersion, "df_resid": max(df_resid, 0), "releases": n,
                     "years": len(years), "records": ";".join(records)})
    out = pd.DataFrame(rows, columns=DISPERSION_COLUMNS)
    out["dispersion"] = out["dispersion"].astype("float64")
    for col in ("df_resid", "releases", "years"):
        out[col] = out[col].astype("int64")
    out["measure"], out["records"] = out["measure"].astype("string"), out["records"].astype("string")
    return out


def _widen(rate, lower, upper, dispersion):
    """The quasi-Poisson interval: the exact interval's half-widths on the log scale, each times
    sqrt(max(dispersion, 1)) (never narrowed); a lower end of 0 stays 0, and a missing dispersion gives NaN.
    With no finds there is no log-scale half-width: the upper end is the exact one times the dispersion (the
    bound of a count whose variance is that many times its mean)."""
    rate, lower, upper = (np.asarray(a, dtype=float) for a in (rate, lower, upper))
    factor = np.sqrt(np.maximum(np.asarray(dispersion, dtype=float), 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        lo = np.where(lower > 0, rate * np.exp(-np.log(rate / lower) * factor), 0.0)
        hi = np.where(rate > 0, rate * np.exp(np.log(upper / rate) * factor), upper * factor ** 2)
    bad = ~np.isfinite(factor)
    return np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)


def items_per_100_ha(periods: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Items found per 100 ha cleared, by type and calendar year, with an exact Poisson interval and one that
    allows for finds that come in clusters (quasi-Poisson).

    Figures: one annual all-operator statement per year, chosen by :func:`annual_figures` (ANAMA's own
    annual release preferred when there are several; hectares at the release's most precise printing): the
    point estimates. ``per_100_ha`` = items / hectares x 100 (items per 100 ha). An "over 8,780" (at least)
    count is used as the count. Also: "hectares cleared" includes battle-area clearance and survey-based
    release.

    Intervals, both (1 - ``alpha``):

    - ``lower``, ``upper``: the exact (Garwood) Poisson interval for a rate,
      ``statsmodels.stats.rates.confint_poisson(items, exposure=hectares/100, method="exact-c")``, i.e.
      chi2(alpha/2; 2k)/2 and chi2(1 - alpha/2; 2k + 2)/2 divided by the exposure; it treats the hectares as a
      fixed, known exposure and the items as independent events: the counting uncertainty only, optimistic.
    - ``lower_qp``, ``upper_qp``: quasi-Poisson. Items come in clusters (minefields, ammunition caches), so the
      counts vary more than Poisson; ``dispersion`` (of the item type, :func:`item_dispersion`: Pearson
      chi2/df of a Poisson GLM of the weekly and monthly releases of ``periods``, log(hectares) offset, a
      year factor) measures by how much. The exact interval's half-widths on the log scale are multiplied by
      sqrt(dispersion) (a dispersion below 1 is taken as 1: the interval is never narrowed; NaN without a
      dispersion): rate x exp(-sqrt(d) ln(rate / lower)) to rate x exp(sqrt(d) ln(upper / rate)).

    Columns: year, measure (ap_mines, at_mines, uxo), items, hectares, per_100_ha, lower, upper, record_id
    (the records used), items_qualifier, hectares_qualifier, dispersion, lower_qp, upper_qp. Sorted by year and
    type. ``attrs["method"]`` names both intervals and the dispersions, in a sentence a caption can quote;
    ``attrs["dispersion"]`` is the :func:`item_dispersion` table.
    """
    fig = annual_figures(periods, require_types=True)
    disp = item_dispersion(periods)
    rows = []
    for r in fig.to_dict("records"):
        for t in ITEM_TYPES:
            if pd.isna(r[t]):
                continue
            rec = ";".join(sorted(dict.fromkeys([r["hectares_record"], r[f"{t}_record"]])))
            rows.append({"year": r["year"], "measure": t, "items": int(round(r[t])), "hectares": r["hectares"],
                         "record_id": rec, "items_qualifier": r[f"{t}_qualifier"],
                         "hectares_qualifier": r["hectares_qualifier"]})
    out = pd.DataFrame(rows, columns=[c for c in ITEMS_RATE_COLUMNS
                                      if c not in ("per_100_ha", "lower", "upper", "dispersion", "lower_qp", "upper_qp")])
    exposure = out["hectares"].to_numpy(dtype=float) / 100.0
    counts = out["items"].to_numpy(dtype=float)
    out["per_100_ha"] = counts / exposure if len(out) else np.array([], dtype=float)
    if len(out):
        out["lower"], out["upper"] = _poisson_rate(counts, exposure, alpha)
    else:
        out["lower"], out["upper"] = np.array([], dtype=float), np.array([], dtype=float)
    out["dispersion"] = out["measure"].map(disp.set_index("measure")["dispersion"].to_dict()).astype("float64")
    out["lower_qp"], out["upper_qp"] = _widen(out["per_100_ha"], out["lower"], out["upper"], out["dispersion"])
    out = out[ITEMS_RATE_COLUMNS]
    out["year"] = out["year"].astype("int64")
    out["items"] = out["items"].astype("int64")
    for col in ("hectares", "per_100_ha", "lower", "upper", "dispersion", "lower_qp", "upper_qp"):
        out[col] = out[col].astype("float64")
    for col in ("measure", "record_id", "items_qualifier", "hectares_qualifier"):
        out[col] = out[col].astype("string")
    out = out.reset_index(drop=True)
    out.attrs["dispersion"] = disp
    out.attrs["method"] = items_method(disp, alpha)
    return out


def _dispersion_text(value: float) -> str:
    """A dispersion as a reader takes it in: 1,633, 96.9, 3.84."""
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def items_method(dispersion: pd.DataFrame, alpha: float = 0.05) -> str:
    """The sentence that names the intervals of :func:`items_per_100_ha`, with the dispersions of
    :func:`item_dispersion` (``dispersion``)."""
    level = f"{(1 - alpha) * 100:g}%"
    names = {"ap_mines": "anti-personnel mines", "at_mines": "anti-tank mines", "uxo": "other ordnance"}
    parts = ", ".join(f"{names.get(str(r.measure), str(r.measure))} {_dispersion_text(r.dispersion)}" if np.isfinite(r.dispersion)
                      else f"{names.get(str(r.measure), str(r.measure))} not estimable"
                      for r in dispersion.itertuples(index=False))
    n = int(dispersion["releases"].max()) if len(dispersion) else 0
    return (f"{level} intervals: exact (Garwood) Poisson for the counting alone (statsmodels confint_poisson, exact-c), "
            "and quasi-Poisson for finds that come in clusters, the exact interval widened on the log scale by the square "
            "root of the dispersion (Pearson chi2/df of a Poisson GLM of the items in up to "
            f"{n} weekly and monthly releases, log hectares as offset, a factor for each year; statsmodels): {parts}.")


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
