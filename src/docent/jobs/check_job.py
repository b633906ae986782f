"""One check job: a report kept as a run of the workspace, checked against its sources.

The same code runs in ``docent check`` (in this process, one report after another) and in a
``docent worker`` (a job of the queue): the run holds everything the job needs (the report's
text, its name, the brief, whether to judge), so a worker on another machine needs only the
database::

    run_id = create_check_run(store, Path("a.md"), text, queued=True)
    validation = run_check(store, settings, run_id, embedder=embedder)
"""

from __future__ import annotations

from pathlib import Path

from docent.config import Settings
from docent.errors import DocentError
from docent.progress import Progress
from docent.store import Store
from docent.types import RunState, ValidationReport

__all__ = ["create_check_run", "run_check"]


def create_check_run(store: Store, report: Path, text: str, *, brief_json: str = "",
                     no_judge: bool = False, queued: bool = False,
                     options: dict | None = None) -> int:
    """A run of kind ``check`` holding ``text`` (the report as read), ``running`` (this
    process checks it now) or ``queued`` (for a worker). ``options`` go with the run's own
    (the web app's class checks: ``{"batch": id, "remote": True}``, the report being a name
    only)."""
    options = dict(options or {})
    # where the report is, resolved here, on the machine that has it (a worker may have none)
    where = report.name if options.get("remote") else str(report.resolve())
    run_id = store.create_run("check", report.name, brief_json,
                              {"report": str(report), "format": report.suffix.lower() or ".md",
                               "no_judge": bool(no_judge), "where": where, **options})
    store.save_run_report(run_id, text)
    if queued:
        store.set_run_status(run_id, RunState.queued)
        store.set_run_progress(run_id, {"stage": "queued", "done": 0, "total": 1})
    return run_id


def run_check(store: Store, settings: Settings, run_id: int, *, embedder=None, judge=None,
              progress: Progress | None = None) -> ValidationReport:
    """Check the run's report, keep its validation, carry an earlier review of the same report
    over, and mark the run done. ``judge=None`` loads the configured judge unless the run asks
    for none. Safe to run again: it only ever writes the run's own result."""
    from docent.brief import Brief
    from docent.check import validate
    from docent.index import Retriever, get_embedder
    from docent.review.runs import carry_over

    run = store.run(run_id)
    if run is None:
        raise DocentError(f"run {run_id}: no such run", fix="see `docent runs`")
    text = store.run_report(run_id)
    if text is None:
        raise DocentError(f"run {run_id}: holds no report to check",
                          fix="check the report again with `docent check`")
    if store.passage_count() == 0:
        raise DocentError("no sources to check against", fix="give them with --source PATH")
    brief = Brief.model_validate_json(run.brief) if run.brief else None
    embedder = embedder if embedder is not None else get_embedder(settings)
    retriever = Retriever(store, settings, embedder)
    retriever.ensure(progress)
    if judge is None and not run.options.get("no_judge"):
        from docent.check.judge import get_judge

        judge = get_judge(settings, embedder=embedder)
    report = str(run.options.get("report") or run.assignment)
    result = validate(text, store, judge, report_name=report, brief=brief,
                      retriever=retriever, embedder=embedder, progress=progress)
    latest = store.run(run_id)
    if latest is not None and latest.status == RunState.cancelled:
        return result  # cancelled while it was checked (a queue's job): the cancel stands
    store.save_run_result(run_id, validation=result.model_dump_json())
    carry_over(store, run_id, result, Path(report))
    store.set_run_progress(run_id, {"stage": "done", "done": 1, "total": 1})
    store.set_run_status(run_id, RunState.done, output=run.options.get("where", report))
    return result
