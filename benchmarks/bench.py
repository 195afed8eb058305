"""Speed and memory of scoring, printed side by side with the recorded baseline.

    python benchmarks/bench.py            # measure and compare with benchmarks/baseline.json
    python benchmarks/bench.py --record   # measure and store as the new baseline

Measures: cold `cli.py score` wall time (new process: imports, spaCy load, model load) beside the
floor of a process that only loads spaCy, model load time, single-text latency and batch
throughput with a warm model (with reasons and sentence scores, and labels only on distinct
texts), peak resident memory. Medians of 3 cold runs.
"""

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = Path(__file__).with_name("baseline.json")
DRAFT = "Merci à tous d'être venus hier soir ! Qui revient la semaine prochaine ?"


def cold_seconds(command, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


SPACY_ONLY = "import spacy; spacy.load('fr_core_news_sm', exclude=['parser', 'ner', 'senter'])('Bonjour')"


def warm_measures():
    sys.path.insert(0, str(ROOT))
    start = time.perf_counter()
    import reseaumedia
    from reseaumedia.nlp import load_spacy

    load_spacy("fr_core_news_sm")
    spacy_load = time.perf_counter() - start
    start = time.perf_counter()
    model = reseaumedia.load()
    model_load = time.perf_counter() - start
    texts = [json.loads(line)["text"] for line in (ROOT / "corpus/authored/test.jsonl").read_text(encoding="utf-8").splitlines()]
    model.predict(texts[:5])  # first call pays lazy set-up
    latencies = []
    for text in texts[:100]:
        start = time.perf_counter()
        model.predict(text + " ")  # a new string each time: no cache hit
        latencies.append(time.perf_counter() - start)
    batch = [t + "  " for t in texts] * 3
    start = time.perf_counter()
    model.predict(batch)  # with reasons and sentence scores, as `score --json` gives them
    throughput = len(batch) / (time.perf_counter() - start)
    # Labels and probabilities only (`reasons=False, sentences=False`), on distinct texts.
    distinct = [f"{t} ({i})" for i, t in enumerate(texts)]
    start = time.perf_counter()
    model.predict(distinct, reasons=False, sentences=False)
    labels_only = len(distinct) / (time.perf_counter() - start)
    return {
        "import_and_spacy_load_s": spacy_load,
        "model_load_s": model_load,
        "single_text_median_ms": statistics.median(latencies) * 1000,
        "batch_texts_per_s": throughput,
        "batch_labels_only_texts_per_s": labels_only,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--record", action="store_true", help="store the measures as the new baseline")
    args = parser.parse_args()
    current = {
        "cold_score_s": cold_seconds([sys.executable, str(ROOT / "cli.py"), "score", DRAFT]),
        # The floor: a process that only loads the French spaCy pipeline the model needs.
        "cold_spacy_only_s": cold_seconds([sys.executable, "-c", SPACY_ONLY]),
        **warm_measures(),
    }
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    print(f"{'mesure':<28}{'actuel':>12}{'référence':>12}{'rapport':>10}")
    for name, value in current.items():
        ref = baseline.get("measures", {}).get(name)
        ratio = f"{value / ref:.2f}" if ref else "-"
        print(f"{name:<28}{value:>12.2f}{(ref if ref is not None else float('nan')):>12.2f}{ratio:>10}")
    if baseline:
        print(f"référence : {baseline.get('note', '')}")
    if args.record:
        BASELINE.write_text(json.dumps({
            "note": f"mesuré le {time.strftime('%Y-%m-%d')} sur {platform.machine()}, Python {platform.python_version()}",
            "measures": {k: round(v, 3) for k, v in current.items()},
        }, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
