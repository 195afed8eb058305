"""Reading texts to score: one text from a file or stdin, many from CSV or JSONL.

Nothing is skipped silently: a blank or unreadable row stops the run with its file and line.
"""

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

BATCH_SUFFIXES = (".csv", ".jsonl")


@dataclass(frozen=True)
class Row:
    line: int
    id: str
    text: str


def decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{where}:{line} : le contenu n'est pas en UTF-8 (octet {exc.start}). "
            "Réenregistrez le fichier en UTF-8 (par exemple « Enregistrer sous… > UTF-8 »)."
        ) from None


def read_bytes(path) -> bytes:
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"fichier introuvable : {path}. Vérifiez le chemin.") from None
    except IsADirectoryError:
        raise InputError(f"{path} est un dossier : donnez un fichier texte, CSV ou JSONL.") from None
    except PermissionError:
        raise InputError(f"lecture interdite : {path}. Vérifiez les droits du fichier.") from None


def single_text(data: bytes, where: str) -> str:
    text = decode(data, where)
    if not text.strip():
        raise InputError(f"{where} : le texte est vide ; donnez un texte à analyser.")
    return text.strip()


def jsonl_objects(content: str, where, problems: list):
    """Yield (line number, object) for each non-blank JSONL line; unreadable lines go to `problems`."""
    for number, raw in enumerate(content.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}:{number} : JSON invalide ({exc.msg}, colonne {exc.colno}).")
            continue
        if not isinstance(obj, dict):
            problems.append(f"{where}:{number} : attendu un objet JSON {{...}}, trouvé {type(obj).__name__}.")
            continue
        yield number, obj


def raise_csv_field_limit():
    """The csv module refuses fields over 128 KiB by default; a whole article in one cell is legitimate."""
    csv.field_size_limit(2**31 - 1)


def read_rows(path, column: str = "text") -> list:
    """Rows of a CSV (with a header) or JSONL file; every problem found is reported at once."""
    path = Path(path)
    content = decode(read_bytes(path), str(path))
    rows, problems = [], []
    if path.suffix.lower() == ".csv":
        raise_csv_field_limit()
        reader = csv.DictReader(io.StringIO(content, newline=""))
        if not reader.fieldnames or column not in reader.fieldnames:
            found = ", ".join(reader.fieldnames or []) or "aucune"
            raise InputError(f"{path}:1 : colonne « {column} » absente (colonnes trouvées : {found}). "
                             "Ajoutez-la ou choisissez-en une autre avec --colonne.")
        for record in reader:
            line = reader.line_num
            text = record.get(column)
            if text is None or not text.strip():
                problems.append(f"{path}:{line} : texte vide dans la colonne « {column} ».")
                continue
            rows.append(Row(line, record.get("id") or str(line), text))
    else:
        for line, record in jsonl_objects(content, path, problems):
            text = record.get(column)
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{path}:{line} : champ « {column} » absent ou vide.")
                continue
            rows.append(Row(line, str(record.get("id", line)), text))
    if problems:
        more = f"\n  … et {len(problems) - 20} autre(s)" if len(problems) > 20 else ""
        raise InputError(f"{len(problems)} ligne(s) inutilisable(s), rien n'a été analysé :\n  "
                         + "\n  ".join(problems[:20]) + more)
    if not rows:
        raise InputError(f"{path} : aucun texte à analyser.")
    return rows
