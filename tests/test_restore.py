"""Hypothesis properties: restore inverts refine for any input; repair is idempotent and never
removes a first occurrence."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

import khabar
from khabar.text.keys import match_key

# Paragraph pool with real Arabic sentences and the troublemakers: diacritics, tatweel,
# invisibles, presentation forms, odd spaces, a dateline, short lines.
POOL = [
    "وصل الرئيس الصيني شي جينبينغ إلى كازاخستان اليوم لحضور القمة الثانية.",
    "وسيعقد شي اجتماعات ثنائية قبل القمة غداً بحسب الرئاسة الكازاخستانية.",
    'وأعلنت وزارة الخارجية الصينية اليوم أن الاجتماعات "ستضع بشكل مشترك خطة جديدة".',
    "وتسارعت هـــذه الخطوة منذ غزو روسيا لأوكرانيا في فبراير 2022.",
    "الرياض 26 شوال 1436 هـ الموافق 11 أغسطس 2015 م واس",
    'استانا (كازاخستان) "أ ف ب": وصل الرئيس.',
    "***",
    "(وكالات)",
    "",
    "  \u200f ﺍﻟﺴﻼﻡ\u00a0 عليكم ",
    "کتاب عربی جدید في المعرض الدولي للكتاب بالرياض هذا العام",
]
line = st.one_of(st.sampled_from(POOL), st.text(max_size=40))
texts = st.lists(line, max_size=12).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(texts, st.one_of(st.none(), st.sampled_from(POOL), st.text(max_size=20)))
def test_restore_inverts_refine(text: str, title: str | None) -> None:
    a = khabar.refine(text, title=title)
    assert khabar.restore(a) == text
    assert khabar.restore_title(a) == title
    rt = khabar.Article.from_json(a.to_json())
    assert khabar.restore(rt) == text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(POOL), max_size=14).map("\n".join))
def test_repair_is_idempotent(text: str) -> None:
    once = khabar.refine(text)
    assume(once.paragraphs)  # an empty text has one empty line to drop, every time
    twice = khabar.refine(once.text)
    # the second pass may still find a dateline in what is now the first paragraph, but it
    # never finds anything to repair
    assert not [e for e in twice.edits if e.reason not in ("dateline", "credit")]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(POOL), max_size=14).map("\n".join))
def test_first_occurrences_are_never_removed(text: str) -> None:
    a = khabar.refine(text)
    kept_keys = {match_key(p) for p in a.paragraphs}
    for e in a.edits:
        if e.reason == "repeated-paragraph":
            assert e.kept_line is not None and e.kept_line < e.line
            assert e.kept is not None and match_key(a.paragraphs[e.kept]) in kept_keys
            assert match_key(e.old) == match_key(a.paragraphs[e.kept]) or e.kept == 0
