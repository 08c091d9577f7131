"""Publishing some sections again keeps the rest of the published run as it was."""

from __future__ import annotations

from benchmarks.__main__ import _published


def test_a_partial_publish_replaces_its_sections_and_keeps_the_whole_runs_total() -> None:
    previous = {"sections": {"batch": 1, "dask": 2},
                "seconds": {"batch": 10.0, "dask": 20.0, "total": 30.0}}
    report = {"sections": {"batch": 3}, "seconds": {"batch": 5.0, "total": 6.0},
              "started_at": "2026-12-02T16:10:48+00:00",
              "machine": {"load_average_at_start": [0.8], "load_average_at_end": [1.7]}}
    merged = _published(previous, report, partial=True)
    assert merged["sections"] == {"batch": 3, "dask": 2}
    assert merged["seconds"] == {"batch": 5.0, "dask": 20.0, "total": 30.0}
    assert merged["partial_updates"] == [{"sections": ["batch"],
                                          "started_at": "2026-12-02T16:10:48+00:00",
                                          "load_average_at_start": [0.8],
                                          "load_average_at_end": [1.7]}]
