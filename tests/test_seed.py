"""The seed article end to end: the foundation's acceptance test."""

from __future__ import annotations

import json

import khabar
from khabar.record import Article, from_arrow, to_arrow


def test_seed_refines_to_eleven_clean_paragraphs(seed_text: str) -> None:
    a = khabar.refine(seed_text)
    lines = seed_text.split("\n")
    assert len(lines) == 21
    assert len(a.paragraphs) == 11
    # the first paragraph without its dateline, the other ten exactly as written
    assert a.paragraphs[0] == lines[0].split('"أ ف ب": ', 1)[1]
    assert a.paragraphs[0].startswith("وصل الرئيس الصيني شي جينبينغ إلى كازاخستان")
    assert a.paragraphs[1:] == lines[1:11]


def test_seed_edits_are_ten_repeats_and_the_dateline(seed_text: str) -> None:
    a = khabar.refine(seed_text)
    repeats = [e for e in a.edits if e.reason == "repeated-paragraph"]
    assert len(repeats) == 10
    assert [(e.op, e.line, e.kept_line, e.kept) for e in repeats] == [
        ("drop", 11 + k, 1 + k, 1 + k) for k in range(10)
    ]
    lines = seed_text.split("\n")
    assert all(e.old == lines[e.line] for e in repeats)
    (dateline_edit,) = [e for e in a.edits if e.reason == "dateline"]
    assert (dateline_edit.op, dateline_edit.line, dateline_edit.start) == ("edit", 0, 0)
    assert dateline_edit.old == 'استانا (كازاخستان) "أ ف ب": '
    assert len(a.edits) == 11


def test_seed_dateline(seed_text: str) -> None:
    d = khabar.refine(seed_text).dateline
    assert d is not None
    assert (d.place, d.place_en, d.country, d.agency) == ("استانا", "Astana", "KZ", "AFP")
    assert d.raw == 'استانا (كازاخستان) "أ ف ب"'
    assert d.position == "start"


def test_seed_restores_byte_for_byte(seed_text: str) -> None:
    a = khabar.refine(seed_text)
    assert khabar.restore(a) == seed_text
    # and from either serialised form alone
    assert khabar.restore(Article.from_json(a.to_json())) == seed_text
    assert khabar.restore(next(from_arrow(to_arrow([a])))) == seed_text


def test_seed_stats_before_and_after(seed_text: str) -> None:
    s = khabar.refine(seed_text).stats
    assert s["before"]["lines"] == 21 and s["after"]["lines"] == 11
    assert s["before"]["dup_line_frac"] == round(10 / 21, 6)
    assert 0.45 < s["before"]["dup_5gram_char_frac"] < 0.5
    assert s["after"]["dup_line_frac"] == 0.0
    assert all(s["after"][f"dup_{n}gram_char_frac"] == 0.0 for n in range(5, 11))


def test_seed_record_is_stable(seed_text: str) -> None:
    a, b = khabar.refine(seed_text), khabar.refine(seed_text)
    assert a.to_json() == b.to_json()
    d = json.loads(a.to_json())
    assert d["id"] == a.id and len(a.id) == 16  # derived from the content: no id, no url
    assert d["schema"] == khabar.SCHEMA_VERSION
