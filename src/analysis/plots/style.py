"""How every figure looks: the project's style sheet, palette, markers and line styles, journal sizes, and
the marks that statements and bounds get in every figure.

- Style: ``azmine.mplstyle`` shipped beside this module (fonts of 7-8 pt at final size).
- Colour: the Okabe-Ito colour-blind-safe palette, always paired with a marker and a line style,
  so that no category is told apart by hue alone.
- Size: journal units, single column 8.9 cm and double column 18.3 cm wide.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.figure import Figure


STYLE = Path(__file__).with_name("azmine.mplstyle")
CM = 1 / 2.54
WIDTHS_CM = {"single": 8.9, "double": 18.3}
#: Okabe & Ito (2008), colour-blind safe, in the order categories are styled.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p"]
#: Markers of bounds and rounded figures, in grey: line markers, which no category uses.
BOUND_MARKERS = {"at_least": "2", "at_most": "1", "approx": "x"}
BOUND_COLOUR = "#666666"
LINESTYLES = ["-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 1)), (0, (5, 5))]
#: A white box behind a label drawn over the data (``bbox=LABEL_BOX``), so that no line runs through it.
LABEL_BOX = {"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}


def use_style() -> None:
    """Apply the project's style sheet to matplotlib's global settings."""
    plt.style.use(STYLE)


def category_style(i: int) -> dict:
    """Colour, marker and line style of the i-th category, so that hue never tells categories apart alone:
    the first 12 categories each have their own marker (points of a scatter differ in shape), no two of
    the first 64 share colour and line style (lines differ in dashes), and no two of the first 24 share
    colour and marker."""
    shift = i // len(PALETTE)
    return {"color": PALETTE[i % len(PALETTE)], "marker": MARKERS[i % len(MARKERS)],
            "linestyle": LINESTYLES[(i + shift) % len(LINESTYLES)]}


def draw_statements(ax, statements, style: dict) -> None:
    """Draw one category's statements (columns ``date``, ``value``, ``status``) in its colour and marker:
    kept ones filled, dropped ones hollow (see :func:`dropped_handle`)."""
    for status, face in (("kept", style["color"]), ("dropped", "none")):
        sel = statements[statements["status"] == status]
        if len(sel):
            ax.scatter(sel["date"], sel["value"], marker=style["marker"], s=14, facecolors=face,
                       edgecolors=style["color"], linewidths=0.8, zorder=3)


def dropped_handle(label: str = "hollow: dropped statement"):
    """The legend entry that explains hollow markers."""
    from matplotlib.lines import Line2D

    return Line2D([], [], linestyle="none", marker="o", markerfacecolor="none", markeredgecolor="#000000",
                  markersize=4, label=label)


#: How much lighter an interpolated stretch is drawn than the rest of its series (line and band).
INTERPOLATED_ALPHA = 0.4
#: The line style of a forecast or projection: dashed (the data are drawn with solid or the category's lines).
FORECAST_LINESTYLE = (0, (3, 2))


def _runs(mask) -> list[slice]:
    """The runs of consecutive True values of a boolean array, as slices."""
    import numpy as np

    m = np.asarray(mask, dtype=bool)
    edges = np.flatnonzero(np.diff(np.r_[0, m.astype(int), 0]))
    return [slice(a, b) for a, b in zip(edges[::2], edges[1::2])]


def draw_runs(ax, x, y, light, *, colour: str, linestyle="-", linewidth: float = 0.9, lower=None, upper=None,
              band_colour: str | None = None, band_alpha: float = 0.35, label: str | None = None) -> None:
    """A line (and, with ``lower`` and ``upper``, its band) at full strength where ``light`` is False and at
    :data:`INTERPOLATED_ALPHA` of it over each run of True values, joined to the points on either side (the
    last and first points that are not light), so that the line never breaks and nothing full-strength runs
    through a light stretch. ``label`` goes to the first full-strength piece."""
    import numpy as np

    x = np.asarray(x)
    y = np.asarray(y, dtype=float)
    light = np.asarray(light, dtype=bool)
    n = len(x)
    pieces = [(slice(max(r.start - 1, 0), min(r.stop + 1, n)), True) for r in _runs(light)]
    pieces += [(r, False) for r in _runs(~light)]
    for part, is_light in sorted(pieces, key=lambda p: (p[0].start, p[1])):
        weight = INTERPOLATED_ALPHA if is_light else 1.0
        if lower is not None and upper is not None:
            ax.fill_between(x[part], np.asarray(lower, dtype=float)[part], np.asarray(upper, dtype=float)[part],
                            color=band_colour or colour, alpha=band_alpha * weight, linewidth=0)
        ax.plot(x[part], y[part], color=colour, linestyle=linestyle, linewidth=linewidth,
                alpha=weight if is_light else None, label=label if (label and not is_light) else "_nolegend_")
        if not is_light:
            label = None


def draw_series(ax, daily, line_colour: str, band_colour: str, linestyle="-", band_alpha: float = 0.35,
                stretches=None) -> None:
    """A fitted daily series (columns ``date, estimate, lower, upper, kind``): the estimate as a line and its
    90 % interval as a band where ``kind`` is ``fit``; dashed and lighter where it is a ``forecast``.

    ``stretches`` (:func:`analysis.statements.model.interpolated_stretches`: columns ``start, end``): the days
    strictly inside a stretch, which no exact statement pins, are drawn in the same line style but lighter
    (line and band at :data:`INTERPOLATED_ALPHA` of their opacity), from the pinned day before to the pinned
    day after (:func:`draw_runs`)."""
    import numpy as np

    fit = daily[daily["kind"] == "fit"]
    ahead = daily[daily["kind"] != "fit"]
    if len(fit):
        dates = fit["date"].to_numpy()
        inside = np.zeros(len(fit), dtype=bool)
        for s, e in zip(*((stretches["start"], stretches["end"]) if stretches is not None else ((), ()))):
            inside |= (dates > np.datetime64(s)) & (dates < np.datetime64(e))
        draw_runs(ax, dates, fit["estimate"], inside, colour=line_colour, linestyle=linestyle, lower=fit["lower"],
                  upper=fit["upper"], band_colour=band_colour, band_alpha=band_alpha)
    if len(ahead):
        joined = daily.iloc[max(len(fit) - 1, 0):]
        ax.fill_between(joined["date"], joined["lower"], joined["upper"], color=band_colour, alpha=band_alpha / 2.5,
                        linewidth=0)
        ax.plot(joined["date"], joined["estimate"], color=line_colour, linestyle=FORECAST_LINESTYLE, linewidth=0.9)


def forecast_handles(daily, line_colour: str) -> list:
    """The legend entry of the forecast stretch (none when the series has none)."""
    from matplotlib.lines import Line2D

    if (daily["kind"] != "fit").any():
        return [Line2D([], [], color=line_colour, linestyle=FORECAST_LINESTYLE, linewidth=0.9,
                       label=f"forecast to {daily['date'].max():%d %b %Y} (dashed, lighter band)")]
    return []


def interpolated_text(min_days: int) -> str:
    """What a lighter stretch of a fitted series means, for its legend entry."""
    return f"lighter: interpolated, no exact statement for {min_days}+ days"


def interpolated_handles(stretches, line_colour: str, min_days: int, linestyle="-") -> list:
    """The legend entry of the interpolated stretches (none when there are none)."""
    from matplotlib.lines import Line2D

    if stretches is not None and len(stretches):
        return [Line2D([], [], color=line_colour, linestyle=linestyle, linewidth=0.9, alpha=INTERPOLATED_ALPHA,
                       label=interpolated_text(min_days))]
    return []


def statement_marks(statements, first, last):
    """The statements of one series as a figure marks them: exact cumulative figures (``status`` kept when
    fitted, dropped when down-weighted) and the rounded figures and bounds (``qualifier`` at_least, at_most,
    approx), in the dates shown. Flows and statements not fitted are left to the tables."""
    s = statements[(statements["kind"] == "stock") & statements["date"].between(first, last)]
    exact = s[(s["lo"] == s["hi"]) & s["status"].isin(["fitted", "down-weighted"])].copy()
    exact["status"] = exact["status"].map({"fitted": "kept", "down-weighted": "dropped"})
    windows = s[(s["lo"] != s["hi"]) & (s["status"] != "not fitted")].copy()
    windows["qualifier"] = windows["qualifier"].where(windows["qualifier"].isin(["at_least", "at_most"]), "approx")
    return exact, windows


def draw_bounds(ax, bounds) -> set[str]:
    """Draw bounds and rounded figures (columns ``date``, ``value``, ``qualifier``) as grey line markers;
    return the qualifiers drawn, for :func:`bound_handles`."""
    drawn = set()
    for qualifier, marker in BOUND_MARKERS.items():
        sel = bounds[bounds["qualifier"] == qualifier]
        if len(sel):
            ax.scatter(sel["date"], sel["value"], marker=marker, s=16, color=BOUND_COLOUR, linewidths=0.9, zorder=2)
            drawn.add(qualifier)
    return drawn


def bound_handles(drawn, what: str = "bound") -> list:
    """Legend entries for the bound markers drawn, e.g. 'at least (bound)'."""
    from matplotlib.lines import Line2D

    return [Line2D([], [], linestyle="none", marker=marker, color=BOUND_COLOUR, markersize=5, markeredgewidth=0.9,
                   label=f"{qualifier.replace('_', ' ')} ({what})")
            for qualifier, marker in BOUND_MARKERS.items() if qualifier in drawn]


def thousands(axis, per: float = 1) -> None:
    """Tick labels of ``axis`` (``ax.yaxis``) as whole numbers with thousands separated ("12,000"), of the
    values divided by ``per`` (1000 for an axis labelled in thousands)."""
    axis.set_major_formatter(lambda v, _pos: f"{v / per:,.0f}")


def new_figure(width: str = "single", height_cm: float | None = None, **subplots) -> tuple[Figure, object]:
    """A styled figure of journal width ('single' 8.9 cm or 'double' 18.3 cm) and its axes."""
    if width not in WIDTHS_CM:
        raise ValueError(f"width must be one of {sorted(WIDTHS_CM)}, not {width!r}")
    use_style()
    w = WIDTHS_CM[width]
    h = height_cm if height_cm is not None else w * 0.62
    return plt.subplots(figsize=(w * CM, h * CM), **subplots)
