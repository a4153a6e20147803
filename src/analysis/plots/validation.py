"""The backtest's figure (notebook 04): are the series' intervals calibrated? It takes the scores of
:func:`analysis.statements.backtest.validate` and returns a Figure (not saved)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..casualties.series import LABELS as CASUALTY_LABELS
from ..clearance.series import LABELS as CLEARANCE_LABELS
from .clearance import SCOPE_LABELS
from .style import category_style, new_figure

TEST_LABELS = {"leave_one_out": "leave one out", "rolling_origin": "rolling origin (next 180 days)",
               "rolling_origin_sequential": "rolling origin, factor of earlier cut-offs"}


def series_label(key: str) -> str:
    """A series key of the backtest in words: 'casualties:civilian_killed' -> 'civilians killed',
    'clearance:all:ap_mines' -> 'anti-personnel mines cleared' (all operators; another scope is named)."""
    kind, _, rest = str(key).partition(":")
    if kind == "casualties":
        return CASUALTY_LABELS.get(rest, rest.replace("_", " "))
    if kind == "clearance":
        scope, _, measure = rest.partition(":")
        name = CLEARANCE_LABELS.get(measure, measure.replace("_", " "))
        name = name if name.endswith("cleared") else f"{name} cleared"
        return name if scope == "all" else f"{name} ({SCOPE_LABELS.get(scope, scope)})"
    return str(key).replace("_", " ")


def plot_calibration(scores: pd.DataFrame, intervals: pd.DataFrame | None = None):
    """Coverage of the 50 % and 90 % intervals for every series and test (points; the 95 % Wilson interval of
    each share as a bar when ``intervals`` gives ``lower_90, upper_90`` per row), against the nominal levels and
    the 0.85-0.95 target band of the 90 % interval; series with fewer than 10 held-out statements are hollow."""
    s = scores[scores["n"] > 0].reset_index(drop=True)
    fig, (ax50, ax90) = new_figure("double", height_cm=2.2 + 0.42 * s["series"].nunique(), ncols=2, sharey=True)
    series = list(dict.fromkeys(s["series"]))
    y = {k: i for i, k in enumerate(series)}
    offset = {"leave_one_out": -0.22, "rolling_origin": 0.0, "rolling_origin_sequential": 0.22}
    ax90.axvspan(0.85, 0.95, color="#009E73", alpha=0.12, linewidth=0)
    for ax, level, col in ((ax50, 0.5, "coverage_50"), (ax90, 0.9, "coverage_90")):
        ax.axvline(level, color="#000000", linewidth=0.8, linestyle="--")
        for j, (test, part) in enumerate(s.groupby("test", sort=False)):
            style = category_style(j)
            yy = np.array([y[k] for k in part["series"]]) + offset.get(test, 0)
            few = part["n"].to_numpy() < 10
            for mask, face in ((~few, style["color"]), (few, "none")):
                if mask.any():
                    ax.scatter(part[col].to_numpy()[mask], yy[mask], marker=style["marker"], s=18, facecolors=face,
                               edgecolors=style["color"], linewidths=0.8, zorder=3)
            if intervals is not None and col == "coverage_90":
                iv = intervals.set_index(["series", "test"]).loc[list(zip(part["series"], part["test"]))]
                ax.hlines(yy, iv["lower_90"], iv["upper_90"], color=style["color"], linewidth=0.7, zorder=2)
        ax.set_xlim(0, 1.02)
        ax.set_xlabel(f"share inside the {level:.0%} interval")
    ax50.set_yticks(range(len(series)), [series_label(k) for k in series])
    ax50.invert_yaxis()
    handles = [Line2D([], [], linestyle="none", marker=category_style(j)["marker"], color=category_style(j)["color"],
                      markersize=4, label=TEST_LABELS.get(t, t)) for j, t in enumerate(dict.fromkeys(s["test"]))]
    handles += [Line2D([], [], linestyle="none", marker="o", markerfacecolor="none", markeredgecolor="#000000",
                       markersize=4, label="hollow: fewer than 10 statements held out"),
                Line2D([], [], color="#000000", linestyle="--", linewidth=0.8, label="nominal level"),
                Patch(facecolor="#009E73", alpha=0.12, label="target 0.85-0.95")]
    if intervals is not None:
        handles.append(Line2D([], [], color="#000000", linewidth=0.7, label="95 % interval of the share (Wilson)"))
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=7, bbox_to_anchor=(0.5, 0.0))
    fig.subplots_adjust(left=0.25, right=0.98, top=0.97, bottom=0.1 + 1.4 / (2.2 + 0.42 * len(series)))
    return fig
