"""The user's own place: labelled batches and a registry of trained models.

    <home>/models/<version>/   model.joblib, meta.json, MODEL_CARD.md (never overwritten)
    <home>/active.json         {"active": version or null, "history": [earlier actives]}
    <home>/data/<batch>.jsonl  the user's accepted rows, in the corpus schema (source "user")
    <home>/data/<batch>.json   where they came from: file, SHA-256, date, counts
    <home>/data/removed/       batches taken out of training (kept, never deleted)

`<home>` is `--home`, else $RESEAUMEDIA_HOME, else platformdirs' user data directory. Each change
of `active.json` is one atomic rename, so a crash leaves the previous model active.
"""

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .artefact import META_FILE, MODEL_FILE, default_model_dir, read_meta, write_atomic
from .errors import ModelError

HOME_ENV = "RESEAUMEDIA_HOME"
ACTIVE_FILE = "active.json"
MODELS_DIR = "models"
DATA_DIR = "data"
REMOVED_DIR = "removed"
LOCK_FILE = "train.lock"
# Staging folders of a run still writing its model; never listed, never activated.
STAGING_PREFIX = ".staging-"
# What `models use` accepts to go back to the model shipped with the package.
SHIPPED_NAMES = ("livré", "livre", "shipped", "defaut", "défaut")


def home_dir(override=None) -> Path:
    if override:
        return Path(override).expanduser()
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV]).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("reseaumedia", appauthor=False))


@dataclass(frozen=True)
class Entry:
    version: str
    path: Path
    meta: dict


class Registry:
    """The models a user trained, which one is active, and the ones active before it."""

    def __init__(self, home):
        self.home = Path(home)
        self.models = self.home / MODELS_DIR

    # -- state -----------------------------------------------------------------------------
    def _state(self) -> dict:
        path = self.home / ACTIVE_FILE
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"active": None, "history": []}
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ModelError(
                f"{path} est illisible ({exc}) : supprimez-le pour revenir au modèle livré, "
                "puis choisissez un modèle avec « reseaumedia models use VERSION »."
            ) from None
        if not isinstance(state, dict) or not isinstance(state.get("history", []), list):
            raise ModelError(f"{path} n'a pas la forme attendue : supprimez-le pour revenir au modèle livré.")
        return {"active": state.get("active"), "history": list(state.get("history", []))}

    def _write_state(self, state: dict) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        payload = (json.dumps(state, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        write_atomic(self.home / ACTIVE_FILE, lambda h: h.write(payload))

    @property
    def active(self) -> str | None:
        return self._state()["active"]

    def active_dir(self) -> Path | None:
        version = self.active
        if version is None:
            return None
        path = self.models / version
        if not (path / MODEL_FILE).exists():
            raise ModelError(
                f"le modèle actif « {version} » est introuvable dans {self.models}. "
                "Revenez au précédent avec « reseaumedia models rollback » "
                "ou au modèle livré avec « reseaumedia models use livré »."
            )
        return path

    # -- listing ---------------------------------------------------------------------------
    def entries(self) -> list:
        """Registered models, oldest first (by creation date in their meta)."""
        if not self.models.is_dir():
            return []
        found = []
        for path in self.models.iterdir():
            if path.name.startswith(".") or not (path / META_FILE).exists():
                continue
            try:
                meta = read_meta(path)
            except ModelError:
                meta = {}
            found.append(Entry(path.name, path, meta))
        return sorted(found, key=lambda e: (e.meta.get("created", ""), e.version))

    def staging(self) -> Path:
        """A fresh folder where a training run writes before `register` moves it into place."""
        import tempfile

        self.models.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.models))

    def leftovers(self) -> list:
        """Staging folders of runs that never finished (killed, or failed while saving)."""
        if not self.models.is_dir():
            return []
        return sorted(p for p in self.models.iterdir() if p.name.startswith(STAGING_PREFIX))

    def register(self, staged: Path, version: str) -> Path:
        """Move a complete staged model to models/<version>/ in one rename."""
        target = self.models / version
        if target.exists():
            # The same corpus, configuration and code give the same bytes, hence the same version.
            shutil.rmtree(staged)
            return target
        os.replace(staged, target)
        return target

    # -- changing the active model -----------------------------------------------------------
    def use(self, version: str) -> str | None:
        """Make `version` active (or the shipped model for one of SHIPPED_NAMES); returns the one before."""
        state = self._state()
        if version.lower() in SHIPPED_NAMES:
            version = None
        elif not (self.models / version / MODEL_FILE).exists():
            known = ", ".join(e.version for e in self.entries()) or "aucun"
            raise ModelError(f"modèle « {version} » inconnu ; modèles enregistrés : {known}. Voir « reseaumedia models list ».")
        before = state["active"]
        if version == before:
            return before
        history = state["history"] + [before]
        self._write_state({"active": version, "history": history[-50:]})
        return before

    def rollback(self) -> str | None:
        """Go back to the model active before the current one; returns the new active version."""
        state = self._state()
        if not state["history"]:
            raise ModelError("aucun modèle précédent : l'historique est vide. Voir « reseaumedia models list ».")
        previous = state["history"][-1]
        self._write_state({"active": previous, "history": state["history"][:-1]})
        return previous

    @property
    def data(self) -> Path:
        return self.home / DATA_DIR


def resolve(path=None, home=None) -> tuple:
    """(folder, source) of the model to use: `path`, else the user's active model, else the shipped one."""
    if path is not None:
        return Path(path), "path"
    active = Registry(home_dir(home)).active_dir()
    if active is not None:
        return active, "user"
    return default_model_dir(), "shipped"
