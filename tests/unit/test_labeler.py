"""The labeler on hand-made horizons: each rule, k-in-a-row, thresholds, the horizon length."""

import numpy as np
import pytest

from training import config as config_mod
from training.labeler import (
    SERIES_USED,
    DebtServiceRule,
    LabelerConfig,
    LowLiquidityRule,
    MissedPaymentRule,
    UtilizationRule,
    label,
    rule_hits,
)

MONTHS = 6


def calm(n: int = 1) -> dict[str, np.ndarray]:
    """A comfortable person: income 5000, spending 3000, payments 300, cash 20000, card 10%."""
    base = {"income": 5000.0, "expenses": 3000.0, "essential": 2000.0, "debt_payments": 300.0,
            "required_payments": 300.0, "cash": 20000.0, "revolving": 1000.0,
            "credit_limit": 10000.0, "missed_payments": 0.0}
    return {k: np.full((n, MONTHS), v) for k, v in base.items()}


def only(rule: str) -> LabelerConfig:
    """A config with just one rule enabled (defaults for its thresholds)."""
    off = {"missed_payment": MissedPaymentRule(enabled=False),
           "low_liquidity": LowLiquidityRule(enabled=False),
           "debt_service": DebtServiceRule(enabled=False),
           "utilization": UtilizationRule(enabled=False)}
    on = {"missed_payment": MissedPaymentRule(), "low_liquidity": LowLiquidityRule(),
          "debt_service": DebtServiceRule(), "utilization": UtilizationRule()}
    off[rule] = on[rule]
    return LabelerConfig(**off)


def test_calm_person_is_not_stressed():
    h = calm()
    assert set(SERIES_USED) == set(h)
    assert label(h, LabelerConfig()).tolist() == [0.0]
    assert not any(v.any() for v in rule_hits(h, LabelerConfig()).values())


def test_missed_payment_rule_fires_on_one_miss():
    h = calm(2)
    h["missed_payments"][1, 4] = 1
    assert label(h, only("missed_payment")).tolist() == [0.0, 1.0]
    strict = LabelerConfig(missed_payment=MissedPaymentRule(min_missed=2))
    assert label(h, strict)[1] == 0.0


def test_low_liquidity_needs_negative_cash_flow_for_k_months_in_a_row():
    h = calm(3)
    h["cash"][:] = 500.0  # below 0.5 x 2000 essentials in every month
    # person 0: cash flow positive -> not stressed; person 1: negative in months 2 and 3;
    # person 2: negative in months 1 and 3 only (never two in a row)
    h["expenses"][1, 2:4] = 6000.0
    h["expenses"][2, [1, 3]] = 6000.0
    assert label(h, only("low_liquidity")).tolist() == [0.0, 1.0, 0.0]
    one_month = LabelerConfig(**{**only("low_liquidity").__dict__,
                                 "low_liquidity": LowLiquidityRule(consecutive_months=1)})
    assert label(h, one_month).tolist() == [0.0, 1.0, 1.0]


def test_low_liquidity_does_not_fire_with_a_cushion():
    h = calm()
    h["expenses"][:] = 6000.0  # negative cash flow every month, but 10 months of essentials
    assert label(h, only("low_liquidity")).tolist() == [0.0]


def test_debt_service_rule_and_zero_income():
    h = calm(3)
    h["required_payments"][1, 1:3] = 2500.0  # 50% of income for two months
    h["income"][2, 3:5] = 0.0  # lost income while payments are due
    assert label(h, only("debt_service")).tolist() == [0.0, 1.0, 1.0]
    lenient = LabelerConfig(**{**only("debt_service").__dict__,
                               "debt_service": DebtServiceRule(max_ratio=0.6)})
    assert label(h, lenient).tolist() == [0.0, 0.0, 1.0]


def test_utilization_rule_uses_the_revolving_balance():
    h = calm(3)
    h["revolving"][1, 3:] = 9500.0  # 95% for three months
    h["revolving"][2, 5] = 9500.0  # only the last month
    assert label(h, only("utilization")).tolist() == [0.0, 1.0, 0.0]
    h["credit_limit"][0] = 0.0  # no card and no balance is not stress
    h["revolving"][0] = 0.0
    assert label(h, only("utilization"))[0] == 0.0


def test_shorter_horizon_and_disabled_rules_change_labels():
    h = calm(2)
    h["missed_payments"][1, 5] = 1  # only in the last month of the horizon
    assert label(h, LabelerConfig()).tolist() == [0.0, 1.0]
    assert label(h, LabelerConfig(horizon_months=3)).tolist() == [0.0, 0.0]
    assert label(h, LabelerConfig(missed_payment=MissedPaymentRule(enabled=False))
                 ).tolist() == [0.0, 0.0]


def test_config_section_builds_the_labeler_and_rejects_unknown_rules():
    cfg = LabelerConfig.from_dict(config_mod.load()["labeler"])
    assert cfg.missed_payment.enabled and cfg.utilization.max_utilization == 0.9
    assert LabelerConfig.from_dict({"horizon_months": 3}).horizon_months == 3
    with pytest.raises(ValueError, match="unknown rules"):
        LabelerConfig.from_dict({"bankruptcy": {"enabled": True}})
    with pytest.raises(TypeError):
        LabelerConfig.from_dict({"utilization": {"max_util": 0.5}})
