"""The README's generated parts: the headline numbers and the figure gallery, between markers.

``make figures`` calls :func:`update` after every successful run: the blocks are written from the processed
tables (:mod:`analysis.readings.headline`) and the figure manifest (titles and captions, which the notebooks
write from their results), so the front page follows a new statement like the figures do. Everything outside
the markers is the README's own text. The first line of each block carries the SHA-256 of what it was written
from, so a rerun with nothing changed needs no pandas (``python -m analysis.pipeline.frontpage --check``
exits 1 when the README differs from what the results give).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

from . import paths

#: Figures shown in the README's gallery, in order.
GALLERY = ["00_statement_timeline", "01_cumulative_total", "01_monthly_total", "02_civilian_share", "02_case_fatality",
           "03_cumulative_hectares", "03_items_by_type", "03_projection_fan", "04_calibration"]
#: Processed tables the headline is written from.
HEADLINE_TABLES = ("casualties_cumulative_daily", "casualties_trend", "civilian_share", "clearance_cumulative_daily",
                   "clearance_trend", "clearance_projection")
BLOCKS = ("headline", "gallery")
#: The README's benchmark block, written by ``make bench`` (bench/run.py) from bench/results.md.
BENCH_BLOCK = "bench"


def bench_block(results_md: str) -> str:
    """The README's benchmark block: bench/results.md without its title."""
    lines = results_md.strip("\n").splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    body = "\n".join(lines).strip("\n")
    return f"<!-- written by `make bench` (bench/results.md); do not edit -->\n\n{body}"


class FrontPageError(RuntimeError):
    """The README has no (or broken) markers for a generated block."""


def _marker(block: str, end: bool = False) -> str:
    return f"<!-- {block}: {'end' if end else 'start'} -->"


def inputs(root: Path) -> list[Path]:
    """The files the generated blocks are written from."""
    return [root / "data" / "processed" / f"{name}.csv" for name in HEADLINE_TABLES] + [root / "figures" / "manifest.json"]


def inputs_hash(root: Path) -> str:
    """SHA-256 of the headline's tables and of the gallery figures' titles and captions (not of the rest of the
    manifest, whose signatures change with any change of the package)."""
    h = hashlib.sha256()
    for path in inputs(root):
        h.update(path.name.encode())
        if not path.exists():
            h.update(b"missing")
        elif path.name == "manifest.json":
            figures = json.loads(path.read_text(encoding="utf-8")).get("figures", {})
            shown = {name: [figures[name].get("title"), figures[name].get("caption"), figures[name].get("notebook")]
                     for name in GALLERY if name in figures}
            h.update(json.dumps(shown, sort_keys=True).encode())
        else:
            h.update(path.read_bytes())
    return h.hexdigest()


def _stamp(digest: str) -> str:
    return f"<!-- written by `make figures` from data/processed and figures/manifest.json (sha256 {digest[:16]}); do not edit -->"


def gallery(root: Path) -> str:
    """Each gallery figure's PNG with its title and caption from the manifest."""
    manifest = json.loads((root / "figures" / "manifest.json").read_text(encoding="utf-8"))["figures"]
    parts = []
    for name in GALLERY:
        entry = manifest.get(name)
        if entry is None:
            continue
        parts.append(f"**{entry['title']}** (`{entry.get('notebook', '')}`)\n\n![{entry['title']}](figures/{name}.png)\n\n"
                     f"*{entry['caption']}*")
    return "\n\n".join(parts)


def render_blocks(root: Path) -> dict[str, str]:
    from ..readings import headline

    digest = inputs_hash(root)
    tables = headline.tables(root / "data" / "processed")
    return {"headline": f"{_stamp(digest)}\n\n{headline.headline(tables)}", "gallery": f"{_stamp(digest)}\n\n{gallery(root)}"}


def _split(text: str, block: str) -> tuple[str, str, str]:
    start, end = _marker(block), _marker(block, end=True)
    if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
        raise FrontPageError(f"README.md needs exactly one '{start}' followed by one '{end}'")
    a = text.index(start) + len(start)
    b = text.index(end)
    return text[:a], text[a:b], text[b:]


def replace_block(text: str, block: str, content: str) -> str:
    """``text`` with the block between its markers replaced by ``content``."""
    head, _, tail = _split(text, block)
    return f"{head}\n{content}\n{tail}"


def render(root: Path) -> str:
    """The README as the results give it."""
    text = (root / "README.md").read_text(encoding="utf-8")
    blocks = render_blocks(root)
    for block in BLOCKS:
        text = replace_block(text, block, blocks[block])
    return text


def is_current(root: Path) -> bool:
    """Whether every block's stamp matches the inputs (cheap: no pandas)."""
    text = (root / "README.md").read_text(encoding="utf-8")
    stamp = _stamp(inputs_hash(root))
    try:
        return all(_split(text, block)[1].lstrip("\n").startswith(stamp) for block in BLOCKS)
    except FrontPageError:
        return False


def update(root: Path | None = None) -> bool:
    """Rewrite the README's generated blocks if their inputs changed; return whether the file changed. The new
    text is written to a temporary file and moved into place."""
    root = Path(root or paths.ROOT)
    readme = root / "README.md"
    if not readme.exists() or is_current(root):
        return False
    new = render(root)
    if new == readme.read_text(encoding="utf-8"):
        return False
    tmp = readme.with_name(".README.md.tmp")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, readme)
    return True


def main(argv: list[str]) -> int:
    root = paths.ROOT
    if "--check" in argv:
        if render(root) != (root / "README.md").read_text(encoding="utf-8"):
            print("README.md differs from what data/processed and figures/manifest.json give; run `make figures`",
                  file=sys.stderr)
            return 1
        return 0
    print("README.md updated" if update(root) else "README.md is current")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
