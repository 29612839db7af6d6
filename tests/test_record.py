"""The record's two serialised forms round-trip exactly, and the schema is versioned."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khabar import record
from khabar.record import (
    ARROW_SCHEMA,
    SCHEMA_VERSION,
    STAT_COUNTS,
    STAT_NAMES,
    Article,
    Dateline,
    DateMention,
    Duplicate,
    Edit,
    Entity,
    NumberMention,
    Quote,
    SchemaError,
    from_arrow,
    to_arrow,
)

opt_text = st.one_of(st.none(), st.text(max_size=12))
ints = st.integers(min_value=0, max_value=10_000)
floats = st.floats(allow_nan=False, allow_infinity=False, width=64)

edits = st.builds(
    Edit,
    op=st.sampled_from(["edit", "drop"]),
    reason=st.text(min_size=1, max_size=10),
    line=ints,
    old=st.text(max_size=20),
    new=st.text(max_size=20),
    start=st.one_of(st.none(), ints),
    end=st.one_of(st.none(), ints),
    kept_line=st.one_of(st.none(), ints),
    kept=st.one_of(st.none(), ints),
    field=st.sampled_from(["body", "title"]),
)
datelines = st.builds(
    Dateline,
    raw=st.text(max_size=20),
    place=opt_text,
    place_en=opt_text,
    country=opt_text,
    agency=opt_text,
    agency_en=opt_text,
    agency_kind=opt_text,
    date=opt_text,
    byline=opt_text,
    position=st.sampled_from(["start", "end"]),
)
span = {"text": st.text(max_size=10), "para": ints, "start": ints, "end": ints}
articles = st.builds(
    Article,
    id=st.text(min_size=1, max_size=16),
    paragraphs=st.lists(st.text(max_size=40), max_size=5),
    source=opt_text,
    url=opt_text,
    title=opt_text,
    published=opt_text,
    dateline=st.one_of(st.none(), datelines),
    edits=st.lists(edits, max_size=4),
    stats=st.one_of(
        st.just({}),
        st.fixed_dictionaries(
            {
                k: st.fixed_dictionaries({n: ints if n in STAT_COUNTS else floats for n in STAT_NAMES})
                for k in ("before", "after")
            }
        ),
    ),
    entities=st.lists(
        st.builds(Entity, type=st.sampled_from(["PERS", "LOC"]), canonical=opt_text, **span), max_size=2
    ),
    dates=st.lists(st.builds(DateMention, value=opt_text, granularity=opt_text, **span), max_size=2),
    numbers=st.lists(
        st.builds(NumberMention, value=st.one_of(st.none(), floats), unit=opt_text, **span), max_size=2
    ),
    quotes=st.lists(
        st.builds(Quote, speaker=opt_text, speaker_entity=st.one_of(st.none(), ints), **span), max_size=2
    ),
    duplicate=st.one_of(
        st.none(), st.builds(Duplicate, of=st.text(max_size=8), kind=st.just("near"), similarity=floats)
    ),
    story=opt_text,
    digest=st.one_of(st.none(), ints),
    meta=st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3),
)


@settings(max_examples=150, deadline=None)
@given(articles)
def test_json_round_trip(a: Article) -> None:
    line = a.to_json()
    assert "\n" not in line
    assert Article.from_json(line) == a
    assert Article.from_json(line).to_json() == line


@settings(max_examples=100, deadline=None)
@given(st.lists(articles, min_size=1, max_size=4))
def test_arrow_round_trip(batch: list[Article]) -> None:
    table = to_arrow(batch)
    assert table.schema.equals(ARROW_SCHEMA)
    assert list(from_arrow(table)) == batch


def test_parquet_round_trip(tmp_path, seed_text: str) -> None:
    import khabar

    a = khabar.refine(seed_text)
    pq.write_table(to_arrow([a]), tmp_path / "a.parquet")
    (b,) = from_arrow(pq.read_table(tmp_path / "a.parquet"))
    assert b == a and b.to_json() == a.to_json()


def test_json_keys_follow_the_schema_order(seed_text: str) -> None:
    import khabar

    d = json.loads(khabar.refine(seed_text).to_json())
    # the Arrow form adds published_text beside the published timestamp
    assert list(d) == [f.name for f in ARROW_SCHEMA if f.name != "published_text"]
    assert d["schema"] == SCHEMA_VERSION


def test_newer_major_schema_is_refused() -> None:
    with pytest.raises(SchemaError, match=r"schema 2\.0"):
        Article.from_dict({"id": "x", "paragraphs": [], "schema": "2.0"})
    with pytest.raises(SchemaError, match="not a khabar record"):
        Article.from_dict({"text": "hello"})


def test_span_records_hold_scalars_only() -> None:
    # _Record.to_dict copies fields without a deep copy; a list or dict field would be shared, not copied
    import typing
    from dataclasses import fields

    import khabar.record as record

    for cls in (
        record.Edit,
        record.Dateline,
        record.Entity,
        record.DateMention,
        record.NumberMention,
        record.Quote,
    ):
        hints = typing.get_type_hints(cls)
        for f in fields(cls):
            assert set(typing.get_args(hints[f.name]) or (hints[f.name],)) <= {str, int, float, type(None)}, f
    assert record.Duplicate("a", "near", 0.9).to_dict() == {"of": "a", "kind": "near", "similarity": 0.9}
    assert record.Entity("LOC", "x", 0, 0, 1).to_dict() == {
        "type": "LOC",
        "text": "x",
        "para": 0,
        "start": 0,
        "end": 1,
        "canonical": None,
        "name_en": None,
        "country": None,
    }


# Module level: the type hints of these test records are resolved by name, as khabar's own are.
@dataclass(frozen=True, slots=True)
class Topic(Entity):
    score: float | None = None


@dataclass(slots=True)
class Tagged(Article):
    language: str | None = None
    topics: list[Topic] = field(default_factory=list)


@dataclass(slots=True)
class Odd(Article):
    when: set[str] = field(default_factory=set)


def test_a_new_field_is_written_read_and_typed_without_other_edits() -> None:
    # The record's fields are listed once, in the dataclasses: a field added to Article (here in a subclass,
    # as a field added in place would be) and to a small record shows in to_dict, from_dict, the Arrow
    # schema and the Arrow row, each in its declared place.
    a = Tagged(id="x", paragraphs=["p"], language="ar", topics=[Topic("MISC", "t", 0, 0, 1, score=0.5)])
    d = a.to_dict()
    assert list(d)[-3:] == ["schema", "language", "topics"]
    assert d["language"] == "ar"
    assert d["topics"] == [{**Entity("MISC", "t", 0, 0, 1).to_dict(), "score": 0.5}]
    assert Tagged.from_json(a.to_json()) == a

    schema = record.arrow_schema(Tagged)
    assert schema.names == [*ARROW_SCHEMA.names, "language", "topics"]
    assert schema.field("language").type == pa.string()
    assert schema.field("topics").type == pa.list_(
        pa.struct([*record.ENTITY_TYPE, pa.field("score", pa.float64())])
    )
    table = pa.Table.from_pylist([record.arrow_row(a)], schema=schema)
    assert table.to_pylist()[0]["topics"] == d["topics"]


def test_a_field_of_an_unknown_type_is_refused_when_the_class_is_first_used() -> None:
    # Not silently written as whatever json.dumps makes of it.
    with pytest.raises(TypeError, match=r"when: no serialised form"):
        Odd(id="x", paragraphs=[]).to_dict()


def test_the_serialised_field_lists_come_from_the_dataclass() -> None:
    names = [f.name for f in dataclasses.fields(Article)]
    assert [c.name for c in record.record_columns(Article)] == names
    assert list(Article(id="x", paragraphs=[]).to_dict()) == names
    assert [n for n in ARROW_SCHEMA.names if n != "published_text"] == names
    assert ARROW_SCHEMA.names.index("published_text") == names.index("published") + 1
    for struct, cls in (
        (record.EDIT_TYPE, Edit),
        (record.DATELINE_TYPE, Dateline),
        (record.ENTITY_TYPE, Entity),
        (record.DATE_TYPE, DateMention),
        (record.NUMBER_TYPE, NumberMention),
        (record.QUOTE_TYPE, Quote),
        (record.DUPLICATE_TYPE, Duplicate),
    ):
        assert [f.name for f in struct] == [f.name for f in dataclasses.fields(cls)]


def test_arrow_schema_is_the_one_of_schema_1_1() -> None:
    # Written out, so that deriving it from the dataclasses cannot change the Parquet files khabar writes.
    s, i, f = pa.string(), pa.int64(), pa.float64()

    def struct(*cols: tuple[str, pa.DataType]) -> pa.StructType:
        return pa.struct([pa.field(n, t) for n, t in cols])

    span = (("text", s), ("para", i), ("start", i), ("end", i))
    stats = struct(*[(n, i if n in STAT_COUNTS else f) for n in STAT_NAMES])
    expected = pa.schema(
        [
            pa.field("id", s, nullable=False),
            pa.field("source", s),
            pa.field("url", s),
            pa.field("title", s),
            pa.field("published", pa.timestamp("us")),
            pa.field("published_text", s),
            pa.field("paragraphs", pa.list_(s)),
            pa.field(
                "dateline",
                struct(
                    *[(n, s) for n in ("raw", "place", "place_en", "country", "agency", "agency_en")],
                    ("agency_kind", s),
                    ("date", s),
                    ("byline", s),
                    ("position", s),
                ),
            ),
            pa.field(
                "edits",
                pa.list_(
                    struct(
                        ("op", s),
                        ("reason", s),
                        ("line", i),
                        ("old", s),
                        ("new", s),
                        ("start", i),
                        ("end", i),
                        ("kept_line", i),
                        ("kept", i),
                        ("field", s),
                    )
                ),
            ),
            pa.field("input_hash", s),
            pa.field("stats", struct(("before", stats), ("after", stats))),
            pa.field(
                "entities",
                pa.list_(struct(("type", s), *span, ("canonical", s), ("name_en", s), ("country", s))),
            ),
            pa.field("dates", pa.list_(struct(*span, ("value", s), ("granularity", s)))),
            pa.field("numbers", pa.list_(struct(*span, ("value", f), ("unit", s)))),
            pa.field("quotes", pa.list_(struct(*span, ("speaker", s), ("speaker_entity", i)))),
            pa.field("duplicate", struct(("of", s), ("kind", s), ("similarity", f))),
            pa.field("story", s),
            pa.field("digest", i),
            pa.field("meta", pa.list_(struct(("key", s), ("value", s)))),
            pa.field("schema", s),
        ],
        metadata={"khabar.schema": SCHEMA_VERSION},
    )
    assert ARROW_SCHEMA.equals(expected, check_metadata=True)


def test_json_form_of_a_full_record_is_unchanged() -> None:
    # Exact bytes of one record with every part present (key order, nulls, meta pairs, stats, escapes).
    a = Article(
        id="a1",
        paragraphs=["نص", "two"],
        source="spa",
        url="http://x",
        title="t",
        published="2015-07-21T10:00:00+03:00",
        dateline=Dateline(raw="الرياض -", place="الرياض", country="SA"),
        edits=[Edit(op="edit", reason="lone-surrogate", line=0, old="\udc80", new="\ufffd", start=0, end=1)],
        input_hash="00ff",
        stats={"before": {"lines": 2, "dup_line_frac": 0.5}, "after": {"lines": 1}},
        entities=[Entity("LOC", "الرياض", 0, 0, 6, canonical="Riyadh")],
        dates=[DateMention("أمس", 1, 0, 3)],
        numbers=[NumberMention("3", 1, 0, 1, value=3.0)],
        quotes=[Quote("q", 1, 0, 1, speaker="s", speaker_entity=0)],
        duplicate=Duplicate("b", "near", 0.9),
        story="b",
        digest=3,
        meta={"k": "v"},
    )
    assert a.to_json() == (
        '{"id":"a1","source":"spa","url":"http://x","title":"t","published":"2015-07-21T10:00:00+03:00",'
        '"paragraphs":["نص","two"],"dateline":{"raw":"الرياض -","place":"الرياض","place_en":null,'
        '"country":"SA","agency":null,"agency_en":null,"agency_kind":null,"date":null,"byline":null,'
        '"position":"start"},"edits":[{"op":"edit","reason":"lone-surrogate","line":0,"old":"\\\\udc80",'
        '"new":"\ufffd","start":0,"end":1,"kept_line":null,"kept":null,"field":"body"}],"input_hash":"00ff",'
        '"stats":{"before":{"lines":2,"dup_line_frac":0.5},"after":{"lines":1}},"entities":[{"type":"LOC","text":"الرياض",'
        '"para":0,"start":0,"end":6,"canonical":"Riyadh","name_en":null,"country":null}],"dates":[{"text":'
        '"أمس","para":1,"start":0,"end":3,"value":null,"granularity":null}],"numbers":[{"text":"3","para":1,'
        '"start":0,"end":1,"value":3.0,"unit":null}],"quotes":[{"text":"q","para":1,"start":0,"end":1,'
        '"speaker":"s","speaker_entity":0}],"duplicate":{"of":"b","kind":"near","similarity":0.9},'
        '"story":"b","digest":3,"meta":[{"key":"k","value":"v"}],"schema":"1.1"}'
    )
    assert Article.from_json(a.to_json()) == a
    bare = Article(id="b", paragraphs=[])
    assert bare.to_json() == (
        '{"id":"b","source":null,"url":null,"title":null,"published":null,"paragraphs":[],"dateline":null,'
        '"edits":[],"input_hash":null,"stats":null,"entities":[],"dates":[],"numbers":[],"quotes":[],'
        '"duplicate":null,"story":null,"digest":null,"meta":[],"schema":"1.1"}'
    )
    (row,) = to_arrow([a]).to_pylist()
    assert row["published"].isoformat() == "2015-07-21T07:00:00" and row["published_text"] == a.published
    assert row["edits"][0]["old"] == "\\udc80"
