"""The three CSV readers behind ``ingest`` (the csv module for small files, pyarrow for large
ones, pandas for what those two leave) give the same panel, warnings and problems."""

from __future__ import annotations

import csv
import importlib

import numpy as np
import pytest

from shared_features import IngestLimits, InputError
from shared_features.columns import read_arrow, read_small
from shared_features.ingest import (
    columns_from_frame,
    ingest_columns,
    map_headers,
    read_columns,
    read_frame,
)

# The module (the package's own name ``ingest`` is the function).
ingest_module = importlib.import_module("shared_features.ingest")

HEADER = "person_id,month,income,expenses,debt_payments,liquid_savings,missed_payments\n"
TEXTS = {
    "plain": HEADER + "a,2024-01,3000,2500,100,900,0\na,2024-02,3100.5,2600,100,800,1\n"
                      "b,2024-02,2000,1900,0,-50,0\n",
    "empty_and_null_cells": HEADER + "a,2024-01,3000,2500,,NA,\na,2024-02,3000,2500,n/a,10,-\n",
    "padded_ids_merge": HEADER + " a ,2024-01,3000,2500,1,1,0\na,2024-02,3000,2500,1,1,0\n",
    "us_formatted": HEADER + 'a,2024-01,"$3,000.50",2500,1,"(20.00)",0\n'
                             'a,2024-02,3000,"1,234",1,1,0\n',
    "european": HEADER.replace(",", ";") + "a;2024-01;3.000,50;1.000;1;1;0\n"
                                           "a;2024-02;3000;2500,5;1;1;0\n",
    "unicode_ids": HEADER + "Zoë,2024-01,3000,2500,1,1,0\n日本,2024-01,1,1,1,1,0\n",
    "day_first_dates": HEADER + "a,01.02.2026,3000,2500,1,1,0\na,01.03.2026,3000,2500,1,1,0\n",
    "bad_cells": HEADER + "a,2024-01,abc,-5,1,1,0.5\na,2024-13,1e13,2500,1,1,0\n"
                          ",2024-01,1,1,1,1,0\n",
    "month_forms": HEADER + "a,Jan-24,1,1,1,1,0\na,202402,1,1,1,1,0\nb,03/2024,1,1,1,1,0\n"
                            "b,Apr 2024,1,1,1,1,0\nc,24-Jan,1,1,1,1,0\n",
    "duplicate_month": HEADER + "a,2024-01,1,1,1,1,0\na,2024-01,2,2,2,2,0\n",
    "unknown_column": "person_id,notes,month,income,expenses\na,hi,2024-01,1,1\n",
}


def _by_pandas(text: str, limits: IngestLimits):
    frame, warnings = read_frame(text.encode())
    mapping, unknown, _ = map_headers(frame.columns)
    return ingest_columns(columns_from_frame(frame, mapping), limits, warnings, unknown)


def _by_fast(reader: str, text: str, limits: IngestLimits):
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first else ","
    headers = next(csv.reader([first], delimiter=delimiter))
    mapping, unknown, _ = map_headers(headers)
    positions = {headers.index(h): c for h, c in mapping.items()}
    columns = (read_small(text, delimiter, positions) if reader == "small"
               else read_arrow(text.encode(), delimiter, len(headers), positions))
    if columns is None:  # by design only the small reader's quotes go to pandas
        assert reader == "small" and '"' in text, f"{reader} refused a file it should read"
        return _by_pandas(text, limits)
    return ingest_columns(columns, limits, None, unknown)


def _outcome(read, *args):
    try:
        result = read(*args)
    except InputError as exc:
        return "error", [(p.row, p.column, p.value, p.message) for p in exc.problems]
    panel = result.panel
    return ("ok", panel.person_ids.tolist(), panel.values.round(9).tolist(),
            panel.observed.tolist(), panel.months.astype(str).tolist(), result.warnings)


@pytest.mark.parametrize("name", sorted(TEXTS))
@pytest.mark.parametrize("reader", ["small", "arrow"])
def test_fast_readers_match_pandas(name: str, reader: str) -> None:
    limits = IngestLimits()
    expected = _outcome(_by_pandas, TEXTS[name], limits)
    got = _outcome(lambda *a: _by_fast(reader, *a), TEXTS[name], limits)
    assert str(got) == str(expected)  # str: NaN compares equal to NaN


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_columns_checked_on_threads_give_the_same_outcome(name: str, monkeypatch) -> None:
    """A large file's columns are checked on several threads: same problems, in the same
    order, and the same panel as one thread gives."""
    alone = _outcome(lambda *a: _by_fast("arrow", *a), TEXTS[name], IngestLimits())
    monkeypatch.setattr(ingest_module, "PARALLEL_ROWS", 0)
    threaded = _outcome(lambda *a: _by_fast("arrow", *a), TEXTS[name], IngestLimits())
    assert str(threaded) == str(alone)


@pytest.mark.parametrize("body", [
    "a,2024-01,1,1,1,1,0\na,2024-02,1,1,1\n",  # a short row
    "a,2024-01,1,1,1,1,0,7\n",  # a long row
    'a,2024-01,1,1,1,"1,0\n',  # an unclosed quote
    "a,2024-01,\xe9,1,1,1,0\n",  # not UTF-8 (written as Windows-1252 below)
])
def test_what_fast_readers_leave_goes_to_pandas(body: str) -> None:
    data = (HEADER + body).encode("cp1252")
    positions = dict(enumerate(["person_id", "month", "income", "expenses", "debt_payments",
                                "liquid_savings", "missed_payments"]))
    assert read_columns(data) is None
    assert read_arrow(data, ",", 7, positions) is None


@pytest.mark.parametrize("body", [
    "a,2024-01,1,1,1,1,0\n\r,2024-02,1,1,1,1,0\n",  # a carriage return opening a line
    "a,2024-01,1,1,1,1,0\na,20\r24-02,1,1,1,1,0\n",  # ... inside a cell
    "a,2024-01,1,1,1,1,0\n" + "b" * 200_000 + ",2024-01,1,1,1,1,0\n",  # over csv's cell limit
])
def test_what_the_csv_module_cannot_read_goes_to_the_general_reader(body: str) -> None:
    """Found by fuzzing the score endpoint: the csv module raised (a 500) where pandas reads
    the file or words its problem. The small reader now steps aside; the outcome is an
    ingested panel or a problem with its row, as for any other file."""
    positions = dict(enumerate(["person_id", "month", "income", "expenses", "debt_payments",
                                "liquid_savings", "missed_payments"]))
    assert read_small(HEADER + body, ",", positions) is None
    assert _outcome(_by_pandas, HEADER + body, IngestLimits())[0] in ("ok", "error")


def test_a_carriage_return_inside_the_header_goes_to_the_general_reader() -> None:
    data = HEADER.replace("income", "inc\rome").encode() + b"a,2024-01,1,1,1,1,0\n"
    assert read_columns(data) is None
    with pytest.raises(InputError):
        ingest_module.ingest(data)


def test_a_large_file_reads_by_pyarrow_like_a_small_one() -> None:
    rows = "".join(f"p{i % 997},{2000 + i // 997 % 20}-{i % 12 + 1:02d},{i % 5000}.25,"
                   f"{i % 300},,{i % 7 - 3},{i % 2}\n" for i in range(12_000))
    text = HEADER + rows
    big = read_columns(text.encode())  # over SMALL_BYTES: pyarrow
    assert big is not None
    fast = ingest_columns(big[1], IngestLimits(max_months_per_person=400))
    slow = _by_pandas(text, IngestLimits(max_months_per_person=400))
    np.testing.assert_array_equal(fast.panel.values, slow.panel.values)
    assert fast.panel.person_ids.tolist() == slow.panel.person_ids.tolist()
    assert fast.warnings == slow.warnings


@pytest.mark.parametrize("word", ["NA", "n/a", "null", "-", "nan", "NaN", "12 EUR"])
def test_a_null_word_after_the_first_block_reads_like_pandas(word: str, monkeypatch) -> None:
    """pyarrow first reads amounts with only an empty cell as missing and retries with every
    null word when a cell is not a number: a word that first shows up blocks into the file
    gives the same panel and warnings as pandas' parser."""
    monkeypatch.setattr(importlib.import_module("shared_features.columns"), "ARROW_BLOCK_BYTES",
                        4096)
    rows = [f"p{i // 12},{2000 + i // 12 % 20}-{i % 12 + 1:02d},{i % 5000}.25,{i % 300},,"
            f"{i % 7 - 3},{i % 2}\n" for i in range(2_400)]
    rows[-5] = rows[-5].replace(",,", f",{word},", 1)
    text = HEADER + "".join(rows)
    fast = _outcome(lambda *a: _by_fast("arrow", *a), text, IngestLimits())
    assert str(fast) == str(_outcome(_by_pandas, text, IngestLimits()))


@pytest.mark.parametrize("reader", ["small", "arrow"])
def test_the_fast_readers_know_when_ids_are_distinct(reader: str) -> None:
    """Distinct ids skip validation's factorising; padded ones that trim to another id do not
    claim it (and are merged into one person, as ``padded_ids_merge`` shows)."""
    positions = dict(enumerate(["person_id", "month", "income", "expenses"]))
    header = "person_id,month,income,expenses\n"

    def read(text: str):
        return (read_small(text, ",", positions) if reader == "small"
                else read_arrow(text.encode(), ",", 4, positions))

    clean = read(header + "a,2024-01,1,1\nb,2024-01,1,1\n")
    padded = read(header + " a ,2024-01,1,1\na,2024-02,1,1\n")
    assert clean["person_id"].distinct and clean["person_id"].texts.tolist() == ["a", "b"]
    assert not padded["person_id"].distinct
    assert padded["person_id"].texts.tolist() == ["a", "a"]
