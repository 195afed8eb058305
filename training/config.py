"""Training configuration: one JSON file, checked when read."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from reseaumedia.classifier import ReseauMediaClassifier
from reseaumedia.errors import InputError

DEFAULT_CONFIG = Path(__file__).with_name("config.json")
# Whatever the estimator accepts, except its seed, which the config's own `seed` sets.
ESTIMATOR_PARAMS = set(ReseauMediaClassifier().get_params()) - {"random_state"}


@dataclass
class TrainingConfig:
    seed: int = 13
    seed_sentence_weight: float = 0.5
    estimator: dict = field(default_factory=dict)
    search: dict = field(default_factory=dict)

    def __post_init__(self):
        if not isinstance(self.seed, int) or self.seed < 0:
            raise InputError(f"config : « seed » doit être un entier positif, trouvé {self.seed!r}.")
        if not 0 <= self.seed_sentence_weight <= 10:
            raise InputError(
                f"config : « seed_sentence_weight » doit être entre 0 et 10, trouvé {self.seed_sentence_weight!r}."
            )
        for name in (*self.estimator, *self.search):
            if name not in ESTIMATOR_PARAMS:
                raise InputError(
                    f"config : paramètre « {name} » inconnu ; admis : {', '.join(sorted(ESTIMATOR_PARAMS))}."
                )
        for name, values in self.search.items():
            if not isinstance(values, list) or not values:
                raise InputError(f"config : search.{name} doit être une liste non vide de valeurs.")
        # JSON has no tuples; scikit-learn's n-gram ranges want them.
        for name in ("char_ngram_range", "word_ngram_range"):
            if name in self.estimator:
                self.estimator[name] = tuple(self.estimator[name])

    @classmethod
    def read(cls, path=DEFAULT_CONFIG) -> "TrainingConfig":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(f"fichier de configuration introuvable : {path}") from None
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno} : JSON invalide ({exc.msg}).") from None
        unknown = set(data) - {"seed", "seed_sentence_weight", "estimator", "search"}
        if unknown:
            raise InputError(f"{path} : clé(s) inconnue(s) {sorted(unknown)}.")
        return cls(**data)

    def as_dict(self) -> dict:
        estimator = {k: list(v) if isinstance(v, tuple) else v for k, v in self.estimator.items()}
        return {"seed": self.seed, "seed_sentence_weight": self.seed_sentence_weight,
                "estimator": estimator, "search": self.search}
