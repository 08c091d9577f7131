"""Feature engineering speed: persons x months engineered per second.

    python -m benchmarks.bench_features [--persons 100000] [--months 12]

Goal (issue: foundation): 100,000 persons x 12 months in under 2 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from shared_features import MonthlyPanel, compute_raw_features, fit_spec, raw_feature_matrix


def synthetic_panel(persons: int, months: int, seed: int = 0) -> MonthlyPanel:
    rng = np.random.default_rng(seed)
    income = rng.lognormal(8.0, 0.5, (persons, 1)) * rng.normal(1.0, 0.1, (persons, months))
    fields = {
        "income": np.maximum(income, 0.0),
        "expenses": income * rng.uniform(0.5, 1.1, (persons, months)),
        "debt_payments": income * rng.uniform(0.0, 0.3, (persons, months)),
        "liquid_savings": rng.gamma(1.5, 3000.0, (persons, months)),
        "total_debt": rng.gamma(1.2, 8000.0, (persons, months)),
        "credit_limit": np.repeat(rng.gamma(2.0, 5000.0, (persons, 1)), months, axis=1),
        "missed_payments": rng.poisson(0.03, (persons, months)).astype(float),
    }
    return MonthlyPanel.from_arrays(fields)


def run(persons: int = 100_000, months: int = 12, repeats: int = 3) -> dict:
    panel = synthetic_panel(persons, months)
    spec = fit_spec(raw_feature_matrix(compute_raw_features(panel)))
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        x = spec.transform(raw_feature_matrix(compute_raw_features(panel)))
        timings.append(time.perf_counter() - start)
    assert x.shape[0] == persons
    best, median = min(timings), float(np.median(timings))
    return {"persons": persons, "months": months, "seconds_median": round(median, 3),
            "seconds_best": round(best, 3), "persons_per_second": round(persons / median),
            "goal_seconds": 2.0, "meets_goal": median < 2.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args()
    print(json.dumps(run(args.persons, args.months), indent=2))


if __name__ == "__main__":
    main()
