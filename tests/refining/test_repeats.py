"""Repeat removal: what goes, what stays, and the logged reason."""

from __future__ import annotations

import khabar
from khabar.refining.repeats import find_doubled_body

P1 = "وأعلنت وزارة الخارجية الصينية اليوم أن الاجتماعات ستضع خطة جديدة للتعاون."
P2 = "وسيحضر الرئيس الكازاخستاني القمة إلى جانب رؤساء قيرغيزستان وأوزبكستان."
P3 = "وتسعى جمهوريات آسيا الوسطى الخمس إلى تقليل اعتمادها على روسيا."


def _reasons(a: khabar.Article) -> list[tuple[str, int, int | None]]:
    return [(e.reason, e.line, e.kept_line) for e in a.edits]


def test_interleaved_repeats_keep_first_occurrences() -> None:
    a = khabar.refine("\n".join([P1, P2, P1, P2, P3]))
    assert a.paragraphs == [P1, P2, P3]
    assert _reasons(a) == [("repeated-paragraph", 2, 0), ("repeated-paragraph", 3, 1)]
    assert [e.kept for e in a.edits] == [0, 1]


def test_repeat_differing_only_in_diacritics_and_tatweel_is_removed() -> None:
    variant = "وأعلنـت وزارةُ الخارجيةِ الصينيةُ اليومَ إن الاجتماعات ستضع خطة جديدة للتعاون."
    a = khabar.refine("\n".join([P1, P2, P3, variant, P2]))
    assert a.paragraphs == [P1, P2, P3]
    assert a.edits[0].old == variant


def test_single_repeated_lines_of_ordinary_length_are_kept() -> None:
    # SaudiNewsNet: a formula closing each cabinet decision, a refrain — authored, not scraped
    formula = "وقد أعد مرسوم ملكي بذلك."
    decisions = [P1, formula, P2, formula, P3, "(ماشي مظلة، واحترق وسط المقيل)", P1.replace(".", "!")]
    a = khabar.refine("\n".join(decisions))
    assert a.paragraphs.count(formula) == 2
    assert not a.edits


def test_a_long_single_repeat_is_removed() -> None:
    long_para = " ".join([P1, P2, P3])  # 30+ words: no figure of speech repeats this
    a = khabar.refine("\n".join([long_para, P1, long_para]))
    assert a.paragraphs == [long_para, P1]
    assert [(e.reason, e.line, e.kept_line) for e in a.edits] == [("repeated-paragraph", 2, 0)]


def test_title_repeated_as_first_paragraph_is_removed() -> None:
    title = "الرئيس الصيني يصل إلى كازاخستان"
    a = khabar.refine("\n".join([title, P1, P2]), title=title)
    assert a.paragraphs == [P1, P2]
    assert _reasons(a) == [("repeats-title", 0, None)]


def test_body_pasted_twice_inside_one_paragraph() -> None:
    body = f"{P1} {P2} {P3}"
    a = khabar.refine(f"{body} {body}")
    assert a.paragraphs == [body]
    (e,) = a.edits
    assert (e.op, e.reason, e.start, e.kept_line) == ("edit", "repeated-body", len(body), 0)
    assert e.old == " " + body


def test_body_pasted_twice_with_no_space_and_a_lead_only_in_the_first_copy() -> None:
    body = f"{P1} {P2} {P3}"
    line = f"الرياض - واس: {body}{body}"
    end = find_doubled_body(line)
    assert end == len(line) - len(body)


def test_short_lines_that_repeat_are_kept() -> None:
    text = "\n".join(["س: متى تبدأ القمة؟", P1, "***", "س: متى تبدأ القمة؟", P2, "***", "(وكالات)"])
    a = khabar.refine(text)
    assert "***" in a.paragraphs and a.paragraphs.count("***") == 2
    assert a.paragraphs.count("س: متى تبدأ القمة؟") == 2
    assert not [e for e in a.edits if e.reason.startswith("repeat")]


def test_a_repeat_of_the_first_line_with_its_dateline_is_caught() -> None:
    first = f"الرياض - واس: {P1}"
    a = khabar.refine("\n".join([first, P2, P3, first, P2]))
    assert a.paragraphs == [P1, P2, P3]
    assert [e.reason for e in a.edits] == ["dateline", "repeated-paragraph", "repeated-paragraph"]


def test_empty_lines_are_dropped_and_restored() -> None:
    text = f"\n{P1}\n\n   \n{P2}\n"
    a = khabar.refine(text)
    assert a.paragraphs == [P1, P2]
    assert {e.reason for e in a.edits} == {"empty-line", "whitespace"}
    assert khabar.restore(a) == text


def test_no_doubling_in_ordinary_text() -> None:
    assert find_doubled_body(f"{P1} {P2} {P3}") is None
    assert find_doubled_body("نعم نعم") is None


def test_a_poem_keeps_its_first_line_even_when_it_is_the_title() -> None:
    # alriyadh titles poems by their first hemistich
    poem = [
        "جيت المكان وشفت ذيك الديارا",
        "ولقيت فيها من زمان آثار",
        "وقفت فيها ساعة وانا احتار",
        "والقلب من ذكرى هواها طار",
    ]
    a = khabar.refine("\n".join(poem), title=poem[0])
    assert a.paragraphs == poem and not a.edits


def test_a_run_of_punctuation_is_not_a_doubled_body() -> None:
    assert find_doubled_body("«" + "»" * 40) is None
