"""``McpSettings``: how the MCP server listens, which engine it reaches and as whom (``ACCORD_MCP_*``).

Built only at the edges (the ``accord-mcp`` command, tests), never at import. The engine's
own knobs (data dir, embedder, ...) stay in :class:`accord.AccordSettings` (``ACCORD_*``).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from accord.domain.validation import ID_PATTERN
from accord.server.settings import ListenerSettings, is_loopback

__all__ = ["McpSettings", "SettingsError", "is_loopback"]

_ID = re.compile(ID_PATTERN)


class SettingsError(ValueError):
    """An unsafe or incomplete combination of settings, found before anything starts."""


class McpSettings(ListenerSettings):
    """Settings of the MCP server, read from ``ACCORD_MCP_*`` variables (or passed explicitly).

    Attributes:
        transport: ``stdio`` (desktop and IDE clients start the server) or ``streamable-http``.
        host: the address to bind over HTTP. Anything but loopback needs ``require_auth``.
        port: the TCP port over HTTP.
        path: the MCP endpoint's path over HTTP.
        mode: ``embedded`` opens the engine on the local data dir (``ACCORD_DATA_DIR``);
            ``remote`` forwards every call to an ``accord serve`` at ``remote_url``.
        remote_url: the ``accord serve`` base URL, e.g. ``http://127.0.0.1:8765``.
        api_key: the agent key the server acts as when a request carries none: always over
            stdio, and over HTTP with ``require_auth`` off. ``ACCORD_API_KEY`` is read too.
            Unset in embedded mode: the local owner (single-user desktop use).
        user_id: the user the tools act for when a call gives no ``user_id``.
        require_auth: over HTTP, every request carries an agent key as a bearer token. Turning
            it off is allowed on loopback only; requests then act as ``api_key`` (or the owner).
        allowed_hosts: extra ``Host`` header values accepted over HTTP (loopback names always
            are). Comma-separated in the environment. DNS-rebinding protection stays on.
        allowed_origins: extra browser ``Origin`` values accepted over HTTP.
        auth_cache_seconds: how long a verified key is trusted before it is checked again; a
            revoked key stops working within this time. Grants and consent are re-read on
            every call regardless.
        wait_timeout_seconds: the longest ``add_memory(wait=true)`` waits for extraction.
        stateless_http: no MCP sessions over HTTP (for several replicas behind a balancer).
        json_response: answer HTTP requests with JSON instead of an SSE stream.
        authorization_server: the authorization server named in the OAuth Protected Resource
            Metadata (RFC 9728) served over HTTP with auth on. Default: the ``accord serve`` that
            issues the keys (``remote_url``), else this server's own origin.
        request_state_key: the secret (32+ characters) sealing the ``requestState`` of
            multi-round-trip calls (a clarification asked as a form). Default: a key made at
            start-up, which is right for one process; replicas behind a balancer must share one.
    """

    model_config = SettingsConfigDict(env_prefix="ACCORD_MCP_", extra="forbid", populate_by_name=True)

    transport: Literal["stdio", "streamable-http"] = "stdio"
    port: int = Field(default=8766, ge=0, le=65535)
    path: str = Field(default="/mcp", pattern=r"^/[A-Za-z0-9_\-/]*$")
    mode: Literal["embedded", "remote"] = "embedded"
    remote_url: str | None = None
    api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("ACCORD_MCP_API_KEY", "ACCORD_API_KEY")
    )
    user_id: str | None = None
    auth_cache_seconds: float = Field(default=5.0, ge=0, le=60)
    wait_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    stateless_http: bool = False
    json_response: bool = False
    authorization_server: str | None = Field(default=None, pattern=r"^https?://")
    request_state_key: SecretStr | None = Field(default=None, min_length=32)

    @field_validator("api_key", "request_state_key", "authorization_server", mode="before")
    @classmethod
    def _blank_key_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def is_http(self) -> bool:
        return self.transport == "streamable-http"

    @property
    def http_auth(self) -> bool:
        """Whether requests are authenticated per request by bearer token (HTTP with auth on)."""
        return self.is_http and self.require_auth

    def key(self) -> str | None:
        """The configured agent key as a string (never logged)."""
        return self.api_key.get_secret_value().strip() if self.api_key is not None else None

    def check(self) -> None:
        """Refuse unsafe or incomplete combinations before anything starts.

        Raises:
            SettingsError: with a message that says which variable to set.
        """
        if self.user_id is not None and not _ID.match(self.user_id):
            raise SettingsError("ACCORD_MCP_USER_ID must be 1-128 letters, digits and _.:@+- (starting with one of the first two)")
        if self.mode == "remote":
            if not self.remote_url or not self.remote_url.startswith(("http://", "https://")):
                raise SettingsError("remote mode needs ACCORD_MCP_REMOTE_URL, the http(s):// URL of an `accord serve`")
            if self.key() is None and not self.http_auth:
                raise SettingsError("remote mode needs an agent key: set ACCORD_API_KEY (or ACCORD_MCP_API_KEY)")
        if self.is_http and not self.require_auth and not is_loopback(self.host):
            raise SettingsError(
                f"refusing to serve MCP on {self.host!r} without authentication: bind 127.0.0.1 "
                "or keep ACCORD_MCP_REQUIRE_AUTH on (agents then send their key as a bearer token)"
            )
        if "*" in self.allowed_hosts or "*" in self.allowed_origins:
            raise SettingsError("ACCORD_MCP_ALLOWED_HOSTS / _ORIGINS take explicit values; '*' would turn off DNS-rebinding protection")

    def issuer(self) -> str:
        """The authorization server advertised in the resource metadata (RFC 9728)."""
        if self.authorization_server:
            return self.authorization_server.rstrip("/")
        if self.remote_url:
            return self.remote_url.rstrip("/")
        return self.endpoint().removesuffix(self.path)

    def endpoint(self) -> str:
        """The HTTP endpoint URL, for messages and the auth settings."""
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host
        return f"http://{host}:{self.port}{self.path}"
