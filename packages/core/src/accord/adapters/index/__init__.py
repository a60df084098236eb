"""``VectorIndex`` adapters: Qdrant Edge (embedded) and a Qdrant server (qdrant-client)."""
