"""The whole client report: every section computed, then cover, executive summary,
contents, sections, glossary and assumptions as escaped HTML, and the Excel workbook.

Examples
--------
>>> from omnimkt.datasets import load_sample
>>> rep = build_report_content(load_sample(), lang="zh")  # doctest: +SKIP
>>> html = rep.html()  # doctest: +SKIP
"""

from __future__ import annotations

import html as _html
import importlib
import os
from dataclasses import dataclass
from typing import Any

import pandas as pd

from omnimkt.errors import OmnimktError
from omnimkt.report_sections._common import quiet
from omnimkt.report_sections._engine import (
    analyse_engine,
    engine_notes,
    engine_skip_text,
    is_engine_data,
    saved_value_engine,
    span_and_rows,
)
from omnimkt.report_sections._section import Action, Finding, Section, action_text
from omnimkt.report_sections.config import ASSUMPTIONS, resolve_config
from omnimkt.report_sections.i18n import Tr

__all__ = ["SECTIONS", "Report", "analyse_all", "analyse_section", "build_report_content",
           "start_analysis"]

SECTIONS: tuple[str, ...] = (
    "overview", "clv", "churn", "segments", "retention", "funnel", "cohorts", "paths",
    "attribution", "loyalty", "social", "web", "leads",
)
_TABLES = ("transactions", "touchpoints", "customers", "stage_events", "sessions", "leads",
           "lead_events", "lead_orders", "social_posts")
_SHEETS = ("clv", "segments", "winback", "actions", "channels")


def _saved_value(data: Any, cfg: dict[str, Any]) -> float:
    if cfg["saved_value"] is not None:
        return float(cfg["saved_value"])
    if is_engine_data(data):
        return saved_value_engine(data.transactions, cfg["margin"])
    from omnimkt.churn import saved_customer_value

    return float(quiet(saved_customer_value, data.transactions, margin=cfg["margin"]))


def start_analysis(data: Any, config: dict[str, Any] | None = None) -> dict[str, Any]:
    """The checked assumptions (plus the value of a won-back customer) for
    :func:`analyse_section`; fills nothing else yet."""
    cfg = resolve_config(config)
    cfg["_saved_value"] = _saved_value(data, cfg)
    return {"_cfg": cfg}


def analyse_section(name: str, data: Any, analysis: dict[str, Any]) -> None:
    """Run one section's models into ``analysis[name]`` (language-free). A section that
    cannot run on this data holds ``{"skip": message}`` (only omnimkt's own errors are
    caught; anything else is a bug and propagates). On engine data (DuckDB, Spark) a
    section either runs on the relations or holds ``{"engine_skip": name}``."""
    if name not in SECTIONS:
        raise ValueError(f"unknown report section {name!r}; choose from {SECTIONS}")
    module = importlib.import_module(f"omnimkt.report_sections.{name}")
    try:
        analysis[name] = (analyse_engine(name, data, analysis["_cfg"]) if is_engine_data(data)
                          else module.analyse(data, analysis["_cfg"]))
    except OmnimktError as exc:
        analysis[name] = {"skip": str(exc)}


def analyse_all(data: Any, config: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every section's model results (language-free), see :func:`analyse_section`."""
    out = start_analysis(data, config)
    for name in SECTIONS:
        analyse_section(name, data, out)
    return out


def _facts(data: Any) -> dict[str, Any]:
    """First and last transaction time, rows per table (aggregated in the engine if there)."""
    if is_engine_data(data):
        return span_and_rows(data, _TABLES)
    tx = data.transactions
    return {"first": tx["timestamp"].min(), "last": tx["timestamp"].max(),
            "rows": {t: len(getattr(data, t)) for t in _TABLES
                     if getattr(data, t, None) is not None}}


@dataclass
class Report:
    """The computed report in one language."""

    tr: Tr
    sections: list[Section]
    cfg: dict[str, Any]
    data: Any
    title: str
    client: str
    generated: pd.Timestamp

    def findings(self, n: int = 5) -> list[Finding]:
        """The ``n`` most important findings across sections."""
        every = [f for s in self.sections for f in s.findings]
        return sorted(every, key=lambda f: -f.importance)[:n]

    def actions(self, n: int = 5) -> list[Action]:
        """Up to ``n`` recommended actions: those that pay, largest expected value first,
        then those that pay only at a lower contact cost (they name the break-even cost)."""
        every = [a for s in self.sections for a in s.actions]
        paying = sorted((a for a in every if a.expected_value is not None),
                        key=lambda a: -a.expected_value)
        return (paying + [a for a in every if a.expected_value is None])[:n]

    def exports(self) -> dict[str, pd.DataFrame]:
        """Workbook sheets: sheet name (report language) -> full table."""
        found = {k: v for s in self.sections for k, v in s.exports.items()}
        return {self.tr(f"sheet.{k}"): found[k] for k in _SHEETS if k in found}

    # ------------------------------------------------------------------ HTML
    def html_parts(self) -> list[str]:
        """Cover, summary, contents, each section, glossary, assumptions (each escaped)."""
        return [self._cover(), self._summary(), self._contents(),
                *(s.to_html(self.tr) for s in self.sections), self._glossary(),
                self._assumptions()]

    def html(self) -> str:
        return "\n".join(self.html_parts())

    def _cover(self) -> str:
        tr, e = self.tr, _html.escape
        facts = _facts(self.data)
        start, end = facts["first"], facts["last"]
        rows = "".join(f"<li>{e(tr(f'table.{t}'))}{e(tr.colon)}"
                       f"{e(tr.count(n, 'row'))}</li>" for t, n in facts["rows"].items())
        client = f"<p>{e(tr('report.client', client=self.client))}</p>" if self.client else ""
        return (f'<div class="omnimkt-cover"><h1>{e(self.title)}</h1>{client}'
                f"<p>{e(tr('report.period', start=tr.date(start), end=tr.date(end)))}</p>"
                f"<p>{e(tr('report.sources'))}{e(tr.colon)}</p><ul>{rows}</ul>"
                f"<p>{e(tr('report.date', date=tr.date(self.generated)))}</p></div>")

    def _summary(self) -> str:
        tr, e = self.tr, _html.escape
        found = self.findings()
        items = "".join(f"<li>{e(f.text)}</li>" for f in found)
        acts = [f"<li>{e(action_text(a, tr))}</li>" for a in self.actions()]
        few = (f"<p>{e(tr('report.few_findings', n=len(found)))}</p>" if len(found) < 5 else "")
        return (f'<section id="summary"><h2>{e(tr("report.summary"))}</h2>'
                f"<h3>{e(tr('report.findings'))}</h3><ol>{items}</ol>{few}"
                f"<h3>{e(tr('report.actions'))}</h3><ol>{''.join(acts)}</ol>"
                f"<p><em>{e(tr('report.ev_basis'))}</em></p></section>")

    def _contents(self) -> str:
        e = _html.escape
        links = [f'<li><a href="#summary">{e(self.tr("report.summary"))}</a></li>']
        links += [f'<li><a href="#sec-{e(s.key)}">{e(s.heading)}</a></li>' for s in self.sections]
        links += [f'<li><a href="#glossary">{e(self.tr("report.glossary"))}</a></li>',
                  f'<li><a href="#assumptions">{e(self.tr("report.assumptions"))}</a></li>']
        return f'<nav><h2>{e(self.tr("report.contents"))}</h2><ol>{"".join(links)}</ol></nav>'

    def _glossary(self) -> str:
        e, seen = _html.escape, []
        for s in self.sections:
            seen += [g for g in s.glossary if g not in seen]
        # A table, not <dl>: the notebook's page style floats <dt>, which split terms
        # from their meanings in the browser.
        left = 'style="text-align:left;vertical-align:top"'
        rows = "".join(f"<tr><th {left}>{e(t)}</th><td {left}>{e(m)}</td></tr>"
                       for t, m in (self.tr.glossary(g) for g in seen))
        return (f'<section id="glossary"><h2>{e(self.tr("report.glossary"))}</h2>'
                f"<table><tbody>{rows}</tbody></table></section>")

    def assumptions_table(self) -> pd.DataFrame:
        """Every assumption with its description and the value used."""
        tr, i = self.tr, 0 if self.tr.lang == "en" else 1
        rows = []
        for key, (_, _, desc) in ASSUMPTIONS.items():
            v = self.cfg[key]
            shown = (tr.money(v) if key in ("cost_per_contact", "service_threshold", "price_threshold",
                                            "min_channel_spend", "saved_value") and v is not None
                     else tr.pct(v, 1) if key in ("annual_discount_rate", "success_rate", "margin",
                                                  "top_share", "max_budget_shift",
                                                  "voucher_breakage")
                     else tr.money(self.cfg["_saved_value"]) if v is None else tr.number(v, 0
                     if float(v) == int(v) else 2))
            rows.append((tr.cur(desc[i]), shown))
        ladder = "; ".join(f"{tr.number(p)}: {tr.pct(d)} + {tr.money(v)}" for p, d, v in
                           self.cfg["ladder"])
        rows.append(("points ladder (points: discount + voucher)" if i == 0
                     else "积分阶梯（积分：折扣+代金券）", ladder))
        return pd.DataFrame(rows, columns=[tr("report.assumption"), tr("report.value")])

    def _assumptions(self) -> str:
        e = _html.escape
        table = self.assumptions_table().to_html(index=False, escape=True, border=0)
        return (f'<section id="assumptions"><h2>{e(self.tr("report.assumptions"))}</h2>'
                f"<p>{e(self.tr('report.assumptions_intro'))}</p>{table}</section>")

    # ------------------------------------------------------------------ workbook
    def write_workbook(self, path: str | os.PathLike) -> None:
        """The Excel workbook: CLV per customer, segments, win-back list, the full action
        list and the channel table (the same numbers as the HTML)."""
        sheets = self.exports()
        with pd.ExcelWriter(path, engine="openpyxl") as xl:
            for name, frame in sheets.items():
                frame.to_excel(xl, sheet_name=name[:31], index=False)
            self.assumptions_table().to_excel(xl, sheet_name=self.tr("report.assumptions")[:31],
                                              index=False)
            props = xl.book.properties
            # same workbook every run: creation time = the report date, not the wall clock
            props.created = props.modified = self.generated.to_pydatetime()


def build_report_content(data: Any, *, lang: str = "zh", currency: str = "CNY",
                         labels: dict[str, str] | None = None, config: dict[str, Any] | None = None,
                         title: str = "", client: str = "", generated: Any = None,
                         analysis: dict[str, Any] | None = None) -> Report:
    """Compute every section (or reuse ``analysis`` from :func:`analyse_all`) and return
    the report in one language. ``generated`` defaults to the data's last day."""
    tr = Tr(lang, currency, labels)
    an = analysis if analysis is not None else analyse_all(data, config)
    cfg = an["_cfg"]
    sections = []
    for name in SECTIONS:
        module = importlib.import_module(f"omnimkt.report_sections.{name}")
        part = an[name]
        if "engine_skip" in part:
            heading = tr(f"{name}.heading")
            sections.append(Section(name, heading, skipped=engine_skip_text(tr, heading)))
        elif "skip" in part and isinstance(part["skip"], str):
            sections.append(Section(name, tr(f"{name}.heading"), skipped=part["skip"]))
        else:
            sections.append(module.build(part, tr, cfg))  # every build takes (an, tr, cfg)
            sections[-1].notes.extend(engine_notes(part, tr))
    day = (pd.Timestamp(_facts(data)["last"]).normalize() if generated is None
           else pd.Timestamp(generated).normalize())
    return Report(tr, sections, cfg, data, title or tr("report.default_title"), client, day)
