"""The committed artifact still matches the feature code and reproduces its reference scores."""

import hashlib
import json

import numpy as np
import onnx

from shared_features import FEATURE_NAMES, FEATURE_SPEC_VERSION, FeatureSpec, ingest, model_input

FILES = ("model.onnx", "feature_spec.json", "metrics.json", "model_card.md", "plots/roc.png",
         "plots/pr.png", "plots/calibration.png", "reference_sample.csv",
         "reference_predictions.json")


def test_artifact_is_complete_and_small(artifact_dir):
    for name in FILES:
        assert (artifact_dir / name).is_file(), name
    total = sum(p.stat().st_size for p in artifact_dir.rglob("*") if p.is_file())
    assert total < 2_000_000, f"artifact is {total / 1e6:.2f} MB"


def test_spec_matches_the_current_shared_features(artifact_dir):
    spec = FeatureSpec.load(artifact_dir / "feature_spec.json")  # verifies its own hash
    spec.check_compatible()
    assert spec.feature_names == list(FEATURE_NAMES)
    assert spec.spec_version.split(".")[0] == FEATURE_SPEC_VERSION.split(".")[0]
    assert spec.calibration["method"] == "temperature" and spec.calibration["applied_in_model"]


def test_model_metadata_and_hash_match_the_spec(artifact_dir):
    spec = FeatureSpec.load(artifact_dir / "feature_spec.json")
    raw = (artifact_dir / "model.onnx").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == spec.provenance["model_sha256"]
    model = onnx.load_from_string(raw)
    meta = {p.key: p.value for p in model.metadata_props}
    assert meta["spec_version"] == spec.spec_version
    assert meta["preprocessing_sha256"] == spec.preprocessing_hash()
    assert meta["feature_names"].split(",") == spec.feature_names
    inputs = [(i.name, [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim])
              for i in model.graph.input]
    assert len(inputs) == 1 and inputs[0][0] == "features"
    assert isinstance(inputs[0][1][0], str) and inputs[0][1][1] == len(FEATURE_NAMES)
    assert [o.name for o in model.graph.output] == ["probability", "logit",
                                                    *spec.component_outputs]
    assert meta["components"].split(",") == spec.components


def test_components_are_probabilities_for_every_enabled_rule(artifact_dir, scorer, base_persons):
    spec = scorer.spec
    assert spec.components == ["missed_payment", "low_liquidity", "debt_service", "utilization"]
    x, _ = model_input(base_persons, spec)
    outputs = scorer.session.run(["probability", *spec.component_outputs], {"features": x})
    overall, components = outputs[0], np.stack(outputs[1:])
    assert components.shape == (len(spec.components), base_persons.n_persons)
    assert ((components >= 0) & (components <= 1)).all()
    # a kind of stress is part of "any stress": its probability should not exceed the whole
    # by more than calibration noise
    assert (components.max(axis=0) <= overall + 0.1).mean() > 0.97


def test_onnxruntime_reproduces_the_reference_predictions(artifact_dir, scorer):
    result = ingest(artifact_dir / "reference_sample.csv")  # the serving path
    x, _ = model_input(result.panel, scorer.spec)
    prob = scorer.session.run(["probability"], {"features": x})[0]
    stored = json.loads((artifact_dir / "reference_predictions.json").read_text())
    assert sorted(stored) == sorted(str(p) for p in result.panel.person_ids)
    expected = np.array([stored[str(p)] for p in result.panel.person_ids])
    np.testing.assert_allclose(prob, expected, atol=1e-5)


def test_metrics_show_model_lightgbm_baseline_and_oracle(artifact_dir):
    metrics = json.loads((artifact_dir / "metrics.json").read_text())
    for who in ("model", "lightgbm", "baseline", "oracle"):
        assert 0.5 < metrics["test"][who]["roc_auc"] <= 1.0
    assert metrics["test"]["model"]["log_loss"] < metrics["test"]["baseline"]["log_loss"]
    assert metrics["test"]["model"]["ece"] <= 0.01
    for rule, m in metrics["components"].items():
        assert 0.5 < m["roc_auc"] <= 1.0 and m["ece"] <= 0.02, rule
    assert 0.10 <= metrics["test"]["model"]["base_rate"] <= 0.35
    assert metrics["parity"]["max_abs_diff"] < 1e-5
