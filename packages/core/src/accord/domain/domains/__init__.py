"""Domain schemas: structured, product-specific memory on top of the general engine.

Pure logic only (no I/O): schema documents and their validation (:mod:`.schema`), observing
a conversation for a schema's fields (:mod:`.observe`, :mod:`.edtech`, :mod:`.support`,
:mod:`.custom`), the forgetting curve (:mod:`.review`), folding what was observed into a user's
domain state and building the profile (:mod:`.profile`), the context block (:mod:`.block`) and
domain-aware conflict routing (:mod:`.routing`). The engine wires them in ``engine/domains.py``.
"""
