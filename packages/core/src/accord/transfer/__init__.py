"""Moving memory in and out of Accord: ``accord export`` and ``accord import``."""
