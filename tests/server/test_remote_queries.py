"""The engine queries over REST through the remote client: the same answers and errors as embedded."""

from __future__ import annotations

import uuid

import pytest

pytest.importorskip("fastapi", reason="the server needs pip install 'accord[server]'")

from accord import InvalidInputError, PermissionDeniedError, connect  # noqa: E402

OPERATOR_KEY = "aco_test-operator-key-for-the-suite"  # as in conftest.py


def test_metadata_job_and_user_queries_over_http(real_server) -> None:
    tenant = f"t{uuid.uuid4().hex[:8]}"
    with connect(real_server.url, OPERATOR_KEY) as owner:
        owner.create_tenant(tenant)
        inside = owner.for_tenant(tenant)
        added = inside.add("I live in Oslo", user_id="zed", metadata={"store": {"key": "k9"}}, wait=True)
        inside.add("I like tea", user_id="amy", metadata={"store": {"key": "k8"}})
        found = inside.list_memories("zed", categories=["episodic"], metadata={"store.key": "k9"})
        assert [m.id for m in found] == added.episodic_memory_ids
        assert inside.list_memories("zed", metadata={"store.key": "k8"}) == []
        of_job = inside.list_memories("zed", job_id=added.job_id)
        assert {m.id for m in of_job} == set(added.episodic_memory_ids) | {m.id for m in added.memories_created}
        assert inside.list_users() == ["amy", "zed"]
        with pytest.raises(InvalidInputError) as caught:
            inside.list_memories("zed", metadata={"bad key": "x"})
        assert caught.value.field == "metadata"
        _, key = inside.create_agent("reader")
        with inside.for_key(key.key) as agent, pytest.raises(PermissionDeniedError):
            agent.list_users()
