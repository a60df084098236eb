"""``Extractor`` adapters: the offline rules (``rules``); the LLM extractor lives in :mod:`accord.adapters.llm`."""
