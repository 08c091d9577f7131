"""The oracle: re-simulating each person's horizon from their end-of-history state."""

import numpy as np
import pytest

from training import config as config_mod
from training.labeler import LabelerConfig, label
from training.oracle import oracle_probability
from training.simulator import SimulatorConfig, run_cohort


@pytest.fixture(scope="module")
def setup():
    config = config_mod.load()
    sim_cfg = SimulatorConfig.from_config(config)
    labeler = LabelerConfig.from_dict(config["labeler"])
    sim = run_cohort(3000, sim_cfg, 12, 6, 6, seed=21)
    return sim_cfg, labeler, sim


def test_oracle_is_reproducible_and_leaves_the_state_alone(setup):
    sim_cfg, labeler, sim = setup
    cash = sim.end_state.cash.copy()
    a, a_smooth = oracle_probability(sim.population, sim.end_state, sim_cfg, 6, labeler, 20,
                                     seed=1, chunk_persons=700)
    b, _ = oracle_probability(sim.population, sim.end_state, sim_cfg, 6, labeler, 20, seed=1,
                              chunk_persons=700)
    c, _ = oracle_probability(sim.population, sim.end_state, sim_cfg, 6, labeler, 20, seed=2,
                              chunk_persons=700)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    np.testing.assert_array_equal(sim.end_state.cash, cash)
    assert ((a >= 0) & (a <= 1)).all()
    np.testing.assert_allclose(a_smooth, (a * 20 + 0.5) / 21)


def test_oracle_agrees_with_the_realised_futures_on_average(setup):
    sim_cfg, labeler, sim = setup
    realised = label(sim.horizon, labeler)
    raw, smooth = oracle_probability(sim.population, sim.end_state, sim_cfg, 6, labeler, 50,
                                     seed=3)
    # The realised future is one more draw from the same process the oracle samples.
    assert abs(raw.mean() - realised.mean()) < 0.02
    assert realised[smooth > 0.9].mean() > 0.85
    assert realised[smooth < 0.05].mean() < 0.05


def test_oracle_extremes(setup):
    sim_cfg, labeler, sim = setup
    pop, state = sim.population.take(np.arange(2)), sim.end_state.take(np.arange(2))
    # person 0: no income, maxed-out frozen card, no cash -> certainly stressed
    pop.p_reemp[0] = 0.0
    state.employed[0] = False
    state.ui_left[0] = 0
    pop.other_share[0] = 0.0
    state.cash[0], state.revolving[0], state.limit[0] = 0.0, 5000.0, 5000.0
    # person 1: secure job, no debt, a year of cash, never lets a bill slip -> never stressed
    pop.p_loss[1] = pop.lapse[1] = 0.0
    state.employed[1] = True
    state.cash[1] = 12 * state.essential_base[1] * 3
    state.revolving[1] = state.inst_balance[1] = state.inst_payment[1] = 0.0
    pop.shock_prob[1] = 0.0
    raw, _ = oracle_probability(pop, state, sim_cfg, 6, labeler, 100, seed=4)
    assert raw[0] == 1.0 and raw[1] == 0.0
