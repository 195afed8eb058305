"""The estimator: one object from raw text to label, so training and prediction cannot drift."""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils.validation import check_is_fitted

from .errors import InputError
from .features import SpacyAnalyser, StableTfidfVectorizer, cue_matrix, lemma_strings, surfaces

from .labels import LABELS, MEDIA, RESEAU  # noqa: F401 - re-exported for the training code


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
    analysis : how much of spaCy runs: "full" (tagger and lemmatizer), "lookup" (tokenizer and
        lookup lemmas from spacy-lookups-data) or "tokenizer" (tokenizer only); see
        `features.ANALYSES`.
    C : inverse regularisation of the logistic regression.
    char_ngram_range, word_ngram_range : n-gram spans of the two TF-IDF views.
    min_df : minimum document frequency of an n-gram.
    cue_weight, lemma_weight, char_weight : weight of each view in the feature union (0 leaves a
        view out, for ablations).
    class_weight : passed to LogisticRegression.
    calibrate : when True and `fit` is given `groups`, the probabilities are calibrated (Platt
        scaling) on out-of-fold scores, each group predicted by a model that never saw it.
    target_accuracy : the "incertain" band around 0.5 is the narrowest whose outside reaches this
        accuracy on those out-of-fold predictions (at most `max_uncertain_share` of them inside).
    random_state : seed, for reproducible fits.

    Fitted attributes: `classes_`, `pipeline_`, `calibrator_` (None without calibration),
    `uncertain_margin_` (half-width of the band; 0 without calibration), and with calibration
    `oof_proba_`: the out-of-fold probability of "reseau" for each training text,
    calibrated without its own group, for honest grouped evaluation.
    """

    def __init__(
        self,
        spacy_model="fr_core_news_sm",
        C=4.0,
        char_ngram_range=(2, 5),
        word_ngram_range=(1, 2),
        min_df=1,
        cue_weight=1.0,
        lemma_weight=1.0,
        char_weight=1.0,
        class_weight="balanced",
        calibrate=True,
        target_accuracy=0.97,
        max_uncertain_share=0.2,
        random_state=0,
        analysis="full",
    ):
        self.spacy_model = spacy_model
        self.analysis = analysis
        self.C = C
        self.char_ngram_range = char_ngram_range
        self.word_ngram_range = word_ngram_range
        self.min_df = min_df
        self.cue_weight = cue_weight
        self.lemma_weight = lemma_weight
        self.char_weight = char_weight
        self.class_weight = class_weight
        self.calibrate = calibrate
        self.target_accuracy = target_accuracy
        self.max_uncertain_share = max_uncertain_share
        self.random_state = random_state

    def __setstate__(self, state):
        # Models saved before `analysis` existed ran the full pipeline; get_params needs the attribute.
        state.setdefault("analysis", "full")
        super().__setstate__(state)

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
                            max_features=200_000,
                        ),
                    ),
                ),
                ("indices", make_pipeline(FunctionTransformer(cue_matrix), StandardScaler())),
            ],
            transformer_weights={"lemmes": self.lemma_weight, "caracteres": self.char_weight, "indices": self.cue_weight},
        )
        classifier = LogisticRegression(
            C=self.C, class_weight=self.class_weight, max_iter=5000, random_state=self.random_state
        )
        return Pipeline(
            [("analyse", SpacyAnalyser(self.spacy_model, analysis=self.analysis)), ("features", features), ("classify", classifier)]
        )

    def fit(self, X, y, sample_weight=None, groups=None):
        """Fit on texts X and labels y; with `groups` (one name per text) also calibrate.

        Plain term frequencies (no sublinear tf) and the cue densities keep a text pasted twice
        at the same point in feature space: the decision never saturates with length.
        """
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
        self.calibrator_, self.uncertain_margin_ = None, 0.0
        if self.calibrate and groups is not None:
            self._calibrate(texts, labels, sample_weight, [str(g) for g in groups])
        return self

    def _calibrate(self, texts, labels, sample_weight, groups):
        if len(groups) != len(texts):
            raise InputError(f"{len(texts)} textes mais {len(groups)} groupes : il en faut autant.")
        if len(set(groups)) < 3:
            # Too few sources to hold one out at a time (a small user corpus): five folds by position.
            groups = [str(i % min(5, len(texts))) for i in range(len(texts))]
        # cross_val_predict would hand the folds integer-encoded labels; the estimator wants its
        # label names, so the leave-one-group-out loop is written out.
        weights = np.ones(len(texts)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        texts_array, labels_array = np.array(texts, dtype=object), np.array(labels)
        scores = np.empty(len(texts))
        for fit_idx, held_idx in LeaveOneGroupOut().split(texts, labels, groups):
            if len(set(labels_array[fit_idx])) < 2:
                scores[held_idx] = 0.0  # nothing to learn from one label: no opinion
                continue
            raw = clone(self).set_params(calibrate=False)
            raw.fit(list(texts_array[fit_idx]), list(labels_array[fit_idx]), sample_weight=weights[fit_idx])
            scores[held_idx] = raw.decision_function(list(texts_array[held_idx]))
        positive = np.array([label == self.classes_[1] for label in labels])
        self.calibrator_ = fit_platt(scores, positive, weights)
        # Each group's probabilities from a calibration fitted without that group: what an unseen
        # source would get.
        names = np.array(groups)
        oof = np.empty(len(texts))
        for name in np.unique(names):
            inside = names == name
            oof[inside] = fit_platt(scores[~inside], positive[~inside], weights[~inside]).predict_proba(
                scores[inside].reshape(-1, 1)
            )[:, 1]
        self.oof_proba_ = oof
        self.uncertain_margin_ = uncertain_margin(
            oof, positive, weights, self.target_accuracy, self.max_uncertain_share
        )

    def decision_function(self, X):
        """Raw score of the linear model (positive: `classes_[1]`), before calibration."""
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.decision_function(check_texts(X))

    def predict_proba(self, X):
        check_is_fitted(self, "pipeline_")
        if getattr(self, "calibrator_", None) is None:
            return self.pipeline_.predict_proba(check_texts(X))
        positive = self.calibrator_.predict_proba(self.decision_function(X).reshape(-1, 1))[:, 1]
        return np.column_stack([1 - positive, positive])

    def predict(self, X):
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


def fit_platt(scores, positive, weights):
    """Platt scaling: a one-feature logistic regression from raw score to probability."""
    return LogisticRegression(C=1e6).fit(np.asarray(scores).reshape(-1, 1), positive, sample_weight=weights)


def uncertain_margin(proba, positive, weights, target_accuracy, max_share, step=0.005):
    """Half-width of the narrowest band around 0.5 outside which the accuracy reaches the target.

    Capped so that at most `max_share` of the (weighted) texts fall inside the band.
    """
    correct = (proba >= 0.5) == positive
    distance = np.abs(proba - 0.5)
    total = weights.sum()
    margin = 0.0
    for candidate in np.arange(0.0, 0.5, step):
        outside = distance >= candidate
        if weights[~outside].sum() / total > max_share:
            break
        margin = float(round(candidate, 4))
        if weights[outside & correct].sum() >= target_accuracy * weights[outside].sum():
            break
    return margin
