"""reseaumedia: is a French text oriented toward relationship-building (réseau) or content diffusion (média)?

>>> from reseaumedia import predict
>>> predict("Merci à tous d'être venus hier soir ! Qui revient la semaine prochaine ?").label
'reseau'
"""

__version__ = "0.1.0"

from .errors import CorpusError, InputError, ModelError, ReseauMediaError  # noqa: E402
from .labels import LABELS  # noqa: E402

# The model side (scikit-learn, spaCy) is imported on first use, so that commands which only talk
# to a running server, or only read metadata, start in a fraction of a second.
_LAZY = {"Model": "api", "Prediction": "results", "default_model": "api", "load": "api", "predict": "api",
         "ReseauMediaClassifier": "classifier"}


def __getattr__(name):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "LABELS",
    "CorpusError",
    "InputError",
    "Model",
    "ModelError",
    "Prediction",
    "ReseauMediaClassifier",
    "ReseauMediaError",
    "default_model",
    "load",
    "predict",
]
