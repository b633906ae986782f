"""The whole job behind ``docent write`` and the web app: brief -> draft -> validate and repair
-> saved run. One function, so the CLI and the web worker run exactly the same code::

    store = Store.from_settings(settings)
    result = write_run(settings, assignment_text, store=store, embedder=get_embedder(settings))
    result.run_id, result.validation.summary.supported_pct
    draft, validation = load_run(store, result.run_id)   # later, e.g. `docent render RUN`

Everything a run produces is kept in the workspace (``runs``: brief, finished sections, the
numbered draft, the validation report, live progress), so an interrupted run resumes and a
finished one can be rendered again in any format.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docent.progress import Progress
from docent.brief import parse_brief
from docent.config import Settings
from docent.errors import DocentError
from docent.index import Embedder, Retriever
from docent.store import Store
from docent.llm import ChatModel
from docent.types import Brief, Draft, DraftSection, Repair, RunState, ValidationReport

if TYPE_CHECKING:
    from docent.write.writer import ReportWriter

__all__ = ["Progress", "WriteResult", "load_run", "validate_and_repair", "write_checked",
           "write_run"]



@dataclass
class WriteResult:
    run_id: int
    draft: Draft
    validation: ValidationReport
    markdown: str
    resumed: bool
    seconds: float
    brief: Brief


def _recording(store: Store, run_id: int, progress: Progress | None) -> Progress:
    """Pass progress on, and keep the latest in the run's row (at most ~2 writes a second)."""
    last = [0.0]

    def update(stage: str, done: int, total: int) -> None:
        if progress:
            progress(stage, done, total)
        now = time.monotonic()
        if now - last[0] > 0.5 or done >= total:
            last[0] = now
            store.set_run_progress(run_id, {"stage": stage, "done": done, "total": total})

    return update


def write_run(
    settings: Settings,
    assignment: str,
    *,
    store: Store,
    embedder: Embedder | None,
    fast: bool = False,
    new: bool = False,
    repair: bool = True,
    progress: Progress | None = None,
    brief_fallback=None,
    run_id: int | None = None,
) -> WriteResult:
    """Write, validate and repair a report for ``assignment`` from the workspace's sources.

    Resumes the latest unfinished run of the same assignment, model and sources unless ``new``
    (or continues ``run_id`` when given, e.g. a run the web app created). ``fast`` writes with
    the small model and keeps the calibrated judge. Raises :class:`DocentError` when there is nothing to write
    from; a failure or interruption marks the run so and re-raises.
    """
    from docent.check.judge import get_judge
    from docent.llm import get_model
    from docent.llm.log import attach_call_log
    from docent.render.markdown import to_markdown

    started = time.perf_counter()
    if not assignment.strip():
        raise DocentError("the assignment is empty", fix="give the assignment's text or file")
    brief = parse_brief(assignment, fallback=brief_fallback)
    if store.passage_count() == 0:
        raise DocentError(f"{settings.workspace}: no sources to write from",
                          fix="give them with --source PATH, or run `docent ingest` first")
    retriever = Retriever(store, settings, embedder)
    retriever.ensure(progress)
    role = "small" if fast else "writer"
    model = get_model(settings, role=role)
    options = {"model": model.name, "sources": sorted(s.sha256 for s in store.sources())}
    resumed = False
    if run_id is None:
        run_id = None if new else store.unfinished_run("write", assignment, options)
        resumed = run_id is not None
        if run_id is None:
            run_id = store.create_run("write", assignment, brief.model_dump_json(), options)
    else:
        store.set_run_status(run_id, RunState.running)
    attach_call_log(model, store, run_id=run_id, stage="write")
    report = _recording(store, run_id, progress)
    try:
        judge = get_judge(settings, embedder)  # the calibrated judge, also for --fast
        draft, validation = write_checked(
            brief, store, settings, retriever, model, embedder, judge, run_id=run_id,
            rounds=settings.repair_rounds if repair else 0, progress=report)
    except BaseException as exc:
        store.set_run_status(run_id, RunState.interrupted if isinstance(exc, KeyboardInterrupt)
                             else RunState.failed, error=str(exc) or type(exc).__name__)
        raise
    store.save_run_result(run_id, draft=draft.model_dump_json(),
                          validation=validation.model_dump_json())
    store.set_run_status(run_id, RunState.done)
    store.set_run_progress(run_id, {"stage": "done", "done": 1, "total": 1})
    return WriteResult(run_id=run_id, draft=draft, validation=validation,
                       markdown=to_markdown(draft), resumed=resumed,
                       seconds=time.perf_counter() - started, brief=brief)


def write_checked(brief: Brief, store: Store, settings: Settings, retriever: Retriever,
                  model: ChatModel, embedder: Embedder | None, judge, *, run_id: int | None,
                  rounds: int = 2, progress: Progress | None = None
                  ) -> tuple[Draft, ValidationReport]:
    """Write run ``run_id`` (resuming its saved sections), then validate and repair it."""
    from docent.write.writer import ReportWriter

    writer = ReportWriter(brief, store, settings, retriever, model, embedder, run_id=run_id,
                          progress=progress)
    return validate_and_repair(writer, writer.write(), store=store, retriever=retriever,
                               model=model, judge=judge, embedder=embedder, rounds=rounds,
                               progress=progress)


def validate_and_repair(writer: ReportWriter, sections: list[DraftSection], *, store: Store,
                        retriever: Retriever | None, model: ChatModel, judge,
                        embedder: Embedder | None, rounds: int = 2,
                        progress: Progress | None = None) -> tuple[Draft, ValidationReport]:
    """The rounds: validate the whole draft with ``docent check``'s checks (verdicts are cached,
    so a round judges only what changed), plan the repairs of what fails, make them, top the
    report up when it is short, keep the sections in the run; at most ``rounds`` repair rounds,
    and the last validation is the report's (its verdicts are also set on the draft's
    sentences)."""
    from docent.check import validate
    from docent.check.plans import CachingJudge, plan_repairs, short, unsalvaged
    from docent.write.repair import revise

    judge = judge if isinstance(judge, CachingJudge) else CachingJudge(judge)
    rewritten: set[str] = set()
    repairs: list[Repair] = []
    kept: list[Repair] = []
    draft, numbers = writer.number(sections)
    for rnd in range(rounds + 1):

        def stage(what: str, done: int, total: int, rnd: int = rnd) -> None:
            if progress:
                progress(f"validating, round {rnd + 1}" if what == "checking claims"
                         else what, done, total)

        report = validate(draft, store, judge, brief=writer.brief, retriever=retriever,
                          embedder=embedder, progress=stage)
        if rnd == rounds:
            break
        numbers = dict(numbers)  # grows when a sentence is re-cited to a new passage
        plan = plan_repairs(report, draft, rewritten=rewritten, last=rnd == rounds - 1)
        revision = revise(draft, plan, numbers, store=store, model=model, embedder=embedder,
                          rewritten=rewritten, progress=stage)
        kept = revision.kept
        if not revision.made and not short(report):
            break
        repairs += revision.made
        sections = revision.sections
        if short(report) or revision.removed:
            sections = writer.top_up(sections)
        writer.save(sections)
        draft, numbers = writer.number(sections)
    return draft.judged(report), report.extended(unsalvaged(draft), repairs + kept)


def load_run(store: Store, run_id: int) -> tuple[Draft, ValidationReport | None]:
    """A finished run's draft and validation report, for rendering."""
    run = store.run(run_id)
    if run is None:
        raise DocentError(f"{store.root}: there is no run {run_id}",
                          fix="`docent runs` lists the runs of this workspace")
    if not run.get("draft"):
        raise DocentError(f"{store.root}: run {run_id} has no finished report ({run['status']})",
                          fix="finish it with `docent write` (it resumes), then render it")
    draft = Draft.model_validate_json(run["draft"])
    validation = (ValidationReport.model_validate_json(run["validation"])
                  if run.get("validation") else None)
    decisions = store.reviews(run_id)
    if decisions:  # the reader's review: their text, their word on each sentence
        from docent.review import apply_to_draft, reviewed

        draft = apply_to_draft(draft, decisions, store)
        validation = reviewed(validation, decisions) if validation is not None else None
    return draft, validation
