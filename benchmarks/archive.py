"""Throughput and memory of archive scoring, in one run.

    python benchmarks/archive.py                          # the shipped model
    python benchmarks/archive.py --fit-analysis tokenizer # a model fit here with another analysis

Prints, on distinct corpus texts (every text carries a numbered suffix, so nothing repeats and the
analysis cache cannot flatter the figures):
1. single-process scoring, labels only (what `score --file … --sortie x.csv` computes), and the
   spaCy components that analysis uses run alone on the same texts with the same batch size;
2. spaCy's batch sweeps (texts and characters per batch) and n_process;
3. `--n-jobs 2` against one process, through the archive runner on the same CSV;
4. a generated CSV of about 100 MB scored end to end by the command line in a child process:
   wall time, rows out = rows in, and the child's peak resident memory (wait4's ru_maxrss).

`--fit-analysis NAME` fits a model on the train split with that analysis and the shipped model's
parameters (no calibration: speed does not depend on it) and measures that model instead.
"""

import argparse
import csv
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import reseaumedia  # noqa: E402
from reseaumedia import archive, features  # noqa: E402
from reseaumedia.inputs import Archive  # noqa: E402
from reseaumedia.nlp import load_spacy, load_tokenizer  # noqa: E402
from reseaumedia.text import normalise  # noqa: E402


def corpus_texts():
    texts = []
    for path in sorted((ROOT / "corpus" / "authored").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


def distinct(texts, n, start=0):
    return [f"{text} (n° {i})" for i, text in zip(range(start, start + n), itertools.cycle(texts))]


def rate(n, function):
    features.forget_analyses()
    begin = time.perf_counter()
    function()
    return n / (time.perf_counter() - begin)


def fitted_model(analysis, folder):
    """A model folder fit on the train split with `analysis` (shipped parameters, no calibration)."""
    from reseaumedia.artefact import save_model
    from training.config import TrainingConfig
    from training.corpus import load_corpus
    from training.train import fitter

    config = TrainingConfig.read(ROOT / "training" / "config.json")
    shipped = json.loads((ROOT / "model" / "meta.json").read_text(encoding="utf-8"))["params"]
    params = {k: shipped[k] for k in config.search if k in shipped} | {"analysis": analysis}
    estimator = fitter(config, params)(load_corpus(ROOT / "corpus").examples("train"))
    save_model(estimator, folder, {"params": params, "note": "benchmark model, uncalibrated"})
    return reseaumedia.load(folder)


def spacy_alone(nlp, analysis, normalised, batch_size, max_chars=features.BATCH_CHARS):
    """The spaCy part of the analysis alone, in the analysis's own batches."""
    pipe = nlp.pipe if analysis == "full" else nlp.tokenizer.pipe
    return lambda: list(features.piped(pipe, normalised, batch_size, max_chars))


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        for i, text in enumerate(rows):
            writer.writerow([f"r{i}", text])


def big_csv(path, texts, megabytes):
    """About `megabytes` MB of distinct texts with light variations (case, order, a tag, a number)."""
    variants = (
        lambda t, i: f"{t} (n° {i})",
        lambda t, i: f"#{i % 97} {t}",
        lambda t, i: f"{t}\nRéf. {i}",
        lambda t, i: f"{t.lower()} [{i}]",
    )
    limit, rows = megabytes * 1_000_000, 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        for i, text in enumerate(itertools.cycle(texts)):
            writer.writerow([f"r{i}", variants[i % len(variants)](text, i)])
            rows += 1
            if rows % 1000 == 0 and handle.tell() >= limit:
                break
    return rows


def child_run(command):
    """(exit code, wall seconds, peak RSS in MB) of a child process.

    The peak is read by GNU time (`/usr/bin/time -f %M`), a small process between us and the
    child: a child forked straight from this (large) process would report our size as its peak.
    Without GNU time, the child's VmHWM is polled from /proc every 0.1 s until it ends.
    """
    begin = time.perf_counter()
    if Path("/usr/bin/time").exists():
        with tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
            done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, *command],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            wall = time.perf_counter() - begin
            peak_kb = int(report.read().strip().splitlines()[-1])
        code, error = done.returncode, done.stderr.decode("utf-8", "replace")
    else:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        peak_kb = 0
        while process.poll() is None:
            try:
                status = Path(f"/proc/{process.pid}/status").read_text()
                peak_kb = max(peak_kb, int(status.split("VmHWM:")[1].split()[0]))
            except (OSError, IndexError):
                pass
            time.sleep(0.1)
        wall = time.perf_counter() - begin
        code, error = process.returncode, process.stderr.read().decode("utf-8", "replace")
    if code:
        print(error, file=sys.stderr)
    return code, wall, peak_kb / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=3000, help="distinct texts for the speed measures")
    parser.add_argument("--jobs-texts", type=int, default=4000, help="rows of the CSV for the --n-jobs comparison")
    parser.add_argument("--megabytes", type=int, default=100, help="size of the generated CSV (0: skip)")
    parser.add_argument("--n-jobs-big", type=int, default=1, help="--n-jobs for the big CSV")
    parser.add_argument("--fit-analysis", choices=features.ANALYSES, help="measure a model fit here with this analysis")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="reseaumedia-bench-"))
    texts = corpus_texts()
    if args.fit_analysis:
        model = fitted_model(args.fit_analysis, work / "model")
    else:
        model = reseaumedia.load()
    analyser = model.estimator.pipeline_.named_steps["analyse"]
    analysis, batch_size = analyser.analysis, analyser.batch_size
    print(f"model {model.version} ({model.path}), analysis « {analysis} », spaCy batch_size {batch_size}, "
          f"{os.cpu_count()} CPU")

    sample = distinct(texts, args.texts)
    model.predict(distinct(texts, 200, start=10**6), reasons=False, sentences=False)  # load spaCy, warm up
    name = model.estimator.get_params()["spacy_model"]
    # The very pipeline the analysis runs (the tokenizer-only one for the cheaper analyses).
    nlp = load_spacy(name) if analysis == "full" else load_tokenizer(name)
    normalised = [normalise(t) for t in sample]
    chunks = [sample[i:i + archive.CHUNK_ROWS] for i in range(0, len(sample), archive.CHUNK_ROWS)]
    ours = lambda: [archive._predict(model, c, False, False, features.forget_analyses) for c in chunks]  # noqa: E731
    # One untimed pass of each first: the first run over new texts pays one-time costs (new words
    # in spaCy's vocabulary and in the model's remembered words, the tagger's first large
    # batches) that whichever measure came second would get for free. A long archive runs warm.
    ours()
    spacy_alone(nlp, analysis, normalised, batch_size)()
    single = rate(len(sample), ours)
    alone = rate(len(sample), spacy_alone(nlp, analysis, normalised, batch_size))
    components = "tokenizer" if analysis != "full" else "+".join(nlp.pipe_names)
    print(f"1. single process, labels only: {single:,.0f} texts/s; spaCy alone ({components}, "
          f"batch_size {batch_size}): {alone:,.0f} texts/s; ratio {single / alone:.2f}")

    print("2. spaCy sweeps on the same texts (texts/s)")
    for size in (16, 64, 256, 1000):
        print(f"   batch_size {size:>5} (≤ {features.BATCH_CHARS:,} characters): "
              f"{rate(len(sample), spacy_alone(nlp, analysis, normalised, size)):>8,.0f}")
    for chars in (2_500, 5_000, 10_000, 20_000, 10**9):
        print(f"   ≤ {chars:>13,} characters (batch_size {batch_size}): "
              f"{rate(len(sample), spacy_alone(nlp, analysis, normalised, batch_size, chars)):>8,.0f}")
    if analysis == "full":
        part = normalised[:1500]
        for n_process in (1, 2):
            speed = rate(len(part), lambda: list(nlp.pipe(part, batch_size=batch_size, n_process=n_process)))
            print(f"   n_process {n_process} (batch_size {batch_size}, {len(part)} texts): {speed:>8,.0f}")
    else:
        print("   n_process: not measured, the tokenizer is not a pipeline component that spaCy runs in processes")

    sheet = work / "jobs.csv"
    write_csv(sheet, distinct(texts, args.jobs_texts, start=2 * 10**6))
    warm_sheet = work / "warm.csv"
    write_csv(warm_sheet, distinct(texts, 4 * archive.CHUNK_ROWS, start=3 * 10**6))
    speeds = {}
    for n_jobs, label in ((1, "1"), (2, "2 cold"), (2, "2 warm")):
        if label == "2 warm":
            # joblib keeps its worker processes between runs: these have loaded the model already.
            archive.run(Archive(warm_sheet), model, output=work / "warm-out.csv", n_jobs=2)
        begin = time.perf_counter()
        archive.run(Archive(sheet), model, output=work / f"jobs-{label}.csv", n_jobs=n_jobs)
        speeds[label] = args.jobs_texts / (time.perf_counter() - begin)
    same = (work / "jobs-1.csv").read_bytes() == (work / "jobs-2 cold.csv").read_bytes() == (work / "jobs-2 warm.csv").read_bytes()
    print(f"3. archive of {args.jobs_texts} rows: 1 process {speeds['1']:,.0f} texts/s; --n-jobs 2 "
          f"{speeds['2 cold']:,.0f} texts/s with the workers' start-up (speed-up {speeds['2 cold'] / speeds['1']:.2f}), "
          f"{speeds['2 warm']:,.0f} texts/s once started (speed-up {speeds['2 warm'] / speeds['1']:.2f}); same output: {same}")

    if args.megabytes:
        big = work / "big.csv"
        rows = big_csv(big, texts, args.megabytes)
        size = big.stat().st_size / 1e6
        out = work / "big-scored.csv"
        command = [sys.executable, str(ROOT / "cli.py"), "score", "--file", str(big), "--sortie", str(out), "--quiet",
                   "--model", str(model.path), "--n-jobs", str(args.n_jobs_big)]
        code, wall, peak = child_run(command)
        with open(out, encoding="utf-8", newline="") as handle:
            written = sum(1 for _ in csv.reader(handle)) - 1 if out.exists() else 0
        print(f"4. {size:.1f} MB CSV, {rows:,} rows, --n-jobs {args.n_jobs_big}: exit {code}, {wall:,.0f} s "
              f"({rows / wall:,.0f} texts/s end to end, start-up included), {written:,} rows written, "
              f"peak RSS {peak:,.0f} MB" + (" (the main process; workers are separate)" if args.n_jobs_big > 1 else ""))
    print(f"work files in {work}")


if __name__ == "__main__":
    main()
