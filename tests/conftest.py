"""Shared fixtures: the real French spaCy model is loaded once per test session (lru_cache)."""

import shutil
from pathlib import Path

import pytest

import reseaumedia
from reseaumedia import ReseauMediaClassifier

ROOT = Path(__file__).resolve().parent.parent

# A small slice of drafts, enough to overfit and to check the whole fit/save/load path.
SLICE = [
    ("Merci à toutes celles et ceux qui sont passés au local samedi, on remet ça bientôt ?", "reseau"),
    ("Salut Julie, tu viens au souper de l'équipe jeudi ? Dis-moi vite !", "reseau"),
    ("Bienvenue à Karim qui rejoint l'équipe du support, passez lui dire bonjour 👋", "reseau"),
    ("Qui a une bonne adresse de garagiste à Nantes ? Je suis preneuse de vos conseils", "reseau"),
    ("Désolés pour l'attente Mme Roy, écrivez-nous en privé et on règle ça ensemble.", "reseau"),
    ("Nouvel épisode du podcast en ligne : la fiscalité des indépendants https://exemple.fr/ep12", "media"),
    ("Communiqué : la bibliothèque sera fermée du 2 au 9 août pour travaux.", "media"),
    ("Découvrez notre rapport annuel 2025, chiffres clés et projets : https://exemple.org/rapport", "media"),
    ("SOLDES -30 % sur toute la collection jusqu'à dimanche ! Lien en bio #soldes", "media"),
    ("Vidéo : 5 astuces pour réussir vos photos de produits, à voir sur notre chaîne YouTube", "media"),
]


@pytest.fixture(scope="session")
def slice_texts():
    return [t for t, _ in SLICE]


@pytest.fixture(scope="session")
def slice_model():
    texts, labels = zip(*SLICE)
    return ReseauMediaClassifier(random_state=0).fit(list(texts), list(labels))


@pytest.fixture(scope="session")
def shipped_model():
    return reseaumedia.load()


@pytest.fixture
def corpus_copy(tmp_path):
    """A writable copy of the real corpus, to break on purpose."""
    target = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", target)
    return target
