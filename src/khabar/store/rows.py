"""A khabar record as relational rows, and back: what every store keeps besides the record itself.

The record's JSON line (exactly as ``khabar process`` writes it) is the source of truth: ``export`` gives
it back byte for byte, and ``Article.from_json`` reads it. The rows hold what filters and facets need —
the article's scalar fields, its dateline, story and duplicate, and one row per paragraph, entity, quote,
date and number — plus ``*_key`` columns: names folded like search terms (``analysis.index_text``), so a
filter for توكاييف finds توكايف's canonical form however it is spelled with hamza or diacritics.

Works on record dicts, not ``Article`` objects: ``khabar index`` reads dicts, and building an Article per
record would cost more than storing it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from khabar.io.writers import json_line
from khabar.record import SCHEMA_VERSION, Article, SchemaError
from khabar.store.analysis import index_text

NAME_SEPARATOR = " | "  # between the forms of a name in a *_key column: a filter never spans two


@dataclass
class RecordRows:
    """One record flattened. ``article``: column → value; the lists hold tuples in the column order of
    ``ENTITY_COLUMNS`` and so on (the article's own key is added by the store)."""

    article: dict[str, Any]
    paragraphs: list[tuple[Any, ...]]
    entities: list[tuple[Any, ...]]
    quotes: list[tuple[Any, ...]]
    dates: list[tuple[Any, ...]]
    numbers: list[tuple[Any, ...]]
    title_index: str  # analysed title, and dateline with body: what full-text search indexes
    body_index: str


ARTICLE_COLUMNS = (
    "id", "source", "url", "title", "published", "day", "story", "dup_of", "dup_kind", "dup_similarity",
    "digest", "place", "place_en", "country", "agency", "place_key", "agency_key", "record",
)  # fmt: skip
PARAGRAPH_COLUMNS = ("para", "text")
# One row per distinct entity of an article (its mentions counted), not per mention: filters and facets ask
# which articles name whom; the mentions themselves are in the record.
ENTITY_COLUMNS = ("idx", "type", "name", "name_en", "country", "key", "mentions")
QUOTE_COLUMNS = ("idx", "text", "para", "start", "end", "speaker", "speaker_entity", "speaker_key")
DATE_COLUMNS = ("idx", "text", "para", "start", "end", "value", "granularity")
NUMBER_COLUMNS = ("idx", "text", "para", "start", "end", "value", "unit")


@functools.lru_cache(maxsize=1 << 16)
def name_key(*names: str | None) -> str:
    """Several names of one thing as one filterable key: each folded like search terms (cached: names
    repeat across a corpus)."""
    return NAME_SEPARATOR.join(k for n in names if isinstance(n, str) and (k := index_text(n)))


def _entity_rows(entities: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Distinct entities (type, name — the canonical one when known —, English name, country) in order
    of first mention, with a key over every spelling it was mentioned by, and the mention count."""
    found: dict[tuple[Any, ...], list[Any]] = {}  # ident -> [first index, spellings, mentions]
    for i, e in enumerate(entities):
        ident = (e.get("type"), e.get("canonical") or e.get("text"), e.get("name_en"), e.get("country"))
        entry = found.setdefault(ident, [i, {}, 0])
        entry[1][e.get("text")] = None
        entry[2] += 1
    return [
        (
            first,
            kind,
            name,
            name_en,
            country,
            name_key(name, name_en, *(t for t in spellings if t != name)),
            n,
        )
        for (kind, name, name_en, country), (first, spellings, n) in found.items()
    ]


def check_record(d: Any) -> None:
    """Raise SchemaError unless ``d`` looks like a khabar record this version can store."""
    if not isinstance(d, dict):
        raise SchemaError("not a khabar record: not a JSON object")
    if not isinstance(d.get("id"), str) or not isinstance(d.get("paragraphs"), list):
        raise SchemaError("not a khabar record: needs 'id' (a string) and 'paragraphs' (a list)")
    schema = str(d.get("schema", SCHEMA_VERSION))
    if schema.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise SchemaError(f"record schema {schema} is not readable by khabar schema {SCHEMA_VERSION}")
    if not all(isinstance(p, str) for p in d["paragraphs"]):
        raise SchemaError("not a khabar record: a paragraph is not a string")


def _day(published: Any) -> str | None:
    """The publication day (``YYYY-MM-DD``) of an ISO timestamp, for date filters."""
    if isinstance(published, str) and len(published) >= 10 and published[4] == "-" and published[7] == "-":
        return published[:10]
    return None


def _spans(items: Any, last: str, extra: str) -> list[tuple[Any, ...]]:
    """Date or number rows: (idx, text, para, start, end, value, ``extra``); spelled out, as a generator
    per row cost a third of the flattening."""
    return [
        (i, it.get("text"), it.get("para"), it.get("start"), it.get("end"), it.get(last), it.get(extra))
        for i, it in enumerate(items or ())
        if isinstance(it, dict)
    ]


def record_rows(d: dict[str, Any], line: bytes | None = None) -> RecordRows:
    """Flatten one record dict (``check_record`` first). ``line``: the JSON line it was read from, kept
    as the record instead of writing the dict again (faster, and exact whatever wrote it)."""
    dateline = d.get("dateline") or {}
    duplicate = d.get("duplicate") or {}
    entities = [e for e in d.get("entities") or () if isinstance(e, dict)]
    article = {
        "id": d["id"],
        "source": d.get("source"),
        "url": d.get("url"),
        "title": d.get("title"),
        "published": d.get("published"),
        "day": _day(d.get("published")),
        "story": d.get("story"),
        "dup_of": duplicate.get("of"),
        "dup_kind": duplicate.get("kind"),
        "dup_similarity": duplicate.get("similarity"),
        "digest": d.get("digest"),
        "place": dateline.get("place"),
        "place_en": dateline.get("place_en"),
        "country": dateline.get("country"),
        "agency": dateline.get("agency"),
        "place_key": name_key(dateline.get("place"), dateline.get("place_en")),
        "agency_key": name_key(*(dateline.get("agency") or "").split(","), dateline.get("agency_en")),
        "record": line.rstrip(b"\r\n") if line is not None else json_line(d)[:-1],
    }
    quotes = []
    for i, q in enumerate(d.get("quotes") or ()):
        if not isinstance(q, dict):
            continue
        speaker_entity = q.get("speaker_entity")
        canonical = None
        if isinstance(speaker_entity, int) and 0 <= speaker_entity < len(entities):
            canonical = entities[speaker_entity].get("canonical")
        quotes.append(
            (i, q.get("text"), q.get("para"), q.get("start"), q.get("end"), q.get("speaker"), speaker_entity,
             name_key(q.get("speaker"), canonical))
        )  # fmt: skip
    paragraphs = d["paragraphs"]
    title_index, body_index = index_texts(d)
    return RecordRows(
        article=article,
        paragraphs=list(enumerate(paragraphs)),
        entities=_entity_rows(entities),
        quotes=quotes,
        dates=_spans(d.get("dates"), "value", "granularity"),
        numbers=_spans(d.get("numbers"), "value", "unit"),
        title_index=title_index,
        body_index=body_index,
    )


def index_texts(d: dict[str, Any]) -> tuple[str, str]:
    """What full-text search indexes of a record: its analysed title, and its dateline with its body."""
    raw = (d.get("dateline") or {}).get("raw") or ""
    return index_text(d.get("title") or ""), index_text("\n".join([raw, *d["paragraphs"]]))


def article_from_record(record: bytes | str) -> Article:
    """The Article a stored record line holds."""
    return Article.from_json(record.decode("utf-8") if isinstance(record, bytes) else record)
