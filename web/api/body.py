"""A request's raw body, in memory when small and in a temporary file when large.

A million-person CSV is hundreds of MB: held as ``bytes`` it would sit in the worker next to
everything parsed from it. Spooled to disk instead, the readers stream it from the file (pyarrow
reads a path without loading it whole) and the worker's memory holds only the parsed columns.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, request

from ..settings import MEGABYTE

COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class Body:
    content: bytes | Path  # the body itself, or the temporary file holding it
    sha256: bytes  # its digest (for Idempotency-Key fingerprints); b"" when not asked for


def content_digest(content: bytes) -> bytes:
    return hashlib.sha256(content).digest()


@contextmanager
def request_body(digest: bool) -> Iterator[Body]:
    """The current request's body; one over ``[limits] in_memory_body_mb`` lives in a temporary
    file (in ``TMPDIR``) removed when the block ends; a small one stays in memory, where a file
    would cost more than it saves. ``digest``: also compute its sha256 (~2 s a GB)."""
    length = request.content_length
    if length is not None and length <= current_app.config["LIMITS_IN_MEMORY_BODY_MB"] * MEGABYTE:
        data = request.get_data(cache=False)
        yield Body(data, content_digest(data) if digest else b"")
        return
    hasher = hashlib.sha256()
    # request.stream stops at Content-Length and raises 413 past MAX_CONTENT_LENGTH.
    with tempfile.NamedTemporaryFile(prefix="stress-scorer-upload-", suffix=".csv") as fh:
        while chunk := request.stream.read(COPY_CHUNK):
            fh.write(chunk)
            if digest:
                hasher.update(chunk)
        fh.flush()
        yield Body(Path(fh.name), hasher.digest() if digest else b"")
