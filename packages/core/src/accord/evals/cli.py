"""``accord eval``: run an evaluation on a fresh temporary store and print its table.

    accord eval locomo PATH [--embedder SPEC] [--modes lexical dense hybrid] [--ks K ...]
                            [--conversations N] [--budgets TOKENS ...] [--set KEY=VALUE ...] [--json OUT]
                            [--chart OUT.png|OUT.html]
    accord eval extraction FILE [FILE ...] [--set KEY=VALUE ...] [--json OUT] [--show-misses N]
    accord eval personas PATH [--limit N] [--set KEY=VALUE ...] [--json OUT] [--show-misses N]
    accord eval context FILE [--budget TOKENS] [--split tuning|heldout] [--set KEY=VALUE ...] [--json OUT]
                             [--show-misses N]

Also runnable as ``python -m accord.evals.cli locomo PATH ...``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from accord.cli.progress import progress, shows_progress
from accord.errors import AccordError, InvalidInputError
from accord.evals._report import MODES, LocomoReport
from accord.evals.context import run_context
from accord.evals.extraction import run_extraction, run_personas
from accord.evals.locomo import run_locomo

__all__ = ["main_eval"]

Progress = Callable[[str], None]
SHOWN_MISSES = 30
_COUNTED = re.compile(r"(\d+)/(\d+)\b")


def _add_outputs(p: argparse.ArgumentParser) -> None:
    """``--set``, ``--json`` and ``--quiet``: the options every benchmark shares."""
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an AccordSettings field, e.g. --set dense_weight=0.3 (repeatable)",
    )
    p.add_argument(
        "--json",
        dest="json_out",
        type=Path,
        default=None,
        metavar="OUT",
        help="also write the report as JSON",
    )
    p.add_argument("--quiet", action="store_true", help="no progress on stderr (a bar on a terminal, stage lines otherwise)")


def _add_misses(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument(
        "--show-misses",
        type=int,
        nargs="?",
        const=SHOWN_MISSES,
        default=0,
        metavar="N",
        help=f"also print up to N (default {SHOWN_MISSES}) {what}, with the turns and what was extracted",
    )


def _add_extraction(benchmarks: Any) -> None:
    p = benchmarks.add_parser(
        "extraction",
        help="extraction corpus: recall and precision per category, negatives, life changes",
        description=(
            "Play each case of the extraction corpus (benchmarks/extraction/FORMAT.md) as a fresh user "
            "and score the durable memories it leaves. The rules extract unless ACCORD_LLM_* settings "
            "(or --set llm_provider_order=...) name LLM providers."
        ),
    )
    p.add_argument("files", type=Path, nargs="+", metavar="FILE", help="corpus JSONL files")
    _add_outputs(p)
    _add_misses(p, "failing cases of each kind (missed statements, negatives, changes)")


def _add_personas(benchmarks: Any) -> None:
    p = benchmarks.add_parser(
        "personas",
        help="MSC persona statements: the share kept as a durable memory",
        description=(
            "Say each persona statement as one user turn of a fresh user; it counts as kept when a "
            "durable memory holds at least half of its content words."
        ),
    )
    p.add_argument(
        "path", type=Path, help="an MSC persona file (msc_personas_all.json of snap-research/locomo)"
    )
    p.add_argument("--limit", type=int, default=None, metavar="N", help="only N statements, every k-th")
    _add_outputs(p)
    _add_misses(p, "statements no memory kept")


def _add_locomo(benchmarks: Any) -> None:
    p = benchmarks.add_parser(
        "locomo",
        help="LoCoMo: recall@k and NDCG@10 of the evidence turns, per question category",
        description="Ingest each LoCoMo conversation as one user, ask every question, score its evidence.",
    )
    p.add_argument("path", type=Path, help="a LoCoMo JSON file (data/locomo10.json of snap-research/locomo)")
    p.add_argument(
        "--embedder",
        default="auto",
        help="dense model for dense/hybrid, e.g. model2vec:<dir> (default: auto)",
    )
    p.add_argument("--modes", nargs="+", choices=MODES, default=None, help="run these modes side by side")
    p.add_argument(
        "--conversations", type=int, default=None, metavar="N", help="only the first N conversations"
    )
    p.add_argument(
        "--ks", type=int, nargs="+", default=[5, 10, 20], metavar="K", help="the cut-offs of recall@k (default 5 10 20)"
    )
    p.add_argument(
        "--chart",
        type=Path,
        default=None,
        metavar="OUT",
        help="also draw recall by category and k to OUT.png or OUT.html (needs accord[charts])",
    )
    p.add_argument(
        "--budgets",
        type=int,
        nargs="+",
        default=[],
        metavar="TOKENS",
        help="also ask each question with get(limit=10) at these context budgets and score what is rendered",
    )
    _add_outputs(p)


def _add_context(benchmarks: Any) -> None:
    p = benchmarks.add_parser(
        "context",
        help="context quality: expected-fact recall, stale and duplicate rates of next-session contexts",
        description=(
            "Play each multi-session scenario (benchmarks/context/FORMAT.md) as a fresh user, ask its "
            "next-session query and score the rendered context."
        ),
    )
    p.add_argument("file", type=Path, metavar="FILE", help="a scenarios JSONL file")
    p.add_argument("--budget", type=int, default=500, metavar="TOKENS", help="context_max_tokens (default 500)")
    p.add_argument("--split", choices=["tuning", "heldout"], default=None, help="only this half of the scenarios")
    _add_outputs(p)
    _add_misses(p, "scenarios with a missed, stale or duplicate fact, with their context")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="accord eval", description="Evaluations on a fresh temporary store."
    )
    benchmarks = parser.add_subparsers(dest="benchmark", required=True)
    _add_locomo(benchmarks)
    _add_extraction(benchmarks)
    _add_personas(benchmarks)
    _add_context(benchmarks)
    return parser


def _overrides(pairs: list[str]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs; a value is read as JSON when it parses (numbers, true, null), else as text."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise AccordError(f"--set needs KEY=VALUE, got {pair!r}")
        try:
            out[key.strip()] = json.loads(raw)
        except ValueError:
            out[key.strip()] = raw
    return out


async def _run(args: argparse.Namespace, progress: Progress | None) -> tuple[BaseModel, str]:
    """The benchmark's report and its text: the table, then any misses asked for."""
    overrides = _overrides(args.overrides)
    if args.benchmark == "extraction":
        extraction = await run_extraction(args.files, settings_overrides=overrides, progress=progress)
        return extraction, _joined(extraction.to_table(), extraction.show_misses(args.show_misses))
    if args.benchmark == "personas":
        personas = await run_personas(
            args.path, limit=args.limit, settings_overrides=overrides, progress=progress
        )
        return personas, _joined(personas.to_table(), personas.show_misses(args.show_misses))
    if args.benchmark == "context":
        context = await run_context(
            args.file, budget=args.budget, split=args.split, settings_overrides=overrides, progress=progress
        )
        return context, _joined(context.to_table(), context.show_misses(args.show_misses))
    locomo = await run_locomo(
        args.path,
        settings_overrides=overrides,
        embedder=args.embedder,
        limit_conversations=args.conversations,
        ks=args.ks,
        modes=args.modes,
        budgets=args.budgets,
        progress=progress,
    )
    return locomo, locomo.to_table()


def _joined(*parts: str) -> str:
    return "\n\n".join(p for p in parts if p)


@contextmanager
def _stages(quiet: bool) -> Iterator[Progress | None]:
    """The progress callback: on a terminal a bar (stages done, the last one named) with each
    stage line above it; piped, the stage lines alone on stderr (one per stage, a log for CI);
    nothing with ``--quiet``."""
    if quiet:
        yield None
        return
    if not shows_progress():
        yield lambda line: print(line, file=sys.stderr, flush=True)
        return
    with progress("evaluating") as bar:

        def say(line: str) -> None:
            counted = _COUNTED.match(line)
            if counted:  # "300/1200 cases": the bar knows its whole
                bar.update(completed=int(counted[1]), total=int(counted[2]), description=line)
                return
            bar.log(line)
            bar.advance()
            bar.update(description=line)

        yield say


def main_eval(argv: list[str]) -> int:
    """Run ``accord eval`` with the arguments after ``eval``; returns the exit code.

    0 on success, 1 when the evaluation failed (bad file, settings or embedder), 2 for usage errors.
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:  # argparse has printed the usage or the help
        return e.code if isinstance(e.code, int) else 2
    chart = getattr(args, "chart", None)
    try:
        if chart is not None and chart.suffix.lower() not in (".png", ".html", ".htm"):
            raise InvalidInputError("chart", f"writes .png or .html, not {chart.name!r}")  # before minutes of work
        with _stages(args.quiet) as progress:
            report, text = asyncio.run(_run(args, progress))
        if chart is not None and isinstance(report, LocomoReport):
            from accord.evals.chart import write_chart

            write_chart(report, chart)
            print(f"chart written to {chart}", file=sys.stderr)
    except AccordError as e:
        print(f"accord eval: {e}", file=sys.stderr)
        return 1
    except ValueError as e:  # AccordSettings rejected an override
        print(f"accord eval: invalid settings: {e}", file=sys.stderr)
        return 1
    print(text)
    if args.json_out is not None:
        args.json_out.write_text(report.model_dump_json(indent=2), encoding="utf-8")
        print(f"\nreport written to {args.json_out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main_eval(sys.argv[1:]))
