"""The constraint-cost diagnostic: LightGBM with each monotone constraint lifted in turn must
show a large gain where the data disagrees with the constraint and none where it agrees."""

from __future__ import annotations

import numpy as np
import pytest

from training.config import LightGBMConfig
from training.gbm import constraint_costs, fit_lightgbm
from training.metrics import evaluate

pytest.importorskip("lightgbm")


def _data(n: int = 12000, seed: int = 3) -> tuple[np.ndarray, np.ndarray, dict]:
    """Risk U-shaped in feature 0, rising in feature 1, unrelated to feature 2."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    logit = 1.5 * x[:, 0] ** 2 - 1.5 + 1.2 * x[:, 1]
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.float32)
    idx = rng.permutation(n)
    splits = {"train": idx[: n * 7 // 10], "validation": idx[n * 7 // 10: n * 85 // 100],
              "test": idx[n * 85 // 100:]}
    return x, y, splits


def test_the_constraint_the_data_contradicts_costs_most() -> None:
    x, y, splits = _data()
    cfg = LightGBMConfig(max_rounds=200, num_leaves=15, min_child_samples=20)
    costs = constraint_costs(x, y, splits, cfg, 1, ["u_shaped", "rising", "noise"], [1, 1, 0],
                             lambda p: evaluate(y[splits["test"]], p, 0.5, 10))
    assert set(costs) == {"all", "u_shaped", "rising"}  # free features are not tried
    assert costs["u_shaped"]["log_loss_gain"] > 0.05
    assert costs["u_shaped"]["auc_gain"] > 0.05
    assert abs(costs["rising"]["log_loss_gain"]) < 0.01
    free = fit_lightgbm(x, y, splits, cfg, 1).test_probability
    assert evaluate(y[splits["test"]], free, 0.5, 10)["log_loss"] < costs["all"]["log_loss"]


@pytest.mark.parametrize("method", ["basic", "advanced"])
def test_monotone_method_keeps_the_fit_monotone(method: str) -> None:
    """Every method LightGBM offers keeps risk non-decreasing along a constrained feature."""
    x, y, splits = _data(4000)
    cfg = LightGBMConfig(max_rounds=60, num_leaves=15, min_child_samples=20,
                         monotone_method=method)
    grid = np.zeros((200, 3))
    grid[:, 0] = np.linspace(-3, 3, 200)
    # fit_lightgbm only returns test probabilities: score the grid as a "test" split
    xs = np.vstack([x, grid])
    test = np.arange(len(x), len(xs))
    p = fit_lightgbm(xs, np.concatenate([y, np.zeros(200, np.float32)]),
                     {**splits, "test": test}, cfg, 1, [1, 1, 0]).test_probability
    assert np.all(np.diff(p) >= -1e-12)
