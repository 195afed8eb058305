"""Whole archives through `score --file`: formats, bad rows, atomic output, progress, parallel runs.

Small files (a few dozen rows) scored with the shipped model; the parallel runs start real
worker processes, and the Dask test a real LocalCluster with two worker processes.
"""

import csv
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, on_a_terminal
from reseaumedia import archive
from reseaumedia.cli import main

REUNION = "Merci à tous d'être venus hier soir ! Qui revient la semaine prochaine ?"
BLOGUE = "Nouvel article sur notre blogue : 10 astuces pour votre stratégie de contenu, à lire ici https://exemple.fr/a"
DRAFTS = [
    REUNION,
    BLOGUE,
    "Bienvenue à Karim qui rejoint l'équipe du support, passez lui dire bonjour 👋",
    "Communiqué : la bibliothèque sera fermée du 2 au 9 août pour travaux.",
    "Qui a une bonne adresse de garagiste à Nantes ? Je suis preneuse de vos conseils",
    "Découvrez notre rapport annuel 2025, chiffres clés et projets : https://exemple.org/rapport",
    "Désolés pour l'attente Mme Roy, écrivez-nous en privé et on règle ça ensemble.",
    "SOLDES -30 % sur toute la collection jusqu'à dimanche ! Lien en bio #soldes",
]


def drafts(n):
    """n distinct texts: the drafts above, numbered, some with a quoted semicolon or comma inside."""
    return [f"{DRAFTS[i % len(DRAFTS)]} (n° {i}; version {i % 3})" for i in range(n)]


def write_csv(path, texts, delimiter=",", encoding="utf-8", extra=None):
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(["id", "message", "auteur"])
        for i, text in enumerate(texts):
            writer.writerow([f"m{i}", text, extra or f"auteur {i}"])
    return path


def read_csv(path, delimiter=",", encoding="utf-8"):
    with open(path, encoding=encoding, newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def test_semicolon_csv_with_bom_keeps_columns_delimiter_and_bom(tmp_path, capsys):
    sheet = write_csv(tmp_path / "export.csv", drafts(6), delimiter=";", encoding="utf-8-sig")
    out = tmp_path / "scored.csv"
    assert main(["score", "--file", str(sheet), "--colonne", "message", "--sortie", str(out)]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = read_csv(out, ";", "utf-8-sig")
    assert rows[0] == ["id", "message", "auteur", "ligne", "etiquette", "prob_reseau", "prob_media", "confiance",
                       "incertain", "raison_incertain"]
    assert [r[:3] for r in rows[1:]] == [[f"m{i}", t, f"auteur {i}"] for i, t in enumerate(drafts(6))]
    assert [r[3] for r in rows[1:]] == [str(n) for n in range(2, 8)]
    assert rows[1][4] == "reseau" and rows[2][4] == "media"
    # Semicolons go with decimal commas, as French spreadsheets read them.
    assert "," in rows[2][6] and "." not in rows[2][6]
    printed = capsys.readouterr().out
    assert f"6 texte(s) analysé(s), écrits dans {out}" in printed and "modèle 0.1.0+" in printed


def test_missing_column_names_the_detected_delimiter(tmp_path, capsys):
    sheet = write_csv(tmp_path / "export.csv", drafts(2), delimiter=";")
    assert main(["score", "--file", str(sheet)]) == 2
    err = capsys.readouterr().err
    assert (f"erreur : {sheet}:1 : colonne « text » absente (colonnes trouvées : id, message, auteur), "
            "séparateur détecté : point-virgule.") in err


def test_cp1252_file_is_refused_with_its_line_then_read_with_encoding(tmp_path, capsys):
    texts = [t for t in drafts(8) if "👋" not in t][:4]  # what Windows-1252 can hold
    sheet = write_csv(tmp_path / "excel.csv", texts, encoding="cp1252", extra="Hélène")
    assert main(["score", "--file", str(sheet), "--colonne", "message"]) == 2
    err = capsys.readouterr().err
    assert f"erreur : {sheet}:2 : le contenu n'est pas en UTF-8" in err and "--encoding cp1252" in err
    out = tmp_path / "scored.jsonl"
    assert main(["score", "--file", str(sheet), "--colonne", "message", "--encoding", "cp1252", "--sortie", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["message"] for r in rows] == texts
    assert rows[0]["auteur"] == "Hélène"


def test_blank_line_stops_the_run_with_its_line_and_writes_nothing(tmp_path, capsys):
    sheet = tmp_path / "export.csv"
    sheet.write_text(f'id,text\na1,"{REUNION}"\n\na2,"{BLOGUE}"\na3,"  "\n', encoding="utf-8")
    out = tmp_path / "scored.csv"
    for extra in ([], ["--sortie", str(out)]):
        assert main(["score", "--file", str(sheet), *extra]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert "2 ligne(s) inutilisable(s), rien n'a été analysé ni écrit" in captured.err
        assert f"{sheet}:3 : ligne vide" in captured.err
        assert f"{sheet}:5 : texte vide dans la colonne « text »" in captured.err
        assert "--ignorer-invalides" in captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]


def test_skip_invalid_writes_the_rejects_beside_the_output(tmp_path, capsys):
    sheet = tmp_path / "export.csv"
    sheet.write_text(f'id,text\na1,"{REUNION}"\n\na2,"{BLOGUE}"\na3,"  "\na4,trop,de,colonnes\n', encoding="utf-8")
    out = tmp_path / "scored.csv"
    assert main(["score", "--file", str(sheet), "--sortie", str(out), "--ignorer-invalides"]) == 0
    assert "3 ligne(s) refusée(s), écrites avec leur raison dans" in capsys.readouterr().err
    assert [r[0] for r in read_csv(out)[1:]] == ["a1", "a2"]
    rejects = [json.loads(line) for line in (tmp_path / "scored.csv.rejets.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["ligne"], r["raison"].split(" ")[0]) for r in rejects] == [(3, "ligne"), (5, "texte"), (6, "4")]
    assert rejects[1]["donnees"] == {"id": "a3", "text": "  "}


def test_jsonl_output_keeps_the_fields_and_adds_reasons(tmp_path):
    source = tmp_path / "posts.jsonl"
    source.write_text("".join(json.dumps({"id": f"p{i}", "text": t, "likes": i}, ensure_ascii=False) + "\n"
                              for i, t in enumerate(drafts(3))), encoding="utf-8")
    out = tmp_path / "scored.jsonl"
    assert main(["score", "--file", str(source), "--sortie", str(out), "--quiet"]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["likes"], r["ligne"]) for r in rows] == [("p0", 0, 1), ("p1", 1, 2), ("p2", 2, 3)]
    assert rows[0]["etiquette"] == "reseau" and rows[0]["incertain"] is False
    assert abs(rows[0]["prob_reseau"] + rows[0]["prob_media"] - 1) < 1e-5
    assert rows[0]["raisons"] and {"cote", "poids", "description", "texte", "spans"} == set(rows[0]["raisons"][0])


def test_jsonl_blank_line_is_a_bad_row(tmp_path, capsys):
    source = tmp_path / "posts.jsonl"
    source.write_text(json.dumps({"text": REUNION}) + "\n\n" + json.dumps({"text": BLOGUE}) + "\n", encoding="utf-8")
    assert main(["score", "--file", str(source)]) == 2
    assert f"{source}:2 : ligne vide" in capsys.readouterr().err


def test_tsv_in_tsv_out(tmp_path):
    sheet = write_csv(tmp_path / "export.tsv", drafts(3), delimiter="\t")
    out = tmp_path / "scored.tsv"
    assert main(["score", "--file", str(sheet), "--colonne", "message", "--sortie", str(out), "-q"]) == 0
    rows = read_csv(out, "\t")
    assert rows[0][:4] == ["id", "message", "auteur", "ligne"] and len(rows) == 4
    assert rows[1][8] == "non"


def test_plain_text_one_text_per_line(tmp_path, capsys):
    lines = tmp_path / "posts.txt"
    lines.write_text(f"{REUNION}\n{BLOGUE}\n", encoding="utf-8")
    assert main(["score", "--file", str(lines), "--format", "lignes"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[:3] for line in out] == [["ligne", "1", "réseau"], ["ligne", "2", "média"]]
    # Without --format lignes, a .txt file is still one whole draft.
    assert main(["score", "--file", str(lines)]) == 0
    assert capsys.readouterr().out.count("(probabilité") == 1
    lines.write_text(f"{REUNION}\n\n{BLOGUE}\n", encoding="utf-8")
    assert main(["score", "--file", str(lines), "--format", "lignes"]) == 2
    assert f"{lines}:2 : ligne vide" in capsys.readouterr().err


def test_table_options_without_a_table_are_refused(tmp_path, capsys):
    draft = tmp_path / "brouillon.txt"
    draft.write_text(REUNION, encoding="utf-8")
    assert main(["score", "--file", str(draft), "--encoding", "cp1252"]) == 2
    assert "--encoding" in capsys.readouterr().err
    assert main(["score", REUNION, "--n-jobs", "2"]) == 2
    assert "vont avec --file TABLEAU" in capsys.readouterr().err


def test_an_error_midway_leaves_no_output_and_no_temporary_file(tmp_path, monkeypatch, capsys):
    sheet = write_csv(tmp_path / "export.csv", drafts(30), encoding="utf-8")
    out = tmp_path / "scored.csv"
    out.write_text("ancienne version\n", encoding="utf-8")
    monkeypatch.setattr(archive, "CHUNK_ROWS", 5)
    real, calls = archive._predict, []

    def failing(*args):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # as a Ctrl-C in the middle of the archive
        return real(*args)

    monkeypatch.setattr(archive, "_predict", failing)
    assert main(["score", "--file", str(sheet), "--colonne", "message", "--sortie", str(out)]) == 130
    assert len(calls) == 3
    assert out.read_text(encoding="utf-8") == "ancienne version\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv", "scored.csv"]


def test_no_progress_bar_when_not_a_terminal_or_quiet(tmp_path, capsys, monkeypatch):
    sheet = write_csv(tmp_path / "export.csv", drafts(3))
    command = ["score", "--file", str(sheet), "--colonne", "message", "--sortie", str(tmp_path / "out.csv")]
    assert main(command) == 0  # standard error is captured here: not a terminal
    assert "textes/s" not in capsys.readouterr().err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(command + ["--quiet"]) == 0
    assert capsys.readouterr() == ("", "")


def test_progress_bar_on_a_terminal(tmp_path):
    sheet = write_csv(tmp_path / "export.csv", drafts(20))
    command = [sys.executable, str(ROOT / "cli.py"), "score", "--file", str(sheet), "--colonne", "message",
               "--sortie", str(tmp_path / "out.csv")]
    code, shown = on_a_terminal(command, stdout_too=False)
    assert code == 0, shown
    assert "analyse" in shown and "20/20" in shown and "textes/s" in shown and "reste" in shown


def _scored_rows(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def forty(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archive")
    sheet = write_csv(folder / "export.csv", drafts(40))
    single = folder / "single.jsonl"
    assert main(["score", "--file", str(sheet), "--colonne", "message", "--sortie", str(single), "-q"]) == 0
    return sheet, _scored_rows(single)


def test_two_local_processes_give_the_same_rows_in_the_same_order(forty, tmp_path, monkeypatch):
    sheet, expected = forty
    monkeypatch.setattr(archive, "CHUNK_ROWS", 7)  # several chunks per worker, out-of-order completion possible
    out = tmp_path / "two.jsonl"
    assert main(["score", "--file", str(sheet), "--colonne", "message", "--sortie", str(out), "--n-jobs", "2", "-q"]) == 0
    assert _scored_rows(out) == expected


def test_dask_cluster_gives_the_same_rows_in_the_same_order(forty, tmp_path):
    pytest.importorskip("dask.distributed", reason="dask is not installed: pip install \".[dask]\"")
    from dask.distributed import LocalCluster

    sheet, expected = forty
    out = tmp_path / "dask.jsonl"
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        assert main(["score", "--file", str(sheet), "--colonne", "message", "--sortie", str(out),
                     "--backend", "dask", "--scheduler", cluster.scheduler_address, "-q"]) == 0
    assert _scored_rows(out) == expected


def test_unreachable_dask_scheduler_is_a_clear_error(tmp_path, capsys, monkeypatch):
    pytest.importorskip("dask.distributed", reason="dask is not installed: pip install \".[dask]\"")
    monkeypatch.setattr(archive, "DASK_TIMEOUT", "2s")
    sheet = write_csv(tmp_path / "export.csv", drafts(2))
    assert main(["score", "--file", str(sheet), "--colonne", "message", "--backend", "dask",
                 "--scheduler", "tcp://127.0.0.1:9", "-q"]) == 2
    assert "impossible de joindre le planificateur Dask « tcp://127.0.0.1:9 »" in capsys.readouterr().err
