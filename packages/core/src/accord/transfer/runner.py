"""Export to and import from dumps, through the engine's public API only.

Import says every turn with ``add()`` (``wait=True``): the gate, extraction, conflict
resolution and versions apply exactly as on a live write, and claims are replayed in the order
they were said, so an old value never overwrites a newer one. That is slower than a bulk insert
(one job per ``add()`` call), but a bulk path would have to re-implement conflict resolution to
keep "one current picture" true, and a second copy of that logic is what Accord is built to avoid.

Idempotency: each turn carries ``metadata.import_id``; before writing a user's items the
importer lists the user's raw turns and skips every turn whose ``import_id`` (or, for an
Accord export, whose original message id) is already there. Re-importing a file therefore
changes nothing, and an interrupted import resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from accord.domain.validation import check_identifier, check_messages
from accord.interface import MemoryEngine
from accord.transfer.formats import ACCORD_FORMAT, ACCORD_FORMAT_VERSION, ImportItem, ImportTurn, Parsed

__all__ = ["ImportReport", "all_users", "export_lines", "import_parsed"]

_PAGE = 1000
_RATE_LIMIT_RETRIES = 50


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    format: str
    dry_run: bool
    users: int = 0
    turns: int = 0
    turns_added: int = 0
    turns_present: int = 0
    add_calls: int = 0
    memories_created: int = 0
    blocked: dict[str, int] = field(default_factory=dict)
    derived_lines_not_copied: dict[str, int] = field(default_factory=dict)
    per_user: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def turns_new(self) -> int:
        """Turns not yet in the store: what an import writes (or a dry run would)."""
        return self.turns - self.turns_present


async def all_users(engine: MemoryEngine) -> list[str]:
    """Every user of the caller's tenant, page by page."""
    users: list[str] = []
    while page := await engine.list_users(limit=_PAGE, offset=len(users)):
        users.extend(page)
        if len(page) < _PAGE:
            break
    return users


async def export_lines(engine: MemoryEngine, user_ids: Sequence[str]) -> AsyncIterator[dict[str, Any]]:
    """Accord's JSONL, a line at a time: a header, then per user its raw turns, memories,
    versions, conflicts, grants, consents and quality-log rows (``gate_decision``: what the gate
    refused, reason and size, never text) from ``export_user``, each with a ``type``."""
    yield {
        "type": "header",
        "format": ACCORD_FORMAT,
        "version": ACCORD_FORMAT_VERSION,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(),
        "tenant_id": engine.principal.tenant_id,
        "users": list(user_ids),
    }
    kinds = (("message", "messages"), ("memory", "memories"), ("version", "versions"), ("conflict", "conflicts"))
    for user_id in user_ids:
        dump = (await engine.export_user(user_id)).model_dump(mode="json")
        for kind, key in (*kinds, ("grant", "grants"), ("consent", "consents"), ("gate_decision", "quality_log")):
            for row in dump[key]:
                yield {"type": kind, "user_id": user_id, **row}


async def _present(engine: MemoryEngine, user_id: str) -> set[str]:
    """Import ids (and original message ids) of the raw turns the user already has."""
    seen: set[str] = set()
    offset = 0
    while True:
        page = await engine.list_memories(
            user_id, categories=["episodic"], include_archived=True, limit=_PAGE, offset=offset
        )
        for memory in page:
            marker = memory.metadata.get("import_id")
            if isinstance(marker, str):
                seen.add(marker)
            if memory.source.message_id:
                seen.add(f"accord:{memory.source.message_id}")
        if len(page) < _PAGE:
            return seen
        offset += len(page)


def _message(turn: ImportTurn) -> dict[str, Any]:
    msg: dict[str, Any] = {"role": turn.role, "content": turn.content, "metadata": {"import_id": turn.import_id}}
    if turn.created_at is not None:
        msg["created_at"] = turn.created_at
    if turn.name is not None:
        msg["name"] = turn.name
    return msg


def _chunks(turns: Sequence[ImportTurn], size: int) -> list[list[ImportTurn]]:
    return [list(turns[i : i + size]) for i in range(0, len(turns), size)]


def validate(parsed: Parsed, *, max_messages: int, max_chars: int) -> None:
    """Check every item before anything is written, so a bad record stops the import up front
    (with the field named), never halfway through."""
    for item in parsed.items:
        check_identifier("user_id", item.user_id)
        check_identifier("session_id", item.session_id, optional=True)
        for chunk in _chunks(item.turns, max_messages):
            check_messages([_message(t) for t in chunk], max_messages=max_messages, max_chars=max_chars)


async def _add(
    engine: MemoryEngine, item: ImportItem, turns: list[ImportTurn], source: str, report: ImportReport
) -> None:
    for _ in range(_RATE_LIMIT_RETRIES):
        result = await engine.add(
            [_message(t) for t in turns],
            item.user_id,
            session_id=item.session_id,
            metadata={"import_source": source},
            wait=True,
        )
        if result.blocked_reason != "rate_limit_exceeded":
            break
        # The gate applies to imports too; wait as it says rather than fail the import.
        await asyncio.sleep(min(result.retry_after_seconds or 1.0, 60.0))
    report.add_calls += 1
    if result.status == "blocked":
        reason = result.blocked_reason or "blocked"
        report.blocked[reason] = report.blocked.get(reason, 0) + len(turns)
        return
    report.turns_added += len(turns)
    report.memories_created += len(result.memories_created)


async def import_parsed(
    engine: MemoryEngine,
    parsed: Parsed,
    *,
    dry_run: bool = False,
    max_messages: int = 200,
    max_chars: int = 32_000,
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import the items of a parsed dump (see the module docstring), or with ``dry_run``
    only count what would be written.

    Args:
        engine: Any engine, embedded or remote; the caller needs write access to each user.
        parsed: From :func:`accord.transfer.formats.parse_dump`.
        dry_run: Write nothing; the report says what an import would add and skip.
        max_messages: Turns per ``add()`` call (the engine's ``max_messages_per_add``).
        max_chars: The engine's ``max_message_chars``, checked before anything is written.
        on_progress: Called with the number of turns handled so far.

    Raises:
        InvalidInputError: A record is not importable (checked for all before any write).
    """
    validate(parsed, max_messages=max_messages, max_chars=max_chars)
    report = ImportReport(format=parsed.format, dry_run=dry_run, derived_lines_not_copied=dict(parsed.derived))
    present: dict[str, set[str]] = {}
    done = 0
    for item in parsed.items:
        if item.user_id not in present:
            present[item.user_id] = await _present(engine, item.user_id)
            report.per_user[item.user_id] = {"turns": 0, "new": 0}
        seen = present[item.user_id]
        new = [t for t in item.turns if t.import_id not in seen]
        report.turns += len(item.turns)
        report.turns_present += len(item.turns) - len(new)
        report.per_user[item.user_id]["turns"] += len(item.turns)
        report.per_user[item.user_id]["new"] += len(new)
        if not dry_run:
            for chunk in _chunks(new, max_messages):
                await _add(engine, item, chunk, parsed.format, report)
        # A file may repeat a record: the second copy is already "present".
        seen.update(t.import_id for t in new)
        done += len(item.turns)
        if on_progress is not None:
            on_progress(done)
    report.users = len(present)
    return report
