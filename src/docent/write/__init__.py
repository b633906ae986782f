"""The write stage: plan each required section, gather evidence, write cited paragraphs."""

from docent.write.compose import align, info_paragraphs, missing_paragraph, write_paragraph
from docent.write.plan import SectionPlan, plan_report, section_role, target_length
from docent.write.render import body_markdown, number_citations, to_markdown
from docent.write.writer import write_checked, write_report

__all__ = [
    "SectionPlan",
    "align",
    "body_markdown",
    "info_paragraphs",
    "missing_paragraph",
    "number_citations",
    "plan_report",
    "section_role",
    "target_length",
    "to_markdown",
    "write_checked",
    "write_paragraph",
    "write_report",
]
