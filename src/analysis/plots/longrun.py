"""Figures of the long run (notebook 01): annual casualties by reporting body and edition since 1999, and
the cumulative totals "since 1991". Each takes the frames of :mod:`analysis.casualties.longrun` and returns a Figure
(not saved)."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..casualties.longrun import annual_wide
from .style import category_style, new_figure, thousands


def _as_float(values) -> np.ndarray:
    return pd.array(values, dtype="Float64").to_numpy(dtype=float, na_value=np.nan)


def _edition_text(edition: str) -> str:
    return {"first_published": "first published", "revised": "revised"}.get(edition, "")


def plot_annual(annual: pd.DataFrame, metric: str = "casualties_total", width: str = "single") -> Figure:
    """Annual ``metric`` (people per calendar year) by year, one series per body and edition.

    Input: the long frame of :func:`analysis.casualties.longrun.annual_casualties`; the series are the
    columns of :func:`annual_wide`.

    - Each (body_label, edition) is its own series, with its own colour, marker **and** line style
      (:func:`analysis.plots.style.category_style`); first-published and revised figures are never joined.
      Revised figures are drawn with hollow markers and a dashed line.
    - Lines join consecutive years only: a year without a figure is a gap in the line (NaN-separated),
      never bridged; a lone year shows as a marker.
    - A second value of the same body, year and edition (the ``#2`` columns of :func:`annual_wide`) is
      drawn with the same marker but no line, labelled "other value, same year".
    - The y axis starts at 0. Returns the Figure (not saved).
    """
    wide = annual_wide(annual, metric)
    n_entries = sum(1 for c in wide.columns if " #" not in c) + len({c.split(" #")[0] for c in wide.columns if " #" in c})
    fig, ax = new_figure(width, height_cm=5.5 + 0.35 * n_entries, layout="constrained")
    x = wide.index.to_numpy()
    styles: dict[str, dict] = {}
    extra_labelled: set[str] = set()
    for col in wide.columns:
        base, _, k = col.partition(" #")
        label, _, edition = base.rpartition(" (")
        edition = edition.rstrip(")")
        if not k:
            style = category_style(len(styles))
            styles[base] = style
            revised = edition == "revised"
            text = label + (f", {_edition_text(edition)}" if _edition_text(edition) else "")
            ax.plot(
                x, _as_float(wide[col]),
                color=style["color"], marker=style["marker"],
                linestyle="--" if revised else style["linestyle"],
                markerfacecolor="none" if revised else style["color"],
                label=text,
            )
        else:
            style = styles[base]
            revised = edition == "revised"
            text = f"{label}: other value, same year" + (f" ({_edition_text(edition)})" if _edition_text(edition) else "")
            ax.plot(
                x, _as_float(wide[col]),
                color=style["color"], marker=style["marker"], linestyle="none",
                markerfacecolor="none" if revised else style["color"],
                label=text if base not in extra_labelled else "_nolegend_",
            )
            extra_labelled.add(base)
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("calendar year")
    ax.set_ylabel(f"{metric.replace('_', ' ')} (people)")
    if len(wide.columns):
        fig.legend(loc="outside lower center", ncol=1)
    return fig


def plot_since_1991(series: pd.DataFrame, width: str = "single") -> Figure:
    """Cumulative casualties since the early 1990s (people) by the date each total refers to.

    Input: the frame of :func:`analysis.casualties.longrun.since_1991_series`.

    - Lower bounds (``qualifier == "at_least"``, "over 3,400") are upward triangles; every other
      qualifier (exact, approx, at_most) is a circle.
    - Official statements (``casualty_reports``, dated by their as-of date) are filled markers; totals of
      the Monitor file (``monitor_annual``, dated by the end of their period) are hollow markers of another
      colour, so the two sources differ by fill as well as hue.
    - **Undated rows (date NaT) are left out**, and so are relays (``duplicate``), which repeat a
      statement already drawn. Markers only: totals of different bodies are not joined by lines.
    - The y axis starts at 0. Returns the Figure (not saved).
    """
    fig, ax = new_figure(width, height_cm=8.0, layout="constrained")
    dated = series[series["date"].notna() & ~series["duplicate"].astype(bool)]
    groups = {"casualty_reports": "official statements (as-of date)", "monitor_annual": "Monitor and annual reports (period end)"}
    wrap = 50 if width == "single" else 110  # legend entries wrapped to stay inside the figure
    for i, (resource, name) in enumerate(groups.items()):
        style = category_style(i)
        hollow = resource == "monitor_annual"
        part = dated[dated["resource"] == resource]
        lower = (part["qualifier"] == "at_least").fillna(False).astype(bool)
        for mask, marker, what in ((~lower, "o", "exact or approximate"), (lower, "^", "lower bound")):
            sel = part[mask]
            if sel.empty:
                continue
            ax.plot(
                sel["date"], _as_float(sel["total"]),
                linestyle="none", marker=marker, color=style["color"],
                markerfacecolor="none" if hollow else style["color"],
                label=textwrap.fill(f"{name}, {what} ({len(sel)})", wrap),
            )
    ax.set_ylim(bottom=0)
    thousands(ax.yaxis)
    ax.set_xlabel("date the total refers to")
    ax.set_ylabel("casualties since 1991\n(cumulative, people)")
    if len(dated):
        fig.legend(loc="outside lower center", ncol=1)
    return fig
