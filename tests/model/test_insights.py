"""Reasons on the committed model, as a person is shown them (``explain``: Shapley
contributions of the score, ``contributions.explanation``: the reasons picked from them)."""

import numpy as np
import orjson
import pytest

from inference.artifact import load_artifact
from inference.contributions import EXPECTED_SIGN, INDICATORS, shapley
from inference.explain import ExplainOptions, explain, top_insights
from inference.pipeline import assessed_rows
from inference.result import INDEX as RESULT_INDEX
from inference.scorer import Scorer
from shared_features import FEATURES, ingest, model_input, raw_feature_matrix

INDEX = {d.name: i for i, d in enumerate(FEATURES)}


@pytest.fixture(scope="module")
def reference_persons(artifact_dir):
    scorer = Scorer(load_artifact(artifact_dir))
    x, raw = model_input(ingest(artifact_dir / "reference_sample.csv").panel, scorer.spec)
    return scorer, x, raw_feature_matrix(raw)


def test_contributions_add_up_on_the_committed_model(reference_persons):
    """The model is not additive, so this checks the Shapley game itself, not a shortcut."""
    scorer, x, raw_m = reference_persons
    effects = explain(scorer, x, raw_m)
    np.testing.assert_allclose(effects.probability, scorer.probability(x), atol=1e-6)
    reference_p = scorer.probability(scorer.reference[None, :])[0]
    complete = (raw_m[:, INDICATORS] < 0.5).all(axis=1)  # no missing field's share left out
    assert complete.sum() >= 5
    np.testing.assert_allclose(effects.on_probability[complete].sum(axis=1),
                               effects.probability[complete] - reference_p, atol=1e-5)
    # A feature at its reference value is no reason at all.
    at_reference = np.isclose(x, scorer.reference[None, :])
    assert np.abs(effects.on_log_odds[at_reference]).max(initial=0.0) < 1e-9


def test_shown_reasons_follow_the_expected_direction(reference_persons, artifact_dir):
    """What the service shows (``assessed_rows``) and what ``stress-scorer score --explain``
    prints (``top_insights``) never give a reason against how a person reads the feature."""
    scorer, x, raw_m = reference_persons
    side = EXPECTED_SIGN * np.sign(x - scorer.reference)
    # The model does have counter-intuitive interactions on these persons (so the check below
    # is not vacuous) ...
    assert (side * shapley(scorer, x).log_odds < -0.01).any()
    # ... and none of them reaches a person as a reason.
    panel = ingest(artifact_dir / "reference_sample.csv").panel
    served = [orjson.loads(row[RESULT_INDEX["insights"]]) for row in assessed_rows(panel, scorer)]
    printed = top_insights(explain(scorer, x, raw_m), raw_m, ExplainOptions())
    for shown in (served, printed):
        assert any(shown)
        contrary = [(person, i["feature"]) for person, reasons in enumerate(shown)
                    for i in reasons if side[person, INDEX[i["feature"]]] * i["log_odds"] < 0]
        assert not contrary
