"""Command line: parses, calls the library, prints. `python cli.py` and `reseaumedia` run this."""

import argparse
import importlib
import json
import os
import sys
import warnings
from pathlib import Path

from . import load, predict
from .api import LABEL_NAMES_FR
from .errors import ReseauMediaError
from .inputs import BATCH_SUFFIXES, read_bytes, read_rows, single_text


def _bar(p, width=20):
    filled = round(p * width)
    return "█" * filled + "░" * (width - filled)


def _percent(p):
    # One decimal, French style; never a flat "100 %" or "0 %", which no model can promise.
    if p >= 0.9995:
        return "> 99,9 %"
    if p <= 0.0005:
        return "< 0,1 %"
    return f"{p * 100:.1f} %".replace(".", ",")


def _headline(prediction):
    """« réseau (probabilité 87,2 %) », or « incertain (penche réseau, 58,0 %) » with the reason."""
    if prediction.certain:
        return f"{prediction.label_fr} (probabilité {_percent(prediction.confidence)})"
    return (f"incertain (penche {prediction.label_fr}, {_percent(prediction.confidence)}) : "
            f"{prediction.uncertain_reason_fr}")


# ANSI colours of the two sides, used only on a terminal that accepts them.
COLOURS = {"reseau": "\033[1;32m", "media": "\033[1;35m"}
RESET = "\033[0m"
# A longer text is shown coloured up to here only.
COLOURED_CHARS = 2000


def _colour_text(text, reasons):
    """The text with each word named as a reason coloured by the side it pushes toward."""
    marks = sorted((start, end, r.side) for r in reasons for start, end in r.spans if end <= len(text))
    out, position = [], 0
    for start, end, side in marks:
        if start < position:
            continue
        out += [text[position:start], COLOURS[side], text[start:end], RESET]
        position = end
    out.append(text[position:])
    return "".join(out)


def _show(prediction, text, colour=False, sentences=False, n_reasons=5):
    lines = [_headline(prediction)]
    for label in ("reseau", "media"):
        p = prediction.probabilities[label]
        lines.append(f"  {LABEL_NAMES_FR[label]:<7}{_bar(p)} {_percent(p):>8}")
    if colour and prediction.reasons:
        # The spans point into the text as given: cut it, never reflow it.
        shown = _colour_text(text[:COLOURED_CHARS], prediction.reasons) + ("…" if len(text) > COLOURED_CHARS else "")
        lines.append("  " + shown.replace("\n", "\n  "))
    strongest = sorted(prediction.reasons, key=lambda r: -r.weight)[:n_reasons]
    if strongest:
        lines.append("raisons :")
    for r in strongest:
        side = LABEL_NAMES_FR[r.side]
        if colour:
            side = f"{COLOURS[r.side]}{side}{RESET}"
        weight = f"{r.weight:.2f}".replace(".", ",")
        lines.append(f"  → {side:<7} {r.description} (poids {weight})")
    if sentences and prediction.sentences:
        lines.append("phrases :")
        for s in prediction.sentences:
            lines.append(f"  {LABEL_NAMES_FR[s.label]:<7} {_percent(s.probabilities[s.label]):>8}  « {_excerpt(s.text)} »")
    return "\n".join(lines)


def _use_colour(stream) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _excerpt(text, width=60):
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def cmd_score(args):
    if args.file and args.texts:
        raise ReseauMediaError("donnez soit des textes, soit --file, pas les deux.")
    model = load(args.model) if args.model else None
    if args.file and Path(args.file).suffix.lower() in BATCH_SUFFIXES:
        rows = read_rows(args.file, args.column)
        # Reasons and sentences only where they are printed: the JSON lines.
        predictions = predict([r.text for r in rows], model=model, reasons=args.json, sentences=args.json)
        for row, p in zip(rows, predictions):
            if args.json:
                print(json.dumps({"id": row.id, "line": row.line, **p.to_dict()}, ensure_ascii=False))
            else:
                label = p.label_fr if p.certain else f"incertain ({p.label_fr})"
                print(f"ligne {row.line:>5}  {label:<7} {_percent(p.confidence):>8}  « {_excerpt(row.text)} »")
        return 0
    if args.file:
        texts = [single_text(read_bytes(args.file), args.file)]
    elif args.texts:
        # surrogateescape gives back the bytes a non-UTF-8 terminal sent, so they are reported, not crashed on.
        texts = [single_text(t.encode("utf-8", "surrogateescape"), f"texte n° {i}") for i, t in enumerate(args.texts, 1)]
    else:
        if sys.stdin is None or sys.stdin.isatty():
            raise ReseauMediaError("aucun texte : donnez un texte entre guillemets, --file FICHIER, ou passez-le par l'entrée standard.")
        texts = [single_text(sys.stdin.buffer.read(), "entrée standard")]
    predictions = predict(texts, model=model)
    colour = _use_colour(sys.stdout)
    for text, p in zip(texts, predictions):
        print(json.dumps(p.to_dict(), ensure_ascii=False) if args.json else _show(p, text, colour, args.phrases))
    if not args.json:
        print(f"modèle {predictions[0].model_version}")
    return 0


def _training():
    """The training package lives in the project checkout beside corpus/, not in the wheel."""
    try:
        return importlib.import_module("training.train")
    except ModuleNotFoundError:
        cwd = Path.cwd()
        if (cwd / "training" / "train.py").exists():
            sys.path.insert(0, str(cwd))
            return importlib.import_module("training.train")
        raise ReseauMediaError(
            "les commandes train, evaluate et corpus se lancent depuis une copie du projet "
            "(dossiers corpus/ et training/) : placez-vous à sa racine et relancez la commande."
        ) from None


def cmd_train(args):
    train = _training()
    meta = train.run(args.corpus or train.DEFAULT_CORPUS, args.output or train.DEFAULT_OUTPUT,
                     args.config or train.DEFAULT_CONFIG, log=lambda m: print(m, file=sys.stderr))
    print(f"modèle {meta['version']} enregistré dans {args.output or train.DEFAULT_OUTPUT}")
    _print_metrics(meta["metrics"])
    return 0


METRIC_NAMES = {
    "dev": "dev",
    "test": "test",
    "seed_sentences_only": "test, modèle entraîné sur les seules phrases des articles",
    "leave_one_source_out": "validation croisée, une source retenue à la fois",
    "leave_one_platform_out": "validation croisée, une plateforme retenue à la fois",
}


def _metric_line(name, m):
    hard = f", cas difficiles {_percent(m['hard_accuracy'])} (n={m['hard_n']})" if "hard_accuracy" in m else ""
    return f"  {name} : exactitude {_percent(m['accuracy'])}, F1 macro {m['macro_f1']:.3f} (n={m['n']}){hard}"


def _print_metrics(metrics):
    for key, name in METRIC_NAMES.items():
        if key in metrics:
            print(_metric_line(name, metrics[key]))


def cmd_evaluate(args):
    train = _training()
    from training.corpus import load_corpus
    from training.evaluate import evaluate_on

    model = load(args.model) if args.model else load()
    corpus = load_corpus(args.corpus or train.DEFAULT_CORPUS)
    examples = corpus.seed_examples() if args.split == "seed" else corpus.examples(args.split)
    if not examples:
        raise ReseauMediaError(f"aucun texte dans la partie « {args.split} » du corpus.")
    metrics = evaluate_on(model.estimator, examples)
    if args.json:
        print(json.dumps(metrics, ensure_ascii=False, indent=2))
    else:
        print(f"modèle {model.version}")
        print(_metric_line(args.split, metrics))
    return 0


def cmd_corpus_check(args):
    train = _training()
    from training.corpus import load_corpus
    from training.stats import stats_table

    corpus = load_corpus(args.corpus or train.DEFAULT_CORPUS)
    print(stats_table(corpus))
    print("corpus valide.")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(
        prog="reseaumedia",
        description="Dit si un texte en français est orienté réseau (relation) ou média (diffusion).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")

    score = sub.add_parser("score", help="analyser un texte, un fichier ou l'entrée standard")
    score.add_argument("texts", nargs="*", metavar="TEXTE", help="texte(s) à analyser")
    score.add_argument("--file", "-f", help="fichier texte (un texte), ou .csv / .jsonl (un texte par ligne)")
    score.add_argument("--column", "--colonne", default="text", help="colonne ou champ du texte (défaut : text)")
    score.add_argument("--json", action="store_true", help="sortie JSON (une ligne par texte, raisons et phrases comprises)")
    score.add_argument("--phrases", action="store_true", help="afficher aussi l'orientation de chaque phrase")
    score.add_argument("--model", "--modele", help="dossier d'un autre modèle")
    score.set_defaults(func=cmd_score)

    train = sub.add_parser("train", help="entraîner le modèle sur le corpus")
    train.add_argument("--corpus", help="dossier du corpus (défaut : corpus/)")
    train.add_argument("--output", "--sortie", help="dossier du modèle (défaut : model/)")
    train.add_argument("--config", help="configuration (défaut : training/config.json)")
    train.set_defaults(func=cmd_train)

    evaluate = sub.add_parser("evaluate", help="mesurer un modèle sur une partie du corpus")
    evaluate.add_argument("--split", default="test", choices=["train", "dev", "test", "seed"])
    evaluate.add_argument("--corpus", help="dossier du corpus (défaut : corpus/)")
    evaluate.add_argument("--model", "--modele", help="dossier du modèle (défaut : le modèle livré)")
    evaluate.add_argument("--json", action="store_true", help="sortie JSON")
    evaluate.set_defaults(func=cmd_evaluate)

    corpus = sub.add_parser("corpus", help="outils du corpus")
    corpus_sub = corpus.add_subparsers(dest="corpus_command", required=True, metavar="ACTION")
    check = corpus_sub.add_parser("check", help="valider le corpus et afficher ses effectifs")
    check.add_argument("--corpus", help="dossier du corpus (défaut : corpus/)")
    check.set_defaults(func=cmd_corpus_check)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    warnings.formatwarning = lambda message, *_: f"attention : {message}\n"
    try:
        return args.func(args)
    except ReseauMediaError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrompu.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`... | head`): nothing more to print, and nothing to report.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
