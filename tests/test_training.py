"""A retrain on a small corpus, through the same workflow as `python cli.py train`."""

import json

import pytest

from conftest import SLICE
from reseaumedia import CorpusError, load
from training import train

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


def test_retrain_writes_a_complete_model_and_reproduces_its_metrics(small_corpus, tmp_path):
    root, config = small_corpus
    first = train.run(root, tmp_path / "m1", config, log=lambda _: None)
    second = train.run(root, tmp_path / "m2", config, log=lambda _: None)
    assert set(first["metrics"]) >= {"dev", "test", "seed_sentences_only", "leave_one_source_out"}
    assert first["metrics"] == second["metrics"]
    assert first["files"] == second["files"]  # the same model file, byte for byte
    assert first["corpus"]["sha256"] == second["corpus"]["sha256"]
    assert first["corpus"] == {**first["corpus"], "train": 8, "dev": 4, "test": 4, "seed_sentences": 2}
    texts = [t for t, _ in SLICE]
    assert load(tmp_path / "m1").predict(texts) == load(tmp_path / "m2").predict(texts)


def test_broken_corpus_leaves_the_existing_model_untouched(small_corpus, tmp_path):
    root, config = small_corpus
    out = tmp_path / "model"
    train.run(root, out, config, log=lambda _: None)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    with open(root / "authored" / "train.jsonl", "a", encoding="utf-8") as handle:
        handle.write('{"id": "x-9999", "text": "Bonjour", "label": "peut-être"}\n')
    with pytest.raises(CorpusError, match="train.jsonl:7 : champ « source » manquant"):
        train.run(root, out, config, log=lambda _: None)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
