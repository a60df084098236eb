"""Fixtures for the embedder tests: the local MiniLM, a Model2Vec model distilled from it once
and cached outside the repo, and a tiny OpenAI-compatible embeddings server."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
import pytest

# Belt and braces: nothing in these tests may reach the Hugging Face hub.
os.environ["HF_HUB_OFFLINE"] = "1"

FAKE_DIM = 8
BAD_KEY = "sk-bad"
DOWN_KEY = "sk-down"


def fake_vector(text: str) -> list[float]:
    """Deterministic, deliberately unnormalised vector for ``text``."""
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
    return (np.random.default_rng(seed).normal(size=FAKE_DIM) * 3.0).tolist()


@dataclass
class FakeOpenAI:
    """A running fake: ``api_base`` to pass to litellm, ``requests`` it has received."""

    api_base: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    dim: int = FAKE_DIM
    bad_key: str = BAD_KEY  # requests with this key get a 401
    down_key: str = DOWN_KEY  # requests with this key get a 503 (a provider that is down)

    def vector(self, text: str) -> list[float]:
        """The raw (unnormalised) vector the server returns for ``text``."""
        return fake_vector(text)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        self.server.fake.requests.append(
            {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
        )
        if self.path.rstrip("/") != "/v1/embeddings":
            return self._reply(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
        if self.headers.get("Authorization") == f"Bearer {BAD_KEY}":
            return self._reply(401, {"error": {"message": "bad key", "type": "invalid_request_error"}})
        if self.headers.get("Authorization") == f"Bearer {DOWN_KEY}":
            return self._reply(503, {"error": {"message": "down", "type": "server_error"}})
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = [
            {"object": "embedding", "index": i, "embedding": fake_vector(t)} for i, t in enumerate(inputs)
        ]
        # Reversed on purpose: clients must order by "index", not by position.
        self._reply(
            200,
            {
                "object": "list",
                "data": data[::-1],
                "model": body.get("model"),
                "usage": {"prompt_tokens": len(inputs), "total_tokens": len(inputs)},
            },
        )

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence per-request logs
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeOpenAI


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """An OpenAI-compatible ``POST /v1/embeddings`` on 127.0.0.1, in a thread, for one test."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = FakeOpenAI(api_base=f"http://127.0.0.1:{server.server_address[1]}/v1")
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="fake-openai", daemon=True)
    thread.start()
    try:
        yield server.fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
