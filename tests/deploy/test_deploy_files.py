"""The deployment files under deploy/ cannot run here (no Docker daemon, no cluster), so they are
checked statically: against the Compose specification and the Kubernetes schemas, and against
Accord itself (every ``ACCORD_*`` variable is a real setting, every command parses, every
Accord process is probed on the endpoints it serves)."""

from __future__ import annotations

import json
import shlex
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from accord.cli.main import build_parser
from accord.server.settings import ServerSettings
from accord.settings import AccordSettings
from accord_mcp.cli import parse_args as mcp_parse_args
from accord_mcp.settings import McpSettings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"
K8S = sorted((DEPLOY / "kubernetes").glob("*.yaml"))
K8S_VERSION = "1.32.0"
ACCORD_SERVICES = {"migrate", "api", "mcp", "worker"}


def _known_variables() -> set[str]:
    names: set[str] = set()
    for cls in (AccordSettings, ServerSettings, McpSettings):
        prefix = cls.model_config.get("env_prefix", "")
        for name, field in cls.model_fields.items():
            names.add(f"{prefix}{name}".upper())
            choices = getattr(field.validation_alias, "choices", None) or []
            names.update(str(c).upper() for c in choices)
    # The LLM settings are read from ACCORD_LLM_<FIELD> (accord.settings._Environment).
    from accord.adapters.llm.settings import LLMSettings

    names.update(f"ACCORD_LLM_{n}".upper() for n in LLMSettings.model_fields)
    return names


KNOWN = _known_variables()


def _parses(command: list[str]) -> None:
    """The command line is one Accord accepts (argparse exits on an unknown flag)."""
    if command[0] == "accord":
        build_parser().parse_args(command[1:])
    elif command[0] == "accord-mcp":
        mcp_parse_args(command[1:])
    else:
        raise AssertionError(f"not an Accord command: {command}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def _compose_validator() -> jsonschema.protocols.Validator:
    # The Compose specification's JSON schema, as check-jsonschema ships it (draft 2020-12).
    schema_file = resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    schema = json.loads(schema_file.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_compose_follows_the_compose_specification(compose: dict[str, Any]) -> None:
    _compose_validator().validate(compose)
    assert {"postgres", "redis", "qdrant", *ACCORD_SERVICES} <= set(compose["services"])


def test_the_compose_check_catches_a_misspelt_key(compose: dict[str, Any]) -> None:
    broken = {**compose, "services": {**compose["services"], "api": {**compose["services"]["api"], "helthcheck": {}}}}
    with pytest.raises(jsonschema.ValidationError, match="'helthcheck' was unexpected"):
        _compose_validator().validate(broken)


def test_compose_runs_real_commands_with_real_settings(compose: dict[str, Any]) -> None:
    for name in ACCORD_SERVICES:
        service = compose["services"][name]
        _parses(service["command"])
        for variable in service["environment"]:
            if variable.startswith("ACCORD_"):
                assert variable in KNOWN, f"{name}: {variable} is no Accord setting"
        if name != "migrate":
            # Nothing starts before the schema is migrated; the probe is the process's /ready.
            assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
            probe = " ".join(service["healthcheck"]["test"])
            port = "9100" if name == "worker" else service["ports"][0].split(":")[1]
            assert f"http://127.0.0.1:{port}/ready" in probe
    assert compose["services"]["api"]["environment"]["ACCORD_RUN_WORKER"] == "false"
    assert compose["services"]["worker"]["deploy"]["replicas"] >= 2


def _k8s_documents() -> list[tuple[str, dict[str, Any]]]:
    docs = []
    for path in K8S:
        docs += [(path.name, doc) for doc in yaml.safe_load_all(path.read_text()) if doc]
    return docs


@pytest.mark.parametrize(("name", "doc"), _k8s_documents(), ids=lambda v: v if isinstance(v, str) else v["kind"])
def test_kubernetes_manifests_follow_the_schemas(name: str, doc: dict[str, Any]) -> None:
    kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def _containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return doc["spec"]["template"]["spec"]["containers"] if doc["kind"] in ("Deployment", "Job") else []


def test_kubernetes_runs_real_commands_probed_where_they_listen() -> None:
    docs = _k8s_documents()
    config = next(d for _, d in docs if d["kind"] == "ConfigMap")["data"]
    secret = next(d for _, d in docs if d["kind"] == "Secret")["stringData"]
    for variable in (*config, *secret):
        assert variable in KNOWN, f"{variable} is no Accord setting"
    deployments = {d["metadata"]["name"]: d for _, d in docs if d["kind"] == "Deployment"}
    assert set(deployments) == {"accord-api", "accord-mcp", "accord-worker"}
    for name, doc in deployments.items():
        (container,) = _containers(doc)
        _parses(container["command"])
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        ready, live = container["readinessProbe"]["httpGet"], container["livenessProbe"]["httpGet"]
        assert (ready["path"], live["path"]) == ("/ready", "/health"), name
        assert ready["port"] in ports and live["port"] in ports
        listen = str(ports[ready["port"]])
        assert f"--port {listen}" in shlex.join(container["command"]) or f"--probe-port {listen}" in shlex.join(
            container["command"]
        ), f"{name}: probes on {listen}, but the process listens elsewhere"
        annotations = doc["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/port"] == listen and annotations["prometheus.io/path"] == "/metrics"
        selector = doc["spec"]["selector"]["matchLabels"]
        assert selector.items() <= doc["spec"]["template"]["metadata"]["labels"].items()
    services = {d["metadata"]["name"]: d for _, d in docs if d["kind"] == "Service"}
    for name, service in services.items():
        labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        assert service["spec"]["selector"].items() <= labels.items(), f"{name}: the Service selects no pod"
    job = next(d for _, d in docs if d["kind"] == "Job")
    assert _containers(job)[0]["command"] == ["accord", "migrate"]
