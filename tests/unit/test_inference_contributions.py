"""Contributions that add up: Shapley values of the score, and ranges for missing fields."""

import itertools
import math

import numpy as np

from inference.contributions import (
    MISSING_GROUPS,
    against_direction,
    coalitions,
    contributions_from,
    explanation,
    game,
    missing_field_ranges,
    permutations,
    shapley,
)
from shared_features import (
    FEATURE_NAMES,
    FIELD_NAMES,
    OPTIONAL_FIELDS,
    model_input,
    raw_feature_matrix,
)

IDX = {name: i for i, name in enumerate(FEATURE_NAMES)}


def test_contributions_sum_to_score_minus_reference_score(scorer, sim):
    x, _ = model_input(sim.panel(200, seed=8), scorer.spec)
    c = shapley(scorer, x, n_permutations=8)
    np.testing.assert_allclose(c.score, 100 * scorer.probability(x), atol=1e-4)
    ref_p = scorer.probability(scorer.reference[None, :])[0]
    assert abs(c.reference_score - 100 * ref_p) < 1e-6
    np.testing.assert_allclose(c.points.sum(axis=1), c.score - c.reference_score, atol=1e-3)
    assert (np.abs(c.points).max(axis=1) > 0.1).mean() > 0.9  # and they say something


def _exact_shapley(scorer, person, reference, players):
    """Shapley values by enumerating every coalition of ``players`` (the rest at reference)."""
    k = len(players)
    out = np.zeros(k)
    for i, player in enumerate(players):
        others = [p for p in players if p != player]
        for size in range(k):
            for coalition in itertools.combinations(others, size):
                with_, without = reference.copy(), reference.copy()
                with_[list(coalition) + [player]] = person[list(coalition) + [player]]
                without[list(coalition)] = person[list(coalition)]
                p = scorer.probability(np.stack([with_, without]))
                weight = math.factorial(size) * math.factorial(k - size - 1) / math.factorial(k)
                out[i] += weight * 100 * (p[0] - p[1])
    return out


def test_sampled_values_match_exact_shapley_where_it_can_be_enumerated(scorer, sim):
    x, _ = model_input(sim.panel(5, seed=9), scorer.spec)
    reference = scorer.reference.copy()
    players = [IDX["utilization"], IDX["expense_ratio"], IDX["liquidity_months"]]
    person = reference.copy()
    person[players] = x[0, players] + np.array([2.0, 1.5, -1.0], dtype=np.float32)
    exact = _exact_shapley(scorer, person, reference, players)
    # Two players: an order and its reverse are all the orders there are -> exact.
    two = reference.copy()
    two[players[:2]] = person[players[:2]]
    got2 = shapley(scorer, two[None, :], n_permutations=2).points[0]
    np.testing.assert_allclose(got2[players[:2]], _exact_shapley(scorer, two, reference,
                                                                 players[:2]), atol=1e-4)
    # Three: sampled, close to exact; features at the reference get exactly nothing.
    got = shapley(scorer, person[None, :], n_permutations=64).points[0]
    np.testing.assert_allclose(got[players], exact, atol=0.05 * np.abs(exact).max())
    rest = np.setdiff1d(np.arange(len(FEATURE_NAMES)), players)
    assert np.abs(got[rest]).max() < 1e-9


def _every_step(scorer, x, g):
    """The walk as the definition states it: every inner step of every order scored."""
    m, f = g.orders.shape
    n = len(x)
    joined = (g.joined[:, 1:f, None] >> np.arange(f)) & 1 == 1  # (m, f - 1, f)
    p, z = scorer.run(np.where(joined[None], x[:, None, None, :], scorer.reference)
                      .reshape(-1, f))
    own, reference = scorer.run(x), scorer.reference_run
    v = np.empty((2, n, m, f + 1))
    v[:, :, :, 0] = np.array([100 * reference[0], reference[1]])[:, None, None]
    v[0, :, :, 1:f], v[1, :, :, 1:f] = 100 * p.reshape(n, m, f - 1), z.reshape(n, m, f - 1)
    v[0, :, :, f], v[1, :, :, f] = 100 * own[0][:, None], own[1][:, None]
    step = np.diff(v, axis=3).reshape(2, n, m * f)
    return step[:, :, g.credit_index].reshape(2, n, m, f).mean(axis=2), len(p)


def test_repeated_coalitions_are_scored_once_with_the_same_contributions(scorer, sim):
    x, _ = model_input(sim.panel(40, seed=13), scorer.spec)
    x = np.asarray(x, dtype=np.float32)
    x[5] = scorer.reference  # a person with nothing to explain
    x[6, :10] = scorer.reference[:10]  # and one with ten features at the reference
    g = game(x.shape[1], 8)
    (points, log_odds), every = _every_step(scorer, x, g)
    walks = coalitions(x, scorer.reference, g)
    p, z = scorer.run(walks.rows)
    got = contributions_from(p, z, scorer.run(x), scorer.reference_run, g, walks)
    np.testing.assert_allclose(got.points, points, atol=1e-9)
    np.testing.assert_allclose(got.log_odds, log_odds, atol=1e-9)
    assert len(walks.rows) < 0.9 * every  # missing indicators at the reference, repeats
    assert np.abs(got.points[5]).max() == 0.0 and np.abs(got.points[6, :10]).max() == 0.0
    # Rows of one person only: the tenth person's walks need no coalition of the others.
    alone = coalitions(x[6:7], scorer.reference, g)
    differ = int((x[6] != scorer.reference.astype(np.float32)).sum())
    assert len(alone.rows) <= g.orders.shape[0] * (differ - 1)


def test_same_person_same_contributions(scorer, sim):
    x, _ = model_input(sim.panel(10, seed=10), scorer.spec)
    a = shapley(scorer, x).points
    b = shapley(scorer, x[::-1]).points[::-1]  # order and batch do not matter
    np.testing.assert_allclose(a, b, atol=1e-6)
    orders = permutations(len(FEATURE_NAMES), 8)
    assert orders.shape == (8, len(FEATURE_NAMES))
    assert (np.sort(orders, axis=1) == np.arange(len(FEATURE_NAMES))).all()


def test_missing_field_gets_a_range_not_a_contribution_from_its_features(scorer, sim):
    panel = sim.panel(60, seed=11)
    field = "liquid_savings"
    values = panel.values.copy()
    col = list(OPTIONAL_FIELDS).index(field)
    values[:30, :, FIELD_NAMES.index(field)] = np.nan
    panel = panel.with_values(values)
    x, raw = model_input(panel, scorer.spec)
    raw_m = raw_feature_matrix(raw)
    assert (raw_m[:30, IDX[f"missing_{field}"]] == 1).all()
    c = shapley(scorer, x, n_permutations=8)
    _, ind, deps = MISSING_GROUPS[col]
    assert np.abs(c.points[:30][:, list(deps)]).max() < 1e-9  # imputed: at the reference
    low, high = missing_field_ranges(scorer, x, raw_m, scorer.probability(x))
    assert low.shape == high.shape == (60, len(OPTIONAL_FIELDS))
    given = raw_m[:, IDX[f"missing_{field}"]] < 0.5
    assert np.isnan(low[given, col]).all() and np.isnan(high[given, col]).all()
    assert (low[:30, col] <= 0).all() and (high[:30, col] >= 0).all()
    # Savings move a risk model: someone could go either way once they show their balance.
    assert (high[:30, col] - low[:30, col] > 1.0).mean() > 0.5


def test_explanation_reasons_add_up_and_missing_fields_stand_apart(scorer, sim):
    panel = sim.panel(40, seed=12)
    values = panel.values.copy()
    values[:20, :, FIELD_NAMES.index("credit_limit")] = np.nan
    x, raw = model_input(panel.with_values(values), scorer.spec)
    raw_m = raw_feature_matrix(raw)
    c = shapley(scorer, x, n_permutations=8)
    low, high = missing_field_ranges(scorer, x, raw_m, scorer.probability(x))
    insights, objects = explanation(c, low, high, raw_m, np.zeros(x.shape, dtype=bool))
    score = np.rint(100 * scorer.probability(x))
    for i, (reasons, obj) in enumerate(zip(insights, objects, strict=True)):
        total = sum(obj["points"].values()) + sum(m["points"] for m in obj["missing"])
        # what the person sees: the rounded score minus the reference score
        assert abs(total - (score[i] - obj["reference_score"])) <= 0.5 + 1e-9
        assert not any(r["feature"].startswith("missing_") for r in reasons)
        fields = [m["field"] for m in obj["missing"]]
        assert ("credit_limit" in fields) == (raw_m[i, IDX["missing_credit_limit"]] == 1)
        assert "credit_limit" in fields or i >= 20
        for m in obj["missing"]:
            assert m["low"] <= 0 <= m["high"] and "points" in m["sentence"]
        for r in reasons:
            assert abs(r["points"] - obj["points"][r["feature"]]) <= 0.05 + 1e-9


def test_a_contrary_share_stays_in_the_points_but_is_no_reason(scorer, sim):
    x, raw = model_input(sim.panel(30, seed=3, mask_share=0.0), scorer.spec)
    raw_m = raw_feature_matrix(raw)
    c = shapley(scorer, x, n_permutations=8)
    low, high = missing_field_ranges(scorer, x, raw_m, scorer.probability(x))
    free = np.zeros(x.shape, dtype=bool)
    shown, objects = explanation(c, low, high, raw_m, free)
    person = next(i for i, reasons in enumerate(shown) if reasons)
    top = IDX[shown[person][0]["feature"]]
    contrary = free.copy()
    contrary[person, top] = True  # as if its sign went against the feature's direction
    shown_now, objects_now = explanation(c, low, high, raw_m, contrary)
    assert top not in [IDX[r["feature"]] for r in shown_now[person]]
    assert objects_now == objects  # the points, and so the sum, are untouched


def test_against_direction_flags_savings_that_raise_risk():
    savings = IDX["liquidity_months"]  # RISK_DIRECTION -1: more cover, less risk
    x, reference = np.zeros((2, len(IDX))), np.zeros(len(IDX))
    x[:, savings] = 1.0  # both persons above the reference
    log_odds = np.zeros_like(x)
    log_odds[0, savings], log_odds[1, savings] = 0.3, -0.3
    flags = against_direction(x, reference, log_odds)
    assert flags[0, savings] and not flags[1, savings] and flags.sum() == 1
