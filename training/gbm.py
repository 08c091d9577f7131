"""The gradient-boosting comparison: LightGBM on the model's own inputs and split.

It answers "is the network as good as a strong tabular learner on the same data?". It sees
exactly the standardised features the network sees (the same split, early stopping on the same
validation persons). Fitted twice: free (the upper reference) and under the network's own
monotone constraints (the like-for-like figure: what the guarantees cost a tree ensemble too).
Reported in metrics.json and the model card, never exported or served. LightGBM lives in the
``train`` extra only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .config import LightGBMConfig


@dataclass
class GBMResult:
    test_probability: np.ndarray
    best_iteration: int


def fit_lightgbm(x: np.ndarray, y: np.ndarray, splits: dict[str, np.ndarray],
                 cfg: LightGBMConfig, seed: int, directions: list[int] | None = None
                 ) -> GBMResult:
    """Fit on the train split with early stopping on validation log-loss; test probabilities.

    ``directions`` (+1 / -1 / 0 per feature) adds LightGBM's monotone constraints.
    """
    import lightgbm as lgb  # training-only dependency, imported where it is used

    params = {
        "objective": "binary", "metric": "binary_logloss", "verbosity": -1,
        "num_leaves": cfg.num_leaves, "learning_rate": cfg.learning_rate,
        "min_child_samples": cfg.min_child_samples, "feature_fraction": cfg.feature_fraction,
        "bagging_fraction": cfg.bagging_fraction, "bagging_freq": 1,
        "lambda_l2": cfg.lambda_l2, "num_threads": cfg.threads, "seed": seed,
        "deterministic": True, "force_row_wise": True,
    }
    if directions is not None:
        params["monotone_constraints"] = list(directions)
        params["monotone_constraints_method"] = cfg.monotone_method
    train = lgb.Dataset(x[splits["train"]], y[splits["train"]], free_raw_data=True)
    valid = lgb.Dataset(x[splits["validation"]], y[splits["validation"]], reference=train)
    booster = lgb.train(params, train, num_boost_round=cfg.max_rounds, valid_sets=[valid],
                        callbacks=[lgb.early_stopping(cfg.early_stopping_rounds, verbose=False)])
    p = booster.predict(x[splits["test"]], num_iteration=booster.best_iteration)
    return GBMResult(np.asarray(p, dtype=np.float64), int(booster.best_iteration))


def constraint_costs(x: np.ndarray, y: np.ndarray, splits: dict[str, np.ndarray],
                     cfg: LightGBMConfig, seed: int, names: list[str], directions: list[int],
                     score: Callable[[np.ndarray], dict[str, float]]
                     ) -> dict[str, dict[str, float]]:
    """What each monotone guarantee costs: LightGBM under every constraint, then once per
    constrained feature with that one lifted. ``score`` turns test probabilities into metrics
    (``roc_auc`` and ``log_loss`` at least); each entry holds them and the gain over "all"."""
    def fit(d: list[int]) -> dict[str, float]:
        return score(fit_lightgbm(x, y, splits, cfg, seed, d).test_probability)

    constrained = fit(directions)
    out = {"all": {"roc_auc": constrained["roc_auc"], "log_loss": constrained["log_loss"]}}
    for j, name in enumerate(names):
        if directions[j] == 0:
            continue
        m = fit([0 if i == j else d for i, d in enumerate(directions)])
        out[name] = {"roc_auc": m["roc_auc"], "log_loss": m["log_loss"],
                     "auc_gain": m["roc_auc"] - constrained["roc_auc"],
                     "log_loss_gain": constrained["log_loss"] - m["log_loss"]}
    return out
