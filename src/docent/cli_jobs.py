"""``docent check`` (one report, or a class of them) and ``docent worker`` (the queue's jobs).

Part of the ``docent`` command (:mod:`docent.cli`); only the command modules print.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from docent.brief import settings_fallback
from docent.cli import WorkspaceOpt, _ingest_or_exit, _progress, _read_assignment, _settings, \
    _unverified_note, app, err, out
from docent.errors import DocentError
from docent.jobs.classes import class_rows
from docent.jobs.classes import validation_of as _validation

__all__ = ["check", "class_rows", "worker"]

DatabaseOpt = Annotated[str | None, typer.Option(
    "--database", envvar="DOCENT_DATABASE_URL", show_default=False,
    help="The workspace in a database server (postgresql://user@host/db) instead of the "
    "workspace folder's SQLite file.")]
QueueOpt = Annotated[str | None, typer.Option(
    "--queue", envvar="DOCENT_QUEUE_URL", show_default=False,
    help="The job queue (redis://host:6379/0 or amqp://host//): each report becomes a job "
    "for `docent worker` processes, and this command waits for them.")]


def _course_settings(workspace: Path | None, database: str | None, queue: str | None):
    settings = _settings(workspace)
    update = {k: v for k, v in (("database_url", database), ("queue_url", queue)) if v}
    return settings.model_copy(update=update) if update else settings


@app.command()
def check(
    reports: Annotated[list[Path], typer.Argument(
        help="The report(s) to check: Markdown, text, Word (.docx) or HTML; several for a "
        "class.", show_default=False)],
    source: Annotated[list[str] | None, typer.Option(
        "--source", "-s", help="A source to ingest first (file, folder or URL); repeatable.")]
    = None,
    assignment: Annotated[str | None, typer.Option(
        "--assignment", "-a", help="The assignment (text or .txt/.md file): adds the "
        "structure and length checks.")] = None,
    json_out: Annotated[Path | None, typer.Option(
        "--json", help="Write the validation report as JSON here; - prints it to stdout "
        "(then stdout holds only the JSON and the summary goes to stderr). With several "
        "reports: one object per report, with its run, summary and validation.")] = None,
    md_out: Annotated[Path | None, typer.Option(
        "--md", help="Write the readable validation report here (default: print it); with "
        "several reports, a folder for one NAME.md each.")] = None,
    html_out: Annotated[Path | None, typer.Option(
        "--html", help="Write the checked report as an HTML page here: every sentence marked, "
        "with its located evidence a click away; with several reports, a folder.")] = None,
    no_judge: Annotated[bool, typer.Option(
        "--no-judge", help="Skip the model's support verdicts (structure, citations, "
        "bibliography and provenance only).")] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Also exit 1 when any cited sentence is unverified (the judge could "
        "not establish that its passage supports it); without it only errors fail.")] = False,
    database: DatabaseOpt = None,
    queue: QueueOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Check reports written by anyone against their sources; exit 1 if errors remain.

    Prints "verified N of M cited sentences (U unverified, P partly, X not supported)"; a
    sentence the judge could not verify is unverified, never supported: check those yourself
    (they are listed in the validation report).

    Example: docent check report.md -s examples/sources/papers/alce-2305.14627.pdf -a examples/assignments/reading-report-zh.txt --json validation.json

    A chatbot's report handed in as Word, with a page to read it by: docent check submission.docx -s word2vec.pdf --html checked.html

    Every sentence gets the place in the sources that states it (page and quote, the runner-up
    too); a sentence is red only with a reason you can check (a number or a term the source
    never states), otherwise verified or unverified.

    A class, one table and one JSON: docent check submissions/*.md -s paper.pdf --json class.json

    A class on the course's workers: docent check submissions/* -s paper.pdf --database postgresql://postgres@db/course --queue redis://db:6379/0 --json class.json

    For scripts (the validation report as JSON on stdout): docent check report.md --json - | jq .summary

    Strict gate (exit 1 on errors or on any unverified sentence): docent check report.md -s paper.pdf --strict
    """
    from docent.brief import parse_brief
    from docent.check.report_file import read_report
    from docent.index import get_embedder
    from docent.store import Store

    settings = _course_settings(workspace, database, queue)
    texts = [(report, read_report(report)) for report in reports]  # every file readable first
    if len(set(r.name for r in reports)) < len(reports):
        raise DocentError("two reports share a file name", fix="rename one: a report's name "
                          "is how its results and review are found")
    brief = parse_brief(_read_assignment(assignment), fallback=settings_fallback(settings)) \
        if assignment else None
    brief_json = brief.model_dump_json() if brief is not None else ""
    store = Store.from_settings(settings)
    embedder = get_embedder(settings)
    from docent.jobs.check_job import create_check_run, run_check

    with _progress() as progress:
        if source:
            _ingest_or_exit(list(source), store, settings, embedder, progress)
        if store.passage_count() == 0:
            raise DocentError(f"{settings.workspace}: no sources to check against",
                              fix="give them with --source PATH")
        runs = [create_check_run(store, report, text, brief_json=brief_json, no_judge=no_judge,
                                 queued=bool(settings.queue_url)) for report, text in texts]
        if settings.queue_url:
            _wait_for_workers(store, settings, runs, progress)
        else:
            judge = None
            if not no_judge:
                from docent.check.judge import get_judge

                judge = get_judge(settings, embedder=embedder)
            for n, run_id in enumerate(runs, 1):
                if len(runs) > 1:
                    progress(f"report {n} of {len(runs)}", n - 1, len(runs))
                run_check(store, settings, run_id, embedder=embedder, judge=judge,
                          progress=progress)
    if len(runs) == 1:
        _one_report(store, runs[0], reports[0], json_out, md_out, html_out, strict)
    else:
        _class(store, runs, reports, json_out, md_out, html_out, strict)


def _wait_for_workers(store, settings, runs: list[int], progress) -> None:
    """Queue the runs' jobs and wait for all of them, showing how many are done."""
    from docent.jobs.queue import make_app, send
    from docent.types import RunState

    app = make_app(settings.queue_url)
    for run_id in runs:
        send(app, run_id)
    ended = {RunState.done, RunState.failed, RunState.cancelled}
    while True:
        states = [store.run(r).status for r in runs]
        done = sum(s in ended for s in states)
        running = sum(s == RunState.running for s in states)
        progress(f"checked by the workers ({running} running)", done, len(runs))
        if done == len(runs):
            return
        time.sleep(1.0)


def _write(path: Path, text: str, what: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise DocentError(f"{path}: cannot write the {what} ({exc.strerror})",
                          fix="give a writable path") from exc


def _one_report(store, run_id: int, report: Path, json_out, md_out, html_out,
                strict: bool) -> None:
    from docent.check import to_markdown as validation_markdown
    from docent.review import strict_ok, summarize

    run, result = _validation(store, run_id)
    if result is None:
        raise DocentError(f"{report}: not checked ({run.error or run.status})",
                          fix="see the worker's log, then check it again")
    decisions = store.reviews(run_id)
    readable = validation_markdown(result)
    json_stdout = json_out is not None and str(json_out) == "-"
    if json_stdout:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
        sys.stdout.flush()
    elif json_out:
        _write(json_out, result.model_dump_json(indent=2), "validation report")
    if html_out:
        from docent.render.checked import render_checked

        _write(html_out, render_checked(result, title=report.name), "page")
    if md_out:
        _write(md_out, readable, "validation report")
    elif not json_stdout:
        out.print(readable, markup=False, highlight=False, soft_wrap=True)
    s = result.summary
    (err if json_stdout else out).print(
        f"{s.verified_line()}; {s.errors} errors, {s.warnings} warnings", highlight=False,
        soft_wrap=True)
    if decisions:
        err.print(f"run {run_id}: {len(decisions)} decisions of your earlier review carried "
                  f"over ({summarize(result, decisions).line()})", highlight=False,
                  soft_wrap=True)
    else:
        err.print(f"run {run_id}: review it with `docent review {run_id}` (or in `docent "
                  "serve`)", highlight=False, soft_wrap=True)
    reviewed_ok = strict_ok(result, decisions) if decisions else None
    if reviewed_ok is None and result.ok and not result.ok_strict:
        _unverified_note(result, md_out or ("the JSON on stdout" if json_stdout else None),
                         strict)
    if reviewed_ok is not None:  # the reader's decisions settle what they decided
        if not reviewed_ok and (strict or not result.ok):
            raise typer.Exit(1)
    elif not result.ok or (strict and not result.ok_strict):
        raise typer.Exit(1)


def _class(store, runs: list[int], reports: list[Path], json_out, md_out, html_out,
           strict: bool) -> None:
    from docent.check import to_markdown as validation_markdown

    rows = class_rows(store, runs, reports)
    for folder in (md_out, html_out):
        if folder is not None:
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DocentError(f"{folder}: cannot make the folder ({exc.strerror})",
                                  fix="give a writable folder for several reports") from exc
    for row, report in zip(rows, reports):
        if "validation" not in row:
            continue
        _, result = _validation(store, row["run"])
        if md_out:
            _write(md_out / f"{report.stem}.md", validation_markdown(result),
                   "validation report")
        if html_out:
            from docent.render.checked import render_checked

            _write(html_out / f"{report.stem}.html", render_checked(result, title=report.name),
                   "page")
    json_stdout = json_out is not None and str(json_out) == "-"
    if json_stdout:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif json_out:
        _write(json_out, json.dumps(rows, ensure_ascii=False, indent=2), "results")
    shown = err if json_stdout else out
    for row in rows:
        if "verified" not in row:
            shown.print(f"{row['report']}\trun {row['run']}\tnot checked: "
                        f"{row.get('error') or row['status']}",
                        highlight=False, soft_wrap=True, markup=False)
            continue
        worst = f"\t{row['worst'][0]}" if row["worst"] else ""
        shown.print(f"{row['report']}\trun {row['run']}\tverified {row['verified']} of "
                    f"{row['cited']}\t{row['unverified']} unverified\t{row['errors']} errors"
                    f"{worst}", highlight=False, soft_wrap=True, markup=False)
    failed = [r for r in rows if not r.get("ok")
              or (strict and r["unverified"] > r["confirmed"])]
    err.print(f"{len(rows)} reports: {len(rows) - len(failed)} pass, {len(failed)} do not "
              "(review one with `docent review RUN`)", highlight=False, soft_wrap=True)
    if failed:
        raise typer.Exit(1)


@app.command()
def worker(
    database: DatabaseOpt = None,
    queue: QueueOpt = None,
    concurrency: Annotated[int, typer.Option(
        "--concurrency", min=1, max=16, help="Jobs at once in this process (1: one model "
        "in memory; run more processes for more).")] = 1,
    threads: Annotated[int | None, typer.Option(
        "--threads", min=1, help="CPU threads of this worker's local model (default: "
        "DOCENT_LLM_THREADS, or the cores). With several workers on one "
        "machine, give each a share of the cores.", show_default=False)] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Run the queue's jobs (checks and writes) on this machine until stopped.

    Needs only the database and the queue: sources, reports and runs are in the database; the
    search indexes are rebuilt here, in the workspace folder, and cached. A job whose worker
    dies is run again by another (or by this one, restarted), and is done once.

    Example: docent worker --database postgresql://postgres@db-host/course --queue redis://db-host:6379/0
    """
    from docent.jobs.queue import worker_main

    settings = _course_settings(workspace, database, queue)
    if threads:
        settings = settings.model_copy(update={"llm_threads": threads})
    if not settings.database_url:
        raise DocentError("a worker needs the database its jobs are in",
                          fix="give --database postgresql://... (or DOCENT_DATABASE_URL)")

    def log(line: str) -> None:
        err.print(f"{time.strftime('%H:%M:%S')} {line}", highlight=False, soft_wrap=True,
                  markup=False)

    from docent.llm.local import default_threads

    log(f"worker: jobs from {settings.queue_url}, database "
        f"{_describe(settings.database_url)}, model threads: "
        f"{settings.llm_threads or default_threads()}; Ctrl-C stops (a job it was on runs "
        "again)")
    worker_main(settings, concurrency=concurrency, log=log)


def _describe(url: str) -> str:
    from docent.store.engine import describe

    return describe(url)
