"""Dashboard pages through Flask's test client: status codes, PRG, escaping of user input, the
upload error display, delete with confirmation, the model page and the not-ready state."""

from __future__ import annotations

import base64
import io
import json
import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from shared_features import FEATURE_SPEC_VERSION
from shared_features.schema import AMOUNT_FIELDS

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MALFORMED = PROJECT_ROOT / "tests" / "data" / "malformed"
SAMPLE = PROJECT_ROOT / "web" / "static" / "sample.csv"
HOSTILE = "<script>alert(1)</script>"
PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")


def _upload(client, data: bytes, name: str = "data.csv"):
    return client.post("/upload", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _csv(person_ids: list[str], months: int = 6) -> bytes:
    lines = ["person_id,month,income,expenses,liquid_savings"]
    for k, pid in enumerate(person_ids):
        quoted = '"' + pid.replace('"', '""') + '"'
        lines += [f"{quoted},2025-{m:02d},{3000 + 400 * k},2500,{1000 + 900 * k}"
                  for m in range(1, months + 1)]
    return ("\n".join(lines) + "\n").encode()


def _run_id(response) -> str:
    assert response.status_code == 303, response.data[:500]
    match = re.fullmatch(r"/runs/([0-9a-f]+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def _linked_id(link: str) -> str:
    return parse_qs(urlsplit(link).query, keep_blank_values=True)["id"][0]


def _person_links(html: str, run_id: str) -> list[str]:
    return [unescape(link) for link in
            re.findall(rf' href="(/runs/{run_id}/person\?id=[^"]+)"', html)]


# -- upload ----------------------------------------------------------------------------------

def test_upload_page(client) -> None:
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Try the sample" in html and 'href="/api/v1/template.csv"' in html
    assert 'enctype="multipart/form-data"' in html and 'name="file"' in html
    guide = html[html.index('id="columns"'):]
    assert guide.count('<th scope="row">') == len(AMOUNT_FIELDS) + 2  # + person_id, month
    for field in AMOUNT_FIELDS:
        assert f"<code>{field.name}</code>" in guide and field.description.replace(
            "&", "&amp;").replace(">", "&gt;") in guide


def test_sample_scores_through_the_service_and_redirects(client) -> None:
    run_id = _run_id(client.post("/sample"))
    html = client.get(f"/runs/{run_id}").get_data(as_text=True)
    people = {line.split(",")[0] for line in SAMPLE.read_text().splitlines()[1:]}
    assert 4 <= len(people) <= 6
    assert len(_person_links(html, run_id)) == len(people)
    for band in ("Low", "Moderate", "High"):  # the sample spans every band
        assert f'badge-{band.lower()}"><span class="badge-dot" aria-hidden="true"></span>{band}' \
            in html
    api = client.get(f"/api/v1/runs/{run_id}").get_json()
    assert api["source_name"] == "sample.csv" and api["n_persons"] == len(people)


def test_upload_redirects_then_run_and_person_pages_render(client, sample_csv) -> None:
    run_id = _run_id(_upload(client, sample_csv, "five.csv"))
    run = client.get(f"/runs/{run_id}")
    html = run.get_data(as_text=True)
    assert run.status_code == 200 and "five.csv" in html
    assert 'data-sortable' in html and 'data-client-sort' in html
    links = _person_links(html, run_id)
    assert len(links) == 5
    person = client.get(links[0])
    page = person.get_data(as_text=True)
    assert person.status_code == 200
    assert '<svg class="gauge"' in page and page.count('<svg class="chart"') == 2
    assert "What drives this estimate" in page and "What would help" in page
    assert "Months of history" in page  # a key metric label from shared_features.KEY_METRICS


def test_single_person_run_shows_the_detail_directly(client) -> None:
    run_id = _run_id(_upload(client, _csv(["solo"])))
    html = client.get(f"/runs/{run_id}").get_data(as_text=True)
    assert '<svg class="gauge"' in html and "results-table" not in html
    assert re.search(r"<h1>\s*solo\s*</h1>", html)


def test_run_table_sorts_by_a_whitelisted_key(client, sample_csv) -> None:
    run_id = _run_id(_upload(client, sample_csv))
    doc = client.get(f"/api/v1/runs/{run_id}").get_json()
    by_risk = [r["person_id"] for r in sorted(doc["results"], key=lambda r: -r["probability"])]
    html = client.get(f"/runs/{run_id}?sort=score&order=desc").get_data(as_text=True)
    shown = [_linked_id(link) for link in _person_links(html, run_id)]
    assert shown == by_risk
    assert 'aria-sort="descending"' in html
    html = client.get(f"/runs/{run_id}?sort=__class__&order=x").get_data(as_text=True)
    assert [_linked_id(x) for x in _person_links(html, run_id)] == [
        r["person_id"] for r in doc["results"]]  # unknown key: upload order


def test_hostile_person_id_and_file_name_are_escaped(client) -> None:
    run_id = _run_id(_upload(client, _csv([HOSTILE, "ok"]), name='<img src=x onerror=alert(1)>'))
    pages = [client.get(f"/runs/{run_id}"), client.get("/runs"), client.get("/")]
    links = _person_links(pages[0].get_data(as_text=True), run_id)
    pages.append(client.get(next(x for x in links if "script" in x)))
    for response in pages:
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert HOSTILE not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0].get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[3].get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages[1].get_data(as_text=True)
    single = _run_id(_upload(client, _csv([HOSTILE])))
    html = client.get(f"/runs/{single}").get_data(as_text=True)
    assert HOSTILE not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("person_id", ["a/b", "what?#x", "  spaced out", "Zoë 100%", "..x",
                                       "..", "."])
def test_person_links_are_url_quoted_and_resolve(client, person_id: str) -> None:
    run_id = _run_id(_upload(client, _csv([person_id, "other"])))
    links = _person_links(client.get(f"/runs/{run_id}").get_data(as_text=True), run_id)
    assert all("#" not in x and " " not in x for x in links)  # quoted: nothing cut off
    pages = [client.get(link) for link in links]
    assert [p.status_code for p in pages] == [200, 200]
    ids = [r["person_id"] for r in client.get(f"/api/v1/runs/{run_id}").get_json()["results"]]
    titles = [unescape(re.search(r"<h1>(.*?)</h1>", p.get_data(as_text=True), re.S)
                            .group(1).strip()) for p in pages]
    assert titles == ids and ids[0].strip() == person_id.strip()


@pytest.mark.parametrize("name", sorted(json.loads((MALFORMED / "expected.json").read_text())))
def test_bad_upload_rerenders_the_upload_page_with_problems(client, name: str) -> None:
    expected = json.loads((MALFORMED / "expected.json").read_text())[name]
    response = _upload(client, (MALFORMED / name).read_bytes(), name)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert 'data-testid="upload-errors"' in html and name in html
    assert expected.replace("'", "&#39;") in html
    assert "Traceback" not in html and 'name="file"' in html
    assert client.get("/api/v1/runs").get_json()["total"] == 0  # nothing stored


def test_negative_income_names_row_column_and_value(client) -> None:
    response = _upload(client, (MALFORMED / "negative_income.csv").read_bytes())
    html = response.get_data(as_text=True)
    table = html[html.index("problems-table"):html.index("</table>")]
    rows = re.findall(r"<tr>\s*(.*?)\s*</tr>", table, re.S)
    cells = [re.sub(r"<[^>]+>", "", c).strip()
             for c in re.findall(r"<td[^>]*>(.*?)</td>", rows[-1], re.S)]
    assert cells == ["3", "income", "-3000", "must not be negative"]
    assert "1 problem found" in response.get_data(as_text=True)


def test_upload_without_a_file_is_a_400_with_a_message(client) -> None:
    response = client.post("/upload", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose a CSV file first" in response.get_data(
        as_text=True)


def test_form_targets_redirect_to_the_upload_page_on_get(client) -> None:
    for path in ("/upload", "/sample"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/"


def test_too_large_upload_is_a_413_page(make_app) -> None:
    client = make_app(limits={"max_upload_mb": 0.001}).test_client()
    response = _upload(client, b"income,expenses\n" + b"1,1\n" * 2000)
    assert response.status_code == 413 and "larger than the" in response.get_data(as_text=True)
    assert response.mimetype == "text/html"


# -- history and delete ----------------------------------------------------------------------

def test_history_lists_runs_with_band_counts_and_pages(make_app, sample_csv) -> None:
    client = make_app(runs={"default_page_size": 2}).test_client()
    assert "No runs yet" in client.get("/runs").get_data(as_text=True)
    ids = [_run_id(_upload(client, sample_csv, f"file{i}.csv")) for i in range(3)]
    first = client.get("/runs").get_data(as_text=True)
    assert "3 runs" in first and "Page 1 of 2" in first
    assert f'data-run-id="{ids[2]}"' in first and f'data-run-id="{ids[0]}"' not in first
    assert "file2.csv" in first and 'class="count-pill count-low"' in first
    second = client.get("/runs?page=2").get_data(as_text=True)
    assert f'data-run-id="{ids[0]}"' in second
    assert client.get("/runs?page=nonsense").status_code == 200


def test_delete_asks_for_confirmation_then_deletes(client, sample_csv) -> None:
    run_id = _run_id(_upload(client, sample_csv, "gone.csv"))
    confirm = client.post(f"/runs/{run_id}/delete")  # no JS: the button lands on a confirm page
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Delete this run?" in html and "gone.csv" in html
    assert 'name="confirmed" value="1"' in html
    assert client.get(f"/runs/{run_id}").status_code == 200  # not deleted yet
    assert client.get(f"/runs/{run_id}/delete").status_code == 200

    done = client.post(f"/runs/{run_id}/delete", data={"confirmed": "1"})
    assert done.status_code == 303 and done.headers["Location"] == "/runs?deleted=1"
    assert "were deleted" in client.get(done.headers["Location"]).get_data(as_text=True)
    gone = client.get(f"/runs/{run_id}")
    assert gone.status_code == 404 and "Run not found" in gone.get_data(as_text=True)
    assert client.post(f"/runs/{run_id}/delete", data={"confirmed": "1"}).status_code == 404


def test_unknown_run_and_person_are_html_404s(client, sample_csv) -> None:
    assert client.get("/runs/0123456789abcdef").status_code == 404
    run_id = _run_id(_upload(client, sample_csv))
    response = client.get(f"/runs/{run_id}/person?id=nobody")
    assert response.status_code == 404 and response.mimetype == "text/html"


# -- model -----------------------------------------------------------------------------------

def test_model_page_with_the_test_artifact(client) -> None:
    response = client.get("/model")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'data-testid="model-version">{FEATURE_SPEC_VERSION}<' in html and "ROC-AUC" in html
    assert html.count('class="plot-missing"') == 3 and "/model/plots/" not in html
    assert "<h3>Test model</h3>" in html  # the model card, rendered


def test_model_page_with_plots_and_side_by_side_metrics(make_app, artifact_copy: Path) -> None:
    (artifact_copy / "plots").mkdir()
    for name in ("roc", "calibration"):
        (artifact_copy / "plots" / f"{name}.png").write_bytes(PNG_1PX)
    (artifact_copy / "secret.txt").write_text("no")
    metrics = {"model": {"roc_auc": 0.81, "log_loss": 0.31, "n": 5000},
               "baseline": {"roc_auc": 0.77, "log_loss": 0.35},
               "oracle": {"roc_auc": 0.86, "log_loss": 0.28}, "threshold": 0.4}
    (artifact_copy / "metrics.json").write_text(json.dumps(metrics))
    (artifact_copy / "model_card.md").write_text("# Card\n\n<script>alert(1)</script> **ok**\n")
    client = make_app(artifacts={"dir": str(artifact_copy)}).test_client()
    html = client.get("/model").get_data(as_text=True)
    assert "This model" in html and "Logistic baseline" in html and "Oracle (ceiling)" in html
    assert "0.810" in html and "0.770" in html and "0.860" in html and "5,000" in html
    assert html.count('src="/model/plots/') == 2 and html.count('class="plot-missing"') == 1
    assert "<script>alert(1)" not in html and "<strong>ok</strong>" in html
    plot = client.get("/model/plots/roc.png")
    assert plot.status_code == 200 and plot.mimetype == "image/png" and plot.data == PNG_1PX
    for bad in ("/model/plots/pr.png", "/model/plots/secret.png", "/model/plots/../secret.txt",
                "/model/plots/%2E%2E%2Fsecret.txt", "/model/plots/roc.txt"):
        assert client.get(bad).status_code == 404, bad


def test_model_not_ready_is_a_banner_not_a_500(make_app, tmp_path: Path) -> None:
    client = make_app(artifacts={"dir": str(tmp_path / "nowhere")}).test_client()
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "The model is not ready" in html
    assert "does not exist" in html  # the service's reason
    assert re.search(r'<button[^>]*type="submit"[^>]*disabled', html)
    sample = client.post("/sample")
    assert sample.status_code == 503 and "not available" in sample.get_data(as_text=True)
    model = client.get("/model")
    assert model.status_code == 503 and "No model is loaded" in model.get_data(as_text=True)
    assert client.get("/runs").status_code == 200


# -- offline -----------------------------------------------------------------------------------

def test_pages_reference_no_external_resource(client, sample_csv) -> None:
    run_id = _run_id(_upload(client, sample_csv))
    person = _person_links(client.get(f"/runs/{run_id}").get_data(as_text=True), run_id)[0]
    for path in ("/", f"/runs/{run_id}", person, "/runs", "/model"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r'(?:src|href|action)="(?:https?:)?//', html), path
    css = (PROJECT_ROOT / "web" / "static" / "style.css").read_text()
    js = (PROJECT_ROOT / "web" / "static" / "app.js").read_text()
    assert "@import" not in css and not re.search(r"url\(\s*['\"]?(?:https?:)?//", css)
    assert not re.search(r"https?://", js)


def test_a_form_post_without_the_pages_csrf_token_is_refused(app, sample_csv) -> None:
    from flask.testing import FlaskClient

    plain = FlaskClient(app, app.response_class, use_cookies=True)  # sends no token by itself
    run_id = _run_id(_upload(app.test_client(), sample_csv))
    for token in (None, "forged"):
        data = {"confirmed": "1"} | ({"csrf_token": token} if token else {})
        evil = plain.post(f"/runs/{run_id}/delete", data=data)
        assert evil.status_code == 403, token
        assert "CSRF" in evil.get_data(as_text=True)
    assert plain.get(f"/runs/{run_id}").status_code == 200  # nothing was deleted
    history = plain.get("/runs").get_data(as_text=True)  # the page's form carries the token
    token = re.search(r'name="csrf_token" value="([^"]+)"', history).group(1)
    own = plain.post(f"/runs/{run_id}/delete", data={"confirmed": "1", "csrf_token": token})
    assert own.status_code == 303
    assert plain.get(f"/runs/{run_id}").status_code == 404


# -- statements ----------------------------------------------------------------------------------

STATEMENTS = PROJECT_ROOT / "tests" / "data" / "statements"


def test_statements_are_shown_before_scoring_then_scored(client) -> None:
    names = ["uk_current_account.csv", "amex_activity.csv"]
    response = client.post("/upload", data={"file": [
        (io.BytesIO((STATEMENTS / n).read_bytes()), n) for n in names]},
        content_type="multipart/form-data")
    assert response.status_code == 200
    page = unescape(response.get_data(as_text=True))
    assert all(n in page for n in names) and "Card" in page and "Account" in page
    assert "4,925.99" in page and "2024-01-02 – 2024-02-27" in page  # totals and dates
    assert "signs were flipped" in page  # the assumption is shown, not hidden
    assert client.get("/api/v1/runs").json["total"] == 0  # nothing stored before the score
    csv = unescape(re.search(r'name="monthly_csv" value="([^"]*)"', response.get_data(
        as_text=True)).group(1))
    assert csv.splitlines()[0].startswith("month,income,expenses")
    assert "2024-02,2450.00,1325.75,150.00,2813.34" in csv
    scored = client.post("/statements/score", data={"monthly_csv": csv,
                                                    "source_name": ", ".join(names)})
    assert scored.status_code == 303
    run = client.get(scored.headers["Location"])
    assert run.status_code == 200 and names[0] in unescape(run.get_data(as_text=True))


def test_an_unreadable_statement_rerenders_the_upload_page(client) -> None:
    response = _upload(client, b"Account 1234\nDate;Note\n2024-01-02;hello\n", "bank.csv")
    assert response.status_code == 400
    page = unescape(response.get_data(as_text=True))
    assert "bank.csv" in page and "no row has both a date and an amount" in page


def test_a_large_run_pages_and_explains_a_person_when_opened(make_app, sim) -> None:
    client = make_app(results={"inline_max_persons": 2}).test_client()
    run_id = _run_id(_upload(client, sim.csv(6, seed=8), "six.csv"))
    html = client.get(f"/runs/{run_id}").get_data(as_text=True)
    assert len(_person_links(html, run_id)) == 6
    assert "Download CSV" in html and f"/runs/{run_id}/results.csv" in html
    api = client.get(f"/api/v1/runs/{run_id}/persons/p00002").get_json()
    assert api["insights"] is not None  # opened through the API: explained and kept
    page = client.get(f"/runs/{run_id}/person?id=p00004").get_data(as_text=True)
    assert "What drives this estimate" in page and "What would help" in page
    download = client.get(f"/runs/{run_id}/results.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert "six-results-" in download.headers["Content-Disposition"]
    assert len(download.get_data(as_text=True).splitlines()) == 7


def test_the_kinds_of_stress_show_on_the_person_page_when_the_model_has_heads(
        make_app, component_artifact_dir, sim) -> None:
    client = make_app(ARTIFACTS_DIR=str(component_artifact_dir)).test_client()
    run_id = _run_id(_upload(client, sim.csv(2, seed=9), "two.csv"))
    page = client.get(f"/runs/{run_id}/person?id=p00001").get_data(as_text=True)
    assert 'data-testid="kinds"' in page
    assert "Missed payment" in page and "Running out of cash" in page
    # What a kind means is there too, for whoever points at it.
    assert 'title="a debt payment missed or paid late"' in page
    plain = make_app().test_client()
    run_id = _run_id(_upload(plain, sim.csv(2, seed=9), "two.csv"))
    assert 'data-testid="kinds"' not in plain.get(f"/runs/{run_id}/person?id=p00001").get_data(
        as_text=True)


def test_a_run_without_a_name_is_untitled_in_its_delete_label_too(app) -> None:
    from web.extensions import get_service

    with app.app_context():
        get_service().import_run([], "", 0, {"Low": 0, "Moderate": 0, "High": 0}, None,
                                 "v", "0" * 64, [])
    html = app.test_client().get("/runs").get_data(as_text=True)
    assert '<span class="visually-hidden"> run Untitled</span>' in html  # the button's name
    assert "None" not in html
