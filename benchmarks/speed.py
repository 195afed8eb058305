"""How fast a draft is scored: cold, through a warm server, through the API and on the page.

    python benchmarks/speed.py               # everything, about 3 minutes
    python benchmarks/speed.py --runs 3      # fewer cold runs

In one run, side by side:
- cold `score --sur-place` (a new process: imports, spaCy, the model, one text), median of --runs;
  the first run after install, with an empty cache, is shown apart;
- the floor: a process that only runs `spacy.load("fr_core_news_sm")`, plain, and with the
  components the model leaves out;
- `score` through a warm `reseaumedia serve`, as a whole process, p50/p95 over 50 calls;
- `POST /api/predict` latency for a 60-word draft, p50/p95 over 100 calls;
- batch throughput on distinct texts (no analysis cache hit) against the spaCy components alone on
  the same texts;
- the French tokenizer pattern compiled plainly and from the stored engine code, and the model
  file's load;
- peak memory of a cold `score` and of the server;
- the page: from the last key typed to the label shown, in headless Chromium (when installed).
"""

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DRAFT = "Merci à toutes et tous pour hier soir ! On se retrouve jeudi au local ?"
# 60 words, the length the API target is set for.
DRAFT_60 = ("Bonjour à toutes et à tous, merci encore d'être venus si nombreux samedi au jardin partagé. "
            "Grâce à vous, les bacs sont prêts pour l'hiver et la cabane a enfin un toit. Qui serait partant "
            "pour un atelier compost le mois prochain ? Dites-nous en commentaire quel jour vous arrange, "
            "et n'hésitez pas à venir avec vos voisins.")
PLAIN_FLOOR = "import spacy; spacy.load('fr_core_news_sm')"
EXCLUDED_FLOOR = "import spacy; spacy.load('fr_core_news_sm', exclude=['parser', 'ner', 'senter'])"


def timed_runs(command, runs, env=None):
    """Wall times of `runs` fresh processes, and the largest peak RSS (MB) among them."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return times, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post(url, payload):
    request = urllib.request.Request(url, json.dumps(payload).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def start_server(port, env):
    process = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1).read()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def server_peak_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def throughput():
    """Texts/s of labels-only scoring vs. the spaCy components alone, on the same distinct texts."""
    import reseaumedia
    from reseaumedia.features import piped
    from reseaumedia.nlp import load_spacy, load_tokenizer
    from reseaumedia.text import normalise

    texts = [json.loads(line)["text"] for name in ("dev", "test")
             for line in (ROOT / f"corpus/authored/{name}.jsonl").read_text(encoding="utf-8").splitlines()]
    model = reseaumedia.load()
    model.predict(["Bonjour à tous"])  # spaCy's lazy start-up
    analyser = model.estimator.pipeline_.named_steps["analyse"]
    name, batch_size = model.estimator.get_params()["spacy_model"], analyser.batch_size
    # The spaCy components the model's analysis runs: the tagged pipeline, or the tokenizer alone.
    pipe = load_spacy(name).pipe if analyser.analysis == "full" else load_tokenizer(name).tokenizer.pipe
    ours = [f"{t} (n° {i})" for i, t in enumerate(texts)]
    spacy_texts = [normalise(t) for t in ours]
    # One untimed pass first: spaCy's first large run pays one-time costs (new words added to its
    # vocabulary, the network's first batches) that the measure taken second would get for free.
    list(piped(pipe, spacy_texts, batch_size))
    start = time.perf_counter()
    for _ in piped(pipe, spacy_texts, batch_size):
        pass
    spacy_rate = len(texts) / (time.perf_counter() - start)
    start = time.perf_counter()
    model.predict(ours, reasons=False, sentences=False)
    ours_rate = len(texts) / (time.perf_counter() - start)
    return len(texts), ours_rate, spacy_rate


def cold_start_parts():
    """Seconds of the two costs the cold start removed: compiling the French tokenizer's pattern
    (plain, and from the stored engine code) and loading the model file."""
    from re import _compiler

    import spacy.lang.fr.tokenizer_exceptions as french

    from reseaumedia import regex_cache
    from reseaumedia.artefact import default_model_dir, load_estimator

    pattern = french.TOKEN_MATCH.__self__.pattern
    start = time.perf_counter()
    _compiler.compile(pattern, 0)  # what `re` does without the cache (its own cache bypassed)
    plain = time.perf_counter() - start
    regex_cache.compile_cached(pattern)  # stored if it was not
    start = time.perf_counter()
    regex_cache.compile_cached(pattern)
    stored = time.perf_counter() - start
    start = time.perf_counter()
    load_estimator(default_model_dir())
    return len(pattern), plain, stored, time.perf_counter() - start


def page_latency(port):
    """Milliseconds from the last key typed to the label on the page, median of 5 drafts."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    flags = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
    delays = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=flags)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        for i in range(5):
            page.fill("#brouillon", "")
            page.wait_for_selector("#verdict", state="hidden")
            page.keyboard.type(f"{DRAFT} ({i})", delay=3)
            typed = time.perf_counter()
            page.wait_for_selector("#verdict:not([hidden])")
            delays.append((time.perf_counter() - typed) * 1000)
        browser.close()
    return statistics.median(delays)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold runs per command (default 5)")
    args = parser.parse_args()
    port = free_port()
    env = {**os.environ, "RESEAUMEDIA_PORT": str(port), "NO_COLOR": "1"}
    score = [sys.executable, str(ROOT / "cli.py"), "score", DRAFT]
    rows = []

    with tempfile.TemporaryDirectory() as empty:
        first, _ = timed_runs(score + ["--sur-place"], 1, {**env, "RESEAUMEDIA_CACHE": empty})
    timed_runs(score + ["--sur-place"], 1, env)  # fills the user's cache if empty
    cold, cold_peak = timed_runs(score + ["--sur-place"], args.runs, env)
    floor, _ = timed_runs([sys.executable, "-c", PLAIN_FLOOR], args.runs)
    floor_excluded, _ = timed_runs([sys.executable, "-c", EXCLUDED_FLOOR], args.runs)
    cold_s, floor_s = statistics.median(cold), statistics.median(floor)
    rows += [
        ("score à froid, sans serveur (médiane)", f"{cold_s:.2f} s", f"{cold_s / floor_s:.2f} × plancher"),
        ("score à froid, premier lancement (cache vide)", f"{first[0]:.2f} s", f"{first[0] / floor_s:.2f} × plancher"),
        ("plancher : spacy.load seul", f"{floor_s:.2f} s", "1.00"),
        ("plancher sans parser/ner/senter", f"{statistics.median(floor_excluded):.2f} s",
         f"{statistics.median(floor_excluded) / floor_s:.2f}"),
    ]

    server = start_server(port, env)
    try:
        warm, _ = timed_runs(score, 50, env)
        url = f"http://127.0.0.1:{port}/api/predict"
        post(url, {"text": DRAFT_60})
        latencies = []
        for i in range(100):
            start = time.perf_counter()
            post(url, {"text": f"{DRAFT_60} ({i})"})  # distinct: no cache hit
            latencies.append((time.perf_counter() - start) * 1000)
        page_ms = page_latency(port)
        server_mb = server_peak_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    rows += [
        ("score via le serveur, processus entier p50", f"{statistics.median(warm):.3f} s", f"p95 {percentile(warm, 0.95):.3f} s"),
        ("API /api/predict, 60 mots p50", f"{statistics.median(latencies):.1f} ms", f"p95 {percentile(latencies, 0.95):.1f} ms"),
        ("page : dernière frappe → étiquette (médiane)",
         "non mesuré (pas de Chromium)" if page_ms is None else f"{page_ms:.0f} ms", "pause de frappe 250 ms comprise"),
    ]
    n, ours, spacy_rate = throughput()
    chars, plain, stored, model_file = cold_start_parts()
    rows += [
        (f"motif du tokenizer ({chars / 1e6:.1f} Mo) : compilation", f"{plain:.2f} s", f"depuis le cache {stored * 1000:.0f} ms"),
        ("chargement de model.joblib", f"{model_file:.2f} s", ""),
        (f"lot, étiquettes seules ({n} textes distincts)", f"{ours:.0f} textes/s", f"{ours / spacy_rate:.2f} × spaCy seul"),
        ("composants spaCy seuls, mêmes textes", f"{spacy_rate:.0f} textes/s", ""),
        ("mémoire : pic d'un score à froid", f"{cold_peak:.0f} Mo", ""),
        ("mémoire : pic du serveur", f"{server_mb:.0f} Mo", ""),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>16}  {note}")


if __name__ == "__main__":
    main()
