"""Daily estimates between the kept figures of a reconciled series: every day from the ceasefire to the last
kept point, with a 90 % interval. Two splits of each increment between consecutive kept points:

- *Counts* (people, :func:`daily_counts`): the increment is split in proportion to a fitted intensity (the
  casualty trend's ``rate_per_day``; uniformly without one); the count reached on a given day follows a
  beta-binomial distribution whose intra-class correlation is set so that the variance inflation at the
  median increment equals the trend model's Pearson dispersion (:func:`intra_class_correlation`; binomial
  when there is none). The estimate is its median and the 90 % interval its 5th-95th percentiles, so every
  kept point lies inside (at a kept point the interval has zero width).
- *Amounts* (hectares, items, :func:`daily_amounts`): the fraction of the increment cleared by a given day
  follows a Beta distribution with mean equal to the elapsed share of days and a concentration that
  matches the week-to-week variability of the weekly releases (κ + 1 = weeks / CV², from the coefficient
  of variation of the weekly figures); estimate = median, 90 % interval = 5th–95th percentiles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd
from scipy import stats

#: The ceasefire of 10 November 2020: every series counts from it.
CEASEFIRE = pd.Timestamp("2020-11-10")


class DailyRate(Protocol):
    """What :func:`daily_counts` needs of a trend: its expected rate on each date (a casualty ``Trend`` has it)."""

    def rate_per_day(self, dates) -> np.ndarray: ...


@dataclass
class Segments:
    """Each day from ``origin`` to the last kept point, with the kept points bracketing it.

    ``days`` counts days since ``origin`` (which counts as a point of value 0); ``t0, v0`` and ``t1, v1``
    are the day and value of the kept points before and after each day (a kept point's own day has
    ``t1`` = that day).
    """

    origin: pd.Timestamp
    days: np.ndarray
    t0: np.ndarray
    t1: np.ndarray
    v0: np.ndarray
    v1: np.ndarray

    @property
    def dates(self) -> pd.DatetimeIndex:
        return self.origin + pd.to_timedelta(self.days, unit="D")


def segments(kept: pd.DataFrame, measure: str, origin: pd.Timestamp) -> Segments | None:
    """The daily segments of one measure's kept points (None when the measure has none)."""
    points = kept[kept["measure"] == measure].sort_values("date")
    if points.empty:
        return None
    knots_t = np.array([0] + [(d - origin).days for d in points["date"]])
    knots_v = np.array([0.0] + points["value"].astype(float).tolist())
    days = np.arange(0, knots_t[-1] + 1)
    seg = np.clip(np.searchsorted(knots_t, days, side="left"), 1, len(knots_t) - 1)
    return Segments(origin, days, knots_t[seg - 1], knots_t[seg], knots_v[seg - 1], knots_v[seg])


def intra_class_correlation(dispersion: float, increments) -> float:
    """ρ with 1 + (n̄ − 1) ρ = dispersion at the median increment n̄ (0 when not over-dispersed)."""
    increments = np.asarray([i for i in increments if i > 1], dtype=float)
    if not np.isfinite(dispersion) or dispersion <= 1 or increments.size == 0:
        return 0.0
    return float(np.clip((dispersion - 1) / (np.median(increments) - 1), 0.0, 0.5))


def betabinom_quantiles(n, a, b, qs) -> tuple[np.ndarray, ...]:
    """Quantiles of Beta-Binomial(n, a, b) for each element: the smallest k with P(X ≤ k) ≥ q.

    The same definition as ``scipy.stats.betabinom.ppf``, but vectorised: for the elements that share an
    ``n`` (every day between two kept points does), the probabilities of 0..n come from
    ``scipy.stats.betabinom.pmf`` in one call and are summed cumulatively. (scipy's generic discrete ppf
    bisects element by element, which took seconds per notebook.) A cumulative probability within 1e-12
    of q counts as reaching it, so an exact tie (q = 0.5 in a symmetric split) is not lost to rounding.
    """
    n = np.asarray(n, dtype=np.int64)
    a, b = np.broadcast_to(np.asarray(a, dtype=float), n.shape), np.broadcast_to(np.asarray(b, dtype=float), n.shape)
    out = tuple(np.empty(n.shape) for _ in qs)
    for size in np.unique(n):
        at = np.flatnonzero(n == size)
        support = np.arange(size + 1)
        cdf = np.cumsum(stats.betabinom.pmf(support[None, :], size, a[at, None], b[at, None]), axis=1)
        for q, result in zip(qs, out):
            reached = cdf >= q - 1e-12
            result[at] = np.where(reached.any(axis=1), reached.argmax(axis=1), size)
    return out


def daily_counts(kept: pd.DataFrame, measure: str, trend: DailyRate | None = None, rho: float = 0.0,
                 level: float = 0.90) -> pd.DataFrame:
    """Cumulative estimate for every day from the ceasefire to the last kept point of ``measure``.

    Columns ``date, measure, estimate, lower, upper`` (people). Between kept points the increment n is split
    by the fitted intensity (uniformly without a trend); the count reached follows Beta-Binomial(n, p, ρ).
    The estimate is its median (a whole number of people), the interval its 5th and 95th percentiles.
    """
    seg = segments(kept, measure, CEASEFIRE)
    if seg is None:
        return pd.DataFrame(columns=["date", "measure", "estimate", "lower", "upper"])
    days, dates, t0, t1, v0, v1 = seg.days, seg.dates, seg.t0, seg.t1, seg.v0, seg.v1
    rate = trend.rate_per_day(dates) if trend is not None else np.ones(days.size)
    cum_rate = np.concatenate([[0.0], np.cumsum(rate[1:])])  # expected events up to the end of each day
    n = (v1 - v0).astype(int)
    span = cum_rate[t1] - cum_rate[t0]
    p = np.where(span > 0, (cum_rate[days] - cum_rate[t0]) / np.where(span > 0, span, 1), 1.0)
    p = np.clip(p, 0.0, 1.0)
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    inner = (p > 0) & (p < 1) & (n > 0)
    lower = np.where(inner, 0.0, np.where(p >= 1, n, 0)).astype(float)
    upper = lower.copy()
    middle = lower.copy()
    if inner.any():
        if rho > 0:
            k = 1 / rho - 1
            lower[inner], middle[inner], upper[inner] = betabinom_quantiles(
                n[inner], p[inner] * k, (1 - p[inner]) * k, (lo_q, 0.5, hi_q))
        else:
            dist = stats.binom(n[inner], p[inner])
            lower[inner], middle[inner], upper[inner] = dist.ppf(lo_q), dist.ppf(0.5), dist.ppf(hi_q)
    return pd.DataFrame({
        "date": dates, "measure": measure, "estimate": (v0 + middle).round().astype(int),
        "lower": (v0 + lower).round().astype(int), "upper": (v0 + upper).round().astype(int),
    })


def daily_amounts(kept: pd.DataFrame, measure: str, cv: float, level: float = 0.90) -> pd.DataFrame:
    """Cumulative amount for every day from the ceasefire to the last kept point, with its interval.

    Columns ``date, measure, estimate, lower, upper``. See the module's method note (Beta split).
    """
    seg = segments(kept, measure, CEASEFIRE)
    if seg is None:
        return pd.DataFrame(columns=["date", "measure", "estimate", "lower", "upper"])
    days, t0, t1, v0, v1 = seg.days, seg.t0, seg.t1, seg.v0, seg.v1
    span = np.maximum(t1 - t0, 1)
    p = np.clip((days - t0) / span, 0.0, 1.0)
    weeks = np.maximum(span / 7.0, 1.0)
    kappa = np.maximum(weeks / max(cv, 1e-6) ** 2 - 1.0, 0.5)
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    frac_mid, frac_lo, frac_hi = p.copy(), p.copy(), p.copy()
    inner = (p > 0) & (p < 1) & (v1 > v0)
    if inner.any():
        dist = stats.beta(p[inner] * kappa[inner], (1 - p[inner]) * kappa[inner])
        frac_mid[inner], frac_lo[inner], frac_hi[inner] = dist.ppf(0.5), dist.ppf(lo_q), dist.ppf(hi_q)
    inc = v1 - v0
    out = pd.DataFrame({
        "date": seg.dates, "measure": measure,
        "estimate": v0 + inc * frac_mid, "lower": v0 + inc * frac_lo, "upper": v0 + inc * frac_hi,
    })
    digits = 1 if measure == "hectares" else 0
    for col in ("estimate", "lower", "upper"):
        out[col] = out[col].round(digits)
    return out
