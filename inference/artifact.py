"""Load and verify a model artifact directory (see docs/ARTIFACT.md).

Serving refuses an artifact that does not fit this code, with a message naming what mismatched:
the spec's major version or features (``FeatureSpec.check_compatible``), the sha256 of
``model.onnx`` against ``provenance.model_sha256``, or the model's ``metadata_props`` against the
spec. Nothing here runs at import; the caller decides when (once per process) to load.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import onnxruntime as ort

from shared_features import FeatureSpec, SpecMismatchError
from shared_features.spec import file_sha256

from .spec_schema import spec_problems

MODEL_FILE = "model.onnx"
SPEC_FILE = "feature_spec.json"
METRICS_FILE = "metrics.json"
MODEL_CARD_FILE = "model_card.md"
INPUT_NAME = "features"
PROBABILITY_OUTPUT = "probability"


class ArtifactError(RuntimeError):
    """The artifact directory cannot be served; the message says why and what to do."""


@dataclass
class Artifact:
    """A verified artifact: its spec, its one onnxruntime session and its documentation."""

    directory: Path
    spec: FeatureSpec
    session: ort.InferenceSession
    model_sha256: str
    metadata: dict[str, str]
    metrics: dict[str, Any] | None = None
    model_card: str | None = None


def load_artifact(directory: str | Path, intra_op_threads: int = 1,
                  inter_op_threads: int = 1) -> Artifact:
    """Load ``directory`` (model.onnx + feature_spec.json) and verify it; raise ArtifactError.

    Creates the onnxruntime session, so call it once per process (gunicorn workers each call it
    after forking; onnxruntime sessions must not be shared across a fork).
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise ArtifactError(f"artifact directory {directory} does not exist; train a model or "
                            "point SCORER__ARTIFACTS__DIR at one")
    spec_path, model_path = directory / SPEC_FILE, directory / MODEL_FILE
    try:
        spec = FeatureSpec.from_dict(_validated_spec(spec_path))
        spec.check_compatible()
    except SpecMismatchError as exc:
        raise ArtifactError(f"artifact {directory} refused: {exc}") from exc
    if not model_path.is_file():
        raise ArtifactError(f"artifact {directory} refused: {MODEL_FILE} is missing")

    expected = str(spec.provenance.get("model_sha256") or "")
    actual = file_sha256(model_path)
    if not expected:
        raise ArtifactError(f"artifact {directory} refused: {SPEC_FILE} has no "
                            "provenance.model_sha256 to verify the model against")
    if actual != expected:
        raise ArtifactError(
            f"artifact {directory} refused: sha256 of {MODEL_FILE} is {actual[:12]}..., but "
            f"{SPEC_FILE} expects {expected[:12]}...; the model and its spec are from different "
            "runs or the file was modified")

    session = _session(model_path, intra_op_threads, inter_op_threads, directory)
    metadata = dict(session.get_modelmeta().custom_metadata_map)
    _check_metadata(metadata, spec, directory)
    _check_signature(session, len(spec.features), spec.component_outputs, directory)
    return Artifact(directory, spec, session, actual, metadata,
                    metrics=_read_json(directory / METRICS_FILE),
                    model_card=_read_text(directory / MODEL_CARD_FILE))


def _validated_spec(path: Path) -> dict[str, Any]:
    """feature_spec.json parsed and checked against its schema (types and ranges)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SpecMismatchError(f"feature spec not found at {path}") from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SpecMismatchError(f"feature spec {path} cannot be read as JSON: {exc}") from exc
    problems = spec_problems(document)
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise SpecMismatchError(f"{SPEC_FILE} is not a valid feature spec: "
                                f"{'; '.join(problems[:3])}{more}")
    return document


def _session(model_path: Path, intra: int, inter: int, directory: Path) -> ort.InferenceSession:
    options = ort.SessionOptions()
    # Few threads per session: gunicorn runs several workers x threads on few cores, and
    # oversubscribing them with onnxruntime's own pool makes every request slower.
    options.intra_op_num_threads = max(1, int(intra))
    options.inter_op_num_threads = max(1, int(inter))
    options.log_severity_level = 3
    try:
        return ort.InferenceSession(str(model_path), sess_options=options,
                                    providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own exception types
        raise ArtifactError(f"artifact {directory} refused: {MODEL_FILE} cannot be loaded by "
                            f"onnxruntime: {exc}") from exc


def _check_metadata(metadata: dict[str, str], spec: FeatureSpec, directory: Path) -> None:
    wanted = {"spec_version": spec.spec_version,
              "preprocessing_sha256": spec.preprocessing_hash(),
              "feature_names": ",".join(spec.feature_names)}
    if spec.components:
        wanted["components"] = ",".join(spec.components)
    for key, value in wanted.items():
        if key not in metadata:
            raise ArtifactError(f"artifact {directory} refused: {MODEL_FILE} metadata_props "
                                f"lack {key!r}")
        if metadata[key] != value:
            shown = metadata[key] if len(metadata[key]) < 40 else metadata[key][:12] + "..."
            raise ArtifactError(f"artifact {directory} refused: {MODEL_FILE} metadata {key} is "
                                f"{shown!r} but {SPEC_FILE} says {value[:40]!r}; the model was "
                                "exported with another feature spec")


def _check_signature(session: ort.InferenceSession, n_features: int, components: list[str],
                     directory: Path) -> None:
    inputs = {i.name: i for i in session.get_inputs()}
    outputs = {o.name for o in session.get_outputs()}
    if INPUT_NAME not in inputs:
        raise ArtifactError(f"artifact {directory} refused: {MODEL_FILE} has no input "
                            f"{INPUT_NAME!r} (has {sorted(inputs)})")
    width = inputs[INPUT_NAME].shape[-1]
    if isinstance(width, int) and width != n_features:
        raise ArtifactError(f"artifact {directory} refused: {MODEL_FILE} takes {width} features, "
                            f"the spec lists {n_features}")
    if PROBABILITY_OUTPUT not in outputs:
        raise ArtifactError(f"artifact {directory} refused: {MODEL_FILE} has no output "
                            f"{PROBABILITY_OUTPUT!r} (has {sorted(outputs)})")
    absent = [name for name in components if name not in outputs]
    if absent:
        raise ArtifactError(f"artifact {directory} refused: {MODEL_FILE} lacks the component "
                            f"outputs {absent} that {SPEC_FILE} lists")


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None  # optional documentation; its absence must not stop scoring


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text()
    except FileNotFoundError:
        return None
