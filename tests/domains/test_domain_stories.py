"""The issue's seed stories, through add() and get() only, plus routing, export and erasure.

Real SQLite store, the rules extractor, a manual clock; each story runs in its own tenant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from accord import AccordSettings, AsyncAccord, ManualClock
from accord.errors import InvalidInputError, NotFoundError, PermissionDeniedError

START = dt.datetime(2027, 3, 3, 10, tzinfo=dt.UTC)  # a Wednesday


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def engine(tmp_path: Path, clock: ManualClock) -> AsyncIterator[AsyncAccord]:
    async with AsyncAccord(AccordSettings(data_dir=tmp_path, embedder="none", run_worker=False), clock=clock) as e:
        yield e


async def _tenant(engine: AsyncAccord, tenant: str, schema: str, *agents: str) -> dict[str, AsyncAccord]:
    await engine.create_tenant(tenant)
    _, admin_key = await engine.for_tenant(tenant).create_agent("admin", role="admin")
    admin = await engine.for_key(admin_key.key)
    assert (await admin.set_domain_schema(schema)).domain_schema == schema
    out = {"admin": admin}
    for name in agents:
        agent, key = await admin.create_agent(name)
        await admin.grant(agent.id, "read_write")
        out[name] = await engine.for_key(key.key)
    return out


async def test_a_returning_support_customer_is_welcomed_back_with_the_open_issue(engine: AsyncAccord, clock: ManualClock) -> None:
    bot = (await _tenant(engine, "shop", "support", "bot"))["bot"]
    clock.advance(days=-1)  # Tuesday
    await bot.add(
        [
            {"role": "user", "content": "My payment failed today and I'm on the Growth plan. This is so frustrating!"},
            {"role": "assistant", "content": "Sorry about that, we're looking into it."},
        ],
        user_id="cust1",
        wait=True,
    )
    clock.advance(days=2)  # Thursday: a new session
    ctx = await bot.get("the customer is back", user_id="cust1")
    text = ctx.system_prompt_addition
    assert text.startswith("Domain profile: Open billing issue (opened last Tuesday)")
    assert "payment failed" in text and "Plan: Growth." in text
    profile = await bot.get_support_profile("cust1")
    assert [i.type for i in profile.open_issues] == ["billing"] and profile.plan == "Growth"
    assert profile.support_type == "billing" and profile.open_issues[0].history[0].status == "opened"

    # A repeat contact, angry: the escalation risk rises; then the charge goes through.
    await bot.add("My payment failed again, this is ridiculous. I'll cancel if it's not fixed.", user_id="cust1", wait=True)
    profile = await bot.get_support_profile("cust1")
    assert profile.open_issues[0].contacts == 2
    assert profile.escalation_risk.level == "high" and "anger" in profile.escalation_risk.signals
    assert [h.status for h in profile.open_issues[0].history] == ["opened", "updated"]
    clock.advance(days=1)
    await bot.add("Thanks, the charge went through, it's resolved.", user_id="cust1", wait=True)
    profile = await bot.get_support_profile("cust1")
    assert profile.open_issues == [] and [i.type for i in profile.resolved_issues] == ["billing"]
    assert [h.status for h in profile.resolved_issues[0].history] == ["opened", "updated", "resolved"]
    assert "Open billing issue" not in (await bot.get("hello", user_id="cust1")).system_prompt_addition


async def test_a_student_prepares_for_an_exam_over_three_sessions(engine: AsyncAccord, clock: ManualClock) -> None:
    tutor = (await _tenant(engine, "school", "edtech", "tutor"))["tutor"]
    await tutor.add(
        "I'm in 12th grade, CBSE board. My JEE Main exam is on 15 March. I really struggle with integration "
        "by parts and quadratic equations. I learn best with worked examples.",
        user_id="stu",
        session_id="s1",
        wait=True,
    )
    ctx = await tutor.get("let's study", user_id="stu")
    assert ctx.system_prompt_addition.startswith(
        "Domain profile: Exam: JEE Main on 15 March (in 12 days). Weak: "
    )
    assert "Learns best with worked examples." in ctx.system_prompt_addition
    p = await tutor.get_edtech_profile("stu")
    assert {t.topic for t in p.weak_topics} == {"integration by parts", "quadratic equations"}
    assert (p.grade_level, p.curriculum, p.learning_style) == ("12", "CBSE", "worked examples")

    clock.advance(days=3)  # session 2: one topic moves to strong, its review moves out
    await tutor.add("I finally get quadratics now!", user_id="stu", session_id="s2", wait=True)
    p = await tutor.get_edtech_profile("stu")
    assert [t.topic for t in p.strong_topics] == ["quadratic equations"]
    assert [t.topic for t in p.weak_topics] == ["integration by parts"]
    strong = p.strong_topics[0]
    weak = p.weak_topics[0]
    assert strong.stage == 2 and strong.due is not None and weak.due is not None and strong.due > weak.due
    assert weak.urgency in ("due", "overdue")
    ctx = await tutor.get("what next?", user_id="stu")
    assert "Weak: integration by parts (review" in ctx.system_prompt_addition and "in 9 days" in ctx.system_prompt_addition

    clock.advance(days=2)  # session 3: practice advances the stage; an exam date clash asks the student
    await tutor.add("We practised integration by parts today. My JEE Main exam is on 18 March.", user_id="stu", session_id="s3", wait=True)
    p = await tutor.get_edtech_profile("stu")
    assert p.weak_topics[0].stage == 2 and p.exams[0].date == dt.date(2027, 3, 15)  # unconfirmed: still the old date
    assert (await tutor.get("exam", user_id="stu")).clarification_question is not None
    asks = await tutor.list_conflicts(kind="clarification", user_id="stu")
    assert any("2027-03-18" in c.question and "2027-03-15" in c.question for c in asks)
    await tutor.add("Sorry, my JEE Main exam was rescheduled to 18 March.", user_id="stu", session_id="s3", wait=True)
    assert (await tutor.get_edtech_profile("stu")).exams[0].date == dt.date(2027, 3, 18)


async def test_cross_service_memory_marks_the_upsell_unwise_while_the_issue_is_open(engine: AsyncAccord) -> None:
    t = await _tenant(engine, "saas", "support", "support_bot", "onboarding", "recommender")
    await t["support_bot"].add(
        "I was charged twice for my invoice and nobody answers. I'm on the Starter plan.", user_id="u7", wait=True
    )
    onboarding = await t["onboarding"].get("welcome tour", user_id="u7")
    reco = await t["recommender"].get("which upgrade to recommend", user_id="u7")
    for ctx in (onboarding, reco):
        assert ctx.system_prompt_addition.startswith("Domain profile: Open billing issue")
        assert "Not a good moment to upsell" in ctx.system_prompt_addition
    await t["support_bot"].add("The refund came through, that fixed it, thanks!", user_id="u7", wait=True)
    reco = await t["recommender"].get("which upgrade to recommend", user_id="u7")
    assert "upsell" not in reco.system_prompt_addition and "Plan: Starter." in reco.system_prompt_addition


async def test_institutional_facts_go_to_tenant_review_personal_ones_to_the_user(engine: AsyncAccord) -> None:
    t = await _tenant(engine, "acad", "edtech", "tutor")
    tutor = t["tutor"]
    await tutor.add("Our school's policy is no calculators in exams.", user_id="a", wait=True)
    await tutor.add("The school now allows calculators in exams.", user_id="b", wait=True)
    reviews = await t["admin"].list_conflicts(kind="review")
    assert len(reviews) == 1 and "calculators" in reviews[0].question
    await tutor.add("I'm in 10th grade.", user_id="a", wait=True)
    await tutor.add("I'm in 11th grade.", user_id="a", wait=True)
    asks = await tutor.list_conflicts(kind="clarification", user_id="a")
    assert any("Grade: 10" in c.question and "Grade: 11" in c.question for c in asks)
    assert (await tutor.get_edtech_profile("a")).grade_level == "10"


async def test_budget_formats_and_general_tenants(engine: AsyncAccord) -> None:
    bot = (await _tenant(engine, "fmt", "support", "bot"))["bot"]
    await bot.add("My login keeps failing with an error. Please email me.", user_id="c", wait=True)
    for budget in (15, 40, 400):
        ctx = await bot.get("hi", user_id="c", context_max_tokens=budget)
        assert ctx.context_token_count <= budget
    # What the block says is not rendered again as a memory (it is still returned, not rendered).
    ctx = await bot.get("my login issue", user_id="c")
    issue = [m for m in ctx.memories if (m.attribute_key or "").startswith("support.issue")]
    assert issue and not issue[0].rendered and "Issue (login)" not in ctx.system_prompt_addition
    import json

    doc = json.loads((await bot.get("hi", user_id="c", format="json")).system_prompt_addition)
    assert doc["domain_profile"].startswith("Open login issue") and "user_memories" in doc
    # A general tenant (the default) gets no block and no domain memories.
    await engine.add("My payment failed today.", user_id="g", wait=True)
    assert "Domain profile" not in (await engine.get("hi", user_id="g")).system_prompt_addition
    assert (await engine.get_domain_schema()).domain_schema == "general"
    with pytest.raises(NotFoundError):
        await engine.get_domain_profile("g")


async def test_setting_the_schema_is_validated_and_for_admins(engine: AsyncAccord) -> None:
    t = await _tenant(engine, "val", "general", "agent")
    with pytest.raises(InvalidInputError, match="domain_schema"):
        await t["admin"].set_domain_schema("astrology")
    with pytest.raises(InvalidInputError, match="domain_schema"):
        await t["admin"].set_domain_schema("edtech@2")
    with pytest.raises(PermissionDeniedError):
        await t["agent"].set_domain_schema("edtech")
    assert (await t["agent"].get_domain_schema()).domain_schema == "general"


async def test_domain_data_is_exported_erased_and_isolated_per_tenant(engine: AsyncAccord) -> None:
    ta = await _tenant(engine, "ta", "support", "bot")
    a = ta["bot"]
    b = (await _tenant(engine, "tb", "support", "bot"))["bot"]
    await a.add("My payment failed and I'm on the Growth plan.", user_id="same", wait=True)
    assert (await b.get_support_profile("same")).open_issues == []
    assert "Open" not in (await b.get("hi", user_id="same")).system_prompt_addition
    export = await ta["admin"].export_user("same")
    assert export.domain and export.domain[0]["schema_name"] == "support"
    assert any((m.get("attribute_key") or "").startswith("support.issue") for m in export.memories)
    await ta["admin"].forget_user("same")
    p = await a.get_support_profile("same")
    assert p.open_issues == [] and p.contacts == 0 and (await ta["admin"].export_user("same")).domain == []
