"""The latent-increment model: every statement is a linear functional of one unknown series.

The unknown of a series is its non-negative increment in each week since the origin (the ceasefire):
``x_k`` for week ``k`` (days ``7k .. 7k+6``), spread evenly over the week's days, so that the cumulative
amount reached at time ``t`` (days since the start of the origin's day) is piecewise linear,
``F(t) = sum_k x_k * clip((t - 7k) / 7, 0, 1)``. A statement is then a linear functional of ``x``:

- a cumulative figure as of the end of day ``d`` observes ``F(d + 1)``;
- a flow over days ``s .. e`` (weekly, monthly, annual, year-to-date, interval) observes ``F(e + 1) - F(s)``;
- a date known only to the month is an interval of dates: the functional is averaged over its days.

Each observation has an error model (``Observations``): an exact figure is the functional plus a
Student-t error with the body's scale (robust: a stale or misdated figure gets a small weight instead of
bending the series); a rounded or "about" figure is interval-censored to its rounding window, an "at least"
or "at most" figure one-sided, both with the body's scale as the width of the censoring's edge.

The prior on ``x`` is the rate model's expected weekly amount ``mu`` with an over-dispersed variance
``phi * mu**power`` per week (independent weeks: harm and clearance come in bursts), plus the rate's own
uncertainty (``J V J'``, from the trend's parameter covariance), so that a forecast beyond the last statement
widens with the horizon.

The fit is the posterior mode under ``x >= 0`` (Newton steps on the log posterior, which are iteratively
reweighted least squares: the Student-t weights, and the censored terms' curvature; an active set keeps the
increments non-negative). The t weights are EM weights, which converge linearly and, with outliers, slowly;
SQUAREM (Varadhan and Roland 2008) extrapolates along pairs of steps where that raises the log posterior. The fit
stops when a step changes the cumulative series by less than ``tol`` of its total. Its covariance is the inverse
of the negative Hessian there (the Laplace approximation). The data term is assembled in the space of the
cumulative amounts at week boundaries, where each statement touches at most a few entries (a sparse matrix), so
the cost grows linearly with the number of statements; the ``K x K`` algebra over the weeks does not grow with
them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import linalg, sparse, special
from scipy.linalg import lapack

WEEK = 7
#: Degrees of freedom of the Student-t error of exact figures.
T_DOF = 4.0
#: A rounded figure or a bound is taken for an outlier (its weight falls towards 0) when the fit gives its
#: window a probability far below this: the mixture weight is ``P / (P + OUTLIER_MASS)``.
OUTLIER_MASS = 1e-4


@dataclass
class Observations:
    """The statements of one series, as numbers. Day indices count from the origin's day (day 0).

    ``start``: first day of the period (0 for "since the origin"); ``end_lo``/``end_hi``: the earliest and
    latest day the figure can refer to (equal when the day is known); ``lo``/``hi``: the figure's window
    (``lo == hi`` for an exact figure; ``-inf``/``inf`` for a one-sided bound); ``scale``: the error scale
    (the body's standard deviation for exact figures, the edge of the window for censored ones);
    ``weight``: a prior weight (1; 0 leaves the statement out of the fit but keeps it in the table).
    """

    start: np.ndarray
    end_lo: np.ndarray
    end_hi: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    scale: np.ndarray
    weight: np.ndarray = None

    def __post_init__(self):
        self.start = np.asarray(self.start, dtype=np.int64)
        self.end_lo = np.asarray(self.end_lo, dtype=np.int64)
        self.end_hi = np.asarray(self.end_hi, dtype=np.int64)
        self.lo = np.asarray(self.lo, dtype=float)
        self.hi = np.asarray(self.hi, dtype=float)
        self.scale = np.asarray(self.scale, dtype=float)
        self.weight = np.ones(len(self.lo)) if self.weight is None else np.asarray(self.weight, dtype=float)

    def __len__(self) -> int:
        return len(self.lo)

    @property
    def exact(self) -> np.ndarray:
        return self.lo == self.hi

    def subset(self, mask) -> "Observations":
        mask = np.asarray(mask)
        return Observations(self.start[mask], self.end_lo[mask], self.end_hi[mask], self.lo[mask], self.hi[mask],
                            self.scale[mask], self.weight[mask])


def n_weeks(last_day: int) -> int:
    """Weeks needed to cover days ``0 .. last_day``."""
    return int(last_day) // WEEK + 1


def functional(obs: Observations, weeks: int) -> sparse.csr_matrix:
    """Each statement as a row over the cumulative amounts at week boundaries ``c_1 .. c_K``
    (``c_j = F(7 j)``; ``c_0 = 0``). ``F(t) = (1 - f) c_j + f c_{j+1}`` with ``j = t // 7``, ``f = t % 7 / 7``."""
    n = len(obs)
    width = obs.end_hi - obs.end_lo + 1
    rows = np.repeat(np.arange(n), width)
    offsets = np.arange(width.sum()) - np.repeat(np.cumsum(width) - width, width)
    t_end = np.repeat(obs.end_lo, width) + offsets + 1
    share = 1.0 / np.repeat(width, width)
    parts_r, parts_c, parts_v = [], [], []
    for t, sign, r, s in ((t_end, 1.0, rows, share), (obs.start, -1.0, np.arange(n), np.ones(n))):
        j, f = t // WEEK, (t % WEEK) / WEEK
        for col, val in ((j, (1 - f) * s * sign), (j + 1, f * s * sign)):
            keep = (col >= 1) & (val != 0)
            parts_r.append(r[keep]), parts_c.append(col[keep] - 1), parts_v.append(val[keep])
    cols = np.concatenate(parts_c)
    if len(cols) and cols.max() >= weeks:
        raise ValueError(f"a statement reaches week {cols.max() + 1}, past the {weeks} weeks of the grid")
    return sparse.csr_matrix((np.concatenate(parts_v), (np.concatenate(parts_r), cols)), shape=(n, weeks))


def to_increments(h_c: np.ndarray) -> np.ndarray:
    """``L' H L`` for ``c = L x`` (``c_j = x_0 + ... + x_{j-1}``): reverse cumulative sums on both axes."""
    return np.cumsum(np.cumsum(h_c[::-1, ::-1], axis=0), axis=1)[::-1, ::-1]


def _censored_terms(m, lo, hi, s):
    """First and second derivative in ``m`` of ``log P(lo <= m + s Z <= hi)`` (Z standard normal)."""
    a, b = (lo - m) / s, (hi - m) / s
    # log of Phi(b) - Phi(a), stably: on the side of the bulk of the mass
    upper = a > 0  # whole window above m: use the survival functions
    la, lb = np.where(upper, -b, a), np.where(upper, -a, b)
    log_pa, log_pb = special.log_ndtr(la), special.log_ndtr(lb)
    log_mass = log_pb + np.log1p(-np.exp(np.minimum(log_pa - log_pb, -1e-300)))
    pdf_a = np.where(np.isfinite(a), np.exp(-0.5 * a * a - 0.5 * np.log(2 * np.pi) - log_mass), 0.0)
    pdf_b = np.where(np.isfinite(b), np.exp(-0.5 * b * b - 0.5 * np.log(2 * np.pi) - log_mass), 0.0)
    grad = (pdf_a - pdf_b) / s
    aa, bb = np.where(np.isfinite(a), a, 0.0), np.where(np.isfinite(b), b, 0.0)
    hess = ((aa * pdf_a - bb * pdf_b) / s - grad * grad * s) / s
    return grad, hess, log_mass


@dataclass
class Prior:
    """``x ~ N(mu, diag(var) + level * diag(mu) R diag(mu) + J V J')`` over the weeks, where ``R`` is an AR(1)
    correlation (``rho ** |k - l|``): independent bursts, a rate level that wanders for months, and the rate
    model's own uncertainty."""

    mu: np.ndarray
    var: np.ndarray
    jac: np.ndarray | None = None  # K x p: d mu / d beta
    beta_cov: np.ndarray | None = None  # p x p
    level: float = 0.0  # variance of the wandering level, relative to the rate (squared coefficient of variation)
    rho: float = 0.0  # week-to-week correlation of the level

    def covariance(self) -> np.ndarray:
        k = len(self.mu)
        cov = np.diag(self.var)
        if self.level > 0:
            lag = np.abs(np.subtract.outer(np.arange(k), np.arange(k)))
            cov += self.level * np.outer(self.mu, self.mu) * self.rho ** lag
        if self.jac is not None and self.beta_cov is not None and self.jac.shape[1]:
            cov += self.jac @ self.beta_cov @ self.jac.T
        return cov

    def precision(self) -> np.ndarray:
        """The inverse of the prior covariance (Woodbury when it is diagonal plus low rank), computed once."""
        cached = self.__dict__.get("_precision")
        if cached is None:
            cached = self.__dict__["_precision"] = self._precision()
        return cached

    def _precision(self) -> np.ndarray:
        if self.level > 0:
            return _spd_inverse(self.covariance())
        d_inv = 1.0 / self.var
        p = np.diag(d_inv)
        if self.jac is not None and self.beta_cov is not None and self.jac.shape[1]:
            dj = self.jac * d_inv[:, None]
            m = linalg.inv(self.beta_cov) + self.jac.T @ dj
            p -= dj @ linalg.solve(m, dj.T, assume_a="pos")
        return p


@dataclass
class Fit:
    """Posterior mode ``x`` (weekly increments), its covariance, and each statement's final weight."""

    x: np.ndarray
    cov: np.ndarray
    weights: np.ndarray  # robust weight of each statement (1 = fully used; near 0 = an outlier)
    predicted: np.ndarray  # each statement's functional at the mode
    predicted_var: np.ndarray  # its posterior variance
    precision: np.ndarray = field(repr=False, default=None)  # the data term's final IRLS precisions
    pseudo: np.ndarray = field(repr=False, default=None)
    iterations: int = 0

    def cumulative(self, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and variance of the amount reached at the end of each day in ``days``."""
        return cumulative_moments(self.x, self.cov, np.asarray(days) + 1)


def scale_beyond(cov: np.ndarray, first_week: int, factor: float, before: float = 1.0) -> np.ndarray:
    """``D cov D`` with ``D`` ``before`` on the weeks before ``first_week`` and ``factor`` from it on: the weekly
    amounts after the last statement vary ``factor`` times as much about their mean (the forecast's calibration,
    :data:`analysis.statements.model.FORECAST_SCALE`), those the statements pin ``before`` times (the
    interpolation's calibration, :data:`analysis.statements.model.INTERPOLATION_SCALE`). The mode does not move:
    only the spread about it."""
    if before == 1.0 and (factor == 1.0 or first_week >= len(cov)):
        return cov
    d = np.full(len(cov), float(before))
    d[max(first_week, 0):] = factor
    return cov * d[:, None] * d[None, :]


def cumulative_moments(x: np.ndarray, cov: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of ``F(t)`` for each time ``t`` (days since the start of day 0)."""
    t = np.asarray(t, dtype=float)
    k = len(x)
    c = np.concatenate([[0.0], np.cumsum(x)])
    sc = np.zeros((k + 1, k + 1))
    sc[1:, 1:] = np.cumsum(np.cumsum(cov, axis=0), axis=1)  # Cov(c_i, c_j)
    j = np.minimum((t // WEEK).astype(np.int64), k - 1)
    f = np.clip(t / WEEK - j, 0.0, 1.0)
    mean = (1 - f) * c[j] + f * c[j + 1]
    var = (1 - f) ** 2 * sc[j, j] + 2 * f * (1 - f) * sc[j, j + 1] + f ** 2 * sc[j + 1, j + 1]
    return mean, np.maximum(var, 0.0)


#: A one-sided bound is enforced with this fraction of its scale as the width of its edge (a hard constraint
#: in effect) once the fit without it shows it is not an outlier.
BOUND_EDGE = 1e-2


def increment_moments(x: np.ndarray, cov: np.ndarray, t0: np.ndarray, t1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of ``F(t1) - F(t0)`` for each pair (days since the start of day 0): the amount of a
    period, e.g. a month's count."""
    k = len(x)
    c = np.concatenate([[0.0], np.cumsum(x)])
    sc = np.zeros((k + 1, k + 1))
    sc[1:, 1:] = np.cumsum(np.cumsum(cov, axis=0), axis=1)
    idx, wts = [], []
    for t, sign in ((np.asarray(t1, dtype=float), 1.0), (np.asarray(t0, dtype=float), -1.0)):
        j = np.minimum((t // WEEK).astype(np.int64), k - 1)
        f = np.clip(t / WEEK - j, 0.0, 1.0)
        idx += [j, j + 1]
        wts += [sign * (1 - f), sign * f]
    idx, wts = np.stack(idx, axis=1), np.stack(wts, axis=1)  # n x 4
    mean = (wts * c[idx]).sum(axis=1)
    var = np.einsum("na,nb,nab->n", wts, wts, sc[idx[:, :, None], idx[:, None, :]])
    return mean, np.maximum(var, 0.0)


def fit(obs: Observations, prior: Prior, *, max_iter: int = 60, tol: float = 1e-4, robust: bool = True,
        g: sparse.csr_matrix | None = None, stock: np.ndarray | None = None, start: "Fit | None" = None,
        accelerate: bool = True) -> Fit:
    """The posterior mode of the weekly increments given the statements (see the module's docstring).

    Done in two passes. The first fits the exact figures (robustly) and leaves out the rounded figures and
    the bounds. A rounded figure or bound of a cumulative amount (``stock``) is then checked against the
    exact cumulative figures that the first pass kept (weight at least 1/4): the amount never falls, so an
    "at least L" on day d is compatible unless an exact figure after d is below L by more than three of its
    scales, an "at most U" unless one before d is above U by as much (a window, both). Compatible ones
    enter the second pass, bounds as all but hard constraints (their edge ``BOUND_EDGE`` times their
    scale), windows with their scale as the edge; incompatible ones stay out (weight 0). So the fit never
    violates a bound that the exact figures allow. ``accelerate=False`` takes plain steps, without SQUAREM's
    extrapolation (the same mode, in more steps).
    """
    k = len(prior.mu)
    g = functional(obs, k) if g is None else g
    exact = obs.exact
    censored = ~exact & (obs.weight > 0)
    if not censored.any():
        return _fit(obs, prior, g, max_iter=max_iter, tol=tol, robust=robust, start=start, accelerate=accelerate)
    first = _fit(Observations(obs.start, obs.end_lo, obs.end_hi, obs.lo, obs.hi, obs.scale, np.where(exact, obs.weight, 0.0)),
                 prior, g, max_iter=max_iter, tol=tol, robust=robust, start=start, need_cov=False, accelerate=accelerate)
    stock = np.zeros(len(obs), dtype=bool) if stock is None else np.asarray(stock, dtype=bool)
    anchors = exact & stock & (obs.weight > 0) & (first.weights >= 0.25)
    keep = censored.copy()
    if anchors.any():
        order = np.argsort(obs.end_lo[anchors], kind="stable")
        a_day = obs.end_lo[anchors][order]
        a_lo = (obs.lo[anchors] - 3 * obs.scale[anchors])[order]
        a_hi = (obs.lo[anchors] + 3 * obs.scale[anchors])[order]
        # the lowest exact figure on or after each day, the highest on or before it (the amount never falls)
        min_after = np.minimum.accumulate(a_hi[::-1])[::-1]
        max_before = np.maximum.accumulate(a_lo)
        cand = np.flatnonzero(censored & stock)
        first_after = np.searchsorted(a_day, obs.end_hi[cand], side="left")
        last_before = np.searchsorted(a_day, obs.end_lo[cand], side="right") - 1
        low_ok = ~np.isfinite(obs.lo[cand]) | (first_after >= len(a_day)) | \
            (obs.lo[cand] <= min_after[np.minimum(first_after, len(a_day) - 1)])
        high_ok = ~np.isfinite(obs.hi[cand]) | (last_before < 0) | (obs.hi[cand] >= max_before[np.maximum(last_before, 0)])
        keep[cand] = low_ok & high_ok
    one_sided = ~(np.isfinite(obs.lo) & np.isfinite(obs.hi))
    second = Observations(obs.start, obs.end_lo, obs.end_hi, obs.lo, obs.hi,
                          np.where(one_sided & ~exact, obs.scale * BOUND_EDGE, obs.scale),
                          np.where(censored & ~keep, 0.0, obs.weight))
    out = _fit(second, prior, g, max_iter=max_iter, tol=tol, robust=robust, robust_bounds=False, start=first,
               accelerate=accelerate)
    out.weights = np.where(censored, keep.astype(float), out.weights)
    return out


def _fit(obs: Observations, prior: Prior, g: sparse.csr_matrix, *, max_iter: int, tol: float, robust: bool,
         robust_bounds: bool = True, start: "Fit | None" = None, need_cov: bool = True, accelerate: bool = True) -> Fit:
    k = len(prior.mu)
    # the statements as rows over the increments (a = L' g): dense when small, else kept sparse in c-space
    dense = g.shape[0] * k <= 4_000_000
    a = np.cumsum(g.toarray()[:, ::-1], axis=1)[:, ::-1] if dense else None
    gt = None if dense else g.T.tocsr()
    p = prior.precision()
    p_mu = p @ prior.mu
    exact = obs.exact
    used = obs.weight > 0
    cens = ~exact & used
    x = prior.mu.copy() if start is None else start.x.copy()
    active = np.zeros(k, dtype=bool) if start is None else start.x <= 0
    scale_x = max(1.0, float(np.abs(prior.mu).sum()))

    def series(x):
        return a @ x if dense else g @ np.cumsum(x)

    def iterate(x, active, robust_now):
        """One step: the weights and Newton terms at ``x``, then the quadratic model's constrained maximum."""
        m = series(x)
        # exact figures: Student-t by EM weights; censored ones: Newton terms of their log-likelihood
        r = (obs.lo - m) / obs.scale
        tw = np.where(exact, (T_DOF + 1) / (T_DOF + r * r), 1.0) if robust_now else np.ones(len(obs))
        omega = np.where(exact, tw / obs.scale ** 2, 0.0)
        pseudo = np.where(exact, obs.lo, 0.0)
        if cens.any():
            grad, hess, log_mass = _censored_terms(m[cens], obs.lo[cens], obs.hi[cens], obs.scale[cens])
            if robust_now and robust_bounds:  # EM weight of a two-part mixture: the window, or an unrelated figure
                mass = np.exp(log_mass)
                tw[cens] = mass / (mass + OUTLIER_MASS)
                grad, hess = grad * tw[cens], hess * tw[cens]
            w_c = np.maximum(-hess, 0.0)
            ok = w_c > 1e-12
            y_c = np.where(ok, m[cens] + grad / np.where(ok, w_c, 1.0), m[cens])
            omega[cens], pseudo[cens] = np.where(ok, w_c, 0.0), y_c
        omega = omega * obs.weight
        if dense:
            q = p + (a.T * omega) @ a
            b = p_mu + a.T @ (omega * pseudo)
        else:
            q = p + to_increments((gt @ sparse.diags(omega) @ g).toarray())
            b = p_mu + np.cumsum((gt @ (omega * pseudo))[::-1])[::-1]
        x_new, active_new = _solve_non_negative(q, b, active)
        return x_new, active_new, (q, tw, omega, pseudo)

    def log_posterior(x):
        """The log posterior the robust steps climb, up to a constant: the prior, the exact figures' t terms and the
        censored figures' log-probabilities (with the unrelated-figure component where it is in the model)."""
        m = series(x)
        d = x - prior.mu
        r = (obs.lo - m) / obs.scale
        ex = exact & used
        out = -0.5 * d @ (p @ d) - 0.5 * (T_DOF + 1) * np.sum(obs.weight[ex] * np.log1p(r[ex] ** 2 / T_DOF))
        if cens.any():
            log_mass = _censored_terms(m[cens], obs.lo[cens], obs.hi[cens], obs.scale[cens])[2]
            if robust_bounds:
                log_mass = np.logaddexp(log_mass, np.log(OUTLIER_MASS))
            out += np.sum(obs.weight[cens] * log_mass)
        return float(out)

    def distance(x1, x0):
        return np.abs(np.cumsum(x1 - x0)).max() / scale_x

    # The robust steps are EM steps for the t weights, which converge linearly and, with outliers, slowly (up to
    # 40 steps). SQUAREM (Varadhan and Roland 2008, scheme S3) extrapolates along two steps and keeps the point
    # only where the log posterior is at least that of the second step; it needs one step more per cycle and
    # reaches the same mode (a fixed point of the steps) in fewer.
    it, last, done = 0, None, False
    if start is None and robust:  # a cold start is plain least squares first, so that it kills no figure
        x_new, active, last = iterate(x, active, False)
        it, done, x = 1, distance(x_new, x) < tol, x_new
    while not done and it < max_iter:
        x1, a1, last = iterate(x, active, robust)
        it += 1
        if distance(x1, x) < tol:
            x, active = x1, a1
            break
        if not (robust and accelerate) or it >= max_iter:  # (without t weights the steps are Newton's already)
            x, active = x1, a1
            continue
        x2, a2, last = iterate(x1, a1, robust)
        it += 1
        if distance(x2, x1) < tol:
            x, active = x2, a2
            break
        r, v = x1 - x, x2 - 2 * x1 + x
        alpha = -np.sqrt(float(r @ r) / max(float(v @ v), 1e-300))
        if alpha < -1:  # (-1 is the second step itself)
            x_ex = np.maximum(x - 2 * alpha * r + alpha * alpha * v, 0.0)
            if log_posterior(x_ex) >= log_posterior(x2):
                x, active = x_ex, x_ex <= 0
                continue
        x, active = x2, a2
    q, tw, omega, pseudo = last
    m = series(x)
    if not need_cov:  # a first pass: only its mode and weights are read
        return Fit(x, None, tw, m, None, omega, pseudo, it)
    cov = _covariance(q, active)
    return Fit(x, cov, tw, m, functional_variance(g, cov), omega, pseudo, it)


def functional_variance(g: sparse.csr_matrix, cov: np.ndarray, chunk: int = 20000) -> np.ndarray:
    """Posterior variance of each statement's functional, ``g Cov(c) g'`` row by row (in chunks, so that a
    million statements never make a dense million-by-weeks matrix)."""
    cc = np.cumsum(np.cumsum(cov, axis=0), axis=1)  # Cov(c_i, c_j) for c_1 .. c_K
    out = np.empty(g.shape[0])
    for lo in range(0, g.shape[0], chunk):
        part = g[lo:lo + chunk]
        out[lo:lo + chunk] = np.asarray(part.multiply(part @ cc).sum(axis=1)).ravel()
    return out


def _solve_non_negative(q: np.ndarray, b: np.ndarray, active: np.ndarray, max_rounds: int = 60):
    """``argmin 1/2 x'Qx - b'x`` subject to ``x >= 0``, by an active set started from ``active`` (the previous
    Newton step's): all negative increments join the set at once, and all with a negative multiplier leave
    it at once (one at a time after a few rounds, which cannot cycle)."""
    active = active.copy()
    x = np.zeros(len(b))
    tol = 1e-10 * max(1.0, float(np.abs(b).max()))
    for rounds in range(max_rounds):
        free = ~active
        if not free.any():
            x = np.zeros(len(b))
        elif active.any():
            x = _spd_solve(_fixed_out(q, active), np.where(active, 0.0, b))  # the free block's solve, in place
        else:
            x = _spd_solve(q, b)
        negative = free & (x < 0)
        if negative.any():
            active |= negative
            continue
        multiplier = q @ x - b
        release = active & (multiplier < -tol)
        if not release.any():
            break
        if rounds < 10:
            active &= ~release
        else:
            active[np.argmin(np.where(release, multiplier, np.inf))] = False
    x[active] = 0.0
    return x, active


def _cholesky(q: np.ndarray) -> np.ndarray:
    """The upper Cholesky factor of a symmetric positive definite matrix (LAPACK's potrf, as scipy's cho_factor
    calls it, without its checks); a near-hard constraint can leave the matrix badly conditioned, then a ridge of
    1e-12 of its largest diagonal entry is added."""
    c, info = lapack.dpotrf(q, lower=False, clean=False)
    if info > 0:
        ridge = 1e-12 * float(np.max(np.diag(q)))
        c, info = lapack.dpotrf(q + ridge * np.eye(len(q)), lower=False, clean=False)
    if info != 0:
        raise linalg.LinAlgError(f"the matrix is not positive definite (LAPACK info {info})")
    return c


def _spd_solve(q: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve with a symmetric positive definite matrix (its Cholesky factor, :func:`_cholesky`)."""
    x, _ = lapack.dpotrs(_cholesky(q), b, lower=False)
    return x


def _spd_inverse(q: np.ndarray) -> np.ndarray:
    """The inverse of a symmetric positive definite matrix from its Cholesky factor (:func:`_cholesky`, then LAPACK's
    potri: less than half the work of solving against the identity, and symmetric by construction)."""
    inv, info = lapack.dpotri(_cholesky(q), lower=False)
    if info != 0:
        raise linalg.LinAlgError(f"the matrix is singular (LAPACK info {info})")
    return np.triu(inv) + np.triu(inv, 1).T  # potri fills the upper triangle only


def _covariance(q: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Laplace covariance at the mode: the free increments' inverse Hessian; active (zero) ones fixed."""
    if not active.any():
        return _spd_inverse(q)
    if active.all():
        return np.zeros_like(q)
    qf = _fixed_out(q, active)  # the free block in place (see _solve_non_negative); its inverse is the free block's
    cov = _spd_inverse(qf)
    cov[active, :] = 0.0
    cov[:, active] = 0.0
    return cov


def _fixed_out(q: np.ndarray, active: np.ndarray) -> np.ndarray:
    """``q`` with the rows and columns of the ``active`` (fixed) increments cleared and their diagonal set to ``q``'s
    largest: a block of its own, so that a solve gives 0 there and the free increments exactly what the free block
    alone gives. Copying the matrix is a memcpy; taking the free block out by fancy indexing, and putting a result
    back, cost a quarter of a solve."""
    qf = q.copy()
    qf[active, :] = 0.0
    qf[:, active] = 0.0
    qf[active, active] = float(np.max(np.diag(q)))
    return qf
