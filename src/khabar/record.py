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
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import Any, Self

import pyarrow as pa

from khabar.text.display import LONE_SURROGATE_REASON, escape_surrogates, unescape_surrogates

SCHEMA_VERSION = "1.1"

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
# The metrics that are counts (integers in both forms); the rest are fractions.
STAT_COUNTS = frozenset({"lines", "paragraphs"})


def text_hash(text: str) -> str:
    """A short fingerprint of an input text (BLAKE2b, 64 bits, hex), kept in the record so that a
    damaged edit log is caught by ``restore`` instead of giving back wrong text."""
    # surrogatepass: an input may hold a lone surrogate (repaired in the record, restored exactly)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


class SchemaError(ValueError):
    """A serialised record that this version of khabar cannot read."""


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


class _Record:
    """Shared (de)serialisation for the small dataclasses below. Every field is written, ``None`` as
    null, so that loaders which infer types from the data (pyarrow, ``datasets``, pandas) see the same
    struct in every record, whichever optional parts it has."""

    def to_dict(self) -> dict[str, Any]:
        # every field is a scalar (tests/test_record.py checks), so no deep copy as ``asdict`` makes: this
        # runs for every entity, edit and quote of every record written
        return {name: getattr(self, name) for name in _field_names(type(self))}

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

    # A lone surrogate (reason ``lone-surrogate``) cannot be stored as UTF-8: in both serialised forms
    # its ``old`` is the escape text ``\\udXXX``, turned back into the character when read.
    def to_dict(self) -> dict[str, Any]:
        d = _Record.to_dict(self)
        if self.reason == LONE_SURROGATE_REASON:
            d["old"] = escape_surrogates(self.old)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Edit:
        e = cls(**{k: v for k, v in d.items() if k in _field_names(cls)})  # (no super(): slots)
        if e.reason == LONE_SURROGATE_REASON and isinstance(e.old, str):
            return replace(e, old=unescape_surrogates(e.old))
        return e


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
    # ``text_hash(input)``: lets ``restore`` prove that undoing the edits gave the input back
    input_hash: str | None = None
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
            "input_hash": self.input_hash,
            "stats": {k: dict(v) for k, v in self.stats.items()} or None,
            "entities": [e.to_dict() for e in self.entities],
            "dates": [e.to_dict() for e in self.dates],
            "numbers": [e.to_dict() for e in self.numbers],
            "quotes": [e.to_dict() for e in self.quotes],
            "duplicate": self.duplicate.to_dict() if self.duplicate else None,
            "story": self.story,
            "meta": [{"key": k, "value": v} for k, v in self.meta.items()],
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
            input_hash=d.get("input_hash"),
            stats={k: _stats(v) for k, v in (d.get("stats") or {}).items()},
            duplicate=Duplicate.from_dict(d["duplicate"]) if d.get("duplicate") else None,
            story=d.get("story"),
            meta=_meta(d.get("meta")),
            schema=schema,
            **spans,  # type: ignore[arg-type]
        )

    def to_json(self) -> str:
        """One line of JSON; keys in schema order, non-ASCII kept as is, so output is byte-stable."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, line: str) -> Article:
        return cls.from_dict(json.loads(line))


def _stats(values: dict[str, Any]) -> dict[str, float]:
    return {m: (int(x) if m in STAT_COUNTS else float(x)) for m, x in values.items()}


def _meta(value: Any) -> dict[str, str]:
    """``meta`` from its serialised form: a list of ``{"key", "value"}`` (schema 1.1), or the object of
    schema 1.0."""
    if not value:
        return {}
    if isinstance(value, dict):
        return dict(value)
    return {item["key"]: item["value"] for item in value}


# ---------------------------------------------------------------------------------------------
# Arrow form. Nested dataclasses become structs, lists become list<struct>. ``meta`` is a list of
# key/value structs as in JSON (the physical layout of an Arrow map, which ``datasets`` cannot load).
# ``published`` is a timestamp (an offset converted to UTC; naive times as they are) and
# ``published_text`` the string as in JSON, so the round trip stays exact.


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
STATS_TYPE = _struct(*[(n, _I if n in STAT_COUNTS else _F) for n in STAT_NAMES])
META_TYPE = pa.list_(_struct(("key", _S), ("value", _S)))

ARROW_SCHEMA = pa.schema(
    [
        pa.field("id", _S, nullable=False),
        pa.field("source", _S),
        pa.field("url", _S),
        pa.field("title", _S),
        pa.field("published", pa.timestamp("us")),
        pa.field("published_text", _S),
        pa.field("paragraphs", pa.list_(_S)),
        pa.field("dateline", DATELINE_TYPE),
        pa.field("edits", pa.list_(EDIT_TYPE)),
        pa.field("input_hash", _S),
        pa.field("stats", _struct(("before", STATS_TYPE), ("after", STATS_TYPE))),
        pa.field("entities", pa.list_(ENTITY_TYPE)),
        pa.field("dates", pa.list_(DATE_TYPE)),
        pa.field("numbers", pa.list_(NUMBER_TYPE)),
        pa.field("quotes", pa.list_(QUOTE_TYPE)),
        pa.field("duplicate", DUPLICATE_TYPE),
        pa.field("story", _S),
        pa.field("meta", META_TYPE),
        pa.field("schema", _S),
    ],
    metadata={"khabar.schema": SCHEMA_VERSION},
)


# The JSON Lines form's types as an Arrow schema: loaders that infer types from the data (a column that
# is null in every record of a file comes out as type null) can be given these instead, e.g.
# ``datasets.load_dataset("json", ..., features=datasets.Features.from_arrow_schema(JSON_ARROW_SCHEMA))``.
JSON_ARROW_SCHEMA = pa.schema(
    [
        pa.field("published", _S) if f.name == "published" else f
        for f in ARROW_SCHEMA
        if f.name != "published_text"
    ],
    metadata=ARROW_SCHEMA.metadata,
)


def _timestamp(published: str | None) -> datetime | None:
    """``published`` as a timestamp for the Arrow form; ``None`` when it is not ISO 8601."""
    if not published:
        return None
    try:
        t = datetime.fromisoformat(published)
    except ValueError:
        return None
    return t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo else t


def _full(obj: _Record | None) -> dict[str, Any] | None:
    return None if obj is None else {name: getattr(obj, name) for name in _field_names(type(obj))}


def _arrow_row(a: Article) -> dict[str, Any]:
    return {
        "id": a.id,
        "source": a.source,
        "url": a.url,
        "title": a.title,
        "published": _timestamp(a.published),
        "published_text": a.published,
        "paragraphs": a.paragraphs,
        "dateline": _full(a.dateline),
        "edits": [e.to_dict() for e in a.edits],
        "input_hash": a.input_hash,
        "stats": {k: a.stats[k] for k in ("before", "after")} if a.stats else None,
        "entities": [_full(e) for e in a.entities],
        "dates": [_full(e) for e in a.dates],
        "numbers": [_full(e) for e in a.numbers],
        "quotes": [_full(e) for e in a.quotes],
        "duplicate": _full(a.duplicate),
        "story": a.story,
        "meta": [{"key": k, "value": v} for k, v in a.meta.items()],
        "schema": a.schema,
    }


def to_arrow(articles: Iterable[Article]) -> pa.Table:
    """Articles as an Arrow table in ``ARROW_SCHEMA``."""
    return pa.Table.from_pylist([_arrow_row(a) for a in articles], schema=ARROW_SCHEMA)


def from_arrow(table: pa.Table | pa.RecordBatch) -> Iterator[Article]:
    """Articles back from an Arrow table or batch written by ``to_arrow``."""
    for row in table.to_pylist():
        row["published"] = row.pop("published_text")
        if row["stats"] is None:
            row["stats"] = {}
        yield Article.from_dict(row)
