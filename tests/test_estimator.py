import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from reseaumedia import InputError, ReseauMediaClassifier


def test_fit_returns_self_and_learns_the_slice(slice_texts):
    from conftest import SLICE

    labels = [label for _, label in SLICE]
    model = ReseauMediaClassifier(random_state=0)
    assert model.fit(slice_texts, labels) is model
    assert list(model.classes_) == ["media", "reseau"]
    assert list(model.predict(slice_texts)) == labels


def test_same_data_and_seed_give_same_model(slice_model, slice_texts):
    from conftest import SLICE

    again = ReseauMediaClassifier(random_state=0).fit(slice_texts, [label for _, label in SLICE])
    assert np.array_equal(again.predict_proba(slice_texts), slice_model.predict_proba(slice_texts))


def test_clone_keeps_params_and_drops_fit(slice_model):
    copy = clone(slice_model)
    assert copy.get_params() == slice_model.get_params()
    with pytest.raises(NotFittedError):
        copy.predict(["Bonjour"])


def test_unknown_label_is_refused(slice_texts):
    with pytest.raises(InputError, match=r"étiquette\(s\) inconnue\(s\) \['neutre'\]"):
        ReseauMediaClassifier().fit(slice_texts[:2], ["reseau", "neutre"])


def test_one_label_only_is_refused(slice_texts):
    with pytest.raises(InputError, match="des deux étiquettes"):
        ReseauMediaClassifier().fit(slice_texts[:2], ["reseau", "reseau"])


def test_a_bare_string_is_not_a_batch(slice_model):
    with pytest.raises(InputError, match="une seule chaîne"):
        slice_model.predict("Bonjour")


def test_same_fit_pickles_to_the_same_bytes(slice_model, slice_texts, tmp_path):
    import joblib

    from conftest import SLICE

    again = ReseauMediaClassifier(random_state=0).fit(slice_texts, [label for _, label in SLICE])
    joblib.dump(slice_model, tmp_path / "a.joblib")
    joblib.dump(again, tmp_path / "b.joblib")
    assert (tmp_path / "a.joblib").read_bytes() == (tmp_path / "b.joblib").read_bytes()


def test_models_saved_before_the_analysis_parameter_run_the_full_analysis(shipped_model):
    import pickle

    estimator = pickle.loads(pickle.dumps(shipped_model.estimator))
    # What a model pickled before the parameter existed holds: no `analysis` anywhere.
    del estimator.analysis
    del estimator.pipeline_.named_steps["analyse"].analysis
    old = pickle.loads(pickle.dumps(estimator))
    assert old.get_params()["analysis"] == "full"
    assert old.pipeline_.named_steps["analyse"].analysis == "full"


def test_the_shipped_model_runs_the_analysis_the_training_configuration_names(shipped_model):
    import json

    from conftest import ROOT

    config = json.loads((ROOT / "training" / "config.json").read_text(encoding="utf-8"))
    assert shipped_model.estimator.pipeline_.named_steps["analyse"].analysis == config["estimator"]["analysis"]


def test_tokenizer_analysis_needs_no_tagger_and_learns_the_slice(slice_texts):
    from conftest import SLICE

    from reseaumedia.features import SpacyAnalyser
    from reseaumedia.nlp import load_tokenizer, reload_spacy

    assert load_tokenizer("fr_core_news_sm").pipe_names == []
    text = "Venez nombreux, les enfants sont allés au marché !"
    words = SpacyAnalyser(analysis="tokenizer").transform([text])[0]
    assert words.lemmas == ("venez", "nombreux", "les", "enfants", "sont", "alles", "au", "marche")
    assert words.cues == SpacyAnalyser(analysis="full").transform([text])[0].cues  # "Venez": imperative either way
    labels = [label for _, label in SLICE]
    model = ReseauMediaClassifier(analysis="tokenizer", random_state=0).fit(slice_texts, labels)
    assert list(model.predict(slice_texts)) == labels
    before = model.predict_proba(["Merci Julie, tu viens jeudi ?"])
    reload_spacy()  # a fresh vocabulary gives the same analyses
    from reseaumedia.features import forget_analyses

    forget_analyses()
    assert np.array_equal(model.predict_proba(["Merci Julie, tu viens jeudi ?"]), before)
