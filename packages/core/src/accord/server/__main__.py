"""``python -m accord.server [--data-dir DIR] [serve options]``: the same as ``accord serve``."""

from __future__ import annotations

import argparse
import asyncio
import sys

from accord.errors import AccordError
from accord.server.cli import add_serve_parser


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m accord.server", description="Serve Accord's REST API")
    sub = parser.add_subparsers(dest="command")
    add_serve_parser(sub)
    args = parser.parse_args(["serve", *(sys.argv[1:] if argv is None else argv)])
    try:
        status: int = asyncio.run(args.func(args))
        return status
    except AccordError as e:
        print(f"accord: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
