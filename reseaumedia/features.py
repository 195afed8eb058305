"""Features: what the classifier reads from a text.

Three views of the same draft, so that the cues stay readable for explanations:
- lemmas (spaCy), for what the text talks about and does ("remercier", "inscrire", "lire");
- character n-grams of the surface form, robust to typos, missing accents, slang and emojis;
- a few named cues of address and diffusion (questions, "tu"/"vous", links, hashtags...).
"""

import gzip
import json
from array import array
from dataclasses import dataclass
from functools import lru_cache
from threading import Lock

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

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


# spaCy attributes read for every token in one array (a Python Token object per token costs more
# than everything done with it).
TOKEN_ATTRS = ("ORTH", "LEMMA", "MORPH", "IDX")
# Bound on the per-analysis table of token facts (about 300 bytes each); an archive's stream of
# new numbers and typos must not grow memory without end.
TOKEN_FACTS_SIZE = 50_000
_TOKEN_FACTS: dict = {}
# The few distinct cue increments, shared by all the facts that have them.
_SHARED_ADDS: dict = {}


def _token_facts(tok, lemma_of):
    """What one token adds to its text's totals, from the token alone: (lemma or None,
    ((cue, increment), ...), imperative if it opens a sentence, whether the next token opens one).

    Everything here depends only on the token's form, lemma and morphology, so it is computed
    once per distinct (form, lemma, morphology) and looked up after that.
    """
    opens_next = tok.is_punct or "\n" in tok.text
    if tok.is_space:
        return None, (), False, opens_next
    low = tok.lower_.rstrip("'")
    if low in PLACEHOLDERS:
        lemma, cue = PLACEHOLDERS[low]
        return lemma, (("longueur", 1), (cue, 1)), False, opens_next
    if tok.like_num:
        return "NOMBRE", (("longueur", 1), ("nombres", 1)), False, opens_next
    if tok.is_punct:
        return None, (("longueur", 1), ("questions", int("?" in tok.text)), ("exclamations", int("!" in tok.text))), False, opens_next
    # No ASCII character is an emoji: most words skip the per-character test.
    emojis = 0 if tok.text.isascii() else sum(is_emoji(c) for c in tok.text)
    if emojis:
        return "EMOJI", (("longueur", 1), ("emojis", emojis)), False, opens_next
    bare = low.lstrip("-#")
    imperative = "Imp" in tok.morph.get("Mood")
    adds = (
        ("longueur", 1),
        ("deuxieme_personne", int(bare in SECOND_PERSON)),
        ("premiere_personne_singulier", int(bare in FIRST_SINGULAR)),
        ("premiere_personne_pluriel", int(bare in FIRST_PLURAL)),
        ("imperatifs", int(imperative)),
    )
    # 'Venez', 'Inscrivez-vous' opening a sentence: fr_core_news_sm often misses imperatives.
    in_ez = not imperative and tok.lower_.endswith("ez") and len(tok) > 3 and tok.is_alpha
    # A lemma is one TF-IDF token: it must not contain white space.
    lemma = "_".join(strip_accents(lemma_of(tok).lower().lstrip("-#")).split()) or "_"
    return lemma, adds, in_ez, opens_next


def _read_doc(doc, offset, lemmas, starts, counts, key, lemma_of):
    """Add one spaCy doc's lemmas (with their offsets) and cue counts to the running totals."""
    facts = _TOKEN_FACTS.setdefault(key, {})  # key: (spaCy model, analysis)
    if len(facts) > TOKEN_FACTS_SIZE:
        facts.clear()
    opening = True  # the first token opens a sentence
    for i, (orth, lemma_key, morph, idx) in enumerate(doc.to_array(TOKEN_ATTRS).tolist()):
        found = facts.get((orth, lemma_key, morph))
        if found is None:
            lemma, adds, in_ez, opens_next = _token_facts(doc[i], lemma_of)
            found = facts[orth, lemma_key, morph] = (lemma, _SHARED_ADDS.setdefault(adds, adds), in_ez, opens_next)
        lemma, adds, in_ez, opens_next = found
        for name, increment in adds:
            counts[name] += increment
        if in_ez and opening:
            counts["imperatifs"] += 1
        if lemma is not None:
            lemmas.append(lemma)
            starts.append(offset + idx)
        opening = opens_next


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
# spaCy's tagger needs memory in proportion to the characters of a batch, not to its number of
# texts: 64 articles at once took 450 MB more than 64 posts. A batch ends at BATCH_CHARS characters
# (a longer piece goes alone), which keeps scoring an archive within a flat memory.
BATCH_CHARS = 10_000


def batches(lengths, max_items: int, max_chars: int):
    """Consecutive index lists with at most `max_items` items and `max_chars` characters each
    (an item longer than that alone). In order: spaCy's own minibatch_by_words reorders and has no
    item bound."""
    batch, size = [], 0
    for index, length in enumerate(lengths):
        if batch and (len(batch) == max_items or size + length > max_chars):
            yield batch
            batch, size = [], 0
        batch.append(index)
        size += length
    if batch:
        yield batch


def piped(pipe, texts, max_items: int, max_chars: int = BATCH_CHARS):
    """spaCy docs of `texts`, in order, through `pipe` (`nlp.pipe`, `nlp.tokenizer.pipe`) in the
    batches of `batches`. The benchmarks run spaCy alone through it too: same batches, fair ratio."""
    for batch in batches([len(text) for text in texts], max_items, max_chars):
        yield from pipe((texts[k] for k in batch), batch_size=len(batch))

# How much of spaCy each analysis runs. "full": tagger and lemmatizer (morphology feeds the
# imperative cue). "lookup": the tokenizer only, lemmas from spacy-lookups-data's French table,
# imperatives from their "-ez" ending alone. "tokenizer": the tokenizer only, the lower-cased word
# standing in for its lemma. The cheaper two skip the neural tagger, spaCy's slowest step.
ANALYSES = ("full", "lookup", "tokenizer")


@lru_cache(maxsize=None)
def lookup_table(lang: str = "fr") -> dict:
    """form -> lemma from the lookup table of spacy-lookups-data for `lang`, where they differ.

    Read straight from the package's JSON file: spaCy's own `load_lookups` builds a Table that
    takes seconds and about 190 MB for the French one, where this dict takes a fraction of that.
    The French table gives a list of lemmas per form; the first is the usual reading.
    """
    try:
        from importlib.resources import files

        data = (files("spacy_lookups_data") / "data" / f"{lang}_lemma_lookup.json.gz").read_bytes()
        table = json.loads(gzip.decompress(data))
    except (ImportError, OSError, ValueError) as exc:
        raise ModelError(
            f"l'analyse « lookup » demande les tables de lemmes de spaCy ({exc.__class__.__name__}). "
            "Installez-les avec : pip install spacy-lookups-data"
        ) from exc
    firsts = ((form, lemmas[0] if isinstance(lemmas, list) else lemmas) for form, lemmas in table.items() if lemmas)
    return {form: lemma for form, lemma in firsts if lemma != form}


def _lemma_function(analysis: str):
    if analysis == "full":
        return lambda tok: tok.lemma_
    if analysis == "lookup":
        table = lookup_table("fr")
        return lambda tok: table.get(tok.lower_, tok.lower_)
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
        key = (self.spacy_model, self.analysis)
        if self.analysis == "full":
            pipe = load_spacy(self.spacy_model).pipe
        else:
            pipe = load_tokenizer(self.spacy_model).tokenizer.pipe
        normalised = [normalise(text) for text in texts]
        totals = [([], [], dict.fromkeys(CUE_NAMES, 0.0)) for _ in texts]
        # (text, offset, piece): a text longer than CHUNK_CHARS is read piece by piece.
        pieces = [(i, offset, piece) for i, norm in enumerate(normalised) for offset, piece in chunks(norm, CHUNK_CHARS)]
        for (i, offset, _), doc in zip(pieces, piped(pipe, [piece for _, _, piece in pieces], self.batch_size)):
            _read_doc(doc, offset, *totals[i], key, lemma_of)
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

    Fitted with analyzer="char_wb", it transforms word by word: that analyzer's n-grams never
    cross a space, so a text's counts are the sum of its words' counts, and the columns of each
    word are looked up once and remembered. Same matrix as the parent's (tested on the corpus),
    several times faster: the words of an archive repeat, its texts do not.
    """

    SEPARATOR = "\0"
    # Bound on the remembered words (about 300 bytes each; an archive's stream of new numbers and
    # typos must not grow memory without end).
    WORD_CACHE_SIZE = 50_000

    def fit(self, raw_documents, y=None):
        self.__dict__.pop("_word_columns", None)  # remembered for the previous vocabulary
        return super().fit(raw_documents, y)

    def fit_transform(self, raw_documents, y=None):
        self.__dict__.pop("_word_columns", None)
        return super().fit_transform(raw_documents, y)

    def transform(self, raw_documents):
        if self.analyzer != "char_wb" or isinstance(raw_documents, str) or not hasattr(self, "_tfidf"):
            return super().transform(raw_documents)
        check_is_fitted(self, "vocabulary_")
        counts = self._counts_by_word(raw_documents)
        if self.binary:
            counts.data.fill(1)
        return self._tfidf.transform(counts, copy=False)

    def _counts_by_word(self, documents):
        cache = self.__dict__.setdefault("_word_columns", {})
        if len(cache) > self.WORD_CACHE_SIZE:
            cache.clear()
        vocabulary, preprocess, analyse = self.vocabulary_, self.build_preprocessor(), self.build_analyzer()
        columns, indptr = [], [0]
        for document in documents:
            for word in preprocess(self.decode(document)).split():
                found = cache.get(word)
                if found is None:
                    found = cache[word] = array("i", [vocabulary[g] for g in analyse(word) if g in vocabulary])
                columns.extend(found)
            indptr.append(len(columns))
        index = np.int32 if len(columns) < np.iinfo(np.int32).max else np.int64
        counts = sp.csr_matrix(
            (np.ones(len(columns), dtype=self.dtype), np.asarray(columns, dtype=index), np.asarray(indptr, dtype=index)),
            shape=(len(indptr) - 1, len(vocabulary)),
        )
        counts.sum_duplicates()  # and sorts the columns of each row, as the parent does
        return counts

    def __getstate__(self):
        state = dict(super().__getstate__())  # the parent hands back the live __dict__
        state.pop("_stop_words_id", None)
        state.pop("_word_columns", None)
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
