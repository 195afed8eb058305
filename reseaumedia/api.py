"""The library API: `predict()` with the shipped model, `load()` for another one."""

from pathlib import Path
from threading import Lock

from .artefact import load_estimator
from .classifier import check_texts
from .errors import InputError
from .explain import explain
from .home import resolve
from .judge import unjudgeable
from .labels import LABEL_NAMES_FR  # noqa: F401 - part of the API
from .results import MODEL_SOURCES_FR, Prediction, Reason, Sentence  # noqa: F401 - part of the API
from .sentences import sentence_spans


class Model:
    """A trained estimator with its metadata; `predict` takes one text or a list of texts."""

    def __init__(self, estimator, meta: dict, path=None, source="path"):
        self.estimator = estimator
        self.meta = meta
        self.path = Path(path) if path is not None else None
        self.source = source

    @property
    def version(self) -> str:
        return self.meta.get("version", "inconnue")

    @property
    def uncertain_margin(self) -> float:
        return float(getattr(self.estimator, "uncertain_margin_", 0.0))

    def predict(self, texts, *, reasons=True, sentences=True):
        """`predict("texte")` -> Prediction; `predict(["a", "b"])` -> [Prediction, Prediction].

        `reasons=False` and `sentences=False` skip the explanations and the per-sentence scores
        (an archive scored for its labels only goes faster).
        """
        single = isinstance(texts, str)
        batch = check_texts([texts] if single else texts)
        if not batch:
            return []
        proba = self._probabilities(batch)
        # The explanations read the analyses the probabilities just cached; without them, no lookup.
        analysed = self.estimator.pipeline_.named_steps["analyse"].transform(batch) if reasons else [None] * len(batch)
        spans = [self._sentence_spans(t) if sentences else [] for t in batch]
        pieces = [t[s:e] for t, text_spans in zip(batch, spans) for s, e in text_spans]
        piece_proba = iter(self._probabilities(pieces)) if pieces else iter(())
        results = []
        for text, analysis, probabilities, text_spans in zip(batch, analysed, proba, spans):
            best = max(probabilities, key=probabilities.get)
            reason, language = unjudgeable(text)
            if reason is None and abs(probabilities[best] - 0.5) < self.uncertain_margin:
                reason = "near_half"
            scored = [
                Sentence(s, e, text[s:e], max(p, key=p.get), p)
                for (s, e), p in zip(text_spans, [next(piece_proba) for _ in text_spans])
            ]
            results.append(
                Prediction(
                    label=best,
                    probabilities=probabilities,
                    model_version=self.version,
                    model_source=self.source,
                    certain=reason is None,
                    uncertain_reason=reason,
                    language=language,
                    reasons=tuple(explain(self.estimator, analysis, text)) if reasons else (),
                    sentences=tuple(scored) if len(scored) > 1 else (),
                )
            )
        return results[0] if single else results

    def _probabilities(self, texts):
        classes = [str(c) for c in self.estimator.classes_]
        return [
            {label: round(float(p), 6) for label, p in zip(classes, row)}
            for row in self.estimator.predict_proba(texts)
        ]

    def _sentence_spans(self, text):
        return sentence_spans(text, self.estimator.get_params()["spacy_model"])

    def __repr__(self):
        return f"Model(version={self.version!r}, path={str(self.path)!r})"


def load(path=None, *, home=None) -> Model:
    """Load a model folder (`model.joblib` + `meta.json`).

    Without `path`: the user's active model if there is one (see `reseaumedia.home`), else the
    model shipped with the package. `Model.source` and every Prediction say which one answered.
    """
    directory, source = resolve(path, home)
    estimator, meta = load_estimator(directory)
    return Model(estimator, meta, directory, source)


_default = None
_default_lock = Lock()


def default_model() -> Model:
    """The model `load()` picks (the user's active one, else the shipped one), loaded once per process."""
    global _default
    with _default_lock:
        if _default is None:
            _default = load()
    return _default


def predict(texts, model: Model | None = None, *, reasons=True, sentences=True):
    """Orientation of one text (-> Prediction) or of a list of texts (-> list of Prediction)."""
    if not isinstance(texts, str) and not hasattr(texts, "__iter__"):
        raise InputError(f"attendu un texte ou une liste de textes, reçu {type(texts).__name__}.")
    return (model or default_model()).predict(texts, reasons=reasons, sentences=sentences)


__all__ = ["Model", "Prediction", "Reason", "Sentence", "default_model", "load", "predict"]
