import json
import re

import pytest

from reseaumedia import CorpusError
from reseaumedia.training.corpus import NEAR_DUPLICATE_COSINE, load_corpus, near_duplicate_pairs


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
    from reseaumedia.training.corpus import Example

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


def _batch_record(i, text, label):
    return {"id": f"z-{i:04d}", "text": text, "label": label, "platform": "chat", "sector": "personal",
            "register": "tu", "locale": "fr-BE", "hard": False}


def test_add_batch_appends_and_drops_near_duplicates(corpus_copy, tmp_path):
    from reseaumedia.training.add_batch import add_batch

    first_train = json.loads((corpus_copy / "authored" / "train.jsonl").read_text(encoding="utf-8").splitlines()[0])
    batch = tmp_path / "z.jsonl"
    rows = [
        _batch_record(1, "Dis, tu passes prendre un verre au kot ce soir ? On fête la fin du blocus !", "reseau"),
        _batch_record(2, "Le nouveau numéro du journal étudiant est sorti, disponible à la cafét dès demain.", "media"),
        _batch_record(3, first_train["text"] + " !", first_train["label"]),
    ]
    batch.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    before = {p.name: p.read_text(encoding="utf-8") for p in (corpus_copy / "authored").glob("*.jsonl")}
    counts = add_batch(batch, corpus_copy, log=lambda _: None)
    assert sum(counts.values()) == 2
    corpus = load_corpus(corpus_copy)
    added = {r.id: r for r in corpus.records if r.id.startswith("z-")}
    assert set(added) == {"z-0001", "z-0002"}
    assert all(r.source == "authored" and r.group == "z" for r in added.values())
    for name, text in before.items():  # existing records never move
        assert (corpus_copy / "authored" / name).read_text(encoding="utf-8").startswith(text)


def test_add_batch_with_a_bad_record_writes_nothing(corpus_copy, tmp_path):
    from reseaumedia.training.add_batch import add_batch

    batch = tmp_path / "z.jsonl"
    rows = [
        _batch_record(1, "Quelqu'un a retrouvé un trousseau de clés près de la gare de Fribourg ?", "reseau"),
        _batch_record(2, "Fermeture exceptionnelle de la déchetterie samedi 12 pour inventaire.", "neutre"),
    ]
    batch.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in (corpus_copy / "authored").glob("*.jsonl")}
    with pytest.raises(CorpusError, match=re.escape(f"{batch}:2 : label « neutre » inconnu")):
        add_batch(batch, corpus_copy, log=lambda _: None)
    assert {p.name: p.read_bytes() for p in (corpus_copy / "authored").glob("*.jsonl")} == before


def test_unbalanced_split_is_reported():
    from reseaumedia.training.corpus import Example, balance_problems

    rows = [Example(f"m{i}", "x", "media", "authored", "test", "t") for i in range(6)]
    rows += [Example(f"r{i}", "x", "reseau", "authored", "test", "t") for i in range(4)]
    assert balance_problems(rows) == ["test : 40% de reseau, hors de l'équilibre 45%–55%."]
