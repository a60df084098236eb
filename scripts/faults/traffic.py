"""Load that survives faults, and the ledger that proves nothing was lost or doubled.

Each writer thread sends adds of one distinct turn, each with an idempotency key of its own;
on a transport error, a 5xx or a 429 it sends the same add again (same key) until the server
acknowledges it (``queued``, or ``duplicate`` naming the job of an earlier attempt that did
land). The ledger keeps every acknowledged add. After the run, :func:`audit` reads every
user's export and jobs: an acknowledged turn stored zero times is lost, more than once doubled.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from .services import OPERATOR_KEY

HEADERS = {"Authorization": f"ApiKey {OPERATOR_KEY}"}
CITIES = ["Oslo", "Lima", "Porto", "Quito", "Turin", "Accra", "Hanoi", "Perth", "Cusco", "Malmo"]


@dataclass
class Ledger:
    acked: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # key -> (user, turn, job id)
    attempts: int = 0
    retries: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    error_texts: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, text: str = "") -> None:
        with self.lock:
            self.errors[kind] += 1
            self.error_texts.setdefault(kind, text[:300])


def _word(n: int) -> str:
    # A made-up word per turn, so a query for it finds that turn alone.
    out = ""
    n += 26**3
    while n:
        n, r = divmod(n, 26)
        out += "bcdfghjklmnpqrstvwxzaeiouy"[r]
    return out.capitalize()


def turn_for(n: int) -> str:
    return f"I moved to {CITIES[n % len(CITIES)]} and my neighbour is called {_word(n)}"


class Writers:
    """``threads`` writers against whichever of ``urls`` answers, until :meth:`stop`."""

    def __init__(self, urls: list[str], users: int, threads: int = 3, ledger: Ledger | None = None, start: int = 0) -> None:
        self.urls, self.users, self.ledger = urls, users, ledger or Ledger()
        self._stop = threading.Event()
        self._next = start
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._loop, args=(i,), daemon=True) for i in range(threads)]

    def __enter__(self) -> Writers:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=180)

    def _claim(self) -> int:
        with self._lock:
            self._next += 1
            return self._next

    def _loop(self, i: int) -> None:
        rng = random.Random(i)
        with httpx.Client(headers=HEADERS, timeout=30) as http:
            while not self._stop.is_set():
                n = self._claim()
                self._until_acked(http, rng, n)

    def _until_acked(self, http: httpx.Client, rng: random.Random, n: int) -> None:
        user, key = f"user-{n % self.users}", f"fault-{n}"
        body = {"messages": [turn_for(n)], "user_id": user, "idempotency_key": key}
        while True:  # once sent, an add is retried until acknowledged, even after stop()
            url = rng.choice(self.urls)
            with self.ledger.lock:
                self.ledger.attempts += 1
            try:
                r = http.post(f"{url}/v1/memories/add", json=body)
            except httpx.HTTPError as e:
                self.ledger.note(f"transport:{type(e).__name__}", str(e))
                self._pause()
                continue
            if r.status_code == 200:
                result = r.json()
                if result["status"] == "queued" or result.get("blocked_reason") == "duplicate":
                    with self.ledger.lock:
                        self.ledger.acked[key] = (user, turn_for(n), result["job_id"])
                    return
                self.ledger.note(f"blocked:{result.get('blocked_reason')}", r.text)
            else:
                self.ledger.note(f"http:{r.status_code}", r.text)
            with self.ledger.lock:
                self.ledger.retries += 1
            self._pause()

    def _pause(self) -> None:
        time.sleep(0.05 if not self._stop.is_set() else 0.2)


def wait_drained(url: str, timeout: float = 240.0) -> dict[str, Any]:
    """Until no job is queued or running (workers and the in-process worker drain them)."""
    deadline = time.monotonic() + timeout
    stats: dict[str, Any] = {}
    while time.monotonic() < deadline:
        try:
            stats = httpx.get(f"{url}/v1/stats", headers=HEADERS, timeout=10).json()
            if stats["jobs_pending"] == 0:
                return stats
        except (httpx.HTTPError, KeyError, ValueError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"jobs not drained in {timeout} s: {stats}")


@dataclass
class Audit:
    acked: int
    lost: int
    doubled: int
    jobs_not_done: int
    memories_doubled: int
    check_ok: bool
    check: dict[str, Any]

    @property
    def clean(self) -> bool:
        return not (self.lost or self.doubled or self.jobs_not_done or self.memories_doubled) and self.check_ok


def audit(url: str, ledger: Ledger, users: int) -> Audit:
    """Every acknowledged turn stored exactly once; its job done; no memory content twice
    among a user's active memories; ``accord check`` clean."""
    stored: Counter[tuple[str, str]] = Counter()
    doubled_memories = 0
    with httpx.Client(headers=HEADERS, timeout=120) as http:
        for u in range(users):
            user = f"user-{u}"
            export = http.get(f"{url}/v1/users/{user}/export")
            if export.status_code == 404:
                continue
            export.raise_for_status()
            data = export.json()
            for m in data["messages"]:
                stored[(user, m["content"])] += 1
            active = Counter(m["content"] for m in data["memories"] if m.get("status") == "active")
            doubled_memories += sum(c - 1 for c in active.values() if c > 1)
        not_done = 0
        for _, _, job_id in ledger.acked.values():
            job = http.get(f"{url}/v1/jobs/{job_id}")
            if job.status_code != 200 or job.json()["status"] != "done":
                not_done += 1
        check = http.post(f"{url}/v1/admin/check").json()
    lost = sum(1 for user, turn, _ in ledger.acked.values() if stored[(user, turn)] == 0)
    doubled = sum(1 for user, turn, _ in ledger.acked.values() if stored[(user, turn)] > 1)
    return Audit(
        acked=len(ledger.acked), lost=lost, doubled=doubled, jobs_not_done=not_done,
        memories_doubled=doubled_memories, check_ok=bool(check.get("ok")), check=check,
    )
