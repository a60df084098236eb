"""The write gate's pure rules: L2 quality, the L3 fingerprint, the L4 budget.

L1 (rate) needs token buckets and L3 (dedup) needs a lookup, so the engine drives those
through its ports; everything decidable from the input alone lives here.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

from accord.domain.models import Message

__all__ = [
    "BACKLOG_MAX_WAIT",
    "BACKLOG_UNKNOWN_WAIT",
    "backlog_full",
    "backlog_retry_after",
    "budget_exceeded",
    "fingerprint",
    "is_low_quality",
    "is_trivial_turn",
]

# When the workers made no progress lately there is no pace to go by: come back in 30 s.
BACKLOG_UNKNOWN_WAIT = 30.0
BACKLOG_MAX_WAIT = 300.0

_TRIVIAL_PHRASES = frozenset(
    p.strip()
    for p in (
        "ok okay k kk yes no yep yup nope nah sure cool nice great good fine thanks thx ty tysm lol lmao haha "
        "hahaha hehe hi hello hey hiya yo bye goodbye cya gm gn hmm hm ah oh ohh wow yay ugh meh np alright"
    ).split()
) | {
    "thank you",
    "thank you so much",
    "thanks a lot",
    "good morning",
    "good night",
    "see ya",
    "see you",
    "no problem",
    "you're welcome",
    "got it",
    "sounds good",
    "will do",
    "ok thanks",
    "okay thanks",
    "ok thank you",
}
_NON_WORD = re.compile(r"[^\w\s']+", re.UNICODE)
_SPACES = re.compile(r"\s+")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()


def is_trivial_turn(text: str) -> bool:
    """True for turns that carry nothing worth remembering: greetings, acknowledgements, emoji."""
    norm = _normalise(text)
    letters = sum(ch.isalnum() for ch in norm)
    return letters < 2 or norm in _TRIVIAL_PHRASES


def is_low_quality(messages: Sequence[Message]) -> bool:
    """L2: a write is low quality when no turn in it says anything."""
    return all(is_trivial_turn(m.content) for m in messages)


def fingerprint(messages: Sequence[Message], session_id: str | None) -> str:
    """L3: a stable hash of what was said, so a resend within the window is recognised."""
    h = hashlib.sha256()
    h.update((session_id or "").encode())
    for m in messages:
        h.update(b"\x00" + m.role.encode() + b"\x01" + _normalise(m.content).encode())
    return h.hexdigest()


def budget_exceeded(active_memories: int, incoming: int, quota: int | None) -> bool:
    """L4: would this write take the tenant over its memory quota?"""
    return quota is not None and active_memories + incoming > quota


def backlog_full(pending: int, limit: int | None) -> bool:
    """L0: does the tenant already have ``limit`` jobs waiting or running?"""
    return limit is not None and pending >= limit


def backlog_retry_after(*, pending: int, limit: int, done_recently: int, window_seconds: float) -> float:
    """Seconds until the backlog is below its limit again, at the pace jobs finished in the last
    ``window_seconds``; a fixed guess when none did; between 1 s and ``BACKLOG_MAX_WAIT``."""
    if done_recently <= 0:
        return BACKLOG_UNKNOWN_WAIT
    to_drain = pending - limit + 1
    return min(max(to_drain * window_seconds / done_recently, 1.0), BACKLOG_MAX_WAIT)
