"""What a prediction is made of, as plain data: no scikit-learn or spaCy behind it.

The command line prints these whether they were computed here or by a running server
(`reseaumedia.client`), so they must be cheap to import and to rebuild from JSON.
"""

from dataclasses import asdict, dataclass, field

from .judge import LANGUAGE_NAMES_FR, REASONS_FR
from .labels import LABEL_NAMES_FR

MODEL_SOURCES_FR = {"shipped": "modèle livré", "user": "modèle actif de l'utilisateur", "path": "dossier indiqué"}


@dataclass(frozen=True)
class Reason:
    """One reason: `weight` > 0 is how far it pushes the log-odds toward `side`.

    `text` is the word as written (None for a cue of the whole text); `spans` are its
    (start, end) character offsets in the text given to `predict`.
    """

    side: str
    weight: float
    description: str
    text: str | None = None
    spans: tuple = ()


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

    @classmethod
    def from_dict(cls, data: dict) -> "Prediction":
        """The inverse of `to_dict` (what `score --json` and the HTTP API give)."""
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        fields["reasons"] = tuple(
            Reason(**{**r, "spans": tuple(tuple(s) for s in r.get("spans", ()))}) for r in data.get("reasons", ())
        )
        fields["sentences"] = tuple(Sentence(**s) for s in data.get("sentences", ()))
        return cls(**fields)
