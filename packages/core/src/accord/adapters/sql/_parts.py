"""What the SQL store's mixins use of :class:`accord.adapters.sql.SqlStore`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accord.adapters.sql.engine_factory import SqlRunner


class _StoreParts:
    """What this mixin uses of :class:`accord.adapters.sql.SqlStore`."""

    _sql: SqlRunner
    dialect: str
    name: str

    async def _write(self, fn: Any, what: str) -> Any:
        raise NotImplementedError

    async def _read(self, fn: Any, what: str, *, heavy: bool = False) -> Any:
        raise NotImplementedError

    def _insert(self, table: Any) -> Any:
        raise NotImplementedError
