"""The query language: what each form parses to, and a clear QueryError (never a traceback) for what
cannot be read."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khabar.store.base import QueryError
from khabar.store.query import MAX_QUERY_CHARS, parse


def cores(q: str) -> list[list[tuple[str, ...]]]:
    return [[t.cores for t in g] for g in parse(q).groups]


def test_words_are_anded_and_analysed() -> None:
    assert cores("الكتاب أستانا") == [[("كتاب",)], [("استانا",)]]


def test_phrase_or_not_and_prefix() -> None:
    q = parse('"وزارة الخارجية" OR توكاييف أستانا -روسيا NOT "آسيا الوسطى" الكتا*')
    assert [[t.cores for t in g] for g in q.groups] == [
        [("وزاره", "خارجيه"), ("توكاييف",)],
        [("استانا",)],
        [("كتا",)],
    ]
    assert q.groups[2][0].prefix
    assert [t.cores for t in q.excluded] == [("روسيا",), ("اسيا", "وسطي")]


def test_lower_case_operators_are_words() -> None:
    assert cores("or not") == [[("or",)], [("not",)]]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"أستانا', "unbalanced quote"),
        ('كتب "وزارة الخارجية', "unbalanced quote"),
        ("OR كتب", "OR needs"),
        ("كتب OR", "OR needs"),
        ("كتب OR OR قرأ", "OR needs"),
        ("كتب NOT", "NOT (or -) needs"),
        ("NOT كتب", "at least one word that is not excluded"),
        ("-كتب", "at least one word that is not excluded"),
        ("!!! ...", "no words"),
        ("", "no words"),
        ("\u202b\u200f", "no words"),  # bidi controls only
        ("x" * (MAX_QUERY_CHARS + 1), "too long"),
        (" ".join(["كتب"] * 40), "too many words"),
    ],
)
def test_bad_queries_say_why(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(query)


def test_bidi_controls_inside_words_are_ignored() -> None:
    assert cores("\u202bأستانا\u202c") == [[("استانا",)]]


@given(st.text(max_size=300))
def test_any_text_parses_or_raises_query_error(text: str) -> None:
    try:
        q = parse(text)
    except QueryError as exc:
        assert str(exc)
    else:
        assert q.groups and all(t.cores for g in q.groups for t in g)
