"""Pending clarification questions asked as a form (elicitation), with the question in the result as fallback.

When ``add_memory`` or ``get_context`` meets a question the user's memories raise ("you said
Berlin, now Porto: which is right?"), a client that shows forms gets the question as one:

* **2026-07-28** (stateless): the tool returns an ``input_required`` result carrying one
  ``elicitation/create`` request and a ``requestState`` naming the question (the SDK seals it
  and binds it to this call, its arguments and the caller's key, so it cannot be forged,
  replayed onto another call, or read). The client shows the form and calls again with the
  answer; the answer resolves the question and the call completes.
* **2025-11-25** (a session with a back channel): the form is sent as a server-to-client
  ``elicitation/create`` request in the middle of the call, and the answer is applied at once.

A client that declared no form elicitation, a user who declines or dismisses the form, or an
answer that settles nothing: the call completes as before, with ``clarification_question`` in
its result for the model to ask in words and settle with ``resolve``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from accord import Conflict, InvalidInputError
from accord.domain.models import ClarificationQuestion
from mcp.server.mcpserver import Context
from mcp_types import ElicitRequest, ElicitRequestFormParams, ElicitResult, InputRequiredResult
from mcp_types.version import is_version_at_least

from accord_mcp.engine import MemoryEngine

__all__ = ["ANSWER_KEY", "Answer", "Clarifier", "answer_schema"]

log = logging.getLogger("accord_mcp.clarify")

ANSWER_KEY = "accord_clarification"  # the form's key in inputRequests / inputResponses
_ROUND_TRIP_VERSION = "2026-07-28"
_KEEP_BOTH = "keep_both"
_MAX_WORDS = 2000


@dataclass(frozen=True)
class Answer:
    """What became of a question asked in a form: settled (``conflict``) or not (``declined``)."""

    conflict: Conflict | None = None
    declined: bool = False
    problem: str | None = None  # why an accepted answer settled nothing (asked again with it)


def answer_schema(question: ClarificationQuestion) -> dict[str, Any]:
    """The form: pick one of the options (or both), or answer in one's own words.

    A flat object of primitive fields, as form elicitation requires; the options are a titled
    single-select (``oneOf`` of ``const`` / ``title``).
    """
    choices = [{"const": str(n), "title": option.content} for n, option in enumerate(question.options[:2], start=1)]
    choices.append({"const": _KEEP_BOTH, "title": "Both are true"})
    return {
        "type": "object",
        "properties": {
            "choice": {"type": "string", "title": "Which is right?", "oneOf": choices},
            "own_words": {
                "type": "string",
                "title": "Or say it in your own words",
                "description": 'e.g. "I moved to Porto in May"',
                "maxLength": _MAX_WORDS,
            },
        },
    }


def _value(content: dict[str, Any] | None) -> str | int | None:
    """The ``resolve`` answer a submitted form stands for: own words first, else the option picked."""
    content = content or {}
    words = content.get("own_words")
    if isinstance(words, str) and words.strip():
        return words.strip()[:_MAX_WORDS]
    choice = content.get("choice")
    if choice in ("1", "2"):
        return int(choice)
    return _KEEP_BOTH if choice == _KEEP_BOTH else None


def _in_request(ctx: Context[Any, Any] | None) -> bool:
    """Whether ``ctx`` belongs to a request (``MCPServer.call_tool`` called directly has none)."""
    return ctx is not None and ctx.protocol_version is not None


def _can_show_forms(ctx: Context[Any, Any] | None) -> bool:
    """Whether the client declared form elicitation (a bare ``elicitation: {}`` means forms)."""
    capabilities = ctx.client_capabilities if ctx is not None and _in_request(ctx) else None
    elicitation = capabilities.elicitation if capabilities is not None else None
    return elicitation is not None and (elicitation.form is not None or elicitation.url is None)


def _round_trips(ctx: Context[Any, Any]) -> bool:
    version = ctx.protocol_version
    return version is not None and is_version_at_least(version, _ROUND_TRIP_VERSION)


def _message(question: ClarificationQuestion, problem: str | None) -> str:
    lead = f"That did not settle it ({problem}). " if problem else ""
    return f"{lead}{question.question}"


class Clarifier:
    """Asks one pending question per call as a form and applies the answer (see the module docstring)."""

    def state(self, ctx: Context[Any, Any] | None) -> dict[str, Any] | None:
        """The plaintext ``requestState`` this server minted for the previous round, if any."""
        if ctx is None or not _in_request(ctx) or ctx.request_state is None:
            return None
        try:
            state = json.loads(ctx.request_state)
        except ValueError:
            return None  # the SDK verified it, so only another flow's state can get here
        return state if isinstance(state, dict) and isinstance(state.get("question_id"), str) else None

    async def answered(self, ctx: Context[Any, Any] | None, engine: MemoryEngine) -> Answer | None:
        """On a retry that carries our state: apply the form's answer (``None``: not a retry of ours)."""
        state = self.state(ctx)
        if state is None:
            return None
        assert ctx is not None
        response = (ctx.input_responses or {}).get(ANSWER_KEY)
        if not isinstance(response, ElicitResult):
            return Answer(problem=state.get("problem"))  # no answer yet: ask again
        return await self._apply(engine, state["question_id"], response)

    async def ask(
        self,
        ctx: Context[Any, Any] | None,
        engine: MemoryEngine,
        question: ClarificationQuestion,
        *,
        problem: str | None = None,
        carry: dict[str, Any] | None = None,
    ) -> InputRequiredResult | Answer | None:
        """Put ``question`` to the user as a form, when the client can show one.

        Returns an ``InputRequiredResult`` to return as is (2026-07-28), the :class:`Answer`
        of a form answered at once (2025-11-25), or ``None``: no form, fall back to
        ``clarification_question`` in the result. ``carry`` rides the sealed state to the retry.
        """
        if not _can_show_forms(ctx):
            return None
        assert ctx is not None
        params = ElicitRequestFormParams(message=_message(question, problem), requested_schema=answer_schema(question))
        if _round_trips(ctx):
            state = {"question_id": question.id, "problem": problem, **(carry or {})}
            return InputRequiredResult(input_requests={ANSWER_KEY: ElicitRequest(params=params)}, request_state=json.dumps(state))
        session = ctx.request_context.session
        if not session.can_send_request:  # stateless or JSON-only HTTP: no back channel
            return None
        response = await session.elicit_form(params.message, params.requested_schema, related_request_id=ctx.request_id)
        return await self._apply(engine, question.id, response)

    async def _apply(self, engine: MemoryEngine, question_id: str, response: ElicitResult) -> Answer:
        if response.action != "accept":
            return Answer(declined=True)
        value = _value(response.content)
        if value is None:
            return Answer(problem="pick an option or say it in your own words")
        try:
            return Answer(conflict=await engine.resolve(question_id, value))
        except InvalidInputError as e:  # e.g. own words that name neither option
            log.info("a clarification answer settled nothing: %s", e.problem)
            return Answer(problem=e.problem)
