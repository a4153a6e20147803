"""The Frictionless descriptor ``data/raw/datapackage.json``, the single schema of the data package: its
resources, their fields, and what a field's type and constraints say."""

from __future__ import annotations

import json
from pathlib import Path

from ..pipeline import paths
from .problems import DataValidationError, Problem


STATEMENT_RESOURCES = (
    "casualty_reports",
    "clearance_reports",
    "contamination_estimates",
    "monitor_annual",
    "casualty_incidents",
)
ALL_RESOURCES = ("sources",) + STATEMENT_RESOURCES + ("corrections", "intake")
#: The id prefix of each statement file, as the intake ledger names records.
ID_PREFIXES = {"cr": "casualty_reports", "cl": "clearance_reports", "ce": "contamination_estimates",
               "ma": "monitor_annual", "ci": "casualty_incidents"}
#: The column that dates each statement (the day its figures refer to, or the end of its period).
STATEMENT_DATE = {"casualty_reports": "as_of_date", "clearance_reports": "as_of_date",
                  "contamination_estimates": "as_of_date", "monitor_annual": "period_end", "casualty_incidents": "date"}
#: The descriptor's pattern for a date known to the day, the month or only the year.
PARTIAL_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def load_descriptor(raw_dir: Path | str | None = None) -> dict:
    """The Frictionless descriptor (``datapackage.json``) of ``raw_dir`` (default: the project's data/raw)."""
    raw_dir = Path(raw_dir) if raw_dir is not None else paths.RAW
    path = raw_dir / "datapackage.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataValidationError([Problem(str(path), "missing-file", "the descriptor does not exist")]) from None
    except json.JSONDecodeError as exc:
        raise DataValidationError([Problem(path.name, "descriptor", f"not valid JSON: {exc}")]) from None


def resource_schema(descriptor: dict, resource: str) -> dict:
    for res in descriptor["resources"]:
        if res["name"] == resource:
            return res
    raise KeyError(f"datapackage.json has no resource named {resource!r}")


def is_partial_date(field_: dict) -> bool:
    """A string field whose pattern allows YYYY, YYYY-MM or YYYY-MM-DD (see PARTIAL_DATE_PATTERN)."""
    return field_["type"] == "string" and field_.get("constraints", {}).get("pattern") == PARTIAL_DATE_PATTERN


def enum_values(resource: str, field_name: str, raw_dir: Path | str | None = None) -> list[str]:
    """The known values of an enum column, from the descriptor."""
    res = resource_schema(load_descriptor(raw_dir), resource)
    field_ = next(f for f in res["schema"]["fields"] if f["name"] == field_name)
    return list(field_["constraints"]["enum"])
