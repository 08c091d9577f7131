"""The training report: ROC / PR / calibration plots (PNG) and the markdown model card."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .metrics import calibration_curve, precision_recall_curve, roc_curve  # noqa: E402

_STYLE = {"model": ("model (calibrated)", "C0", "-"), "lightgbm": ("LightGBM", "C3", "-."),
          "lightgbm_monotone": ("LightGBM, same monotone constraints", "C4", "-."),
          "baseline": ("logistic baseline", "C1", "--"),
          "oracle": ("oracle (true probability)", "C2", ":")}


def _save(fig: plt.Figure, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def write_plots(y: np.ndarray, probabilities: dict[str, np.ndarray], metrics: dict[str, Any],
                out_dir: Path, n_bins: int = 15) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(5, 5))
    for key, p in probabilities.items():
        label, color, ls = _STYLE[key]
        fpr, tpr, _ = roc_curve(y, p)
        ax.plot(fpr, tpr, color=color, ls=ls, label=f"{label}: AUC {metrics[key]['roc_auc']:.3f}")
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8)
    ax.set(xlabel="false-positive rate", ylabel="true-positive rate", title="ROC (test)")
    ax.legend(loc="lower right", fontsize=8)
    _save(fig, out_dir / "roc.png")

    fig, ax = plt.subplots(figsize=(5, 5))
    for key, p in probabilities.items():
        label, color, ls = _STYLE[key]
        precision, recall, _ = precision_recall_curve(y, p)
        ax.plot(np.r_[0.0, recall], np.r_[1.0, precision], color=color, ls=ls,
                label=f"{label}: AP {metrics[key]['pr_auc']:.3f}")
    ax.axhline(float(np.mean(y)), color="grey", lw=0.8, label="base rate")
    ax.set(xlabel="recall", ylabel="precision", title="Precision-recall (test)", ylim=(0, 1.02))
    ax.legend(loc="lower left", fontsize=8)
    _save(fig, out_dir / "pr.png")

    fig, ax = plt.subplots(figsize=(5, 5))
    for key, p in probabilities.items():
        label, color, ls = _STYLE[key]
        mean_p, rate, _ = calibration_curve(y, p, n_bins)
        ax.plot(mean_p, rate, color=color, ls=ls, marker="o", ms=3,
                label=f"{label}: ECE {metrics[key]['ece']:.3f}")
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8)
    ax.set(xlabel="predicted probability", ylabel="observed stress rate",
           title=f"Calibration (test, {n_bins} bins)")
    ax.legend(loc="upper left", fontsize=8)
    _save(fig, out_dir / "calibration.png")


def _row(name: str, m: dict[str, float]) -> str:
    keys = ("roc_auc", "pr_auc", "log_loss", "brier", "ece", "accuracy", "precision", "recall",
            "f1")
    return f"| {name} | " + " | ".join(f"{m[k]:.4f}" for k in keys) + " |"


def model_card(report: dict[str, Any], cfg: dict[str, Any]) -> str:
    """Markdown model card from the run report (what metrics.json holds) and the config."""
    t = report["test"]
    d = report.get("diagnostic_hidden")
    u = report.get("diagnostic_unconstrained")
    targets = report["targets"]
    mc = cfg["model"]
    if mc.get("kind", "monotone") == "mlp":
        what = (f"A PyTorch MLP (widths {mc['widths']}, {mc['activation']}, dropout "
                f"{mc['dropout']})")
    else:
        mono = mc.get("monotone", {})
        what = (f"A PyTorch monotone MLP (widths {mc['widths']}; risk provably non-decreasing "
                f"in {', '.join(mono.get('increasing', []))} and non-increasing in "
                f"{', '.join(mono.get('decreasing', []))})")
    lines = [
        "# Model card: financial-stress risk scorer",
        "",
        "## What it is",
        f"{what} over the {report['n_features']} engineered, standardised "
        "features of `shared_features` (spec version "
        f"{report['spec_version']}), exported to ONNX with temperature scaling folded in. "
        f"Output: calibrated P(financial stress within the next {report['horizon_months']} "
        f"months) from up to {report['history_months']} months of monthly records, and one "
        "calibrated probability per kind of stress (one head per labeler rule on the same "
        "shared layers). No input is in currency units: the same person written in another "
        "currency gets the same probabilities.",
        "",
        "## Intended use and limits",
        "- A screening and conversation aid for a person or an analyst: how stretched are these "
        "finances, and what would help. Not a credit decision and not a substitute for advice.",
        "- Trained only on **simulated** households (no real person's data). Its figures are "
        "measured against the simulator, not real outcomes; what carries over is how missed "
        "payments, utilisation, thin savings, volatile income and short histories relate to "
        "later stress in the simulator, whose defaults are grounded in published statistics "
        "(see `training/config.toml`).",
        "- `total_debt` is read as consumer debt (cards + installment loans, no mortgage); "
        "housing costs belong in `expenses`. Uploads that put a mortgage into `total_debt` will "
        "look more indebted than the training population. Utilisation is total_debt / "
        "credit_limit (shared_features), so installment loans push it above 1; the simulated "
        "stress rule looks at the card balance carried against the line, which an upload does "
        "not show.",
        "- Missing optional columns and short histories are handled (the model was trained with "
        "them masked) but make the estimate less certain.",
        "",
        "## Training data",
        f"- {report['n_people']:,} simulated people (seed {report['seed']}), split "
        f"{report['splits']['train']:,} / {report['splits']['validation']:,} / "
        f"{report['splits']['test']:,} (train / validation / test).",
        "- Month-by-month simulator with archetypes "
        + ", ".join(f"{k} ({v['weight']:.0%})" for k, v in cfg["archetypes"].items())
        + ": employment with job-loss and re-employment hazards, income level, growth, lasting "
        "shocks and volatility, essential and discretionary spending, expense shocks, card and "
        "installment debt with interest and minimum payments; shortfalls go to the card up to "
        "its limit, then payments are missed. A missed payment stays due on top of the next "
        "minimum (so one miss often rolls into the next), and a minority of payers lets "
        "payments slip even with the money there (delinquency transition and roll rates: NY "
        "Fed Household Debt and Credit, CFPB card market reports; sources in "
        "`training/config.toml`). Days past due count the minimums left unpaid: paying "
        "nothing rolls a card on, paying the minimum holds it, paying everything cures it, and "
        "at 180 days it is charged off - and owed to a collector, unpaid months still missed "
        "payments. As statements show them, the debt payments include the "
        "settled card statement (a transactor's full payment) and the credit limit is the line "
        "granted, also while a delinquent card is blocked.",
        "- Per person, optional columns are dropped at rates "
        + ", ".join(f"{k} {cfg['masking'][k]:.0%}" for k in
                    ("debt_payments", "liquid_savings", "total_debt", "credit_limit",
                     "missed_payments"))
        + f"; {cfg['masking']['short_history_share']:.0%} of persons have 1-"
        f"{report['history_months'] - 1} months of history instead of {report['history_months']}.",
        "",
        "## Label",
        "Stress = any enabled rule fires within the horizon (training/labeler.py, [labeler]):",
        *(f"- `{name}`: " + ", ".join(f"{k} = {v}" for k, v in rule.items() if k != "enabled")
          for name, rule in cfg["labeler"].items()
          if isinstance(rule, dict) and rule.get("enabled", True)),
        f"- Test base rate {t['model']['base_rate']:.3f}; share of test persons each rule fires "
        "for: " + ", ".join(f"{k} {v:.3f}" for k, v in report["label_rules"].items()) + ".",
        "",
        "## Test metrics (same persons for all)",
        f"Threshold metrics at the {report['threshold']['band']} band threshold "
        f"p >= {report['threshold']['value']}. ECE with {cfg['evaluation']['ece_bins']} bins.",
        "",
        "| | ROC-AUC | PR-AUC | log-loss | Brier | ECE | accuracy | precision | recall | F1 |",
        "|---|---|---|---|---|---|---|---|---|---|",
        _row("model (calibrated)", t["model"]),
        *([_row("LightGBM (same features and split)", t["lightgbm"])] if "lightgbm" in t else []),
        *([_row("LightGBM, same monotone constraints", t["lightgbm_monotone"])]
          if "lightgbm_monotone" in t else []),
        _row("logistic baseline", t["baseline"]),
        _row(f"oracle ({cfg['oracle']['n_futures']} futures)", t["oracle"]),
    ]
    if d:
        lines.append(_row("diagnostic: model + hidden params", d))
    if u:
        lines.append(_row("diagnostic: unconstrained MLP", u))
    r = report.get("diagnostic_raw_panel")
    if r:
        lines.append(_row("diagnostic: model + every uploaded cell", r))
    lines += [
        "",
        "The oracle re-simulates each test person's horizon from their true end-of-history state "
        f"{cfg['oracle']['n_futures']} times; its smoothed share of stressed futures "
        "((k + 0.5) / (n + 1)) is the true probability up to sampling noise, and sets the "
        "ceiling for AUC and log-loss.",
        "",
        "### Targets",
        *(f"- {k}: {v['value']:.4f} (target {v['target']}) - "
          f"{'met' if v['met'] else 'NOT met'}" for k, v in targets.items()),
    ]
    if d:
        gap_auc = t["oracle"]["roc_auc"] - t["model"]["roc_auc"]
        closed = (d["roc_auc"] - t["model"]["roc_auc"]) / gap_auc if gap_auc > 0 else 0.0
        lines += [
            "",
            "### Where the gap to the oracle comes from",
            "A diagnostic model, trained identically but also given the simulator's hidden "
            "per-person parameters and true end-of-history state (employment, cash, card and "
            "loan balances, hazards), reaches ROC-AUC "
            f"{d['roc_auc']:.4f} and log-loss {d['log_loss']:.4f}: it closes {closed:.0%} of "
            "the AUC gap. That part is information an upload does not contain (masked columns, "
            "short histories, the split of debt into card and loans, employment status, "
            "personal hazards); the remainder is the model's own shortfall.",
        ]
    g, gm = t.get("lightgbm"), t.get("lightgbm_monotone")
    if g and gm:
        lines += [
            "",
            "### Against gradient boosting",
            "LightGBM on the same standardised features and split, early-stopped on the same "
            f"validation persons: ROC-AUC {g['roc_auc']:.4f}, log-loss {g['log_loss']:.4f} "
            f"free; {gm['roc_auc']:.4f} / {gm['log_loss']:.4f} under the model's own monotone "
            f"constraints. The model: {t['model']['roc_auc']:.4f} / "
            f"{t['model']['log_loss']:.4f}. The guarantees (risk never falls with more missed "
            "payments or utilisation, never rises with more income or savings) cost a tree "
            "ensemble about as much as they cost the network; the like-for-like comparison is "
            "the constrained one.",
        ]
    if u:
        lines += [
            "",
            "### What the monotonicity guarantee costs",
            f"An unconstrained MLP on the same features reaches ROC-AUC {u['roc_auc']:.4f} and "
            f"log-loss {u['log_loss']:.4f} on the same test persons, but its risk can rise with "
            "income or savings and fall with utilisation for some persons (tests/model/).",
        ]
    costs = report.get("diagnostic_constraint_costs")
    if costs:
        lines += _constraint_cost_lines(costs, g)
    sub = report.get("subsets", {})
    if sub:
        who = [k for k in ("model", "lightgbm", "lightgbm_monotone", "baseline", "oracle")
               if k in t]
        lines += ["", "### By subset (test): data completeness, onset vs persistence",
                  "AUC / log-loss / ECE of each.", "",
                  "| subset | n | base rate | " + " | ".join(who) + " |",
                  "|---|---|---|" + "---|" * len(who)]
        for name, s in sub.items():
            lines.append(f"| {name} | {s['model']['n']} | {s['model']['base_rate']:.3f} | "
                         + " | ".join(f"{s[k]['roc_auc']:.4f} / {s[k]['log_loss']:.4f} / "
                                      f"{s[k]['ece']:.4f}" for k in who) + " |")
    comp = report.get("components", {})
    if comp:
        lines += ["", "### Kinds of stress (one calibrated head per rule)",
                  "The same network, one output per enabled labeler rule (`component_<rule>` in "
                  "model.onnx), each with its own temperature, scored against that rule alone.",
                  "", "| rule | base rate | AUC | log-loss | ECE |", "|---|---|---|---|---|"]
        for rule, m in comp.items():
            lines.append(f"| {rule} | {m['base_rate']:.3f} | {m['roc_auc']:.4f} | "
                         f"{m['log_loss']:.4f} | {m['ece']:.4f} |")
    tr = report["training"]
    lines += [
        "",
        "## Training",
        f"- AdamW, batch {cfg['train']['batch_size']}, lr {cfg['train']['lr']}, weight decay "
        f"{cfg['train']['weight_decay']}, early stopping on validation loss (patience "
        f"{cfg['train']['patience']}): best epoch {tr['best_epoch']} of {tr['epochs_run']}.",
        "- Temperature scaling on the validation split, one temperature per head: T = "
        f"{report['calibration']['temperature']:.4f} for stress, "
        + ", ".join(f"{k} {v:.3f}" for k, v in
                    report["calibration"].get("component_temperatures", {}).items())
        + " (folded into model.onnx: every output is calibrated).",
        f"- ONNX parity with torch on all {report['parity']['n']:,} test persons: max |diff| "
        f"{report['parity']['max_abs_diff']:.2e}.",
        f"- Risk bands: Low < {cfg['bands']['moderate']} <= Moderate < {cfg['bands']['high']} "
        "<= High; risk score = round(100 x probability).",
        "",
        "## Reproduce",
        "```",
        "python -m training --config training/config.toml --out artifacts",
        "```",
        "Same config and seed give the same metrics and ONNX predictions.",
        "",
    ]
    return "\n".join(lines)


def _constraint_cost_lines(costs: dict[str, dict[str, float]], free: dict[str, float] | None
                           ) -> list[str]:
    """The table of what each monotone constraint costs LightGBM on the test set."""
    base = costs["all"]
    lines = ["", "### What each monotone constraint costs (LightGBM, one lifted at a time)",
             f"Under every constraint: ROC-AUC {base['roc_auc']:.4f}, log-loss "
             f"{base['log_loss']:.4f}"
             + (f"; with none: {free['roc_auc']:.4f} / {free['log_loss']:.4f}." if free else "."),
             "", "| constraint lifted | ROC-AUC | gain | log-loss | gain |",
             "|---|---|---|---|---|"]
    rows = sorted(((k, v) for k, v in costs.items() if k != "all"),
                  key=lambda kv: -kv[1]["log_loss_gain"])
    lines += [f"| {k} | {v['roc_auc']:.4f} | {v['auc_gain']:+.4f} | {v['log_loss']:.4f} | "
              f"{v['log_loss_gain']:+.4f} |" for k, v in rows]
    return lines
