"""Behaviour of the committed model on realistic persons, varied one thing at a time.

Each test takes base persons (the reference sample and a grid of ordinary households), changes
one input along a grid, re-scores through shared_features + onnxruntime and asserts the risk
moves only in the sensible direction.
"""

import numpy as np
import pytest

from shared_features import FIELD_NAMES, MonthlyPanel

TOL = 1e-6  # float32 noise only
COL = {name: i for i, name in enumerate(FIELD_NAMES)}


def _variants(base: MonthlyPanel, change, grid) -> np.ndarray:
    """(len(grid), persons) panels with ``change(values, level)`` applied, stacked."""
    values = []
    for level in grid:
        v = base.values.copy()
        change(v, level, base.observed)
        values.append(np.where(base.observed[..., None], v, np.nan))
    return np.stack(values)


def _scores(scorer, base: MonthlyPanel, change, grid) -> np.ndarray:
    stacked = _variants(base, change, grid)
    g, n = stacked.shape[:2]
    panel = MonthlyPanel(stacked.reshape(g * n, *stacked.shape[2:]),
                         np.tile(base.observed, (g, 1)), np.tile(base.person_ids, g))
    return scorer(panel).reshape(g, n)


def _assert_monotone(p: np.ndarray, direction: int, what: str, base: MonthlyPanel) -> None:
    steps = np.diff(p, axis=0) * direction
    bad = np.argwhere(steps < -TOL)
    if len(bad):
        worst = bad[np.argmin(steps[tuple(bad.T)])]
        raise AssertionError(
            f"{what}: {len(bad)} violations over {p.shape[1]} persons; worst for person "
            f"{base.person_ids[worst[1]]} between grid points {worst[0]} and {worst[0] + 1}: "
            f"{p[worst[0], worst[1]]:.4f} -> {p[worst[0] + 1, worst[1]]:.4f}")


def test_more_missed_payments_never_lower_risk(scorer, base_persons):
    def add_missed(v, k, observed):
        missed = np.nan_to_num(v[..., COL["missed_payments"]])
        last = np.cumsum(observed[:, ::-1], axis=1)[:, ::-1]  # 1 = most recent month
        missed = missed + ((last <= k) & observed)  # one more miss in each of the last k months
        v[..., COL["missed_payments"]] = missed

    p = _scores(scorer, base_persons, add_missed, range(0, 7))
    _assert_monotone(p, +1, "missed payments", base_persons)
    assert (p[-1] - p[0]).mean() > 0.2  # and they matter


def test_higher_income_does_not_raise_risk(scorer, base_persons):
    def scale_income(v, factor, observed):
        v[..., COL["income"]] *= factor

    p = _scores(scorer, base_persons, scale_income, [0.6, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0])
    _assert_monotone(p, -1, "income", base_persons)


def test_more_savings_does_not_raise_risk(scorer, base_persons):
    def add_savings(v, amount, observed):
        savings = v[..., COL["liquid_savings"]]
        v[..., COL["liquid_savings"]] = np.where(np.isnan(savings), np.nan, savings + amount)

    has = ~np.isnan(base_persons.values[:, -1, COL["liquid_savings"]])
    base = base_persons.take(np.flatnonzero(has))
    p = _scores(scorer, base, add_savings, [0, 250, 500, 1000, 2500, 5000, 10000, 25000])
    _assert_monotone(p, -1, "liquid savings", base)


def test_higher_utilization_does_not_lower_risk(scorer, base_persons):
    def shrink_limit(v, factor, observed):
        v[..., COL["credit_limit"]] *= factor

    last = base_persons.values[:, -1]
    has = (last[:, COL["total_debt"]] > 0) & (last[:, COL["credit_limit"]] > 0)
    base = base_persons.take(np.flatnonzero(has))
    assert base.n_persons >= 20
    # utilisation = debt / limit rises as the limit shrinks
    p = _scores(scorer, base, shrink_limit, [4.0, 2.5, 1.6, 1.25, 1.0, 0.8, 0.65, 0.5])
    _assert_monotone(p, +1, "utilisation", base)


@pytest.mark.parametrize("field", ["liquid_savings", "credit_limit", "missed_payments"])
def test_a_missing_column_still_gives_a_probability(scorer, base_persons, field):
    v = base_persons.values.copy()
    v[..., COL[field]] = np.nan
    p = scorer(base_persons.with_values(v))
    assert np.isfinite(p).all() and ((p >= 0) & (p <= 1)).all()


def test_an_unprovided_savings_column_is_not_read_as_risk(scorer, base_persons):
    # Training drops the column at random, so not giving it says nothing about the person: the
    # spec's imputation stands in, and averaged over the population the model was trained on
    # (simulated uploads and the reference sample) the risk neither rises nor falls. That is
    # a statement about a population, not about any chosen set: for the constructed grid of
    # stretched households (spending up to 102% of income) the savings column is exactly what
    # would tell an overdrawn household from a cushioned one, so it is left out here.
    col = COL["liquid_savings"]
    drawn = ~np.char.startswith(base_persons.person_ids.astype(str), "grid")
    given = ~np.isnan(base_persons.values[:, -1, col]) & drawn
    assert given.sum() >= 200
    v = base_persons.values.copy()
    v[..., col] = np.nan
    with_savings = scorer(base_persons)[given]
    without = scorer(base_persons.with_values(v))[given]
    assert abs(without.mean() - with_savings.mean()) < 0.02
    # while for one person it matters: the estimate then rests on the other columns
    assert np.abs(without - with_savings).max() > 0.05
