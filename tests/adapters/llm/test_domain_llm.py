"""The domain overlay with an LLM: its own validated output schema, the rules as the floor,
against the scripted OpenAI-compatible server on loopback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from accord import AccordSettings, AsyncAccord

EXTRACTION = {"memories": []}


def _settings(tmp_path: Path, fake_llm: Any) -> AccordSettings:
    return AccordSettings(
        data_dir=tmp_path / "data",
        embedder="none",
        llm_provider_order=["openai/m1"],
        llm_api_bases={"openai": fake_llm.api_base},
        llm_api_keys={"openai": "sk-test"},
        llm_attempt_timeout_seconds=2.0,
        llm_job_timeout_seconds=5.0,
        llm_breaker_failure_threshold=1,
    )


def _responder(domain_answer: Any) -> Any:
    def reply(body: dict[str, Any]) -> str:
        system = body["messages"][0]["content"]
        return json.dumps(domain_answer) if "domain" in system and "observations" in system else json.dumps(EXTRACTION)

    return reply


async def test_the_llm_reads_domain_fields_and_the_rules_fill_in(tmp_path: Path, fake_llm) -> None:
    answer = {
        "observations": [
            {"field": "topic", "item": "Stoichiometry", "value": "weak", "message_index": 0},
            {"field": "exam", "item": "chemistry final", "value": "2027-04-10", "message_index": 0},
            {"field": "topic", "item": "titration", "value": "meh"},  # not an allowed value: dropped
            {"field": "favourite_colour", "value": "blue"},  # not a field: dropped
        ]
    }
    fake_llm.script("m1", fake_llm.ok(_responder(answer)))
    async with AsyncAccord(_settings(tmp_path, fake_llm)) as engine:
        await engine.set_domain_schema("edtech")
        said = "Moles and mass ratios lose me every time before my chemistry final on 10 April. I learn best with diagrams."
        result = await engine.add(said, user_id="s", wait=True)
        assert result.status == "done" and result.extractor == "llm:openai/m1"
        p = await engine.get_edtech_profile("s")
        assert [t.topic for t in p.weak_topics] == ["stoichiometry"]
        assert [(e.name, e.date.isoformat()) for e in p.exams] == [("Chemistry Final", "2027-04-10")]
        assert p.learning_style == "diagrams"  # the model left it out; the rules found it
        prompts = [r["body"] for r in fake_llm.requests if "observations" in r["body"]["messages"][0]["content"]]
        assert len(prompts) == 1 and "topic: enum of weak, strong, many" in prompts[0]["messages"][0]["content"]


async def test_an_invalid_domain_answer_leaves_the_rules(tmp_path: Path, fake_llm) -> None:
    fake_llm.script("m1", fake_llm.ok(_responder({"observations": "not a list"})))
    async with AsyncAccord(_settings(tmp_path, fake_llm)) as engine:
        await engine.set_domain_schema("support")
        await engine.add("My payment failed and I'm on the Growth plan.", user_id="c", wait=True)
        p = await engine.get_support_profile("c")
        assert p.plan == "Growth" and [i.type for i in p.open_issues] == ["billing"]
