"""``accord health --url`` reports the running server's own state: its checks, breakers and mode."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from .conftest import OPERATOR_KEY


def test_health_asks_the_running_server(real_server) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "accord.cli.main", "health", "--url", real_server.url],
        env={**os.environ, "ACCORD_API_KEY": OPERATOR_KEY},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["status"] == "ok" and report["checks"] == {"store": "ok", "hot_tier": "ok", "index": "ok"}
    wrong = subprocess.run(
        [sys.executable, "-m", "accord.cli.main", "health", "--url", real_server.url, "--key", "acc_wrong"],
        capture_output=True, text=True, timeout=120,
    )
    assert wrong.returncode != 0


async def test_check_over_rest_and_the_remote_client(real_server) -> None:
    from accord.remote import connect_async

    async with connect_async(real_server.url, OPERATOR_KEY) as remote:
        report = await remote.check()
        assert report.ok and "index_missing_points" in report.findings
        assert (await remote.check(repair=True)).ok
