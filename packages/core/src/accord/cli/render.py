"""How the CLI shows things to a person: tables (rich) and the clarification question.

Tables go to stdout; when stdout is piped rich draws no colour and uses the full line width
of its fallback (80 columns), so ``accord list | grep`` still finds whole words. Scripts that
need every field use ``--json``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from accord.domain.models import ClarificationQuestion, Memory

__all__ = ["clarification_text", "memory_table"]


def memory_table(memories: Sequence[Memory], *, console: Console | None = None) -> None:
    """Print memories as a table: id, category, importance, status, when, content."""
    out = console or _stdout()
    if not memories:
        out.print("(no memories)")
        return
    table = Table(show_lines=False, header_style="bold")
    table.add_column("id", no_wrap=True)
    table.add_column("category", no_wrap=True)
    table.add_column("imp.", justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("said", no_wrap=True)
    table.add_column("content", overflow="fold")
    for m in memories:
        said = m.valid_from or m.created_at
        table.add_row(
            m.id,
            Text(m.category.value + (f" ({m.attribute_key})" if m.attribute_key else "")),
            f"{m.importance_score:.2f}",
            m.status.value,
            said.strftime("%Y-%m-%d"),
            # Text, not str: stored text with [brackets] must print as written, not as rich markup.
            Text(m.content),
        )
    out.print(table)
    out.print(f"{len(memories)} memories", style="dim")


def _stdout() -> Console:
    console = Console()
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = 160  # piped: wide enough that an id and a sentence share a line
    return console


def clarification_text(question: ClarificationQuestion) -> str:
    """The pending question, its options and the command that answers it."""
    lines = [f"Question for the user: {question.question}"]
    lines += [f"  {n}. {option.content}" for n, option in enumerate(question.options, start=1)]
    lines.append(f"Answer with: accord resolve {question.id} 1|2|keep_both|<words>")
    return "\n".join(lines)
