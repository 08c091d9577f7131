"""One person's result shaped for the detail template: gauge, key metrics, charts, data table."""

from __future__ import annotations

import math
from typing import Any

from inference.result import ResultRow, decode

from . import charts
from .present import band_class, fmt_number, fmt_percent, key_metric_items, kind_items

# (history field, legend label, CSS series key) per chart; the fields are the upload's columns.
CASH_FLOW = (("income", "Income", "income"), ("expenses", "Expenses", "expenses"),
             ("debt_payments", "Debt payments", "payments"))
BALANCES = (("liquid_savings", "Savings", "savings"), ("total_debt", "Debt", "debt"))


def _values(history: dict[str, Any], field: str) -> list[float | None]:
    return [v if isinstance(v, int | float) and math.isfinite(v) else None
            for v in history.get(field) or []]


def _chart(chart_id: str, title: str, history: dict[str, Any],
           lines: tuple[tuple[str, str, str], ...]) -> dict[str, Any]:
    """A chart of the lines the upload has data for (svg None when it has none of them)."""
    series = [charts.Series(key, label, _values(history, field)) for field, label, key in lines]
    series = [s for s in series if any(v is not None for v in s.values)]
    months = history.get("months") or []
    return {"svg": charts.line_chart(chart_id, title, months, series) if series else None,
            "legend": [{"key": s.key, "label": s.label} for s in series], "title": title,
            "missing": " or ".join(label.lower() for _f, label, _k in lines)}


def person_view(row: ResultRow, thresholds: tuple[float, float] | None) -> dict[str, Any]:
    """Everything the person template shows, from one stored result row."""
    person = decode(row)
    history = person.get("history") or {}
    months = history.get("months") or []
    fields = [f for f, _label, _key in (*CASH_FLOW, *BALANCES)]
    table = [{"month": charts.month_label(m, i),
              "values": [fmt_number(_at(history, f, i), "currency") for f in fields]}
             for i, m in enumerate(months)]
    recommendations = [{**r, "band_class": band_class(r.get("risk_band_after")),
                        "probability_after_text": fmt_percent(r.get("probability_after"))}
                       for r in person.get("recommendations") or []]
    return {
        "person_id": person["person_id"],
        "probability": fmt_percent(person["probability"]),
        "risk_score": person["risk_score"],
        "risk_band": person["risk_band"],
        "band_class": band_class(person["risk_band"]),
        "gauge": charts.gauge(person["risk_score"], person["risk_band"], thresholds),
        "key_metrics": key_metric_items(person.get("key_metrics") or {}),
        # The kinds of stress the model has a head for, likeliest first.
        "components": kind_items(person.get("components") or {}),
        "insights": person.get("insights") or [],
        "contributions": person.get("contributions"),
        "recommendations": recommendations,
        "warnings": person.get("warnings") or [],
        "charts": [_chart("chart-cashflow", "Monthly income and spending", history, CASH_FLOW),
                   _chart("chart-balances", "Savings and debt balances", history, BALANCES)],
        "history_columns": [label for _f, label, _k in (*CASH_FLOW, *BALANCES)],
        "history_rows": table,
    }


def _at(history: dict[str, Any], field: str, i: int) -> Any:
    values = history.get(field) or []
    return values[i] if i < len(values) else None
