"""Checks of notebook parameters, so that a bad ``papermill -p`` value stops the run at once with a
message that names the parameter and says what would be valid (and nothing is written).

Three kinds: the value on its own (a type, a date, a folder that is a file); the names papermill injected,
against those the notebook's parameters cell declares (:func:`known_parameters`: papermill itself only warns
about an unknown name and runs the defaults); and the value against the data it selects (a window with no
statement in it, a scenario smaller than the area already cleared, a scope with too few figures for a trend),
which take plain values and frames so that a notebook can call them right after loading the data, before its
first figure or table."""

from __future__ import annotations

import ast
import difflib
import os
import re
from pathlib import Path


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
    from ..plots.save import FORMATS  # here, not at the top: the runner checks parameters without matplotlib

    require_type("figure_formats", formats, (list, tuple))
    bad = [f for f in formats if f not in FORMATS]
    if not formats or bad:
        raise ParameterError(f"parameter 'figure_formats' must be a non-empty list from {list(FORMATS)}, got {list(formats)!r}")
    return tuple(formats)


def directory(name: str, value, default: Path, *, must_exist: bool = False) -> Path:
    """A folder parameter: '' means ``default``; a relative path is taken from the project root.

    A folder to read (``must_exist``) must exist; a folder to write must be one, or be possible to create: a
    path that is a file, or under a file, or in a folder this process may not write in, is a
    :class:`ParameterError` before anything is written (nothing is created here)."""
    require_type(name, value, str)
    from .paths import ROOT

    path = default if value == "" else (Path(value) if Path(value).is_absolute() else ROOT / value)
    shown = repr(value) if value else f"'' ({path})"
    if path.exists() and not path.is_dir():
        raise ParameterError(f"parameter '{name}': {shown} is a file, not a folder; give a folder (or '' for {default})")
    if must_exist:
        if not path.is_dir():
            raise ParameterError(f"parameter '{name}': folder {value!r} does not exist")
        return path
    ancestor = path
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ParameterError(f"parameter '{name}': folder {shown} cannot be created, because {ancestor} is a file; give a "
                             f"folder (or '' for {default})")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        what = "written in" if ancestor == path else f"created (no permission to write in {ancestor})"
        raise ParameterError(f"parameter '{name}': folder {shown} cannot be {what}; give a folder you may write in "
                             f"(or '' for {default})")
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


# --------------------------------------------------------------------------------------------------
# the names papermill injected


#: The first line of the cell papermill injects after the parameters cell (its translators' comment).
INJECTED_COMMENT = "# Parameters"


def declared_parameters(source: str) -> list[str]:
    """The names a parameters cell assigns, in order (``name: type = value`` or ``name = value``), as papermill
    reads them; a cell that is not Python declares none."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name) and leaf.id not in names:
                    names.append(leaf.id)
    return names


def unknown_parameters(passed, declared) -> None:
    """A :class:`ParameterError` naming the first of ``passed`` (names) that is not among ``declared``, with the
    closest declared name and the list of them."""
    declared = list(declared)
    unknown = [p for p in passed if p not in declared]
    if not unknown:
        return
    name = unknown[0]
    close = difflib.get_close_matches(name, declared, n=1)
    more = f" (nor is {', '.join(repr(u) for u in unknown[1:])})" if len(unknown) > 1 else ""
    message = f"parameter '{name}' is not a parameter of this notebook{more}: papermill would ignore it and run the default"
    message += f"; did you mean '{close[0]}'?" if close else "."
    raise ParameterError(f"{message} The notebook's parameters: {', '.join(declared) or 'none'}")


def known_parameters(history: list[str] | None = None) -> None:
    """In a notebook, first thing in the cell after the parameters cell: every name papermill injected is one
    the parameters cell declares (papermill only logs a warning for an unknown name and runs the defaults).

    ``history`` is the kernel's list of executed cell sources (IPython's ``In``, the default). Papermill's
    injected cell is the last one that starts with :data:`INJECTED_COMMENT`; the cell run just before it is
    the parameters cell. Without an injected cell (JupyterLab, nbval, a papermill run without parameters)
    there is nothing to check."""
    if history is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - the notebooks always run in IPython
            return
        shell = get_ipython()
        history = list(shell.user_ns.get("In", [])) if shell is not None else []
    index = next((i for i in range(len(history) - 1, -1, -1)
                  if history[i].lstrip().startswith(INJECTED_COMMENT + "\n") or history[i].strip() == INJECTED_COMMENT), None)
    if index is None:
        return
    declared = declared_parameters(history[index - 1]) if index > 0 else []
    unknown_parameters(declared_parameters(history[index]), declared)


# --------------------------------------------------------------------------------------------------
# values against the data they select


def _shown(value) -> str:
    import pandas as pd

    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    return "''" if value is None or value == "" else str(value)


def window_with_data(dates, start, end=None, *, names=("window_start", "window_end"), what: str = "statements",
                     minimum: int = 1) -> int:
    """Check that the window ``start``..``end`` (dates; ``end`` None = open) holds at least ``minimum`` of
    ``dates`` (the dates of the statements the window selects); returns how many it holds.

    Otherwise a :class:`ParameterError` naming both parameters, with the span the data cover: a window
    with no data gives blank figures or an error deep in the analysis, after other figures were written."""
    import pandas as pd

    days = pd.to_datetime(pd.Series(list(dates)), errors="coerce").dropna()
    lo = pd.Timestamp(start) if start is not None and start != "" else None
    hi = pd.Timestamp(end) if end is not None and end != "" else None
    inside = days[((days >= lo) if lo is not None else True) & ((days <= hi) if hi is not None else True)]
    if len(inside) >= minimum:
        return int(len(inside))
    held = f"holds {len(inside)} {what}" if len(inside) else f"holds no {what}"
    need = f" (at least {minimum} needed)" if minimum > 1 else ""
    span = (f"the {what} run from {days.min():%Y-%m-%d} to {days.max():%Y-%m-%d}" if len(days) else f"there are no {what} at all")
    raise ParameterError(f"parameters '{names[0]}' ({_shown(lo)}) and '{names[1]}' ({_shown(hi)}): the window {held}{need}; "
                         f"{span}: give a window that overlaps them")


def years_with_data(years, start_year: int, end_year: int, *, names=("start_year", "end_year"), what: str = "figures",
                    minimum: int = 1) -> int:
    """Check that the calendar years ``start_year``..``end_year`` hold at least ``minimum`` of ``years`` (the
    year of each figure the range selects: ints, or dates); returns how many they hold. Otherwise a
    :class:`ParameterError` naming both parameters and the years the data cover."""
    import pandas as pd

    values = pd.Series(list(years))
    if len(values) and not pd.api.types.is_numeric_dtype(values):
        values = pd.to_datetime(values, errors="coerce").dt.year
    values = pd.to_numeric(values, errors="coerce").dropna().astype(int)
    inside = values[(values >= start_year) & (values <= end_year)]
    if len(inside) >= minimum:
        return int(len(inside))
    held = f"hold {len(inside)} {what}" if len(inside) else f"hold no {what}"
    need = f" (at least {minimum} needed)" if minimum > 1 else ""
    span = (f"the {what} cover {values.min()}-{values.max()}" if len(values) else f"there are no {what} at all")
    raise ParameterError(f"parameters '{names[0]}' ({start_year}) and '{names[1]}' ({end_year}): the years {held}{need}; "
                         f"{span}: give years that overlap them")


def scenarios_above_cleared(name: str, scenarios: dict, cleared: float, *, as_of=None, unit: str = "ha") -> dict:
    """Check that every scenario (label -> total area) is larger than the area ``cleared`` already (by
    ``as_of``); returns the scenarios. A scenario not above it would leave nothing, or less than nothing,
    to clear: a :class:`ParameterError` naming the parameter, the scenario and the smallest valid area."""
    when = f" by {_shown(as_of)}" if as_of is not None else ""
    small = {label: area for label, area in scenarios.items() if not float(area) > float(cleared)}
    if small:
        label, area = next(iter(small.items()))
        more = f" (and {len(small) - 1} more)" if len(small) > 1 else ""
        raise ParameterError(f"parameter '{name}': scenario '{label}' ({float(area):,.0f} {unit}){more} is not larger than the "
                             f"area already cleared{when}, {float(cleared):,.0f} {unit}: nothing would be left to clear; give "
                             f"areas above {float(cleared):,.0f} {unit}")
    return dict(scenarios)


def enough_for_trend(name: str, counts: dict, minimum: int, *, need=None, what: str = "figures") -> list:
    """Check that each item a trend is fitted to (``need``: labels, default every one of ``counts``) has at least
    ``minimum`` ``what`` in ``counts`` (label -> how many, e.g. scope -> amounts its rate is fitted to; a label
    missing from ``counts`` has none); returns the labels checked. Otherwise a :class:`ParameterError` naming
    the parameter, the item with too few and those that would do."""
    need = list(counts) if need is None else list(need)
    few = {label: counts.get(label, 0) for label in need if counts.get(label, 0) < minimum}
    if few:
        label, n = next(iter(few.items()))
        enough = [str(lab) for lab, k in counts.items() if k >= minimum]
        others = f"; enough: {', '.join(enough)}" if enough else ""
        more = f" (and {', '.join(map(str, list(few)[1:]))})" if len(few) > 1 else ""
        has = f"has {n} {what}" if label in counts else f"is not chosen (0 {what})"
        raise ParameterError(f"parameter '{name}': '{label}' {has}{more}, too few for a trend (at least {minimum} needed)"
                             f"{others}")
    return need
