"""The estimator: one object from raw text to label, so training and prediction cannot drift."""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils.validation import check_is_fitted

from .errors import InputError
from .features import SpacyAnalyser, StableTfidfVectorizer, cue_matrix, lemma_strings, surfaces

LABELS = ("media", "reseau")


def check_texts(X, where="texte"):
    """A list of non-blank strings, or an InputError naming the first bad item (1-based)."""
    if isinstance(X, str):
        raise InputError("attendu une liste de textes, reçu une seule chaîne : utilisez [texte].")
    texts = list(X)
    for i, text in enumerate(texts, start=1):
        if not isinstance(text, str):
            raise InputError(f"{where} n° {i} : attendu du texte, reçu {type(text).__name__}.")
        if not text.strip():
            raise InputError(f"{where} n° {i} : le texte est vide ; donnez un texte à analyser.")
    return texts


class ReseauMediaClassifier(ClassifierMixin, BaseEstimator):
    """Primary orientation of a French text: 'reseau' (relationship) or 'media' (diffusion).

    Parameters
    ----------
    spacy_model : name of the installed spaCy pipeline used for lemmas.
    C : inverse regularisation of the logistic regression.
    char_ngram_range, word_ngram_range : n-gram spans of the two TF-IDF views.
    min_df : minimum document frequency of an n-gram.
    cue_weight : weight of the named cues against the two sparse views.
    class_weight : passed to LogisticRegression.
    random_state : seed, for reproducible fits.
    """

    def __init__(
        self,
        spacy_model="fr_core_news_sm",
        C=4.0,
        char_ngram_range=(2, 5),
        word_ngram_range=(1, 2),
        min_df=1,
        cue_weight=1.0,
        class_weight="balanced",
        random_state=0,
    ):
        self.spacy_model = spacy_model
        self.C = C
        self.char_ngram_range = char_ngram_range
        self.word_ngram_range = word_ngram_range
        self.min_df = min_df
        self.cue_weight = cue_weight
        self.class_weight = class_weight
        self.random_state = random_state

    def _build_pipeline(self):
        features = FeatureUnion(
            [
                (
                    "lemmes",
                    make_pipeline(
                        FunctionTransformer(lemma_strings),
                        StableTfidfVectorizer(
                            ngram_range=self.word_ngram_range,
                            min_df=self.min_df,
                            sublinear_tf=True,
                            lowercase=False,
                            token_pattern=r"\S+",
                        ),
                    ),
                ),
                (
                    "caracteres",
                    make_pipeline(
                        FunctionTransformer(surfaces),
                        StableTfidfVectorizer(
                            analyzer="char_wb",
                            ngram_range=self.char_ngram_range,
                            min_df=self.min_df,
                            sublinear_tf=True,
                            max_features=200_000,
                        ),
                    ),
                ),
                ("indices", make_pipeline(FunctionTransformer(cue_matrix), StandardScaler())),
            ],
            transformer_weights={"lemmes": 1.0, "caracteres": 1.0, "indices": self.cue_weight},
        )
        classifier = LogisticRegression(
            C=self.C, class_weight=self.class_weight, max_iter=5000, random_state=self.random_state
        )
        return Pipeline(
            [("analyse", SpacyAnalyser(self.spacy_model)), ("features", features), ("classify", classifier)]
        )

    def fit(self, X, y, sample_weight=None):
        texts = check_texts(X)
        labels = [str(label) for label in y]
        if len(labels) != len(texts):
            raise InputError(f"{len(texts)} textes mais {len(labels)} étiquettes : il en faut autant.")
        unknown = sorted(set(labels) - set(LABELS))
        if unknown:
            raise InputError(f"étiquette(s) inconnue(s) {unknown} ; attendu : {', '.join(LABELS)}.")
        if len(set(labels)) < 2:
            raise InputError("il faut des exemples des deux étiquettes (reseau et media) pour entraîner.")
        self.pipeline_ = self._build_pipeline()
        self.pipeline_.fit(texts, labels, classify__sample_weight=sample_weight)
        self.classes_ = self.pipeline_.classes_
        return self

    def predict_proba(self, X):
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.predict_proba(check_texts(X))

    def decision_function(self, X):
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.decision_function(check_texts(X))

    def predict(self, X):
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]
