"""The parts an engine is made of, and which of them are serving right now."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from accord.domain.models import ServiceMode
from accord.settings import AccordSettings
from accord.ports import Clock, Embedder, Graph, HotCache, Reranker, ServingExtractor, Store, VectorIndex, WebhookSender


@dataclass
class Components:
    store: Store
    index: VectorIndex | None
    embedder: Embedder | None
    hot: HotCache
    extractor: ServingExtractor
    clock: Clock
    settings: AccordSettings
    classifier: Any = None  # an LLMConflictClassifier when an LLM is configured
    domain_observer: Any = None  # an LLMDomainObserver when an LLM is configured
    webhook_sender: WebhookSender | None = None  # None: webhooks are queued but not sent
    # Event keys this process has queued and when it last logged a rate-limit refusal per agent:
    # a flood of adds past a quota mark, or of refused adds, must not become a flood of writes.
    webhook_keys_seen: set[str] = field(default_factory=set)
    gate_log_last: dict[str, float] = field(default_factory=dict)
    reranker: Reranker | None = None  # the second stage of retrieval (None: first-stage ranking only)
    graph: Graph | None = None  # the entity graph (None: ACCORD_GRAPH_ENABLED=false)
    notes: list[str] = field(default_factory=list)
    # What the gate decided for each add() in this process ("queued" or the blocked reason),
    # read by the metrics endpoints.
    gate_decisions: Counter[str] = field(default_factory=Counter)
    # Why the index is behind SQL (a failed upsert, points missing at start-up), or None. While
    # set, reads use keyword search in SQL, which sees every memory, and a repair task rebuilds.
    index_stale: str | None = None

    def extraction_mode(self) -> str:
        """``rules``, ``llm``, ``degraded:<open providers>``, ``rules_fallback`` or ``waiting``."""
        return self.extractor.mode()

    def mode(
        self, *, search: str | None = None, extra_notes: list[str] | None = None, reranker: str | None = None
    ) -> ServiceMode:
        """Describe the dependencies serving a call; ``search`` overrides when a fallback ran."""
        planned = "none" if self.index is None else ("hybrid" if self.embedder is not None else "lexical")
        used = search or planned
        notes = list(self.notes) + list(extra_notes or [])
        if self.index_stale is not None:
            used = "sql_keyword" if self.index is not None else used
            notes.append(f"index behind SQL ({self.index_stale}): keyword search in SQL until it is rebuilt")
        if self.embedder is None:
            notes.append("no dense embedder: lexical (BM25) search only")
        hot_name = self.hot.active_name
        extraction = self.extraction_mode()
        degraded = (
            used != planned or self.index is None or hot_name != self.hot.name or extraction not in ("rules", "llm")
        )
        return ServiceMode(
            search=used,  # type: ignore[arg-type]
            index=self.index.name if self.index is not None else "none",
            embedder=self.embedder.name if self.embedder is not None else "none",
            hot_tier=hot_name,
            extraction=extraction,
            reranker=reranker or (self.reranker.name if self.reranker is not None else "none"),
            degraded=degraded,
            notes=notes,
        )
