"""Split the extraction corpus into a tuning and a held-out part by a stable hash of each case id.

    python benchmarks/extraction/split.py corpus/*.all.jsonl

writes ``<name>.tuning.jsonl`` and ``<name>.heldout.jsonl`` beside each input (``x.all.jsonl``).
The split depends only on the ids, so re-running it never moves a case from one part to the other.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path


def part_of(case_id: str) -> str:
    digest = hashlib.sha256(case_id.encode()).digest()
    return "heldout" if digest[0] % 2 else "tuning"


def split(path: Path) -> dict[str, int]:
    stem = path.name.removesuffix(".jsonl").removesuffix(".all")
    parts: dict[str, list[str]] = {"tuning": [], "heldout": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            parts[part_of(json.loads(line)["id"])].append(line)
    for name, lines in parts.items():
        (path.parent / f"{stem}.{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {name: len(lines) for name, lines in parts.items()}


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(arg, split(Path(arg)))
