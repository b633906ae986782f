"""The reader's review: the sentences Docent could not verify (and those it flagged), riskiest
first, each beside its evidence; the reader confirms, removes, rewrites or re-cites them; the
decisions are kept with the run and every output says who checked what::

    items = to_review(validation, decisions)          # red first, then unverified by score
    summary = summarize(validation, decisions)        # ReviewSummary: .line()
    validation = reviewed(validation, decisions)      # the sentences' statuses as decided
    text = corrected_markdown(report, validation, decisions, store)   # the report, corrected
"""

from docent.review.decide import (
    ReviewItem,
    effective,
    parse_set,
    reviewed,
    strict_ok,
    summarize,
    to_review,
)
from docent.review.corrected import corrected_docx, corrected_markdown
from docent.review.draft import apply_to_draft
from docent.review.runs import carry_over, save_check_run

__all__ = [
    "ReviewItem",
    "apply_to_draft",
    "carry_over",
    "save_check_run",
    "corrected_docx",
    "corrected_markdown",
    "effective",
    "parse_set",
    "reviewed",
    "strict_ok",
    "summarize",
    "to_review",
]
