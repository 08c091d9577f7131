"""Diagnostic: what if the model could also see the simulator's hidden per-person parameters
and end-of-history state (everything the oracle knows)? Its gap to the oracle is what the model
fails to learn; the rest of the default model's gap is information no history reveals.
"""

from __future__ import annotations

import numpy as np

from .simulator import Population, State


def hidden_features(pop: Population, state: State, n_archetypes: int) -> np.ndarray:
    """Per-person hidden parameters and end state as a float64 matrix (not standardised)."""
    income = np.maximum(state.income_perm, 1.0)
    ess = np.maximum(state.essential_base, 1.0)
    columns = [
        *(pop.archetype == a for a in range(n_archetypes)),
        pop.growth * 12.0, np.log(pop.volatility), pop.p_loss, pop.p_reemp, pop.ui_eligible,
        pop.other_share, pop.discretionary_share, pop.shock_prob, pop.shock_size,
        np.log(pop.buffer_target), pop.paydown, pop.apr, pop.inst_rate, pop.loan_size,
        pop.loan_term, pop.new_loan_prob, pop.lapse, pop.pays_debts_first,
        state.employed, state.ui_left, np.log(income), ess / income,
        np.arcsinh(state.cash / ess), state.revolving / income,
        np.where(state.limit > 0, state.revolving / np.maximum(state.limit, 1.0), 0.0),
        state.limit / income, state.inst_balance / income, state.inst_payment / income,
        state.past_due / income, state.behind,
    ]
    return np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])


def standardise(h: np.ndarray, train_index: np.ndarray) -> np.ndarray:
    mean = h[train_index].mean(axis=0)
    std = h[train_index].std(axis=0)
    return ((h - mean) / np.where(std < 1e-9, 1.0, std)).astype(np.float32)


def raw_panel_features(values: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Every uploaded cell (signed log scale, 0 where missing) plus the observed-month mask:
    what a model could learn from the upload if it were not limited to the engineered
    features. Not standardised."""
    scaled = np.nan_to_num(np.arcsinh(values / 1000.0), nan=0.0)
    return np.hstack([scaled.reshape(len(values), -1), observed.astype(np.float64)])
