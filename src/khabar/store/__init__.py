"""Where refined articles are kept and searched: ``khabar.store.open(target)``.

A path (or ``sqlite:///path``) opens the embedded SQLite store (``khabar.store.sqlite``, the default:
a file, nothing to start); a ``postgresql://`` URL opens the PostgreSQL store for a team's shared server
(``khabar.store.postgres``, loaded only then). Both implement ``Store`` (``khabar.store.base``).
"""

from __future__ import annotations

import importlib
from typing import Any

from khabar.store.base import Hit, QueryError, SearchFilters, SearchResult, Store, StoreError

__all__ = ["Hit", "QueryError", "SearchFilters", "SearchResult", "Store", "StoreError", "open"]


def open(target: str, *, readonly: bool = False) -> Store:
    """The store at ``target``: a file path or ``sqlite:///path``, or a ``postgresql://`` URL."""
    if target.startswith(("postgresql://", "postgres://")):
        try:
            module: Any = importlib.import_module("khabar.store.postgres")
        except ModuleNotFoundError as exc:
            if exc.name not in ("khabar.store.postgres", "psycopg"):
                raise
            what = (
                "psycopg (pip install 'psycopg[binary]')"
                if exc.name == "psycopg"
                else "khabar.store.postgres"
            )
            raise StoreError(f"PostgreSQL stores need {what}, which is not installed") from None
        return module.PostgresStore(target, readonly=readonly)  # type: ignore[no-any-return]
    from khabar.store.sqlite import SQLiteStore

    # sqlite:///relative.db and sqlite:////absolute/path.db, as SQLAlchemy spells them
    return SQLiteStore(target.removeprefix("sqlite:///"), readonly=readonly)
