"""Counts of the corpus, as printed by `corpus check` and copied into corpus/README.md."""

from collections import Counter

from .corpus import KINDS, PAIR_CUES, PLATFORMS, SECTORS, SPLITS, TEXT_LABELS


def _table(title, rows, columns):
    width = max(len(title), *(len(r) for r, _ in rows)) + 2
    head = f"{title:<{width}}" + "".join(f"{c:>9}" for c in columns)
    lines = [head, "-" * len(head)]
    for name, counts in rows:
        lines.append(f"{name:<{width}}" + "".join(f"{counts.get(c, 0):>9}" for c in columns))
    return "\n".join(lines)


def stats_table(corpus) -> str:
    records = corpus.records
    spans = Counter(s.label for s in corpus.seed_spans)
    parts = [
        f"phrases des articles sources : {sum(spans.values())} "
        f"(reseau {spans['reseau']}, media {spans['media']}, neutral {spans['neutral']})",
        f"textes rédigés : {len(records)} (difficiles : {sum(r.hard for r in records)})",
        "",
    ]
    by_split = [(s, Counter(r.label for r in records if r.split == s)) for s in SPLITS]
    for _, c in by_split:
        c["total"] = sum(c.values())
    parts += [_table("partie", by_split, [*TEXT_LABELS, "total"]), ""]
    for field, values in (("platform", PLATFORMS), ("sector", SECTORS), ("locale", None), ("register", None)):
        rows = []
        for value in values or sorted({getattr(r, field) for r in records}):
            chosen = [r for r in records if getattr(r, field) == value]
            counts = Counter(r.label for r in chosen)
            counts["hard"] = sum(r.hard for r in chosen)
            rows.append((value, counts))
        parts += [_table(field, rows, [*TEXT_LABELS, "hard"]), ""]
    kinds = []
    for kind in KINDS:
        chosen = [r for r in records if kind in r.kinds]
        counts = Counter(f"{r.label}" for r in chosen)
        counts.update(f"{r.split}" for r in chosen if r.split == "test")
        kinds.append((kind, counts))
    parts += [_table("genre", kinds, [*TEXT_LABELS, "test"]), ""]
    cues = []
    for cue in PAIR_CUES:
        pairs = {(r.pair, r.split) for r in records if r.pair_cue == cue}
        cues.append((cue, Counter(split for _, split in pairs)))
    parts += [_table("paires contrastées (indice)", cues, list(SPLITS)), ""]
    triples = Counter((r.label, r.platform, r.sector) for r in records)
    parts.append("label x platform x sector (combinaisons présentes) :")
    parts += [f"  {label:<7} {plat:<14} {sector:<15} {n:>4}" for (label, plat, sector), n in sorted(triples.items())]
    return "\n".join(parts)

