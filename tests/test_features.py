"""The fast paths of the features must give exactly what the plain computation gives."""

import json
import random

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from reseaumedia import features
from reseaumedia.features import SpacyAnalyser, StableTfidfVectorizer

from conftest import ROOT

ODD = [
    "  Deux  espaces\tet une tabulation\n\nPUIS DES MAJUSCULES  ",
    "ΟΔΟΣ ΣΟΦΟΣ Σ",  # Greek final sigma: lower case depends on the letter's place in the word
    "a",
    "🎉🎉 #fête @ami xurlx 12 345",
    "mot-composé l'apostrophe aujourd'hui",
]


def corpus_texts(n, seed=0):
    texts = []
    for path in sorted((ROOT / "corpus" / "authored").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return random.Random(seed).sample(texts, n)


def test_char_view_word_by_word_equals_the_plain_vectorizer():
    texts = corpus_texts(900)
    fit_on, score = texts[:600], texts[600:] + ODD
    vectorizer = StableTfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), max_features=20_000).fit(fit_on)
    for _ in range(2):  # cold, then with the words remembered
        fast = vectorizer.transform(score)
        plain = TfidfVectorizer.transform(vectorizer, score)
        assert type(fast) is type(plain)
        assert fast.shape == plain.shape and fast.dtype == plain.dtype
        assert np.array_equal(fast.indptr, plain.indptr) and np.array_equal(fast.indices, plain.indices)
        assert np.array_equal(fast.data, plain.data)


def test_a_refit_forgets_the_words_of_the_previous_vocabulary():
    first, second = corpus_texts(300, seed=3), corpus_texts(300, seed=4)
    vectorizer = StableTfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), max_features=5_000).fit(first)
    vectorizer.transform(first + second)
    for refit in (vectorizer.fit, vectorizer.fit_transform):
        refit(second)
        fast, plain = vectorizer.transform(first), TfidfVectorizer.transform(vectorizer, first)
        assert (fast != plain).nnz == 0


def test_word_memory_stays_bounded_and_out_of_the_pickle(monkeypatch):
    import pickle

    monkeypatch.setattr(StableTfidfVectorizer, "WORD_CACHE_SIZE", 50)
    texts = corpus_texts(200, seed=1)
    vectorizer = StableTfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit(texts)
    before = vectorizer.transform(texts)
    for text in texts:
        vectorizer.transform([text])
        assert len(vectorizer._word_columns) <= 50 + len(text.split())
    assert (vectorizer.transform(texts) != before).nnz == 0
    assert "_word_columns" not in pickle.loads(pickle.dumps(vectorizer)).__dict__


def test_an_analysis_does_not_depend_on_the_texts_read_before_it():
    """Token facts are remembered across texts: the same text must come out the same whether the
    table is empty or full, alone or in a batch, and in any order."""
    texts = corpus_texts(300, seed=2) + ODD
    analyser = SpacyAnalyser()
    features._TOKEN_FACTS.clear()
    features.forget_analyses()
    batch = analyser.transform(texts)
    features.forget_analyses()
    backwards = analyser.transform(texts[::-1])[::-1]
    features.forget_analyses()
    features._TOKEN_FACTS.clear()
    alone = [analyser.transform([text])[0] for text in texts[::7]]
    features.forget_analyses()
    assert batch == backwards
    assert alone == batch[::7]


def test_an_imperative_in_ez_counts_only_where_it_opens_a_sentence():
    analyser = SpacyAnalyser(analysis="tokenizer")
    features.forget_analyses()
    imperative = features.CUE_NAMES.index("imperatifs")
    opening, inside = analyser.transform(["Venez nombreux. Rejoignez le club", "Vous venez demain au club"])
    assert opening.cues[imperative] == np.log1p(2)
    assert inside.cues[imperative] == 0.0


def test_batches_keep_order_and_bound_texts_and_characters():
    lengths = [10, 10, 10, 95, 10, 200, 5, 5, 5, 5, 5]
    found = list(features.batches(lengths, max_items=3, max_chars=100))
    assert [i for batch in found for i in batch] == list(range(len(lengths)))
    assert found == [[0, 1, 2], [3], [4], [5], [6, 7, 8], [9, 10]]
    for batch in found:
        assert len(batch) <= 3
        assert len(batch) == 1 or sum(lengths[i] for i in batch) <= 100


def test_strip_accents_drops_exactly_the_combining_marks():
    import unicodedata

    from reseaumedia.text import strip_accents

    def one_by_one(text):
        return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert strip_accents(every) == one_by_one(every)
    assert all(strip_accents(chr(c)) == one_by_one(chr(c)) for c in range(0x80, 0x10000) if not 0xD800 <= c <= 0xDFFF)
    assert strip_accents("Événement à Pâques, ça va 🎉") == "Evenement a Paques, ca va 🎉"


def test_lookup_lemmas_are_spacys_for_every_form_of_the_table():
    """Our plain dict, read from spacy-lookups-data's file, answers as spaCy's own Table does."""
    from spacy.lookups import load_lookups

    from reseaumedia.features import _lemma_function, lookup_table

    spacy_table = load_lookups("fr", ["lemma_lookup"]).get_table("lemma_lookup")
    ours = lookup_table("fr")
    assert len(ours) > 100_000
    for form in [*ours, "xyzzy", "merci", "inscrivez", "venez", "a"]:
        found = spacy_table.get(form)
        expected = form if not found else found[0] if isinstance(found, list) else found
        assert ours.get(form, form) == expected, form
    lemma = _lemma_function("lookup")

    class Token:  # what the lemma function reads of a spaCy token
        def __init__(self, lower):
            self.lower_ = lower

    assert lemma(Token("inscrivez")) == "inscrire" and lemma(Token("xyzzy")) == "xyzzy"
