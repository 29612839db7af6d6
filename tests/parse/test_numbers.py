from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import khabar
from khabar.parse.numbers import find_numbers


def vals(text: str) -> list[tuple[str, float, str | None]]:
    return [(m.text, m.value, m.unit) for m in find_numbers(text)]


def test_seed(seed_text: str) -> None:
    paras = khabar.refine(seed_text).paragraphs
    got = [(i, m.text, m.value, m.unit) for i, p in enumerate(paras) for m in find_numbers(p)]
    assert got == [(5, "80 مليون", 80_000_000.0, None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("بلغت 1.5 مليار", ("1.5 مليار", 1.5e9, None)),
        ("3 آلاف شخص", ("3 آلاف", 3000.0, None)),
        ("1,500 طن", ("1,500", 1500.0, None)),
        ("١٬٥٠٠ طن", ("١٬٥٠٠", 1500.0, None)),
        ("٣٫٥ مليون", ("٣٫٥ مليون", 3.5e6, None)),
        ("ارتفع 21%", ("21%", 21.0, "%")),
        ("بنسبة (21%)", ("21%", 21.0, "%")),
        ("بنسبة %21", ("%21", 21.0, "%")),
        ("21 في المئة", ("21 في المئة", 21.0, "%")),
        ("21 بالمئة", ("21 بالمئة", 21.0, "%")),
        ("21 بالمائة", ("21 بالمائة", 21.0, "%")),
        ("1.5 مليار ريال", ("1.5 مليار ريال", 1.5e9, "SAR")),
        ("100 ريال قطري", ("100 ريال قطري", 100.0, "QAR")),
        ("50 دولارا", ("50 دولارا", 50.0, "USD")),
        ("$50", ("$50", 50.0, "USD")),
        ("€ 20", ("€ 20", 20.0, "EUR")),
        ("100 يورو", ("100 يورو", 100.0, "EUR")),
        ("200 جنيه إسترليني", ("200 جنيه إسترليني", 200.0, "GBP")),
        ("10 دراهم", ("10 دراهم", 10.0, "AED")),
        ("50 دينار كويتي", ("50 دينار كويتي", 50.0, "KWD")),
        ("50 دينار", ("50 دينار", 50.0, None)),
        ("خمسة وعشرون", ("خمسة وعشرون", 25.0, None)),
        ("ثلاثة آلاف", ("ثلاثة آلاف", 3000.0, None)),
        ("مليونان", ("مليونان", 2e6, None)),
        ("مليوني دولار", ("مليوني دولار", 2e6, "USD")),
        ("ألفين", ("ألفين", 2000.0, None)),
        ("مائة", ("مائة", 100.0, None)),
        ("عشرة", ("عشرة", 10.0, None)),
        ("أحد عشر لاعبا", ("أحد عشر", 11.0, None)),
        ("488 مليونا و 355 ألف طن", ("488 مليونا و 355 ألف", 488_355_000.0, None)),
        ("ثلاثمائة وخمسون ألفاً", ("ثلاثمائة وخمسون ألفاً", 350_000.0, None)),
        ("بـ80 مليون", ("80 مليون", 8e7, None)),
    ],
)
def test_numbers(text: str, expected: tuple[str, float, str | None]) -> None:
    assert vals(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "آلاف الأشخاص",
        "في فبراير 2022",
        "11 أغسطس",
        "عام 2014",
        "2015/8/11",
        "1436هـ",
        "الساعة 10:30",
        "الاثنين",
    ],
)
def test_dates_are_not_quantities(text: str) -> None:
    assert find_numbers(text) == []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["80", "1.5", "،", ",", "٫", "مليون", "ألف", "و", " ", "%", "$", "ريال", "خمسة", "عشرون",
                         "٣", "في المئة", "آلاف", "2015", "أغسطس", "/"])
        | st.text(max_size=4),
        max_size=25,
    ).map("".join)
)  # fmt: skip
def test_property_spans(text: str) -> None:
    for m in find_numbers(text):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
