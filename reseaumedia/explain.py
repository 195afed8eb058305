"""Why the model decided: exact contributions of a linear model, put back on the words.

The decision is intercept + Σ coefficient × feature value. Each lemma n-gram's share goes to the
tokens it was read from, each character n-gram's share to the words it occurs in, and each named
cue is one reason of its own. Nothing is sampled: removing a word named as a reason moves the
score the way the reason says (tests/test_explain.py checks it).
"""

import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from .features import CUE_NAMES, PLACEHOLDERS
from .results import Reason
from .text import normalise, strip_accents

# How a cue reads when the text has it, and when it does not.
CUE_DESCRIPTIONS_FR = {
    "questions": ("question posée", "aucune question"),
    "fin_par_question": ("se termine par une question", "ne se termine pas par une question"),
    "deuxieme_personne": ("s'adresse au lecteur (tu, vous)", "ne s'adresse à personne (ni tu ni vous)"),
    "premiere_personne_singulier": ("parle en « je »", "pas de « je »"),
    "premiere_personne_pluriel": ("parle en « nous » ou « on »", "pas de « nous » ni de « on »"),
    "imperatifs": ("verbe à l'impératif (appel à l'action)", "aucun impératif"),
    "liens": ("lien vers un contenu", "aucun lien"),
    "mentions": ("mention d'un compte (@)", "aucune mention (@)"),
    "hashtags": ("mots-dièse (#)", "aucun mot-dièse"),
    "emojis": ("émojis", "aucun émoji"),
    "exclamations": ("exclamations", "aucune exclamation"),
    "nombres": ("chiffres (dates, prix, horaires)", "aucun chiffre"),
    "longueur": ("texte long", "texte court"),
}
# Lemmas whose meaning names the act they perform; other words are shown as themselves.
LEMMA_ACTS_FR = {
    "remerciement": "merci remercier remerciement thanks thank gratitude reconnaissant",
    "accueil": "bienvenue bienvenu accueillir welcome",
    "félicitations": "bravo feliciter felicitation chapeau congrats",
    "excuses": "desole excuse excuser pardon",
    "invitation à se retrouver": "venir rejoindre retrouver rencontrer jaser apero souper",
    "demande d'avis ou d'aide": "avis conseil recommandation idee aider aide suggestion",
    "invitation à consulter un contenu": "decouvrir lire regarder ecouter telecharger voir consulter",
    "contenu publié": "article video episode podcast balado rapport guide dossier infolettre newsletter replay webinaire",
    "annonce": "nouveau nouvel disponible lancer lancement sortie annoncer annonce communique",
    "promotion": "promo promotion offre solde rabais code gratuit billet reserver inscrire concours gagner",
    "offre d'emploi": "recruter recrutement poste postuler candidature cdi cdd emploi",
    "lien vers un contenu": "LIEN COURRIEL",
    "mention d'un compte": "MENTION",
}
ACT_OF_LEMMA = {lemma: act for act, lemmas in LEMMA_ACTS_FR.items() for lemma in lemmas.split()}
PUNCTUATION = ".,;:!?()[]{}«»\"'…*-–—"


def _original_spans(text: str, n_words: int):
    """For each \\S+ word of the normalised text, its span in the original text.

    Normalising chunk by chunk gives the same words as normalising the whole text; when it does
    not (rare Unicode), the spans are left empty rather than wrong.
    """
    spans = []
    for match in re.finditer(r"\S+", text):
        spans += [(match.start(), match.end())] * len(normalise(match.group()).split())
    return spans if len(spans) == n_words else [None] * n_words


def contributions(estimator, analysed):
    """(per-word weights, per-cue weights, intercept) toward classes_[1] ("reseau")."""
    features = estimator.pipeline_.named_steps["features"]
    coef = estimator.pipeline_.named_steps["classify"].coef_[0]
    intercept = float(estimator.pipeline_.named_steps["classify"].intercept_[0])
    weights = features.transformer_weights or {}
    blocks, offset = {}, 0
    for name, transformer in features.transformer_list:
        last = transformer.steps[-1][1]
        size = len(last.vocabulary_) if hasattr(last, "vocabulary_") else len(CUE_NAMES)
        blocks[name] = (transformer, coef[offset : offset + size] * weights.get(name, 1.0))
        offset += size

    words = [(m.start(), m.group()) for m in re.finditer(r"\S+", analysed.normalised)]
    starts = [start for start, _ in words]
    per_word = np.zeros(len(words))

    def word_of(position):
        return max(bisect_right(starts, position) - 1, 0)

    # Lemma n-grams -> the tokens they were read from.
    transformer, block_coef = blocks["lemmes"]
    vectorizer = transformer.steps[-1][1]
    row = transformer.transform([analysed]).tocsr()
    values = dict(zip(row.indices, row.data))
    # From the text's own n-grams to the vocabulary, never the other way: listing the feature
    # names of a fitted vectorizer costs more than the whole prediction.
    positions = defaultdict(list)
    lemmas = analysed.lemmas
    for n in range(vectorizer.ngram_range[0], vectorizer.ngram_range[1] + 1):
        for i in range(len(lemmas) - n + 1):
            positions[" ".join(lemmas[i : i + n])].append(range(i, i + n))
    for gram, places in positions.items():
        j = vectorizer.vocabulary_.get(gram)
        if j is None or j not in values:
            continue
        share = block_coef[j] * values[j] / (len(places) * len(places[0]))
        for tokens in places:
            for i in tokens:
                per_word[word_of(analysed.lemma_starts[i])] += share

    # Character n-grams -> the words they occur in.
    transformer, block_coef = blocks["caracteres"]
    vectorizer = transformer.steps[-1][1]
    row = transformer.transform([analysed]).tocsr()
    vocabulary = vectorizer.vocabulary_
    analyzer = vectorizer.build_analyzer()
    occurrences = defaultdict(lambda: defaultdict(int))
    for k, (_, word) in enumerate(words):
        for gram in analyzer(strip_accents(word.lower())):
            j = vocabulary.get(gram)
            if j is not None:
                occurrences[j][k] += 1
    for j, value in zip(row.indices, row.data):
        where = occurrences.get(j)
        if not where:
            continue
        total = sum(where.values())
        for k, count in where.items():
            per_word[k] += block_coef[j] * value * count / total

    # Named cues: coefficient × standardised value, one reason each.
    transformer, block_coef = blocks["indices"]
    cue_values = transformer.transform([analysed])[0]
    per_cue = {name: (float(c * v), float(v)) for name, c, v in zip(CUE_NAMES, block_coef, cue_values)}
    return words, per_word, per_cue, intercept


def explain(estimator, analysed, text: str, top: int = 5):
    """The `top` strongest reasons on each side, strongest first, as Reason objects."""
    words, per_word, per_cue, _ = contributions(estimator, analysed)
    original = _original_spans(text, len(words))
    lemma_at = dict(zip(analysed.lemma_starts, analysed.lemmas))
    positive, negative = str(estimator.classes_[1]), str(estimator.classes_[0])

    grouped = {}
    for k, (start, word) in enumerate(words):
        shown = word.strip(PUNCTUATION)
        if not shown:
            continue
        lemma = lemma_at.get(start, strip_accents(shown.lower()))
        placeholder = PLACEHOLDERS.get(shown.lower())
        if placeholder:
            lemma = placeholder[0]
        key = lemma if lemma in ACT_OF_LEMMA else strip_accents(shown.lower())
        entry = grouped.setdefault(key, {"weight": 0.0, "lemma": lemma, "shown": None, "spans": []})
        entry["weight"] += per_word[k]
        span = original[k]
        if span is not None:
            entry["spans"].append(span)
            entry["shown"] = entry["shown"] or text[span[0] : span[1]].strip(PUNCTUATION) or shown
        else:
            entry["shown"] = entry["shown"] or shown

    reasons = []
    for entry in grouped.values():
        act = ACT_OF_LEMMA.get(entry["lemma"])
        description = f"{act} : « {entry['shown']} »" if act else f"mot « {entry['shown']} »"
        reasons.append((entry["weight"], description, entry["shown"], tuple(dict.fromkeys(entry["spans"]))))
    for name, (weight, standardised) in per_cue.items():
        # Length is always there: it reads as long or short against the training texts' mean.
        present = standardised > 0 if name == "longueur" else analysed.cues[CUE_NAMES.index(name)] > 0
        reasons.append((weight, CUE_DESCRIPTIONS_FR[name][0 if present else 1], None, ()))

    def side(sign, label):
        chosen = sorted((r for r in reasons if r[0] * sign > 1e-6), key=lambda r: -abs(r[0]))[:top]
        return [Reason(label, round(abs(w), 4), d, t, s) for w, d, t, s in chosen]

    return side(1, positive) + side(-1, negative)

