"""Shared fixtures: a small, valid data package in a temporary folder, to break one cell at a time."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from analysis.pipeline import paths
from analysis.data import ALL_RESOURCES

SHARED_SOURCES = paths.ROOT.parent / "shared" / "sources"


def columns(resource: str) -> list[str]:
    descriptor = json.loads(paths.DESCRIPTOR.read_text(encoding="utf-8"))
    res = next(r for r in descriptor["resources"] if r["name"] == resource)
    return [f["name"] for f in res["schema"]["fields"]]


class MiniPackage:
    """A copy of the descriptor with tiny CSV files; every file starts valid."""

    def __init__(self, root: Path):
        self.root = root
        shutil.copy(paths.DESCRIPTOR, root / "datapackage.json")
        self.rows: dict[str, list[dict]] = {name: [] for name in ALL_RESOURCES}
        self.rows["sources"] = [
            {"source_id": "trend_20231206", "publisher": "Trend", "title": "Mine victims", "url": "https://en.trend.az/x",
             "published": "2023-12-06", "language": "en", "note": ""},
            {"source_id": "caspian_post_20231214", "publisher": "Caspian Post", "title": "Azerbaijan's Landmine Challenge",
             "url": "", "published": "2023-12-14", "language": "en", "note": "no address recorded"},
        ]
        self.rows["casualty_reports"] = [
            dict(report_id="cr001", source_id="trend_20231206", as_of_date="2023-12-06", period_start="2020-11-10",
                 basis="cumulative", scope="official", scope_text="since 2020-11-10", reporting_body="anama",
                 qualifier="exact", killed="65", injured="275", total="340", quote="340 victims, 65 killed"),
            dict(report_id="cr002", source_id="caspian_post_20231214", as_of_date="2023-12-09", period_start="2020-11-10",
                 basis="cumulative", scope="official", scope_text="since November 2020", reporting_body="anama",
                 qualifier="exact", total="340", civilian_total="161", civilian_killed="50", civilian_injured="111",
                 military_total="179", military_killed="15", military_injured="164", quote="161 civilians (50 killed, 111 injured)"),
        ]
        self.rows["clearance_reports"] = [
            dict(report_id="cl001", source_id="caspian_post_20231214", as_of_date="2023-12-09", period_start="2020-11-10",
                 period_end="2023-12-09", basis="cumulative", operators="all", territory="all", reporting_body="anama",
                 ap_mines="30836", at_mines="18601", uxo="61258", hectares="114658", items_qualifier="approx",
                 hectares_qualifier="exact", quote="30,836 anti-personnel mines"),
        ]
        self.write()

    def path(self, resource: str) -> Path:
        return self.root / f"{resource}.csv"

    def write(self) -> None:
        for resource, rows in self.rows.items():
            cols = columns(resource)
            with open(self.path(resource), "w", newline="", encoding="utf-8") as fh:
                w = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
                w.writeheader()
                for r in rows:
                    w.writerow({c: r.get(c, "") for c in cols})

    def rewrite_columns(self, resource: str, drop: str | None = None, add: tuple[str, str] | None = None) -> None:
        """Write one file with a column dropped, or with an extra column (name, value in every row)."""
        cols = [c for c in columns(resource) if c != drop] + ([add[0]] if add else [])
        with open(self.path(resource), "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n", extrasaction="ignore")
            w.writeheader()
            for r in self.rows[resource]:
                w.writerow({c: (add[1] if add and c == add[0] else r.get(c, "")) for c in cols})

    def set(self, resource: str, index: int, **cells) -> None:
        self.rows[resource][index].update(cells)
        self.write()


@pytest.fixture
def mini(tmp_path) -> MiniPackage:
    return MiniPackage(tmp_path)


@pytest.fixture(autouse=True)
def _close_figures():
    """Every figure a test makes is closed after it (matplotlib warns past 20 open figures)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="module")
def pkg():
    """The project's own data package (data/raw), loaded once per test module."""
    from analysis.data import load_package

    return load_package()
