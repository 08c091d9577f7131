"""The service layer: ingestion -> scoring -> store, with nothing stored on failure."""

import io
import json

import pandas as pd
import pytest

from inference.pipeline import assessed_rows
from inference.result import decode
from inference.service import (
    ModelUnavailable,
    PersonNotFound,
    RunNotFound,
    ScoringService,
    ServiceOptions,
)
from inference.store import open_store
from shared_features import IngestLimits, InputError


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "db.sqlite3", migrate=True) as s:
        yield s


@pytest.fixture
def service(scorer, store):
    return ScoringService(scorer, lambda: store)


def test_score_csv_stores_the_run(service, store, sample_csv):
    doc = service.score_csv(sample_csv, "mine.csv")
    assert doc.summary["n_persons"] == 5 and doc.summary["source_name"] == "mine.csv"
    assert sum(doc.summary["band_counts"].values()) == 5
    assert store.get_run(doc.summary["id"]) == doc.summary
    assert service.get_run(doc.summary["id"]).to_dict() == doc.to_dict()
    listed = service.list_runs()
    assert listed["total"] == 1 and listed["runs"][0]["id"] == doc.summary["id"]


def test_bad_input_raises_and_stores_nothing(service, store):
    with pytest.raises(InputError) as info:
        service.score_csv(b"income,expenses\n100,abc\n")
    assert info.value.problems[0].column == "expenses" and info.value.problems[0].row == 2
    assert store.count_runs() == 0


def test_records_name_the_record_not_a_spreadsheet_row(service, store):
    records = [{"person_id": "a", "month": "2024-01", "income": 100, "expenses": 50},
               {"person_id": "a", "month": "2024-02", "income": "oops", "expenses": 50}]
    with pytest.raises(InputError) as info:
        service.score_records(records)
    assert info.value.problems[0].row == 2 and info.value.row_label == "record"
    assert store.count_runs() == 0
    records[1]["income"] = "$1,200.50"
    doc = service.score_records(records, "api")
    assert doc.summary["n_persons"] == 1 and doc.to_dict()["results"][0]["person_id"] == "a"


def test_person_limit(scorer, store, sim):
    service = ScoringService(scorer, lambda: store, ServiceOptions(IngestLimits(max_persons=3)))
    with pytest.raises(InputError, match="4 persons in one file; the limit is 3"):
        service.score_csv(sim.csv(4, seed=1))
    assert store.count_runs() == 0


def test_runs_not_found(service):
    with pytest.raises(RunNotFound):
        service.get_run("nope")
    with pytest.raises(RunNotFound):
        service.delete_run("nope")


def test_without_a_model_everything_scoring_says_why(store, sample_csv):
    service = ScoringService(None, lambda: store, unavailable="artifact x refused: because")
    assert not service.ready
    for call in (lambda: service.score_csv(sample_csv), service.model_info,
                 service.readiness, service.ensure_ready):
        with pytest.raises(ModelUnavailable, match="because"):
            call()
    assert service.list_runs()["total"] == 0  # stored runs stay readable


def test_from_artifact_dir_keeps_the_reason(tmp_path, store):
    service = ScoringService.from_artifact_dir(tmp_path / "missing", lambda: store)
    assert not service.ready and "does not exist" in service.unavailable_reason


def test_model_info(service):
    info = service.model_info()
    assert info["spec_version"] == info["code_spec_version"]
    assert len(info["model_sha256"]) == 64 and info["metrics"] == {"model": {"roc_auc": 0.8}}
    assert {f["name"] for f in info["features"]} >= {"utilization", "liquidity_months"}


@pytest.fixture
def lazy_service(scorer, store):
    """A service for which every upload of more than 3 persons is large."""
    return ScoringService(scorer, lambda: store, ServiceOptions(inline_max_persons=3,
                                                                page_size=4))


def test_a_small_upload_is_explained_at_once(lazy_service, sim):
    doc = lazy_service.score_csv(sim.csv(3, seed=2))
    results = doc.to_dict()["results"]
    assert len(results) == 3 and all(r["insights"] is not None for r in results)
    assert doc.to_dict()["results_page"] == {"offset": 0, "limit": 3, "total": 3,
                                             "next_offset": None}


def test_a_large_upload_answers_a_page_and_explains_a_person_when_opened(lazy_service, store,
                                                                        scorer, sim):
    csv = sim.csv(10, seed=3)
    doc = lazy_service.score_csv(csv)
    run_id = doc.summary["id"]
    first = doc.to_dict()
    assert [r["person_id"] for r in first["results"]] == ["p00000", "p00001", "p00002",
                                                          "p00003"]
    assert first["results_page"] == {"offset": 0, "limit": 4, "total": 10, "next_offset": 4}
    assert all(r["insights"] is None and r["recommendations"] is None
               for r in first["results"])
    assert store.count_results(run_id) == 10  # everyone is stored
    page = lazy_service.results_page(run_id, 8, 4)
    assert [decode(r)["person_id"] for r in page.rows] == ["p00008", "p00009"]
    assert json.loads(page.to_json())["next_offset"] is None

    opened = decode(lazy_service.person(run_id, "p00006"))
    # What an upload of this person alone (explained inline) would have said.
    from shared_features import ingest

    expected = decode(list(assessed_rows(ingest(csv).panel.take(slice(6, 7)), scorer))[0])
    assert opened == expected
    assert decode(store.person(run_id, "p00006")[1]) == opened  # kept for next time
    assert store.person(run_id, "p00005")[1][-1] is None  # nobody else was explained


def test_opening_a_person_needs_the_run_the_person_and_the_model(lazy_service, store, sim):
    run_id = lazy_service.score_csv(sim.csv(5, seed=4)).summary["id"]
    with pytest.raises(PersonNotFound, match="no person with id 'nobody'"):
        lazy_service.person(run_id, "nobody")
    with pytest.raises(RunNotFound):
        lazy_service.person("nope", "p00000")
    unready = ScoringService(None, lambda: store, unavailable="gone")
    with pytest.raises(ModelUnavailable):
        unready.person(run_id, "p00001")
    assert decode(unready.results_page(run_id, 0, 5).rows[0])["probability"] is not None


def test_csv_download_has_every_person_and_no_formulas(lazy_service, sim):
    frame = sim.frame(7, seed=5)
    frame["person_id"] = frame["person_id"].replace({"p00003": "=cmd|' /C calc'!A0",
                                                     "p00004": "@SUM(1)"})
    doc = lazy_service.score_csv(frame.to_csv(index=False).encode())
    text = "".join(lazy_service.results_csv(doc.summary["id"]))
    table = pd.read_csv(io.StringIO(text), dtype={"person_id": str})
    assert len(table) == 7 and table.columns[:4].tolist() == ["person_id", "probability",
                                                              "risk_score", "risk_band"]
    assert "'=cmd|' /C calc'!A0" in table["person_id"].tolist()
    assert "'@SUM(1)" in table["person_id"].tolist()
    assert not any(line[:1] in ("=", "+", "-", "@") for line in text.splitlines())
    stored = lazy_service.results_page(doc.summary["id"], 0, 7).rows
    assert table["probability"].tolist() == [r[1] for r in stored]


def test_a_run_is_read_whole_in_keyset_batches(lazy_service, sim):
    run_id = lazy_service.score_csv(sim.csv(8, seed=6)).summary["id"]
    batches = list(lazy_service.iter_results(run_id, batch=3))
    assert [len(b) for b in batches] == [3, 3, 2]
    assert [r[0] for b in batches for r in b] == [f"p{i:05d}" for i in range(8)]


def test_a_large_upload_scored_in_blocks_matches_one_block(scorer, store, sim):
    """Blocks of 7 persons (some persons' months out of order across the file) give every
    person the probability and position a single block gives."""
    frame = sim.frame(40, seed=5).sample(frac=1.0, random_state=1)  # rows shuffled
    csv = frame.to_csv(index=False).encode()
    docs = [ScoringService(scorer, lambda: store,
                           ServiceOptions(inline_max_persons=3, page_size=40, block_persons=b)
                           ).score_csv(csv) for b in (7, 4096)]
    blocked, whole = (d.to_dict()["results"] for d in docs)
    assert len(blocked) == 40
    assert [(r["person_id"], r["probability"], r["risk_score"]) for r in blocked] == [
        (r["person_id"], r["probability"], r["risk_score"]) for r in whole]
