"""Loading and verifying the artifact: a refused artifact says exactly what mismatched."""

import hashlib
import json
from pathlib import Path

import onnx
import pytest

from inference.artifact import ArtifactError, load_artifact
from shared_features import FEATURE_NAMES, FeatureSpec


def _rewrite_spec(directory: Path, **changes) -> None:
    spec = FeatureSpec.load(directory / "feature_spec.json")
    for key, value in changes.items():
        setattr(spec, key, value)
    spec.save(directory / "feature_spec.json")  # recomputes preprocessing_sha256


def test_loads_the_test_artifact(artifact_dir):
    artifact = load_artifact(artifact_dir)
    assert artifact.spec.feature_names == list(FEATURE_NAMES)
    assert artifact.model_sha256 == hashlib.sha256(
        (artifact_dir / "model.onnx").read_bytes()).hexdigest()
    assert artifact.metadata["spec_version"] == artifact.spec.spec_version
    assert artifact.session.get_inputs()[0].name == "features"
    assert artifact.metrics == {"model": {"roc_auc": 0.8}}
    assert artifact.model_card.startswith("# Test model")


def test_missing_directory_is_refused(tmp_path):
    with pytest.raises(ArtifactError, match="does not exist"):
        load_artifact(tmp_path / "nowhere")


def test_missing_spec_is_refused(artifact_copy):
    (artifact_copy / "feature_spec.json").unlink()
    with pytest.raises(ArtifactError, match="feature spec not found"):
        load_artifact(artifact_copy)


def test_missing_model_is_refused(artifact_copy):
    (artifact_copy / "model.onnx").unlink()
    with pytest.raises(ArtifactError, match="model.onnx is missing"):
        load_artifact(artifact_copy)


def test_tampered_model_fails_the_sha256_check(artifact_copy):
    with open(artifact_copy / "model.onnx", "ab") as fh:
        fh.write(b"\0")
    with pytest.raises(ArtifactError, match="sha256 of model.onnx"):
        load_artifact(artifact_copy)


def test_spec_of_another_major_version_is_refused(artifact_copy):
    _rewrite_spec(artifact_copy, spec_version="99.0.0")
    with pytest.raises(ArtifactError, match="major versions differ"):
        load_artifact(artifact_copy)


def test_spec_without_model_sha256_is_refused(artifact_copy):
    spec = FeatureSpec.load(artifact_copy / "feature_spec.json")
    _rewrite_spec(artifact_copy, provenance={k: v for k, v in spec.provenance.items()
                                             if k != "model_sha256"})
    with pytest.raises(ArtifactError, match="no provenance.model_sha256"):
        load_artifact(artifact_copy)


def test_edited_spec_fails_its_own_hash(artifact_copy):
    path = artifact_copy / "feature_spec.json"
    d = json.loads(path.read_text())
    d["features"][0]["mean"] += 1.0
    path.write_text(json.dumps(d))
    with pytest.raises(ArtifactError, match="preprocessing_sha256 does not match"):
        load_artifact(artifact_copy)


def test_model_metadata_must_agree_with_the_spec(artifact_copy):
    model = onnx.load(artifact_copy / "model.onnx")
    for prop in model.metadata_props:
        if prop.key == "preprocessing_sha256":
            prop.value = "0" * 64
    blob = model.SerializeToString()
    (artifact_copy / "model.onnx").write_bytes(blob)
    spec = FeatureSpec.load(artifact_copy / "feature_spec.json")
    _rewrite_spec(artifact_copy, provenance={**spec.provenance,
                                             "model_sha256": hashlib.sha256(blob).hexdigest()})
    with pytest.raises(ArtifactError, match="metadata preprocessing_sha256"):
        load_artifact(artifact_copy)
