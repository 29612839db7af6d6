"""The record's two serialised forms round-trip exactly, and the schema is versioned."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
