"""Numbers, dates, intervals and changes in words, written the same way in every reading and caption."""

from __future__ import annotations

import math
from typing import Iterable, Sequence

import pandas as pd

#: The dash between the ends of an interval.
DASH = "–"


def day(date) -> str:
    """'9 December 2023' (no leading zero)."""
    ts = pd.Timestamp(date)
    return f"{ts.day} {ts:%B %Y}"


def short_day(date) -> str:
    """'9 Dec 2023'."""
    ts = pd.Timestamp(date)
    return f"{ts.day} {ts:%b %Y}"


def month(date) -> str:
    """'March 2026'."""
    return f"{pd.Timestamp(date):%B %Y}"


def count(x) -> str:
    """A count, rounded to a whole number, with thousands separators: '1,234'."""
    return f"{int(round(float(x))):,}"


def amount(x, digits: int = 0) -> str:
    """A number with thousands separators and ``digits`` decimals."""
    return f"{float(x):,.{digits}f}"


def percent(p, digits: int = 0) -> str:
    """A share as a percentage: 0.518 -> '52 %'."""
    return f"{100 * float(p):.{digits}f} %"


def ratio(x, digits: int = 2) -> str:
    return f"{float(x):.{digits}f}"


def interval(lo, hi, fmt=count) -> str:
    """'417–422', each end written by ``fmt``."""
    return f"{fmt(lo)}{DASH}{fmt(hi)}"


def percent_interval(lo, hi, digits: int = 0) -> str:
    """'47–57 %'."""
    return f"{100 * float(lo):.{digits}f}{DASH}{100 * float(hi):.{digits}f} %"


def with_interval(estimate, lo, hi, fmt=count, level: str = "90 %") -> str:
    """'420 (90 % interval 417–422)'."""
    return f"{fmt(estimate)} ({level} interval {interval(lo, hi, fmt)})"


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 statement', '3 statements'."""
    n = int(n)
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def listing(items: Iterable[str], conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [str(i) for i in items]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def direction(lo: float, hi: float, no_change: float = 1.0) -> str:
    """'fell' when the whole interval is below ``no_change``, 'rose' when above, else 'unclear'."""
    if hi < no_change:
        return "fell"
    if lo > no_change:
        return "rose"
    return "unclear"


def change_per_year(rate_ratio: float, lo: float, hi: float, what: str = "the rate", level: str = "95 %") -> str:
    """A rate ratio per year in words, its direction decided by the interval:

    - 'the rate fell by about 61 % a year (rate ratio 0.39 per year, 95 % CI 0.23–0.64)';
    - 'the rate rose by about 32 % a year (...)';
    - 'the rate shows no clear change (rate ratio 0.95 per year, 95 % CI 0.80–1.12, which includes no change)'.
    """
    numbers = f"rate ratio {ratio(rate_ratio)} per year, {level} CI {ratio(lo)}{DASH}{ratio(hi)}"
    d = direction(lo, hi)
    if d == "fell":
        return f"{what} fell by about {percent(1 - rate_ratio)} a year ({numbers})"
    if d == "rose":
        return f"{what} rose by about {percent(rate_ratio - 1)} a year ({numbers})"
    return f"{what} shows no clear change ({numbers}, which includes no change)"


def longest_gap(dates: Sequence, since=None, until=None) -> tuple[pd.Timestamp, pd.Timestamp, int] | None:
    """The longest stretch between consecutive dates (optionally from ``since`` and to ``until``, which count
    as ends of stretches): (start, end, days). ``None`` with fewer than two dates."""
    d = pd.Series(pd.to_datetime(pd.Series(list(dates)), errors="coerce")).dropna()
    if since is not None:
        d = pd.concat([d, pd.Series([pd.Timestamp(since)])])
    if until is not None:
        d = pd.concat([d, pd.Series([pd.Timestamp(until)])])
    d = d.drop_duplicates().sort_values().reset_index(drop=True)
    if len(d) < 2:
        return None
    gaps = d.diff().dt.days
    i = int(gaps.idxmax())
    return d[i - 1], d[i], int(gaps[i])


def gap_text(gap: tuple[pd.Timestamp, pd.Timestamp, int] | None) -> str:
    """'from 2 June to 17 October 2025 (137 days)'."""
    if gap is None:
        return "no stretch between statements"
    a, b, n = gap
    if a.year == b.year:
        start = f"{a.day} {a:%B}" if a.month != b.month else f"{a.day}"
        return f"from {start} to {day(b)} ({n} days)"
    return f"from {day(a)} to {day(b)} ({n} days)"


def finite(x) -> bool:
    try:
        return x is not None and not pd.isna(x) and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def last_rows(daily: pd.DataFrame):
    """The last fitted row of a daily series (``kind`` fit) and its last forecast row (None without one)."""
    d = daily.sort_values("date")
    fit, forecast = d[d["kind"] == "fit"], d[d["kind"] == "forecast"]
    return fit.iloc[-1], (forecast.iloc[-1] if len(forecast) else None)


def by_last_statement(last: pd.Series, forecast, estimate, what: str, parts: str = "") -> str:
    """'By 12 March 2026, the day of the last statement, the series gives <estimate> <what><parts>.' and, with a
    forecast row, 'Carried on to ... as a forecast (no statement yet): <estimate>.'; ``estimate`` writes a row."""
    text = f"By {day(last['date'])}, the day of the last statement, the series gives {estimate(last)} {what}{parts}."
    if forecast is not None:
        text += f" Carried on to {day(forecast['date'])} as a forecast (no statement yet): {estimate(forecast)}."
    return text
