"""The spaCy side: French pipelines loaded once per process, on first use, never pickled."""

from functools import lru_cache

from .errors import ModelError

# The parser and the entity recogniser are not used by any feature; leaving them out halves
# the load time and the memory.
EXCLUDED_COMPONENTS = ("parser", "ner", "senter")


def _load(name: str, exclude):
    """`spacy.load`, with the French tokenizer's huge pattern compiled from stored engine code
    (see `regex_cache`), and a French error when the package is missing."""
    from .regex_cache import cached_compiles

    try:
        with cached_compiles():
            import spacy

            return spacy.load(name, exclude=list(exclude))
    except OSError as exc:
        raise ModelError(
            f"le modèle spaCy « {name} » n'est pas installé ({exc.__class__.__name__}). "
            f"Installez-le avec : pip install {name.replace('_', '-')}"
        ) from exc


@lru_cache(maxsize=None)
def load_spacy(name: str):
    """The pipeline `name` with the components the full analysis uses (tagger, lemmatizer…)."""
    return _load(name, EXCLUDED_COMPONENTS)


@lru_cache(maxsize=None)
def load_tokenizer(name: str):
    """The pipeline `name` with its tokenizer only: sentence splitting and the cheaper analyses
    need no component, and leaving them out saves about 120 MB and half the load time."""
    from spacy.util import get_package_path, load_config

    try:
        package = get_package_path(name)
    except Exception:
        return load_spacy(name)  # not an installed package (a path, a blank pipeline): its error, its way
    configs = sorted(package.glob("*/config.cfg")) or [package / "config.cfg"]
    components = list(load_config(configs[0])["nlp"]["pipeline"]) if configs[0].exists() else []
    return _load(name, components)


def reload_spacy():
    """Drop the loaded spaCy pipelines; the next analysis loads them afresh.

    spaCy's vocabulary keeps every new word it has met (each number, name and typo of an archive),
    so a process that reads millions of texts grows without bound; a fresh pipeline starts small.
    The analyses do not depend on what the vocabulary has seen: the results are the same.
    """
    import gc

    load_tokenizer.cache_clear()
    load_spacy.cache_clear()
    gc.collect()


def spacy_model_version(name: str) -> str | None:
    """Version of the installed spaCy model package, without loading it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name.replace("_", "-"))
    except PackageNotFoundError:
        return None
