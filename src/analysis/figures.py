"""The one helper that styles and saves every figure of the project.

- Style: ``azmine.mplstyle`` shipped in the package (fonts of 7-8 pt at final size).
- Colour: the Okabe-Ito colour-blind-safe palette, always paired with a marker and a line style,
  so that no category is told apart by hue alone.
- Size: journal units, single column 8.9 cm and double column 18.3 cm wide.
- Saving: SVG, PDF and PNG (300 dpi) with creation dates and creator strings removed and
  ``svg.hashsalt`` fixed, so the same data give the same bytes; each file is written to a temporary
  name beside its target and moved into place, so a failed run never leaves half a file.
"""

from __future__ import annotations

import io
import os
import textwrap
from contextlib import contextmanager
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from . import paths

STYLE = Path(__file__).with_name("azmine.mplstyle")
CM = 1 / 2.54
WIDTHS_CM = {"single": 8.9, "double": 18.3}
#: Okabe & Ito (2008), colour-blind safe, in the order categories are styled.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
LINESTYLES = ["-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 1)), (0, (5, 5))]
FORMATS = ("svg", "pdf", "png")
PROJECT = "Azerbaijan mine action open analysis"
#: Metadata keys set to None are left out of the file: no dates, no software versions.
_METADATA = {
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
    "png": {"Software": None},
}


def use_style() -> None:
    """Apply the project's style sheet to matplotlib's global settings."""
    plt.style.use(STYLE)


def category_style(i: int) -> dict:
    """Colour, marker and line style of the i-th category: hue never alone."""
    return {"color": PALETTE[i % len(PALETTE)], "marker": MARKERS[i % len(MARKERS)], "linestyle": LINESTYLES[i % len(LINESTYLES)]}


def new_figure(width: str = "single", height_cm: float | None = None, **subplots) -> tuple[Figure, object]:
    """A styled figure of journal width ('single' 8.9 cm or 'double' 18.3 cm) and its axes."""
    if width not in WIDTHS_CM:
        raise ValueError(f"width must be one of {sorted(WIDTHS_CM)}, not {width!r}")
    use_style()
    w = WIDTHS_CM[width]
    h = height_cm if height_cm is not None else w * 0.62
    return plt.subplots(figsize=(w * CM, h * CM), **subplots)


def add_source_line(fig: Figure, sources: str) -> None:
    """Write 'Source: ...; analysis: <project>' under the plot, at 7 pt, wrapped to the figure's width."""
    width_cm = fig.get_size_inches()[0] * 2.54
    text = textwrap.fill(f"Source: {sources}; analysis: {PROJECT}", width=int(width_cm * 6.8))
    fig.text(0.01, 0.005, text, fontsize=7, color="#444444", ha="left", va="bottom")


@contextmanager
def _reproducible():
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "0"
    try:
        with plt.rc_context({"svg.hashsalt": "azmine"}):
            yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def save_figure(
    fig: Figure,
    name: str,
    *,
    sources: str,
    formats: tuple[str, ...] | list[str] = FORMATS,
    out_dir: Path | str | None = None,
) -> list[Path]:
    """Save ``fig`` as ``<out_dir>/<name>.<fmt>`` for each format; return the paths written.

    ``sources`` is the source line printed on the figure ("ANAMA via Trend, Report.az, ..."). Every
    format is rendered in memory first, so nothing is written unless all formats succeed.
    """
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"figure formats must be a non-empty list from {list(FORMATS)}, got {list(formats)!r}")
    out = Path(out_dir) if out_dir else paths.FIGURES
    out.mkdir(parents=True, exist_ok=True)
    add_source_line(fig, sources)
    rendered = {}
    with _reproducible():
        for fmt in formats:
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, metadata=_METADATA[fmt], dpi=300)
            rendered[fmt] = buf.getvalue()
    written = []
    for fmt, data in rendered.items():
        path = out / f"{name}.{fmt}"
        _atomic_write(path, data)
        written.append(path)
    return written
