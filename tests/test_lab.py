"""Every notebook runs in JupyterLab, in a real browser (headless Chromium driven by Playwright), from the
UI: no cell shows an error and every figure renders. A broken notebook is reported as failing.

Also runnable alone: ``make test-lab``. Screenshots go to build/screenshots/ (git-ignored). The notebooks
are opened from a temporary copy, so JupyterLab never saves over the committed ones."""

from __future__ import annotations

import os
import shutil

import nbformat
import pytest

from analysis.pipeline import paths

from jupyterlab_driver import CHROMIUM, CHROMIUM_ARGS, jupyterlab, run_notebook_in_lab

playwright = pytest.importorskip("playwright.sync_api")
# Skipped only on a developer's machine without Chromium; in CI (CI=true) a missing browser is a failure.
pytestmark = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                reason="Chromium is not installed (apt-get install chromium; .ci/run does)")

NOTEBOOKS = sorted(p.name for p in paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
SHOTS = paths.ROOT / "build" / "screenshots"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(paths.NOTEBOOKS, root / "notebooks")
    broken = nbformat.read(root / "notebooks" / "00_data_overview.ipynb", as_version=4)
    broken.cells.insert(5, nbformat.v4.new_code_cell("raise RuntimeError('deliberately broken for the test')"))
    nbformat.write(broken, root / "notebooks" / "99_broken.ipynb")
    with jupyterlab(root) as (base, token), playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser, base, token
        finally:
            browser.close()


def _run(lab, name):
    browser, base, token = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        return run_notebook_in_lab(page, base, token, name, SHOTS / f"{name.removesuffix('.ipynb')}.png")
    finally:
        page.close()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_in_jupyterlab(lab, name):
    result = _run(lab, name)
    assert result["errors"] == [], f"{name} shows an error in JupyterLab:\n" + "\n".join(result["errors"])
    nb = nbformat.read(paths.NOTEBOOKS / name, as_version=4)
    figures_made = sum(c.source.count("save_figure(") for c in nb.cells if c.cell_type == "code")
    assert result["images"] >= figures_made >= 1, f"{name}: {result['images']} figures rendered, {figures_made} expected"
    assert (SHOTS / f"{name.removesuffix('.ipynb')}.png").is_file()


def test_a_broken_notebook_is_reported_as_failing(lab):
    result = _run(lab, "99_broken.ipynb")
    assert len(result["errors"]) == 1 and "deliberately broken for the test" in result["errors"][0]


def test_jupyterlab_does_not_ask_about_news_on_first_start(lab):
    """A first start (empty user settings) with the project's environment: the settings override that
    `make env` installs (jupyter/overrides.json) answers the news question, so no toast asks it."""
    import sys
    from pathlib import Path

    installed = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert installed.read_bytes() == (paths.ROOT / "jupyter" / "overrides.json").read_bytes()
    browser, base, token = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{base}/lab/workspaces/news-check/tree/notebooks?reset&token={token}", timeout=120_000)
        page.wait_for_selector(".jp-DirListing-content", timeout=120_000)
        page.wait_for_timeout(4000)  # the announcements plugin asks a few seconds after start
        assert page.get_by_text("official Jupyter news").count() == 0
        assert page.locator(".jp-Notification-Toast-info, .Toastify__toast").filter(has_text="news").count() == 0
    finally:
        page.close()
