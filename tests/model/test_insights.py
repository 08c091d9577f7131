"""Insights shown to a person never contradict how a person reads the feature, even where the
committed model has learned such interactions."""

import numpy as np

from inference.artifact import load_artifact
from inference.explain import _EXPECTED_SIGN, occlusion_batch, occlusion_effects
from inference.scorer import Scorer
from shared_features import ingest, model_input


def test_shown_effects_follow_the_expected_direction(artifact_dir):
    scorer = Scorer(load_artifact(artifact_dir))
    x, _ = model_input(ingest(artifact_dir / "reference_sample.csv").panel, scorer.spec)
    side = _EXPECTED_SIGN * np.sign(x - scorer.reference)

    _, z = scorer.run(occlusion_batch(x, scorer.reference))
    n, f = x.shape
    z = z.reshape(n, f + 1)
    unfiltered = z[:, :1] - z[:, 1:]
    # The model does have counter-intuitive interactions on these persons (so the check below
    # is not vacuous) ...
    assert (side * unfiltered < -0.01).any()
    # ... and none of them reaches a person as an insight.
    shown = occlusion_effects(scorer, x).on_log_odds
    assert (side * shown >= 0).all()
