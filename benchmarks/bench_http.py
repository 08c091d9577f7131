"""HTTP under gunicorn on loopback (section 3) and a worker's memory (section 4).

    python -m benchmarks.bench_http [--duration 3] [--concurrency 1 8 32] [--memory-persons N]

Section 3: the service started as in production (``gunicorn --config web/gunicorn_conf.py``,
default workers and threads) on a free 127.0.0.1 port, with a scratch database. A bounded
threaded client (one keep-alive connection per thread, each thread sending its next request
when the last one is answered, for a fixed time) measures requests/s, p50 and p99 of
single-person ``POST /api/v1/score`` (text/csv, 12 months) and, as the reference on the same
server and client, ``GET /healthz``, at each concurrency.

Section 4: another server (one worker, the upload limit raised by environment for it only)
scores one large CSV sent as a streamed text/csv body. The worker's VmRSS is sampled while it
works and its VmHWM read at the end; the reference is the same worker's idle RSS and the CSV's
size: ``(peak - idle) / CSV bytes`` says how many CSV-sized copies the upload path holds at its
peak, next to the size of the JSON response it has to build.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .common import (
    ARTIFACTS,
    PROJECT_ROOT,
    children,
    csv_block,
    mib,
    proc_status,
    rnd,
    usable_artifacts,
    workdir,
    write_csv,
)

CONCURRENCY = (1, 8, 32)
STARTUP_TIMEOUT_S = 90


# -- the server ----------------------------------------------------------------------------------

@dataclass
class Server:
    host: str
    port: int
    process: subprocess.Popen
    log_path: Path
    workers: list[int] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.process.pid

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None, timeout: float = 30
                ) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gunicorn() -> list[str]:
    script = Path(sys.executable).with_name("gunicorn")
    return [str(script)] if script.exists() else [sys.executable, "-m", "gunicorn"]


@contextmanager
def gunicorn(tmp: Path, artifacts: Path, name: str, env: dict[str, str] | None = None,
             root: Path = PROJECT_ROOT) -> Iterator[Server]:
    """A gunicorn started as in production on a free loopback port; stopped by its PID.
    ``root``: the source tree to serve (another revision's, for before/after)."""
    port = _free_port()
    log_path = tmp / f"{name}.log"
    environ = {**os.environ,
               "GUNICORN_BIND": f"127.0.0.1:{port}",
               "GUNICORN_LOGLEVEL": "warning",
               "SCORER__ARTIFACTS__DIR": str(artifacts),
               "SCORER__DATABASE__PATH": str(tmp / f"{name}.sqlite3"),
               **(env or {})}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [*_gunicorn(), "--config", "web/gunicorn_conf.py", "web.wsgi:app"],
            cwd=root, env=environ, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
    server = Server("127.0.0.1", port, process, log_path)
    try:
        _wait_ready(server, int(environ.get("GUNICORN_WORKERS", "2")))
        yield server
    finally:
        _stop(server)


def _wait_ready(server: Server, n_workers: int) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.process.returncode}:\n"
                               + server.log_path.read_text(errors="replace")[-3000:])
        try:
            status, _ = server.request("GET", "/readyz", timeout=5)
            server.workers = children(server.pid)
            if status == 200 and len(server.workers) >= n_workers:
                # Every worker loads the model itself; wait until all answer ready.
                for _ in range(4 * n_workers):
                    server.request("GET", "/readyz", timeout=10)
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not become ready in time:\n"
                       + server.log_path.read_text(errors="replace")[-3000:])


def _stop(server: Server) -> None:
    """SIGTERM to the master (it stops its workers); SIGKILL by PID if it hangs."""
    workers = children(server.pid) or server.workers
    if server.process.poll() is not None:
        return
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(timeout=30)
        return
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)
    for pid in workers:  # only the workers of the master this module started
        with suppress(ProcessLookupError, PermissionError, OSError):
            if "gunicorn" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace"):
                os.kill(pid, signal.SIGKILL)


# -- the load generator --------------------------------------------------------------------------

def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes and all their threads so far (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / tick


def load(server: Server, method: str, path: str, body: bytes | None,
         headers: dict[str, str], concurrency: int, duration: float,
         max_requests: int = 200_000) -> dict[str, Any]:
    """``concurrency`` threads, one keep-alive connection each, closed loop for ``duration``
    seconds (and at most ``max_requests`` in all); latency of every request."""
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    barrier = threading.Barrier(concurrency + 1)
    stop_at = [0.0]
    budget = [max_requests]
    lock = threading.Lock()

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
        barrier.wait()
        mine = latencies[i]
        try:
            while time.perf_counter() < stop_at[0]:
                with lock:
                    if budget[0] <= 0:
                        break
                    budget[0] -= 1
                start = time.perf_counter()
                try:
                    conn.request(method, path, body=body, headers=headers)
                    resp = conn.getresponse()
                    resp.read()
                    ok = resp.status == 200
                except (OSError, http.client.HTTPException):
                    ok = False
                    conn.close()
                    conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
                mine.append(time.perf_counter() - start)
                if not ok:
                    errors[i] += 1
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True)
               for i in range(concurrency)]
    for t in threads:
        t.start()
    # The server's CPU per request does not depend on what else runs on the machine (its wall
    # time does): the ceiling on requests/s of a quiet machine is about cores / this.
    server_pids = [server.pid, *children(server.pid)]
    server_cpu0 = cpu_seconds(server_pids)
    cpu0 = time.process_time()
    stop_at[0] = time.perf_counter() + duration
    start = time.perf_counter()
    barrier.wait()
    for t in threads:
        t.join(duration + 120)
    elapsed = time.perf_counter() - start
    client_cpu = time.process_time() - cpu0
    server_cpu = cpu_seconds(server_pids) - server_cpu0
    all_ms = np.concatenate([np.array(v) for v in latencies]) * 1e3
    n = len(all_ms)
    return {"requests": n, "errors": int(sum(errors)), "seconds": rnd(elapsed, 2),
            "requests_per_s": rnd(n / elapsed, 1),
            "p50_ms": rnd(float(np.percentile(all_ms, 50)), 2) if n else None,
            "p99_ms": rnd(float(np.percentile(all_ms, 99)), 2) if n else None,
            "client_cpu_share": rnd(client_cpu / elapsed, 2),
            "server_cpu_ms_per_request": rnd(server_cpu * 1e3 / n, 3) if n else None,
            "client_cpu_ms_per_request": rnd(client_cpu * 1e3 / n, 3) if n else None}


def bench_http(artifacts: Path, concurrency: tuple[int, ...], duration: float
               ) -> dict[str, Any]:
    one_person = csv_block(1, 12, seed=7)
    score_headers = {"Content-Type": "text/csv"}
    with workdir("bench-http-") as tmp, gunicorn(tmp, artifacts, "http") as server:
        status, body = server.request("POST", "/api/v1/score", one_person, score_headers)
        if status != 200:
            raise RuntimeError(f"scoring one person failed: {status} {body[:300]!r}")
        for c in concurrency:  # warm-up: every worker thread, both endpoints
            load(server, "GET", "/healthz", None, {}, c, 0.3)
            load(server, "POST", "/api/v1/score", one_person, score_headers, c, 0.3)
        rows = []
        for c in concurrency:
            health = load(server, "GET", "/healthz", None, {}, c, duration)
            score = load(server, "POST", "/api/v1/score", one_person, score_headers, c,
                         duration)
            rows.append({"concurrency": c, "score": score, "healthz": health,
                         "score_over_healthz_rps": rnd(score["requests_per_s"]
                                                       / health["requests_per_s"], 3),
                         "score_minus_healthz_p50_ms": rnd(score["p50_ms"] - health["p50_ms"],
                                                           2)})
        workers = len(children(server.pid))
    return {"workers": workers, "threads_per_worker": int(os.environ.get("GUNICORN_THREADS",
                                                                         "1")),
            "request_csv_bytes": len(one_person), "duration_s_per_point": duration,
            "points": rows}


# -- memory --------------------------------------------------------------------------------------

def _post_file(server: Server, path: Path, timeout: float) -> tuple[int, int, float]:
    """POST a file as a streamed text/csv body; (status, response bytes, seconds)."""
    size = path.stat().st_size
    conn = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
    start = time.perf_counter()
    try:
        with open(path, "rb") as fh:
            conn.request("POST", "/api/v1/score?source_name=memory.csv", body=fh,
                         headers={"Content-Type": "text/csv", "Content-Length": str(size)})
        resp = conn.getresponse()
        received = 0
        while chunk := resp.read(1 << 20):
            received += len(chunk)
        return resp.status, received, time.perf_counter() - start
    finally:
        conn.close()


def bench_memory(artifacts: Path, persons: int, months: int = 12,
                 root: Path = PROJECT_ROOT) -> dict[str, Any]:
    with workdir("bench-memory-") as tmp:
        csv_path = tmp / "upload.csv"
        if persons <= 100_000:  # one block: the same bytes section 1 scored (made once)
            csv_path.write_bytes(csv_block(persons, months, seed=persons))
            csv_bytes = csv_path.stat().st_size
        else:
            csv_bytes = write_csv(csv_path, persons, months, seed=persons)
        env = {"GUNICORN_WORKERS": "1",
               "GUNICORN_TIMEOUT": "3600",
               "SCORER__LIMITS__MAX_UPLOAD_MB": str(int(csv_bytes / 2**20) + 64),
               "SCORER__LIMITS__MAX_PERSONS": str(max(persons, 20_000))}
        with gunicorn(tmp, artifacts, "memory", env, root) as server:
            (worker,) = children(server.pid)
            small = csv_block(1_000, months, seed=3)
            for _ in range(3):  # warm-up: imports, first session runs, the store
                server.request("POST", "/api/v1/score", small, {"Content-Type": "text/csv"})
            time.sleep(0.5)
            idle = proc_status(worker)
            samples: list[tuple[float, int]] = []
            done = threading.Event()

            def sample() -> None:
                t0 = time.perf_counter()
                while not done.is_set():
                    samples.append((time.perf_counter() - t0,
                                    proc_status(worker).get("VmRSS", 0)))
                    done.wait(0.1)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            try:
                status, received, seconds = _post_file(server, csv_path, 3600)
            finally:
                done.set()
                sampler.join(5)
            after = proc_status(worker)
            master = proc_status(server.pid)
            if status != 200:
                raise RuntimeError(f"the {persons}-person upload failed with {status}:\n"
                                   + server.log_path.read_text(errors="replace")[-2000:])
        with sqlite3.connect(tmp / "memory.sqlite3") as db:  # every person stored, once
            stored = db.execute(
                "SELECT COUNT(*), COUNT(DISTINCT person_id) FROM results WHERE run_id IN "
                "(SELECT id FROM runs WHERE n_persons = ?)", (persons,)).fetchone()
    peak = max(after.get("VmHWM", 0), max((s for _, s in samples), default=0))
    growth = peak - idle.get("VmRSS", 0)
    return {"persons": persons, "months": months, "csv_mib": mib(csv_bytes),
            "idle_rss_mib": mib(idle.get("VmRSS")), "peak_rss_mib": mib(peak),
            "rss_after_mib": mib(after.get("VmRSS")), "master_rss_mib": mib(master.get("VmRSS")),
            "stored_results": stored[0], "stored_distinct_persons": stored[1],
            "all_stored_once": bool(stored[0] == persons == stored[1]),
            "peak_growth_mib": mib(growth),
            "peak_growth_in_csv_sizes": rnd(growth / csv_bytes, 2),
            "response_mib": mib(received),
            "peak_growth_in_csv_plus_response_sizes": rnd(growth / (csv_bytes + received), 2),
            "seconds": rnd(seconds, 1), "persons_per_s": round(persons / seconds),
            "rss_timeline_mib": [[rnd(t, 1), mib(v)] for t, v in samples[::max(1, len(samples)
                                                                              // 60)]]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=list(CONCURRENCY))
    parser.add_argument("--memory-persons", type=int, default=0,
                        help="also measure a worker's memory scoring this many persons")
    parser.add_argument("--artifacts", type=Path, default=ARTIFACTS)
    args = parser.parse_args()
    with workdir() as tmp:
        artifacts, source = usable_artifacts(tmp, args.artifacts)
        out = {"artifact": source,
               "http": bench_http(artifacts, tuple(args.concurrency), args.duration)}
        if args.memory_persons:
            out["memory"] = bench_memory(artifacts, args.memory_persons)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
