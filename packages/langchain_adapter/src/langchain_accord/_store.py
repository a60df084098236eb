"""``AccordStore``: a LangGraph ``BaseStore`` over Accord, so graphs keep long-term memory there.

Namespaces name an Accord user, then optionally a category or labels of the caller's own:

==================================  ===================================================
namespace                           holds
==================================  ===================================================
``("users", user_id)``              everything Accord knows about the user
``("users", user_id, category)``    that category (``preference``, ``fact``, ``goal``,
                                    ...) and the items put under this namespace
``("users", user_id, *labels)``     the items put under these labels
==================================  ===================================================

* ``put(ns, key, value)`` remembers ``value["text"]`` (or ``value["content"]``; otherwise the
  value as JSON) as a user turn, with ``engine.add(..., wait=True)``; the namespace, key and
  value ride in the turn's metadata, so ``get(ns, key)`` returns the value exactly as put.
  Accord extracts memories from the turn as from any conversation. A put under an existing
  key replaces the item (and what was extracted from it); an unchanged value is a no-op.
  Each put is its own session, so the engine's dedup window never swallows one.
* ``search(prefix, query=..., filter=..., limit=..., offset=...)`` is ``engine.get`` (ranked,
  at most 200 candidates) with a query, ``list_memories`` (newest first) without. Every
  memory comes back as an item: a put keeps its namespace, key and value; any other memory
  is ``("users", user_id, category)``, its id, and ``{"text", "category", "memory_id", ...}``.
* ``filter={"entity": "Anna"}`` (an entity id, a name or a role such as ``"wife"``, or a list)
  keeps the memories about that entity in the user's entity graph, with or without a query.
* ``delete(ns, key)`` (a put of ``None``) deletes the item; for a put item, also what Accord
  extracted from it. ``get`` and ``delete`` also take a memory id as the key.
* ``list_namespaces`` needs a user: ``prefix=("users", user_id)``.

Items follow Accord's lifecycle: put items are episodic turns, which maintenance expires
after ``ACCORD_EPISODIC_TTL_DAYS``. ``index`` arguments are ignored (Accord indexes every
memory); TTLs are not supported.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncGenerator, Iterable, Mapping
from contextlib import aclosing
from typing import Any

from accord import Category, InvalidInputError, Memory, NotFoundError, UserStats
from accord.domain.models import DURABLE_CATEGORIES
from accord.domain.validation import UUID_PATTERN
from langgraph.store.base import (
    BaseStore,
    GetOp,
    InvalidNamespaceError,
    ListNamespacesOp,
    Op,
    PutOp,
    Result,
    SearchItem,
    SearchOp,
)

from langchain_accord._engine import Engine, EngineRunner
from langchain_accord._errors import mapped_errors, raise_if_blocked
from langchain_accord._items import (
    STORE_METADATA_KEY,
    categories_for,
    matches_path,
    memory_item,
    plain_item,
    stored_record,
    text_of,
    within,
)

__all__ = ["AccordStore"]

_EPISODIC = Category.EPISODIC.value
_DURABLE = list(DURABLE_CATEGORIES)
_MEMORY_ID = re.compile(UUID_PATTERN)
_PAGE = 500
_MAX_RANKED = 200  # the most engine.get returns in one call
_UNBOUNDED_TOKENS = 32_000


class AccordStore(BaseStore):
    """A LangGraph store whose items live in Accord (see the module docs for the mapping).

    Args:
        engine: an ``accord.Accord`` / ``AsyncAccord``, or a client from ``accord.connect()``.
            With an async engine only the async methods (``aget``, ``aput``, ...) work.
        root: the first label of every namespace.

    Example:
        >>> store = AccordStore(Accord(data_dir="/tmp/accord-demo"))
        >>> store.put(("users", "alice"), "diet", {"text": "I'm vegetarian"})
        >>> store.get(("users", "alice"), "diet").value
        {'text': "I'm vegetarian"}
        >>> graph = builder.compile(store=store)   # nodes reach it as runtime.store
    """

    def __init__(self, engine: Engine, *, root: str = "users") -> None:
        self._runner = EngineRunner(engine)
        self.root = root

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        return self._runner.run(self._batch(list(ops)))

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        return await self._runner.arun(self._batch(list(ops)))

    async def _batch(self, ops: list[Op]) -> list[Result]:
        with mapped_errors():
            return [await self._apply(op) for op in ops]  # in order: a put is seen by a later get

    async def _apply(self, op: Op) -> Result:
        if isinstance(op, GetOp):
            found = await self._find(op.namespace, op.key)
            return None if found is None else plain_item(memory_item(found, self.root))
        if isinstance(op, PutOp):
            if op.value is None:
                await self._delete(op.namespace, op.key)
            else:
                await self._put(op.namespace, op.key, op.value)
            return None
        if isinstance(op, SearchOp):
            return await self._search(op)
        if isinstance(op, ListNamespacesOp):
            return await self._list_namespaces(op)
        raise TypeError(f"unknown store operation: {type(op).__name__}")

    # -- namespaces and items ----------------------------------------------------------

    def _user_of(self, namespace: tuple[str, ...]) -> str:
        if len(namespace) < 2 or namespace[0] != self.root:
            raise InvalidNamespaceError(
                f"Accord keeps memory per user: use ({self.root!r}, user_id, ...), got {namespace!r}"
            )
        return namespace[1]

    async def _memories(self, user_id: str, categories: list[str] | None) -> AsyncGenerator[Memory, None]:
        """The user's active memories, newest first, a page at a time."""
        offset = 0
        while True:
            page = await self._runner.aio.list_memories(
                user_id, categories=categories, limit=_PAGE, offset=offset
            )
            for memory in page:
                yield memory
            if len(page) < _PAGE:
                return
            offset += _PAGE

    async def _find(self, namespace: tuple[str, ...], key: str) -> Memory | None:
        """The memory at this address: a memory id is looked up, a put key found in the turns' metadata."""
        user_id = self._user_of(namespace)
        if _MEMORY_ID.match(key):
            try:
                memory = await self._runner.aio.get_memory(key)
            except NotFoundError:
                memory = None
            if memory is not None and self._address(memory) == (namespace, key):
                return memory
        # The engine finds the turn a put wrote by its key; the namespace is checked here.
        turns = await self._runner.aio.list_memories(
            user_id, categories=[_EPISODIC], metadata={f"{STORE_METADATA_KEY}.key": key}, limit=_PAGE
        )
        return next((turn for turn in turns if self._address(turn) == (namespace, key)), None)

    def _address(self, memory: Memory) -> tuple[tuple[str, ...], str]:
        item = memory_item(memory, self.root)
        return item.namespace, item.key

    # -- operations --------------------------------------------------------------------

    async def _put(self, namespace: tuple[str, ...], key: str, value: Mapping[str, Any]) -> None:
        user_id = self._user_of(namespace)
        old = await self._find(namespace, key)
        before = stored_record(old) if old is not None else None
        if before is not None and before["value"] == value:
            return
        first_put = (before or {}).get("created_at") or (
            old.created_at.isoformat() if old is not None else None
        )
        record = {"namespace": list(namespace), "key": key, "value": dict(value), "created_at": first_put}
        result = await self._runner.aio.add(
            [{"role": "user", "content": text_of(value)}],
            user_id,
            session_id=f"langgraph-{uuid.uuid4().hex}",
            metadata={STORE_METADATA_KEY: record},
            wait=True,
        )
        raise_if_blocked(result)
        if old is not None:
            await self._forget(old)

    async def _delete(self, namespace: tuple[str, ...], key: str) -> None:
        found = await self._find(namespace, key)
        if found is not None:
            await self._forget(found)

    async def _forget(self, memory: Memory) -> None:
        """Delete a memory; for a put item, also the memories extracted from its turn."""
        doomed = [memory.id]
        if stored_record(memory) is not None and memory.source.job_id is not None:
            extracted = await self._runner.aio.list_memories(
                memory.user_id, categories=_DURABLE, job_id=memory.source.job_id, limit=1000
            )
            doomed += [other.id for other in extracted]
        for memory_id in doomed:
            try:
                await self._runner.aio.delete_memory(memory_id)
            except NotFoundError:
                pass  # already gone: deleting is idempotent

    async def _about(self, user_id: str, wanted: object) -> set[str]:
        """Ids of the memories about the entities ``filter["entity"]`` names: an entity id, a
        name ("Anna") or a role ("wife"), or a list of them. Unknown ones match nothing."""
        names = [wanted] if isinstance(wanted, str) else list(wanted) if isinstance(wanted, list | tuple) else None
        if names is None or not all(isinstance(n, str) and n for n in names):
            raise InvalidInputError("filter.entity", "an entity id, name or role, or a list of them")
        known = await self._runner.aio.entities(user_id, limit=1000)
        ids = {
            e.id for e in known for n in names
            if e.id == n or e.name.casefold() == n.strip().casefold() or n.strip().lower() in e.roles
        }  # fmt: skip
        found: set[str] = set()
        for entity_id in sorted(ids):
            found |= {m.id for m in (await self._runner.aio.entity(entity_id)).memories}
        return found

    async def _search(self, op: SearchOp) -> list[SearchItem]:
        prefix = op.namespace_prefix
        user_id = self._user_of(prefix)
        categories = categories_for(prefix[2:])
        wanted = op.offset + op.limit
        matches: list[SearchItem] = []
        plain = {k: v for k, v in (op.filter or {}).items() if k != "entity"}
        about = await self._about(user_id, op.filter["entity"]) if op.filter and "entity" in op.filter else None
        op = op._replace(filter=plain or None)
        if op.query:
            narrowed = len(prefix) > 2 or bool(op.filter) or about is not None
            context = await self._runner.aio.get(
                op.query,
                user_id,
                limit=_MAX_RANKED if narrowed else max(1, min(wanted, _MAX_RANKED)),
                categories=categories,
                format="json",  # rank order (bullets group by category)
                context_max_tokens=_UNBOUNDED_TOKENS,
            )
            ranked = [m for m in context.memories if about is None or m.id in about]
            items = [item for m in ranked for item in await self._items_of(m)]
            unique = {(i.namespace, i.key): i for i in reversed(items)}  # an item found twice: its best rank
            items = [i for i in items if unique[(i.namespace, i.key)] is i]
            matches = [i for i in items if within(i, prefix, op.filter)]
        else:
            async with aclosing(self._memories(user_id, categories)) as memories:
                async for memory in memories:
                    if about is not None and memory.id not in about:
                        continue
                    item = memory_item(memory, self.root)
                    if within(item, prefix, op.filter):
                        matches.append(item)
                    if len(matches) >= wanted:
                        break
        return matches[op.offset : wanted]

    async def _items_of(self, memory: Memory) -> list[SearchItem]:
        """The search items a ranked memory stands for: itself, and for a fact extracted from a put's
        turn that put too (the context shows the fact instead of repeating the turn)."""
        item = memory_item(memory, self.root, memory.relevance_score)
        job = memory.source.job_id
        if memory.category.value == _EPISODIC or job is None:
            return [item]
        turns = await self._runner.aio.list_memories(memory.user_id, categories=[_EPISODIC], job_id=job, limit=10)
        puts = [memory_item(t, self.root, memory.relevance_score) for t in turns if stored_record(t) is not None]
        return [item, *puts]

    async def _list_namespaces(self, op: ListNamespacesOp) -> list[tuple[str, ...]]:
        conditions = op.match_conditions or ()
        prefix = next((c.path for c in conditions if c.match_type == "prefix"), ())
        if prefix[:1] not in ((), (self.root,)):
            return []
        if len(prefix) < 2 or prefix[1] == "*":
            # Every user's namespaces: the engine lists the tenant's users (admin keys only).
            users = await self._runner.aio.list_users(limit=1000)
        else:
            users = [prefix[1]]
        found: set[tuple[str, ...]] = set()
        for user_id in users:
            found |= await self._namespaces_of(user_id)
        if op.max_depth is not None:
            found = {ns[: op.max_depth] for ns in found}
        listed = sorted(ns for ns in found if all(matches_path(c, ns) for c in conditions))
        return listed[op.offset : op.offset + op.limit]

    async def _namespaces_of(self, user_id: str) -> set[tuple[str, ...]]:
        stats = await self._runner.aio.stats(user_id)
        counts = stats.by_category if isinstance(stats, UserStats) else {}
        found: set[tuple[str, ...]] = {(self.root, user_id, category) for category, n in counts.items() if n}
        async with aclosing(self._memories(user_id, [_EPISODIC])) as turns:
            async for turn in turns:
                stored = stored_record(turn)
                if stored is not None:
                    found.add(tuple(stored["namespace"]))
        return found
