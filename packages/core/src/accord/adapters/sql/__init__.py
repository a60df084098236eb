"""The canonical store: SQLAlchemy async over SQLite (default) or PostgreSQL."""

from accord.adapters.sql.store import SqlStore

__all__ = ["SqlStore"]
