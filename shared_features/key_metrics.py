"""Key metrics: the engineered figures a person recognises, from the raw features."""

from __future__ import annotations

import numpy as np

# (key, label, unit, raw feature it comes from)
KEY_METRICS: tuple[tuple[str, str, str, str], ...] = (
    ("avg_monthly_income", "Average monthly income", "currency", "income_mean"),
    ("avg_monthly_expenses", "Average monthly expenses", "currency", "expenses_mean"),
    ("avg_net_cash_flow", "Average net cash flow", "currency", "net_cashflow_mean"),
    ("savings_rate", "Savings rate", "percent", "savings_rate"),
    ("months_of_liquidity", "Months of expenses in savings", "months", "liquidity_months"),
    ("debt_service_ratio", "Debt payments / income", "percent", "debt_service_ratio"),
    ("debt_to_income", "Debt / yearly income", "ratio", "debt_to_income"),
    ("credit_utilization", "Credit utilisation", "percent", "utilization"),
    ("missed_payments", "Missed payments", "count", "missed_payments_total"),
    ("months_observed", "Months of history", "count", "months_observed"),
)


def key_metrics(raw: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-person key metrics (NaN where the input did not allow one), rounded for display."""
    out = {}
    for key, _label, unit, source in KEY_METRICS:
        digits = 0 if unit in ("currency", "count") else 3
        out[key] = np.round(raw[source].astype(float), digits)
    return out
