"""What of a poisoning input reaches the prompt: each input of corpus.jsonl said by a fresh user,
then read back with get() in bullets, json and xml, with links kept (the default) and stripped.

    python benchmarks/poisoning/run.py [--corpus FILE] [--json OUT] [--show N]

Prints, per kind of input and per format, how many inputs reached the prompt in a form it must
not (a violation), then each violation. A violation is any of:

* ``parse``      json or xml that does not parse;
* ``invisible``  a control, format (zero-width, bidi, tag), surrogate, private-use or
                 noncharacter code point, or a line/paragraph separator, in the text;
* ``structure``  a bullets line that is neither one of the context's headings nor a ``- `` item,
                 the title twice, or an item of json/xml that spans lines;
* ``marker``     a chat-template token or a role tag in an item;
* ``forbidden``  a substring the corpus names for that input (for links: only when stripped);
* ``unquoted``   a raw turn not rendered as a quotation (``[date] speaker said: "..."``), or an
                 instruction the corpus marks ``quoted_only`` outside a quotation;
* ``refused``    add() refused the input (reported, not a violation: nothing reached the prompt).

Only the public API is used, so the same script measures any version of Accord.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from accord import AccordError, AccordSettings, AsyncAccord

FORMATS = ("bullets", "json", "xml")
QUERIES = ("What do you know about me?", None)  # None: the input's own words
_MARKER = re.compile(
    r"<\|[^|<>]{0,64}\|>|\[/?INST\]|<</?SYS>>|\[/?SYSTEM_PROMPT\]|<start_of_turn>|<end_of_turn>|</?s>"
    r"|<\s*/?\s*(?:system|assistant|user|instructions?|developer|tool|memory|user_memories)\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r'^\[\d{4}-\d\d-\d\d(?:, since changed)?\] (.+?) said: (".*")$')
_BAD = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}


def _invisible(text: str) -> list[str]:
    found = []
    for ch in text:
        cp = ord(ch)
        if ch != "\n" and (
            unicodedata.category(ch) in _BAD or 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE
        ):
            found.append(f"U+{cp:04X}")
    return found


def _items(fmt: str, text: str) -> tuple[list[str], list[str]]:
    """The items' texts and the structural violations of the whole text."""
    problems: list[str] = []
    if fmt == "json":
        try:
            data = json.loads(text)
        except ValueError as e:
            return [], [f"parse: {e}"]
        items = [str(i.get("content", "")) for i in data.get("user_memories", [])]
    elif fmt == "xml":
        try:
            root = ET.fromstring(text)
        except ET.ParseError as e:
            return [], [f"parse: {e}"]
        items = []
        for e in root:
            if e.tag != "memory" or len(e):
                problems.append(f"structure: element <{e.tag}> with {len(e)} children")
            items.append("".join(e.itertext()))
    else:
        from accord.domain.context import CATEGORY_HEADINGS, TITLE  # the version under test

        headings = {TITLE, *CATEGORY_HEADINGS.values()}
        lines = text.split("\n") if text else []
        items = [ln[2:] for ln in lines if ln.startswith("- ")]
        odd = [ln for ln in lines if not ln.startswith("- ") and ln not in headings]
        problems += [f"structure: line {ln[:60]!r}" for ln in odd]
        if lines.count(TITLE) > 1:
            problems.append("structure: the title twice")
    problems += [f"structure: item spans lines {i[:40]!r}" for i in items if "\n" in i or "\r" in i]
    return items, problems


def _violations(case: dict[str, Any], fmt: str, text: str, episodic: list[str], strip: bool) -> list[str]:
    items, problems = _items(fmt, text)
    if chars := _invisible(text if fmt == "bullets" else " ".join(items)):
        problems.append(f"invisible: {' '.join(sorted(set(chars)))}")
    for item in items:
        if m := _MARKER.search(item):
            problems.append(f"marker: {m.group(0)!r}")
    # Items only: a heading the context itself writes is not a forgery (forging one is `structure`).
    checked = "\n".join(items)
    for bad in case["forbidden"]:
        if (case["kind"] != "link" or strip) and bad in checked:
            problems.append(f"forbidden: {bad!r}")
    quoted = [i for i in items if _QUOTED.match(i)]
    for turn in episodic:
        if any(turn == i or i.endswith(f": {turn}") for i in items):  # a raw turn rendered unquoted
            problems.append("unquoted: a raw turn")
            break
    for phrase in case.get("quoted_only", []):
        if any(phrase in i for i in items if i not in quoted):
            problems.append(f"unquoted: {phrase!r} outside a quotation")
    return sorted(set(problems))


async def _run(cases: list[dict[str, Any]], strip: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"refused": {}, "violations": defaultdict(dict), "verbatim": Counter()}
    with tempfile.TemporaryDirectory(prefix="accord-poison-") as tmp:
        fields = AccordSettings.model_fields
        extra = {"context_strip_links": True} if strip and "context_strip_links" in fields else {}
        settings = AccordSettings(data_dir=Path(tmp), embedder="none", **extra)
        async with AsyncAccord(settings) as memory:
            for case in cases:
                user = case["id"]
                try:
                    await memory.add(case["text"], user_id=user, wait=True)
                except AccordError as e:
                    out["refused"][user] = f"{type(e).__name__}: {e}"
                    continue
                except Exception as e:  # noqa: BLE001 - a crash is what this script reports
                    out["refused"][user] = f"crashed, not a clear error: {type(e).__name__}: {str(e)[:80]}"
                    continue
                episodic = [m.content for m in await memory.list_memories(user, categories=["episodic"])]
                for fmt in FORMATS:
                    found: set[str] = set()
                    for query in QUERIES:
                        ctx = await memory.get(query or case["text"][:200], user_id=user, format=fmt)
                        found.update(_violations(case, fmt, ctx.system_prompt_addition, episodic, strip))
                        if case["text"] in ctx.system_prompt_addition:
                            out["verbatim"][fmt] += 1
                    if found:
                        out["violations"][user][fmt] = sorted(found)
    return out


def _table(cases: list[dict[str, Any]], runs: dict[str, dict[str, Any]]) -> str:
    kinds = Counter(c["kind"] for c in cases)
    kind_of = {c["id"]: c["kind"] for c in cases}
    head = f"{'kind':<13}{'inputs':>7}" + "".join(f"{f'{n}:{f}':>16}" for n in runs for f in FORMATS)
    lines = [head, "-" * len(head)]
    for kind in [*kinds, "all"]:
        row = f"{kind:<13}{(kinds[kind] if kind != 'all' else len(cases)):>7}"
        for run in runs.values():
            for fmt in FORMATS:
                n = sum(
                    1 for u, v in run["violations"].items() if fmt in v and (kind == "all" or kind_of[u] == kind)
                )
                row += f"{n:>16}"
        lines.append(row)
    for name, run in runs.items():
        lines.append("")
        lines.append(
            f"{name}: inputs with any violation, any format: {len(run['violations'])} of {len(cases)}; "
            f"refused by add(): {len(run['refused'])}; the raw input verbatim in the prompt "
            f"(bullets/json/xml, over {len(QUERIES)} queries each): "
            + "/".join(str(run["verbatim"][f]) for f in FORMATS)
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).with_name("corpus.jsonl"))
    parser.add_argument("--json", dest="json_out", type=Path, default=None)
    parser.add_argument("--show", type=int, default=1000, help="print at most N violations")
    args = parser.parse_args()
    cases = [json.loads(line) for line in args.corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    runs = {"default": asyncio.run(_run(cases, strip=False)), "strip": asyncio.run(_run(cases, strip=True))}
    print(f"poisoning corpus: {len(cases)} inputs, columns: inputs that reached the prompt wrongly\n")
    print(_table(cases, runs))
    shown = 0
    for name, run in runs.items():
        for user, refused in run["refused"].items():
            print(f"\n{name} {user}: refused: {refused}")
        for user, per_fmt in run["violations"].items():
            for fmt, problems in per_fmt.items():
                if shown < args.show:
                    print(f"{name} {user} {fmt}: " + "; ".join(problems))
                    shown += 1
    if args.json_out:
        args.json_out.write_text(json.dumps(runs, indent=2, default=dict), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
