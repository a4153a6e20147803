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

from ..casualties.civmil import CEASEFIRE, EDITIONS, GLOBAL_SERIES
from .style import LABEL_BOX, category_style, new_figure


def _period_span(label: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a period label: 'YYYY', 'YYYY-YYYY' or 'YYYY-MM-DD'."""
    if re.fullmatch(r"\d{4}", label):
        return pd.Timestamp(f"{label}-01-01"), pd.Timestamp(f"{label}-12-31")
    m = re.fullmatch(r"(\d{4})-(\d{4})", label)
    if m:
        return pd.Timestamp(f"{m.group(1)}-01-01"), pd.Timestamp(f"{m.group(2)}-12-31")
    day = pd.Timestamp(label)
    return day, day


def _date_axis(ax) -> None:
    locator = AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def plot_civilian_share(share_table: pd.DataFrame, comparison: pd.DataFrame | None = None) -> Figure:
    """Azerbaijan's civilian share over time with Wilson error bars; optionally the global Monitor shares.

    ``share_table`` is the output of :func:`analysis.casualties.civmil.civilian_share` (x = statement date,
    y = share of the casualties of known status, bars = its Wilson interval). The y axis runs from 0 to 100%.

    ``comparison`` (output of :func:`analysis.casualties.civmil.global_comparison`) adds the Monitor's
    global shares in a panel of their own, to the right on the same y axis, so that Azerbaijan's points keep
    the width of the figure (the first axes, from the ceasefire on): one marker series per edition, each at
    the middle of its year; a figure for a period of several years (the 1999-2008 aggregate) is a line over
    its span, labelled with the span. The legend (on the first axes) names every series. The figure is
    returned, not saved.
    """
    tab = share_table.dropna(subset=["share"]).sort_values("date", kind="stable")
    x = pd.to_datetime(tab["date"])
    y = tab["share"].to_numpy(dtype=float)
    yerr = np.vstack([y - tab["lower"].to_numpy(dtype=float), tab["upper"].to_numpy(dtype=float) - y])
    if comparison is None:
        fig, ax = new_figure("single", height_cm=6.5)
        ax.errorbar(x, y, yerr=yerr, capsize=2, label="Azerbaijan (95% Wilson interval)", **category_style(0))
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1))
        _date_axis(ax)
        ax.set_ylabel("Civilian share\n(known status)")
        ax.set_xlabel("Date the figures refer to")
        ax.legend(loc="lower left")
        fig.subplots_adjust(left=0.2, right=0.97, top=0.95, bottom=0.27)
        return fig

    fig, (ax, glob) = new_figure("double", height_cm=9, ncols=2, sharey=True, gridspec_kw={"width_ratios": [1.9, 1]})
    ax.errorbar(x, y, yerr=yerr, capsize=2, label="Azerbaijan since the ceasefire (95% Wilson interval)",
                **category_style(0))
    span = (x.max() - x.min()) if len(x) else pd.Timedelta(days=365)
    ax.set_xlim(min(x.min(), CEASEFIRE) - span * 0.04 if len(x) else CEASEFIRE, x.max() + span * 0.04 if len(x) else None)
    ax.set_title("Azerbaijan since the ceasefire", loc="left")
    handles, labels = ax.get_legend_handles_labels()

    mon = comparison[comparison["series"] == GLOBAL_SERIES]
    present = [e for e in EDITIONS if (mon["edition"] == e).any()]
    present += sorted(set(mon["edition"].dropna()) - set(present))
    for k, edition in enumerate(present, start=1):
        sel = mon[mon["edition"] == edition]
        spans = [_period_span(str(p)) for p in sel["period"]]
        mids = [a + (b - a) / 2 for a, b in spans]
        style = category_style(k)
        (line,) = glob.plot(mids, sel["share"].to_numpy(dtype=float), color=style["color"], marker=style["marker"],
                            linestyle="none", label=f"{GLOBAL_SERIES}, {edition.replace('_', ' ')}")
        handles.append(line)
        labels.append(line.get_label())
        for (a, b), share in zip(spans, sel["share"].to_numpy(dtype=float)):
            if (b - a).days > 366:
                glob.plot([a, b], [share, share], color=style["color"], linestyle=style["linestyle"], marker="none")
                glob.annotate(f"{a:%Y}\u2013{b:%Y} as one period\n(average {share:.0%})", (a, share),
                              textcoords="offset points", xytext=(0, -7), ha="left", va="top", fontsize=7,
                              color=style["color"], bbox=LABEL_BOX)
    glob.set_title("Global, Landmine Monitor", loc="left")
    for a in (ax, glob):
        a.set_ylim(0, 1)
        _date_axis(a)
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1))
    ax.set_ylabel("Civilian share of casualties\nof known status")
    ax.set_xlabel("Date the figures refer to")
    glob.set_xlabel("Year (middle of each year)")
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.0, -0.2), ncol=2)
    # room for the axis labels, the legend under the panels and the source line that save_figure writes
    fig.subplots_adjust(left=0.1, right=0.98, top=0.93, bottom=0.32, wspace=0.08)
    return fig


def plot_case_fatality(table: pd.DataFrame, split_date=None) -> Figure:
    """Case-fatality by group with Wilson error bars, each point labelled killed/casualties.

    ``table`` is the first element returned by :func:`analysis.casualties.civmil.case_fatality`. One error-bar
    series per group, styled by :func:`analysis.plots.style.category_style` (colour, marker and line style). The y axis is
    case-fatality in percent. ``split_date``: the date of the statement whose split the table uses
    (:func:`analysis.casualties.series.split_at`), named in the axes' title ("Split as stated for 9 Dec 2023"); the
    counts are cumulative from the ceasefire to that day. The figure is returned, not saved.
    """
    fig, ax = new_figure("single", height_cm=6.5)
    if split_date is not None:
        day = pd.Timestamp(split_date)
        ax.set_title(f"Split as stated for {day.day} {day:%b %Y}", loc="left")
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
    fig.subplots_adjust(left=0.2, right=0.97, top=0.9 if split_date is not None else 0.95, bottom=0.2)
    return fig
