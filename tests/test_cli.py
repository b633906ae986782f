"""The ``docent`` command as a user runs it: output, one-line errors, exit codes."""

import random
import shutil

import pymupdf
from conftest import ALCE, KB_ZH, ROOT, run_cli

LEXICAL = {"DOCENT_EMBEDDER": "none"}
CORPUS = ROOT.parent / "shared" / "corpus"


def test_help_has_an_example_on_every_command(tmp_path):
    for command in ("ingest", "sources", "search"):
        result = run_cli(command, "--help", workspace=tmp_path / "ws")
        assert result.returncode == 0
        assert "Example: docent " + command in " ".join(result.stdout.split())


def test_bad_inputs_fail_one_line_each_and_the_rest_is_ingested(tmp_path):
    corrupt = tmp_path / "broken.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 200)
    empty = tmp_path / "empty.md"
    empty.write_text("")
    odd = tmp_path / "slides.key"
    odd.write_bytes(b"PK\x03\x04")
    good = tmp_path / "kb"
    shutil.copytree(KB_ZH, good)
    result = run_cli("ingest", str(corrupt), str(empty), str(odd), str(tmp_path / "nope.pdf"),
                     str(good), workspace=tmp_path / "ws", env=LEXICAL)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 4, result.stderr
    assert all(line.startswith("error: ") for line in errors)
    assert "Traceback" not in result.stderr
    joined = "\n".join(errors)
    for name in ("broken.pdf", "empty.md", "slides.key", "nope.pdf"):
        assert name in joined
    assert result.stdout.count("added") == 2
    listing = run_cli("sources", workspace=tmp_path / "ws", env=LEXICAL)
    assert "第二章 Transformer 架构" in listing.stdout and "markdown" in listing.stdout


def test_binary_files_named_as_text_fail_one_line_each(tmp_path):
    png = tmp_path / "figure.md"  # a PNG image saved under a text suffix
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 8, 8), False)
    pix.clear_with(200)
    png.write_bytes(pix.tobytes("png"))
    noise = tmp_path / "notes.txt"
    noise.write_bytes(random.Random(3).randbytes(2048))
    good = tmp_path / "preference-alignment.md"
    shutil.copy(CORPUS / "kb-zh" / "preference-alignment.md", good)
    result = run_cli("ingest", str(png), str(noise), str(good), workspace=tmp_path / "ws",
                     env=LEXICAL)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert errors[0].startswith(f"error: {png}: not a text file: it holds binary data")
    assert "a PNG image" in errors[0]
    assert errors[1].startswith(f"error: {noise}: not a text file: it holds binary data")
    assert result.stdout.count("added") == 1 and "preference-alignment" in result.stdout
    listing = run_cli("sources", workspace=tmp_path / "ws", env=LEXICAL)
    assert listing.stdout.count("markdown") == 1


def test_ingest_twice_reports_unchanged(tmp_path):
    doc = tmp_path / "a.md"
    shutil.copy(KB_ZH / "preference-alignment.md", doc)
    first = run_cli("ingest", str(doc), workspace=tmp_path / "ws", env=LEXICAL)
    second = run_cli("ingest", str(doc), workspace=tmp_path / "ws", env=LEXICAL)
    assert first.returncode == second.returncode == 0
    assert first.stdout.startswith("added") and second.stdout.startswith("unchanged")


def test_search_before_ingest_is_a_clear_error(tmp_path):
    result = run_cli("search", "attention", workspace=tmp_path / "ws", env=LEXICAL)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: ") and "docent ingest" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unreachable_embedding_endpoint_is_one_line(tmp_path):
    env = {"DOCENT_EMBEDDER": "openai", "DOCENT_EMBED_BASE_URL": "http://127.0.0.1:9/v1"}
    result = run_cli("ingest", str(KB_ZH / "preference-alignment.md"),
                     workspace=tmp_path / "ws", env=env)
    assert result.returncode == 1
    assert "127.0.0.1:9/v1/embeddings" in result.stderr and "unreachable" in result.stderr
    assert "Traceback" not in result.stderr


def test_sources_and_search_with_the_embedded_model(corpus_workspace):
    ws = corpus_workspace.workspace
    listing = run_cli("sources", workspace=ws)
    assert "Enabling Large Language Models to Generate Text with Citations" in listing.stdout
    assert "23 pages" in listing.stdout and "1:56:19" in listing.stdout
    result = run_cli("search", "citation recall and precision", "--top", "3", workspace=ws)
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("1. Enabling Large Language Models") and "p. " in first
    zh = run_cli("search", "引用的召回率和精确率", "-k", "5", workspace=ws)
    assert "Enabling Large Language Models" in zh.stdout


def test_debug_shows_the_traceback(tmp_path):
    result = run_cli("search", "x", workspace=tmp_path / "ws",
                     env={**LEXICAL, "DOCENT_DEBUG": "1"})
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_alce_ingest_through_cli_lexical(tmp_path):
    result = run_cli("ingest", str(ALCE), workspace=tmp_path / "ws", env=LEXICAL)
    assert result.returncode == 0
    assert "Enabling Large Language Models to Generate Text with Citations" in result.stdout
