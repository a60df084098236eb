"""Where a webhook may be sent: names are resolved, and every address they resolve to is checked.

A tenant admin must not make the server call its own network (loopback admin ports, a cloud
metadata service, databases on a private range), neither by naming an address nor by naming a
host that resolves to one (``localhost``, a name in /etc/hosts, ``127.0.0.1.nip.io``-style DNS).
The check runs at subscription and again at each delivery, and the delivery connects to the
address that was checked (not to a second resolution), so a name re-pointed after subscribing
(DNS rebinding) is refused too. A name that resolves to an internal address among public ones
is refused as a whole: the attacker picks which record a client would use.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from accord.domain.webhooks import is_internal_address, names_internal_host

__all__ = ["BlockedDestination", "Destination", "check_destination", "resolve_host"]


class BlockedDestination(OSError):
    """The URL's host is, or resolves to, a loopback, private, link-local or reserved address."""


@dataclass(frozen=True, slots=True)
class Destination:
    """Where to connect (``url`` with the checked address) and who to say we called."""

    url: str
    host_header: str | None  # the original host (and port), when the URL now names an address
    sni_hostname: str | None  # for https: the name the certificate must match


async def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (the boundary the tests replace)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def inward_addresses(host: str, port: int) -> list[str]:
    """The internal addresses among ``host``'s (itself when it is one); ``OSError`` when it does
    not resolve."""
    if names_internal_host(host):
        return [host]
    return [a for a in await resolve_host(host, port) if is_internal_address(a)]


async def check_destination(url: str, *, allow_internal: bool) -> Destination:
    """Resolve ``url``'s host once, refuse it when any address is internal (unless allowed), and
    pin the connection to the first address checked."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if allow_internal:
        return Destination(url, None, None)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if names_internal_host(host):
        raise BlockedDestination(f"{host} is a loopback or private address")
    addresses = await resolve_host(host, port)
    inward = [a for a in addresses if is_internal_address(a)]
    if inward or not addresses:
        raise BlockedDestination(f"{host} resolves to a loopback or private address ({inward[0] if inward else 'none'})")
    address = addresses[0]
    literal = f"[{address}]" if ":" in address else address
    netloc = literal if parts.port is None else f"{literal}:{parts.port}"
    host_header = parts.netloc.rsplit("@", 1)[-1]
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    return Destination(pinned, host_header, host if parts.scheme == "https" else None)
