"""The stretches of a fitted series that no exact statement pins (drawn lighter in every figure), by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.statements.model import interpolated_stretches, within_stretches
from analysis.statements.observations import CEASEFIRE


def _obs(rows):
    cols = ["kind", "start", "end_lo", "end_hi", "lo", "hi", "status", "fitted"]
    return pd.DataFrame(rows, columns=cols)


INF = float("inf")
OBS = _obs([
    ("stock", 0, 30, 30, 33.0, 33.0, "fitted", True),  # pins day 30
    ("stock", 0, 100, 100, 74.0, 74.0, "fitted", True),  # pins day 100: 70 days after day 30, a stretch
    ("flow", 101, 130, 130, 5.0, 5.0, "fitted", True),  # pins day 100 (the day before) and day 130
    ("stock", 0, 200, 200, 150.0, 250.0, "fitted", True),  # a rounded figure: pins nothing
    ("stock", 0, 210, 210, 120.0, INF, "bound met", True),  # a bound: pins nothing
    ("stock", 0, 250, 250, 90.0, 90.0, "down-weighted", True),  # down-weighted: pins nothing
    ("stock", 0, 300, 300, 95.0, 95.0, "not fitted", False),  # not fitted: pins nothing
    ("stock", 0, 150, 180, 80.0, 80.0, "fitted", True),  # dated to a month: pins its middle day, 165
])


def test_stretches_run_between_pinned_days_more_than_60_days_apart():
    # pinned: 0, 30, 100, 130, 165, then the last fitted day (280, given)
    out = interpolated_stretches(OBS, last_day=280)
    assert out[["start_day", "end_day", "days"]].values.tolist() == [[30, 100, 70], [165, 280, 115]]
    assert out["start"].iloc[0] == CEASEFIRE + pd.Timedelta(days=30)
    # the default last day is the last fitted statement's: 250, the down-weighted one (fitted, not pinning)
    assert interpolated_stretches(OBS)["end_day"].tolist() == [100, 250]
    # a longer rule keeps only the longer stretch; at 30 days, 130-165 (35) joins, and 0-30 (30) does not
    assert interpolated_stretches(OBS, 280, min_days=80)["start_day"].tolist() == [165]
    assert interpolated_stretches(OBS, 280, min_days=30)["start_day"].tolist() == [30, 130, 165]


def test_an_annual_flow_pins_only_its_ends():
    obs = _obs([("flow", 51, 415, 415, 120.0, 120.0, "fitted", True), ("flow", 416, 422, 422, 3.0, 3.0, "fitted", True)])
    out = interpolated_stretches(obs)
    assert out[["start_day", "end_day"]].values.tolist() == [[50, 415]]  # day 0 to 50 is 50 days: no stretch


def test_a_period_is_inside_a_stretch_when_both_its_ends_are():
    stretches = interpolated_stretches(OBS, last_day=280)  # days 30-100 and 165-280
    day = lambda d: CEASEFIRE + pd.Timedelta(days=d)
    first = [day(31), day(29), day(40), day(166), day(200)]
    last = [day(100), day(60), day(101), day(280), day(281)]
    assert within_stretches(first, last, stretches).tolist() == [True, False, False, True, False]
    assert not within_stretches([day(40)], [day(60)], stretches.iloc[0:0]).any()
