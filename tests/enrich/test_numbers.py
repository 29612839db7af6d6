from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import khabar
from khabar.enrich.numbers import NumberMatch, find_numbers


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


def _as_before(text: str) -> list[NumberMatch]:
    # find_numbers as it was before its shortcuts: the three-letter trigger, one alternation per
    # number word (longest first), the full pattern everywhere, no plain-digit shortcut
    import itertools
    import re

    import regex

    from khabar.enrich import numbers as nu
    from khabar.text.patterns import fold_loose, trie_pattern

    def loose(word: str) -> str:
        p = regex.escape(word).replace("\\ ", " ")
        return p.replace("ا", "[اأإآ]").replace("ه", "[ةه]").replace("ي", "[يى]").replace(" ", r"\s+")

    variants = {"ا": "اأإآ", "ه": "هة", "ي": "يى"}
    heads = {
        "".join(p)
        for w in (*nu._WORDS, *nu._SCALES)
        for p in itertools.product(*(variants.get(c, c) for c in w.replace(" ", "")[:3]))
    }
    trigger = re.compile(
        rf"(?<![^\W_])(?:[وبلف]ـ?\s?)?(?:[0-9\u0660-\u0669\u06F0-\u06F9$€£%٪]|US\$|{trie_pattern(heads)})"
    )
    words = "|".join(loose(w) for w in sorted(nu._WORDS, key=len, reverse=True))
    scales = "|".join(loose(w) for w in sorted(nu._SCALES, key=len, reverse=True))
    guard = rf"(?={nu._D}{{4}}(?!\p{{N}}))"
    skip = nu._SKIP.replace(guard, "").replace(nu._WORD_RE, words).replace(nu._SCALE_RE, scales)
    number = nu._NUMBER.replace(nu._WORD_RE, words).replace(nu._SCALE_RE, scales)
    pattern = regex.compile(rf"(?P<skip>{skip})|{number}", regex.VERBOSE)
    part = regex.compile(
        rf"(?P<d>{nu._DIGIT_RE})|(?P<w>(?:{words})){nu._TANWEEN}|(?P<s>{scales}){nu._TANWEEN}"
    )

    def phrase_value(phrase: str) -> float | None:
        total, cur, seen = 0.0, None, False
        for p in part.finditer(phrase):
            if p.group("d"):
                cur, seen = (cur or 0.0) + float(p.group("d").translate(nu._DIGITS)), True
            elif p.group("w"):
                v = nu._WORD_KEY.get(fold_loose(p.group("w")))
                if v is None:
                    return None
                cur, seen = (cur or 0.0) + v, True
            else:
                scale = nu._SCALE_KEY.get(fold_loose(p.group("s")))
                if scale is None:
                    return None
                if cur is None:
                    if scale[1] == "plural":
                        return None
                    cur = 2.0 if scale[1] == "dual" else 1.0
                total, cur, seen = total + cur * scale[0], None, True
        return total + (cur or 0.0) if seen else None

    out: list[NumberMatch] = []
    last = 0
    for t in trigger.finditer(text):
        if t.start() < last:
            continue
        m = pattern.match(text, t.start())
        if m is None:
            continue
        last = m.end()
        if m.group("num") is None or (value := phrase_value(m.group("phrase"))) is None:
            continue
        start, end = m.span("num")
        unit = None
        if m.group("pct") or m.group("prepct"):
            unit = "%"
        elif m.group("pre"):
            unit = nu._SYMBOLS[m.group("pre")]
        elif m.group("cur"):
            unit, with_adj = nu._currency(m.group("cur"), m.group("adj"))
            end = m.end("adj") if with_adj else m.end("cur")
        out.append(NumberMatch(start, end, text[start:end], value, unit))
    return out


_NUMBER_PIECES = [
    "عام 2015", "11 أغسطس 2015", "15 من شهر مايو", "15 شهر رمضان", "فبراير 2022", "الـ 15 من رمضان", "في 2015",
    "2015 م", "3 صفر", "80", "1.5", "1,500", "١٬٥٠٠", "٣٫٥", "2015", "11/8/2015", "10:30", "1436هـ", "2014م", "مليون", "مليونا", "ألف",
    "آلاف", "الف", "إلفين", "مليار", "و", "خمسة", "وعشرون", "خمسةوعشرون", "ثلاثمئة", "ست مئة", "ستمئة", "أحد عشر",
    "إحدى عشرة", "اثنا", "عشر", "تسعين", "أحدً", "%", "٪", "في المئة", "بالمائة", "$", "US$", "€", "ريال", "ريالا",
    "سعودي", "دولار", "كندي", "دينار", "كويتي", "ليرة", "تركية", "ين", "ر.س", "أغسطس", "عام", "العام", "شوال", "من",
    "شهر", "الـ", "الأمير", "الفريق", "الإمارات", "إلا", "أحد", "واحد", "ب", "ل", "ف", "ـ", "،", ".", "(", ")", "x",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_NUMBER_PIECES) | st.text(max_size=3), max_size=10).map(" ".join))
def test_shortcuts_change_no_result(text: str) -> None:
    # whole first words as triggers, word tries, the plain-digit value and the number-only pattern
    # where no date can be skipped: the same numbers as before them
    assert find_numbers(text) == _as_before(text)
