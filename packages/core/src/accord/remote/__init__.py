"""A client of ``accord serve`` with the engine's interface: ``connect`` (blocking) and ``connect_async``."""

from accord.remote.client import AsyncRemoteAccord
from accord.remote.sync import RemoteAccord, connect, connect_async

__all__ = ["AsyncRemoteAccord", "RemoteAccord", "connect", "connect_async"]
