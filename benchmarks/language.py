"""How well the "not French" outcome works, and what the alternative would give.

    python benchmarks/language.py

Two measures on the same texts: py3langid (what reseaumedia uses, through `judge.unjudgeable`)
and a measure from the spaCy pipeline itself (share of words that are French stop words).
Texts: every text of the corpus (all French, franglais and regional mixes included) and
benchmarks/data/langues.jsonl (165 texts written for this check: 125 in seven other languages,
40 hard French ones: franglais, abbreviations, lost accents).
"""

import json
import time
from pathlib import Path

from reseaumedia.judge import unjudgeable, words_of

ROOT = Path(__file__).resolve().parent.parent
# The spaCy alternative: below this share of French stop words a text of 3+ words is "not French".
STOP_SHARE = 0.12


def spacy_says_not_french(text, stop_words):
    words = words_of(text)
    if len(words) < 3:
        return False
    return sum(w in stop_words for w in words) / len(words) < STOP_SHARE


def main():
    from spacy.lang.fr.stop_words import STOP_WORDS

    from reseaumedia.text import strip_accents

    stop_words = {strip_accents(w) for w in STOP_WORDS}
    corpus = [json.loads(line)["text"] for split in ("train", "dev", "test")
              for line in (ROOT / "corpus/authored" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()]
    extra = [json.loads(line) for line in (ROOT / "benchmarks/data/langues.jsonl").read_text(encoding="utf-8").splitlines()]
    french = corpus + [e["text"] for e in extra if e["lang"] == "fr"]
    foreign = [e["text"] for e in extra if e["lang"] != "fr"]
    for name, says_not_french in (
        ("py3langid (used)", lambda t: unjudgeable(t)[0] == "not_french"),
        (f"spaCy stop-word share < {STOP_SHARE}", lambda t: spacy_says_not_french(t, stop_words)),
    ):
        start = time.perf_counter()
        false_alarms = sum(map(says_not_french, french))
        caught = sum(map(says_not_french, foreign))
        per_text = (time.perf_counter() - start) / (len(french) + len(foreign)) * 1000
        print(f"{name:<32} French flagged: {false_alarms}/{len(french)} ({false_alarms / len(french):.2%})   "
              f"non-French caught: {caught}/{len(foreign)} ({caught / len(foreign):.1%})   {per_text:.2f} ms/text")


if __name__ == "__main__":
    main()
