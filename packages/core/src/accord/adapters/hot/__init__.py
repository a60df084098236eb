"""``HotCache`` adapters: in-process, Redis, and the fallback that serves from memory while Redis is down."""
