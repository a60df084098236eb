"""Isolation that cannot be bypassed: a Hypothesis state machine over two tenants and agents
with different grants. After every step it checks that no call returned, changed or deleted
data outside the caller's grant, in SQL and in the raw index payloads. Tenant t1 runs the Support
domain schema and t2 the EdTech one: domain profiles and domain states obey the same grants.

20 examples x 100 steps = 2,000 steps.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import text

from accord import Accord, AccordSettings, NotFoundError, PermissionDeniedError
from accord.errors import ConflictError
from accord.domain.access import ALL_CATEGORIES

TENANTS = ["t1", "t2"]
USERS = ["u1", "u2", "shared-name"]
# name -> (access, categories); "nobody" has no grant at all.
GRANTS: dict[str, tuple[str, list[str] | None] | None] = {
    "writer": ("read_write", None),
    "facts": ("read_write", ["fact", "episodic"]),
    "prefs_reader": ("read_only", ["preference"]),
    "nobody": None,
}
AGENTS = list(GRANTS)
TURNS = [
    "I love sushi",
    "I love hiking in the Alps",
    "I work at Acme",
    "I work at Globex",
    "I live in Lisbon",
    "My goal is to learn Rust this year",
    "I prefer Python examples",
    "I'm vegetarian",
    "we talked about the weather",
    "My payment failed and I'm on the Growth plan",
    "Thanks, the charge went through, it's resolved",
    "I struggle with fractions and my SAT is on 15 March",
    "I finally get fractions now",
    "My wife Anna works at Acme",
    "My sister Lena lives in Porto. She is a nurse.",
]
DOMAINS = {"t1": "support", "t2": "edtech"}
QUERIES = ["sushi", "where do I work", "Lisbon", "goal Rust", "python examples", "vegetarian food", "weather"]
SPOOFED_METADATA = [
    None,
    {"tenant_id": "t2", "user_id": "u1"},
    {"tenant_id": "t1", "agent_id": "agt_admin", "scope": "tenant"},
    {"user_id": "_tenant"},
]

Row = tuple[str, str, str, str, str]  # tenant, user, category, content, status
STEPS: dict[str, int] = {"steps": 0}


def counted(fn: Any) -> Any:
    @functools.wraps(fn)
    def step(*args: Any, **kwargs: Any) -> Any:
        STEPS["steps"] += 1
        return fn(*args, **kwargs)

    return step


class PassportIsolation(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="accord-iso-"))
        self.acc = Accord(
            AccordSettings(
                data_dir=self.tmp,
                embedder="none",
                run_worker=False,
                rate_limit_per_minute=1e9,
                rate_limit_burst=10**6,
                dedup_window_seconds=0,
            )
        )
        self.run = self.acc._loop.run  # noqa: SLF001 - drive async views from a sync state machine
        owner = self.acc.aio
        self.views: dict[tuple[str, str], Any] = {}
        self.agent_ids: dict[tuple[str, str], str] = {}
        self.user_views: dict[tuple[str, str], Any] = {}
        self.revoked: set[tuple[str, str, str]] = set()
        for tenant in TENANTS:
            self.run(owner.create_tenant(tenant))
            admin = self.run(owner.for_tenant(tenant).create_agent("admin", role="admin"))[1]
            admin_view = self.run(owner.for_key(admin.key))
            self.run(admin_view.set_domain_schema(DOMAINS[tenant]))
            for name, grant in GRANTS.items():
                agent, key = self.run(admin_view.create_agent(name))
                if grant is not None:
                    self.run(admin_view.grant(agent.id, grant[0], categories=grant[1]))
                self.views[(tenant, name)] = self.run(owner.for_key(key.key))
                self.agent_ids[(tenant, name)] = agent.id
            for user in USERS:
                token = self.run(admin_view.issue_user_token(user))
                self.user_views[(tenant, user)] = self.run(owner.for_key(token.key))

    def teardown(self) -> None:
        self.acc.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- the model of who may do what ----------------------------------------------------

    def readable(self, tenant: str, agent: str, user: str) -> frozenset[str]:
        grant = GRANTS[agent]
        if grant is None or (tenant, user, agent) in self.revoked:
            return frozenset()
        return ALL_CATEGORIES if grant[1] is None else frozenset(grant[1])

    def writable(self, tenant: str, agent: str, user: str) -> frozenset[str]:
        grant = GRANTS[agent]
        return self.readable(tenant, agent, user) if grant is not None and grant[0] == "read_write" else frozenset()

    def shared_readable(self, tenant: str, agent: str) -> frozenset[str]:
        grant = GRANTS[agent]
        return frozenset() if grant is None else (ALL_CATEGORIES if grant[1] is None else frozenset(grant[1]))

    # -- the truth, read around the engine --------------------------------------------------

    def sql_rows(self) -> dict[str, Row]:
        rows = self.run(
            self.acc.aio.parts.store._sql.read(  # noqa: SLF001
                lambda c: c.execute(text("SELECT id, tenant_id, user_id, category, content, status, agent_id FROM memories")).all()
            )
        )
        self.writers = {r.id: r.agent_id for r in rows}
        return {r.id: (r.tenant_id, r.user_id, r.category, r.content, r.status) for r in rows}

    def domain_rows(self) -> dict[tuple[str, str, str], str]:
        rows = self.run(
            self.acc.aio.parts.store._sql.read(  # noqa: SLF001
                lambda c: c.execute(text("SELECT tenant_id, user_id, schema_name, state FROM domain_states")).all()
            )
        )
        return {(r.tenant_id, r.user_id, r.schema_name): str(r.state) for r in rows}

    def check_returned(self, tenant: str, agent: str, user: str, memories: list[Any]) -> None:
        rows = self.sql_rows()
        for m in memories:
            row_tenant, row_user, category, _, _ = rows[m.id]
            assert row_tenant == tenant, f"{agent}@{tenant} got a memory of tenant {row_tenant}"
            if row_user == "_tenant":
                assert category in self.shared_readable(tenant, agent)
            else:
                assert row_user == user, f"{agent} asked for {user} and got {row_user}'s memory"
                assert category in self.readable(tenant, agent, user), f"{agent} read {category} of {user}"

    def check_changes(self, before: dict[str, Row], allowed: set[tuple[str, str]], categories: frozenset[str]) -> None:
        after = self.sql_rows()
        assert set(before) <= set(after), "a memory disappeared"
        for memory_id, row in after.items():
            if before.get(memory_id) == row:
                continue
            assert (row[0], row[1]) in allowed, f"a memory of {row[0]}/{row[1]} changed"
            if memory_id not in before:
                assert row[2] in categories, f"a {row[2]} memory was written outside the grant"

    # -- rules ----------------------------------------------------------------------------------

    @rule(tenant=st.sampled_from(TENANTS), agent=st.sampled_from(AGENTS), user=st.sampled_from(USERS),
          turn=st.sampled_from(TURNS), metadata=st.sampled_from(SPOOFED_METADATA))
    @counted
    def add(self, tenant: str, agent: str, user: str, turn: str, metadata: dict[str, str] | None) -> None:
        before = self.sql_rows()
        domain_before = self.domain_rows()
        view = self.views[(tenant, agent)]
        may_write = self.writable(tenant, agent, user)
        try:
            self.run(view.add(turn, user_id=user, metadata=metadata, wait=True))
        except PermissionDeniedError:
            assert not may_write, f"{agent} was refused a write it is granted"
            assert self.sql_rows() == before
            return
        assert may_write, f"{agent} wrote to {user} without a grant"
        self.check_changes(before, {(tenant, user), (tenant, "_tenant")}, may_write)
        domain_after = self.domain_rows()
        changed = {k for k in set(domain_before) | set(domain_after) if domain_before.get(k) != domain_after.get(k)}
        assert changed <= {(tenant, user, DOMAINS[tenant])}, f"a domain state outside the write changed: {changed}"
        for memory_id in set(self.sql_rows()) - set(before):
            assert self.writers[memory_id] == self.agent_ids[(tenant, agent)], "a memory names the wrong writer"

    @rule(tenant=st.sampled_from(TENANTS), agent=st.sampled_from(AGENTS), user=st.sampled_from(USERS),
          query=st.sampled_from(QUERIES), spoof=st.booleans())
    @counted
    def get(self, tenant: str, agent: str, user: str, query: str, spoof: bool) -> None:
        before = {k: v for k, v in self.sql_rows().items()}
        view = self.views[(tenant, agent)]
        other_agents = [self.agent_ids[(t, a)] for t in TENANTS for a in AGENTS if t != tenant][:3] if spoof else None
        ctx = self.run(view.get(query, user_id=user, limit=20, agent_ids=other_agents))
        self.check_returned(tenant, agent, user, ctx.memories)
        if spoof:
            assert ctx.memories == []  # another tenant's agents wrote nothing here
        assert self.sql_rows() == before

    @rule(tenant=st.sampled_from(TENANTS), agent=st.sampled_from(AGENTS), user=st.sampled_from(USERS))
    @counted
    def domain_profile(self, tenant: str, agent: str, user: str) -> None:
        before = self.sql_rows()
        readable = self.readable(tenant, agent, user)
        try:
            profile = self.run(self.views[(tenant, agent)].get_domain_profile(user))
        except PermissionDeniedError:
            assert not readable, f"{agent}@{tenant} was refused a profile it may read"
            return
        assert readable, f"{agent}@{tenant} read the profile of {user} without a grant"
        # Every memory the profile stands on is this tenant's, this user's (or shared) and readable.
        data = profile.model_dump()
        ids = [i["memory_id"] for key in ("open_issues", "resolved_issues", "exams", "weak_topics", "strong_topics")
               for i in data.get(key, [])]
        for memory_id in ids:
            row_tenant, row_user, category, _, _ = before[memory_id]
            assert row_tenant == tenant and row_user in (user, "_tenant"), f"{agent}@{tenant} profile of {user} used {row_tenant}/{row_user}"
            assert category in readable, f"{agent}@{tenant} profile shows a {category} memory"
        if "fact" not in readable:
            assert data.get("plan") is None and data.get("open_issues", []) == [] and data.get("grade_level") is None
        assert self.sql_rows() == before

    @rule(tenant=st.sampled_from(TENANTS), agent=st.sampled_from(AGENTS), user=st.sampled_from(USERS))
    @counted
    def list_memories(self, tenant: str, agent: str, user: str) -> None:
        listed = self.run(self.views[(tenant, agent)].list_memories(user, include_archived=True))
        self.check_returned(tenant, agent, user, listed)
        # Not only no leak: exactly the user's memories in the categories the agent may read.
        readable = self.readable(tenant, agent, user)
        expected = {
            memory_id for memory_id, (t, u, category, _, _) in self.sql_rows().items()
            if t == tenant and u == user and category in readable
        }
        assert {m.id for m in listed} == expected, f"{agent}@{tenant} listing {user}"

    @rule(tenant=st.sampled_from(TENANTS), agent=st.sampled_from(AGENTS), pick=st.integers(0, 10**6))
    @counted
    def get_memory_by_id(self, tenant: str, agent: str, pick: int) -> None:
        rows = self.sql_rows()
        if not rows:
            return
        memory_id = sorted(rows)[pick % len(rows)]
        row_tenant, row_user, category, _, _ = rows[memory_id]
        visible = row_tenant == tenant and (
            category in (self.shared_readable(tenant, agent) if row_user == "_tenant" else self.readable(tenant, agent, row_user))
        )
        try:
            got = self.run(self.views[(tenant, agent)].get_memory(memory_id))
        except NotFoundError:
            assert not visible, f"{agent}@{tenant} could not see a memory it may read"
            return
        assert visible, f"{agent}@{tenant} saw a memory of {row_tenant}/{row_user} ({category})"
        assert got.id == memory_id

    @rule(tenant=st.sampled_from(TENANTS), agent=st.sampled_from(AGENTS), pick=st.integers(0, 10**6),
          action=st.sampled_from(["delete", "update", "archive"]))
    @counted
    def mutate_by_id(self, tenant: str, agent: str, pick: int, action: str) -> None:
        before = self.sql_rows()
        if not before:
            return
        memory_id = sorted(before)[pick % len(before)]
        row_tenant, row_user, category, _, _ = before[memory_id]
        view = self.views[(tenant, agent)]
        call = {
            "delete": lambda: view.delete_memory(memory_id),
            "update": lambda: view.update_memory(memory_id, content=f"edited by {agent} of {tenant}"),
            "archive": lambda: view.archive_memory(memory_id),
        }[action]
        allowed = row_tenant == tenant and category in (
            self.writable(tenant, agent, row_user) if row_user != "_tenant" else frozenset()
        )
        try:
            self.run(call())
        except (NotFoundError, PermissionDeniedError):
            assert not allowed, f"{agent}@{tenant} was refused a {action} it is granted"
            assert self.sql_rows() == before, f"a refused {action} changed data"
            return
        except ConflictError:  # the edit would duplicate another memory: refused, nothing changed
            assert action == "update" and self.sql_rows() == before
            return
        assert allowed, f"{agent}@{tenant} could {action} a memory of {row_tenant}/{row_user} ({category})"
        after = self.sql_rows()
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        assert changed <= {memory_id}, f"{action} touched other memories: {changed - {memory_id}}"
        # The allowed operation took effect.
        if action == "delete":
            assert memory_id not in after, "an allowed delete left the memory"
        elif action == "archive":
            assert after[memory_id][4] == "archived", "an allowed archive left the memory active"
        else:
            assert after[memory_id][3] == f"edited by {agent} of {tenant}", "an allowed update did not change the content"

    @rule(tenant=st.sampled_from(TENANTS), user=st.sampled_from(USERS), agent=st.sampled_from(AGENTS), granted=st.booleans())
    @counted
    def consent(self, tenant: str, user: str, agent: str, granted: bool) -> None:
        self.run(self.user_views[(tenant, user)].set_consent(self.agent_ids[(tenant, agent)], granted))
        if granted:
            self.revoked.discard((tenant, user, agent))
        else:
            self.revoked.add((tenant, user, agent))

    def graph_rows(self) -> dict[str, tuple[str, str]]:
        rows = self.run(
            self.acc.aio.parts.store._sql.read(  # noqa: SLF001
                lambda c: c.execute(text("SELECT id, tenant_id, user_id FROM graph_entities WHERE kind <> 'user'")).all()
            )
        )
        return {r.id: (r.tenant_id, r.user_id) for r in rows}

    @rule(tenant=st.sampled_from(TENANTS), agent=st.sampled_from(AGENTS), user=st.sampled_from(USERS))
    @counted
    def entities(self, tenant: str, agent: str, user: str) -> None:
        listed = self.run(self.views[(tenant, agent)].entities(user, limit=1000))
        expected = (
            {i for i, owner in self.graph_rows().items() if owner == (tenant, user)}
            if "relationship" in self.readable(tenant, agent, user) else set()
        )  # fmt: skip
        assert {e.id for e in listed} == expected, f"{agent}@{tenant} listing the entities of {user}"

    @rule(tenant=st.sampled_from(TENANTS), agent=st.sampled_from(AGENTS), pick=st.integers(0, 10**6))
    @counted
    def entity_by_id(self, tenant: str, agent: str, pick: int) -> None:
        rows = self.graph_rows()
        if not rows:
            return
        entity_id = sorted(rows)[pick % len(rows)]
        row_tenant, row_user = rows[entity_id]
        visible = row_tenant == tenant and "relationship" in self.readable(tenant, agent, row_user)
        try:
            detail = self.run(self.views[(tenant, agent)].entity(entity_id))
            related = self.run(self.views[(tenant, agent)].related(entity_id, depth=2))
        except NotFoundError:
            assert not visible, f"{agent}@{tenant} could not see an entity it may read"
            return
        assert visible, f"{agent}@{tenant} saw an entity of {row_tenant}/{row_user}"
        self.check_returned(tenant, agent, row_user, detail.memories)
        for e in [*detail.neighbours, *(r.entity for r in related)]:
            assert e.kind == "user" or rows[e.id] == (tenant, row_user), "a walk left the user's graph"

    # -- after every step ---------------------------------------------------------------------

    @invariant()
    def graph_links_stay_in_their_user(self) -> None:
        links = self.run(
            self.acc.aio.parts.store._sql.read(  # noqa: SLF001
                lambda c: c.execute(text(
                    "SELECT g.tenant_id, g.user_id, m.tenant_id AS mt, m.user_id AS mu FROM graph_mentions g "
                    "LEFT JOIN memories m ON m.id = g.memory_id"
                )).all()
            )
        )  # fmt: skip
        for link in links:
            assert (link.mt, link.mu) == (link.tenant_id, link.user_id), "an entity links a memory of another user, or a deleted one"

    @invariant()
    def index_payloads_match_sql(self) -> None:
        rows = self.sql_rows()
        payloads = self.run(self.acc.aio.parts.index.dump_payloads())
        for memory_id, payload in payloads.items():
            assert memory_id in rows, "the index holds a point that SQL does not"
            tenant, user, category, _, status = rows[memory_id]
            assert (payload["tenant_id"], payload["user_id"], payload["category"]) == (tenant, user, category)
            assert payload["status"] == status


def test_no_call_ever_crosses_a_grant_over_2000_steps() -> None:
    STEPS["steps"] = 0
    run_state_machine_as_test(
        PassportIsolation,
        settings=settings(
            max_examples=25,
            stateful_step_count=100,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    assert STEPS["steps"] >= 2000, STEPS
