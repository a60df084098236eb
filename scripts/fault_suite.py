"""The fault suite: Accord under SIGKILLs, outages and a full disk, with the figures.

    python scripts/fault_suite.py            # CI mode: 30 kills, every fault once (a few minutes)
    python scripts/fault_suite.py --long     # 200 kills
    python scripts/fault_suite.py --only kills redis --kills 50 --json out.json

Every fault runs against services the script starts itself in a temporary directory: its own
PostgreSQL cluster (``initdb`` / ``pg_ctl`` from ``/usr/lib/postgresql/15/bin``, never a shared
server), its own ``redis-server``, a small tmpfs it mounts (a loop-mounted image if tmpfs
cannot be mounted; the phase is reported as not run, with the reason, if neither can), the
scripted OpenAI-compatible server of the tests, and ``python -m accord.cli serve`` / ``worker``
processes. Load is adds of distinct turns with idempotency keys, retried until acknowledged;
after each fault the queue is drained and audited (see ``faults/traffic.py``).

Phases: ``kills`` (SIGKILL of the server and of two workers on PostgreSQL, at random, under
load), ``postgres`` (the cluster restarted, then crashed and started, under load), ``redis``
(Redis killed and started again: the server reconnects and ``mode`` tells), ``index``
(``<data_dir>/index`` removed under a running server, then a restart: detected and rebuilt),
``disk`` (the data dir's disk filled: writes refused with a clear error, reads go on) and
``llm`` (every provider failing, then recovering: jobs deferred, then applied once).

It prints each phase's figures as JSON lines and a summary table, and exits 1 when a claim
failed (2 when a phase could not be staged and ``--strict`` is given).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the scripted LLM server lives in the test tree
sys.path.insert(0, str(Path(__file__).resolve().parent))

from faults import phases  # noqa: E402
from faults.services import PostgresCluster, Unavailable  # noqa: E402

PHASES = ["kills", "postgres", "redis", "index", "disk", "llm"]


def _run_phase(name: str, root: Path, args: argparse.Namespace, pg: PostgresCluster | None) -> dict[str, Any]:
    if name in ("kills", "postgres"):
        if pg is None:
            raise Unavailable("no PostgreSQL cluster")
        return phases.kills(root, pg, args.kills, args.seed) if name == "kills" else phases.postgres_restart(root, pg)
    if name == "redis":
        return phases.redis_outage(root)
    if name == "index":
        return phases.index_loss(root)
    if name == "disk":
        return phases.disk_full(root)
    try:
        from tests.adapters.llm.conftest import _serving
    except ImportError as e:
        raise Unavailable(f"the scripted LLM server needs litellm and pytest ({e})") from e
    with _serving() as fake:
        return phases.llm_outage(root, fake)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--long", action="store_true", help="200 kills instead of 30")
    p.add_argument("--kills", type=int, help="SIGKILLs in the kills phase (default 30, 200 with --long)")
    p.add_argument("--only", nargs="+", choices=PHASES, help="run only these phases")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--strict", action="store_true", help="a phase that cannot be staged is a failure")
    p.add_argument("--keep", action="store_true", help="keep the run's directory (logs, data)")
    p.add_argument("--json", type=Path, help="write every phase's figures here")
    args = p.parse_args()
    args.kills = args.kills or (200 if args.long else 30)
    chosen = args.only or PHASES
    results: dict[str, dict[str, Any]] = {}
    tmp = tempfile.mkdtemp(prefix="accord-faults-")
    root = Path(tmp)
    print(f"fault suite in {root}: {', '.join(chosen)}; {args.kills} kills", flush=True)
    pg: PostgresCluster | None = None
    try:
        if {"kills", "postgres"} & set(chosen):
            try:
                pg = PostgresCluster(root)
                pg.start()
            except Unavailable as e:
                print(f"PostgreSQL cluster unavailable: {e}")
        for name in chosen:
            t0 = time.monotonic()
            try:
                figures = _run_phase(name, root, args, pg)
            except Unavailable as e:
                figures = {"ok": None, "not_run": str(e)}
            except Exception as e:  # noqa: BLE001 - a phase that crashes is a failed phase, the others still run
                import traceback

                figures = {"ok": False, "crashed": f"{type(e).__name__}: {e}"[:2000],
                           "where": traceback.format_exc().splitlines()[-8:]}
            figures["phase_seconds"] = round(time.monotonic() - t0, 1)
            results[name] = figures
            print(json.dumps({"phase": name, **figures}, default=str), flush=True)
    finally:
        if pg is not None:
            pg.stop()
        if not args.keep:
            import shutil

            shutil.rmtree(root, ignore_errors=True)
    print("\n| phase | result | acked | lost | doubled | jobs not done | check | seconds |")
    print("|---|---|---:|---:|---:|---:|---|---:|")
    for name, f in results.items():
        result = {True: "ok", False: "FAILED", None: "not run"}[f["ok"]]
        print(f"| {name} | {result} | {f.get('acked', '-')} | {f.get('lost', '-')} | {f.get('doubled', '-')} "
              f"| {f.get('jobs_not_done', '-')} | {'ok' if f.get('check_ok') else f.get('check_findings', '-')} | {f['phase_seconds']} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    if any(f["ok"] is False for f in results.values()):
        return 1
    if args.strict and any(f["ok"] is None for f in results.values()):
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
