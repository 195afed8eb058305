"""Sentences of a text, as character spans of the text itself.

spaCy's rule-based sentencizer over the tokenizer alone: the tagger is not run twice, and a line
break also ends a sentence (posts use them as full stops). `senter` from fr_core_news_sm was
measured against it in benchmarks/sentences.py.
"""

import re
from functools import lru_cache

from .features import CHUNK_CHARS, chunks
from .nlp import load_tokenizer


@lru_cache(maxsize=1)
def _sentencizer():
    from spacy.pipeline import Sentencizer

    return Sentencizer()


def sentence_spans(text: str, spacy_model: str = "fr_core_news_sm") -> list:
    """[(start, end), ...] of the sentences of `text`, in order, blank ones left out."""
    nlp = load_tokenizer(spacy_model)  # the sentencizer needs the tokens only
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        if not line.group().strip():
            continue
        for offset, piece in chunks(line.group(), CHUNK_CHARS):
            doc = _sentencizer()(nlp.make_doc(piece))
            for sent in doc.sents:
                start = line.start() + offset + sent.start_char
                end = line.start() + offset + sent.end_char
                if text[start:end].strip():
                    spans.append((start, end))
    return spans
