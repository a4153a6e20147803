"""Parts that add up: the daily series of a total and its parts made coherent.

Each measure is fitted on its own statements (a total is stated far more often than its civilian or military
parts), so on a given day the fitted parts need not add up to the fitted total. The coherent series are the
weighted-least-squares projection of all of them onto the sums (the "optimal reconciliation" of hierarchical
series, with weights the inverse of each fit's variance that day: Wickramasuriya, Athanasopoulos and Hyndman,
2019, WLS variant): the bottom-level parts ``b = (S' W S)^-1 S' W y``, every measure ``S b``. A measure stated
often moves little; one stated rarely follows its parent. The bottom-level series are then made
non-decreasing (isotonic regression, weighted by precision), so every measure, a sum of them, never falls.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special  # ndtri: the normal quantile (stats.norm.ppf's own routine; see rate.py)
from scipy.optimize import isotonic_regression

#: Casualties: the four bottom-level parts and how every measure sums them.
CASUALTY_BOTTOM = ["civilian_killed", "civilian_injured", "military_killed", "military_injured"]
CASUALTY_SUMS = {
    "total": CASUALTY_BOTTOM,
    "killed": ["civilian_killed", "military_killed"],
    "injured": ["civilian_injured", "military_injured"],
    "civilian": ["civilian_killed", "civilian_injured"],
    "military": ["military_killed", "military_injured"],
}
#: Clearance items: anti-personnel, anti-tank and other ordnance; mines and all items are sums of them.
ITEM_BOTTOM = ["ap_mines", "at_mines", "uxo"]
ITEM_SUMS = {"mines": ["ap_mines", "at_mines"], "items": ["ap_mines", "at_mines", "uxo"]}


def summing_matrix(bottom: list[str], sums: dict[str, list[str]]) -> tuple[list[str], np.ndarray]:
    measures = list(sums) + list(bottom)
    s = np.zeros((len(measures), len(bottom)))
    for i, m in enumerate(measures):
        for part in sums.get(m, [m]):
            s[i, bottom.index(part)] = 1.0
    return measures, s


def reconcile_daily(daily: dict[str, pd.DataFrame], bottom: list[str], sums: dict[str, list[str]],
                    official_sd, level: float = 0.90) -> pd.DataFrame:
    """Coherent daily series from each measure's own daily fit.

    ``daily[m]`` has columns ``date, estimate, var, kind`` (``var`` the series' own variance, without an
    official figure's error) over the same dates; measures missing from ``daily`` are left out of the
    projection (a sum whose parts are all present is still computed from them). ``official_sd(measure,
    estimate)`` gives the error of an official figure, added back for the published intervals. Returns
    ``date, measure, estimate, lower, upper, lower_50, upper_50, sd, kind``.
    """
    present = [m for m in list(sums) + bottom if m in daily]
    if not all(b in daily for b in bottom):
        raise ValueError(f"every bottom-level part needs its own fit: missing {[b for b in bottom if b not in daily]}")
    measures, s_full = summing_matrix(bottom, {k: v for k, v in sums.items()})
    rows = [measures.index(m) for m in present]
    s = s_full[rows]
    dates = daily[bottom[0]]["date"].to_numpy()
    y = np.column_stack([daily[m]["estimate"].to_numpy() for m in present])  # days x measures
    v = np.column_stack([np.maximum(daily[m]["var"].to_numpy(), 1e-6) for m in present])
    w = 1.0 / v
    # per day: (S' W S) b = S' W y, a small system for each day at once
    a = np.einsum("mi,dm,mj->dij", s, w, s)
    rhs = np.einsum("mi,dm,dm->di", s, w, y)
    b = np.linalg.solve(a, rhs[..., None])[..., 0]
    cov_b = np.linalg.inv(a)
    prec_b = 1.0 / np.einsum("dii->di", cov_b)
    for j in range(len(bottom)):  # never falling: isotonic in time, weighted by each day's precision
        b[:, j] = isotonic_regression(b[:, j], weights=prec_b[:, j]).x
    out = []
    for i, m in enumerate(measures):
        if m not in present and not all(p in daily for p in sums.get(m, [m])):
            continue
        row = s_full[i]
        est = b @ row
        var = np.einsum("i,dij,j->d", row, cov_b, row)
        sd = np.sqrt(var + np.asarray(official_sd(m, est)) ** 2)
        frame = {"date": dates, "measure": m, "estimate": est, "sd": sd}
        for lvl, lo_name, hi_name in ((level, "lower", "upper"), (0.50, "lower_50", "upper_50")):
            z = special.ndtri(0.5 + lvl / 2)
            lo = np.maximum.accumulate(np.maximum(est - z * sd, 0.0))
            hi = np.minimum.accumulate((est + z * sd)[::-1])[::-1]
            frame[lo_name], frame[hi_name] = lo, np.maximum(hi, est)
        kinds = [daily[p]["kind"].to_numpy() for p in ([m] if m in daily else sums.get(m, [m]))]
        frame["kind"] = np.where(np.any([k == "fit" for k in kinds], axis=0), "fit", "forecast")
        out.append(pd.DataFrame(frame))
    return pd.concat(out, ignore_index=True)
