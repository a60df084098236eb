"""Token counting for context budgets, without a tokenizer dependency.

Counts word pieces and punctuation and adds a margin for long words, which tracks BPE
tokenizers (cl100k, o200k) closely on English and errs on the side of over-counting, so a
context never exceeds its budget in the model's own count by much.
"""

from __future__ import annotations

import re

_PIECE = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def count_tokens(text: str) -> int:
    total = 0
    for piece in _PIECE.findall(text):
        # Long words split into several BPE tokens: about one per 4 characters.
        total += 1 if len(piece) <= 6 else (len(piece) + 3) // 4
    return total
