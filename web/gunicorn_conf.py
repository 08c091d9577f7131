"""gunicorn settings, from the environment:

    GUNICORN_BIND              127.0.0.1:8000 (use 0.0.0.0:8000 in a container)
    GUNICORN_WORKERS           2    processes; each loads its own model session
    GUNICORN_THREADS           1    threads per worker: 1 runs gunicorn's sync worker (one
                                    request at a time per process); more runs its gthread worker
    GUNICORN_TIMEOUT           120  seconds a request may take (a 10,000-person file takes a few)
    GUNICORN_GRACEFUL_TIMEOUT  30   seconds to finish requests on shutdown/reload
    GUNICORN_KEEPALIVE         5    (gthread only: a sync worker closes each connection)
    GUNICORN_LOGLEVEL          info
    GUNICORN_MAX_REQUESTS      0    restart a worker after this many requests (0 = never)
    PROMETHEUS_MULTIPROC_DIR   a new temporary directory: the workers' metric files (emptied
                               at start)

Run: gunicorn --config web/gunicorn_conf.py web.wsgi:app
"""

import os
import shutil
import tempfile

# onnxruntime's telemetry uploader crashed workers at shutdown (seen with 1.31), holding the
# master until it was killed; a local service has no reason to send telemetry anyway.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("GUNICORN_WORKERS", 2)
# Scoring is CPU work under one interpreter lock per process, so on few cores threads add no
# throughput: they add a hand-off per request (~1 ms of CPU) and make requests queue behind one
# another's lock (one person at concurrency 8 on 2 cores, benchmarks/notes.md: gthread 2 x 4
# p99 60-90 ms, sync 2 x 1 p99 22-28 ms). The sync worker wants a buffering proxy in front for
# slow clients, which the compose stack has (nginx, deploy/nginx/). gunicorn itself switches to
# the gthread worker when threads > 1.
threads = _int("GUNICORN_THREADS", 1)
worker_class = "sync"
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
accesslog = "-"  # stdout
errorlog = "-"  # stderr
# Each worker builds the app (and its onnxruntime session) after the fork: a session created in
# the master and inherited by forked workers is not safe, and the model is small.
preload_app = False


_OWN_METRICS_DIR: list[str] = []  # the temporary directory made below, removed at exit


def on_starting(server) -> None:
    """Prometheus multiprocess mode: one directory for all workers' metric files, without the
    files of a previous run (their values must not be added in). Set before the workers import
    prometheus_client, so they inherit it."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            if name.endswith(".db"):  # only prometheus-client's own files
                os.unlink(os.path.join(directory, name))
    else:
        directory = tempfile.mkdtemp(prefix="scorer-metrics-")
        _OWN_METRICS_DIR.append(directory)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory


def child_exit(server, worker) -> None:
    """A dead worker's live gauges (readiness, model info) must not be reported any more."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    for directory in _OWN_METRICS_DIR:
        shutil.rmtree(directory, ignore_errors=True)
