"""The whole run, stage by stage: generate -> features -> oracle -> model -> comparisons ->
evaluate -> diagnostics -> export -> report. ``run`` lists the stages; each stage is a function
that takes what earlier stages produced and logs its progress."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
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

from .calibration import apply_temperature, fit_temperature
from .config import ModelConfig, TrainConfig, TrainingConfig
from .dataset import FeatureDataset, split_indices
from .diagnostic import hidden_features, raw_panel_features, standardise
from .export import (
    check_parity,
    export_onnx,
    reference_predictions,
    write_json,
    write_reference_sample,
)
from .gbm import constraint_costs, fit_lightgbm
from .labeler import label, rule_hits
from .masking import mask_history
from .metrics import evaluate
from .model import (
    CalibratedScorer,
    LogisticRegression,
    build_model,
    feature_directions,
    quantile_edges,
)
from .oracle import oracle_probability
from .report import model_card, write_plots
from .simulator import Simulation, panel_values, run_cohort
from .train_loop import TrainResult, predict_logits, train


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


@dataclass(frozen=True)
class Seeds:
    """Independent streams for each random stage, derived from the one run seed."""

    cohort: int
    mask: int
    split: int
    oracle: int
    torch: int

    @classmethod
    def from_seed(cls, seed: int) -> Seeds:
        return cls(*(int(s) for s in np.random.SeedSequence(seed).generate_state(5)))


@dataclass
class Generated:
    sim: Simulation
    labels: np.ndarray  # (persons, 1 + rules) float32: overall stress, then each enabled rule
    rules: list[str]  # the enabled rules, in label-column order
    already: np.ndarray  # bool: the rules already fired in the last horizon-length of history

    @property
    def y(self) -> np.ndarray:
        return self.labels[:, 0]


@dataclass
class Features:
    panel: MonthlyPanel
    raw: np.ndarray
    spec: FeatureSpec
    x: np.ndarray
    splits: dict[str, np.ndarray]

    @property
    def test(self) -> np.ndarray:
        return self.splits["test"]


@dataclass
class Fitted:
    """A trained network with one validation-fitted temperature per head."""

    net: torch.nn.Module
    temperatures: list[float]
    test_probability: np.ndarray  # (test persons, heads), calibrated
    result: TrainResult


def run(config: TrainingConfig | dict[str, Any], out_dir: str | Path,
        log: Progress | None = None) -> dict[str, Any]:
    """Run the pipeline with a loaded config; write the artifact into ``out_dir``."""
    cfg = config if isinstance(config, TrainingConfig) else TrainingConfig.from_dict(config)
    log = log or Progress()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    seeds = Seeds.from_seed(cfg.run.seed)
    torch.set_num_threads(cfg.run.threads)
    torch.use_deterministic_algorithms(True)

    data = generate(cfg, seeds, log)
    feats = make_features(cfg, data, seeds, log)
    oracle_p = run_oracle(cfg, data, feats, seeds, log)
    model = fit_model(cfg, data, feats, seeds, log)
    comparisons = fit_comparisons(cfg, data, feats, seeds, log)
    evaluation = evaluate_all(cfg, data, feats, model, comparisons, oracle_p, log)
    diagnostics = run_diagnostics(cfg, data, feats, seeds, log)
    parity = export_artifact(cfg, data, feats, model, seeds, out, log)
    return write_report(cfg, data, feats, model, comparisons, evaluation, diagnostics, parity,
                        out, log)


# -- stages --------------------------------------------------------------------------------------

def generate(cfg: TrainingConfig, seeds: Seeds, log: Progress) -> Generated:
    """Simulate the cohort and label its horizon: overall stress and each enabled rule."""
    d = cfg.data
    log(f"simulating {d.n_people:,} people: {d.burn_in_months} burn-in + {d.history_months} "
        f"history + {d.horizon_months} horizon months")
    sim = run_cohort(d.n_people, cfg.simulator, d.history_months, d.horizon_months,
                     d.burn_in_months, seeds.cohort)
    hits = rule_hits(sim.horizon, cfg.labeler)
    y = label(sim.horizon, cfg.labeler)
    labels = np.column_stack([y, *(hits[r].astype(np.float32) for r in hits)])
    # Stress often persists: whether the same rules already fired in the last horizon-length
    # window of the history splits the evaluation into onset and persistence.
    already = label({k: v[:, -d.horizon_months:] for k, v in sim.history.items()},
                    cfg.labeler).astype(bool)
    log(f"base rate {y.mean():.3f}; rules: "
        + ", ".join(f"{k} {v.mean():.3f}" for k, v in hits.items()))
    log.done("generate")
    return Generated(sim, labels.astype(np.float32), list(hits), already)


def make_features(cfg: TrainingConfig, data: Generated, seeds: Seeds, log: Progress
                  ) -> Features:
    """Mask the history like real uploads, engineer features through shared_features only."""
    d = cfg.data
    panel = mask_history(panel_values(data.sim.history), cfg.masking,
                         np.random.default_rng(seeds.mask))
    raw = raw_feature_matrix(compute_raw_features(panel))
    splits = split_indices(d.n_people, d.train_fraction, d.validation_fraction,
                           np.random.default_rng(seeds.split))
    spec = fit_spec(raw[splits["train"]], history_months=d.history_months,
                    horizon_months=d.horizon_months,
                    risk_bands=RiskBands(cfg.bands.moderate, cfg.bands.high),
                    components=list(data.rules))
    x = spec.transform(raw)
    log(f"features {x.shape[1]} x {d.n_people:,}; split "
        + " / ".join(f"{k} {len(v):,}" for k, v in splits.items()))
    log.done("features")
    return Features(panel, raw, spec, x, splits)


def run_oracle(cfg: TrainingConfig, data: Generated, feats: Features, seeds: Seeds,
               log: Progress) -> np.ndarray:
    """The true probability of each test person, by re-simulating their horizon."""
    o, test = cfg.oracle, feats.test
    log(f"oracle: {len(test):,} test persons x {o.n_futures} futures")
    _, p = oracle_probability(data.sim.population.take(test), data.sim.end_state.take(test),
                              cfg.simulator, cfg.data.horizon_months, cfg.labeler, o.n_futures,
                              seeds.oracle, o.chunk_persons)
    log.done("oracle")
    return p


def _fit(name: str, net: torch.nn.Module, x: np.ndarray, labels: np.ndarray,
         splits: dict[str, np.ndarray], train_cfg: TrainConfig, seed: int, log: Progress
         ) -> Fitted:
    """Train, fit one temperature per head on validation, calibrated test probabilities."""
    sets = {k: FeatureDataset(x[splits[k]], labels[splits[k]]) for k in ("train", "validation")}
    result = train(net, sets["train"], sets["validation"], train_cfg, seed, log=log, name=name)
    val_logits = predict_logits(net, x[splits["validation"]])
    val_labels = labels[splits["validation"]].reshape(len(val_logits), -1)
    temperatures = [fit_temperature(val_logits[:, k], val_labels[:, k])
                    for k in range(val_logits.shape[1])]
    test_logits = predict_logits(net, x[splits["test"]])
    test_p = np.column_stack([apply_temperature(test_logits[:, k], t)
                              for k, t in enumerate(temperatures)])
    log(f"{name}: best epoch {result.best_epoch}, val loss {result.best_val_loss:.5f}, "
        f"temperatures {', '.join(f'{t:.3f}' for t in temperatures)}")
    return Fitted(net, temperatures, test_p, result)


def fit_model(cfg: TrainingConfig, data: Generated, feats: Features, seeds: Seeds,
              log: Progress) -> Fitted:
    """The exported network: shared layers, one head for stress and one per enabled rule."""
    torch.manual_seed(seeds.torch)
    bins = cfg.model.encoding_bins
    edges = quantile_edges(feats.x[feats.splits["train"]], bins) if bins > 0 else None
    net = build_model(feats.x.shape[1], cfg.model, feats.spec.feature_names,
                      n_heads=data.labels.shape[1], edges=edges)
    fitted = _fit("model", net, feats.x, data.labels, feats.splits, cfg.train, seeds.torch, log)
    log.done("train_model")
    return fitted


def fit_comparisons(cfg: TrainingConfig, data: Generated, feats: Features, seeds: Seeds,
                    log: Progress) -> dict[str, Any]:
    """Logistic regression (same loop) and LightGBM on the same features and split."""
    torch.manual_seed(seeds.torch)
    baseline = _fit("baseline", LogisticRegression(feats.x.shape[1]), feats.x, data.y,
                    feats.splits, cfg.baseline, seeds.torch, log)
    out: dict[str, Any] = {"baseline": baseline.test_probability[:, 0],
                           "baseline_temperature": baseline.temperatures[0]}
    log.done("train_baseline")
    if not cfg.lightgbm.enabled:
        return out
    variants = {"lightgbm": None}
    if cfg.lightgbm.monotone_too and cfg.model.kind == "monotone":
        variants["lightgbm_monotone"] = feature_directions(
            feats.spec.feature_names, cfg.model.increasing, cfg.model.decreasing)
    for name, directions in variants.items():
        gbm = fit_lightgbm(feats.x, data.y, feats.splits, cfg.lightgbm, seeds.torch % 2**31,
                           directions)
        out[name] = gbm.test_probability
        out[f"{name}_best_iteration"] = gbm.best_iteration
        log(f"{name}: best iteration {gbm.best_iteration}")
        log.done(f"train_{name}")
    return out


def _subsets(panel: MonthlyPanel, index: np.ndarray) -> dict[str, np.ndarray]:
    """Boolean masks over ``index``: complete uploads, short histories, missing columns."""
    full = panel.observed[index].all(axis=1)
    cols = [FIELD_NAMES.index(f) for f in OPTIONAL_FIELDS]
    last = panel.values[index, -1][:, cols]
    all_fields = ~np.isnan(last).any(axis=1)
    return {"complete (12 months, all columns)": full & all_fields,
            "short history": ~full,
            "missing a column": ~all_fields}


def evaluate_all(cfg: TrainingConfig, data: Generated, feats: Features, model: Fitted,
                 comparisons: dict[str, Any], oracle_p: np.ndarray, log: Progress
                 ) -> dict[str, Any]:
    """Test metrics for every contender, by subset, and for each stress component."""
    test, bins, threshold = feats.test, cfg.evaluation.ece_bins, cfg.threshold
    y = data.y[test]
    probs = {"model": model.test_probability[:, 0],
             **{k: comparisons[k] for k in ("lightgbm", "lightgbm_monotone", "baseline")
                if k in comparisons},
             "oracle": oracle_p}
    metrics = {k: evaluate(y, p, threshold, bins) for k, p in probs.items()}
    already = data.already[test]
    groups = {**_subsets(feats.panel, test),
              "onset (not stressed in the last months of history)": ~already,
              "persistence (already stressed in the last months of history)": already}
    subsets = {name: {k: evaluate(y[m], p[m], threshold, bins) for k, p in probs.items()}
               for name, m in groups.items() if m.sum() > 50}
    components = {rule: evaluate(data.labels[test, k + 1], model.test_probability[:, k + 1],
                                 threshold, bins)
                  for k, rule in enumerate(data.rules)}
    for k, m in metrics.items():
        log(f"test {k:8s} AUC {m['roc_auc']:.4f}  log-loss {m['log_loss']:.4f}  "
            f"Brier {m['brier']:.4f}  ECE {m['ece']:.4f}")
    for rule, m in components.items():
        log(f"component {rule}: AUC {m['roc_auc']:.4f}  ECE {m['ece']:.4f}")
    log.done("evaluate")
    return {"test": metrics, "subsets": subsets, "components": components, "probs": probs}


def run_diagnostics(cfg: TrainingConfig, data: Generated, feats: Features, seeds: Seeds,
                    log: Progress) -> dict[str, Any]:
    """Models that are reported but never exported: what hidden state, every uploaded cell,
    dropping the monotone guarantee or lifting any one of its constraints would add."""
    dc, x, out = cfg.diagnostic, feats.x, {}
    variants: dict[str, tuple[np.ndarray, ModelConfig]] = {}
    if dc.hidden_params:
        sim = data.sim
        hidden = hidden_features(sim.population, sim.end_state,
                                 len(cfg.simulator.archetype_names))
        variants["hidden_params"] = (np.hstack([x, standardise(hidden, feats.splits["train"])]),
                                     cfg.model)
    if dc.raw_panel:
        cells = raw_panel_features(feats.panel.values, feats.panel.observed)
        variants["raw_panel"] = (np.hstack([x, standardise(cells, feats.splits["train"])]),
                                 cfg.model)
    if dc.unconstrained and cfg.model.kind != "mlp":
        variants["unconstrained_mlp"] = (x, cfg.model.unconstrained())
    for name, (xv, model_cfg) in variants.items():
        torch.manual_seed(seeds.torch)
        net = build_model(xv.shape[1], model_cfg, feats.spec.feature_names)
        fitted = _fit(name, net, xv, data.y, feats.splits, cfg.train, seeds.torch, log)
        result = evaluate(data.y[feats.test], fitted.test_probability[:, 0], cfg.threshold,
                          cfg.evaluation.ece_bins)
        result["n_features"] = int(xv.shape[1])
        log(f"diagnostic {name}: AUC {result['roc_auc']:.4f} log-loss {result['log_loss']:.4f}")
        log.done(f"diagnostic_{name}")
        out[name] = result
    if dc.constraint_costs and cfg.lightgbm.enabled and cfg.model.kind == "monotone":
        names = list(feats.spec.feature_names)
        directions = feature_directions(names, cfg.model.increasing, cfg.model.decreasing)
        test_y = data.y[feats.test]
        out["constraint_costs"] = constraint_costs(
            x, data.y, feats.splits, cfg.lightgbm, seeds.torch % 2**31, names, directions,
            lambda p: evaluate(test_y, p, cfg.threshold, cfg.evaluation.ece_bins))
        log.done("diagnostic_constraint_costs")
    return out


def export_artifact(cfg: TrainingConfig, data: Generated, feats: Features, model: Fitted,
                    seeds: Seeds, out: Path, log: Progress) -> float:
    """model.onnx (calibrated, with component outputs), feature_spec.json, reference sample."""
    scorer = CalibratedScorer(model.net, model.temperatures).eval()
    spec, test = feats.spec, feats.test
    model_path = out / "model.onnx"
    export_onnx(scorer, spec, model_path)
    parity = check_parity(model_path, scorer, feats.x[test], cfg.export.parity_tolerance)
    log(f"model.onnx written; parity torch vs onnxruntime on {len(test):,} persons: "
        f"max |diff| {parity:.2e}")

    sample = _reference_persons(feats.panel, test, data.y, cfg.export.reference_persons,
                                np.random.default_rng(seeds.split + 1))
    write_reference_sample(feats.panel.take(sample), cfg.data.last_history_month,
                           out / "reference_sample.csv")
    write_json(reference_predictions(out / "reference_sample.csv", spec, model_path),
               out / "reference_predictions.json")
    spec.calibration = {"method": cfg.calibration_method, "temperature": model.temperatures[0],
                        "component_temperatures": dict(zip(data.rules, model.temperatures[1:],
                                                           strict=True)),
                        "applied_in_model": True}
    spec.provenance = {
        "model_sha256": file_sha256(model_path),
        "generator_config_sha256": cfg.generator_sha256,
        "training_config_sha256": cfg.sha256,
        "seed": cfg.run.seed,
        "trained_at": _trained_at(cfg.run.trained_at),
    }
    spec.save(out / "feature_spec.json")
    log.done("export")
    return parity


def write_report(cfg: TrainingConfig, data: Generated, feats: Features, model: Fitted,
                 comparisons: dict[str, Any], evaluation: dict[str, Any],
                 diagnostics: dict[str, Any], parity: float, out: Path, log: Progress
                 ) -> dict[str, Any]:
    """metrics.json, the model card and the plots."""
    test_metrics, test = evaluation["test"], feats.test
    d = cfg.data
    feats.spec.provenance["test_metrics"] = test_metrics["model"]
    feats.spec.save(out / "feature_spec.json")
    report = {
        "spec_version": FEATURE_SPEC_VERSION,
        "seed": cfg.run.seed,
        "n_people": d.n_people,
        "n_features": int(feats.x.shape[1]),
        "history_months": d.history_months,
        "horizon_months": d.horizon_months,
        "splits": {k: int(len(v)) for k, v in feats.splits.items()},
        "threshold": {"band": cfg.evaluation.threshold, "value": cfg.threshold},
        "test": test_metrics,
        "components": evaluation["components"],
        "targets": _targets(test_metrics),
        "diagnostic_hidden": diagnostics.get("hidden_params"),
        "diagnostic_unconstrained": diagnostics.get("unconstrained_mlp"),
        "diagnostic_raw_panel": diagnostics.get("raw_panel"),
        "diagnostic_constraint_costs": diagnostics.get("constraint_costs"),
        "subsets": evaluation["subsets"],
        "label_rules": {r: float(data.labels[test, k + 1].mean())
                        for k, r in enumerate(data.rules)},
        "calibration": {"method": cfg.calibration_method, "temperature": model.temperatures[0],
                        "component_temperatures": dict(zip(data.rules, model.temperatures[1:],
                                                           strict=True)),
                        "baseline_temperature": comparisons["baseline_temperature"]},
        "lightgbm": {k: comparisons.get(f"{k}_best_iteration")
                     for k in ("lightgbm", "lightgbm_monotone")},
        "training": {"best_epoch": model.result.best_epoch,
                     "epochs_run": len(model.result.history),
                     "best_val_loss": model.result.best_val_loss,
                     "history": model.result.history},
        "parity": {"max_abs_diff": parity, "n": int(len(test)),
                   "tolerance": cfg.export.parity_tolerance},
        "provenance": {k: v for k, v in feats.spec.provenance.items() if k != "test_metrics"},
    }
    write_plots(data.y[test], evaluation["probs"], test_metrics, out / "plots",
                cfg.evaluation.ece_bins)
    (out / "model_card.md").write_text(model_card(report, cfg.raw))
    log.done("report")
    report["run_seconds"] = {**log.stages, "total": round(time.perf_counter() - log.start, 1)}
    write_json(report, out / "metrics.json")
    log(f"artifact written to {out} in {report['run_seconds']['total']:.0f}s")
    return report


# -- helpers -------------------------------------------------------------------------------------

def _trained_at(fixed: str) -> str:
    if fixed:
        return fixed
    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # reproducible-build convention
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return when.replace(microsecond=0).isoformat()


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
    out: dict[str, dict[str, Any]] = {}
    if "lightgbm" in t:
        g = t["lightgbm"]
        out["roc_auc_minus_lightgbm"] = {"value": m["roc_auc"] - g["roc_auc"], "target": ">= 0",
                                         "met": bool(m["roc_auc"] >= g["roc_auc"])}
        out["log_loss_minus_lightgbm"] = {"value": m["log_loss"] - g["log_loss"],
                                          "target": "<= 0",
                                          "met": bool(m["log_loss"] <= g["log_loss"])}
    if "lightgbm_monotone" in t:
        g = t["lightgbm_monotone"]
        out["roc_auc_minus_lightgbm_monotone"] = {
            "value": m["roc_auc"] - g["roc_auc"], "target": ">= 0",
            "met": bool(m["roc_auc"] >= g["roc_auc"])}
        out["log_loss_minus_lightgbm_monotone"] = {
            "value": m["log_loss"] - g["log_loss"], "target": "<= 0",
            "met": bool(m["log_loss"] <= g["log_loss"])}
    out.update({
        "ece": {"value": m["ece"], "target": "<= 0.01", "met": bool(m["ece"] <= 0.01)},
        "roc_auc_minus_oracle": {"value": m["roc_auc"] - o["roc_auc"], "target": ">= -0.01",
                                 "met": bool(m["roc_auc"] - o["roc_auc"] >= -0.01)},
        "log_loss_over_oracle": {"value": m["log_loss"] / o["log_loss"], "target": "<= 1.03",
                                 "met": bool(m["log_loss"] / o["log_loss"] <= 1.03)},
        "log_loss_minus_baseline": {"value": m["log_loss"] - b["log_loss"], "target": "< 0",
                                    "met": bool(m["log_loss"] < b["log_loss"])},
        "base_rate": {"value": m["base_rate"], "target": "0.10 .. 0.35",
                      "met": bool(0.10 <= m["base_rate"] <= 0.35)},
    })
    return out
