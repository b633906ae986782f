"""The write stage: plan each required section, decide its points from the sources, render each
sentence from its evidence, cited by construction."""

from docent.write.compose import info_paragraphs, missing_paragraph, number_citations
from docent.write.plan import SectionPlan, plan_report, section_role, target_length
from docent.write.writer import ReportWriter, write_report

__all__ = [
    "ReportWriter",
    "SectionPlan",
    "info_paragraphs",
    "missing_paragraph",
    "number_citations",
    "plan_report",
    "section_role",
    "target_length",
    "write_report",
]
