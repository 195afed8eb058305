import json
import re

import pytest

from reseaumedia import CorpusError
from training.corpus import NEAR_DUPLICATE_COSINE, load_corpus, near_duplicate_pairs


def rewrite_line(path, number, change):
    lines = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[number - 1])
    change(record)
    lines[number - 1] = json.dumps(record, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_real_corpus_is_valid(corpus_copy):
    corpus = load_corpus(corpus_copy)
    assert corpus.seed_spans and all(s.text for s in corpus.seed_spans)


def test_broken_offset_is_rejected_with_file_and_line(corpus_copy):
    annotations = corpus_copy / "annotations" / "seed_sentences.jsonl"
    rewrite_line(annotations, 3, lambda r: r.update(start=r["start"] + 1))
    with pytest.raises(CorpusError) as error:
        load_corpus(corpus_copy)
    assert f"{annotations}:3 : le texte ne correspond pas" in str(error.value)


def test_offset_past_the_end_is_rejected(corpus_copy):
    annotations = corpus_copy / "annotations" / "seed_sentences.jsonl"
    rewrite_line(annotations, 1, lambda r: r.update(end=10**6))
    with pytest.raises(CorpusError, match=re.escape(f"{annotations}:1 : décalage")):
        load_corpus(corpus_copy)


def test_unannotated_passage_is_reported(corpus_copy):
    annotations = corpus_copy / "annotations" / "seed_sentences.jsonl"
    lines = annotations.read_text(encoding="utf-8").splitlines()
    annotations.write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="texte non annoté"):
        load_corpus(corpus_copy)


def test_unknown_label_and_duplicate_id_are_both_reported(corpus_copy):
    annotations = corpus_copy / "annotations" / "seed_sentences.jsonl"
    first = json.loads(annotations.read_text(encoding="utf-8").splitlines()[0])
    rewrite_line(annotations, 2, lambda r: r.update(label="relation", id=first["id"]))
    with pytest.raises(CorpusError) as error:
        load_corpus(corpus_copy)
    message = str(error.value)
    assert "label « relation » inconnu" in message
    assert f"identifiant « {first['id']} » en double" in message


def test_near_duplicates_are_found():
    from training.corpus import Example

    a = Example("a", "Merci à tous pour votre présence hier soir, c'était génial !", "reseau", "authored", "train", "w")
    b = Example("b", "Merci a tous pour votre presence hier soir, c'etait genial !!", "reseau", "authored", "test", "t")
    c = Example("c", "Nouvelle vidéo en ligne sur notre chaîne YouTube.", "media", "authored", "train", "w")
    pairs = near_duplicate_pairs([a, b, c])
    assert [(x.id, y.id) for x, y, _ in pairs] == [("a", "b")]
    assert pairs[0][2] >= NEAR_DUPLICATE_COSINE


def test_corpus_check_command_passes_on_the_real_corpus(capsys):
    from reseaumedia.cli import main

    assert main(["corpus", "check"]) == 0
    out = capsys.readouterr().out
    assert "corpus valide." in out
    assert "label x platform x sector" in out


def test_corpus_check_command_fails_on_a_broken_corpus(corpus_copy, capsys):
    from reseaumedia.cli import main

    annotations = corpus_copy / "annotations" / "seed_sentences.jsonl"
    rewrite_line(annotations, 5, lambda r: r.update(end=r["end"] - 2))
    assert main(["corpus", "check", "--corpus", str(corpus_copy)]) == 2
    assert f"{annotations}:5 : le texte ne correspond pas" in capsys.readouterr().err
