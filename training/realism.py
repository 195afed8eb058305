"""Surface statistics of the corpus per platform, comparable to corpus/REAL_POSTS_STUDY.md.

    python -m training.realism

Same definitions as the study: words are whitespace tokens with a letter or digit (links not
counted); shares are of texts.
"""

import re
import sys
from collections import defaultdict

import numpy as np

from .corpus import PLATFORMS, load_corpus
from .train import DEFAULT_CORPUS

LINK = re.compile(r"https?://|www\.|\b(?:t\.co|bit\.ly)/", re.I)
EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")


def words(text):
    return [w for w in text.split() if not LINK.match(w) and re.search(r"\w", w)]


def row(texts):
    n_words = np.array([len(words(t)) for t in texts])
    share = lambda f: f"{100 * np.mean([bool(f(t)) for t in texts]):.0f}"  # noqa: E731
    p10, p50, p90 = np.percentile(n_words, [10, 50, 90])
    return [len(texts), f"{p10:.0f} / {p50:.0f} / {p90:.0f}", f"{100 * np.mean(n_words <= 8):.0f}",
            share(LINK.search), share(lambda t: re.search(r"(?<!\w)@\w", t)), share(lambda t: "#" in t),
            share(EMOJI.search), share(lambda t: not re.search(r"[A-ZÀ-Ý]", LINK.sub("", t))), share(lambda t: "?" in t),
            share(lambda t: t.startswith("RT @")), share(lambda t: re.search(r"&(amp|gt|lt|quot);", t))]


def main(argv=None):
    corpus = load_corpus(DEFAULT_CORPUS)
    by_platform = defaultdict(list)
    for r in corpus.records:
        by_platform[r.platform].append(r.text)
    head = ["platform", "n", "words p10/p50/p90", "1–8 words %", "link %", "@ %", "# %", "emoji %",
            "lower case %", "? %", "RT @ %", "HTML entity %"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for platform in PLATFORMS:
        print("| " + " | ".join(map(str, [platform, *row(by_platform[platform])])) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
