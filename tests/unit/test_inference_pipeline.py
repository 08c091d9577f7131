"""The whole per-panel pipeline: shapes, JSON, consistency between batch and single scoring."""

import json

import numpy as np
import pytest

from inference.documents import ResultsPage, RunDocument
from inference.pipeline import (
    assessed_rows,
    components_json,
    monthly_history_json,
    panel_from_history,
)
from inference.result import decode
from shared_features import FIELD_NAMES, KEY_METRICS, MonthlyPanel, ingest
from web.api.schemas import PersonResultSchema, ScoreResultSchema


def _results(panel, scorer, **kwargs):
    return [decode(r) for r in assessed_rows(panel, scorer, **kwargs)]


def test_results_match_the_person_result_schema(scorer, sim):
    results = _results(sim.panel(25, seed=9), scorer)
    assert len(results) == 25
    assert PersonResultSchema(many=True).validate(results) == {}
    first = results[0]
    assert set(first["key_metrics"]) == {k for k, *_ in KEY_METRICS}
    assert 0 <= first["risk_score"] <= 100 and first["risk_band"] in {"Low", "Moderate", "High"}
    assert all(len(r["insights"]) <= 5 for r in results)


def test_document_json_is_valid_and_round_trips(scorer, sim):
    rows = list(assessed_rows(sim.panel(5, seed=10), scorer))
    doc = RunDocument({"id": "x", "created_at": "2024-01-01T00:00:00+00:00",
                       "source_name": "s.csv", "n_persons": 5, "band_counts": {},
                       "mean_probability": 0.1, "model_version": "1.0.0",
                       "model_sha256": "0" * 64, "warnings": []},
                      ResultsPage("x", rows, 0, 5, 5))
    decoded = json.loads(doc.to_json())
    assert decoded == doc.to_dict()
    assert ScoreResultSchema().validate(decoded) == {}


def test_one_person_alone_scores_as_in_a_batch(scorer, sim):
    panel = sim.panel(30, seed=11)
    batch = _results(panel, scorer)
    alone = _results(panel.take(slice(7, 8)), scorer)[0]
    assert alone == batch[7]


@pytest.mark.parametrize("n", [1, 10, 200])
def test_one_scorer_call_per_chunk_of_persons(scorer, sim, monkeypatch, n):
    # persons + what-ifs, the Shapley coalitions and the missing-field rows: all in one call
    scorer.reference_run  # noqa: B018 (computed once per scorer, before counting)
    calls = []
    original, original_predict = scorer.run, scorer.predict
    monkeypatch.setattr(scorer, "run", lambda rows: calls.append(len(rows)) or original(rows))
    monkeypatch.setattr(scorer, "predict",
                        lambda rows: calls.append(len(rows)) or original_predict(rows))
    list(assessed_rows(sim.panel(n, seed=12), scorer, chunk_persons=128))
    assert len(calls) == -(-n // 128)


def test_history_keeps_the_uploaded_months_and_gaps():
    csv = ("person_id,month,income,expenses,liquid_savings\n"
           "a,2024-01,100,50,10\na,2024-03,120,60,\n"
           "b,2024-02,200,150,5\nb,2024-03,210,160,6\n")
    panel = ingest(csv).panel
    a, b = (json.loads(h) for h in monthly_history_json(panel))
    assert a["months"] == ["2024-01", None, "2024-03"]
    assert a["income"] == [100.0, None, 120.0] and a["liquid_savings"] == [10.0, None, None]
    assert b["months"] == ["2024-02", "2024-03"] and b["expenses"] == [150.0, 160.0]
    assert b["debt_payments"] == [None, None]


def _history_as_written_plainly(panel):
    """The obviously right encoding, person by person: from the first observed month on."""
    out = []
    for i in range(panel.n_persons):
        seen = np.flatnonzero(panel.observed[i])
        start = int(seen[0]) if len(seen) else panel.n_months - 1
        months = ([None] * (panel.n_months - start) if panel.months is None else
                  [None if np.isnat(m) else str(m) for m in panel.months[i, start:]])
        values = np.round(panel.values[i, start:, :], 2)
        out.append({"months": months, **{name: [None if np.isnan(v) else float(v)
                                                for v in values[:, k]]
                                         for k, name in enumerate(FIELD_NAMES)}})
    return out


@pytest.mark.parametrize("with_months", [True, False])
def test_history_is_each_persons_months_and_fields_from_their_first_month(with_months):
    # Persons starting in different months, gaps, months shared by some and not others,
    # fields missing, negative and huge values.
    rng = np.random.default_rng(5)
    n, t = 300, 6
    observed = rng.random((n, t)) < 0.8
    observed[:100] = True  # a group sharing the same months
    values = rng.normal(0, 1e4, (n, t, len(FIELD_NAMES))).round(3)
    values[rng.random(values.shape) < 0.1] = np.nan
    values[:, :, 1] = 1e15
    values[~observed] = np.nan
    months = None
    if with_months:
        base = np.datetime64("2024-01", "M") + rng.integers(0, 3, n)[:, None]
        months = np.where(observed, base + np.arange(t), np.datetime64("NaT", "M"))
    panel = MonthlyPanel(values, observed, np.arange(n).astype(str).astype(object), months)
    written = [json.loads(h) for h in monthly_history_json(panel)]
    assert written == _history_as_written_plainly(panel)


def test_per_person_objects_hold_each_columns_value_and_null_where_unknown():
    rng = np.random.default_rng(8)
    columns = {"missed_payment": rng.random(50), "low_liquidity": rng.normal(0, 1e6, 50)}
    columns["low_liquidity"][::7] = np.nan
    written = [json.loads(c) for c in components_json(columns, 50)]
    assert written == [{k: (None if np.isnan(v[i]) else round(float(v[i]), 4))
                        for k, v in columns.items()} for i in range(50)]
    assert components_json({}, 2) == ["{}", "{}"]


def test_large_batches_encode_like_small_ones(scorer, sim):
    panel = sim.panel(300, seed=13)
    big = _results(panel, scorer)
    small = _results(panel.take(slice(0, 3)), scorer)
    for b, s in zip(big[:3], small, strict=False):
        assert b["history"] == s["history"]
        assert b["key_metrics"] == s["key_metrics"]


def test_person_warnings_name_missing_data_and_short_histories(scorer):
    csv = ("person_id,month,income,expenses,liquid_savings\n"
           "a,2024-01,100,50,10\na,2024-02,120,60,12\n")
    result = _results(ingest(csv).panel, scorer)[0]
    text = " ".join(result["warnings"])
    assert "no debt payments, total debt, credit limit, missed payments data" in text
    assert "only 2 months of history" in text
    assert result["key_metrics"]["debt_to_income"] is None


def test_probabilities_are_calibrated_output_rounded(scorer, sim):
    panel = sim.panel(10, seed=14)
    results = _results(panel, scorer)
    from shared_features import model_input

    p = scorer.probability(model_input(panel, scorer.spec)[0])
    np.testing.assert_allclose([r["probability"] for r in results], np.round(p, 4))


def test_a_person_explained_from_their_stored_history_is_explained_as_in_the_upload(
        scorer, sim):
    # Amounts in cents, as uploads have them: the stored history rounds to cents.
    panel = sim.panel(12, seed=15)
    rows = list(assessed_rows(panel, scorer))
    for i in (0, 5, 11):
        history = json.loads(rows[i][6])
        again = list(assessed_rows(panel_from_history(history, f"p{i:05d}"), scorer))[0]
        assert again == rows[i]
