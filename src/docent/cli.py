"""The ``docent`` command. Only this module (and web/) prints."""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from docent import __version__
from docent.brief import settings_fallback
from docent.config import Settings
from docent.errors import DocentError
from docent.types import format_timestamp, RunState

app = typer.Typer(
    name="docent",
    help="Docent writes source-grounded reports and proves every line of them.\n\n"
    "Example: docent ingest paper.pdf lecture.srt && docent search \"citation recall\"",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
out = Console()
err = Console(stderr=True)

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", help="Workspace folder [env: DOCENT_WORKSPACE] "
                 "(default ./docent-workspace)", show_default=False),
]


JsonOpt = Annotated[bool, typer.Option(
    "--json", help="Print JSON to stdout instead of a table (for scripts).")]


def _print_json(data) -> None:
    """``data`` as indented JSON on stdout, never wrapped or marked up."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def _print_table(columns: list[str], rows: list[list[str]]) -> None:
    """A rich table on a terminal; tab-separated lines (a header, then one line per row, never
    wrapped) when stdout is a pipe or a file, so ``docent sources | grep TITLE`` finds it."""
    if out.is_terminal:
        table = Table(*columns)
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))  # cells are data, not markup
        out.print(table)
        return
    for row in [columns, *rows]:
        cells = [" ".join(str(cell).split()) for cell in row]  # no tab or newline inside
        sys.stdout.write("\t".join(cells) + "\n")
    sys.stdout.flush()


def _settings(workspace: Path | None) -> Settings:
    settings = Settings()
    if workspace is not None:
        settings = settings.model_copy(update={"workspace": workspace})
    return settings


@contextmanager
def _progress():
    """A rich progress display; yields a ``(what, done, total)`` callback for the stages."""
    tasks: dict[str, int] = {}
    with Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(),
        MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True,
        disable=not err.is_terminal,
    ) as bar:

        def update(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total)
            bar.update(tasks[what], completed=done, total=total)

        yield update


def _version(value: bool) -> None:
    if value:
        out.print(f"docent {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Docent writes source-grounded reports and proves every line of them."""


@app.command()
def ingest(
    paths: Annotated[list[str] | None, typer.Argument(
        help="Files, folders (a folder is a knowledge base: every supported file inside) or "
        "links: arXiv/OpenReview/DOI papers, web articles, lecture videos (YouTube, "
        "Bilibili, ...).", show_default=False)] = None,
    links: Annotated[Path | None, typer.Option(
        "--links", help="A text file of links to ingest, one a line (# starts a comment).",
        exists=True, dir_okay=False, show_default=False)] = None,
    subtitles: Annotated[Path | None, typer.Option(
        "--subtitles", help="A .srt/.vtt to use for the media files instead of recognising "
        "speech (a same-named file beside the media is used automatically).")] = None,
    language: Annotated[str | None, typer.Option(
        "--language", help="Spoken language of the media, e.g. en or zh (default: "
        "detected); for video links, the subtitle language wanted (English otherwise).")
    ] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Ingest sources: PDF, lecture video/audio, .srt/.vtt, .html, .md, .txt, .docx, folders,
    and links (papers, web articles, videos: their subtitles, else their audio).

    Example: docent ingest examples/sources/papers/alce-2305.14627.pdf lecture.mp4 notes/

    By link: docent ingest https://arxiv.org/abs/2305.14627 https://youtu.be/kCc8FmEb1nY

    A links file (one URL a line, # comments): docent ingest --links links.txt
    """
    from docent.index import get_embedder
    from docent.ingest import IngestStatus, ingest_and_index
    from docent.store import Store

    from docent.sources.links import read_links

    settings = _settings(workspace)
    paths = [*(paths or []), *(read_links(links) if links else [])]
    if not paths:
        raise DocentError("nothing to ingest", fix="give files, folders or links, or --links "
                          "FILE with one link a line")
    store = Store.from_settings(settings)
    embedder = get_embedder(settings)
    with _progress() as progress:
        results = ingest_and_index(paths, store, settings, embedder, progress,
                                   subtitles=subtitles, language=language)
    failed = 0
    for r in results:
        if r.status is IngestStatus.failed:
            failed += 1
            err.print(f"[red]error:[/red] {r.error}", markup=True, highlight=False, soft_wrap=True)
        else:
            s = r.source
            detail = f"{s.passage_count} passages" if s else ""
            note = f" ({r.note})" if r.note else ""
            out.print(f"{r.status.value:9} {s.title if s else ''} [{detail}] {r.path}{note}",
                      markup=False, highlight=False, soft_wrap=True)
    if failed:
        raise typer.Exit(1)


@app.command()
def sources(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """List the ingested sources.

    Example: docent sources --workspace my-workspace

    For scripts: docent sources --json, or docent sources | cut -f3 (tab-separated when piped)
    """

    from docent.store import Store

    found = Store.from_settings(_settings(workspace)).sources()
    if as_json:
        _print_json([s.model_dump(mode="json") for s in found])
        return
    if not found:
        err.print("no sources yet: add some with `docent ingest PATH`")
        return
    rows = []
    for s in found:
        size = f"{s.pages} pages" if s.pages else (
            format_timestamp(s.duration) if s.duration else "")
        rows.append([str(s.id), s.kind.value, s.title, str(s.passage_count), size,
                     Path(s.path).name])
    _print_table(["id", "kind", "title", "passages", "pages/duration", "file"], rows)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for, in any language.")],
    top: Annotated[int, typer.Option("--top", "-k", min=1, max=200, help="How many passages.")] = 10,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Search the ingested passages (hybrid BM25 + multilingual dense, fused).

    Example: docent search "引用的召回率和精确率" --top 5

    For scripts: docent search "citation recall" --json
    """
    from rich.markup import escape

    from docent.index import Retriever, get_embedder
    from docent.store import Store

    settings = _settings(workspace)
    store = Store.from_settings(settings)
    if store.passage_count() == 0:
        raise DocentError(f"{settings.workspace}: no sources ingested yet",
                          fix="run `docent ingest PATH` first")
    retriever = Retriever(store, settings, get_embedder(settings))
    with _progress() as progress:
        retriever.ensure(progress)
    hits = retriever.search(query, top)
    if as_json:
        _print_json([
            {"rank": rank, "score": hit.score, "source_id": hit.source.id,
             "title": hit.source.title, "path": hit.source.path,
             "locator": hit.passage.locator.label(), "passage_id": hit.passage.id,
             "text": hit.passage.text, "lexical_rank": hit.lexical_rank,
             "dense_rank": hit.dense_rank}
            for rank, hit in enumerate(hits, start=1)
        ])
        return
    piped = not out.is_terminal  # one line per hit line, never wrapped, when piped
    for rank, hit in enumerate(hits, start=1):
        out.print(
            f"[bold]{rank}.[/bold] [cyan]{escape(hit.source.title)}[/cyan] "
            f"[green]{escape(hit.passage.locator.label())}[/green] score={hit.score:.4f}",
            highlight=False, soft_wrap=piped,
        )
        text = " ".join(hit.passage.text.split())
        out.print(f"   {text[:400]}{'…' if len(text) > 400 else ''}", markup=False,
                  highlight=False, soft_wrap=piped)


@app.command()
def brief(
    assignment: Annotated[str, typer.Argument(
        help="The assignment text, the path of a .txt/.md file holding it, or - for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the brief as JSON.")] = False,
) -> None:
    """Show what Docent understood of an assignment: sections, length, language, sources.

    Example: docent brief examples/assignments/reading-report-zh.txt
    """
    from rich.markup import escape

    from docent.brief import parse_brief

    text = assignment
    path = Path(assignment) if "\n" not in assignment and len(assignment) < 1024 else None
    try:
        is_file = path is not None and path.is_file()
    except OSError:  # text too long to be a file name
        is_file = False
    if assignment == "-":
        text = sys.stdin.read()
    elif path is not None and is_file:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DocentError(f"{path}: cannot read the assignment ({type(exc).__name__})",
                              fix="save it as UTF-8 text") from exc
    elif path is not None and path.suffix.lower() in (".txt", ".md") and " " not in assignment:
        raise DocentError(f"{path}: no such file",
                          fix="check the path, or pass the assignment text itself")
    result = parse_brief(text, fallback=settings_fallback(_settings(None)))
    if as_json:
        out.print(result.model_dump_json(indent=2), markup=False, highlight=False, emoji=False,
                  soft_wrap=True)
        return
    sources = ", ".join(result.expected_sources) or "none named"
    rows = [
        ("title", result.title or "-"), ("language", result.language),
        ("audience", result.audience or "-"), ("tone", result.tone or "-"),
        ("length", result.length.label() if result.length else "not given"),
        ("sources", sources), ("citations", "required" if result.citations_required else "-"),
    ]
    grid = Table.grid(padding=(0, 2))
    for key, value in rows:
        grid.add_row(f"[bold]{key}[/bold]", escape(value))
    out.print(grid)
    out.print(f"[bold]sections[/bold] ({len(result.sections)})")
    for i, s in enumerate(result.sections, start=1):
        about = f" [cyan]\\[{s.about_source}][/cyan]" if s.about_source else ""
        details = f" [dim]- {escape(s.details)}[/dim]" if s.details else ""
        out.print(f"  {s.number or i}. {escape(s.title)}{about}{details}", highlight=False)
    for note in result.notes:
        out.print(f"[yellow]note:[/yellow] {escape(note)}", highlight=False, soft_wrap=True)


FormatOpt = Annotated[list[str] | None, typer.Option(
    "--format", "-f", help="Output format(s): md, docx, html; repeatable "
    "(default: the --out file's extension, else md).")]


@app.command()
def write(
    assignment: Annotated[str, typer.Option(
        "--assignment", "-a", help="The assignment: its text, or a .txt/.md file holding it.")],
    source: Annotated[list[str] | None, typer.Option(
        "--source", "-s", help="A source to ingest first (file, folder or URL); repeatable.")]
    = None,
    out_path: Annotated[Path, typer.Option("--out", "-o", help="Where to write the report.")]
    = Path("report.md"),
    fmt: FormatOpt = None,
    fast: Annotated[bool, typer.Option(
        "--fast", help="Write with the small model (quicker, weaker); the judge stays.")] = False,
    no_repair: Annotated[bool, typer.Option(
        "--no-repair", help="Validate the draft but change nothing in it.")] = False,
    new: Annotated[bool, typer.Option(
        "--new", help="Start a new run instead of resuming an unfinished one.")] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Exit 1 when errors remain after repair or any cited sentence is "
        "unverified (to gate a pipeline).")]
    = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Write a cited report for an assignment, validate every claim and repair what fails.

    Writes the report and, beside it, its validation report (REPORT.validation.md and .json);
    what could not be fixed is listed there and summed up here, never hidden. A sentence the
    judge could not verify is counted as unverified, never as supported.

    Example: docent write -a examples/assignments/reading-report-zh.txt -s examples/sources/papers/alce-2305.14627.pdf -s examples/sources/lectures -o report.docx -f docx -f html

    Gate a pipeline (exit 1 on errors or unverified sentences): docent write -a assignment.txt -s paper.pdf -o report.md --strict
    """
    from docent.index import get_embedder
    from docent.pipeline import load_run, write_run
    from docent.store import Store

    settings = _settings(workspace)
    text = _read_assignment(assignment)
    formats = _formats(fmt, out_path)
    store = Store.from_settings(settings)
    embedder = get_embedder(settings)
    with _progress() as progress:
        if source:
            _ingest_or_exit(list(source), store, settings, embedder, progress)
        result = write_run(settings, text, store=store, embedder=embedder, fast=fast, new=new,
                           repair=not no_repair, progress=progress,
                           brief_fallback=settings_fallback(settings))
    from docent.review import carry_over, strict_ok

    draft, v = result.draft, result.validation
    carried = carry_over(store, result.run_id, v)  # the reader's review of this assignment
    decisions = store.reviews(result.run_id)
    shown_draft, shown_v = (load_run(store, result.run_id) if decisions else (draft, v))
    written = _save_outputs(shown_draft, shown_v, store, out_path, formats)
    store.set_run_status(result.run_id, RunState.done, output=str(written[0].resolve()))
    rng = draft.length_range
    within = "" if rng is None else (" (within range)" if rng.contains(draft.length)
                                     else f" (OUTSIDE {rng.label()})")
    out.print(f"report: {', '.join(str(p) for p in written)}  run {result.run_id}"
              f"{' (resumed)' if result.resumed else ''}", highlight=False)
    out.print(f"length: {draft.length} {draft.length_unit.symbol}{within}; "
              f"{len(draft.sections)} sections; {len(draft.citations)} citations; "
              f"{result.seconds:.0f} s", highlight=False)
    s = v.summary
    vpath = _validation_path(written[0], "md")
    out.print(f"validation: {s.verified_line()}; {s.repairs} repairs; {s.errors} errors, "
              f"{s.warnings} warnings (see {vpath})", highlight=False, soft_wrap=True)
    for section in draft.sections:
        if section.note:
            out.print(f"note: {section.heading}: {section.note}", highlight=False)
    if not v.ok:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(s.findings_by_kind.items()))
        err.print(f"[yellow]warning:[/yellow] {s.errors} errors remain after repair ({kinds}); "
                  f"see {vpath}", highlight=False, soft_wrap=True)
    if decisions:
        from docent.review import summarize

        err.print(f"run {result.run_id}: {carried} decisions of your earlier review carried "
                  f"over ({summarize(v, decisions).line()})", highlight=False, soft_wrap=True)
        if strict and not strict_ok(v, decisions):
            raise typer.Exit(1)
        return
    if not v.ok_strict and v.ok:
        _unverified_note(v, vpath, strict)
    if strict and not v.ok_strict:
        raise typer.Exit(1)


@app.command()
def render(
    run: Annotated[int | None, typer.Argument(
        help="The run to render (default: the latest finished one).")] = None,
    out_path: Annotated[Path, typer.Option("--out", "-o", help="Where to write it.")]
    = Path("report.md"),
    fmt: FormatOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Render a finished run again as Markdown, DOCX or self-contained HTML.

    Example: docent render 3 -f docx -f html -o report.docx
    """
    from docent.pipeline import load_run
    from docent.store import Store

    settings = _settings(workspace)
    formats = _formats(fmt, out_path)
    store = Store.from_settings(settings)
    if run is None:
        done = [r for r in store.runs("write") if r.draft]
        if not done:
            raise DocentError(f"{settings.workspace}: no finished run to render",
                              fix="write one with `docent write`")
        run = done[0].id
    draft, validation = load_run(store, run)
    written = _save_outputs(draft, validation, store, out_path, formats)
    out.print(f"run {run}: {', '.join(str(p) for p in written)}", highlight=False)


@app.command()
def runs(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """List the runs of the workspace (newest first).

    Example: docent runs -w docent-workspace

    For scripts: docent runs --json (each run with its validation summary)
    """
    from docent.types import ValidationReport
    from docent.store import Store

    store = Store.from_settings(_settings(workspace))
    rows: list[list[str]] = []
    records: list[dict] = []
    for r in store.runs():
        length = validation = ""
        summary = None
        if r.validation:
            summary = ValidationReport.model_validate_json(r.validation).summary
            length = str(summary.length or "")
            validation = (f"verified {summary.supported}/{summary.covered}, "
                          f"{summary.unverified} unverified, {summary.errors} errors")
        elif r.progress:
            p = r.progress
            validation = f"{p.get('stage')} {p.get('done')}/{p.get('total')}"
        review = None
        if r.validation and summary is not None:
            from docent.review import summarize

            decisions = store.reviews(r.id)
            review = summarize(ValidationReport.model_validate_json(r.validation), decisions)
            if review.to_review:
                validation += (f"; reviewed {review.to_review - review.pending} of "
                               f"{review.to_review}")
        first = r.assignment.strip().splitlines()[0] if r.assignment.strip() else ""
        rows.append([str(r.id), r.status + (f": {r.error}" if r.error else ""),
                     r.created_at[:19], length, validation, first[:60]])
        records.append({
            "id": r.id, "kind": r.kind, "status": r.status, "error": r.error,
            "review": review.model_dump() if review is not None else None,
            "created_at": r.created_at, "updated_at": r.updated_at,
            "output": r.output, "options": r.options, "progress": r.progress,
            "assignment": r.assignment,
            "summary": summary.model_dump(mode="json") if summary is not None else None,
        })
    if as_json:
        _print_json(records)
        return
    if not rows:
        err.print("no runs yet: write a report with `docent write`")
        return
    _print_table(["run", "status", "created", "length", "validation", "assignment"], rows)


#: File extensions that name a format by another name (``report.markdown`` is Markdown).
_FORMAT_ALIASES = {"markdown": "md", "htm": "html"}


def _formats(fmt: list[str] | None, out_path: Path) -> list[str]:
    from docent.render import FORMATS

    if not fmt:
        ext = out_path.suffix.lower().lstrip(".")
        ext = _FORMAT_ALIASES.get(ext, ext)
        fmt = [ext if ext in FORMATS else "md"]
    bad = [f for f in fmt if f not in FORMATS]
    if bad:
        raise DocentError(f"unknown format {bad[0]!r}", fix="use one of: " + ", ".join(FORMATS))
    return list(dict.fromkeys(fmt))


def _validation_path(report: Path, ext: str) -> Path:
    return report.with_name(report.stem + f".validation.{ext}")


def _save_outputs(draft, validation, store, out_path: Path, formats: list[str]) -> list[Path]:
    """The report in each format (``out_path`` with the format's extension) and the
    validation report beside the first."""
    from docent.check import to_markdown as validation_markdown
    from docent.render import render as render_report

    written: list[Path] = []
    for fmt in formats:
        ext = out_path.suffix.lower().lstrip(".")
        path = out_path if _FORMAT_ALIASES.get(ext, ext) == fmt else out_path.with_suffix("." + fmt)
        data = render_report(draft, fmt, validation=validation, store=store)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as exc:
            raise DocentError(f"{path}: cannot write the report ({exc.strerror})") from exc
        written.append(path)
    if validation is not None:
        _validation_path(written[0], "md").write_text(validation_markdown(validation),
                                                      encoding="utf-8")
        _validation_path(written[0], "json").write_text(validation.model_dump_json(indent=2),
                                                        encoding="utf-8")
    return written


def _ingest_or_exit(paths: list[str], store, settings: Settings, embedder, progress) -> None:
    from docent.ingest import IngestStatus, ingest_and_index

    results = ingest_and_index(paths, store, settings, embedder, progress)
    failed = [r for r in results if r.status is IngestStatus.failed]
    for r in failed:
        err.print(f"[red]error:[/red] {r.error}", highlight=False, soft_wrap=True)
    if failed:
        raise typer.Exit(1)


@app.command()
def review(
    run: Annotated[int, typer.Argument(help="The run to review (see docent runs).")],
    set_: Annotated[list[str] | None, typer.Option(
        "--set", help="Record a decision: ID=confirmed, ID=removed, ID=rewritten (with "
        "--text), ID=recited (with --passage) or ID=undone; repeatable.")] = None,
    text: Annotated[str | None, typer.Option(
        "--text", help="The new text of a rewritten sentence.")] = None,
    passage: Annotated[int | None, typer.Option(
        "--passage", help="The passage a re-cited sentence cites (a passage_id of --json).")]
    = None,
    note: Annotated[str | None, typer.Option("--note", help="A note kept with the decision.")]
    = None,
    show_all: Annotated[bool, typer.Option(
        "--all", help="List decided sentences too (with their decision).")] = False,
    out_file: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Write the corrected report here (a checked report: in its own "
        "format, Markdown or Word; a written one: Markdown).")] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Exit 1 unless every cited sentence is verified by Docent or "
        "decided by the reader and no error is left unsettled.")] = False,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Review a run: the sentences Docent could not verify or flagged, riskiest first, each
    with its evidence; record what you decide; write the corrected report.

    Example: docent review 3 --json

    Decide: docent review 3 --set s12=confirmed --set s14=removed

    Rewrite in place (the citation stays): docent review 3 --set s7=rewritten --text "作者提出了两种模型。"

    Write the corrected report: docent review 3 --out corrected.docx
    """
    from docent.review import parse_set, strict_ok, summarize, to_review
    from docent.store import Store
    from docent.types import ValidationReport

    store = Store.from_settings(_settings(workspace))
    record = store.run(run)
    if record is None or not record.validation:
        raise DocentError(f"run {run}: no such finished run in this workspace",
                          fix="see docent runs")
    validation = ValidationReport.model_validate_json(record.validation)
    if set_:
        ids = {s.id or f"s{s.index + 1}": s for s in validation.sentences}
        decisions = [parse_set(value, set(ids), text, passage) for value in set_]
        for d in decisions:
            d.before, d.note = ids[d.sentence_id].text, note
        store.add_reviews(run, decisions)  # all or none
    decisions = store.reviews(run)
    summary = summarize(validation, decisions)
    if out_file is not None:
        _write_corrected(store, record, validation, decisions, out_file)
    items = to_review(validation, decisions, pending_only=not show_all)
    if as_json:
        _print_json({"run": run, "summary": summary.model_dump(), "line": summary.line(),
                     "sentences": [i.model_dump(mode="json") for i in items]})
    else:
        rows = [[i.id, i.status if i.decision is None else i.decision.action.value,
                 "" if i.score is None else f"{i.score:.2f}",
                 ", ".join(x for x in ((i.evidence.source or "")[:30],
                                       i.evidence.locator or "") if x) if i.evidence else "",
                 i.text[:70]] for i in items]
        if rows:
            _print_table(["id", "status", "score", "evidence", "sentence"], rows)
        err.print(f"run {run}: {summary.line()}", highlight=False, soft_wrap=True)
    if strict and not strict_ok(validation, decisions):
        raise typer.Exit(1)


def _write_corrected(store, record, validation, decisions, path: Path) -> None:
    from docent.review import corrected_docx, corrected_markdown

    original = Path(record.output or "")
    try:
        if path.suffix.lower() == ".docx":
            if record.kind != "check" or original.suffix.lower() != ".docx" \
                    or not original.is_file():
                raise DocentError(f"{path}: a Word copy needs the Word report that was checked"
                                  f" ({original.name or 'none'})",
                                  fix="write Markdown (--out corrected.md) instead")
            path.write_bytes(corrected_docx(original, validation, decisions, store))
        else:
            text = store.run_report(record.id) if record.kind == "check" else None
            if text is None:
                from docent.render import render
                from docent.types import Draft

                if not record.draft:
                    raise DocentError(f"run {record.id}: no report to correct")
                text = render(Draft.model_validate_json(record.draft), "md").decode("utf-8")
            path.write_text(corrected_markdown(text, validation, decisions, store),
                            encoding="utf-8")
    except OSError as exc:
        raise DocentError(f"{path}: cannot write the corrected report ({exc.strerror})",
                          fix="give a writable path") from exc
    err.print(f"wrote {path}", highlight=False)


def _unverified_note(v, where: Path | str | None, strict: bool) -> None:
    """One line on stderr: how many sentences are unverified and whether that fails."""
    n = max(v.summary.unverified, len(v.unverified_sentences()))
    place = f" (listed in {where})" if where else " (listed above)"
    err.print(f"[yellow]{'strict:' if strict else 'note:'}[/yellow] {n} cited sentence"
              f"{'s are' if n != 1 else ' is'} unverified{place}: check "
              f"{'them' if n != 1 else 'it'} against the cited passage"
              + ("" if strict else "; --strict fails on them"), highlight=False, soft_wrap=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on (a loopback address unless --allow-remote).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")]
    = 8765,
    allow_remote: Annotated[bool, typer.Option(
        "--allow-remote", help="Allow a non-loopback --host (needs --accounts: anyone who can "
        "reach the app must log in).")] = False,
    accounts: Annotated[bool, typer.Option(
        "--accounts", help="People log in: a teacher makes a course, students join it with its "
        "code and see only their own projects (needed with --allow-remote or "
        "DOCENT_DATABASE_URL).")] = False,
    max_upload_mb: Annotated[int, typer.Option(
        "--max-upload-mb", min=1, help="Largest accepted upload, in MB.")] = 500,
    workspace: WorkspaceOpt = None,
) -> None:
    """Start the local web app: projects, uploads, runs with live progress, cited reports.

    Example: docent serve --port 8765
    """
    from docent.web import MB, create_app, is_loopback
    from docent.web import serve as run_server

    if not is_loopback(host) and not allow_remote:
        raise DocentError(f"--host {host}: not a loopback address",
                          fix="the app has no login; add --allow-remote --accounts to serve it "
                          "anyway, with accounts")
    settings = _settings(workspace)
    if not accounts and (allow_remote or settings.database_url):
        why = "--allow-remote" if allow_remote else "a database server (DOCENT_DATABASE_URL)"
        raise DocentError(f"{why} needs --accounts: the app would have no login",
                          fix="add --accounts: a teacher signs up first, students join with "
                          "the course code")
    root = settings.workspace / "projects"
    web_app = create_app(root, settings, max_upload=max_upload_mb * MB,
                         allow_remote=allow_remote, accounts=accounts)
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    banner = (f"Docent: http://{shown}:{port}/  (projects in {root}; Ctrl-C stops, unfinished "
              "runs resume at the next start)")
    if web_app.state.worker.queue_mode:
        from docent.store.engine import describe

        banner += (f"\njobs: checks and reports go to {describe(settings.queue_url)} for "
                   "`docent worker` processes (uploads are ingested here)")
    if accounts:
        people = web_app.state.accounts
        banner += ("\naccounts: " + (f"{people.store.user_count()} so far" if
                                     people.store.user_count() else "none yet")
                   + f"; a teacher signs up with the invite {people.invite()} (7 days)")
    run_server(web_app, host=host, port=port, banner=banner)


@app.command("model-server")
def model_server(
    model: Annotated[str | None, typer.Option(
        "--model", "-m", help="An embedded model name (qwen2.5-coder-1.5b, qwen2.5-coder-0.5b) "
        "or a GGUF path (default: DOCENT_LLM_MODEL).", show_default=False)] = None,
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on (0.0.0.0: every interface, for other "
        "machines).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")]
    = 8600,
    threads: Annotated[int | None, typer.Option(
        "--threads", min=1, help="CPU threads (default: DOCENT_LLM_THREADS, or the cores).",
        show_default=False)] = None,
    ctx_tokens: Annotated[int | None, typer.Option(
        "--ctx", min=512, help="Context window of each request, in tokens (default: "
        "DOCENT_LLM_CTX).", show_default=False)] = None,
    parallel: Annotated[int, typer.Option(
        "--parallel", min=1, max=64, help="Requests served at once (continuous batching; "
        "memory grows with each).")] = 1,
    gpu_layers: Annotated[int, typer.Option(
        "--gpu-layers", min=-1, help="Layers on the GPU with a GPU build of xllamacpp "
        "(-1: all).")] = 0,
    api_key: Annotated[str | None, typer.Option(
        "--api-key", envvar="DOCENT_MODEL_SERVER_API_KEY", show_default=False,
        help="Require this key of every request (workers: DOCENT_LLM_API_KEY).")] = None,
) -> None:
    """Serve one model to many workers (llama.cpp's OpenAI-compatible server).

    Prints the settings each worker needs.

    Example: docent model-server --model qwen2.5-coder-1.5b --host 0.0.0.0 --port 8600
    """
    from docent.llm.server import check_port_free, check_server_installed, run_server, \
        server_argv, worker_settings

    settings = Settings()
    check_server_installed()
    check_port_free(host, port)
    argv = server_argv(model or settings.llm_model, settings, host=host, port=port,
                       threads=threads, ctx=ctx_tokens, parallel=parallel,
                       gpu_layers=gpu_layers)
    name = argv[argv.index("--model_alias") + 1]
    gguf = argv[argv.index("--model") + 1]
    n_threads, n_ctx = argv[argv.index("--n_threads") + 1], argv[argv.index("--n_ctx") + 1]
    workers = worker_settings(argv, api_key=bool(api_key))
    err.print(f"model server: {name} ({gguf}), {n_threads} threads, context {n_ctx} tokens, "
              f"{parallel} request{'s' if parallel > 1 else ''} at once",
              highlight=False, soft_wrap=True, markup=False)
    err.print(f"workers: {workers}", highlight=False, soft_wrap=True, markup=False)
    judge = worker_settings(argv, api_key=bool(api_key), judge=True)
    err.print(f"or as the judge only: {judge}", highlight=False, soft_wrap=True, markup=False)
    if not api_key and host not in ("127.0.0.1", "localhost", "::1", "[::1]"):
        err.print(f"note: anyone who can reach port {port} can use the model; --api-key "
                  "requires a key", highlight=False, soft_wrap=True, markup=False)
    run_server(argv, api_key=api_key)


def _read_assignment(value: str) -> str:
    path = Path(value)
    if len(value) < 4096 and path.suffix.lower() in (".txt", ".md") :
        if not path.is_file():
            raise DocentError(f"{value}: no such assignment file")
        return path.read_text(encoding="utf-8")
    return value


def main() -> None:
    """Entry point: one-line errors and a non-zero exit, tracebacks only with DOCENT_DEBUG."""
    debug = os.environ.get("DOCENT_DEBUG", "").lower() not in ("", "0", "false", "no")
    try:
        app()
    except DocentError as exc:
        if debug:
            raise
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted: finished work is kept in the workspace; run again to resume")
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        err.print(f"[red]internal error:[/red] {type(exc).__name__}: {exc} "
                  "(set DOCENT_DEBUG=1 for the traceback)", highlight=False, soft_wrap=True)
        sys.exit(2)


from docent import cli_jobs as _cli_jobs  # noqa: E402,F401 - registers check and worker

if __name__ == "__main__":  # `python -m docent.cli`: the module whose app has every command
    from docent.cli import main as _main

    _main()
