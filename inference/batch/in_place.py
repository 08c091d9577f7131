"""Which rows need the shuffle: persons whose rows are all in one piece are scored there.

Panels are often exported sorted (or range-partitioned) by person: each file then holds every
month of its persons, and only a person cut at a file or row-group boundary has rows in two
pieces. Before the batch, each Parquet piece's person-id range is read (its id column alone,
canonical as ``read.read_piece`` makes it). An id can occur in two pieces only where their
ranges overlap, so a row whose id lies outside every overlap (a "zone") belongs to a person all
of whose rows are in its own piece: it is scored in place, without crossing the shuffle. Rows
inside a zone go through Dask's shuffle, and are scored with all their person's months.

Nothing is assumed about the input's order: for unsorted input the zones cover everything and
every row is shuffled, as without this step. A piece whose ids are not known cheaply (a CSV
file, unusable headers, a file that cannot be read) may hold any id: its range is everything.
Rows without a usable person id (a blank id, or the stand-in row of a file that cannot be read
at all) always cross the shuffle, from every piece, so that they meet as they do without this
step: a file that fails only once it is read in full has a range that does not show them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .read import ROW_BYTES, Piece, read_person_ids


@dataclass(frozen=True)
class IdRange:
    """The canonical person ids a piece holds: from ``low`` to ``high`` (code-point order, as
    Python and arrow compare strings); both None when the piece may hold any id."""

    low: str | None
    high: str | None
    rows: int  # the piece's rows (estimated from its size when its ids are not known)
    # Rows whose id is ``low`` / ``high``: a sorted piece shares only the persons at its ends,
    # so these count its rows to shuffle without reading its ids again.
    rows_at_low: int = 0
    rows_at_high: int = 0

    @property
    def known(self) -> bool:
        return self.low is not None


# A zone: the ids from ``[0]`` to ``[1]``, both included; ``[1]`` None means no upper bound.
Zone = tuple[str, str | None]


def piece_id_range(piece: Piece, storage_options: dict | None = None) -> IdRange:
    """The ids ``piece`` holds (run on a worker: reads the id column alone)."""
    ids = read_person_ids(piece, storage_options)
    if ids is None or not len(ids.codes):
        return IdRange(None, None, piece.memory // ROW_BYTES)
    texts = pa.array(ids.texts, type=pa.string())  # every text is some row's
    low_high = pc.min_max(texts)
    low, high = low_high["min"].as_py(), low_high["max"].as_py()
    rows_at = [int(np.count_nonzero(pc.equal(texts, end).to_numpy(zero_copy_only=False)[ids.codes]))
               for end in (low, high)]
    return IdRange(low, high, len(ids.codes), *rows_at)


def overlap_zones(ranges: Sequence[IdRange]) -> list[Zone]:
    """The ids that two or more ranges include, as sorted, disjoint closed intervals.

    A sweep over the ranges' ends (a few per piece, on the client): a zone opens where a second
    range starts while another is open and closes where only one is left."""
    start_key, end_key = 0, 1  # at equal ids a start comes first: ranges that touch overlap
    events = []
    for r in ranges:
        low, high = (r.low, r.high) if r.known else ("", None)
        events.append(((0, low), start_key, +1))
        events.append(((1, "") if high is None else (0, high), end_key, -1))
    events.sort()
    zones: list[Zone] = []
    depth, opened = 0, ""
    for (unbounded, value), _, step in events:
        depth += step
        if step > 0 and depth == 2:
            opened = value
        elif step < 0 and depth == 1:
            zones.append((opened, None if unbounded else value))
    return zones


def in_zones(ids: pa.Array, zones: Sequence[Zone]) -> np.ndarray:
    """bool (len(ids),): which ids lie in a zone. Vectorised per zone; only the zones within
    the ids' own range are tested (a sorted piece meets at most the two at its ends)."""
    n = len(ids)
    if not n or not zones:
        return np.zeros(n, dtype=bool)
    low_high = pc.min_max(ids)
    low, high = low_high["min"].as_py(), low_high["max"].as_py()
    near = [(a, b) for a, b in zones if a <= high and (b is None or b >= low)]
    if any(a <= low and (b is None or b >= high) for a, b in near):
        return np.ones(n, dtype=bool)  # every id of the piece (unsorted input: the usual case)
    inside = np.zeros(n, dtype=bool)
    for a, b in near:
        hit = pc.greater_equal(ids, a)
        if b is not None:
            hit = pc.and_(hit, pc.less_equal(ids, b))
        inside |= hit.to_numpy(zero_copy_only=False)
    return inside


def shared_rows(piece: Piece, zones: Sequence[Zone], storage_options: dict | None = None
                ) -> int:
    """How many of ``piece``'s rows lie in a zone (run on a worker: the id column alone)."""
    ids = read_person_ids(piece, storage_options)
    if ids is None:
        return piece.memory // ROW_BYTES
    per_text = in_zones(pa.array(ids.texts, type=pa.string()), zones)
    return int(np.count_nonzero(per_text[ids.codes]))


def select_rows(rows: pd.DataFrame, zones: Sequence[Zone], shuffled: bool) -> pd.DataFrame:
    """The rows of a piece (``read.ROW_META``) to shuffle (``shuffled``) or to score in place."""
    ids = pa.array(rows["person_id"].array, type=pa.string())
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks()
    nobody = pc.equal(ids, "").to_numpy(zero_copy_only=False) | (rows["row"].to_numpy() == 0)
    shuffle = in_zones(ids, zones) | nobody
    if not shuffle.any():
        return rows if not shuffled else rows.iloc[:0]
    if shuffle.all():
        return rows if shuffled else rows.iloc[:0]
    return rows[shuffle if shuffled else ~shuffle]


@dataclass(frozen=True)
class Plan:
    """Where each piece's rows go: scored in place, or shuffled (``select_rows`` splits a
    piece's rows when it is read; every piece may send rows without a person to the shuffle)."""

    zones: list[Zone]
    shuffled_rows: list[int]  # per piece: rows that cross the shuffle (all, if not known)
    rows: list[int]  # per piece: all its rows (estimated from its size, if not known)
    known: list[bool]  # per piece: whether its ids were read first

    @property
    def in_place_pieces(self) -> list[int]:
        """The pieces that may have rows to score in place."""
        return [i for i, (s, r, k) in enumerate(zip(self.shuffled_rows, self.rows, self.known,
                                                    strict=True))
                if s < r or (not k and ("", None) not in self.zones)]

    @property
    def rows_in_place(self) -> int:
        """Rows scored in place: exact for the pieces whose ids were read first; a piece whose
        ids were not counts as shuffled whenever there is a zone (so: at least this many)."""
        return sum(r - s for r, s in zip(self.rows, self.shuffled_rows, strict=True))

    @property
    def rows_to_shuffle(self) -> int:
        """Rows that cross the shuffle (for a piece whose ids were not read first: all)."""
        return sum(self.shuffled_rows)


def plan(ranges: Sequence[IdRange], zones: list[Zone], counted: dict[int, int]) -> Plan:
    """The plan from the pieces' ranges, their zones and the counts of the pieces
    ``to_count`` (``counted``: piece -> its rows in zones)."""
    shuffled = []
    for i, r in enumerate(ranges):
        if i in counted:
            shuffled.append(counted[i])
        elif (not r.known and zones) or _covered(r, zones):
            shuffled.append(r.rows)
        else:  # nothing in a zone, or only the persons at its ends
            ends = _ends_in_zones(r, zones)
            shuffled.append(0 if ends is None else ends)
    return Plan(zones, shuffled, [r.rows for r in ranges], [r.known for r in ranges])


def to_count(ranges: Sequence[IdRange], zones: Sequence[Zone]) -> list[int]:
    """The pieces whose rows in zones are only known by reading their ids again: partly in
    zones, and not only at their two ends (as a piece of sorted input is)."""
    return [i for i, r in enumerate(ranges)
            if r.known and not _covered(r, zones) and _ends_in_zones(r, zones) is None]


def _ends_in_zones(r: IdRange, zones: Sequence[Zone]) -> int | None:
    """The rows of ``r`` in zones when the zones it meets are its lowest and highest id
    alone (0 when it meets none); None when a zone reaches further into it."""
    meeting = [z for z in zones if _meets(r, z)]
    if not all(a == b and a in (r.low, r.high) for a, b in meeting):
        return None
    return sum(r.rows_at_low if a == r.low else r.rows_at_high for a, _ in meeting)


def _covered(r: IdRange, zones: Sequence[Zone]) -> bool:
    if not r.known:
        return ("", None) in zones
    return any(a <= r.low and (b is None or b >= r.high) for a, b in zones)


def _meets(r: IdRange, zone: Zone) -> bool:
    a, b = zone
    return a <= r.high and (b is None or b >= r.low)
