import pytest

from reseaumedia.training.shortcuts import SURFACE_CUES


@pytest.mark.parametrize(
    "text, cue, present",
    [
        ("Tu viens samedi ?", "tu", True),
        ("t'es où ?", "tu", True),
        ("Le tableau de bord est en ligne", "tu", False),
        ("J'arrive dans 5 min", "je", True),
        ("Mon vélo est réparé", "je", True),
        ("Mais oui, jeudi c'est parfait", "je", False),
        ("On se voit demain", "nous_on", True),
        ("Bonjour à l'oncle Paul", "nous_on", False),
    ],
)
def test_surface_cues_match_whole_words(text, cue, present):
    assert SURFACE_CUES[cue](text) is present
