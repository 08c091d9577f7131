"""Fixtures for tests on the committed default artifact (artifacts/), scored like serving does:
shared_features turns monthly records into model inputs, onnxruntime runs model.onnx."""

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from shared_features import FIELD_NAMES, FeatureSpec, MonthlyPanel, ingest, model_input

ARTIFACT_DIR = Path(__file__).resolve().parents[2] / "artifacts"


class Scorer:
    def __init__(self, directory: Path) -> None:
        self.spec = FeatureSpec.load(directory / "feature_spec.json")
        self.session = ort.InferenceSession(str(directory / "model.onnx"),
                                            providers=["CPUExecutionProvider"])

    def __call__(self, panel: MonthlyPanel) -> np.ndarray:
        x, _ = model_input(panel, self.spec)
        return self.session.run(["probability"], {"features": x})[0].astype(np.float64)


@pytest.fixture(scope="session")
def artifact_dir() -> Path:
    if not (ARTIFACT_DIR / "model.onnx").exists():
        pytest.fail(f"no committed artifact in {ARTIFACT_DIR}; run "
                    "`python -m training --config training/config.toml --out artifacts`")
    return ARTIFACT_DIR


@pytest.fixture(scope="session")
def scorer(artifact_dir) -> Scorer:
    return Scorer(artifact_dir)


@pytest.fixture(scope="session")
def reference_panel(artifact_dir) -> MonthlyPanel:
    return ingest(artifact_dir / "reference_sample.csv").panel


def _constructed_persons() -> MonthlyPanel:
    """A grid of ordinary, fully reported 12-month persons (a little month-to-month noise)."""
    rng = np.random.default_rng(0)
    rows = []
    for income in (2200.0, 4000.0, 7500.0):
        for spend in (0.65, 0.85, 1.02):
            for savings in (300.0, 3000.0, 15000.0):
                for card, limit, loans in ((500.0, 8000.0, 0.0), (6000.0, 7000.0, 9000.0)):
                    rows.append((income, spend, savings, card, limit, loans))
    n, months = len(rows), 12
    values = np.zeros((n, months, len(FIELD_NAMES)))
    for i, (income, spend, savings, card, limit, loans) in enumerate(rows):
        inc = income * np.exp(rng.normal(0, 0.05, months))
        exp_ = income * spend * np.exp(rng.normal(0, 0.08, months))
        pay = 0.03 * card + (0.02 * loans if loans else 0.0)
        values[i, :, FIELD_NAMES.index("income")] = inc
        values[i, :, FIELD_NAMES.index("expenses")] = exp_
        values[i, :, FIELD_NAMES.index("debt_payments")] = pay
        values[i, :, FIELD_NAMES.index("liquid_savings")] = np.maximum(
            savings + np.cumsum(inc - exp_ - pay), -500.0)
        values[i, :, FIELD_NAMES.index("total_debt")] = card + loans
        values[i, :, FIELD_NAMES.index("credit_limit")] = limit
        values[i, :, FIELD_NAMES.index("missed_payments")] = 0.0
    ids = np.array([f"grid{i:03d}" for i in range(n)], dtype=object)
    return MonthlyPanel(values, np.ones((n, months), dtype=bool), ids)


def _simulated_persons(n: int = 400) -> MonthlyPanel:
    """Fresh simulated uploads (another seed than training), with columns and months masked."""
    from training import config as config_mod
    from training.masking import mask_history
    from training.simulator import SimulatorConfig, panel_values, run_cohort

    config = config_mod.load()
    sim = run_cohort(n, SimulatorConfig.from_config(config), 12, 1, 12, seed=424242)
    panel = mask_history(panel_values(sim.history), config["masking"],
                         np.random.default_rng(424242))
    return MonthlyPanel(panel.values, panel.observed,
                        np.array([f"sim{i:03d}" for i in range(n)], dtype=object))


@pytest.fixture(scope="session")
def base_persons(reference_panel) -> MonthlyPanel:
    """Realistic starting points: the committed reference sample, a constructed grid of
    ordinary households and a few hundred freshly simulated uploads."""
    grid = _constructed_persons()
    sim = _simulated_persons()
    ref = reference_panel
    if ref.n_months < grid.n_months:  # right-align the sample into 12 columns
        pad = grid.n_months - ref.n_months
        values = np.concatenate([np.full((ref.n_persons, pad, len(FIELD_NAMES)), np.nan),
                                 ref.values], axis=1)
        observed = np.concatenate([np.zeros((ref.n_persons, pad), bool), ref.observed], axis=1)
        ref = MonthlyPanel(values, observed, ref.person_ids)
    parts = (ref.take(slice(None)), grid, sim)
    return MonthlyPanel(np.concatenate([p.values[:, -12:] for p in parts]),
                        np.concatenate([p.observed[:, -12:] for p in parts]),
                        np.concatenate([p.person_ids for p in parts]))
