"""The fan chart (notebook 03): cumulative hectares cleared and each method's projection of one scenario to
its total, against the stated targets. It takes the frames of :mod:`analysis.clearance.projection` and returns a
Figure (not saved)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..clearance.projection import SEED, decimal_year, fan_paths, level_percent
from ..statements.model import INTERPOLATED_GAP_DAYS
from .style import (FORECAST_LINESTYLE, INTERPOLATED_ALPHA, LABEL_BOX, category_style, draw_runs, interpolated_text,
                    new_figure, thousands)

#: The line styles of the projected paths, one per method: dashed or dotted, never solid (solid is the
#: series read off the statements).
PROJECTION_LINESTYLES = [FORECAST_LINESTYLE, (0, (1, 1.5)), (0, (6, 2, 1, 2)), (0, (6, 1.5)), (0, (2, 2, 1, 2, 1, 2))]


def plot_fan_chart(history: pd.DataFrame, projection: pd.DataFrame, contaminated_ha: float | None = None,
                   targets_df: pd.DataFrame | None = None, *, trend: Mapping | None = None, today=None,
                   horizon_year: float = 2060, level: float = 0.90, n_draws: int = 1000, seed: int = SEED,
                   title: str | None = None, stretches: pd.DataFrame | None = None,
                   gap_days: int = INTERPOLATED_GAP_DAYS) -> Figure:
    """Cumulative hectares cleared since the ceasefire, and each method's projection to one scenario's total.

    - ``history``: ``date, estimate, lower, upper`` (cumulative ha to each date), drawn as a line with its
      band;
    - ``projection``: the rows of :func:`analysis.clearance.projection.projection_table` for ONE scenario, each method
      drawn as its path and fan of :func:`analysis.clearance.projection.fan_paths` (``trend``, ``level``, ``n_draws``
      and ``seed`` are passed on to it; ``trend`` is needed to draw the trend's rows);
    - ``contaminated_ha``: the scenario total (default: from ``projection``), a horizontal line;
    - ``targets_df`` (:func:`analysis.clearance.projection.targets`): the target years as labelled vertical lines.

    - ``stretches`` (:func:`analysis.statements.model.interpolated_stretches` of the history's series): the
      history is drawn lighter where no exact statement pins it, as in the cumulative figures (``gap_days``:
      the rule they were computed with, for the legend).

    What is read off the statements and what is projected look different: the history is a solid line with
    its band; every projection is dashed or dotted (:data:`PROJECTION_LINESTYLES`), with a light fan, right of
    a vertical line at ``today``. Methods differ by line style and marker as well as colour; the marker is
    where a path reaches the scenario total (or, if it never does by ``horizon_year``, its end), as the
    legend says. ``today`` defaults to the last history date. The x axis is in calendar years up to
    ``horizon_year``. Returns the Figure (not saved).
    """
    hist = history.sort_values("date")
    today = pd.Timestamp(hist["date"].iloc[-1] if today is None else today)
    fan = fan_paths(projection, today, horizon_year, contaminated_ha, trend=trend, level=level, n_draws=n_draws,
                    seed=seed)
    total = float(projection["contaminated_ha"].iloc[0] if contaminated_ha is None else contaminated_ha)
    now = decimal_year(today)

    fig, ax = new_figure("double", height_cm=9.5)
    hx = np.array([decimal_year(d) for d in hist["date"]])
    dates = pd.to_datetime(hist["date"]).to_numpy()
    light = np.zeros(len(hist), dtype=bool)
    for s_, e_ in zip(*((stretches["start"], stretches["end"]) if stretches is not None else ((), ()))):
        light |= (dates > np.datetime64(s_)) & (dates < np.datetime64(e_))
    draw_runs(ax, hx, hist["estimate"], light, colour="#000000", linewidth=1.1, lower=hist["lower"], upper=hist["upper"],
              band_colour="#999999", band_alpha=0.4)
    handles = [Line2D([], [], color="#000000", linewidth=1.1, label="cleared to date (fitted series)"),
               Patch(facecolor="#999999", alpha=0.4, label=f"{level_percent(level)} interval")]
    if light.any():
        handles.append(Line2D([], [], color="#000000", linewidth=1.1, alpha=INTERPOLATED_ALPHA,
                              label=interpolated_text(gap_days)))
    ax.axvline(now, color="#444444", linewidth=0.6, linestyle="-", alpha=0.8, zorder=1)
    handles.append(Line2D([], [], color="#444444", linewidth=0.6, alpha=0.8,
                          label=f"projected from {pd.Timestamp(today):%d %b %Y} (dashed, dotted)"))

    for i, row in enumerate(projection.itertuples(index=False)):
        style = dict(category_style(i), linestyle=PROJECTION_LINESTYLES[i % len(PROJECTION_LINESTYLES)])
        path = fan[fan["method"] == row.method]
        x, mid, low, high = (path[c].to_numpy() for c in ("year", "cleared", "lower", "upper"))
        ax.fill_between(x, low, high, color=style["color"], alpha=0.15, linewidth=0)
        for edge in (low, high):
            ax.plot(x, edge, color=style["color"], linewidth=0.5, linestyle=style["linestyle"], alpha=0.7)
        ax.plot(x, mid, color=style["color"], linewidth=1.2, linestyle=style["linestyle"])
        label = row.method
        if np.isfinite(row.completion_year) and row.completion_year <= horizon_year:
            ax.plot([row.completion_year], [total], linestyle="none", marker=style["marker"], color=style["color"],
                    markersize=5, zorder=4)
            label += f" (~{int(np.floor(row.completion_year))})"  # the calendar year it falls in, as the readings say
        else:
            ax.plot([x[-1]], [mid[-1]], linestyle="none", marker=style["marker"], color=style["color"], markersize=5,
                    zorder=4)
            label += " (never)" if np.isinf(row.completion_year) else f" (after {horizon_year:g})"
        handles.append(Line2D([], [], color=style["color"], linestyle=style["linestyle"], marker=style["marker"],
                              markersize=4, linewidth=1.2, label=label))

    ax.axhline(total, color="#000000", linewidth=0.8, linestyle="-", alpha=0.6)
    handles.append(Line2D([], [], color="#000000", alpha=0.6, linewidth=0.8,
                          label=f"scenario total {total:,.0f} ha"))
    handles.append(Line2D([], [], linestyle="none", label="the marker on each path: where it reaches the total"))
    if targets_df is not None:
        for t in targets_df.itertuples(index=False):
            ax.axvline(t.year, color="#444444", linewidth=0.8, linestyle=(0, (1, 2)))
            ax.annotate(textwrap.fill(t.target, 42), xy=(t.year, 0.02), xycoords=("data", "axes fraction"), xytext=(-2, 0),
                        textcoords="offset points", rotation=90, fontsize=7, ha="right", va="bottom",
                        color="#444444", bbox=LABEL_BOX, zorder=5)
    ax.set_xlim(min(hx.min(), now) - 0.3, horizon_year)
    ax.set_ylim(0, total * 1.06)
    ax.set_xlabel("year")
    ax.set_ylabel("thousand hectares 'cleared'\nsince 10 Nov 2020")
    thousands(ax.yaxis, per=1000)
    # the caveat is a row of the legend, below the axes: inside them it covered the completion markers
    handles.append(Line2D([], [], linestyle="none", label="'cleared' includes battle-area clearance\nand survey-based release"))
    if title:
        ax.set_title(title)
    # below the axes, where no line or label runs (the source line moves down if they meet)
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=7, columnspacing=1.2,
              handlelength=2.2)
    fig.subplots_adjust(left=0.1, right=0.98, top=0.93 if title else 0.97, bottom=0.3)
    return fig
