"""Review urgency per topic from a forgetting curve: FSRS (the ``fsrs`` package).

Each topic is a card. A session that practises it is a review, rated by how it went (a topic
the student says they struggle with: ``Again``; one they now get: ``Good``), and the card's
stage and due date advance. Day-sized steps: no learning steps in minutes, no fuzz (the same
history always gives the same due date, so a replayed job changes nothing).
"""

from __future__ import annotations

import datetime as dt
import zlib
from typing import Any

from fsrs import Card, Rating, Scheduler

__all__ = ["RATINGS", "due_state", "practise"]

_SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
RATINGS = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}


def practise(card: dict[str, Any] | None, topic: str, rating: str, when: dt.datetime) -> dict[str, Any]:
    """The topic's card after one practice at ``when``; ``card`` is its stored dict (None: new)."""
    current = Card.from_dict(card) if card else Card(card_id=zlib.crc32(topic.encode()) or 1)  # type: ignore[arg-type]
    if current.last_review is not None and when < current.last_review:
        when = current.last_review  # an older statement replayed late must not move time backwards
    updated, _ = _SCHEDULER.review_card(current, RATINGS[rating], when)
    return updated.to_dict()  # type: ignore[no-any-return]


def due_state(card: dict[str, Any], now: dt.datetime) -> tuple[dt.datetime, float, str]:
    """(due, retrievability now, urgency): ``overdue``, ``due`` (within a day), ``soon`` (3 days) or ``ok``."""
    c = Card.from_dict(card)  # type: ignore[arg-type]
    due = c.due
    recall = float(_SCHEDULER.get_card_retrievability(c, now))
    left = due - now
    urgency = "overdue" if left < -dt.timedelta(days=1) else "due" if left <= dt.timedelta(days=1) else "soon" if left <= dt.timedelta(days=3) else "ok"
    return due, round(recall, 3), urgency
