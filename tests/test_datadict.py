"""data/README.md's data dictionary is the one generated from datapackage.json."""

from analysis import datadict


def test_dictionary_is_current():
    assert datadict.current() == datadict.render(), "run `make data-dictionary`"


def test_dictionary_lists_every_field():
    text = datadict.render()
    for column in ("report_id", "civilian_killed", "hectares_qualifier", "duplicate_of", "printed_value"):
        assert f"| `{column}` |" in text
