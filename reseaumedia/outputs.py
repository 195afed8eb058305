"""Writing scored archives: the input's columns plus the decision, as CSV, TSV or JSONL.

A file is written whole or not at all: rows go to a temporary file beside the target, renamed
into place only once the last row is written (an interrupted run leaves nothing behind).
"""

import csv
import io
import json
from pathlib import Path

from .errors import InputError

OUTPUT_FORMATS = ("csv", "tsv", "jsonl")
# The columns added to every row. French, because analysts read them in their spreadsheet.
RESULT_COLUMNS = ("ligne", "etiquette", "prob_reseau", "prob_media", "confiance", "incertain", "raison_incertain")
# JSONL rows also carry the reasons (a list does not fit in a spreadsheet cell).
REASONS_FIELD = "raisons"
REJECTS_SUFFIX = ".rejets.jsonl"


def output_format(path, given=None) -> str:
    """The format to write: `given`, else the extension of `path`."""
    if given:
        if given not in OUTPUT_FORMATS:
            raise InputError(f"format de sortie « {given} » inconnu ; formats admis : {', '.join(OUTPUT_FORMATS)}.")
        return given
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in OUTPUT_FORMATS:
        raise InputError(f"{path} : extension « .{suffix} » inconnue pour la sortie ; nommez le fichier .csv, .tsv "
                         "ou .jsonl, ou donnez le format avec --format-sortie.")
    return suffix


def result_fields(result: dict, with_reasons: bool) -> dict:
    """The added columns for one decision (`result` is `Prediction.to_dict()`)."""
    fields = {
        "etiquette": result["label"],
        "prob_reseau": result["probabilities"]["reseau"],
        "prob_media": result["probabilities"]["media"],
        "confiance": result["probabilities"][result["label"]],
        "incertain": not result["certain"],
        "raison_incertain": result["uncertain_reason_fr"],
    }
    if with_reasons:
        fields[REASONS_FIELD] = [
            {"cote": r["side"], "poids": r["weight"], "description": r["description"], "texte": r["text"], "spans": r["spans"]}
            for r in result["reasons"]
        ]
    return fields


def clashing_columns(columns) -> list:
    """Input columns that the output would overwrite."""
    return [c for c in columns if c in RESULT_COLUMNS or c == REASONS_FIELD]


class TableWriter:
    """Rows of (input fields, decision) to an open text handle, in one of OUTPUT_FORMATS.

    `columns` are the input columns to keep (CSV/TSV; JSONL keeps each object's own fields).
    A CSV written with semicolons gets decimal commas, as French spreadsheets expect.
    """

    def __init__(self, handle, fmt, columns, delimiter=","):
        self.handle = handle
        self.format = fmt
        self.columns = list(columns)
        if fmt == "jsonl":
            self.writer = None
            return
        self.delimiter = "\t" if fmt == "tsv" else delimiter
        self.writer = csv.writer(handle, delimiter=self.delimiter, lineterminator="\n")
        self.writer.writerow(self.columns + list(RESULT_COLUMNS))

    def write(self, row, result):
        if self.writer is None:
            record = {**row.fields, "ligne": row.line, **result_fields(result, with_reasons=True)}
            self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            return
        fields = {"ligne": row.line, **result_fields(result, with_reasons=False)}
        kept = [_cell(row.fields.get(c, row.id if c == "id" else None)) for c in self.columns]
        self.writer.writerow(kept + [self._cell(fields[c]) for c in RESULT_COLUMNS])

    def _cell(self, value):
        if isinstance(value, bool):
            return "oui" if value else "non"
        if isinstance(value, float) and self.delimiter == ";":
            return repr(value).replace(".", ",")
        return "" if value is None else value


def _cell(value):
    """An input value as a spreadsheet cell: text as is, anything else (JSON lists, numbers) as JSON."""
    if value is None or isinstance(value, str):
        return value or ""
    return json.dumps(value, ensure_ascii=False)


def write_text_atomically(path, fill, encoding="utf-8"):
    """Call `fill(text_handle)` on a temporary file beside `path`, then rename it to `path`.

    Any exception (an error, Ctrl-C) removes the temporary file and leaves `path` as it was.
    """
    from .artefact import write_atomic

    def write(binary):
        text = io.TextIOWrapper(binary, encoding=encoding, newline="")
        try:
            fill(text)
            text.flush()
        finally:
            # The binary handle belongs to write_atomic, which flushes, syncs and closes it.
            text.detach()

    write_atomic(Path(path), write)


def rejects_path(target) -> Path:
    return Path(str(target) + REJECTS_SUFFIX)


def write_rejects(target, bad_rows) -> Path:
    """The rows that could not be scored, each with its line and reason: <target>.rejets.jsonl."""
    path = rejects_path(target)

    def fill(handle):
        for bad in bad_rows:
            handle.write(json.dumps({"ligne": bad.line, "raison": bad.reason, "donnees": bad.raw}, ensure_ascii=False) + "\n")

    write_text_atomically(path, fill)
    return path
