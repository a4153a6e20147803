"""Checks of notebook parameters, so that a bad ``papermill -p`` value stops the run at once with a
message that names the parameter (and nothing is written)."""

from __future__ import annotations

import re
from pathlib import Path

from ..plots.save import FORMATS


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


def date_window(start, end) -> tuple:
    """Check an analysis window of ISO dates; ``end`` may be '' (up to the last statement)."""
    import pandas as pd

    require_type("window_start", start, str)
    require_type("window_end", end, str)
    parsed = {}
    for name, value in (("window_start", start), ("window_end", end)):
        if name == "window_end" and value == "":
            parsed[name] = None
            continue
        try:
            parsed[name] = pd.Timestamp(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
        except ValueError:
            parsed[name] = None
        if parsed[name] is None:
            raise ParameterError(f"parameter '{name}' must be a date YYYY-MM-DD, got {value!r}")
    if parsed["window_start"] < pd.Timestamp("2020-11-10"):
        raise ParameterError(f"parameter 'window_start' ({start}) is before the ceasefire of 2020-11-10")
    if parsed["window_end"] is not None and parsed["window_end"] <= parsed["window_start"]:
        raise ParameterError(f"parameter 'window_end' ({end}) is not after 'window_start' ({start})")
    return parsed["window_start"], parsed["window_end"]


def choice(name: str, value, options) -> str:
    """A parameter that must be one of ``options``."""
    require_type(name, value, str)
    if value not in options:
        raise ParameterError(f"parameter '{name}' must be one of {list(options)}, got {value!r}")
    return value


def body_priority(value, known) -> list[str]:
    """A list of reporting bodies in order of trust, each known and listed once."""
    require_type("body_priority", value, (list, tuple))
    unknown = [b for b in value if b not in known]
    if unknown:
        raise ParameterError(f"parameter 'body_priority' has unknown bodies {unknown}; known: {sorted(known)}")
    if len(set(value)) != len(value) or not value:
        raise ParameterError("parameter 'body_priority' must list each body once, and at least one")
    return list(value)


def positive_number(name: str, value) -> float:
    require_type(name, value, (int, float))
    if not value > 0:
        raise ParameterError(f"parameter '{name}' must be > 0, got {value!r}")
    return float(value)


def optional_date(name: str, value):
    """A date parameter (YYYY-MM-DD) or '' for 'not set'; returns a Timestamp or None."""
    import pandas as pd

    require_type(name, value, str)
    if value == "":
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return pd.Timestamp(value)
    except ValueError:
        raise ParameterError(f"parameter '{name}' must be a date YYYY-MM-DD or '', got {value!r}") from None


def subset(name: str, value, options) -> list:
    """A non-empty list drawn from ``options``, each once."""
    require_type(name, value, (list, tuple))
    bad = [v for v in value if v not in options]
    if not value or bad or len(set(value)) != len(value):
        raise ParameterError(f"parameter '{name}' must list each of {list(options)} at most once (and at least one), got {list(value)!r}")
    return list(value)


def positive_mapping(name: str, value) -> dict:
    """A dict of label -> positive number (e.g. scenario areas in hectares)."""
    require_type(name, value, dict)
    bad = {k: v for k, v in value.items() if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0}
    if not value or bad:
        raise ParameterError(f"parameter '{name}' must map labels to positive numbers, got {bad or value!r}")
    return {str(k): float(v) for k, v in value.items()}


def year_mapping(name: str, value, earliest: int = 2020, latest: int = 2200) -> dict:
    """A dict of label -> calendar year."""
    require_type(name, value, dict)
    bad = {k: v for k, v in value.items() if isinstance(v, bool) or not isinstance(v, int) or not earliest <= v <= latest}
    if bad:
        raise ParameterError(f"parameter '{name}' must map labels to calendar years {earliest}-{latest}, got {bad!r}")
    return dict(value)


def nowcast_to(value, last_statement, default, name: str = "nowcast_to"):
    """The day to carry the series on to, as a forecast: an ISO date not before ``last_statement`` (the latest
    day any fitted statement refers to), or '' for ``default`` (the latest publication date in sources.csv,
    or the last statement if that is later)."""
    import pandas as pd

    date = optional_date(name, value)
    last = pd.Timestamp(last_statement)
    if date is None:
        return max(pd.Timestamp(default), last)
    if date < last:
        raise ParameterError(f"parameter '{name}' ({value}) is before the last statement ({last:%Y-%m-%d}): the series "
                             f"runs to its last statement anyway; give a date on or after {last:%Y-%m-%d}, or '' for the "
                             "latest publication date")
    if date > last + pd.Timedelta(days=3 * 365):
        raise ParameterError(f"parameter '{name}' ({value}) is more than three years after the last statement "
                             f"({last:%Y-%m-%d}): a forecast that far says nothing; give a date up to "
                             f"{last + pd.Timedelta(days=3 * 365):%Y-%m-%d}")
    return date
