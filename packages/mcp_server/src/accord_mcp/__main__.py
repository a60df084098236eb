"""``python -m accord_mcp``: the same as the ``accord-mcp`` command."""

from __future__ import annotations

import sys

from accord_mcp.cli import main

if __name__ == "__main__":
    sys.exit(main())
