"""``ServerSettings``: how ``accord serve`` listens and whom it lets in (``ACCORD_SERVER_*``).

Built only at the edges (the CLI, tests), never at import.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from accord.errors import InvalidInputError

__all__ = ["ServerSettings", "is_loopback"]

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


class ServerSettings(BaseSettings):
    """Settings of the REST server, read from ``ACCORD_SERVER_*`` variables.

    Attributes:
        host: the address to bind. Anything but loopback needs ``require_auth``.
        port: the TCP port.
        allowed_hosts: extra ``Host`` header values accepted (loopback names and the bound
            host always are); ``*`` accepts any. Comma-separated in the environment.
        allowed_origins: extra browser origins allowed (the server's own loopback origins
            always are). A request with another ``Origin`` is refused with 403.
        require_auth: every request needs ``Authorization: ApiKey <key>``. When off (loopback
            only), a request without a key acts as the operator.
        admin_key: the operator (owner) key. When unset, one is generated at first start,
            printed once to stderr and stored as a SHA-256 hash in the data dir.
        max_body_bytes: larger request bodies are refused with 413.
    """

    model_config = SettingsConfigDict(env_prefix="ACCORD_SERVER_", extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=0, le=65535)
    allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    allowed_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    require_auth: bool = True
    admin_key: SecretStr | None = None
    max_body_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)

    @field_validator("allowed_hosts", "allowed_origins", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

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
