"""``python -m accord.server [--data-dir DIR] [serve options]``: ``accord serve`` by another name."""

from __future__ import annotations

import sys

from accord.cli.main import main as accord_main


def main(argv: list[str] | None = None) -> int:
    return accord_main(["serve", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
