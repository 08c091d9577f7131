"""MonthlyPanel: the array form of monthly records that feature engineering works on.

Both sides build one: serving from an uploaded CSV (``ingest``), training straight from the
simulator's arrays. Months are right-aligned: the last column is each person's most recent month,
earlier columns a person did not report are not observed (``observed`` False, values NaN).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .schema import FIELD_INDEX, FIELD_NAMES


@dataclass
class MonthlyPanel:
    values: np.ndarray  # float64 (persons, months, fields); NaN where missing or not observed
    observed: np.ndarray  # bool (persons, months); True where the person reported that month
    person_ids: np.ndarray  # object/str (persons,)
    months: np.ndarray | None = None  # datetime64[M] (persons, months), NaT where not observed

    def __post_init__(self) -> None:
        p, t, f = self.values.shape
        if f != len(FIELD_NAMES):
            raise ValueError(f"panel has {f} fields, expected {len(FIELD_NAMES)}: {FIELD_NAMES}")
        if self.observed.shape != (p, t):
            raise ValueError(f"observed has shape {self.observed.shape}, expected {(p, t)}")
        if len(self.person_ids) != p:
            raise ValueError("person_ids length does not match the number of persons")

    @property
    def n_persons(self) -> int:
        return self.values.shape[0]

    @property
    def n_months(self) -> int:
        return self.values.shape[1]

    def field(self, name: str) -> np.ndarray:
        """A (persons, months) view of one canonical field."""
        return self.values[:, :, FIELD_INDEX[name]]

    def with_values(self, values: np.ndarray) -> MonthlyPanel:
        """The same persons and months with other values (for what-if actions)."""
        return MonthlyPanel(values, self.observed, self.person_ids, self.months)

    def take(self, index: np.ndarray | slice) -> MonthlyPanel:
        months = None if self.months is None else self.months[index]
        return MonthlyPanel(self.values[index], self.observed[index], self.person_ids[index],
                            months)

    @classmethod
    def from_arrays(cls, fields: dict[str, np.ndarray], person_ids: np.ndarray | None = None
                    ) -> MonthlyPanel:
        """Build a fully observed panel from (persons, months) arrays keyed by field name.

        Fields left out are entirely missing (NaN), as an upload without that column would be.
        """
        first = next(iter(fields.values()))
        p, t = first.shape
        values = np.full((p, t, len(FIELD_NAMES)), np.nan)
        for name, arr in fields.items():
            values[:, :, FIELD_INDEX[name]] = arr
        ids = person_ids if person_ids is not None else np.arange(p).astype(str).astype(object)
        return cls(values, np.ones((p, t), dtype=bool), np.asarray(ids, dtype=object))

    def last_months(self, months: int) -> MonthlyPanel:
        """Only each person's most recent ``months`` months (the model's history window)."""
        if self.n_months <= months:
            return self
        return MonthlyPanel(self.values[:, -months:], self.observed[:, -months:],
                            self.person_ids,
                            None if self.months is None else self.months[:, -months:])
