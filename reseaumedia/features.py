"""Features: what the classifier reads from a text.

Three views of the same draft, so that the cues stay readable for explanations:
- lemmas (spaCy), for what the text talks about and does ("remercier", "inscrire", "lire");
- character n-grams of the surface form, robust to typos, missing accents, slang and emojis;
- a few named cues of address and diffusion (questions, "tu"/"vous", links, hashtags...).
"""

from dataclasses import dataclass
from functools import lru_cache
from threading import Lock

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

from .errors import ModelError
from .nlp import load_spacy, load_tokenizer
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
    """One text after spaCy: the three views the feature union reads, and where each lemma stands.

    `lemma_starts[i]` is the offset in `normalised` of the token that gave `lemmas[i]`, so that
    the weight a lemma carries can be put back on the words of the text (explanations).
    """

    normalised: str
    lemmas: tuple
    lemma_starts: tuple
    cues: tuple

    @property
    def surface(self) -> str:
        """What the character n-grams read: lower case, no accents."""
        return strip_accents(self.normalised.lower())


def _opens_with_verb_in_ez(tok) -> bool:
    """'Venez', 'Inscrivez-vous' opening a sentence: fr_core_news_sm often misses imperatives."""
    # The cheap tests first: most words do not end in "ez".
    if not (tok.lower_.endswith("ez") and len(tok) > 3 and tok.is_alpha):
        return False
    return tok.i == 0 or tok.nbor(-1).is_punct or "\n" in tok.nbor(-1).text_with_ws


def _read_doc(doc, offset, lemmas, starts, counts, lemma_of):
    """Add one spaCy doc's lemmas (with their offsets) and cue counts to the running totals."""
    tagged = doc.has_annotation("MORPH")
    for tok in doc:
        if tok.is_space:
            continue
        counts["longueur"] += 1
        low = tok.lower_.rstrip("'")
        start = offset + tok.idx
        if low in PLACEHOLDERS:
            lemma, cue = PLACEHOLDERS[low]
            lemmas.append(lemma)
            starts.append(start)
            counts[cue] += 1
            continue
        if tok.like_num:
            lemmas.append("NOMBRE")
            starts.append(start)
            counts["nombres"] += 1
            continue
        if tok.is_punct:
            counts["questions"] += "?" in tok.text
            counts["exclamations"] += "!" in tok.text
            continue
        # No ASCII character is an emoji: most words skip the per-character test.
        emojis = 0 if tok.text.isascii() else sum(is_emoji(c) for c in tok.text)
        if emojis:
            counts["emojis"] += emojis
            lemmas.append("EMOJI")
            starts.append(start)
            continue
        bare = low.lstrip("-#")
        counts["deuxieme_personne"] += bare in SECOND_PERSON
        counts["premiere_personne_singulier"] += bare in FIRST_SINGULAR
        counts["premiere_personne_pluriel"] += bare in FIRST_PLURAL
        if (tagged and "Imp" in tok.morph.get("Mood")) or _opens_with_verb_in_ez(tok):
            counts["imperatifs"] += 1
        # A lemma is one TF-IDF token: it must not contain white space.
        lemmas.append("_".join(strip_accents(lemma_of(tok).lower().lstrip("-#")).split()) or "_")
        starts.append(start)


DENSITY_WORDS = 25
LENGTH_CAP = 200


def cue_values(counts: dict, normalised: str) -> tuple:
    """Cue counts -> feature values that do not grow when a text is repeated.

    Counts are read per block of DENSITY_WORDS words once a text is longer than that (an article
    asking three questions is less a question than a two-line post asking one), then log1p'd;
    the length saturates at LENGTH_CAP words. A text pasted four times thus keeps its values.
    """
    words = counts["longueur"]
    scale = DENSITY_WORDS / max(words, DENSITY_WORDS)
    values = {name: float(np.log1p(counts[name] * scale)) for name in CUE_NAMES}
    # spaCy splits "#soldes" into "#" + "soldes"; the hashtags are counted on the text itself.
    values["hashtags"] = float(np.log1p(len(HASHTAG_RE.findall(normalised)) * scale))
    values["fin_par_question"] = float(normalised.rstrip(" )😊🙂😉🙏👇").endswith("?"))
    values["longueur"] = float(np.log1p(min(words, LENGTH_CAP)))
    return tuple(values[name] for name in CUE_NAMES)


def chunks(text: str, size: int):
    """(offset, piece) pieces of at most about `size` characters, cut at line breaks or spaces.

    spaCy refuses texts above its max_length and its memory grows with the text; a huge text is
    analysed piece by piece and the pieces' counts are added up.
    """
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = max(text.rfind("\n", start, end), text.rfind(" ", start, end))
            end = cut + 1 if cut > start else end
        yield start, text[start:end]
        start = end


# Above this many characters a text is cut into pieces for spaCy (see `chunks`).
CHUNK_CHARS = 20_000

# How much of spaCy each analysis runs. "full": tagger and lemmatizer (morphology feeds the
# imperative cue). "lookup": the tokenizer only, lemmas from spacy-lookups-data's French table,
# imperatives from their "-ez" ending alone. "tokenizer": the tokenizer only, the lower-cased word
# standing in for its lemma. The cheaper two skip the neural tagger, spaCy's slowest step.
ANALYSES = ("full", "lookup", "tokenizer")


@lru_cache(maxsize=None)
def lookup_table(lang: str = "fr"):
    """spaCy's lookup lemma table for `lang` (the spacy-lookups-data package), loaded once."""
    try:
        from spacy.lookups import load_lookups

        return load_lookups(lang, ["lemma_lookup"]).get_table("lemma_lookup")
    except (ImportError, ValueError) as exc:
        raise ModelError(
            f"l'analyse « lookup » demande les tables de lemmes de spaCy ({exc.__class__.__name__}). "
            "Installez-les avec : pip install spacy-lookups-data"
        ) from exc


def _lemma_function(analysis: str):
    if analysis == "full":
        return lambda tok: tok.lemma_
    if analysis == "lookup":
        table = lookup_table("fr")

        @lru_cache(maxsize=100_000)
        def lemma(form):
            # The French table gives a list of lemmas per form; the first is the usual reading.
            found = table.get(form)
            return form if not found else found[0] if isinstance(found, list) else found

        return lambda tok: lemma(tok.lower_)
    if analysis == "tokenizer":
        return lambda tok: tok.lower_
    raise ValueError(f"analysis must be one of {ANALYSES}, got {analysis!r}")


class SpacyAnalyser(BaseEstimator, TransformerMixin):
    """Raw texts -> AnalysedText, through the spaCy pipeline named by `spacy_model`.

    Holds only the model's name, so the fitted estimator pickles without spaCy inside.
    """

    def __init__(self, spacy_model="fr_core_news_sm", batch_size=64, analysis="full"):
        self.spacy_model = spacy_model
        self.batch_size = batch_size
        self.analysis = analysis

    def __setstate__(self, state):
        # Models saved before `analysis` existed ran the full pipeline.
        state.setdefault("analysis", "full")
        super().__setstate__(state)

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        texts = list(X)
        key = (self.spacy_model, self.analysis)
        with _CACHE_LOCK:
            found = {t: _ANALYSED[(*key, t)] for t in texts if (*key, t) in _ANALYSED}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            found.update(self._analyse(missing))
            with _CACHE_LOCK:
                if len(_ANALYSED) + len(missing) > ANALYSIS_CACHE_SIZE:
                    _ANALYSED.clear()
                for text in missing[:ANALYSIS_CACHE_SIZE]:
                    _ANALYSED[(*key, text)] = found[text]
        return [found[t] for t in texts]

    def _analyse(self, texts) -> dict:
        lemma_of = _lemma_function(self.analysis)
        if self.analysis == "full":
            pipe = load_spacy(self.spacy_model).pipe
        else:
            pipe = load_tokenizer(self.spacy_model).tokenizer.pipe
        normalised = [normalise(text) for text in texts]
        totals = [([], [], dict.fromkeys(CUE_NAMES, 0.0)) for _ in texts]
        short = [i for i, n in enumerate(normalised) if len(n) <= CHUNK_CHARS]
        for i, doc in zip(short, pipe((normalised[i] for i in short), batch_size=self.batch_size)):
            _read_doc(doc, 0, *totals[i], lemma_of)
        for i, norm in enumerate(normalised):
            if len(norm) > CHUNK_CHARS:
                pieces = list(chunks(norm, CHUNK_CHARS))
                # Two pieces at a time keep memory flat whatever the text's length.
                for (offset, _), doc in zip(pieces, pipe((p for _, p in pieces), batch_size=2)):
                    _read_doc(doc, offset, *totals[i], lemma_of)
        return {
            text: AnalysedText(
                normalised=norm,
                lemmas=tuple(lemmas),
                lemma_starts=tuple(starts),
                cues=cue_values(counts, norm),
            )
            for text, norm, (lemmas, starts, counts) in zip(texts, normalised, totals)
        }


# Cross-validation refits the same texts many times and spaCy is the slow step: analyses are
# memoised per process, bounded so that scoring a large archive does not grow memory. A lock
# keeps the cache whole when a server scores from several threads.
ANALYSIS_CACHE_SIZE = 50_000
_ANALYSED: dict = {}
_CACHE_LOCK = Lock()


def forget_analyses():
    """Empty the analysis cache: an archive of distinct texts gains nothing from it but memory."""
    with _CACHE_LOCK:
        _ANALYSED.clear()


def surfaces(analysed):
    return [a.surface for a in analysed]


def lemma_strings(analysed):
    return [" ".join(a.lemmas) for a in analysed]


def cue_matrix(analysed):
    return np.array([a.cues for a in analysed], dtype=float).reshape(len(analysed), len(CUE_NAMES))


class StableTfidfVectorizer(TfidfVectorizer):
    """TfidfVectorizer whose pickle is the same bytes for the same fit.

    The parent stores id(stop_words), a memory address, on every transform only to skip a
    re-check (it reads it back with a default); dropping it from the pickle keeps "same corpus,
    same seed, same model file" true.

    It also stores its vocabulary as one string: joblib unpickles in pure Python, where 180k
    separate dictionary entries cost a second at every start, and one string costs nothing.
    """

    SEPARATOR = "\0"

    def __getstate__(self):
        state = dict(super().__getstate__())  # the parent hands back the live __dict__
        state.pop("_stop_words_id", None)
        vocabulary = state.get("vocabulary_")
        if isinstance(vocabulary, dict) and not any(self.SEPARATOR in term for term in vocabulary):
            terms = sorted(vocabulary, key=vocabulary.get)
            if [vocabulary[t] for t in terms] == list(range(len(terms))):
                state["vocabulary_"] = self.SEPARATOR.join(terms)
        return state

    def __setstate__(self, state):
        packed = state.get("vocabulary_")
        if isinstance(packed, str):
            terms = packed.split(self.SEPARATOR) if packed else []
            state = {**state, "vocabulary_": dict(zip(terms, range(len(terms))))}
        super().__setstate__(state)
