"""Explanations: which reasons a person is shown, and how they are worded.

``explain`` is the one place the algorithm is chosen: the reasons are Shapley contributions of
the score (``contributions.py``), which add up to the score minus the reference score (the
spec's reference person: the imputed median training person). This module turns them into
``Effects`` (per person and feature, on the probability and on the log-odds), picks the
strongest, and words them as sentences.

Insights are ranked by the contribution to the log-odds (the model's ``logit``), which does not
vanish where the probability saturates: the riskiest people still hear why. The sentence gives
the contribution in risk-score points when it is big enough to show.

A missing optional field leaves the features that need it at the reference, so they contribute
nothing; the model's reaction to the absence sits on the ``missing_<field>`` indicator, which
``explain`` leaves out of the reasons (``contributions.explanation`` reports a missing field
apart, with the range its figures could move the score).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from shared_features import FEATURES, OPTIONAL_FIELDS
from shared_features.features import RECENT_MONTHS

from . import wording as w
from .contributions import INDICATORS, against_direction, shapley
from .scorer import Scorer


@dataclass(frozen=True)
class ExplainOptions:
    top_up: int = 3  # most risk-raising insights per person
    top_down: int = 2  # most risk-lowering insights per person
    min_points: float = 0.5  # an effect this big in risk-score points is worth a sentence ...
    min_log_odds: float = 0.1  # ... and so is one this big in log-odds (saturated persons)
    permutations: int = 16  # sampled feature orders for the Shapley contributions (pairs)


@dataclass
class Effects:
    probability: np.ndarray  # (n,)
    log_odds: np.ndarray  # (n,)
    on_probability: np.ndarray  # (n, f): each feature's contribution to the probability
    on_log_odds: np.ndarray  # (n, f): the same on the logit
    # (n, f): shares against how a person reads the feature (``against_direction``): in the
    # sums, never a reason
    contrary: np.ndarray


def explain(scorer: Scorer, x: np.ndarray, raw: np.ndarray,
            options: ExplainOptions | None = None) -> Effects:
    """The one place the explanation algorithm is chosen: standardised model inputs ``x`` and
    the raw feature matrix ``raw`` (model order, NaN where unknown) of n persons in, each
    person's per-feature contributions out. Shapley values of the score (``contributions``);
    a field the person did not give is no reason, so its ``missing_<field>`` share is left out
    here (``contributions.explanation`` reports it apart, with its range)."""
    options = options or ExplainOptions()
    c = shapley(scorer, x, options.permutations)
    missing = np.zeros(x.shape[1], dtype=bool)
    missing[INDICATORS] = True
    probability = (c.score / 100.0).astype(np.float64)
    q = np.clip(probability, 1e-7, 1 - 1e-7)
    on_log_odds = np.where(missing, 0.0, c.log_odds)
    return Effects(probability, np.log(q / (1 - q)), np.where(missing, 0.0, c.points / 100.0),
                   on_log_odds, against_direction(x, scorer.reference, on_log_odds))


def _direction(v: float, up: str, down: str) -> str:
    return up if v >= 0 else down


# How each feature reads in a sentence, given the person's raw value. A feature without an entry
# falls back to "Your <label> is <value>", so a new feature in shared_features still reads well.
PHRASES: dict[str, Callable[[float], str]] = {
    "income_mean": lambda v: f"Your average monthly income is {w.money(v)}",
    "income_volatility": lambda v: f"Your income varies by about {w.pct(v)} from month to month",
    "income_trend": lambda v: (f"Your income is {_direction(v, 'rising', 'falling')} by about "
                               f"{w.pct(abs(v), 1)} a month"),
    "income_recent_ratio": lambda v: (f"Your income over the last {RECENT_MONTHS} months is "
                                      f"{w.pct(v)} of your average"),
    "income_min_ratio": lambda v: (f"Your lowest month's income was {w.pct(v)} of your "
                                   "average"),
    "expense_ratio": lambda v: f"Your spending is {w.pct(v)} of your income",
    "expense_volatility": lambda v: f"Your spending varies by about {w.pct(v)} month to month",
    "savings_rate": lambda v: (f"You keep {w.pct(v)} of your income after spending and debt "
                               "payments" if v >= 0 else
                               f"You spend {w.pct(-v)} more than your income"),
    # Relative to the whole history's income (shared_features), as the sentence says.
    "savings_rate_recent": lambda v: (f"Over the last {RECENT_MONTHS} months you kept "
                                      f"{w.pct(v)} of your usual income" if v >= 0 else
                                      f"Over the last {RECENT_MONTHS} months you spent more "
                                      f"than came in, by {w.pct(-v)} of your usual income"),
    "negative_cashflow_share": lambda v: (f"You spent more than you earned in {w.pct(v)} of "
                                          "the months"),
    "liquidity_months": lambda v: f"Your savings cover {v:.1f} months of expenses",
    "liquidity_min_months": lambda v: (f"At their lowest, your savings covered {v:.1f} "
                                       "months of expenses"),
    "liquidity_trend": lambda v: (f"Your savings cushion is "
                                  f"{_direction(v, 'growing', 'shrinking')} by {abs(v):.2f} "
                                  "months of expenses a month"),
    "debt_service_ratio": lambda v: f"Debt payments take {w.pct(v)} of your income",
    "debt_to_income": lambda v: f"Your debt is {w.pct(v)} of a year's income",
    # debt_trend is in months of spending (debt payments included), not of income.
    "debt_trend": lambda v: (f"Your debt is {_direction(v, 'growing', 'falling')} by "
                             f"{w.pct(abs(v))} of a month's spending each month"),
    "payment_to_debt": lambda v: f"Each month you pay about {w.pct(v)} of what you owe",
    "utilization": lambda v: f"You are using {w.pct(v)} of your credit limit",
    "missed_payments_total": lambda v: f"You missed {w.count(v, 'payment')} in the months given",
    "missed_payments_recent": lambda v: (f"You missed {w.count(v, 'payment')} in the last "
                                         f"{RECENT_MONTHS} months"),
    "missed_streak": lambda v: (f"You missed a payment in each of the last "
                                f"{w.count(v, 'month')}" if v >= 2 else
                                "You missed a payment in the latest month" if v >= 1 else
                                "You paid on time in the latest month"),
    "months_observed": lambda v: f"You provided {w.count(v, 'month')} of history",
    # Not "assumed a typical value": the model was trained with fields masked, so it judges an
    # unknown one from everything else it sees.
    **{f"missing_{field}": (lambda v, field=field: f"Your {field.replace('_', ' ')} figures "
                            "were not given, so the model judged them from the rest of your data")
       for field in OPTIONAL_FIELDS},
}


def _phrase_for(index: int) -> Callable[[float], str]:
    d = FEATURES[index]
    return PHRASES.get(d.name, lambda v, d=d: f"Your {d.label} is {w.by_unit(d.unit, v)}")


_PHRASE_BY_INDEX: list[Callable[[float], str]] = [_phrase_for(i) for i in range(len(FEATURES))]


def insight(index: int, value: float, effect: float, log_odds: float,
            min_points: float = 0.5) -> dict[str, Any]:
    """One insight: the feature, the person's value, its effects and the sentence.

    ``effect`` is the probability effect; numbers are shown as given (``top_insights`` rounds
    them vectorised beforehand).
    """
    d = FEATURES[index]
    pts = round(effect * 100.0, 1)  # risk_score is 100 x probability (shared_features)
    verb = "raises" if log_odds > 0 else "lowers"
    known = value == value  # not NaN
    return {
        "feature": d.name,
        "label": d.label,
        "value": value if known else None,
        "display_value": w.by_unit(d.unit, value) if known else None,
        "effect": effect,
        "points": pts,
        "log_odds": log_odds,
        "direction": verb,
        "sentence": sentence(index, value, effect, log_odds, min_points),
    }


def sentence(index: int, value: float, effect: float, log_odds: float,
             min_points: float = 0.5) -> str:
    """The insight's sentence on its own, e.g. "Debt payments take 45% of your income, which
    raises your risk by 6 points." """
    pts = round(effect * 100.0, 1)
    verb = "raises" if log_odds > 0 else "lowers"
    size = f" by {w.points(pts)}" if abs(pts) >= min_points else ""
    return f"{_PHRASE_BY_INDEX[index](value)}, which {verb} your risk{size}."


def _selection(effects: Effects, raw: np.ndarray, options: ExplainOptions
               ) -> tuple[list[list[int]], list[list[float]], list[list[float]],
                          list[list[float]]]:
    """Per person the chosen feature indices (risk-raising first, strongest first), and the
    rounded raw values, probability effects and log-odds effects as nested lists."""
    unknown = np.isnan(raw)
    z = np.where(unknown, 0.0, effects.on_log_odds)
    p = np.where(unknown, 0.0, effects.on_probability)
    worth = (((np.abs(p) * 100.0 >= options.min_points) | (np.abs(z) >= options.min_log_odds))
             & ~effects.contrary)
    k_up, k_down = max(0, options.top_up), max(0, options.top_down)
    up = np.argsort(-z, axis=1, kind="stable")[:, :k_up]
    down = np.argsort(z, axis=1, kind="stable")[:, :k_down]
    rows = np.arange(len(z))[:, None]
    keep_up = (worth & (z > 0))[rows, up].tolist()
    keep_down = (worth & (z < 0))[rows, down].tolist()
    # Rounded here, vectorised, rather than per insight: round() per value is slow in bulk.
    raw_l, p_l, z_l = np.round(raw, 4).tolist(), np.round(p, 4).tolist(), np.round(z, 3).tolist()
    chosen = [[j for j, k in zip(u, ku, strict=True) if k]
              + [j for j, k in zip(d, kd, strict=True) if k]
              for u, ku, d, kd in zip(up.tolist(), keep_up, down.tolist(), keep_down,
                                      strict=True)]
    return chosen, raw_l, p_l, z_l


def top_insights(effects: Effects, raw: np.ndarray, options: ExplainOptions
                 ) -> list[list[dict[str, Any]]]:
    """Per person: the strongest risk-raising then risk-lowering insights, strongest first.

    Features whose raw value is unknown (NaN) have nothing to say and are skipped
    (missing-data indicators are never NaN).
    """
    chosen, raw_l, p_l, z_l = _selection(effects, raw, options)
    m = options.min_points
    return [[insight(j, raw_l[i][j], p_l[i][j], z_l[i][j], m) for j in js]
            for i, js in enumerate(chosen)]


def top_reasons(effects: Effects, raw: np.ndarray, options: ExplainOptions, k: int = 3
                ) -> list[list[str]]:
    """Per person the sentences of the first ``k`` insights ``top_insights`` would give (the
    strongest risk-raising first), without building the insight dicts."""
    chosen, raw_l, p_l, z_l = _selection(effects, raw, options)
    m = options.min_points
    return [[sentence(j, raw_l[i][j], p_l[i][j], z_l[i][j], m) for j in js[:k]]
            for i, js in enumerate(chosen)]
