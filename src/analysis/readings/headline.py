"""The README's headline numbers, written from the processed tables (``data/processed``), never typed.

:func:`tables` reads what the notebooks wrote; :func:`headline` turns them into markdown: casualties since
the ceasefire (total, killed, injured) and the civilian share, hectares and items cleared, each with its
interval and the day it refers to (the last fitted day, and the forecast to ``nowcast_to`` marked as such),
the trends per year, and the years to completion per scenario. :mod:`analysis.pipeline.frontpage` puts it
into the README between markers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import words

#: The processed tables the headline reads, by name.
TABLES = ("casualties_cumulative_daily", "casualties_trend", "civilian_share", "clearance_cumulative_daily",
          "clearance_trend", "clearance_projection")

CASUALTY_ROWS = {"total": "People killed or injured by mines and ordnance", "killed": "… of whom killed",
                 "injured": "… of whom injured"}
CLEARANCE_ROWS = {"hectares": "Hectares released as cleared, all operators", "ap_mines": "Anti-personnel mines found and destroyed",
                  "at_mines": "Anti-tank mines found and destroyed", "uxo": "Other items of ordnance found and destroyed"}


def tables(processed_dir: Path) -> dict[str, pd.DataFrame]:
    """The processed tables the headline needs (a missing one is an error naming it)."""
    out = {}
    for name in TABLES:
        path = Path(processed_dir) / f"{name}.csv"
        if not path.exists():
            raise FileNotFoundError(f"the headline needs {path}; run `make figures`")
        out[name] = pd.read_csv(path, parse_dates=[c for c in ("date", "from", "to", "as_of") if c in
                                                   pd.read_csv(path, nrows=0).columns])
    return out


def _cell(row: pd.Series) -> str:
    return f"{words.count(row['estimate'])} ({words.interval(row['lower'], row['upper'])})"


def _level_row(label: str, daily: pd.DataFrame) -> str:
    last, forecast = words.last_rows(daily)
    future = f"{_cell(forecast)} on {words.day(forecast['date'])}" if forecast is not None else "(no forecast)"
    return f"| {label} | {_cell(last)} | {words.day(last['date'])} | {future} |"


def level_table(t: dict[str, pd.DataFrame]) -> str:
    cas, cl = t["casualties_cumulative_daily"], t["clearance_cumulative_daily"]
    lines = ["| since 10 November 2020 | estimate (90 % interval) | as of (last statement) | forecast (no statement yet) |",
             "|---|---|---|---|"]
    for m, label in CASUALTY_ROWS.items():
        d = cas[cas["measure"] == m]
        if len(d):
            lines.append(_level_row(label, d))
    share = t["civilian_share"].dropna(subset=["share"]).sort_values("date")
    if len(share):
        s = share.iloc[-1]
        lines.append(f"| Civilian share of the casualties of known status | {words.percent(s['share'])} "
                     f"({words.percent_interval(s['lower'], s['upper'])}, 95 % Wilson) | {words.day(s['date'])} | |")
    for m, label in CLEARANCE_ROWS.items():
        d = cl[(cl["scope"] == "all") & (cl["measure"] == m)]
        if len(d):
            lines.append(_level_row(label, d))
    return "\n".join(lines)


def trend_lines(t: dict[str, pd.DataFrame]) -> str:
    lines = []
    ct = t["casualties_trend"].set_index("measure")
    if "total" in ct.index and words.finite(ct.loc["total", "rate_ratio_per_year"]):
        r = ct.loc["total"]
        text = (f"- **Casualties, trend:** from {words.day(r['from'])} "
                + (f"to {words.month(r['slope_changes'])} " if isinstance(r["slope_changes"], str) and r["slope_changes"] else "to "
                   + words.day(r["to"]) + " ")
                + words.change_per_year(r["rate_ratio_per_year"], r["lower_95"], r["upper_95"], "the rate"))
        if words.finite(r.get("rate_ratio_after")):
            text += (f"; from {words.month(r['slope_changes'])} to {words.day(r['to'])} "
                     + words.change_per_year(r["rate_ratio_after"], r["after_lower_95"], r["after_upper_95"], "it"))
        lines.append(text + " (composite-link quasi-Poisson).")
    tr = t["clearance_trend"]
    h = tr[(tr["scope"] == "all") & (tr["measure"] == "hectares")]
    if len(h):
        r = h.iloc[0]
        lines.append(f"- **Clearance, trend:** from {words.day(r['from'])} to {words.day(r['to'])} "
                     + words.change_per_year(r["growth_per_year"], r["lower_95"], r["upper_95"], "the hectares cleared per month")
                     + (", with a yearly season" if bool(r.get("seasonal")) else "") + " (composite-link quasi-Poisson).")
    return "\n".join(lines)


def projection_table(t: dict[str, pd.DataFrame]) -> str:
    p = t["clearance_projection"]
    if p.empty:
        return ""
    as_of = words.day(p["as_of"].iloc[0])
    lines = [f"Years to clear the rest of each contamination scenario, from {as_of} (90 % intervals; the scenarios are not a "
             "range, and each projection assumes its rate holds):", "",
             "| scenario | remaining (ha) | at the last 12 months' rate | at the fitted trend | at the planned rate |",
             "|---|---|---|---|---|"]
    kinds = {"last 12": 2, "fitted trend": 3, "planned": 4}
    for scenario, rows in p.groupby("scenario", sort=False):
        cells = ["", "", ""]
        for _, r in rows.iterrows():
            i = next((v for k, v in kinds.items() if str(r["method"]).startswith(k)), None)
            if i is None:
                continue
            if words.finite(r["years"]):
                cell = (f"{words.amount(r['years'], 1)} years ({words.interval(r['lower'], r['upper'], lambda x: words.amount(x, 1))}), "
                        f"about {int(np.floor(r['completion_year']))}")
            else:
                cell = "not reached"
            cells[i - 2] = cell if not cells[i - 2] else cells[i - 2] + "; " + cell
        lines.append(f"| {scenario} | {words.count(rows['remaining_ha'].iloc[0])} | {' | '.join(cells)} |")
    return "\n".join(lines)


def headline(t: dict[str, pd.DataFrame]) -> str:
    """The headline block of the README (markdown)."""
    return "\n\n".join(part for part in (level_table(t), trend_lines(t), projection_table(t)) if part)
