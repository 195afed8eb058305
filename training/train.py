"""The training workflow: validate the corpus, choose parameters on dev, evaluate, save.

Declared inputs: `corpus/` and `training/config.json`. Declared output: a model folder
(`model.joblib`, `meta.json`, `MODEL_CARD.md`). Test texts are only ever predicted, never used to
choose anything; the calibration and the incertain band come from out-of-fold predictions on
train + dev, grouped by writing pass (and by seed article when the seed sentences are trained on).
"""

import itertools
import platform
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

import reseaumedia
from reseaumedia.artefact import save_model, write_atomic
from reseaumedia.classifier import LABELS, ReseauMediaClassifier
from reseaumedia.nlp import spacy_model_version

from .card import model_card
from .config import DEFAULT_CONFIG, TrainingConfig
from .corpus import load_corpus
from .evaluate import POSITIVE, evaluate_on, grouped_cross_validation, pooled_with_groups
from .shortcuts import shortcut_report

# The corpus ships inside the package (reseaumedia/default_corpus; in a checkout, a link to corpus/).
DEFAULT_CORPUS = Path(reseaumedia.__file__).parent / "default_corpus"
# In a checkout, `train` writes the project's shipped model, model/; an installed package never
# writes into itself (its trainings go to the user's registry, training/retrain.py).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
IN_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "model").is_dir()
DEFAULT_OUTPUT = PROJECT_ROOT / "model"
CARD_FILE = "MODEL_CARD.md"
# Feature families of the ablation, by the estimator parameter that weighs each one.
FAMILIES = {"lemmes": "lemma_weight", "caracteres": "char_weight", "indices": "cue_weight"}


def fitter(config: TrainingConfig, params: dict, calibrate=False):
    """A function examples -> fitted estimator, seed sentences weighted by the config.

    With `calibrate`, the estimator also calibrates on out-of-fold scores grouped by source.
    """

    def fit(examples):
        estimator = ReseauMediaClassifier(**{**config.estimator, **params}, random_state=config.seed)
        # The seed weight sets their share beside authored texts; alone, they weigh 1 each.
        only_seed = all(e.source == "seed" for e in examples)
        weights = [config.seed_sentence_weight if e.source == "seed" and not only_seed else 1.0 for e in examples]
        groups = [e.group for e in examples] if calibrate else None
        return estimator.fit([e.text for e in examples], [e.label for e in examples], sample_weight=weights, groups=groups)

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


def ablation(config, params, development, test, log) -> dict:
    """Test macro-F1 with each feature family left out, and with each family alone."""
    results = {}
    for family, weight in FAMILIES.items():
        without = fitter(config, {**params, weight: 0.0})(development)
        alone = fitter(config, {**params, **{w: 0.0 for w in FAMILIES.values() if w != weight}})(development)
        results[family] = {
            "without": evaluate_on(without, test)["macro_f1"],
            "alone": evaluate_on(alone, test)["macro_f1"],
        }
        log(f"  ablation {family} : sans {results[family]['without']:.3f}, seule {results[family]['alone']:.3f}")
    return results


def seed_articles(estimator, corpus) -> dict:
    """Each seed article scored whole (they are explanatory articles: média by the definitions)."""
    paths = sorted((corpus.root / "seed").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    proba = estimator.predict_proba(texts)[:, list(estimator.classes_).index(POSITIVE)]
    return {p.name: {"p_reseau": round(float(x), 4), "words": len(t.split())} for p, t, x in zip(paths, texts, proba)}


def errors_of(estimator, examples, limit=12) -> list:
    """The most confident mistakes on `examples`, for the model card."""
    proba = estimator.predict_proba([e.text for e in examples])[:, list(estimator.classes_).index(POSITIVE)]
    wrong = [(abs(p - 0.5), e, p) for e, p in zip(examples, proba) if (p >= 0.5) != (e.label == POSITIVE)]
    wrong.sort(key=lambda w: -w[0])
    return [{"id": e.id, "label": e.label, "p_reseau": round(float(p), 4), "kinds": list(e.kinds), "text": e.text[:300]}
            for _, e, p in wrong[:limit]]


def run(corpus_dir=DEFAULT_CORPUS, output_dir=DEFAULT_OUTPUT, config_path=DEFAULT_CONFIG, log=print) -> dict:
    """Train the model from `corpus_dir` into `output_dir`; returns the meta written beside it."""
    config = TrainingConfig.read(config_path)
    log("1/4 validation du corpus…")
    corpus = load_corpus(corpus_dir)
    # The seed sentences are labelled by what they describe (a sentence about listening is
    # "reseau"): that teaches topic, not orientation, and made whole explanatory articles come out
    # réseau. At weight 0 they stay out of training and serve as a test of their own.
    train = corpus.examples("train", with_seed=config.seed_sentence_weight > 0)
    dev, test = corpus.examples("dev"), corpus.examples("test")
    seed_only = corpus.seed_examples()

    log(f"2/4 choix des paramètres sur dev ({len(dev)} textes)…")
    params, trials = choose_params(config, train, dev, log)
    fit = fitter(config, params)

    log("3/4 calibration (une source retenue à la fois) et évaluation…")
    development = train + dev
    final = fitter(config, params, calibrate=True)(development)
    metrics = {}
    if dev:
        metrics["dev"] = evaluate_on(fit(train), dev)
    if test:
        metrics["test"] = evaluate_on(final, test)
        metrics["seed_sentences_only"] = evaluate_on(fit(seed_only), test)
    metrics["leave_one_source_out"] = pooled_with_groups(
        development, list(final.oof_proba_), lambda e: e.group, final.uncertain_margin_
    )
    authored = [e for e in development if e.source != "seed"]
    if len({e.platform for e in authored}) > 1:
        metrics["leave_one_platform_out"] = grouped_cross_validation(fit, authored, lambda e: e.platform)
    if test:
        metrics["ablation"] = ablation(config, params, development, test, log)
    metrics["shortcuts"] = shortcut_report(authored, test, config.seed)
    metrics["seed_articles_whole"] = seed_articles(final, corpus)

    log("4/4 enregistrement…")
    meta = {
        "name": "reseaumedia",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "labels": list(LABELS),
        "seed": config.seed,
        "params": {**config.as_dict()["estimator"], **params},
        "config": config.as_dict(),
        "search": trials,
        "calibration": {
            "method": "Platt scaling on leave-one-source-out decision scores",
            "uncertain_margin": final.uncertain_margin_,
            "target_accuracy": final.target_accuracy,
            "coef": round(float(final.calibrator_.coef_[0][0]), 6),
            "intercept": round(float(final.calibrator_.intercept_[0]), 6),
        },
        "versions": versions(),
        "corpus": {
            "sha256": corpus.sha256(),
            "train": len(train),
            "dev": len(dev),
            "test": len(test),
            "seed_sentences": len(seed_only),
        },
        "metrics": metrics,
        "errors": {"test": errors_of(final, test)} if test else {},
        "reproduce": "python cli.py train",
    }
    meta = save_model(final, output_dir, meta)
    card = model_card(meta).encode("utf-8")
    write_atomic(Path(output_dir) / CARD_FILE, lambda h: h.write(card))
    return meta
