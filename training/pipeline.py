"""The whole run: generate -> label -> features -> split -> oracle -> train -> calibrate ->
evaluate -> (diagnostic) -> export -> report. One function, stage by stage, with progress."""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch

from shared_features import (
    FEATURE_SPEC_VERSION,
    FIELD_NAMES,
    OPTIONAL_FIELDS,
    FeatureSpec,
    MonthlyPanel,
    RiskBands,
    compute_raw_features,
    fit_spec,
    raw_feature_matrix,
)
from shared_features.spec import file_sha256

from . import config as config_mod
from .calibration import apply_temperature, fit_temperature
from .dataset import FeatureDataset, split_indices
from .diagnostic import hidden_features, raw_panel_features, standardise
from .export import (
    check_parity,
    export_onnx,
    reference_predictions,
    write_json,
    write_reference_sample,
)
from .labeler import LabelerConfig, label, rule_hits
from .masking import mask_history
from .metrics import evaluate
from .model import CalibratedScorer, LogisticRegression, build_model
from .oracle import oracle_probability
from .report import model_card, write_plots
from .simulator import SimulatorConfig, panel_values, run_cohort
from .train_loop import TrainConfig, predict_logits, train


class Progress:
    """Concise progress lines on stderr, each with the time since the start."""

    def __init__(self, stream: Any = None) -> None:
        self.start = time.perf_counter()
        self.stream = stream or sys.stderr
        self.stages: dict[str, float] = {}
        self._stage_start = self.start

    def __call__(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.start:7.1f}s] {message}", file=self.stream,
              flush=True)

    def done(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages[stage] = round(now - self._stage_start, 2)
        self._stage_start = now
        self(f"{stage} done in {self.stages[stage]:.1f}s")


def _trained_at(config: dict[str, Any]) -> str:
    fixed = str(config["run"].get("trained_at", "") or "")
    if fixed:
        return fixed
    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # reproducible-build convention
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return when.replace(microsecond=0).isoformat()


def _subsets(panel: MonthlyPanel, index: np.ndarray) -> dict[str, np.ndarray]:
    """Boolean masks over ``index``: complete uploads, short histories, missing columns."""
    full = panel.observed[index].all(axis=1)
    cols = [FIELD_NAMES.index(f) for f in OPTIONAL_FIELDS]
    last = panel.values[index, -1][:, cols]
    all_fields = ~np.isnan(last).any(axis=1)
    return {"complete (12 months, all columns)": full & all_fields,
            "short history": ~full,
            "missing a column": ~all_fields}


def _fit_and_score(name: str, model: torch.nn.Module, x: np.ndarray, y: np.ndarray,
                   splits: dict[str, np.ndarray], cfg: TrainConfig, seed: int,
                   log: Progress) -> tuple[float, np.ndarray, Any]:
    """Train, fit the temperature on validation, return (T, calibrated test probs, result)."""
    sets = {k: FeatureDataset(x[v], y[v]) for k, v in splits.items() if k != "test"}
    result = train(model, sets["train"], sets["validation"], cfg, seed, log=log, name=name)
    val_logits = predict_logits(model, x[splits["validation"]])
    temperature = fit_temperature(val_logits, y[splits["validation"]])
    test_p = apply_temperature(predict_logits(model, x[splits["test"]]), temperature)
    log(f"{name}: best epoch {result.best_epoch}, val loss {result.best_val_loss:.5f}, "
        f"temperature {temperature:.4f}")
    return temperature, test_p, result


def run(config: dict[str, Any], out_dir: str | Path, log: Progress | None = None
        ) -> dict[str, Any]:
    """Run the pipeline with a loaded config; write the artifact into ``out_dir``."""
    log = log or Progress()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data, run_cfg = config["data"], config["run"]
    seed = int(run_cfg["seed"])
    torch.set_num_threads(int(run_cfg.get("threads", 2)))
    torch.use_deterministic_algorithms(True)
    cohort_seed, mask_seed, split_seed, oracle_seed, torch_seed = (
        int(s) for s in np.random.SeedSequence(seed).generate_state(5))
    history_months, horizon_months = int(data["history_months"]), int(data["horizon_months"])
    n = int(data["n_people"])

    # -- generate and label ----------------------------------------------------------------------
    log(f"simulating {n:,} people: {int(data['burn_in_months'])} burn-in + {history_months} "
        f"history + {horizon_months} horizon months")
    sim_cfg = SimulatorConfig.from_config(config)
    sim = run_cohort(n, sim_cfg, history_months, horizon_months, int(data["burn_in_months"]),
                     cohort_seed)
    labeler_cfg = LabelerConfig.from_dict(config["labeler"])
    y = label(sim.horizon, labeler_cfg)
    hits = rule_hits(sim.horizon, labeler_cfg)
    log(f"base rate {y.mean():.3f}; rules: "
        + ", ".join(f"{k} {v.mean():.3f}" for k, v in hits.items()))
    log.done("generate")

    # -- features through shared_features only ---------------------------------------------------
    panel = mask_history(panel_values(sim.history), config["masking"],
                         np.random.default_rng(mask_seed))
    raw = raw_feature_matrix(compute_raw_features(panel))
    splits = split_indices(n, float(data["train_fraction"]), float(data["validation_fraction"]),
                           np.random.default_rng(split_seed))
    bands = RiskBands(moderate=float(config["bands"]["moderate"]),
                      high=float(config["bands"]["high"]))
    spec = fit_spec(raw[splits["train"]], history_months=history_months,
                    horizon_months=horizon_months, risk_bands=bands)
    x = spec.transform(raw)
    test = splits["test"]
    log(f"features {x.shape[1]} x {n:,}; split " +
        " / ".join(f"{k} {len(v):,}" for k, v in splits.items()))
    log.done("features")

    # -- oracle ----------------------------------------------------------------------------------
    oc = config["oracle"]
    log(f"oracle: {len(test):,} test persons x {int(oc['n_futures'])} futures")
    _, oracle_p = oracle_probability(
        sim.population.take(test), sim.end_state.take(test), sim_cfg, horizon_months,
        labeler_cfg, int(oc["n_futures"]), oracle_seed, int(oc.get("chunk_persons", 2500)))
    log.done("oracle")

    # -- models ----------------------------------------------------------------------------------
    mc = config["model"]
    train_cfg = TrainConfig.from_dict(config["train"])
    torch.manual_seed(torch_seed)
    model = build_model(x.shape[1], mc, spec.feature_names)
    temperature, model_p, model_result = _fit_and_score("model", model, x, y, splits,
                                                        train_cfg, torch_seed, log)
    log.done("train_model")
    torch.manual_seed(torch_seed)
    base_cfg = TrainConfig.from_dict(config["baseline"], batch_size=train_cfg.batch_size)
    base_t, base_p, _ = _fit_and_score("baseline", LogisticRegression(x.shape[1]), x, y, splits,
                                       base_cfg, torch_seed, log)
    log.done("train_baseline")

    # -- evaluate --------------------------------------------------------------------------------
    ev = config["evaluation"]
    threshold = float(config["bands"][ev["threshold"]])
    ece_bins = int(ev["ece_bins"])
    y_test = y[test]
    probs = {"model": model_p, "baseline": base_p, "oracle": oracle_p}
    test_metrics = {k: evaluate(y_test, p, threshold, ece_bins) for k, p in probs.items()}
    # Stress often persists: split the test persons by whether the same rules already fired in
    # the last horizon-length window of their history. Onset is the harder, more useful case.
    already = label({k: v[:, -horizon_months:] for k, v in sim.history.items()},
                    labeler_cfg)[test].astype(bool)
    groups = {**_subsets(panel, test),
              "onset (not stressed in the last months of history)": ~already,
              "persistence (already stressed in the last months of history)": already}
    subsets = {name: {k: evaluate(y_test[m], p[m], threshold, ece_bins) for k, p in probs.items()}
               for name, m in groups.items() if m.sum() > 50}
    for k, m in test_metrics.items():
        log(f"test {k:8s} AUC {m['roc_auc']:.4f}  log-loss {m['log_loss']:.4f}  "
            f"Brier {m['brier']:.4f}  ECE {m['ece']:.4f}")
    log.done("evaluate")

    diagnostics: dict[str, Any] = {}
    dc = config.get("diagnostic", {})
    if dc.get("hidden_params", False):
        # Same architecture and training; the hidden parameters enter as free features.
        hidden = standardise(hidden_features(sim.population, sim.end_state,
                                             len(sim_cfg.archetype_names)), splits["train"])
        diagnostics["hidden_params"] = _diagnostic(
            "hidden_params", np.hstack([x, hidden]), mc, spec, y, splits, train_cfg,
            torch_seed, threshold, ece_bins, log)
    if dc.get("raw_panel", False):
        # The engineered features plus every uploaded cell: information in the upload that the
        # shared_features summaries do not pass on.
        cells = standardise(raw_panel_features(panel.values, panel.observed), splits["train"])
        diagnostics["raw_panel"] = _diagnostic(
            "raw_panel", np.hstack([x, cells]), mc, spec, y, splits, train_cfg, torch_seed,
            threshold, ece_bins, log)
    if dc.get("unconstrained", False) and mc.get("kind", "monotone") != "mlp":
        # What the monotonicity guarantee costs: the same features, an unconstrained MLP.
        free = {**mc, "kind": "mlp", "activation": "silu", "dropout": 0.0}
        diagnostics["unconstrained_mlp"] = _diagnostic(
            "unconstrained_mlp", x, free, spec, y, splits, train_cfg, torch_seed, threshold,
            ece_bins, log)

    # -- export ----------------------------------------------------------------------------------
    scorer = CalibratedScorer(model, temperature).eval()
    model_path = out / "model.onnx"
    export_onnx(scorer, spec, model_path)
    parity = check_parity(model_path, scorer, x[test], float(config["export"]["parity_tolerance"]))
    log(f"model.onnx written; parity torch vs onnxruntime on {len(test):,} persons: "
        f"max |diff| {parity:.2e}")

    sample = _reference_persons(panel, test, y, int(config["export"]["reference_persons"]),
                                np.random.default_rng(split_seed + 1))
    write_reference_sample(panel.take(sample), str(data["last_history_month"]),
                           out / "reference_sample.csv")
    write_json(reference_predictions(out / "reference_sample.csv", spec, model_path),
               out / "reference_predictions.json")

    targets = _targets(test_metrics)
    spec.calibration = {"method": str(config["calibration"]["method"]),
                        "temperature": temperature, "applied_in_model": True}
    spec.provenance = {
        "model_sha256": file_sha256(model_path),
        "generator_config_sha256": config_mod.sha256_of(config_mod.generator_config(config)),
        "training_config_sha256": config_mod.sha256_of(config),
        "seed": seed,
        "trained_at": _trained_at(config),
        "test_metrics": test_metrics["model"],
    }
    spec.save(out / "feature_spec.json")
    log.done("export")

    # -- report ----------------------------------------------------------------------------------
    report = {
        "spec_version": FEATURE_SPEC_VERSION,
        "seed": seed,
        "n_people": n,
        "n_features": int(x.shape[1]),
        "history_months": history_months,
        "horizon_months": horizon_months,
        "splits": {k: int(len(v)) for k, v in splits.items()},
        "threshold": {"band": ev["threshold"], "value": threshold},
        "test": test_metrics,
        "targets": targets,
        "diagnostic_hidden": diagnostics.get("hidden_params"),
        "diagnostic_unconstrained": diagnostics.get("unconstrained_mlp"),
        "diagnostic_raw_panel": diagnostics.get("raw_panel"),
        "subsets": subsets,
        "label_rules": {k: float(v[test].mean()) for k, v in hits.items()},
        "calibration": {"method": "temperature", "temperature": temperature,
                        "baseline_temperature": base_t},
        "training": {"best_epoch": model_result.best_epoch,
                     "epochs_run": len(model_result.history),
                     "best_val_loss": model_result.best_val_loss,
                     "history": model_result.history},
        "parity": {"max_abs_diff": parity, "n": int(len(test)),
                   "tolerance": float(config["export"]["parity_tolerance"])},
        "provenance": {k: v for k, v in spec.provenance.items() if k != "test_metrics"},
    }
    write_plots(y_test, probs, test_metrics, out / "plots", ece_bins)
    (out / "model_card.md").write_text(model_card(report, config))
    log.done("report")
    report["run_seconds"] = {**log.stages, "total": round(time.perf_counter() - log.start, 1)}
    write_json(report, out / "metrics.json")
    log(f"artifact written to {out} in {report['run_seconds']['total']:.0f}s")
    return report


def _diagnostic(name: str, x: np.ndarray, model_cfg: dict[str, Any], spec: FeatureSpec,
                y: np.ndarray, splits: dict[str, np.ndarray], train_cfg: TrainConfig, seed: int,
                threshold: float, ece_bins: int, log: Progress) -> dict[str, Any]:
    """Train and score a model that is reported but never exported."""
    torch.manual_seed(seed)
    model = build_model(x.shape[1], model_cfg, spec.feature_names)
    _, p, _ = _fit_and_score(name, model, x, y, splits, train_cfg, seed, log)
    result = evaluate(y[splits["test"]], p, threshold, ece_bins)
    result["n_features"] = int(x.shape[1])
    log(f"diagnostic {name}: AUC {result['roc_auc']:.4f} log-loss {result['log_loss']:.4f}")
    log.done(f"diagnostic_{name}")
    return result


def _reference_persons(panel: MonthlyPanel, test: np.ndarray, y: np.ndarray, k: int,
                       rng: np.random.Generator) -> np.ndarray:
    """A mix of test persons: complete uploads, short histories, missing columns, stressed."""
    groups = _subsets(panel, test)
    picks: list[np.ndarray] = []
    quota = [max(1, k // 4)] * 3
    for mask, q in zip(groups.values(), quota, strict=True):
        pool = np.setdiff1d(test[mask], np.concatenate(picks) if picks else [])
        picks.append(rng.choice(pool, size=min(q, len(pool)), replace=False))
    chosen = np.concatenate(picks)
    stressed = np.setdiff1d(test[y[test] == 1], chosen)
    rest = k - len(chosen)
    picks.append(rng.choice(stressed, size=min(rest, len(stressed)), replace=False))
    return np.sort(np.concatenate(picks)).astype(int)


def _targets(t: dict[str, dict[str, float]]) -> dict[str, dict[str, Any]]:
    m, b, o = t["model"], t["baseline"], t["oracle"]
    auc_gap = m["roc_auc"] - o["roc_auc"]
    ll_ratio = m["log_loss"] / o["log_loss"]
    return {
        "roc_auc_minus_oracle": {"value": auc_gap, "target": ">= -0.01",
                                 "met": bool(auc_gap >= -0.01)},
        "log_loss_over_oracle": {"value": ll_ratio, "target": "<= 1.03",
                                 "met": bool(ll_ratio <= 1.03)},
        "ece": {"value": m["ece"], "target": "<= 0.02", "met": bool(m["ece"] <= 0.02)},
        "log_loss_minus_baseline": {"value": m["log_loss"] - b["log_loss"], "target": "< 0",
                                    "met": bool(m["log_loss"] < b["log_loss"])},
        "base_rate": {"value": m["base_rate"], "target": "0.10 .. 0.35",
                      "met": bool(0.10 <= m["base_rate"] <= 0.35)},
    }
