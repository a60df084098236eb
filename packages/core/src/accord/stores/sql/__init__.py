"""The canonical store: SQLAlchemy async over SQLite (default) or PostgreSQL."""

from accord.stores.sql.store import SqlStore

__all__ = ["SqlStore"]
