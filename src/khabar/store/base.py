"""The backend-neutral store contract: what ``khabar index``/``search``/``export`` need from a store.

SQLite (``khabar.store.sqlite``) and PostgreSQL (``khabar.store.postgres``) both implement ``Store``; the
query language (``query``), the record flattening (``rows``), the Arabic analysis (``analysis``) and the
snippets (``snippet``) are shared, so both backends find and show the same things.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from khabar.record import Article


class StoreError(Exception):
    """A store that cannot be opened or used: missing, not a khabar store, a newer schema, damaged."""


class QueryError(ValueError):
    """A search query or filter khabar cannot read (unbalanced quotes, a lone operator, a bad date):
    the message says what and where, for the user."""


@dataclass(frozen=True)
class SearchFilters:
    """Restrictions on a search; every one given must hold. Dates are ISO (``YYYY-MM-DD``), inclusive, on
    the publication day. Names (person, place, speaker) match whole words of an entity's text or canonical
    name, folded like search terms; country is ISO 3166-1 alpha-2; agency as in the dateline (``AFP``)."""

    source: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    person: str | None = None
    place: str | None = None
    country: str | None = None
    agency: str | None = None
    story: str | None = None
    speaker: str | None = None


@dataclass(frozen=True)
class Hit:
    """One search result. ``snippet`` is display text (diacritics as written) with each match wrapped in
    ``MARK_START``/``MARK_END``; ``para`` is the paragraph it comes from (``None``: matched in the title
    only). ``copies``: with ``collapse``, how many members of its story matched; else 1."""

    id: str
    score: float
    title: str | None
    source: str | None
    published: str | None
    url: str | None
    story: str | None
    copies: int
    snippet: str
    para: int | None


@dataclass(frozen=True)
class SearchResult:
    """A page of hits, best first. ``total``: matches before limit/offset (stories, with collapse)."""

    hits: list[Hit]
    total: int
    query: str


class StoreWriter(Protocol):
    """A run's sink (``khabar process/dedup --db``): articles are committed every batch; ``sync`` commits
    the open batch, ``abort`` drops it (what was committed stays), ``close`` commits and finishes."""

    def write(self, article: Article) -> None: ...
    def write_record(self, record: dict[str, Any]) -> None: ...
    def sync(self) -> None: ...
    def close(self) -> None: ...
    def abort(self) -> None: ...


class Store(Protocol):
    """Articles by id, searchable. ``add`` upserts by id in batches, one transaction per batch; ``export``
    gives every article in first-insertion order, so ``export`` after ``add`` gives the input back."""

    def add(self, articles: Iterable[Article]) -> int: ...
    def writer(self) -> StoreWriter: ...
    def get(self, id: str) -> Article | None: ...
    def export(self) -> Iterator[Article]: ...
    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        offset: int = 0,
        filters: SearchFilters | None = None,
        collapse: bool = False,
    ) -> SearchResult: ...
    def story(self, story_id: str) -> list[Article]: ...
    def stats(self) -> dict[str, Any]: ...
    def close(self) -> None: ...


MARK_START = "\x02"
MARK_END = "\x03"

__all__ = [
    "MARK_END",
    "MARK_START",
    "Hit",
    "QueryError",
    "SearchFilters",
    "SearchResult",
    "Store",
    "StoreError",
    "StoreWriter",
]
