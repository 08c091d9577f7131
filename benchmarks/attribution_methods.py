"""How close cheaper attribution methods come to the Shapley values the reasons are built from.

    python -m benchmarks.attribution_methods [--people 40000] [--persons 300]

Explanations cost ~240 model rows per person (``inference.contributions``: 16 antithetic
permutations, each distinct coalition scored once), which is what keeps ``stress-scorer score
--explain`` and the one-person request slow (issue #11). This measures, on a small model trained
here with the default config (fewer people and epochs; needs the ``train`` extra), how far two
cheaper estimators land from "truth" (permutation Shapley with 512 permutations) on test persons:

* permutation Shapley with 4 / 16 / 64 permutations (16 is what serving uses);
* Aumann-Shapley values (integrated gradients along the straight path from the reference
  person, midpoint rule with m steps, the residual to score - reference score spread in
  proportion to |value|), which would need only m rows per person plus a gradient graph.

Printed per estimator: mean and max absolute difference in score points, and how often the
top three reasons (largest positive contributions) are the same three features.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def _train_small(people: int, epochs: int, seed: int):
    from training import config as config_mod
    from training.model import CalibratedScorer
    from training.pipeline import Progress, Seeds, fit_model, generate, make_features

    raw = config_mod.load(str(config_mod.DEFAULT_CONFIG_PATH), people=people, seed=seed)
    raw["train"]["max_epochs"] = epochs
    cfg = config_mod.TrainingConfig.from_dict(raw)
    seeds, log = Seeds.from_seed(seed), Progress()  # progress lines on stderr
    data = generate(cfg, seeds, log)
    feats = make_features(cfg, data, seeds, log)
    fitted = fit_model(cfg, data, feats, seeds, log)
    return CalibratedScorer(fitted.net, fitted.temperatures).eval(), feats


def _top3_agreement(a: np.ndarray, b: np.ndarray) -> float:
    top_a, top_b = np.argsort(-a, axis=1)[:, :3], np.argsort(-b, axis=1)[:, :3]
    return float(np.mean([len(set(x) & set(y)) / 3 for x, y in zip(top_a, top_b, strict=True)]))


def run(people: int = 40_000, persons: int = 300, epochs: int = 8, seed: int = 1
        ) -> dict[str, dict[str, float]]:
    import torch

    scorer, feats = _train_small(people, epochs, seed)
    ref = torch.tensor(feats.spec.reference, dtype=torch.float32)
    x = torch.tensor(feats.x[feats.splits["test"][:persons]], dtype=torch.float32)
    n, f = x.shape

    def score(rows: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return 100.0 * scorer(rows)[0].double()

    def shapley(n_permutations: int, order_seed: int) -> np.ndarray:
        rng = np.random.default_rng(order_seed)
        forward = np.argsort(rng.random((n_permutations // 2, f)), axis=1)
        out = torch.zeros(n, f, dtype=torch.float64)
        for order in np.concatenate([forward, forward[:, ::-1]]):
            rows = ref.repeat(n, 1)
            before = score(rows)
            for j in order:
                rows[:, j] = x[:, j]
                after = score(rows)
                out[:, j] += after - before
                before = after
        return (out / (2 * len(forward))).numpy()

    def aumann_shapley(steps: int) -> np.ndarray:
        t = (torch.arange(steps, dtype=torch.float32) + 0.5) / steps
        path = (ref + t[None, :, None] * (x - ref)[:, None, :]).reshape(-1, f)
        path.requires_grad_(True)
        grad, = torch.autograd.grad((100.0 * scorer(path)[0]).sum(), path)
        values = (grad.reshape(n, steps, f).mean(1) * (x - ref)).double().numpy()
        residual = (score(x) - score(ref[None])).numpy() - values.sum(axis=1)
        weight = np.abs(values) / np.maximum(np.abs(values).sum(axis=1, keepdims=True), 1e-12)
        return values + residual[:, None] * weight

    started = time.perf_counter()
    truth = shapley(512, order_seed=0)
    results: dict[str, dict[str, float]] = {"truth_seconds": {"s": time.perf_counter() - started}}
    estimates = {f"shapley {k} permutations": shapley(k, order_seed=7) for k in (4, 16, 64)}
    estimates |= {f"aumann-shapley {m} steps": aumann_shapley(m) for m in (8, 32, 128)}
    for name, values in estimates.items():
        diff = np.abs(values - truth)
        results[name] = {"mean_abs_points": round(float(diff.mean()), 3),
                         "max_abs_points": round(float(diff.max()), 2),
                         "top3_same": round(_top3_agreement(values, truth), 3)}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=40_000, help="people simulated to train on")
    parser.add_argument("--persons", type=int, default=300, help="test persons explained")
    parser.add_argument("--epochs", type=int, default=8)
    args = parser.parse_args()
    print(json.dumps(run(args.people, args.persons, args.epochs), indent=2))


if __name__ == "__main__":
    main()
