from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import khabar
from benchmarks import dates as bench
from benchmarks.devsets import DATES, load_dates, missing_reason, read_jsonl
from khabar.enrich.dates import DateMatch, find_dates

P = date(2015, 8, 11)  # a Tuesday
SEED_PUB = date(2025, 6, 16)  # a Monday


def vals(text: str, pub: date | None = P) -> list[tuple[str, str | None, str | None]]:
    return [(m.text, m.value, m.granularity) for m in find_dates(text, pub)]


def test_seed(seed_text: str) -> None:
    paras = khabar.refine(seed_text).paragraphs
    got = [(i, m.text, m.value, m.granularity) for i, p in enumerate(paras) for m in find_dates(p, SEED_PUB)]
    assert got == [
        (0, "اليوم", "2025-06-16", "day"),
        (1, "غداً", "2025-06-17", "day"),
        (2, "اليوم", "2025-06-16", "day"),
        (4, "هذا العام", "2025", "year"),
        (7, "الاثنين", "2025-06-16", "day"),
        (10, "فبراير 2022", "2022-02", "month"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("في 11 أغسطس 2015 قال", ("11 أغسطس 2015", "2015-08-11", "day")),
        ("في 11 آب/أغسطس 2015 قال", ("11 آب/أغسطس 2015", "2015-08-11", "day")),
        ("في 11 اغسطس 2015", ("11 اغسطس 2015", "2015-08-11", "day")),
        ("في 11 أغسطوس 2015", ("11 أغسطوس 2015", "2015-08-11", "day")),
        ("في 3 أيار 2015", ("3 أيار 2015", "2015-05-03", "day")),
        ("في 20 كانون الثاني 2015", ("20 كانون الثاني 2015", "2015-01-20", "day")),
        ("في 17 تشرين الأول 2014", ("17 تشرين الأول 2014", "2014-10-17", "day")),
        ("في 15 يوليوز 2015", ("15 يوليوز 2015", "2015-07-15", "day")),
        ("في 3 غشت 2015", ("3 غشت 2015", "2015-08-03", "day")),
        ("في 4 شتنبر 2015", ("4 شتنبر 2015", "2015-09-04", "day")),
        ("في 12 ماي 2015", ("12 ماي 2015", "2015-05-12", "day")),
        ("في 10 دجنبر 2014", ("10 دجنبر 2014", "2014-12-10", "day")),
        ("بتاريخ 2015/8/11 صدر", ("2015/8/11", "2015-08-11", "day")),
        ("جلسة 11-8-2015 للحكم", ("11-8-2015", "2015-08-11", "day")),
        ("في ١١ أغسطس ٢٠١٥", ("١١ أغسطس ٢٠١٥", "2015-08-11", "day")),
        ("الثالث من يونيو 2015", ("الثالث من يونيو 2015", "2015-06-03", "day")),
        ("منذ غزو أوكرانيا في فبراير 2022.", ("فبراير 2022", "2022-02", "month")),
        ("في فبراير (شباط) الماضي", ("فبراير (شباط) الماضي", "2015-02", "month")),
        ("بلغت ذروتها عام 2014 ثم", ("عام 2014", "2014", "year")),
        ("التاريخ : 9 / 10 / 1436هـ", ("9 / 10 / 1436هـ", "2015-07-25", "day")),
        ("صدر في 26 شوال 1436 هـ", ("26 شوال 1436 هـ", "2015-08-11", "day")),
        ("حتى 26 شوال الجاري", ("26 شوال", "2015-08-11", "day")),
        ("رمضان 1436هـ", ("رمضان 1436هـ", "2015-07", "month")),
        ("في 10 ديسمبر المقبل", ("10 ديسمبر المقبل", "2015-12-10", "day")),
        ("بنهاية العام الماضي 2014م", ("العام الماضي 2014م", "2014", "year")),
    ],
)
def test_explicit(text: str, expected: tuple[str, str, str]) -> None:
    assert vals(text) == [expected]


def test_hijri_gregorian_pair_is_one_mention() -> None:
    text = "جدة 26 شوال 1436 هـ الموافق 11 أغسطس 2015 م واس"
    assert vals(text) == [("26 شوال 1436 هـ الموافق 11 أغسطس 2015 م", "2015-08-11", "day")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أمس", ("أمس", "2015-08-10", "day")),
        ("بالأمس", ("بالأمس", "2015-08-10", "day")),
        ("أول أمس", ("أول أمس", "2015-08-09", "day")),
        ("غداً", ("غداً", "2015-08-12", "day")),
        ("بعد غد", ("بعد غد", "2015-08-13", "day")),
        ("قبل يومين", ("قبل يومين", "2015-08-09", "day")),
        ("منذ ثلاثة أيام", ("منذ ثلاثة أيام", "2015-08-08", "day")),
        ("بعد أسبوعين", ("بعد أسبوعين", "2015-W35", "week")),
        ("قبل شهر", ("قبل شهر", "2015-07", "month")),
        ("قبل عامين", ("قبل عامين", "2013", "year")),
        ("الأسبوع الماضي", ("الأسبوع الماضي", "2015-W32", "week")),
        ("الأسبوع المقبل", ("الأسبوع المقبل", "2015-W34", "week")),
        ("الشهر الماضي", ("الشهر الماضي", "2015-07", "month")),
        ("العام المقبل", ("العام المقبل", "2016", "year")),
        ("هذا العام", ("هذا العام", "2015", "year")),
        ("اليوم الثلاثاء", ("اليوم الثلاثاء", "2015-08-11", "day")),
    ],
)
def test_relative(text: str, expected: tuple[str, str, str]) -> None:
    assert vals(text) == [expected]


def test_weekday_past_and_future() -> None:
    assert vals("وأعلنت الشرطة الخميس القبض على المشتبه بهم") == [("الخميس", "2015-08-06", "day")]
    assert vals("وسيعقد المجلس اجتماعه الخميس") == [("الخميس", "2015-08-13", "day")]
    assert vals("وسوف يزور الرئيس المنطقة الأربعاء") == [("الأربعاء", "2015-08-12", "day")]
    assert vals("قال الثلاثاء إن") == [("الثلاثاء", "2015-08-11", "day")]
    assert vals("الثلاثاء الماضي") == [("الثلاثاء الماضي", "2015-08-04", "day")]
    assert vals("الثلاثاء المقبل") == [("الثلاثاء المقبل", "2015-08-18", "day")]
    assert vals("يوم الاثنين الماضي") == [("يوم الاثنين الماضي", "2015-08-10", "day")]


def test_published_none_and_datetime() -> None:
    assert vals("وصل اليوم", None) == [("اليوم", None, "day")]
    assert vals("الأسبوع الماضي", None) == [("الأسبوع الماضي", None, "week")]
    assert vals("في 11 أغسطس 2015", None) == [("11 أغسطس 2015", "2015-08-11", "day")]
    assert find_dates("أمس", datetime(2015, 8, 11, 23, 59))[0].value == "2015-08-10"


@pytest.mark.parametrize(
    "text",
    [
        "نايف عبدالله – عين اليوم",
        "أفادت صحيفة اليوم",
        "نقلت صحيفة المصري اليوم",
        "في اليوم التالي",
        "اليوم الوطني",
        "اسمه عبد الأحد",
        "الأحد عشر لاعبا",
        "بين الاثنين",
        "الأمين العام السابق",
        "مارس الضغوط",
        "قبل شهر رمضان",
        "قبل عامين من الحرب",
        "اليومية",
        "أمسية شعرية",
        "آلاف الأشخاص",
        "حميد شباط",
    ],
)
def test_negatives(text: str) -> None:
    assert find_dates(text, P) == []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["اليوم", "أمس", "الاثنين", "11", "/", "-", "أغسطس", "2015", "شوال", "1436", "هـ", " ", "،", "قبل",
             "يومين", "عام", "الماضي", "الموافق", "و", "٣", "غدا", "شهر", "عين"]
        )
        | st.text(max_size=5),
        max_size=25,
    ).map("".join),
    st.none() | st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31)),
)  # fmt: skip
def test_property_spans(text: str, pub: date | None) -> None:
    for m in find_dates(text, pub):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text


def _every_trigger_every_kind(text: str, pub: date | None) -> list[DateMatch]:
    # find_dates without its shortcuts: every _TRIGGER match, every kind _TRY lists for it
    from khabar.enrich import dates as d

    found = []
    last = 0
    for t in d._TRIGGER.finditer(text):
        if t.start() < last:
            continue
        for kind in d._TRY[t.lastgroup or "digit"]:
            m = d._KIND_PATTERNS[kind].match(text, t.start())
            if m is not None:
                break
        else:
            continue
        last = m.end()
        res = d._resolve(m, pub, kind)
        if res is not None:
            found.append(d._M(*m.span("all"), kind, res[0], res[1]))
    return [DateMatch(f.start, f.end, text[f.start : f.end], f.value, f.gran) for f in d._merge(text, found)]


_DATE_PIECES = [
    "اليوم", "أمس", "غدا", "بعد غد", "الاثنين", "الأحد المقبل", "يوم الخميس", "سيعقد الاجتماع", "11", "3", "15",
    "2015", "1436", "٢٠١٥", "11/8/2015", "2015-08-11", "11 أغسطس", "11 آب/أغسطس 2015", "إبريل", "أغسطس الماضي",
    "في مايو", "شهر رمضان", "رمضان 1436 هـ", "26 شوال 1436 هـ", "ذوالحجة", "الموافق", "م", "هـ", "الأول من يونيو",
    "الحادي عشر من", "الـ 15", "عام 2014", "العام", "العام الماضي", "للعام المقبل", "هذا العام", "هذه السنة",
    "الأسبوع الجاري", "الشهر المقبل", "قبل ثلاثة أيام", "منذ عامين", "بعد أسبوع", "قبل أن", "بعد نحو 3 أشهر",
    "من", "في", "و", "ف", "،", "(", ")", "-", "الأمين العام", "مليون", "شخصا", "عين اليوم", "x",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(_DATE_PIECES) | st.text(max_size=3), max_size=10).map(" ".join),
    st.none() | st.just(P),
)
def test_shortcuts_change_no_result(text: str, pub: date | None) -> None:
    # the merged trigger scan and the cheap tests of what each kind needs only skip patterns that fail
    assert find_dates(text, pub) == _every_trigger_every_kind(text, pub)


def test_labelled_set_stores_corpus_items_as_references() -> None:
    items = read_jsonl(DATES)
    assert {it["origin"] for it in items} == {"khabar", "saudinewsnet"}
    for it in items:
        if it["origin"] == "saudinewsnet":
            assert "text" not in it and "expr" not in it, it
            assert {"zip", "url", "span", "sha1", "expr_start", "expr_end"} <= set(it)


def test_labelled_khabar_items_without_corpus(tmp_path: Path) -> None:
    items, left_out = load_dates(DATES, tmp_path / "nowhere")
    assert left_out and "SaudiNewsNet not found" in left_out
    assert len(items) >= 100 and all(it["origin"] == "khabar" for it in items)
    for it in items:
        assert it["text"][it["expr_start"] : it["expr_end"]] == it["expr"]
    ok = sum(bench.khabar_value(it) == it["value"] for it in items)
    assert ok >= len(items) - 2  # 110 / 112 (benchmarks/results/dates.md)


def test_labelled_full_set() -> None:
    reason = missing_reason()
    if reason:
        pytest.skip(f"the corpus items of the date set need the corpus: {reason}")
    items, left_out = load_dates(DATES)
    assert left_out is None and len(items) == len(read_jsonl(DATES))
    for it in items:
        assert it["text"][it["expr_start"] : it["expr_end"]] == it["expr"]
    ok = sum(bench.khabar_value(it) == it["value"] for it in items)
    assert ok >= len(items) - 3  # 112 / 115 (benchmarks/results/dates.md)
