"""Calibrated decisions, the incertain outcome, reasons, sentences, long and huge texts."""

from pathlib import Path

import numpy as np
import pytest

from reseaumedia import ReseauMediaClassifier, predict
from reseaumedia.features import SpacyAnalyser, chunks

ROOT_SEED = Path(__file__).resolve().parent.parent / "corpus" / "seed"
FAITHFUL_TEXTS = [
    "Merci à toutes les bénévoles venues samedi, vous avez été géniales ! On se revoit jeudi ?",
    "Salut Marc, tu viens au souper de l'équipe vendredi ? Dis-moi vite que je réserve.",
    "Bonjour Mme Roy, désolés pour le retard de votre colis. Pouvez-vous nous écrire en privé ?",
    "Nouvel épisode du balado en ligne : la fiscalité des indépendants https://exemple.fr/ep12",
    "Communiqué : la piscine municipale sera fermée du 3 au 17 juillet pour travaux.",
    "Découvrez notre rapport annuel 2025, chiffres clés et projets : https://exemple.org/rapport",
    "Bienvenue à Inès dans l'équipe ! Passez lui dire bonjour au local cette semaine.",
    "SOLDES -30 % sur toute la collection jusqu'à dimanche ! Lien en bio #soldes #mode",
]


def _without(text, spans):
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    return text


@pytest.mark.parametrize("side", ["reseau", "media"])
def test_removing_the_named_words_moves_the_score_as_said(shipped_model, side):
    """Faithfulness: delete the words named as the strongest reasons for a side, that side loses."""
    checked = 0
    for text in FAITHFUL_TEXTS:
        result = predict(text, model=shipped_model)
        named = [r for r in result.reasons if r.side == side and r.spans][:3]
        if not named:
            continue
        spans = [span for r in named for span in r.spans]
        # The raw score, not the rounded probability: a 99.99 % text still moves.
        before, after = shipped_model.estimator.decision_function([text, _without(text, spans)])
        moved = after - before if side == "media" else before - after
        assert moved > 0, (text, [r.text for r in named])
        checked += 1
    assert checked >= len(FAITHFUL_TEXTS) // 2


def test_reasons_are_french_and_point_into_the_text(shipped_model):
    text = "Un immense merci à @Julie pour son aide samedi ! Les photos sont ici : https://exemple.fr/album"
    result = predict(text, model=shipped_model)
    assert result.reasons, "every decision comes with its reasons"
    assert {r.side for r in result.reasons} == {"reseau", "media"}
    for r in result.reasons:
        assert r.weight > 0 and r.description
        for start, end in r.spans:
            assert text[start:end].strip(".,!:") in r.description
    assert any("remerciement" in r.description for r in result.reasons if r.side == "reseau")


@pytest.mark.parametrize("text, reason", [("?", "no_words"), ("🎉🎉🙏❤️", "no_words"), ("Bonjour", "bare_greeting"),
                                          ("We are hiring a senior engineer in our Paris office, apply now.", "not_french")])
def test_what_cannot_be_judged_is_incertain(shipped_model, text, reason):
    result = predict(text, model=shipped_model)
    assert not result.certain and result.uncertain_reason == reason
    assert result.label in ("reseau", "media") and result.label == max(result.probabilities, key=result.probabilities.get)
    assert result.to_dict()["uncertain_reason_fr"]


def test_probability_near_half_is_incertain(shipped_model):
    margin = shipped_model.uncertain_margin
    assert 0 < margin < 0.5
    results = predict(FAITHFUL_TEXTS, model=shipped_model)
    for r in results:
        assert r.certain == (abs(r.confidence - 0.5) >= margin)


def test_each_sentence_is_scored(shipped_model):
    text = "Notre rapport annuel est en ligne : https://exemple.org/r2025.\nMerci Julie pour ton aide précieuse ! Tu viens jeudi ?"
    result = predict(text, model=shipped_model)
    assert [s.text for s in result.sentences] == [
        "Notre rapport annuel est en ligne : https://exemple.org/r2025.",
        "Merci Julie pour ton aide précieuse !",
        "Tu viens jeudi ?",
    ]
    for s in result.sentences:
        assert text[s.start:s.end] == s.text and s.label in ("reseau", "media")
    assert predict("Merci Julie !", model=shipped_model).sentences == ()


def test_a_repeated_text_keeps_its_probability(shipped_model):
    article = (ROOT_SEED / "000_5c5b2438e2f14624.txt").read_text(encoding="utf-8")
    once = predict(article, model=shipped_model, reasons=False, sentences=False).probabilities["reseau"]
    four = predict("\n\n".join([article] * 4), model=shipped_model, reasons=False, sentences=False).probabilities["reseau"]
    assert abs(once - four) <= 0.05


def test_chunks_cover_the_text_and_cut_at_spaces():
    text = "mot " * 1000
    pieces = list(chunks(text, 300))
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= 300 and p.endswith(" ") for _, p in pieces)
    assert [o for o, _ in pieces] == [sum(len(p) for _, p in pieces[:i]) for i in range(len(pieces))]


def test_a_text_above_the_chunk_size_is_analysed_in_pieces(monkeypatch):
    """Same counts whether the text goes to spaCy whole or in pieces."""
    import reseaumedia.features as features

    text = "Merci à vous tous ! Venez samedi au local. " * 40
    whole = SpacyAnalyser().transform([text])[0]
    features._ANALYSED.clear()
    monkeypatch.setattr(features, "CHUNK_CHARS", 200)
    pieces = SpacyAnalyser().transform([text])[0]
    assert pieces.cues == pytest.approx(whole.cues)
    assert pieces.lemmas == whole.lemmas


def test_cache_overflow_keeps_every_answer(monkeypatch):
    import reseaumedia.features as features

    monkeypatch.setattr(features, "ANALYSIS_CACHE_SIZE", 3)
    first = SpacyAnalyser().transform(["Bonjour Julie", "Merci Paul"])
    mixed = SpacyAnalyser().transform(["Bonjour Julie", "Salut Léa", "Allo Marc", "Coucou Inès"])
    assert mixed[0] == first[0] and len(mixed) == 4


def test_calibration_with_groups(slice_texts):
    from conftest import SLICE

    labels = [label for _, label in SLICE]
    groups = ["a", "b", "c", "d", "e"] * 2
    model = ReseauMediaClassifier(random_state=0).fit(slice_texts, labels, groups=groups)
    assert model.calibrator_ is not None and len(model.oof_proba_) == len(slice_texts)
    proba = model.predict_proba(slice_texts)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert 0.0 <= model.uncertain_margin_ < 0.5

