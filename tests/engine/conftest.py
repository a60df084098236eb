"""Engines on real embedded stores (SQLite + Qdrant Edge) in a temporary data dir."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from accord import AccordSettings, AsyncAccord


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., AccordSettings]:
    def make(**overrides: Any) -> AccordSettings:
        base: dict[str, Any] = {"data_dir": tmp_path / "data", "embedder": "none"}
        base.update(overrides)
        return AccordSettings(**base)

    return make


@pytest.fixture
async def memory(make_settings: Callable[..., AccordSettings]) -> AsyncIterator[AsyncAccord]:
    async with AsyncAccord(make_settings()) as engine:
        yield engine


@pytest.fixture
async def paused(make_settings: Callable[..., AccordSettings]) -> AsyncIterator[AsyncAccord]:
    """An engine whose background worker does not run: jobs stay queued until processed."""
    async with AsyncAccord(make_settings(run_worker=False)) as engine:
        yield engine
