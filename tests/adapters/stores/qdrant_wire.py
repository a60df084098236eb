"""A scripted Qdrant REST endpoint on loopback: it records every request the real qdrant-client
sends and answers with Qdrant's response shapes, or with scripted failures (a status, or a
dropped connection). It stores nothing: what the index sends is what these tests check; what
a real server does with it is the contract suite's job (``ACCORD_TEST_QDRANT_URL``).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any


class QdrantWire:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.failures: list[int | str] = []  # consumed one per collection request: a status, or "drop"
        self.exists = False
        self._lock = threading.Lock()
        self.url = ""

    def fail_next(self, *failures: int | str) -> None:
        with self._lock:
            self.failures.extend(failures)

    def sent(self, method: str, pattern: str) -> list[Request]:
        """The requests whose method and path (a regex, matched whole) match."""
        return [r for r in self.requests if r.method == method and re.fullmatch(pattern, r.path)]

    def answer(self, request: Request) -> int | str | dict[str, Any]:
        path, method = request.path, request.method
        if path == "/":  # qdrant-client's version check, made when it likes: never scripted
            return {"title": "qdrant - vector search engine", "version": "1.20.0"}
        with self._lock:
            self.requests.append(request)
            if self.failures:
                return self.failures.pop(0)
        if path.endswith("/exists"):
            return _ok({"exists": self.exists})
        if method == "PUT" and re.fullmatch(r"/collections/[^/]+", path):
            self.exists = True
            return _ok(True)
        if path.endswith("/shards"):
            return _ok(True)
        if path.endswith("/points/count"):
            return _ok({"count": 0})
        if path.endswith("/points/query/batch"):
            return _ok([{"points": []} for _ in request.body["searches"]])
        return _ok({"operation_id": len(self.requests), "status": "completed"})


def _ok(result: Any) -> dict[str, Any]:
    return {"result": result, "status": "ok", "time": 0.0}


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        request = Request(self.command, parts.path, query, json.loads(raw) if raw else None)
        reply = self.server.wire.answer(request)
        if reply == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        status, payload = (reply, {"status": {"error": "scripted"}}) if isinstance(reply, int) else (200, reply)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _handle

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    wire: QdrantWire


@contextmanager
def serving() -> Iterator[QdrantWire]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.wire = QdrantWire()
    server.wire.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.wire
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
