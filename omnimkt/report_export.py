"""The report's files: where they may go, HTML that is the same bytes every run, the PDF.

* :func:`check_output` runs before any work: the HTML path (and its PDF/workbook
  siblings) must not be an input file, a folder or an unwritable place.
* :class:`Staging` writes every file under a temporary name in the same folder
  and renames them only when all succeeded, so a failure or Ctrl-C leaves no
  partial file.
* :func:`finish_html` removes what varies between runs (random element ids,
  kernel and temp-folder traces), sets an escaped ``<title>`` and drops every
  script (the report is static and loads nothing from the web).
* :func:`write_pdf` prints the HTML with WeasyPrint, Chinese drawn with the Noto
  Sans CJK SC font that ships with ``mplfonts``.
"""

from __future__ import annotations

import contextlib
import html
import logging
import os
import re
import tempfile
import warnings
from collections.abc import Iterable
from pathlib import Path

from omnimkt.errors import ModelError

__all__ = ["Staging", "check_output", "finish_html", "write_pdf"]

# The report is static: no script runs in it (nbconvert's page would load MathJax,
# require.js and mermaid from the web).
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>\s*", re.I | re.S)
_TITLE = re.compile(r"<title>.*?</title>", re.S)
# Random ids that differ run to run: pandas Styler table ids (T_1a2b3) and uuid4s of
# outputs. Neither shape can occur inside base64 image data ("_" and "-" are not in
# its alphabet), so embedded figures are never touched.
_RANDOM_IDS = (
    re.compile(r"\bT_[0-9a-f]{5}(?=[_\s\"'#{.:])"),
    re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"),
)


def _out_error(path: Path, why: str) -> ModelError:
    return ModelError(f"out: cannot write the report to {str(path)!r}: {why}.")


def check_output(out: str | os.PathLike, inputs: Iterable[Path],
                 suffixes: Iterable[str]) -> tuple[list[Path], list[Path]]:
    """The files to write (``out`` with each suffix) and the folders created for them.

    Raises :class:`ModelError` naming the path when ``out`` is not an ``.html``
    file, is a folder, is (or its PDF/workbook sibling is) one of ``inputs``, or
    its folder cannot be created or written. Nothing is written but missing
    folders (removed again by :meth:`Staging.discard`).
    """
    if not isinstance(out, str | os.PathLike) or not str(out).strip():
        raise ModelError(f"out: expected the path of an .html file, got {out!r:.60}.")
    path = Path(out).expanduser().absolute()
    if path.is_dir():
        raise _out_error(path, "it is a folder; give a file name such as report.html")
    if path.suffix.lower() not in (".html", ".htm"):
        raise _out_error(path, "the report file name must end in .html")
    targets = [path.with_suffix(s) if s != path.suffix else path for s in suffixes]
    existing_inputs = [p for p in inputs if p.exists()]
    for target in targets:
        if target.is_dir():
            raise _out_error(target, "a folder of that name exists")
        for src in existing_inputs:
            if target.resolve() == src.resolve() or (
                    target.exists() and os.path.samefile(target, src)):
                raise _out_error(target, "it is one of the input files; choose another name")
    created = _make_folder(path.parent)
    try:
        _probe_writable(path.parent)
    except ModelError:
        _remove_folders(created)
        raise
    return targets, created


def _make_folder(folder: Path) -> list[Path]:
    missing = []
    for parent in (folder, *folder.parents):
        if parent.exists():
            if not parent.is_dir():
                raise _out_error(folder, f"{str(parent)!r} is a file, not a folder")
            break
        missing.append(parent)
    created = []
    for parent in reversed(missing):
        try:
            parent.mkdir()
        except OSError as exc:
            _remove_folders(created)
            raise _out_error(folder, f"the folder cannot be created ({exc.strerror})") from None
        created.append(parent)
    return created


def _probe_writable(folder: Path) -> None:
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".omnimkt-probe-")
    except OSError as exc:
        raise _out_error(folder, f"the folder is not writable ({exc.strerror})") from None
    os.close(fd)
    os.unlink(probe)


def _remove_folders(folders: list[Path]) -> None:
    for folder in reversed(folders):
        with contextlib.suppress(OSError):
            folder.rmdir()


class Staging:
    """Temporary files beside the final ones, renamed into place by :meth:`commit`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> final = pathlib.Path(tempfile.mkdtemp()) / "r.html"
    >>> with Staging([final], []) as st:
    ...     _ = st.temp(final).write_text("<p>ok</p>")
    ...     st.commit()
    >>> final.read_text(), sorted(p.name for p in final.parent.iterdir())
    ('<p>ok</p>', ['r.html'])
    """

    def __init__(self, finals: Iterable[Path], created_folders: list[Path]) -> None:
        self._temps: dict[Path, Path] = {}
        self._created = created_folders
        self._committed = False
        for final in finals:
            # The real suffix last: writers choose their format by it (.xlsx).
            fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.stem}.part-",
                                       suffix=final.suffix)
            os.close(fd)
            self._temps[final] = Path(tmp)

    def temp(self, final: Path) -> Path:
        """The temporary file that becomes ``final`` on commit."""
        return self._temps[final]

    def commit(self) -> None:
        """Move every temporary file to its final name."""
        for final, tmp in self._temps.items():
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, final)
        self._committed = True

    def discard(self) -> None:
        """Delete the temporary files (and the folders made for them)."""
        for tmp in self._temps.values():
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        if not self._committed:
            _remove_folders(self._created)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _renumber(text: str, pattern: re.Pattern[str], prefix: str) -> str:
    seen: dict[str, str] = {}

    def stable(m: re.Match[str]) -> str:
        return seen.setdefault(m.group(0), f"{prefix}{len(seen)}")

    return pattern.sub(stable, text)


def finish_html(page: str, title: str, strip: Iterable[str] = ()) -> str:
    """The exported page made static and reproducible, with ``title`` escaped.

    Random ids are renumbered in order of appearance, each text of ``strip``
    (e.g. the temporary folder the notebook ran in) is removed, and every script
    is dropped (nothing runs, nothing is fetched from the web).

    Examples
    --------
    >>> finish_html("<title>x</title><table id='T_1a2b3'>", "A&B <Q3> \\\\1")
    "<title>A&amp;B &lt;Q3&gt; \\\\1</title><table id='T_omnimkt0'>"
    """
    page = _SCRIPT.sub("", page)
    for i, pattern in enumerate(_RANDOM_IDS):
        page = _renumber(page, pattern, ("T_omnimkt", "omnimkt-id-")[i])
    for text in strip:
        if text:
            page = page.replace(text, "")
    safe = html.escape(title, quote=True)
    # A function, not a replacement string: a title holding "\1" stays text.
    return _TITLE.sub(lambda _m: f"<title>{safe}</title>", page, count=1)


def _pdf_css(font: Path) -> str:
    return f"""
@font-face {{ font-family: "Noto Sans CJK SC"; src: url("{font.as_uri()}"); }}
@page {{ size: A4; margin: 14mm 12mm; }}
html, body {{ font-family: "DejaVu Sans", "Noto Sans CJK SC", sans-serif; font-size: 9.5pt; }}
* {{ font-family: "DejaVu Sans", "Noto Sans CJK SC", sans-serif !important; }}
img {{ max-width: 100%; height: auto; }}
table {{ font-size: 7.5pt; border-collapse: collapse; max-width: 100%; }}
td, th {{ padding: 1px 4px; }}
h1, h2, h3 {{ page-break-after: avoid; }}
tr, img {{ page-break-inside: avoid; }}
"""


def write_pdf(page: str, target: Path) -> None:
    """Print the HTML ``page`` to ``target`` as an A4 PDF with Chinese glyphs.

    The notebook's screen styles are replaced by a short print style sheet (the
    JupyterLab CSS is large and meant for a browser); styles inside the report stay.
    """
    try:
        with warnings.catch_warnings():
            # Without libharfbuzz-subset WeasyPrint subsets fonts itself and says so.
            warnings.filterwarnings("ignore", "HarfBuzz-Subset", DeprecationWarning)
            import weasyprint
            from weasyprint.text.fonts import FontConfiguration
    except OSError as exc:  # the system libraries pango/harfbuzz are missing
        raise ModelError(
            f"pdf: WeasyPrint cannot load its system libraries ({exc}); run `make install` "
            "(it installs libpango) or pass pdf=False / --no-pdf.") from None
    from omnimkt.plotting._base import cjk_font_path

    head, sep, rest = page.partition("<body")
    # The notebook's screen styles live in <head>; the report's own styles (in the body) stay.
    body = re.sub(r"<style[^>]*>.*?</style>", "", head, flags=re.S | re.I) + sep + rest
    # Heading permalinks ("¶") are for the browser, not for paper.
    body = re.sub(r"<a class=\"anchor-link\"[^>]*>.*?</a>", "", body, flags=re.S)
    quiet = [logging.getLogger(n) for n in ("weasyprint", "fontTools")]
    levels = [q.level for q in quiet]
    for q in quiet:
        q.setLevel(logging.ERROR)
    try:
        # @font-face rules only load through a FontConfiguration shared by CSS and writer.
        fonts = FontConfiguration()
        css = weasyprint.CSS(string=_pdf_css(cjk_font_path()), font_config=fonts)
        doc = weasyprint.HTML(string=body, base_url=str(target.parent))
        doc.write_pdf(target, stylesheets=[css], font_config=fonts)
    finally:
        for q, level in zip(quiet, levels, strict=True):
            q.setLevel(level)
