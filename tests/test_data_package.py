"""The curated data package: valid, complete, cited, and holding the figures the sources print."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from analysis.pipeline import paths
from analysis.data import STATEMENT_RESOURCES, has_flag

from conftest import SHARED_SOURCES

#: Rows of each file in the first gathering (../shared/sources/README.md); the curation kept every one, in order.
SOURCE_ROWS = {
    "casualty_reports": 150,
    "casualty_incidents": 79,
    "clearance_reports": 176,
    "contamination_estimates": 66,
    "monitor_annual": 565,
}
#: Rows added from the batches gathered in December 2026 (data/raw/intake.csv says which gathered row each holds).
BATCH_2026_12_ROWS = {
    "casualty_reports": 37,
    "casualty_incidents": 0,
    "clearance_reports": 44,
    "contamination_estimates": 18,
    "monitor_annual": 4,
}
#: The gathered batch files and their data rows (../shared/sources/README.md).
BATCHES = {"new_statements_2026-12.csv": 90, "casualty_reports_2026-12.csv": 10, "monitor_annual_2026-12.csv": 4}


def test_frictionless_validates_the_package_against_its_descriptor():
    from frictionless import Package

    package = Package(str(paths.DESCRIPTOR))
    report = package.validate()
    errors = [f"{e[0]}: row {e[1]} field {e[2]}: {e[3]}" for e in report.flatten(["title", "rowNumber", "fieldName", "note"])]
    assert report.valid, "\n".join(errors[:20])


@pytest.mark.parametrize("resource", SOURCE_ROWS)
def test_row_counts_match_the_sources(pkg, resource):
    assert len(pkg[resource]) == SOURCE_ROWS[resource] + BATCH_2026_12_ROWS[resource]


def test_the_intake_ledger_holds_every_gathered_row_once(pkg):
    intake = pkg.intake
    for batch, rows in BATCHES.items():
        lines = intake[intake["batch"] == batch]
        assert sorted(lines["batch_row"].tolist()) == list(range(1, rows + 1)), batch
    assert set(intake["batch"]) == set(BATCHES)


def test_every_added_row_of_the_batch_is_in_the_ledger(pkg):
    """The rows after the first gathering are exactly those the ledger names as added: none unaccounted for."""
    added = {r for records in pkg.intake.loc[pkg.intake["outcome"] == "added", "records"] for r in records.split(";")}
    for resource, first in SOURCE_ROWS.items():
        new = set(pkg[resource].index[first:])
        prefix = pkg[resource].index[0][:2]
        assert new == {r for r in added if r.startswith(prefix)}, resource


def test_already_held_rows_name_a_record_of_the_same_page(pkg):
    from analysis.data import ID_PREFIXES

    held = pkg.intake[pkg.intake["outcome"] == "already_held"]
    for _, line in held.iterrows():
        for rec in line["records"].split(";"):
            frame = pkg[ID_PREFIXES[rec[:2]]]
            assert rec in frame.index[: SOURCE_ROWS[ID_PREFIXES[rec[:2]]]], f"{rec}: already held means a row of the first gathering"


def test_coverage_reaches_the_latest_statements(pkg):
    cov = pkg.coverage().set_index("resource")
    assert cov.loc["casualty_reports", "latest_statement"] == "2026-03-13"
    assert cov.loc["casualty_reports", "latest_publication"] == "2026-03-13"
    # the latest dated clearance statement: the weekly release of 2-9 March 2026 (cl216); the Prime Minister's
    # report of 13 March 2026 gives totals to the end of 2025
    assert cov.loc["clearance_reports", "latest_statement"] == "2026-03-09"
    assert cov.loc["clearance_reports", "latest_publication"] == "2026-03-13"


@pytest.mark.parametrize("resource", STATEMENT_RESOURCES)
def test_every_statement_is_cited(pkg, resource):
    df = pkg[resource]
    assert df["source_id"].isin(pkg.sources.index).all()
    assert df["quote"].str.strip().str.len().gt(0).all()


def test_every_page_is_used_and_has_an_address_or_a_copy(pkg):
    used = pd.concat([pkg[r]["source_id"] for r in STATEMENT_RESOURCES])
    assert set(pkg.sources.index) == set(used)
    no_url = pkg.sources[pkg.sources["url"].isna()]
    for sid, note in no_url["note"].items():
        assert note and "data/raw/documents/" in note, f"{sid}: neither an address nor a copy named in note"
        copy = note.split("data/raw/documents/")[1].split()[0].rstrip(".;,)")
        assert (paths.RAW / "documents" / copy).is_file(), f"{sid}: {copy} is not in data/raw/documents"


def _caspian(pkg, resource):
    df = pkg[resource]
    ids = pkg.sources.index[pkg.sources["publisher"] == "Caspian Post"]
    return df[df["source_id"].isin(ids)]


def test_caspian_post_casualties(pkg):
    rows = _caspian(pkg, "casualty_reports")
    since_ceasefire = rows[rows["period_start"] == pd.Timestamp("2020-11-10")]
    assert len(since_ceasefire) == 1
    row = since_ceasefire.iloc[0]
    assert row["total"] == 340
    assert (row["civilian_total"], row["civilian_killed"], row["civilian_injured"]) == (161, 50, 111)
    assert (row["military_total"], row["military_killed"], row["military_injured"]) == (179, 15, 164)
    # the parts the article prints add up to its totals
    assert row["civilian_total"] + row["military_total"] == row["total"]
    assert row["civilian_killed"] + row["military_killed"] == 65
    since_1991 = rows[rows["period_start"] == pd.Timestamp("1991-01-01")]
    assert since_1991["total"].tolist() == [3419]


def test_caspian_post_clearance(pkg):
    rows = _caspian(pkg, "clearance_reports")
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["as_of_date"] == pd.Timestamp("2023-12-09") and row["as_of_date_precision"] == "day"
    assert (row["ap_mines"], row["at_mines"], row["uxo"], row["hectares"]) == (30836, 18601, 61258, 114658)
    assert row["operators"] == "all" and row["basis"] == "cumulative"


def test_caspian_post_text_is_kept_in_the_project():
    text = (paths.RAW / "documents" / "caspian_post_2023-12-14.txt").read_text(encoding="utf-8")
    for figure in ("340 people", "161", "50 killed, 111 injured", "179 military (15 killed, 164 injured)",
                   "30,836 anti-personnel mines", "18,601 anti-tank mines", "61,258 other", "114,658 hectares"):
        assert figure in text


def test_typed_columns(pkg):
    df = pkg.casualty_reports
    assert str(df["total"].dtype) == "Int64"
    assert isinstance(df["basis"].dtype, pd.CategoricalDtype)
    assert df["period_start"].dtype.kind == "M" and df["as_of_date"].dtype.kind == "M"
    assert str(pkg.clearance_reports["hectares"].dtype) == "Float64"


def test_printed_typo_is_kept_raw_and_corrected_in_the_frame(pkg):
    """Minval printed 365 for 356 (65 killed + 291 injured); the raw row keeps 365."""
    fix = pkg.corrections_applied.query("resource == 'casualty_reports' and field == 'total'")
    assert fix[["printed_value", "corrected_value"]].values.tolist() == [["365", "356"]]
    rec = fix["record_id"].iloc[0]
    assert pkg.casualty_reports.loc[rec, "total"] == 356
    with open(paths.RAW / "casualty_reports.csv", newline="", encoding="utf-8") as fh:
        raw = {r["report_id"]: r for r in csv.DictReader(fh)}
    assert raw[rec]["total"] == "365"


def test_swapped_mine_counts_are_corrected(pkg):
    swapped = pkg.clearance_reports[has_flag(pkg.clearance_reports, "swapped")]
    assert len(swapped) >= 2
    # after correction, anti-personnel mines outnumber anti-tank mines in every swapped row, as everywhere else
    assert (swapped["ap_mines"] > swapped["at_mines"]).all()


def test_every_corrected_row_is_flagged(pkg):
    for _, fix in pkg.corrections_applied.iterrows():
        flags = pkg[fix["resource"]].loc[fix["record_id"], "flags"] or ""
        assert {"typo", "swapped"} & set(flags.split(";")), fix["correction_id"]


def test_source_arithmetic_rows_really_do_not_add_up(pkg):
    """The acknowledgement is only for rows whose printed parts do not add up (so it cannot hide a typo)."""
    df = pkg.casualty_reports
    acknowledged = df[has_flag(df, "source_arithmetic")]
    assert len(acknowledged) >= 1
    for rec, row in acknowledged.iterrows():
        sums = [(row[a], row[b], row[t]) for a, b, t in (("killed", "injured", "total"),
                ("civilian_killed", "civilian_injured", "civilian_total"), ("military_killed", "military_injured", "military_total"))]
        assert any(pd.notna(t) and pd.notna(a) and pd.notna(b) and a + b != t for a, b, t in sums), rec


def test_duplicates_point_at_an_earlier_statement_of_the_same_figures(pkg):
    df = pkg.casualty_reports
    dups = df[has_flag(df, "duplicate")]
    assert dups["duplicate_of"].notna().all()
    counts = ["total", "killed", "injured"]
    same = 0
    for rec, row in dups.iterrows():
        first = df.loc[row["duplicate_of"]]
        if all(pd.isna(row[c]) or pd.isna(first[c]) or row[c] == first[c] for c in counts):
            same += 1
    assert same >= 0.8 * len(dups)


@pytest.mark.skipif(not SHARED_SOURCES.is_dir(), reason="the gathered sources (../shared) are not beside this clone")
@pytest.mark.parametrize("resource", SOURCE_ROWS)
def test_curation_kept_every_source_row_and_quote(resource):
    """Against the gathered sources, where they are at hand: same rows, same order, same verbatim quotes."""
    with open(SHARED_SOURCES / f"{resource}.csv", newline="", encoding="utf-8") as fh:
        source = list(csv.DictReader(fh))
    with open(paths.RAW / f"{resource}.csv", newline="", encoding="utf-8") as fh:
        curated = list(csv.DictReader(fh))
    assert len(source) == SOURCE_ROWS[resource]
    assert [r["quote"] for r in source] == [r["quote"] for r in curated[: len(source)]]


@pytest.mark.skipif(not SHARED_SOURCES.is_dir(), reason="the gathered sources (../shared) are not beside this clone")
@pytest.mark.parametrize("batch", BATCHES)
def test_every_gathered_row_of_the_batch_is_held_with_its_page_and_quote(pkg, batch):
    """Against the December 2026 batch: each gathered row is held by records citing its page, with its quote."""
    from analysis.data import ID_PREFIXES

    with open(SHARED_SOURCES / batch, newline="", encoding="utf-8") as fh:
        gathered = list(csv.DictReader(fh))
    assert len(gathered) == BATCHES[batch]
    ledger = pkg.intake[pkg.intake["batch"] == batch].set_index("batch_row")

    def page(url):
        return url.strip().rstrip("/").replace("http://", "https://").replace("://www.", "://")

    for number, row in enumerate(gathered, start=1):
        line = ledger.loc[number]
        for rec in line["records"].split(";"):
            record = pkg[ID_PREFIXES[rec[:2]]].loc[rec]
            source = pkg.sources.loc[record["source_id"]]
            assert page(source["url"] or "") == page(row["url"]), f"{batch} row {number}: {rec} cites another page"
            if line["outcome"] == "added":
                a, b = _text(row["quote"]), _text(record["quote"])
                assert a in b or b in a, f"{batch} row {number}: {rec} does not keep its verbatim quote"


def _text(quote):
    """A quote with its whitespace and typographic quotes normalised and a trailing excerpt cut removed."""
    text = " ".join((quote or "").replace("\u201c", '"').replace("\u201d", '"').split())
    for cut in ("[...excerpt cut]", "\u2026"):
        text = text.removesuffix(cut).rstrip()
    return text


def test_every_reporting_body_has_a_name_in_words():
    """Legends and generated text name bodies in words: every code the descriptor allows has a name."""
    import json

    from analysis.data.bodies import BODY_NAMES, body_name
    from analysis.pipeline import paths

    descriptor = json.loads((paths.RAW / "datapackage.json").read_text(encoding="utf-8"))
    codes = {code for r in descriptor["resources"] for f in r["schema"]["fields"] if f["name"] == "reporting_body"
             for code in f.get("constraints", {}).get("enum", [])}
    assert codes and codes <= set(BODY_NAMES)
    assert body_name("pgo") == "Prosecutor General's Office" and body_name("pgo", short=True) == "Prosecutor General"
    assert body_name("some_new_body") == "some new body"


def test_the_validated_package_is_cached_for_the_next_notebook_and_follows_its_files(tmp_path, monkeypatch):
    """load_package() keeps the project's valid package in build/package-cache/ under a key of its files, code and
    day: a second load gives the same frames; a changed file (or another day) gives another key."""
    import shutil

    from analysis.data import loading
    from analysis.pipeline import paths

    root = tmp_path / "project"
    shutil.copytree(paths.RAW, root / "data" / "raw")
    monkeypatch.setattr(paths, "ROOT", root)
    monkeypatch.setattr(paths, "RAW", root / "data" / "raw")
    monkeypatch.delenv("AZMINE_NO_CACHE", raising=False)
    first = loading.load_package()
    key = loading._cache_path(None, None)
    assert key.exists() and list(key.parent.glob("*.pickle")) == [key]
    again = loading.load_package()
    assert again.casualty_reports.equals(first.casualty_reports) and again.corrections_applied.equals(first.corrections_applied)
    import datetime as dt
    assert loading._cache_path(None, dt.date(2030, 1, 1)) != key
    (root / "data" / "raw" / "sources.csv").touch()  # touched, same bytes: same key
    assert loading._cache_path(None, None) == key
    path = root / "data" / "raw" / "sources.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Trend", "TREND", 1), encoding="utf-8")
    assert loading._cache_path(None, None) != key  # one changed cell, another key: validated afresh
    assert loading._cache_path(tmp_path / "elsewhere", None) is None  # only the project's own package
