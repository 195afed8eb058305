"""The training workflow: validate the corpus, choose parameters on dev, evaluate, save.

Declared inputs: `corpus/` and `training/config.json`. Declared output: a model folder
(`model.joblib` + `meta.json`). Test texts are only ever predicted, never used to choose anything.
"""

import itertools
import platform
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

import reseaumedia
from reseaumedia.artefact import save_model
from reseaumedia.classifier import LABELS, ReseauMediaClassifier
from reseaumedia.nlp import spacy_model_version

from .config import DEFAULT_CONFIG, TrainingConfig
from .corpus import load_corpus
from .evaluate import evaluate_on, grouped_cross_validation

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "corpus"
DEFAULT_OUTPUT = PROJECT_ROOT / "model"


def fitter(config: TrainingConfig, params: dict):
    """A function examples -> fitted estimator, with seed sentences down-weighted."""

    def fit(examples):
        estimator = ReseauMediaClassifier(**{**config.estimator, **params}, random_state=config.seed)
        weights = [config.seed_sentence_weight if e.source == "seed" else 1.0 for e in examples]
        return estimator.fit([e.text for e in examples], [e.label for e in examples], sample_weight=weights)

    return fit


def choose_params(config, train, dev, log):
    """Grid search on dev macro-F1; the first best in grid order wins, so ties are reproducible."""
    names = sorted(config.search)
    if not dev or not names:
        return {}, []
    trials = []
    for values in itertools.product(*(config.search[n] for n in names)):
        params = dict(zip(names, values))
        score = evaluate_on(fitter(config, params)(train), dev)["macro_f1"]
        trials.append({"params": params, "dev_macro_f1": score})
        log(f"  essai {params} : F1 macro dev = {score:.3f}")
    best = max(trials, key=lambda t: t["dev_macro_f1"])
    return best["params"], trials


def versions() -> dict:
    return {
        "python": platform.python_version(),
        "reseaumedia": reseaumedia.__version__,
        "scikit_learn": version("scikit-learn"),
        "spacy": version("spacy"),
        "fr_core_news_sm": spacy_model_version("fr_core_news_sm"),
        "joblib": version("joblib"),
    }


def run(corpus_dir=DEFAULT_CORPUS, output_dir=DEFAULT_OUTPUT, config_path=DEFAULT_CONFIG, log=print) -> dict:
    """Train the model from `corpus_dir` into `output_dir`; returns the meta written beside it."""
    config = TrainingConfig.read(config_path)
    log("1/4 validation du corpus…")
    corpus = load_corpus(corpus_dir)
    train = corpus.examples("train", with_seed=True)
    dev, test = corpus.examples("dev"), corpus.examples("test")
    seed_only = corpus.seed_examples()

    log(f"2/4 choix des paramètres sur dev ({len(dev)} textes)…")
    params, trials = choose_params(config, train, dev, log)
    fit = fitter(config, params)

    log("3/4 évaluation…")
    metrics = {}
    if dev:
        metrics["dev"] = evaluate_on(fit(train), dev)
    final = fit(train + dev)
    if test:
        metrics["test"] = evaluate_on(final, test)
        metrics["seed_sentences_only"] = evaluate_on(fit(seed_only), test)
    development = train + dev
    metrics["leave_one_source_out"] = grouped_cross_validation(fit, development, lambda e: e.group)
    authored = [e for e in development if e.source != "seed"]
    if len({e.platform for e in authored}) > 1:
        metrics["leave_one_platform_out"] = grouped_cross_validation(fit, authored, lambda e: e.platform)

    log("4/4 enregistrement…")
    corpus_hash = corpus.sha256()
    meta = {
        "name": "reseaumedia",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "labels": list(LABELS),
        "seed": config.seed,
        "params": {**config.as_dict()["estimator"], **params},
        "config": config.as_dict(),
        "search": trials,
        "versions": versions(),
        "corpus": {
            "sha256": corpus_hash,
            "train": len(train),
            "dev": len(dev),
            "test": len(test),
            "seed_sentences": len(seed_only),
        },
        "metrics": metrics,
        "reproduce": "python cli.py train",
    }
    return save_model(final, output_dir, meta)
