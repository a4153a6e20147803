"""Figures of the casualty series (notebook 01): the cumulative series with its statements, and the
monthly expected casualties. Each takes the result of :func:`analysis.casualties.series.analyse` and returns a
Figure; saving is the notebook's call to :func:`analysis.plots.save.save_figure`."""

from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.lines import Line2D

from ..casualties.series import LABELS, CasualtyAnalysis
from .style import bound_handles, category_style, draw_bounds, draw_statements, dropped_handle, new_figure


def plt_patch(color, label):
    from matplotlib.patches import Patch

    return Patch(facecolor=color, alpha=0.35, label=label)


def plot_cumulative(analysis: CasualtyAnalysis, measure: str = "total"):
    """Cumulative casualties: the daily estimate with its 90 % band; the statements as points marked by
    reporting body (kept filled, dropped hollow), bounds and rounded figures as grey line markers."""
    fig, ax = new_figure("double", height_cm=9.5)
    daily = analysis.daily[analysis.daily["measure"] == measure]
    ax.fill_between(daily["date"], daily["lower"], daily["upper"], color="#999999", alpha=0.35, linewidth=0,
                    label="90 % interval")
    ax.plot(daily["date"], daily["estimate"], color="#000000", linewidth=0.9, label="estimate")
    obs = analysis.reconciliation.observations
    obs = obs[(obs["measure"] == measure) & obs["date"].between(daily["date"].min(), daily["date"].max())]
    points = obs[obs["status"].isin(["kept", "dropped"])]
    bodies = points.groupby("reporting_body").size().sort_values(ascending=False).index.tolist()
    handles = [Line2D([], [], color="#000000", linewidth=0.9, label="estimate"),
               plt_patch("#999999", "90 % interval")]
    for i, body in enumerate(bodies):
        style = category_style(i)
        draw_statements(ax, points[points["reporting_body"] == body], style)
        handles.append(Line2D([], [], linestyle="none", marker=style["marker"], color=style["color"], markersize=4,
                              label=body.replace("_", " ")))
    handles.append(dropped_handle())
    bounds = obs[obs["status"] == "bound"]
    handles += bound_handles(draw_bounds(ax, bounds))
    ax.set_ylabel(f"{LABELS[measure]} since 10 Nov 2020")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    fig.legend(handles=handles, loc="center right", fontsize=7)
    fig.subplots_adjust(left=0.08, right=0.74, top=0.97, bottom=0.14)
    return fig


def plot_monthly(analysis: CasualtyAnalysis, measure: str = "total"):
    """Expected casualties per month from the trend model with its 90 % interval, and the observed
    average monthly count of each interval between kept statements (points, area ∝ days covered)."""
    fig, ax = new_figure("double", height_cm=8)
    monthly = analysis.monthly[analysis.monthly["measure"] == measure]
    x = pd.PeriodIndex(monthly["month"], freq="M").to_timestamp() + pd.Timedelta(days=14)
    ax.fill_between(x, monthly["lower"], monthly["upper"], color="#0072B2", alpha=0.25, linewidth=0, label="90 % interval")
    ax.plot(x, monthly["expected"], color="#0072B2", linewidth=1.2, label=f"expected, {analysis.trends[measure].model} trend")
    ivals = analysis.intervals[measure]
    mid = ivals["start"] + (ivals["end"] - ivals["start"]) / 2
    per_month = ivals["count"] / ivals["days"] * 30.44
    ax.scatter(mid, per_month, s=4 + ivals["days"] / 10, facecolors="none", edgecolors="#D55E00", marker="o",
               linewidths=0.7, label="observed between statements (per 30.44 days)")
    ax.set_ylabel(f"{LABELS[measure]} per month")
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.legend(loc="upper right")
    fig.subplots_adjust(left=0.08, right=0.98, top=0.97, bottom=0.16)
    return fig
