"""Validation: every cited sentence checked against the passage it cites, and the report
against the assignment (``docent check``); for ``docent write``, the repair plan of what
fails."""

from docent.check.checks import SupportJudge, validate
from docent.check.findings import to_markdown
from docent.check.parse import (
    CitationRef,
    ParsedReport,
    ReportSentence,
    parse_draft,
    parse_report,
)
from docent.check.plans import CachingJudge, PlannedRepair, plan_repairs
from docent.check.resolve import ResolvedCitation, parse_locator, resolve

__all__ = [
    "CachingJudge",
    "CitationRef",
    "ParsedReport",
    "PlannedRepair",
    "ReportSentence",
    "ResolvedCitation",
    "SupportJudge",
    "parse_draft",
    "parse_locator",
    "parse_report",
    "plan_repairs",
    "resolve",
    "to_markdown",
    "validate",
]
