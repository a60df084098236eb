"""``accord export`` and ``accord import``: JSONL out; Accord, mem0 or LangGraph dumps in."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TextIO

from accord.cli.progress import progress
from accord.engine.engine import AsyncAccord
from accord.errors import InvalidInputError
from accord.settings import AccordSettings
from accord.transfer.formats import FORMATS, parse_dump
from accord.transfer.runner import ImportReport, all_users, export_lines, import_parsed

__all__ = ["add_transfer_parsers"]

Settings = Callable[[argparse.Namespace], AccordSettings]


async def _export(args: argparse.Namespace, settings: AccordSettings) -> int:
    if args.user and args.user_flag and args.user != args.user_flag:
        raise InvalidInputError("user", f"named twice, differently: {args.user!r} and --user {args.user_flag!r}")
    user = args.user or args.user_flag
    if bool(user) == bool(args.all):
        raise InvalidInputError("user", "name one user, or pass --all")
    out: TextIO = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    lines = 0
    try:
        async with AsyncAccord(settings) as memory:
            users = await all_users(memory) if args.all else [user]
            with progress("exporting users", total=len(users)) as bar:
                done_users: set[str] = set()
                async for line in export_lines(memory, users):
                    out.write(json.dumps(line, ensure_ascii=False) + "\n")
                    lines += 1
                    if line.get("user_id") not in done_users and line["type"] != "header":
                        done_users.add(line["user_id"])
                        bar.update(completed=len(done_users) - 1)
    finally:
        if out is not sys.stdout:
            out.close()
    where = args.output or "stdout"
    print(f"exported {len(users)} user(s), {lines} lines to {where}", file=sys.stderr)
    return 0


def _summary(report: ImportReport) -> str:
    verb = "would add" if report.dry_run else "added"
    parts = [
        f"{report.format} dump: {report.turns} turn(s) for {report.users} user(s)",
        f"{verb} {report.turns_new if report.dry_run else report.turns_added}",
        f"already present {report.turns_present}",
    ]
    if not report.dry_run:
        parts.append(f"durable memories created {report.memories_created}")
    if report.blocked:
        parts.append("blocked by the gate " + ", ".join(f"{k} {v}" for k, v in sorted(report.blocked.items())))
    lines = ["; ".join(parts)]
    for user, counts in sorted(report.per_user.items()):
        lines.append(f"  {user}: {counts['new']} new of {counts['turns']}")
    if report.derived_lines_not_copied:
        derived = ", ".join(f"{k} {v}" for k, v in sorted(report.derived_lines_not_copied.items()))
        lines.append(f"  not copied (re-derived from the turns, or identity state): {derived}")
    return "\n".join(lines)


async def _import(args: argparse.Namespace, settings: AccordSettings) -> int:
    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InvalidInputError("file", f"cannot read {path}: {e.strerror}") from e
    parsed = parse_dump(text, fmt=args.format, user_id=args.user)
    total = sum(len(item.turns) for item in parsed.items)
    async with AsyncAccord(settings) as memory:
        with progress("checking" if args.dry_run else "importing", total=total) as bar:
            report = await import_parsed(
                memory,
                parsed,
                dry_run=args.dry_run,
                max_messages=settings.max_messages_per_add,
                max_chars=settings.max_message_chars,
                on_progress=lambda done: bar.update(completed=done),
            )
    if args.json:
        print(json.dumps({**dataclasses.asdict(report), "turns_new": report.turns_new}, indent=2))
    else:
        print(_summary(report))
    return 0


def add_transfer_parsers(sub: Any, settings: Settings) -> None:
    """Register ``export`` and ``import`` on the ``accord`` parser."""

    def bind(run: Callable[[argparse.Namespace, AccordSettings], Awaitable[int]]) -> Callable[..., Awaitable[int]]:
        async def command(args: argparse.Namespace) -> int:
            return await run(args, settings(args))

        return command

    p = sub.add_parser("export", help="write a user's (or every user's) memory as Accord JSONL")
    p.add_argument("user", nargs="?", help="the user to export")
    # --user too, as every other command names the user; either spelling works.
    p.add_argument("--user", dest="user_flag", metavar="USER", help="the same as the positional USER")
    p.add_argument("--all", action="store_true", help="every user of the tenant (embedded: the default tenant)")
    p.add_argument("-o", "--output", help="write to this file (default: stdout)")
    p.set_defaults(func=bind(_export))

    p = sub.add_parser(
        "import",
        help="import Accord JSONL, mem0 memories or a LangGraph store dump (idempotent)",
        description=(
            "Each turn goes through add(): the gate, extraction, conflicts and versions apply. "
            "Turns already imported (or, for an Accord export, already in this store) are skipped."
        ),
    )
    p.add_argument("file", help="the dump to read")
    p.add_argument("--format", choices=FORMATS, help="the dump's format (default: told from its content)")
    p.add_argument("--user", help="put every memory under this user (for dumps that name none)")
    p.add_argument("--dry-run", action="store_true", help="write nothing; print what an import would do")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=bind(_import))
