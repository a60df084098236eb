"""Embedders against real local models (MiniLM, a distilled Model2Vec) and a fake OpenAI server."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from accord import InvalidInputError, ProviderError
from accord.adapters.embedders.loader import default_model2vec_dir, load_embedder
from accord.ports import Embedder

TEA, MATCHA, CRASH = "green tea", "I drink matcha", "the server crashed"


def assert_unit_vectors(vectors: list[np.ndarray], dim: int) -> None:
    for v in vectors:
        assert v.shape == (dim,)
        assert v.dtype == np.float32
        assert abs(float(np.linalg.norm(v)) - 1.0) < 1e-5


async def assert_semantic_order(embedder: Embedder) -> None:
    tea, matcha, crash = await embedder.embed_documents([TEA, MATCHA, CRASH])
    assert float(tea @ matcha) > float(tea @ crash)
    query = await embedder.embed_query(TEA)
    assert float(query @ matcha) > float(query @ crash)


# --- sentence-transformers -------------------------------------------------------------------


@pytest.fixture(scope="module")
def st_embedder(minilm_path: Path) -> Any:
    pytest.importorskip("sentence_transformers", reason="needs pip install 'accord[sentence-transformers]'")
    from accord.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(minilm_path)


@pytest.mark.dense
async def test_sentence_transformer_minilm(st_embedder: Any) -> None:
    assert isinstance(st_embedder, Embedder)
    assert st_embedder.dim == 384
    assert st_embedder.name.startswith("sentence-transformers:")
    docs = await st_embedder.embed_documents([TEA, MATCHA, CRASH])
    assert_unit_vectors(docs, 384)
    assert_unit_vectors([await st_embedder.embed_query(TEA)], 384)
    await assert_semantic_order(st_embedder)
    assert await st_embedder.embed_documents([]) == []


@pytest.mark.dense
async def test_sentence_transformer_query_matches_document_for_promptless_model(st_embedder: Any) -> None:
    query = await st_embedder.embed_query(TEA)
    (doc,) = await st_embedder.embed_documents([TEA])
    assert float(query @ doc) > 0.999


@pytest.mark.dense
async def test_sentence_transformer_concurrent_calls(st_embedder: Any) -> None:
    texts = [TEA, MATCHA, CRASH, "hello"]
    together = await asyncio.gather(*(st_embedder.embed_query(t) for t in texts))
    for text, vector in zip(texts, together, strict=True):
        assert np.allclose(vector, await st_embedder.embed_query(text), atol=1e-5)


@pytest.mark.dense
def test_sentence_transformer_offline_without_the_model_is_a_provider_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytest.importorskip("sentence_transformers")
    from accord.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # a name is looked up in the cache, never fetched
    with pytest.raises(ProviderError, match="HF_HUB_OFFLINE"):
        SentenceTransformerEmbedder("accord-tests/no-such-model-anywhere")


# --- model2vec -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def m2v_embedder(model2vec_dir: Path) -> Any:
    from accord.adapters.embedders.model2vec import Model2VecEmbedder

    return Model2VecEmbedder(model2vec_dir)


@pytest.mark.dense
async def test_model2vec_distilled_minilm(m2v_embedder: Any, model2vec_dir: Path) -> None:
    assert isinstance(m2v_embedder, Embedder)
    assert m2v_embedder.name == f"model2vec:{model2vec_dir.name}"
    assert m2v_embedder.dim == 256
    docs = await m2v_embedder.embed_documents([TEA, MATCHA, CRASH, ""])
    assert_unit_vectors(docs[:3], 256)
    assert np.all(np.isfinite(docs[3]))  # no known tokens: a zero vector, never NaN
    assert_unit_vectors([await m2v_embedder.embed_query(TEA)], 256)
    await assert_semantic_order(m2v_embedder)
    assert await m2v_embedder.embed_documents([]) == []


@pytest.mark.dense
async def test_model2vec_large_batches_match_small_ones(m2v_embedder: Any) -> None:
    texts = [f"note {i}: the user mentioned tea number {i}" for i in range(600)]  # off-loop path
    batch = await m2v_embedder.embed_documents(texts)
    assert len(batch) == len(texts)
    for i in (0, 299, 599):
        assert np.allclose(batch[i], await m2v_embedder.embed_query(texts[i]), atol=1e-5)


def test_model2vec_refuses_hub_names_and_missing_dirs(tmp_path: Path) -> None:
    from accord.adapters.embedders.model2vec import Model2VecEmbedder

    for path in ("minishlab/potion-base-8M", tmp_path / "absent", tmp_path):
        with pytest.raises(InvalidInputError) as info:
            Model2VecEmbedder(path)
        assert info.value.field == "embedder"


# --- loader ----------------------------------------------------------------------------------


@pytest.mark.dense
async def test_loader_auto_finds_model2vec_under_data_dir(tmp_path: Path, model2vec_dir: Path) -> None:
    target = default_model2vec_dir(tmp_path)
    target.parent.mkdir(parents=True)
    target.symlink_to(model2vec_dir, target_is_directory=True)
    embedder = load_embedder("auto", tmp_path)
    assert embedder is not None
    assert embedder.name == "model2vec:model2vec"
    assert embedder.dim == 256
    await assert_semantic_order(embedder)
    explicit = load_embedder(f"model2vec:{model2vec_dir}", tmp_path / "elsewhere")
    assert explicit is not None
    assert explicit.dim == 256
    default_location = load_embedder("model2vec:", tmp_path)
    assert default_location is not None
    assert default_location.name == "model2vec:model2vec"


@pytest.mark.dense
def test_loader_auto_never_imports_torch(tmp_path: Path, model2vec_dir: Path) -> None:
    target = default_model2vec_dir(tmp_path)
    target.parent.mkdir(parents=True)
    target.symlink_to(model2vec_dir, target_is_directory=True)
    # A fresh interpreter, because this session has already imported torch for other tests.
    code = (
        "import sys, pathlib; from accord.adapters.embedders.loader import load_embedder; "
        f"e = load_embedder('auto', pathlib.Path({str(tmp_path)!r})); "
        "print(e.name, 'torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.split() == ["model2vec:model2vec", "False"]


def test_loader_auto_without_model_and_none(tmp_path: Path) -> None:
    assert load_embedder("auto", tmp_path) is None
    assert load_embedder(" AUTO ", tmp_path) is None
    assert load_embedder("none", tmp_path) is None


@pytest.mark.parametrize(
    "spec",
    ["", "bogus", "bogus:thing", "openai:text-embedding-3-small", "sentence-transformers:", "litellm: "],
)
def test_loader_rejects_bad_specs(spec: str, tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as info:
        load_embedder(spec, tmp_path)
    assert info.value.field == "embedder"


def test_loader_model2vec_spec_with_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError):
        load_embedder(f"model2vec:{tmp_path / 'nope'}", tmp_path)


@pytest.mark.dense
async def test_loader_sentence_transformers_spec(tmp_path: Path, minilm_path: Path) -> None:
    pytest.importorskip("sentence_transformers")
    embedder = load_embedder(f"sentence-transformers:{minilm_path}", tmp_path)
    assert embedder is not None
    assert embedder.dim == 384
    await assert_semantic_order(embedder)


# --- distill ---------------------------------------------------------------------------------


def test_distill_refuses_bad_arguments(tmp_path: Path, minilm_path: Path) -> None:
    from accord.adapters.embedders.distill import distill_model2vec

    with pytest.raises(InvalidInputError) as info:
        distill_model2vec("sentence-transformers/all-MiniLM-L6-v2", tmp_path / "out")
    assert info.value.field == "source"
    (tmp_path / "taken").mkdir()
    with pytest.raises(InvalidInputError) as info:
        distill_model2vec(minilm_path, tmp_path / "taken")
    assert info.value.field == "out_dir"
    assert not (tmp_path / "out").exists()


def test_default_source_model_is_a_local_model(minilm_path: Path) -> None:
    assert (minilm_path / "config.json").is_file()


# --- litellm ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def litellm_cls() -> Any:
    # As the embedder does: without it, importing litellm tries to fetch a cost map from GitHub.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    pytest.importorskip("litellm", reason="needs pip install 'accord[litellm]'")
    from accord.adapters.embedders.litellm import LiteLLMEmbedder

    return LiteLLMEmbedder


async def test_litellm_against_fake_openai_server(litellm_cls: Any, fake_openai: Any) -> None:
    embedder = litellm_cls("openai/fake-embed", api_base=fake_openai.api_base, api_key="sk-test")
    assert isinstance(embedder, Embedder)
    assert embedder.name == "litellm:openai/fake-embed"
    assert embedder.dim == 0  # unknown until the first response
    texts = ["alpha", "beta", "gamma"]
    vectors = await embedder.embed_documents(texts)
    assert embedder.dim == fake_openai.dim
    assert_unit_vectors(vectors, fake_openai.dim)
    for text, vector in zip(texts, vectors, strict=True):  # in input order despite the reversed reply
        expected = np.asarray(fake_openai.vector(text), dtype=np.float32)
        assert np.allclose(vector, expected / np.linalg.norm(expected), atol=1e-6)
    query = await embedder.embed_query("alpha")
    assert np.allclose(query, vectors[0], atol=1e-6)
    request = fake_openai.requests[0]
    assert request["body"]["model"] == "fake-embed"
    assert request["auth"] == "Bearer sk-test"
    assert await embedder.embed_documents([]) == []


async def test_litellm_probe_and_dimension_check(litellm_cls: Any, fake_openai: Any) -> None:
    probed = litellm_cls("openai/fake-embed", api_base=fake_openai.api_base, api_key="sk-test")
    assert await probed.probe() == fake_openai.dim
    wrong = litellm_cls(
        "openai/fake-embed", api_base=fake_openai.api_base, api_key="sk-test", dim=fake_openai.dim + 1
    )
    with pytest.raises(ProviderError, match="expected"):
        await wrong.embed_query("alpha")


async def test_litellm_provider_failures_become_provider_error(litellm_cls: Any, fake_openai: Any) -> None:
    rejected = litellm_cls("openai/fake-embed", api_base=fake_openai.api_base, api_key=fake_openai.bad_key)
    with pytest.raises(ProviderError) as info:
        await rejected.embed_query("alpha")
    assert info.value.__cause__ is not None
    unreachable = litellm_cls(
        "openai/fake-embed", api_base="http://127.0.0.1:1/v1", api_key="k", max_retries=0
    )
    with pytest.raises(ProviderError) as info:
        await unreachable.embed_documents(["alpha"])
    assert info.value.__cause__ is not None


_ZERO_RETRIES_IGNORED = pytest.mark.xfail(
    strict=True,
    reason="litellm's OpenAI embedding path reads `max_retries or DEFAULT_MAX_RETRIES`, so 0 means 2 "
    "retries (3 requests); strict, so this fails once litellm honours 0",
)


@pytest.mark.parametrize("max_retries", [pytest.param(0, marks=_ZERO_RETRIES_IGNORED), 1])
async def test_litellm_asks_a_provider_that_is_down_once_plus_its_retries(
    litellm_cls: Any, fake_openai: Any, max_retries: int
) -> None:
    # Counted, not timed: failing fast means not asking a dead provider more than allowed.
    down = litellm_cls(
        "openai/fake-embed", api_base=fake_openai.api_base, api_key=fake_openai.down_key, max_retries=max_retries
    )
    with pytest.raises(ProviderError):
        await down.embed_documents(["alpha"])
    assert len(fake_openai.requests) == 1 + max_retries


def test_loader_litellm_spec(litellm_cls: Any, tmp_path: Path, fake_openai: Any) -> None:
    embedder = load_embedder(
        "litellm:openai/fake-embed", tmp_path, api_base=fake_openai.api_base, api_key="k"
    )
    assert isinstance(embedder, litellm_cls)
