"""Figures of clearance (notebook 03): the cumulative series by operator scope, the monthly rate from every
source with its trend, and the items found by type and per 100 ha. Each takes the frames of
:mod:`analysis.clearance` and returns a Figure (not saved)."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from ..clearance.per_area import ITEM_TYPES
from ..clearance.rates import BASIS_CUMULATIVE, BASIS_MONTHLY, BASIS_WEEKLY, CLEARANCE_MONTHLY_COLUMNS
from ..clearance.series import LABELS, ClearanceSeries
from ..data import require_columns
from ..statements.model import INTERPOLATED_GAP_DAYS, interpolated_stretches, within_stretches
from .style import (FORECAST_LINESTYLE, INTERPOLATED_ALPHA, bound_handles, category_style, draw_bounds, draw_runs,
                    draw_series, draw_statements, dropped_handle, forecast_handles, interpolated_text, new_figure,
                    statement_marks, thousands)


SCOPE_LABELS = {"all": "all operators", "anama": "ANAMA's own teams", "mod": "Ministry of Defence engineers"}
SHORT = {"ap_mines": "AP mines", "at_mines": "AT mines", "uxo": "other ordnance (UXO)"}


def plot_cumulative(series: ClearanceSeries, measure: str = "hectares", gap_days: int | None = INTERPOLATED_GAP_DAYS):
    """Cumulative amount cleared since the ceasefire, one fitted line and 90 % band per operator scope (lighter
    over the stretches of more than ``gap_days`` days that no exact statement of the scope pins,
    :func:`analysis.statements.model.interpolated_stretches`; dashed and lighter where a forecast past the
    scope's last statement); the exact statements as points around it (hollow where the fit down-weights
    them), rounded figures and bounds ("over 200,000 ha") as grey line markers. ``gap_days=None`` draws no
    stretch lighter."""
    fig, ax = new_figure("double", height_cm=9)
    handles, drawn_bounds, any_stretch = [], set(), False
    scopes = [s for s in SCOPE_LABELS if not series.daily_of(s, measure).empty]
    for i, scope in enumerate(scopes):
        style = category_style(i)
        daily = series.daily_of(scope, measure)
        if scope != "all":  # the other scopes stop reporting years before the nowcast: no forecast drawn for them
            daily = daily[daily["kind"] == "fit"]
        stretches = _stretches(series, scope, measure, gap_days)
        any_stretch |= stretches is not None and len(stretches) > 0
        draw_series(ax, daily, style["color"], style["color"], linestyle=style["linestyle"], band_alpha=0.25,
                    stretches=stretches)
        obs = series.statements[(series.statements["scope"] == scope) & (series.statements["measure"] == measure)]
        points, bounds = statement_marks(obs, daily["date"].min(), daily["date"].max())
        draw_statements(ax, points, style)
        drawn_bounds |= draw_bounds(ax, bounds)
        handles.append(Line2D([], [], color=style["color"], linestyle=style["linestyle"], marker=style["marker"],
                              markersize=4, label=SCOPE_LABELS.get(scope, scope)))
    handles.append(Patch(facecolor="#999999", alpha=0.35, label="90 % interval"))
    if any_stretch:
        handles.append(Line2D([], [], color="#000000", linewidth=0.9, alpha=INTERPOLATED_ALPHA,
                              label=interpolated_text(gap_days)))
    handles += [*forecast_handles(series.daily_of("all", measure), category_style(0)["color"]),
                dropped_handle("hollow: down-weighted statement"),
                *bound_handles(drawn_bounds, "bound or rounded figure")]
    ax.set_ylabel(f"{LABELS[measure]} since 10 Nov 2020")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    thousands(ax.yaxis)
    ax.legend(handles=handles, loc="upper left")
    fig.subplots_adjust(left=0.1, right=0.98, top=0.97, bottom=0.13)
    return fig


def _stretches(series: ClearanceSeries | None, scope: str, measure: str, gap_days: int | None) -> pd.DataFrame | None:
    """The interpolated stretches of one scope and measure (None without a series, a fit or ``gap_days``)."""
    fit = series.fits.get((scope, measure)) if series is not None else None
    if fit is None or gap_days is None:
        return None
    return interpolated_stretches(fit.observations, fit.last_day, gap_days)


def add_rate_trend(fig, trend, first_month: str, last_month: str) -> None:
    """Draw the fitted rate with its season (a line; dashed, with a lighter band, past the last statement) and
    its 90 % interval on a monthly-rate figure."""
    months = pd.period_range(first_month, last_month, freq="M")
    expected = trend.expected(months)
    x = pd.PeriodIndex(expected["month"], freq="M").to_timestamp() + pd.Timedelta(days=14)
    ax = fig.axes[0]
    last = trend.rate.origin + pd.Timedelta(days=trend.last_day)
    fit = np.asarray(x <= last)
    lower, upper = expected["lower"].to_numpy(dtype=float), expected["upper"].to_numpy(dtype=float)
    ax.fill_between(x[fit], lower[fit], upper[fit], color="#000000", alpha=0.1, linewidth=0, label="rate's 90 % interval")
    ax.plot(x[fit], expected["expected"][fit], color="#000000", linewidth=1,
            label="fitted rate" + (" with its season" if trend.seasonal else ""))
    if (~fit).any():
        joined = np.flatnonzero(~fit)
        joined = np.r_[max(joined[0] - 1, 0), joined]
        ax.fill_between(x[joined], lower[joined], upper[joined], color="#000000", alpha=0.1 / 2.5, linewidth=0)
        ax.plot(x[joined], expected["expected"].to_numpy()[joined], color="#000000", linewidth=1,
                linestyle=FORECAST_LINESTYLE, label="the rate carried on (forecast; dashed, lighter band)")
    ax.legend(loc="upper left", fontsize=7)


def _month_mid(months: pd.Series) -> pd.Series:
    return pd.to_datetime(months.astype(str) + "-01") + pd.Timedelta(days=14)


def _date_axis(ax) -> None:
    locator = AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def plot_monthly_rate(monthly: pd.DataFrame, measure: str = "hectares", scope: str = "all",
                      series: ClearanceSeries | None = None, gap_days: int | None = INTERPOLATED_GAP_DAYS) -> Figure:
    """The monthly amount of one measure and scope from every source, each source a separate series.

    ``monthly`` is the output of :func:`analysis.clearance.rates.clearance_monthly` (or a frame with its
    columns). Differences of the cumulative series: a line with its conservative range as a band; monthly statements: markers
    (both rows where two statements disagree); sums of weekly statements that cover the whole month:
    other markers. Each series has its own colour, marker and line style (``category_style``), placed at the
    middle of its month. y: hectares or items per month. The figure is returned, not saved.

    With ``series`` (the :class:`~analysis.clearance.series.ClearanceSeries` the differences come from), a
    month read between the pinned days of one interpolated stretch of the scope's series (more than
    ``gap_days`` days without an exact statement; :func:`analysis.statements.model.within_stretches`) is a
    difference across a gap, not a month with statements: the line and band are drawn lighter there.
    """
    require_columns(monthly, CLEARANCE_MONTHLY_COLUMNS, "plot_monthly_rate")
    sel = monthly[(monthly["measure"] == measure) & (monthly["scope"] == scope)]
    if sel.empty:
        raise ValueError(f"plot_monthly_rate: no monthly figures of {measure!r} for scope {scope!r}")
    fig, ax = new_figure("double", height_cm=8)
    basis = sel["basis"].astype(str)
    parts = [
        (BASIS_CUMULATIVE, basis == BASIS_CUMULATIVE, "difference of the cumulative series (conservative range)"),
        (BASIS_MONTHLY, basis.str.startswith(BASIS_MONTHLY), "monthly statement"),
        (BASIS_WEEKLY, basis == BASIS_WEEKLY, "sum of weekly statements covering the month"),
    ]
    stretches = _stretches(series, scope, measure, gap_days)
    light_drawn = False
    for i, (name, mask, label) in enumerate(parts):
        part = sel[mask.to_numpy()].sort_values("month", kind="stable")
        if part.empty:
            continue
        style = category_style(i)
        x = _month_mid(part["month"])
        y = part["value"].to_numpy(dtype=float)
        if name == BASIS_CUMULATIVE:
            months = pd.PeriodIndex(part["month"].astype(str), freq="M")
            light = (within_stretches(months.start_time, months.end_time.normalize(), stretches)
                     if stretches is not None else np.zeros(len(part), dtype=bool))
            light_drawn = bool(light.any())
            draw_runs(ax, x, y, light, colour=style["color"], linestyle=style["linestyle"], linewidth=1.2,
                      lower=part["lower"], upper=part["upper"], band_alpha=0.25, label=label)
        else:
            ax.plot(x, y, color=style["color"], marker=style["marker"], linestyle="none",
                    markerfacecolor="none" if name == BASIS_WEEKLY else style["color"], label=label)
        if name == BASIS_CUMULATIVE and light_drawn:
            ax.plot([], [], color=style["color"], linestyle=style["linestyle"], linewidth=1.2, alpha=INTERPOLATED_ALPHA,
                    label=f"lighter: a month inside {gap_days}+ days without an exact statement")
    _date_axis(ax)
    unit = "Hectares cleared per month" if measure == "hectares" else f"{LABELS.get(measure, measure).capitalize()}\nper month"
    ax.set_ylabel(unit)
    ax.set_xlabel("Month")
    ax.set_ylim(bottom=0)
    thousands(ax.yaxis)
    ax.legend(loc="upper left")
    fig.subplots_adjust(left=0.1, right=0.98, top=0.96, bottom=0.16)
    return fig


def plot_items_by_type(tab: pd.DataFrame) -> Figure:
    """Items found per calendar year by type (AP mines, AT mines, other ordnance), lines with markers.

    ``tab`` is the output of :func:`analysis.clearance.per_area.annual_figures` (one all-operator annual
    statement per year, ANAMA's own release preferred; ``require_types=True``). One series per type, each
    with its own colour, marker and line style. y: items per year. The figure is returned, not saved.
    """
    require_columns(tab, ["year", *ITEM_TYPES], "plot_items_by_type")
    if tab.empty:
        raise ValueError("plot_items_by_type: no annual statement gives the items by type")
    fig, ax = new_figure("single", height_cm=6.5)
    for i, t in enumerate(ITEM_TYPES):
        part = tab.dropna(subset=[t])
        ax.plot(part["year"].to_numpy(), part[t].to_numpy(dtype=float), label=SHORT[t], **category_style(i))
    ax.set_xticks(tab["year"].to_numpy(), [str(y) for y in tab["year"]])
    ax.set_xlabel("Year")
    ax.set_ylabel("Items found and\nneutralised per year")
    ax.set_ylim(bottom=0)
    thousands(ax.yaxis)
    ax.legend(loc="upper left")
    fig.subplots_adjust(left=0.22, right=0.97, top=0.95, bottom=0.2)
    return fig


def plot_items_per_100_ha(table: pd.DataFrame) -> Figure:
    """Items per 100 ha cleared by type and year, with both 95% intervals of
    :func:`analysis.clearance.per_area.items_per_100_ha`.

    One series per type (own colour, marker and line style), slightly offset on the year axis so that the
    bars do not overlap; the points are the annual releases. Thin bars with caps: the quasi-Poisson interval
    (``lower_qp``, ``upper_qp``: finds come in clusters), where the table has it; thick bars inside them: the
    exact Poisson interval (``lower``, ``upper``: the counting alone, narrower than the marker in most years).
    Log y axis (the types differ by more than ten times) with plain numbers at 1-2-3-5 steps, so that the
    values below 5 can be read. The figure is returned, not saved.
    """
    require_columns(table, ["year", "measure", "per_100_ha", "lower", "upper"], "plot_items_per_100_ha")
    if table.empty:
        raise ValueError("plot_items_per_100_ha: the table is empty")
    fig, ax = new_figure("single", height_cm=7.5)
    present = [t for t in ITEM_TYPES if (table["measure"] == t).any()]
    present += sorted(set(table["measure"].astype(str)) - set(present))
    has_qp = {"lower_qp", "upper_qp"} <= set(table.columns) and table[["lower_qp", "upper_qp"]].notna().any().any()
    for i, t in enumerate(present):
        part = table[table["measure"] == t].sort_values("year")
        offset = (i - (len(present) - 1) / 2) * 0.12
        x = part["year"].to_numpy(dtype=float) + offset
        y = part["per_100_ha"].to_numpy(dtype=float)
        style = category_style(i)
        exact = np.vstack([y - part["lower"].to_numpy(dtype=float), part["upper"].to_numpy(dtype=float) - y])
        if has_qp:
            qp = np.vstack([y - part["lower_qp"].to_numpy(dtype=float), part["upper_qp"].to_numpy(dtype=float) - y])
            ax.errorbar(x, y, yerr=qp, capsize=2, elinewidth=0.7, label=SHORT.get(t, t), **style)
            ax.errorbar(x, y, yerr=exact, fmt="none", elinewidth=2.4, capsize=0, ecolor=style["color"])
        else:
            ax.errorbar(x, y, yerr=exact, capsize=2, label=SHORT.get(t, t), **style)
    years = sorted(set(table["year"].astype(int)))
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_yscale("log")
    # plain numbers at 1-2-3-5 steps ("2, 3, 5, 10, 20"), not powers of ten: read at a glance, no mathtext
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 3.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("Year")
    ax.set_ylabel("Items per 100 ha cleared\n(95% intervals)")
    # below the axes, where no bar runs: the types, and what the two bars of each point are
    ax.legend(loc="upper left", bbox_to_anchor=(-0.28, -0.2))
    if has_qp:
        fig.legend(handles=[Line2D([], [], color="#444444", linewidth=0.7, label="thin: quasi-Poisson (clusters)"),
                            Line2D([], [], color="#444444", linewidth=2.4,
                                   label="thick: exact Poisson (often\nwithin the marker)")],
                   loc="upper left", bbox_to_anchor=(0.45, 0.235), title="95% interval", title_fontsize=7,
                   alignment="left")
    fig.subplots_adjust(left=0.22, right=0.97, top=0.97, bottom=0.36)
    return fig
