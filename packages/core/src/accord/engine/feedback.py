"""The engine's ``feedback`` method: an agent's word on a memory it read.

A mixin of :class:`accord.AsyncAccord` beside :class:`accord.engine.curation.CurationAPI`, whose
``_visible`` and ``_refreshed`` it uses. What each kind changes is :mod:`accord.domain.feedback`.
"""

from __future__ import annotations

from typing import Literal

from accord.domain.feedback import FEEDBACK_KINDS, FeedbackKind
from accord.domain.models import ClarificationQuestion, FeedbackResult
from accord.domain.validation import check_content
from accord.engine.curation import CurationAPI
from accord.errors import InvalidInputError

__all__ = ["FeedbackAPI"]

MAX_NOTE_CHARS = 2_000


def check_feedback_kind(value: object) -> FeedbackKind:
    if value not in FEEDBACK_KINDS:
        raise InvalidInputError("kind", f"must be one of {', '.join(FEEDBACK_KINDS)}, got {value!r}")
    return value  # type: ignore[return-value]


class FeedbackAPI(CurationAPI):
    async def feedback(
        self, memory_id: str, kind: Literal["helpful", "wrong", "outdated"], note: str | None = None
    ) -> FeedbackResult:
        """Say whether a memory a context showed was ``helpful``, ``wrong`` or ``outdated``.

        Any agent that may read the memory may give feedback (each rendered line cites its
        memory id); the version it leaves names the agent. ``helpful`` raises the memory's
        importance; ``wrong`` archives it (``restore_memory`` brings it back); ``outdated``
        asks the user, through the next ``get()``'s ``clarification_question``, whether it is
        still true (``resolve(question_id, 1)`` keeps it, ``2`` archives it).

        Raises:
            InvalidInputError: an unknown ``kind``, or a ``note`` that is not 1-2000 characters.
            NotFoundError: no memory the caller may read has that id.
            ConflictError: the memory is not active (pending, or archived for ``helpful``).
        """
        checked = check_feedback_kind(kind)
        text = check_content("note", note, MAX_NOTE_CHARS) if note is not None else None
        memory = await self._visible(memory_id)
        parts, tenant = self.parts, self._principal.tenant_id
        applied = await parts.store.record_feedback(
            tenant, memory.id, checked, note=text, agent_id=self._principal.agent_id, now=parts.clock.now()
        )
        now_memory = await self._refreshed(memory.user_id, memory.id) if applied.changed else memory
        question = None
        if applied.question_id is not None:
            (asked,) = await parts.store.list_conflicts(tenant, status=None, conflict_id=applied.question_id)
            question = ClarificationQuestion(id=asked.id, question=asked.question, options=asked.options)
        action: Literal["importance_raised", "archived", "question_asked", "unchanged"] = (
            "question_asked"
            if question is not None
            else ("unchanged" if not applied.changed else ("importance_raised" if checked == "helpful" else "archived"))
        )
        return FeedbackResult(memory=now_memory, kind=checked, action=action, question=question)
