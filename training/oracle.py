"""The oracle: the true probability of stress for a person, given everything the simulator knows.

From each person's state at the end of the history (hidden parameters, employment, balances),
the horizon is re-simulated ``n_futures`` times with fresh randomness and labeled by the same
labeler; the share of stressed futures estimates P(stress). Persons x futures are flattened into
one vectorised simulation, in chunks of persons to bound memory.
"""

from __future__ import annotations

import numpy as np

from .labeler import SERIES_USED, LabelerConfig, label
from .simulator import Population, SimulatorConfig, State, simulate


def oracle_probability(pop: Population, end_state: State, cfg: SimulatorConfig,
                       horizon_months: int, labeler: LabelerConfig, n_futures: int, seed: int,
                       chunk_persons: int = 2500) -> tuple[np.ndarray, np.ndarray]:
    """(stressed futures / n_futures, smoothed probability (k + 0.5) / (n + 1)) per person.

    The smoothed figure is the one scored: with 200 futures a raw 0 would make a realised
    stress an infinite log-loss, which says nothing about the oracle.
    """
    n = end_state.cash.shape[0]
    stressed = np.zeros(n)
    for c, start in enumerate(range(0, n, chunk_persons)):
        persons = np.arange(start, min(start + chunk_persons, n))
        rows = np.repeat(persons, n_futures)
        rng = np.random.default_rng(np.random.SeedSequence([seed, 2, c]))
        state = end_state.take(rows)  # fancy indexing copies: the end state is left untouched
        future = simulate(pop.take(rows), state, horizon_months, cfg, rng, record=SERIES_USED)
        stressed[persons] = label(future, labeler).reshape(len(persons), n_futures).sum(axis=1)
    return stressed / n_futures, (stressed + 0.5) / (n_futures + 1.0)
