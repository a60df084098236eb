"""``ServerSettings``: how ``accord serve`` listens and whom it lets in (``ACCORD_SERVER_*``).

Built only at the edges (the CLI, tests), never at import. :class:`ListenerSettings` holds what
every Accord HTTP listener shares; ``accord-mcp``'s settings build on it too.
"""

from __future__ import annotations

import argparse
import ipaddress
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from accord.errors import InvalidInputError

__all__ = ["ListenerSettings", "ServerSettings", "is_loopback", "listener_flags"]

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (``127.0.0.0/8``, ``::1``)."""
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ListenerSettings(BaseSettings):
    """Where an HTTP listener binds and whom it answers; a subclass names its prefix and port.

    Attributes:
        host: the address to bind. Anything but loopback needs ``require_auth``.
        allowed_hosts: extra ``Host`` header values accepted (loopback names always are).
            Comma-separated in the environment.
        allowed_origins: extra browser origins accepted. Comma-separated in the environment.
        require_auth: every request carries a key. Turning it off is allowed on loopback only.
    """

    # As for AccordSettings: an empty variable (ACCORD_SERVER_ADMIN_KEY=) is unset, not an empty
    # value. Subclasses' model_config merges with this, so accord-mcp's settings inherit it too.
    model_config = SettingsConfigDict(env_ignore_empty=True)

    host: str = "127.0.0.1"
    allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    allowed_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    require_auth: bool = True

    @field_validator("allowed_hosts", "allowed_origins", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


def listener_flags(args: argparse.Namespace, base: ListenerSettings) -> dict[str, Any]:
    """``--allowed-host``, ``--allowed-origin`` (added to the environment's) and ``--no-auth``
    as overrides of ``base``."""
    overrides: dict[str, Any] = {}
    if args.allowed_host:
        overrides["allowed_hosts"] = [*base.allowed_hosts, *args.allowed_host]
    if args.allowed_origin:
        overrides["allowed_origins"] = [*base.allowed_origins, *args.allowed_origin]
    if args.no_auth:
        overrides["require_auth"] = False
    return overrides


class ServerSettings(ListenerSettings):
    """Settings of the REST server, read from ``ACCORD_SERVER_*`` variables.

    Attributes:
        host: see :class:`ListenerSettings`.
        port: the TCP port.
        allowed_hosts: besides loopback names, the bound host is always accepted; ``*`` accepts any.
        allowed_origins: the server's own loopback origins always are. A request with another
            ``Origin`` is refused with 403.
        require_auth: every request needs ``Authorization: ApiKey <key>``. When off (loopback
            only), a request without a key acts as the operator.
        admin_key: the operator (owner) key. When unset, one is generated at first start,
            printed once to stderr and stored as a SHA-256 hash in the data dir.
        max_body_bytes: larger request bodies are refused with 413.
    """

    model_config = SettingsConfigDict(env_prefix="ACCORD_SERVER_", extra="forbid")

    port: int = Field(default=8765, ge=0, le=65535)
    admin_key: SecretStr | None = None
    max_body_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)

    def check(self) -> None:
        """Refuse unsafe combinations before anything listens.

        Raises:
            InvalidInputError: a non-loopback bind with auth off, or an operator key too short.
        """
        if not self.require_auth and not is_loopback(self.host):
            raise InvalidInputError(
                "require_auth",
                f"refusing to serve on {self.host!r} without authentication: binding beyond loopback "
                "needs require_auth (unset ACCORD_SERVER_REQUIRE_AUTH / drop --no-auth), or bind 127.0.0.1",
            )
        if self.admin_key is not None and len(self.admin_key.get_secret_value()) < 16:
            raise InvalidInputError("admin_key", "the operator key must be at least 16 characters")

    def host_names(self) -> set[str]:
        """Accepted ``Host`` values (without port), lower case."""
        bound = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host
        return {h.lower() for h in (*LOOPBACK_HOSTS, "::1", bound, *self.allowed_hosts)}

    def origins(self) -> set[str]:
        """Accepted browser origins: the server's own loopback origins and the configured ones."""
        own = {f"http://{h}:{self.port}" for h in self.host_names() if h != "*" and h != "::1"}
        return own | {o.rstrip("/") for o in self.allowed_origins}
