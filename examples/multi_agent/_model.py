"""The example's language model: scripted replies offline, a real model when one is configured.

Set ``ACCORD_EXAMPLE_MODEL`` to a litellm model id (e.g. ``openai/gpt-4o-mini``, with the
provider's usual key variable such as ``OPENAI_API_KEY``) to use a real model; otherwise each
agent answers from its script, so the example runs offline as written.
"""

from __future__ import annotations

import os


def real_model() -> str | None:
    return os.environ.get("ACCORD_EXAMPLE_MODEL") or None


def answer(system: str, prompt: str, scripted: str) -> str:
    """The model's reply to ``prompt``; ``scripted`` when no real model is configured."""
    model = real_model()
    if model is None:
        return scripted
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    reply = litellm.completion(
        model=model, messages=[{"role": "system", "content": system}, {"role": "user", "content": prompt}], timeout=60
    )
    return str(reply.choices[0].message.content)
