"""The networks: an MLP, the logistic-regression baseline, and the calibrated scorer exported
to ONNX (temperatures folded in, outputs probability, logit and one component per rule).

Every network returns logits of shape (batch, heads). Head 0 is the overall stress label; the
model's further heads are the labeler's enabled rules ("kinds of stress"), sharing every layer
but the last, so the per-kind tasks also teach the shared layers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
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


class MixedActivation(nn.Module):
    """Monotone units of three shapes (convex, concave, saturating), a third each.

    Non-negative weights over convex units alone could only build convex functions; mixing in
    concave and bounded units keeps a monotone network expressive (Runje & Shankaranarayana,
    "Constrained Monotonic Neural Networks", ICML 2023). The three shapes are one clamp with
    per-unit bounds: relu(z) = clamp(z, 0, inf), -relu(-z) = clamp(z, -inf, 0), and the
    saturating unit clamp(z, -1, 1); a single elementwise op instead of slicing, three
    activations and a concatenation, in training and in model.onnx alike.
    """

    def __init__(self, width: int) -> None:
        super().__init__()
        k = width // 3
        inf = float("inf")
        lo = torch.tensor([0.0] * k + [-inf] * k + [-1.0] * (width - 2 * k))
        hi = torch.tensor([inf] * k + [0.0] * k + [1.0] * (width - 2 * k))
        # derived from the width alone: not part of the weights (state_dict)
        self.register_buffer("lo", lo, persistent=False)
        self.register_buffer("hi", hi, persistent=False)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.clamp(z, self.lo, self.hi)


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
        self.activations = nn.ModuleList(MixedActivation(w) for w in widths)
        self.register_buffer("direction", torch.tensor([float(d) for d in directions]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for i, layer in enumerate(self.layers):
            if i == 0:
                w = torch.where(self.direction != 0, layer.weight.abs() * self.direction,
                                layer.weight)
            else:
                w = layer.weight.abs()
            x = nn.functional.linear(x, w, layer.bias)
            if i < len(self.activations):
                x = self.activations[i](x)
        return x  # (batch, heads); every head is monotone in the same directions


def feature_directions(feature_names: Sequence[str], increasing: Sequence[str],
                       decreasing: Sequence[str]) -> list[int]:
    unknown = (set(increasing) | set(decreasing)) - set(feature_names)
    if unknown:
        raise ValueError(f"monotone constraints name unknown features {sorted(unknown)}")
    if set(increasing) & set(decreasing):
        raise ValueError("a feature cannot be both increasing and decreasing")
    return [1 if f in increasing else -1 if f in decreasing else 0 for f in feature_names]


def quantile_edges(x_train: np.ndarray, bins: int) -> np.ndarray:
    """(features, bins + 1) bin edges at the training quantiles of each (standardised) feature;
    repeated edges (a flag, a feature with a point mass) make empty bins the encoding ignores."""
    levels = np.linspace(0.0, 1.0, bins + 1)
    return np.quantile(np.asarray(x_train, dtype=np.float64), levels, axis=0).T


class PiecewiseLinearEncoding(nn.Module):
    """x (batch, F) -> (batch, F x (1 + bins)): each feature itself, then one ramp per bin between
    its training quantiles, 0 below the bin and 1 above it (Gorishniy, Rubachev & Babenko, "On
    Embeddings for Numerical Features in Tabular Deep Learning", NeurIPS 2022).

    The first layer then learns a free piecewise-linear shape per feature, as a tree ensemble
    does, which a plain MLP on standardised inputs finds hard. Every column is non-decreasing in
    its feature, so sign-constrained weights on a monotone feature's columns keep the network
    monotone in it. The edges are fitted on the training split and travel inside model.onnx as
    constants: serving runs them, it never re-implements them.
    """

    def __init__(self, edges: np.ndarray) -> None:
        super().__init__()
        lo, width = edges[:, :-1], np.diff(edges, axis=1)
        active = width > 1e-6
        n_features, self.bins = lo.shape
        inv_width = np.where(active, 1.0 / np.where(active, width, 1.0), 0.0)
        # Column f * (1 + bins) + j of the output: j = 0 the feature itself, j = b + 1 bin b's
        # ramp (x - lo) / width = x * inv_width - lo * inv_width, clamped to [0, 1]. Computed as
        # one matrix product and one clamp: in onnxruntime the broadcast subtraction over
        # (batch, features, bins) and the concatenation took ~40% of the whole model's time.
        scale = np.zeros((n_features, n_features, 1 + self.bins))
        offset = np.zeros((n_features, 1 + self.bins))
        lower = np.full((n_features, 1 + self.bins), -np.inf)
        upper = np.full((n_features, 1 + self.bins), np.inf)
        features = np.arange(n_features)
        scale[features, features, 0] = 1.0
        scale[features, features, 1:] = inv_width
        offset[:, 1:] = -np.where(active, lo, 0.0) * inv_width
        lower[:, 1:], upper[:, 1:] = 0.0, 1.0
        as_row = {"scale": scale.reshape(n_features, -1), "offset": offset.reshape(-1),
                  "lower": lower.reshape(-1), "upper": upper.reshape(-1)}
        for name, value in as_row.items():
            self.register_buffer(name, torch.tensor(value, dtype=torch.float32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.clamp(torch.addmm(self.offset, x, self.scale), self.lower, self.upper)


def build_model(n_features: int, cfg: ModelConfig, feature_names: Sequence[str],
                n_heads: int = 1, edges: np.ndarray | None = None) -> nn.Module:
    """The network ``cfg`` asks for: kind "monotone" (default) or "mlp" (unconstrained), on a
    piecewise-linear encoding of the inputs when ``edges`` (``quantile_edges``) are given.

    Features beyond ``feature_names`` (the diagnostic's hidden parameters) are left free.
    """
    encode = PiecewiseLinearEncoding(edges) if edges is not None else None
    width_in = n_features * (1 + encode.bins) if encode is not None else n_features
    if cfg.kind == "mlp":
        net: nn.Module = MLP(width_in, cfg.widths, cfg.dropout, cfg.activation, n_heads)
    else:
        directions = feature_directions(feature_names, cfg.increasing, cfg.decreasing)
        directions = directions + [0] * (n_features - len(directions))
        if encode is not None:  # every column of a feature's encoding keeps its direction
            directions = [d for d in directions for _ in range(1 + encode.bins)]
        net = MonotoneMLP(width_in, directions, cfg.widths, n_heads)
    return nn.Sequential(encode, net) if encode is not None else net


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
