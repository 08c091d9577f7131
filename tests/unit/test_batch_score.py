"""One partition of a batch, without a cluster: rows from several files in, a row per person
out, problems judged per person as ``ingest`` judges a file."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("dask")

from inference.batch.read import canonical_rows  # noqa: E402
from inference.batch.score import BatchOptions, score_partition  # noqa: E402
from inference.table import results_table  # noqa: E402
from shared_features import IngestLimits, ingest  # noqa: E402

SOURCES = ["a.csv", "b.csv"]  # the files of the pieces below


def _rows(frame: pd.DataFrame, piece: int = 0) -> pd.DataFrame:
    return canonical_rows(frame.astype(str).replace({"nan": "", "<NA>": ""}), piece)


def test_a_partition_scores_like_score_whatever_the_files_and_order(sim, scorer):
    frame = sim.frame(30, seed=5).sample(frac=1.0, random_state=1)
    half = len(frame) // 2
    rows = pd.concat([_rows(frame.iloc[:half], 0), _rows(frame.iloc[half:], 1)])
    got = score_partition(rows, scorer, BatchOptions(), SOURCES).set_index("person_id")
    want = results_table(ingest(frame.to_csv(index=False)).panel, scorer).set_index("person_id")
    np.testing.assert_allclose(got.loc[want.index, "probability"].to_numpy(float),
                               want["probability"].to_numpy(float), atol=1e-6)
    assert (got["problems"] == "[]").all()
    assert got["input_rows"].sum() == len(frame)


def test_each_kind_of_problem_is_reported_with_its_file_and_row(sim, scorer):
    frame = sim.frame(4, months=6, seed=2, mask_share=0.0, short_share=0.0)
    ids = sorted(frame["person_id"].unique())
    frame["income"] = frame["income"].astype(object)
    frame.loc[frame.index[frame["person_id"] == ids[0]][2], "income"] = "-12"
    no_month = pd.DataFrame({"person_id": [ids[1], ids[1]], "income": ["1", "2"],
                             "expenses": ["1", "1"]})
    rows = pd.concat([_rows(frame, 0), _rows(no_month, 1)])
    limits = IngestLimits(max_months_per_person=7)
    got = score_partition(rows, scorer, BatchOptions(limits=limits), SOURCES).set_index("person_id")

    negative = json.loads(got.loc[ids[0], "problems"])
    assert negative == [{"column": "income", "value": "-12", "message": "must not be negative",
                         "source": "a.csv", "row": negative[0]["row"]}]
    assert got.loc[ids[0], "rejected_rows"] == 1 and got.loc[ids[0], "input_rows"] == 6
    messages = [p["message"] for p in json.loads(got.loc[ids[1], "problems"])]
    assert messages[0] == "more months than the limit of 7"  # 6 + 2 rows
    assert messages.count("a month is required when a person has more than one row") == 2
    assert all(p["source"] == "b.csv" for p in json.loads(got.loc[ids[1], "problems"])[1:])
    for refused in ids[:2]:
        assert np.isnan(got.loc[refused, "probability"])
        assert pd.isna(got.loc[refused, "risk_score"])
    for fine in ids[2:]:
        assert 0 <= got.loc[fine, "probability"] <= 1 and got.loc[fine, "problems"] == "[]"


def test_a_file_with_unusable_headers_refuses_its_persons_by_name(scorer):
    frame = pd.DataFrame({"person_id": ["x", "x"], "month": ["2024-01", "2024-02"],
                          "expenses": ["1", "2"]})
    got = score_partition(_rows(frame), scorer, BatchOptions(), SOURCES)
    assert got["person_id"].tolist() == ["x"]
    problem = json.loads(got.loc[0, "problems"])[0]
    assert problem["column"] == "income" and "required column 'income'" in problem["message"]
    assert got.loc[0, "rejected_rows"] == 2
