"""From many statements to one consistent cumulative series per measure.

The rules, applied per measure in this order (each is tested on a small hand-made set):

1. **Relays collapse.** A row flagged ``duplicate`` gives nothing new where the statement it relays
   (``duplicate_of``) gives the same measure with the same value; a relay that adds a measure keeps it.
2. **Bounds are constraints, not counts.** ``at_least``, ``at_most`` and rounded ``approx`` figures
   are kept aside (status ``bound``). An ``approx`` figure printed
   to the unit ("some 30,836 mines") is not a rounded figure, whatever the adverb, and counts as exact.
3. **One figure per date.** Identical figures on the same date collapse to the one from the
   highest-priority body; different figures on the same date are resolved by the body priority
   (printed figures before derived ones, then the lower record id), and the others are listed.
4. **The series never falls.** Of the remaining figures, the largest set that is non-decreasing in time
   is kept (a weighted longest non-decreasing subsequence, ties going to higher-priority bodies). A
   dropped figure is either *stale* (lower than an earlier kept figure: an old total repeated) or
   *probably misdated* (it would force later, consistent figures to fall).

Every observation ends up ``kept``, ``bound`` or ``dropped`` with its reason, so nothing disappears
silently. The functions are generic: :mod:`.casualty_reports` and :mod:`.clearance_reports` build the
observations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Columns of an observation table (one figure of one measure in one statement).
OBSERVATION_COLUMNS = [
    "record_id", "date", "measure", "value", "qualifier", "reporting_body", "derived", "duplicate_of", "note",
]


@dataclass
class Reconciliation:
    """Result of :func:`reconcile`.

    ``kept``: the series' points (``date, measure, value, record_id, reporting_body, derived``), one per
    measure and date. ``observations``: every observation with ``status`` (kept / bound / dropped) and
    ``reason``. ``not_used``: statements that gave no observation at all, with the reason.
    """

    kept: pd.DataFrame
    observations: pd.DataFrame
    not_used: pd.DataFrame

    def dropped(self) -> pd.DataFrame:
        return self.observations[self.observations["status"] == "dropped"]

    def dropped_statements(self, measures=None) -> pd.DataFrame:
        """The dropped figures (of ``measures``, default all) with their reasons, indexed by record id:
        the table each notebook lists under its series."""
        d = self.dropped()
        if measures is not None:
            d = d[d["measure"].isin(list(measures))]
        return d[["record_id", "date", "measure", "value", "reporting_body", "reason"]].set_index("record_id")

    def bounds(self) -> pd.DataFrame:
        return self.observations[self.observations["status"] == "bound"]


def is_round(values: pd.Series) -> pd.Series:
    """A rounded figure: a multiple of 100 from 1,000 up, of 10 below (e.g. 300, 23,000; not 302, 30,836)."""
    v = values.astype(float)
    return ((v >= 1000) & (v % 100 == 0)) | ((v < 1000) & (v % 10 == 0))


def _priority_rank(bodies: pd.Series, priority: list[str]) -> np.ndarray:
    rank = {body: i for i, body in enumerate(priority)}
    codes, names = pd.factorize(bodies.astype(str))
    return np.array([rank.get(name, len(priority)) for name in names], dtype=np.int64)[codes]


def _collapse_relays(obs: pd.DataFrame) -> np.ndarray:
    """Reason for each observation that only repeats the statement it relays (else empty)."""
    reason = np.full(len(obs), "", dtype=object)
    relays = obs[obs["duplicate_of"].notna()]
    if relays.empty:
        return reason
    relayed = obs[obs["record_id"].isin(relays["duplicate_of"])]  # only the relayed statements matter
    originals = relayed[["record_id", "measure", "value"]].drop_duplicates(["record_id", "measure"]).rename(
        columns={"record_id": "duplicate_of", "value": "original_value"})
    matched = relays.reset_index().merge(originals, on=["duplicate_of", "measure"], how="inner")
    same = matched[matched["value"] == matched["original_value"]]
    reason[same["index"].to_numpy()] = [f"relay of {r} (same statement, same figure)" for r in same["duplicate_of"]]
    return reason


def _fenwick_lnds(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Maximum-weight non-decreasing subsequence by a Fenwick tree over the value ranks, O(n log n)."""
    n = len(values)
    ranks = (np.searchsorted(np.unique(values), values) + 1).tolist()  # 1-based
    size = max(ranks)
    tree_best, tree_arg = [-np.inf] * (size + 1), [-1] * (size + 1)
    best, prev, w = [0.0] * n, [-1] * n, weights.tolist()
    for i in range(n):  # plain lists: indexing numpy scalars one by one would be several times slower
        r = ranks[i]
        q_best, q_arg = 0.0, -1
        j = r
        while j > 0:  # prefix maximum over ranks <= r
            if tree_best[j] > q_best:
                q_best, q_arg = tree_best[j], tree_arg[j]
            j -= j & -j
        b = q_best + w[i]
        best[i], prev[i] = b, q_arg
        j = r
        while j <= size:
            if b > tree_best[j]:
                tree_best[j], tree_arg[j] = b, i
            j += j & -j
    keep = np.zeros(n, dtype=bool)
    i = int(np.argmax(best))
    while i >= 0:
        keep[i] = True
        i = prev[i]
    return keep


def longest_non_decreasing(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Boolean mask of the maximum-weight non-decreasing subsequence of ``values`` (in the given order).

    Weights must be positive. A figure that is no lower than every figure before it and no higher than
    every figure after it fits every non-decreasing subsequence, so every best one contains it; such
    figures are found with two cumulative extrema (vectorised). A figure outside the range of the nearest
    such figures on either side can never be kept. Only the rest, the figures in genuine conflict, go
    through the O(n log n) search (a Fenwick tree over value ranks).
    """
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    n = len(v)
    if n == 0:
        return np.zeros(0, dtype=bool)
    max_before = np.maximum.accumulate(np.r_[-np.inf, v[:-1]])
    min_after = np.minimum.accumulate(np.r_[v[1:], np.inf][::-1])[::-1]
    fits = (v >= max_before) & (v <= min_after)
    pos = np.arange(n)
    left = np.maximum.accumulate(np.where(fits, pos, -1))
    right = np.minimum.accumulate(np.where(fits, pos, n)[::-1])[::-1]
    low = np.where(left >= 0, v[np.clip(left, 0, n - 1)], -np.inf)
    high = np.where(right < n, v[np.clip(right, 0, n - 1)], np.inf)
    conflict = np.flatnonzero(~fits & (v >= low) & (v <= high))
    keep = fits.copy()
    if len(conflict):
        keep[conflict] = _fenwick_lnds(v[conflict], w[conflict])
    return keep


def _day_strings(dates) -> np.ndarray:
    """'YYYY-MM-DD' for each date, formatting each distinct day once."""
    days = np.asarray(dates, dtype="datetime64[D]")
    unique, inverse = np.unique(days, return_inverse=True)
    return np.datetime_as_string(unique, unit="D").astype(object)[inverse.reshape(-1)]


def _describe(values, record_ids, dates) -> np.ndarray:
    """'302 (cr068, 2023-05-25)' for each figure (this runs on every dropped statement)."""
    shown = [str(int(x)) if x.is_integer() else str(x) for x in np.asarray(values, dtype=float).tolist()]
    return np.array([f"{s} ({r}, {d})" for s, r, d in zip(shown, np.asarray(record_ids, dtype=object).tolist(),
                                                      _day_strings(dates).tolist())], dtype=object)


def _same_date_reasons(rows: dict, winners: dict) -> np.ndarray:
    """Why each figure that shares its date with a higher-ranked one was dropped (arrays of equal length)."""
    out = np.empty(len(rows["value"]), dtype=object)
    same = winners["value"] == rows["value"]
    higher = ~same & (winners["rank"] < rows["rank"])
    printed = ~same & ~higher & rows["derived"] & ~winners["derived"]
    other = ~same & ~higher & ~printed
    wid, wbody, rbody = winners["record_id"], winners["reporting_body"], rows["reporting_body"]
    out[same] = [f"same figure as {i} ({b}) on the same date" for i, b in zip(wid[same], wbody[same])]
    if higher.any() or printed.any() or other.any():
        win = np.empty(len(out), dtype=object)
        differ = ~same
        win[differ] = _describe(winners["value"][differ], wid[differ], winners["date"][differ])
        out[higher] = [f"conflicts with {d} on the same date; {wb} ranks above {rb} in the body priority"
                       for d, wb, rb in zip(win[higher], wbody[higher], rbody[higher])]
        out[printed] = [f"conflicts with the printed figure {d} on the same date (this one is a sum of parts)"
                        for d in win[printed]]
        out[other] = [f"conflicts with {d} on the same date (same body rank: the first record is kept)"
                      for d in win[other]]
    return out


def _dropped_reasons(v: np.ndarray, dates: np.ndarray, kv: np.ndarray, kd: np.ndarray, kid: np.ndarray) -> np.ndarray:
    """Why each figure outside the non-decreasing set was dropped (kept ``kv, kd, kid`` sorted, non-decreasing)."""
    out = np.full(len(v), "not part of the largest consistent set", dtype=object)
    last = max(len(kv) - 1, 0)
    pos = np.searchsorted(kd, dates, side="left")
    before, after = np.clip(pos - 1, 0, last), np.clip(pos, 0, last)
    stale = (pos > 0) & (kv[before] > v)
    misdated = ~stale & (pos < len(kv)) & (kv[after] < v)
    b, a = before[stale], after[misdated]
    out[stale] = ["stale: lower than the earlier kept " + d for d in _describe(kv[b], kid[b], kd[b])]
    out[misdated] = ["probably misdated or an over-count: later kept figures are lower, e.g. " + d
                     for d in _describe(kv[a], kid[a], kd[a])]
    return out


def reconcile(observations: pd.DataFrame, priority: list[str]) -> Reconciliation:
    """Apply the four rules to ``observations`` (columns :data:`OBSERVATION_COLUMNS`).

    Vectorised except for the search among conflicting figures (see :func:`longest_non_decreasing`);
    ``make bench`` times it on up to a million synthetic statements.
    """
    missing = [c for c in OBSERVATION_COLUMNS if c not in observations]
    if missing:
        raise ValueError(f"observations lack columns {missing}")
    obs = observations.reset_index(drop=True).copy()
    n = len(obs)
    col = {
        "value": obs["value"].to_numpy(dtype=float),
        "date": pd.to_datetime(obs["date"]).to_numpy(),  # the column's own resolution (ns overflows past 2262)
        "rank": _priority_rank(obs["reporting_body"], priority),
        "derived": obs["derived"].fillna(False).to_numpy(dtype=bool),
        "record_id": obs["record_id"].astype(str).to_numpy(dtype=object),
        "reporting_body": obs["reporting_body"].astype(str).to_numpy(dtype=object),
    }
    qualifier = obs["qualifier"].astype(str).to_numpy(dtype=object)
    measure, _ = pd.factorize(obs["measure"], sort=True)
    day = col["date"].view("int64")
    id_order = np.empty(n, dtype=np.int64)  # rank of each record id in string order
    id_order[np.argsort(col["record_id"].astype(str), kind="stable")] = np.arange(n)

    status = np.full(n, "", dtype=object)
    reason = _collapse_relays(obs)
    status[reason != ""] = "dropped"

    bound = (status == "") & (qualifier != "exact") & ~((qualifier == "approx") & ~is_round(obs["value"]).to_numpy())
    status[bound] = "bound"
    reason[bound] = [f"a bound or a rounded figure ({q}): used as a constraint, not as a count" for q in qualifier[bound]]

    # rule 3: one figure per measure and date, the first in the order date, rank, printed before derived, id
    active = np.flatnonzero(status == "")
    order = active[np.lexsort((id_order[active], col["derived"][active], col["rank"][active], day[active], measure[active]))]
    m, d = measure[order], day[order]
    starts = np.r_[True, (m[1:] != m[:-1]) | (d[1:] != d[:-1])][:len(order)]
    first, others = order[starts], order[~starts]
    if len(others):
        winners = first[np.cumsum(starts)[~starts] - 1]
        status[others] = "dropped"
        reason[others] = _same_date_reasons({k: a[others] for k, a in col.items()}, {k: a[winners] for k, a in col.items()})

    # rule 4: the series never falls, per measure (``first`` is sorted by measure, then date)
    weights_all = 1.0 + (len(priority) + 1 - col["rank"]) / (10.0 * (len(priority) + 2))
    bounds_at = np.flatnonzero(np.r_[True, measure[first][1:] != measure[first][:-1], True])[:len(first) + 1]
    kept_idx = []
    for lo, hi in zip(bounds_at[:-1], bounds_at[1:]):
        points = first[lo:hi]
        keep = longest_non_decreasing(col["value"][points], weights_all[points])
        kept, dropped = points[keep], points[~keep]
        if len(dropped):
            status[dropped] = "dropped"
            reason[dropped] = _dropped_reasons(col["value"][dropped], col["date"][dropped], col["value"][kept],
                                               col["date"][kept], col["record_id"][kept])
        status[kept] = "kept"
        reason[kept] = "kept"
        kept_idx.append(kept)
    kept_idx = np.concatenate(kept_idx) if kept_idx else np.zeros(0, dtype=np.int64)

    obs["status"] = status
    obs["reason"] = reason
    kept = obs.loc[kept_idx, ["date", "measure", "value", "record_id", "reporting_body", "derived"]]
    final = np.lexsort((id_order, day, measure))
    obs = obs.iloc[final].reset_index(drop=True)
    return Reconciliation(kept.reset_index(drop=True), obs, pd.DataFrame(columns=["record_id", "reason"]))


