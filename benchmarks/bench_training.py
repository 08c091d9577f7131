"""Training: people simulated per second and the wall time of a training run.

    python -m benchmarks.bench_training [--people 20000] [--default-run | --small-run]

* Simulation: ``training.simulator.run_cohort`` for ``--people`` people (burn-in + history +
  horizon months, the default config). Reference, same run and same people: feature engineering
  (``shared_features.compute_raw_features``) of their masked history, a plain vectorised numpy
  pass over the same (persons x months) arrays. Ratio = simulation / feature engineering.
* Training: ``python -m training --config training/config.toml --out TMP`` as a subprocess
  (default run: the whole default config; small run: the same with fewer people, epochs and
  oracle futures, for quick mode). Its stage times come from its metrics.json. Reference, same
  run: one epoch of a bare torch loop (same MLP, batch size, optimiser, number of rows and
  threads, tensors already in memory, no DataLoader, no validation) against the measured time
  per MLP epoch.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any

import numpy as np

from .common import PROJECT_ROOT, measure, median, rnd, workdir

SMALL_RUN_ENV = {
    "TRAIN__DATA__N_PEOPLE": "20000",
    "TRAIN__TRAIN__MAX_EPOCHS": "4",
    "TRAIN__BASELINE__MAX_EPOCHS": "2",
    "TRAIN__ORACLE__N_FUTURES": "20",
    "TRAIN__DIAGNOSTIC__HIDDEN_PARAMS": "false",
}


def _config() -> dict[str, Any]:
    from training import config as config_mod

    return config_mod.load(config_mod.DEFAULT_CONFIG_PATH)


def bench_simulation(people: int, repeats: int = 3) -> dict[str, Any]:
    from shared_features import compute_raw_features
    from training.masking import mask_history
    from training.simulator import SimulatorConfig, panel_values, run_cohort

    config = _config()
    data = config["data"]
    hist, horizon, burn = (int(data["history_months"]), int(data["horizon_months"]),
                           int(data["burn_in_months"]))
    sim_cfg = SimulatorConfig.from_config(config)
    warm = run_cohort(1_000, sim_cfg, hist, horizon, burn, 99)  # first calls: imports, caches
    compute_raw_features(mask_history(panel_values(warm.history), config["masking"],
                                      np.random.default_rng(99)))
    sim_t, feat_t = [], []
    for r in range(repeats):
        wall, _, sim = measure(lambda r=r: run_cohort(people, sim_cfg, hist, horizon, burn, r))
        sim_t.append(wall)
        panel = mask_history(panel_values(sim.history), config["masking"],
                             np.random.default_rng(r))
        wall, _, _ = measure(lambda panel=panel: compute_raw_features(panel))
        feat_t.append(wall)
        del sim, panel
    s, f = median(sim_t), median(feat_t)
    months = burn + hist + horizon
    return {"people": people, "months_simulated": months, "simulate_s": rnd(s),
            "people_per_s": round(people / s), "person_months_per_s": round(people * months / s),
            "reference_features_s": rnd(f), "reference_people_per_s": round(people / f),
            "simulate_over_features": rnd(s / f, 1)}


def _bare_epoch(rows: int, n_features: int, widths: list[int], activation: str,
                batch: int, lr: float, weight_decay: float, threads: int) -> float:
    """Seconds for one epoch of forward + backward + step on in-memory tensors."""
    import torch

    from training.model import MLP

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = MLP(n_features, widths, 0.0, activation)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    x = torch.randn(rows, n_features)
    y = (torch.rand(rows) < 0.25).float()

    def epoch() -> None:
        for i in range(0, rows, batch):
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[i:i + batch])[:, 0], y[i:i + batch])  # the overall head
            loss.backward()
            opt.step()

    epoch()  # warm-up
    return min(measure(epoch)[0] for _ in range(2))


def bench_training_run(small: bool, timeout_s: float = 1800) -> dict[str, Any]:
    env = {**os.environ, **(SMALL_RUN_ENV if small else {})}
    with workdir("bench-train-") as tmp:
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "training", "--config",
                               "training/config.toml", "--out", str(tmp / "artifact")],
                              cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout_s, check=False)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"training failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        metrics = json.loads((tmp / "artifact" / "metrics.json").read_text())
    config = _config()
    for key, value in (SMALL_RUN_ENV.items() if small else ()):
        section, name = key.split("__")[1:]
        config[section.lower()][name.lower()] = type(config[section.lower()][name.lower()])(
            json.loads(value))
    stages = metrics.get("run_seconds", {})
    epochs = int(metrics.get("training", {}).get("epochs_run", 0))
    # The MLP's stage ("train_mlp", or "train_model" in newer runs), not the baseline's.
    mlp_stage = next((k for k in ("train_mlp", "train_model") if k in stages), None)
    epoch_s = stages[mlp_stage] / epochs if mlp_stage and epochs else float("nan")
    train_rows = int(metrics["splits"]["train"])
    tc, mc = config["train"], config["model"]
    # With the piecewise-linear encoding the first layer sees 1 + bins columns per feature.
    width_in = int(metrics["n_features"]) * (1 + int(mc.get("encoding_bins", 0)))
    bare = _bare_epoch(train_rows, width_in, [int(w) for w in mc["widths"]],
                       str(mc["activation"]), int(tc["batch_size"]), float(tc["lr"]),
                       float(tc["weight_decay"]), int(config["run"].get("threads", 1)))
    return {"config": "small (" + ", ".join(f"{k}={v}" for k, v in SMALL_RUN_ENV.items()) + ")"
            if small else "default (training/config.toml)",
            "people": int(metrics["n_people"]), "wall_s": rnd(wall, 1),
            "stages_s": stages, "mlp_stage": mlp_stage, "mlp_epochs": epochs,
            "mlp_epoch_s": rnd(epoch_s),
            "reference_bare_epoch_s": rnd(bare), "epoch_over_bare": rnd(epoch_s / bare, 2),
            "train_rows": train_rows}


def run(people: int, small_run: bool) -> dict[str, Any]:
    return {"simulation": bench_simulation(people), "training": bench_training_run(small_run)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--default-run", action="store_true",
                        help="train the whole default config (minutes) instead of a small one")
    args = parser.parse_args()
    print(json.dumps(run(args.people, not args.default_run), indent=2))


if __name__ == "__main__":
    main()
