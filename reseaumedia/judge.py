"""What the model cannot judge: texts with no words, a bare greeting, or not French.

Such texts still get the more probable label, but they are marked "incertain" with the reason, so
that nobody reads « réseau 80 % » into « 🎉🎉 » or an English sentence.
"""

import re
from functools import lru_cache

from .text import EMAIL_RE, MENTION_RE, URL_RE, strip_accents

WORD_RE = re.compile(r"[^\W\d_]+")
# Greetings and acknowledgements that say nothing of an orientation on their own.
CONTENTLESS = frozenset(
    """bonjour bonsoir bonne journee soiree salut slt bjr allo coucou cc hello hi hey yo re
    ok okay oki okok dac d accord oui ouais ouep non nope ah oh euh hmm hum lol mdr ptdr haha hahaha
    hihi a tous toutes tout le la les monde madame monsieur mme mr vous toi""".split()
)
# Below this many letter words the language identifier guesses; a short text is given the benefit
# of the doubt (French) rather than flagged.
MIN_WORDS_FOR_LANGUAGE = 3
# The identifier's probability (over 97 languages) above which a non-French verdict is trusted.
# Chosen on the corpus (all French, franglais included) and on 165 texts in eight languages:
# 0.7 flags 2 of 3,822 French texts and catches 119 of 125 others (0.9: 104; 0.5: 121, same 2);
# see benchmarks/language.py.
NOT_FRENCH_PROBABILITY = 0.7

REASONS_FR = {
    "near_half": "le modèle hésite entre les deux orientations",
    "no_words": "aucun mot à analyser (seulement des émojis, des signes ou des chiffres)",
    "bare_greeting": "simple salutation ou acquiescement, sans contenu à juger",
    "not_french": "le texte ne semble pas être en français",
}
LANGUAGE_NAMES_FR = {
    "en": "anglais", "es": "espagnol", "de": "allemand", "it": "italien", "pt": "portugais",
    "nl": "néerlandais", "ar": "arabe", "ru": "russe", "zh": "chinois", "ja": "japonais",
}


def _without_links_and_handles(text: str) -> str:
    text = URL_RE.sub(" ", text)
    return MENTION_RE.sub(" ", EMAIL_RE.sub(" ", text)) if "@" in text else text


def words_of(text: str) -> list:
    """The letter words of a text, links, e-mails and @handles left out, lower case, no accents."""
    return _words(_without_links_and_handles(text))


def _words(bare: str) -> list:
    return WORD_RE.findall(strip_accents(bare.lower()))


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str):
    """(language code, probability) from py3langid, on the text without links and handles."""
    return _language(_without_links_and_handles(text))


def _language(bare: str):
    language, probability = _identifier().classify(bare)
    return language, float(probability)


def unjudgeable(text: str):
    """(reason code or None, language code or None) for one text."""
    bare = _without_links_and_handles(text)
    words = _words(bare)
    if not words:
        return "no_words", None
    if all(w in CONTENTLESS for w in words):
        return "bare_greeting", "fr"
    if len(words) < MIN_WORDS_FOR_LANGUAGE:
        return None, "fr"
    language, probability = _language(bare)
    if language != "fr" and probability >= NOT_FRENCH_PROBABILITY:
        return "not_french", language
    return None, "fr"
