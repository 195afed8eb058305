"""The spaCy side: one French pipeline per process, loaded on first use, never pickled."""

from functools import lru_cache

from .errors import ModelError

# The parser and the entity recogniser are not used by any feature; leaving them out halves
# the load time and the memory.
EXCLUDED_COMPONENTS = ("parser", "ner", "senter")


@lru_cache(maxsize=None)
def load_spacy(name: str):
    """Load a spaCy pipeline by package name, once per process.

    The French tokenizer's huge pattern is compiled from stored engine code (see `regex_cache`).
    """
    from .regex_cache import cached_compiles

    try:
        with cached_compiles():
            import spacy

            return spacy.load(name, exclude=list(EXCLUDED_COMPONENTS))
    except OSError as exc:
        raise ModelError(
            f"le modèle spaCy « {name} » n'est pas installé ({exc.__class__.__name__}). "
            f"Installez-le avec : pip install {name.replace('_', '-')}"
        ) from exc


def spacy_model_version(name: str) -> str | None:
    """Version of the installed spaCy model package, without loading it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name.replace("_", "-"))
    except PackageNotFoundError:
        return None
