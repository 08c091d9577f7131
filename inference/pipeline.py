"""One panel in, one result row per person out (the parts ``inference.result`` defines).

Two depths, both vectorised over persons and run in chunks of persons:

* ``scored_rows``: features and one model row per person, giving everything but the lazy parts
  (probability, score, band, components, key metrics, history, warnings). What a large upload
  pays for.
* ``assessed_rows``: also the explanations and the what-if recommendations, about 250 model rows
  per person (the Shapley coalitions, the what-ifs, missing fields given) in one scorer call.
  What a small upload, or a person being opened, pays for.

Nested parts are encoded to JSON text once, here, with orjson; large regular parts (the monthly
history) are laid out column-wise first so no Python loop runs over single values.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import orjson

from shared_features import (
    FIELD_NAMES,
    OPTIONAL_FIELDS,
    MonthlyPanel,
    key_metrics,
    model_input,
    raw_feature_matrix,
)
from shared_features.ingest import SHORT_HISTORY_MONTHS

from .contributions import (
    against_direction,
    coalitions,
    contributions_from,
    explanation,
    game,
    missing_field_rows,
    missing_ranges_from,
)
from .explain import ExplainOptions
from .recommend import RecommendOptions, rank, stack, what_ifs
from .result import INDEX, LAZY_FIELDS, ResultRow
from .scorer import Prediction, Scorer, Scores

# Persons assessed together: large enough to amortise the per-call overheads (pandas, the
# session), small enough that the ~30 model rows per person and the what-if panels stay in cache.
CHUNK_PERSONS = 4_096
# Persons assessed together: each needs up to ~400 model rows (mostly the Shapley coalitions),
# all scored in one call; 128 persons keep that batch under 6 MB.
ASSESS_CHUNK_PERSONS = 128


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


def scored_rows(panel: MonthlyPanel, scorer: Scorer, chunk_persons: int = CHUNK_PERSONS
                ) -> Iterator[ResultRow]:
    """Each person's row without the lazy parts (None), chunk by chunk, in panel order."""
    for chunk in chunks(panel, chunk_persons):
        yield from _rows(score_panel(chunk, scorer))


def assessed_rows(panel: MonthlyPanel, scorer: Scorer, explain: ExplainOptions | None = None,
                  recommendations: RecommendOptions | None = None,
                  chunk_persons: int = ASSESS_CHUNK_PERSONS) -> Iterator[ResultRow]:
    """Each person's complete row, explanations and recommendations included, in panel order.

    Per chunk, one feature computation (the panel stacked with its what-if copies) and one
    scorer call (persons, what-ifs, Shapley coalitions, missing fields given) serve score,
    explanations and recommendations: for one person, one session run. Persons are
    independent, so the chunks only bound the working memory.
    """
    explain = explain or ExplainOptions()
    recommendations = recommendations or RecommendOptions()
    for chunk in chunks(panel, chunk_persons):
        yield from _assess(chunk, scorer, explain, recommendations)


def _assess(panel: MonthlyPanel, scorer: Scorer, explain: ExplainOptions,
            recommendations: RecommendOptions) -> list[ResultRow]:
    n = panel.n_persons
    window = panel.last_months(scorer.spec.history_months)
    actions = what_ifs(window, recommendations)
    x_all, raw_all = model_input(stack(window, actions), scorer.spec)
    x, raw = x_all[:n], {k: v[:n] for k, v in raw_all.items()}
    raw_m = raw_feature_matrix(raw)
    g = game(x.shape[1], explain.permutations)
    missing = missing_field_rows(scorer.spec, x, raw_m)
    # One session call: the persons and their what-ifs, the Shapley coalitions, the persons
    # with each missing field given.
    walks = coalitions(x, scorer.reference, g)
    batch = Batch(x_all, walks.rows, missing.rows)
    prediction = scorer.predict(batch.rows)
    (p_own, p_coalitions, p_missing), (z_own, z_coalitions, _) = (
        batch.split(prediction.probability), batch.split(prediction.logit))
    after_p, after_z = (v[n:].reshape(len(actions), n).T for v in (p_own, z_own))
    own = Prediction(p_own[:n], z_own[:n],
                     {k: v[:n] for k, v in prediction.components.items()})
    scored = ScoredPanel(panel, x, raw, own, scorer.grade(own.probability))
    low, high = missing_ranges_from(p_missing, missing, own.probability)
    contributions = contributions_from(p_coalitions, z_coalitions,
                                       (own.probability, own.logit), scorer.reference_run, g,
                                       walks)
    contrary = against_direction(x, scorer.reference, contributions.log_odds)
    insights, objects = explanation(contributions, low, high, raw_m, contrary, explain.top_up,
                                    explain.top_down, explain.min_points, explain.min_log_odds)
    recs = rank(actions, own.probability, own.logit, after_p, after_z, scorer.spec,
                recommendations)
    lazy = {INDEX[name] for name in LAZY_FIELDS}
    out = []
    for row, i, r, c in zip(_rows(scored), insights, recs, objects, strict=True):
        parts = {INDEX["insights"]: i, INDEX["recommendations"]: r, INDEX["contributions"]: c}
        out.append(tuple(_dumps(parts[k]) if k in lazy else v for k, v in enumerate(row)))
    return out


class Batch:
    """Blocks of model rows scored in one call, and the outputs split back into the blocks."""

    def __init__(self, *blocks: np.ndarray) -> None:
        self.rows = np.concatenate(blocks)
        self._ends = np.cumsum([len(b) for b in blocks])[:-1]

    def split(self, values: np.ndarray) -> list[np.ndarray]:
        return np.split(values, self._ends)


def _dumps(value: object) -> str:
    return orjson.dumps(value).decode()


def _rows(scored: ScoredPanel) -> list[ResultRow]:
    """The rows of scored persons, lazy parts None (column order: ``result.PARTS``)."""
    n = scored.panel.n_persons
    probability = np.round(scored.prediction.probability, 4).tolist()
    warnings = person_warnings(scored.raw)
    shared: dict[int, str] = {}  # persons in one situation share one list: encode it once
    for w in warnings:
        if id(w) not in shared:
            shared[id(w)] = _dumps(w)
    return list(zip(
        scored.panel.person_ids.astype(str).tolist(),
        probability,
        scored.scores.risk_score.tolist(),
        scored.scores.risk_band.tolist(),
        components_json(scored.prediction.components, n),
        key_metrics_json(scored.raw),
        monthly_history_json(scored.panel),
        [shared[id(w)] for w in warnings],
        *([[None] * n] * len(LAZY_FIELDS)),
        strict=True))


def _objects_json(columns: dict[str, np.ndarray], n: int) -> list[str]:
    """Per person ``{name: value, ...}`` as JSON text (NaN -> null, as orjson writes it): each
    column written by one orjson call and split at its commas, then one string template per
    person (a dict per person and a dumps each took ~4 us a person)."""
    if not columns:
        return ["{}"] * n
    template = "{" + ",".join(orjson.dumps(name).decode().replace("%", "%%") + ":%s"
                              for name in columns) + "}"
    values = [_numbers_json(np.asarray(v, dtype=float)) for v in columns.values()]
    return [template % parts for parts in zip(*values, strict=True)]


def _numbers_json(values: np.ndarray) -> list[str]:
    """Each number of a 1-D float array as JSON (null for NaN)."""
    if not len(values):
        return []
    text = orjson.dumps(np.ascontiguousarray(values), option=orjson.OPT_SERIALIZE_NUMPY)
    return text.decode()[1:-1].split(",")


def components_json(components: dict[str, np.ndarray], n: int) -> list[str]:
    """Per person the per-kind probabilities as a JSON object ({} when the model has none)."""
    return _objects_json({k: np.round(v, 4) for k, v in components.items()}, n)


def key_metrics_json(raw: dict[str, np.ndarray]) -> list[str]:
    """Per person, the key metrics object as JSON text (null where a metric is unknown)."""
    metrics = key_metrics(raw)
    return _objects_json(metrics, len(next(iter(metrics.values()))))


def monthly_history_json(panel: MonthlyPanel) -> list[str]:
    """Per person, the uploaded months oldest first, as JSON text for the cash-flow chart:
    ``{"months": ["2024-01", ...], "income": [...], ...}``. A month missing in the middle of
    someone's history is kept as nulls so a chart shows the gap.

    Persons are grouped by the month their history starts, so each group is one block of
    equal-length series. Each field's block is one orjson call on the array (NaN -> null),
    split into persons at '],[' (numbers hold no brackets); a person's text is then one
    string template. Turning the arrays into Python lists first took ~20 us a person, most of
    a large upload's encoding.
    """
    n, t = panel.n_persons, panel.n_months
    first = np.where(panel.observed.any(axis=1), np.argmax(panel.observed, axis=1), t - 1)
    values = np.round(panel.values, 2)
    template = '{"months":%s,' + ",".join(f'"{name}":[%s]' for name in FIELD_NAMES) + "}"
    out = np.empty(n, dtype=object)
    for start in np.unique(first).tolist():
        who = np.flatnonzero(first == start)
        months = _months_json(None if panel.months is None else panel.months[who, start:],
                              len(who), t - start)
        fields = [_rows_json(values[who, start:, k]) for k in range(len(FIELD_NAMES))]
        out[who] = [template % parts for parts in zip(months, *fields, strict=True)]
    return out.tolist()


def _rows_json(block: np.ndarray) -> list[str]:
    """Each row of a (persons, months) float block as JSON numbers without the brackets."""
    text = orjson.dumps(np.ascontiguousarray(block), option=orjson.OPT_SERIALIZE_NUMPY).decode()
    return text[2:-2].split("],[")


def _months_json(months: np.ndarray | None, n: int, width: int) -> list[str]:
    """Each person's months as a JSON list ("2024-01", null for a gap). Persons of one upload
    mostly share their months: the first person's are written once for all who share them,
    and each other distinct row of months once (sorting every row to find the distinct ones
    took a third of the time)."""
    if months is None:
        return [orjson.dumps([None] * width).decode()] * n
    ints = months.astype(np.int64)
    shared = (ints == ints[0]).all(axis=1)
    texts = np.full(n, _months_texts(ints[:1])[0], dtype=object)
    if not shared.all():
        rows, which = np.unique(ints[~shared], axis=0, return_inverse=True)
        texts[~shared] = np.array(_months_texts(rows), dtype=object)[which.reshape(-1)]
    return texts.tolist()


def _months_texts(rows: np.ndarray) -> list[str]:
    """Rows of months (int64 months since 1970-01, NaT as its integer) as JSON lists."""
    distinct = np.datetime_as_string(rows.astype("datetime64[M]"), unit="M").tolist()
    return [orjson.dumps([None if m == "NaT" else m for m in row]).decode() for row in distinct]


def panel_from_history(history: dict[str, list], person_id: str) -> MonthlyPanel:
    """One person's panel back from their stored history (for explaining them later)."""
    values = np.array([[np.nan if v is None else v for v in history[f]] for f in FIELD_NAMES],
                      dtype=float).T[None, :, :]
    observed = ~np.isnan(values).all(axis=2)
    months = history.get("months") or []
    month_arr = (np.array([np.datetime64(m, "M") if m else np.datetime64("NaT", "M")
                           for m in months], dtype="datetime64[M]")[None, :]
                 if any(months) else None)
    return MonthlyPanel(values, observed, np.array([person_id], dtype=object), month_arr)


def person_warnings(raw: dict[str, np.ndarray]) -> list[list[str]]:
    """What makes each person's estimate less certain: fields they gave no data for, short
    histories. Persons share one list per distinct situation, so this stays cheap."""
    situation, texts = warning_situations(raw)
    return [texts[i] for i in situation.tolist()]


def warning_situations(raw: dict[str, np.ndarray]) -> tuple[np.ndarray, list[list[str]]]:
    """(each person's situation, the warnings of each distinct situation): which optional
    fields they gave no data for and how short their history is, worded once per situation."""
    missing = np.stack([raw[f"missing_{f}"] >= 0.5 for f in OPTIONAL_FIELDS], axis=1)
    months = raw["months_observed"].astype(int)
    short = months < SHORT_HISTORY_MONTHS
    code = missing.astype(np.int64) @ (1 << np.arange(len(OPTIONAL_FIELDS)))
    keys, situation = np.unique(code * 100 + np.where(short, months, 0), return_inverse=True)
    texts = []
    for k in keys.tolist():
        fields = [f for b, f in enumerate(OPTIONAL_FIELDS) if (k // 100) >> b & 1]
        text = ([f"no {', '.join(f.replace('_', ' ') for f in fields)} data: the model "
                 "judged them from the rest of the file, so this estimate is less certain"]
                if fields else [])
        if k % 100:
            text.append(f"only {k % 100} month{'s' if k % 100 != 1 else ''} of history; at "
                        f"least {SHORT_HISTORY_MONTHS} give a firmer estimate")
        texts.append(text)
    return situation.reshape(-1), texts
