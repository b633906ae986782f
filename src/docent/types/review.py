"""The reader's review of a run: what they decided for each sentence Docent could not verify
(or flagged), kept in the workspace beside the run (:class:`ReviewDecision`), and the counts
that say who checked what (:class:`ReviewSummary`)."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel

__all__ = ["ReviewAction", "ReviewDecision", "ReviewSummary"]


class ReviewAction(str, Enum):
    """What the reader did with a sentence."""

    confirmed = "confirmed"  # the sentence is supported by its evidence
    removed = "removed"  # taken out of the report
    rewritten = "rewritten"  # its text replaced (the citation stays, or moves with recited)
    recited = "recited"  # it cites another located passage instead
    undone = "undone"  # the decision before it is taken back


class ReviewDecision(BaseModel):
    """One decision of the reader, in the order they were made (the latest for a sentence
    counts; ``undone`` takes it back)."""

    sentence_id: str
    action: ReviewAction
    before: str = ""  # the sentence's text when decided
    text: str | None = None  # the new text (rewritten)
    passage_id: int | None = None  # the passage it now cites (recited)
    note: str | None = None
    at: str | None = None  # when (UTC, ISO 8601), set by the store
    seq: int | None = None  # its place in the run's history, set by the store


class ReviewSummary(BaseModel):
    """Who checked what: the sentences Docent verified, and the reader's decisions on the
    rest of the cited ones."""

    cited: int = 0
    verified_by_docent: int = 0
    confirmed: int = 0
    corrected: int = 0  # rewritten or re-cited
    removed: int = 0
    not_reviewed: int = 0  # cited, neither verified nor decided
    to_review: int = 0  # what the review view lists (red and unverified), decided or not
    pending: int = 0  # of those, the ones without a decision yet

    def line(self) -> str:
        """``verified by Docent 6, confirmed by the reader 47, corrected 5, removed 4, not yet
        reviewed 3``."""
        return (f"verified by Docent {self.verified_by_docent}, confirmed by the reader "
                f"{self.confirmed}, corrected {self.corrected}, removed {self.removed}, "
                f"not yet reviewed {self.not_reviewed}")

    @property
    def reviewed(self) -> int:
        return self.confirmed + self.corrected + self.removed
