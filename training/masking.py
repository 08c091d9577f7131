"""What an upload would show: the simulated history with optional columns and early months
dropped per person, as a ``shared_features.MonthlyPanel`` (the only way data reaches the model).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from shared_features import FIELD_NAMES, OPTIONAL_FIELDS, MonthlyPanel


def person_ids(n: int) -> np.ndarray:
    width = max(7, len(str(n - 1)))
    return np.char.add("p", np.char.zfill(np.arange(n).astype(str), width)).astype(object)


def mask_history(values: np.ndarray, cfg: dict[str, Any], rng: np.random.Generator,
                 ids: np.ndarray | None = None) -> MonthlyPanel:
    """(persons, months, fields) full history -> panel with columns and leading months masked.

    A dropped optional field is NaN in every month for that person ("did not upload that
    column"); a short history keeps only the last L months (observed False, values NaN before).
    """
    n, months, _ = values.shape
    values = values.copy()
    # Some uploads cover only part of the spending (one account's statements of several, a
    # card-only export): the person's expenses are then a share of what was really spent.
    partial = rng.random(n) < float(cfg.get("partial_expenses_share", 0.0))
    lo, hi = cfg.get("partial_expenses_coverage", (1.0, 1.0))
    coverage = np.where(partial, rng.uniform(float(lo), float(hi), n), 1.0)
    values[:, :, FIELD_NAMES.index("expenses")] *= coverage[:, None]
    for name in OPTIONAL_FIELDS:
        drop = rng.random(n) < float(cfg.get(name, 0.0))
        values[drop, :, FIELD_NAMES.index(name)] = np.nan

    weights = np.asarray(cfg["short_history_weights"], dtype=float)
    short = rng.random(n) < float(cfg["short_history_share"])
    length = np.where(short, 1 + rng.choice(months - 1, size=n, p=weights / weights.sum()),
                      months)
    observed = np.arange(months)[None, :] >= (months - length)[:, None]
    values[~observed] = np.nan
    return MonthlyPanel(values, observed, person_ids(n) if ids is None else ids)
