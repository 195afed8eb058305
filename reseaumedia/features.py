"""Features: what the classifier reads from a text.

Three views of the same draft, so that the cues stay readable for explanations:
- lemmas (spaCy), for what the text talks about and does ("remercier", "inscrire", "lire");
- character n-grams of the surface form, robust to typos, missing accents, slang and emojis;
- a few named cues of address and diffusion (questions, "tu"/"vous", links, hashtags...).
"""

from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

from .nlp import load_spacy
from .text import EMAIL_TOKEN, HASHTAG_RE, MENTION_TOKEN, URL_TOKEN, is_emoji, normalise, strip_accents

SECOND_PERSON = frozenset("tu te t toi ton ta tes vous votre vos tien tienne vôtre".split())
FIRST_SINGULAR = frozenset("je j me m moi mon ma mes".split())
FIRST_PLURAL = frozenset("nous notre nos on".split())
# placeholder -> (lemma shown to the model, cue it counts for); an e-mail address is a channel
# like a link.
PLACEHOLDERS = {URL_TOKEN: ("LIEN", "liens"), EMAIL_TOKEN: ("COURRIEL", "liens"), MENTION_TOKEN: ("MENTION", "mentions")}

# Names are French because they are shown to users in explanations.
CUE_NAMES = (
    "questions",
    "fin_par_question",
    "deuxieme_personne",
    "premiere_personne_singulier",
    "premiere_personne_pluriel",
    "imperatifs",
    "liens",
    "mentions",
    "hashtags",
    "emojis",
    "exclamations",
    "nombres",
    "longueur",
)


@dataclass(frozen=True)
class AnalysedText:
    """One text after spaCy: the three views the feature union reads."""

    surface: str
    lemmas: str
    cues: tuple


def _opens_with_verb_in_ez(tok) -> bool:
    """'Venez', 'Inscrivez-vous' opening a sentence: fr_core_news_sm often misses imperatives."""
    starts_clause = tok.i == 0 or tok.nbor(-1).is_punct or "\n" in tok.nbor(-1).text_with_ws
    return starts_clause and tok.lower_.endswith("ez") and len(tok) > 3 and tok.is_alpha


def analyse_doc(doc, normalised: str) -> AnalysedText:
    words = [t for t in doc if not t.is_space]
    lemmas = []
    counts = dict.fromkeys(CUE_NAMES, 0.0)
    for tok in words:
        low = tok.lower_.rstrip("'")
        if low in PLACEHOLDERS:
            lemma, cue = PLACEHOLDERS[low]
            lemmas.append(lemma)
            counts[cue] += 1
            continue
        if tok.like_num:
            lemmas.append("NOMBRE")
            counts["nombres"] += 1
            continue
        if tok.is_punct:
            if "?" in tok.text:
                counts["questions"] += 1
            if "!" in tok.text:
                counts["exclamations"] += 1
            continue
        if any(is_emoji(c) for c in tok.text):
            counts["emojis"] += sum(is_emoji(c) for c in tok.text)
            lemmas.append("EMOJI")
            continue
        bare = low.lstrip("-#")
        counts["deuxieme_personne"] += bare in SECOND_PERSON
        counts["premiere_personne_singulier"] += bare in FIRST_SINGULAR
        counts["premiere_personne_pluriel"] += bare in FIRST_PLURAL
        if "Imp" in tok.morph.get("Mood") or _opens_with_verb_in_ez(tok):
            counts["imperatifs"] += 1
        lemmas.append(strip_accents(tok.lemma_.lower().lstrip("-#")))
    # spaCy splits "#soldes" into "#" + "soldes"; the hashtags are counted on the text itself.
    counts["hashtags"] = float(len(HASHTAG_RE.findall(normalised)))
    counts["fin_par_question"] = float(normalised.rstrip(" )😊🙂😉🙏👇").endswith("?"))
    counts["longueur"] = float(len(words))
    # log1p keeps one long newsletter from dwarfing a short reply on the same cue.
    cues = tuple(float(np.log1p(counts[name])) for name in CUE_NAMES)
    return AnalysedText(surface=strip_accents(normalised.lower()), lemmas=" ".join(lemmas), cues=cues)


class SpacyAnalyser(BaseEstimator, TransformerMixin):
    """Raw texts -> AnalysedText, through the spaCy pipeline named by `spacy_model`.

    Holds only the model's name, so the fitted estimator pickles without spaCy inside.
    """

    def __init__(self, spacy_model="fr_core_news_sm", batch_size=64):
        self.spacy_model = spacy_model
        self.batch_size = batch_size

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        texts = list(X)
        missing = list(dict.fromkeys(t for t in texts if (self.spacy_model, t) not in _ANALYSED))
        if missing:
            nlp = load_spacy(self.spacy_model)
            normalised = [normalise(text) for text in missing]
            docs = nlp.pipe(normalised, batch_size=self.batch_size)
            if len(_ANALYSED) + len(missing) > ANALYSIS_CACHE_SIZE:
                _ANALYSED.clear()
            for text, doc, norm in zip(missing, docs, normalised):
                _ANALYSED[(self.spacy_model, text)] = analyse_doc(doc, norm)
        return [_ANALYSED[(self.spacy_model, t)] for t in texts]


# Cross-validation refits the same texts many times and spaCy is the slow step: analyses are
# memoised per process, bounded so that scoring a large archive does not grow memory.
ANALYSIS_CACHE_SIZE = 50_000
_ANALYSED: dict = {}


def surfaces(analysed):
    return [a.surface for a in analysed]


def lemma_strings(analysed):
    return [a.lemmas for a in analysed]


def cue_matrix(analysed):
    return np.array([a.cues for a in analysed], dtype=float).reshape(len(analysed), len(CUE_NAMES))


class StableTfidfVectorizer(TfidfVectorizer):
    """TfidfVectorizer whose pickle is the same bytes for the same fit.

    The parent stores id(stop_words), a memory address, on every transform only to skip a
    re-check (it reads it back with a default); dropping it from the pickle keeps "same corpus,
    same seed, same model file" true.
    """

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_stop_words_id", None)
        return state
