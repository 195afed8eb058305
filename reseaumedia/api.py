"""The library API: `predict()` with the shipped model, `load()` for another one."""

from dataclasses import asdict, dataclass
from pathlib import Path
from threading import Lock

from .artefact import default_model_dir, load_estimator
from .classifier import check_texts
from .errors import InputError

# What users read: the labels with their accents.
LABEL_NAMES_FR = {"reseau": "réseau", "media": "média"}


@dataclass(frozen=True)
class Prediction:
    """One decision: the label, each class's probability, and the model that made it."""

    label: str
    probabilities: dict
    model_version: str

    @property
    def label_fr(self) -> str:
        return LABEL_NAMES_FR[self.label]

    @property
    def confidence(self) -> float:
        return self.probabilities[self.label]

    def to_dict(self) -> dict:
        return asdict(self)


class Model:
    """A trained estimator with its metadata; `predict` takes one text or a list of texts."""

    def __init__(self, estimator, meta: dict, path=None):
        self.estimator = estimator
        self.meta = meta
        self.path = Path(path) if path is not None else None

    @property
    def version(self) -> str:
        return self.meta.get("version", "inconnue")

    def predict(self, texts):
        """`predict("texte")` -> Prediction; `predict(["a", "b"])` -> [Prediction, Prediction]."""
        single = isinstance(texts, str)
        batch = check_texts([texts] if single else texts)
        if not batch:
            return []
        proba = self.estimator.predict_proba(batch)
        classes = [str(c) for c in self.estimator.classes_]
        results = []
        for row in proba:
            probabilities = {label: round(float(p), 6) for label, p in zip(classes, row)}
            best = max(probabilities, key=probabilities.get)
            results.append(Prediction(best, probabilities, self.version))
        return results[0] if single else results

    def __repr__(self):
        return f"Model(version={self.version!r}, path={str(self.path)!r})"


def load(path=None) -> Model:
    """Load a model folder (`model.joblib` + `meta.json`); the shipped default when `path` is None."""
    directory = Path(path) if path is not None else default_model_dir()
    estimator, meta = load_estimator(directory)
    return Model(estimator, meta, directory)


_default = None
_default_lock = Lock()


def default_model() -> Model:
    """The shipped model, loaded once per process."""
    global _default
    with _default_lock:
        if _default is None:
            _default = load()
    return _default


def predict(texts, model: Model | None = None):
    """Orientation of one text (-> Prediction) or of a list of texts (-> list of Prediction)."""
    if not isinstance(texts, str) and not hasattr(texts, "__iter__"):
        raise InputError(f"attendu un texte ou une liste de textes, reçu {type(texts).__name__}.")
    return (model or default_model()).predict(texts)
