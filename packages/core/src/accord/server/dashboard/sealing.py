"""What a stored dashboard session looks like, so that a database reader cannot use it.

The cookie holds a random session id (256 bits) and nothing else. The database holds, per
session, ``id_hash`` = SHA-256 of the id (to find the row) and the key, tenant and pending
flashes sealed with AES-256-GCM under a key also derived from the id (a different hash, so
one reveals nothing of the other). Any replica that receives the cookie can find and open the
row; someone who reads the table (a backup, a replica's disk, a SQL injection elsewhere) has
neither the id nor the sealing key, and a session id cannot be guessed. No server secret is
needed, so replicas share nothing but the database. The CSRF token is derived from the id
too (an HMAC), so it is not stored either.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["csrf_token", "id_hash", "seal", "unseal"]


def _derive(session_id: str, purpose: bytes) -> bytes:
    return hashlib.sha256(b"accord-dashboard-session/" + purpose + b"/" + session_id.encode()).digest()


def id_hash(session_id: str) -> str:
    """The row's key: a hash of the id (the id itself is only in the browser's cookie)."""
    return _derive(session_id, b"lookup").hex()


def csrf_token(session_id: str) -> str:
    return base64.urlsafe_b64encode(hmac.new(_derive(session_id, b"csrf"), b"csrf", hashlib.sha256).digest()).decode().rstrip("=")


def seal(session_id: str, data: dict[str, Any]) -> str:
    """``data`` as JSON, encrypted and authenticated under the id's sealing key (bound to the row)."""
    nonce = os.urandom(12)
    body = AESGCM(_derive(session_id, b"seal")).encrypt(nonce, json.dumps(data).encode(), id_hash(session_id).encode())
    return base64.b64encode(nonce + body).decode()


def unseal(session_id: str, sealed: str) -> dict[str, Any] | None:
    """The sealed data, or None when it does not open with this id (tampered, or another row's)."""
    try:
        raw = base64.b64decode(sealed)
        opened = AESGCM(_derive(session_id, b"seal")).decrypt(raw[:12], raw[12:], id_hash(session_id).encode())
    except (InvalidTag, ValueError):
        return None
    data: dict[str, Any] = json.loads(opened)
    return data
