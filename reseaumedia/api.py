"""The library API: `predict()` with the shipped model, `load()` for another one."""

from dataclasses import asdict, dataclass, field
from pathlib import Path
from threading import Lock

from .artefact import default_model_dir, load_estimator
from .classifier import LABELS, MEDIA, RESEAU, check_texts
from .errors import InputError
from .home import Registry, home_dir
from .explain import Reason, explain
from .judge import LANGUAGE_NAMES_FR, REASONS_FR, unjudgeable
from .sentences import sentence_spans

# What users read: the labels with their accents.
LABEL_NAMES_FR = {RESEAU: "réseau", MEDIA: "média"}
assert set(LABEL_NAMES_FR) == set(LABELS)
MODEL_SOURCES_FR = {"shipped": "modèle livré", "user": "modèle actif de l'utilisateur", "path": "dossier indiqué"}


@dataclass(frozen=True)
class Sentence:
    """One sentence of the text, by its character span, with its own label and probabilities."""

    start: int
    end: int
    text: str
    label: str
    probabilities: dict


@dataclass(frozen=True)
class Prediction:
    """One decision: the label, each class's calibrated probability, and the model that made it.

    `label` is always the more probable of "reseau" and "media". `certain` is False when the
    model should not be trusted on this text; `uncertain_reason` then says why: "near_half"
    (probability inside the model's incertain band), "no_words", "bare_greeting", "not_french".
    `model_source` says which model answered: "shipped" (with the package), "user" (the user's
    active model, see `reseaumedia.home`) or "path" (a folder given explicitly).
    `reasons` are the strongest exact contributions on each side; `sentences` score each
    sentence on its own (empty when the text has a single sentence or they were not asked for).
    """

    label: str
    probabilities: dict
    model_version: str
    model_source: str = "shipped"
    certain: bool = True
    uncertain_reason: str | None = None
    language: str | None = "fr"
    reasons: tuple = field(default=(), repr=False)
    sentences: tuple = field(default=(), repr=False)

    @property
    def label_fr(self) -> str:
        return LABEL_NAMES_FR[self.label]

    @property
    def model_source_fr(self) -> str:
        return MODEL_SOURCES_FR[self.model_source]

    @property
    def confidence(self) -> float:
        return self.probabilities[self.label]

    @property
    def uncertain_reason_fr(self) -> str | None:
        if self.uncertain_reason is None:
            return None
        text = REASONS_FR[self.uncertain_reason]
        if self.uncertain_reason == "not_french" and self.language:
            text += f" (langue détectée : {LANGUAGE_NAMES_FR.get(self.language, self.language)})"
        return text

    def to_dict(self) -> dict:
        data = asdict(self)
        data["uncertain_reason_fr"] = self.uncertain_reason_fr
        data["model_source_fr"] = self.model_source_fr
        return data


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


def resolve(path=None, home=None) -> tuple:
    """(folder, source) of the model to use: `path`, else the user's active model, else the shipped one."""
    if path is not None:
        return Path(path), "path"
    active = Registry(home_dir(home)).active_dir()
    if active is not None:
        return active, "user"
    return default_model_dir(), "shipped"


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
