"""Figures of the long run (notebook 01): annual casualties by reporting body and edition since 1999, and
the cumulative totals "since 1991". Each takes the frames of :mod:`analysis.casualties.longrun` and returns a Figure
(not saved)."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..casualties.longrun import SERIES_LABEL, annual_wide, registers_note
from ..statements.observations import CEASEFIRE
from .style import LABEL_BOX, category_style, new_figure, thousands

#: How the years derived from the fitted series look: black, hollow hexagons on a dotted line, with 90 % bars;
#: no reporting body is drawn so (the bodies take the palette's first colours and markers in order).
DERIVED_STYLE = {"color": "#000000", "marker": "h", "linestyle": (0, (1, 1.5)), "markerfacecolor": "white"}
#: The y axis of each metric, in words.
METRIC_LABELS = {"casualties_total": "casualties per year\n(killed and injured)", "killed": "people killed\nper year",
                 "injured": "people injured\nper year"}


def _as_float(values) -> np.ndarray:
    return pd.array(values, dtype="Float64").to_numpy(dtype=float, na_value=np.nan)


def _edition_text(edition: str) -> str:
    return {"first_published": "first published", "revised": "revised"}.get(edition, "")


def plot_annual(annual: pd.DataFrame, metric: str = "casualties_total", width: str = "single",
                derived: pd.DataFrame | None = None) -> Figure:
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
    - ``derived`` (:func:`analysis.casualties.longrun.annual_from_series`): the post-ceasefire years derived
      from the fitted series, this project's figures and not a body's, in a style of their own
      (:data:`DERIVED_STYLE`: black hollow hexagons on a dotted line), with their 90 % interval as bars where
      it has one; the legend says which.
    - The y axis starts at 0. Returns the Figure (not saved).
    """
    wide = annual_wide(annual, metric)
    extra = derived[derived["metric"].astype("string") == metric].sort_values("year") if derived is not None else None
    n_entries = sum(1 for c in wide.columns if " #" not in c) + len({c.split(" #")[0] for c in wide.columns if " #" in c})
    n_entries += int(extra is not None and len(extra) > 0)
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
    if extra is not None and len(extra):
        years = extra["year"].to_numpy()
        value = extra["value"].to_numpy(dtype=float)
        has_interval = bool(extra["lower"].notna().all() and extra["upper"].notna().all())
        label = SERIES_LABEL + (" (90 % bars)" if has_interval else " (no interval)")
        if has_interval:
            err = np.vstack([value - extra["lower"].to_numpy(dtype=float), extra["upper"].to_numpy(dtype=float) - value])
            ax.errorbar(years, value, yerr=np.maximum(err, 0.0), capsize=2, elinewidth=0.8, label=label, **DERIVED_STYLE)
        else:
            ax.plot(years, value, label=label, **DERIVED_STYLE)
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("calendar year")
    ax.set_ylabel(METRIC_LABELS.get(metric, f"{metric.replace('_', ' ')} (people)"))
    if len(wide.columns) or (extra is not None and len(extra)):
        fig.legend(loc="outside lower center", ncol=1)
    return fig


def plot_since_1991(series: pd.DataFrame, width: str = "single", note: str | bool = True) -> Figure:
    """Cumulative casualties since the early 1990s (people) by the date each total refers to.

    Input: the frame of :func:`analysis.casualties.longrun.since_1991_series`.

    - Lower bounds (``qualifier == "at_least"``, "over 3,400") are upward triangles; every other
      qualifier (exact, approx, at_most) is a circle.
    - Official statements (``casualty_reports``, dated by their as-of date) are filled markers; totals of
      the Monitor file (``monitor_annual``, dated by the end of their period) are hollow markers of another
      colour, so the two sources differ by fill as well as hue.
    - **Undated rows (date NaT) are left out**, and so are relays (``duplicate``), which repeat a
      statement already drawn. Markers only: totals of different bodies are not joined by lines.
    - ``note``: why the two sets of totals differ, written in the empty lower part of the axes: True (the
      default) for :func:`analysis.casualties.longrun.registers_note` (the periods they cover, read off the
      rows), a text of the caller's, or False for none.
    - The y axis starts at 0. Returns the Figure (not saved).
    """
    fig, ax = new_figure(width, height_cm=8.0, layout="constrained")
    text = registers_note(series) if note is True else (note or "")
    if text:
        ax.text(0.97, 0.04, textwrap.fill(text, 46 if width == "single" else 90), transform=ax.transAxes, ha="right",
                va="bottom", fontsize=7, color="#333333", bbox=LABEL_BOX, zorder=5)
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
