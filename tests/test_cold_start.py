"""The stored engine code of spaCy's French tokenizer pattern: exact, or not used at all."""

import json
import re
import subprocess
import sys
from re import _compiler

import pytest

from reseaumedia import regex_cache
from reseaumedia.nlp import EXCLUDED_COMPONENTS, load_spacy

# Long enough to go through the cache, quick to compile.
PATTERN = "(?iu)" + "|".join(f"(?:^mot{i}[-‐][a-zà-ÿ]+$)" for i in range(4000))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RESEAUMEDIA_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_stored_pattern_is_the_pattern_re_would_compile(cache):
    assert len(PATTERN) > regex_cache.MIN_PATTERN_CHARS
    first = regex_cache.compile_cached(PATTERN)  # computed, then stored
    stored = list((cache / "regex").glob("*.marshal"))
    assert len(stored) == 1
    second = regex_cache.compile_cached(PATTERN)  # read back
    plain = _compiler.compile(PATTERN, 0)
    # Pattern equality compares the engine code itself, not only the source text.
    assert first == plain and second == plain
    assert second.match("Mot12-bidule") and not second.match("mot12 bidule")


def test_a_damaged_or_foreign_file_falls_back_to_a_plain_compile(cache):
    regex_cache.compile_cached(PATTERN)
    (path,) = (cache / "regex").glob("*.marshal")
    path.write_bytes(b"pas du marshal")
    assert regex_cache.compile_cached(PATTERN) == _compiler.compile(PATTERN, 0)
    other = PATTERN.replace("mot", "terme")
    assert regex_cache.compile_cached(other) == _compiler.compile(other, 0)


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "fichier"
    blocker.write_text("un fichier, pas un dossier")
    monkeypatch.setenv("RESEAUMEDIA_CACHE", str(blocker))
    assert regex_cache.compile_cached(PATTERN) == _compiler.compile(PATTERN, 0)


def test_short_patterns_are_left_to_re():
    assert regex_cache.compile_cached("a+b", 0) == re.compile("a+b")


PLAIN = """
import json, sys
import spacy
texts = json.load(open(sys.argv[1], encoding="utf-8"))
nlp = spacy.load("fr_core_news_sm", exclude=sys.argv[3].split(","))
out = [[(t.text, t.lemma_) for t in doc] for doc in nlp.pipe(texts, batch_size=256)]
json.dump(out, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
"""


def test_every_lemma_of_the_corpus_equals_plain_spacy_load(tmp_path):
    """The whole corpus through the cached load here and through a plain `spacy.load` in a fresh
    interpreter: not one token or lemma may differ."""
    from training.corpus import load_corpus
    from training.train import DEFAULT_CORPUS

    texts = [r.text for r in load_corpus(DEFAULT_CORPUS).records]
    (tmp_path / "texts.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    plain = subprocess.Popen([sys.executable, "-c", PLAIN, str(tmp_path / "texts.json"), str(tmp_path / "plain.json"),
                              ",".join(EXCLUDED_COMPONENTS)])
    ours = [[[t.text, t.lemma_] for t in doc] for doc in load_spacy("fr_core_news_sm").pipe(texts, batch_size=256)]
    assert plain.wait(timeout=900) == 0
    expected = json.loads((tmp_path / "plain.json").read_text(encoding="utf-8"))
    assert len(ours) == len(expected) == len(texts)
    for text, a, b in zip(texts, ours, expected):
        assert a == b, text
