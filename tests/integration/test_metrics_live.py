"""/metrics under a real gunicorn with 2 workers: prometheus-client's multiprocess mode adds up
every worker's counts, whichever worker answers the scrape."""

from __future__ import annotations

import re

from support.live_server import Server


def _healthz_count(text: str) -> float:
    found = re.search(r'scorer_http_requests_total\{method="GET",route="/healthz",'
                      r'status="200"\} ([\d.]+)', text)
    return float(found.group(1)) if found else 0.0


def test_metrics_add_up_across_workers(server: Server, sample_csv):
    before = _healthz_count(server.request("GET", "/metrics")[1])
    for _ in range(40):  # spread over both workers by the kernel
        assert server.request("GET", "/healthz")[0] == 200
    assert server.post_csv(sample_csv)[0] == 200
    scrapes = [server.request("GET", "/metrics") for _ in range(6)]
    for status, text in scrapes:
        assert status == 200, server.log()[-3000:]
        assert _healthz_count(text) - before == 40
        assert re.search(r"scorer_runs_stored_total [1-9]", text)
        assert "scorer_ready 1.0" in text
        assert len(re.findall(r"^scorer_model_info\{", text, re.MULTILINE)) >= 1
