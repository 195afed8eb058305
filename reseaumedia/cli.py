"""Command line: parses, calls the library, prints. `python cli.py` and `reseaumedia` run this."""

import argparse
import contextlib
import importlib
import json
import os
import sys
import warnings

from .artefact import default_model_dir, read_meta
from .errors import ReseauMediaError
from .home import Registry, home_dir, resolve
from .inputs import ARCHIVE_FORMATS, archive_format, read_bytes, single_text
from .labels import LABEL_NAMES_FR, MEDIA, RESEAU
from .outputs import OUTPUT_FORMATS
from .results import MODEL_SOURCES_FR


def load(path=None, *, home=None):
    """The model, imported only by the commands that score here (see `reseaumedia.client`)."""
    from .api import load as load_model

    return load_model(path, home=home)


def predict(texts, model, **options):
    from .api import predict as predict_with

    return predict_with(texts, model, **options)


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
COLOURS = {RESEAU: "\033[1;32m", MEDIA: "\033[1;35m"}
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
    for label in (RESEAU, MEDIA):
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
    if args.file and (archive_format(args.file, args.format) or args.output):
        return _score_file(args)
    if args.output or args.format or args.encoding or args.skip_invalid or args.n_jobs != 1 or args.backend != "local":
        raise ReseauMediaError("--sortie, --format, --encoding, --ignorer-invalides, --n-jobs et --backend vont avec "
                               "--file TABLEAU (.csv, .tsv, .jsonl, ou --format lignes) ; un texte seul se lit en UTF-8.")
    if args.file:
        texts = [single_text(read_bytes(args.file), args.file)]
    elif args.texts:
        # surrogateescape gives back the bytes a non-UTF-8 terminal sent, so they are reported, not crashed on.
        texts = [single_text(t.encode("utf-8", "surrogateescape"), f"texte n° {i}") for i, t in enumerate(args.texts, 1)]
    else:
        if sys.stdin is None or sys.stdin.isatty():
            raise ReseauMediaError("aucun texte : donnez un texte entre guillemets, --file FICHIER, ou passez-le par l'entrée standard.")
        texts = [single_text(sys.stdin.buffer.read(), "entrée standard")]
    predictions, model_line = _score_texts(texts, args)
    colour = _use_colour(sys.stdout)
    for text, p in zip(texts, predictions):
        print(json.dumps(p.to_dict(), ensure_ascii=False) if args.json else _show(p, text, colour, args.phrases))
    if not args.json:
        print(model_line)
    return 0


def _score_texts(texts, args):
    """(predictions, model line): through a running server when it has the model this command
    would load (no spaCy, no scikit-learn imported here), else in this process."""
    from .client import fits, health, predict_remote

    if not args.local and fits(texts):
        server = health(args.port)
        if server is not None:
            directory, source = resolve(args.model, args.home)
            version = read_meta(directory).get("version")
            if server.get("model_version") == version:
                return predict_remote(texts, args.port), _model_line(version, source, directory)
            print(f"attention : le serveur reseaumedia de ce poste utilise le modèle {server.get('model_version')}, "
                  f"pas {version} que cette commande charge ; analyse sur place. Relancez « reseaumedia serve » "
                  "pour qu'il utilise ce modèle.", file=sys.stderr)
    model = load(args.model, home=args.home)
    return predict(texts, model=model), _model_line(model.version, model.source, model.path)


def _model_line(version, source, path):
    where = "" if source == "shipped" else f", {path}"
    return f"modèle {version} ({MODEL_SOURCES_FR[source]}{where})"


def cmd_serve(args):
    from .server import check_port_free, run

    port = _port(args)
    check_port_free(port)  # before the model's load, not after
    model = load(args.model, home=args.home)
    print(f"chargement du {_model_line(model.version, model.source, model.path)}…", flush=True)
    try:
        run(model, port, ready=lambda url: print(f"prêt : {url} (arrêt : Ctrl-C)", flush=True))
    except KeyboardInterrupt:
        pass  # uvicorn shuts down cleanly, then hands the Ctrl-C back
    print("serveur arrêté.")
    return 0


def _port(args):
    from .client import configured_port

    return configured_port(args.port)


def _score_file(args):
    """A whole table (CSV, TSV, JSONL, or one text per line), streamed; see reseaumedia.archive."""
    from .archive import run
    from .inputs import Archive

    if archive_format(args.file, args.format) is None:
        raise ReseauMediaError(f"{args.file} est lu comme un seul texte : --sortie va avec un tableau (.csv, .tsv, "
                               ".jsonl), ou ajoutez --format lignes pour un texte par ligne.")
    if args.json and args.output:
        raise ReseauMediaError("--json règle l'affichage ; avec --sortie, nommez le fichier .jsonl pour du JSON.")
    archive = Archive(args.file, args.column, args.format, args.encoding)
    model = load(args.model, home=args.home)

    def show(row, result):
        if args.json:
            print(json.dumps({"id": row.id, "line": row.line, **result}, ensure_ascii=False))
        else:
            label = LABEL_NAMES_FR[result["label"]]
            label = label if result["certain"] else f"incertain ({label})"
            confidence = result["probabilities"][result["label"]]
            print(f"ligne {row.line:>5}  {label:<7} {_percent(confidence):>8}  « {_excerpt(row.text)} »")

    # Reasons and sentences only where they are printed: the JSON lines.
    outcome = run(archive, model, output=args.output, output_format=args.output_format, show=show,
                  reasons=args.json, sentences=args.json, skip_invalid=args.skip_invalid, n_jobs=args.n_jobs,
                  backend=args.backend, scheduler=args.scheduler, progress=not args.quiet and sys.stderr.isatty())
    if outcome.rejects:
        print(f"{outcome.rejected} ligne(s) refusée(s), écrites avec leur raison dans {outcome.rejects}", file=sys.stderr)
    if outcome.output is not None and not args.quiet:
        print(f"{outcome.scored} texte(s) analysé(s), écrits dans {outcome.output}")
        print(_model_line(model.version, model.source, model.path))
    return 0


def _training(name="train"):
    """The training modules ship inside the package; imported only by the commands that train."""
    return importlib.import_module(f"reseaumedia.training.{name}")


def _log(message):
    print(message, file=sys.stderr)


def cmd_train(args):
    train = _training()
    if args.add or args.user or not train.IN_CHECKOUT or args.home:
        return _train_user(args)
    if args.dry_run or args.force or args.skip_invalid:
        raise ReseauMediaError("--essai, --forcer et --ignorer-invalides vont avec --add FICHIER.")
    home = home_dir()
    retrain = _training("retrain")
    with retrain.training_lock(home):
        meta = train.run(args.corpus or train.DEFAULT_CORPUS, args.output or train.DEFAULT_OUTPUT,
                         args.config or train.DEFAULT_CONFIG, log=_log)
    print(f"modèle {meta['version']} enregistré dans {args.output or train.DEFAULT_OUTPUT}")
    _print_metrics(meta["metrics"])
    return 0


def _print_intake(intake):
    labels = intake.labels
    print(f"{intake.path} : {len(intake.accepted)} ligne(s) acceptée(s) (réseau {labels[RESEAU]}, "
          f"média {labels[MEDIA]}), {len(intake.rejects)} refusée(s) ; lot « {intake.batch} »")
    if intake.ignored_columns:
        print(f"  colonnes non utilisées : {', '.join(intake.ignored_columns)}")


def _train_user(args):
    intake_mod, retrain = _training("intake"), _training("retrain")
    train = _training()
    home = home_dir(args.home)
    registry = Registry(home)
    with retrain.training_lock(home):
        intake, corpus = None, None
        if args.add:
            corpus = _training("corpus").load_corpus(args.corpus or train.DEFAULT_CORPUS)
            existing = corpus.records + [e for part in retrain.user_examples(registry, {}) for e in part]
            intake = intake_mod.read_user_file(args.add, existing)
            retrain.check_new(registry, intake)
            _print_intake(intake)
            if intake.rejects and not args.skip_invalid:
                shown = [f"  {intake.path}:{r.line} : {r.reason}" for r in intake.rejects[:30]]
                more = f"\n  … et {len(intake.rejects) - 30} autre(s)" if len(intake.rejects) > 30 else ""
                raise ReseauMediaError(
                    f"{len(intake.rejects)} ligne(s) refusée(s), rien n'a été ajouté :\n" + "\n".join(shown) + more
                    + "\nCorrigez-les, ou relancez avec --ignorer-invalides pour les écrire à part et ajouter le reste."
                )
            if not intake.accepted:
                raise ReseauMediaError(f"{intake.path} : aucune ligne acceptée, rien n'a été ajouté.")
        if args.dry_run:
            print("essai : rien n'a été écrit ni entraîné." + (
                f" Avec --add, le lot « {intake.batch} » ({len(intake.accepted)} textes) rejoindrait "
                f"vos données dans {registry.data}, puis un modèle serait entraîné." if intake else ""))
            return 0
        if intake is not None:
            if intake.rejects:
                print(f"  lignes refusées écrites dans {intake_mod.write_rejects(intake)}")
            print(f"  lot enregistré : {retrain.store_batch(registry, intake)}")
        result = retrain.retrain(home, corpus_dir=args.corpus or train.DEFAULT_CORPUS, corpus=corpus,
                                 config_path=args.config or train.DEFAULT_CONFIG,
                                 full=args.full, force=args.force, log=_log)
    _print_comparison(result)
    return 0 if result["activated"] else 3


def _score_cell(m):
    # A measured share, not a model's promise: 100 % is a possible value here.
    return f"F1 macro {m['macro_f1']:.3f}, exactitude {m['accuracy'] * 100:.1f} %".replace(".", ",")


def _print_comparison(result):
    print(f"modèle {result['version']} enregistré dans {result['path']}")
    for key, name in (("test", "test du projet"), ("user_heldout", "vos textes mis de côté")):
        if key in result["after"]:
            before, after = result["before"][key], result["after"][key]
            print(f"  {name} (n={after['n']}) : avant {_score_cell(before)} → après {_score_cell(after)}")
    if result["activated"]:
        print(f"modèle activé ; le précédent ({result['previous']}) reste disponible : « reseaumedia models rollback ».")
    else:
        print(f"modèle NON activé : son F1 macro sur le test baisse de {result['drop'] * 100:.1f} point(s) "
              f"(plus de {_training('retrain').ACTIVATION_TOLERANCE * 100:.0f}). Le modèle en usage ({result['previous_version']}) reste actif. "
              f"Pour l'activer quand même : « reseaumedia models use {result['version']} », ou relancez avec --forcer.")


def cmd_models(args):
    registry = Registry(home_dir(args.home))
    if args.models_command == "list":
        active = registry.active
        shipped_version = read_meta(default_model_dir()).get("version", "?")
        marker = lambda on: "*" if on else " "  # noqa: E731
        print(f"{marker(active is None)} {shipped_version:<22} modèle livré{'':<12} {default_model_dir()}")
        for entry in registry.entries():
            test = entry.meta.get("metrics", {}).get("test", {})
            f1 = f"F1 test {test['macro_f1']:.3f}".replace(".", ",") if test else "F1 test ?"
            print(f"{marker(entry.version == active)} {entry.version:<22} {entry.meta.get('created', '?')[:19]:<24} {f1}")
        for leftover in registry.leftovers():
            print(f"  (entraînement inachevé, jamais activé : {leftover} ; vous pouvez supprimer ce dossier)")
        print("* : modèle en usage")
    elif args.models_command == "use":
        before = registry.use(args.version)
        print(f"modèle en usage : {registry.active or 'livré'} (avant : {before or 'livré'})")
    elif args.models_command == "rollback":
        now = registry.rollback()
        print(f"retour au modèle précédent : {now or 'livré'}")
    return 0


def cmd_data(args):
    retrain = _training("retrain")
    home = home_dir(args.home)
    registry = Registry(home)
    if args.data_command == "list":
        found = retrain.batches(registry)
        if not found:
            print(f"aucun lot dans {registry.data}. Ajoutez-en avec « reseaumedia train --add FICHIER ».")
        for name, p in found:
            labels = p.get("labels", {})
            print(f"{name:<30} {p.get('rows', '?'):>6} textes (réseau {labels.get('reseau', '?')}, média {labels.get('media', '?')})"
                  f"  ajouté le {p.get('added', '?')[:19]}  depuis {p.get('file', '?')}")
        return 0
    with retrain.training_lock(home):
        moved = retrain.remove_batch(registry, args.batch)
        print(f"lot « {args.batch} » retiré de l'entraînement, conservé dans {moved}")
        if args.no_retrain:
            print("aucun réentraînement : lancez « reseaumedia train » pour un modèle sans ce lot.")
            return 0
        train = _training()
        result = retrain.retrain(home, corpus_dir=train.DEFAULT_CORPUS, config_path=train.DEFAULT_CONFIG,
                                 full=False, force=args.force, log=_log)
    _print_comparison(result)
    return 0 if result["activated"] else 3


def _read_key(prompt):
    """One key from the terminal (already in cbreak mode, see `_keys_without_enter`); a line from a pipe."""
    print(prompt, end="", flush=True)
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.strip().lower()[:1]
    key = sys.stdin.read(1)
    if not key:
        raise EOFError
    if key == "\x03":
        raise KeyboardInterrupt
    print(key)
    return key.lower()


@contextlib.contextmanager
def _keys_without_enter():
    """Keys reach the program as they are typed, for the whole session: keys typed ahead are not lost."""
    if not sys.stdin.isatty():
        yield
        return
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def cmd_label(args):
    from .labelling import Session

    model = load(args.model, home=args.home)
    try:
        session = Session(args.file, model, args.output, args.column)
    except ValueError as exc:
        raise ReseauMediaError(str(exc)) from None
    total = len(session.queue)
    print(f"{total} texte(s) à étiqueter, les moins sûrs d'abord ; réponses dans {session.output}")
    print("touches : r = réseau, m = média, s = passer, q = quitter")
    colour = _use_colour(sys.stdout)
    try:
        with _keys_without_enter():
            _label_loop(session, total, colour)
    except KeyboardInterrupt:
        print(f"\ninterrompu ; {session.answered} réponse(s) enregistrée(s) dans {session.output}, rien n'est perdu.")
        return 130
    print(f"{session.answered} réponse(s) dans {session.output}. "
          f"Pour entraîner avec : « reseaumedia train --add {session.output} ».")
    return 0


def _label_loop(session, total, colour):
    for n, row in enumerate(session.queue, 1):
        p = session.explain(row)
        print(f"\n[{n}/{total}] ligne {row.line}")
        print(_show(p, row.text, colour, n_reasons=3))
        while True:
            try:
                key = _read_key("votre étiquette (r/m/s/q) : ")
            except EOFError:
                key = "q"
            if key in ("r", "m", "s", "q"):
                break
            print("touche inconnue : r, m, s ou q.")
        if key == "q":
            return
        session.answer(row, key)


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
    load_corpus = _training("corpus").load_corpus
    evaluate_on = _training("evaluate").evaluate_on

    model = load(args.model, home=args.home)
    corpus = load_corpus(args.corpus or train.DEFAULT_CORPUS)
    examples = corpus.seed_examples() if args.split == "seed" else corpus.examples(args.split)
    if not examples:
        raise ReseauMediaError(f"aucun texte dans la partie « {args.split} » du corpus.")
    metrics = evaluate_on(model.estimator, examples, per_pass=True)
    if args.json:
        print(json.dumps(metrics, ensure_ascii=False, indent=2))
    else:
        print(_model_line(model.version, model.source, model.path))
        print(_metric_line(args.split, metrics))
    return 0


def cmd_corpus_check(args):
    train = _training()
    load_corpus = _training("corpus").load_corpus
    stats_table = _training("stats").stats_table

    corpus = load_corpus(args.corpus or train.DEFAULT_CORPUS)
    print(stats_table(corpus))
    print("corpus valide.")
    return 0


def _with_port(parser):
    parser.add_argument("--port", type=int, help="port du serveur local (défaut : $RESEAUMEDIA_PORT, sinon 8731)")
    return parser


def _with_home(parser):
    parser.add_argument("--home", help="dossier de vos données et modèles (défaut : $RESEAUMEDIA_HOME, sinon le dossier utilisateur)")
    return parser


def build_parser():
    parser = argparse.ArgumentParser(
        prog="reseaumedia",
        description="Dit si un texte en français est orienté réseau (relation) ou média (diffusion).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")

    score = sub.add_parser("score", help="analyser un texte, un fichier ou l'entrée standard")
    score.add_argument("texts", nargs="*", metavar="TEXTE", help="texte(s) à analyser")
    score.add_argument("--file", "-f", help="fichier texte (un texte), ou tableau .csv / .tsv / .jsonl (un texte par ligne)")
    score.add_argument("--column", "--colonne", default="text", help="colonne ou champ du texte (défaut : text)")
    score.add_argument("--format", choices=ARCHIVE_FORMATS,
                       help="format du fichier (défaut : d'après l'extension) ; « lignes » : un texte par ligne")
    score.add_argument("--encoding", "--encodage", help="encodage du tableau (défaut : utf-8 ; sinon cp1252, latin-1)")
    score.add_argument("--output", "--sortie", metavar="FICHIER",
                       help="écrire le tableau analysé (.csv, .tsv ou .jsonl) : colonnes d'origine + décision")
    score.add_argument("--output-format", "--format-sortie", choices=OUTPUT_FORMATS, help="format de la sortie (défaut : d'après l'extension)")
    score.add_argument("--skip-invalid", "--ignorer-invalides", action="store_true",
                       help="analyser les lignes valides et écrire les autres, avec leur raison, dans SORTIE.rejets.jsonl")
    score.add_argument("--quiet", "--silencieux", "-q", action="store_true", help="pas de barre de progression ni de bilan")
    score.add_argument("--n-jobs", "--processus", type=int, default=1, metavar="N", help="analyser avec N processus locaux")
    score.add_argument("--backend", "--moteur", choices=("local", "dask"), default="local",
                       help="« dask » : analyser sur une grappe Dask (avec --scheduler)")
    score.add_argument("--scheduler", "--planificateur", metavar="ADRESSE", help="adresse du planificateur Dask (tcp://hôte:8786)")
    score.add_argument("--json", action="store_true", help="sortie JSON (une ligne par texte, raisons et phrases comprises)")
    score.add_argument("--phrases", action="store_true", help="afficher aussi l'orientation de chaque phrase")
    score.add_argument("--model", "--modele", help="dossier d'un autre modèle")
    score.add_argument("--local", "--sur-place", action="store_true",
                       help="analyser dans ce processus, même si un serveur « reseaumedia serve » tourne")
    _with_port(score)
    _with_home(score)
    score.set_defaults(func=cmd_score)

    serve = sub.add_parser("serve", help="page de rédaction et API locales (http://127.0.0.1), modèle chargé une fois",
                           description="Lance un serveur local sur 127.0.0.1 : page de rédaction, API JSON (/api/predict, "
                                       "/api/health) et documentation (/docs). « score » l'utilise quand il tourne.")
    serve.add_argument("--model", "--modele", help="dossier d'un autre modèle")
    _with_port(serve)
    _with_home(serve)
    serve.set_defaults(func=cmd_serve)

    train = sub.add_parser(
        "train", help="entraîner un modèle",
        description="Dans une copie du projet : entraîne le modèle livré (model/). Avec --add, --utilisateur, "
                    "ou depuis une installation : entraîne sur le corpus du projet et vos lots, dans votre dossier.")
    train.add_argument("--add", "--ajouter", metavar="FICHIER", help="ajouter vos textes étiquetés (.csv, .tsv, .jsonl ; colonnes text et label)")
    train.add_argument("--skip-invalid", "--ignorer-invalides", action="store_true",
                       help="ajouter les lignes valides et écrire les autres, avec leur raison, à côté du fichier")
    train.add_argument("--dry-run", "--essai", action="store_true", help="montrer ce qui changerait, sans rien écrire")
    train.add_argument("--force", "--forcer", action="store_true", help="activer le nouveau modèle même si le test baisse")
    train.add_argument("--full", "--complet", action="store_true",
                       help="recherche des paramètres et calibration une source à la fois (plus lent)")
    train.add_argument("--user", "--utilisateur", action="store_true", help="dans une copie du projet : entraîner votre modèle, pas model/")
    train.add_argument("--corpus", help="dossier du corpus (défaut : celui du projet)")
    train.add_argument("--output", "--sortie", help="dossier du modèle du projet (défaut : model/)")
    train.add_argument("--config", help="configuration (défaut : celle du projet)")
    _with_home(train)
    train.set_defaults(func=cmd_train)

    models = sub.add_parser("models", help="vos modèles : lister, choisir, revenir au précédent")
    models_sub = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    _with_home(models_sub.add_parser("list", help="lister les modèles (* : en usage)"))
    use = models_sub.add_parser("use", help="utiliser un modèle (« livré » : celui du paquet)")
    use.add_argument("version")
    _with_home(use)
    _with_home(models_sub.add_parser("rollback", help="revenir au modèle en usage avant le modèle actuel"))
    models.set_defaults(func=cmd_models)

    data = sub.add_parser("data", help="vos lots de textes étiquetés")
    data_sub = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    _with_home(data_sub.add_parser("list", help="lister vos lots"))
    remove = data_sub.add_parser("remove", help="retirer un lot de l'entraînement (il est conservé), puis réentraîner")
    remove.add_argument("batch", metavar="LOT")
    remove.add_argument("--no-retrain", "--sans-reentrainement", action="store_true", help="ne pas réentraîner")
    remove.add_argument("--force", "--forcer", action="store_true", help="activer le nouveau modèle même si le test baisse")
    _with_home(remove)
    data.set_defaults(func=cmd_data)

    label = sub.add_parser("label", help="étiqueter vos textes, les moins sûrs d'abord (r/m/s/q)")
    label.add_argument("file", metavar="FICHIER", help="textes à étiqueter (.csv ou .jsonl)")
    label.add_argument("--output", "--sortie", help="fichier des réponses (défaut : FICHIER.etiquettes.jsonl)")
    label.add_argument("--column", "--colonne", default="text", help="colonne ou champ du texte (défaut : text)")
    label.add_argument("--model", "--modele", help="dossier d'un autre modèle")
    _with_home(label)
    label.set_defaults(func=cmd_label)

    evaluate = sub.add_parser("evaluate", help="mesurer un modèle sur une partie du corpus")
    evaluate.add_argument("--split", default="test", choices=["train", "dev", "test", "seed"])
    evaluate.add_argument("--corpus", help="dossier du corpus (défaut : corpus/)")
    evaluate.add_argument("--model", "--modele", help="dossier du modèle (défaut : le modèle livré)")
    evaluate.add_argument("--json", action="store_true", help="sortie JSON")
    _with_home(evaluate)
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
    except OSError as exc:
        # Disk full, permission denied, a folder in the way: writes are atomic, so nothing is half done.
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"erreur d'écriture ou de lecture{where} : {exc.strerror or exc}. "
              "Rien n'a été remplacé ; vérifiez la place libre et les droits, puis relancez.", file=sys.stderr)
        return 2
