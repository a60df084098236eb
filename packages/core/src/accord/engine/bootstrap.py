"""The composition root: the one place that turns settings into components."""

from __future__ import annotations

from accord.domain.clock import SystemClock
from accord.engine.components import Components
from accord.engine.datadir import DataDirLock
from accord.settings import AccordSettings
from accord.ports import Clock, Extractor, HotCache, ServingExtractor, VectorIndex
from accord.adapters.sql import SqlStore
from accord.adapters.sql.graph import SqlGraph


def build_components(
    settings: AccordSettings, *, clock: Clock | None = None, extractor: Extractor | None = None
) -> tuple[Components, DataDirLock | None]:
    """Build (but do not open) every component the settings describe.

    Takes the data-dir lock first when the embedded index is used, so a second process gets
    a clear error naming the owner instead of a low-level one from the index.
    """
    # Imported here, not at module level: this is the one place adapters are chosen.
    from accord.adapters.embedders.loader import load_embedder
    from accord.adapters.extractors import serving
    from accord.adapters.extractors.rules.extractor import RuleBasedExtractor
    from accord.adapters.hot.fallback import FallbackHotCache
    from accord.adapters.hot.memory import InMemoryHotCache
    from accord.adapters.webhooks import HttpWebhookSender
    from accord.adapters.rerankers.loader import load_reranker

    data_dir = settings.data_dir.expanduser()
    lock: DataDirLock | None = None
    if settings.index == "qdrant_edge":
        lock = DataDirLock(data_dir)
        lock.acquire()
    try:
        embedder = load_embedder(
            settings.embedder, data_dir, api_base=settings.embedder_api_base, api_key=settings.embedder_api_key
        )
        dim = embedder.dim if embedder is not None else None
        index: VectorIndex | None
        if settings.index == "qdrant_edge":
            from accord.adapters.index.qdrant_edge import QdrantEdgeIndex

            # recreate: an index built for another embedder size is wiped, not an error that
            # locks the store (and `accord reindex` with it); the start-up check then finds it
            # empty and rebuilds it from SQL, with vectors of the new embedder.
            index = QdrantEdgeIndex(data_dir / "index", dim, recreate=True)
        elif settings.index == "qdrant_server":
            from accord.adapters.index.qdrant_server import QdrantOptions, QdrantServerIndex

            index = QdrantServerIndex(
                url=settings.qdrant_url,
                path=settings.qdrant_path,
                api_key=settings.qdrant_api_key,
                collection=settings.qdrant_collection,
                dim=dim,
                options=QdrantOptions(
                    wait=settings.qdrant_wait,
                    write_ordering=settings.qdrant_write_ordering,
                    upsert_batch=settings.qdrant_upsert_batch,
                    shard_keys=settings.qdrant_shard_keys,
                    default_shard_key=settings.qdrant_default_shard_key,
                    shard_number=settings.qdrant_shard_number,
                    replication_factor=settings.qdrant_replication_factor,
                    retries=settings.qdrant_retries,
                    timeout_seconds=settings.qdrant_timeout_seconds,
                ),
            )
        else:
            index = None
        hot: HotCache = InMemoryHotCache(per_user=settings.hot_tier_per_user)
        if settings.redis_url:
            from accord.adapters.hot.redis import RedisHotCache

            hot = FallbackHotCache(
                RedisHotCache(settings.redis_url, prefix=settings.redis_prefix, per_user=settings.hot_tier_per_user),
                hot,
            )
        data_dir.mkdir(parents=True, exist_ok=True)
        the_clock = clock or SystemClock()
        reranker = load_reranker(settings.reranker, the_clock)
        served = serving(extractor) if extractor is not None else _extractor(settings, RuleBasedExtractor())
        store = SqlStore(settings.resolved_database_url())
        parts = Components(
            store=store,
            graph=SqlGraph.sharing(store) if settings.graph_enabled else None,
            index=index,
            embedder=embedder,
            hot=hot,
            extractor=served,
            classifier=_classifier(served),
            domain_observer=_domain_observer(served),
            webhook_sender=HttpWebhookSender(),
            clock=the_clock,
            settings=settings,
            reranker=reranker,
        )
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return parts, lock


def _extractor(settings: AccordSettings, rules: Extractor) -> ServingExtractor:
    """The LLM extractor when providers are configured (the rules as its fallback), else the rules.

    Either way the input is sanitised and instructions aimed at the assistant are dropped.
    """
    from accord.adapters.llm import GuardedExtractor, LLMExtractor

    if not settings.llm.enabled:
        return GuardedExtractor(rules)
    return LLMExtractor.from_settings(settings.llm, fallback=rules)


def _domain_observer(extractor: ServingExtractor) -> object | None:
    """An LLM reader of domain fields sharing the extractor's router (and so its breakers)."""
    from accord.adapters.llm import LLMExtractor
    from accord.adapters.llm.domain_observer import LLMDomainObserver

    return LLMDomainObserver(extractor.router) if isinstance(extractor, LLMExtractor) else None


def _classifier(extractor: ServingExtractor) -> object | None:
    """An LLM conflict classifier sharing the extractor's router (and so its breakers)."""
    from accord.adapters.llm import LLMConflictClassifier, LLMExtractor

    return LLMConflictClassifier(extractor.router) if isinstance(extractor, LLMExtractor) else None
