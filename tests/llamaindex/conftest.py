"""Engines for the LlamaIndex adapter tests: the same as the LangChain adapter tests' (embedded on
tmp_path with lexical search, and a real ``accord serve`` process), defined once there."""

from __future__ import annotations

from ..langchain.conftest import OPERATOR_KEY, aengine, engine, server_url

__all__ = ["OPERATOR_KEY", "aengine", "engine", "server_url"]
