"""Shared fixtures: the real French spaCy model is loaded once per test session (lru_cache)."""

import json
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

import reseaumedia
from reseaumedia import ReseauMediaClassifier

ROOT = Path(__file__).resolve().parent.parent

# A small slice of drafts, enough to overfit and to check the whole fit/save/load path.
SLICE = [
    ("Merci à toutes celles et ceux qui sont passés au local samedi, on remet ça bientôt ?", "reseau"),
    ("Salut Julie, tu viens au souper de l'équipe jeudi ? Dis-moi vite !", "reseau"),
    ("Bienvenue à Karim qui rejoint l'équipe du support, passez lui dire bonjour 👋", "reseau"),
    ("Qui a une bonne adresse de garagiste à Nantes ? Je suis preneuse de vos conseils", "reseau"),
    ("Désolés pour l'attente Mme Roy, écrivez-nous en privé et on règle ça ensemble.", "reseau"),
    ("Nouvel épisode du podcast en ligne : la fiscalité des indépendants https://exemple.fr/ep12", "media"),
    ("Communiqué : la bibliothèque sera fermée du 2 au 9 août pour travaux.", "media"),
    ("Découvrez notre rapport annuel 2025, chiffres clés et projets : https://exemple.org/rapport", "media"),
    ("SOLDES -30 % sur toute la collection jusqu'à dimanche ! Lien en bio #soldes", "media"),
    ("Vidéo : 5 astuces pour réussir vos photos de produits, à voir sur notre chaîne YouTube", "media"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def quiet_port():
    """A port where no server listens: `score` in the tests never meets a developer's running server."""
    return free_port()


@pytest.fixture(autouse=True)
def user_home(tmp_path_factory, monkeypatch, quiet_port):
    """Each test gets an empty user home: the developer's own active model never leaks in."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("RESEAUMEDIA_HOME", str(home))
    monkeypatch.setenv("RESEAUMEDIA_PORT", str(quiet_port))
    return home


@pytest.fixture(scope="session")
def slice_texts():
    return [t for t, _ in SLICE]


@pytest.fixture(scope="session")
def slice_model():
    texts, labels = zip(*SLICE)
    return ReseauMediaClassifier(random_state=0).fit(list(texts), list(labels))


@pytest.fixture(scope="session")
def shipped_model():
    return reseaumedia.load()


@pytest.fixture
def corpus_copy(tmp_path):
    """A writable copy of the real corpus, to break on purpose."""
    target = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", target)
    return target


ARTICLE = "Le réseau, c'est parler et écouter. Le média, c'est publier du contenu.\nPartager cet article"
SPANS = [(0, 35, "reseau"), (36, 71, "media"), (72, 92, "neutral")]
MORE = [
    ("Coucou les voisins, quelqu'un peut m'aider à déménager un frigo samedi ?", "reseau"),
    ("Félicitations à Amélie pour son nouveau poste, on est fiers de toi !", "reseau"),
    ("Le rapport sur la qualité de l'air 2025 est disponible en ligne.", "media"),
    ("Horaires d'été : ouverture de 9 h à 17 h du lundi au samedi.", "media"),
]


def record(i, text, label):
    return {
        "id": f"x-{i:04d}", "text": text, "label": label, "source": "authored", "platform": "facebook",
        "sector": "personal", "register": "tu", "locale": "fr-FR", "hard": False,
    }


@pytest.fixture
def small_corpus(tmp_path):
    root = tmp_path / "corpus"
    (root / "seed").mkdir(parents=True)
    (root / "annotations").mkdir()
    (root / "authored").mkdir()
    (root / "seed" / "999_essai.txt").write_text(ARTICLE, encoding="utf-8")
    with open(root / "annotations" / "seed.jsonl", "w", encoding="utf-8") as out:
        for n, (start, end, label) in enumerate(SPANS, 1):
            span = {"id": f"999-{n:04d}", "file": "999_essai.txt", "start": start, "end": end,
                    "text": ARTICLE[start:end], "label": label}
            out.write(json.dumps(span, ensure_ascii=False) + "\n")
    texts = SLICE + MORE
    reseau = [t for t in texts if t[1] == "reseau"]
    media = [t for t in texts if t[1] == "media"]
    splits = {"train": reseau[:3] + media[:3], "dev": reseau[3:5] + media[3:5], "test": reseau[5:] + media[5:]}
    n = 0
    for split, rows in splits.items():
        with open(root / "authored" / f"{split}.jsonl", "w", encoding="utf-8") as out:
            for text, label in rows:
                n += 1
                out.write(json.dumps(record(n, text, label), ensure_ascii=False) + "\n")
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"seed": 3, "search": {"C": [1.0, 4.0]}}), encoding="utf-8")
    return root, config


@pytest.fixture(scope="session")
def live_server(shipped_model):
    """A real uvicorn server on a free loopback port, in a thread of this process."""
    import uvicorn

    from reseaumedia.server import create_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(shipped_model), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield port
    server.should_exit = True
    thread.join(timeout=10)


def on_a_terminal(command, *, env=None, stdout_too=True, timeout=240):
    """Run `command` with its standard error (and output) on a pseudo-terminal.

    (return code, everything written there); a program that outlives `timeout` is read no further.
    """
    import os
    import pty
    import select
    import subprocess

    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdout=follower if stdout_too else subprocess.DEVNULL, stderr=follower,
                               stdin=subprocess.DEVNULL, env=env)
    os.close(follower)
    chunks, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 1)
        if ready:
            try:
                data = os.read(leader, 4096)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    process.wait(timeout=30)
    os.close(leader)
    return process.returncode, b"".join(chunks).decode("utf-8", "replace")
