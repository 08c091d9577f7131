"""Scored persons as a table: one row per person, flat columns, for files and data frames.

The analysts' command (``stress-scorer score``) writes it as CSV, Parquet or JSON lines, and
the Dask batch job builds the same table per partition, so both call ``results_table`` (and
``table_columns`` for the empty frame Dask needs to know the columns in advance). Columns:

    person_id, probability, risk_score, risk_band,
    component_<rule>...   the model's per-kind probabilities (none when the model has no heads)
    <key metric>...       the figures a person recognises (shared_features.KEY_METRICS)
    warnings              what makes the estimate less certain, "; "-separated
    reason_1..reason_k    with reasons=k: the strongest explanations, as sentences
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa

from shared_features import KEY_METRICS, MonthlyPanel, key_metrics

from .explain import ExplainOptions, explain, top_reasons
from .outputs import as_frame
from .pipeline import ScoredPanel, score_panel, warning_situations
from .result import INDEX, ResultRow
from .scorer import Scorer

PROBABILITY_DIGITS = 4


def table_columns(scorer: Scorer, reasons: int = 0) -> dict[str, str]:
    """Column name -> pandas dtype of ``results_table``, in order."""
    columns = {"person_id": "string", "probability": "float64", "risk_score": "int64",
               "risk_band": "string"}
    columns |= {f"component_{name}": "float64" for name in scorer.component_names}
    columns |= {key: "float64" for key, *_ in KEY_METRICS}
    columns["warnings"] = "string"
    columns |= {f"reason_{i}": "string" for i in range(1, reasons + 1)}
    return columns


def results_table(panel: MonthlyPanel | ScoredPanel, scorer: Scorer, reasons: int = 0,
                  explain_options: ExplainOptions | None = None) -> pd.DataFrame:
    """``results_arrow`` as a pandas frame with the dtypes of ``table_columns``."""
    return as_frame(results_arrow(panel, scorer, reasons, explain_options),
                    table_columns(scorer, reasons))


def results_arrow(panel: MonthlyPanel | ScoredPanel, scorer: Scorer, reasons: int = 0,
                  explain_options: ExplainOptions | None = None) -> pa.Table:
    """Score ``panel`` (or take it scored) and lay out one row per person (see module doc).

    An arrow table, which the file writers take as it is (a million persons' cells are not
    converted to pandas and back); an unknown number is null. ``reasons`` > 0 explains every
    person (about 30 model rows each instead of one) and adds that many reason columns, null
    where a person has fewer.
    """
    scored = panel if isinstance(panel, ScoredPanel) else score_panel(panel, scorer)
    data: dict[str, pa.Array] = {
        "person_id": _text(scored.panel.person_ids),
        "probability": _number(np.round(scored.prediction.probability, PROBABILITY_DIGITS)),
        "risk_score": pa.array(np.asarray(scored.scores.risk_score, dtype=np.int64)),
        "risk_band": _text(scored.scores.risk_band),
    }
    for name, values in scored.prediction.components.items():
        data[f"component_{name}"] = _number(np.round(values, PROBABILITY_DIGITS))
    data |= {key: _number(values) for key, values in key_metrics(scored.raw).items()}
    # Worded once per distinct situation, then laid out per person in one take.
    situation, texts = warning_situations(scored.raw)
    data["warnings"] = pa.DictionaryArray.from_arrays(
        pa.array(situation.astype(np.int32)),
        pa.array(["; ".join(t) for t in texts], pa.large_string())).dictionary_decode()
    if reasons > 0:
        raw = scored.raw_matrix
        options = explain_options or ExplainOptions()
        options = replace(options, top_up=max(reasons, options.top_up), top_down=reasons)
        texts = top_reasons(explain(scorer, scored.x, raw, options), raw, options, reasons)
        for i in range(reasons):
            data[f"reason_{i + 1}"] = pa.array([t[i] if len(t) > i else None for t in texts],
                                               pa.large_string())
    return pa.table(data)


def _number(values: np.ndarray) -> pa.Array:
    """float64 with NaN (not known) as null: an empty cell in a file, NaN in pandas."""
    return pa.array(np.asarray(values, dtype=np.float64), from_pandas=True)


def _text(values: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(values).astype(str), pa.large_string())


def stored_table(rows: list[ResultRow]) -> pd.DataFrame:
    """The same table (without reasons) from stored result rows: a run's CSV download."""
    def decoded(name: str) -> list:
        return [orjson.loads(r[INDEX[name]]) for r in rows]

    components = decoded("components")
    rules = list(dict.fromkeys(k for c in components[:1] for k in c))  # the run's model's heads
    metrics = decoded("key_metrics")
    data: dict[str, object] = {name: [r[INDEX[name]] for r in rows]
                               for name in ("person_id", "probability", "risk_score",
                                            "risk_band")}
    data |= {f"component_{rule}": [c.get(rule) for c in components] for rule in rules}
    data |= {key: [m.get(key) for m in metrics] for key, *_ in KEY_METRICS}
    data["warnings"] = ["; ".join(w) for w in decoded("warnings")]
    dtypes = {"person_id": "string", "probability": "float64", "risk_score": "int64",
              "risk_band": "string", "warnings": "string",
              **{f"component_{r}": "float64" for r in rules},
              **{key: "float64" for key, *_ in KEY_METRICS}}
    return pd.DataFrame(data).astype(dtypes)
