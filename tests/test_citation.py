"""CITATION.cff is valid Citation File Format 1.2.0 (schema vendored from the CFF project in tests/schemas)."""

import json

import jsonschema
import yaml

from analysis.pipeline import paths


def test_citation_file_is_valid_cff():
    citation = yaml.safe_load((paths.ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    schema = json.loads((paths.ROOT / "tests" / "schemas" / "citation-file-format-1.2.0.json").read_text(encoding="utf-8"))
    # dates are strings in the file; YAML reads unquoted ones as dates, which the schema would reject
    jsonschema.validate(citation, schema)
    assert citation["cff-version"] == "1.2.0"


def test_citation_version_matches_the_package():
    import analysis

    citation = yaml.safe_load((paths.ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["version"] == analysis.__version__


def test_the_schema_check_catches_a_broken_citation():
    import pytest

    citation = yaml.safe_load((paths.ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    schema = json.loads((paths.ROOT / "tests" / "schemas" / "citation-file-format-1.2.0.json").read_text(encoding="utf-8"))
    del citation["authors"]
    with pytest.raises(jsonschema.ValidationError, match="authors"):
        jsonschema.validate(citation, schema)
