"""No currency units in the model: every amount written x k gives the same probabilities."""

import numpy as np
import pytest

from shared_features import FIELD_NAMES

# Counts are not amounts: everything else is money and scales with the currency.
AMOUNT = np.array([name != "missed_payments" for name in FIELD_NAMES])


@pytest.mark.parametrize("k", [0.01, 32.0, 100.0])
def test_amounts_in_another_unit_give_the_same_probabilities(scorer, base_persons, k):
    assert base_persons.n_persons >= 300
    p = scorer(base_persons)
    scaled = base_persons.with_values(base_persons.values * np.where(AMOUNT, k, 1.0))
    q = scorer(scaled)
    worst = int(np.argmax(np.abs(q - p)))
    assert np.abs(q - p).max() <= 0.002, (
        f"amounts x{k}: person {base_persons.person_ids[worst]} moves from {p[worst]:.4f} "
        f"to {q[worst]:.4f}")
    assert p.std() > 0.05  # and the persons are not all alike
