"""The figure of notebook 00: every dated statement on a timeline, by reporting body and kind."""

from __future__ import annotations

import pandas as pd

from ..data.bodies import body_name
from .style import category_style, new_figure


def plot_timeline(timeline: pd.DataFrame, start: str, end: str):
    """Dot plot: one row per reporting body (named in words, :func:`analysis.data.bodies.body_name`), one marker
    and colour per kind of statement (hollow squares: clearance); every marker is one statement, all of one
    size, and the legend gives each kind's count."""
    window = timeline[(timeline["date"] >= pd.Timestamp(start)) & (timeline["date"] <= pd.Timestamp(end))]
    bodies = (
        window.groupby("reporting_body", observed=True).size().sort_values(ascending=True).index.tolist()
    )
    fig, ax = new_figure("double", height_cm=max(6.0, 0.55 * len(bodies) + 2.5))
    ypos = {b: i for i, b in enumerate(bodies)}
    offsets = {"casualties": 0.22, "clearance": 0.0, "contamination": -0.22}
    for i, (kind, sel) in enumerate(window.groupby("kind", observed=True)):
        style = category_style(i)
        ax.scatter(
            sel["date"],
            sel["reporting_body"].map(ypos) + offsets[kind],
            marker=style["marker"],
            s=12,
            facecolors="none" if kind == "clearance" else style["color"],
            edgecolors=style["color"],
            linewidths=0.7,
            label=f"{kind} ({len(sel)})",
        )
    ax.set_yticks(range(len(bodies)), [body_name(b) for b in bodies])
    ax.set_xlim(pd.Timestamp(start), pd.Timestamp(end))
    ax.set_xlabel("date the figures refer to (as-of date)")
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncol=3, title="one marker per statement, by kind (count)",
              title_fontsize=7, alignment="left")
    fig.subplots_adjust(left=0.27, right=0.98, top=0.86, bottom=0.15)
    return fig
