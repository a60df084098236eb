"""``accord demo``: three products that remember their users, on a fresh embedded store."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from accord.settings import AccordSettings
from accord.engine.engine import AsyncAccord


@dataclass(frozen=True)
class Scenario:
    title: str
    user_id: str
    first_session: list[dict[str, str]]
    next_query: str


SCENARIOS = [
    Scenario(
        title="Support bot: a returning customer",
        user_id="customer-4521",
        first_session=[
            {"role": "user", "content": "Hi, my name is Dana. My order #4521 arrived with a cracked screen."},
            {"role": "assistant", "content": "I'm sorry to hear that, Dana. I've opened a replacement request."},
            {"role": "user", "content": "Thanks. I prefer email over phone calls. I live in Lisbon."},
            {"role": "user", "content": "I'm on the Pro plan and I use the tablet for my design work."},
        ],
        next_query="The customer is back asking about the replacement for the cracked screen",
    ),
    Scenario(
        title="Tutor: a student preparing for an exam",
        user_id="student-7",
        first_session=[
            {"role": "user", "content": "I'm preparing for the AP Calculus exam on May 12."},
            {"role": "assistant", "content": "Great, let's build a plan. Which topics feel hardest?"},
            {"role": "user", "content": "I struggle with integration by parts. I learn best with worked examples."},
            {"role": "user", "content": "I prefer short study sessions in the evening."},
        ],
        next_query="Plan today's calculus study session for the exam",
    ),
    Scenario(
        title="Career coach: a user with a goal",
        user_id="client-3",
        first_session=[
            {"role": "user", "content": "I work at Northwind as a data analyst."},
            {"role": "user", "content": "My goal is to become a machine learning engineer within a year."},
            {"role": "assistant", "content": "That's a realistic goal. What are you strongest at today?"},
            {"role": "user", "content": "I know SQL and Python well, but I'm a beginner at deep learning."},
        ],
        next_query="What should this client work on this week to reach the career goal?",
    ),
]


async def run_demo(settings: AccordSettings | None = None, *, out: list[str] | None = None) -> list[str]:
    """Play every scenario and return (and print) what each next session would get."""
    lines = out if out is not None else []

    def say(text: str = "") -> None:
        print(text)
        lines.append(text)

    with tempfile.TemporaryDirectory(prefix="accord-demo-") as tmp:
        base = settings or AccordSettings()
        demo_settings = base.model_copy(update={"data_dir": Path(tmp), "database_url": None, "index": "qdrant_edge"})
        async with AsyncAccord(demo_settings) as memory:
            for scenario in SCENARIOS:
                say(f"=== {scenario.title} (user {scenario.user_id}) ===")
                say("Session 1:")
                for turn in scenario.first_session:
                    say(f"  {turn['role']:>9}: {turn['content']}")
                result = await memory.add(
                    scenario.first_session, user_id=scenario.user_id, session_id="session-1", wait=True
                )
                say(f"  -> job {result.status}; {len(result.memories_created)} durable memories extracted:")
                for m in result.memories_created:
                    say(f"     [{m.category.value}{', ' + m.attribute_key if m.attribute_key else ''}] {m.content}")
                say("")
                ctx = await memory.get(scenario.next_query, user_id=scenario.user_id, limit=8)
                say(f"Next session asks: {scenario.next_query!r}")
                say(f"system_prompt_addition ({ctx.context_token_count} tokens, search: {ctx.mode.search}):")
                for line in ctx.system_prompt_addition.splitlines():
                    say(f"  | {line}")
                say("")
            mode = (await memory.stats()).mode  # type: ignore[union-attr]
            say(f"Served by: index={mode.index}, embedder={mode.embedder}, hot tier={mode.hot_tier}")
            for note in mode.notes:
                say(f"  note: {note}")
    return lines
