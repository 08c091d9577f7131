"""Presentation helpers for the dashboard: number formats, table rows, the column guide and the
model-metrics table. Nothing here computes a risk figure; it only shapes the service's output
for the templates."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inference.result import INDEX, ResultRow
from shared_features import KEY_METRICS
from shared_features.schema import AMOUNT_FIELDS, ID_SYNONYMS, MONTH_SYNONYMS

BANDS: tuple[str, ...] = ("Low", "Moderate", "High")
METRIC_UNITS: dict[str, str] = {key: unit for key, _label, unit, _src in KEY_METRICS}
METRIC_LABELS: dict[str, str] = {key: label for key, label, _unit, _src in KEY_METRICS}
# The kinds of stress (the labeler's rules, the model's per-kind heads) as a person reads them:
# a short label and what the rule means, in words: its thresholds live in training/config.toml
# [labeler] and the model card. A rule a retrained model adds without a wording here shows
# under its own name.
KIND_WORDING: dict[str, tuple[str, str]] = {
    "missed_payment": ("Missed payment", "a debt payment missed or paid late"),
    "low_liquidity": ("Running out of cash", "savings nearly gone while more goes out than "
                                             "comes in, months in a row"),
    "debt_service": ("Debt payments too heavy", "debt payments taking too large a share of "
                                                "income, months in a row"),
    "utilization": ("Card maxed out", "card balances at or near their limit, months in a row"),
}


def kind_items(components: dict[str, Any]) -> list[dict[str, str]]:
    """Per-kind probabilities for the person page, likeliest first."""
    ordered = sorted(components.items(), key=lambda kv: -(kv[1] if _finite(kv[1]) else 0.0))
    return [{"label": KIND_WORDING.get(rule, (rule.replace("_", " ").capitalize(), ""))[0],
             "meaning": KIND_WORDING.get(rule, ("", ""))[1], "value": fmt_percent(p)}
            for rule, p in ordered]


# -- numbers -------------------------------------------------------------------------------------

def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def fmt_money(value: Any) -> str:
    """An amount as read from a statement, to the cent; an em dash when unknown."""
    return f"{value:,.2f}" if _finite(value) else "\u2014"


def fmt_number(value: Any, unit: str) -> str:
    """A key metric in its unit; an em dash when the upload did not allow one."""
    if not _finite(value):
        return "\u2014"
    if unit == "currency":
        return f"{value:,.0f}"
    if unit == "percent":
        return f"{value * 100:.1f}%"
    if unit == "months":
        return f"{value:.1f} mo"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "ratio":
        return f"{value:.2f}\u00d7"
    return f"{value:,.2f}"


def fmt_percent(value: Any, digits: int = 1) -> str:
    return f"{value * 100:.{digits}f}%" if _finite(value) else "\u2014"


def fmt_metric(value: Any) -> str:
    """A model-evaluation metric: 3 decimals, counts as integers."""
    if not _finite(value):
        return "\u2014"
    if isinstance(value, int) or float(value).is_integer() and abs(value) >= 10:
        return f"{int(value):,}"
    if 0 < abs(value) < 0.001:
        return f"{value:.2g}"
    return f"{value:.3f}"


def fmt_datetime(text: str | None, with_time: bool = True) -> str:
    """ISO 8601 (UTC) -> '21 Nov 2026, 05:57 UTC' (or '21 Nov 2026'); unparsable text as is."""
    if not text:
        return "\u2014"
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return str(text)
    return moment.strftime("%-d %b %Y, %H:%M UTC" if with_time else "%-d %b %Y")


def band_class(band: str | None) -> str:
    """CSS modifier for a band (a fixed set: never user text in a class attribute)."""
    return {"Low": "low", "Moderate": "moderate", "High": "high"}.get(band or "", "unknown")


# -- results -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TableRow:
    """One person in a run's table: what the table shows, decoded from the stored row."""

    position: int
    person_id: str
    probability: float
    risk_score: int
    risk_band: str
    metrics: dict[str, Any]
    top_driver: str | None


def table_rows(rows: list[ResultRow], positions: list[int]) -> list[TableRow]:
    """Decode just the parts of each stored row the table needs (not the monthly history).

    The main driver is known only for persons already explained (all of a small run)."""
    out = []
    for position, row in zip(positions, rows, strict=True):
        insights = row[INDEX["insights"]]
        raising = [x for x in json.loads(insights) if x.get("direction") == "raises"] \
            if insights is not None else []
        out.append(TableRow(position, str(row[INDEX["person_id"]]), row[INDEX["probability"]],
                            int(row[INDEX["risk_score"]]), str(row[INDEX["risk_band"]]),
                            json.loads(row[INDEX["key_metrics"]]),
                            raising[0]["label"] if raising else None))
    return out


def key_metric_items(metrics: dict[str, Any]) -> list[dict[str, str]]:
    """Key metrics in the order shared_features.KEY_METRICS lists them, formatted."""
    return [{"key": key, "label": label, "value": fmt_number(metrics.get(key), unit)}
            for key, label, unit, _src in KEY_METRICS]


def band_share(band_counts: dict[str, int]) -> list[dict[str, Any]]:
    """Per band: count and share of the run (for the stacked distribution bar)."""
    total = sum(int(band_counts.get(b, 0)) for b in BANDS) or 1
    return [{"band": b, "count": int(band_counts.get(b, 0)),
             "share": round(100 * int(band_counts.get(b, 0)) / total, 2)} for b in BANDS]


# -- upload page ---------------------------------------------------------------------------------

def column_guide() -> list[dict[str, Any]]:
    """The canonical upload columns, generated from shared_features.schema (not hand-copied)."""
    guide = [
        {"name": "person_id", "required": "No (one person when absent)",
         "description": "Any text that identifies a person", "synonyms": ID_SYNONYMS},
        {"name": "month", "required": "Yes, when a person has more than one row",
         "description": "YYYY-MM, or any date in that month", "synonyms": MONTH_SYNONYMS},
    ]
    guide += [{"name": f.name, "required": "Yes" if f.required else "No",
               "description": f.description, "synonyms": f.synonyms} for f in AMOUNT_FIELDS]
    return guide


# -- model page ----------------------------------------------------------------------------------

METRIC_INFO: dict[str, tuple[str, str]] = {
    "roc_auc": ("ROC-AUC", "higher is better"),
    "pr_auc": ("PR-AUC", "higher is better"),
    "brier": ("Brier score", "lower is better"),
    "log_loss": ("Log-loss", "lower is better"),
    "ece": ("Calibration error (ECE)", "lower is better"),
    "accuracy": ("Accuracy", "higher is better"),
    "precision": ("Precision", "higher is better"),
    "recall": ("Recall", "higher is better"),
    "f1": ("F1", "higher is better"),
    "base_rate": ("Share stressed (base rate)", ""),
    "mean_probability": ("Mean predicted probability", ""),
    "n": ("People in the test set", ""),
}
_COLUMN_ORDER = ("model", "baseline", "oracle")


@dataclass(frozen=True)
class MetricsTable:
    columns: list[str]
    rows: list[dict[str, Any]]  # {"key", "label", "hint", "values": [str per column]}
    extras: list[tuple[str, str]]  # scalars beside the table, e.g. the threshold


def metrics_table(metrics: dict[str, Any] | None) -> MetricsTable | None:
    """metrics.json (model / baseline / oracle side by side) -> one table; None when absent.

    Tolerates shapes: {"model": {...}, "oracle": {...}, ...}, the same one level down (e.g.
    under "test"), or one flat dict of numbers (the model's only).
    """
    if not isinstance(metrics, dict) or not metrics:
        return None
    if "model" not in metrics:
        nested = next((v for v in metrics.values() if isinstance(v, dict) and "model" in v), None)
        if nested is not None:
            metrics = nested
    groups = {k: v for k, v in metrics.items()
              if isinstance(v, dict) and any(_finite(x) for x in v.values())}
    if not groups:
        flat = {k: v for k, v in metrics.items() if _finite(v)}
        if not flat:
            return None
        groups, metrics = {"model": flat}, {}
    columns = sorted(groups, key=lambda k: (_COLUMN_ORDER.index(k) if k in _COLUMN_ORDER
                                            else len(_COLUMN_ORDER), k))
    keys: list[str] = [k for k in METRIC_INFO if any(k in g for g in groups.values())]
    keys += sorted({k for g in groups.values() for k, v in g.items()
                    if _finite(v) and k not in METRIC_INFO})
    rows = [{"key": k,
             "label": METRIC_INFO.get(k, (k.replace("_", " ").capitalize(), ""))[0],
             "hint": METRIC_INFO.get(k, ("", ""))[1],
             "values": [fmt_metric(groups[c].get(k)) for c in columns]} for k in keys]
    extras = [(k.replace("_", " ").capitalize(), fmt_metric(v) if _finite(v) else str(v))
              for k, v in metrics.items()
              if k not in groups and (_finite(v) or isinstance(v, str))]
    return MetricsTable(columns, rows, extras)
