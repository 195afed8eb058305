"""reseaumedia: is a French text oriented toward relationship-building (réseau) or content diffusion (média)?

>>> from reseaumedia import predict
>>> predict("Merci à tous d'être venus hier soir ! Qui revient la semaine prochaine ?").label
'reseau'
"""

__version__ = "0.1.0"

from .api import Model, Prediction, default_model, load, predict  # noqa: E402
from .classifier import LABELS, ReseauMediaClassifier  # noqa: E402
from .errors import CorpusError, InputError, ModelError, ReseauMediaError  # noqa: E402

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
