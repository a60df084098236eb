"""``accord eval``: run a retrieval evaluation and print its table.

    accord eval locomo PATH [--embedder SPEC] [--modes lexical dense hybrid]
                            [--conversations N] [--set KEY=VALUE ...] [--json OUT]

Also runnable as ``python -m accord.evals.cli locomo PATH ...``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from accord.errors import AccordError
from accord.evals._report import MODES
from accord.evals.locomo import run_locomo

__all__ = ["main_eval"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="accord eval", description="Retrieval evaluations on a fresh temporary store."
    )
    benchmarks = parser.add_subparsers(dest="benchmark", required=True)
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
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an AccordSettings field for every mode, e.g. --set dense_weight=0.3 (repeatable)",
    )
    p.add_argument(
        "--json",
        dest="json_out",
        type=Path,
        default=None,
        metavar="OUT",
        help="also write the report as JSON",
    )
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
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


def main_eval(argv: list[str]) -> int:
    """Run ``accord eval`` with the arguments after ``eval``; returns the exit code.

    0 on success, 1 when the evaluation failed (bad file, settings or embedder), 2 for usage errors.
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:  # argparse has printed the usage or the help
        return e.code if isinstance(e.code, int) else 2
    progress = None if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    try:
        report = asyncio.run(
            run_locomo(
                args.path,
                settings_overrides=_overrides(args.overrides),
                embedder=args.embedder,
                limit_conversations=args.conversations,
                modes=args.modes,
                progress=progress,
            )
        )
    except AccordError as e:
        print(f"accord eval: {e}", file=sys.stderr)
        return 1
    except ValueError as e:  # AccordSettings rejected an override
        print(f"accord eval: invalid settings: {e}", file=sys.stderr)
        return 1
    print(report.to_table())
    if args.json_out is not None:
        args.json_out.write_text(report.model_dump_json(indent=2), encoding="utf-8")
        print(f"\nreport written to {args.json_out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main_eval(sys.argv[1:]))
