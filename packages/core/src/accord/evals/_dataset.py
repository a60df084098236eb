"""Reading LoCoMo files: conversations, sessions, turns and questions.

The format is the one of ``data/locomo10.json`` in snap-research/locomo: a list of records,
each with ``conversation`` (``speaker_a``, ``speaker_b``, ``session_N_date_time`` and
``session_N`` lists of turns with ``speaker``, ``dia_id``, ``text`` and sometimes
``blip_caption``) and ``qa`` (``question``, ``evidence`` dia ids, ``category`` 1-5).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from accord.errors import InvalidInputError
from accord.domain.models import Message

__all__ = [
    "LocomoConversation",
    "LocomoFormatError",
    "LocomoQuestion",
    "LocomoSession",
    "LocomoTurn",
    "load_locomo",
    "normalize_evidence",
    "parse_locomo_datetime",
    "session_messages",
    "turn_text",
]

_SESSION_KEY = re.compile(r"^session_(\d+)$")
_DIA_ID = re.compile(r"D\d+:\d+")
_PHOTO_PREFIX = re.compile(r"^(a|an)\s+(photo|picture|image)\s+of\s+", re.IGNORECASE)


class LocomoFormatError(InvalidInputError):
    """The file is not in the LoCoMo format (``field`` names the place at fault)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class LocomoTurn(_Frozen):
    dia_id: str
    speaker: str
    text: str
    caption: str | None = None


class LocomoSession(_Frozen):
    number: int
    said_at: dt.datetime
    turns: list[LocomoTurn]


class LocomoQuestion(_Frozen):
    question: str
    category: int
    evidence: list[str]
    answer: str | None = None


class LocomoConversation(_Frozen):
    sample_id: str
    speaker_a: str
    speaker_b: str
    sessions: list[LocomoSession]
    questions: list[LocomoQuestion]


def parse_locomo_datetime(text: str) -> dt.datetime:
    """``"1:56 pm on 8 May, 2023"`` -> 2023-05-08 13:56 UTC (LoCoMo dates carry no zone)."""
    try:
        return dt.datetime.strptime(" ".join(text.split()), "%I:%M %p on %d %B, %Y").replace(tzinfo=dt.UTC)
    except ValueError as e:
        raise LocomoFormatError(
            "session_date_time", f"cannot read {text!r} as 'H:MM am on D Month, YYYY'"
        ) from e


def normalize_evidence(raw: object) -> list[str]:
    """Evidence dia ids, one per item: ``"D8:6; D9:17"`` is split, malformed ids (``"D"``) dropped."""
    items = raw if isinstance(raw, list) else [raw]
    found: list[str] = []
    for item in items:
        for dia_id in _DIA_ID.findall(str(item)):
            if dia_id not in found:
                found.append(dia_id)
    return found


def _turn(raw: dict[str, Any], where: str) -> LocomoTurn:
    try:
        caption = raw.get("blip_caption")
        return LocomoTurn(
            dia_id=str(raw["dia_id"]),
            speaker=str(raw["speaker"]),
            text=str(raw.get("text") or ""),
            caption=str(caption) if caption else None,
        )
    except KeyError as e:
        raise LocomoFormatError(where, f"a turn has no {e.args[0]!r}") from e


def _conversation(record: dict[str, Any], index: int) -> LocomoConversation:
    where = f"[{index}]"
    conv = record.get("conversation")
    if not isinstance(conv, dict) or not isinstance(record.get("qa"), list):
        raise LocomoFormatError(where, "a record needs a 'conversation' object and a 'qa' list")
    sessions: list[LocomoSession] = []
    for key, turns in conv.items():
        match = _SESSION_KEY.match(key)
        if match is None or not isinstance(turns, list):
            continue
        number = int(match.group(1))
        stamp = conv.get(f"{key}_date_time")
        if not isinstance(stamp, str):
            raise LocomoFormatError(f"{where}.{key}_date_time", "is missing")
        parsed = [_turn(t, f"{where}.{key}") for t in turns]
        sessions.append(LocomoSession(number=number, said_at=parse_locomo_datetime(stamp), turns=parsed))
    questions = [
        LocomoQuestion(
            question=str(q["question"]),
            category=int(q["category"]),
            evidence=normalize_evidence(q.get("evidence", [])),
            answer=None if q.get("answer") is None else str(q.get("answer")),
        )
        for q in record["qa"]
    ]
    return LocomoConversation(
        sample_id=str(record.get("sample_id") or f"conv-{index}"),
        speaker_a=str(conv.get("speaker_a", "")),
        speaker_b=str(conv.get("speaker_b", "")),
        sessions=sorted(sessions, key=lambda s: s.number),
        questions=questions,
    )


def load_locomo(path: Path, *, limit_conversations: int | None = None) -> list[LocomoConversation]:
    """Read a LoCoMo JSON file (a list of records, or one record)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise LocomoFormatError("path", f"cannot read {path}: {e}") from e
    records = data if isinstance(data, list) else [data]
    if limit_conversations is not None:
        records = records[:limit_conversations]
    return [_conversation(r, i) for i, r in enumerate(records) if isinstance(r, dict)]


def turn_text(turn: LocomoTurn) -> str:
    """The turn's words, with a shared photo's caption appended as ``[shares a photo of ...]``."""
    text = turn.text.strip()
    if turn.caption:
        subject = _PHOTO_PREFIX.sub("", turn.caption.strip())
        text = f"{text} [shares a photo of {subject}]".strip()
    return text


def session_messages(session: LocomoSession) -> list[Message]:
    """One ``Message`` per non-empty turn; both speakers are people, so both are ``user`` turns."""
    return [
        Message(
            role="user",
            content=t.text.strip() or turn_text(t),  # a photo alone: its caption is the turn
            name=t.speaker,
            created_at=session.said_at,
            # A photo's caption is its own, lighter field of the index (not the turn's words).
            metadata={"dia_id": t.dia_id, "session": session.number, **({"caption": t.caption} if t.caption else {})},
        )
        for t in session.turns
        if turn_text(t)
    ]
