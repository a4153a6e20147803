"""Figures of the cumulative clearance series (notebook 03). Rates, items and the projection have their
own plot functions in :mod:`analysis.clearance_rates` and :mod:`analysis.projection`."""

from __future__ import annotations

import matplotlib.dates as mdates
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .clearance import LABELS, ClearanceSeries
from .figures import bound_handles, category_style, draw_bounds, draw_statements, dropped_handle, new_figure, thousands

SCOPE_LABELS = {"all": "all operators", "anama": "ANAMA's own teams", "mod": "Ministry of Defence engineers"}


def plot_cumulative(series: ClearanceSeries, measure: str = "hectares"):
    """Cumulative amount cleared since the ceasefire, one line and 90 % band per operator scope; the
    statements as points (kept filled, dropped hollow), bounds ("over 200,000 ha") as grey line markers."""
    fig, ax = new_figure("double", height_cm=9)
    handles, drawn_bounds = [], set()
    for i, (scope, rec) in enumerate(series.reconciliations.items()):
        style = category_style(i)
        daily = series.daily_of(scope, measure)
        if daily.empty:
            continue
        ax.fill_between(daily["date"], daily["lower"], daily["upper"], color=style["color"], alpha=0.25, linewidth=0)
        ax.plot(daily["date"], daily["estimate"], color=style["color"], linestyle=style["linestyle"], linewidth=1)
        obs = rec.observations[rec.observations["measure"] == measure]
        draw_statements(ax, obs, style)
        drawn_bounds |= draw_bounds(ax, obs[obs["status"] == "bound"])
        handles.append(Line2D([], [], color=style["color"], linestyle=style["linestyle"], marker=style["marker"],
                              markersize=4, label=SCOPE_LABELS.get(scope, scope)))
    handles += [Patch(facecolor="#999999", alpha=0.35, label="90 % interval"),
                dropped_handle(),
                *bound_handles(drawn_bounds, "bound or rounded figure")]
    ax.set_ylabel(f"{LABELS[measure]} since 10 Nov 2020")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    thousands(ax.yaxis)
    ax.legend(handles=handles, loc="upper left")
    fig.subplots_adjust(left=0.1, right=0.98, top=0.97, bottom=0.13)
    return fig


def add_rate_trend(fig, trend, first_month: str, last_month: str) -> None:
    """Draw the fitted monthly-rate trend (dashed, with its 90 % interval) on a monthly-rate figure."""
    import pandas as pd

    expected = trend.expected(pd.period_range(first_month, last_month, freq="M"))
    x = pd.PeriodIndex(expected["month"], freq="M").to_timestamp() + pd.Timedelta(days=14)
    ax = fig.axes[0]
    ax.plot(x, expected["expected"], color="#000000", linestyle="--", linewidth=1, label="trend (Gamma GLM)")
    ax.fill_between(x, expected["lower"], expected["upper"], color="#000000", alpha=0.1, linewidth=0,
                    label="trend's 90 % interval")
    ax.legend(loc="upper left", fontsize=7)
