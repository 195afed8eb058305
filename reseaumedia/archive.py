"""Scoring a whole archive: checked first, then streamed in chunks, here, in local processes or on Dask.

Two passes over the file, both in constant memory. The first only reads: it counts the rows
(for the progress bar) and collects every bad row, so that a file with a bad row at its last line
stops before anything is printed or written. The second scores chunk by chunk, in input order
whatever runs the chunks, and hands each (row, result) to the caller or to an output file.
"""

import contextlib
import signal
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from .errors import InputError, ReseauMediaError
from .inputs import ArchiveRow, BadRow
from .outputs import TableWriter, clashing_columns, rejects_path, write_rejects, write_text_atomically

# Rows per task: big enough that a worker spends its time scoring, small enough for a lively
# progress bar and a small memory. Fixed, so that the chunks (and the results) are the same
# whatever runs them.
CHUNK_ROWS = 200
SHOWN_PROBLEMS = 30
BACKENDS = ("local", "dask")
# How long to wait for a Dask scheduler to answer, and for a first worker to join it.
DASK_TIMEOUT = "15s"


@dataclass
class Survey:
    """What the first pass found: how many rows can be scored, and every row that cannot."""

    good: int = 0
    bad: list = field(default_factory=list)


def survey(archive) -> Survey:
    found = Survey()
    for row in archive.rows():
        if isinstance(row, BadRow):
            found.bad.append(row)
        else:
            found.good += 1
    return found


def check(archive, found: Survey, skip_invalid: bool, output_columns=()):
    """Raise with every problem of the file, unless the bad rows are to be set aside."""
    clashes = clashing_columns(output_columns)
    if clashes:
        raise InputError(f"{archive.path} : colonne(s) {', '.join(clashes)} déjà présente(s) ; la sortie les écrirait "
                         "par-dessus. Renommez-les, puis relancez.")
    if found.bad and not skip_invalid:
        shown = [f"  {archive.path}:{b.line} : {b.reason}" for b in found.bad[:SHOWN_PROBLEMS]]
        more = len(found.bad) - SHOWN_PROBLEMS
        raise InputError(
            f"{len(found.bad)} ligne(s) inutilisable(s), rien n'a été analysé ni écrit :\n" + "\n".join(shown)
            + (f"\n  … et {more} autre(s)" if more > 0 else "")
            + "\nCorrigez-les, ou relancez avec --ignorer-invalides pour les écrire à part et analyser le reste."
        )
    if not found.good:
        raise InputError(f"{archive.path} : aucun texte à analyser.")


def _chunks(rows):
    good = (r for r in rows if isinstance(r, ArchiveRow))
    while chunk := list(islice(good, CHUNK_ROWS)):
        yield chunk


# One model per worker process, loaded by the first chunk it scores (not once per chunk).
_WORKER_MODELS = {}


def score_texts(model_dir, source, texts, reasons, sentences):
    """Decisions (as dicts) for a chunk of texts; runs in a worker process as well as here."""
    import warnings

    from .api import Model
    from .artefact import load_estimator
    from .features import forget_analyses

    key = (str(model_dir), source)
    if key not in _WORKER_MODELS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the main process has already warned about versions
            estimator, meta = load_estimator(model_dir)
        _WORKER_MODELS[key] = Model(estimator, meta, model_dir, source)
    return _predict(_WORKER_MODELS[key], texts, reasons, sentences, forget_analyses)


# spaCy's vocabulary grows with every new word: the pipeline is reloaded after this many texts.
RELOAD_SPACY_EVERY = 50_000
_since_reload = [0]


def _predict(model, texts, reasons, sentences, forget):
    from .nlp import reload_spacy

    results = [p.to_dict() for p in model.predict(texts, reasons=reasons, sentences=sentences)]
    # The texts of an archive are distinct: their analyses would only fill memory.
    forget()
    _since_reload[0] += len(texts)
    if _since_reload[0] >= RELOAD_SPACY_EVERY:
        _since_reload[0] = 0
        reload_spacy()
    return results


def scored_chunks(archive, model, *, reasons=False, sentences=False, n_jobs=1, backend="local", scheduler=None):
    """Yield [(row, result dict), ...] chunk by chunk, in input order."""
    if backend not in BACKENDS:
        raise ReseauMediaError(f"moteur « {backend} » inconnu ; admis : {', '.join(BACKENDS)}.")
    if backend == "local" and n_jobs == 1:
        from .features import forget_analyses

        for chunk in _chunks(archive.rows()):
            yield list(zip(chunk, _predict(model, [r.text for r in chunk], reasons, sentences, forget_analyses)))
        return
    if model.path is None:
        raise ReseauMediaError("le calcul en parallèle charge le modèle depuis son dossier : donnez --modele DOSSIER.")
    with _parallel_backend(backend, scheduler):
        from joblib import Parallel, delayed

        pending = deque()

        def tasks():
            for chunk in _chunks(archive.rows()):
                pending.append(chunk)
                yield delayed(score_texts)(str(model.path), model.source, [r.text for r in chunk], reasons, sentences)

        workers = -1 if backend == "dask" else n_jobs
        for results in Parallel(n_jobs=workers, return_as="generator", pre_dispatch="2*n_jobs")(tasks()):
            yield list(zip(pending.popleft(), results))


@contextlib.contextmanager
def _parallel_backend(backend, scheduler):
    if backend == "local":
        yield
        return
    if not scheduler:
        raise ReseauMediaError("--backend dask demande l'adresse du planificateur : --scheduler tcp://HÔTE:8786 "
                               "(lancez-le avec « dask scheduler », voir le README).")
    try:
        from dask.distributed import Client
    except ImportError:
        raise ReseauMediaError("le calcul sur Dask demande l'extra dask : pip install \"reseaumedia[dask]\".") from None
    from joblib import parallel_config

    try:
        client = Client(scheduler, timeout=DASK_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise ReseauMediaError(f"impossible de joindre le planificateur Dask « {scheduler} » ({exc}). "
                               "Vérifiez l'adresse et que « dask scheduler » tourne.") from None
    try:
        if not client.scheduler_info().get("workers"):
            client.wait_for_workers(1, timeout=DASK_TIMEOUT)
        with parallel_config(backend="dask"):
            yield
    except TimeoutError:
        raise ReseauMediaError(f"aucun travailleur Dask n'est connecté à « {scheduler} » : lancez "
                               f"« dask worker {scheduler} » sur chaque machine.") from None
    finally:
        client.close()


def progress_bar(total, enabled):
    """A tqdm bar on standard error (texts/s, time left), or None."""
    if not enabled:
        return None
    import os

    from tqdm import tqdm

    try:
        size = os.get_terminal_size(sys.stderr.fileno())
    except (OSError, ValueError):
        size = os.terminal_size((0, 0))
    # A terminal that reports no size (a bare pseudo-terminal) would get an empty, hidden bar.
    sizing = {"dynamic_ncols": True} if size.columns and size.lines else {"ncols": 100, "nrows": 24}
    return tqdm(total=total, unit=" textes", file=sys.stderr, smoothing=0.1, **sizing,
                bar_format="{desc}{percentage:3.0f} %|{bar}| {n_fmt}/{total_fmt} "
                           "[{elapsed} écoulé, reste {remaining}, {rate_fmt}]", desc="analyse ")


@contextlib.contextmanager
def _interruptible():
    """SIGTERM ends the run the way Ctrl-C does, so temporary files are removed on the way out."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise KeyboardInterrupt

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


@dataclass
class Outcome:
    scored: int
    output: Path | None
    rejects: Path | None
    rejected: int


def run(archive, model, *, output=None, output_format=None, show=None, reasons=False, sentences=False,
        skip_invalid=False, n_jobs=1, backend="local", scheduler=None, progress=False) -> Outcome:
    """Check `archive`, score it, and write `output` (a path) or hand each row to `show(row, result)`.

    Without `skip_invalid`, any bad row stops everything before a row is scored. With it, the bad
    rows go to `<output or input>.rejets.jsonl`, each with its line and reason.
    """
    if n_jobs < 1:
        raise ReseauMediaError(f"--n-jobs doit être au moins 1, reçu {n_jobs}.")
    fmt = None
    if output is not None:
        from .outputs import output_format as resolve_format

        fmt = resolve_format(output, output_format)
        if Path(output).resolve() == archive.path.resolve():
            raise InputError(f"{output} : la sortie remplacerait le fichier lu ; choisissez un autre nom.")
    kept = _kept_columns(archive)
    found = survey(archive)
    check(archive, found, skip_invalid, kept if fmt in ("csv", "tsv") else ())
    with_reasons = reasons or fmt == "jsonl"
    bar = progress_bar(found.good, progress)
    chunks = scored_chunks(archive, model, reasons=with_reasons, sentences=sentences and output is None,
                           n_jobs=n_jobs, backend=backend, scheduler=scheduler)
    try:
        with _interruptible():
            if output is None:
                for chunk in chunks:
                    _show_chunk(chunk, show, bar)
            else:
                def fill(handle):
                    writer = TableWriter(handle, fmt, kept, archive.delimiter or ",")
                    for chunk in chunks:
                        for row, result in chunk:
                            writer.write(row, result)
                        if bar is not None:
                            bar.update(len(chunk))

                # A CSV read with a BOM is written with one: that is how Excel recognises UTF-8.
                write_text_atomically(output, fill, encoding="utf-8-sig" if archive.bom and fmt != "jsonl" else "utf-8")
    finally:
        chunks.close()
        if bar is not None:
            bar.close()
    rejects = None
    if found.bad:
        rejects = write_rejects(output if output is not None else archive.path, found.bad)
    return Outcome(found.good, Path(output) if output is not None else None, rejects, len(found.bad))


def _kept_columns(archive):
    if archive.columns is not None:
        return archive.columns
    return ["id", archive.column] if archive.format == "jsonl" else [archive.column]


def _show_chunk(chunk, show, bar):
    if bar is None:
        for row, result in chunk:
            show(row, result)
        return
    # Rows printed on the same terminal as the bar: clear it, print, redraw.
    with bar.external_write_mode(file=sys.stdout):
        for row, result in chunk:
            show(row, result)
    bar.update(len(chunk))


__all__ = ["CHUNK_ROWS", "Outcome", "Survey", "rejects_path", "run", "score_texts", "scored_chunks", "survey"]
