"""Metrics and temperature scaling against hand-computed values."""

import numpy as np
import pytest

from training.calibration import apply_temperature, fit_temperature
from training.metrics import (
    brier,
    calibration_curve,
    evaluate,
    expected_calibration_error,
    log_loss,
    pr_auc,
    precision_recall_curve,
    roc_auc,
    roc_curve,
    threshold_metrics,
)

Y = np.array([0, 0, 1, 1])
P = np.array([0.1, 0.4, 0.35, 0.8])


def test_roc_auc_of_a_tiny_example():
    # positive-negative pairs ranked right: (0.35>0.1), (0.8>0.1), (0.8>0.4) = 3 of 4
    assert roc_auc(Y, P) == pytest.approx(0.75)
    assert roc_auc(Y, 1 - P) == pytest.approx(0.25)
    assert roc_auc([0, 1], [0.5, 0.5]) == pytest.approx(0.5)  # a tie counts half
    assert roc_auc([0, 1, 1], [0.2, 0.2, 0.9]) == pytest.approx(0.75)
    assert np.isnan(roc_auc([1, 1], [0.2, 0.3]))


def test_roc_auc_equals_the_area_under_the_curve():
    rng = np.random.default_rng(0)
    y = rng.random(2000) < 0.3
    p = np.round(rng.random(2000) * 0.6 + 0.4 * y, 2)  # many ties
    fpr, tpr, thresholds = roc_curve(y, p)
    assert (fpr[0], tpr[0], fpr[-1], tpr[-1]) == (0.0, 0.0, 1.0, 1.0)
    assert np.all(np.diff(thresholds) < 0)
    assert roc_auc(y, p) == pytest.approx(np.trapezoid(tpr, fpr), abs=1e-12)


def test_average_precision_of_a_tiny_example():
    precision, recall, _ = precision_recall_curve(Y, P)
    np.testing.assert_allclose(precision, [1.0, 0.5, 2 / 3, 0.5])
    np.testing.assert_allclose(recall, [0.5, 0.5, 1.0, 1.0])
    assert pr_auc(Y, P) == pytest.approx(0.5 * 1.0 + 0.5 * 2 / 3)


def test_brier_and_log_loss():
    assert brier(Y, P) == pytest.approx((0.01 + 0.16 + 0.4225 + 0.04) / 4)
    expected = -(np.log(0.9) + np.log(0.6) + np.log(0.35) + np.log(0.8)) / 4
    assert log_loss(Y, P) == pytest.approx(expected)
    assert np.isfinite(log_loss([1], [0.0]))  # clipped, not infinite


def test_expected_calibration_error_by_hand():
    y = np.array([0, 1, 1, 1])
    p = np.array([0.1, 0.1, 0.9, 0.9])
    # bin of 0.1: rate 0.5 vs 0.1 -> 0.4 x 2/4; bin of 0.9: rate 1 vs 0.9 -> 0.1 x 2/4
    assert expected_calibration_error(y, p, 15) == pytest.approx(0.25)
    assert expected_calibration_error([0, 1], [0.0, 1.0], 15) == pytest.approx(0.0)
    mean_p, rate, count = calibration_curve(y, p, 15)
    np.testing.assert_allclose(mean_p, [0.1, 0.9])
    np.testing.assert_allclose(rate, [0.5, 1.0])
    assert count.tolist() == [2, 2]


def test_threshold_metrics():
    m = threshold_metrics(Y, P, 0.35)  # predicted positive: 0.4, 0.35, 0.8
    assert m["accuracy"] == pytest.approx(0.75)
    assert m["precision"] == pytest.approx(2 / 3)
    assert m["recall"] == pytest.approx(1.0)
    assert m["f1"] == pytest.approx(0.8)
    none = threshold_metrics(Y, P, 0.99)
    assert none["precision"] == 0.0 and none["recall"] == 0.0 and none["f1"] == 0.0


def test_evaluate_reports_every_metric():
    m = evaluate(Y, P, 0.4)
    assert set(m) >= {"accuracy", "precision", "recall", "f1", "roc_auc", "pr_auc", "brier",
                      "log_loss", "ece", "base_rate", "n"}
    assert m["base_rate"] == 0.5 and m["n"] == 4


def test_temperature_scaling_recovers_the_true_temperature():
    rng = np.random.default_rng(1)
    z = rng.normal(0, 4, 50_000)
    y = (rng.random(z.size) < 1 / (1 + np.exp(-z / 2.0))).astype(float)
    t = fit_temperature(z, y)
    assert t == pytest.approx(2.0, rel=0.05)
    p = apply_temperature(z, t)
    assert expected_calibration_error(y, p) < 0.01
    assert log_loss(y, p) < log_loss(y, apply_temperature(z, 1.0))
