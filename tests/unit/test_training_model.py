"""The networks: the monotone MLP is monotone by construction, the scorer folds in T."""

import numpy as np
import pytest
import torch

from shared_features import FEATURE_NAMES
from training import config as config_mod
from training.config import ModelConfig
from training.model import (
    MLP,
    CalibratedScorer,
    LogisticRegression,
    MonotoneMLP,
    PiecewiseLinearEncoding,
    build_model,
    feature_directions,
    quantile_edges,
)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_monotone_mlp_is_monotone_in_every_constrained_feature(seed):
    torch.manual_seed(seed)
    directions = [1, -1, 0, 1, 0, -1]
    model = MonotoneMLP(6, directions, widths=(12, 12, 6))
    with torch.no_grad():  # make the free weights large so a violation would show
        for layer in model.layers:
            layer.weight.mul_(3.0)
    x = torch.randn(500, 6) * 2
    for j, d in enumerate(directions):
        if d == 0:
            continue
        grid = torch.linspace(-4, 4, 17)
        outs = []
        for v in grid:
            xv = x.clone()
            xv[:, j] = v
            outs.append(model(xv).detach())
        steps = torch.diff(torch.stack(outs), dim=0) * d
        assert (steps >= -1e-6).all(), f"feature {j} is not monotone"


def test_piecewise_linear_encoding_ramps_between_training_quantiles():
    x = np.column_stack([np.arange(100.0), np.r_[np.zeros(90), np.ones(10)]])
    encode = PiecewiseLinearEncoding(quantile_edges(x, 4))
    out = encode(torch.tensor([[-5.0, 0.0], [37.125, 1.0], [500.0, 0.0]])).numpy()
    assert out.shape == (3, 2 * 5)
    # the feature itself, then 0 below a bin, 1 above it and linear in between
    np.testing.assert_allclose(out[0, :5], [-5.0, 0, 0, 0, 0])
    np.testing.assert_allclose(out[1, :5], [37.125, 1.0, 0.5, 0, 0], atol=1e-5)
    np.testing.assert_allclose(out[2, :5], [500.0, 1, 1, 1, 1])
    # a flag: its repeated edges leave empty bins that stay 0, one ramp from 0 to 1 remains
    assert out[1, 5:].tolist() == [1.0, 0.0, 0.0, 0.0, 1.0]


@pytest.mark.parametrize("seed", [0, 1])
def test_the_encoded_monotone_model_stays_monotone(seed):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    cfg = ModelConfig.from_dict(config_mod.load()["model"])
    edges = quantile_edges(rng.standard_normal((2000, len(FEATURE_NAMES))), 6)
    model = build_model(len(FEATURE_NAMES), cfg, FEATURE_NAMES, n_heads=3, edges=edges)
    with torch.no_grad():
        for layer in model[1].layers:
            layer.weight.mul_(3.0)
    directions = feature_directions(FEATURE_NAMES, cfg.increasing, cfg.decreasing)
    x = torch.randn(300, len(FEATURE_NAMES))
    for j, d in enumerate(directions):
        if d == 0:
            continue
        outs = []
        for v in torch.linspace(-4, 4, 33):
            xv = x.clone()
            xv[:, j] = v
            outs.append(model(xv).detach())
        steps = torch.diff(torch.stack(outs), dim=0) * d
        assert (steps >= -1e-5).all(), f"{FEATURE_NAMES[j]} is not monotone"


def test_free_features_can_move_risk_either_way():
    torch.manual_seed(0)
    model = MonotoneMLP(3, [0, 0, 1], widths=(24, 24, 12))
    x = torch.randn(2000, 3)
    grad = torch.autograd.functional.jacobian(lambda z: model(z).sum(), x)
    assert (grad[:, 0] > 0).any() and (grad[:, 0] < 0).any()


def test_default_config_builds_a_monotone_model_over_the_spec_features():
    cfg = ModelConfig.from_dict(config_mod.load()["model"])
    model = build_model(len(FEATURE_NAMES), cfg, FEATURE_NAMES)
    assert isinstance(model, MonotoneMLP)
    d = dict(zip(FEATURE_NAMES, model.direction.tolist(), strict=True))
    assert d["missed_payments_total"] == 1 and d["utilization"] == 1
    assert d["liquidity_months"] == -1 and d["savings_rate"] == -1
    assert d["missed_streak"] == 1
    assert d["months_observed"] == 0
    wider = build_model(len(FEATURE_NAMES) + 4, cfg, FEATURE_NAMES)  # diagnostic extras: free
    assert wider.direction[-4:].tolist() == [0, 0, 0, 0]
    assert isinstance(build_model(5, cfg.unconstrained(), FEATURE_NAMES[:5]), MLP)
    heads = build_model(len(FEATURE_NAMES), cfg, FEATURE_NAMES, n_heads=5)
    assert heads(torch.zeros(3, len(FEATURE_NAMES))).shape == (3, 5)


def test_feature_directions_validation():
    assert feature_directions(["a", "b", "c"], ["a"], ["c"]) == [1, 0, -1]
    with pytest.raises(ValueError, match="unknown"):
        feature_directions(["a"], ["z"], [])
    with pytest.raises(ValueError, match="both"):
        feature_directions(["a"], ["a"], ["a"])
    with pytest.raises(ValueError, match="activation"):
        MLP(3, [4], 0.0, "swish-ish")


def test_calibrated_scorer_divides_logits_by_the_temperature():
    torch.manual_seed(0)
    base = LogisticRegression(4).eval()
    x = torch.randn(10, 4)
    prob, logit = CalibratedScorer(base, [2.0])(x)
    np.testing.assert_allclose(logit.detach().numpy(), base(x)[:, 0].detach().numpy() / 2.0,
                               rtol=1e-6)
    np.testing.assert_allclose(prob.detach().numpy(), torch.sigmoid(logit).detach().numpy())
    assert prob.shape == (10,)


def test_calibrated_scorer_gives_one_calibrated_output_per_component_head():
    torch.manual_seed(0)
    net = MLP(4, [8], n_heads=3).eval()
    x = torch.randn(10, 4)
    prob, logit, first, second = CalibratedScorer(net, [2.0, 0.5, 4.0])(x)
    raw = net(x).detach()
    np.testing.assert_allclose(first.detach().numpy(), torch.sigmoid(raw[:, 1] / 0.5).numpy(),
                               rtol=1e-6)
    np.testing.assert_allclose(second.detach().numpy(), torch.sigmoid(raw[:, 2] / 4.0).numpy(),
                               rtol=1e-6)
    assert first.shape == second.shape == prob.shape == (10,)
