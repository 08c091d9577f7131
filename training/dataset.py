"""Splits and the torch Dataset / DataLoader over standardised features."""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import BatchSampler, DataLoader, Dataset, RandomSampler, SequentialSampler


def split_indices(n: int, train_fraction: float, validation_fraction: float,
                  rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Random person-level train / validation / test index arrays (sorted within each split)."""
    order = rng.permutation(n)
    n_train = int(round(n * train_fraction))
    n_val = int(round(n * validation_fraction))
    return {"train": np.sort(order[:n_train]),
            "validation": np.sort(order[n_train:n_train + n_val]),
            "test": np.sort(order[n_train + n_val:])}


class FeatureDataset(Dataset):
    """(features, labels) pairs; indexing with a list of indices returns a whole batch.

    Labels are (persons, heads); a 1-D label vector is one head.
    """

    def __init__(self, features: np.ndarray, labels: np.ndarray) -> None:
        labels = np.asarray(labels, dtype=np.float32)
        self.x = torch.as_tensor(np.ascontiguousarray(features, dtype=np.float32))
        self.y = torch.as_tensor(np.ascontiguousarray(labels.reshape(len(labels), -1)))

    def __len__(self) -> int:
        return len(self.y)

    def __getitem__(self, index: int | list[int]) -> tuple[torch.Tensor, torch.Tensor]:
        return self.x[index], self.y[index]


def make_loader(dataset: FeatureDataset, batch_size: int, shuffle: bool,
                generator: torch.Generator | None = None) -> DataLoader:
    """A DataLoader that fetches whole batches by index list (no per-row Python collation)."""
    base = (RandomSampler(dataset, generator=generator) if shuffle
            else SequentialSampler(dataset))
    # batch_size=None turns off automatic batching: each sampled item is already a batch.
    return DataLoader(dataset, sampler=BatchSampler(base, batch_size, drop_last=False),
                      batch_size=None)
