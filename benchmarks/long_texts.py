"""Long and huge texts: no saturation with length, bounded memory, and the cost of sentences.

    python benchmarks/long_texts.py

Prints, for the shipped model:
- each seed article scored whole, then pasted four times (the probability must not move by > 0.05);
- one text of about 1,000,000 characters (the seed articles pasted over and over) scored in a fresh
  process: wall time and peak resident memory;
- sentence segmentation: spaCy's rule-based sentencizer (used) against fr_core_news_sm's `senter`,
  in ms per text over the test split.
"""

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HUGE = """
import resource, sys, time
from pathlib import Path
import reseaumedia
seeds = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).glob("*.txt"))]
text = ("\\n\\n".join(seeds) + "\\n\\n") * 400
text = text[:1_000_000]
model = reseaumedia.load()
model.predict("Bonjour à tous, merci !", sentences=False)
start = time.perf_counter()
result = model.predict(text)
print(len(text), round(time.perf_counter() - start, 1), result.label, round(result.probabilities["reseau"], 4),
      len(result.sentences), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def main():
    import reseaumedia


    model = reseaumedia.load()
    print("seed articles, whole and pasted four times (p réseau):")
    for path in sorted((ROOT / "corpus/seed").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        once, four = model.predict([text, "\n\n".join([text] * 4)], reasons=False, sentences=False)
        print(f"  {path.name}  {len(text.split()):>5} mots  {once.probabilities['reseau']:.4f} -> "
              f"{four.probabilities['reseau']:.4f}  ({once.label}{'' if once.certain else ', incertain'})")

    out = subprocess.run([sys.executable, "-c", HUGE, str(ROOT / "corpus/seed")], capture_output=True, text=True, check=True)
    chars, seconds, label, p, sentences, peak = out.stdout.split()
    print(f"huge text: {int(chars):,} characters scored in {seconds} s ({label}, p réseau {p}, {sentences} sentences), "
          f"peak RSS {peak} MB")

    texts = [json.loads(line)["text"] for line in (ROOT / "corpus/authored/test.jsonl").read_text(encoding="utf-8").splitlines()]
    from reseaumedia.sentences import sentence_spans

    sentence_spans("Bonjour.")
    start = time.perf_counter()
    for t in texts:
        sentence_spans(t)
    rule = (time.perf_counter() - start) / len(texts) * 1000
    import spacy

    senter = spacy.load("fr_core_news_sm", disable=["parser", "ner", "tagger", "morphologizer", "lemmatizer", "attribute_ruler"])
    senter.enable_pipe("senter")
    list(senter.pipe(texts[:5]))
    start = time.perf_counter()
    list(senter.pipe(texts))
    learned = (time.perf_counter() - start) / len(texts) * 1000
    print(f"sentences: sentencizer {rule:.2f} ms/text, senter {learned:.2f} ms/text (n={len(texts)})")
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
