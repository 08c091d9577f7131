"""The speed-ups of the batch path give exactly what the plain code gives.

Rows are built in chunks of persons and the scorer calls the session in chunks of rows; a large
upload is scored without its explanations. Each must be what the straightforward version gives.
"""

import numpy as np

from inference.pipeline import assessed_rows, scored_rows
from inference.result import INDEX, LAZY_FIELDS
from shared_features import model_input


def _panel(sim, n=120, seed=21):
    # Many missing columns and short histories: NaN raw values, folded indicators, and actions
    # that do not apply to everyone.
    return sim.panel(n, seed=seed, mask_share=0.3, short_share=0.3)


def test_chunked_assessment_is_the_whole_assessment(scorer, sim):
    panel = _panel(sim, n=50, seed=22)
    whole = list(assessed_rows(panel, scorer))
    assert list(assessed_rows(panel, scorer, chunk_persons=7)) == whole
    assert list(scored_rows(panel, scorer, chunk_persons=7)) == list(scored_rows(panel, scorer))


def test_scoring_alone_gives_the_assessment_without_its_lazy_parts(scorer, sim):
    panel = _panel(sim, n=40, seed=24)
    lazy = {INDEX[name] for name in LAZY_FIELDS}
    for scored, assessed in zip(scored_rows(panel, scorer), assessed_rows(panel, scorer),
                                strict=True):
        assert all(scored[i] is None for i in lazy)
        assert all(assessed[i] is not None for i in lazy)
        assert [v for i, v in enumerate(scored) if i not in lazy] == \
            [v for i, v in enumerate(assessed) if i not in lazy]


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
