"""`reseaumedia serve`: the JSON API through Starlette's TestClient, a real server on loopback
for `score`'s fast path, and the French refusals."""

import json
import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from conftest import ROOT
from reseaumedia import predict
from reseaumedia.cli import main
from reseaumedia.server import MAX_TEXTS, create_app

DRAFT = "Merci à toutes et tous pour hier soir ! On se retrouve jeudi au local ?"
NEWS = "Notre rapport annuel 2025 est en ligne : chiffres clés et projets https://exemple.org/rapport"


@pytest.fixture(scope="module")
def api(shipped_model):
    return TestClient(create_app(shipped_model, max_bytes=200_000), raise_server_exceptions=False)


def test_health_names_the_model(api, shipped_model):
    answer = api.get("/api/health").json()
    assert answer["service"] == "reseaumedia"
    assert answer["model_version"] == shipped_model.version
    assert answer["model_source"] == "shipped"


def test_one_text_gives_the_same_fields_as_score_json(api, shipped_model):
    answer = api.post("/api/predict", json={"text": DRAFT})
    assert answer.status_code == 200
    assert answer.json() == json.loads(json.dumps(predict(DRAFT, shipped_model).to_dict()))


def test_a_list_keeps_its_order(api):
    answer = api.post("/api/predict", json={"texts": [NEWS, DRAFT], "reasons": False, "sentences": False}).json()
    labels = [p["label"] for p in answer["predictions"]]
    assert labels == ["media", "reseau"]
    assert all(p["reasons"] == [] for p in answer["predictions"])


@pytest.mark.parametrize("body, status, words", [
    (b'{"text": "Bonjour', 400, "JSON valide"),
    (b'[1, 2]', 422, "objet JSON"),
    (b'{}', 422, "soit « text »"),
    (b'{"text": "a", "texts": ["b"]}', 422, "soit « text »"),
    (b'{"text": 3}', 422, "text : attendu un texte"),
    (b'{"texts": ["ok", 4]}', 422, "texts[1] : attendu un texte"),
    (b'{"text": "ok", "langue": "fr"}', 422, "champ inconnu"),
    (b'{"text": "   "}', 422, "vide"),
    (json.dumps({"texts": ["Bonjour"] * (MAX_TEXTS + 1)}).encode(), 422, f"au plus {MAX_TEXTS}"),
])
def test_bad_requests_get_a_french_4xx(api, body, status, words):
    answer = api.post("/api/predict", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == status, answer.text
    assert words in answer.json()["erreur"]


def test_a_body_without_json_content_type_is_named(api):
    answer = api.post("/api/predict", content=b"text=Bonjour", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 415
    assert "Content-Type: application/json" in answer.json()["erreur"]


def test_a_body_over_the_cap_is_refused_declared_or_streamed(api):
    big = json.dumps({"text": "mot " * 60_000}).encode()
    assert api.post("/api/predict", content=big, headers={"Content-Type": "application/json"}).status_code == 413

    def chunks():  # no Content-Length: the cap counts what arrives
        for start in range(0, len(big), 50_000):
            yield big[start:start + 50_000]

    answer = api.post("/api/predict", content=chunks(), headers={"Content-Type": "application/json"})
    assert answer.status_code == 413
    assert "trop grande" in answer.json()["erreur"]


def test_an_internal_error_leaks_no_traceback_or_path(shipped_model, monkeypatch):
    class Broken:
        version, source, uncertain_margin = "x", "path", 0.1

        def predict(self, *args, **kwargs):
            raise RuntimeError("/home/secret/model.joblib exploded")

    client = TestClient(create_app(Broken()), raise_server_exceptions=False)
    answer = client.post("/api/predict", json={"text": DRAFT})
    assert answer.status_code == 500
    assert "/home/secret" not in answer.text and "Traceback" not in answer.text
    assert "erreur interne" in answer.json()["erreur"]


def test_unknown_address_and_method_are_french(api):
    assert "adresse inconnue" in api.get("/nulle-part").json()["erreur"]
    assert api.get("/api/predict").status_code == 405


def test_page_docs_and_their_assets_come_from_the_package(api):
    page = api.get("/")
    assert page.status_code == 200 and 'lang="fr"' in page.text
    docs = api.get("/docs").text
    for text in (page.text, docs, api.get("/static/page.js").text):
        assert "cdn." not in text and "https://" not in text.replace("https://exemple", "")
    assert api.get("/openapi.json").json()["paths"]["/api/predict"]
    assert api.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200


CLIENT = """
import sys
from reseaumedia.cli import main
code = main(sys.argv[1:])
heavy = [m for m in ("sklearn", "spacy", "numpy") if m in sys.modules]
print("IMPORTED:" + ",".join(heavy), file=sys.stderr)
sys.exit(code)
"""


def _score(port, *args):
    env = {**os.environ, "RESEAUMEDIA_PORT": str(port), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-c", CLIENT, "score", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)


def _imported(result):
    return result.stderr.split("IMPORTED:")[1].strip()


def test_score_goes_through_a_running_server_without_spacy_or_sklearn(live_server):
    through = _score(live_server, DRAFT, NEWS)
    assert through.returncode == 0, through.stderr
    assert _imported(through) == ""
    local = _score(live_server, "--sur-place", DRAFT, NEWS)
    assert local.returncode == 0
    assert "sklearn" in _imported(local)  # the in-process path does load the model
    assert through.stdout == local.stdout


def test_score_says_so_and_scores_here_when_the_server_has_another_model(live_server, shipped_model, monkeypatch):
    monkeypatch.setitem(shipped_model.meta, "version", "0.0.0+autre")
    result = _score(live_server, DRAFT)
    assert result.returncode == 0
    assert "0.0.0+autre" in result.stderr and "analyse sur place" in result.stderr
    assert "sklearn" in _imported(result)


def test_serve_refuses_a_port_already_taken(capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    error = capsys.readouterr().err
    assert f"le port {port} est déjà pris" in error and "Traceback" not in error


def test_serve_refuses_to_start_twice(live_server, capsys):
    assert main(["serve", "--port", str(live_server)]) == 2
    assert "tourne déjà" in capsys.readouterr().err


def test_serve_command_answers_then_stops_cleanly_on_ctrl_c(tmp_path):
    """The real command in its own process: ready line, a page and an answer, then Ctrl-C."""
    import signal
    import urllib.request

    from conftest import free_port

    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "cli.py", "serve", "--port", str(port)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        while not any(line.startswith("prêt") for line in lines):
            line = process.stdout.readline()
            assert line, f"serve stopped: {process.stderr.read()}"
            lines.append(line)
        assert lines[-1].strip() == f"prêt : http://127.0.0.1:{port}/ (arrêt : Ctrl-C)"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
            assert "Votre brouillon" in page.read().decode("utf-8")
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0
    assert out.strip().endswith("serveur arrêté.") and "Traceback" not in err


def test_more_texts_than_one_request_takes_are_scored_here(live_server):
    from reseaumedia.client import MAX_TEXTS

    texts = [f"Merci Julie pour ton aide n° {i} !" for i in range(MAX_TEXTS + 1)]
    result = _score(live_server, "--json", *texts)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == MAX_TEXTS + 1
    assert "sklearn" in _imported(result)
