"""Models named as their libraries name them: a local directory, or a Hugging Face repo id.

``model2vec:minishlab/potion-base-8M`` resolves the way ``huggingface_hub`` resolves any model:
the local cache first (``HF_HUB_CACHE``, default ``~/.cache/huggingface/hub``), then the hub
when it can be reached. ``HF_HUB_OFFLINE=1`` keeps it to the cache. A model that is neither
cached nor reachable is a :class:`ProviderError` saying so and how to fix it (``accord models
pull`` where there is network, or a local directory).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from accord.errors import InvalidInputError, ProviderError

__all__ = ["CachedModel", "cached_models", "hub_cache_dir", "looks_like_repo_id", "model_kind", "snapshot"]

_INSTALL_HINT = "pip install huggingface_hub (it comes with 'accord[model2vec]' and 'accord[sentence-transformers]')"
_REPO_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")
_TRUE = {"1", "true", "yes", "on"}


def looks_like_repo_id(name: str) -> bool:
    """``org/name`` that is not a path on this machine (a path that exists always wins)."""
    return bool(_REPO_ID.fullmatch(name)) and not Path(name).expanduser().exists()


def offline() -> bool:
    """Whether the hub must not be contacted (``HF_HUB_OFFLINE`` or ``TRANSFORMERS_OFFLINE``).

    Read now, not only at huggingface_hub's import, so it applies however the process started.
    """
    return any(os.environ.get(v, "").strip().lower() in _TRUE for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def hub_cache_dir() -> Path:
    """The Hugging Face cache directory in force (what ``huggingface_hub`` reads and writes)."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    try:
        from huggingface_hub import constants
    except ImportError:
        return Path("~/.cache/huggingface/hub").expanduser()
    return Path(constants.HF_HUB_CACHE)


def snapshot(repo_id: str, *, download: bool = True) -> Path:
    """The local directory of a hub model: from the cache, else downloaded (if allowed).

    Args:
        repo_id: ``org/name`` on the Hugging Face hub.
        download: Fetch it when it is not cached (never when offline).

    Raises:
        InvalidInputError: ``repo_id`` is not of the form ``org/name`` (``field == "embedder"``).
        ProviderError: huggingface_hub is missing, or the model is not cached and cannot be
            (or may not be) downloaded.
    """
    if not _REPO_ID.fullmatch(repo_id):
        raise InvalidInputError("embedder", f"{repo_id!r} is neither a local directory nor a hub id (org/name)")
    try:
        from huggingface_hub import snapshot_download
        from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError
    except ImportError as e:
        raise ProviderError(f"hub models need huggingface_hub: {_INSTALL_HINT}") from e
    cache = hub_cache_dir()
    try:
        return Path(snapshot_download(repo_id, cache_dir=cache, local_files_only=True))
    except LocalEntryNotFoundError:
        pass
    hint = f"run 'accord models pull {repo_id}' on a machine with network access (same HF_HUB_CACHE), or name a local directory"
    if offline():
        raise ProviderError(f"model {repo_id!r} is not in the Hugging Face cache {cache} and HF_HUB_OFFLINE is set: {hint}")
    if not download:
        raise ProviderError(f"model {repo_id!r} is not in the Hugging Face cache {cache}: {hint}")
    try:
        return Path(snapshot_download(repo_id, cache_dir=cache))
    except (HfHubHTTPError, LocalEntryNotFoundError, OSError, ValueError) as e:
        # LocalEntryNotFoundError again: huggingface_hub's word for "the hub is unreachable".
        raise ProviderError(f"model {repo_id!r} is not in the cache {cache} and the hub cannot serve it ({e}): {hint}") from e


def model_kind(path: Path) -> str:
    """What a model directory holds: ``model2vec``, ``sentence-transformers``, ``onnx`` or ``other``."""
    config = path / "config.json"
    if config.is_file():
        try:
            if json.loads(config.read_text(encoding="utf-8")).get("model_type") == "model2vec":
                return "model2vec"
        except (OSError, ValueError):
            pass
    if (path / "modules.json").is_file():
        return "sentence-transformers"
    if (path / "model.onnx").is_file() or (path / "onnx").is_dir():
        return "onnx"
    return "other"


@dataclass(frozen=True)
class CachedModel:
    """One model in the Hugging Face cache."""

    repo_id: str
    kind: str
    size_mb: float
    path: Path


def cached_models() -> list[CachedModel]:
    """The models in the Hugging Face cache (empty when there is none, or no huggingface_hub)."""
    cache = hub_cache_dir()
    if not cache.is_dir():
        return []
    try:
        from huggingface_hub import scan_cache_dir
        from huggingface_hub.errors import CacheNotFound
    except ImportError:
        return []
    try:
        info = scan_cache_dir(cache)
    except CacheNotFound:
        return []
    out = []
    for repo in sorted(info.repos, key=lambda r: r.repo_id):
        if repo.repo_type != "model" or not repo.revisions:
            continue
        newest = max(repo.revisions, key=lambda r: r.last_modified)
        out.append(CachedModel(repo.repo_id, model_kind(Path(newest.snapshot_path)), round(repo.size_on_disk / 1e6, 1), Path(newest.snapshot_path)))
    return out
