"""The ``accord`` command line: ``main`` dispatches; ``demo`` and ``bench`` are its bigger commands."""
