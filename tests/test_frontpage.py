"""The README's headline numbers and gallery are what the results give; `make figures` rewrites them."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from analysis.pipeline import frontpage, paths


def test_the_readme_is_what_the_results_give():
    assert frontpage.render(paths.ROOT) == (paths.ROOT / "README.md").read_text(encoding="utf-8"), (
        "README.md's generated blocks differ from data/processed and figures/manifest.json: run `make figures`")
    assert frontpage.is_current(paths.ROOT)


def test_the_gallery_takes_titles_and_captions_from_the_manifest():
    manifest = json.loads((paths.FIGURES / "manifest.json").read_text(encoding="utf-8"))["figures"]
    block = frontpage._split((paths.ROOT / "README.md").read_text(encoding="utf-8"), "gallery")[1]
    for name in frontpage.GALLERY:
        assert f"(figures/{name}.png)" in block and manifest[name]["caption"] in block


def _copy(tmp_path):
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    shutil.copytree(paths.PROCESSED, root / "data" / "processed")
    (root / "figures").mkdir()
    shutil.copy(paths.FIGURES / "manifest.json", root / "figures" / "manifest.json")
    shutil.copy(paths.ROOT / "README.md", root / "README.md")
    return root


def test_a_changed_table_rewrites_the_headline_and_nothing_else(tmp_path):
    root = _copy(tmp_path)
    before = (root / "README.md").read_text(encoding="utf-8")
    assert not frontpage.update(root)  # current: nothing to do
    path = root / "data" / "processed" / "civilian_share.csv"
    share = pd.read_csv(path)
    share.loc[len(share) - 1, ["date", "share", "lower", "upper"]] = ["2025-06-30", 0.61, 0.55, 0.66]
    share.to_csv(path, index=False)
    assert not frontpage.is_current(root)
    assert frontpage.update(root)
    after = (root / "README.md").read_text(encoding="utf-8")
    assert "| Civilian share of the casualties of known status | 61 % (55–66 %, 95 % Wilson) | 30 June 2025 | |" in after
    outside = lambda text: [frontpage._split(text, b)[0 if i == 0 else 2] for i, b in enumerate(frontpage.BLOCKS)]
    assert outside(after) == outside(before)


def test_a_readme_without_markers_is_an_error_naming_them(tmp_path):
    root = _copy(tmp_path)
    text = (root / "README.md").read_text(encoding="utf-8").replace("<!-- headline: end -->", "")
    (root / "README.md").write_text(text, encoding="utf-8")
    with pytest.raises(frontpage.FrontPageError, match="<!-- headline: start -->' followed by one '<!-- headline: end -->'"):
        frontpage.render(root)


def test_the_readme_quotes_the_last_benchmark_run():
    """The benchmark table in the README is bench/results.md as `make bench` wrote it, never typed."""
    text = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    results = (paths.ROOT / "bench" / "results.md").read_text(encoding="utf-8")
    assert frontpage._split(text, frontpage.BENCH_BLOCK)[1].strip("\n") == frontpage.bench_block(results)
