"""Each reconciliation rule on a small hand-made set of statements."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from analysis.statements.reconcile import OBSERVATION_COLUMNS, longest_non_decreasing, reconcile

PRIORITY = ["anama", "pgo", "mfa", "media", "amva"]


def obs(*rows):
    """rows: (record_id, date, measure, value[, qualifier, body, derived, duplicate_of])"""
    out = []
    for r in rows:
        rid, date, measure, value, *rest = r
        qualifier, body, derived, dup = (rest + ["exact", "anama", False, None][len(rest):])[:4]
        out.append(dict(record_id=rid, date=pd.Timestamp(date), measure=measure, value=float(value), qualifier=qualifier,
                        reporting_body=body, derived=derived, duplicate_of=dup, note=""))
    return pd.DataFrame(out, columns=OBSERVATION_COLUMNS)


def status(result, rid, measure="total"):
    row = result.observations[(result.observations["record_id"] == rid) & (result.observations["measure"] == measure)]
    assert len(row) == 1
    return row.iloc[0]["status"], row.iloc[0]["reason"]


def test_a_relay_collapses_but_keeps_what_it_adds():
    r = reconcile(obs(("cr001", "2023-01-10", "total", 100),
                      ("cr002", "2023-01-11", "total", 100, "exact", "mfa", False, "cr001"),
                      ("cr002", "2023-01-11", "killed", 10, "exact", "mfa", False, "cr001")), PRIORITY)
    assert status(r, "cr002") == ("dropped", "relay of cr001 (same statement, same figure)")
    assert status(r, "cr002", "killed")[0] == "kept"
    assert r.kept["record_id"].tolist() == ["cr002", "cr001"]  # killed, then total (sorted by measure)


def test_a_relay_with_another_figure_is_not_collapsed():
    r = reconcile(obs(("cr001", "2023-01-10", "total", 100),
                      ("cr002", "2023-01-20", "total", 104, "exact", "mfa", False, "cr001")), PRIORITY)
    assert status(r, "cr002")[0] == "kept"


def test_bounds_are_constraints_not_counts():
    r = reconcile(obs(("cr001", "2023-01-10", "total", 100), ("cr002", "2023-02-10", "total", 150, "at_least", "media"),
                      ("cr003", "2023-03-10", "total", 120)), PRIORITY)
    assert status(r, "cr002")[0] == "bound"
    assert r.kept["value"].tolist() == [100, 120]


def test_same_date_conflict_goes_to_the_higher_priority_body():
    rows = (("cr001", "2023-01-10", "total", 203, "exact", "mfa"), ("cr002", "2023-01-10", "total", 200, "exact", "anama"))
    r = reconcile(obs(*rows), PRIORITY)
    assert r.kept["record_id"].tolist() == ["cr002"]
    assert status(r, "cr001") == ("dropped", "conflicts with 200 (cr002, 2023-01-10) on the same date; anama ranks above mfa in the body priority")
    # the priority is a parameter: trusting the Foreign Ministry first keeps its figure
    assert reconcile(obs(*rows), ["mfa", "anama"]).kept["record_id"].tolist() == ["cr001"]


def test_same_figure_same_date_collapses_and_printed_beats_derived():
    r = reconcile(obs(("cr001", "2023-01-10", "total", 200, "exact", "mfa"), ("cr002", "2023-01-10", "total", 200, "exact", "mfa"),
                      ("cr003", "2023-02-10", "total", 210, "exact", "pgo", True), ("cr004", "2023-02-10", "total", 209, "exact", "pgo", False)),
                  PRIORITY)
    assert status(r, "cr002") == ("dropped", "same figure as cr001 (mfa) on the same date")
    assert status(r, "cr003")[1].startswith("conflicts with the printed figure 209 (cr004")
    assert r.kept["value"].tolist() == [200, 209]


def test_a_stale_repeat_is_dropped_with_the_figure_it_lags():
    r = reconcile(obs(("cr001", "2023-01-10", "total", 100), ("cr002", "2023-02-10", "total", 120),
                      ("cr003", "2023-03-10", "total", 110, "exact", "media"), ("cr004", "2023-04-10", "total", 130)), PRIORITY)
    assert status(r, "cr003") == ("dropped", "stale: lower than the earlier kept 120 (cr002, 2023-02-10)")
    assert r.kept["value"].tolist() == [100, 120, 130]


def test_a_misdated_total_does_not_drop_the_later_consistent_ones():
    """A total credited to an early date that equals a much later one (the '415 to 2 June 2025' case)."""
    r = reconcile(obs(("cr001", "2025-01-27", "total", 382, "exact", "pgo"), ("cr002", "2025-06-02", "total", 415, "exact", "amva"),
                      ("cr003", "2025-10-17", "total", 409), ("cr004", "2025-11-17", "total", 412, "exact", "mfa"),
                      ("cr005", "2025-12-26", "total", 415)), PRIORITY)
    assert r.kept["record_id"].tolist() == ["cr001", "cr003", "cr004", "cr005"]
    assert status(r, "cr002") == ("dropped", "probably misdated or an over-count: later kept figures are lower, e.g. 409 (cr003, 2025-10-17)")


def test_every_observation_is_kept_bound_or_dropped_with_a_reason():
    r = reconcile(obs(("cr001", "2023-01-10", "total", 100), ("cr002", "2023-01-10", "total", 101, "exact", "mfa"),
                      ("cr003", "2023-02-10", "total", 99), ("cr004", "2023-03-10", "total", 150, "approx")), PRIORITY)
    assert set(r.observations["status"]) <= {"kept", "bound", "dropped"}
    assert (r.observations["reason"].str.len() > 0).all()
    assert len(r.observations) == 4


def test_kept_series_never_falls():
    rng = np.random.default_rng(3)
    dates = pd.date_range("2021-01-01", periods=60, freq="7D")
    true = np.cumsum(rng.poisson(3, 60))
    noisy = true + rng.integers(-3, 4, 60)
    rows = [(f"cr{i:03d}", d, "total", v, "exact", PRIORITY[i % len(PRIORITY)]) for i, (d, v) in enumerate(zip(dates, noisy))]
    kept = reconcile(obs(*rows), PRIORITY).kept
    assert (np.diff(kept["value"].to_numpy()) >= 0).all()
    assert len(kept) >= 30


@pytest.mark.parametrize("shape", ["random", "noisy trend"])
@pytest.mark.parametrize("seed", range(20))
def test_longest_non_decreasing_matches_brute_force(seed, shape):
    # "noisy trend" is the usual case: most figures fit every consistent subsequence and are kept without
    # search, and only the few in conflict go through the Fenwick search; "random" is mostly conflicts
    rng = np.random.default_rng(seed)
    n = 8 if shape == "random" else 12
    if shape == "random":
        values = rng.integers(0, 6, n).astype(float)
    else:
        values = (np.cumsum(rng.integers(0, 3, n)) + rng.integers(-2, 3, n) * (rng.random(n) < 0.3)).astype(float)
    weights = rng.uniform(0.5, 1.5, n)
    keep = longest_non_decreasing(values, weights)
    assert (np.diff(values[keep]) >= 0).all()
    best = max(sum(weights[list(c)]) for k in range(n + 1) for c in itertools.combinations(range(n), k)
               if all(values[a] <= values[b] for a, b in zip(c, c[1:])))
    assert weights[keep].sum() == pytest.approx(best)


def test_a_precise_figure_with_some_or_about_is_not_a_rounded_one():
    r = reconcile(obs(("cl001", "2023-11-28", "ap_mines", 30753), ("cl002", "2023-12-09", "ap_mines", 30836, "approx"),
                      ("cl003", "2024-01-16", "ap_mines", 31000, "approx")), PRIORITY)
    assert status(r, "cl002", "ap_mines")[0] == "kept"
    assert status(r, "cl003", "ap_mines")[0] == "bound"


def test_dropped_statements_lists_each_dropped_figure_with_its_reason():
    rows = [("cr001", "2023-01-10", "total", 300, "exact", "anama"), ("cr002", "2023-01-10", "total", 310, "exact", "media"),
            ("cr003", "2023-01-10", "killed", 40, "exact", "anama"), ("cr004", "2023-01-10", "killed", 41, "exact", "mfa")]
    rec = reconcile(obs(*rows), PRIORITY)
    listed = rec.dropped_statements()
    assert listed.index.tolist() == ["cr004", "cr002"]  # sorted by measure: killed before total
    assert list(listed.columns) == ["date", "measure", "value", "reporting_body", "reason"]
    assert listed.loc["cr002", "reason"].startswith("conflicts with 300 (cr001, 2023-01-10) on the same date")
    assert rec.dropped_statements(["total"]).index.tolist() == ["cr002"]
