"""Where one small request's time goes, stage by stage, in process (no sockets).

    python -m benchmarks.bench_request [--requests 300]

``POST /api/v1/score`` of one person x 12 months (text/csv) through Flask's test client, with
the stages of the same calls timed by wrapping what the route calls: reading and validating the
CSV (ingest), laying its rows out as a panel, features + model + explanations +
recommendations (rows), the SQLite write (store_write), the store connection's open and close,
and the rest (Flask, routing, the response). The reference in the same run is
``GET /healthz`` through the same client.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from .common import ARTIFACTS, csv_block, median, rnd, usable_artifacts, workdir

WITHIN_ROWS = "rows: "  # stages inside "rows", shown but not counted twice


class _Stages:
    def __init__(self) -> None:
        self.seconds: dict[str, list[float]] = {}

    def wrap(self, owner: Any, name: str, label: str, consume: bool = False) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                result = original(*args, **kwargs)
                return list(result) if consume else result  # a generator runs when consumed
            finally:
                self.seconds.setdefault(label, []).append(time.perf_counter() - start)
        setattr(owner, name, timed)


def run(requests: int = 300, artifacts: Path = ARTIFACTS) -> dict[str, Any]:
    import importlib

    import inference.pipeline as pipeline_mod
    import inference.service as service_mod
    from inference.scorer import Scorer
    from inference.store import Store
    from web import create_app

    ingest_mod = importlib.import_module("shared_features.ingest")  # the package re-exports a
    # function of the same name, which hides the module from a plain import

    with workdir("bench-request-") as tmp:
        directory, source = usable_artifacts(tmp, artifacts)
        app = create_app({"ARTIFACTS_DIR": str(directory),
                          "DATABASE_PATH": str(tmp / "db.sqlite3")})
        client = app.test_client()
        body = csv_block(1, 12, seed=11)
        for _ in range(30):  # warm-up
            client.post("/api/v1/score", data=body, content_type="text/csv")
            client.get("/healthz")
        stages = _Stages()
        stages.wrap(service_mod, "ingest", "ingest")
        # Ingest lays the validated rows out as a panel when the panel is first asked for.
        stages.wrap(ingest_mod.PanelRows, "panel", "ingest: panel layout")
        stages.wrap(service_mod, "assessed_rows",
                    "rows (features, model, explanations, recommendations)", consume=True)
        # Within rows (not added to the total again): the features, and the one session run.
        stages.wrap(pipeline_mod, "model_input", f"{WITHIN_ROWS}features (shared_features)")
        stages.wrap(pipeline_mod, "coalitions", f"{WITHIN_ROWS}Shapley coalitions (distinct)")
        model_rows: list[int] = []
        predict = Scorer.predict

        def counted(self: Scorer, x: Any) -> Any:
            model_rows.append(len(x))
            return predict(self, x)
        Scorer.predict = counted  # type: ignore[method-assign]
        stages.wrap(Scorer, "predict", f"{WITHIN_ROWS}the model (one onnxruntime call)")
        stages.wrap(Store, "save_run", "store_write")
        stages.wrap(Store, "__init__", "store_open")
        stages.wrap(Store, "close", "store_close")
        total, health = [], []
        for _ in range(requests):
            start = time.perf_counter()
            response = client.post("/api/v1/score", data=body, content_type="text/csv")
            total.append(time.perf_counter() - start)
            assert response.status_code == 200, response.get_data(as_text=True)[:300]
            start = time.perf_counter()
            client.get("/healthz")
            health.append(time.perf_counter() - start)
    ms = {k: rnd(median(v) * 1000 * len(v) / requests, 3) for k, v in stages.seconds.items()}
    ms["rest (Flask, routing, response)"] = rnd(
        median(total) * 1000 - sum(v for k, v in ms.items() if not k.startswith(WITHIN_ROWS)), 3)
    return {"artifact": source, "requests": requests,
            "request_p50_ms": rnd(median(total) * 1000, 3),
            "reference_healthz_p50_ms": rnd(median(health) * 1000, 3),
            "model_rows_per_request": rnd(median(model_rows), 1),
            "stages_ms_per_request": ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--artifacts", type=Path, default=ARTIFACTS)
    args = parser.parse_args()
    print(json.dumps(run(args.requests, args.artifacts), indent=2))


if __name__ == "__main__":
    sys.exit(main())
