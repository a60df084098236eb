"""``accord domain``: set, register, list and read a tenant's domain schema from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typing import Any

Run = Any  # the accord_cli fixture (tests/cli/conftest.py)

HR = Path(__file__).parents[2] / "examples" / "hr_schema.yaml"


def test_domain_commands(accord_cli: Run, tmp_path: Path) -> None:
    shown = accord_cli("domain", "show")
    assert shown.returncode == 0 and json.loads(shown.stdout)["domain_schema"] == "general"
    bad = accord_cli("domain", "set", "astrology")
    assert bad.returncode == 1 and "domain_schema" in bad.stderr
    assert json.loads(accord_cli("domain", "set", "support").stdout)["domain_schema"] == "support"

    registered = accord_cli("domain", "register", str(HR), "--use")
    assert registered.returncode == 0, registered.stderr
    assert json.loads(accord_cli("domain", "show").stdout) | {"updated_at": None} == {
        "tenant_id": "default", "domain_schema": "hr", "version": 1, "updated_at": None
    }
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: hr\nfields:\n  - name: dept\n    routing: boss\n")
    failed = accord_cli("domain", "register", str(broken))
    assert failed.returncode == 1 and "schema.fields[0].routing" in failed.stderr
    names = [(s["name"], s["version"]) for s in json.loads(accord_cli("domain", "schemas").stdout)]
    assert names == [("edtech", 1), ("support", 1), ("hr", 1)]

    assert accord_cli("add", "I work in the Legal department.", "--user", "emp").returncode == 0
    profile = json.loads(accord_cli("domain", "profile", "emp").stdout)
    assert profile["fields"] == {"department": "Legal", "request": {}}
