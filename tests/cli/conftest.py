"""Running the real ``accord`` command line on a data dir of the test's own.

``accord_cli`` calls the CLI's ``main(argv)`` in this process, with the environment a user would
set and stdout/stderr captured: the same parser, settings and engine as the installed command,
without paying Python's start-up per call. Tests of what only a real process shows (a terminal,
a pipe) start one themselves.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from accord.cli.main import main

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def accord_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """``accord_cli("list", "--user", "alice", data_dir=..., env={...})`` -> returncode, stdout, stderr."""
    default_dir = tmp_path / "accord-data"

    def run(*args: str, data_dir: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        with monkeypatch.context() as m:
            for name, value in {"ACCORD_EMBEDDER": "none", "ACCORD_DATA_DIR": str(data_dir or default_dir), **(env or {})}.items():
                m.setenv(name, value)
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = main(list(args))
                except SystemExit as e:  # argparse usage errors
                    code = e.code if isinstance(e.code, int) else 2
        return subprocess.CompletedProcess(["accord", *args], code, out.getvalue(), err.getvalue())

    return run
