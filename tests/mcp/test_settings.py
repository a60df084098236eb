"""Settings: explicit env names, safe combinations, flags over the environment, error messages."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from accord import DataDirLockedError, InvalidInputError, NotFoundError, PermissionDeniedError, StorageError
from accord_mcp import McpSettings, SettingsError
from accord_mcp.cli import parse_args, settings_from
from accord_mcp.errors import message_for, resource_errors, tool_errors
from accord_mcp.http import transport_security
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError


def test_defaults_are_stdio_embedded_and_authenticated_http() -> None:
    s = McpSettings()
    assert (s.transport, s.mode, s.host, s.port, s.path) == ("stdio", "embedded", "127.0.0.1", 8766, "/mcp")
    assert s.require_auth and s.key() is None and s.user_id is None and not s.http_auth
    assert McpSettings(transport="streamable-http").http_auth


def test_environment_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORD_MCP_TRANSPORT", "streamable-http")
    monkeypatch.setenv("ACCORD_MCP_PORT", "9001")
    monkeypatch.setenv("ACCORD_MCP_MODE", "remote")
    monkeypatch.setenv("ACCORD_MCP_REMOTE_URL", "http://127.0.0.1:8765")
    monkeypatch.setenv("ACCORD_MCP_USER_ID", "alice")
    monkeypatch.setenv("ACCORD_MCP_ALLOWED_HOSTS", "memory.internal, mcp.example")
    monkeypatch.setenv("ACCORD_MCP_ALLOWED_ORIGINS", "https://app.example")
    monkeypatch.setenv("ACCORD_API_KEY", "acc_from_the_generic_name")
    monkeypatch.setenv("API_KEY", "never-read")
    s = McpSettings()
    assert (s.transport, s.port, s.mode, s.remote_url, s.user_id) == (
        "streamable-http", 9001, "remote", "http://127.0.0.1:8765", "alice"
    )
    assert s.allowed_hosts == ["memory.internal", "mcp.example"] and s.allowed_origins == ["https://app.example"]
    assert s.key() == "acc_from_the_generic_name" and "acc_from" not in repr(s)
    monkeypatch.setenv("ACCORD_MCP_API_KEY", "acc_the_specific_name")
    assert McpSettings().key() == "acc_the_specific_name"
    monkeypatch.setenv("ACCORD_MCP_API_KEY", "  ")
    monkeypatch.delenv("ACCORD_API_KEY")
    assert McpSettings().key() is None


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"mode": "remote"}, "ACCORD_MCP_REMOTE_URL"),
        ({"mode": "remote", "remote_url": "ftp://x"}, "ACCORD_MCP_REMOTE_URL"),
        ({"mode": "remote", "remote_url": "http://127.0.0.1:8765"}, "ACCORD_API_KEY"),
        ({"transport": "streamable-http", "host": "0.0.0.0", "require_auth": False}, "without authentication"),
        ({"user_id": "not a user"}, "ACCORD_MCP_USER_ID"),
        ({"allowed_hosts": ["*"]}, "DNS-rebinding"),
    ],
)
def test_unsafe_or_incomplete_settings_are_refused(settings: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        McpSettings(**settings).check()  # type: ignore[arg-type]


def test_safe_combinations_pass() -> None:
    McpSettings(transport="streamable-http", host="0.0.0.0").check()  # bearer keys required
    McpSettings(transport="streamable-http", host="::1", require_auth=False).check()
    McpSettings(mode="remote", remote_url="http://10.0.0.2:8765", transport="streamable-http").check()
    McpSettings(mode="remote", remote_url="https://memory.example", api_key="acc_x").check()


def test_flags_override_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORD_MCP_ALLOWED_HOSTS", "a.example")
    monkeypatch.setenv("ACCORD_API_KEY", "acc_secret")
    args = parse_args(
        ["--transport", "streamable-http", "--port", "9100", "--allowed-host", "b.example", "--user-id", "bob",
         "--remote-url", "http://127.0.0.1:8765", "--no-auth", "--stateless"]
    )
    s = settings_from(args)
    assert (s.transport, s.port, s.user_id, s.mode, s.remote_url) == ("streamable-http", 9100, "bob", "remote", "http://127.0.0.1:8765")
    assert s.allowed_hosts == ["a.example", "b.example"] and not s.require_auth and s.stateless_http
    assert s.key() == "acc_secret"


def test_transport_security_lists_loopback_and_configured_names() -> None:
    sec = transport_security(McpSettings(port=9000, allowed_hosts=["memory.internal"], allowed_origins=["https://app.example/"]))
    assert sec.enable_dns_rebinding_protection
    assert {"127.0.0.1:*", "localhost:*", "[::1]:*", "memory.internal", "memory.internal:*"} <= set(sec.allowed_hosts)
    assert "https://app.example" in sec.allowed_origins and "http://localhost:*" in sec.allowed_origins
    assert not any("*" == h for h in sec.allowed_hosts)


def test_engine_errors_become_readable_messages() -> None:
    assert message_for(InvalidInputError("limit", "must be between 1 and 100")) == "invalid input: limit: must be between 1 and 100"
    assert message_for(PermissionDeniedError("agent 'a' may not write")) == "permission denied: agent 'a' may not write"
    assert message_for(NotFoundError("no memory x")) == "not found: no memory x"
    assert message_for(DataDirLockedError("owned by pid 1")) == "data dir locked: owned by pid 1"
    with pytest.raises(ToolError, match="^storage error: disk full$") as raised, tool_errors():
        raise StorageError("disk full")
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    with pytest.raises(ResourceNotFoundError, match="invalid input: user_id"), resource_errors():
        raise InvalidInputError("user_id", "must be 1-128 characters")
    with pytest.raises(ResourceError, match="permission denied"), resource_errors():
        raise PermissionDeniedError("nope")
    with pytest.raises(KeyError), tool_errors():  # a bug is not dressed up as a tool error
        raise KeyError("x")


def test_sigterm_closes_the_stdio_server_cleanly(tmp_path: Path) -> None:
    env = {**os.environ, "ACCORD_DATA_DIR": str(tmp_path / "data"), "ACCORD_EMBEDDER": "none"}
    env = {k: v for k, v in env.items() if not k.startswith("ACCORD_MCP_") and k != "ACCORD_API_KEY"}
    process = subprocess.Popen(
        [sys.executable, "-m", "accord_mcp"], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write('{"jsonrpc":"2.0","id":1,"method":"ping"}\n')  # answered once the server is up
        process.stdin.flush()
        assert '"id":1' in process.stdout.readline().replace(" ", "")
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0 and "accord-mcp: stopped; the engine is closed" in stderr


def test_round_trip_and_metadata_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    monkeypatch.setenv("ACCORD_MCP_REQUEST_STATE_KEY", "s" * 32)
    monkeypatch.setenv("ACCORD_MCP_AUTHORIZATION_SERVER", "")  # an empty variable counts as unset
    s = McpSettings(transport="streamable-http")
    assert s.request_state_key is not None and "sss" not in repr(s)
    assert s.issuer() == "http://127.0.0.1:8766"
    assert McpSettings(remote_url="http://10.0.0.5:8765/").issuer() == "http://10.0.0.5:8765"
    assert McpSettings(authorization_server="https://auth.example/").issuer() == "https://auth.example"
    for bad, field in (({"request_state_key": "too short"}, "request_state_key"), ({"authorization_server": "ftp://x"}, "authorization_server")):
        with pytest.raises(ValidationError, match=field):
            McpSettings(**bad)
