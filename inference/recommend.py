"""Recommendations: what-if actions applied to the raw monthly records, then re-scored.

Each action rewrites the person's monthly values as if they had done it across the history
window, the features are recomputed by ``shared_features`` exactly as for the real upload (one
call for all persons x actions, on the panel stacked with its what-if copies), and all of them go
through the session in one batch. Actions that
do not apply to a person (no debt to pay down, savings too small, ...) or that do not lower the
risk are left out; the rest are ranked by how much they lower it.

Flow actions (spend less, earn more, pay less on debt) keep the money they free up, so liquid
savings grow month by month; stock actions (a buffer, a pay-down) shift the balances by a fixed
amount in every month, so they do not show up as a trend the person did not have.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from shared_features import FeatureSpec, MonthlyPanel, model_input, risk_score
from shared_features.features import latest_value, mean_over_months
from shared_features.schema import FIELD_INDEX

from . import wording as w
from .scorer import Scorer

INCOME, EXPENSES = FIELD_INDEX["income"], FIELD_INDEX["expenses"]
PAYMENTS, SAVINGS, DEBT = (FIELD_INDEX["debt_payments"], FIELD_INDEX["liquid_savings"],
                           FIELD_INDEX["total_debt"])


@dataclass(frozen=True)
class RecommendOptions:
    cut_spending_share: float = 0.10  # "cut discretionary spending": total spending falls 10%
    raise_income_share: float = 0.05
    lower_payments_share: float = 0.20  # e.g. refinancing or consolidating
    buffer_months: float = 1.0  # emergency buffer, in months of average expenses
    pay_down_shares: tuple[float, ...] = (0.10, 0.25)  # of current debt, paid from savings
    max_recommendations: int = 4
    min_points: float = 0.1  # a reduction this big in risk-score points is worth showing ...
    min_log_odds: float = 0.05  # ... and so is one this big in log-odds (saturated persons)


@dataclass
class WhatIf:
    key: str
    title: str
    values: np.ndarray  # the panel values after the action
    applicable: np.ndarray  # bool (persons,)
    amount: np.ndarray  # the money involved per person, for the description
    describe: Callable[[float], str]


def _zero_nan(x: np.ndarray) -> np.ndarray:
    """NaN -> 0 (np.nan_to_num costs ten times as much on a person's few values)."""
    return np.where(np.isnan(x), 0.0, x)


def _keep_in_savings(values: np.ndarray, freed: np.ndarray) -> None:
    """Add the money freed each month to that and every later month's savings balance."""
    values[:, :, SAVINGS] += np.cumsum(_zero_nan(freed), axis=1)  # NaN balances stay NaN


def _scale_flow(v: np.ndarray, field: int, factor: float) -> tuple[np.ndarray, np.ndarray]:
    """A copy with one monthly flow scaled, the difference kept in savings; (values, monthly)."""
    out = v.copy()
    out[:, :, field] = v[:, :, field] * factor
    change = np.abs(v[:, :, field] - out[:, :, field])
    _keep_in_savings(out, change)
    return out, mean_over_months(change)


def what_ifs(panel: MonthlyPanel, options: RecommendOptions) -> list[WhatIf]:
    """Every action, applied to every person (vectorised); ``applicable`` says to whom."""
    v = panel.values
    actions: list[WhatIf] = []
    o = options

    if o.cut_spending_share > 0:
        values, amount = _scale_flow(v, EXPENSES, 1.0 - o.cut_spending_share)
        actions.append(WhatIf(
            "cut_spending", f"Cut discretionary spending by {w.pct(o.cut_spending_share)}",
            values, amount > 0, amount,
            lambda a: (f"Trim discretionary spending so your total spending falls by about "
                       f"{w.money(a)} a month, and keep the difference in savings.")))
    if o.raise_income_share > 0:
        values, amount = _scale_flow(v, INCOME, 1.0 + o.raise_income_share)
        actions.append(WhatIf(
            "raise_income", f"Raise your income by {w.pct(o.raise_income_share)}",
            values, amount > 0, amount,
            lambda a: (f"Bring in about {w.money(a)} more a month (extra hours, a side job or a "
                       "raise) and save it.")))
    if o.lower_payments_share > 0:
        values, amount = _scale_flow(v, PAYMENTS, 1.0 - o.lower_payments_share)
        actions.append(WhatIf(
            "lower_debt_payments",
            f"Lower your monthly debt payments by {w.pct(o.lower_payments_share)}",
            values, amount > 0, amount,
            lambda a: (f"Cut debt payments by about {w.money(a)} a month, e.g. by refinancing "
                       "at a lower rate or consolidating cards, and keep the difference.")))

    savings_now = latest_value(v[:, :, SAVINGS])
    if o.buffer_months > 0:
        amount = o.buffer_months * mean_over_months(v[:, :, EXPENSES])
        values = v.copy()
        values[:, :, SAVINGS] += _zero_nan(amount)[:, None]
        months = f"{o.buffer_months:g} month{'' if o.buffer_months == 1 else 's'}"
        actions.append(WhatIf(
            "emergency_buffer", "Build an emergency buffer",
            values, ~np.isnan(savings_now) & (amount > 0), amount,
            lambda a, months=months: (f"Set aside about {w.money(a)} ({months} of expenses) in "
                                      "easy-access savings.")))

    debt_now = latest_value(v[:, :, DEBT])
    savings_or_none = np.where(np.isnan(savings_now), -1.0, savings_now)
    for share in o.pay_down_shares:
        amount = share * _zero_nan(debt_now)
        values = v.copy()
        values[:, :, DEBT] = np.maximum(v[:, :, DEBT] - amount[:, None], 0.0)
        values[:, :, SAVINGS] -= amount[:, None]
        actions.append(WhatIf(
            f"pay_down_debt_{round(share * 100)}", f"Pay down {w.pct(share)} of your debt",
            values, (amount > 0) & (savings_or_none >= amount), amount,
            lambda a, share=share: (f"Use about {w.money(a)} of your savings to pay off "
                                    f"{w.pct(share)} of what you owe.")))
    return actions


def stack(panel: MonthlyPanel, actions: list[WhatIf]) -> MonthlyPanel:
    """The panel followed by one copy per action: feature engineering runs once for all."""
    k = len(actions) + 1
    months = None if panel.months is None else np.tile(panel.months, (k, 1))
    return MonthlyPanel(np.concatenate([panel.values, *(a.values for a in actions)]),
                        np.tile(panel.observed, (k, 1)), np.tile(panel.person_ids, k), months)


def _ranking(actions: list[WhatIf], probability: np.ndarray, log_odds: np.ndarray,
             after_p: np.ndarray, after_z: np.ndarray, spec: FeatureSpec,
             options: RecommendOptions) -> tuple[list[list[int]], dict[str, list]]:
    """Per person the chosen action indices, best first, and the rounded figures as nested
    lists (persons x actions), for ``rank``."""
    n = len(probability)
    gain = probability[:, None] - after_p
    gain_z = log_odds[:, None] - after_z
    worth = (gain * 100.0 >= options.min_points) | (gain_z >= options.min_log_odds)
    ok = np.stack([a.applicable for a in actions], axis=1) & worth & (gain_z > 0)
    order = np.argsort(np.where(ok, -gain_z, np.inf), axis=1, kind="stable")
    order = order[:, :options.max_recommendations]
    rows = np.arange(n)[:, None]
    keep = ok[rows, order].tolist()
    chosen = [[j for j, k in zip(o, kp, strict=True) if k]
              for o, kp in zip(order.tolist(), keep, strict=True)]
    # Rounded vectorised here rather than per value.
    figures = {"after": np.round(after_p, 4).tolist(), "gain": np.round(gain, 4).tolist(),
               "points": np.round(gain * 100.0, 1).tolist(),
               "gain_z": np.round(gain_z, 3).tolist(), "score": risk_score(after_p).tolist(),
               "band": spec.risk_bands.band(after_p).tolist(),
               "amount": [a.amount.tolist() for a in actions]}
    return chosen, figures


def rank(actions: list[WhatIf], probability: np.ndarray, log_odds: np.ndarray,
         after_p: np.ndarray, after_z: np.ndarray, spec: FeatureSpec,
         options: RecommendOptions) -> list[list[dict[str, Any]]]:
    """Per person: applicable actions that lower the risk, biggest reduction first.

    ``after_p`` / ``after_z`` are (persons, actions): probability and logit after each action.
    Ranked by the log-odds reduction: the same order as the probability reduction, but it still
    separates the actions for a person whose probability is saturated near 1.
    """
    n = len(probability)
    if not actions or options.max_recommendations <= 0:
        return [[] for _ in range(n)]
    chosen, f = _ranking(actions, probability, log_odds, after_p, after_z, spec, options)
    after_l, gain_l, points_l, gain_z_l = f["after"], f["gain"], f["points"], f["gain_z"]
    score_l, band_l, amount_l = f["score"], f["band"], f["amount"]
    return [
        [{"action": actions[j].key,
          "title": actions[j].title,
          "description": actions[j].describe(amount_l[j][i]),
          "probability_after": after_l[i][j],
          "risk_score_after": score_l[i][j],
          "risk_band_after": band_l[i][j],
          "risk_reduction": gain_l[i][j],
          "points": points_l[i][j],
          "log_odds_reduction": gain_z_l[i][j]}
         for j in js]
        for i, js in enumerate(chosen)
    ]


def recommend(scorer: Scorer, panel: MonthlyPanel, options: RecommendOptions
              ) -> list[list[dict[str, Any]]]:
    """Recommendations on their own (the pipeline batches them with the explanations).

    ``panel`` is the history window the model sees.
    """
    n = panel.n_persons
    actions = what_ifs(panel, options)
    if not actions or n == 0:
        return [[] for _ in range(n)]
    x = model_input(stack(panel, actions), scorer.spec)[0]
    p, z = scorer.run(x)
    after_p, after_z = (v[n:].reshape(len(actions), n).T for v in (p, z))
    return rank(actions, p[:n], z[:n], after_p, after_z, scorer.spec, options)
