"""The consultant's deliverable: run the report notebook on a data folder, export HTML, PDF, Excel.

``omnimkt report --data DIR --out FILE.html`` calls :func:`build_report`. In order:

1. settings are checked (language, currency, title, labels, the client's
   assumptions through ``resolve_config``) and ``--out`` is checked (not an input
   file, not a folder, writable) — before any work;
2. the data are loaded and validated, so bad input stops with a clear
   :class:`omnimkt.DataError` before a kernel starts;
   with ``engine="duckdb"`` / ``"spark"`` (or ``"auto"`` on data too large for
   memory) the tables stay in that engine: the sections with engine paths
   (overview, CLV, segments, purchase funnel, attribution) aggregate there and
   only small per-customer / per-path results come to pandas; the sections that
   need the raw rows in pandas are skipped with a note saying so
   (:mod:`omnimkt.report_sections._engine`);
3. the template notebook runs with papermill (one progress line per section); it
   writes the Excel workbook itself, so the workbook holds the HTML's numbers;
4. nbconvert writes one self-contained HTML file without code cells, made
   byte-identical across runs, and WeasyPrint prints it to PDF.

Every file is written under a temporary name and renamed only when all succeeded.
"""

from __future__ import annotations

import importlib.resources
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from omnimkt._gate import as_columns, check_bool, check_progress
from omnimkt._result import Result
from omnimkt.data._engine_io import choose_engine
from omnimkt.data.io import load_dataset
from omnimkt.errors import ModelError, OmnimktError
from omnimkt.report_config import ReportSettings, report_settings
from omnimkt.report_export import Staging, check_output, finish_html, write_pdf
from omnimkt.report_sections._engine import ENGINE_SECTIONS
from omnimkt.report_sections.book import SECTIONS
from omnimkt.report_sections.config import resolve_config

__all__ = ["ReportError", "ReportFiles", "build_report"]

TEMPLATE = "report_template.ipynb"


class ReportError(OmnimktError, RuntimeError):
    """The report notebook failed; the message names the cell's error."""


@dataclass(frozen=True, repr=False)
class ReportFiles(Result):
    """The files :func:`build_report` wrote (``pdf`` / ``workbook`` are None when not asked)."""

    html: Path
    pdf: Path | None = None
    workbook: Path | None = None
    title = "Report files"

    @property
    def summary(self) -> pd.DataFrame:  # type: ignore[override]
        rows = [("HTML", self.html), ("PDF", self.pdf), ("Excel workbook", self.workbook)]
        return pd.DataFrame([(k, str(p)) for k, p in rows if p is not None],
                            columns=["file", "path"])

    @property
    def paths(self) -> list[Path]:
        """Every file written, HTML first."""
        return [p for p in (self.html, self.pdf, self.workbook) if p is not None]


def build_report(
    data: str | os.PathLike,
    out: str | os.PathLike,
    *,
    title: str | None = None,
    client: str | None = None,
    columns: Any = None,
    allow_refunds: bool = False,
    lang: str | None = None,
    currency: str | None = None,
    labels: Any = None,
    config: str | os.PathLike | Mapping[str, Any] | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    dayfirst: bool | None = None,
    pdf: bool = True,
    workbook: bool = True,
    progress: bool | None = None,
    kernel_name: str | None = None,
    engine: str = "auto",
) -> ReportFiles:
    """Build the client report (HTML, and beside it PDF and Excel workbook) for a data folder.

    Parameters
    ----------
    data : path-like
        Folder with ``transactions`` (``.csv``, ``.csv.gz``, ``.parquet``, ``.xlsx``,
        ``.xls``) and optionally touchpoints, customers and stage_events
        (see :func:`omnimkt.data.load_dataset`).
    out : path-like
        HTML file to write; the PDF and workbook get the same name with ``.pdf`` /
        ``.xlsx``. Missing folders are created. Never an input file or a folder.
    title, client : str, optional
        Report title (default by language) and client name on the cover; shown as
        typed (HTML-escaped).
    columns : Columns or dict, optional
        Canonical name -> your column name; unknown keys are an error.
    allow_refunds : bool
        Keep negative amounts (refunds) instead of stopping on them.
    lang : {"zh", "en"}, optional
        Report language; default ``"zh"`` (or the config file's).
    currency : str, optional
        ISO code of the amounts; default ``"CNY"``.
    labels : mapping, JSON text or path, optional
        Display labels for codes (channels, segments, models).
    config : path to a TOML file or mapping, optional
        Title, client, lang, currency, labels and every assumption of the analysis;
        the arguments above override it.
    encoding, sheet, dayfirst
        How to read the files (see :func:`omnimkt.data.read_table`).
    pdf, workbook : bool
        Also write the PDF / the Excel workbook.
    progress : bool, optional
        One line per report section on stderr; ``None`` = when stderr is a terminal.
    kernel_name : str, optional
        Jupyter kernel; default: the one of this Python.
    engine : {"auto", "pandas", "duckdb", "spark"}, default "auto"
        Where the tables are aggregated; "auto" uses DuckDB when
        :func:`omnimkt.data.load_dataset`'s rule finds the files too large for
        memory (or tables stored as folders of parts), else pandas.

    Returns
    -------
    ReportFiles
        Paths of the HTML, PDF and workbook written.

    Examples
    --------
    >>> build_report("sample_data", "reports/sample_report.html")  # doctest: +SKIP
    ReportFiles(html=PosixPath('reports/sample_report.html'), ...)
    """
    settings = report_settings(config, title=title, client=client, lang=lang,
                               currency=currency, labels=labels)
    # Checked here, before a kernel starts, so a wrong key fails in a second.
    assumptions = resolve_config(settings.assumptions)
    cols = as_columns(columns)
    options = {"allow_refunds": check_bool(allow_refunds, "allow_refunds"),
               "encoding": encoding, "sheet": sheet, "dayfirst": dayfirst}
    pdf, workbook = check_bool(pdf, "pdf"), check_bool(workbook, "workbook")
    show = check_progress(progress, large=sys.stderr.isatty())
    data_dir = _data_folder(data)
    chosen = choose_engine(data_dir, engine)
    inputs = [p for p in data_dir.iterdir() if p.is_file()]
    inputs += [Path(x) for x in (config, labels) if isinstance(x, str | os.PathLike)
               and len(str(x)) < 4096 and Path(x).is_file()]
    suffixes = [".html"] + [".pdf"] * pdf + [".xlsx"] * workbook
    targets, created = check_output(out, inputs, suffixes)
    files = dict(zip(suffixes, targets, strict=True))
    with Staging(targets, created) as staging:
        # Fail early, with the data's own message, before a kernel is started.
        if chosen == "pandas":
            load_dataset(data_dir, cols, **options)
        else:
            _say(show, f"omnimkt report: validating the tables in {_ENGINE_NAME[chosen]} ...")
            # Spark's session would start twice (here and in the kernel); DuckDB runs the
            # same aggregate checks on the same files in seconds.
            load_dataset(data_dir, cols, allow_refunds=options["allow_refunds"],
                         engine="duckdb", progress=show)
        params = _parameters(data_dir, settings, assumptions, cols, options,
                             str(staging.temp(files[".xlsx"])) if workbook else "")
        params["engine"] = chosen
        page = _run_template(params, settings.title, kernel_name, show)
        if workbook and not staging.temp(files[".xlsx"]).stat().st_size:
            raise ReportError("report: the template did not write the Excel workbook; "
                              "pass workbook=False / --no-workbook to build without it.")
        staging.temp(files[".html"]).write_text(page, encoding="utf-8")
        if pdf:
            _say(show, "omnimkt report: writing the PDF")
            write_pdf(page, staging.temp(files[".pdf"]))
        staging.commit()
    return ReportFiles(files[".html"], files.get(".pdf"), files.get(".xlsx"))


def _data_folder(data: Any) -> Path:
    if not isinstance(data, str | os.PathLike):
        raise ModelError(f"data: expected the path of a data folder, got {data!r:.60}.")
    folder = Path(data).expanduser().resolve()
    if not folder.is_dir():
        load_dataset(folder)  # raises the loader's DataError naming the path
    return folder


def _parameters(data_dir: Path, settings: ReportSettings, assumptions: Mapping[str, Any],
                cols: Any, options: Mapping[str, Any], workbook_path: str) -> dict[str, Any]:
    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

    return {
        "data_dir": str(data_dir), "title": settings.title, "client": settings.client,
        "columns_json": dump(dict(cols.mapping)), "allow_refunds": options["allow_refunds"],
        "lang": settings.lang, "currency": settings.currency,
        "labels_json": dump(settings.labels), "config_json": dump(assumptions),
        "workbook_path": workbook_path, "encoding": options["encoding"] or "",
        "sheet": "" if options["sheet"] is None else options["sheet"],
        "dayfirst_json": dump(options["dayfirst"]),
    }


def _say(show: bool, line: str) -> None:
    if show:
        print(line, file=sys.stderr, flush=True)


def _run_template(params: Mapping[str, Any], title: str, kernel_name: str | None,
                  show: bool) -> str:
    """Execute the template with ``params`` and return the finished HTML page."""
    import nbformat
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbconvert import HTMLExporter

    template = importlib.resources.files("omnimkt") / TEMPLATE
    with importlib.resources.as_file(template) as src, \
            tempfile.TemporaryDirectory(prefix="omnimkt-report-") as tmp:
        executed = Path(tmp) / "report.ipynb"
        try:
            papermill.execute_notebook(
                str(src), str(executed), parameters=dict(params),
                engine_name=_progress_engine(lambda line: _say(show, line),
                                             params.get("engine", "pandas")),
                kernel_name=kernel_name or _kernel_for_this_python(),
                progress_bar=False, log_output=False, cwd=tmp,
                # The kernel runs on this machine only; its start-up chatter is not for users.
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
                kernel_manager_class=_quiet_kernel_manager(),
            )
        except papermill.PapermillExecutionError as exc:
            hint = (f" Check the data with omnimkt check --data {params['data_dir']!r}."
                    if exc.ename == "DataError" else "")
            raise ReportError(f"report: the section in cell {exc.exec_count} failed with "
                              f"{exc.ename}: {exc.evalue}.{hint}") from None
        except (DeadKernelError, CellTimeoutError) as exc:
            raise ReportError(f"report: the notebook kernel stopped ({exc}).") from None
        nb = nbformat.read(executed, as_version=4)
        for w in _strip_stderr(nb):
            print(f"omnimkt report: a section printed a warning (left out of the report): {w}",
                  file=sys.stderr)
        _make_stable(nb)
        exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                                exclude_output_prompt=True)
        page, _ = exporter.from_notebook_node(nb)
        return finish_html(page, title, strip=(str(Path(tmp).resolve()) + os.sep, tmp))


def _make_stable(nb: Any) -> None:
    """Keep only cells that show something and give them ids that do not change run to run.

    Code cells without outputs (set-up, parameters, computations) would each leave an
    empty padded block in the page: a blank band above the cover.
    """
    nb.cells = [c for c in nb.cells
                if "injected-parameters" not in c.metadata.get("tags", [])
                and (c.cell_type != "code" or c.get("outputs"))]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in ("kernelspec", "language_info")}


def _strip_stderr(nb: Any) -> list[str]:
    """Drop warning text from the outputs (a client report shows none) and return it."""
    dropped = []
    for cell in nb.cells:
        keep = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                dropped.append(out.get("text", "").strip())
            else:
                keep.append(out)
        if "outputs" in cell:
            cell["outputs"] = keep
    return [d for d in dropped if d]


_STEPS = (  # what a template cell does -> its progress line
    (re.compile(r"\w+_section\(\s*[\"'](\w+)"), None),
    (re.compile(r"\bload_dataset\("), "reading the data"),
    (re.compile(r"\bbuild_report_content\("), "writing the report"),
    (re.compile(r"\.write_workbook\("), "writing the workbook"),
    (re.compile(r"^#\s*(.+)$", re.M), None),
)


def _section_name(cell: Any) -> str | None:
    """A short name for a code cell's progress line (its section, step or first comment)."""
    source = cell.get("source", "")
    for pattern, label in _STEPS:
        m = pattern.search(source)
        if m:
            return label or m.group(1).strip()
    return None


_ENGINE_NAME = {"duckdb": "DuckDB", "spark": "Spark"}


def _step_line(name: str, engine: str) -> str:
    """A progress line's text: the section, and on an engine what runs there or that it
    is skipped."""
    if engine == "pandas" or name not in SECTIONS:
        return name
    if name in ENGINE_SECTIONS:
        return f"{name}: summarising {ENGINE_SECTIONS[name]} in {_ENGINE_NAME[engine]} ..."
    return f"{name}: not run in {_ENGINE_NAME[engine]} (needs --engine pandas); noted in the report"


def _progress_engine(say: Callable[[str], None], engine: str = "pandas") -> str:
    """Register (once per call) a papermill engine printing one line per section."""
    from papermill.engines import NBClientEngine, papermill_engines

    class _Engine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            skip = {"parameters", "injected-parameters"}
            named = [c for c in nb_man.nb.cells if c.cell_type == "code"
                     and not skip & set(c.metadata.get("tags", [])) and _section_name(c)]
            number = {id(c): i for i, c in enumerate(named, start=1)}
            start = nb_man.cell_start

            def cell_start(cell, cell_index=None, **kw):
                if id(cell) in number:
                    say(f"omnimkt report: [{number[id(cell)]}/{len(named)}] "
                        f"{_step_line(_section_name(cell) or '', engine)}")
                return start(cell, cell_index, **kw)

            nb_man.cell_start = cell_start
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register("omnimkt-progress", _Engine)
    return "omnimkt-progress"


def _quiet_kernel_manager() -> type:
    """A kernel manager whose kernel does not write to our terminal.

    On Ctrl-C the kernel is interrupted while it shuts down and logs that it caught
    the interrupt; the user should see only omnimkt's one line. Cell output still
    arrives through Jupyter messages.
    """
    from jupyter_client import AsyncKernelManager

    class _QuietKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            kw["stdout"] = kw["stderr"] = subprocess.DEVNULL
            return await super()._async_launch_kernel(kernel_cmd, **kw)

    return _QuietKernelManager


def _kernel_for_this_python() -> str:
    """Name of a kernel that runs this very interpreter (where omnimkt is installed)."""
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().get_all_specs()
    for name, info in specs.items():
        argv = info.get("spec", {}).get("argv", [])
        if argv and Path(argv[0]).resolve() == Path(sys.executable).resolve():
            return name
    return "python3"
