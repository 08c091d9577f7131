"""ONNX export (temperature folded in), metadata, torch-vs-onnxruntime parity, reference sample.
"""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch

from shared_features import FIELD_NAMES, FeatureSpec, MonthlyPanel, ingest, model_input

from .model import CalibratedScorer

INPUT_NAME = "features"
OUTPUT_NAMES = ("probability", "logit")  # then spec.component_outputs


class ParityError(AssertionError):
    """onnxruntime and torch disagree on the exported model beyond the tolerance."""


def export_onnx(scorer: CalibratedScorer, spec: FeatureSpec, path: Path) -> None:
    """Write model.onnx: input ``features`` [batch, n] float32; outputs probability, logit and
    ``component_<rule>`` for each of the spec's components, all (batch,)."""
    scorer.eval()
    outputs = [*OUTPUT_NAMES, *spec.component_outputs]
    example = torch.zeros(4, len(spec.feature_names))
    # The exporter logs that optional torchvision ops are unavailable; irrelevant here.
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = torch.onnx.export(
            scorer, (example,), dynamo=True, input_names=[INPUT_NAME],
            output_names=outputs,
            dynamic_shapes={"features": {0: torch.export.Dim("batch")}},
            optimize=True, verbose=False)
    proto = program.model_proto
    del proto.metadata_props[:]
    for key, value in (("spec_version", spec.spec_version),
                       ("preprocessing_sha256", spec.preprocessing_hash()),
                       ("feature_names", ",".join(spec.feature_names)),
                      ("components", ",".join(spec.components))):
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(proto)
    onnx.save_model(proto, str(path), save_as_external_data=False)


def session(path: Path) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1  # reproducible, and plenty for a tiny MLP
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def onnx_outputs(path: Path, x: np.ndarray) -> list[np.ndarray]:
    """Every output of model.onnx, in graph order."""
    return session(path).run(None, {INPUT_NAME: x.astype(np.float32)})


def onnx_probabilities(path: Path, x: np.ndarray) -> np.ndarray:
    return session(path).run(["probability"], {INPUT_NAME: x.astype(np.float32)})[0]


def check_parity(path: Path, scorer: CalibratedScorer, x: np.ndarray, tolerance: float
                 ) -> float:
    """Max |onnx - torch| over every output and x; raises ParityError above ``tolerance``."""
    with torch.no_grad():
        torch_out = np.stack([t.numpy() for t in
                              scorer(torch.as_tensor(x, dtype=torch.float32))])
    onnx_out = np.stack(onnx_outputs(path, x))
    if onnx_out.shape != torch_out.shape:
        raise ParityError(f"onnx outputs {onnx_out.shape} != torch {torch_out.shape}")
    # Logits are compared on the probability scale's tolerance relative to their size.
    scale = np.maximum(1.0, np.abs(torch_out))
    diff = float(np.max(np.abs(onnx_out.astype(np.float64) - torch_out) / scale))
    if not diff < tolerance:
        raise ParityError(f"onnxruntime and torch differ by {diff:.3g} (> {tolerance:g}) on "
                          f"{len(x)} test persons; the export is broken")
    return diff


def write_reference_sample(panel: MonthlyPanel, last_month: str, path: Path) -> None:
    """The persons of ``panel`` as an upload CSV: observed months only, blanks where missing."""
    n, months, _ = panel.values.shape
    end = np.datetime64(last_month, "M")
    labels = [str(end - (months - 1 - t)) for t in range(months)]
    lines = ["person_id,month," + ",".join(FIELD_NAMES)]
    for i in range(n):  # ~20 persons: a plain loop is the readable choice
        for t in np.flatnonzero(panel.observed[i]):
            cells = []
            for f, name in enumerate(FIELD_NAMES):
                v = panel.values[i, t, f]
                cells.append("" if np.isnan(v) else
                             str(int(round(v))) if name == "missed_payments" else f"{v:.2f}")
            lines.append(f"{panel.person_ids[i]},{labels[t]}," + ",".join(cells))
    Path(path).write_text("\n".join(lines) + "\n")


def reference_predictions(sample_csv: Path, spec: FeatureSpec, model_path: Path
                          ) -> dict[str, float]:
    """Score the sample exactly as serving does: ingest -> model_input -> onnxruntime."""
    result = ingest(Path(sample_csv))
    x, _ = model_input(result.panel, spec)
    prob = onnx_probabilities(model_path, x)
    return {str(pid): float(p) for pid, p in zip(result.panel.person_ids, prob, strict=True)}


def write_json(obj: object, path: Path) -> None:
    Path(path).write_text(json.dumps(obj, indent=2, sort_keys=False) + "\n")
