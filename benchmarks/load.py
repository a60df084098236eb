"""Mixed add/get load over HTTP against a real ``accord serve`` process.

    .venv/bin/python benchmarks/load.py [--users 4] [--memories 10000] [--clients 1 4 16 64]
        [--seconds 20] [--get-share 0.8] [--embedder none] [--data-dir DIR] [--json out.json]

It fills a data dir with ``--memories`` memories for each of ``--users`` users through the
embedded engine (sessions of 50 turns, then their extraction jobs drained), or reuses
``--data-dir`` when it already holds them, starts ``python -m accord.server`` on it (its
in-process worker on, as in production), then for each client count runs that many clients
for ``--seconds``: each in a closed loop, no think time, sends a ``get``
(``POST /v1/memories/retrieve``, a random user and query) with probability ``--get-share``,
else an ``add`` of one turn (``POST /v1/memories/add``, whose extraction then runs in the
server's background worker, competing with the reads). It prints per row: operations a
second, p50/p95/p99 latency per kind, errors (transport errors and 5xx; 429 and blocked adds
are counted apart), the server's RSS and peak RSS. A benchmark, not a test: it asserts nothing.

The load generator is this process (httpx, one connection per client), on the same machine
as the server, so at high client counts it takes CPU from the server: the figures are what a
client measures, not server time alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from accord import AccordSettings, AsyncAccord

KEY = "aco_load-benchmark-operator-key"
_SUBJECTS = ["I", "My sister", "My manager", "We", "Our team", "My friend"]
_VERBS = ["visited", "bought", "cooked", "planned", "discussed", "fixed", "booked", "learned", "watched", "ordered"]
_OBJECTS = [
    "a ramen place", "the museum of modern art", "a vintage bicycle", "a trip to Lisbon", "the quarterly report",
    "a sourdough loaf", "the garden shed", "tickets for a jazz concert", "a course on statistics", "a standing desk",
    "a marathon training plan", "a birthday cake", "a hiking route in the Alps", "a yoga class", "a chess opening",
]
_WHEN = ["yesterday", "last week", "on Sunday", "this morning", "in March", "after work", "twice this month"]


def _turn(rng: random.Random, i: int) -> str:
    return f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_WHEN)} (note {i})"


def _query(rng: random.Random) -> str:
    return f"what did they say about {rng.choice(_OBJECTS)} {rng.choice(_WHEN)}?"


def _settings(data_dir: Path, embedder: str) -> dict[str, str]:
    return {
        "ACCORD_DATA_DIR": str(data_dir),
        "ACCORD_EMBEDDER": embedder,
        "ACCORD_RATE_LIMIT_PER_MINUTE": "1e9",
        "ACCORD_RATE_LIMIT_BURST": "1000000",
        "ACCORD_DEDUP_WINDOW_SECONDS": "0",
    }


async def seed(data_dir: Path, embedder: str, users: int, memories: int) -> float:
    """Fill the data dir; returns the seconds it took (0 when it was filled already)."""
    marker = data_dir / f"load-seeded-{users}x{memories}"
    if marker.exists():
        return 0.0
    rng = random.Random(7)
    start = time.perf_counter()
    config = AccordSettings(
        data_dir=data_dir, embedder=embedder, run_worker=False, rate_limit_per_minute=1e9,
        rate_limit_burst=1_000_000, dedup_window_seconds=0, max_pending_jobs_per_tenant=None,
    )
    async with AsyncAccord(config) as engine:
        for u in range(users):
            for i in range(0, memories, 50):
                turns = [{"role": "user", "content": _turn(rng, i + k)} for k in range(min(50, memories - i))]
                await engine.add(turns, f"user-{u}", session_id=f"s{i // 50}")
        await engine.process_pending()
    marker.touch()
    return time.perf_counter() - start


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: Path, embedder: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, **_settings(data_dir, embedder), "ACCORD_SERVER_ADMIN_KEY": KEY}
    log = open(data_dir.parent / "load-server.log", "ab")  # noqa: SIM115 (the process owns it)
    process = subprocess.Popen(
        [sys.executable, "-m", "accord.server", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}; see {log.name}")
        try:
            if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start in 120 s")


def _rss_mb(pid: int) -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


@dataclass
class Row:
    clients: int
    seconds: float
    ops_per_s: float
    gets: int
    adds: int
    get_p50_ms: float
    get_p95_ms: float
    get_p99_ms: float
    add_p50_ms: float
    add_p95_ms: float
    add_p99_ms: float
    errors: int
    blocked: int
    rss_mb: float
    peak_rss_mb: float
    jobs_pending_after: int


def _pct(samples: list[float], q: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


async def run_level(url: str, pid: int, clients: int, seconds: float, users: int, get_share: float) -> Row:
    gets: list[float] = []
    adds: list[float] = []
    errors = blocked = 0
    deadline = time.perf_counter() + seconds
    headers = {"Authorization": f"ApiKey {KEY}"}

    async def client(n: int) -> None:
        nonlocal errors, blocked
        rng = random.Random(1000 * clients + n)
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as http:
            i = 0
            while time.perf_counter() < deadline:
                user = f"user-{rng.randrange(users)}"
                is_get = rng.random() < get_share
                t0 = time.perf_counter()
                try:
                    if is_get:
                        r = await http.post("/v1/memories/retrieve", json={"query": _query(rng), "user_id": user})
                    else:
                        turn = _turn(rng, 10**7 + clients * 10**5 + n * 10**4 + i)
                        r = await http.post("/v1/memories/add", json={"messages": [turn], "user_id": user})
                except httpx.HTTPError:
                    errors += 1
                    continue
                elapsed = (time.perf_counter() - t0) * 1000
                i += 1
                if r.status_code >= 500:
                    errors += 1
                elif r.status_code == 429 or (not is_get and r.json().get("status") == "blocked"):
                    blocked += 1
                elif r.status_code >= 400:
                    errors += 1
                else:
                    (gets if is_get else adds).append(elapsed)

    start = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    took = time.perf_counter() - start
    rss, peak = _rss_mb(pid)
    async with httpx.AsyncClient(base_url=url, headers=headers) as http:
        stats = (await http.get("/v1/stats")).json()
    return Row(
        clients=clients, seconds=round(took, 1), ops_per_s=round((len(gets) + len(adds)) / took, 1),
        gets=len(gets), adds=len(adds),
        get_p50_ms=_pct(gets, 0.5), get_p95_ms=_pct(gets, 0.95), get_p99_ms=_pct(gets, 0.99),
        add_p50_ms=_pct(adds, 0.5), add_p95_ms=_pct(adds, 0.95), add_p99_ms=_pct(adds, 0.99),
        errors=errors, blocked=blocked, rss_mb=round(rss, 1), peak_rss_mb=round(peak, 1),
        jobs_pending_after=int(stats["jobs_pending"]),
    )


def _print(rows: list[Row]) -> None:
    print("| clients | ops/s | gets | adds | get p50 | get p95 | get p99 | add p50 | add p95 | add p99 | errors | blocked | RSS MB | peak MB | jobs left |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r.clients} | {r.ops_per_s} | {r.gets} | {r.adds} | {r.get_p50_ms} | {r.get_p95_ms} | {r.get_p99_ms} "
            f"| {r.add_p50_ms} | {r.add_p95_ms} | {r.add_p99_ms} | {r.errors} | {r.blocked} | {r.rss_mb} "
            f"| {r.peak_rss_mb} | {r.jobs_pending_after} |"
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=int, default=4)
    p.add_argument("--memories", type=int, default=10_000, help="memories per user")
    p.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16, 64])
    p.add_argument("--seconds", type=float, default=20.0, help="per client count")
    p.add_argument("--get-share", type=float, default=0.8)
    p.add_argument("--embedder", default="none")
    p.add_argument("--data-dir", type=Path, help="reuse (or fill) this data dir")
    p.add_argument("--json", type=Path, help="also write the rows here")
    args = p.parse_args()

    tmp = None if args.data_dir else tempfile.TemporaryDirectory(prefix="accord-load-")
    data_dir = args.data_dir or Path(tmp.name) / "data"  # type: ignore[union-attr]
    data_dir.mkdir(parents=True, exist_ok=True)
    took = asyncio.run(seed(data_dir, args.embedder, args.users, args.memories))
    print(f"data dir {data_dir}: {args.users} users x {args.memories} memories" + (f", filled in {took:.0f} s" if took else ""))
    process, url = start_server(data_dir, args.embedder)
    rows = []
    try:
        for clients in args.clients:
            row = asyncio.run(run_level(url, process.pid, clients, args.seconds, args.users, args.get_share))
            rows.append(row)
            print(f"  {clients} clients: {row.ops_per_s} ops/s, get p95 {row.get_p95_ms} ms, errors {row.errors}", flush=True)
    finally:
        process.terminate()
        process.wait(timeout=30)
    _print(rows)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=2))
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
