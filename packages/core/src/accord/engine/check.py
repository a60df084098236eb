"""``accord check``: the invariants that must hold across SQL and the index, and the repair of
what is derived.

Checked: no index point missing, phantom (no memory in SQL) or duplicated against SQL, per
tenant; one active head per memory lineage; no orphan versions, jobs, grants or consents; no
row of a user who has no user row (data an erasure left, or wrote around). ``repair`` rebuilds
the index from SQL, the one derived store; the other findings are reported, never "fixed" by
deleting data.
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field

from accord.engine.components import Components
from accord.engine.indexing import Indexer

__all__ = ["CheckReport", "Finding", "check_invariants"]

_EXAMPLES = 20


class Finding(BaseModel):
    """One invariant's violations: how many, and some of them."""

    count: int
    examples: list[str] = Field(default_factory=list)


class CheckReport(BaseModel):
    ok: bool
    findings: dict[str, Finding]
    repaired: list[str] = Field(default_factory=list)


async def _index_findings(parts: Components) -> dict[str, Finding]:
    index = parts.index
    if index is None:
        return {}
    tenants = set(await parts.store.memory_counts()) | {t.id for t in await parts.store.identity.list_tenants()}
    missing: list[str] = []
    phantom: list[str] = []
    duplicate: list[str] = []
    for tenant in sorted(tenants):
        in_sql = set(await parts.store.memory_ids(tenant))
        stored = Counter(await index.point_ids(tenant))
        missing += [f"{tenant}:{i}" for i in sorted(in_sql - stored.keys())]
        phantom += [f"{tenant}:{i}" for i in sorted(stored.keys() - in_sql)]
        duplicate += [f"{tenant}:{i}" for i, n in sorted(stored.items()) if n > 1]
    return {
        "index_missing_points": Finding(count=len(missing), examples=missing[:_EXAMPLES]),
        "index_phantom_points": Finding(count=len(phantom), examples=phantom[:_EXAMPLES]),
        "index_duplicate_points": Finding(count=len(duplicate), examples=duplicate[:_EXAMPLES]),
    }


async def check_invariants(parts: Components, indexer: Indexer, *, repair: bool = False) -> CheckReport:
    """Every finding by name (a zero count where the invariant holds); with ``repair``, the index
    is rebuilt from SQL when it is off and checked again."""
    sql = {name: Finding(count=n, examples=ex) for name, (n, ex) in (await parts.store.integrity()).items()}
    index = await _index_findings(parts)
    repaired: list[str] = []
    if repair and any(f.count for f in index.values()):
        total = await indexer.rebuild()
        parts.index_stale = None
        repaired.append(f"index rebuilt from SQL: {total} memories")
        index = await _index_findings(parts)
    findings = {**index, **sql}
    return CheckReport(ok=not any(f.count for f in findings.values()), findings=findings, repaired=repaired)
