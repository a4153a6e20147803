"""Figures of the casualty series (notebook 01): the cumulative series with its statements, and the monthly
amounts. Each takes the result of :func:`analysis.casualties.series.analyse` and returns a Figure; saving is
the notebook's call to :func:`analysis.plots.save.save_figure`.

What is read off a statement and what the model fills in look different: a forecast past the last statement is
dashed with lighter bands (and hollow points); a stretch of more than
:data:`~analysis.statements.model.INTERPOLATED_GAP_DAYS` days that no exact statement pins
(:func:`analysis.statements.model.interpolated_stretches`) is drawn lighter, and so are the months inside one."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..casualties.series import LABELS, CasualtyAnalysis
from ..data.bodies import body_name
from ..statements.model import INTERPOLATED_GAP_DAYS, interpolated_stretches, within_stretches
from .style import (FORECAST_LINESTYLE, INTERPOLATED_ALPHA, bound_handles, category_style, draw_bounds, draw_series,
                    draw_statements, dropped_handle, forecast_handles, interpolated_handles, new_figure,
                    statement_marks)


def plt_patch(color, label, alpha: float = 0.35):
    return Patch(facecolor=color, alpha=alpha, label=label)


def _stretches(analysis: CasualtyAnalysis, measure: str, gap_days: int | None) -> pd.DataFrame | None:
    """The measure's interpolated stretches (None when ``gap_days`` is None or the measure has no fit)."""
    fit = analysis.fits.get(measure)
    if gap_days is None or fit is None:
        return None
    return interpolated_stretches(fit.observations, fit.last_day, gap_days)


def plot_cumulative(analysis: CasualtyAnalysis, measure: str = "total", gap_days: int | None = INTERPOLATED_GAP_DAYS):
    """Cumulative casualties: the fitted daily series with its 90 % band (solid; lighter over the stretches of
    more than ``gap_days`` days that no exact statement pins, see
    :func:`analysis.statements.model.interpolated_stretches`; dashed and lighter where it is a forecast past the
    last statement); the official statements as points around it, marked by reporting body (named in words,
    :func:`analysis.data.bodies.body_name`; hollow where the fit down-weights them), rounded figures and bounds
    as grey line markers. ``gap_days=None`` draws no stretch lighter."""
    fig, ax = new_figure("double", height_cm=12)
    daily = analysis.daily_of(measure)
    stretches = _stretches(analysis, measure, gap_days)
    draw_series(ax, daily, "#000000", "#999999", stretches=stretches)
    points, bounds = statement_marks(analysis.statements[analysis.statements["measure"] == measure], daily["date"].min(),
                                     daily["date"].max())
    bodies = points.groupby("reporting_body").size().sort_values(ascending=False).index.tolist()
    handles = [Line2D([], [], color="#000000", linewidth=0.9, label="fitted series"), plt_patch("#999999", "90 % interval")]
    handles += interpolated_handles(stretches, "#000000", gap_days)
    handles += forecast_handles(daily, "#000000")
    handles.append(dropped_handle("hollow: down-weighted statement"))
    handles += bound_handles(draw_bounds(ax, bounds), "bound or rounded figure")
    body_handles = []
    for i, body in enumerate(bodies):
        style = category_style(i)
        draw_statements(ax, points[points["reporting_body"] == body], style)
        body_handles.append(Line2D([], [], linestyle="none", marker=style["marker"], color=style["color"], markersize=4,
                                   label=body_name(body)))
    ax.set_ylabel(f"{LABELS[measure]} since 10 Nov 2020")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    # below the axes, where they cover no statement: what the marks mean, then the bodies that made them
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.01, 0.3), fontsize=7)
    fig.legend(handles=body_handles, loc="upper left", bbox_to_anchor=(0.45, 0.3), ncol=2, fontsize=7,
               title="statements by reporting body", title_fontsize=7, alignment="left")
    fig.subplots_adjust(left=0.08, right=0.98, top=0.97, bottom=0.36)
    return fig


def plot_monthly(analysis: CasualtyAnalysis, measure: str = "total", gap_days: int | None = INTERPOLATED_GAP_DAYS):
    """Casualties per month: the trend's expected count (line) with the 90 % interval of the mean (band) and of
    the count (lighter band), and the fitted series' own estimate of each month's count (points with 90 % bars).

    - Past the measure's last statement (``kind`` forecast) the line is dashed, the bands lighter and the
      points hollow.
    - A month whose count is read between the pinned days of one interpolated stretch (more than
      ``gap_days`` days without an exact statement; :func:`analysis.statements.model.within_stretches`) is a
      difference of the fitted series across the gap, not a month with statements: its point and bar are
      drawn lighter. ``gap_days=None`` marks none."""
    fig, ax = new_figure("double", height_cm=8)
    monthly = analysis.monthly[analysis.monthly["measure"] == measure].reset_index(drop=True)
    periods = pd.PeriodIndex(monthly["month"], freq="M")
    x = periods.to_timestamp() + pd.Timedelta(days=14)
    fit = (monthly["kind"] == "fit").to_numpy()
    last = np.flatnonzero(fit).max() if fit.any() else -1
    # the bands: as they are up to the last fitted month, lighter from there on (joined at that month)
    for part, weight in ((slice(0, last + 1), 1.0), (slice(max(last, 0), len(x)), 0.4)):
        if last + 1 >= len(x) and weight < 1:
            continue
        ax.fill_between(x[part], monthly["predictive_lower"].iloc[part], monthly["predictive_upper"].iloc[part],
                        color="#0072B2", alpha=0.1 * weight, linewidth=0)
        ax.fill_between(x[part], monthly["lower"].iloc[part], monthly["upper"].iloc[part], color="#0072B2",
                        alpha=0.25 * weight, linewidth=0)
    ax.plot(x[: last + 1], monthly["expected"].iloc[: last + 1], color="#0072B2", linewidth=1.2)
    if last + 1 < len(x):
        ax.plot(x[max(last, 0):], monthly["expected"].iloc[max(last, 0):], color="#0072B2", linewidth=1.2,
                linestyle=FORECAST_LINESTYLE)
    stretches = _stretches(analysis, measure, gap_days)
    start = pd.Timestamp(analysis.daily_of(measure)["date"].min())
    first_day = periods.start_time.where(periods.start_time >= start, start)
    gap = (within_stretches(first_day, periods.end_time.normalize(), stretches) if stretches is not None
           else np.zeros(len(x), dtype=bool)) & fit
    est = monthly["estimate"].to_numpy()
    err = np.maximum(np.vstack([est - monthly["estimate_lower"].to_numpy(), monthly["estimate_upper"].to_numpy() - est]), 0.0)
    for sel, face, alpha in ((fit & ~gap, "#D55E00", 1.0), (gap, "#D55E00", INTERPOLATED_ALPHA), (~fit, "none", 1.0)):
        if sel.any():
            ax.errorbar(x[sel], est[sel], yerr=err[:, sel], fmt="o", markersize=2.5, color="#D55E00", markerfacecolor=face,
                        elinewidth=0.5, capsize=0, linewidth=0, alpha=alpha)
    handles = [Line2D([], [], color="#0072B2", linewidth=1.2, label="expected per month (trend)"),
               plt_patch("#0072B2", "90 % interval of the expected count", 0.25),
               plt_patch("#0072B2", "90 % interval of the count itself", 0.1),
               Line2D([], [], color="#D55E00", marker="o", markersize=2.5, linewidth=0.5,
                      label="the fitted series' count in the month (90 % bar)")]
    if gap.any():
        handles.append(Line2D([], [], color="#D55E00", marker="o", markersize=2.5, linewidth=0.5, alpha=INTERPOLATED_ALPHA,
                              label=f"lighter: a month inside {gap_days}+ days without an exact statement"))
    if (~fit).any():
        handles.append(Line2D([], [], color="#0072B2", linestyle=FORECAST_LINESTYLE, linewidth=1.2, marker="o",
                              markersize=2.5, markerfacecolor="none", markeredgecolor="#D55E00",
                              label="forecast (dashed, lighter bands, hollow)"))
    ax.set_ylabel(f"{LABELS[measure]} per month")
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.legend(handles=handles, loc="upper right")
    fig.subplots_adjust(left=0.08, right=0.98, top=0.97, bottom=0.16)
    return fig
