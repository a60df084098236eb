"""Accord in two lines: add() after a conversation, get() before the next model call.

Run it:  python examples/quickstart.py
"""

import tempfile

from accord import Accord

# Accord() on its own keeps memory in ~/.accord; this example uses a throwaway directory.
with tempfile.TemporaryDirectory() as data_dir, Accord(data_dir=data_dir) as memory:
    # After a conversation: remember it. wait=True waits for extraction (normally it runs
    # in the background and add() returns at once with a job id).
    memory.add(
        [
            {"role": "user", "content": "I'm vegetarian and I'm allergic to peanuts."},
            {"role": "assistant", "content": "Noted! Any cuisine you love?"},
            {"role": "user", "content": "I love Thai food. I prefer short recipes."},
        ],
        user_id="alice",
        wait=True,
    )

    # Before the next model call: get what matters for this query, ready for the prompt.
    context = memory.get("Suggest a dinner recipe for tonight", user_id="alice")
    print(context.system_prompt_addition)
    print(f"\n({len(context.memories)} memories, {context.context_token_count} tokens, search={context.mode.search})")
