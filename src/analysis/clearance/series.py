"""Mine clearance since the ceasefire: the reconciled cumulative series by operator scope, with daily
estimates and intervals (:func:`analyse`), and what is read off it (the amount on a day, the last twelve
months).

Measures: ``hectares`` (area released as "cleared": includes battle-area clearance and survey-based
release), ``ap_mines`` (anti-personnel mines), ``at_mines`` (anti-tank mines), ``uxo`` (other explosive
ordnance), all since 10 November 2020. Scopes (``operators``): ``all`` (all operators: ANAMA, the Ministry
of Defence, Emergency Situations, the Border Service, companies), ``anama`` (ANAMA's own teams, the 2021 –
early 2022 releases), ``mod`` (the Ministry of Defence's engineers). Scopes are never mixed.

Methods (named in notebook 03):

- *Reconciliation* of the cumulative statements of one scope: :mod:`analysis.statements.clearance_reports`.
- *Daily estimate*: :func:`analysis.statements.daily.daily_amounts`, a Beta split of each increment between
  kept points whose concentration matches the week-to-week variability of the weekly releases.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..statements.clearance_reports import MEASURES, reconcile_clearance, weekly_variability
from ..statements.daily import daily_amounts
from ..statements.reconcile import Reconciliation, check_bounds


SCOPES = ["all", "anama", "mod"]
LABELS = {"hectares": "hectares cleared", "ap_mines": "anti-personnel mines", "at_mines": "anti-tank mines",
          "uxo": "other explosive ordnance"}
DAYS_PER_MONTH = 365.25 / 12


@dataclass
class ClearanceSeries:
    reconciliations: dict[str, Reconciliation]
    daily: pd.DataFrame  # date, scope, measure, estimate, lower, upper
    bounds: pd.DataFrame
    variability: pd.DataFrame  # scope, measure, cv

    def daily_of(self, scope: str = "all", measure: str = "hectares") -> pd.DataFrame:
        """The daily series of one scope and measure, in date order."""
        return _daily_of(self.daily, scope, measure)

    def dropped_statements(self) -> pd.DataFrame:
        """Every dropped figure of every scope with its reason (see ``Reconciliation.dropped_statements``)."""
        return pd.concat([rec.dropped_statements().assign(scope=scope) for scope, rec in self.reconciliations.items()])

    def not_used(self) -> pd.DataFrame:
        """Statements of every scope that gave no figure, with the reason, indexed by record id."""
        return pd.concat([rec.not_used.assign(scope=scope) for scope, rec in self.reconciliations.items()]).set_index("record_id")


def _daily_of(daily: pd.DataFrame, scope: str, measure: str) -> pd.DataFrame:
    return daily[(daily["scope"] == scope) & (daily["measure"] == measure)].sort_values("date")


def analyse(reports: pd.DataFrame, *, scopes=SCOPES, priority=None) -> ClearanceSeries:
    """Reconcile each scope and estimate every day of each measure."""
    recs, parts, bounds, cvs = {}, [], [], []
    for scope in scopes:
        rec = reconcile_clearance(reports, scope, priority)
        recs[scope] = rec
        scope_daily = []
        for measure in MEASURES:
            cv = weekly_variability(reports, scope, measure)
            cvs.append({"scope": scope, "measure": measure, "cv": cv})
            d = daily_amounts(rec.kept, measure, cv)
            if not d.empty:
                scope_daily.append(d.assign(scope=scope))
        if scope_daily:
            sd = pd.concat(scope_daily, ignore_index=True)
            parts.append(sd)
            b = rec.bounds()[["record_id", "date", "measure", "value", "qualifier", "reporting_body"]]
            bounds.append(check_bounds(b, sd.drop(columns="scope")).assign(scope=scope))
    daily = pd.concat(parts, ignore_index=True)[["date", "scope", "measure", "estimate", "lower", "upper"]]
    return ClearanceSeries(recs, daily, pd.concat(bounds, ignore_index=True), pd.DataFrame(cvs))


def value_on(daily: pd.DataFrame, date, scope: str, measure: str) -> pd.Series:
    """The daily row (estimate, lower, upper) of a scope and measure on a date."""
    row = daily[(daily["date"] == pd.Timestamp(date)) & (daily["scope"] == scope) & (daily["measure"] == measure)]
    if row.empty:
        raise KeyError(f"no {scope} {measure} estimate on {pd.Timestamp(date):%Y-%m-%d}")
    return row.iloc[0]


def last_twelve_months(daily: pd.DataFrame, scope: str = "all", measure: str = "hectares") -> dict:
    """Amount cleared in the 365 days up to the series' last day, with a conservative 90 % range."""
    d = _daily_of(daily, scope, measure).set_index("date")
    end = d.index.max()
    start = end - pd.Timedelta(days=365)
    a, b = d.loc[start], d.loc[end]
    return {"start": start, "end": end, "rate": float(b["estimate"] - a["estimate"]),
            "lower": float(max(0.0, b["lower"] - a["upper"])), "upper": float(b["upper"] - a["lower"])}
