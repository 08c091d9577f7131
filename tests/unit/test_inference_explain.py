"""Explanations as production makes them (``explain``: Shapley contributions of the score):
their values, one session batch, the insights chosen from them, missing fields, sentences."""

import numpy as np

from inference.contributions import (
    coalitions,
    explanation,
    game,
    missing_field_ranges,
    shapley,
)
from inference.explain import ExplainOptions, explain, insight, top_insights, top_reasons
from shared_features import FEATURE_NAMES, MonthlyPanel, model_input, raw_feature_matrix
from shared_features.features import RISK_DIRECTION

IDX = {name: i for i, name in enumerate(FEATURE_NAMES)}
INDICATORS = [IDX[name] for name in FEATURE_NAMES if name.startswith("missing_")]


def _inputs(panel, scorer):
    x, raw = model_input(panel, scorer.spec)
    return x, raw_feature_matrix(raw)


def test_explain_gives_the_shapley_contributions_of_the_score(scorer, sim):
    x, raw_m = _inputs(sim.panel(20, seed=4), scorer)
    options = ExplainOptions(permutations=8)
    effects = explain(scorer, x, raw_m, options)
    assert effects.on_probability.shape == effects.on_log_odds.shape == x.shape
    np.testing.assert_allclose(effects.probability, scorer.probability(x), atol=1e-6)
    c = shapley(scorer, x, options.permutations)
    given = np.ones(x.shape[1], dtype=bool)
    given[INDICATORS] = False
    np.testing.assert_allclose(effects.on_probability[:, given], c.points[:, given] / 100.0)
    np.testing.assert_allclose(effects.on_log_odds[:, given], c.log_odds[:, given])
    # The test model is additive in the logit, so each feature's share of the log-odds is
    # exactly what setting it alone to the reference takes away.
    for person, feature in [(0, 0), (3, IDX["utilization"]), (19, IDX["months_observed"])]:
        at_reference = x[person].copy()
        at_reference[feature] = scorer.reference[feature]
        _, z = scorer.run(np.stack([x[person], at_reference]))
        assert abs(effects.on_log_odds[person, feature] - (z[0] - z[1])) < 1e-4
    # For one person the probability and log-odds contributions order the features alike.
    same_sign = np.sign(effects.on_probability) == np.sign(effects.on_log_odds)
    assert same_sign[np.abs(effects.on_probability) > 1e-6].all()


def test_contributions_of_a_fully_reported_person_add_up_to_score_minus_reference(scorer, sim):
    x, raw_m = _inputs(sim.panel(30, seed=6, mask_share=0.0), scorer)
    effects = explain(scorer, x, raw_m)
    reference_p = scorer.probability(scorer.reference[None, :])[0]
    np.testing.assert_allclose(effects.on_probability.sum(axis=1),
                               effects.probability - reference_p, atol=1e-5)


def test_explain_is_one_session_batch_per_chunk(scorer, sim, monkeypatch):
    x, raw_m = _inputs(sim.panel(30, seed=5), scorer)
    # The reference person's own run is made once per scorer and kept: not part of a chunk
    # (without this the test passed only after another test had made it).
    scorer.reference_run  # noqa: B018
    calls = []
    original = scorer.run
    monkeypatch.setattr(scorer, "run", lambda rows: calls.append(len(rows)) or original(rows))
    options = ExplainOptions(permutations=4)
    explain(scorer, x, raw_m, options)
    walks = coalitions(x, scorer.reference, game(len(FEATURE_NAMES), 4))
    assert calls == [30 + len(walks.rows)]


def _panel(**fields):
    arrays = {k: np.full((1, 12), v, dtype=float) for k, v in fields.items()}
    return MonthlyPanel.from_arrays(arrays)


def _explain(scorer, panel, **opts):
    x, raw_m = _inputs(panel, scorer)
    options = ExplainOptions(**opts)
    return top_insights(explain(scorer, x, raw_m, options), raw_m, options)[0]


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
    # Probability ~1: a feature's share of the probability is tiny, of the log-odds it is not.
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


def test_missing_field_is_no_reason_but_is_reported_apart(scorer):
    panel = _panel(income=2000, expenses=1900, debt_payments=200, total_debt=5000,
                   credit_limit=6000, missed_payments=0)  # no liquid_savings column
    x, raw_m = _inputs(panel, scorer)
    assert raw_m[0, IDX["missing_liquid_savings"]] == 1
    effects = explain(scorer, x, raw_m)
    # The features that need savings sit at the reference, and the indicator's share is left
    # out: nothing about savings can become a reason.
    for on in (effects.on_probability, effects.on_log_odds):
        assert on[0, IDX["liquidity_months"]] == 0
        assert on[0, IDX["liquidity_trend"]] == 0
        assert on[0, IDX["missing_liquid_savings"]] == 0
    everything = ExplainOptions(top_up=30, top_down=30, min_points=0, min_log_odds=0)
    names = [i["feature"] for i in top_insights(effects, raw_m, everything)[0]]
    assert names and not {"liquidity_months", "liquidity_trend",
                          "missing_liquid_savings"} & set(names)
    # ... while the model did react to the absence, and the person is told so, with a range.
    c = shapley(scorer, x)
    assert c.points[0, IDX["missing_liquid_savings"]] != 0
    low, high = missing_field_ranges(scorer, x, raw_m, scorer.probability(x))
    _, objects = explanation(c, low, high, raw_m, np.zeros(x.shape, dtype=bool))
    missing = {m["field"]: m for m in objects[0]["missing"]}
    assert set(missing) == {"liquid_savings"}
    assert missing["liquid_savings"]["sentence"].startswith("No liquid savings data was given")


def test_indicator_of_a_field_that_is_present_says_nothing(scorer, sim):
    x, raw_m = _inputs(sim.panel(50, seed=6, mask_share=0.0), scorer)
    assert (raw_m[:, INDICATORS] == 0).all()
    effects = explain(scorer, x, raw_m)
    assert (effects.on_log_odds[:, INDICATORS] == 0).all()
    assert (effects.on_probability[:, INDICATORS] == 0).all()


def test_small_effects_are_not_worth_a_sentence(scorer, sim):
    x, raw_m = _inputs(sim.panel(40, seed=7), scorer)
    options = ExplainOptions(top_up=3, top_down=2, min_points=2.0, min_log_odds=0.5)
    effects = explain(scorer, x, raw_m, options)
    every = top_insights(effects, raw_m, options)
    assert any(every) and not all(len(i) == 5 for i in every)  # the bar holds some back
    for insights in every:
        assert len(insights) <= 5
        assert all(abs(i["points"]) >= 2.0 or abs(i["log_odds"]) >= 0.5 for i in insights)
    # The reasons the results table writes are the first of those insights' sentences.
    reasons = top_reasons(effects, raw_m, options, k=2)
    assert reasons == [[i["sentence"] for i in insights[:2]] for insights in every]


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


def test_contributions_follow_how_a_person_reads_the_feature(scorer, sim):
    """Above the reference, a "higher is riskier" feature raises risk (and so on): true of the
    test model, whose weights follow RISK_DIRECTION, so Shapley must not flip a sign."""
    x, raw_m = _inputs(sim.panel(300, seed=6), scorer)
    effects = explain(scorer, x, raw_m, ExplainOptions(permutations=4))
    checked = 0
    for j, name in enumerate(FEATURE_NAMES):
        sign = RISK_DIRECTION.get(name, 0)
        if sign == 0:
            continue
        above = x[:, j] > scorer.reference[j]
        below = x[:, j] < scorer.reference[j]
        assert (effects.on_log_odds[above, j] * sign >= 0).all(), name
        assert (effects.on_log_odds[below, j] * sign <= 0).all(), name
        checked += int(above.any() and below.any())
    assert checked >= 5


def test_every_feature_reads_as_its_own_sentence_in_its_own_unit():
    """No feature falls back to "Your <label> is <value>", and the ones measured against
    spending or owed debt say so (debt_trend once read as a share of income)."""
    from inference.explain import PHRASES
    from shared_features import FEATURES

    assert [d.name for d in FEATURES if d.name not in PHRASES] == []
    s = insight(IDX["debt_trend"], 0.12, 0.02, 0.2)["sentence"]
    assert s.startswith("Your debt is growing by 12% of a month's spending each month")
    s = insight(IDX["payment_to_debt"], 0.04, 0.02, 0.2)["sentence"]
    assert s.startswith("Each month you pay about 4% of what you owe, which raises")
    s = insight(IDX["missed_streak"], 3.0, 0.05, 0.5)["sentence"]
    assert s.startswith("You missed a payment in each of the last 3 months, which raises")
    s = insight(IDX["savings_rate_recent"], -0.12, 0.02, 0.2)["sentence"]
    assert s.startswith("Over the last 3 months you spent more than came in, by 12% of")
