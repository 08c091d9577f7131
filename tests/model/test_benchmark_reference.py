"""The model benchmark's reference (benchmarks/bench_model.py: model.onnx run op by op in torch
eager) still computes what onnxruntime computes on the committed graph: a new op in an export
must not break section 2 of the benchmarks unnoticed."""

import numpy as np
import pytest

from inference.artifact import load_artifact
from inference.scorer import Scorer

torch = pytest.importorskip("torch")


def test_the_op_by_op_reference_matches_onnxruntime(artifact_dir):
    from benchmarks.bench_model import _torch_model

    scorer = Scorer(load_artifact(artifact_dir))
    model, _ = _torch_model(artifact_dir / "model.onnx")
    x = np.random.default_rng(0).normal(size=(64, scorer.reference.shape[0])).astype(np.float32)
    with torch.no_grad():
        probability, logit = (t.numpy() for t in model(torch.from_numpy(x)))
    expected_p, expected_z = scorer.run(x)
    np.testing.assert_allclose(probability, expected_p, atol=1e-5)
    np.testing.assert_allclose(logit, expected_z, atol=1e-4)
