"""Shared fixtures: a small test artifact (never the committed one), the app, a client, data.

The test artifact is a logistic regression written as an ONNX graph with ``onnx.helper``, over a
feature spec fitted with ``shared_features.fit_spec`` on simulated, plausible panels. Its weights
have sensible signs (missed payments, utilisation and spending up; liquidity and savings down), so
explanations and recommendations can be tested for direction, not only for shape.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from flask.testing import FlaskClient

from shared_features import (
    FEATURE_NAMES,
    FIELD_NAMES,
    OPTIONAL_FIELDS,
    MonthlyPanel,
    RiskBands,
    compute_raw_features,
    fit_spec,
    raw_feature_matrix,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# Logistic weights per standardised feature; unnamed features get 0.
TEST_WEIGHTS: dict[str, float] = {
    "income_volatility": 0.35, "income_trend": -0.15,
    "income_recent_ratio": -0.3, "expense_ratio": 0.7, "expense_volatility": 0.1,
    "savings_rate": -0.6, "negative_cashflow_share": 0.4, "liquidity_months": -0.8,
    "liquidity_trend": -0.2, "debt_service_ratio": 0.45, "debt_to_income": 0.3,
    "debt_trend": 0.2, "utilization": 0.6, "missed_payments_total": 0.5,
    "missed_payments_recent": 0.7, "months_observed": -0.1,
    **{f"missing_{f}": 0.15 for f in OPTIONAL_FIELDS},
}


# -- simulated data ------------------------------------------------------------------------------

def simulate_arrays(n: int, months: int = 12, seed: int = 0, mask_share: float = 0.15,
                    short_share: float = 0.1) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Plausible monthly finances: (field -> (n, months) array, observed (n, months))."""
    rng = np.random.default_rng(seed)
    level = rng.lognormal(np.log(3500), 0.5, n)
    vol = rng.uniform(0.02, 0.35, n)
    income = level[:, None] * np.clip(rng.normal(1.0, vol[:, None], (n, months)), 0.0, None)
    spend_ratio = rng.uniform(0.5, 1.1, n)
    expenses = (level * spend_ratio)[:, None] * np.clip(rng.normal(1, 0.1, (n, months)), 0.3, None)
    has_debt = rng.random(n) < 0.7
    debt0 = level * rng.uniform(0.0, 3.0, n) * has_debt
    payments = np.repeat((debt0 * 0.03)[:, None], months, axis=1)
    debt = np.clip(debt0[:, None] + np.cumsum(rng.normal(0, 0.02, (n, months)) * level[:, None],
                                              axis=1), 0.0, None)
    limit = level * rng.uniform(0.5, 4.0, n)
    savings = (level * rng.uniform(0.0, 6.0, n))[:, None] + np.cumsum(
        income - expenses - payments, axis=1)
    missed = rng.poisson(np.where(savings < 0, 0.6, 0.02))
    arrays = {"income": income, "expenses": expenses, "debt_payments": payments,
              "liquid_savings": savings, "total_debt": debt,
              "credit_limit": np.repeat(limit[:, None], months, axis=1),
              "missed_payments": missed.astype(float)}
    arrays = {k: np.round(v, 2) for k, v in arrays.items()}
    for field in OPTIONAL_FIELDS:  # the model must also see persons without some fields
        arrays[field][rng.random(n) < mask_share] = np.nan
    observed = np.ones((n, months), dtype=bool)
    short = rng.random(n) < short_share
    first = np.where(short, rng.integers(1, months, n), 0)
    observed &= np.arange(months)[None, :] >= first[:, None]
    for k in arrays:
        arrays[k] = np.where(observed, arrays[k], np.nan)
    return arrays, observed


def simulate_panel(n: int, months: int = 12, seed: int = 0, **kwargs: float) -> MonthlyPanel:
    arrays, observed = simulate_arrays(n, months, seed, **kwargs)
    values = np.stack([arrays[f] for f in FIELD_NAMES], axis=2)
    ids = np.array([f"p{i:05d}" for i in range(n)], dtype=object)
    return MonthlyPanel(values, observed, ids)


def simulate_frame(n: int, months: int = 12, seed: int = 0, **kwargs: float) -> pd.DataFrame:
    """Upload-format records (one row per observed person-month)."""
    arrays, observed = simulate_arrays(n, months, seed, **kwargs)
    p, t = np.nonzero(observed)
    frame = pd.DataFrame({
        "person_id": [f"p{i:05d}" for i in p],
        "month": pd.period_range("2024-01", periods=months, freq="M").astype(str)[t],
        **{f: arrays[f][p, t] for f in FIELD_NAMES}})
    frame["missed_payments"] = frame["missed_payments"].astype("Int64")
    return frame


def simulate_csv(n: int, months: int = 12, seed: int = 0, **kwargs: float) -> bytes:
    buf = io.StringIO()
    simulate_frame(n, months, seed, **kwargs).to_csv(buf, index=False)
    return buf.getvalue().encode()


# -- the test artifact ---------------------------------------------------------------------------

def _onnx_logreg(weights: np.ndarray, bias: float, metadata: dict[str, str],
                 components: tuple[str, ...] = ()) -> bytes:
    """The logistic regression; with ``components``, one ``component_<rule>`` output each:
    sigmoid(logit x (k + 1) / (k + 2)) for the k-th, the first shaped (batch,), the others
    (batch, 1) as a per-kind head may be."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    n = len(weights)
    nodes = [helper.make_node("MatMul", ["features", "W"], ["z"]),
             helper.make_node("Add", ["z", "B"], ["logit"]),
             helper.make_node("Sigmoid", ["logit"], ["probability"])]
    outputs = [helper.make_tensor_value_info("probability", TensorProto.FLOAT, ["batch"]),
               helper.make_tensor_value_info("logit", TensorProto.FLOAT, ["batch"])]
    initializers = [numpy_helper.from_array(weights.astype(np.float32), "W"),
                    numpy_helper.from_array(np.array(bias, dtype=np.float32), "B"),
                    numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1")]
    for k, rule in enumerate(components):
        name = f"component_{rule}"
        initializers.append(numpy_helper.from_array(
            np.array((k + 1) / (k + 2), dtype=np.float32), f"scale_{rule}"))
        nodes.append(helper.make_node("Mul", ["logit", f"scale_{rule}"], [f"z_{rule}"]))
        if k == 0:
            nodes.append(helper.make_node("Sigmoid", [f"z_{rule}"], [name]))
            outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch"]))
        else:
            nodes.append(helper.make_node("Sigmoid", [f"z_{rule}"], [f"s_{rule}"]))
            nodes.append(helper.make_node("Unsqueeze", [f"s_{rule}", "axis1"], [name]))
            outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT,
                                                         ["batch", 1]))
    graph = helper.make_graph(
        nodes, "test_logistic_regression",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", n])],
        outputs, initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="tests.conftest")
    model.ir_version = 9
    helper.set_model_props(model, metadata)
    onnx.checker.check_model(model)
    return model.SerializeToString()


def build_test_artifact(directory: str | Path, n: int = 3000, seed: int = 0,
                        components: tuple[str, ...] = ()) -> Path:
    """Write model.onnx + feature_spec.json (+ metrics.json, model_card.md) into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    raw = raw_feature_matrix(compute_raw_features(simulate_panel(n, seed=seed)))
    spec = fit_spec(raw, history_months=12, horizon_months=6,
                    risk_bands=RiskBands(moderate=0.15, high=0.40),
                    calibration={"method": "temperature", "temperature": 1.0,
                                 "applied_in_model": True})
    weights = np.array([TEST_WEIGHTS.get(name, 0.0) for name in FEATURE_NAMES])
    z = spec.transform(raw).astype(np.float64) @ weights
    lo, hi = -10.0, 10.0
    for _ in range(50):  # bias so that about 20% of the simulated people are at risk on average
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.mean(1 / (1 + np.exp(-(z + mid)))) < 0.2 else (lo, mid)
    bias = (lo + hi) / 2
    model = _onnx_logreg(weights, bias, {
        "spec_version": spec.spec_version, "preprocessing_sha256": spec.preprocessing_hash(),
        "feature_names": ",".join(spec.feature_names)}, components)
    (directory / "model.onnx").write_bytes(model)
    spec.provenance = {"model_sha256": hashlib.sha256(model).hexdigest(), "seed": seed,
                       "trained_at": "2024-01-01T00:00:00Z", "generator_config_sha256": "test",
                       "training_config_sha256": "test", "test_metrics": {"roc_auc": 0.8}}
    spec.save(directory / "feature_spec.json")
    (directory / "metrics.json").write_text(json.dumps({"model": {"roc_auc": 0.8}}))
    (directory / "model_card.md").write_text("# Test model\n\nA logistic regression for tests.\n")
    return directory


# -- fixtures ------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _isolated_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's SCORER_* / SCORER__* environment must not leak into tests."""
    import os

    for name in list(os.environ):
        if name.startswith("SCORER_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def artifact_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_test_artifact(tmp_path_factory.mktemp("artifact"))


# Rule names as the labeler's (training/labeler.py); the test model's heads are made up.
TEST_COMPONENTS = ("missed_payment", "low_liquidity", "debt_service")


@pytest.fixture(scope="session")
def component_artifact_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test artifact with per-kind heads (``component_<rule>`` outputs)."""
    return build_test_artifact(tmp_path_factory.mktemp("artifact_components"),
                               components=TEST_COMPONENTS)


@pytest.fixture(scope="session")
def component_names() -> tuple[str, ...]:
    return TEST_COMPONENTS


@pytest.fixture
def artifact_copy(artifact_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the test artifact that a test may tamper with."""
    return Path(shutil.copytree(artifact_dir, tmp_path / "artifact"))


@pytest.fixture(scope="session")
def scorer(artifact_dir: Path):
    from inference.artifact import load_artifact
    from inference.scorer import Scorer

    return Scorer(load_artifact(artifact_dir))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "instance" / "scorer.sqlite3"


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient) -> str:
    """The CSRF token the pages' forms carry for this client's session (from the sign-in page,
    which every configuration serves)."""
    html = FlaskClient.open(client, "/login").get_data(as_text=True)
    match = CSRF_FIELD.search(html)
    assert match, "the sign-in page has no csrf_token field"
    return match.group(1)


class FormClient(FlaskClient):
    """A test client that sends its session's CSRF token with every state-changing request, as
    the dashboard's forms do (in the X-CSRFToken header, so tests need not touch their form
    data). Tests of the CSRF check itself use a plain FlaskClient."""

    def open(self, *args, **kwargs):
        method = str(kwargs.get("method", "GET")).upper()
        headers = dict(kwargs.pop("headers", None) or {})
        if method not in ("GET", "HEAD", "OPTIONS") and not (
                "Authorization" in headers or "X-API-Key" in headers):
            headers.setdefault("X-CSRFToken", csrf_token(self))
        return super().open(*args, headers=headers, **kwargs)


@pytest.fixture
def make_app(artifact_dir: Path, db_path: Path):
    """create_app with the test artifact and a private database. Settings are given as Flask
    keys (``make_app(API_KEY="k")``) or, for readability, as TOML sections
    (``make_app(limits={"max_persons": 3})``). Its test_client() is a FormClient. The database
    connections the test's requests opened are closed after it (a worker thread keeps its own)."""
    from web import create_app
    from web.db import close_thread_stores
    from web.settings import flatten

    def make(**settings):
        sections = {k: v for k, v in settings.items() if isinstance(v, dict)}
        keys = {k: v for k, v in settings.items() if not isinstance(v, dict)}
        app = create_app({"TESTING": True, "ARTIFACTS_DIR": str(artifact_dir),
                          "DATABASE_PATH": str(db_path), **flatten(sections), **keys})
        app.test_client_class = FormClient
        return app

    yield make
    close_thread_stores()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def sim() -> SimpleNamespace:
    """The data simulators, for tests that need their own data (fixtures, not imports, so the
    tests do not depend on how pytest puts conftest on sys.path)."""
    return SimpleNamespace(panel=simulate_panel, frame=simulate_frame, csv=simulate_csv,
                           arrays=simulate_arrays)


@pytest.fixture(scope="session")
def sample_csv() -> bytes:
    """Five persons x 12 months, all columns, in the upload format."""
    return simulate_csv(5, seed=7, mask_share=0.0, short_share=0.0)
