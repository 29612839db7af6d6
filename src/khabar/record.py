"""The Article record: khabar's one document type, its JSON line form and its Arrow/Parquet form.

Every stage reads and writes this record. Later stages (entities, dates, numbers, quotes,
duplicates) add standoff spans that point into ``paragraphs`` by (paragraph index, start, end)
character offsets, so the text itself is never rewritten by them.

Both serialised forms round-trip exactly: ``Article.from_json(a.to_json()) == a`` and
``from_arrow(to_arrow([a])) == [a]``. The schema carries a version (``SCHEMA_VERSION``); a reader
refuses a record of a newer major version instead of misreading it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any, Self

import pyarrow as pa

SCHEMA_VERSION = "1.0"

# Repetition metrics stored in ``Article.stats["before"|"after"]``; see khabar.repair.stats.
STAT_NAMES: tuple[str, ...] = (
    "lines",
    "dup_line_frac",
    "dup_line_char_frac",
    "paragraphs",
    "dup_para_frac",
    "dup_para_char_frac",
    "top_2gram_char_frac",
    "top_3gram_char_frac",
    "top_4gram_char_frac",
    "dup_5gram_char_frac",
    "dup_6gram_char_frac",
    "dup_7gram_char_frac",
    "dup_8gram_char_frac",
    "dup_9gram_char_frac",
    "dup_10gram_char_frac",
)


class SchemaError(ValueError):
    """A serialised record that this version of khabar cannot read."""


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


class _Record:
    """Shared (de)serialisation for the small dataclasses below: ``None`` fields are left out of
    JSON and restored as ``None``, so JSON stays compact and both forms compare equal."""

    def to_dict(self) -> dict[str, Any]:
        # every field is a scalar (tests/test_record.py checks), so no deep copy as ``asdict`` makes: this
        # runs for every entity, edit and quote of every record written
        return {name: v for name in _field_names(type(self)) if (v := getattr(self, name)) is not None}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Self:
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass(frozen=True, slots=True)
class Edit(_Record):
    """One change made to the text, enough to undo it.

    ``op`` is ``"edit"`` (characters ``start:end`` of source line ``line``, as the line stood just
    before this edit, were ``old`` and became ``new``) or ``"drop"`` (source line ``line`` was
    removed whole; ``old`` is its text at that moment). Lines are numbered from 0 in the input as
    split on ``\\n``. ``kept_line``/``kept`` name the copy that was kept when content was removed as
    a repeat: its source line and its index in ``paragraphs``. ``field`` is ``"body"`` or
    ``"title"``.
    """

    op: str
    reason: str
    line: int
    old: str
    new: str = ""
    start: int | None = None
    end: int | None = None
    kept_line: int | None = None
    kept: int | None = None
    field: str = "body"


@dataclass(frozen=True, slots=True)
class Dateline(_Record):
    """Where and from whom a story was filed, lifted out of its first (or last) paragraph."""

    raw: str
    place: str | None = None
    place_en: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    agency: str | None = None  # canonical short name, e.g. "AFP"; several joined by ", "
    agency_en: str | None = None
    agency_kind: str | None = None  # "agency" | "outlet"
    date: str | None = None  # a date written inside the dateline, as written
    byline: str | None = None  # a reporter named in the dateline («نايف عبدالله – عين اليوم»)
    position: str = "start"  # "start" | "end" (a closing credit)


@dataclass(frozen=True, slots=True)
class Entity(_Record):
    type: str  # PERS | LOC | ORG | MISC
    text: str
    para: int
    start: int
    end: int
    canonical: str | None = None
    name_en: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class DateMention(_Record):
    text: str
    para: int
    start: int
    end: int
    value: str | None = None  # ISO 8601, truncated to its granularity
    granularity: str | None = None  # day | month | year | week


@dataclass(frozen=True, slots=True)
class NumberMention(_Record):
    text: str
    para: int
    start: int
    end: int
    value: float | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Quote(_Record):
    text: str
    para: int
    start: int
    end: int
    speaker: str | None = None
    speaker_entity: int | None = None  # index into Article.entities


@dataclass(frozen=True, slots=True)
class Duplicate(_Record):
    of: str
    kind: str  # exact | near | contained
    similarity: float


_SPAN_TYPES: dict[str, type[_Record]] = {
    "entities": Entity,
    "dates": DateMention,
    "numbers": NumberMention,
    "quotes": Quote,
}


@dataclass(slots=True)
class Article:
    """A cleaned article. See the README's schema section for every field."""

    id: str
    paragraphs: list[str]
    source: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None
    dateline: Dateline | None = None
    edits: list[Edit] = field(default_factory=list)
    stats: dict[str, dict[str, float]] = field(default_factory=dict)
    entities: list[Entity] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    numbers: list[NumberMention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    duplicate: Duplicate | None = None
    story: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    schema: str = SCHEMA_VERSION

    @property
    def text(self) -> str:
        """The clean body as one string, paragraphs separated by a newline."""
        return "\n".join(self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "url": self.url,
            "title": self.title,
            "published": self.published,
            "paragraphs": list(self.paragraphs),
            "dateline": self.dateline.to_dict() if self.dateline else None,
            "edits": [e.to_dict() for e in self.edits],
            "stats": {k: dict(v) for k, v in self.stats.items()},
            "entities": [e.to_dict() for e in self.entities],
            "dates": [e.to_dict() for e in self.dates],
            "numbers": [e.to_dict() for e in self.numbers],
            "quotes": [e.to_dict() for e in self.quotes],
            "duplicate": self.duplicate.to_dict() if self.duplicate else None,
            "story": self.story,
            "meta": dict(self.meta),
            "schema": self.schema,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        schema = str(d.get("schema", SCHEMA_VERSION))
        if schema.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
            raise SchemaError(f"record schema {schema} is not readable by khabar schema {SCHEMA_VERSION}")
        if "id" not in d or "paragraphs" not in d:
            raise SchemaError("not a khabar record: needs 'id' and 'paragraphs'")
        spans = {name: [kind.from_dict(x) for x in d.get(name) or []] for name, kind in _SPAN_TYPES.items()}
        return cls(
            id=d["id"],
            paragraphs=list(d["paragraphs"]),
            source=d.get("source"),
            url=d.get("url"),
            title=d.get("title"),
            published=d.get("published"),
            dateline=Dateline.from_dict(d["dateline"]) if d.get("dateline") else None,
            edits=[Edit.from_dict(e) for e in d.get("edits") or []],
            stats={k: {m: float(x) for m, x in v.items()} for k, v in (d.get("stats") or {}).items()},
            duplicate=Duplicate.from_dict(d["duplicate"]) if d.get("duplicate") else None,
            story=d.get("story"),
            meta=dict(d.get("meta") or {}),
            schema=schema,
            **spans,  # type: ignore[arg-type]
        )

    def to_json(self) -> str:
        """One line of JSON; keys in schema order, non-ASCII kept as is, so output is byte-stable."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, line: str) -> Article:
        return cls.from_dict(json.loads(line))


# ---------------------------------------------------------------------------------------------
# Arrow form. Nested dataclasses become structs, lists become list<struct>, ``meta`` a map.


def _struct(*cols: tuple[str, pa.DataType]) -> pa.StructType:
    return pa.struct([pa.field(n, t) for n, t in cols])


_S, _I, _F = pa.string(), pa.int64(), pa.float64()

EDIT_TYPE = _struct(
    ("op", _S), ("reason", _S), ("line", _I), ("old", _S), ("new", _S), ("start", _I), ("end", _I),
    ("kept_line", _I), ("kept", _I), ("field", _S),
)  # fmt: skip
DATELINE_TYPE = _struct(
    ("raw", _S), ("place", _S), ("place_en", _S), ("country", _S), ("agency", _S), ("agency_en", _S),
    ("agency_kind", _S), ("date", _S), ("byline", _S), ("position", _S),
)  # fmt: skip
ENTITY_TYPE = _struct(
    ("type", _S), ("text", _S), ("para", _I), ("start", _I), ("end", _I), ("canonical", _S),
    ("name_en", _S), ("country", _S),
)  # fmt: skip
DATE_TYPE = _struct(
    ("text", _S), ("para", _I), ("start", _I), ("end", _I), ("value", _S), ("granularity", _S)
)
NUMBER_TYPE = _struct(("text", _S), ("para", _I), ("start", _I), ("end", _I), ("value", _F), ("unit", _S))
QUOTE_TYPE = _struct(
    ("text", _S), ("para", _I), ("start", _I), ("end", _I), ("speaker", _S), ("speaker_entity", _I)
)
DUPLICATE_TYPE = _struct(("of", _S), ("kind", _S), ("similarity", _F))
STATS_TYPE = _struct(*[(n, _F) for n in STAT_NAMES])

ARROW_SCHEMA = pa.schema(
    [
        pa.field("id", _S, nullable=False),
        pa.field("source", _S),
        pa.field("url", _S),
        pa.field("title", _S),
        pa.field("published", _S),
        pa.field("paragraphs", pa.list_(_S)),
        pa.field("dateline", DATELINE_TYPE),
        pa.field("edits", pa.list_(EDIT_TYPE)),
        pa.field("stats", _struct(("before", STATS_TYPE), ("after", STATS_TYPE))),
        pa.field("entities", pa.list_(ENTITY_TYPE)),
        pa.field("dates", pa.list_(DATE_TYPE)),
        pa.field("numbers", pa.list_(NUMBER_TYPE)),
        pa.field("quotes", pa.list_(QUOTE_TYPE)),
        pa.field("duplicate", DUPLICATE_TYPE),
        pa.field("story", _S),
        pa.field("meta", pa.map_(_S, _S)),
        pa.field("schema", _S),
    ],
    metadata={"khabar.schema": SCHEMA_VERSION},
)


def _full(obj: _Record | None) -> dict[str, Any] | None:
    return None if obj is None else {name: getattr(obj, name) for name in _field_names(type(obj))}


def _arrow_row(a: Article) -> dict[str, Any]:
    return {
        "id": a.id,
        "source": a.source,
        "url": a.url,
        "title": a.title,
        "published": a.published,
        "paragraphs": a.paragraphs,
        "dateline": _full(a.dateline),
        "edits": [_full(e) for e in a.edits],
        "stats": {k: a.stats[k] for k in ("before", "after")} if a.stats else None,
        "entities": [_full(e) for e in a.entities],
        "dates": [_full(e) for e in a.dates],
        "numbers": [_full(e) for e in a.numbers],
        "quotes": [_full(e) for e in a.quotes],
        "duplicate": _full(a.duplicate),
        "story": a.story,
        "meta": list(a.meta.items()),
        "schema": a.schema,
    }


def to_arrow(articles: Iterable[Article]) -> pa.Table:
    """Articles as an Arrow table in ``ARROW_SCHEMA``."""
    return pa.Table.from_pylist([_arrow_row(a) for a in articles], schema=ARROW_SCHEMA)


def from_arrow(table: pa.Table | pa.RecordBatch) -> Iterator[Article]:
    """Articles back from an Arrow table or batch written by ``to_arrow``."""
    for row in table.to_pylist():
        row["meta"] = dict(row["meta"] or [])
        if row["stats"] is None:
            row["stats"] = {}
        yield Article.from_dict(row)
