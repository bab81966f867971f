"""The sections of the client report, one module per model family.

Each section module has ``analyse(data, cfg) -> dict`` (the model results, language-free)
and ``build(analysis, tr, cfg) -> Section`` (question, one-sentence answer, charts,
tables, what to do, findings, actions with expected value, glossary terms) in the
report language. :func:`omnimkt.report_sections.book.build_report_content` computes
them all and lays out cover, executive summary, contents, sections, glossary and
assumptions; the report notebook displays that and writes the Excel workbook.
"""

from __future__ import annotations

from omnimkt.report_sections.book import (
    SECTIONS,
    Report,
    analyse_all,
    analyse_section,
    build_report_content,
    start_analysis,
)
from omnimkt.report_sections.config import resolve_config
from omnimkt.report_sections.i18n import Tr

__all__ = ["SECTIONS", "Report", "Tr", "analyse_all", "analyse_section", "build_report_content",
           "resolve_config", "start_analysis"]
