"""The outermost layer: ``Host`` and ``Origin`` checks and a body-size cap, before any routing.

The ``Host`` check defeats DNS rebinding (a web page whose name resolves to 127.0.0.1 reaching
a loopback server); the ``Origin`` check keeps other sites' pages from calling the API from a
user's browser. Both answer with the API's JSON errors.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accord.server.wire import error_body

__all__ = ["GuardMiddleware"]


def _host_name(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class GuardMiddleware:
    """Refuse requests for another ``Host`` (421), from a foreign ``Origin`` (403), or too large (413)."""

    def __init__(
        self, app: ASGIApp, *, hosts: set[str], origins: set[str], max_body_bytes: int
    ) -> None:
        self.app = app
        self.any_host = "*" in hosts
        self.hosts = hosts
        self.any_origin = "*" in origins
        self.origins = origins
        self.max_body = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        host = _host_name(headers.get("host", ""))
        if not self.any_host and host not in self.hosts:
            await _reply(send, 421, "invalid_host", "this server does not answer for that Host; see ACCORD_SERVER_ALLOWED_HOSTS")
            return
        origin = headers.get("origin")
        if origin is not None and not self.any_origin and origin.rstrip("/") not in self.origins:
            await _reply(send, 403, "origin_not_allowed", "requests from this Origin are not allowed; see ACCORD_SERVER_ALLOWED_ORIGINS")
            return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _reply(send, 413, "payload_too_large", f"the request body is over {self.max_body} bytes")
            return
        await self.app(scope, self._capped(receive), send)

    def _capped(self, receive: Receive) -> Receive:
        seen = 0

        async def capped() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body:
                raise HTTPException(413, f"the request body is over {self.max_body} bytes")
            return message

        return capped


async def _reply(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps(error_body(code, message)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
