"""The Frictionless descriptor ``data/raw/datapackage.json``, the single schema of the data package: its
resources, their fields, and what a field's type and constraints say; and the check of the descriptor itself
(:func:`check_descriptor`), so that a broken descriptor gives one message about ``datapackage.json`` instead of
a traceback or a cascade of errors blamed on the data rows."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path, PurePosixPath

from ..pipeline import paths
from .problems import DataValidationError, Problem, visible

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
#: The field types the loader reads (a partial date is a string with :data:`PARTIAL_DATE_PATTERN`).
FIELD_TYPES = ("string", "integer", "number", "date")
#: The constraints the loader checks; any other would be accepted silently, so the descriptor may not use it.
CONSTRAINTS = ("required", "unique", "minimum", "maximum", "enum", "pattern")
#: ``dateRange.maximum`` may name the day of the run instead of a date.
RUN_DATE = "today"
#: The CSV dialect the loader reads.
DIALECT = {"delimiter": ",", "header": True, "quoteChar": '"'}
DESCRIPTOR = "datapackage.json"


def load_descriptor(raw_dir: Path | str | None = None) -> dict:
    """The Frictionless descriptor (``datapackage.json``) of ``raw_dir`` (default: the project's data/raw),
    checked by :func:`check_descriptor`; raises :class:`DataValidationError` when it cannot be used."""
    raw_dir = Path(raw_dir) if raw_dir is not None else paths.RAW
    path = raw_dir / DESCRIPTOR
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataValidationError([Problem(str(path), "missing-file", "the descriptor does not exist")]) from None
    except OSError as exc:
        raise DataValidationError([Problem(DESCRIPTOR, "descriptor-json", f"cannot be read: {exc.strerror}")]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataValidationError([Problem(DESCRIPTOR, "encoding", f"byte 0x{data[exc.start]:02x} is not UTF-8: save the "
                                           "descriptor as UTF-8", line=line)]) from None
    repeated: list[str] = []

    def pairs(items):
        seen = {}
        for key, value in items:
            if key in seen:
                repeated.append(key)
            seen[key] = value
        return seen

    try:
        descriptor = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise DataValidationError([Problem(DESCRIPTOR, "descriptor-json", f"not valid JSON: {exc.msg} (column {exc.colno})",
                                           line=exc.lineno)]) from None
    except RecursionError:
        raise DataValidationError([Problem(DESCRIPTOR, "descriptor-json", "not valid JSON: nested too deeply")]) from None
    # A repeated key is the one cause of whatever follows from JSON keeping only its last value: report it alone.
    problems = [Problem(DESCRIPTOR, "descriptor-key", f"the key '{visible(k)}' appears twice in one object (JSON keeps only "
                        "the last)", line=_repeated_line(text, k)) for k in dict.fromkeys(repeated)]
    problems = problems or check_descriptor(descriptor, text)
    if problems:
        raise DataValidationError(problems)
    return descriptor


def _line_of(text: str, needle: str, after: int = 0) -> int | None:
    """The line of the first ``needle`` at or after line ``after`` (a best guess for a message)."""
    lines = text.splitlines()
    for i in range(max(after - 1, 0), len(lines)):
        if needle in lines[i]:
            return i + 1
    return None


def _repeated_line(text: str, key: str) -> int | None:
    """The line of a ``"key":`` repeated within one object, as far as the indentation tells (else the first)."""
    needle = f"{json.dumps(key, ensure_ascii=False)}:"
    seen: dict[int, int] = {}  # indentation -> line of the key in the object open at that indentation
    first = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        if not stripped:
            continue
        indent = len(line) - len(stripped)
        for deeper in [i for i in seen if i > indent]:
            del seen[deeper]  # that object has ended
        if stripped.startswith(needle):
            if indent in seen:
                return number
            seen[indent] = number
            first = first or number
    return first


def _name_line(text: str, name, after: int = 0) -> int | None:
    return _line_of(text, f'"name": {json.dumps(name, ensure_ascii=False)}', after) if isinstance(name, str) else None


def check_descriptor(descriptor, text: str = "") -> list[Problem]:
    """What makes the descriptor unusable: not an object, a resource or field without a required key, an unknown
    field type, a constraint the loader does not check (or of the wrong kind), a path outside the package (``..``,
    absolute), a primary key that is not the resource's first field, a foreign key to nothing, a dialect the loader
    does not read, a resource of the project missing. Each is one problem about ``datapackage.json``."""
    problems: list[Problem] = []

    def bad(rule, message, location=None, field=None, line=None):
        problems.append(Problem(DESCRIPTOR, rule, message, line=line, column=field, location=location))

    if not isinstance(descriptor, dict):
        bad("descriptor-key", f"the descriptor must be a JSON object with 'resources', not a {type(descriptor).__name__}")
        return problems
    resources = descriptor.get("resources")
    if not isinstance(resources, list):
        bad("descriptor-key", "the descriptor has no list 'resources'" if resources is None else
            f"'resources' must be a list, not a {type(resources).__name__}")
        return problems
    names: dict[str, int] = {}
    fields_of: dict[str, list[str]] = {}
    for index, res in enumerate(resources):
        where = f"resources[{index}]"
        if not isinstance(res, dict):
            bad("descriptor-key", f"a resource must be an object, not a {type(res).__name__}", where)
            continue
        name = res.get("name")
        if not isinstance(name, str) or not name:
            bad("descriptor-key", "the resource has no 'name'", where, line=_line_of(text, '"path"'))
            continue
        where = f"resource '{visible(name)}'"
        line = _name_line(text, name)
        if name in names:
            bad("descriptor-key", f"the name is used twice (resources[{names[name]}] and resources[{index}])", where, line=line)
            continue
        names[name] = index
        for key in ("path", "schema"):
            if key not in res:
                bad("descriptor-key", f"the resource has no '{key}'", where, line=line)
        path = res.get("path")
        if "path" in res:
            problem = _path_problem(path)
            if problem:
                bad("descriptor-path", problem, where, line=_line_of(text, '"path"', line or 0))
        for key, expected in (("format", "csv"), ("encoding", "utf-8")):
            if key in res and str(res[key]).lower() != expected:
                bad("descriptor-dialect", f"'{key}' is {res[key]!r}; the loader reads {expected!r} only", where, line=line)
        dialect = res.get("dialect", {})
        if not isinstance(dialect, dict):
            bad("descriptor-dialect", "'dialect' must be an object", where, line=line)
        else:
            for key, value in dialect.items():
                if key in DIALECT and value != DIALECT[key]:
                    bad("descriptor-dialect", f"dialect '{key}' is {value!r}; the loader reads {DIALECT[key]!r} only", where,
                        line=_line_of(text, f'"{key}"', line or 0))
        schema = res.get("schema")
        if "schema" not in res:
            continue
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list) or not schema["fields"]:
            bad("descriptor-key", "the schema needs a non-empty list 'fields'", where, line=line)
            continue
        field_names = _check_fields(schema["fields"], where, text, line or 0, bad)
        fields_of[name] = field_names
        _check_primary_key(schema, field_names, where, text, line or 0, bad)
    for index, res in enumerate(resources):
        if isinstance(res, dict) and isinstance(res.get("schema"), dict) and res.get("name") in fields_of:
            _check_foreign_keys(res["schema"], res["name"], fields_of, names, text, bad)
    for name in ALL_RESOURCES:
        if name not in names:
            bad("descriptor-key", f"datapackage.json has no resource named '{name}' (the project reads {name}.csv)")
    return problems


def _path_problem(path) -> str | None:
    if not isinstance(path, str) or not path:
        return f"'path' must be a file name, not {path!r}"
    if "://" in path:
        return f"'path' {path!r} is a web address; the loader reads files of the package only"
    if "\\" in path:
        return f"'path' {path!r} uses backslashes; the Frictionless spec asks for '/' (a POSIX path)"
    pure = PurePosixPath(path)
    if pure.is_absolute() or re.match(r"^[A-Za-z]:", path):
        return f"'path' {path!r} is absolute; the Frictionless spec allows only paths inside the package"
    if ".." in pure.parts:
        return f"'path' {path!r} leaves the package ('..'), which the Frictionless spec forbids"
    if pure.suffix.lower() != ".csv":
        return f"'path' {path!r} is not a .csv file"
    return None


def _check_fields(fields: list, where: str, text: str, line: int, bad) -> list[str]:
    names: list[str] = []
    for index, f in enumerate(fields):
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or not f["name"]:
            bad("descriptor-key", f"fields[{index}] has no 'name'", where, line=line)
            names.append(None)
            continue
        name = f["name"]
        fline = _name_line(text, name, line)
        if name in names:
            bad("descriptor-key", "the field is listed twice", where, name, fline)
        names.append(name)
        if "type" not in f:
            bad("descriptor-type", f"the field has no 'type'; give one of: {', '.join(FIELD_TYPES)}", where, name, fline)
            continue
        ftype = f["type"]
        if ftype not in FIELD_TYPES:
            bad("descriptor-type", f"type {ftype!r} is not one the loader reads: {', '.join(FIELD_TYPES)}", where, name, fline)
            continue
        if "format" in f and f["format"] not in ("default", "uri" if ftype == "string" else "default"):
            bad("descriptor-constraint", f"format {f['format']!r} is not checked by the loader (only 'uri', for strings)",
                where, name, fline)
        cons = f.get("constraints", {})
        if not isinstance(cons, dict):
            bad("descriptor-constraint", "'constraints' must be an object", where, name, fline)
            continue
        for key, value in cons.items():
            message = _constraint_problem(ftype, key, value)
            if message:
                bad("descriptor-constraint", message, where, name, fline)
        if "dateRange" in f:
            message = _date_range_problem(f)
            if message:
                bad("descriptor-constraint", message, where, name, fline)
    return names


def _constraint_problem(ftype: str, key: str, value) -> str | None:
    if key not in CONSTRAINTS:
        return f"constraint '{key}' is not checked by the loader (it checks {', '.join(CONSTRAINTS)})"
    if key in ("required", "unique") and not isinstance(value, bool):
        return f"constraint '{key}' must be true or false, not {value!r}"
    if key in ("minimum", "maximum"):
        if ftype not in ("integer", "number"):
            return f"constraint '{key}' is for integer and number fields (a date's range is 'dateRange')"
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            return f"constraint '{key}' must be a number, not {value!r}"
    if key == "enum" and (not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value)):
        return "constraint 'enum' must be a non-empty list of strings"
    if key == "pattern":
        if not isinstance(value, str):
            return f"constraint 'pattern' must be a string, not {value!r}"
        try:
            re.compile(value)
        except re.error as exc:
            return f"constraint 'pattern' {value!r} is not a regular expression: {exc}"
    return None


def _date_range_problem(f: dict) -> str | None:
    if f["type"] != "date" and not is_partial_date(f):
        return "'dateRange' is for date fields (type date, or a partial date)"
    rng = f["dateRange"]
    if not isinstance(rng, dict) or set(rng) - {"minimum", "maximum"}:
        return "'dateRange' must be an object with 'minimum' and/or 'maximum'"
    for key, value in rng.items():
        if not (key == "maximum" and value == RUN_DATE) and not _is_day(value):
            return f"'dateRange' {key} {value!r} is not a date YYYY-MM-DD" + (f" or '{RUN_DATE}'" if key == "maximum" else "")
    return None


def _is_day(value) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _check_primary_key(schema: dict, field_names: list, where: str, text: str, line: int, bad) -> None:
    pk = schema.get("primaryKey")
    first = field_names[0] if field_names else None
    if pk is None:
        bad("descriptor-primary-key", f"the schema has no 'primaryKey' (it is the first field, '{first}')", where, line=line or None)
        return
    pline = _line_of(text, '"primaryKey"', line)
    keys = [pk] if isinstance(pk, str) else pk
    if not isinstance(keys, list) or len(keys) != 1 or keys[0] != first:
        bad("descriptor-primary-key", f"the primary key is {pk!r}; the loader keys each record by its first field: "
            f"['{first}']", where, line=pline)
        return
    fields = schema["fields"]
    cons = fields[0].get("constraints", {}) if isinstance(fields[0], dict) else {}
    if not (isinstance(cons, dict) and cons.get("required") is True and cons.get("unique") is True):
        bad("descriptor-primary-key", f"the primary key '{first}' must be required and unique", where, first,
            _name_line(text, first, line))


def _check_foreign_keys(schema: dict, name: str, fields_of: dict, resource_names, text: str, bad) -> None:
    where = f"resource '{name}'"
    foreign = schema.get("foreignKeys", [])
    if not isinstance(foreign, list):
        bad("descriptor-key", "'foreignKeys' must be a list", where)
        return
    for fk in foreign:
        ok = (isinstance(fk, dict) and isinstance(fk.get("fields"), list) and isinstance(fk.get("reference"), dict)
              and isinstance(fk["reference"].get("fields"), list) and isinstance(fk["reference"].get("resource", ""), str))
        if not ok:
            bad("descriptor-key", f"a foreign key needs 'fields' and 'reference' with 'resource' and 'fields': {fk!r}", where)
            continue
        target = fk["reference"].get("resource") or name
        missing = [f for f in fk["fields"] if f not in fields_of[name]]
        if missing:
            bad("descriptor-key", f"foreign key fields {missing} are not fields of '{name}'", where)
        if target not in fields_of:
            if target not in resource_names and target not in ALL_RESOURCES:  # else reported where it is broken or missing
                bad("descriptor-key", f"foreign key refers to resource '{target}', which the descriptor does not have", where)
        elif [f for f in fk["reference"]["fields"] if f not in fields_of[target]]:
            bad("descriptor-key", f"foreign key refers to fields {fk['reference']['fields']} that '{target}' does not have", where)


def resource_schema(descriptor: dict, resource: str) -> dict:
    for res in descriptor["resources"]:
        if res["name"] == resource:
            return res
    raise KeyError(f"datapackage.json has no resource named {resource!r}")


def is_partial_date(field_: dict) -> bool:
    """A string field whose pattern allows YYYY, YYYY-MM or YYYY-MM-DD (see PARTIAL_DATE_PATTERN)."""
    cons = field_.get("constraints", {})
    return field_.get("type") == "string" and isinstance(cons, dict) and cons.get("pattern") == PARTIAL_DATE_PATTERN


def date_range(field_: dict, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The earliest and latest day a date field's value may be (its earliest day, for a partial date), from its
    ``dateRange``; ``today`` stands for :data:`RUN_DATE`."""
    rng = field_.get("dateRange", {})
    low, high = rng.get("minimum"), rng.get("maximum")
    return (dt.date.fromisoformat(low) if low else None,
            today if high == RUN_DATE else (dt.date.fromisoformat(high) if high else None))


def enum_values(resource: str, field_name: str, raw_dir: Path | str | None = None) -> list[str]:
    """The known values of an enum column, from the descriptor."""
    res = resource_schema(load_descriptor(raw_dir), resource)
    field_ = next(f for f in res["schema"]["fields"] if f["name"] == field_name)
    return list(field_["constraints"]["enum"])
