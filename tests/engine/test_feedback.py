"""feedback(memory_id, kind, note): helpful raises importance, wrong archives by a versioned
``feedback`` change naming the agent, outdated asks the user; on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord import AccordSettings, AsyncAccord, ChangeType, ConflictError, InvalidInputError, MemoryStatus, NotFoundError


async def _fact(engine: AsyncAccord, text: str = "I work at Northwind as a data analyst.") -> str:
    result = await engine.add([{"role": "user", "content": text}], user_id="alice", wait=True)
    assert result.status == "done", result
    (fact,) = [m for m in result.memories_created if m.category.value != "episodic"][:1]
    return fact.id


async def test_each_kind_does_what_it_says_and_leaves_a_version(sql_url: str, tmp_path: Path) -> None:
    settings = AccordSettings(data_dir=tmp_path / "d", embedder="none", database_url=sql_url)
    async with AsyncAccord(settings) as engine:
        memory_id = await _fact(engine)
        before = await engine.get_memory(memory_id)

        helped = await engine.feedback(memory_id, "helpful", note="answered the billing question")
        assert helped.action == "importance_raised" and helped.question is None
        assert helped.memory.importance_score == pytest.approx(min(1.0, before.importance_score + 0.1))
        assert helped.memory.original_importance_score == helped.memory.importance_score

        asked = await engine.feedback(memory_id, "outdated")
        assert asked.action == "question_asked" and asked.memory.status is MemoryStatus.ACTIVE
        assert asked.question is not None and helped.memory.content in asked.question.question
        assert [o.memory_id for o in asked.question.options] == [memory_id]
        again = await engine.feedback(memory_id, "outdated")  # one open question per memory
        assert again.question is not None and again.question.id == asked.question.id
        shown = await engine.get("where does the user work?", "alice")
        assert shown.clarification_question is not None and shown.clarification_question.id == asked.question.id
        assert shown.mode.reranker == "features"  # the built-in second stage is on by default
        with pytest.raises(InvalidInputError) as bad:
            await engine.resolve(asked.question.id, "maybe")
        assert bad.value.field == "answer"
        kept = await engine.resolve(asked.question.id, 1)
        assert kept.status == "resolved" and kept.resolution == "existing"
        assert (await engine.get_memory(memory_id)).status is MemoryStatus.ACTIVE

        wrong = await engine.feedback(memory_id, "wrong", note="the user never said that")
        assert wrong.action == "archived" and wrong.memory.status is MemoryStatus.ARCHIVED
        assert (await engine.feedback(memory_id, "wrong")).action == "unchanged"
        with pytest.raises(ConflictError):
            await engine.feedback(memory_id, "helpful")
        got = await engine.get("where does the user work?", "alice")
        assert memory_id not in [m.id for m in got.memories]

        feedback = [v for v in await engine.history(memory_id) if v.change_type is ChangeType.FEEDBACK]
        assert [v.metadata.get("feedback") for v in feedback] == ["helpful", "wrong"]
        assert feedback[0].metadata["note"] == "answered the billing question"
        assert feedback[1].status is MemoryStatus.ARCHIVED
        restored = await engine.restore_memory(memory_id)  # wrong feedback is reversible
        assert restored.status is MemoryStatus.ACTIVE


async def test_outdated_confirmed_by_the_user_archives(tmp_path: Path) -> None:
    async with AsyncAccord(AccordSettings(data_dir=tmp_path / "d", embedder="none")) as engine:
        memory_id = await _fact(engine, "I live in Lisbon.")
        asked = await engine.feedback(memory_id, "outdated", note="the user mentioned moving")
        assert asked.question is not None
        done = await engine.resolve(asked.question.id, "outdated")
        assert done.resolution == "candidate"
        assert (await engine.get_memory(memory_id)).status is MemoryStatus.ARCHIVED
        (last,) = [v for v in await engine.history(memory_id) if v.change_type is ChangeType.FEEDBACK]
        assert last.metadata["feedback"] == "outdated"
        with pytest.raises(ConflictError):
            await engine.resolve(asked.question.id, 1)


async def test_bad_input_names_the_field_and_changes_nothing(tmp_path: Path) -> None:
    async with AsyncAccord(AccordSettings(data_dir=tmp_path / "d", embedder="none")) as engine:
        memory_id = await _fact(engine)
        before = await engine.get_memory(memory_id)
        for kwargs, field in (
            ({"kind": "great"}, "kind"),
            ({"kind": None}, "kind"),
            ({"kind": "helpful", "note": ""}, "note"),
            ({"kind": "helpful", "note": "x" * 2_001}, "note"),
            ({"kind": "helpful", "note": 5}, "note"),
        ):
            with pytest.raises(InvalidInputError) as e:
                await engine.feedback(memory_id, **kwargs)  # type: ignore[arg-type]
            assert e.value.field == field, kwargs
        with pytest.raises(InvalidInputError) as e:
            await engine.feedback("not-an-id", "helpful")
        assert e.value.field == "memory_id"
        with pytest.raises(NotFoundError):
            await engine.feedback("00000000-0000-4000-8000-000000000000", "helpful")
        assert await engine.get_memory(memory_id) == before
        assert [v.change_type for v in await engine.history(memory_id)] == [ChangeType.CREATED]


async def test_any_agent_that_may_read_gives_feedback_and_is_named(tmp_path: Path) -> None:
    async with AsyncAccord(AccordSettings(data_dir=tmp_path / "d", embedder="none")) as engine:
        await engine.create_tenant("acme")
        _, admin_key = await engine.for_tenant("acme").create_agent("admin", role="admin")
        admin = await engine.for_key(admin_key.key)
        reader, reader_key = await admin.create_agent("reader")
        outsider, outsider_key = await admin.create_agent("outsider")
        await admin.grant(reader.id, "read_only")
        await admin.grant(outsider.id, "read_only", categories=["preference"])
        memory_id = await _fact(admin)
        by_reader = await engine.for_key(reader_key.key)
        done = await by_reader.feedback(memory_id, "wrong")
        assert done.action == "archived"
        (version,) = [v for v in await admin.history(memory_id) if v.change_type is ChangeType.FEEDBACK]
        assert version.agent_id == reader.id
        with pytest.raises(NotFoundError):  # it may not read facts: the memory does not exist for it
            await (await engine.for_key(outsider_key.key)).feedback(memory_id, "helpful")
