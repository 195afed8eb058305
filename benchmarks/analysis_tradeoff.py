"""How much of spaCy does the model need? Quality and speed of each analysis, in one run.

    python benchmarks/analysis_tradeoff.py [--split dev] [--only tokenizer full] [--texts 3000]

Each candidate is fit on the train split with the project's configuration and the parameters
the shipped model chose (model/meta.json), without calibration, then measured on --split (dev,
where the choice is made; test only to report it): macro-F1, and text and pair accuracy on the
contrast pairs. Speed is labels-only scoring
(`predict(texts, reasons=False, sentences=False)`, what an archive uses) on distinct corpus texts:
each text carries a numbered suffix so that no text repeats and the analysis cache cannot help.
"""

import argparse
import importlib.util
import itertools
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reseaumedia import features  # noqa: E402
from reseaumedia.api import Model  # noqa: E402
from training.config import TrainingConfig  # noqa: E402
from training.corpus import load_corpus  # noqa: E402
from training.evaluate import evaluate_on  # noqa: E402
from training.train import fitter  # noqa: E402

# name -> estimator parameters on top of the configuration
CANDIDATES = {
    "full (tagger + lemmatizer), 3 views": {"analysis": "full"},
    "lookup lemmas (tokenizer only), 3 views": {"analysis": "lookup"},
    "tokenizer words, 3 views": {"analysis": "tokenizer"},
    "full, no lemma view": {"analysis": "full", "lemma_weight": 0.0},
    "tokenizer, no lemma view": {"analysis": "tokenizer", "lemma_weight": 0.0},
    "lookup, no character view": {"analysis": "lookup", "char_weight": 0.0},
}


def distinct_texts(n):
    """n different texts from the whole corpus (all splits), each with a numbered suffix."""
    texts = []
    for path in sorted((ROOT / "corpus" / "authored").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [f"{text} (n° {i})" for i, text in zip(range(n), itertools.cycle(texts))]


def texts_per_second(function, texts):
    features.forget_analyses()
    start = time.perf_counter()
    function(texts)
    return len(texts) / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=3000, help="distinct texts for the speed measure")
    parser.add_argument("--split", choices=("dev", "test"), default="dev", help="where quality is measured")
    parser.add_argument("--only", nargs="*", help="candidates whose name contains one of these words")
    args = parser.parse_args()
    config = TrainingConfig.read(ROOT / "training" / "config.json")
    meta = json.loads((ROOT / "model" / "meta.json").read_text(encoding="utf-8"))
    chosen = {name: meta["params"][name] for name in config.search if name in meta["params"]}
    corpus = load_corpus(ROOT / "corpus")
    train, test = corpus.examples("train"), corpus.examples(args.split)
    speed_texts = distinct_texts(args.texts)
    warm = [f"échauffement {t}" for t in speed_texts[:200]]
    print(f"train {len(train)}, {args.split} {len(test)}, parameters {chosen}, speed on {len(speed_texts)} distinct texts")
    header = f"{'analysis':<42} {args.split + ' F1':>8} {'pairs text':>10} {'pairs pair':>10} {'analysis/s':>11} {'score/s':>8}"
    print(header)
    rows = []
    for name, params in CANDIDATES.items():
        if args.only and not any(word in name for word in args.only):
            continue
        if params["analysis"] == "lookup" and importlib.util.find_spec("spacy_lookups_data") is None:
            print(f"{name:<42} skipped: pip install spacy-lookups-data")
            continue
        start = time.perf_counter()
        estimator = fitter(config, {**chosen, **params})(train)
        fit_s = time.perf_counter() - start
        metrics = evaluate_on(estimator, test)
        pairs = metrics.get("contrast_pairs", {})
        model = Model(estimator, {"version": name})
        model.predict(warm, reasons=False, sentences=False)  # loads spaCy and the lookup table
        analyser = features.SpacyAnalyser(config.estimator.get("spacy_model", "fr_core_news_sm"), analysis=params["analysis"])
        analysis_speed = texts_per_second(analyser.transform, speed_texts)
        score_speed = texts_per_second(lambda t: model.predict(t, reasons=False, sentences=False), speed_texts)
        row = {"analysis": name, "split": args.split, "macro_f1": metrics["macro_f1"], "pairs_text_accuracy": pairs.get("text_accuracy"),
               "pair_accuracy": pairs.get("pair_accuracy"), "analysis_texts_per_s": round(analysis_speed, 1),
               "score_texts_per_s": round(score_speed, 1), "fit_s": round(fit_s, 1)}
        rows.append(row)
        print(f"{name:<42} {row['macro_f1']:>8.4f} {row['pairs_text_accuracy']:>10.4f} {row['pair_accuracy']:>10.4f} "
              f"{analysis_speed:>11.0f} {score_speed:>8.0f}", flush=True)
    print(json.dumps(rows, ensure_ascii=False))


if __name__ == "__main__":
    main()
