"""The one helper that saves every figure of the project (:func:`save_figure`).

- Text: no text under 7 pt at the figure's final size, and nothing cut off at its edges (a figure
  that breaks either rule is not saved); a source line under everything else.
- Saving: SVG, PDF and PNG (300 dpi, RGB) with creation dates and creator strings removed and
  ``svg.hashsalt`` fixed, so the same data give the same bytes; each file is written to a temporary
  name beside its target and moved into place, so a failed run never leaves half a file; every file
  is listed in ``figures/manifest.json``.
- The PNG is the PDF rasterised by PDFium (pypdfium2), so the two cannot differ, and matplotlib draws
  each figure twice (SVG, PDF), not three times; in a notebook, the figure shown is that PNG reduced to
  screen resolution.
"""

from __future__ import annotations

import hashlib
import io
import os
import textwrap
from contextlib import contextmanager
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..pipeline import paths
from ..pipeline.manifest import read_manifest, write_manifest


#: The smallest type allowed at final size, in points (journals ask for 6-8 pt; the source line is 7 pt).
MIN_FONT_PT = 7
FORMATS = ("svg", "pdf", "png")
#: Resolution of the PNG files (and of the drawing the vector formats' rasterised parts use).
DPI = 300
PROJECT = "Azerbaijan mine action open analysis"
#: Metadata keys set to None are left out of the file: no dates, no software versions.
_METADATA = {
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}


def add_source_line(fig: Figure, sources: str) -> None:
    """Write 'Source: ...; analysis: <project>' under everything else, at 7 pt, wrapped to the figure's
    width. If the plot reaches down to where the line goes, the figure grows in height (never in width)
    and its contents move up, so the line never overlaps a label or a legend."""
    width_in, height_in = fig.get_size_inches()
    text = textwrap.fill(f"Source: {sources}; analysis: {PROJECT}", width=int(width_in * 2.54 * 6.8))
    pad_in = 0.04
    if fig.get_layout_engine() is not None:
        fig.draw_without_rendering()  # a layout engine places the axes only when the figure is drawn
    renderer = fig.canvas.get_renderer()  # the extents below lay out ticks, labels and legends themselves
    dpi = fig.dpi
    others = [a.get_tightbbox(renderer) for a in fig.axes] + [lg.get_window_extent(renderer) for lg in fig.legends]
    others = [b for b in others + [t.get_window_extent(renderer) for t in fig.texts] if b is not None]
    _check_inside(fig, others, dpi)  # before the line is added: a figure refused is left as it was
    line = fig.text(0.01, pad_in / height_in, text, fontsize=7, color="#444444", ha="left", va="bottom")
    top_of_line = line.get_window_extent(renderer).y1 / dpi + pad_in
    lowest = min((b.y0 / dpi for b in others), default=top_of_line)
    shift = top_of_line - lowest
    if shift <= 0:
        return
    new_height = height_in + shift
    for ax in fig.axes:
        pos = ax.get_position()
        ax.set_position([pos.x0, (pos.y0 * height_in + shift) / new_height, pos.width, pos.height * height_in / new_height])
    for t in fig.texts:
        if t is not line:
            x, y = t.get_position()
            t.set_position((x, (y * height_in + shift) / new_height))
    for lg in fig.legends:
        anchor = lg.get_bbox_to_anchor().transformed(fig.transFigure.inverted())
        lg.set_bbox_to_anchor((anchor.x0, (anchor.y0 * height_in + shift) / new_height, anchor.width,
                               anchor.height * height_in / new_height), transform=fig.transFigure)
    fig.set_size_inches(width_in, new_height)
    line.set_position((0.01, pad_in / new_height))


def _check_inside(fig: Figure, boxes, dpi: float) -> None:
    """Raise if labels, ticks, legends or texts reach past the left, right or top edge of the figure,
    where they would be cut off in every file (the bottom edge is the source line's business)."""
    if not boxes:
        return
    width_in, height_in = fig.get_size_inches()
    past = {"left": -min(b.x0 for b in boxes) / dpi, "right": max(b.x1 for b in boxes) / dpi - width_in,
            "top": max(b.y1 for b in boxes) / dpi - height_in}
    cut = {edge: inches * 25.4 for edge, inches in past.items() if inches * 25.4 > 0.2}
    if cut:
        where = ", ".join(f"{mm:.1f} mm past the {edge} edge" for edge, mm in cut.items())
        raise ValueError(f"the figure's labels or legends reach {where} and would be cut off: widen its margins "
                         "(fig.subplots_adjust) or shorten the text")


#: OpenType layout tables left out of the font subsets embedded in PDFs. A PDF places every glyph
#: itself, so no viewer reads them; building each subset without them (no glyph closure over GSUB, no
#: parsing of GPOS) makes a PDF about 40% faster to write and a little smaller.
PDF_DROPPED_FONT_TABLES = ("GSUB", "GPOS", "GDEF", "MATH", "kern")


@contextmanager
def _lean_pdf_fonts():
    """Let fontTools, which matplotlib calls to subset fonts for PDF, drop the layout tables too.

    They are dropped twice over: listed among the subsetter's tables to drop, and deleted from the font as soon
    as it is loaded, before anything parses them (fontTools 4.6x reads the layout tables at the start of every
    subset, to look for the formats of fonts past 64k glyphs, even when it then drops them). The subset is the
    same either way; the PDF is a few per cent quicker to write."""
    from fontTools import subset

    default = getattr(subset.Options, "_drop_tables_default", None)
    if not isinstance(default, list):  # another fontTools: subset as it does by default
        yield
        return
    load_font = subset.load_font

    def load_lean(*args, **kwargs):
        font = load_font(*args, **kwargs)
        for tag in PDF_DROPPED_FONT_TABLES:
            if tag in font:
                del font[tag]
        return font

    subset.Options._drop_tables_default = default + [t for t in PDF_DROPPED_FONT_TABLES if t not in default]
    subset.load_font = load_lean
    try:
        yield
    finally:
        subset.Options._drop_tables_default = default
        subset.load_font = load_font


@contextmanager
def _reproducible():
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "0"
    try:
        with plt.rc_context({"svg.hashsalt": "azmine"}), _lean_pdf_fonts():
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


def _rasterise(pdf: bytes, dpi: int):
    """The one-page PDF ``pdf`` rasterised by PDFium at ``dpi`` on white, as an RGB image.

    The PDF is the figure's own drawing: rasterising it costs a quarter of what drawing the figure once
    more with Agg at 300 dpi did, and the PNG shows exactly what the PDF holds. The size is the page's
    at ``dpi``, rounded up to whole pixels."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        bitmap = page.render(scale=dpi / 72, fill_color=(255, 255, 255, 255), rev_byteorder=True)
        image = bitmap.to_pil().convert("RGB")  # a copy: the bitmap's memory goes with the document
        page.close()
    finally:
        document.close()
    return image


#: zlib level of the PNG files: 1 writes a 300-dpi figure in two thirds of the time of the default 6, for files
#: about 4 % larger (the pixels are the same: PNG is lossless).
PNG_COMPRESS_LEVEL = 1


def _png(image, dpi: int) -> bytes:
    """PNG bytes with the resolution recorded and no text chunks (no software name, no date)."""
    buf = io.BytesIO()
    image.save(buf, format="png", dpi=(dpi, dpi), compress_level=PNG_COMPRESS_LEVEL)
    return buf.getvalue()


def _show_inline(fig: Figure, image) -> None:
    """In a notebook with the inline backend, show the 300-dpi image just saved, reduced to screen
    resolution (the figure's dpi), and close the figure, so the backend does not draw it once more at
    the end of the cell. Elsewhere (scripts, tests, interactive backends) do nothing."""
    import matplotlib

    if "inline" not in matplotlib.get_backend():
        return
    from IPython.display import Image, display
    from PIL import Image as PILImage

    factor = DPI / fig.dpi
    if factor == int(factor) and factor > 1:
        image = image.reduce(int(factor))  # the mean of each factor x factor block
    elif factor != 1:
        image = image.resize((round(image.width / factor), round(image.height / factor)), PILImage.LANCZOS)
    display(Image(data=_png(image, round(fig.dpi)), format="png"))
    plt.close(fig)


def _small_texts(fig: Figure) -> list[str]:
    """The visible texts of ``fig`` set smaller than :data:`MIN_FONT_PT`, as "'text' (size pt)". Figures
    are drawn at their final size (journal widths), so these are the sizes in print."""
    from matplotlib.text import Text

    return [f"{t.get_text()[:40]!r} ({t.get_fontsize():g} pt)" for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip() and t.get_fontsize() < MIN_FONT_PT]


def save_figure(
    fig: Figure,
    name: str,
    *,
    sources: str,
    title: str,
    caption: str,
    formats: tuple[str, ...] | list[str] = FORMATS,
    out_dir: Path | str | None = None,
) -> list[Path]:
    """Save ``fig`` as ``<out_dir>/<name>.<fmt>`` for each format; return the paths written.

    ``sources`` is the source line printed on the figure ("ANAMA via Trend, Report.az, ..."); ``title``
    and ``caption`` (two sentences a reader can paste) go into ``<out_dir>/manifest.json`` with the files,
    their SHA-256 and formats (the notebook runner adds the notebook, its parameters and the hashes of
    its input data). Every format is rendered in memory first, so nothing is written unless all succeed.
    """
    if not title.strip() or not caption.strip():
        raise ValueError("a figure needs a title and a caption (for figures/manifest.json)")
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"figure formats must be a non-empty list from {list(FORMATS)}, got {list(formats)!r}")
    small = _small_texts(fig)
    if small:
        raise ValueError(f"figure {name!r} has text under {MIN_FONT_PT} pt at its final size: {'; '.join(small[:3])}"
                         + (f" and {len(small) - 3} more" if len(small) > 3 else ""))
    out = Path(out_dir) if out_dir else paths.FIGURES
    out.mkdir(parents=True, exist_ok=True)
    add_source_line(fig, sources)
    drawn, raster = {}, None
    with _reproducible():
        # the vector formats asked for, and the PDF also whenever a PNG is (the PNG is made from it)
        for fmt in [f for f in ("svg", "pdf") if f in formats or (f == "pdf" and "png" in formats)]:
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, metadata=_METADATA[fmt], dpi=DPI)
            drawn[fmt] = buf.getvalue()
    if "png" in formats:
        raster = _rasterise(drawn["pdf"], DPI)
        drawn["png"] = _png(raster, DPI)
    rendered = {fmt: drawn[fmt] for fmt in formats}
    written = []
    for fmt, data in rendered.items():
        path = out / f"{name}.{fmt}"
        _atomic_write(path, data)
        written.append(path)
    if raster is not None:
        _show_inline(fig, raster)
    manifest = read_manifest(out)
    entry = manifest["figures"].setdefault(name, {})
    entry.update({
        "title": title, "caption": caption, "sources": sources, "formats": list(formats),
        "files": {f"{name}.{fmt}": hashlib.sha256(data).hexdigest() for fmt, data in rendered.items()},
    })
    write_manifest(out, manifest)
    return written
