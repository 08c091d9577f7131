"""Explanations by occlusion: effects, grouping of missing fields, sentences."""

import numpy as np

from inference.explain import (
    ExplainOptions,
    group_missing,
    insight,
    occlusion_effects,
    top_insights,
)
from shared_features import FEATURE_NAMES, MonthlyPanel, model_input, raw_feature_matrix
from shared_features.features import RISK_DIRECTION

IDX = {name: i for i, name in enumerate(FEATURE_NAMES)}


def test_effect_is_probability_minus_probability_at_the_reference(scorer, sim):
    x, _ = model_input(sim.panel(20, seed=4), scorer.spec)
    effects = occlusion_effects(scorer, x)
    assert effects.on_probability.shape == effects.on_log_odds.shape == x.shape
    np.testing.assert_allclose(effects.probability, scorer.probability(x), atol=1e-7)
    for person, feature in [(0, 0), (3, IDX["utilization"]), (19, len(FEATURE_NAMES) - 1)]:
        occluded = x[person].copy()
        occluded[feature] = scorer.reference[feature]
        p, z = scorer.run(occluded[None, :])
        assert abs(effects.on_probability[person, feature]
                   - (effects.probability[person] - p[0])) < 1e-6
        assert abs(effects.on_log_odds[person, feature] - (effects.log_odds[person] - z[0])) < 1e-5
    # For one person the probability and log-odds effects order the features alike.
    same_sign = np.sign(effects.on_probability) == np.sign(effects.on_log_odds)
    assert same_sign[np.abs(effects.on_probability) > 1e-6].all()


def test_occlusion_is_one_session_batch(scorer, sim, monkeypatch):
    x, _ = model_input(sim.panel(30, seed=5), scorer.spec)
    calls = []
    original = scorer.run
    monkeypatch.setattr(scorer, "run", lambda rows: calls.append(len(rows)) or original(rows))
    occlusion_effects(scorer, x)
    assert calls == [30 * (len(FEATURE_NAMES) + 1)]


def _panel(**fields):
    arrays = {k: np.full((1, 12), v, dtype=float) for k, v in fields.items()}
    return MonthlyPanel.from_arrays(arrays)


def _explain(scorer, panel, **opts):
    x, raw = model_input(panel, scorer.spec)
    raw_m = raw_feature_matrix(raw)
    return top_insights(group_missing(occlusion_effects(scorer, x), raw_m), raw_m,
                        ExplainOptions(**opts))[0]


STRESSED = dict(income=2000, expenses=2100, debt_payments=300, liquid_savings=100,
                total_debt=9000, credit_limit=9500, missed_payments=1)


def test_stressed_person_hears_about_missed_payments_and_thin_savings(scorer):
    insights = _explain(scorer, _panel(**STRESSED), top_up=4, top_down=0)
    raising = {i["feature"] for i in insights}
    assert len(insights) == 4
    assert all(i["direction"] == "raises" and i["log_odds"] > 0 for i in insights)
    assert raising & {"missed_payments_recent", "missed_payments_total", "liquidity_months",
                      "utilization", "expense_ratio"}
    strengths = [i["log_odds"] for i in insights]
    assert strengths == sorted(strengths, reverse=True)


def test_saturated_person_still_hears_why(scorer):
    # Probability ~1: occluding one feature barely moves it, the log-odds still do.
    insights = _explain(scorer, _panel(**STRESSED), top_up=3, top_down=0, min_points=0.5)
    assert insights
    for i in insights:
        if abs(i["points"]) < 0.5:
            assert i["sentence"].endswith("which raises your risk.")  # no "by 0 points"


def test_comfortable_person_hears_what_lowers_the_risk(scorer):
    panel = _panel(income=6000, expenses=2500, debt_payments=100, liquid_savings=40000,
                   total_debt=1000, credit_limit=10000, missed_payments=0)
    insights = _explain(scorer, panel, top_up=0, top_down=3)
    assert insights and all(i["direction"] == "lowers" and i["log_odds"] < 0 for i in insights)
    liquidity = [i for i in insights if i["feature"] == "liquidity_months"]
    assert liquidity and liquidity[0]["sentence"].startswith(
        "Your savings cover 15.4 months of expenses, which lowers your risk")


def test_missing_field_is_one_insight_about_the_missing_data(scorer):
    panel = _panel(income=2000, expenses=1900, debt_payments=200, total_debt=5000,
                   credit_limit=6000, missed_payments=0)  # no liquid_savings column
    x, raw = model_input(panel, scorer.spec)
    raw_m = raw_feature_matrix(raw)
    grouped = group_missing(occlusion_effects(scorer, x), raw_m)
    # The features that need savings sit at the reference: nothing left to report on them.
    for effects in (grouped.on_probability, grouped.on_log_odds):
        assert effects[0, IDX["liquidity_months"]] == 0
        assert effects[0, IDX["liquidity_trend"]] == 0
        assert effects[0, IDX["missing_liquid_savings"]] != 0
    insights = top_insights(grouped, raw_m, ExplainOptions(top_up=30, top_down=30,
                                                           min_points=0, min_log_odds=0))[0]
    names = [i["feature"] for i in insights]
    assert "missing_liquid_savings" in names and "liquidity_months" not in names
    sentence = insights[names.index("missing_liquid_savings")]["sentence"]
    assert sentence.startswith("Your liquid savings figures were not given")


def test_indicator_of_a_field_that_is_present_says_nothing(scorer, sim):
    x, raw = model_input(sim.panel(50, seed=6, mask_share=0.0), scorer.spec)
    raw_m = raw_feature_matrix(raw)
    grouped = group_missing(occlusion_effects(scorer, x), raw_m)
    for name in FEATURE_NAMES:
        if name.startswith("missing_"):
            assert np.all(grouped.on_log_odds[:, IDX[name]] == 0)


def test_small_effects_are_not_worth_a_sentence(scorer, sim):
    x, raw = model_input(sim.panel(40, seed=7), scorer.spec)
    raw_m = raw_feature_matrix(raw)
    effects = group_missing(occlusion_effects(scorer, x), raw_m)
    options = ExplainOptions(top_up=3, top_down=2, min_points=2.0, min_log_odds=0.5)
    for insights in top_insights(effects, raw_m, options):
        assert len(insights) <= 5
        assert all(abs(i["points"]) >= 2.0 or abs(i["log_odds"]) >= 0.5 for i in insights)


def test_sentences_read_well():
    s = insight(IDX["liquidity_months"], 0.8, 0.06, 0.4)["sentence"]
    assert s == "Your savings cover 0.8 months of expenses, which raises your risk by 6 points."
    s = insight(IDX["missed_payments_recent"], 1.0, 0.006, 0.3)["sentence"]
    assert s == ("You missed 1 payment in the last 3 months, which raises your risk by "
                 "0.6 points.")
    s = insight(IDX["savings_rate"], -0.25, 0.031, 0.2)["sentence"]
    assert s.startswith("You spend 25% more than your income, which raises your risk by 3 ")
    s = insight(IDX["liquidity_months"], 4.2, -0.01, -0.1)
    assert s["display_value"] is not None and s["direction"] == "lowers"
    assert s["sentence"].endswith("lowers your risk by 1 point.")
    s = insight(IDX["utilization"], 0.95, 0.0, 0.7)["sentence"]
    assert s == "You are using 95% of your credit limit, which raises your risk."


def test_insights_never_contradict_how_a_person_reads_the_feature(scorer, sim):
    """Above the reference, a "higher is riskier" feature may only raise risk (and so on)."""
    x, _ = model_input(sim.panel(300, seed=6), scorer.spec)
    effects = occlusion_effects(scorer, x)
    for j, name in enumerate(FEATURE_NAMES):
        sign = RISK_DIRECTION.get(name, 0)
        if sign == 0:
            continue
        above = x[:, j] > scorer.reference[j]
        below = x[:, j] < scorer.reference[j]
        assert (effects.on_log_odds[above, j] * sign >= 0).all(), name
        assert (effects.on_log_odds[below, j] * sign <= 0).all(), name
