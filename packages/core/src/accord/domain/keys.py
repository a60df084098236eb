"""Agent keys and user tokens: format, checksum, hashing and verification. Plain functions.

A key reads ``acc_<key id>_<secret>_<checksum>`` (user tokens: ``acu_...``):

* the prefix makes a leaked key recognisable to secret scanners;
* the key id (12 hex) is public and used to look the key up;
* the secret (40 hex, 160 bits) is shown once and only its SHA-256 is stored — the secret
  is random, so a fast hash is enough, and there is nothing to brute-force;
* the checksum (8 hex) catches typos and truncation without a database round trip.

Verification compares hashes with ``hmac.compare_digest`` (constant time). ``redact`` is
what logs and errors show instead of a key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

__all__ = ["AGENT_PREFIX", "USER_PREFIX", "GeneratedKey", "ParsedKey", "generate", "parse", "hash_secret", "verify", "redact"]

AGENT_PREFIX = "acc"
USER_PREFIX = "acu"
_FORMAT = re.compile(r"^(acc|acu)_([0-9a-f]{12})_([0-9a-f]{40})_([0-9a-f]{8})$")


@dataclass(frozen=True, slots=True)
class GeneratedKey:
    key: str  # the full key: shown once, never stored
    key_id: str
    secret_hash: str


@dataclass(frozen=True, slots=True)
class ParsedKey:
    prefix: str
    key_id: str
    secret: str


def _checksum(prefix: str, key_id: str, secret: str) -> str:
    return hashlib.sha256(f"{prefix}_{key_id}_{secret}".encode()).hexdigest()[:8]


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def generate(prefix: str = AGENT_PREFIX) -> GeneratedKey:
    key_id = secrets.token_hex(6)
    secret = secrets.token_hex(20)
    return GeneratedKey(
        key=f"{prefix}_{key_id}_{secret}_{_checksum(prefix, key_id, secret)}",
        key_id=key_id,
        secret_hash=hash_secret(secret),
    )


def parse(key: str) -> ParsedKey | None:
    """The key's parts, or None when it is malformed or its checksum is wrong."""
    match = _FORMAT.match(key.strip()) if isinstance(key, str) else None
    if match is None:
        return None
    prefix, key_id, secret, checksum = match.groups()
    if not hmac.compare_digest(checksum, _checksum(prefix, key_id, secret)):
        return None
    return ParsedKey(prefix=prefix, key_id=key_id, secret=secret)


def verify(parsed: ParsedKey, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(parsed.secret), stored_hash)


def redact(key: str) -> str:
    """A key as logs may show it: prefix and key id only."""
    parsed = _FORMAT.match(key.strip()) if isinstance(key, str) else None
    return f"{parsed.group(1)}_{parsed.group(2)}_…" if parsed else "<malformed key>"
