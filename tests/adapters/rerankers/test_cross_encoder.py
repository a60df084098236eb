"""The cross-encoder reranker's real loading and scoring code, on a tiny model built here.

No model can be downloaded, so the test builds one: a two-layer BERT classifier (MiniLM's
tokenizer, random weights) trained for a few steps to score (question, memory) pairs about the
same topic above pairs about another, saved to a directory and loaded by path exactly as a
user's model is, through sentence-transformers' ``CrossEncoder``.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from accord import AccordSettings, AsyncAccord
from accord.errors import InvalidInputError, ProviderError
from accord.ports import RerankCandidate, Reranker

pytestmark = pytest.mark.dense

TOPICS = {
    "cello": ("Which instrument does she practise?", "I practise the cello every evening."),
    "sailing": ("Where did he go by boat?", "We sailed to Catalina Island on Saturday."),
    "garden": ("What grows in her garden?", "Tomatoes and basil grow in my garden."),
}


@pytest.fixture(scope="module")
def tiny_cross_encoder(minilm_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    torch = pytest.importorskip("torch", reason="needs torch for sentence-transformers")
    transformers = pytest.importorskip("transformers", reason="needs transformers")
    pytest.importorskip("sentence_transformers", reason="needs pip install 'accord[sentence-transformers]'")
    torch.manual_seed(0)
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(minilm_path))
    config = transformers.BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=128, num_labels=1,
    )  # fmt: skip
    model = transformers.BertForSequenceClassification(config)
    pairs, labels = [], []
    for name, (question, answer) in TOPICS.items():
        for other, (_, wrong) in TOPICS.items():
            pairs.append((question, answer if other == name else wrong))
            labels.append(1.0 if other == name else 0.0)
    batch = tokenizer([q for q, _ in pairs], [a for _, a in pairs], padding=True, return_tensors="pt")
    target = torch.tensor(labels)
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(40):
        optimiser.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(**batch).logits.squeeze(-1), target)
        loss.backward()
        optimiser.step()
    out = tmp_path_factory.mktemp("tiny-cross-encoder")
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def _candidates() -> list[RerankCandidate]:
    return [RerankCandidate(memory_id=name, text=answer, relevance=0.5) for name, (_, answer) in TOPICS.items()]


async def test_it_loads_by_path_and_scores_like_the_library(tiny_cross_encoder: Path) -> None:
    from sentence_transformers import CrossEncoder

    from accord.adapters.rerankers.cross_encoder import CrossEncoderReranker

    reranker = CrossEncoderReranker(tiny_cross_encoder)
    assert isinstance(reranker, Reranker) and reranker.name == f"cross-encoder:{tiny_cross_encoder.name}"
    question = TOPICS["sailing"][0]
    scores = await reranker.rerank(question, _candidates())
    raw = CrossEncoder(str(tiny_cross_encoder)).predict([(question, c.text) for c in _candidates()])
    assert scores == pytest.approx([1 / (1 + math.exp(-float(r))) for r in raw], abs=1e-5)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert max(range(3), key=scores.__getitem__) == 1  # the sailing memory, as trained
    assert await reranker.rerank(question, []) == []


async def test_a_missing_model_or_a_bad_spec_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from accord.adapters.rerankers.loader import load_reranker
    from accord.domain.clock import ManualClock

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ProviderError, match="HF_HUB_OFFLINE"):
        load_reranker("cross-encoder:nobody/no-such-reranker", ManualClock())
    with pytest.raises(ProviderError):
        load_reranker(f"cross-encoder:{tmp_path}", ManualClock())  # a directory without a model
    for spec in ("cross-encoder:", "bm25", "features:x"):
        with pytest.raises(InvalidInputError) as e:
            load_reranker(spec, ManualClock())
        assert e.value.field == "reranker"


async def test_the_engine_ranks_by_it_and_says_so(tiny_cross_encoder: Path, tmp_path: Path) -> None:
    settings = AccordSettings(data_dir=tmp_path / "d", embedder="none", reranker=f"cross-encoder:{tiny_cross_encoder}")
    async with AsyncAccord(settings) as engine:
        turns = [{"role": "user", "content": answer} for _, answer in TOPICS.values()]
        await engine.add(turns, user_id="u", wait=True)
        query = "cello, Catalina or garden?"  # one word of each: the first stage finds all three
        got = await engine.get(query, "u", limit=3, categories=["episodic"])
        assert got.mode.reranker == f"cross-encoder:{tiny_cross_encoder.name}"
        from sentence_transformers import CrossEncoder

        texts = [answer for _, answer in TOPICS.values()]
        raw = CrossEncoder(str(tiny_cross_encoder)).predict([(query, t) for t in texts])
        expected = [t for _, t in sorted(zip(raw, texts, strict=True), reverse=True)]
        assert [m.content for m in got.memories if m.category.value == "episodic"] == expected
