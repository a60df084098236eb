"""``accord domain``: a tenant's domain schema from the command line.

    accord domain show                       # the tenant's schema (general, edtech, support, custom)
    accord domain set support                # or edtech, general, hr, hr@2
    accord domain register examples/hr_schema.yaml --use
    accord domain schemas                    # built-in and custom, every version
    accord domain profile alice              # the user's domain profile

``--tenant`` acts in another tenant (the local operator); the default tenant otherwise.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from accord.engine.engine import AsyncAccord
from accord.errors import InvalidInputError
from accord.settings import AccordSettings

__all__ = ["add_domain_parser"]


def _dump(value: Any) -> None:
    if isinstance(value, list):
        value = [v.model_dump(mode="json") for v in value]
    else:
        value = value.model_dump(mode="json")
    print(json.dumps(value, indent=2, ensure_ascii=False))


async def _run(args: argparse.Namespace, settings: Callable[[argparse.Namespace], AccordSettings]) -> int:
    async with AsyncAccord(settings(args)) as engine:
        memory = engine.for_tenant(args.tenant) if args.tenant else engine
        match args.domain_command:
            case "show":
                _dump(await memory.get_domain_schema())
            case "set":
                _dump(await memory.set_domain_schema(args.name))
            case "register":
                try:
                    text = Path(args.file).read_text(encoding="utf-8")
                except OSError as e:
                    raise InvalidInputError("file", f"cannot be read: {e.strerror}") from e
                info = await memory.register_domain_schema(text)
                if args.use:
                    await memory.set_domain_schema(f"{info.name}@{info.version}")
                _dump(info)
            case "schemas":
                _dump(await memory.list_domain_schemas())
            case "profile":
                _dump(await memory.get_domain_profile(args.user))
    return 0


def add_domain_parser(sub: Any, settings: Callable[[argparse.Namespace], AccordSettings]) -> None:
    p = sub.add_parser("domain", help="the tenant's domain schema: show, set, register, schemas, profile")
    p.add_argument("--tenant", help="act in this tenant (default: the default tenant)")
    dsub = p.add_subparsers(dest="domain_command", required=True)
    dsub.add_parser("show", help="the tenant's domain schema")
    s = dsub.add_parser("set", help="set it: general, edtech, support, NAME or NAME@VERSION")
    s.add_argument("name")
    r = dsub.add_parser("register", help="register a custom schema from a YAML or JSON file")
    r.add_argument("file")
    r.add_argument("--use", action="store_true", help="and make it the tenant's schema")
    dsub.add_parser("schemas", help="built-in and custom schemas, every version")
    pr = dsub.add_parser("profile", help="a user's domain profile")
    pr.add_argument("user")

    async def run(args: argparse.Namespace) -> int:
        return await _run(args, settings)

    p.set_defaults(func=run)
