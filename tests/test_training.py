"""A retrain on a small corpus, through the same workflow as `python cli.py train`."""

import pytest

from conftest import SLICE
from reseaumedia import CorpusError, load
from reseaumedia.training import train

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
