"""A pending clarification asked as a form: input_required at 2026-07-28, a mid-call request at 2025-11-25,
``clarification_question`` in the result for clients without forms."""

from __future__ import annotations

import json
from typing import Any

import pytest
from accord import AsyncAccord
from accord_mcp import McpSettings, build_server
from accord_mcp.clarify import ANSWER_KEY, answer_schema
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp.types import CallToolResult, ElicitRequestFormParams, ElicitResult
from mcp_types import InputRequiredResult

BERLIN, PORTO = "I live in Berlin", "I think I live in Porto"


class Form:
    """An elicitation callback that records what it was shown and answers as scripted."""

    def __init__(self, *answers: ElicitResult) -> None:
        self.answers = list(answers)
        self.shown: list[ElicitRequestFormParams] = []

    async def __call__(self, context: Any, params: Any) -> ElicitResult:
        assert isinstance(params, ElicitRequestFormParams)
        self.shown.append(params)
        return self.answers.pop(0)


def accept(**content: Any) -> ElicitResult:
    return ElicitResult(action="accept", content=content)


async def disagree(engine: AsyncAccord) -> str:
    """Two statements that raise a question for alice; returns the question's id."""
    await engine.add([{"role": "user", "content": BERLIN}], "alice", wait=True)
    await engine.add([{"role": "user", "content": PORTO}], "alice", wait=True)
    (question,) = await engine.list_conflicts(kind="clarification", user_id="alice")
    return question.id


def structured(result: Any) -> dict[str, Any]:
    assert isinstance(result, CallToolResult) and not result.is_error, result
    assert result.structured_content is not None
    return result.structured_content


def test_the_form_offers_both_options_both_and_own_words() -> None:
    from accord.domain.models import ClarificationQuestion, ConflictOption

    q = ClarificationQuestion(id="q", question="Which?", options=[ConflictOption(memory_id="a", content="Berlin"),
                                                                  ConflictOption(memory_id="b", content="Porto")])
    schema = answer_schema(q)
    assert [c["title"] for c in schema["properties"]["choice"]["oneOf"]] == ["Berlin", "Porto", "Both are true"]
    assert {p["type"] for p in schema["properties"].values()} == {"string"}  # flat primitives, as forms require


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_get_context_asks_in_a_form_and_the_answer_settles_it(engine: AsyncAccord, mode: str) -> None:
    question_id = await disagree(engine)
    form = Form(accept(choice="2"))
    server = build_server(engine, McpSettings(user_id="alice"))
    async with Client(server, mode=mode, elicitation_callback=form) as client:  # type: ignore[arg-type]
        out = structured(await client.call_tool("get_context", {"query": "where do I live?"}))
    (shown,) = form.shown
    assert "Berlin" in json.dumps(shown.requested_schema) and "Porto" in json.dumps(shown.requested_schema)
    assert out["clarification_question"] is None
    assert out["clarification_answered"]["id"] == question_id and out["clarification_answered"]["status"] == "resolved"
    assert "Porto" in out["system_prompt_addition"].split("From past")[0]
    assert "Berlin" not in out["system_prompt_addition"].split("From past")[0]
    assert await engine.list_conflicts(kind="clarification", user_id="alice") == []


async def test_own_words_that_settle_nothing_ask_again_then_a_choice_settles(engine: AsyncAccord) -> None:
    await disagree(engine)
    form = Form(accept(own_words="hmm, not sure"), accept(choice="1"))
    async with Client(build_server(engine, McpSettings(user_id="alice")), elicitation_callback=form) as client:
        out = structured(await client.call_tool("get_context", {"query": "where do I live?"}))
    assert len(form.shown) == 2 and form.shown[1].message.startswith("That did not settle it (say which is right")
    assert out["clarification_answered"]["resolution"] is not None
    assert "Berlin" in out["system_prompt_addition"].split("From past")[0]


async def test_declining_the_form_falls_back_to_the_question_in_the_result(engine: AsyncAccord) -> None:
    question_id = await disagree(engine)
    form = Form(ElicitResult(action="decline"))
    async with Client(build_server(engine, McpSettings(user_id="alice")), elicitation_callback=form) as client:
        out = structured(await client.call_tool("get_context", {"query": "where do I live?"}))
    assert len(form.shown) == 1
    assert out["clarification_question"]["id"] == question_id and out["clarification_answered"] is None
    assert len(await engine.list_conflicts(kind="clarification", user_id="alice")) == 1


async def test_a_client_without_forms_gets_the_question_in_the_result(engine: AsyncAccord) -> None:
    question_id = await disagree(engine)
    async with Client(build_server(engine, McpSettings(user_id="alice"))) as client:
        out = structured(await client.call_tool("get_context", {"query": "where do I live?"}))
    assert out["clarification_question"]["id"] == question_id


async def test_add_memory_asks_once_and_never_writes_twice(engine: AsyncAccord) -> None:
    await engine.add([{"role": "user", "content": BERLIN}], "alice", wait=True)
    form = Form(accept(choice="2"))
    async with Client(build_server(engine, McpSettings(user_id="alice")), elicitation_callback=form) as client:
        out = structured(await client.call_tool("add_memory", {"text": PORTO, "wait": True}))
    assert len(form.shown) == 1 and out["status"] == "done"
    assert out["clarification_answered"]["status"] == "resolved" and out["clarification_question"] is None
    stats = await engine.stats("alice")
    assert stats.messages == 2  # type: ignore[union-attr]  # Berlin and Porto, the retry stored nothing


async def test_add_memory_without_forms_returns_the_question(engine: AsyncAccord) -> None:
    await engine.add([{"role": "user", "content": BERLIN}], "alice", wait=True)
    async with Client(build_server(engine, McpSettings(user_id="alice"))) as client:
        out = structured(await client.call_tool("add_memory", {"text": PORTO, "wait": True}))
    assert out["clarification_question"] is not None and "Porto" in out["clarification_question"]["options"][1]


async def test_the_round_trip_state_is_sealed_and_bound_to_the_call(engine: AsyncAccord) -> None:
    """A tampered requestState, or one replayed onto other arguments, is refused; nothing is resolved."""
    await disagree(engine)
    server = build_server(engine, McpSettings(user_id="alice"))
    async with Client(server, elicitation_callback=Form()) as client:
        first = await client.session.call_tool("get_context", {"query": "where do I live?"}, allow_input_required=True)
        assert isinstance(first, InputRequiredResult) and first.request_state is not None
        assert "question_id" not in first.request_state  # encrypted, not merely signed
        answers = {ANSWER_KEY: accept(choice="2")}
        tampered = first.request_state[:-4] + ("AAAA" if not first.request_state.endswith("AAAA") else "BBBB")
        for query, state in (("where do I live?", tampered), ("something else", first.request_state)):
            with pytest.raises(MCPError, match="Invalid or expired requestState"):
                await client.session.call_tool(
                    "get_context", {"query": query}, input_responses=answers, request_state=state, allow_input_required=True
                )
    assert len(await engine.list_conflicts(kind="clarification", user_id="alice")) == 1


@pytest.mark.parametrize("shared", [True, False])
async def test_replicas_sharing_a_request_state_key_finish_each_others_rounds(engine: AsyncAccord, shared: bool) -> None:
    """Behind a balancer the retry may reach another replica: with ACCORD_MCP_REQUEST_STATE_KEY shared it
    completes there; with each replica's own start-up key it is refused and nothing is resolved."""
    await disagree(engine)
    keys = ["k" * 40, "k" * 40] if shared else [None, None]
    first, second = (build_server(engine, McpSettings(user_id="alice", request_state_key=k)) for k in keys)
    async with Client(first, elicitation_callback=Form()) as a, Client(second, elicitation_callback=Form()) as b:
        asked = await a.session.call_tool("get_context", {"query": "where do I live?"}, allow_input_required=True)
        assert isinstance(asked, InputRequiredResult)
        retry = b.session.call_tool(
            "get_context", {"query": "where do I live?"}, input_responses={ANSWER_KEY: accept(choice="2")},
            request_state=asked.request_state, allow_input_required=True,
        )
        if shared:
            assert structured(await retry)["clarification_answered"]["status"] == "resolved"
        else:
            with pytest.raises(MCPError, match="Invalid or expired requestState"):
                await retry
    assert len(await engine.list_conflicts(kind="clarification", user_id="alice")) == (0 if shared else 1)


async def test_a_call_outside_any_request_falls_back_to_the_question(engine: AsyncAccord) -> None:
    """``MCPServer.call_tool`` called directly (an embedding app, no client) has no client to ask."""
    question_id = await disagree(engine)
    result = await build_server(engine, McpSettings(user_id="alice")).call_tool("get_context", {"query": "where do I live?"})
    assert structured(result)["clarification_question"]["id"] == question_id
