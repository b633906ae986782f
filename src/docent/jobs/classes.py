"""A class of checked reports as a table: one row per report, with its counts and its worst
findings. ``docent check a.md b.docx ...`` prints it (and writes it as JSON); the web app's
class check (:mod:`docent.web.api_class`) shows it live and exports it as CSV::

    rows = class_rows(store, [4, 5], [Path("ann.md"), Path("bob.docx")])
    rows[0]["verified"], rows[0]["unverified"], rows[0]["red"], rows[0]["worst"]
    batch_rows(store, "3f9c2a1b7d0e")      # the rows of a web class check, oldest report first

A row of a report not checked (yet): ``{"report", "run", "status"}``, with ``"error"`` once the
run has ended without a result, or ``"progress"`` while it is queued or running.
"""

from __future__ import annotations

import json
from pathlib import Path

from docent.store import Run, Store
from docent.types import RunState, ValidationReport

__all__ = ["batch_runs", "batch_rows", "class_rows", "validation_of", "WORST"]

#: How many of a report's worst findings a row names.
WORST = 3
_ENDED = (RunState.done, RunState.failed, RunState.cancelled)


def validation_of(store: Store, run_id: int) -> tuple[Run, ValidationReport | None]:
    """The run and its validation report (None until it is done)."""
    run = store.run(run_id)
    if run.status != RunState.done or not run.validation:
        return run, None
    return run, ValidationReport.model_validate_json(run.validation)


def class_rows(store: Store, runs: list[int], reports: list[Path]) -> list[dict]:
    """One row per report: its run, the counts, and its worst findings."""
    from docent.review import summarize

    rows = []
    for run_id, report in zip(runs, reports):
        run, result = validation_of(store, run_id)
        row = {"report": str(report), "run": run_id, "status": str(run.status)}
        if result is None:
            if run.status in _ENDED:
                row["error"] = run.error or "not checked"
            else:
                row["progress"] = run.progress
            rows.append(row)
            continue
        s = result.summary
        decided = summarize(result, store.reviews(run_id))
        red = [f for f in result.findings if f.severity.value == "error"]
        row.update(cited=s.covered, verified=s.supported, unverified=s.unverified,
                   red=s.not_supported, errors=s.errors, warnings=s.warnings,
                   confirmed=decided.confirmed, ok=result.ok,
                   worst=[" ".join(f.message.split())[:160] for f in red[:WORST]],
                   summary=s.model_dump(), validation=json.loads(result.model_dump_json()))
        rows.append(row)
    return rows


def batch_runs(store: Store, batch: str) -> list[Run]:
    """The check runs of one web class check (``options["batch"]``), in the order made."""
    return sorted((r for r in store.runs("check") if r.options.get("batch") == batch),
                  key=lambda r: r.id)


def batch_rows(store: Store, batch: str) -> list[dict]:
    """:func:`class_rows` of a web class check, each with ``student`` (the file's name);
    without the full validation report (the review view has it)."""
    runs = batch_runs(store, batch)
    rows = class_rows(store, [r.id for r in runs], [Path(r.assignment) for r in runs])
    for row in rows:
        row.pop("validation", None)
        row["student"] = Path(row.pop("report")).name
    return rows
