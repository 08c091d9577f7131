"""Which rows of a batch cross the shuffle (``inference.batch.in_place``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

pytest.importorskip("dask")

from inference.batch.in_place import (  # noqa: E402
    IdRange,
    in_zones,
    overlap_zones,
    piece_id_range,
    plan,
    select_rows,
    shared_rows,
    to_count,
)
from inference.batch.read import Piece, list_pieces, read_piece  # noqa: E402


def known(low: str, high: str, rows: int = 10, at_low: int = 0, at_high: int = 0) -> IdRange:
    return IdRange(low, high, rows, at_low, at_high)


UNKNOWN = IdRange(None, None, 10)


def test_sorted_pieces_overlap_only_where_a_person_is_cut():
    ranges = [known("a", "c"), known("c", "f"), known("g", "k")]
    assert overlap_zones(ranges) == [("c", "c")]
    assert overlap_zones([known("a", "b"), known("c", "d")]) == []


def test_unsorted_pieces_overlap_everywhere_two_of_them_reach():
    assert overlap_zones([known("a", "m"), known("c", "z"), known("b", "d")]) == [("b", "m")]
    # A piece whose ids are unknown may hold any: every known range overlaps it.
    assert overlap_zones([known("a", "c"), UNKNOWN, known("x", "y")]) == [("a", "c"), ("x", "y")]
    assert overlap_zones([UNKNOWN, UNKNOWN]) == [("", None)]
    assert overlap_zones([UNKNOWN]) == []


def test_in_zones_tests_every_id_against_the_zones_it_can_meet():
    ids = pa.array(["a", "b", "c", "c", "d", "m", "z"])
    assert in_zones(ids, []).tolist() == [False] * 7
    assert in_zones(ids, [("c", "c")]).tolist() == [False, False, True, True, False, False, False]
    assert in_zones(ids, [("b", "c"), ("m", None)]).tolist() == [
        False, True, True, True, False, True, True]
    assert in_zones(ids, [("", None)]).all()


def test_the_plan_shuffles_only_rows_that_may_meet_rows_of_another_piece():
    ranges = [known("a", "c", 100), known("c", "f", 100), known("g", "k", 50), UNKNOWN]
    zones = overlap_zones(ranges)  # the CSV (unknown) overlaps every range
    assert zones == [("a", "f"), ("g", "k")]
    assert to_count(ranges, zones) == []
    where = plan(ranges, zones, {})
    assert where.shuffled_rows == [100, 100, 50, 10] and where.rows_in_place == 0
    # Without the CSV: only the person cut between the first two pieces crosses, counted from
    # the rows each piece has at its ends.
    ranges = [known("a", "c", 100, 12, 5), known("c", "f", 100, 7, 12), known("g", "k", 50)]
    zones = overlap_zones(ranges)
    assert to_count(ranges, zones) == []
    where = plan(ranges, zones, {})
    assert where.shuffled_rows == [5, 7, 0]
    assert where.in_place_pieces == [0, 1, 2]
    assert where.rows_in_place == 238 and where.rows_to_shuffle == 12
    # A piece that overlaps another inside its range has its rows in zones counted.
    ranges = [known("a", "m", 100), known("c", "d", 10)]
    zones = overlap_zones(ranges)
    assert zones == [("c", "d")] and to_count(ranges, zones) == [0]
    assert plan(ranges, zones, {0: 30}).shuffled_rows == [30, 10]
    # One file whose ids are only known once read holds everyone: nothing to shuffle.
    assert plan([UNKNOWN], [], {}).rows_to_shuffle == 0
    # Two such files may share any person: all their rows cross.
    tiny = IdRange(None, None, 0)
    assert plan([tiny, tiny], overlap_zones([tiny, tiny]), {}).in_place_pieces == []
    # Next to sorted pieces, such a file may hold persons whole: its rows are split when read.
    assert plan([UNKNOWN, known("a", "c")], [("a", "c")], {}).in_place_pieces == [0]


def _write(frame: pd.DataFrame, path, row_group_size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path, index=False, row_group_size=row_group_size)


def test_a_sorted_file_keeps_all_but_the_cut_persons_in_place(sim, tmp_path):
    people = sim.frame(30, months=12, seed=5)
    people["person_id"] = "  " + people["person_id"].astype(str)  # trimmed when read
    people = people.sort_values(["person_id", "month"]).reset_index(drop=True)
    _write(people, tmp_path / "in" / "sorted.parquet", row_group_size=50)
    pieces = list_pieces(str(tmp_path / "in"), piece_rows=100)
    assert len(pieces) > 2
    ranges = [piece_id_range(p) for p in pieces]
    assert all(r.known for r in ranges) and sum(r.rows for r in ranges) == len(people)
    assert ranges[0].low == people["person_id"].iloc[0].strip()
    zones = overlap_zones(ranges)
    where = plan(ranges, zones, {i: shared_rows(pieces[i], zones)
                                 for i in to_count(ranges, zones)})
    cut = [z for z, _ in zones]
    assert zones and all(a == b for a, b in zones)  # persons, not spans
    rows = [read_piece(p, i) for i, p in enumerate(pieces)]
    for i, (piece, frame) in enumerate(zip(pieces, rows, strict=True)):
        shuffled = select_rows(frame, zones, True)
        here = select_rows(frame, zones, False)
        assert len(shuffled) + len(here) == len(frame)
        assert shared_rows(piece, []) == 0
        assert set(shuffled["person_id"]) <= set(cut)
        assert not set(here["person_id"]) & set(cut)
        assert len(shuffled) == shared_rows(piece, zones) == where.shuffled_rows[i]
    # Every person that is in place is in exactly one piece.
    in_place = pd.concat([select_rows(f, zones, False) for f in rows])
    owners = in_place.groupby("person_id")["piece"].nunique()
    assert (owners == 1).all()
    assert len(in_place) + sum(len(select_rows(f, zones, True)) for f in rows) == len(people)


def test_the_stand_in_row_of_an_unreadable_file_always_crosses(tmp_path):
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 not really")
    piece = Piece(bad.as_uri(), "bad.parquet", (0,), 1, memory=100)
    assert not piece_id_range(piece).known
    frame = read_piece(piece, 0)
    assert frame["row"].tolist() == [0]
    assert len(select_rows(frame, [], True)) == 1 and select_rows(frame, [], False).empty


def test_select_rows_keeps_the_rows_apart_without_copying_a_whole_piece():
    frame = pd.DataFrame({"person_id": pd.array(["a", "b", "c"], dtype="string[pyarrow]"),
                          "row": np.array([2, 3, 4])})
    assert select_rows(frame, [("x", None)], False) is frame
    assert select_rows(frame, [("", None)], True) is frame
    assert select_rows(frame, [("b", "b")], True)["person_id"].tolist() == ["b"]


def test_rows_without_a_person_always_cross_to_meet_the_others():
    frame = pd.DataFrame({"person_id": pd.array(["a", "", "c"], dtype="string[pyarrow]"),
                          "row": np.array([2, 3, 4])})
    assert select_rows(frame, [], True)["row"].tolist() == [3]
    assert select_rows(frame, [], False)["row"].tolist() == [2, 4]
