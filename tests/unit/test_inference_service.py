"""The service layer: ingestion -> scoring -> store, with nothing stored on failure."""

import pytest

from inference.service import ModelUnavailable, RunNotFound, ScoringService, ServiceOptions
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
    assert store.get_run(doc.summary["id"]).to_dict() == doc.to_dict()
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
