"""stress-scorer batch on a real Dask LocalCluster of two worker processes.

The reference is the service's own path (``ingest`` of one CSV holding everyone, then
``assess``): the batch must give every person the same row although their months are spread
over CSV and Parquet files and several partitions.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

distributed = pytest.importorskip("distributed")

from inference.artifact import ArtifactError, load_artifact  # noqa: E402
from inference.batch.output import result_rows  # noqa: E402
from inference.batch.run import (  # noqa: E402
    LOCAL_CLUSTER_CONFIG,
    OutputExists,
    local_cluster,
    run_batch,
    shuffle_method,
)
from inference.batch.score import BatchOptions  # noqa: E402
from inference.batch.worker import ScorerPlugin  # noqa: E402
from inference.cli import EXIT_BAD_CONFIG, EXIT_NO_MODEL, REASONS, main  # noqa: E402
from inference.table import table_columns  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    with local_cluster(2, memory_limit="2GiB") as c:  # as `stress-scorer batch --workers 2`
        yield c


@pytest.fixture(scope="module")
def people(sim) -> pd.DataFrame:
    frame = sim.frame(240, months=12, seed=11)
    return frame.sample(frac=1.0, random_state=3).reset_index(drop=True)  # months out of order


def _split_input(frame: pd.DataFrame, directory: Path) -> Path:
    """Everyone's rows over two CSVs (one with other headers) and a Parquet file of many row
    groups: a person's months land in different files and different partitions."""
    directory.mkdir(parents=True)
    third = len(frame) // 3
    a, b, c = frame.iloc[:third], frame.iloc[third:2 * third], frame.iloc[2 * third:]
    a.to_csv(directory / "a.csv", index=False)
    b.rename(columns={"income": "Net Income", "person_id": "Customer ID"}).to_csv(
        directory / "b.csv", index=False, sep=";")
    (directory / "more").mkdir()
    c.to_parquet(directory / "more" / "c.parquet", index=False, row_group_size=100)
    return directory


def _reference(frame: pd.DataFrame, artifact_dir: Path, tmp_path: Path,
               *extra: str) -> pd.DataFrame:
    """What `stress-scorer score` writes for these rows, as one CSV of everyone."""
    source, out = tmp_path / "everyone.csv", tmp_path / "reference.parquet"
    frame.to_csv(source, index=False)
    assert main(["score", str(source), "--out", str(out), "--artifacts", str(artifact_dir),
                 "--quiet", *extra]) == 0
    return pd.read_parquet(out).set_index("person_id")


def _assert_same_rows(got: pd.DataFrame, want: pd.DataFrame) -> None:
    got = got.loc[want.index]
    np.testing.assert_allclose(got["probability"].to_numpy(float),
                               want["probability"].to_numpy(float), atol=1e-6)
    for column in want.columns:  # every column `score` writes, with the same values
        if pd.api.types.is_float_dtype(want[column]):
            np.testing.assert_allclose(got[column].to_numpy(float),
                                       want[column].to_numpy(float), atol=1e-6,
                                       equal_nan=True, err_msg=column)
        else:
            assert got[column].astype(str).tolist() == want[column].astype(str).tolist(), column


def _read_output(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out).set_index("person_id").sort_index()


@pytest.mark.parametrize("shuffle", ["auto", "p2p"])
def test_batch_matches_the_service_for_persons_split_over_files(
        cluster, people, artifact_dir, tmp_path, shuffle):
    source = _split_input(people, tmp_path / "in")
    out = tmp_path / "out"
    summary = run_batch(str(source), str(out), artifact_dir,
                        scheduler=cluster.scheduler_address, piece_rows=300,
                        options=BatchOptions(reasons=REASONS), show_progress=False,
                        log=lambda _: None, shuffle=shuffle)
    # A few hundred rows fit in the workers' memory: auto groups them there, not on disk.
    assert summary["shuffle"] == {"auto": "tasks", "p2p": "p2p"}[shuffle]

    got = _read_output(out)
    want = _reference(people, artifact_dir, tmp_path, "--explain")
    assert len(got) == len(want) == 240
    assert list(got.columns) == list(want.columns) + ["problems", "input_rows", "rejected_rows"]
    _assert_same_rows(got, want)
    assert (got["problems"] == "[]").all()
    assert got["input_rows"].sum() == len(people)

    assert summary["persons"] == 240 and summary["persons_not_scored"] == 0
    assert summary["workers"] == 2
    assert summary["input_rows"] == len(people) and summary["rows_rejected"] == 0
    assert summary["band_counts"] == want["risk_band"].value_counts().reindex(
        ["Low", "Moderate", "High"], fill_value=0).to_dict()
    assert summary["model_sha256"] == load_artifact(artifact_dir).model_sha256
    assert summary["input_pieces"] >= 4  # a.csv, b.csv and c.parquet in more than one piece
    assert summary["rows_scored_in_place"] == 0  # two CSVs' ids are only known when read
    assert json.loads((out / "_summary.json").read_text())["persons"] == 240


def test_persons_held_whole_by_one_piece_are_scored_where_it_is_read(
        cluster, people, artifact_dir, tmp_path):
    # Sorted by person, as panels are often exported, in two files; a third file carries the
    # last month of a few persons of the first: only the rows that may meet rows of another
    # piece (those persons, and any person cut at a row-group boundary) cross the shuffle.
    ordered = people.sort_values(["person_id", "month"]).reset_index(drop=True)
    ids = ordered["person_id"].unique()
    first = ordered["person_id"].isin(ids[:120])
    late = ordered["person_id"].isin(ids[40:45]) & (ordered["month"] == ordered["month"].max())
    source = tmp_path / "in"
    source.mkdir()
    ordered[first & ~late].to_parquet(source / "a.parquet", index=False, row_group_size=100)
    ordered[~first].to_parquet(source / "b.parquet", index=False, row_group_size=100)
    ordered[late].to_parquet(source / "c.parquet", index=False)
    out = tmp_path / "out"
    summary = run_batch(str(source), str(out), artifact_dir, scheduler=cluster.scheduler_address,
                        piece_rows=300, options=BatchOptions(reasons=REASONS),
                        show_progress=False, log=lambda _: None)

    got = _read_output(out)
    assert got.index.is_unique and len(got) == 240
    _assert_same_rows(got, _reference(people, artifact_dir, tmp_path, "--explain"))
    assert summary["input_rows"] == got["input_rows"].sum() == len(people)
    assert 0.5 * len(people) < summary["rows_scored_in_place"] < len(people) - late.sum()
    # Both kinds of file (scored in place, scored after the shuffle) are one dataset to read.
    assert {path.name.split(".")[0] for path in out.glob("*.parquet")} == {"in-place", "part"}
    assert sorted(row[0] for row in result_rows(out)) == sorted(got.index)


def test_batch_explains_by_the_services_explain_settings(cluster, people, artifact_dir,
                                                        tmp_path, monkeypatch, capsys):
    # No effect is big enough for a sentence: `score --explain` leaves every reason empty,
    # and so must the batch, on the workers too.
    monkeypatch.setenv("SCORER__EXPLAIN__MIN_POINTS", "1000")
    monkeypatch.setenv("SCORER__EXPLAIN__MIN_LOG_ODDS", "1000")
    source, out = _split_input(people, tmp_path / "in"), tmp_path / "out"
    assert main(["batch", str(source), "--out", str(out), "--scheduler",
                 cluster.scheduler_address, "--artifacts", str(artifact_dir), "--quiet",
                 "--explain"]) == 0
    got = _read_output(out)
    assert len(got) == 240 and got["reason_1"].isna().all()
    # A wrong setting is named before any work is sent to the cluster.
    monkeypatch.setenv("SCORER__EXPLAIN__PERMUTATIONS", "many")
    assert main(["batch", str(source), "--out", str(tmp_path / "again"), "--scheduler",
                 cluster.scheduler_address, "--artifacts", str(artifact_dir), "--quiet",
                 "--explain"]) == EXIT_BAD_CONFIG
    assert "SCORER__EXPLAIN__PERMUTATIONS" in capsys.readouterr().err
    assert not (tmp_path / "again").exists()


def test_auto_shuffle_stages_on_disk_what_would_not_fit_in_memory(cluster):
    with distributed.Client(cluster) as client:
        limits = sum(w["memory_limit"] for w in client.scheduler_info()["workers"].values())
        fits, too_big = limits // 2, limits // 2 + 1
        assert shuffle_method("auto", fits, client) == "tasks"
        assert shuffle_method("auto", too_big, client) == "p2p"
        assert shuffle_method("p2p", fits, client) == "p2p"


def test_rows_with_problems_are_reported_per_person_not_dropped(
        cluster, people, artifact_dir, tmp_path):
    frame = people.copy()
    frame["income"] = frame["income"].astype(object)
    ids = sorted(frame["person_id"].unique())
    bad_amount, duplicated, blank = ids[0], ids[1], ids[2]
    frame.loc[frame.index[frame["person_id"] == bad_amount][0], "income"] = "lots"
    dup_row = frame[frame["person_id"] == duplicated].iloc[[0]]
    frame.loc[frame.index[frame["person_id"] == blank][0], "person_id"] = " "
    source = tmp_path / "in"
    source.mkdir()
    frame.to_csv(source / "main.csv", index=False)
    dup_row.to_csv(source / "again.csv", index=False)  # the same month again, in another file
    (source / "broken.csv").write_bytes(b"\x00\x01binary")

    out = tmp_path / "out"
    summary = run_batch(str(source), str(out), artifact_dir, scheduler=cluster.scheduler_address,
                        show_progress=False, log=lambda _: None)
    got = _read_output(out)

    for person in (bad_amount, duplicated):
        assert np.isnan(got.loc[person, "probability"]) and pd.isna(got.loc[person, "risk_band"])
    problems = json.loads(got.loc[bad_amount, "problems"])
    assert problems == [{"column": "income", "value": "lots", "message": "is not a number",
                         "source": "main.csv", "row": problems[0]["row"]}]
    line = (source / "main.csv").read_text().splitlines()[problems[0]["row"] - 1]
    assert ",lots," in line  # the row number is the spreadsheet row of that file
    assert json.loads(got.loc[duplicated, "problems"])[0]["message"] == \
        "duplicate month for this person"
    # The blank id and the unreadable file have no person: they are listed under the empty id.
    nobody = json.loads(got.loc["", "problems"])
    assert {p["message"] for p in nobody} == {
        "person_id is empty", "the file is binary, not CSV text (export it as CSV)"}
    # The blank-id person lost a month but everyone else is scored as the service would.
    others = [i for i in ids if i not in (bad_amount, duplicated, blank)]
    want = _reference(people[people["person_id"].isin(others)], artifact_dir, tmp_path)
    _assert_same_rows(got, want)

    assert summary["persons"] == 240 + 1  # and the row of problems without a person
    assert summary["persons_not_scored"] == 3
    assert summary["input_rows"] == len(frame) + 1  # + the duplicate; the binary file has none
    assert summary["rows_rejected"] == 3
    assert summary["rejected_reasons"] == {
        "income: is not a number": 1, "month: duplicate month for this person": 1,
        "person_id: person_id is empty": 1,
        "file: the file is binary, not CSV text (export it as CSV)": 1}


def test_the_local_clusters_workers_run_without_always_on_diagnostics(cluster):
    """The nannies must hand the batch's settings to the worker processes they start."""
    import dask

    with distributed.Client(cluster) as client:
        seen = client.run(lambda: {key: dask.config.get(key) for key in LOCAL_CLUSTER_CONFIG})
        profiling = client.run(lambda dask_worker: "profile" in dask_worker.periodic_callbacks)
    assert list(seen.values()) == [LOCAL_CLUSTER_CONFIG] * 2
    assert not any(profiling.values())


def test_a_corrupt_artifact_fails_fast_with_the_services_message(artifact_copy, people,
                                                                  tmp_path, capsys):
    model = artifact_copy / "model.onnx"
    model.write_bytes(model.read_bytes()[:-8] + b"tampered")
    with pytest.raises(ArtifactError) as service:
        load_artifact(artifact_copy)
    source = tmp_path / "people.csv"
    people.to_csv(source, index=False)

    start = time.perf_counter()
    with pytest.raises(ArtifactError) as batch:
        run_batch(str(source), str(tmp_path / "out"), artifact_copy, workers=2,
                  show_progress=False, log=lambda _: None)
    assert str(batch.value) == str(service.value)
    assert "sha256 of model.onnx" in str(batch.value)
    assert time.perf_counter() - start < 5  # refused before any worker starts
    assert not (tmp_path / "out").exists()

    assert main(["batch", str(source), "--out", str(tmp_path / "out"), "--workers", "2",
                 "--artifacts", str(artifact_copy)]) == EXIT_NO_MODEL
    assert capsys.readouterr().err.strip() == f"error: {service.value}"


def test_workers_refuse_a_mismatched_artifact_too(cluster, artifact_copy):
    spec = json.loads((artifact_copy / "feature_spec.json").read_text())
    spec["provenance"]["model_sha256"] = "0" * 64
    (artifact_copy / "feature_spec.json").write_text(json.dumps(spec))
    with distributed.Client(cluster) as client, pytest.raises(ArtifactError,
                                                              match="refused: sha256"):
        client.register_plugin(ScorerPlugin(artifact_copy))


def test_output_is_never_written_over(cluster, people, artifact_dir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("earlier results")
    source = tmp_path / "people.csv"
    people.to_csv(source, index=False)
    with pytest.raises(OutputExists):
        run_batch(str(source), str(out), artifact_dir, scheduler=cluster.scheduler_address,
                  show_progress=False, log=lambda _: None)
    assert (out / "keep.txt").read_text() == "earlier results"
    shutil.rmtree(out)


def test_the_command_line_scores_on_a_cluster_and_runs_import_keeps_it(
        cluster, people, artifact_dir, make_app, tmp_path, scorer):
    source = _split_input(people, tmp_path / "in")
    out = tmp_path / "out"
    assert main(["batch", str(source), "--out", str(out), "--scheduler",
                 cluster.scheduler_address, "--artifacts", str(artifact_dir), "--quiet"]) == 0
    batch = _read_output(out)
    assert list(batch.columns)[:len(table_columns(scorer)) - 1] == \
        list(table_columns(scorer))[1:]

    app = make_app()
    result = app.test_cli_runner().invoke(args=["runs", "import", str(out)])
    assert result.exit_code == 0, result.output
    run_id = result.output.split("as run ")[1].strip()
    with app.app_context():
        from web.extensions import get_service

        service = get_service()
        summary = service.get_summary(run_id)
        rows = [row for rows in service.iter_results(run_id) for row in rows]
        person = service.person(run_id, rows[0][0])  # nothing left to compute: no months
    assert summary["n_persons"] == len(rows) == 240
    assert summary["model_sha256"] == load_artifact(artifact_dir).model_sha256
    assert person == rows[0]
    stored = pd.DataFrame([r[:4] for r in rows],
                          columns=["person_id", "probability", "risk_score", "risk_band"])
    stored = stored.set_index("person_id").loc[batch.index]
    np.testing.assert_allclose(stored["probability"], batch["probability"], atol=1e-6)
    assert stored["risk_band"].tolist() == batch["risk_band"].astype(str).tolist()
    assert len(list(result_rows(out))) == 240

    page = app.test_client().get(f"/runs/{run_id}?page=2")
    assert page.status_code == 200
    assert app.test_client().get(f"/runs/{run_id}/person?id={rows[0][0]}").status_code == 200

    again = app.test_cli_runner().invoke(args=["runs", "import", str(tmp_path / "in")])
    assert again.exit_code != 0 and "_summary.json" in again.output

    # On a user's behalf: the run is theirs (counted as theirs), and a misspelt owner stores none.
    with app.app_context():
        from web.auth.accounts import Accounts
        from web.db import get_store

        Accounts(get_store()).create_user("alice", "correct horse battery")
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["runs", "import", str(out), "--owner", "alicia"])
    assert unknown.exit_code != 0 and "no user named 'alicia'" in unknown.output
    owned = runner.invoke(args=["runs", "import", str(out), "--owner", "alice"])
    assert owned.exit_code == 0 and owned.output.strip().endswith("owned by alice"), owned.output
    with app.app_context():
        users = {u["name"]: u["runs"] for u in Accounts(get_store()).list_users()}
        assert users == {"alice": 1}
        assert get_service().list_runs()["total"] == 2  # the unowned import and alice's
