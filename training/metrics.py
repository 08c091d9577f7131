"""Evaluation metrics in plain numpy (no sklearn): ranking, probability quality, thresholds."""

from __future__ import annotations

import numpy as np

_EPS = 1e-15


def _as_arrays(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=np.float64).ravel()
    p = np.asarray(p, dtype=np.float64).ravel()
    if y.shape != p.shape:
        raise ValueError(f"labels {y.shape} and scores {p.shape} differ in length")
    return y, p


def roc_auc(y: np.ndarray, p: np.ndarray) -> float:
    """Mann-Whitney form: P(score of a random positive > a random negative), ties count half."""
    y, p = _as_arrays(y, p)
    n_pos = y.sum()
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    _, inverse, counts = np.unique(p, return_inverse=True, return_counts=True)
    mid_rank = np.cumsum(counts) - (counts - 1) / 2.0  # average 1-based rank of each tie group
    ranks = mid_rank[inverse]
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def _cumulative_counts(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, ...]:
    """True/false positives at each distinct score, scanning from the highest down."""
    order = np.argsort(-p, kind="mergesort")
    y_sorted, p_sorted = y[order], p[order]
    last_of_group = np.r_[np.flatnonzero(np.diff(p_sorted)), len(p_sorted) - 1]
    tps = np.cumsum(y_sorted)[last_of_group]
    fps = (last_of_group + 1) - tps
    return tps, fps, p_sorted[last_of_group]


def roc_curve(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(false-positive rate, true-positive rate, thresholds), starting at (0, 0)."""
    y, p = _as_arrays(y, p)
    tps, fps, thresholds = _cumulative_counts(y, p)
    tpr = np.r_[0.0, tps / max(tps[-1], 1)]
    fpr = np.r_[0.0, fps / max(fps[-1], 1)]
    return fpr, tpr, np.r_[np.inf, thresholds]


def precision_recall_curve(y: np.ndarray, p: np.ndarray
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(precision, recall, thresholds) from the highest threshold down."""
    y, p = _as_arrays(y, p)
    tps, fps, thresholds = _cumulative_counts(y, p)
    precision = tps / (tps + fps)
    recall = tps / max(y.sum(), 1)
    return precision, recall, thresholds


def pr_auc(y: np.ndarray, p: np.ndarray) -> float:
    """Average precision: sum over thresholds of (recall step) x precision (no interpolation)."""
    precision, recall, _ = precision_recall_curve(y, p)
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def brier(y: np.ndarray, p: np.ndarray) -> float:
    y, p = _as_arrays(y, p)
    return float(np.mean((p - y) ** 2))


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    y, p = _as_arrays(y, p)
    p = np.clip(p, _EPS, 1.0 - _EPS)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p)))


def _bins(p: np.ndarray, n_bins: int) -> np.ndarray:
    return np.minimum((p * n_bins).astype(int), n_bins - 1)  # equal width; p = 1 in the last


def expected_calibration_error(y: np.ndarray, p: np.ndarray, n_bins: int = 15) -> float:
    """Sum over equal-width bins of (share of persons) x |observed rate - mean probability|."""
    y, p = _as_arrays(y, p)
    b = _bins(p, n_bins)
    count = np.bincount(b, minlength=n_bins)
    gap = np.abs(np.bincount(b, y, n_bins) - np.bincount(b, p, n_bins))
    return float(gap.sum() / max(count.sum(), 1))


def calibration_curve(y: np.ndarray, p: np.ndarray, n_bins: int = 15
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean probability, observed rate, count) of each non-empty bin."""
    y, p = _as_arrays(y, p)
    b = _bins(p, n_bins)
    count = np.bincount(b, minlength=n_bins)
    keep = count > 0
    mean_p = np.bincount(b, p, n_bins)[keep] / count[keep]
    rate = np.bincount(b, y, n_bins)[keep] / count[keep]
    return mean_p, rate, count[keep]


def threshold_metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, float]:
    """Accuracy, precision, recall and F1 of "stressed" = probability >= threshold."""
    y, p = _as_arrays(y, p)
    pred = p >= threshold
    pos = y == 1
    tp = float(np.sum(pred & pos))
    fp = float(np.sum(pred & ~pos))
    fn = float(np.sum(~pred & pos))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"accuracy": float(np.mean(pred == pos)), "precision": precision, "recall": recall,
            "f1": f1}


def evaluate(y: np.ndarray, p: np.ndarray, threshold: float, ece_bins: int = 15
             ) -> dict[str, float]:
    """Every reported metric for one set of probabilities."""
    y, p = _as_arrays(y, p)
    out = threshold_metrics(y, p, threshold)
    out.update({
        "roc_auc": roc_auc(y, p),
        "pr_auc": pr_auc(y, p),
        "brier": brier(y, p),
        "log_loss": log_loss(y, p),
        "ece": expected_calibration_error(y, p, ece_bins),
        "base_rate": float(np.mean(y)),
        "mean_probability": float(np.mean(p)),
        "n": int(len(y)),
    })
    return out
