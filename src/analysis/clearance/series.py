"""Mine clearance since the ceasefire: one series per operator scope and measure from every statement, the
item counts made to add up, the daily series to the nowcast date (:func:`analyse`), and what is read off it
(the amount on a day, the last twelve months to the latest fitted day).

Measures: ``hectares`` (area released as "cleared": includes battle-area clearance and survey-based
release), ``ap_mines`` (anti-personnel mines), ``at_mines`` (anti-tank mines), ``uxo`` (other explosive
ordnance), all since 10 November 2020; ``mines`` (anti-personnel and anti-tank together) and ``items`` (all
three) are fitted too, from the pages that give only a combined count, and reconciled with their parts.
Scopes (``operators``): ``all`` (all operators: ANAMA, the Ministry of Defence, Emergency Situations, the
Border Service, companies), ``anama`` (ANAMA's own teams, the 2021 - early 2022 releases), ``mod`` (the
Ministry of Defence's engineers). Scopes are never mixed.

Methods (named in notebook 03):

- *Observations*: every statement of a scope over all its territory, cumulative or over a period (weekly,
  monthly, annual, year-to-date), :func:`analysis.statements.observations.clearance_observations`.
- *One series per scope and measure*: the statement model (:mod:`analysis.statements.model`) with relative
  error scales and a yearly season in the rate where the data ask for one.
- *Items that add up*: anti-personnel + anti-tank = mines, + other ordnance = items, per day
  (:mod:`analysis.statements.coherence`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..statements import coherence, latent
from ..statements.model import SeriesFit, fit_series
from ..statements.observations import CEASEFIRE, CLEARANCE_COMBINED, CLEARANCE_MEASURES, clearance_observations, day

SCOPES = ["all", "anama", "mod"]
MEASURES = list(CLEARANCE_MEASURES)
LABELS = {"hectares": "hectares cleared", "ap_mines": "anti-personnel mines", "at_mines": "anti-tank mines",
          "uxo": "other explosive ordnance", "mines": "mines (anti-personnel and anti-tank)", "items": "mines and other ordnance"}
DAYS_PER_MONTH = 365.25 / 12
DAILY_COLUMNS = ["date", "scope", "measure", "estimate", "lower", "upper", "lower_50", "upper_50", "kind"]
#: An exact cumulative count of items where the record has too few same-week pairs to measure its error: a
#: share of the figure. Items are counted one by one in one information system; areas are re-measured as
#: survey-based release is reclassified, and take the model's default (0.2 %).
ITEM_SCALE = 2e-4


@dataclass
class ClearanceSeries:
    """The result of :func:`analyse`. ``daily``: :data:`DAILY_COLUMNS` for every scope and measure, from the
    ceasefire to the nowcast date; ``statements``: every observation with its status and reason (and
    ``scope``); ``not_used``: statements that gave none, with the reason."""

    fits: dict[tuple[str, str], SeriesFit]
    daily: pd.DataFrame
    statements: pd.DataFrame
    not_used_table: pd.DataFrame
    nowcast_to: pd.Timestamp
    skipped: dict[tuple[str, str], str] = field(default_factory=dict)

    def daily_of(self, scope: str = "all", measure: str = "hectares") -> pd.DataFrame:
        """The daily series of one scope and measure, in date order."""
        return _daily_of(self.daily, scope, measure)

    def last_fitted(self, scope: str = "all", measure: str = "hectares") -> pd.Series:
        d = self.daily_of(scope, measure)
        return d[d["kind"] == "fit"].iloc[-1]

    def not_used(self) -> pd.DataFrame:
        """Statements of every scope that gave no observation, with the reason, indexed by record id."""
        return self.not_used_table.set_index("record_id")

    def not_fitted(self) -> pd.DataFrame:
        """Observations not fitted, down-weighted or not met, with the reason, indexed by record id."""
        s = self.statements[self.statements["status"].isin(["not fitted", "down-weighted", "bound not met", "window not met"])]
        return s[["record_id", "scope", "measure", "date", "value", "reporting_body", "status", "reason"]].set_index("record_id")

    def bounds(self, scope: str = "all", measure: str | None = None) -> pd.DataFrame:
        s = self.statements[(self.statements["lo"] != self.statements["hi"]) & (self.statements["scope"] == scope)]
        if measure is not None:
            s = s[s["measure"] == measure]
        return s[["record_id", "measure", "kind", "date", "qualifier", "value", "lo", "hi", "predicted", "status", "reason"]].set_index("record_id")

    def statuses(self) -> pd.DataFrame:
        t = self.statements.pivot_table(index=["scope", "measure"], columns="status", values="record_id", aggfunc="count",
                                        fill_value=0)
        order = ["fitted", "down-weighted", "bound met", "bound not met", "window not met", "not fitted"]
        t = t.reindex(columns=[c for c in order if c in t.columns], fill_value=0)
        t.columns.name = None
        return t


def _daily_of(daily: pd.DataFrame, scope: str, measure: str) -> pd.DataFrame:
    return daily[(daily["scope"] == scope) & (daily["measure"] == measure)].sort_values("date").reset_index(drop=True)


def analyse(reports: pd.DataFrame, sources: pd.DataFrame, *, scopes=SCOPES, corrected=(), nowcast_to=None,
            coherent_scopes=("all",)) -> ClearanceSeries:
    """Fit every scope and measure from every statement, make the items add up, and carry each series to
    ``nowcast_to`` (default: the scope's last statement). The combined counts (mines, items) are fitted, and
    the parts made to add up with them, for the scopes in ``coherent_scopes`` (all operators: the other scopes
    have few statements of combined counts); elsewhere each measure stands on its own fit."""
    fits, skipped, daily_parts, statements, not_used = {}, {}, [], [], []
    now = day(nowcast_to) if nowcast_to is not None else None
    for scope in scopes:
        obs, nu = clearance_observations(reports, sources, scope, set(corrected))
        not_used.append(nu.assign(scope=scope))
        if not obs["fitted"].any():
            continue
        scope_now = now if now is not None else int(obs.loc[obs["fitted"], "end_hi"].max())
        own = {}
        for m in MEASURES + (list(CLEARANCE_COMBINED) if scope in coherent_scopes else []):
            sel = obs[obs["measure"] == m]
            if not sel["fitted"].any():
                continue
            try:
                f = fit_series(sel, key=f"clearance:{scope}:{m}", relative=True, season=True, nowcast_day=scope_now,
                               count=m != "hectares", default_scale=None if m == "hectares" else ITEM_SCALE)
            except ValueError as exc:
                skipped[(scope, m)] = str(exc)
                continue
            fits[(scope, m)] = f
            own[m] = f.daily
            statements.append(f.observations.assign(scope=scope))
        if "hectares" in own:
            daily_parts.append(own["hectares"].assign(measure="hectares", scope=scope))
        if scope in coherent_scopes and all(b in own for b in coherence.ITEM_BOTTOM):
            sums = {k: v for k, v in coherence.ITEM_SUMS.items() if k in own}
            coh = coherence.reconcile_daily(own, coherence.ITEM_BOTTOM, sums,
                                            lambda m, est, s=scope: fits[(s, m)].scales.official(est))
            daily_parts.append(coh[coh["measure"].isin(MEASURES)].assign(scope=scope))
        else:
            daily_parts += [own[m].assign(measure=m, scope=scope) for m in MEASURES if m in own and m != "hectares"]
    daily = pd.concat(daily_parts, ignore_index=True)[DAILY_COLUMNS] if daily_parts else pd.DataFrame(columns=DAILY_COLUMNS)
    order = {m: i for i, m in enumerate(MEASURES)}
    daily = daily.sort_values(["scope", "measure", "date"], key=lambda c: c.map(order) if c.name == "measure" else
                              (c.map({s: i for i, s in enumerate(SCOPES)}) if c.name == "scope" else c)).reset_index(drop=True)
    statements = pd.concat(statements, ignore_index=True) if statements else pd.DataFrame()
    if len(statements):
        statements["date"] = CEASEFIRE + pd.to_timedelta((statements["end_lo"] + statements["end_hi"]) // 2, unit="D")
    nowcast = pd.Timestamp(daily["date"].max()) if len(daily) else None
    return ClearanceSeries(fits, daily, statements, pd.concat(not_used, ignore_index=True), nowcast, skipped)


def last_statement(reports: pd.DataFrame, sources: pd.DataFrame, scope: str = "all", corrected=()) -> pd.Timestamp:
    """The latest day any fitted clearance statement of the scope refers to (where its fit ends)."""
    obs, _ = clearance_observations(reports, sources, scope, set(corrected))
    return CEASEFIRE + pd.Timedelta(days=int(obs.loc[obs["fitted"], "end_hi"].max()))


def value_on(daily: pd.DataFrame, date, scope: str, measure: str) -> pd.Series:
    """The daily row (estimate, lower, upper, kind) of a scope and measure on a date."""
    row = daily[(daily["date"] == pd.Timestamp(date)) & (daily["scope"] == scope) & (daily["measure"] == measure)]
    if row.empty:
        raise KeyError(f"no {scope} {measure} estimate on {pd.Timestamp(date):%Y-%m-%d}")
    return row.iloc[0]


def last_twelve_months(series: ClearanceSeries, scope: str = "all", measure: str = "hectares", level: float = 0.90) -> dict:
    """Amount cleared in the 365 days to the latest fitted day (the scope's last statement), with a 90 %
    interval from the series' own posterior (the two ends' errors are correlated, so the interval is that of
    the difference, not of its ends)."""
    from scipy import stats

    f = series.fits[(scope, measure)]
    end = f.last_day
    start = max(end - 365, 0)
    mean, var = latent.increment_moments(f.fit.x, f.fit.cov, np.array([start + 1]), np.array([end + 1]))
    z = stats.norm.ppf(0.5 + level / 2)
    sd = float(np.sqrt(var[0]))
    return {"start": CEASEFIRE + pd.Timedelta(days=start), "end": CEASEFIRE + pd.Timedelta(days=end), "rate": float(mean[0]),
            "lower": max(0.0, float(mean[0]) - z * sd), "upper": float(mean[0]) + z * sd}
