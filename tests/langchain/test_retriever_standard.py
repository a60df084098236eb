"""langchain-tests' standard retriever suite, on an embedded engine and on a remote client."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from accord import Accord, connect
from langchain_accord import AccordRetriever
from langchain_tests.integration_tests import RetrieversIntegrationTests

from .conftest import OPERATOR_KEY, seed, settings


class TestAccordRetrieverStandard(RetrieversIntegrationTests):
    """Embedded: ``Accord`` on tmp_path, five facts about alice."""

    memory: Any
    user_id = "alice"

    @pytest.fixture(autouse=True)
    def _memory(self, tmp_path: Path) -> Iterator[None]:
        with Accord(settings(tmp_path / "data")) as memory:
            seed(memory, self.user_id)
            self.memory = memory
            yield

    @property
    def retriever_constructor(self) -> type[AccordRetriever]:
        return AccordRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"engine": self.memory, "user_id": self.user_id}

    @property
    def retriever_query_example(self) -> str:
        return "what food and drink does the user like?"


class TestAccordRetrieverStandardRemote(TestAccordRetrieverStandard):
    """Remote: ``accord.connect()`` against a real ``accord serve``; a fresh user per test."""

    @pytest.fixture(autouse=True)
    def _memory(self, server_url: str) -> Iterator[None]:  # type: ignore[override]
        self.user_id = f"user-{uuid.uuid4().hex[:8]}"
        with connect(server_url, OPERATOR_KEY) as memory:
            seed(memory, self.user_id)  # type: ignore[arg-type]
            self.memory = memory
            yield
