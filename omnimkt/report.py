"""The consultant's deliverable: run the report notebook on a data folder and export HTML.

``omnimkt report --data DIR --out FILE.html`` calls :func:`build_report`: the
data are loaded and validated first (so bad input stops with a clear
:class:`omnimkt.DataError` before anything runs), the template notebook is
executed with papermill, and nbconvert writes one self-contained HTML file
without code cells (figures embedded, no scripts from the web).
"""

from __future__ import annotations

import importlib.resources
import json
import os
import re
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from omnimkt.data.io import load_dataset
from omnimkt.errors import OmnimktError

TEMPLATE = "report_template.ipynb"
_REMOTE_SCRIPT = re.compile(r"<script[^>]*\ssrc=\"https?://[^\"]*\"[^>]*>\s*</script>\s*", re.I)


class ReportError(OmnimktError, RuntimeError):
    """The report notebook failed; the message names the cell's error."""


def _strip_stderr(nb) -> list[str]:
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


def build_report(
    data: str | os.PathLike,
    out: str | os.PathLike,
    *,
    title: str = "Customer data report",
    columns: Mapping[str, str] | None = None,
    allow_refunds: bool = False,
    kernel_name: str | None = None,
) -> Path:
    """Build the HTML report for a data folder.

    Parameters
    ----------
    data : path-like
        Folder with ``transactions.csv`` (``.csv.gz`` / ``.parquet``) and optionally
        touchpoints, customers and stage_events (see :func:`omnimkt.data.load_dataset`).
    out : path-like
        HTML file to write; parent folders are created.
    title : str
        Heading of the report.
    columns : mapping, optional
        Canonical name -> your column name (as :class:`omnimkt.Columns`).
    allow_refunds : bool
        Keep negative amounts (refunds) instead of stopping on them.
    kernel_name : str, optional
        Jupyter kernel; default: the one of this Python.

    Returns
    -------
    Path
        The HTML file written.

    Examples
    --------
    >>> build_report("sample_data", "reports/sample_report.html")  # doctest: +SKIP
    PosixPath('reports/sample_report.html')
    """
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    data_dir = Path(data).resolve()
    # Fail early, with the data's own message, before a kernel is started.
    load_dataset(data_dir, dict(columns or {}), allow_refunds=allow_refunds)
    out_path = Path(out)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    template = importlib.resources.files("omnimkt") / TEMPLATE
    with importlib.resources.as_file(template) as src, tempfile.TemporaryDirectory() as tmp:
        executed = Path(tmp) / "report.ipynb"
        try:
            papermill.execute_notebook(
                str(src), str(executed),
                parameters={"data_dir": str(data_dir), "title": title,
                            "columns_json": json.dumps(dict(columns or {})),
                            "allow_refunds": allow_refunds},
                kernel_name=kernel_name or _kernel_for_this_python(),
                progress_bar=False, log_output=False, cwd=tmp,
                # The kernel runs on this machine only; its start-up chatter is not for users.
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
            )
        except papermill.PapermillExecutionError as exc:
            raise ReportError(
                f"report: the section in cell {exc.exec_count} failed with {exc.ename}: "
                f"{exc.evalue}. Check the data with omnimkt.data.load_dataset({str(data_dir)!r})."
            ) from None
        nb = nbformat.read(executed, as_version=4)
    warnings_seen = _strip_stderr(nb)
    for w in warnings_seen:
        print(f"omnimkt report: a section printed a warning (left out of the report): {w}",
              file=sys.stderr)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    html, _ = exporter.from_notebook_node(nb)
    html = _REMOTE_SCRIPT.sub("", html)  # static report: no scripts fetched from the web
    html = re.sub(r"<title>.*?</title>", f"<title>{title}</title>", html, count=1, flags=re.S)
    out_path.write_text(html, encoding="utf-8")
    return out_path


def _kernel_for_this_python() -> str:
    """Name of a kernel that runs this very interpreter (where omnimkt is installed)."""
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().get_all_specs()
    for name, info in specs.items():
        argv = info.get("spec", {}).get("argv", [])
        if argv and Path(argv[0]).resolve() == Path(sys.executable).resolve():
            return name
    return "python3"
