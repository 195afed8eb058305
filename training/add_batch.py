"""Add a batch of newly written or newly labelled texts to the corpus splits.

    python -m training.add_batch nouveaux.jsonl                  # train/dev, stratified
    python -m training.add_batch test_aveugle.jsonl --split test

Existing records never move: a batch only appends. Records that repeat or nearly repeat a text
already in the corpus (or earlier in the batch) are left out and listed. Nothing is written unless
the whole corpus still validates afterwards.
"""

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from reseaumedia.artefact import write_atomic
from reseaumedia.errors import ReseauMediaError

from .train import DEFAULT_CORPUS
from .corpus import (
    NEAR_DUPLICATE_COSINE, SPLITS, CorpusError, balance_problems, duplicate_problems, load_corpus, near_duplicate_pairs, pair_problems,
    parse_record, read_jsonl,
)

DEV_SHARE = 0.15
INTAKE_MARGIN = 0.03
FIELD_ORDER = (
    "id", "text", "label", "source", "platform", "sector", "register", "locale", "hard", "note", "batch",
    "kinds", "pair", "pair_cue",
)


def _stable_key(record_id: str) -> str:
    return hashlib.sha256(record_id.encode()).hexdigest()


def assign_splits(batch, split=None) -> dict:
    """id -> split. Without `split`, DEV_SHARE of each (label, platform) stratum goes to dev."""
    if split:
        return {r.id: split for r in batch}
    # A contrast pair is drawn as one unit, by its pair id, so that its two texts share a split.
    units = defaultdict(list)
    for r in batch:
        units[r.pair or r.id].append(r)
    strata = defaultdict(list)
    for name, members in units.items():
        first = members[0]
        strata[("pair", first.pair_cue) if first.pair else (first.label, first.platform)].append(name)
    chosen = {}
    for names in strata.values():
        names.sort(key=_stable_key)
        n_dev = round(len(names) * DEV_SHARE)
        for i, name in enumerate(names):
            for r in units[name]:
                chosen[r.id] = "dev" if i < n_dev else "train"
    return chosen


def add_batch(batch_path, corpus_dir, split=None, source="authored", log=print) -> dict:
    corpus = load_corpus(corpus_dir)
    problems, seen_ids = [], {r.id: "corpus" for r in corpus.records}
    defaults = {"source": source, "batch": Path(batch_path).stem}
    # One read of the batch: the checked records, and the objects as they will be written back.
    batch, raw = [], {}
    for number, obj in read_jsonl(Path(batch_path), problems):
        obj = {**defaults, **obj}
        record = parse_record(obj, f"{batch_path}:{number}", "batch", problems, seen_ids)
        if record is not None:
            batch.append(record)
            raw[record.id] = obj
    if problems:
        raise CorpusError(problems)

    existing = list(corpus.records)
    twins = defaultdict(set)
    # A margin below the validation threshold: the IDF moves as texts come in, and a pair just
    # under it at intake must not cross it once the batch is in.
    for a, b, _ in near_duplicate_pairs(existing + batch, NEAR_DUPLICATE_COSINE - INTAKE_MARGIN):
        twins[a.id].add(b.id)
        twins[b.id].add(a.id)
    # A batch record goes when it nearly repeats a record already in, or kept earlier in the batch.
    present = {r.id for r in existing}
    kept, dropped = [], []
    for record in batch:
        if twins[record.id] & present:
            dropped.append(record)
        else:
            kept.append(record)
            present.add(record.id)
    # A pair that lost one text is no pair: its other text goes too.
    broken = {r.pair for r in dropped if r.pair}
    dropped += [r for r in kept if r.pair in broken]
    kept = [r for r in kept if r.pair not in broken]
    splits = assign_splits(kept, split)
    placed = [replace(r, split=splits[r.id]) for r in kept]
    # The whole corpus as it will be must validate before a byte is written.
    problems = duplicate_problems(existing + placed) + balance_problems(existing + placed) + pair_problems(existing + placed)
    if problems:
        raise CorpusError(problems)

    for name in SPLITS:
        rows = [r for r in placed if r.split == name]
        if not rows:
            continue
        path = Path(corpus_dir) / "authored" / f"{name}.jsonl"
        before = path.read_bytes() if path.exists() else b""
        lines = []
        for r in rows:
            lines.append(json.dumps({k: raw[r.id][k] for k in FIELD_ORDER if k in raw[r.id]}, ensure_ascii=False))
        payload = before + ("\n".join(lines) + "\n").encode("utf-8")
        write_atomic(path, lambda h, data=payload: h.write(data))
    counts = {name: sum(r.split == name for r in placed) for name in SPLITS}
    log(f"{defaults['batch']} : {len(placed)} ajoutés {counts}, {len(dropped)} écartés (quasi-doublons) : "
        + ", ".join(r.id for r in dropped))
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Ajouter un lot de textes étiquetés au corpus.")
    parser.add_argument("batch", nargs="+", help="fichier(s) JSONL du lot")
    parser.add_argument("--split", choices=SPLITS, help="forcer la partie (ex. test) ; sinon train/dev stratifiés")
    parser.add_argument("--source", default="authored", choices=["authored", "user"], help="origine des textes")
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    args = parser.parse_args(argv)
    try:
        for path in args.batch:
            add_batch(path, args.corpus, args.split, args.source)
    except ReseauMediaError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
