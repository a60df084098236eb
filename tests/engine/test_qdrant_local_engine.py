"""The engine on qdrant-client's local mode (``ACCORD_QDRANT_PATH``), as the scale benchmark runs it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from accord import AccordSettings, AsyncAccord

pytest.importorskip("qdrant_client", reason="needs qdrant-client: pip install 'accord[qdrant-server]'")


async def test_the_engine_serves_from_local_mode_and_keeps_it(make_settings: Callable[..., AccordSettings],
                                                               tmp_path: Any) -> None:
    settings = make_settings(index="qdrant_server", qdrant_path=tmp_path / "qdrant")
    async with AsyncAccord(settings) as memory:
        assert memory.parts.index is not None and memory.parts.index.name == "qdrant_server"
        await memory.add("I keep bees on the roof of the library", user_id="ana", wait=True)
        found = await memory.get("bees on the roof", user_id="ana")
        assert found.mode.search == "lexical"
        assert any("bees" in m.content for m in found.memories)
    assert (tmp_path / "qdrant").is_dir()
    async with AsyncAccord(settings) as memory:  # reopened: the points are still there, nothing to rebuild
        assert memory.parts.index_stale is None
        assert await memory.parts.index.count("default") >= 1


def test_a_server_url_and_a_local_path_together_are_refused(tmp_path: Any) -> None:
    with pytest.raises(ValidationError, match="qdrant_path"):
        AccordSettings(data_dir=tmp_path, qdrant_url="http://localhost:6333", qdrant_path=tmp_path / "q")
