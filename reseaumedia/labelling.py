"""Active learning: the texts the model is least sure of, answered one at a time, saved at once.

Each answer is one JSON line appended to the output and flushed to disk before the next text is
shown, so an interruption loses nothing and a rerun starts after the last answer. The output is
a file `train --add` reads (`id`, `text`, `label`). Texts passed over are listed in a side file
(`<output>.passes`) so that a rerun does not show them first again.
"""

import json
import os
from pathlib import Path

from .artefact import write_atomic
from .labels import MEDIA, RESEAU
from .inputs import read_rows

KEYS = {"r": RESEAU, "m": MEDIA}


def default_output(path) -> Path:
    path = Path(path)
    return path.with_name(f"{path.stem}.etiquettes.jsonl")


def _done_ids(output: Path) -> set:
    """Ids already answered; a last line cut by a crash is dropped from the file, not misread."""
    if not output.exists():
        return set()
    raw = output.read_bytes()
    lines = raw.split(b"\n")
    ids, good = set(), []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            ids.add(json.loads(line)["id"])
            good.append(line)
        except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError):
            if i < len(lines) - 1:
                raise ValueError(f"{output}:{i + 1} : ligne illisible ; corrigez-la ou supprimez-la avant de reprendre.")
    cleaned = b"".join(g + b"\n" for g in good)
    if cleaned != raw:
        write_atomic(output, lambda h: h.write(cleaned))
    return ids


class Session:
    """The queue of texts to label, least certain first, minus what is answered or passed over."""

    def __init__(self, path, model, output=None, column="text"):
        self.rows = read_rows(path, column)
        self.model = model
        self.output = Path(output) if output else default_output(path)
        self.passes = self.output.with_name(self.output.name + ".passes")
        done = _done_ids(self.output)
        passed = set(self.passes.read_text(encoding="utf-8").split("\n")) if self.passes.exists() else set()
        self.answered = len(done)
        todo = [r for r in self.rows if r.id not in done and r.id not in passed]
        predictions = model.predict([r.text for r in todo], reasons=False, sentences=False) if todo else []
        # Closest to one half first: the answers that teach the model most.
        order = sorted(range(len(todo)), key=lambda i: (predictions[i].confidence, i))
        self.queue = [todo[i] for i in order]

    def explain(self, row):
        return self.model.predict(row.text)

    def _append(self, path: Path, line: str) -> None:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def answer(self, row, key: str) -> None:
        """Record 'r' or 'm' for `row` (or 's' to pass over it), durably, before returning."""
        if key == "s":
            self._append(self.passes, row.id)
            return
        self._append(self.output, json.dumps({"id": row.id, "text": row.text, "label": KEYS[key]}, ensure_ascii=False))
        self.answered += 1
