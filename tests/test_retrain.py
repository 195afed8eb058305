"""Retraining from the user's own labelled rows: intake, registry, activation, and the fault table.

Every run uses a small corpus (conftest.small_corpus) and an empty user home (RESEAUMEDIA_HOME).
"""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from reseaumedia import load
from reseaumedia.cli import main
from reseaumedia.home import Registry
from reseaumedia.training import intake, retrain

ROWS = [
    ("Merci à Ginette qui tient la caisse de la friperie depuis dix ans, tu es formidable", "Réseau"),
    ("Notre rapport sur la qualité de l'eau du lac est publié https://exemple.qc.ca/rapport", "MEDIA"),
    ("Bienvenue aux trois nouveaux bénévoles du jardin, passez dire bonjour mardi", "reseau"),
    ("Nouvelle vidéo : comment tailler ses rosiers en automne, sur notre chaîne", "média"),
    ("Qui serait partant pour un covoiturage vers le marché de Noël samedi ?", "réseau"),
    ("Fermeture exceptionnelle de la piscine municipale lundi pour vidange", "media"),
    ("Salut Marc, as-tu reçu les photos du tournoi ? Dis-moi si tu en veux d'autres", "reseau"),
    ("Le programme complet du festival est en ligne, billetterie ouverte dès jeudi", "Media"),
    ("Un immense bravo à toute l'équipe des cadets pour cette saison, on est fiers de vous", "RESEAU"),
    ("Communiqué : hausse des tarifs de stationnement au centre-ville à partir de janvier", "média"),
]


def write_csv(path, rows, sep=";", extra=""):
    lines = [f"id{sep}text{sep}label"] + [f"{i}{sep}{t}{sep}{label}" for i, (t, label) in enumerate(rows, 1)]
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


@pytest.fixture
def user_csv(tmp_path):
    return write_csv(tmp_path / "mes_textes.csv", ROWS)


def run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def train_add(capsys, small_corpus, path, *more):
    root, config = small_corpus
    return run(capsys, "train", "--add", path, "--corpus", root, "--config", config, *more)


# -- intake ------------------------------------------------------------------------------------
def test_semicolon_csv_with_any_label_spelling_is_accepted(user_csv):
    got = intake.read_user_file(user_csv, [])
    assert not got.rejects and len(got.accepted) == 10
    assert {r["label"] for _, r in got.accepted} == {"reseau", "media"}
    record = got.accepted[0][1]
    assert record["platform"] == "unknown" and record["hard"] is False and record["source"] == "user"


def test_tsv_and_jsonl_are_read(tmp_path):
    tsv = write_csv(tmp_path / "a.tsv", ROWS[:4], sep="\t")
    jsonl = tmp_path / "b.jsonl"
    jsonl.write_text("\n".join(json.dumps({"text": t, "label": label}, ensure_ascii=False) for t, label in ROWS[4:]) + "\n",
                     encoding="utf-8")
    assert len(intake.read_user_file(tsv, []).accepted) == 4
    assert len(intake.read_user_file(jsonl, []).accepted) == 6


def test_every_bad_row_is_reported_with_its_line(tmp_path):
    long_text = "mot " * 250_001
    path = write_csv(tmp_path / "mauvais.csv", ROWS[:3] + [("Un texte correct de plus pour la forme", "peut-être")],
                     extra=f"\n2;Un autre texte avec un identifiant déjà pris;media\n9;{long_text};media\n")
    got = intake.read_user_file(path, [])
    reasons = {r.line: r.reason for r in got.rejects}
    assert "étiquette « peut-être » inconnue" in reasons[5]
    assert "ligne vide" in reasons[6]
    assert "identifiant" in reasons[7] and "déjà utilisé" in reasons[7]
    assert "limite de 1 000 000" in reasons[8]
    assert len(got.accepted) == 3


def test_near_duplicate_names_the_corpus_text_it_resembles(tmp_path, small_corpus):
    from reseaumedia.training.corpus import load_corpus

    corpus = load_corpus(small_corpus[0])
    twin = corpus.records[0]
    path = write_csv(tmp_path / "double.csv", [(twin.text.replace("samedi", "dimanche"), "reseau")])
    got = intake.read_user_file(path, corpus.records)
    assert got.rejects and f"« {twin.id} » du corpus" in got.rejects[0].reason
    assert twin.text[:30] in got.rejects[0].reason


def test_missing_label_column_is_refused_at_once(tmp_path, capsys, small_corpus):
    path = tmp_path / "sans.csv"
    path.write_text("text;date\nBonjour à tous;2024\n", encoding="utf-8")
    code, _, err = train_add(capsys, small_corpus, path)
    assert code == 2 and "sans.csv:1" in err and "label" in err and "Traceback" not in err


# -- the whole retrain ---------------------------------------------------------------------------
def test_add_retrain_activate_list_rollback(capsys, small_corpus, user_csv, user_home):
    code, out, err = train_add(capsys, small_corpus, user_csv, "--forcer")
    assert code == 0, err
    registry = Registry(user_home)
    version = registry.active
    assert version and (user_home / "models" / version / "model.joblib").exists()
    assert "avant F1 macro" in out and "vos textes mis de côté" in out
    # The batch is stored with its provenance.
    (name, provenance), = retrain.batches(registry)
    assert provenance["rows"] == 10 and len(provenance["sha256"]) == 64 and provenance["file"].endswith("mes_textes.csv")
    meta = json.loads((user_home / "models" / version / "meta.json").read_text(encoding="utf-8"))
    assert meta["origin"] == "user" and meta["user_rows"]["train"] + meta["user_rows"]["heldout"] == 10
    # Every output names the model that answered.
    code, out, _ = run(capsys, "score", "Merci Julie pour ton aide !")
    assert f"modèle {version} (modèle actif de l'utilisateur" in out
    assert load().predict("Merci Julie pour ton aide !").model_source == "user"
    code, out, _ = run(capsys, "models", "list")
    assert f"* {version}" in out
    # Rollback: the shipped model again, then forward with `use`.
    assert run(capsys, "models", "rollback")[0] == 0 and registry.active is None
    assert load().source == "shipped"
    assert run(capsys, "models", "use", version)[0] == 0 and registry.active == version
    # The same file twice is refused, nothing changes.
    code, _, err = train_add(capsys, small_corpus, user_csv, "--forcer")
    assert code == 2 and "déjà été ajouté" in err
    # Removing the batch keeps it aside and retrains without it.
    root, config = small_corpus
    code, out, err = run(capsys, "data", "remove", name, "--sans-reentrainement")
    assert code == 0 and not retrain.batches(registry)
    assert list((user_home / "data" / "removed").glob(f"{name}.*.jsonl"))


def test_dry_run_writes_nothing(capsys, small_corpus, user_csv, user_home):
    code, out, _ = train_add(capsys, small_corpus, user_csv, "--essai")
    assert code == 0 and "rien n'a été écrit" in out
    assert not (user_home / "data").exists() and not (user_home / "models").exists()


def test_invalid_rows_stop_everything_unless_skipped(capsys, small_corpus, tmp_path, user_home):
    path = write_csv(tmp_path / "mixte.csv", ROWS, extra="11;Un texte sans étiquette valable;bof\n")
    code, _, err = train_add(capsys, small_corpus, path, "--forcer")
    assert code == 2 and "mixte.csv:12" in err and "bof" in err
    assert not (user_home / "data").exists()
    code, out, err = train_add(capsys, small_corpus, path, "--forcer", "--ignorer-invalides")
    assert code == 0, err
    rejects = [json.loads(line) for line in (tmp_path / "mixte.csv.rejets.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rejects == [{"ligne": 12, "raison": rejects[0]["raison"], "donnees": {"id": "11", "text": "Un texte sans étiquette valable", "label": "bof"}}]


def test_a_worse_model_is_kept_but_not_activated(small_corpus, user_csv, user_home, monkeypatch):
    root, config = small_corpus
    registry = Registry(user_home)
    retrain.store_batch(registry, intake.read_user_file(user_csv, []))
    scores = iter([{"test": {"macro_f1": 0.95, "accuracy": 0.95, "n": 4}}, {"test": {"macro_f1": 0.90, "accuracy": 0.9, "n": 4}}])
    monkeypatch.setattr(retrain, "_scores", lambda *a: next(scores))
    result = retrain.retrain(user_home, corpus_dir=root, config_path=config, log=lambda _: None)
    assert not result["activated"] and registry.active is None
    assert (user_home / "models" / result["version"] / "model.joblib").exists()


# -- the fault table ----------------------------------------------------------------------------------
def test_two_trainings_at_once_are_refused(capsys, small_corpus, user_csv, user_home):
    from filelock import FileLock

    with FileLock(str(user_home / "train.lock")):
        code, _, err = train_add(capsys, small_corpus, user_csv)
    assert code == 2 and "un autre entraînement est en cours" in err
    assert not (user_home / "data").exists()


def test_disk_full_while_saving_keeps_the_previous_model(capsys, small_corpus, user_csv, user_home, monkeypatch):
    import joblib

    def full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(joblib, "dump", full)
    code, _, err = train_add(capsys, small_corpus, user_csv, "--forcer")
    assert code == 2 and "impossible d'enregistrer" in err and "reste actif" in err and "Traceback" not in err
    registry = Registry(user_home)
    assert registry.active is None and not registry.entries() and not registry.leftovers()


def test_a_training_killed_midway_activates_nothing(small_corpus, user_csv, user_home):
    root, config = small_corpus
    command = [sys.executable, "-m", "reseaumedia", "train", "--add", str(user_csv), "--corpus", str(root),
               "--config", str(config), "--forcer"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "RESEAUMEDIA_HOME": str(user_home)})
    # Killed once it is fitting, well before it saves.
    for line in process.stderr:
        if line.startswith("entraînement et calibration"):
            break
    time.sleep(0.5)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    registry = Registry(user_home)
    assert registry.active is None and not registry.entries()
    assert load().source == "shipped"
    # The lock died with the process: the next run goes through.
    with retrain.training_lock(user_home):
        pass


def test_tampered_active_model_is_refused_with_a_way_back(capsys, small_corpus, user_csv, user_home):
    assert train_add(capsys, small_corpus, user_csv, "--forcer")[0] == 0
    active = Registry(user_home).active_dir()
    with open(active / "model.joblib", "r+b") as handle:
        handle.truncate(1000)
    code, _, err = run(capsys, "score", "Merci Julie !")
    assert code == 2 and "empreinte SHA-256" in err and "models rollback" in err
    assert run(capsys, "models", "rollback")[0] == 0
    assert run(capsys, "score", "Merci Julie !")[0] == 0


def test_model_from_other_library_versions_warns_but_scores(capsys, tmp_path, shipped_model):
    import shutil

    from reseaumedia.artefact import default_model_dir

    copy = tmp_path / "ancien"
    shutil.copytree(default_model_dir(), copy)
    meta = json.loads((copy / "meta.json").read_text(encoding="utf-8"))
    meta["versions"]["scikit_learn"] = "0.24.0"
    (copy / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    shown = subprocess.run([sys.executable, "-m", "reseaumedia", "score", "--modele", str(copy), "Merci Julie !"],
                           capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0 and "réseau" in shown.stdout
    assert "attention : modèle entraîné avec scikit-learn 0.24.0" in shown.stderr and "Traceback" not in shown.stderr


# -- labelling in a terminal --------------------------------------------------------------------
def test_label_in_a_pseudo_terminal_saves_each_answer_and_resumes(tmp_path):
    import pty
    import select

    source = tmp_path / "a_trier.csv"
    source.write_text("id,text\n" + "\n".join(f"{i},{t}" for i, (t, _) in enumerate(ROWS[:4], 1)) + "\n", encoding="utf-8")
    output = tmp_path / "a_trier.etiquettes.jsonl"

    # A fresh interpreter takes the pseudo-terminal as its controlling terminal (so that Ctrl-C is a
    # real SIGINT) and SIGINT's default action back (a test run can leave it ignored, and an ignored
    # signal stays ignored across exec: Python would then install no KeyboardInterrupt), then
    # becomes the command. Not pty.fork: forking this test process, whose other tests' threads may
    # hold a lock at that instant, can leave the child stuck before its exec.
    launcher = ("import fcntl, os, signal, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
                "signal.signal(signal.SIGINT, signal.SIG_DFL); "
                "os.execv(sys.executable, [sys.executable, '-m', 'reseaumedia', 'label', sys.argv[1]])")

    def session(keys):
        leader, follower = pty.openpty()
        process = subprocess.Popen([sys.executable, "-c", launcher, str(source)], stdin=follower, stdout=follower,
                                   stderr=follower, start_new_session=True, env={**os.environ, "TERM": "xterm"})
        os.close(follower)
        shown, sent, deadline = b"", 0, time.monotonic() + 120
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 1)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                data = os.read(leader, 4096)
            except OSError:
                break
            if not data:
                break
            shown += data
            if sent < len(keys) and shown.count(b"(r/m/s/q) :") > sent:
                os.write(leader, keys[sent].encode())
                sent += 1
        else:
            process.kill()
        process.wait(timeout=30)
        os.close(leader)
        return process.returncode, shown.decode("utf-8", "replace")

    code, shown = session(["r", "m", "\x03"])  # two answers, then Ctrl-C
    assert code == 130 and "rien n'est perdu" in shown and "raisons :" in shown
    answers = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [a["label"] for a in answers] == ["reseau", "media"]
    code, shown = session(["s", "q"])  # resumes with the two texts left
    assert code == 0 and "2 texte(s) à étiqueter" in shown
    assert len(output.read_text(encoding="utf-8").splitlines()) == 2
    assert len(intake.read_user_file(output, []).accepted) == 2  # train --add reads it
