"""The analysts' command, run in-process through ``inference.cli.main`` and once as the
installed console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from inference.cli import main
from inference.table import results_table, table_columns
from shared_features import KEY_METRICS, ingest

MALFORMED = Path(__file__).resolve().parents[1] / "data" / "malformed"


@pytest.fixture
def upload(tmp_path: Path, sim) -> Path:
    path = tmp_path / "monthly.csv"
    path.write_bytes(sim.csv(40, seed=11))
    return path


def _score(upload: Path, out: Path, artifacts: Path, *extra: str) -> int:
    return main(["score", str(upload), "--out", str(out), "--artifacts", str(artifacts),
                 "--quiet", *extra])


def test_score_writes_one_row_per_person_matching_the_scorer(upload, tmp_path, artifact_dir,
                                                             scorer):
    out = tmp_path / "results.csv"
    assert _score(upload, out, artifact_dir, "--chunk-persons", "7") == 0
    written = pd.read_csv(out, dtype={"person_id": str})
    expected = results_table(ingest(upload).panel, scorer)
    assert list(written.columns) == list(table_columns(scorer))
    assert written["person_id"].tolist() == expected["person_id"].tolist()
    np.testing.assert_allclose(written["probability"], expected["probability"])
    assert written["risk_band"].tolist() == expected["risk_band"].tolist()
    for key, *_ in KEY_METRICS:
        np.testing.assert_allclose(written[key], expected[key], equal_nan=True)


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl"])
def test_other_formats_hold_the_same_rows(upload, tmp_path, artifact_dir, suffix):
    csv_out, other = tmp_path / "r.csv", tmp_path / f"r{suffix}"
    assert _score(upload, csv_out, artifact_dir) == 0
    assert _score(upload, other, artifact_dir, "--chunk-persons", "16") == 0
    expected = pd.read_csv(csv_out, dtype={"person_id": str})
    got = (pd.read_parquet(other) if suffix == ".parquet"
           else pd.read_json(other, lines=True, dtype={"person_id": str}))
    assert got["person_id"].tolist() == expected["person_id"].tolist()
    np.testing.assert_allclose(got["probability"], expected["probability"])
    assert got["risk_score"].tolist() == expected["risk_score"].tolist()


def test_explain_adds_three_reasons_that_read_as_sentences(upload, tmp_path, artifact_dir):
    out = tmp_path / "r.jsonl"
    assert _score(upload, out, artifact_dir, "--explain") == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 40
    high = [r for r in rows if r["risk_band"] == "High"]
    assert high, "the simulated file should have some high-risk persons"
    for row in high:
        assert row["reason_1"] and "raises your risk" in row["reason_1"]
    assert all(set(r) >= {"reason_1", "reason_2", "reason_3"} for r in rows)


def test_explain_follows_the_services_explain_settings(upload, tmp_path, artifact_dir,
                                                        monkeypatch, capsys):
    # No effect is big enough for a sentence: every reason cell is empty.
    monkeypatch.setenv("SCORER__EXPLAIN__MIN_POINTS", "1000")
    monkeypatch.setenv("SCORER__EXPLAIN__MIN_LOG_ODDS", "1000")
    out = tmp_path / "r.jsonl"
    assert _score(upload, out, artifact_dir, "--explain") == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 40 and all(r["reason_1"] is None for r in rows)
    # The Shapley orders sampled come from the same settings: a wrong one is named.
    monkeypatch.setenv("SCORER__EXPLAIN__PERMUTATIONS", "many")
    assert _score(upload, out, artifact_dir, "--explain") == 4
    assert "SCORER__EXPLAIN__PERMUTATIONS" in capsys.readouterr().err


def test_blocks_scored_on_several_threads_come_out_in_file_order(upload, tmp_path,
                                                                 artifact_dir):
    one, four = tmp_path / "one.csv", tmp_path / "four.csv"
    assert _score(upload, one, artifact_dir, "--threads", "1") == 0
    assert _score(upload, four, artifact_dir, "--threads", "4", "--chunk-persons", "3") == 0
    assert four.read_bytes() == one.read_bytes()


def test_components_are_columns_when_the_model_has_heads(upload, tmp_path,
                                                         component_artifact_dir,
                                                         component_names):
    out = tmp_path / "r.csv"
    assert _score(upload, out, component_artifact_dir) == 0
    written = pd.read_csv(out)
    for rule in component_names:
        assert written[f"component_{rule}"].between(0, 1).all()


def test_bad_input_exits_1_naming_row_and_column(tmp_path, artifact_dir, capsys):
    code = _score(MALFORMED / "bad_amount.csv", tmp_path / "r.csv", artifact_dir)
    assert code == 1
    err = capsys.readouterr().err
    assert "row " in err and "column " in err and "is not a number" in err
    assert not (tmp_path / "r.csv").exists()


def test_unusable_model_or_output_name_is_a_clear_error(upload, tmp_path, capsys):
    assert _score(upload, tmp_path / "r.csv", tmp_path / "nowhere") == 3
    assert "does not exist" in capsys.readouterr().err
    assert main(["score", str(upload), "--out", str(tmp_path / "r.xlsx")]) == 1
    assert "--out must end in" in capsys.readouterr().err


@pytest.mark.parametrize("where", ["missing_folder", "a_folder", "read_only"])
def test_an_output_that_cannot_be_written_is_refused_before_any_work(
        where, upload, tmp_path, artifact_dir, capsys):
    """Was a traceback after the whole file had been scored."""
    locked, folder = tmp_path / "locked", tmp_path / "named.csv"
    locked.mkdir(mode=0o500)
    folder.mkdir()
    out = {"missing_folder": tmp_path / "nowhere" / "r.csv", "a_folder": folder,
           "read_only": locked / "r.csv"}[where]
    if where == "read_only" and os.access(locked, os.W_OK):
        pytest.skip("running as root: a read-only folder is writable")
    assert _score(upload, out, artifact_dir) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot write {out}: ") and "Traceback" not in err


def test_a_failed_write_leaves_no_partial_file(upload, tmp_path, artifact_dir, capsys,
                                               monkeypatch):
    from inference import outputs

    original, appended = outputs.CsvWriter.append, []

    def full_after_one_block(self, encoded):  # the first block is written, then the disk fills
        appended.append(encoded)
        if len(appended) > 1:
            raise OSError(28, "No space left on device")
        original(self, encoded)
    monkeypatch.setattr(outputs.CsvWriter, "append", full_after_one_block)
    out = tmp_path / "r.csv"
    assert _score(upload, out, artifact_dir, "--chunk-persons", "10") == 1
    assert len(appended) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert not out.exists()


def test_the_model_is_found_from_any_directory(upload, tmp_path, monkeypatch):
    monkeypatch.delenv("SCORER__ARTIFACTS__DIR", raising=False)
    monkeypatch.chdir(tmp_path)  # no ./artifacts here
    from inference.cli import default_artifacts

    assert Path(default_artifacts()) == Path(__file__).resolve().parents[2] / "artifacts"


def test_person_ids_that_look_like_formulas_are_neutralised_in_csv(tmp_path, artifact_dir,
                                                                   sim):
    frame = sim.frame(2, seed=3)
    frame["person_id"] = frame["person_id"].map({"p00000": "=HYPERLINK(1)", "p00001": "-1"})
    upload = tmp_path / "in.csv"
    frame.to_csv(upload, index=False)
    out = tmp_path / "r.csv"
    assert _score(upload, out, artifact_dir) == 0
    assert sorted(pd.read_csv(out, dtype=str)["person_id"]) == ["'-1", "'=HYPERLINK(1)"]


def test_console_script_is_installed_and_runs(upload, tmp_path, artifact_dir):
    script = shutil.which("stress-scorer", path=str(Path(__import__("sys").executable).parent))
    assert script, "pip install -e . declares the stress-scorer console script"
    out = tmp_path / "r.csv"
    done = subprocess.run([script, "score", str(upload), "--out", str(out), "--artifacts",
                           str(artifact_dir)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "scored 40 persons" in done.stderr
    assert len(pd.read_csv(out)) == 40


def test_console_script_passes_on_the_exit_code_and_its_messages(tmp_path, artifact_dir):
    # The command ends without the interpreter's teardown after `score`: what it printed
    # must still arrive, and its exit code must still say what went wrong.
    script = shutil.which("stress-scorer", path=str(Path(sys.executable).parent))
    bad = tmp_path / "bad.csv"
    bad.write_text("person_id,month,income,expenses\np1,2024-01,abc,100\n")
    done = subprocess.run([script, "score", str(bad), "--out", str(tmp_path / "r.csv"),
                           "--artifacts", str(artifact_dir)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1
    assert "cannot be scored" in done.stderr and "income" in done.stderr
    assert not (tmp_path / "r.csv").exists()


class _Terminal:
    """A stderr that says it is a terminal and keeps what was written."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, s: str) -> int:
        self.text += s
        return len(s)

    def flush(self) -> None: ...

    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_only(upload, tmp_path, artifact_dir, monkeypatch):
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    args = ["score", str(upload), "--out", str(tmp_path / "r.csv"), "--artifacts",
            str(artifact_dir), "--chunk-persons", "10"]
    assert main(args) == 0
    assert "100%|" in terminal.text and "persons/s" in terminal.text
    assert "scored 40 persons" in terminal.text
    terminal.text = ""
    monkeypatch.setattr(terminal, "isatty", lambda: False)
    assert main(args) == 0
    assert "%|" not in terminal.text and "scored 40 persons" in terminal.text


def test_score_takes_one_persons_statements(tmp_path, artifact_dir):
    corpus = Path(__file__).resolve().parents[1] / "data" / "statements"
    files = [corpus / "uk_current_account.csv", corpus / "amex_activity.csv"]
    out = tmp_path / "me.csv"
    assert main(["score", *map(str, files), "--out", str(out), "--artifacts",
                 str(artifact_dir), "--person-id", "me", "--quiet"]) == 0
    written = pd.read_csv(out, dtype={"person_id": str})
    assert written["person_id"].tolist() == ["me"]
    assert 0 <= written["probability"].iloc[0] <= 1


def _before_and_after(code: str, variable: str, user_setting: str | None) -> list[str]:
    """What ``code`` prints in a fresh interpreter (the settings are process-wide), with the
    environment ``variable`` unset or set to ``user_setting``."""
    env = {k: v for k, v in os.environ.items() if k != variable}
    if user_setting is not None:
        env[variable] = user_setting
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, check=True).stdout.split()


@pytest.mark.parametrize("user_setting", [None, "1"])
def test_score_runs_on_ordinary_pages_unless_the_user_said(user_setting):
    before, after = _before_and_after(
        "from numpy._core.multiarray import _get_madvise_hugepage as get\n"
        "from inference.cli import ordinary_pages\n"
        "before = get(); ordinary_pages(); print(before, get())",
        "NUMPY_MADVISE_HUGEPAGE", user_setting)
    assert after == ("False" if user_setting is None else before)


@pytest.mark.parametrize("user_setting", [None, "jemalloc"])
def test_score_allocates_arrow_memory_with_malloc_unless_the_user_said(user_setting):
    before, after = _before_and_after(
        "import pyarrow as pa\n"
        "from inference.cli import system_arrow_pool\n"
        "before = pa.default_memory_pool().backend_name; system_arrow_pool()\n"
        "print(before, pa.default_memory_pool().backend_name)",
        "ARROW_DEFAULT_MEMORY_POOL", user_setting)
    assert after == ("system" if user_setting is None else before)
    assert before != "system"  # the bundled allocator is what the command turns away from
