"""The structured report section and its escaped HTML.

A section module computes a :class:`Section` (question, one-sentence answer, charts,
tables, what to do, ranked findings with their numbers, actions with expected value,
glossary terms); the report shows it with :meth:`Section.to_html`. Every piece of
text is escaped here, so a title, label, channel name or customer id supplied by a
user or the data shows as typed and never runs.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import FuncFormatter

from omnimkt._result import format_number

__all__ = ["Action", "Finding", "Section", "Table", "action_text", "figure_png", "money_axis",
           "percent_axis", "relabel"]


@dataclass
class Finding:
    """One finding: a full sentence, its headline number and its importance (higher first)."""

    text: str
    value: float | None
    importance: float
    key: str


@dataclass
class Action:
    """One recommended action with its expected value in the report currency (None = not
    estimated) and an optional (low, high) range."""

    text: str
    expected_value: float | None
    key: str
    value_range: tuple[float, float] | None = None


@dataclass
class Table:
    """A displayed table (headers already in the report language) and an optional note."""

    caption: str
    frame: pd.DataFrame
    note: str = ""
    index: bool = False


@dataclass
class Section:
    """One section of the report, computed before anything is shown."""

    key: str
    heading: str
    question: str = ""
    answer: str = ""
    figures: list[bytes] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    glossary: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    exports: dict[str, pd.DataFrame] = field(default_factory=dict)
    skipped: str | None = None

    def visible_text(self) -> str:
        """Every piece of text a reader sees (for checks): headings, prose and table cells."""
        parts = [self.heading, self.question, self.answer, *self.todo, *self.notes,
                 *(f.text for f in self.findings), *(a.text for a in self.actions),
                 self.skipped or ""]
        for t in self.tables:
            shown = _cells(t.frame)
            parts += [t.caption, t.note, " ".join(map(str, shown.columns)),
                      " ".join(map(str, shown.index)) if t.index else "",
                      " ".join(shown.astype(str).to_numpy().ravel())]
        return "\n".join(p for p in parts if p)

    def to_html(self, tr: Any) -> str:
        """The section as HTML: heading (anchored), question, answer, charts, tables, to-do."""
        e = html.escape
        out = [f'<section class="omnimkt-section" id="sec-{e(self.key)}">',
               f"<h2>{e(self.heading)}</h2>"]
        if self.skipped:
            out.append(f"<p><em>{e(tr('report.skipped', reason=self.skipped))}</em></p>")
            return "\n".join([*out, "</section>"])
        c = e(tr.colon)
        out.append(f"<p><strong>{e(tr('report.question'))}{c}</strong>{e(self.question)}</p>")
        out.append(f"<p><strong>{e(tr('report.answer'))}{c}</strong>{e(self.answer)}</p>")
        for png in self.figures:
            data = base64.b64encode(png).decode("ascii")
            out.append(f'<p><img alt="" style="max-width:100%" src="data:image/png;base64,{data}"/></p>')
        for t in self.tables:
            if t.caption:
                out.append(f"<p>{e(t.caption)}</p>")
            out.append(_cells(t.frame).to_html(index=t.index, escape=True, border=0,
                                              na_rep="–", classes="omnimkt-table"))
            if t.note:
                out.append(f"<p><em>{e(t.note)}</em></p>")
        if self.notes:
            out.append("<ul>" + "".join(f"<li>{e(n)}</li>" for n in self.notes) + "</ul>")
        if self.todo or self.actions:
            out.append(f"<h3>{e(tr('report.todo'))}</h3>")
            items = [*self.todo, *(action_text(a, tr) for a in self.actions)]
            out.append("<ul>" + "".join(f"<li>{e(n)}</li>" for n in items) + "</ul>")
        return "\n".join([*out, "</section>"])

    def _repr_html_(self) -> str:
        from omnimkt.report_sections.i18n import Tr

        return self.to_html(Tr("en"))


def action_text(a: Action, tr: Any) -> str:
    """An action with its expected value (and range) in the report currency."""
    if a.expected_value is None:
        return a.text
    if a.value_range is not None:
        value = tr("report.expected_range", value=tr.money(a.expected_value),
                   low=tr.money(a.value_range[0]), high=tr.money(a.value_range[1]))
    else:
        value = tr("report.expected", value=tr.money(a.expected_value))
    return f"{a.text} ({value})" if tr.lang == "en" else f"{a.text}（{value}）"


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as display text: numbers via format_number, missing values as a dash."""
    out = frame.copy()
    for col in out.columns:
        out[col] = [format_number(v) if _number(v) else ("–" if _na(v) else str(v))
                    for v in out[col]]
    out.columns = [str(c) for c in out.columns]
    return out


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _na(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def figure_png(fig: plt.Figure) -> bytes:
    """The figure as PNG bytes (no timestamp or software metadata: same bytes every run)."""
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=96, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def relabel(ax: Any, tr: Any, *, title: str | None = None, xlabel: str | None = None,
            ylabel: str | None = None) -> None:
    """Put the report language on an axes: title, axis labels, and display labels for codes
    in tick labels and the legend."""
    if title is not None:
        ax.set_title(title)
    ax.set_xlabel(xlabel if xlabel is not None else tr.chart(ax.get_xlabel()))
    ax.set_ylabel(ylabel if ylabel is not None else tr.chart(ax.get_ylabel()))
    for text in ax.texts:
        text.set_text(tr.chart(text.get_text()))
    if tr.lang == "zh":
        _chinese_dates(ax)
    for axis in (ax.xaxis, ax.yaxis):
        if axis.get_major_formatter().__class__.__name__ == "StrCategoryFormatter" or any(
                t.get_text() and not _numeric_text(t.get_text()) for t in axis.get_ticklabels()):
            ticks = axis.get_ticklabels()
            if ticks and all(not _numeric_text(t.get_text()) for t in ticks if t.get_text()):
                axis.set_ticks(axis.get_ticklocs(),
                               [tr.chart(tr.label(t.get_text())) for t in ticks])
    legend = ax.get_legend()
    if legend is not None:
        for text in legend.get_texts():
            text.set_text(tr.chart(tr.label(text.get_text())))
        if legend.get_title() is not None and legend.get_title().get_text():
            legend.set_title("")


def percent_axis(ax: Any, axis: str = "y", scale: float = 100.0) -> None:
    """Tick labels of ``axis`` as percentages of a 0-1 (``scale=100``) or 0-100 (1) axis."""
    fmt = FuncFormatter(lambda v, _: f"{v * scale:.0f}%")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _chinese_dates(ax: Any) -> None:
    """Month names on concise date axes as 3月, not Mar."""
    from matplotlib.dates import ConciseDateFormatter

    for axis in (ax.xaxis, ax.yaxis):
        if isinstance(axis.get_major_formatter(), ConciseDateFormatter):
            axis.set_major_formatter(ConciseDateFormatter(
                axis.get_major_locator(),
                formats=["%Y年", "%-m月", "%-d日", "%H:%M", "%H:%M", "%S.%f"],
                zero_formats=["", "%Y年", "%-m月", "%-m月%-d日", "%H:%M", "%H:%M"],
                offset_formats=["", "%Y年", "%Y年%-m月", "%Y年%-m月%-d日", "%Y-%m-%d", "%Y-%m-%d %H:%M"]))


def _numeric_text(s: str) -> bool:
    s = s.replace(",", "").replace("−", "-").replace("%", "").replace("¥", "").strip()
    try:
        float(s)
    except ValueError:
        return "-" in s[:5] and s[:4].isdigit()  # dates such as 2025-01
    return True


def money_axis(ax: Any, tr: Any, axis: str = "y", scale: float = 1.0) -> None:
    """Tick labels of ``axis`` in the report currency (¥1,234); ``scale`` converts the
    plotted unit (1000 when a plot draws thousands)."""
    fmt = FuncFormatter(lambda v, _: tr.money(v * scale))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def legend_labels(ax: Any, texts: dict[str, str]) -> None:
    """Replace legend entries written by a plot function (English text -> translated text);
    entries not in ``texts`` keep their text."""
    legend = ax.get_legend()
    if legend is None:
        return
    for item in legend.get_texts():
        item.set_text(texts.get(item.get_text(), item.get_text()))
