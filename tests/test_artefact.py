import json
import re

import pytest

from reseaumedia import Model, ModelError, load
from reseaumedia.artefact import MODEL_FILE, META_FILE, PREVIOUS_DIR, save_model, sha256_file


def test_save_reload_gives_same_predictions(slice_model, slice_texts, tmp_path):
    save_model(slice_model, tmp_path, {"version": "essai"})
    reloaded = load(tmp_path)
    assert reloaded.version == "essai"
    assert reloaded.predict(slice_texts) == Model(slice_model, {"version": "essai"}).predict(slice_texts)
    assert (reloaded.estimator.predict_proba(slice_texts) == slice_model.predict_proba(slice_texts)).all()


def test_version_defaults_to_the_model_file_hash(slice_model, tmp_path):
    meta = save_model(slice_model, tmp_path, {})
    assert meta["version"] == f"0.1.0+{meta['files'][MODEL_FILE][:12]}"


def test_meta_records_the_model_hash(slice_model, tmp_path):
    meta = save_model(slice_model, tmp_path, {"version": "essai"})
    written = json.loads((tmp_path / META_FILE).read_text(encoding="utf-8"))
    assert written == meta
    assert written["files"][MODEL_FILE] == sha256_file(tmp_path / MODEL_FILE)


def test_saving_over_a_model_keeps_the_previous_one(slice_model, tmp_path):
    save_model(slice_model, tmp_path, {"version": "v1"})
    save_model(slice_model, tmp_path, {"version": "v2"})
    assert load(tmp_path).version == "v2"
    assert load(tmp_path / PREVIOUS_DIR).version == "v1"
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_tampered_model_is_refused(slice_model, tmp_path):
    save_model(slice_model, tmp_path, {"version": "essai"})
    with open(tmp_path / MODEL_FILE, "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelError, match="empreinte SHA-256"):
        load(tmp_path)


def test_missing_model_folder_says_what_to_do(tmp_path):
    with pytest.raises(ModelError, match=re.escape("dossier de modèle introuvable")):
        load(tmp_path / "absent")


def test_folder_without_model_says_what_to_do(tmp_path):
    with pytest.raises(ModelError, match=re.escape("meta.json est absent")):
        load(tmp_path)


def test_shipped_meta_carries_versions_hash_and_metrics(shipped_model):
    meta = shipped_model.meta
    assert set(meta["versions"]) >= {"python", "scikit_learn", "spacy", "fr_core_news_sm", "reseaumedia"}
    assert re.fullmatch(r"[0-9a-f]{64}", meta["corpus"]["sha256"])
    assert meta["labels"] == ["media", "reseau"]
    assert "leave_one_source_out" in meta["metrics"]
    assert meta["files"][MODEL_FILE] == sha256_file(shipped_model.path / MODEL_FILE)


def test_shipped_test_metrics_are_the_ones_measured_on_the_test_split(shipped_model):
    from reseaumedia.training.corpus import load_corpus
    from reseaumedia.training.evaluate import evaluate_on
    from reseaumedia.training.train import DEFAULT_CORPUS

    corpus = load_corpus(DEFAULT_CORPUS)
    assert shipped_model.meta["corpus"]["sha256"] == corpus.sha256()
    assert evaluate_on(shipped_model.estimator, corpus.examples("test")) == shipped_model.meta["metrics"]["test"]
