"""Figures of the casualty series (notebook 01): the cumulative series with its statements, and the monthly
amounts. Each takes the result of :func:`analysis.casualties.series.analyse` and returns a Figure; saving is
the notebook's call to :func:`analysis.plots.save.save_figure`."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..casualties.series import LABELS, CasualtyAnalysis
from .style import (bound_handles, category_style, draw_bounds, draw_series, draw_statements, dropped_handle,
                    forecast_handles, new_figure, statement_marks)


def plt_patch(color, label):
    return Patch(facecolor=color, alpha=0.35, label=label)


def plot_cumulative(analysis: CasualtyAnalysis, measure: str = "total"):
    """Cumulative casualties: the fitted daily series with its 90 % band (solid; dashed and lighter where it is
    a forecast past the last statement); the official statements as points around it, marked by reporting
    body (hollow where the fit down-weights them), rounded figures and bounds as grey line markers."""
    fig, ax = new_figure("double", height_cm=9.5)
    daily = analysis.daily_of(measure)
    draw_series(ax, daily, "#000000", "#999999")
    points, bounds = statement_marks(analysis.statements[analysis.statements["measure"] == measure], daily["date"].min(),
                                     daily["date"].max())
    bodies = points.groupby("reporting_body").size().sort_values(ascending=False).index.tolist()
    handles = [Line2D([], [], color="#000000", linewidth=0.9, label="fitted series"), plt_patch("#999999", "90 % interval")]
    handles += forecast_handles(daily, "#000000")
    for i, body in enumerate(bodies):
        style = category_style(i)
        draw_statements(ax, points[points["reporting_body"] == body], style)
        handles.append(Line2D([], [], linestyle="none", marker=style["marker"], color=style["color"], markersize=4,
                              label=body.replace("_", " ")))
    handles.append(dropped_handle("hollow: down-weighted statement"))
    handles += bound_handles(draw_bounds(ax, bounds), "bound or rounded figure")
    ax.set_ylabel(f"{LABELS[measure]} since 10 Nov 2020")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    fig.legend(handles=handles, loc="center right", fontsize=7)
    fig.subplots_adjust(left=0.08, right=0.72, top=0.97, bottom=0.14)
    return fig


def plot_monthly(analysis: CasualtyAnalysis, measure: str = "total"):
    """Casualties per month: the trend's expected count (line; dashed where a forecast) with the 90 % interval
    of the mean (band) and of the count (lighter band), and the fitted series' own estimate of each month's
    count (points with 90 % bars; hollow where a forecast)."""
    fig, ax = new_figure("double", height_cm=8)
    monthly = analysis.monthly[analysis.monthly["measure"] == measure]
    x = pd.PeriodIndex(monthly["month"], freq="M").to_timestamp() + pd.Timedelta(days=14)
    fit = (monthly["kind"] == "fit").to_numpy()
    ax.fill_between(x, monthly["predictive_lower"], monthly["predictive_upper"], color="#0072B2", alpha=0.1, linewidth=0)
    ax.fill_between(x, monthly["lower"], monthly["upper"], color="#0072B2", alpha=0.25, linewidth=0)
    last = np.flatnonzero(fit).max() if fit.any() else -1
    ax.plot(x[: last + 1], monthly["expected"].iloc[: last + 1], color="#0072B2", linewidth=1.2)
    if last + 1 < len(x):
        ax.plot(x[max(last, 0):], monthly["expected"].iloc[max(last, 0):], color="#0072B2", linewidth=1.2, linestyle="--")
    est = monthly["estimate"].to_numpy()
    err = np.maximum(np.vstack([est - monthly["estimate_lower"].to_numpy(), monthly["estimate_upper"].to_numpy() - est]), 0.0)
    for sel, face in ((fit, "#D55E00"), (~fit, "none")):
        if sel.any():
            ax.errorbar(x[sel], est[sel], yerr=err[:, sel], fmt="o", markersize=2.5, color="#D55E00", markerfacecolor=face,
                        elinewidth=0.5, capsize=0, linewidth=0)
    handles = [Line2D([], [], color="#0072B2", linewidth=1.2, label="expected per month (trend)"),
               plt_patch("#0072B2", "90 % interval of the expected count"),
               Patch(facecolor="#0072B2", alpha=0.1, label="90 % interval of the count itself"),
               Line2D([], [], color="#D55E00", marker="o", markersize=2.5, linewidth=0.5,
                      label="the fitted series' count in the month (90 % bar)")]
    if (~fit).any():
        handles.append(Line2D([], [], color="#0072B2", linestyle="--", linewidth=1.2, label="forecast (dashed, hollow)"))
    ax.set_ylabel(f"{LABELS[measure]} per month")
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.legend(handles=handles, loc="upper right")
    fig.subplots_adjust(left=0.08, right=0.98, top=0.97, bottom=0.16)
    return fig
