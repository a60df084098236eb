# Claude Code: add Accord to this project (or pass --scope user for every project).
# Local, over stdio (the server embeds the engine on ~/.accord):
claude mcp add --transport stdio --env ACCORD_MCP_USER_ID=me accord -- accord-mcp
# Or to a running `accord-mcp --transport streamable-http`, with an agent key:
claude mcp add --transport http accord http://127.0.0.1:8766/mcp --header "Authorization: Bearer ${ACCORD_API_KEY}"
