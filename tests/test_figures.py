"""The figure helper: journal sizes, every format, no volatile metadata, the same bytes twice."""

import math
import subprocess
import sys

import pandas as pd
import pytest

from analysis.plots import save, style
from analysis.pipeline.manifest import read_manifest


def _figure():
    fig, ax = style.new_figure("single")
    ax.plot([2021, 2022, 2023], [197, 276, 341], **style.category_style(0))
    return fig


def test_single_column_is_8_9_cm_wide():
    fig, _ = style.new_figure("single", height_cm=6)
    w, h = fig.get_size_inches()
    assert w * 2.54 == pytest.approx(8.9) and h * 2.54 == pytest.approx(6)


def test_saves_every_format_without_dates_or_creator(tmp_path):
    written = save.save_figure(_figure(), "t", sources="test", title="T", caption="C.", out_dir=tmp_path)
    assert [p.name for p in written] == ["t.svg", "t.pdf", "t.png"]
    svg = (tmp_path / "t.svg").read_text()
    pdf = (tmp_path / "t.pdf").read_bytes()
    png = (tmp_path / "t.png").read_bytes()
    assert "<dc:date>" not in svg and "Matplotlib" not in svg.split("<g ")[0].split("<metadata>")[-1]
    assert b"/CreationDate" not in pdf and b"/Producer" not in pdf and b"/Creator" not in pdf
    assert png.startswith(b"\x89PNG") and b"Software" not in png
    assert not list(tmp_path.glob(".*.tmp")), "temporary files left behind"


def test_the_same_figure_gives_the_same_bytes_in_two_processes(tmp_path):
    code = (
        "import sys; from analysis.plots import save, style; fig, ax = style.new_figure('single');"
        "ax.plot([1, 2, 3], [197, 276, 341], **style.category_style(1));"
        "save.save_figure(fig, 'd', sources='test', title='T', caption='C.', out_dir=sys.argv[1])"
    )
    for sub in ("a", "b"):
        subprocess.run([sys.executable, "-c", code, str(tmp_path / sub)], check=True)
    for fmt in save.FORMATS:
        assert (tmp_path / "a" / f"d.{fmt}").read_bytes() == (tmp_path / "b" / f"d.{fmt}").read_bytes(), fmt


def test_bad_format_writes_nothing(tmp_path):
    with pytest.raises(ValueError, match="figure formats must be a non-empty list"):
        save.save_figure(_figure(), "t", sources="test", title="T", caption="C.", formats=["png", "gif"], out_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_categories_differ_by_more_than_colour():
    a, b = style.category_style(0), style.category_style(1)
    assert a["marker"] != b["marker"] and a["linestyle"] != b["linestyle"]


def test_many_categories_stay_distinguishable():
    styles = [style.category_style(i) for i in range(64)]
    assert len({(s["color"], s["marker"]) for s in styles[:24]}) == 24
    assert len({(s["color"], str(s["linestyle"])) for s in styles}) == 64  # lines differ by more than hue
    # points of a scatter: each of the first 12 categories has a shape of its own, and none looks like a bound
    assert len({s["marker"] for s in styles[:12]}) == 12
    assert not {s["marker"] for s in styles} & set(style.BOUND_MARKERS.values())


def test_the_manifest_records_each_figure(tmp_path):
    import hashlib
    import json

    save.save_figure(_figure(), "t", sources="ANAMA", title="Title", caption="Two sentences. Here.", formats=["svg", "png"],
                        out_dir=tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    entry = manifest["figures"]["t"]
    assert entry["title"] == "Title" and entry["caption"] == "Two sentences. Here." and entry["formats"] == ["svg", "png"]
    assert entry["files"] == {n: hashlib.sha256((tmp_path / n).read_bytes()).hexdigest() for n in ("t.svg", "t.png")}
    with pytest.raises(ValueError, match="title and a caption"):
        save.save_figure(_figure(), "u", sources="x", title="", caption="c", out_dir=tmp_path)


def _embedded_fonts(pdf: bytes):
    """The TrueType fonts embedded in a PDF written by matplotlib (FontFile2 streams, Flate-compressed)."""
    import io
    import re
    import zlib

    from fontTools.ttLib import TTFont

    fonts = []
    for number in re.findall(rb"/FontFile2 (\d+) 0 R", pdf):
        start = pdf.index(b"\n" + number + b" 0 obj")
        body = pdf[start:pdf.index(b"endstream", start)]
        stream = body[body.index(b"stream") + len(b"stream"):].lstrip(b"\r\n")
        fonts.append(TTFont(io.BytesIO(zlib.decompressobj().decompress(stream))))
    return fonts


def test_pdf_embeds_small_font_subsets_without_layout_tables(tmp_path):
    fig = _figure()
    fig.axes[0].set_xlabel("year – with an en dash and a minus −1")
    save.save_figure(fig, "t", sources="test", title="T", caption="C.", formats=["pdf"], out_dir=tmp_path)
    fonts = _embedded_fonts((tmp_path / "t.pdf").read_bytes())
    assert fonts, "no TrueType font embedded (pdf.fonttype 42)"
    for font in fonts:
        assert "glyf" in font and font["maxp"].numGlyphs < 100  # a subset, not the whole font
        assert not set(save.PDF_DROPPED_FONT_TABLES) & set(font.keys())
    # and only while saving: fontTools' defaults are as they were
    from fontTools.subset import Options
    assert "GSUB" not in Options().drop_tables


def test_deleting_the_layout_tables_at_load_changes_no_byte_of_the_pdf(monkeypatch):
    # the tables are deleted as the font is loaded (quicker); the subsetter's own drop list alone gives the same PDF
    import io

    from fontTools import subset

    fig = _figure()
    fig.axes[0].set_xlabel("official figures – fitted −1")
    original = subset.load_font
    pdfs = []
    for early in (True, False):
        with save._reproducible():
            if not early:
                monkeypatch.setattr(subset, "load_font", original)  # inside the context: the drop list only
            buf = io.BytesIO()
            fig.savefig(buf, format="pdf", metadata=save._METADATA["pdf"])
            pdfs.append(buf.getvalue())
            monkeypatch.undo()  # before the context restores its own
    assert pdfs[0] == pdfs[1]
    assert subset.load_font is original  # restored after saving


def test_the_png_is_written_at_the_fast_zlib_level_and_decodes_to_the_same_pixels(tmp_path):
    import io
    import zlib

    import numpy as np
    from PIL import Image

    save.save_figure(_figure(), "z", sources="test", title="T", caption="C.", formats=["png"], out_dir=tmp_path)
    data = (tmp_path / "z.png").read_bytes()
    image = Image.open(io.BytesIO(data))
    again = io.BytesIO()
    image.save(again, format="png", compress_level=9)
    assert (np.asarray(Image.open(again)) == np.asarray(image)).all()
    # the IDAT stream's zlib header says which level wrote it (FLEVEL 0: the fastest levels)
    idat = data.index(b"IDAT") + 4
    assert data[idat + 1] >> 6 == 0 and zlib.decompress(b"".join(_idat_chunks(data)))


def _idat_chunks(png: bytes):
    pos = 8
    while pos < len(png):
        length = int.from_bytes(png[pos:pos + 4], "big")
        kind = png[pos + 4:pos + 8]
        if kind == b"IDAT":
            yield png[pos + 8:pos + 8 + length]
        pos += 12 + length


def test_pdf_embeds_each_font_once_even_beyond_latin_1(tmp_path):
    # matplotlib's PDF backend sizes its font subsets from ps.fonttype: at the default (3) every
    # character past U+00FF (en dash, minus, multiplication sign) went into a second copy of the font
    fig = _figure()
    fig.axes[0].set_xlabel("year – en dash, minus −1, times ×, at least ≥")
    save.save_figure(fig, "t", sources="test", title="T", caption="C.", formats=["pdf"], out_dir=tmp_path)
    pdf = (tmp_path / "t.pdf").read_bytes()
    fonts = _embedded_fonts(pdf)
    assert len(fonts) == 1
    assert len(fonts[0].getGlyphOrder()) > 20  # the ASCII letters and the four symbols share the one subset


def test_png_is_300_dpi_rgb_at_the_figures_size_and_the_figure_is_left_as_it_was(tmp_path):
    from PIL import Image

    fig, ax = style.new_figure("double", height_cm=8)
    ax.plot([0, 1], [0, 1])
    canvas, dpi = fig.canvas, fig.dpi
    save.save_figure(fig, "p", sources="test", title="T", caption="C.", formats=["png"], out_dir=tmp_path)
    assert fig.canvas is canvas and fig.dpi == dpi
    image = Image.open(tmp_path / "p.png")
    assert image.mode == "RGB" and image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    width_in, height_in = fig.get_size_inches()  # after the source line was added
    assert image.size == (math.ceil(width_in * 300), math.ceil(height_in * 300))  # whole pixels, rounded up
    assert image.size[0] == math.ceil(18.3 / 2.54 * 300)
    # the picture is the figure: the corner is the white background, the diagonal line is drawn
    assert image.getpixel((2, 2)) == (255, 255, 255)
    assert len(image.getcolors(maxcolors=100_000)) > 10


def test_the_png_is_the_pdf_rasterised_and_a_png_alone_writes_no_pdf(tmp_path):
    import pypdfium2
    from PIL import Image, ImageChops

    save.save_figure(_figure(), "both", sources="test", title="T", caption="C.", formats=["pdf", "png"],
                        out_dir=tmp_path)
    document = pypdfium2.PdfDocument(str(tmp_path / "both.pdf"))
    reference = document[0].render(scale=300 / 72, fill_color=(255, 255, 255, 255)).to_pil().convert("RGB")
    document.close()
    assert ImageChops.difference(Image.open(tmp_path / "both.png").convert("RGB"), reference).getbbox() is None
    save.save_figure(_figure(), "alone", sources="test", title="T", caption="C.", formats=["png"], out_dir=tmp_path)
    assert sorted(p.name for p in tmp_path.glob("alone*")) == ["alone.png"]
    assert read_manifest(tmp_path)["figures"]["alone"]["formats"] == ["png"]


def test_a_figure_with_text_under_7_pt_is_not_saved_and_the_message_names_the_text(tmp_path):
    fig = _figure()
    note = fig.axes[0].annotate("a note set too small", xy=(2022, 276), fontsize=6.5)
    fig.axes[0].set_title("a title at 8 pt")
    with pytest.raises(ValueError, match=r"'t' has text under 7 pt.*'a note set too small' \(6.5 pt\)"):
        save.save_figure(fig, "t", sources="test", title="T", caption="C.", out_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []
    note.set_fontsize(7)
    save.save_figure(fig, "t", sources="test", title="T", caption="C.", formats=["svg"], out_dir=tmp_path)
    assert (tmp_path / "t.svg").exists()


def test_a_figure_whose_labels_would_be_cut_off_is_not_saved(tmp_path):
    fig = _figure()
    fig.axes[0].set_ylabel("a y label far outside the left margin")
    fig.subplots_adjust(left=0.02)
    with pytest.raises(ValueError, match=r"mm past the left edge and would be cut off"):
        save.save_figure(fig, "cut", sources="test", title="T", caption="C.", out_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []
    fig.subplots_adjust(left=0.2)  # room for the ticks and the label: saved
    save.save_figure(fig, "cut", sources="test", title="T", caption="C.", formats=["svg"], out_dir=tmp_path)
    assert (tmp_path / "cut.svg").exists()
    assert [t.get_text()[:7] for t in fig.texts] == ["Source:"]  # one source line, not one per attempt


def test_thousands_separates_thousands_of_the_values_divided_by_per():
    fig, ax = style.new_figure("single")
    style.thousands(ax.yaxis)
    assert ax.yaxis.get_major_formatter()(12000, 0) == "12,000"
    style.thousands(ax.xaxis, per=1000)
    assert ax.xaxis.get_major_formatter()(1_166_702, 0) == "1,167"


def _layouts():
    # an axes legend placed by 'best', a figure legend below the axes, and a constrained layout
    fig1, ax1 = style.new_figure("single")
    ax1.plot(range(50), [i ** 0.5 for i in range(50)], label="a line", **style.category_style(0))
    ax1.legend(loc="best")
    ax1.set_xlabel("days since the ceasefire")
    fig2, ax2 = style.new_figure("double", height_cm=6)
    for i in range(4):
        ax2.plot([0, 1], [i, i + 1], label=f"series {i}", **style.category_style(i))
    fig2.legend(loc="lower center", ncols=4, bbox_to_anchor=(0.5, 0.0))
    fig2.subplots_adjust(bottom=0.3)
    fig3, ax3 = style.new_figure("single", height_cm=5, layout="constrained")
    ax3.plot([2021, 2022], [1, 2], label="x", **style.category_style(1))
    ax3.set_xlabel("year")
    ax3.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25))
    return [fig1, fig2, fig3]


@pytest.mark.parametrize("index", range(3))
def test_the_source_line_never_overlaps_the_plot(tmp_path, index):
    fig = _layouts()[index]
    sources = "ANAMA weekly, monthly and annual releases via Trend, AZERTAC, Report.az; a long list that wraps"
    save.save_figure(fig, "s", sources=sources, title="T", caption="C.", formats=["png"], out_dir=tmp_path)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (line,) = [t for t in fig.texts if t.get_text().startswith("Source:")]
    top_of_line = line.get_window_extent(renderer).y1
    others = [ax.get_tightbbox(renderer) for ax in fig.axes] + [lg.get_window_extent(renderer) for lg in fig.legends]
    assert min(b.y0 for b in others) >= top_of_line - 0.5  # pixels: nothing reaches down into the line


def test_statements_and_bounds_are_drawn_and_explained():
    import pandas as pd

    fig, ax = style.new_figure("single")
    statements = pd.DataFrame({"date": pd.to_datetime(["2023-01-01", "2023-02-01", "2023-03-01"]),
                               "value": [10.0, 12.0, 11.0], "status": ["kept", "kept", "dropped"]})
    style.draw_statements(ax, statements, style.category_style(0))
    filled, hollow = ax.collections
    assert len(filled.get_offsets()) == 2 and len(hollow.get_offsets()) == 1
    assert hollow.get_facecolors().size == 0  # hollow: no face
    bounds = pd.DataFrame({"date": pd.to_datetime(["2023-01-15", "2023-02-15"]), "value": [11.0, 13.0],
                           "qualifier": ["at_least", "at_least"]})
    drawn = style.draw_bounds(ax, bounds)
    assert drawn == {"at_least"} and len(ax.collections) == 3
    (handle,) = style.bound_handles(drawn, "bound")
    assert handle.get_label() == "at least (bound)" and handle.get_marker() == style.BOUND_MARKERS["at_least"]
    assert style.dropped_handle().get_markerfacecolor() == "none"


# --------------------------------------------------------------------------------------------------
# figures a reader can trust: bodies in words, what the model fills in drawn apart from what statements give


def _raw_codes():
    """Every reporting-body code, as it is and with underscores as spaces, where its name differs from it."""
    from analysis.data.bodies import BODY_NAMES

    return {form for code, name in BODY_NAMES.items() for form in (code, code.replace("_", " ")) if form != name}


def _legend_texts(fig):
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    return [t.get_text() for lg in legends for t in lg.get_texts()]


@pytest.fixture(scope="module")
def casualty_total(pkg):
    from analysis.casualties import series

    return series.analyse(pkg.casualty_reports, pkg.sources, corrected=set(pkg.corrections_applied["record_id"]),
                          nowcast_to="2026-06-30", measures=["total"], coherent=False)


def test_the_cumulative_casualty_legend_names_bodies_in_words_and_the_lighter_stretches(casualty_total):
    import numpy as np

    from analysis.data.bodies import body_name
    from analysis.plots.casualties import plot_cumulative
    from analysis.statements.model import interpolated_stretches

    fig = plot_cumulative(casualty_total, "total")
    texts = _legend_texts(fig)
    assert not set(texts) & _raw_codes()
    assert {"Prosecutor General's Office", "Ministry of Foreign Affairs", body_name("anama")} <= set(texts)
    assert any(t.startswith("lighter: interpolated") and "60+ days" in t for t in texts)
    f = casualty_total.fits["total"]
    stretches = interpolated_stretches(f.observations, f.last_day)
    assert len(stretches) >= 3
    ax = fig.axes[0]
    light = [ln for ln in ax.get_lines() if ln.get_alpha() == style.INTERPOLATED_ALPHA]
    # one lighter line per stretch, from the pinned day before it to the pinned day after it
    spans = sorted((pd.Timestamp(ln.get_xdata()[0]), pd.Timestamp(ln.get_xdata()[-1])) for ln in light)
    assert spans == list(zip(stretches["start"], stretches["end"]))
    # and no full-strength line runs inside a stretch
    for ln in ax.get_lines():
        if ln.get_alpha() is None and ln.get_linestyle() == "-":
            x = pd.to_datetime(np.asarray(ln.get_xdata()))
            for s, e in zip(stretches["start"], stretches["end"]):
                assert not ((x > s) & (x < e)).any()


def test_the_monthly_casualty_points_inside_a_stretch_are_lighter_and_the_forecast_dashed(casualty_total):
    from analysis.plots.casualties import plot_monthly
    from analysis.statements.model import interpolated_stretches

    fig = plot_monthly(casualty_total, "total")
    ax = fig.axes[0]
    f = casualty_total.fits["total"]
    stretches = interpolated_stretches(f.observations, f.last_day)
    # by hand: the stretch 25 May - 19 Sep 2023 holds June, July and August 2023 whole, not May or September
    assert ((stretches["start"] == "2023-05-25") & (stretches["end"] == "2023-09-19")).any()
    light = [c for c in ax.containers if c.lines[0].get_alpha() == style.INTERPOLATED_ALPHA]
    assert len(light) == 1
    months = {f"{pd.Timestamp(x) - pd.Timedelta(days=14):%Y-%m}" for x in light[0].lines[0].get_xdata()}
    assert {"2023-06", "2023-07", "2023-08"} <= months and not {"2023-05", "2023-09"} & months
    assert any(ln.get_linestyle() == "--" for ln in ax.get_lines())  # the trend past the last statement
    texts = _legend_texts(fig)
    assert any(t.startswith("lighter: a month inside 60+ days") for t in texts)


def test_the_timeline_rows_name_the_bodies_in_words(pkg):
    from analysis.data import overview
    from analysis.data.bodies import body_name
    from analysis.plots.overview import plot_timeline

    timeline = overview.statement_timeline(pkg)
    fig = plot_timeline(timeline, "2020-01-01", "2026-12-31")
    rows = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert not set(rows) & _raw_codes()
    assert {"Prosecutor General's Office", "Azerbaijan Mine Victims Association", "United Nations"} <= set(rows)
    inside = timeline[timeline["date"].between("2020-01-01", "2026-12-31")]
    assert sorted(rows) == sorted(body_name(b) for b in inside["reporting_body"].unique())


def test_the_fan_chart_draws_every_projection_dashed_or_dotted_and_the_history_solid():
    import math

    import numpy as np

    from analysis.clearance import projection as P
    from analysis.plots.projection import PROJECTION_LINESTYLES, plot_fan_chart

    today = pd.Timestamp("2026-01-01")
    trend = {"intercept": math.log(3000.0), "slope": 0.15, "cov": [[0.01, -0.002], [-0.002, 0.001]],
             "start_years": (today - pd.Timestamp("2020-11-10")).days / 365.25}
    dates = pd.date_range("2020-11-10", today, freq="7D")
    est = np.linspace(0, 249_000.0, len(dates))
    history = pd.DataFrame({"date": dates, "estimate": est, "lower": est * 0.97, "upper": est * 1.02})
    rem = P.remaining({"s": 1_166_702.0}, 249_000.0, 240_000.0, 255_000.0)
    table = P.projection_table(rem, 69_205.7, 62_000.0, 76_000.0, trend, {"2026 plan": 65_000.0}, today)
    stretches = pd.DataFrame({"start": [pd.Timestamp("2021-01-05")], "end": [pd.Timestamp("2021-10-12")]})
    fig = plot_fan_chart(history, table, 1_166_702.0, P.targets(), trend=trend, today=today, n_draws=200,
                         stretches=stretches)
    ax = fig.axes[0]
    full = [ln for ln in ax.get_lines() if ln.get_alpha() is None and ln.get_color() == "#000000"]
    assert len(full) == 2 and all(ln.get_linestyle() == "-" for ln in full)  # the history, either side of the stretch
    light = [ln for ln in ax.get_lines() if ln.get_alpha() == style.INTERPOLATED_ALPHA]
    assert len(light) == 1
    assert min(light[0].get_xdata()) == pytest.approx(P.decimal_year(pd.Timestamp("2021-01-05")))
    colours = [style.category_style(i)["color"] for i in range(len(table))]
    paths = [ln for ln in ax.get_lines() if ln.get_color() in colours and ln.get_linewidth() == 1.2
             and ln.get_linestyle() != "None"]
    assert len(paths) == len(table)
    assert all(ln.get_linestyle() in ("--", ":", "-.") for ln in paths)  # never solid
    assert len(PROJECTION_LINESTYLES) >= len(table) and "-" not in PROJECTION_LINESTYLES
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "projected from 01 Jan 2026 (dashed, dotted)" in texts
    assert "the marker on each path: where it reaches the total" in texts
    assert "lighter: interpolated, no exact statement for 60+ days" in texts


def test_the_calibration_rows_name_the_series_in_words():
    from analysis.plots.validation import plot_calibration, series_label

    keys = ["casualties:total", "casualties:civilian_killed", "clearance:all:ap_mines", "clearance:all:hectares",
            "clearance:mod:uxo"]
    scores = pd.DataFrame({"series": keys * 2, "test": ["leave_one_out"] * 5 + ["rolling_origin"] * 5,
                           "n": [40, 12, 8, 30, 9] * 2, "coverage_50": [0.5] * 10, "coverage_90": [0.9] * 10})
    fig = plot_calibration(scores)
    rows = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert rows == ["casualties (killed and injured)", "civilians killed", "anti-personnel mines cleared",
                    "hectares cleared", "other explosive ordnance cleared (Ministry of Defence engineers)"]
    assert not any("_" in r or ":" in r for r in rows)
    assert series_label("casualties:military_injured") == "military injured"
