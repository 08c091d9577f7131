"""The speed-ups of the batch path give exactly what the plain code gives.

Insights and recommendations are written as JSON text directly (``top_insights_json``,
``rank_json``) instead of building dicts and encoding them; ``assess`` works through large
panels in chunks of persons; the scorer calls the session in chunks of rows. Each must be
byte-for-byte what the straightforward version produces.
"""

import numpy as np
import pytest

from inference.documents import encode
from inference.explain import (
    ExplainOptions,
    group_missing,
    occlusion_effects,
    top_insights,
    top_insights_json,
)
from inference.pipeline import assess
from inference.recommend import RecommendOptions, rank, rank_json, stack, what_ifs
from shared_features import model_input, raw_feature_matrix


def _panel(sim, n=120, seed=21):
    # Many missing columns and short histories: NaN raw values, folded indicators, and actions
    # that do not apply to everyone.
    return sim.panel(n, seed=seed, mask_share=0.3, short_share=0.3)


@pytest.mark.parametrize("options", [ExplainOptions(), ExplainOptions(top_up=30, top_down=30,
                                                                      min_points=0.0,
                                                                      min_log_odds=0.0),
                                     ExplainOptions(top_up=0, top_down=1)])
def test_insights_json_is_the_encoded_insights(scorer, sim, options):
    x, raw = model_input(_panel(sim), scorer.spec)
    raw_m = raw_feature_matrix(raw)
    effects = group_missing(occlusion_effects(scorer, x), raw_m)
    expected = [encode(i) for i in top_insights(effects, raw_m, options)]
    assert top_insights_json(effects, raw_m, options) == expected


@pytest.mark.parametrize("options", [RecommendOptions(), RecommendOptions(
    max_recommendations=10, min_points=0.0, min_log_odds=0.0), RecommendOptions(
    max_recommendations=0)])
def test_recommendations_json_is_the_encoded_recommendations(scorer, sim, options):
    window = _panel(sim).last_months(scorer.spec.history_months)
    n = window.n_persons
    actions = what_ifs(window, options)
    p, z = scorer.run(model_input(stack(window, actions), scorer.spec)[0])
    after_p, after_z = (v[n:].reshape(len(actions), n).T for v in (p, z))
    args = (actions, p[:n], z[:n], after_p, after_z, scorer.spec, options)
    assert rank_json(*args) == [encode(r) for r in rank(*args)]


def test_chunked_assessment_is_the_whole_assessment(scorer, sim):
    panel = _panel(sim, n=50, seed=22)
    whole = assess(panel, scorer)
    chunked = assess(panel, scorer, chunk_persons=7)
    assert chunked.rows == whole.rows
    for k in ("probability", "risk_score", "risk_band"):
        np.testing.assert_array_equal(getattr(chunked.scores, k), getattr(whole.scores, k))


def test_row_chunks_of_the_session_do_not_change_scores(scorer, sim):
    x, _ = model_input(_panel(sim, n=60, seed=23), scorer.spec)
    p, z = scorer.run(x)
    scorer_chunk = scorer._chunk
    try:
        scorer._chunk = 7
        p7, z7 = scorer.run(x)
    finally:
        scorer._chunk = scorer_chunk
    np.testing.assert_array_equal(p, p7)
    np.testing.assert_array_equal(z, z7)
