"""Validation: every cited sentence checked against the passage it cites, and the report
against the assignment (``docent check``)."""

from docent.check.checks import SupportJudge, validate
from docent.check.findings import (
    CheckedSentence,
    Finding,
    Repair,
    ValidationReport,
    ValidationSummary,
    to_markdown,
)
from docent.check.parse import CitationRef, ParsedReport, ReportSentence, parse_report
from docent.check.resolve import ResolvedCitation, parse_locator, resolve

__all__ = [
    "CheckedSentence",
    "CitationRef",
    "Finding",
    "ParsedReport",
    "Repair",
    "ReportSentence",
    "ResolvedCitation",
    "SupportJudge",
    "ValidationReport",
    "ValidationSummary",
    "parse_locator",
    "parse_report",
    "resolve",
    "to_markdown",
    "validate",
]
