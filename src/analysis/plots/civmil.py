"""Figures of the civilian and military casualties (notebook 02): the civilian share beside the global
Landmine Monitor share, and case-fatality by group. Each takes the frames of :mod:`analysis.casualties.civmil` and
returns a Figure (not saved)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from ..casualties.civmil import EDITIONS, GLOBAL_SERIES
from .style import category_style, new_figure


def _period_span(label: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a period label: 'YYYY', 'YYYY-YYYY' or 'YYYY-MM-DD'."""
    if re.fullmatch(r"\d{4}", label):
        return pd.Timestamp(f"{label}-01-01"), pd.Timestamp(f"{label}-12-31")
    m = re.fullmatch(r"(\d{4})-(\d{4})", label)
    if m:
        return pd.Timestamp(f"{m.group(1)}-01-01"), pd.Timestamp(f"{m.group(2)}-12-31")
    day = pd.Timestamp(label)
    return day, day


def plot_civilian_share(share_table: pd.DataFrame, comparison: pd.DataFrame | None = None) -> Figure:
    """Azerbaijan's civilian share over time with Wilson error bars; optionally the global Monitor shares.

    ``share_table`` is the output of :func:`analysis.casualties.civmil.civilian_share` (x = statement date,
    y = share of the casualties of known status, bars = its Wilson interval). ``comparison`` (output of
    :func:`analysis.casualties.civmil.global_comparison`) adds the Monitor's global shares, one marker series
    per edition, each at the middle of its period (a multi-year figure also gets a line over its span). The y axis runs from
    0 to 100%. The figure is returned, not saved.
    """
    fig, ax = new_figure("double", height_cm=9) if comparison is not None else new_figure("single", height_cm=6.5)
    tab = share_table.dropna(subset=["share"]).sort_values("date", kind="stable")
    x = pd.to_datetime(tab["date"])
    y = tab["share"].to_numpy(dtype=float)
    yerr = np.vstack([y - tab["lower"].to_numpy(dtype=float), tab["upper"].to_numpy(dtype=float) - y])
    label = "Azerbaijan since the ceasefire (95% Wilson interval)" if comparison is not None else "Azerbaijan (95% Wilson interval)"
    ax.errorbar(x, y, yerr=yerr, capsize=2, label=label, **category_style(0))
    if comparison is not None:
        mon = comparison[comparison["series"] == GLOBAL_SERIES]
        present = [e for e in EDITIONS if (mon["edition"] == e).any()]
        present += sorted(set(mon["edition"].dropna()) - set(present))
        for k, edition in enumerate(present, start=1):
            sel = mon[mon["edition"] == edition]
            spans = [_period_span(str(p)) for p in sel["period"]]
            mids = [a + (b - a) / 2 for a, b in spans]
            style = category_style(k)
            ax.plot(mids, sel["share"].to_numpy(dtype=float), color=style["color"], marker=style["marker"],
                    linestyle="none", label=f"{GLOBAL_SERIES}, {edition.replace('_', ' ')}")
            for (a, b), share in zip(spans, sel["share"].to_numpy(dtype=float)):
                if (b - a).days > 366:
                    ax.plot([a, b], [share, share], color=style["color"], linestyle=style["linestyle"], marker="none")
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1))
    locator = AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.set_ylabel("Civilian share of casualties\nof known status" if comparison is not None else "Civilian share\n(known status)")
    ax.set_xlabel("Date the figures refer to")
    ax.legend(loc="lower left")
    # room for the axis labels and for the source line that save_figure writes under the plot
    if comparison is not None:
        fig.subplots_adjust(left=0.1, right=0.98, top=0.96, bottom=0.16)
    else:
        fig.subplots_adjust(left=0.2, right=0.97, top=0.95, bottom=0.27)
    return fig


def plot_case_fatality(table: pd.DataFrame) -> Figure:
    """Case-fatality by group with Wilson error bars, each point labelled killed/casualties.

    ``table`` is the first element returned by :func:`analysis.casualties.civmil.case_fatality`. One error-bar
    series per group, styled by :func:`analysis.plots.style.category_style` (colour, marker and line style). The y axis is
    case-fatality in percent. The figure is returned, not saved.
    """
    fig, ax = new_figure("single", height_cm=6.5)
    for i, row in enumerate(table.itertuples(index=False)):
        y = float(row.case_fatality)
        err = [[y - float(row.lower)], [float(row.upper) - y]]
        ax.errorbar([i], [y], yerr=err, capsize=3, label=row.group, **category_style(i))
        ax.annotate(f"{row.killed}/{row.casualties}", (i, float(row.upper)), textcoords="offset points",
                    xytext=(0, 3), ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(table)), [str(g) for g in table["group"]])
    ax.set_xlim(-0.6, len(table) - 0.4)
    ax.set_ylim(0, min(1.0, float(table["upper"].max()) * 1.25 + 0.02))
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    ax.set_ylabel("case-fatality: killed / casualties\n(95% Wilson interval)")
    fig.subplots_adjust(left=0.2, right=0.97, top=0.95, bottom=0.2)
    return fig
