"""One verified onnxruntime session per Dask worker, created when the worker joins.

The plugin carries the artifact's files (model and spec are small), so workers on other
machines need no shared filesystem: each writes them to its local directory and loads them
with ``inference.artifact.load_artifact``, which refuses a mismatched artifact with the
service's own message. Tasks reach the scorer through ``worker_scorer()``.
"""

from __future__ import annotations

from pathlib import Path

from distributed import WorkerPlugin, get_worker

from ..artifact import MODEL_FILE, SPEC_FILE, load_artifact
from ..scorer import Scorer

PLUGIN_NAME = "stress-scorer-model"


class ScorerPlugin(WorkerPlugin):
    """Ships ``model.onnx`` + ``feature_spec.json`` to each worker and loads them once there."""

    name = PLUGIN_NAME

    def __init__(self, artifact_dir: str | Path) -> None:
        directory = Path(artifact_dir)
        self.files = {name: (directory / name).read_bytes() for name in (MODEL_FILE, SPEC_FILE)}
        self.scorer: Scorer | None = None

    def setup(self, worker) -> None:  # noqa: ANN001 - distributed.Worker
        directory = Path(worker.local_directory) / "stress-scorer-artifact"
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in self.files.items():
            (directory / name).write_bytes(data)
        # One thread per session: a worker runs one task per thread, and each scores its own
        # partition; more threads inside onnxruntime would only fight them for the cores.
        self.scorer = Scorer(load_artifact(directory, intra_op_threads=1))


def worker_scorer() -> Scorer:
    """The scorer of the worker running this task (set up by ``ScorerPlugin``)."""
    plugin = get_worker().plugins.get(PLUGIN_NAME)
    if plugin is None or plugin.scorer is None:
        raise RuntimeError("this Dask worker has no stress-scorer model; register ScorerPlugin "
                           "(stress-scorer batch does) before scoring")
    return plugin.scorer
