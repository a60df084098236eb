"""Custom domain schemas: validation with clear errors, versions, a pydantic model, the shipped
HR example applied through add() and get() like a built-in schema."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, Field

from accord import AccordSettings, AsyncAccord, ManualClock
from accord.domain.domains.schema import parse_schema_document
from accord.errors import InvalidInputError

HR = (Path(__file__).parents[2] / "examples" / "hr_schema.yaml").read_text()


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncAccord]:
    async with AsyncAccord(AccordSettings(data_dir=tmp_path, embedder="none", run_worker=False), clock=ManualClock()) as e:
        yield e


@pytest.mark.parametrize(
    ("document", "field", "problem"),
    [
        ("name: [unclosed", "schema", "neither JSON nor YAML"),
        ("[1, 2]", "schema", "mapping"),
        ({"name": "edtech", "fields": [{"name": "xx"}]}, "schema.name", "built-in"),
        ({"name": "Bad Name", "fields": [{"name": "xx"}]}, "schema.name", "lowercase"),
        ({"name": "hr", "fields": []}, "schema.fields", "at least 1"),
        ({"name": "hr", "fields": [{"name": "xx", "routing": "boss"}]}, "schema.fields[0].routing", "'user', 'tenant' or 'update'"),
        ({"name": "hr", "fields": [{"name": "xx", "patterns": ["(unclosed"]}]}, "schema.fields[0].patterns", "not a regular expression"),
        ({"name": "hr", "fields": [{"name": "xx", "patterns": ["no group"]}]}, "schema.fields[0].patterns", "(?P<value>"),
        ({"name": "hr", "fields": [{"name": "xx", "type": "enum"}]}, "schema.fields[0]", "needs 'values'"),
        ({"name": "hr", "fields": [{"name": "xx"}, {"name": "xx"}]}, "schema", "repeated: xx"),
        ({"name": "hr", "fields": [{"name": "xx"}], "context_template": "{y}"}, "schema", "unknown fields: y"),
        ({"name": "hr", "fields": [{"name": "xx", "colour": "red"}]}, "schema.fields[0].colour", "Extra inputs"),
    ],
)
def test_bad_documents_are_refused_naming_the_part(document: object, field: str, problem: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        parse_schema_document(document)
    assert info.value.field == field and problem in info.value.problem


class Loyalty(BaseModel):
    model_config = {"json_schema_extra": {"name": "loyalty", "context_template": "Tier: {tier}."}}

    tier: Literal["bronze", "silver", "gold"] = Field(
        json_schema_extra={"category": "fact", "routing": "update", "patterns": [r"\bI'm (?:a )?(?P<value>bronze|silver|gold) member\b"]}
    )
    stores: list[str] = Field(default=[], json_schema_extra={"category": "preference", "routing": "update"})


def test_a_pydantic_model_is_a_schema() -> None:
    schema = parse_schema_document(Loyalty)
    tier, stores = schema.fields
    assert (schema.name, tier.type, tier.values, tier.routing) == ("loyalty", "enum", ["bronze", "silver", "gold"], "update")
    assert stores.many and stores.category == "preference"


async def test_the_hr_example_is_versioned_and_applied_like_a_builtin(engine: AsyncAccord) -> None:
    v1 = await engine.register_domain_schema(HR)
    v2 = await engine.register_domain_schema(HR.replace("An HR helpdesk", "The HR helpdesk"))
    assert (v1.version, v2.version) == (1, 2)
    assert [(s.name, s.version) for s in await engine.list_domain_schemas() if not s.builtin] == [("hr", 1), ("hr", 2)]
    assert (await engine.set_domain_schema("hr@1")).version == 1
    assert (await engine.set_domain_schema("hr")).version == 2
    with pytest.raises(InvalidInputError, match="domain_schema"):
        await engine.set_domain_schema("hr@7")

    await engine.add(
        "I work in the Finance department and my manager is Dana Reyes. I have 12 days of leave left. "
        "I submitted a parental leave request.",
        user_id="emp",
        wait=True,
    )
    await engine.add("Our company policy is that leave must be booked two weeks ahead.", user_id="emp", wait=True)
    profile = await engine.get_domain_profile("emp")
    assert profile.fields == {
        "department": "Finance",
        "manager": "Dana Reyes",
        "leave_balance": "12",
        "request": {"parental leave": "submitted"},
        "leave_policy": "leave must be booked two weeks ahead",
    }
    ctx = await engine.get("how much leave do I have?", user_id="emp")
    assert ctx.system_prompt_addition.startswith(
        "Domain profile: Department: Finance. Manager: Dana Reyes. Leave balance: 12 days. Open requests: parental leave: submitted."
    )
    await engine.add("My parental leave request was approved.", user_id="emp", wait=True)
    assert (await engine.get_domain_profile("emp")).fields["request"] == {"parental leave": "approved"}


async def test_domains_give_the_same_answers_on_sqlite_and_postgresql(sql_url: str, tmp_path: Path) -> None:
    settings = AccordSettings(database_url=sql_url, data_dir=tmp_path / "data", embedder="none", run_worker=False)
    async with AsyncAccord(settings, clock=ManualClock()) as engine:
        assert (await engine.register_domain_schema(HR)).version == 1
        await engine.set_domain_schema("hr")
        await engine.add("I work in the Sales department. I have 3 days of leave left.", user_id="e", wait=True)
        await engine.add("I have 2 days of leave left now.", user_id="e", wait=True)
        assert (await engine.get_domain_profile("e")).fields["leave_balance"] == "2"
        await engine.set_domain_schema("support")
        await engine.add("My order never arrived.", user_id="e", wait=True)
        await engine.add("My order never arrived, still waiting!", user_id="e", wait=True)
        issue = (await engine.get_support_profile("e")).open_issues[0]
        assert (issue.type, issue.contacts, [h.status for h in issue.history]) == ("shipping", 2, ["opened", "updated"])
        assert (await engine.export_user("e")).domain
        await engine.forget_user("e")
        assert (await engine.export_user("e")).domain == [] and (await engine.get_support_profile("e")).open_issues == []
