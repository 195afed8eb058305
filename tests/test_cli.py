"""The command line, end to end: a few real subprocesses, the error paths in-process."""

import json
import subprocess
import sys

import pytest

from conftest import ROOT
from reseaumedia.cli import main

REUNION = "Merci à tous d'être venus hier soir ! Qui revient la semaine prochaine ?"
BLOGUE = "Nouvel article sur notre blogue : 10 astuces pour votre stratégie de contenu, à lire ici https://exemple.fr/a"


def run_cli(*args, stdin=None):
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args],
        input=stdin, capture_output=True, cwd=ROOT, timeout=300,
    )


def test_score_texts_in_a_subprocess():
    done = run_cli("score", REUNION, BLOGUE)
    out = done.stdout.decode("utf-8")
    assert done.returncode == 0, done.stderr.decode()
    assert out.startswith("réseau (probabilité")
    assert "\nmédia (probabilité" in out
    assert "modèle 0.1.0+" in out


def test_score_stdin_as_json_in_a_subprocess():
    done = run_cli("score", "--json", stdin=REUNION.encode("utf-8"))
    assert done.returncode == 0, done.stderr.decode()
    result = json.loads(done.stdout)
    assert result["label"] == "reseau"
    assert set(result["probabilities"]) == {"reseau", "media"}


def test_empty_text_exits_2_without_traceback():
    done = run_cli("score", "   ")
    err = done.stderr.decode("utf-8")
    assert done.returncode == 2
    assert "erreur : texte n° 1 : le texte est vide" in err
    assert "Traceback" not in err


def test_text_file(tmp_path, capsys):
    draft = tmp_path / "brouillon.txt"
    draft.write_text(BLOGUE, encoding="utf-8")
    assert main(["score", "--file", str(draft)]) == 0
    assert capsys.readouterr().out.startswith("média")


def test_non_utf8_file_names_file_and_line(tmp_path, capsys):
    draft = tmp_path / "latin1.txt"
    draft.write_bytes("Bonjour\nMerci à vous".encode("latin-1"))
    assert main(["score", "--file", str(draft)]) == 2
    err = capsys.readouterr().err
    assert f"erreur : {draft}:2 : le contenu n'est pas en UTF-8" in err


def test_missing_file(tmp_path, capsys):
    assert main(["score", "--file", str(tmp_path / "absent.txt")]) == 2
    assert "fichier introuvable" in capsys.readouterr().err


def test_missing_model_folder(tmp_path, capsys):
    assert main(["score", "--model", str(tmp_path / "rien"), REUNION]) == 2
    err = capsys.readouterr().err
    assert "dossier de modèle introuvable" in err and "python cli.py train" in err


def test_csv_batch_keeps_every_row(tmp_path, capsys):
    sheet = tmp_path / "brouillons.csv"
    sheet.write_text(f'id,text\na1,"{REUNION}"\na2,"{BLOGUE}"\n', encoding="utf-8")
    assert main(["score", "--json", "--file", str(sheet)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["id"], r["line"], r["label"]) for r in rows] == [("a1", 2, "reseau"), ("a2", 3, "media")]


def test_csv_blank_row_stops_everything_and_names_the_line(tmp_path, capsys):
    sheet = tmp_path / "brouillons.csv"
    sheet.write_text(f'id,text\na1,"{REUNION}"\na2,"  "\n', encoding="utf-8")
    assert main(["score", "--file", str(sheet)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{sheet}:3 : texte vide dans la colonne « text »" in captured.err


def test_csv_without_text_column(tmp_path, capsys):
    sheet = tmp_path / "brouillons.csv"
    sheet.write_text("id,message\n1,Bonjour\n", encoding="utf-8")
    assert main(["score", "--file", str(sheet)]) == 2
    assert "colonne « text » absente (colonnes trouvées : id, message)" in capsys.readouterr().err


def test_jsonl_batch_reports_broken_line(tmp_path, capsys):
    lines = tmp_path / "brouillons.jsonl"
    lines.write_text(json.dumps({"text": REUNION}, ensure_ascii=False) + "\n{pas du json\n", encoding="utf-8")
    assert main(["score", "--file", str(lines)]) == 2
    assert f"{lines}:2 : JSON invalide" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["score", "--inconnu"], []])
def test_usage_errors_exit_2(command):
    with pytest.raises(SystemExit) as stop:
        main(command)
    assert stop.value.code == 2


def test_evaluate_prints_metrics_of_the_shipped_model(capsys):
    assert main(["evaluate", "--split", "dev"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("modèle 0.1.0+")
    assert "dev : exactitude" in out and "F1 macro" in out


def test_texts_and_file_together_are_refused(tmp_path, capsys):
    draft = tmp_path / "brouillon.txt"
    draft.write_text(BLOGUE, encoding="utf-8")
    assert main(["score", "--file", str(draft), REUNION]) == 2
    assert "soit des textes, soit --file" in capsys.readouterr().err


def test_argument_in_a_non_utf8_terminal_is_reported_not_crashed_on(capsys):
    latin1_argument = "Merci à vous".encode("latin-1").decode("utf-8", "surrogateescape")
    assert main(["score", latin1_argument]) == 2
    assert "texte n° 1:1 : le contenu n'est pas en UTF-8" in capsys.readouterr().err


def test_incertain_is_shown_with_its_lean_and_reason(capsys):
    from reseaumedia.cli import main

    assert main(["score", "🎉🎉🙏❤️"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("incertain (penche ") and "aucun mot à analyser" in out


def test_json_carries_reasons_sentences_and_certainty(capsys):
    import json

    from reseaumedia.cli import main

    assert main(["score", "--json", "Merci Julie pour ton aide ! Notre rapport est en ligne : https://exemple.fr/r"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"label", "probabilities", "certain", "uncertain_reason", "language", "reasons", "sentences"} <= set(data)
    assert data["reasons"] and {"side", "weight", "description", "text", "spans"} <= set(data["reasons"][0])
    assert len(data["sentences"]) == 2


def test_phrases_flag_prints_each_sentence(capsys):
    from reseaumedia.cli import main

    assert main(["score", "--phrases", "Notre rapport est en ligne. Merci Julie, tu viens jeudi ?"]) == 0
    out = capsys.readouterr().out
    assert "phrases :" in out and "« Notre rapport est en ligne. »" in out


def test_words_are_coloured_on_a_terminal_only():
    """Through a real pseudo-terminal: colours there, plain text when piped."""
    import os
    import subprocess
    import sys

    from conftest import on_a_terminal

    text = "Merci Julie pour ton aide samedi ! Tu reviens jeudi ?"
    command = [sys.executable, "-m", "reseaumedia", "score", text]
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"TERM": "xterm"}
    _, shown = on_a_terminal(command, env=env)
    assert "\x1b[1;32m" in shown and "raisons :" in shown
    piped = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert "\x1b[" not in piped.stdout and "raisons :" in piped.stdout
