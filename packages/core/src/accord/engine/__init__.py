"""The service layer: the async engine and the write, read, job, curation and passport paths it runs
over the ports. Wiring happens once, in ``bootstrap``."""
