"""The reviewer: reaches Accord through MCP (``accord-mcp --remote-url``) with a read-only key.

It reads the context the other agents built, then tries to write, which its grant refuses.
Environment: ACCORD_URL, ACCORD_API_KEY (the reviewer's read-only key), EXAMPLE_USER.
Prints one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

from mcp import Client, StdioServerParameters


async def main() -> None:
    user = os.environ["EXAMPLE_USER"]
    server = StdioServerParameters(
        command=sys.executable,
        args=["-m", "accord_mcp", "--remote-url", os.environ["ACCORD_URL"]],
        env={**os.environ, "ACCORD_API_KEY": os.environ["ACCORD_API_KEY"], "ACCORD_MCP_USER_ID": user},
    )
    async with Client(server) as client:
        context = await client.call_tool("get_context", {"query": "training plan, knee and last week's runs", "limit": 20})
        attempt = await client.call_tool("add_memory", {"text": "Reviewer note: the plan looks fine."})
    text = context.structured_content or {}
    print(
        json.dumps(
            {
                "agent": "reviewer",
                "saw": [m["content"] for m in text.get("memories", [])],
                "context": text.get("system_prompt_addition", ""),
                "write_refused": bool(attempt.is_error),
                "write_error": "".join(getattr(c, "text", "") for c in attempt.content),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
