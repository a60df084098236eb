"""Feeding the entity graph from a finished job: its turns and the memories extracted from
them are read for entities and relations (rules, no LLM: an LLM's extracted memories are
read the same way, so LLM mode feeds the graph too) and merged into the user's graph.

Runs after the job's memories are applied and before the job is marked done, so a crash
replays it; the merge is idempotent (a relation already current, a mention already linked,
changes nothing). A failed graph write is logged and leaves the job done: the memories are
the source of truth, and the graph only helps find them.
"""

from __future__ import annotations

import logging

from accord.domain.entities import Turn, read_entities
from accord.domain.models import Job
from accord.engine.components import Components
from accord.errors import StorageError

__all__ = ["feed_graph"]

log = logging.getLogger("accord.graph")


async def feed_graph(parts: Components, job: Job) -> None:
    graph = parts.graph
    if graph is None:
        return
    try:
        rows = await graph.job_texts(job.tenant_id, job.id)
        if not rows:
            return
        speakers = {message_id: speaker for _, _, message_id, _, speaker in rows if speaker}
        if len(set(speakers.values())) < 2:
            # One named speaker is the user under their own name: "my wife" is the user's wife.
            # Several (a group conversation) are people in the user's graph, each "I" their own.
            speakers = {}
        turns = [Turn(content, speakers.get(message_id) if message_id else None) for _, content, message_id, _, _ in rows]
        draft = read_entities(turns)
        if not draft.mentions and not draft.relations and not draft.loose_names:
            return
        await graph.ingest(
            job.tenant_id,
            job.user_id,
            draft,
            [memory_id for memory_id, *_ in rows],
            [said for _, _, _, said, _ in rows],
            parts.clock.now(),
        )
    except StorageError as e:
        log.warning("job %s: the entity graph was not updated: %s", job.id, e)
