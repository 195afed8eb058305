import pytest

import reseaumedia
from reseaumedia import InputError, Prediction, predict

RESEAU = [
    "Merci à tous d'être venus hier soir ! Qui revient la semaine prochaine ?",
    "Bonjour Mme Gagnon, désolés pour le retard de votre commande. Pouvez-vous nous écrire en privé votre numéro ? On s'en occupe.",
    "Salut la gang! Quelqu'un a une bonne recette de pouding chômeur? Je reçois ma belle-famille dimanche 😅",
    "Bienvenue à Inès qui rejoint notre équipe bénévole cette semaine ! N'hésitez pas à venir lui dire bonjour au local.",
    "@AirCanada ça fait 3 jours que j'attends ma valise à Montréal, quelqu'un peut me répondre svp?",
]
MEDIA = [
    "Nouvel article sur notre blogue : 10 astuces pour votre stratégie de contenu, à lire ici https://exemple.fr/a",
    "Communiqué de presse : la Ville annonce la fermeture de la piscine municipale du 3 au 17 juillet pour travaux de rénovation.",
    "🎬 Notre nouvelle vidéo est en ligne ! Tout savoir sur le compostage en 3 minutes 👉 https://youtu.be/abc123",
    "Offre d'emploi : développeur·se Python, CDI à Lyon, télétravail partiel. Postulez sur notre site.",
    "Trafic perturbé sur la ligne B du RER entre Denfert et Massy en raison d'un incident technique. Reprise prévue vers 18h.",
]


@pytest.mark.parametrize("text", RESEAU)
def test_clear_reseau_texts(shipped_model, text):
    assert predict(text, model=shipped_model).label == "reseau"


@pytest.mark.parametrize("text", MEDIA)
def test_clear_media_texts(shipped_model, text):
    assert predict(text, model=shipped_model).label == "media"


def test_single_text_gives_one_prediction(shipped_model):
    result = predict(RESEAU[0], model=shipped_model)
    assert isinstance(result, Prediction)
    assert set(result.probabilities) == {"reseau", "media"}
    assert sum(result.probabilities.values()) == pytest.approx(1.0, abs=1e-5)
    assert result.confidence == max(result.probabilities.values())
    assert result.model_version == shipped_model.meta["version"]
    assert result.label_fr == "réseau"


def test_batch_equals_single(shipped_model):
    texts = RESEAU + MEDIA
    batch = predict(texts, model=shipped_model)
    assert isinstance(batch, list) and len(batch) == len(texts)
    assert batch == [predict(t, model=shipped_model) for t in texts]


def test_default_model_is_the_shipped_one():
    assert predict(MEDIA[0]).model_version == reseaumedia.default_model().version


def test_empty_list_gives_empty_list(shipped_model):
    assert predict([], model=shipped_model) == []


@pytest.mark.parametrize("bad", ["", "   \n\t "])
def test_blank_text_is_refused(shipped_model, bad):
    with pytest.raises(InputError, match="le texte est vide"):
        predict(bad, model=shipped_model)


def test_blank_text_in_batch_names_its_position(shipped_model):
    with pytest.raises(InputError, match="n° 2 : le texte est vide"):
        predict(["Bonjour à tous !", " "], model=shipped_model)


def test_non_text_is_refused(shipped_model):
    with pytest.raises(InputError, match="reçu int"):
        predict(["Bonjour", 42], model=shipped_model)
    with pytest.raises(InputError, match="reçu NoneType"):
        predict(None, model=shipped_model)


def test_typed_without_accents_or_curly_apostrophes_gives_same_label(shipped_model):
    plain = "Merci a tous d'etre venus hier soir ! Qui revient la semaine prochaine ?"
    curly = "Merci à tous d’être venus hier soir ! Qui revient la semaine prochaine ?"
    assert predict(plain, model=shipped_model).label == predict(curly, model=shipped_model).label == "reseau"
