"""Check runs: ``docent check`` keeps each report it checks as a run of the workspace (the
report's text and its validation), so the reader can review it (``docent review RUN``, the
web app) and a corrected report can be written back. Checking the same report again carries
the reader's decisions over to the new run, sentence by sentence, where the text is unchanged;
so does writing the same assignment again (``docent write``).
"""

from __future__ import annotations

from pathlib import Path

from docent.review.decide import effective
from docent.store import Store
from docent.types import ReviewAction, ReviewDecision, RunState, ValidationReport

__all__ = ["carry_over", "save_check_run"]


def save_check_run(store: Store, report: Path, text: str, validation: ValidationReport,
                   brief_json: str = "") -> int:
    """A finished run of kind ``check`` holding ``text`` (the report as read) and its
    validation; its ``output`` is the report's path."""
    run_id = store.create_run("check", report.name, brief_json,
                              {"report": str(report), "format": report.suffix.lower() or ".md"})
    store.save_run_result(run_id, validation=validation.model_dump_json())
    store.save_run_report(run_id, text)
    store.set_run_status(run_id, RunState.done, output=str(report.resolve()))
    return run_id


def carry_over(store: Store, run_id: int, validation: ValidationReport,
               report: Path | None = None) -> int:
    """Copy the latest earlier run's decisions on the same report to ``run_id``, for each
    sentence whose id and text are unchanged; how many. The same report: a check run of the
    same file name, or a write run of the same assignment (``report`` is not needed: the run
    says which)."""
    run = store.run(run_id)
    if run is None:
        return 0
    texts = {s.id or f"s{s.index + 1}": s.text for s in validation.sentences}
    earlier = [r for r in store.runs(run.kind) if r.id < run_id
               and r.assignment == run.assignment]
    for other in earlier:  # newest first: the latest review of this report
        decided = effective(store.reviews(other.id))
        if not decided:
            continue
        kept = [ReviewDecision(sentence_id=d.sentence_id, action=d.action, before=d.before,
                               text=d.text, passage_id=d.passage_id, note=d.note)
                for sid, d in decided.items()
                if texts.get(sid) == d.before and d.action is not ReviewAction.undone]
        if kept:
            store.add_reviews(run_id, kept)
        return len(kept)
    return 0
