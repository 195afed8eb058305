"""A user's labelled file (CSV, TSV or JSONL) checked row by row and turned into corpus records.

Only `text` and `label` are required. The other fields of the corpus schema are optional, with
these defaults: `id` <batch>-<line>, `platform`/`sector`/`register`/`locale` "unknown",
`hard` false, `kinds` none. Labels are accepted as reseau, réseau, media or média in any case.
Other columns (a date, an author…) are not used and are named in the report.

Every problem is collected with its file and line; the caller decides whether anything is written.
"""

import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from reseaumedia.classifier import LABELS
from reseaumedia.errors import InputError
from reseaumedia.inputs import SNIFF_CHARS, decode, detect_delimiter, read_bytes, table_rows

from .corpus import NEAR_DUPLICATE_COSINE, near_duplicate_pairs, parse_record

SUFFIXES = (".csv", ".tsv", ".jsonl")
MAX_TEXT_CHARS = 1_000_000
USER_DEFAULTS = {"platform": "unknown", "sector": "unknown", "register": "unknown", "locale": "unknown", "hard": False}
OPTIONAL_COLUMNS = ("id", *USER_DEFAULTS, "note", "kinds")
TRUE_WORDS, FALSE_WORDS = {"true", "vrai", "oui", "1", "yes"}, {"false", "faux", "non", "0", "no", ""}
# Same margin as the project's own intake: the IDF moves as texts come in.
INTAKE_MARGIN = 0.03


@dataclass
class Reject:
    line: int
    reason: str
    row: dict


@dataclass
class Intake:
    """What a file gives: the accepted records (corpus schema) and every rejected row with its reason."""

    path: Path
    batch: str
    sha256: str
    accepted: list = field(default_factory=list)  # (line, record dict)
    rejects: list = field(default_factory=list)  # Reject
    ignored_columns: tuple = ()

    @property
    def labels(self) -> dict:
        counts = dict.fromkeys(LABELS, 0)
        for _, record in self.accepted:
            counts[record["label"]] += 1
        return counts


def normalise_label(value) -> str | None:
    if not isinstance(value, str):
        return None
    plain = unicodedata.normalize("NFKD", value.strip().lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return plain if plain in LABELS else None


def batch_name(path: Path, digest: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_]+", "_", path.stem).strip("_")[:40] or "lot"
    return f"{stem}-{digest[:8]}"


def _table_rows(path: Path, content: str):
    """Yield (line, dict or None, problem or None) for each data row of a CSV or TSV file."""
    delimiter = "\t" if path.suffix.lower() == ".tsv" else detect_delimiter(content[:SNIFF_CHARS])
    names = None
    for line, cells, problem in table_rows(io.StringIO(content, newline=""), path, delimiter):
        if line == 1:
            names = [h.strip().lower() for h in cells]
            yield 1, names, None
        elif problem:
            yield line, None, problem
        else:
            yield line, dict(zip(names, cells)), None


def _jsonl_rows(content: str):
    for line, raw in enumerate(content.splitlines(), start=1):
        if not raw.strip():
            yield line, None, "ligne vide : supprimez-la"
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield line, None, f"JSON invalide ({exc.msg}, colonne {exc.colno})"
            continue
        if not isinstance(obj, dict):
            yield line, None, f"attendu un objet JSON {{...}}, trouvé {type(obj).__name__}"
            continue
        yield line, {str(k).strip().lower(): v for k, v in obj.items()}, None


def _record(row: dict, line: int, batch: str):
    """A corpus-schema dict from one row, or (None, reason)."""
    text, label = row.get("text"), normalise_label(row.get("label"))
    if not isinstance(text, str) or not text.strip():
        return None, "texte absent ou vide (colonne « text »)"
    if len(text) > MAX_TEXT_CHARS:
        return None, f"texte de {len(text):,} caractères, au-delà de la limite de {MAX_TEXT_CHARS:,} ; coupez-le".replace(",", " ")
    if label is None:
        return None, (f"étiquette « {row.get('label')} » inconnue ; valeurs admises : reseau, réseau, media, média")
    given = row.get("id")
    record = {"id": f"{batch}-{given}" if given not in (None, "") else f"{batch}-l{line}",
              "text": text, "label": label, "source": "user", "batch": batch}
    for name, default in USER_DEFAULTS.items():
        value = row.get(name)
        if value in (None, ""):
            record[name] = default
        elif name == "hard":
            word = str(value).strip().lower()
            if isinstance(value, bool):
                record[name] = value
            elif word in TRUE_WORDS | FALSE_WORDS:
                record[name] = word in TRUE_WORDS
            else:
                return None, f"« hard » vaut « {value} » ; attendu vrai/faux (true/false, oui/non, 1/0)"
        else:
            record[name] = str(value).strip()
    if row.get("note") not in (None, ""):
        record["note"] = str(row["note"])
    kinds = row.get("kinds")
    if kinds not in (None, "", []):
        record["kinds"] = kinds if isinstance(kinds, list) else [k for k in re.split(r"[,;| ]+", str(kinds)) if k]
    return record, None


def read_user_file(path, existing, *, batch=None) -> Intake:
    """Check every row of `path` against the schema and against `existing` records (Example)."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(f"{path} : format non reconnu ; donnez un fichier .csv, .tsv ou .jsonl (colonnes text et label).")
    data = read_bytes(path)
    digest = hashlib.sha256(data).hexdigest()
    content = decode(data, str(path))
    intake = Intake(path, batch or batch_name(path, digest), digest)
    rows = _jsonl_rows(content) if path.suffix.lower() == ".jsonl" else _table_rows(path, content)
    seen_ids = {r.id: "corpus" for r in existing}
    used_columns, columns = {"text", "label", *OPTIONAL_COLUMNS}, set()
    parsed = []
    for line, row, problem in rows:
        if line == 1 and isinstance(row, list):  # the CSV header
            columns |= set(row)
            missing = [c for c in ("text", "label") if c not in row]
            if missing:
                raise InputError(f"{path}:1 : colonne(s) {', '.join(missing)} absente(s) "
                                 f"(colonnes trouvées : {', '.join(row) or 'aucune'}). Il faut au moins text et label.")
            continue
        if problem:
            intake.rejects.append(Reject(line, problem, row or {}))
            continue
        columns |= set(row)
        record, problem = _record(row, line, intake.batch)
        if problem:
            intake.rejects.append(Reject(line, problem, row))
            continue
        problems = []
        example = parse_record(record, f"{path}:{line}", "user", problems, seen_ids)
        if problems:
            # parse_record names the place itself; keep only what is wrong.
            intake.rejects.append(Reject(line, "; ".join(p.split(" : ", 1)[-1] for p in problems), row))
            continue
        parsed.append((line, record, example))
    intake.ignored_columns = tuple(sorted(columns - used_columns))
    _reject_repeats(intake, parsed, list(existing))
    intake.rejects.sort(key=lambda r: r.line)
    return intake


def _reject_repeats(intake, parsed, existing):
    """Exact and near repeats of a corpus text or of an earlier kept row are rejected, naming the twin."""
    from collections import defaultdict

    from reseaumedia.text import surface_form

    key = lambda text: " ".join(surface_form(text).split())  # noqa: E731
    by_id = {r.id: r for r in existing}
    first = {key(r.text): r.id for r in existing}
    lines = {example.id: line for line, _, example in parsed}
    twins = defaultdict(list)
    for a, b, _ in near_duplicate_pairs(existing + [e for _, _, e in parsed], NEAR_DUPLICATE_COSINE - INTAKE_MARGIN):
        twins[a.id].append(b.id)
        twins[b.id].append(a.id)
    kept = set(by_id)
    for line, record, example in parsed:
        near = [t for t in twins[example.id] if t in kept]
        twin_id = first.get(key(example.text)) or (near[0] if near else None)
        if twin_id is not None:
            where = f"la ligne {lines[twin_id]} du fichier" if twin_id in lines else f"le texte « {twin_id} » du corpus"
            excerpt = " ".join(by_id[twin_id].text.split())[:80]
            intake.rejects.append(Reject(line, f"répète (presque) {where} : « {excerpt} »", record))
            continue
        kept.add(example.id)
        by_id[example.id] = example
        first.setdefault(key(example.text), example.id)
        intake.accepted.append((line, record))


def write_rejects(intake: Intake) -> Path:
    """The rejected rows with their reasons, beside the input: <name>.rejets.jsonl."""
    from reseaumedia.artefact import write_atomic

    target = intake.path.with_name(intake.path.name + ".rejets.jsonl")
    lines = [json.dumps({"ligne": r.line, "raison": r.reason, "donnees": r.row}, ensure_ascii=False) for r in intake.rejects]
    payload = ("\n".join(lines) + "\n").encode("utf-8")
    write_atomic(target, lambda h: h.write(payload))
    return target

