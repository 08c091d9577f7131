"""Mutated uploads: the sample monthly CSV and every statement layout of the corpus, broken in
the ways files break (cut short, bytes and lines inserted, deleted, swapped or re-encoded, cells
replaced by hostile values), sent to the upload endpoints. Every answer is a 4xx or a 2xx, never
a 5xx. A mutation fuzzer run by hand found five kinds of 500 this way (a stray carriage return
in a row or the header, a month read with a time zone, amounts that overflowed); each is also
pinned by a unit test. Fixed seed, bounded count: the same cases every run."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "data" / "statements"
HOSTILE = [b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b'"', b",", b";", b"\t", b"\r", b"\n",
           b"NaN", b"inf", b"-inf", b"1e308", b"9" * 400, b"=cmd|' /C calc'!A0", b"2025-13-45",
           b"21 000025-02", b"\\", b"\xe2\x80\xaf", b"\xc2\xa0", b"1.234,56", b"(12.00)",
           b"12-", b"\xe9", b"\x1a", b"--", b"\xe2\x82\xac", b"31.02.2025", b"Jan-24", b"1 000"]
CASES = 120


def _mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        if not out:
            out += rng.choice(HOSTILE)
            continue
        at, pick = rng.randrange(len(out)), rng.random()
        lines = bytes(out).split(b"\n")
        if pick < 0.3:
            out[at:at] = rng.choice(HOSTILE)
        elif pick < 0.45:
            del out[at:at + rng.randint(1, 40)]
        elif pick < 0.55:
            out = out[:at]
        elif pick < 0.65:
            k = rng.randrange(len(lines))
            out = bytearray(b"\n".join(lines[:k] + [lines[k]] + lines[k:]))
        elif pick < 0.8:
            k = rng.randrange(len(lines))
            cells = lines[k].split(b",")
            cells[rng.randrange(len(cells))] = rng.choice(HOSTILE)
            lines[k] = b",".join(cells)
            out = bytearray(b"\n".join(lines))
        elif pick < 0.9:
            out[at] = rng.randrange(256)
        else:
            text = bytes(out).decode("utf-8", "replace")
            out = bytearray(text.encode(rng.choice(["utf-16", "latin-1", "utf-8-sig"]),
                                        "replace"))
    return bytes(out)


@pytest.fixture(scope="module")
def originals() -> tuple[bytes, list[bytes]]:
    """The dashboard's sample monthly CSV and the corpus's statement files."""
    sample = Path(__file__).resolve().parents[2] / "web" / "static" / "sample.csv"
    return sample.read_bytes(), [p.read_bytes() for p in sorted(CORPUS.glob("*.csv"))]


def test_mutated_uploads_are_answered_without_a_5xx(client, originals) -> None:
    monthly, statements = originals
    rng = random.Random(20261202)
    seen: list[tuple[int, str, int]] = []
    for case in range(CASES):
        kind = rng.random()
        if kind < 0.45:
            answer = client.post("/api/v1/score", data=_mutate(monthly, rng),
                                 headers={"Content-Type": "text/csv"})
        else:
            files = [(io.BytesIO(_mutate(rng.choice(statements), rng)), f"s{k}.csv")
                     for k in range(rng.randint(1, 3))]
            path = "/api/v1/statements" if kind < 0.75 else "/api/v1/score?person_id=p1"
            answer = client.post(path, data={"file": files}, content_type="multipart/form-data")
        seen.append((case, "monthly" if kind < 0.45 else "statements", answer.status_code))
    errors = [s for s in seen if s[2] >= 500]
    assert not errors, f"{len(errors)} of {CASES} mutated uploads got a 5xx: {errors[:5]}"
    assert {s[2] for s in seen} & {200} and {s[2] for s in seen} & {400}  # both kinds occur
