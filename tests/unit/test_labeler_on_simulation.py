"""Labels of a simulated cohort move with the labeler config alone (no model code involved)."""

import numpy as np

from training import config as config_mod
from training.labeler import LabelerConfig, label
from training.simulator import SimulatorConfig, run_cohort


def test_horizon_and_thresholds_change_simulated_labels():
    config = config_mod.load()
    sim = run_cohort(4000, SimulatorConfig.from_config(config), 6, 6, 3, seed=5)
    section = config["labeler"]
    default = label(sim.horizon, LabelerConfig.from_dict(section))
    shorter = label(sim.horizon, LabelerConfig.from_dict({**section, "horizon_months": 2}))
    stricter = label(sim.horizon, LabelerConfig.from_dict(
        {**section, "utilization": {**section["utilization"], "max_utilization": 0.99}}))
    no_missed = label(sim.horizon, LabelerConfig.from_dict(
        {**section, "missed_payment": {**section["missed_payment"], "enabled": False}}))
    assert 0.10 < default.mean() < 0.35
    # Labels only ever drop when the horizon shrinks or a rule gets stricter or is disabled.
    for variant in (shorter, stricter, no_missed):
        assert np.all(variant <= default)
        assert variant.sum() < default.sum()
