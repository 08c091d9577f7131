"""Batch scoring: calibrated probability from the session, score and band from shared_features."""

import numpy as np
import pytest

from inference.scorer import Scorer
from shared_features import model_input, risk_score


def test_probability_matches_the_logistic_model(scorer, sim):
    x, _ = model_input(sim.panel(50, seed=1), scorer.spec)
    p = scorer.probability(x)
    assert p.shape == (50,) and p.dtype == np.float64
    assert np.all((p > 0) & (p < 1))
    # The test model is sigmoid(x @ W + B): check against numpy with the graph's weights.
    import onnx
    from onnx import numpy_helper

    model = onnx.load(scorer.artifact.directory / "model.onnx")
    w = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    expected = 1 / (1 + np.exp(-(x.astype(np.float64) @ w["W"] + w["B"])))
    np.testing.assert_allclose(p, expected, atol=1e-5)


def test_score_and_band_come_from_shared_features_and_the_spec(scorer, sim):
    x, _ = model_input(sim.panel(200, seed=2), scorer.spec)
    scores = scorer.score(x)
    np.testing.assert_array_equal(scores.risk_score, risk_score(scores.probability))
    np.testing.assert_array_equal(scores.risk_band,
                                  scorer.spec.risk_bands.band(scores.probability))
    assert set(scores.risk_band) <= {"Low", "Moderate", "High"}


def test_chunked_batches_give_the_same_probabilities(scorer, sim):
    x, _ = model_input(sim.panel(100, seed=3), scorer.spec)
    chunked = Scorer(scorer.artifact, chunk_rows=7)
    np.testing.assert_allclose(chunked.probability(x), scorer.probability(x), atol=1e-7)


def test_empty_batch_and_wrong_width(scorer):
    assert scorer.probability(np.zeros((0, scorer.n_features), np.float32)).shape == (0,)
    with pytest.raises(ValueError, match="model input must be"):
        scorer.probability(np.zeros((3, scorer.n_features + 1), np.float32))


def test_reference_is_the_specs(scorer):
    np.testing.assert_array_equal(scorer.reference, scorer.spec.reference)


def test_component_outputs_are_discovered_and_flattened(component_artifact_dir,
                                                        component_names, sim):
    from inference.artifact import load_artifact

    scorer = Scorer(load_artifact(component_artifact_dir), chunk_rows=33)
    assert scorer.component_names == component_names
    x, _ = model_input(sim.panel(80, seed=4), scorer.spec)
    prediction = scorer.predict(x)
    assert list(prediction.components) == list(component_names)
    for k, rule in enumerate(component_names):  # (batch,) and (batch, 1) heads alike
        values = prediction.components[rule]
        assert values.shape == (80,) and values.dtype == np.float64
        expected = 1 / (1 + np.exp(-prediction.logit * (k + 1) / (k + 2)))
        np.testing.assert_allclose(values, expected, atol=1e-5)
    np.testing.assert_allclose(prediction.probability, scorer.probability(x))


def test_a_model_without_heads_has_no_components(scorer, sim):
    x, _ = model_input(sim.panel(5, seed=5), scorer.spec)
    assert scorer.component_names == ()
    assert scorer.predict(x).components == {}
