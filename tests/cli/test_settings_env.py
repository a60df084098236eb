"""An empty ``ACCORD_*`` variable counts as unset, for every setting, flat or nested."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from accord.domain.passport import IssuedToken
from accord.settings import AccordSettings


def test_empty_variables_fall_back_to_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = AccordSettings()
    names = [
        "EMBEDDER", "DATABASE_URL", "REDIS_URL", "DATA_DIR", "INDEX", "RATE_LIMIT_BURST",
        "EPISODIC_TTL_DAYS", "HALF_LIFE_DAYS", "RUN_WORKER", "LLM_ON_ALL_DOWN", "LLM_PROVIDER_ORDER",
    ]
    for name in names:
        monkeypatch.setenv(f"ACCORD_{name}", "")
    settings = AccordSettings()  # before the rule, ACCORD_RATE_LIMIT_BURST= failed to parse
    assert settings.model_dump() == defaults.model_dump()


def test_a_set_variable_still_wins_next_to_empty_ones(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ACCORD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ACCORD_EMBEDDER", "")
    monkeypatch.setenv("ACCORD_LLM_ON_ALL_DOWN", "wait")
    monkeypatch.setenv("ACCORD_LLM_PROVIDER_ORDER", "")
    settings = AccordSettings()
    assert settings.data_dir == tmp_path and settings.embedder == "auto"
    assert settings.llm.on_all_down == "wait" and settings.llm.provider_order == []


def test_empty_server_variables_are_unset_too(monkeypatch: pytest.MonkeyPatch) -> None:
    from accord.server.settings import ServerSettings

    for name in ("ADMIN_KEY", "PORT", "HOST", "REQUIRE_AUTH", "ALLOWED_HOSTS"):
        monkeypatch.setenv(f"ACCORD_SERVER_{name}", "")
    settings = ServerSettings()
    assert settings.admin_key is None and settings.port == 8765 and settings.require_auth
    settings.check()  # an empty admin key would be "too short"; an unset one is generated at start


def test_issued_token_reads_as_key_and_keeps_token_as_deprecated_alias() -> None:
    issued = IssuedToken(key="acu_x", token_id="t", user_id="alice", created_at="2026-01-01T00:00:00Z")
    assert issued.key == "acu_x"
    assert "key" in issued.model_dump() and "token" not in issued.model_dump()
    old_shape = IssuedToken.model_validate({"token": "acu_y", "token_id": "t", "user_id": "a", "created_at": "2026-01-01T00:00:00Z"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert old_shape.token == "acu_y"
    assert [w.category for w in caught] == [DeprecationWarning]
