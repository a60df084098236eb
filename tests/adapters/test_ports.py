"""Every adapter implements its port argument for argument, and only adapters import a backend."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from accord import ports
from accord.adapters.extractors import ServedExtractor
from accord.adapters.hot.fallback import FallbackHotCache
from accord.adapters.hot.memory import InMemoryHotCache
from accord.adapters.hot.redis import RedisHotCache
from accord.adapters.index.qdrant_edge import QdrantEdgeIndex
from accord.adapters.index.qdrant_server import QdrantServerIndex
from accord.adapters.llm.extractor import GuardedExtractor, LLMExtractor
from accord.adapters.rerankers.cross_encoder import CrossEncoderReranker
from accord.adapters.rerankers.features import FeatureReranker
from accord.adapters.sql.identity import IdentityStore
from accord.adapters.sql.domains import DomainSqlStore
from accord.adapters.sql.store import SqlStore
from accord.adapters.sql.graph import SqlGraph

SRC = Path(ports.__file__).parent
BACKENDS = ("sqlalchemy", "qdrant_client", "qdrant_edge", "redis", "asyncpg", "aiosqlite", "litellm", "model2vec", "sentence_transformers")

PAIRS = [
    (ports.MemoryStore, SqlStore),
    (ports.JobQueue, SqlStore),
    (ports.IdentityStore, IdentityStore),
    (ports.DomainStore, DomainSqlStore),
    (ports.VectorIndex, QdrantEdgeIndex),
    (ports.VectorIndex, QdrantServerIndex),
    (ports.HotCache, InMemoryHotCache),
    (ports.HotCache, RedisHotCache),
    (ports.HotCache, FallbackHotCache),
    (ports.ServingExtractor, GuardedExtractor),
    (ports.ServingExtractor, LLMExtractor),
    (ports.ServingExtractor, ServedExtractor),
    (ports.Reranker, FeatureReranker),
    (ports.Reranker, CrossEncoderReranker),
    (ports.Graph, SqlGraph),
]


def _methods(protocol: type) -> list[str]:
    return [
        name
        for klass in protocol.__mro__
        if klass not in (object,) and getattr(klass, "_is_protocol", False)
        for name, value in vars(klass).items()
        if callable(value) and not name.startswith("_")
    ]


@pytest.mark.parametrize(("port", "adapter"), PAIRS, ids=lambda x: x.__name__)
def test_the_adapter_has_every_method_of_its_port_with_the_same_parameters(port: type, adapter: type) -> None:
    for name in _methods(port):
        ours = getattr(adapter, name, None)
        assert ours is not None, f"{adapter.__name__} lacks {name}"
        expected = list(inspect.signature(getattr(port, name)).parameters)
        assert list(inspect.signature(ours).parameters) == expected, f"{adapter.__name__}.{name}"
        assert inspect.iscoroutinefunction(ours) == inspect.iscoroutinefunction(getattr(port, name)), name


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_only_adapters_import_a_backend() -> None:
    outside = [p for p in SRC.rglob("*.py") if "adapters" not in p.relative_to(SRC).parts]
    assert len(outside) > 40  # the domain, engine, server, remote, cli and evals modules
    leaks = {str(p.relative_to(SRC)): sorted(_imports(p) & set(BACKENDS)) for p in outside}
    assert {path: names for path, names in leaks.items() if names} == {}


def test_the_domain_does_no_io() -> None:
    """Pure logic imports neither the engine, the adapters nor anything that talks to the outside."""
    for path in (SRC / "domain").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "accord.engine" not in text and "accord.adapters" not in text, path.name
        assert not _imports(path) & {"asyncio", "httpx", "socket", *BACKENDS}, path.name
