"""The new-release workflow: one row in sources.csv and one in the statement file, and everything updates.

Done on a temporary copy of the data package (and, for the notebooks' signatures, of the project's
inputs): a plausible new statement dated after the last one."""

from __future__ import annotations

import csv
import json
import shutil

import pandas as pd

from analysis.casualties import series
from analysis.pipeline import paths, runner
from analysis.data import load_package

NEW_SOURCE = {"source_id": "trend_20260420", "publisher": "Trend", "title": "MFA: 421 mine victims since 2020",
              "url": "https://en.trend.az/azerbaijan/politics/0000000.html", "published": "2026-04-20", "language": "en",
              "note": "test row"}
#: The statement file as committed: the new row takes the next id and is appended after its last line.
with open(paths.RAW / "casualty_reports.csv", newline="", encoding="utf-8") as _fh:
    _LINES = _fh.read().count("\n")
_ROWS = len(list(csv.DictReader(open(paths.RAW / "casualty_reports.csv", newline="", encoding="utf-8"))))
NEW_ID = f"cr{_ROWS + 1:03d}"
NEW_STATEMENT = {"report_id": NEW_ID, "source_id": "trend_20260420", "as_of_date": "2026-04-20", "period_start": "2020-11-10",
                 "basis": "cumulative", "scope": "official", "scope_text": "since the end of the 2020 war", "reporting_body": "mfa",
                 "qualifier": "exact", "killed": "72", "injured": "349", "total": "421",
                 "quote": "421 citizens have become victims of mines since 2020: 72 killed and 349 injured", "attribution": "Trend (MFA)"}


def add_row(path, row):
    with open(path, newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    with open(path, "a", newline="", encoding="utf-8") as fh:
        csv.DictWriter(fh, fieldnames=header, lineterminator="\n").writerow({c: row.get(c, "") for c in header})


def test_a_new_press_release_in_one_row_updates_everything(tmp_path, monkeypatch):
    root = tmp_path / "project"
    shutil.copytree(paths.RAW, root / "data" / "raw")
    shutil.copytree(paths.NOTEBOOKS, root / "notebooks")
    shutil.copy(paths.ROOT / "requirements.txt", root / "requirements.txt")
    raw = root / "data" / "raw"
    pkg = load_package()
    before = series.analyse(pkg.casualty_reports, pkg.sources)

    add_row(raw / "sources.csv", NEW_SOURCE)
    add_row(raw / "casualty_reports.csv", NEW_STATEMENT)
    new_pkg = load_package(raw)
    after = series.analyse(new_pkg.casualty_reports, new_pkg.sources)

    # the fitted series reaches the new statement, within one person of its 421
    last = after.last_fitted("total")
    assert last["date"] == pd.Timestamp("2026-04-20") and abs(last["estimate"] - 421) <= 1
    assert after.statements.set_index(["record_id", "measure"]).loc[(NEW_ID, "total"), "status"] == "fitted"
    # the monthly table gains April 2026, fitted
    months = after.monthly[after.monthly["measure"] == "total"].set_index("month")
    assert months.loc["2026-04", "kind"] == "fit" and "2026-04" not in set(before.monthly["month"])
    # earlier estimates stay within their earlier intervals
    old = before.daily.set_index(["date", "measure"])
    new = after.daily.set_index(["date", "measure"]).loc[old.index]
    assert ((new["estimate"] >= old["lower"]) & (new["estimate"] <= old["upper"])).all()

    # the notebooks that read casualty_reports.csv would re-run (their signature changes), and only those
    originals = {nb.name: runner.signature(nb) for nb in sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))}
    readers = {name for name in originals
               if "data/raw/casualty_reports.csv" in json.loads((paths.NOTEBOOKS / name).read_text())["metadata"]["azmine"]["inputs"]}
    monkeypatch.setattr(paths, "ROOT", root)
    copies = {name: runner.signature(root / "notebooks" / name) for name in originals}
    assert {name for name in originals if copies[name] != originals[name]} == readers
    assert readers == {"00_data_overview.ipynb", "01_casualty_trends.ipynb", "02_civilian_military.ipynb",
                       "03_clearance_rates.ipynb", "04_validation.ipynb"}


def test_a_mistyped_new_row_is_caught_and_named(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(paths.RAW, raw)
    add_row(raw / "sources.csv", NEW_SOURCE)
    add_row(raw / "casualty_reports.csv", dict(NEW_STATEMENT, total="412"))  # 72 + 349 = 421 typed as 412
    import pytest
    from analysis.data import DataValidationError

    with pytest.raises(DataValidationError) as err:
        load_package(raw)
    assert f"casualty_reports.csv, row {_ROWS + 1} (line {_LINES + 1}, {NEW_ID}), column 'total': [killed-plus-injured]" in str(err.value)


def test_a_new_total_that_falls_is_listed_not_used_silently(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(paths.RAW, raw)
    add_row(raw / "sources.csv", NEW_SOURCE)
    add_row(raw / "casualty_reports.csv", dict(NEW_STATEMENT, killed="", injured="", total="401"))  # below March's 419
    new_pkg = load_package(raw)
    result = series.analyse(new_pkg.casualty_reports, new_pkg.sources, measures=["total"], coherent=False)
    row = result.statements.set_index(["record_id", "measure"]).loc[(NEW_ID, "total")]
    # the series had passed 401 in the summer of 2025 (400 on 1 June 2025, 409 on 17 Oct 2025)
    assert row["status"] == "down-weighted" and row["weight"] < 0.05
    assert row["reason"].startswith("stale: the series had reached 401 by")
    assert abs(result.last_fitted("total")["estimate"] - 419) <= 2


def test_make_figures_on_a_copy_of_the_project_takes_the_new_release(tmp_path):
    """End to end: the new rows in a copy of the project, the runner (as `make figures` calls it), and the
    copy's figures, tables and manifest change while this checkout's stay as they are."""
    import os
    import subprocess
    import sys

    root = tmp_path / "project"
    for folder in ("data", "notebooks", "figures"):
        shutil.copytree(paths.ROOT / folder, root / folder)
    shutil.copy(paths.ROOT / "requirements.txt", root / "requirements.txt")
    shutil.copy(paths.ROOT / "README.md", root / "README.md")
    add_row(root / "data" / "raw" / "sources.csv", NEW_SOURCE)
    add_row(root / "data" / "raw" / "casualty_reports.csv", NEW_STATEMENT)
    ours = {p: p.read_bytes() for d in ("figures", "data/processed") for p in (paths.ROOT / d).iterdir() if p.is_file()}
    ours_readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")

    env = dict(os.environ, AZMINE_ROOT=str(root))
    nbs = sorted(str(p) for p in (root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    out = subprocess.run([sys.executable, "-m", "analysis.pipeline.runner", *nbs], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.count("ran ") == 5  # all five notebooks read casualty_reports.csv

    daily = pd.read_csv(root / "data" / "processed" / "casualties_cumulative_daily.csv")
    total = daily[daily["measure"] == "total"].set_index("date")
    # the default nowcast is the latest publication (the new page's 20 April 2026), the last statement's day too
    assert total.index.max() == "2026-04-20" and abs(total.loc["2026-04-20", "estimate"] - 421) <= 1
    assert total.loc["2026-04-20", "kind"] == "fit"
    assert "2026-04" in set(pd.read_csv(root / "data" / "processed" / "casualties_monthly.csv")["month"])
    manifest = json.loads((root / "figures" / "manifest.json").read_text())
    new_hash = manifest["figures"]["01_cumulative_total"]["inputs"]["data/raw/casualty_reports.csv"]
    assert new_hash != json.loads((paths.FIGURES / "manifest.json").read_text())["figures"]["01_cumulative_total"]["inputs"][
        "data/raw/casualty_reports.csv"]
    assert (root / "figures" / "01_cumulative_total.png").read_bytes() != (paths.FIGURES / "01_cumulative_total.png").read_bytes()
    assert ours == {p: p.read_bytes() for d in ("figures", "data/processed") for p in (paths.ROOT / d).iterdir() if p.is_file()}
    assert (paths.ROOT / "README.md").read_text(encoding="utf-8") == ours_readme

    # the README's headline gives the new day and number; outside its generated blocks the README is unchanged
    from analysis.pipeline import frontpage

    readme = (root / "README.md").read_text(encoding="utf-8")
    head = frontpage._split(readme, "headline")[1]
    row = next(line for line in head.splitlines() if line.startswith("| People killed or injured"))
    figure = f"{round(total.loc['2026-04-20', 'estimate']):,}"  # within one person of 421 (asserted above)
    assert f"| {figure} (" in row and "| 20 April 2026 |" in row, row
    assert "20 April 2026" in frontpage._split(readme, "gallery")[1]  # the cumulative figure's caption
    for block in frontpage.BLOCKS:
        readme = readme.replace(frontpage._split(readme, block)[1], "")
        ours_readme = ours_readme.replace(frontpage._split(ours_readme, block)[1], "")
    assert readme == ours_readme
    # the readings of the notebooks that read casualty_reports.csv give the new day and number
    def markdown_outputs(name):
        nb = json.loads((root / "notebooks" / name).read_text(encoding="utf-8"))
        return "\n".join("".join(o["data"]["text/markdown"]) for c in nb["cells"] for o in c.get("outputs", [])
                         if "text/markdown" in o.get("data", {}))
    assert f"By 20 April 2026, the day of the last statement, the series gives {figure} (" in markdown_outputs("01_casualty_trends.ipynb")
    assert "Carried on to 20 April 2026 as a forecast" in markdown_outputs("03_clearance_rates.ipynb")
    assert "20 April 2026" in manifest["figures"]["01_cumulative_total"]["caption"]
