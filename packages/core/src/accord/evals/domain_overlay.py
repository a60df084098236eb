"""Score the domain overlay's rules on the labelled corpus: ``python -m accord.evals.domain_overlay``.

Prints precision, recall and F1 over (field, item, value) triples for the tuning and the
held-out half, per schema, and (``--errors``) the cases each half gets wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from accord.domain.domains.edtech import EDTECH
from accord.domain.domains.observation import item_name
from accord.domain.domains.observe import observe
from accord.domain.domains.support import SUPPORT
from accord.domain.models import Message
from accord.evals.domain_corpus import HELD_OUT, SAID_AT, TUNING, Case

_SCHEMAS = {"edtech": EDTECH, "support": SUPPORT}
Triple = tuple[str, str | None, str]


def predict(case: Case) -> set[Triple]:
    schema, text, _, known = case
    found = observe(_SCHEMAS[schema], [Message(role="user", content=text)], SAID_AT, known=known)
    return {(o.field, item_name(o.item) if o.item else None, o.value.lower()) for o in found}


def _expected(case: Case) -> set[Triple]:
    return {(f, item_name(i) if i else None, v.lower()) for f, i, v in case[2]}


def score(cases: Sequence[Case]) -> tuple[float, float, float, list[tuple[Case, set[Triple]]]]:
    tp = fp = fn = 0
    wrong = []
    for case in cases:
        got, want = predict(case), _expected(case)
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
        if got != want:
            wrong.append((case, got))
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0), wrong


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--errors", action="store_true", help="list the cases each half gets wrong")
    args = parser.parse_args(argv)
    print(f"{'half':9} {'schema':8} {'cases':>5} {'precision':>9} {'recall':>7} {'F1':>6}")
    for half, cases in (("tuning", TUNING), ("held-out", HELD_OUT)):
        for schema in ("edtech", "support", "all"):
            part = [c for c in cases if schema in ("all", c[0])]
            p, r, f, wrong = score(part)
            print(f"{half:9} {schema:8} {len(part):5d} {p:9.3f} {r:7.3f} {f:6.3f}")
            if args.errors and schema == "all":
                for case, got in wrong:
                    print(f"    {case[1]!r}\n      want {sorted(_expected(case), key=str)}\n      got  {sorted(got, key=str)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
