"""The ``accord`` command line. Settings are built here, from ``ACCORD_*`` and the flags."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from accord.cli.domains import add_domain_parser
from accord.cli.models import add_models_parser
from accord.cli.progress import progress
from accord.cli.render import clarification_text, memory_table
from accord.cli.transfer import add_transfer_parsers
from accord.engine.engine import AsyncAccord
from accord.errors import AccordError
from accord.server.cli import add_serve_parser
from accord.cli.migrate import add_migrate_parser
from accord.settings import AccordSettings


def _settings(args: argparse.Namespace) -> AccordSettings:
    overrides: dict[str, Any] = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    return AccordSettings(**overrides)


def _print_json(value: Any) -> None:
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    elif isinstance(value, list):
        value = [v.model_dump(mode="json") if hasattr(v, "model_dump") else v for v in value]
    print(json.dumps(value, indent=2, ensure_ascii=False))


async def _with_engine(args: argparse.Namespace, action: Callable[[AsyncAccord], Awaitable[Any]]) -> Any:
    async with AsyncAccord(_settings(args)) as memory:
        return await action(memory)


async def cmd_add(args: argparse.Namespace) -> int:
    messages = [{"role": args.role, "content": text} for text in args.text]
    result = await _with_engine(
        args, lambda m: m.add(messages, args.user, session_id=args.session, wait=not args.no_wait)
    )
    _print_json(result)
    return 0 if result.status in ("queued", "done") else 2


async def cmd_get(args: argparse.Namespace) -> int:
    ctx = await _with_engine(
        args,
        lambda m: m.get(args.query, args.user, limit=args.limit, format=args.format, context_max_tokens=args.max_tokens),
    )
    if args.json:
        _print_json(ctx)
    else:
        print(ctx.system_prompt_addition or "(nothing remembered that matches)")
        if ctx.clarification_question is not None:
            # The agent would ask this next; in the shell, the person at the prompt is that user.
            print("\n" + clarification_text(ctx.clarification_question))
        print(f"\n[{len(ctx.memories)} memories, {ctx.context_token_count} tokens, search={ctx.mode.search}]", file=sys.stderr)
    return 0


async def cmd_list(args: argparse.Namespace) -> int:
    found = await _with_engine(args, lambda m: m.list_memories(args.user, include_archived=args.all, limit=args.limit))
    if args.json:
        _print_json(found)
    else:
        memory_table(found)
    return 0


async def cmd_forget(args: argparse.Namespace) -> int:
    _print_json(await _with_engine(args, lambda m: m.forget_user(args.user)))
    return 0


async def cmd_stats(args: argparse.Namespace) -> int:
    _print_json(await _with_engine(args, lambda m: m.stats(args.user)))
    return 0


async def cmd_reindex(args: argparse.Namespace) -> int:
    with progress("re-indexing memories") as bar:
        n = await _with_engine(args, lambda m: m.reindex(on_progress=lambda done: bar.update(completed=done)))
    print(f"re-indexed {n} memories from SQL")
    return 0


async def cmd_check(args: argparse.Namespace) -> int:
    # One pass over the store and the index: the bar pulses with the time spent (no count to show).
    with progress("checking the store and the index" + (" (repairing)" if args.repair else "")):
        report = await _with_engine(args, lambda m: m.check(repair=args.repair))
    _print_json(report)
    return 0 if report.ok else 4  # after --repair, ok means what was off is repaired


async def cmd_health(args: argparse.Namespace) -> int:
    if args.url:
        # A running server's own view: its circuit breakers and fallbacks live in its process,
        # so only it can say how they stand (a new engine here would start them all closed).
        from accord.remote import connect_async

        key = args.key or os.environ.get("ACCORD_API_KEY", "")
        async with connect_async(args.url, key) as remote:
            report = await remote.health()
    else:
        report = await _with_engine(args, lambda m: m.health())
    _print_json(report)
    return 0 if report.status == "ok" else 3


async def cmd_maintain(args: argparse.Namespace) -> int:
    _print_json(await _with_engine(args, lambda m: m.maintain()))
    return 0


async def cmd_history(args: argparse.Namespace) -> int:
    _print_json(await _with_engine(args, lambda m: m.history(args.memory_id)))
    return 0


async def cmd_conflicts(args: argparse.Namespace) -> int:
    _print_json(await _with_engine(args, lambda m: m.list_conflicts(user_id=args.user)))
    return 0


async def cmd_resolve(args: argparse.Namespace) -> int:
    _print_json(await _with_engine(args, lambda m: m.resolve(args.id, args.answer)))
    return 0


async def cmd_worker(args: argparse.Namespace) -> int:
    settings = _settings(args).model_copy(update={"run_worker": True})
    log_format = args.log_format or settings.log_format
    if log_format == "json":
        from accord.server.logs import configure_logging

        configure_logging("json")
    async with AsyncAccord(settings) as engine:
        print("accord worker running; Ctrl-C to stop", file=sys.stderr)
        if args.probe_port is None:
            await asyncio.Event().wait()
        else:
            from accord.server.probe_server import serve_probes

            await serve_probes(
                engine, args.probe_host, args.probe_port, process="worker", structured_logs=log_format == "json"
            )
    return 0


async def cmd_migrate(args: argparse.Namespace) -> int:
    from accord.cli.migrate import cmd_migrate as run

    return await run(args, _settings(args))


async def cmd_demo(args: argparse.Namespace) -> int:
    from accord.cli.demo import run_demo

    await run_demo(AccordSettings())
    return 0


async def cmd_bench(args: argparse.Namespace) -> int:
    from accord.cli.bench import run_bench

    await run_bench(sizes=args.sizes, users=args.users, embedder=args.embedder, queries=args.queries, json_out=args.json)
    return 0


async def cmd_eval(args: argparse.Namespace) -> int:
    from accord.evals.cli import main_eval

    return await asyncio.to_thread(main_eval, args.eval_args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="accord", description="Accord: memory for AI agents")
    parser.add_argument("--data-dir", help="data dir (default: $ACCORD_DATA_DIR or ~/.accord)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="play three scenarios on a fresh temporary store")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("add", help="remember what a user said")
    p.add_argument("text", nargs="+", help="one or more turns")
    p.add_argument("--user", required=True)
    p.add_argument("--session")
    p.add_argument("--role", default="user", choices=["user", "assistant", "system", "tool"])
    p.add_argument("--no-wait", action="store_true", help="return once queued, before extraction")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("get", help="the context for a query")
    p.add_argument("query")
    p.add_argument("--user", required=True)
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--format", default="bullets", choices=["bullets", "json", "xml"])
    p.add_argument("--max-tokens", type=int, default=1000, help="context budget (default 1000, as get())")
    p.add_argument("--json", action="store_true", help="print the whole result as JSON")
    p.set_defaults(func=cmd_get)

    p = sub.add_parser("list", help="a user's memories")
    p.add_argument("--user", required=True)
    p.add_argument("--all", action="store_true", help="include archived memories")
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--json", action="store_true", help="print every field as JSON (default: a table)")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("forget", help="erase every trace of a user")
    p.add_argument("--user", required=True)
    p.set_defaults(func=cmd_forget)

    p = sub.add_parser("stats", help="counts and service mode")
    p.add_argument("--user")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("reindex", help="rebuild the vector index from SQL")
    p.set_defaults(func=cmd_reindex)

    p = sub.add_parser("check", help="check the invariants across SQL and the index (exit 4 if any fails)")
    p.add_argument("--repair", action="store_true", help="rebuild the index from SQL when it is off")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("health", help="what serves Accord now: index, embedder, LLM providers (exit 3 if degraded)")
    p.add_argument("--url", help="ask a running `accord serve` (its breakers and fallbacks) instead of opening the data dir")
    p.add_argument("--key", help="the key for --url (default: $ACCORD_API_KEY)")
    p.set_defaults(func=cmd_health)

    p = sub.add_parser("maintain", help="decay importance, archive stale memories, expire old turns")
    p.set_defaults(func=cmd_maintain)

    p = sub.add_parser("history", help="every version of a memory")
    p.add_argument("memory_id")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("conflicts", help="open clarification questions and review items")
    p.add_argument("--user")
    p.set_defaults(func=cmd_conflicts)

    p = sub.add_parser("resolve", help="answer a clarification question or settle a review item")
    p.add_argument("id")
    p.add_argument("answer", help="1 (keep the stored memory), 2 (take the new one), keep_both, or words")
    p.set_defaults(func=cmd_resolve)

    p = sub.add_parser("worker", help="run a job worker (for a shared PostgreSQL store)")
    p.add_argument("--probe-port", type=int, help="serve /health, /ready and /metrics on this port (needs accord[server])")
    p.add_argument("--probe-host", default="127.0.0.1", help="bind address of the probes (default 127.0.0.1)")
    p.add_argument("--log-format", choices=["text", "json"], help="default: $ACCORD_LOG_FORMAT or text")
    p.set_defaults(func=cmd_worker)

    add_serve_parser(sub)

    add_migrate_parser(sub)
    sub.choices["migrate"].set_defaults(func=cmd_migrate)

    p = sub.add_parser("eval", help="retrieval evaluation: accord eval locomo PATH [--modes ...] [--json OUT]")
    p.add_argument("eval_args", nargs=argparse.REMAINDER, help="e.g. locomo data/locomo10.json --modes lexical hybrid")
    p.set_defaults(func=cmd_eval)

    add_models_parser(sub, _settings)
    add_transfer_parsers(sub, _settings)
    add_domain_parser(sub, _settings)

    p = sub.add_parser("bench", help="measure add throughput and get latency")
    p.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    p.add_argument("--users", type=int, nargs="+", default=[1, 100])
    p.add_argument("--embedder", nargs="+", default=["none"], help="embedder specs to compare, e.g. none model2vec:PATH")
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--json", help="also write the figures to this JSON file")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return asyncio.run(args.func(args))
    except AccordError as e:
        print(f"accord: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
