"""Retraining on the project corpus plus the user's own labelled batches, into the user's registry.

    reseaumedia train --add mes_textes.csv      check, store, retrain, compare, activate
    reseaumedia data remove BATCH               take a batch out, then retrain

The project corpus (shipped with the package) is the base; the user's rows join its training
part, except a fixed share held out to measure the model on the user's own kind of text. A new
model is registered under its version and becomes active only if its test macro-F1 is not more
than ACTIVATION_TOLERANCE below the model in use, unless forced. The previous model stays one
`models rollback` away.
"""

import hashlib
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from reseaumedia.api import load
from reseaumedia.artefact import default_model_dir, read_meta, save_model, write_atomic
from reseaumedia.errors import ModelError
from reseaumedia.home import LOCK_FILE, REMOVED_DIR, Registry

from .card import model_card
from .config import DEFAULT_CONFIG, TrainingConfig
from .corpus import CorpusError, load_corpus, parse_record, read_jsonl
from .evaluate import evaluate_on, pooled_with_groups
from .train import CARD_FILE, DEFAULT_CORPUS, choose_params, fitter, seed_articles, versions

# Share of each user batch held out of training to measure the model on the user's own texts.
USER_HELDOUT_SHARE = 0.2
# A new model whose test macro-F1 falls more than this below the model in use is not activated.
ACTIVATION_TOLERANCE = 0.01
# The fast path calibrates on this many folds of whole sources instead of one source at a time.
FAST_FOLDS = 5


@contextmanager
def training_lock(home):
    """One training run per user home at a time; a second one is refused at once."""
    from filelock import FileLock, Timeout

    Path(home).mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(Path(home) / LOCK_FILE))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise ModelError(
            f"un autre entraînement est en cours (verrou {Path(home) / LOCK_FILE}) : "
            "attendez qu'il se termine, puis relancez la commande."
        ) from None
    try:
        yield
    finally:
        lock.release()


# -- the user's batches ---------------------------------------------------------------------------
def check_new(registry: Registry, intake) -> None:
    """The same file (same SHA-256) is not added twice."""
    for name, provenance in batches(registry):
        if provenance.get("sha256") == intake.sha256:
            raise ModelError(f"{intake.path} a déjà été ajouté (lot « {name} », même empreinte SHA-256) ; rien n'a été fait.")


def store_batch(registry: Registry, intake) -> Path:
    """Write the accepted rows of an intake as data/<batch>.jsonl, then its provenance beside it."""
    registry.data.mkdir(parents=True, exist_ok=True)
    target = registry.data / f"{intake.batch}.jsonl"
    if target.exists():
        raise ModelError(f"ce fichier a déjà été ajouté (lot « {intake.batch} », même empreinte SHA-256) ; rien n'a été fait.")
    lines = [json.dumps(record, ensure_ascii=False) for _, record in intake.accepted]
    payload = ("\n".join(lines) + "\n").encode("utf-8")
    provenance = {
        "batch": intake.batch,
        "file": str(intake.path.resolve()),
        "sha256": intake.sha256,
        "added": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "rows": len(intake.accepted),
        "rejected": len(intake.rejects),
        "labels": intake.labels,
    }
    meta = (json.dumps(provenance, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    # Provenance first: a batch file is never there without it.
    write_atomic(target.with_suffix(".json"), lambda h: h.write(meta))
    write_atomic(target, lambda h: h.write(payload))
    return target


def batches(registry: Registry) -> list:
    """(name, provenance) of the user's batches in use, oldest first."""
    if not registry.data.is_dir():
        return []
    found = []
    for path in sorted(registry.data.glob("*.jsonl")):
        try:
            provenance = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            provenance = {"batch": path.stem}
        found.append((path.stem, provenance))
    return sorted(found, key=lambda b: (b[1].get("added", ""), b[0]))


def remove_batch(registry: Registry, name: str) -> Path:
    """Move a batch out of training into data/removed/ (kept, never deleted); returns where it went."""
    source = registry.data / f"{name}.jsonl"
    if not source.exists():
        known = ", ".join(n for n, _ in batches(registry)) or "aucun"
        raise ModelError(f"lot « {name} » inconnu ; lots en usage : {known}. Voir « reseaumedia data list ».")
    removed = registry.data / REMOVED_DIR
    removed.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    for path in (source.with_suffix(".json"), source):
        if path.exists():
            os.replace(path, removed / f"{path.stem}.{stamp}{path.suffix}")
    return removed / f"{name}.{stamp}.jsonl"


def _hash(record_id: str) -> str:
    return hashlib.sha256(record_id.encode()).hexdigest()


def user_examples(registry: Registry, seen_ids: dict) -> tuple:
    """(training examples, held-out examples) from every batch in use, checked as on intake.

    Of each batch of 5 rows or more, USER_HELDOUT_SHARE (at least one row), drawn by a hash of
    the ids, is held out: the same rows every time, whatever the order of the file.
    """
    problems, kept, held = [], [], []
    for name, _ in batches(registry):
        path = registry.data / f"{name}.jsonl"
        examples = []
        for number, obj in read_jsonl(path, problems):
            example = parse_record(obj, f"{path}:{number}", "user", problems, seen_ids)
            if example is not None:
                examples.append(example)
        n_held = max(1, round(len(examples) * USER_HELDOUT_SHARE)) if len(examples) >= 5 else 0
        chosen = {e.id for e in sorted(examples, key=lambda e: _hash(e.id))[:n_held]}
        kept += [e for e in examples if e.id not in chosen]
        held += [e for e in examples if e.id in chosen]
    if problems:
        raise CorpusError(problems)
    return kept, held


# -- retraining ----------------------------------------------------------------------------------
def _fast_groups(examples):
    """Whole sources gathered into FAST_FOLDS folds: each still predicted by a model that never saw it."""
    names = sorted({e.group for e in examples})
    fold = {name: f"fold{i % FAST_FOLDS}" for i, name in enumerate(names)}
    return [replace(e, group=fold[e.group]) for e in examples]


def _scores(estimator, test, heldout) -> dict:
    scores = {"test": evaluate_on(estimator, test)}
    if heldout:
        scores["user_heldout"] = evaluate_on(estimator, heldout)
    return scores


def retrain(home, *, corpus_dir=DEFAULT_CORPUS, corpus=None, config_path=DEFAULT_CONFIG, full=False, force=False,
            log=print) -> dict:
    """Train on the project corpus + the user's batches, register the model, activate it if it holds up.

    `corpus`, when the caller has already loaded and validated it, saves a second read of `corpus_dir`.
    Returns {"version", "path", "activated", "before", "after", "previous"}. Call inside `training_lock`.
    """
    registry = Registry(home)
    config = TrainingConfig.read(config_path)
    corpus = corpus or load_corpus(corpus_dir)
    seen = {r.id: "corpus" for r in corpus.records}
    user_train, user_heldout = user_examples(registry, seen)
    train, dev, test = corpus.examples("train"), corpus.examples("dev"), corpus.examples("test")
    log(f"corpus du projet : {len(train) + len(dev)} textes d'entraînement, {len(test)} de test ; "
        f"vos lots : {len(user_train)} textes ajoutés à l'entraînement, {len(user_heldout)} mis de côté pour la mesure")

    current = load(home=home)
    log(f"mesure du modèle en usage ({current.version})…")
    before = _scores(current.estimator, test, user_heldout)

    if full:
        log("choix des paramètres sur dev…")
        params, _ = choose_params(config, train + user_train, dev, log)
    else:
        # The parameters the shipped model chose on dev: no grid search on the fast path.
        chosen = read_meta(default_model_dir()).get("params", {})
        params = {name: chosen[name] for name in config.search if name in chosen}
    development = train + dev + user_train
    log(f"entraînement et calibration ({'une source retenue à la fois' if full else f'{FAST_FOLDS} groupes de sources'})…")
    final = fitter(config, params, calibrate=True)(development if full else _fast_groups(development))
    after = _scores(final, test, user_heldout)
    metrics = dict(after)
    if full:
        metrics["leave_one_source_out"] = pooled_with_groups(
            development, list(final.oof_proba_), lambda e: e.group, final.uncertain_margin_
        )
        metrics["seed_articles_whole"] = seed_articles(final, corpus)

    meta = {
        "name": "reseaumedia",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "origin": "user",
        "parent": current.version,
        "labels": sorted({e.label for e in development}),
        "seed": config.seed,
        "params": {**config.as_dict()["estimator"], **params},
        "config": config.as_dict(),
        "calibration": {
            "method": "Platt scaling on out-of-fold decision scores, "
                      + ("one source held out at a time" if full else f"{FAST_FOLDS} folds of whole sources"),
            "uncertain_margin": final.uncertain_margin_,
            "target_accuracy": final.target_accuracy,
            "coef": round(float(final.calibrator_.coef_[0][0]), 6),
            "intercept": round(float(final.calibrator_.intercept_[0]), 6),
        },
        "versions": versions(),
        "corpus": {"sha256": corpus.sha256(), "train": len(train), "dev": len(dev), "test": len(test)},
        "user_data": [{"batch": name, "sha256": p.get("sha256"), "rows": p.get("rows")} for name, p in batches(registry)],
        "user_rows": {"train": len(user_train), "heldout": len(user_heldout)},
        "metrics": metrics,
        "reproduce": "reseaumedia train" + (" --complet" if full else ""),
    }
    log("enregistrement…")
    staged = registry.staging()
    try:
        meta = save_model(final, staged, meta)
        card = model_card(meta).encode("utf-8")
        write_atomic(staged / CARD_FILE, lambda h: h.write(card))
        path = registry.register(staged, meta["version"])
    except OSError as exc:
        # Disk full, permission denied…: the half-written folder goes, the model in use stays.
        shutil.rmtree(staged, ignore_errors=True)
        raise ModelError(
            f"impossible d'enregistrer le nouveau modèle dans {registry.models} ({exc.strerror or exc}). "
            f"Le modèle en usage ({current.version}) reste actif et vos données sont conservées ; "
            "libérez de la place ou vérifiez les droits du dossier, puis relancez « reseaumedia train »."
        ) from None

    drop = before["test"]["macro_f1"] - after["test"]["macro_f1"]
    activated = force or drop <= ACTIVATION_TOLERANCE
    previous = registry.active
    if activated:
        registry.use(meta["version"])
    return {"version": meta["version"], "path": path, "activated": activated, "before": before, "after": after,
            "previous": previous or "livré", "previous_version": current.version, "drop": drop}
