"""Alembic migrations of the SQL store, shipped inside the package (see ``accord.adapters.sql.migrate``)."""
