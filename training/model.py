"""The networks: an MLP, the logistic-regression baseline, and the calibrated scorer exported
to ONNX (temperatures folded in, outputs probability, logit and one component per rule).

Every network returns logits of shape (batch, heads). Head 0 is the overall stress label; the
model's further heads are the labeler's enabled rules ("kinds of stress"), sharing every layer
but the last, so the per-kind tasks also teach the shared layers.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from .config import ModelConfig

ACTIVATIONS = {"relu": nn.ReLU, "gelu": nn.GELU, "silu": nn.SiLU, "tanh": nn.Tanh}


class MLP(nn.Module):
    def __init__(self, n_features: int, widths: Sequence[int] = (128, 64), dropout: float = 0.0,
                 activation: str = "silu", n_heads: int = 1) -> None:
        super().__init__()
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; use one of {list(ACTIVATIONS)}")
        layers: list[nn.Module] = []
        width_in = n_features
        for width in widths:
            layers += [nn.Linear(width_in, width), ACTIVATIONS[activation]()]
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            width_in = width
        layers.append(nn.Linear(width_in, n_heads))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)  # logits, (batch, heads)


def mixed_activation(z: torch.Tensor) -> torch.Tensor:
    """Monotone units of three shapes (convex, concave, saturating), a third each.

    Non-negative weights over convex units alone could only build convex functions; mixing in
    concave and bounded units keeps a monotone network expressive (Runje & Shankaranarayana,
    "Constrained Monotonic Neural Networks", ICML 2023).
    """
    k = z.shape[-1] // 3
    return torch.cat([torch.relu(z[..., :k]), -torch.relu(-z[..., k:2 * k]),
                      torch.clamp(z[..., 2 * k:], -1.0, 1.0)], dim=-1)


class MonotoneMLP(nn.Module):
    """An MLP whose output is monotone in chosen features, by construction.

    ``directions[j]`` is +1 (risk may only rise with feature j), -1 (only fall) or 0 (free).
    The first layer uses sign-constrained weights for the monotone features and free weights for
    the rest; later layers use non-negative weights and monotone activations, so every path from
    a monotone feature to the output keeps its sign. Free features still interact with the
    monotone ones through the first layer.
    """

    def __init__(self, n_features: int, directions: Sequence[int],
                 widths: Sequence[int] = (96, 96, 48), n_heads: int = 1) -> None:
        super().__init__()
        if len(directions) != n_features:
            raise ValueError(f"{len(directions)} directions for {n_features} features")
        dims = [n_features, *widths, n_heads]
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:],
                                                                      strict=True))
        self.register_buffer("direction", torch.tensor([float(d) for d in directions]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for i, layer in enumerate(self.layers):
            if i == 0:
                w = torch.where(self.direction != 0, layer.weight.abs() * self.direction,
                                layer.weight)
            else:
                w = layer.weight.abs()
            x = nn.functional.linear(x, w, layer.bias)
            if i < len(self.layers) - 1:
                x = mixed_activation(x)
        return x  # (batch, heads); every head is monotone in the same directions


def feature_directions(feature_names: Sequence[str], increasing: Sequence[str],
                       decreasing: Sequence[str]) -> list[int]:
    unknown = (set(increasing) | set(decreasing)) - set(feature_names)
    if unknown:
        raise ValueError(f"monotone constraints name unknown features {sorted(unknown)}")
    if set(increasing) & set(decreasing):
        raise ValueError("a feature cannot be both increasing and decreasing")
    return [1 if f in increasing else -1 if f in decreasing else 0 for f in feature_names]


def build_model(n_features: int, cfg: ModelConfig, feature_names: Sequence[str],
                n_heads: int = 1) -> nn.Module:
    """The network ``cfg`` asks for: kind "monotone" (default) or "mlp" (unconstrained).

    Features beyond ``feature_names`` (the diagnostic's hidden parameters) are left free.
    """
    if cfg.kind == "mlp":
        return MLP(n_features, cfg.widths, cfg.dropout, cfg.activation, n_heads)
    directions = feature_directions(feature_names, cfg.increasing, cfg.decreasing)
    return MonotoneMLP(n_features, directions + [0] * (n_features - len(directions)),
                       cfg.widths, n_heads)


class LogisticRegression(nn.Module):
    def __init__(self, n_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(n_features, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x)  # (batch, 1)


class CalibratedScorer(nn.Module):
    """features -> (probability, logit, *components): what model.onnx computes.

    One temperature per head, fitted on validation, is folded in: every output is calibrated.
    """

    def __init__(self, model: nn.Module, temperatures: Sequence[float]) -> None:
        super().__init__()
        self.model = model
        self.register_buffer("inv_temperature",
                             torch.tensor([1.0 / t for t in temperatures], dtype=torch.float32))

    def forward(self, features: torch.Tensor) -> tuple[torch.Tensor, ...]:
        logits = self.model(features) * self.inv_temperature
        logit = logits[:, 0]
        components = torch.sigmoid(logits[:, 1:])
        return (torch.sigmoid(logit), logit,
                *(components[:, k] for k in range(components.shape[1])))
