import pytest

from reseaumedia.judge import detect_language, unjudgeable, words_of


@pytest.mark.parametrize(
    "text, reason",
    [
        ("?", "no_words"),
        ("🎉🎉🙏❤️", "no_words"),
        ("!!! 123 ...", "no_words"),
        ("https://exemple.fr/a @marie", "no_words"),
        ("Bonjour", "bare_greeting"),
        ("ok", "bare_greeting"),
        ("Bonjour à tous !", "bare_greeting"),
        ("d'accord 👍", "bare_greeting"),
        ("The quarterly report is now available on our website, check it out.", "not_french"),
        ("Hoy presentamos nuestro nuevo catálogo de primavera con muchas novedades.", "not_french"),
        ("Merci !", None),
        ("Qui vient samedi ?", None),
        ("Nouvel épisode du balado en ligne : https://exemple.fr/ep12", None),
        ("Big up à toute la team pour le rush de ce weekend, vous êtes des boss 🙌", None),
    ],
)
def test_what_cannot_be_judged(text, reason):
    assert unjudgeable(text)[0] == reason


def test_words_ignore_links_handles_and_accents():
    assert words_of("Café chez @Julie https://x.fr/a ?") == ["cafe", "chez"]


def test_language_of_a_french_text():
    language, probability = detect_language("Merci à toutes les bénévoles venues samedi au local de la rue Saint-Jean.")
    assert language == "fr" and probability > 0.9
