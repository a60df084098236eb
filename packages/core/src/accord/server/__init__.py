"""``accord serve``: one process that owns the stores and serves the REST API.

Needs the ``server`` extra (``pip install 'accord[server]'``: FastAPI and uvicorn). Importing
this package does not import FastAPI; ``create_app`` does, so the remote client can share
:mod:`accord.server.wire` without the extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accord.server.settings import ServerSettings

if TYPE_CHECKING:
    from accord.server.app import create_app

__all__ = ["ServerSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        try:
            from accord.server.app import create_app
        except ImportError as e:  # pragma: no cover - depends on the installed extras
            raise ImportError(f"{e}: the Accord server needs `pip install 'accord[server]'`") from e
        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
