"""Pure logic: the models and the rules of the gate, conflicts, ranking, context, lexical search,
validation, access and keys. Nothing here does I/O, so all of it tests without a store or a loop."""
