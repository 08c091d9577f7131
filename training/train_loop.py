"""One plain training loop: minibatch BCE, AdamW, early stopping on validation loss.

Labels are (persons, heads): head 0 is overall stress, any further heads the per-rule labels.
The loss is the overall head's BCE plus ``component_weight`` x each rule head's; early stopping
watches the overall head's validation loss, the figure the product is judged on.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from .config import TrainConfig
from .dataset import FeatureDataset


@dataclass
class TrainResult:
    best_epoch: int
    best_val_loss: float
    history: list[dict[str, float]] = field(default_factory=list)
    seconds: float = 0.0


@torch.no_grad()
def predict_logits(model: nn.Module, x: np.ndarray, batch_size: int = 65536) -> np.ndarray:
    """(persons, heads) logits."""
    model.eval()
    xt = torch.as_tensor(np.ascontiguousarray(x, dtype=np.float32))
    return torch.cat([model(xt[i:i + batch_size]) for i in range(0, len(xt), batch_size)]
                     ).numpy()


def train(model: nn.Module, train_set: FeatureDataset, val_set: FeatureDataset,
          cfg: TrainConfig, seed: int, log: Callable[[str], None] = print,
          name: str = "model") -> TrainResult:
    """Train in place; the model ends with the weights of its best validation epoch."""
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    # Cut the learning rate when validation stalls: the last, small steps settle the
    # probabilities, which is what log-loss and calibration reward.
    scheduler = (torch.optim.lr_scheduler.ReduceLROnPlateau(
        optimizer, factor=cfg.lr_decay, patience=cfg.lr_patience, threshold=cfg.min_delta,
        threshold_mode="abs") if cfg.lr_decay < 1.0 else None)
    n_heads = train_set.y.shape[1]
    head_weight = torch.tensor([1.0] + [cfg.component_weight] * (n_heads - 1))
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(cfg.pos_weight), reduction="none")
    val_loss_fn = nn.BCEWithLogitsLoss()

    best_loss, best_epoch, best_state = float("inf"), 0, copy.deepcopy(model.state_dict())
    history: list[dict[str, float]] = []
    start = time.perf_counter()
    for epoch in range(1, cfg.max_epochs + 1):
        model.train()
        total, count = 0.0, 0
        # The data is two tensors in memory: a batch is a slice of this epoch's permutation.
        for batch in torch.randperm(len(train_set), generator=generator).split(cfg.batch_size):
            xb, yb = train_set[batch]
            optimizer.zero_grad(set_to_none=True)
            loss = (loss_fn(model(xb), yb).mean(dim=0) * head_weight).sum()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
            count += len(yb)
        val_logits = torch.as_tensor(predict_logits(model, val_set.x.numpy()))
        val_loss = val_loss_fn(val_logits[:, 0], val_set.y[:, 0]).item()
        if scheduler is not None:
            scheduler.step(val_loss)
        history.append({"epoch": epoch, "train_loss": total / count, "val_loss": val_loss,
                        "lr": optimizer.param_groups[0]["lr"]})
        improved = val_loss < best_loss - cfg.min_delta
        if improved:
            best_loss, best_epoch = val_loss, epoch
            best_state = copy.deepcopy(model.state_dict())
        log(f"  {name} epoch {epoch:3d}  train {total / count:.5f}  val {val_loss:.5f}"
            f"{'  *' if improved else ''}  ({time.perf_counter() - start:.1f}s)")
        if epoch - best_epoch >= cfg.patience:
            break
    model.load_state_dict(best_state)
    model.eval()
    return TrainResult(best_epoch, best_loss, history, time.perf_counter() - start)
