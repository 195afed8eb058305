"""Reading texts to score: one text from a file or stdin, many from CSV or JSONL.

Nothing is skipped silently: a blank or unreadable row stops the run with its file and line.
"""

import contextlib
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


@contextlib.contextmanager
def reading(path, expected="un fichier texte, CSV ou JSONL"):
    """The usual reasons a file cannot be opened, as French errors naming the file."""
    try:
        yield
    except FileNotFoundError:
        raise InputError(f"fichier introuvable : {path}. Vérifiez le chemin.") from None
    except IsADirectoryError:
        raise InputError(f"{path} est un dossier : donnez {expected}.") from None
    except PermissionError:
        raise InputError(f"lecture interdite : {path}. Vérifiez les droits du fichier.") from None


def read_bytes(path) -> bytes:
    path = Path(path)
    with reading(path):
        return path.read_bytes()


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


# --- Whole archives, read as a stream -------------------------------------------------------

# What `score --file` reads as a table, by file extension; `--format` names one explicitly.
# "lignes" (plain text, one text per line) is never guessed: a .txt file stays one whole draft.
ARCHIVE_FORMATS = ("csv", "tsv", "jsonl", "lignes")
SUFFIX_FORMATS = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl"}
DELIMITERS = ",;\t"
DELIMITER_NAMES = {",": "virgule", ";": "point-virgule", "\t": "tabulation"}
# Enough of a file to see its header and a few rows.
SNIFF_CHARS = 64 * 1024


def detect_delimiter(sample: str) -> str:
    """The CSV delimiter among comma, semicolon and tab (Excel in France writes semicolons).

    csv.Sniffer reads the first rows; when it cannot decide (a single column, ragged quoting), the
    delimiter that appears most often in the header wins.
    """
    try:
        found = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        found = None
    header = sample.split("\n", 1)[0]
    if found is None or found not in header:
        found = max(DELIMITERS, key=header.count)
    return found


def table_rows(lines, where, delimiter):
    """Yield (line, cells, problem) for a CSV/TSV stream: the header first (line 1), then each row.

    `line` is where the row starts (a quoted cell may span lines). A blank line and a row whose
    number of cells differs from the header's come with a problem and no cells; a broken quote
    stops the reading with its line.
    """
    raise_csv_field_limit()
    reader = csv.reader(lines, delimiter=delimiter)
    header = _next_csv_row(reader, where)
    if header is None:
        return
    yield 1, header, None
    previous = reader.line_num
    while (row := _next_csv_row(reader, where)) is not None:
        line, previous = previous + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            yield line, None, "ligne vide : supprimez-la ou remplissez-la"
        elif len(row) != len(header):
            yield line, None, (f"{len(row)} colonne(s) au lieu de {len(header)} (séparateur « {delimiter} ») : "
                               "vérifiez les guillemets autour des textes qui contiennent ce séparateur")
        else:
            yield line, row, None


def _next_csv_row(reader, where):
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as exc:
        raise InputError(f"{where}:{reader.line_num} : CSV illisible ({exc}) ; vérifiez les guillemets.") from None


@dataclass(frozen=True)
class BadRow:
    """A row that cannot be scored: where it is, what is wrong, and what it held (for the rejects file)."""

    line: int
    reason: str
    raw: object = None


@dataclass(frozen=True)
class ArchiveRow:
    """A row to score: its line in the file, its id, its text, and all its fields (kept in the output)."""

    line: int
    id: str
    text: str
    fields: dict


def archive_format(path, given=None):
    """The table format of `path`: `given` if any, else from the extension; None for a single text."""
    if given:
        if given not in ARCHIVE_FORMATS:
            raise InputError(f"format « {given} » inconnu ; formats admis : {', '.join(ARCHIVE_FORMATS)}.")
        return given
    return SUFFIX_FORMATS.get(Path(path).suffix.lower())


class Archive:
    """A file of texts (CSV, TSV, JSONL, or plain text with one text per line), read as a stream.

    `rows()` reads the file from the start each time it is called, in constant memory, and yields
    an ArchiveRow or a BadRow for every row in file order: nothing is skipped silently.
    Opening checks what can be checked at once: the file, the encoding, the header and the column.
    """

    def __init__(self, path, column="text", fmt=None, encoding=None):
        import codecs

        self.path = Path(path)
        self.column = column
        self.format = archive_format(self.path, fmt) or "csv"
        try:
            self.encoding = codecs.lookup(encoding or "utf-8").name
        except LookupError:
            raise InputError(f"encodage « {encoding} » inconnu ; essayez utf-8, cp1252 ou latin-1.") from None
        head = self._head()
        self.bom = head.startswith(codecs.BOM_UTF8) and self.encoding == "utf-8"
        self.delimiter = {"tsv": "\t", "csv": None}.get(self.format)
        self.columns = None
        if self.format in ("csv", "tsv"):
            sample = self._decode_head(head)
            if self.delimiter is None:
                self.delimiter = detect_delimiter(sample)
            self.columns = self._header(sample)

    def _head(self) -> bytes:
        with reading(self.path, "un fichier CSV, TSV, JSONL ou texte"), open(self.path, "rb") as handle:
            return handle.read(SNIFF_CHARS)

    def _decode_head(self, head: bytes) -> str:
        import codecs

        # Not final: the sample may end inside a character; a real error still raises.
        try:
            return codecs.getincrementaldecoder(self._python_encoding)().decode(head, final=len(head) < SNIFF_CHARS)
        except UnicodeDecodeError:
            self._raise_decode_error()

    @property
    def _python_encoding(self) -> str:
        return "utf-8-sig" if self.encoding == "utf-8" else self.encoding

    def _header(self, sample: str) -> list:
        header = next(csv.reader(io.StringIO(sample, newline=""), delimiter=self.delimiter), None)
        if not header:
            raise InputError(f"{self.path} : fichier vide ; il faut une ligne d'en-tête avec une colonne « {self.column} ».")
        names = [name.strip() for name in header]
        if self.column not in names:
            found = ", ".join(names) or "aucune"
            separator = DELIMITER_NAMES.get(self.delimiter, self.delimiter)
            raise InputError(f"{self.path}:1 : colonne « {self.column} » absente (colonnes trouvées : {found}), "
                             f"séparateur détecté : {separator}. Ajoutez-la ou choisissez-en une autre avec --colonne.")
        return names

    def _open(self):
        return open(self.path, encoding=self._python_encoding, newline="" if self.columns else None)

    def rows(self):
        """ArchiveRow or BadRow for each row, in file order."""
        try:
            with self._open() as handle:
                if self.format in ("csv", "tsv"):
                    yield from self._table(handle)
                elif self.format == "jsonl":
                    yield from self._jsonl(handle)
                else:
                    yield from self._lines(handle)
        except UnicodeDecodeError:
            self._raise_decode_error()

    def _table(self, handle):
        index = self.columns.index(self.column)
        has_id = "id" in self.columns
        for line, cells, problem in table_rows(handle, self.path, self.delimiter):
            if line == 1:
                continue
            if problem:
                yield BadRow(line, problem, cells)
                continue
            fields = dict(zip(self.columns, cells))
            text = cells[index]
            if not text.strip():
                yield BadRow(line, f"texte vide dans la colonne « {self.column} »", fields)
                continue
            yield ArchiveRow(line, (fields["id"] if has_id else "") or str(line), text, fields)

    def _jsonl(self, handle):
        for line, raw in enumerate(handle, start=1):
            if not raw.strip():
                yield BadRow(line, "ligne vide : supprimez-la", raw)
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                yield BadRow(line, f"JSON invalide ({exc.msg}, colonne {exc.colno})", raw.rstrip("\n"))
                continue
            if not isinstance(obj, dict):
                yield BadRow(line, f"attendu un objet JSON {{...}}, trouvé {type(obj).__name__}", obj)
                continue
            text = obj.get(self.column)
            if not isinstance(text, str) or not text.strip():
                yield BadRow(line, f"champ « {self.column} » absent ou vide", obj)
                continue
            yield ArchiveRow(line, str(obj.get("id", line)), text, obj)

    def _lines(self, handle):
        for line, raw in enumerate(handle, start=1):
            text = raw.rstrip("\r\n")
            if line == 1:
                text = text.lstrip("\ufeff")
            if not text.strip():
                yield BadRow(line, "ligne vide : supprimez-la", text)
                continue
            yield ArchiveRow(line, str(line), text, {self.column: text})

    def _raise_decode_error(self):
        """Find the first undecodable line, reading the bytes line by line, and say what to do."""
        with open(self.path, "rb") as handle:
            offset = 0
            for number, raw in enumerate(handle, start=1):
                try:
                    raw.decode(self._python_encoding if number == 1 else self.encoding)
                except UnicodeDecodeError as exc:
                    raise InputError(
                        f"{self.path}:{number} : le contenu n'est pas en {self.encoding.upper()} (octet {offset + exc.start}). "
                        "Réenregistrez le fichier en UTF-8 (par exemple « Enregistrer sous… > UTF-8 »), "
                        "ou indiquez son encodage : --encoding cp1252 (Excel sous Windows) ou --encoding latin-1."
                    ) from None
                offset += len(raw)
        raise InputError(f"{self.path} : le contenu n'est pas en {self.encoding.upper()} ; essayez --encoding cp1252.")
