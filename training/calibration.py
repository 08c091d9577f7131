"""Temperature scaling (Guo et al. 2017): one scalar T fitted on validation logits by NLL."""

from __future__ import annotations

import numpy as np
import torch


def fit_temperature(logits: np.ndarray, labels: np.ndarray, max_iter: int = 100) -> float:
    """The T > 0 minimising the log-loss of sigmoid(logits / T) on (validation) data."""
    z = torch.as_tensor(logits, dtype=torch.float64)
    y = torch.as_tensor(labels, dtype=torch.float64)
    log_t = torch.zeros((), dtype=torch.float64, requires_grad=True)  # optimise log T: T > 0
    optimizer = torch.optim.LBFGS([log_t], lr=0.5, max_iter=max_iter,
                                  line_search_fn="strong_wolfe")
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = loss_fn(z / torch.exp(log_t), y)
        loss.backward()
        return loss

    optimizer.step(closure)
    return float(torch.exp(log_t).detach())


def apply_temperature(logits: np.ndarray, temperature: float) -> np.ndarray:
    """Calibrated probabilities, computed in float32 like the exported graph."""
    z = np.asarray(logits, dtype=np.float32) * np.float32(1.0 / temperature)
    return (1.0 / (1.0 + np.exp(-z.astype(np.float64)))).astype(np.float64)
