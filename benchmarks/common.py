"""Shared pieces of the benchmarks: the machine, timing, synthetic CSVs, process memory."""

from __future__ import annotations

import os
import platform
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = PROJECT_ROOT / "artifacts"


# -- the machine ---------------------------------------------------------------------------------

def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    found = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
    return found.group(1).strip() if found else platform.processor() or "unknown"


def _mem_total_gib() -> float | None:
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return None
    found = re.search(r"^MemTotal:\s*(\d+) kB", text, re.M)
    return round(int(found.group(1)) / 2**20, 1) if found else None


def _version(module: str) -> str | None:
    try:
        return __import__(module).__version__
    except ImportError:
        return None


def machine() -> dict[str, Any]:
    """What the numbers were measured on (and how busy it was when the run started)."""
    return {
        "cpu_model": _cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "ram_gib": _mem_total_gib(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "numpy": _version("numpy"),
        "pandas": _version("pandas"),
        "onnxruntime": _version("onnxruntime"),
        "torch": _version("torch"),
        "load_average_at_start": [round(v, 2) for v in os.getloadavg()],
    }


# -- timing --------------------------------------------------------------------------------------

def measure(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds of this process, result) of one call."""
    start, start_cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - start, time.process_time() - start_cpu, result


def median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def rnd(v: float | None, digits: int = 3) -> float | None:
    if v is None or v != v:
        return None
    return round(float(v), digits)


# -- synthetic uploads ---------------------------------------------------------------------------

def _amount_text(v: np.ndarray) -> np.ndarray:
    """Amounts as CSV text with two decimals ('' where NaN), vectorised (numpy StringDType)."""
    from numpy.dtypes import StringDType

    s_type = StringDType()
    nan = np.isnan(v)
    cents = np.round(np.where(nan, 0.0, v) * 100).astype(np.int64)
    s = np.strings.zfill(np.abs(cents).astype(s_type), 3)
    out = np.strings.add(np.strings.add(np.strings.slice(s, 0, -2), "."),
                         np.strings.slice(s, -2, None))
    negative = cents < 0
    if negative.any():
        out = np.strings.add(np.array(["", "-"], dtype=s_type)[negative.astype(np.intp)], out)
    if nan.any():
        out[nan] = ""
    return out


def _count_text(v: np.ndarray) -> np.ndarray:
    from numpy.dtypes import StringDType

    out = np.where(np.isnan(v), 0, v).astype(np.int64).astype(StringDType())
    out[np.isnan(v)] = ""
    return out


_LAST_BLOCK: dict[tuple, bytes] = {}  # the last block made: sections reuse the same upload


def csv_block(persons: int, months: int = 12, seed: int = 0, first_id: int = 0,
              header: bool = True) -> bytes:
    """Upload-format CSV of ``persons`` simulated people (one row per person-month).

    The people come from ``tests.conftest.simulate_arrays`` (plausible finances; 5% of persons
    lack each optional column, 5% have a short history), ids ``p0000000`` onwards.
    """
    key = (persons, months, seed, first_id, header)
    if key not in _LAST_BLOCK:
        _LAST_BLOCK.clear()
        _LAST_BLOCK[key] = _make_block(persons, months, seed, first_id, header)
    return _LAST_BLOCK[key]


def _make_block(persons: int, months: int, seed: int, first_id: int, header: bool) -> bytes:
    from numpy.dtypes import StringDType

    from shared_features import FIELD_NAMES
    from tests.conftest import simulate_arrays

    s_type = StringDType()
    arrays, observed = simulate_arrays(persons, months, seed, mask_share=0.05, short_share=0.05)
    p, t = np.nonzero(observed)
    line = np.strings.add("p", np.strings.zfill((p + first_id).astype(s_type), 7))
    month_names = np.array([f"{2024 + m // 12}-{m % 12 + 1:02d}" for m in range(months)],
                           dtype=s_type)
    line = np.strings.add(np.strings.add(line, ","), month_names[t])
    for name in FIELD_NAMES:
        values = arrays[name][p, t]
        text = _count_text(values) if name == "missed_payments" else _amount_text(values)
        line = np.strings.add(np.strings.add(line, ","), text)
    head = "person_id,month," + ",".join(FIELD_NAMES) + "\n" if header else ""
    return (head + "\n".join(line.tolist()) + "\n").encode()


def write_csv(path: Path, persons: int, months: int = 12, seed: int = 0,
              block: int = 100_000) -> int:
    """Stream a large synthetic CSV to ``path`` block by block; returns its size in bytes."""
    with open(path, "wb") as fh:
        for i, start in enumerate(range(0, persons, block)):
            fh.write(csv_block(min(block, persons - start), months, seed + i, start,
                               header=i == 0))
    return path.stat().st_size


@contextmanager
def workdir(prefix: str = "bench-") -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        yield Path(tmp)


# -- processes -----------------------------------------------------------------------------------

def proc_status(pid: int) -> dict[str, int]:
    """VmRSS / VmHWM / VmSize of a process in bytes (Linux /proc)."""
    out = {}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return out
    for key in ("VmRSS", "VmHWM", "VmSize"):
        found = re.search(rf"^{key}:\s*(\d+) kB", text, re.M)
        if found:
            out[key] = int(found.group(1)) * 1024
    return out


def children(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (gunicorn's workers are its master's children)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def mib(n_bytes: float | None) -> float | None:
    return None if n_bytes is None else round(n_bytes / 2**20, 1)


# -- the model artifact --------------------------------------------------------------------------

def usable_artifacts(tmp: Path, artifacts: Path = ARTIFACTS) -> tuple[Path, str]:
    """The committed artifact if it loads, else the test artifact built into ``tmp``;
    (directory, description)."""
    from inference.artifact import ArtifactError, load_artifact

    try:
        load_artifact(artifacts)
        return artifacts, "committed artifact (artifacts/)"
    except ArtifactError as exc:
        from tests.conftest import build_test_artifact

        built = tmp / "test-artifact"
        if not (built / "model.onnx").exists():
            build_test_artifact(built)
        return built, f"test artifact from tests/conftest.py (committed one refused: {exc})"
