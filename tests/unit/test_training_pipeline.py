"""A tiny end-to-end run: every artifact file, the ONNX contract, parity, determinism, CLI."""

import hashlib
import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch

from shared_features import FEATURE_NAMES, FEATURE_SPEC_VERSION, FeatureSpec, ingest, model_input
from training import config as config_mod
from training.__main__ import main
from training.export import ParityError, check_parity
from training.model import MLP, CalibratedScorer
from training.pipeline import Progress, run

TINY = {"data": {"n_people": 3000}, "oracle": {"n_futures": 10, "chunk_persons": 100},
        "train": {"max_epochs": 3, "batch_size": 512}, "baseline": {"max_epochs": 3},
        "export": {"reference_persons": 8}, "lightgbm": {"max_rounds": 30}}


def tiny_config(seed: int = 7) -> dict:
    config = config_mod.load(seed=seed)
    for section, values in TINY.items():
        config[section].update(values)
    return config


def quiet() -> Progress:
    return Progress(stream=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture(scope="module")
def artifact(tmp_path_factory):
    out = tmp_path_factory.mktemp("artifact")
    report = run(tiny_config(), out, log=quiet())
    return out, report


def _predict(path, x):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(["probability", "logit"], {"features": x})


def test_every_artifact_file_is_written(artifact):
    out, _ = artifact
    for name in ("model.onnx", "feature_spec.json", "metrics.json", "model_card.md",
                 "plots/roc.png", "plots/pr.png", "plots/calibration.png",
                 "reference_sample.csv", "reference_predictions.json"):
        assert (out / name).is_file(), name
        assert (out / name).stat().st_size > 0, name
    assert not [p for p in out.iterdir() if p.suffix == ".data"]  # no external weights
    assert (out / "plots/roc.png").read_bytes()[:4] == b"\x89PNG"


def test_metrics_have_model_baseline_and_oracle_side_by_side(artifact):
    out, report = artifact
    metrics = json.loads((out / "metrics.json").read_text())
    for who in ("model", "lightgbm", "lightgbm_monotone", "baseline", "oracle"):
        m = metrics["test"][who]
        for key in ("accuracy", "precision", "recall", "f1", "roc_auc", "pr_auc", "brier",
                    "log_loss", "ece", "base_rate"):
            assert np.isfinite(m[key]), (who, key)
        assert m["n"] == metrics["splits"]["test"]
    assert metrics["diagnostic_hidden"]["roc_auc"] > 0.5
    assert set(metrics["targets"]) == {"roc_auc_minus_lightgbm", "log_loss_minus_lightgbm",
                                       "roc_auc_minus_lightgbm_monotone",
                                       "log_loss_minus_lightgbm_monotone",
                                       "roc_auc_minus_oracle", "log_loss_over_oracle", "ece",
                                       "log_loss_minus_baseline", "base_rate"}
    rules = ["missed_payment", "low_liquidity", "debt_service", "utilization"]
    assert list(metrics["components"]) == rules
    for m in metrics["components"].values():
        assert 0.5 < m["roc_auc"] <= 1.0 and 0.0 <= m["ece"] < 0.2
    for subset in metrics["subsets"].values():
        assert set(subset) == {"model", "lightgbm", "lightgbm_monotone", "baseline", "oracle"}
    assert metrics["parity"]["max_abs_diff"] < 1e-5
    assert "| model (calibrated) |" in (out / "model_card.md").read_text()


def test_onnx_contract_metadata_and_dynamic_batch(artifact):
    out, _ = artifact
    spec = FeatureSpec.load(out / "feature_spec.json")
    spec.check_compatible()
    model = onnx.load(str(out / "model.onnx"))
    onnx.checker.check_model(model)
    meta = {p.key: p.value for p in model.metadata_props}
    assert meta == {"spec_version": FEATURE_SPEC_VERSION,
                    "preprocessing_sha256": spec.preprocessing_hash(),
                    "feature_names": ",".join(FEATURE_NAMES),
                    "components": "missed_payment,low_liquidity,debt_service,utilization"}
    assert [o.name for o in model.graph.output] == ["probability", "logit",
                                                    *spec.component_outputs]
    assert spec.component_outputs[0] == "component_missed_payment"
    assert spec.provenance["model_sha256"] == hashlib.sha256(
        (out / "model.onnx").read_bytes()).hexdigest()
    assert spec.calibration["applied_in_model"] is True and spec.calibration["temperature"] > 0
    for key in ("generator_config_sha256", "training_config_sha256", "seed", "trained_at",
                "test_metrics"):
        assert key in spec.provenance
    for batch in (1, 7):
        x = np.zeros((batch, len(FEATURE_NAMES)), dtype=np.float32)
        prob, logit = _predict(out / "model.onnx", x)
        assert prob.shape == (batch,) and logit.shape == (batch,)
        np.testing.assert_allclose(prob, 1 / (1 + np.exp(-logit)), atol=1e-6)
        session = ort.InferenceSession(str(out / "model.onnx"),
                                       providers=["CPUExecutionProvider"])
        for p in session.run(spec.component_outputs, {"features": x}):
            assert p.shape == (batch,) and ((p > 0) & (p < 1)).all()


def test_reference_predictions_reproduce_through_the_serving_path(artifact):
    out, _ = artifact
    spec = FeatureSpec.load(out / "feature_spec.json")
    result = ingest(out / "reference_sample.csv")
    x, _ = model_input(result.panel, spec)
    prob, _ = _predict(out / "model.onnx", x)
    stored = json.loads((out / "reference_predictions.json").read_text())
    assert list(stored) == [str(p) for p in result.panel.person_ids]
    np.testing.assert_allclose(prob, list(stored.values()), atol=1e-6)
    assert (result.panel.observed.sum(axis=1) < 12).any()  # short histories are in the sample


def test_parity_check_fails_loudly_on_a_different_model(artifact):
    out, _ = artifact
    other = CalibratedScorer(MLP(len(FEATURE_NAMES), [8], 0.0, "relu", n_heads=5),
                             [1.0] * 5).eval()
    x = np.random.default_rng(0).normal(size=(64, len(FEATURE_NAMES))).astype(np.float32)
    with pytest.raises(ParityError, match="differ"):
        check_parity(out / "model.onnx", other, x, 1e-5)


def test_same_seed_same_metrics_and_onnx_predictions(artifact, tmp_path):
    out, report = artifact
    again = run(tiny_config(), tmp_path, log=quiet())
    assert again["test"] == report["test"]
    assert again["diagnostic_hidden"] == report["diagnostic_hidden"]
    x = np.random.default_rng(1).normal(size=(256, len(FEATURE_NAMES))).astype(np.float32)
    np.testing.assert_array_equal(_predict(out / "model.onnx", x)[0],
                                  _predict(tmp_path / "model.onnx", x)[0])
    assert (json.loads((out / "reference_predictions.json").read_text())
            == json.loads((tmp_path / "reference_predictions.json").read_text()))


def test_cli_overrides_people_and_seed(tmp_path, monkeypatch):
    for section, values in TINY.items():
        for key, value in values.items():
            monkeypatch.setenv(f"TRAIN__{section.upper()}__{key.upper()}", str(value))
    monkeypatch.setenv("TRAIN__DIAGNOSTIC__HIDDEN_PARAMS", "false")
    assert main(["--out", str(tmp_path), "--people", "1500", "--seed", "3"]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["n_people"] == 1500 and metrics["seed"] == 3
    assert metrics["diagnostic_hidden"] is None
    torch.set_num_threads(torch.get_num_threads())  # the run set threads; harmless


def test_config_env_and_argument_overrides():
    config = config_mod.load(people=1234, seed=9,
                             environ={"TRAIN__TRAIN__LR": "0.5", "TRAIN__DATA__N_PEOPLE": "99"})
    assert config["data"]["n_people"] == 1234  # the argument wins over the environment
    assert config["run"]["seed"] == 9 and config["train"]["lr"] == 0.5
    with pytest.raises(ValueError, match="n_people"):
        config_mod.load(environ={"TRAIN__DATA__N_PEOPLE": "10"})
    gen = config_mod.generator_config(config)
    assert "model" not in gen and gen["seed"] == 9
    assert config_mod.sha256_of({"a": 1, "b": 2}) == config_mod.sha256_of({"b": 2, "a": 1})
