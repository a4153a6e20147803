"""The rate model: the expected amount per day, ``exp(eta(d))``, fitted to amounts over periods.

``eta(d) = b0 + b1 t + b2 (t - tau)_+ + g1 sin(2 pi y) + g2 cos(2 pi y)`` with ``t`` in years since the
origin and ``y`` the fraction of the calendar year; the hinge (a change of slope at ``tau``) and the
season are optional terms. The observations are amounts over periods of any length (a week, a month, a
year, the increment between two cumulative figures), each the sum of the daily rate over its days: a
composite-link model. It is fitted by quasi-Poisson maximum likelihood (Fisher scoring), so that the
fitted amounts add up to the observed ones wherever the model has an intercept (the score equation of
``b0``), whatever the lengths of the periods (a negative binomial NB2 fit would weight long periods down and
overstate the level). The dispersion ``phi`` is Pearson's chi-squared over its degrees of freedom, and the
parameters' covariance is ``phi`` times the inverse Fisher information.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
# The normal quantile and the F distribution's survival function are scipy.special's ndtri and fdtrc: the
# routines scipy.stats.norm.ppf and scipy.stats.f.sf call, with the same results to the bit. Importing
# scipy.stats itself costs a kernel a fifth of a second, and notebook 01 needs nothing else from it.
from scipy import special

DAYS_PER_YEAR = 365.25


@dataclass
class RateModel:
    origin: pd.Timestamp
    terms: tuple[str, ...]  # subset of ("slope", "hinge", "season")
    knot: float | None  # hinge position in years since the origin
    beta: np.ndarray
    cov: np.ndarray  # phi * inverse Fisher information
    phi: float
    n: int
    deviance: float

    @property
    def names(self) -> list[str]:
        return _names(self.terms)

    def design(self, days: np.ndarray, hold: int | None = None) -> np.ndarray:
        return _design(self.origin, np.asarray(days), self.terms, self.knot, hold)

    def daily(self, days: np.ndarray, hold: int | None = None) -> np.ndarray:
        return np.exp(self.design(days, hold) @ self.beta)

    def weekly(self, weeks: int, week: int = 7, hold: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Expected amount in each week ``k`` (days ``7k .. 7k+6``) and its gradient in ``beta`` (K x p).
        After day ``hold`` the time term stays at its value of that day (the season goes on)."""
        days = np.arange(weeks * week)
        x = self.design(days, hold)
        rate = np.exp(x @ self.beta)
        mu = rate.reshape(weeks, week).sum(axis=1)
        jac = (rate[:, None] * x).reshape(weeks, week, -1).sum(axis=1)
        return mu, jac

    def period(self, start: np.ndarray, end: np.ndarray, level: float = 0.90, hold: int | None = None) -> pd.DataFrame:
        """Expected amount over days ``start .. end`` (inclusive) with a delta-method interval for the mean and
        a predictive one for the amount itself (mean uncertainty plus ``phi`` times the mean)."""
        start, end = np.asarray(start), np.asarray(end)
        days = np.arange(int(start.min()), int(end.max()) + 1)
        x = self.design(days, hold)
        rate = np.exp(x @ self.beta)
        cr = np.concatenate([[0.0], np.cumsum(rate)])
        cx = np.vstack([np.zeros(x.shape[1]), np.cumsum(rate[:, None] * x, axis=0)])
        i0, i1 = start - days[0], end - days[0] + 1
        mean = cr[i1] - cr[i0]
        grad = cx[i1] - cx[i0]
        var_mean = np.einsum("ij,jk,ik->i", grad, self.cov, grad)
        z = special.ndtri(0.5 + level / 2)
        se_log = np.sqrt(var_mean) / mean
        sd_pred = np.sqrt(var_mean + self.phi * mean)
        return pd.DataFrame({"expected": mean, "lower": mean * np.exp(-z * se_log), "upper": mean * np.exp(z * se_log),
                             "predictive_lower": np.maximum(0.0, mean - z * sd_pred), "predictive_upper": mean + z * sd_pred})

    def ratio_per_year(self, term: str = "slope") -> tuple[float, float, float]:
        """exp of the yearly slope (the first segment's, or the sum of both after the hinge) with a 95 % CI."""
        names = self.names
        c = np.zeros(len(names))
        if term == "slope":
            c[names.index("slope")] = 1
        elif term == "after":
            c[names.index("slope")] = 1
            if "hinge" in names:
                c[names.index("hinge")] = 1
        est = float(c @ self.beta)
        se = float(np.sqrt(c @ self.cov @ c))
        z = special.ndtri(0.975)
        return float(np.exp(est)), float(np.exp(est - z * se)), float(np.exp(est + z * se))


def _names(terms) -> list[str]:
    names = ["intercept"]
    if "slope" in terms:
        names.append("slope")
    if "hinge" in terms:
        names.append("hinge")
    if "season" in terms:
        names += ["sin", "cos"]
    return names


def _design(origin, days, terms, knot, hold=None) -> np.ndarray:
    t = (np.minimum(days, hold) if hold is not None else days) / DAYS_PER_YEAR
    cols = [np.ones_like(t)]
    if "slope" in terms:
        cols.append(t)
    if "hinge" in terms:
        cols.append(np.maximum(t - knot, 0.0))
    if "season" in terms:
        doy = (origin + pd.to_timedelta(days, unit="D")).day_of_year.to_numpy() if len(days) else np.zeros(0)
        angle = 2 * np.pi * (doy - 1) / DAYS_PER_YEAR
        cols += [np.sin(angle), np.cos(angle)]
    return np.column_stack(cols)


#: Prior standard deviations of the terms other than the intercept (log scale, per year for slopes): a weak
#: ridge that keeps a fit to a few amounts from extrapolating a tenfold change a year.
PRIOR_SD = {"slope": 1.0, "hinge": 1.0, "sin": 0.5, "cos": 0.5}


def fit_rate(origin, start, end, amount, terms=("slope",), knot=None, max_iter: int = 50) -> RateModel:
    """Quasi-Poisson composite-link fit of amounts over days ``start .. end`` (inclusive, days since origin),
    with a weak normal prior on the non-intercept terms (:data:`PRIOR_SD`, scaled by the dispersion)."""
    start, end, y = np.asarray(start, dtype=np.int64), np.asarray(end, dtype=np.int64), np.asarray(amount, dtype=float)
    if len(y) == 0:
        raise ValueError("no amounts to fit a rate to")
    days = np.arange(int(start.min()), int(end.max()) + 1)
    x = _design(pd.Timestamp(origin), days, terms, knot)
    p = x.shape[1]
    if len(y) < p or (len(y) == p and p > 1):
        raise ValueError(f"{len(y)} amounts are too few for a rate with {p} parameters")
    i0, i1 = start - days[0], end - days[0] + 1
    beta = np.zeros(p)
    beta[0] = np.log(max(y.sum(), 1e-9) / (end - start + 1).sum())
    # the prior's precision in units of the quasi-likelihood: the amounts' scale enters through phi, so a
    # first Poisson-scale fit is run with a unit dispersion, then the ridge is rescaled by its phi
    names = _names(terms)
    prior_prec = np.diag([0.0] + [1.0 / PRIOR_SD[n] ** 2 for n in names[1:]])

    def penalised(beta, phi):
        rate = np.exp(np.clip(x @ beta, -700, 700))
        cr = np.concatenate([[0.0], np.cumsum(rate)])
        m = cr[i1] - cr[i0]
        return np.sum(y * np.log(np.maximum(m, 1e-300)) - m) / phi - 0.5 * beta @ prior_prec @ beta, m

    phi = 1.0
    for sweep in range(2):
        ll = None  # the penalised quasi-likelihood at beta (phi changes between sweeps)
        for _ in range(max_iter):
            rate = np.exp(x @ beta)
            cr = np.concatenate([[0.0], np.cumsum(rate)])
            cx = np.vstack([np.zeros(p), np.cumsum(rate[:, None] * x, axis=0)])
            m = cr[i1] - cr[i0]
            d = cx[i1] - cx[i0]
            score = d.T @ (y / m - 1.0) / phi - prior_prec @ beta
            info = (d / m[:, None]).T @ d / phi + prior_prec
            step = np.linalg.solve(info, score)
            if ll is None:
                ll, _ = penalised(beta, phi)
            for _ in range(30):  # step-halving keeps the penalised quasi-likelihood from falling
                nb = beta + step
                ll2, m2 = penalised(nb, phi)
                if np.all(m2 > 0) and ll2 >= ll - 1e-12:
                    break
                step /= 2
            beta, ll = nb, ll2  # the accepted step's value is the next iteration's starting one
            if np.max(np.abs(step)) < 1e-10:
                break
        rate = np.exp(x @ beta)
        cr = np.concatenate([[0.0], np.cumsum(rate)])
        m = cr[i1] - cr[i0]
        # Pearson's dispersion; with no degree of freedom left (one amount, a constant rate) none can be
        # measured and the Poisson's 1 stands in
        phi = max(float(np.sum((y - m) ** 2 / m) / (len(y) - p)), 1e-9) if len(y) > p else 1.0
    rate = np.exp(x @ beta)
    cr = np.concatenate([[0.0], np.cumsum(rate)])
    cx = np.vstack([np.zeros(p), np.cumsum(rate[:, None] * x, axis=0)])
    m = cr[i1] - cr[i0]
    d = cx[i1] - cx[i0]
    info = (d / m[:, None]).T @ d / phi + prior_prec
    with np.errstate(divide="ignore", invalid="ignore"):
        dev = 2 * np.sum(np.where(y > 0, y * np.log(y / m), 0.0) - (y - m))
    return RateModel(pd.Timestamp(origin), tuple(terms), knot, beta, np.linalg.inv(info), phi, len(y), float(dev))


def _f_test(small: RateModel, big: RateModel, extra: int) -> float:
    df2 = big.n - len(big.beta)
    if df2 <= 0:
        return 1.0
    f = (small.deviance - big.deviance) / extra / big.phi
    return float(special.fdtrc(extra, df2, f)) if f > 0 else 1.0


def choose_rate(origin, start, end, amount, season: bool = False, knots=(), alpha: float = 0.05) -> RateModel:
    """The rate with a linear time term; with a season (if asked for and a quasi-likelihood F test gives
    p < ``alpha``); and with a hinge at the knot that improves it most if its F test gives p < ``alpha`` (a
    decline that slows, or a rise). A constant rate when the amounts are too few for a slope."""
    n = len(amount)
    if n < 4:
        return fit_rate(origin, start, end, amount, ())
    base_terms = ("slope",)
    base = fit_rate(origin, start, end, amount, base_terms)
    if season and n >= 8:
        with_season = fit_rate(origin, start, end, amount, ("slope", "season"))
        if _f_test(base, with_season, 2) < alpha:
            base_terms, base = ("slope", "season"), with_season
    best, best_p = base, alpha
    if n < 8:
        return base
    for knot in knots:
        try:
            alt = fit_rate(origin, start, end, amount, base_terms + ("hinge",), knot)
        except (ValueError, np.linalg.LinAlgError):
            continue
        pval = _f_test(base, alt, 1)
        if pval < best_p:
            best, best_p = alt, pval
    return best
