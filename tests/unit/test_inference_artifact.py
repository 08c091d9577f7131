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
    with pytest.raises(ArtifactError, match="provenance.model_sha256"):
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


# -- every field that changes a score or band is hashed; the spec is validated (issue #13) ------

def _edit_spec_json(directory: Path, edit) -> None:
    """Edit feature_spec.json as a person with a text editor would: hashes left as they were."""
    path = directory / "feature_spec.json"
    document = json.loads(path.read_text())
    edit(document)
    path.write_text(json.dumps(document))


@pytest.mark.parametrize("edit", [
    lambda d: d["risk_bands"].update(moderate=0.05),
    lambda d: d["risk_bands"].update(high=0.9),
    lambda d: d.update(horizon_months=3),
    lambda d: d["calibration"].update(temperature=2.0),
], ids=["moderate", "high", "horizon", "calibration"])
def test_an_edited_band_horizon_or_calibration_is_refused(artifact_copy, edit):
    _edit_spec_json(artifact_copy, edit)
    with pytest.raises(ArtifactError, match="scoring_sha256 does not match"):
        load_artifact(artifact_copy)


@pytest.mark.parametrize(("edit", "field"), [
    (lambda d: d["risk_bands"].update(moderate="0.15"), "risk_bands.moderate"),
    (lambda d: d["risk_bands"].update(moderate=0.5, high=0.4), "risk_bands.moderate"),
    (lambda d: d["risk_bands"].update(high=1.5), "risk_bands.high"),
    (lambda d: d.update(horizon_months="6"), "horizon_months"),
    (lambda d: d.update(history_months=0), "history_months"),
    (lambda d: d["features"][0].update(std=0.0), "features.0.std"),
    (lambda d: d["features"][1].update(mean="NaN"), "features.1.mean"),
    (lambda d: d["features"][2].update(clip=[1.0]), "features.2.clip"),
    (lambda d: d["features"][3].update(transform="sqrt"), "features.3.transform"),
    (lambda d: d.pop("scoring_sha256"), "scoring_sha256"),
    (lambda d: d.update(calibration=[]), "calibration"),
], ids=["band-as-text", "bands-reversed", "band-above-1", "horizon-as-text", "no-history",
        "zero-std", "mean-as-text", "short-clip", "unknown-transform", "no-scoring-hash",
        "calibration-not-object"])
def test_a_spec_of_the_wrong_type_or_range_is_refused_naming_the_field(artifact_copy, edit,
                                                                       field):
    _edit_spec_json(artifact_copy, edit)
    with pytest.raises(ArtifactError, match="not a valid feature spec") as refused:
        load_artifact(artifact_copy)
    assert field in str(refused.value)


def test_a_refused_spec_is_a_503_at_readyz_never_a_500_at_scoring(make_app, artifact_copy,
                                                                  sample_csv):
    _edit_spec_json(artifact_copy, lambda d: d["risk_bands"].update(moderate="0.15"))
    client = make_app(artifacts={"dir": str(artifact_copy)}).test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503 and "risk_bands.moderate" in ready.json["error"]["message"]
    scored = client.post("/api/v1/score", data=sample_csv, content_type="text/csv")
    assert scored.status_code == 503


def test_the_committed_spec_carries_a_matching_scoring_hash():
    path = Path(__file__).resolve().parents[2] / "artifacts" / "feature_spec.json"
    document = json.loads(path.read_text())
    assert document["scoring_sha256"] == FeatureSpec.from_dict(document).scoring_hash()
