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
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import KW_ONLY, MISSING, Field, dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import Any, Self

import pyarrow as pa

from khabar.text.display import LONE_SURROGATE_REASON, escape_surrogates, unescape_surrogates

SCHEMA_VERSION = "1.1"

# Repetition metrics stored in ``Article.stats["before"|"after"]``; see khabar.refining.repetition_stats.
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


# Field metadata: ``published`` is stored in Arrow as a timestamp plus the text as written.
ARROW_TIMESTAMP = "khabar.arrow_timestamp"


@dataclass(slots=True)
class Article:
    """A cleaned article. See the README's schema section for every field.

    The fields are declared in the order of the serialised forms (JSON keys, Arrow columns), which are
    derived from them (:func:`record_columns`): a new field here is written, read and typed without any
    other edit. All but ``id`` and ``paragraphs`` are keyword-only: ``paragraphs`` is declared after
    ``published`` (its place in the record) and is still the second positional argument, and an old call
    passing ``source`` by position fails instead of setting another field."""

    id: str
    source: str | None = field(default=None, kw_only=True)
    url: str | None = field(default=None, kw_only=True)
    title: str | None = field(default=None, kw_only=True)
    published: str | None = field(default=None, kw_only=True, metadata={ARROW_TIMESTAMP: True})
    paragraphs: list[str]
    _: KW_ONLY
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
    # set by dedup on an article that holds pieces of ≥ 2 unrelated articles (a roundup, a live page):
    # how many; such a digest never joins the stories of its pieces
    digest: int | None = None
    meta: dict[str, str] = field(default_factory=dict)
    schema: str = SCHEMA_VERSION

    @property
    def text(self) -> str:
        """The clean body as one string, paragraphs separated by a newline."""
        return "\n".join(self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        return {c.name: c.to_json(getattr(self, c.name)) for c in record_columns(type(self))}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Self:
        schema = str(d.get("schema", SCHEMA_VERSION))
        if schema.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
            raise SchemaError(f"record schema {schema} is not readable by khabar schema {SCHEMA_VERSION}")
        if "id" not in d or "paragraphs" not in d:
            raise SchemaError("not a khabar record: needs 'id' and 'paragraphs'")
        # a field absent from ``d`` takes its default (an older record, or one written without it)
        values = {c.name: c.from_json(d[c.name]) for c in record_columns(cls) if c.name in d}
        values["schema"] = schema
        return cls(**values)

    def to_json(self) -> str:
        """One line of JSON; keys in schema order, non-ASCII kept as is, so output is byte-stable."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, line: str) -> Self:
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


_S, _I, _F = pa.string(), pa.int64(), pa.float64()
_ARROW_SCALARS: dict[Any, pa.DataType] = {str: _S, int: _I, float: _F}


def _optional(hint: Any) -> Any:
    """``X`` for ``X | None``, else the hint itself."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        (inner,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return inner
    return hint


def record_struct(cls: type[_Record]) -> pa.StructType:
    """The Arrow struct of a small record, from its fields' types (all scalars: str, int, float)."""
    hints = typing.get_type_hints(cls)
    return pa.struct([pa.field(f.name, _ARROW_SCALARS[_optional(hints[f.name])]) for f in fields(cls)])


EDIT_TYPE = record_struct(Edit)
DATELINE_TYPE = record_struct(Dateline)
ENTITY_TYPE = record_struct(Entity)
DATE_TYPE = record_struct(DateMention)
NUMBER_TYPE = record_struct(NumberMention)
QUOTE_TYPE = record_struct(Quote)
DUPLICATE_TYPE = record_struct(Duplicate)
STATS_TYPE = pa.struct([pa.field(n, _I if n in STAT_COUNTS else _F) for n in STAT_NAMES])
META_TYPE = pa.list_(pa.struct([pa.field("key", _S), pa.field("value", _S)]))


def _timestamp(published: str | None) -> datetime | None:
    """``published`` as a timestamp for the Arrow form; ``None`` when it is not ISO 8601."""
    if not published:
        return None
    try:
        t = datetime.fromisoformat(published)
    except ValueError:
        return None
    return t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo else t


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True, slots=True)
class Column:
    """How one Article field is written and read: its JSON value both ways, and its Arrow column(s) with
    the value of each (``published`` has two: the timestamp and ``published_text``)."""

    name: str
    to_json: Callable[[Any], Any]
    from_json: Callable[[Any], Any]
    arrow_fields: tuple[pa.Field, ...]
    to_arrow: Callable[[Any], tuple[Any, ...]]


def _column(f: Field[Any], hint: Any) -> Column:
    """The column of one Article field, by its type: a scalar, a list of strings, a small record (or
    ``None``), a list of small records, ``meta`` (``dict[str, str]``, key/value pairs in both forms, the
    layout of an Arrow map, which ``datasets`` cannot load) or ``stats`` (before/after metrics)."""
    inner = _optional(hint)
    origin, args = typing.get_origin(inner), typing.get_args(inner)
    name = f.name
    if f.metadata.get(ARROW_TIMESTAMP):
        # an offset converted to UTC, naive times as they are; the text as in JSON keeps the round trip exact
        fields_ = (pa.field(name, pa.timestamp("us")), pa.field(f"{name}_text", _S))
        return Column(name, _same, _same, fields_, lambda v: (_timestamp(v), v))
    if inner in _ARROW_SCALARS:
        # a record always has its required scalars (the id): the only non-nullable column
        required = f.default is MISSING and f.default_factory is MISSING
        arrow = (pa.field(name, _ARROW_SCALARS[inner], nullable=not required),)
        return Column(name, _same, _same, arrow, lambda v: (v,))
    if isinstance(inner, type) and issubclass(inner, _Record):
        kind = inner
        return Column(
            name,
            lambda v: v.to_dict() if v else None,
            lambda v: kind.from_dict(v) if v else None,
            (pa.field(name, record_struct(kind)),),
            lambda v: (v.to_dict() if v else None,),
        )
    if origin is list and args == (str,):
        return Column(name, list, list, (pa.field(name, pa.list_(_S)),), lambda v: (v,))
    if origin is list and issubclass(args[0], _Record):
        kind = args[0]

        def items_to_json(v: list[_Record]) -> list[dict[str, Any]]:
            return [x.to_dict() for x in v]

        return Column(
            name,
            items_to_json,
            lambda v: [kind.from_dict(x) for x in v or []],
            (pa.field(name, pa.list_(record_struct(kind))),),
            lambda v: (items_to_json(v),),
        )
    if origin is dict and args == (str, str):

        def pairs(v: dict[str, str]) -> list[dict[str, str]]:
            return [{"key": k, "value": x} for k, x in v.items()]

        return Column(name, pairs, _meta, (pa.field(name, META_TYPE),), lambda v: (pairs(v),))
    if origin is dict and args == (str, dict[str, float]):
        # null when there are none, so loaders see one struct type whether or not stats were kept
        arrow = (pa.field(name, pa.struct([pa.field("before", STATS_TYPE), pa.field("after", STATS_TYPE)])),)
        return Column(
            name,
            lambda v: {k: dict(x) for k, x in v.items()} or None,
            lambda v: {k: _stats(x) for k, x in (v or {}).items()},
            arrow,
            lambda v: ({k: v[k] for k in ("before", "after")} if v else None,),
        )
    raise TypeError(f"{name}: no serialised form for the type {hint}")


@functools.cache
def record_columns(cls: type[Article]) -> tuple[Column, ...]:
    """The columns of an Article (class), in field order: the one place the record's fields are listed."""
    hints = typing.get_type_hints(cls)
    return tuple(_column(f, hints[f.name]) for f in fields(cls))


def arrow_schema(cls: type[Article]) -> pa.Schema:
    """The Arrow schema of an Article (class): each field's column(s), in field order."""
    columns = [arrow for column in record_columns(cls) for arrow in column.arrow_fields]
    return pa.schema(columns, metadata={"khabar.schema": SCHEMA_VERSION})


ARROW_SCHEMA = arrow_schema(Article)


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


def arrow_row(a: Article) -> dict[str, Any]:
    """One Article as a row of its Arrow schema."""
    columns = record_columns(type(a))
    values = [value for column in columns for value in column.to_arrow(getattr(a, column.name))]
    return dict(zip(_arrow_names(type(a)), values, strict=True))


@functools.cache
def _arrow_names(cls: type[Article]) -> tuple[str, ...]:
    return tuple(f.name for column in record_columns(cls) for f in column.arrow_fields)


def to_arrow(articles: Iterable[Article]) -> pa.Table:
    """Articles as an Arrow table in ``ARROW_SCHEMA``."""
    return pa.Table.from_pylist([arrow_row(a) for a in articles], schema=ARROW_SCHEMA)


def from_arrow(table: pa.Table | pa.RecordBatch) -> Iterator[Article]:
    """Articles back from an Arrow table or batch written by ``to_arrow``."""
    for row in table.to_pylist():
        row["published"] = row.pop("published_text")
        if row["stats"] is None:
            row["stats"] = {}
        yield Article.from_dict(row)
