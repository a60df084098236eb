"""A scripted OpenAI-compatible chat server on loopback, for the LLM layer's tests.

Each test scripts, per model name, the replies the server gives in turn (the last one repeats):
a good answer, a 500, a 429, a 401, a body that is not JSON, content that is not JSON, or a hang
longer than the client's timeout. Every request is logged, so tests can assert which providers
were called and in what order.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

# Importing litellm must never reach the network for its cost map.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

Responder = Callable[[dict[str, Any]], str]


@dataclass(frozen=True)
class Reply:
    """One scripted answer. Build it with the class methods, not by hand."""

    status: int = 200
    content: str | Responder | None = None
    raw: bytes | None = None
    hang_seconds: float = 0.0
    hangs_until_released: bool = False

    @classmethod
    def ok(cls, payload: Any) -> Reply:
        """A completion whose message content is ``payload`` (JSON-encoded unless a str or callable)."""
        if isinstance(payload, str) or callable(payload):
            return cls(content=payload)
        return cls(content=json.dumps(payload))

    @classmethod
    def error(cls, status: int) -> Reply:
        return cls(status=status)

    @classmethod
    def garbage(cls) -> Reply:
        """HTTP 200 with a body that is not JSON at all (a broken gateway)."""
        return cls(raw=b"<html>oops</html>{")

    @classmethod
    def hang(cls, seconds: float = 5.0) -> Reply:
        """Answer nothing for ``seconds`` (the test's teardown cuts it short)."""
        return cls(hang_seconds=seconds)

    @classmethod
    def hang_until_released(cls) -> Reply:
        """Answer nothing until the test's teardown releases it: the hang never ends by itself."""
        return cls(hangs_until_released=True)


@dataclass
class FakeLLM:
    """The running fake: ``api_base`` for litellm, ``script()`` to program it, ``calls`` to check it."""

    api_base: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    scripts: dict[str, list[Reply]] = field(default_factory=dict)
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _called: dict[str, threading.Event] = field(default_factory=dict)

    def _call_event(self, model: str) -> threading.Event:
        with self.lock:
            return self._called.setdefault(model, threading.Event())

    async def wait_for_call(self, model: str) -> None:
        """Until ``model`` has been requested: an event the server thread sets as the request
        arrives, not a polling deadline. The 120 s only guards against a hang."""
        if not await asyncio.to_thread(self._call_event(model).wait, 120):
            raise AssertionError(f"{model} was never called; calls: {self.calls}")

    def script(self, model: str, *replies: Reply) -> None:
        """Replies ``model`` gives in order; the last one repeats for every later request."""
        with self.lock:
            self.scripts[model] = list(replies)

    def next_reply(self, model: str) -> Reply:
        with self.lock:
            queue = self.scripts.get(model)
            if not queue:
                return Reply.error(404)
            return queue.pop(0) if len(queue) > 1 else queue[0]

    @staticmethod
    def ok(payload: Any) -> Reply:
        """A good answer whose content is ``payload`` (see :meth:`Reply.ok`)."""
        return Reply.ok(payload)

    @staticmethod
    def fail(kind: str | int) -> Reply:
        """A failure: an HTTP status (``500``, ``"429"``), ``"hang"`` or ``"garbage"``."""
        if kind == "hang":
            return Reply.hang()
        if kind == "garbage":
            return Reply.garbage()
        return Reply.error(int(kind))

    @staticmethod
    def hang_until_released() -> Reply:
        """No answer until the test ends (see :meth:`Reply.hang_until_released`)."""
        return Reply.hang_until_released()

    @property
    def calls(self) -> list[str]:
        """The model names requested so far, in order."""
        return [r["body"].get("model", "") for r in self.requests]

    def provider(self, model: str) -> dict[str, str]:
        """Keyword arguments for a ``ProviderSpec`` that routes ``model`` to this server."""
        return {
            "name": f"openai/{model}",
            "model": f"openai/{model}",
            "api_base": self.api_base,
            "api_key": "sk-test",
        }


def completion(model: str, content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        fake = self.server.fake
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        with fake.lock:
            fake.requests.append({"path": self.path, "body": body})
        fake._call_event(str(body.get("model", ""))).set()
        if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
            return self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
        model = str(body.get("model", ""))
        reply = fake.next_reply(model)
        if reply.hang_seconds or reply.hangs_until_released:
            fake.released.wait(None if reply.hangs_until_released else reply.hang_seconds)
            return self._close_quietly()
        if reply.raw is not None:
            return self._send(200, reply.raw)
        if reply.status != 200:
            error = {"message": f"scripted {reply.status}", "type": "server_error", "code": str(reply.status)}
            return self._json(reply.status, {"error": error})
        content = reply.content(body) if callable(reply.content) else (reply.content or "")
        self._json(200, completion(model, content))

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        self._send(status, json.dumps(payload).encode())

    def _send(self, status: int, raw: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up first (its timeout), which is what the test wanted

    def _close_quietly(self) -> None:
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeLLM


@contextmanager
def _serving() -> Iterator[FakeLLM]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = FakeLLM(api_base=f"http://127.0.0.1:{server.server_address[1]}/v1")
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="fake-llm", daemon=True)
    thread.start()
    try:
        yield server.fake
    finally:
        server.fake.released.set()  # free any handler still "hanging"
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def _warm_litellm() -> None:
    """Pay litellm's one-off costs (import ~2 s, first request ~0.5 s of lazy set-up) once,
    so the tests' 0.3 s attempt timeouts measure the fake server, not litellm warming up."""
    pytest.importorskip("litellm", reason="the LLM router needs pip install 'accord[litellm]'")
    with warnings.catch_warnings():
        # litellm's own types trip a pydantic UserWarning on first use; not ours to fix.
        warnings.simplefilter("ignore", UserWarning)
        import litellm

        with _serving() as fake:
            fake.script("warm", Reply.ok("{}"))
            request = {"model": "openai/warm", "messages": [{"role": "user", "content": "hi"}]}
            asyncio.run(litellm.acompletion(**request, api_base=fake.api_base, api_key="sk-test", timeout=10))


@pytest.fixture
def fake_llm(_warm_litellm: None) -> Iterator[FakeLLM]:
    """A scripted ``POST /v1/chat/completions`` on 127.0.0.1, in a thread, for one test."""
    with _serving() as fake:
        yield fake


@pytest.fixture(scope="module")
def fake_llm_shared(_warm_litellm: None) -> Iterator[FakeLLM]:
    """One scripted server for a whole module (tables sharing one engine); ``script`` it per test."""
    with _serving() as fake:
        yield fake


class FakeClock:
    """Monotonic seconds that only move when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_router(fake_llm: FakeLLM) -> Callable[..., Any]:
    """Build an ``LLMRouter`` over fake models, in order: ``make_router("a", "b", clock=...)``.

    Defaults: 5 s per attempt (generous, so a loaded machine does not fail a test that expects
    an answer; tests that script a hang pass ``attempt_timeout_seconds=0.3``), 12 s per job,
    breakers open after 3 failures and probe again after 30 seconds.
    """
    from accord.adapters.llm import LLMRouter, ProviderSpec

    def build(*models: str, **options: Any) -> LLMRouter:
        options = {"attempt_timeout_seconds": 5.0, "job_timeout_seconds": 12.0, **options}
        return LLMRouter([ProviderSpec(**fake_llm.provider(m)) for m in models], **options)

    return build
