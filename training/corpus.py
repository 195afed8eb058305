"""Reading and validating the labelled corpus (schema: corpus/README.md).

Two kinds of files:
- `annotations/seed_sentences.jsonl`: spans of the seed articles, by character offsets, so that
  the text and its label cannot drift apart;
- `authored/{train,dev,test}.jsonl` (and any user file of the same schema): one text a record.

Every problem is reported with its file and line, all of them at once, in French.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from reseaumedia.classifier import MEDIA, RESEAU
from reseaumedia.errors import CorpusError
from reseaumedia.inputs import jsonl_objects

TEXT_LABELS = (RESEAU, MEDIA)
SPAN_LABELS = (*TEXT_LABELS, "neutral")
SOURCES = ("authored", "user")
PLATFORMS = (
    "linkedin", "facebook", "instagram", "x", "forum", "chat", "newsletter", "blog",
    "customer_care", "email", "comment",
)
SECTORS = (
    "nonprofit", "municipality", "retail", "restaurant", "tech", "university", "health", "culture",
    "sports", "news", "b2b", "transport", "public_service", "personal", "association", "tourism",
    "education", "real_estate", "agriculture", "finance", "beauty", "media_creator",
)
REGISTERS = ("tu", "vous", "impersonal")
LOCALES = ("fr-FR", "fr-CA", "fr-BE", "fr-CH")
SPLITS = ("train", "dev", "test")
UNKNOWN = "unknown"
RECORD_FIELDS = {
    "id": str, "text": str, "label": str, "source": str, "platform": str, "sector": str,
    "register": str, "locale": str, "hard": bool,
}
OPTIONAL_FIELDS = {"note": str, "batch": str, "kinds": list, "pair": str, "pair_cue": str}
# Kinds of posts the corpus must cover (corpus/authored/WRITING_BRIEF_KINDS.md defines each).
KINDS = (
    "short", "humour", "hook_question", "org_wishes", "retweet", "thread", "agent_reply", "complaint",
    "informal_job", "sponsor_thanks", "mixed_language", "many_hashtags", "spam", "export_noise", "long_text",
)
# The surface cue a contrast pair shares (its two texts have opposite labels).
PAIR_CUES = ("question_mark", "second_person", "merci", "link", "mention", "lower_case", "double_exclamation")
SPAN_FIELDS = {"id": str, "file": str, "start": int, "end": int, "text": str, "label": str}
# Balance each split's labels within 45/55.
BALANCE_RANGE = (0.45, 0.55)
# Two texts whose character 3-5-gram TF-IDF vectors have cosine >= this are near-duplicates:
# at 0.5 the pairs found were paraphrases of one situation (checked by reading them).
NEAR_DUPLICATE_COSINE = 0.5


@dataclass(frozen=True)
class Example:
    """One labelled text, whatever file it came from."""

    id: str
    text: str
    label: str
    source: str  # seed, authored or user
    split: str  # train, dev, test (seed spans: seed)
    group: str  # the document or writing pass it belongs to, for grouped cross-validation
    platform: str = "article"
    sector: str = "seed"
    hard: bool = False
    register: str = ""
    locale: str = ""
    kinds: tuple = ()
    pair: str | None = None
    pair_cue: str | None = None


@dataclass
class Corpus:
    root: Path
    seed_spans: list  # Example, label reseau/media/neutral
    records: list  # Example from authored/ (and user files)

    def seed_examples(self):
        """The seed sentences that carry a label the model learns (`neutral` ones do not)."""
        return [s for s in self.seed_spans if s.label in TEXT_LABELS]

    def examples(self, *splits, with_seed=False):
        """Authored records of the given splits, after the seed sentences when `with_seed`."""
        chosen = [r for r in self.records if r.split in splits]
        return self.seed_examples() + chosen if with_seed else chosen

    def sha256(self) -> str:
        return corpus_sha256(self.root)


def corpus_files(root: Path) -> list:
    root = Path(root)
    return sorted(
        list((root / "seed").glob("*.txt"))
        + list((root / "annotations").glob("*.jsonl"))
        + list((root / "authored").glob("*.jsonl"))
    )


def corpus_sha256(root) -> str:
    """One hash over every file training reads (path and bytes), in a fixed order."""
    digest = hashlib.sha256()
    for path in corpus_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def read_jsonl(path: Path, problems: list):
    """Yield (line_number, object) for each non-blank line; problems collect what cannot be read."""
    try:
        raw = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        problems.append(f"{path} : fichier introuvable.")
        return
    except UnicodeDecodeError as exc:
        problems.append(f"{path} : n'est pas en UTF-8 (octet {exc.start}) ; réenregistrez-le en UTF-8.")
        return
    yield from jsonl_objects(raw, path, problems)


def _check_fields(obj, fields, optional, where, problems) -> bool:
    ok = True
    for name, kind in fields.items():
        if name not in obj:
            problems.append(f"{where} : champ « {name} » manquant.")
            ok = False
        elif not isinstance(obj[name], kind) or (kind is int and isinstance(obj[name], bool)):
            problems.append(f"{where} : « {name} » doit être de type {kind.__name__}, trouvé {obj[name]!r}.")
            ok = False
    for name in set(obj) - set(fields) - set(optional):
        problems.append(f"{where} : champ inconnu « {name} » (champs admis : {', '.join([*fields, *optional])}).")
        ok = False
    return ok


def _check_choice(obj, name, allowed, where, problems):
    if obj.get(name) not in allowed:
        problems.append(f"{where} : {name} « {obj.get(name)} » inconnu ; valeurs admises : {', '.join(allowed)}.")


def load_seed_spans(root: Path, problems: list) -> list:
    """Seed annotations, checked against the seed files: offsets, text, labels, overlaps, coverage."""
    seed_dir = root / "seed"
    contents = {p.name: p.read_text(encoding="utf-8") for p in sorted(seed_dir.glob("*.txt"))}
    if not contents:
        problems.append(f"{seed_dir} : aucun article source (*.txt).")
    spans, seen_ids, by_file = [], set(), {name: [] for name in contents}
    for path in sorted((root / "annotations").glob("*.jsonl")):
        for number, obj in read_jsonl(path, problems):
            where = f"{path}:{number}"
            if not _check_fields(obj, SPAN_FIELDS, {}, where, problems):
                continue
            _check_choice(obj, "label", SPAN_LABELS, where, problems)
            if obj["id"] in seen_ids:
                problems.append(f"{where} : identifiant « {obj['id']} » en double.")
            seen_ids.add(obj["id"])
            content = contents.get(obj["file"])
            if content is None:
                problems.append(f"{where} : article « {obj['file']} » absent de {seed_dir}.")
                continue
            start, end = obj["start"], obj["end"]
            if not 0 <= start < end <= len(content):
                problems.append(f"{where} : décalage [{start}, {end}) hors de l'article (0 à {len(content)}).")
                continue
            if content[start:end] != obj["text"]:
                problems.append(
                    f"{where} : le texte ne correspond pas à {obj['file']}[{start}:{end}] "
                    f"(trouvé « {content[start:end][:60]} », attendu « {obj['text'][:60]} ») ; corrigez les décalages."
                )
                continue
            by_file[obj["file"]].append((start, end, obj["id"]))
            spans.append(
                Example(obj["id"], obj["text"], obj["label"], "seed", "seed", f"seed:{obj['file'][:3]}")
            )
    for name, ranges in by_file.items():
        _check_coverage(name, contents[name], sorted(ranges), problems)
    return spans


def _check_coverage(name, content, ranges, problems):
    """Spans must not overlap and must cover every non-blank character of the article."""
    covered = 0
    for start, end, span_id in ranges:
        if start < covered:
            problems.append(f"annotations : l'extrait « {span_id} » chevauche le précédent dans {name}.")
        gap = content[covered:start]
        if gap.strip():
            line = content.count("\n", 0, covered) + 1
            problems.append(f"seed/{name}:{line} : texte non annoté « {gap.strip()[:50]} » ; ajoutez un extrait.")
        covered = max(covered, end)
    if content[covered:].strip():
        line = content.count("\n", 0, covered) + 1
        problems.append(f"seed/{name}:{line} : fin de l'article non annotée « {content[covered:].strip()[:50]} ».")


def parse_record(obj, where, split, problems, seen_ids):
    """One authored or user record -> Example, or None with the problems noted."""
    if not _check_fields(obj, RECORD_FIELDS, OPTIONAL_FIELDS, where, problems):
        return None
    # A user's own rows may leave what they do not know as "unknown" (training/intake.py).
    unknown = (UNKNOWN,) if obj.get("source") == "user" else ()
    for name, allowed in (
        ("label", TEXT_LABELS), ("source", SOURCES), ("platform", PLATFORMS + unknown),
        ("sector", SECTORS + unknown), ("register", REGISTERS + unknown), ("locale", LOCALES + unknown),
    ):
        _check_choice(obj, name, allowed, where, problems)
    if not obj["text"].strip():
        problems.append(f"{where} : texte vide.")
    if obj["id"] in seen_ids:
        problems.append(f"{where} : identifiant « {obj['id']} » déjà utilisé ({seen_ids[obj['id']]}).")
    seen_ids[obj["id"]] = where
    kinds = obj.get("kinds", [])
    for kind in kinds:
        if kind not in KINDS:
            problems.append(f"{where} : genre « {kind} » inconnu ; valeurs admises : {', '.join(KINDS)}.")
    if ("pair" in obj) != ("pair_cue" in obj):
        problems.append(f"{where} : « pair » et « pair_cue » vont ensemble ; donnez les deux ou aucun.")
    elif "pair_cue" in obj:
        _check_choice(obj, "pair_cue", PAIR_CUES, where, problems)
    return Example(
        obj["id"], obj["text"], obj["label"], obj["source"], split,
        obj.get("batch") or obj["id"].split("-")[0], obj["platform"], obj["sector"], obj["hard"],
        obj["register"], obj["locale"], tuple(k for k in kinds if isinstance(k, str)), obj.get("pair"), obj.get("pair_cue"),
    )


def load_records(path: Path, split: str, problems: list, seen_ids: dict) -> list:
    """Records from one JSONL file."""
    records = []
    for number, obj in read_jsonl(path, problems):
        record = parse_record(obj, f"{path}:{number}", split, problems, seen_ids)
        if record is not None:
            records.append(record)
    return records


def load_corpus(root) -> Corpus:
    """Read and validate everything under `root`; raise CorpusError listing every problem."""
    root = Path(root)
    if not root.is_dir():
        raise CorpusError([f"dossier de corpus introuvable : {root}"])
    problems, seen_ids = [], {}
    spans = load_seed_spans(root, problems)
    records = []
    for split in SPLITS:
        path = root / "authored" / f"{split}.jsonl"
        if path.exists():
            records += load_records(path, split, problems, seen_ids)
    problems += duplicate_problems(records) + balance_problems(records) + pair_problems(records)
    if problems:
        raise CorpusError(problems)
    return Corpus(root, spans, records)


def duplicate_problems(records) -> list:
    """Exact duplicates (after normalisation) and near-duplicates, across all splits."""
    from reseaumedia.text import surface_form

    problems, first_seen = [], {}
    for r in records:
        key = " ".join(surface_form(r.text).split())
        if key in first_seen:
            problems.append(f"« {r.id} » répète le texte de « {first_seen[key]} » ; supprimez l'un des deux.")
        first_seen.setdefault(key, r.id)
    for a, b, score in near_duplicate_pairs(records):
        problems.append(
            f"« {b.id} » ({b.split}) est presque identique à « {a.id} » ({a.split}) "
            f"(cosinus {score:.2f} ≥ {NEAR_DUPLICATE_COSINE}) ; réécrivez ou supprimez l'un des deux."
        )
    return problems


def near_duplicate_pairs(records, threshold=NEAR_DUPLICATE_COSINE):
    """Pairs whose character 3-5-gram TF-IDF cosine similarity reaches `threshold`."""
    if len(records) < 2:
        return []
    from sklearn.feature_extraction.text import TfidfVectorizer

    from reseaumedia.text import surface_form

    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit_transform(
        [surface_form(r.text) for r in records]
    )
    similarity = (matrix @ matrix.T).tocoo()
    words = [len(r.text.split()) for r in records]
    pairs = []
    for i, j, score in zip(similarity.row, similarity.col, similarity.data):
        # The cheap test first: almost every entry of the product is far below any threshold.
        if i < j and score >= threshold and score >= _threshold_for(words[i], words[j], threshold):
            a, b = records[i], records[j]
            # The two texts of a contrast pair share their cue on purpose.
            if not (a.pair and a.pair == b.pair):
                pairs.append((a, b, float(score)))
    return sorted(pairs, key=lambda p: (p[0].id, p[1].id))


# Texts this short ("merci !", "trop hâte") resemble each other by nature; only exact repeats of
# them are refused.
NEAR_DUPLICATE_MIN_WORDS = 4
# Two long French texts share most of their character n-grams (function words, endings) whatever
# they say: from this many words on, only a much closer match is a near-duplicate.
LONG_TEXT_WORDS = 150
LONG_TEXT_COSINE = 0.8


def _threshold_for(words_a, words_b, threshold):
    """The cosine two texts of these lengths (in words) must reach to count as near-duplicates."""
    shorter = min(words_a, words_b)
    if shorter < NEAR_DUPLICATE_MIN_WORDS:
        return float("inf")
    if shorter >= LONG_TEXT_WORDS:
        return max(threshold, LONG_TEXT_COSINE - (NEAR_DUPLICATE_COSINE - threshold))
    return threshold


def balance_problems(records) -> list:
    problems = []
    for split in SPLITS:
        labels = Counter(r.label for r in records if r.split == split)
        total = sum(labels.values())
        if total:
            share = labels[RESEAU] / total
            if not BALANCE_RANGE[0] <= share <= BALANCE_RANGE[1]:
                problems.append(
                    f"{split} : {share:.0%} de reseau, hors de l'équilibre {BALANCE_RANGE[0]:.0%}–{BALANCE_RANGE[1]:.0%}."
                )
    return problems


def pair_problems(records) -> list:
    """Each contrast pair: exactly two texts, opposite labels, one split, one cue."""
    pairs = {}
    for r in records:
        if r.pair:
            pairs.setdefault(r.pair, []).append(r)
    problems = []
    for name, members in sorted(pairs.items()):
        ids = ", ".join(m.id for m in members)
        if len(members) != 2:
            problems.append(f"paire « {name} » : {len(members)} texte(s) ({ids}) au lieu de 2.")
        elif members[0].label == members[1].label:
            problems.append(f"paire « {name} » ({ids}) : les deux textes ont la même étiquette ; une paire les oppose.")
        elif members[0].split != members[1].split:
            problems.append(f"paire « {name} » ({ids}) : textes dans deux parties ({members[0].split}, {members[1].split}).")
        elif members[0].pair_cue != members[1].pair_cue:
            problems.append(f"paire « {name} » ({ids}) : indices différents ({members[0].pair_cue}, {members[1].pair_cue}).")
    return problems
