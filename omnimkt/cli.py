"""The ``omnimkt`` command: ``omnimkt report`` and ``omnimkt make-sample``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from omnimkt.errors import OmnimktError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="omnimkt", description="Omnichannel precision marketing.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("report", help="build the client HTML report for a data folder")
    r.add_argument("--data", required=True, help="folder with transactions.csv[.gz]/.parquet ...")
    r.add_argument("--out", required=True, help="HTML file to write")
    r.add_argument("--title", default="Customer data report")
    r.add_argument("--allow-refunds", action="store_true",
                   help="keep negative amounts (refunds) instead of stopping on them")
    r.add_argument("--columns", default="{}",
                   help='JSON mapping canonical -> your column, e.g. \'{"customer_id": "member_no"}\'')
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
    return f" On the command line: {' / '.join(hints)}." if hints else ""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``omnimkt`` console script."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "report":
            from omnimkt.report import build_report

            try:
                columns = json.loads(args.columns)
            except json.JSONDecodeError as exc:
                print(f"omnimkt: --columns is not valid JSON ({exc})", file=sys.stderr)
                return 2
            path = build_report(args.data, args.out, title=args.title, columns=columns,
                                allow_refunds=args.allow_refunds)
            print(f"Report written to {path.resolve()}")
        else:
            from omnimkt.datasets.loaders import SAMPLE_CUSTOMERS, SAMPLE_SEED, make_sample

            written = make_sample(
                args.out,
                args.customers if args.customers is not None else SAMPLE_CUSTOMERS,
                args.seed if args.seed is not None else SAMPLE_SEED,
            )
            print(f"Wrote {len(written)} files to {args.out}")
    except OmnimktError as exc:
        print(f"omnimkt: {exc}{_command_line_hint(str(exc))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
