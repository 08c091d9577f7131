"""One panel in, one result per person out: features, score, explanations, recommendations.

Everything is vectorised over persons except the last step, which writes each person's insights
and recommendations as JSON text once (see ``documents``; no dicts in between, which cost more
than the model for large files); large regular parts (key metrics, monthly history) are encoded
column-wise by pandas instead. Large panels go through in chunks of ``CHUNK_PERSONS`` persons.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from shared_features import (
    FIELD_NAMES,
    OPTIONAL_FIELDS,
    MonthlyPanel,
    key_metrics,
    model_input,
    raw_feature_matrix,
)
from shared_features.ingest import SHORT_HISTORY_MONTHS

from .documents import ResultRow, encode, row_dict
from .explain import (
    ExplainOptions,
    effects_from,
    group_missing,
    occlusion_batch,
    top_insights_json,
)
from .recommend import RecommendOptions, rank_json, stack, what_ifs
from .scorer import Prediction, Scorer, Scores

# Persons assessed together: large enough to amortise the per-call overheads (pandas, the
# session), small enough that the ~30 model rows per person and the what-if panels stay in cache.
CHUNK_PERSONS = 4_096


@dataclass
class ScoredPanel:
    """What scoring alone gives for a panel: no explanations, no what-ifs (those are paid for
    only when someone reads them). One model row per person."""

    panel: MonthlyPanel  # as uploaded (the history shown is taken from it)
    x: np.ndarray  # (n, features) standardised model input of the history window
    raw: dict[str, np.ndarray]  # raw features by name, (n,) each
    prediction: Prediction
    scores: Scores

    @property
    def raw_matrix(self) -> np.ndarray:
        return raw_feature_matrix(self.raw)


def score_panel(panel: MonthlyPanel, scorer: Scorer) -> ScoredPanel:
    """Features and one session call for every person of ``panel`` (vectorised)."""
    x, raw = model_input(panel, scorer.spec)
    prediction = scorer.predict(x)
    return ScoredPanel(panel, x, raw, prediction, scorer.grade(prediction.probability))


def chunks(panel: MonthlyPanel, size: int = CHUNK_PERSONS) -> Iterator[MonthlyPanel]:
    """``panel`` in consecutive pieces of at most ``size`` persons (views, not copies)."""
    step = max(1, int(size))
    for i in range(0, max(panel.n_persons, 1), step):
        yield panel.take(slice(i, i + step))


@dataclass
class Assessment:
    scores: Scores
    rows: list[ResultRow]  # one encoded PersonResult per person, in panel order

    def results(self) -> list[dict[str, Any]]:
        """The decoded PersonResult dicts (for Python callers; the API splices ``rows``)."""
        return [row_dict(r) for r in self.rows]


# Below this many values plain Python encodes faster than pandas, whose call costs ~0.5 ms.
_SMALL_BLOCK = 2_000


def _json_rows(a: np.ndarray, digits: int) -> list[str]:
    """Each row of a 2-D float array as JSON array text without brackets (NaN/inf -> null)."""
    if a.shape[0] == 0:
        return []
    a = np.where(np.isfinite(a), a, np.nan)
    if a.size <= _SMALL_BLOCK:
        return [",".join("null" if v != v else repr(v) for v in row)
                for row in np.round(a, digits).tolist()]
    if a.shape[1] == 0:
        return [""] * a.shape[0]
    text = pd.DataFrame(a).to_json(orient="values", double_precision=digits)  # encoded in C
    return text[2:-2].split("],[")  # "[[1,2],[3,4]]" -> ["1,2", "3,4"]; no nesting inside


def key_metrics_json(raw: dict[str, np.ndarray]) -> list[str]:
    """Per person, the key metrics object as JSON text (null where a metric is unknown)."""
    metrics = key_metrics(raw)
    names = list(metrics)
    values = _json_rows(np.column_stack([metrics[k] for k in names]).astype(float), 3)
    head = [f'"{k}":' for k in names]
    return ["{" + ",".join(h + v for h, v in zip(head, row.split(","), strict=True)) + "}"
            for row in values]


def monthly_history_json(panel: MonthlyPanel) -> list[str]:
    """Per person, the uploaded months oldest first, as JSON text for the cash-flow chart:
    ``{"months": ["2024-01", ...], "income": [...], ...}``. A month missing in the middle of
    someone's history is kept as nulls so a chart shows the gap.

    Persons are grouped by the month their history starts; each group's values are encoded by
    pandas in one call, so there is no Python loop over values.
    """
    n, t = panel.n_persons, panel.n_months
    first = np.where(panel.observed.any(axis=1), np.argmax(panel.observed, axis=1), t - 1)
    if panel.months is None:
        month_text = np.full((n, t), "null", dtype=object)
    else:
        month_text = np.where(np.isnat(panel.months), "null",
                              np.char.add(np.char.add('"', np.datetime_as_string(
                                  panel.months, unit="M")), '"')).astype(object)
    keys = [f'"{name}":[' for name in FIELD_NAMES]
    n_fields = len(keys)
    out: list[str] = [""] * n
    for start in np.unique(first).tolist():
        who = np.flatnonzero(first == start)
        # One encoded row per (person, field): each is a finished JSON array's content.
        block = panel.values[who, start:, :].transpose(0, 2, 1).reshape(len(who) * n_fields, -1)
        series = _json_rows(block, 2)
        months = month_text[who, start:].tolist()
        for r, (i, m) in enumerate(zip(who.tolist(), months, strict=True)):
            out[i] = ('{"months":[' + ",".join(m) + "]," + ",".join([
                key + row + "]" for key, row in zip(keys, series[r * n_fields:(r + 1) * n_fields],
                                                    strict=True)]) + "}")
    return out


def person_warnings(raw: dict[str, np.ndarray]) -> list[list[str]]:
    """What makes each person's estimate less certain: fields they gave no data for, short
    histories. Persons share one list per distinct situation, so this stays cheap."""
    missing = np.stack([raw[f"missing_{f}"] >= 0.5 for f in OPTIONAL_FIELDS], axis=1)
    months = raw["months_observed"].astype(int)
    short = months < SHORT_HISTORY_MONTHS
    code = missing.astype(np.int64) @ (1 << np.arange(len(OPTIONAL_FIELDS)))
    key = code * 100 + np.where(short, months, 0)
    cache: dict[int, list[str]] = {}
    out = []
    for k in key.tolist():
        if k not in cache:
            fields = [f for b, f in enumerate(OPTIONAL_FIELDS) if (k // 100) >> b & 1]
            text = ([f"no {', '.join(f.replace('_', ' ') for f in fields)} data: the model "
                     "judged them from the rest of the file, so this estimate is less certain"]
                    if fields else [])
            if k % 100:
                text.append(f"only {k % 100} month{'s' if k % 100 != 1 else ''} of history; at "
                            f"least {SHORT_HISTORY_MONTHS} give a firmer estimate")
            cache[k] = text
        out.append(cache[k])
    return out


def assess(panel: MonthlyPanel, scorer: Scorer, explain: ExplainOptions | None = None,
           recommendations: RecommendOptions | None = None,
           chunk_persons: int = CHUNK_PERSONS) -> Assessment:
    """Score every person in ``panel`` and explain and advise each; see module docstring.

    Per chunk of ``chunk_persons`` persons, one feature computation (the panel stacked with its
    what-if copies) and one session call (occlusion rows + what-if rows) serve score,
    explanations and recommendations together. Persons are independent, so the chunks only
    bound the working memory (about 30 model rows per person) and keep it in cache: time grows
    linearly with the number of persons and a 1M-person file needs no 10 GB of temporaries.
    """
    explain = explain or ExplainOptions()
    recommendations = recommendations or RecommendOptions()
    n, step = panel.n_persons, max(1, int(chunk_persons))
    if n <= step:
        return _assess(panel, scorer, explain, recommendations)
    parts = [_assess(panel.take(slice(i, i + step)), scorer, explain, recommendations)
             for i in range(0, n, step)]
    scores = Scores(*(np.concatenate([getattr(p.scores, k) for p in parts])
                      for k in ("probability", "risk_score", "risk_band")))
    return Assessment(scores, [row for p in parts for row in p.rows])


def _assess(panel: MonthlyPanel, scorer: Scorer, explain: ExplainOptions,
            recommendations: RecommendOptions) -> Assessment:
    n = panel.n_persons
    window = panel.last_months(scorer.spec.history_months)
    actions = what_ifs(window, recommendations)
    x_all, raw_all = model_input(stack(window, actions), scorer.spec)
    raw = {k: v[:n] for k, v in raw_all.items()}
    occluded = occlusion_batch(x_all[:n], scorer.reference)
    p_all, z_all = scorer.run(np.concatenate([occluded, x_all[n:]]))
    m = len(occluded)
    effects = effects_from(p_all[:m], z_all[:m], x_all[:n], scorer.reference)
    after_p, after_z = (v[m:].reshape(len(actions), n).T for v in (p_all, z_all))
    probability = effects.probability
    scores = scorer.grade(probability)

    raw_m = raw_feature_matrix(raw)
    insights = top_insights_json(group_missing(effects, raw_m), raw_m, explain)
    recs = rank_json(actions, probability, effects.log_odds, after_p, after_z, scorer.spec,
                     recommendations)
    warnings = person_warnings(raw)
    shared: dict[int, str] = {}  # persons in one situation share one list: encode it once
    for w in warnings:
        if id(w) not in shared:
            shared[id(w)] = encode(w)
    rows = list(zip(
        [str(i) for i in panel.person_ids.tolist()],
        np.round(probability, 4).tolist(),
        scores.risk_score.tolist(),
        scores.risk_band.tolist(),
        key_metrics_json(raw),
        insights,
        recs,
        monthly_history_json(panel),
        [shared[id(w)] for w in warnings],
        strict=True))
    return Assessment(scores, rows)
