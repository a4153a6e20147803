"""Properties of the reconciliation, whatever the statements (hypothesis): the kept series never falls,
does not depend on the order of the input rows and ignores an added relay of a statement. (The statement
model's own properties are in test_statement_model.py.)"""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.statements.observations import CEASEFIRE
from analysis.statements.reconcile import OBSERVATION_COLUMNS, reconcile

BODIES = ["anama", "pgo", "mfa", "media"]

statement = st.tuples(
    st.integers(min_value=1, max_value=400),  # days after the ceasefire
    st.integers(min_value=0, max_value=300),  # the figure
    st.sampled_from(BODIES),
    st.sampled_from(["exact", "exact", "exact", "at_least", "approx"]),
)


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame([{
        "record_id": f"cr{i:03d}", "date": CEASEFIRE + pd.Timedelta(days=d), "measure": "total",
        "value": float(v), "qualifier": q, "reporting_body": b, "derived": False, "duplicate_of": None, "note": "",
    } for i, (d, v, b, q) in enumerate(rows)], columns=OBSERVATION_COLUMNS)


def kept_series(result) -> list[tuple]:
    return list(result.kept[["date", "value"]].itertuples(index=False, name=None))


@settings(max_examples=60, deadline=None)
@given(st.lists(statement, min_size=1, max_size=25))
def test_kept_series_never_falls(rows):
    kept = reconcile(frame(rows), BODIES).kept
    assert kept["value"].is_monotonic_increasing
    assert kept["date"].is_unique


@settings(max_examples=60, deadline=None)
@given(st.lists(statement, min_size=1, max_size=25), st.randoms(use_true_random=False))
def test_same_result_whatever_the_order_of_rows(rows, rnd):
    obs = frame(rows)
    shuffled = obs.sample(frac=1, random_state=rnd.randint(0, 2**31 - 1)).reset_index(drop=True)
    assert kept_series(reconcile(obs, BODIES)) == kept_series(reconcile(shuffled, BODIES))
    a = reconcile(obs, BODIES).observations.sort_values("record_id")[["record_id", "status"]].to_numpy().tolist()
    b = reconcile(shuffled, BODIES).observations.sort_values("record_id")[["record_id", "status"]].to_numpy().tolist()
    assert a == b


@settings(max_examples=60, deadline=None)
@given(st.lists(statement, min_size=1, max_size=25), st.data())
def test_an_added_relay_changes_nothing(rows, data):
    obs = frame(rows)
    i = data.draw(st.integers(min_value=0, max_value=len(obs) - 1))
    relay = obs.iloc[[i]].assign(record_id="cr999", duplicate_of=obs.iloc[i]["record_id"],
                                 reporting_body=data.draw(st.sampled_from(BODIES)))
    with_relay = reconcile(pd.concat([obs, relay], ignore_index=True), BODIES)
    assert kept_series(with_relay) == kept_series(reconcile(obs, BODIES))
    assert with_relay.observations.set_index("record_id").loc["cr999", "status"] == "dropped"
