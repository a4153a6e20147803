"""Drive JupyterLab in a real browser (headless Chromium through Playwright): start a server from the
project's environment on 127.0.0.1 with a random port and a token, open a notebook, run all its cells
from the UI, and report the cells that show an error and the figures that rendered."""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def jupyterlab(root: Path, timeout: float = 60):
    """A JupyterLab server on ``root``; yields its base URL and token; always shut down."""
    port, token = free_port(), secrets.token_hex(16)
    log = open(root / ".jupyterlab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--ServerApp.open_browser=False", "--allow-root", f"--LabApp.workspaces_dir={root / '.workspaces'}",
         f"--LabApp.user_settings_dir={root / '.settings'}"],  # no news or update flags: the project's overrides.json
        stdout=log, stderr=subprocess.STDOUT, cwd=root)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"JupyterLab did not start: {(root / '.jupyterlab.log').read_text()[-2000:]}")
                time.sleep(0.5)
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def run_notebook_in_lab(page, base: str, token: str, name: str, screenshot: Path, timeout_ms: int = 240_000) -> dict:
    """Open ``notebooks/<name>`` in JupyterLab, run all cells from the Run menu, wait until every cell has
    run; return ``{"errors": [...], "images": n, "cells": n}`` and save a screenshot."""
    # a workspace of its own, reset: only this notebook is open
    workspace = name.removesuffix(".ipynb").replace("_", "-")
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/notebooks/{name}?reset&token={token}", timeout=timeout_ms)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout_ms, state="attached")
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=timeout_ms, state="attached")
    page.locator(".jp-Notebook").first.click()
    # clear the stored outputs first, so that what is checked is what this run produced
    page.get_by_role("menuitem", name="Edit", exact=True).click()
    page.get_by_role("menuitem", name="Clear Outputs of All Cells").click()
    page.wait_for_function("() => document.querySelectorAll('.jp-OutputArea-output').length === 0", timeout=timeout_ms)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    # done when no cell is pending ('[*]') and either every code cell has run or one showed an error
    try:
        _wait_until_run(page, timeout_ms)
    except Exception:
        # say where it stopped: the prompts as they stand and a screenshot, for the failure's report
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot.with_name(screenshot.stem + "-timeout.png")), full_page=False)
        prompts = page.eval_on_selector_all(".jp-CodeCell .jp-InputPrompt", "els => els.map(e => e.textContent.trim())")
        raise RuntimeError(f"{name}: not every cell ran within {timeout_ms / 1000:.0f} s; prompts {prompts}") from None
    page.wait_for_timeout(500)
    errors = page.eval_on_selector_all(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']", "els => els.map(e => e.textContent)")
    tracebacks = [e for e in errors if "Traceback" in e or "Error" in e]
    images = page.locator(".jp-RenderedImage img").count()
    cells = page.locator(".jp-CodeCell").count()
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot), full_page=False)
    return {"errors": tracebacks, "images": images, "cells": cells}


def _wait_until_run(page, timeout_ms: int) -> None:
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim());
            const pending = prompts.some(t => t.includes('*'));
            const allRun = prompts.length > 0 && prompts.every(t => /\\d/.test(t));
            const error = document.querySelector(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']") !== null
                && [...document.querySelectorAll(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")]
                       .some(e => e.textContent.includes('Traceback') || /Error/.test(e.textContent));
            return !pending && (allRun || error);
        }""", timeout=timeout_ms)
