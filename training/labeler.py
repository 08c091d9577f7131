"""The labeler: was a simulated future "financial stress"? Isolated from the model on purpose.

It reads only the simulated horizon ((persons, months) series from ``simulator.simulate``) and
its own config section, ``[labeler]``. A person is stressed if any enabled rule fires in any
month of the horizon. Changing a rule or the horizon changes labels; no model code is involved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

# The simulated series the rules read (the oracle records only these).
SERIES_USED: tuple[str, ...] = (
    "income", "expenses", "essential", "debt_payments", "required_payments", "cash",
    "revolving", "credit_limit", "missed_payments",
)


@dataclass(frozen=True)
class MissedPaymentRule:
    enabled: bool = True
    min_missed: int = 1


@dataclass(frozen=True)
class LowLiquidityRule:
    enabled: bool = True
    max_months_of_essentials: float = 0.5
    consecutive_months: int = 2


@dataclass(frozen=True)
class DebtServiceRule:
    enabled: bool = True
    max_ratio: float = 0.40
    consecutive_months: int = 2


@dataclass(frozen=True)
class UtilizationRule:
    enabled: bool = True
    max_utilization: float = 0.90
    consecutive_months: int = 2


@dataclass(frozen=True)
class LabelerConfig:
    missed_payment: MissedPaymentRule = field(default_factory=MissedPaymentRule)
    low_liquidity: LowLiquidityRule = field(default_factory=LowLiquidityRule)
    debt_service: DebtServiceRule = field(default_factory=DebtServiceRule)
    utilization: UtilizationRule = field(default_factory=UtilizationRule)
    horizon_months: int | None = None  # None: the whole simulated horizon

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LabelerConfig:
        rules = {"missed_payment": MissedPaymentRule, "low_liquidity": LowLiquidityRule,
                 "debt_service": DebtServiceRule, "utilization": UtilizationRule}
        unknown = set(d) - set(rules) - {"horizon_months"}
        if unknown:
            raise ValueError(f"[labeler] has unknown rules {sorted(unknown)}; "
                             f"known: {sorted(rules)}")
        kwargs: dict[str, Any] = {k: rule(**d[k]) for k, rule in rules.items() if k in d}
        if d.get("horizon_months") is not None:
            kwargs["horizon_months"] = int(d["horizon_months"])
        return cls(**kwargs)


def _runs_at_least(condition: np.ndarray, k: int) -> np.ndarray:
    """Per person: is ``condition`` true for k consecutive months somewhere? (loop over months)"""
    run = np.zeros(condition.shape[0], dtype=np.int32)
    hit = np.zeros(condition.shape[0], dtype=bool)
    for t in range(condition.shape[1]):
        run = np.where(condition[:, t], run + 1, 0)
        hit |= run >= k
    return hit


def rule_hits(horizon: dict[str, np.ndarray], cfg: LabelerConfig) -> dict[str, np.ndarray]:
    """Which enabled rules fire for each person: {rule name: bool (persons,)}."""
    h = cfg.horizon_months
    s = {k: v[:, :h] if h is not None else v for k, v in horizon.items()}
    hits: dict[str, np.ndarray] = {}

    if cfg.missed_payment.enabled:
        hits["missed_payment"] = (s["missed_payments"] >= cfg.missed_payment.min_missed).any(1)

    if cfg.low_liquidity.enabled:
        r = cfg.low_liquidity
        net = s["income"] - s["expenses"] - s["debt_payments"]
        low = s["cash"] < r.max_months_of_essentials * s["essential"]
        hits["low_liquidity"] = _runs_at_least(low & (net < 0), r.consecutive_months)

    if cfg.debt_service.enabled:
        r = cfg.debt_service
        # No income but payments due is as stretched as it gets.
        burden = s["required_payments"] > r.max_ratio * s["income"]
        hits["debt_service"] = _runs_at_least(burden & (s["required_payments"] > 0),
                                              r.consecutive_months)

    if cfg.utilization.enabled:
        r = cfg.utilization
        over = s["revolving"] > r.max_utilization * s["credit_limit"]
        hits["utilization"] = _runs_at_least(over & (s["revolving"] > 0), r.consecutive_months)
    return hits


def label(horizon: dict[str, np.ndarray], cfg: LabelerConfig) -> np.ndarray:
    """1.0 if any enabled rule fires within the horizon, else 0.0 (float32, (persons,))."""
    n = next(iter(horizon.values())).shape[0]
    stressed = np.zeros(n, dtype=bool)
    for hit in rule_hits(horizon, cfg).values():
        stressed |= hit
    return stressed.astype(np.float32)
