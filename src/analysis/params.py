"""Checks of notebook parameters, so that a bad ``papermill -p`` value stops the run at once with a
message that names the parameter (and nothing is written)."""

from __future__ import annotations

from pathlib import Path

from .figures import FORMATS


class ParameterError(ValueError):
    """A notebook parameter has a wrong type or value."""


def require_type(name: str, value, expected: type | tuple[type, ...]):
    """Return ``value`` if it is of ``expected`` type (bool is not accepted as int)."""
    types = expected if isinstance(expected, tuple) else (expected,)
    if isinstance(value, bool) and bool not in types:
        ok = False
    else:
        ok = isinstance(value, types)
    if not ok:
        names = " or ".join(t.__name__ for t in types)
        raise ParameterError(f"parameter '{name}' must be {names}, got {type(value).__name__} {value!r}")
    return value


def year_window(start_year, end_year, *, earliest: int = 1990, latest: int = 2100) -> tuple[int, int]:
    """Check a window of calendar years: integers, within [earliest, latest], start <= end."""
    require_type("start_year", start_year, int)
    require_type("end_year", end_year, int)
    for name, year in (("start_year", start_year), ("end_year", end_year)):
        if not earliest <= year <= latest:
            raise ParameterError(f"parameter '{name}' must be a year between {earliest} and {latest}, got {year}")
    if end_year < start_year:
        raise ParameterError(f"parameter 'end_year' ({end_year}) is before 'start_year' ({start_year})")
    return start_year, end_year


def figure_formats(formats) -> tuple[str, ...]:
    """Check a list of figure formats (a subset of svg, pdf, png)."""
    require_type("figure_formats", formats, (list, tuple))
    bad = [f for f in formats if f not in FORMATS]
    if not formats or bad:
        raise ParameterError(f"parameter 'figure_formats' must be a non-empty list from {list(FORMATS)}, got {list(formats)!r}")
    return tuple(formats)


def directory(name: str, value, default: Path, *, must_exist: bool = False) -> Path:
    """A folder parameter: '' means ``default``; a relative path is taken from the project root."""
    require_type(name, value, str)
    if value == "":
        return default
    from .paths import ROOT

    path = Path(value)
    path = path if path.is_absolute() else ROOT / path
    if must_exist and not path.is_dir():
        raise ParameterError(f"parameter '{name}': folder {value!r} does not exist")
    return path
