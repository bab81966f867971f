"""The ``omnimkt`` command: ``omnimkt report``, ``omnimkt check`` and ``omnimkt make-sample``.

Exit status: 0 done; 1 the data have a problem (or ``check`` found some); 2 a
command-line mistake (bad option value, ``--out`` not usable); 130 interrupted.
Every error is one line starting with ``omnimkt:``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from omnimkt.errors import ModelError, OmnimktError

EXIT_PROBLEM, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("omnimkt")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def _columns_help() -> str:
    """The canonical columns of each table, for ``--help``."""
    from omnimkt.data.schema import SPECS

    lines = ["canonical columns (use --columns to map yours onto them):"]
    for spec in SPECS.values():
        optional = f"; optional: {', '.join(spec.optional)}" if spec.optional else ""
        lines.append(f"  {spec.name}: {', '.join(spec.required)}{optional}")
    lines += [
        "",
        "example:",
        "  omnimkt report --data 会员数据 --out reports/q3.html --lang zh \\",
        """    --columns '{"customer_id": "会员编号", "timestamp": "支付时间", "amount": "实付金额"}'""",
        "  omnimkt check --data 会员数据 --encoding gbk",
    ]
    return "\n".join(lines)


def _add_reading_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", required=True,
                   help="folder with transactions (.csv, .csv.gz, .parquet, .xlsx, .xls) and "
                        "optionally touchpoints, customers, stage_events")
    p.add_argument("--columns", default="{}",
                   help="""JSON object canonical -> your column, e.g. '{"customer_id": "会员编号"}'""")
    p.add_argument("--encoding", default=None,
                   help="text encoding of CSV files (default: detect UTF-8 / GBK / GB18030)")
    p.add_argument("--sheet", default=None, help="Excel sheet name (default: the first sheet)")
    order = p.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", dest="dayfirst", action="store_true", default=None,
                       help="read dates like 05/03/2024 as 5 March")
    order.add_argument("--monthfirst", dest="dayfirst", action="store_false",
                       help="read dates like 05/03/2024 as 3 May")
    p.add_argument("--allow-refunds", action="store_true",
                   help="keep negative amounts (refunds) instead of stopping on them")
    p.add_argument("--engine", default="auto", choices=("auto", "pandas", "duckdb", "spark"),
                   help="where the tables are read and checked: pandas (in memory), duckdb "
                        "(embedded, for data larger than memory; spills to disk) or spark; "
                        "auto = duckdb when the files would fill over a quarter of the memory")


def _parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    p = argparse.ArgumentParser(prog="omnimkt", description="Omnichannel precision marketing.",
                                epilog=_columns_help(), formatter_class=fmt)
    p.add_argument("--version", action="version", version=f"omnimkt {_version()}")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("report", help="build the client report (HTML, PDF, Excel) for a data "
                       "folder", epilog=_columns_help(), formatter_class=fmt)
    _add_reading_options(r)
    r.add_argument("--out", required=True,
                   help="HTML file to write; the .pdf and .xlsx go beside it")
    r.add_argument("--title", default=None, help="report title (default by language)")
    r.add_argument("--client", default=None, help="client name for the cover")
    r.add_argument("--lang", default=None, help="zh (default) or en")
    r.add_argument("--currency", default=None, help="ISO code of the amounts (default CNY)")
    r.add_argument("--labels", default=None,
                   help="display labels for codes: a JSON file or JSON text")
    r.add_argument("--config", default=None,
                   help="client.toml with title, client, lang, currency, [labels] and every "
                        "assumption; the options above override it")
    r.add_argument("--no-pdf", dest="pdf", action="store_false", help="skip the PDF")
    r.add_argument("--no-workbook", dest="workbook", action="store_false",
                   help="skip the Excel workbook")
    c = sub.add_parser("check", help="validate a data folder without building a report; "
                       "lists every problem", epilog=_columns_help(), formatter_class=fmt)
    _add_reading_options(c)
    s = sub.add_parser("make-sample", help="regenerate the bundled sample data, bit for bit")
    s.add_argument("--out", default="sample_data")
    s.add_argument("--customers", type=int, default=None)
    s.add_argument("--seed", type=int, default=None)
    return p


def _command_line_hint(message: str) -> str:
    """The command-line spelling of the Python remedies an error message suggests."""
    hints = []
    if "Columns(" in message:
        hints.append("""--columns '{"customer_id": "<your column>", ...}'""")
    if "allow_refunds" in message:
        hints.append("--allow-refunds")
    if "encoding=" in message:
        hints.append("--encoding gbk")
    if "dayfirst" in message:
        hints.append("--dayfirst / --monthfirst")
    if "sheet=" in message:
        hints.append("--sheet <name>")
    return f" On the command line: {' / '.join(hints)}." if hints else ""


def _parse_columns(text: str) -> dict[str, str]:
    from omnimkt._gate import as_columns

    try:
        mapping = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(f"--columns is not valid JSON ({exc}); write e.g. "
                         """'{"customer_id": "会员编号"}'.""") from None
    if not isinstance(mapping, dict):
        raise ModelError(f"--columns must be a JSON object {{canonical: your column}}, got a "
                         f"{type(mapping).__name__} ({text:.60}); write e.g. "
                         """'{"customer_id": "会员编号"}'.""")
    return dict(as_columns(mapping).mapping)


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


def _engine(args: argparse.Namespace) -> str:
    from pathlib import Path

    from omnimkt.data._engine_io import choose_engine

    return choose_engine(Path(args.data), getattr(args, "engine", "auto"))


def _report(args: argparse.Namespace) -> int:
    from omnimkt.report import build_report

    files = build_report(
        args.data, args.out, title=args.title, client=args.client,
        columns=_parse_columns(args.columns), allow_refunds=args.allow_refunds,
        lang=args.lang, currency=args.currency, labels=args.labels, config=args.config,
        encoding=args.encoding, sheet=args.sheet, dayfirst=args.dayfirst,
        pdf=args.pdf, workbook=args.workbook, progress=True,
        engine=getattr(args, "engine", "auto"))
    names = {"html": "Report", "pdf": "PDF", "workbook": "Workbook"}
    for key, label in names.items():
        path = getattr(files, key)
        if path is not None:
            print(f"{label + ':':<10}{path.resolve()}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from omnimkt.data import check_dataset

    engine = _engine(args)
    if engine != "pandas":
        from omnimkt.data._engine_io import check_engine_dataset

        found = check_engine_dataset(args.data, engine, columns=_parse_columns(args.columns),
                                     allow_refunds=args.allow_refunds, progress=True)
    else:
        found = check_dataset(args.data, columns=_parse_columns(args.columns),
                              encoding=args.encoding, sheet=args.sheet,
                              dayfirst=args.dayfirst, allow_refunds=args.allow_refunds)
    problems = list(found.problems)
    table = getattr(found, "summary", None)
    if table is not None and len(table):
        print(table.to_string(index=False))  # what was read: file, encoding or sheet, rows
    for note in getattr(found, "warnings", []):
        print(f"warning: {_one_line(note)}")
    if found.ok and not problems:
        print(f"omnimkt check: {args.data} is ready for omnimkt report.")
        return 0
    print(f"omnimkt check: {len(problems)} problem(s) in {args.data}:", file=sys.stderr)
    for i, problem in enumerate(problems, start=1):
        text = _one_line(str(problem))
        print(f"  {i}. {text}{_command_line_hint(text)}", file=sys.stderr)
    return EXIT_PROBLEM


def _make_sample(args: argparse.Namespace) -> int:
    from omnimkt.datasets.loaders import SAMPLE_CUSTOMERS, SAMPLE_SEED, make_sample

    written = make_sample(
        args.out,
        args.customers if args.customers is not None else SAMPLE_CUSTOMERS,
        args.seed if args.seed is not None else SAMPLE_SEED,
    )
    print(f"Wrote {len(written)} files to {args.out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``omnimkt`` console script; returns the exit status."""
    args: Any = _parser().parse_args(argv)
    run = {"report": _report, "check": _check, "make-sample": _make_sample}[args.command]
    try:
        return run(args)
    except KeyboardInterrupt:
        print("omnimkt: interrupted, nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ModelError as exc:
        print(f"omnimkt: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except OmnimktError as exc:
        text = _one_line(str(exc))
        print(f"omnimkt: {text}{_command_line_hint(text)}", file=sys.stderr)
        return EXIT_PROBLEM


if __name__ == "__main__":
    raise SystemExit(main())
