"""From many statements to one consistent cumulative series per measure.

The rules, applied per measure in this order (each is tested on a small hand-made set):

1. **Relays collapse.** A row flagged ``duplicate`` gives nothing new where the statement it relays
   (``duplicate_of``) gives the same measure with the same value; a relay that adds a measure keeps it.
2. **Bounds are constraints, not counts.** ``at_least``, ``at_most`` and rounded ``approx`` figures
   are kept aside and checked against the final series (``check_bounds``). An ``approx`` figure printed
   to the unit ("some 30,836 mines") is not a rounded figure, whatever the adverb, and counts as exact.
3. **One figure per date.** Identical figures on the same date collapse to the one from the
   highest-priority body; different figures on the same date are resolved by the body priority
   (printed figures before derived ones, then the lower record id), and the others are listed.
4. **The series never falls.** Of the remaining figures, the largest set that is non-decreasing in time
   is kept (a weighted longest non-decreasing subsequence, ties going to higher-priority bodies). A
   dropped figure is either *stale* (lower than an earlier kept figure: an old total repeated) or
   *probably misdated* (it would force later, consistent figures to fall).

Every observation ends up ``kept``, ``bound`` or ``dropped`` with its reason, so nothing disappears
silently. The functions are generic: the casualty and clearance modules build the observations.
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

    def bounds(self) -> pd.DataFrame:
        return self.observations[self.observations["status"] == "bound"]


def is_round(values: pd.Series) -> pd.Series:
    """A rounded figure: a multiple of 100 from 1,000 up, of 10 below (e.g. 300, 23,000; not 302, 30,836)."""
    v = values.astype(float)
    return ((v >= 1000) & (v % 100 == 0)) | ((v < 1000) & (v % 10 == 0))


def _priority_rank(bodies: pd.Series, priority: list[str]) -> pd.Series:
    rank = {body: i for i, body in enumerate(priority)}
    return bodies.astype(str).map(rank).fillna(len(priority)).astype(int)


def _collapse_relays(obs: pd.DataFrame) -> pd.Series:
    """Reason for each observation that only repeats the statement it relays (else empty)."""
    reason = pd.Series("", index=obs.index, dtype=object)
    relays = obs[obs["duplicate_of"].notna()]
    if relays.empty:
        return reason
    originals = obs[["record_id", "measure", "value"]].drop_duplicates(["record_id", "measure"]).rename(
        columns={"record_id": "duplicate_of", "value": "original_value"})
    matched = relays.reset_index().merge(originals, on=["duplicate_of", "measure"], how="inner")
    same = matched[matched["value"] == matched["original_value"]]
    reason.loc[same["index"].to_numpy()] = ("relay of " + same["duplicate_of"].astype(str)
                                            + " (same statement, same figure)").to_numpy()
    return reason


def longest_non_decreasing(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Boolean mask of the maximum-weight non-decreasing subsequence of ``values`` (in the given order).

    O(n log n): a Fenwick tree over the ranks of the values holds, for each rank, the best total weight
    of a subsequence ending at a value of that rank or lower.
    """
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=bool)
    ranks = np.searchsorted(np.unique(values), values) + 1  # 1-based
    size = int(ranks.max())
    tree_best = np.full(size + 1, -np.inf)
    tree_arg = np.full(size + 1, -1, dtype=np.int64)
    best = np.empty(n)
    prev = np.full(n, -1, dtype=np.int64)
    for i in range(n):
        r = ranks[i]
        q_best, q_arg = 0.0, -1
        j = r
        while j > 0:  # prefix maximum over ranks <= r
            if tree_best[j] > q_best:
                q_best, q_arg = tree_best[j], tree_arg[j]
            j -= j & -j
        best[i] = q_best + weights[i]
        prev[i] = q_arg
        j = r
        while j <= size:
            if best[i] > tree_best[j]:
                tree_best[j], tree_arg[j] = best[i], i
            j += j & -j
    keep = np.zeros(n, dtype=bool)
    i = int(np.argmax(best))
    while i >= 0:
        keep[i] = True
        i = int(prev[i])
    return keep


def _describe(values, record_ids, dates) -> pd.Series:
    """'302 (cr068, 2023-05-25)' for each figure (vectorised: this runs on every dropped statement)."""
    v = pd.Series(np.asarray(values, dtype=float))
    shown = pd.Series(np.where(v % 1 == 0, v.round().astype("int64").astype(str), v.astype(str)))
    when = pd.Series(pd.DatetimeIndex(dates).strftime("%Y-%m-%d"))
    return shown + " (" + pd.Series(np.asarray(record_ids, dtype=object)).astype(str) + ", " + when + ")"


def _same_date_reasons(rows: pd.DataFrame, winners: pd.DataFrame) -> np.ndarray:
    """Why each figure that shares its date with a higher-ranked one was dropped."""
    win = _describe(winners["value"], winners["record_id"], winners["date"]).to_numpy()
    wbody, rbody = winners["reporting_body"].astype(str).to_numpy(), rows["reporting_body"].astype(str).to_numpy()
    same = winners["value"].to_numpy() == rows["value"].to_numpy()
    higher = winners["rank"].to_numpy() < rows["rank"].to_numpy()
    printed = rows["derived"].to_numpy(dtype=bool) & ~winners["derived"].to_numpy(dtype=bool)
    return np.select(
        [same, higher, printed],
        ["same figure as " + winners["record_id"].astype(str).to_numpy() + " (" + wbody + ") on the same date",
         "conflicts with " + win + " on the same date; " + wbody + " ranks above " + rbody + " in the body priority",
         "conflicts with the printed figure " + win + " on the same date (this one is a sum of parts)"],
        "conflicts with " + win + " on the same date (same body rank: the first record is kept)",
    )


def _dropped_reasons(dropped: pd.DataFrame, kept: pd.DataFrame) -> np.ndarray:
    """Why each figure outside the non-decreasing set was dropped (kept is sorted and non-decreasing)."""
    kd, kv = kept["date"].to_numpy(), kept["value"].to_numpy(dtype=float)
    kid = kept["record_id"].to_numpy()
    v = dropped["value"].to_numpy(dtype=float)
    pos = np.searchsorted(kd, dropped["date"].to_numpy(), side="left")
    before, after = np.clip(pos - 1, 0, max(len(kv) - 1, 0)), np.clip(pos, 0, max(len(kv) - 1, 0))
    stale = (pos > 0) & (kv[before] > v)
    misdated = ~stale & (pos < len(kv)) & (kv[after] < v)
    return np.select(
        [stale, misdated],
        ["stale: lower than the earlier kept " + _describe(kv[before], kid[before], kd[before]).to_numpy(),
         "probably misdated or an over-count: later kept figures are lower, e.g. "
         + _describe(kv[after], kid[after], kd[after]).to_numpy()],
        "not part of the largest consistent set",
    )


def reconcile(observations: pd.DataFrame, priority: list[str]) -> Reconciliation:
    """Apply the four rules to ``observations`` (columns :data:`OBSERVATION_COLUMNS`)."""
    missing = [c for c in OBSERVATION_COLUMNS if c not in observations]
    if missing:
        raise ValueError(f"observations lack columns {missing}")
    obs = observations.reset_index(drop=True).copy()
    obs["status"] = ""
    obs["reason"] = ""
    obs["rank"] = _priority_rank(obs["reporting_body"], priority)

    relay = _collapse_relays(obs)
    is_relay = relay != ""
    obs.loc[is_relay, "status"] = "dropped"
    obs.loc[is_relay, "reason"] = relay[is_relay]

    bound = (obs["status"] == "") & (obs["qualifier"] != "exact") & ~((obs["qualifier"] == "approx") & ~is_round(obs["value"]))
    obs.loc[bound, "status"] = "bound"
    obs.loc[bound, "reason"] = "a bound or a rounded figure (" + obs.loc[bound, "qualifier"].astype(str) + "): used as a constraint, not as a count"

    kept_parts = []
    for measure, group in obs[obs["status"] == ""].groupby("measure", sort=True):
        group = group.sort_values(["date", "rank", "derived", "record_id"], kind="stable")
        # rule 3: one figure per date
        is_first = ~group.duplicated("date", keep="first").to_numpy()
        first, others = group[is_first], group[~is_first]
        if len(others):
            winners = first.set_index("date", drop=False).loc[others["date"]]
            obs.loc[others.index, "status"] = "dropped"
            obs.loc[others.index, "reason"] = _same_date_reasons(others, winners)
        # rule 4: never falls
        weights = 1.0 + (len(priority) + 1 - first["rank"].to_numpy()) / (10.0 * (len(priority) + 2))
        keep = longest_non_decreasing(first["value"].to_numpy(dtype=float), weights)
        kept, dropped = first[keep], first[~keep]
        if len(dropped):
            obs.loc[dropped.index, "status"] = "dropped"
            obs.loc[dropped.index, "reason"] = _dropped_reasons(dropped, kept)
        obs.loc[kept.index, "status"] = "kept"
        obs.loc[kept.index, "reason"] = "kept"
        kept_parts.append(kept)
    kept = pd.concat(kept_parts) if kept_parts else obs.iloc[0:0]
    kept = kept[["date", "measure", "value", "record_id", "reporting_body", "derived"]].sort_values(["measure", "date"])
    obs = obs.drop(columns="rank").sort_values(["measure", "date", "record_id"], kind="stable").reset_index(drop=True)
    return Reconciliation(kept.reset_index(drop=True), obs, pd.DataFrame(columns=["record_id", "reason"]))


def check_bounds(bounds: pd.DataFrame, daily: pd.DataFrame, approx_tolerance: float = 0.05) -> pd.DataFrame:
    """Is each bound consistent with the daily series? Adds ``estimate``, ``lower``, ``upper``, ``consistent``.

    ``at_least v`` holds if the upper end of the interval is ≥ v; ``at_most v`` if the lower end is ≤ v;
    ``approx v`` if the interval overlaps v ± max(5, 5 %). A bound outside the series' dates is ``NA``.
    """
    merged = bounds.merge(daily, on=["date", "measure"], how="left")
    v = merged["value"].astype(float)
    tol = np.maximum(5.0, approx_tolerance * v)
    consistent = np.where(
        merged["qualifier"] == "at_least", merged["upper"] >= v,
        np.where(merged["qualifier"] == "at_most", merged["lower"] <= v,
                 (merged["upper"] >= v - tol) & (merged["lower"] <= v + tol)),
    )
    merged["consistent"] = pd.array(np.where(merged["estimate"].isna(), None, consistent), dtype="boolean")
    return merged


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
