"""Recommendations: what-if actions on the raw months, re-scored, ranked by risk reduction."""

import numpy as np

from inference.recommend import RecommendOptions, recommend, what_ifs
from shared_features import MonthlyPanel, model_input, risk_score
from shared_features.schema import FIELD_INDEX


def _panel(months=6, **fields):
    arrays = {k: np.asarray(v, dtype=float) * np.ones((1, months)) for k, v in fields.items()}
    return MonthlyPanel.from_arrays(arrays)


def _actions(panel, **opts):
    return {a.key: a for a in what_ifs(panel, RecommendOptions(**opts))}


def test_cut_spending_lowers_expenses_and_keeps_the_difference_in_savings():
    panel = _panel(income=3000, expenses=2000, liquid_savings=1000, total_debt=0)
    a = _actions(panel, cut_spending_share=0.1)["cut_spending"]
    v = a.values[0]
    np.testing.assert_allclose(v[:, FIELD_INDEX["expenses"]], 1800.0)
    np.testing.assert_allclose(v[:, FIELD_INDEX["liquid_savings"]],
                               1000.0 + 200.0 * np.arange(1, 7))
    assert a.applicable[0] and a.amount[0] == 200.0
    assert panel.field("expenses")[0, 0] == 2000.0  # the upload itself is untouched


def test_pay_down_needs_debt_and_enough_savings():
    rich = _panel(income=3000, expenses=2000, liquid_savings=5000, total_debt=8000)
    poor = _panel(income=3000, expenses=2000, liquid_savings=500, total_debt=8000)
    no_debt = _panel(income=3000, expenses=2000, liquid_savings=5000, total_debt=0)
    for panel, expected in ((rich, True), (poor, False), (no_debt, False)):
        assert _actions(panel)["pay_down_debt_25"].applicable[0] == expected
    a = _actions(rich)["pay_down_debt_25"]
    np.testing.assert_allclose(a.values[0, :, FIELD_INDEX["total_debt"]], 6000.0)
    np.testing.assert_allclose(a.values[0, :, FIELD_INDEX["liquid_savings"]], 3000.0)


def test_actions_need_the_fields_they_change():
    panel = _panel(income=3000, expenses=2000)  # no optional columns at all
    actions = _actions(panel)
    assert not actions["emergency_buffer"].applicable[0]  # no savings figure to add to
    assert not actions["lower_debt_payments"].applicable[0]
    assert not actions["pay_down_debt_10"].applicable[0]
    assert actions["cut_spending"].applicable[0] and actions["raise_income"].applicable[0]


def test_recommendations_are_ranked_rescored_and_consistent(scorer, sim):
    panel = sim.panel(60, seed=8)
    window = panel.last_months(scorer.spec.history_months)
    x, _ = model_input(window, scorer.spec)
    p = scorer.probability(x)
    options = RecommendOptions(max_recommendations=10, min_points=0.0, min_log_odds=0.0)
    results = recommend(scorer, window, options)
    actions = {a.key: a for a in what_ifs(window, options)}
    assert sum(bool(r) for r in results) > 40
    for i, recs in enumerate(results):
        reductions = [r["log_odds_reduction"] for r in recs]
        assert reductions == sorted(reductions, reverse=True)
        for r in recs:
            assert r["log_odds_reduction"] > 0
            assert actions[r["action"]].applicable[i]
            # Re-score the what-if panel directly: the same probability.
            what_if = window.take(slice(i, i + 1)).with_values(
                actions[r["action"]].values[i:i + 1])
            direct = scorer.probability(model_input(what_if, scorer.spec)[0])[0]
            assert abs(r["probability_after"] - direct) < 1e-4
            assert abs(r["risk_reduction"] - (p[i] - direct)) < 1e-4
            assert r["risk_score_after"] == risk_score(np.array([direct]))[0]
            assert r["description"].endswith(".")


def test_stressed_person_is_told_to_spend_less_or_build_a_buffer(scorer):
    panel = _panel(months=12, income=2500, expenses=2450, debt_payments=200, liquid_savings=300,
                   total_debt=6000, credit_limit=7000, missed_payments=0)
    recs = recommend(scorer, panel, RecommendOptions())[0]
    assert recs, "a person spending all they earn should get advice"
    assert recs[0]["action"] in {"cut_spending", "raise_income", "emergency_buffer",
                                 "lower_debt_payments"}
    assert len(recs) <= RecommendOptions().max_recommendations


def test_the_flow_actions_batched_equal_each_flow_applied_alone():
    """The three flow actions are built in one set of array calls; each must be, bit for bit,
    the flow scaled on its own with the difference saved month by month."""
    from shared_features.features import mean_over_months
    from shared_features.schema import FIELD_NAMES

    rng = np.random.default_rng(8)
    persons, months = 9, 12
    values = rng.gamma(2.0, 1500.0, size=(persons, months, len(FIELD_NAMES)))
    values[rng.random(values.shape) < 0.2] = np.nan
    observed = np.ones((persons, months), dtype=bool)
    panel = MonthlyPanel(values, observed, np.array([f"p{i}" for i in range(persons)],
                                                    dtype=object))
    options = RecommendOptions()
    actions = {a.key: a for a in what_ifs(panel, options)}
    savings = FIELD_INDEX["liquid_savings"]
    for key, field, factor in (("cut_spending", "expenses", 1 - options.cut_spending_share),
                               ("raise_income", "income", 1 + options.raise_income_share),
                               ("lower_debt_payments", "debt_payments",
                                1 - options.lower_payments_share)):
        want = values.copy()
        j = FIELD_INDEX[field]
        want[:, :, j] = values[:, :, j] * factor
        change = np.abs(values[:, :, j] - want[:, :, j])
        want[:, :, savings] += np.cumsum(np.where(np.isnan(change), 0.0, change), axis=1)
        assert np.array_equal(actions[key].values, want, equal_nan=True), key
        assert np.array_equal(actions[key].amount, mean_over_months(change), equal_nan=True)
