"""Datelines and credits: every supported shape on a realistic sentence, and what must never match."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khabar.refining.agencies import AGENCIES, AGENCY_PATTERN, OUTLETS, lookup_agency
from khabar.refining.dateline import DatelineMatch, find_credit, find_dateline
from tests.conftest import SEED_PATH, shared_dir

SEED = SEED_PATH  # the seed as khabar ships it in examples/
CNN = shared_dir() / "data" / "html" / "cnn_arabic_2013.gold.txt"

SEED_LINE = (
    'استانا (كازاخستان) "أ ف ب": وصل الرئيس الصيني شي جينبينغ إلى كازاخستان اليوم لحضور القمة الثانية'
    " بين الصين وآسيا الوسطى، وفق وسائل الإعلام الرسمية في بكين."
)


def _dl(text: str) -> DatelineMatch:
    m = find_dateline(text)
    assert m is not None, text
    assert m.start == 0 and m.position == "start"
    return m


def test_seed_shape_place_country_quoted_agency() -> None:
    m = _dl(SEED_LINE)
    assert (m.place, m.place_en, m.country, m.agency, m.agency_kind) == (
        "استانا",
        "Astana",
        "KZ",
        "AFP",
        "agency",
    )
    assert m.raw == 'استانا (كازاخستان) "أ ف ب"'
    assert SEED_LINE[m.end :].startswith("وصل الرئيس")


@pytest.mark.skipif(not SEED.exists(), reason="seed data not present")
def test_seed_file_first_line() -> None:
    line = SEED.read_text(encoding="utf-8").splitlines()[0]
    m = _dl(line)
    assert (m.place_en, m.country, m.agency) == ("Astana", "KZ", "AFP")
    assert line[m.end :].startswith("وصل الرئيس")


def test_cnn_shape_place_comma_country_paren_agency_double_dash() -> None:
    line = "دمشق، سوريا (CNN) -- أكدت جهات سورية معارضة أن فصائل مسلحة سيطرت على مواقع جديدة."
    m = _dl(line)
    assert (m.place, m.place_en, m.country, m.agency) == ("دمشق", "Damascus", "SY", "CNN")
    assert m.raw == "دمشق، سوريا (CNN)"
    assert line[m.end :].startswith("أكدت جهات")


@pytest.mark.skipif(not CNN.exists(), reason="CNN gold file not present")
def test_cnn_gold_first_line() -> None:
    line = CNN.read_text(encoding="utf-8").splitlines()[0]
    m = _dl(line)
    assert (m.place_en, m.country, m.agency) == ("Damascus", "SY", "CNN")
    assert not line[m.end :].startswith(("-", " "))


@pytest.mark.parametrize("dash", ["-", "–", "ـ"])
def test_place_dash_agency_colon(dash: str) -> None:
    line = f"القاهرة {dash} أ ش أ: أعلنت وزارة الصحة المصرية ارتفاع عدد المصابين إلى 12 شخصا."
    m = _dl(line)
    assert (m.place_en, m.country, m.agency) == ("Cairo", "EG", "MENA")
    assert line[m.end :].startswith("أعلنت وزارة")


def test_place_paren_agency_dash() -> None:
    line = "واشنطن (رويترز) - قال مسؤولون أمريكيون إن المحادثات ستستأنف الأسبوع المقبل."
    m = _dl(line)
    assert (m.place, m.place_en, m.country, m.agency, m.agency_en) == (
        "واشنطن",
        "Washington",
        "US",
        "Reuters",
        "Reuters",
    )
    assert line[m.end :].startswith("قال مسؤولون")


def test_place_paren_agency_without_separator() -> None:
    line = "واشنطن (رويترز) قال مسؤولون أمريكيون إن المحادثات ستستأنف."
    assert line[_dl(line).end :].startswith("قال مسؤولون")


def test_place_day_month_paren_agency_dash() -> None:
    line = "بيروت 5 أغسطس (أ ف ب) - قتل عشرة أشخاص في انفجار سيارة مفخخة في جنوب لبنان."
    m = _dl(line)
    assert (m.place_en, m.country, m.agency, m.date) == ("Beirut", "LB", "AFP", "5 أغسطس")
    assert line[m.end :].startswith("قتل عشرة")


def test_place_fi_day_month_slash_agency() -> None:
    line = "برلين في 12 مارس /د ب أ/ أعلنت الحكومة الألمانية عن خطة جديدة لدعم الطاقة."
    m = _dl(line)
    assert (m.place_en, m.country, m.agency, m.date) == ("Berlin", "DE", "dpa", "12 مارس")
    assert line[m.end :].startswith("أعلنت الحكومة")


SPA_DATE = "26 شوال 1436 هـ الموافق 11 أغسطس 2015 م"


def test_spa_line_alone() -> None:
    line = f" جدة {SPA_DATE} واس"
    m = _dl(line)
    assert (m.place, m.place_en, m.country, m.agency, m.date) == ("جدة", "Jeddah", "SA", "SPA", SPA_DATE)
    assert m.end == len(line)


def test_spa_followed_by_text() -> None:
    line = f"الرياض {SPA_DATE} واس أكد معالي وزير الصحة أن الوزارة ماضية في خططها، وأن العمل مستمر."
    m = _dl(line)
    assert (m.place_en, m.agency, m.date) == ("Riyadh", "SPA", SPA_DATE)
    assert line[m.end :].startswith("أكد معالي")


def test_spa_agency_first_and_parenthesised() -> None:
    m = _dl(f"واس تبوك {SPA_DATE}")
    assert (m.place_en, m.agency, m.date) == ("Tabuk", "SPA", SPA_DATE)
    line = "الأحساء25 شوال 1436 هـ الموافق 10 أغسطس 2015 م (واس) أكد مدير التعليم أهمية الانضباط."
    m = _dl(line)
    assert (m.place_en, m.agency, m.date) == ("Al-Ahsa", "SPA", "25 شوال 1436 هـ الموافق 10 أغسطس 2015 م")
    assert line[m.end :].startswith("أكد مدير")


def test_spa_unknown_place_vouched_by_date_and_agency() -> None:
    m = _dl(f"كانبيرا {SPA_DATE} واس")
    assert (m.place, m.place_en, m.country, m.agency) == ("كانبيرا", None, None, "SPA")


@pytest.mark.parametrize(
    ("line", "place_en", "agency", "kind", "rest"),
    [
        (
            "(أبوظبي - البيان) أعلنت وزارة الداخلية عن حملة مرورية.",
            "Abu Dhabi",
            "Al Bayan",
            "outlet",
            "أعلنت",
        ),
        (" عين اليوم – بيروت", "Beirut", "3alyoum", "outlet", ""),
        ("الرياض - واس: أكد وزير الداخلية أهمية التعاون.", "Riyadh", "SPA", "agency", "أكد وزير"),
        ("جدة – عكاظ: شهدت المدينة أمطارا غزيرة أمس.", "Jeddah", "Okaz", "outlet", "شهدت"),
        (" سبق- الدمام: حقق مطار الملك فهد الدولي نموا.", "Dammam", "Sabq", "outlet", "حقق مطار"),
        (" واس- الكويت: ضبطت الأجهزة الأمنية الكويتية شبكة.", "Kuwait", "SPA", "agency", "ضبطت"),
        ("اليوم - الدمام", "Dammam", "Al Yaum", "outlet", ""),
        ("Next Previous عين اليوم – الرياض", "Riyadh", "3alyoum", "outlet", ""),
    ],
)
def test_outlet_datelines(line: str, place_en: str, agency: str, kind: str, rest: str) -> None:
    m = _dl(line)
    assert (m.place_en, m.agency, m.agency_kind) == (place_en, agency, kind)
    assert line[m.end :].startswith(rest)
    if not rest:
        assert m.end == len(line)


def test_bylines() -> None:
    m = _dl(" نايف عبدالله – عين اليوم")
    assert (m.agency, m.byline, m.place) == ("3alyoum", "نايف عبدالله", None)
    line = " ماجد الرفاعي- سبق- ينبع: انتشلت فرق الدفاع المدني جثة مقيم."
    m = _dl(line)
    assert (m.byline, m.agency, m.place_en) == ("ماجد الرفاعي", "Sabq", "Yanbu")
    assert line[m.end :].startswith("انتشلت")
    m = _dl("الأحساء ـ عادل الدحيلان")
    assert (m.place_en, m.byline, m.agency) == ("Al-Ahsa", "عادل الدحيلان", None)
    m = _dl(" سعود الدعجاني- سبق- قرية المطار: تكفلت مدينة الملك سعود بزراعة قوقعة.")
    assert (m.place, m.place_en, m.agency) == ("قرية المطار", None, "Sabq")


def test_several_agencies_joined() -> None:
    m = _dl(" سبق – وكالات: اعتبر وزير الخارجية الأمريكي أن التصريحات مقلقة.")
    assert m.agencies == ("Sabq", "Agencies")
    assert m.agency == "Sabq, Agencies" and m.agency_kind == "agency"


@pytest.mark.parametrize(
    "line",
    [
        "قال الرئيس الأمريكي باراك أوباما - في كلمة له - إن بلاده لن تتراجع.",
        "وأعلنت وزارة الخارجية الصينية اليوم أن الاجتماعات ستضع خطة جديدة.",
        "اتفاق فرنسي - روسي في شأن سفينتي «ميسترال»",
        "العراق: «200» ألف مدني بالفلوجة يستخدمهم داعش دروعاً بشرية",
        "تركيا: مقاتلات F16 قصفت مواقع لداعش في سوريا",
        "مصر - السعودية",
        "الرياض",
        "فوزية الحربي",
        "نائب خادم الحرمين",
        "كشف لـ «عكاظ» مدير الجوازات بمنطقة مكة المكرمة أن العمل مستمر.",
        '"الاقتصادية" تنشر أهم الأحداث التي وقعت خلال الأسبوع.',
        "«بي بي سي» ترد على الحكومة البريطانية",
        "ذكرت وكالة الأنباء الإيطالية «أنسا»، أمس السبت، أن السلطات أوقفت مشتبها.",
        "تمكنت دوريات أمن طريق المدينة - ينبع - جدة السريع من ضبط مخالفين.",
        "في الرياض، أكد وزير الداخلية أن الأمن مستتب.",
        "الرياض: أكد وزير الداخلية أن الأمن مستتب.",
        "",
        "   ",
        "تعليقات () ",
    ],
)
def test_ordinary_sentences_are_not_datelines(line: str) -> None:
    assert find_dateline(line) is None


@pytest.mark.parametrize(
    ("paragraph", "agencies", "kept"),
    [
        ("وقال المتحدث إن الهجوم أسفر عن مقتل خمسة. (أ ف ب، رويترز)", ("AFP", "Reuters"), "مقتل خمسة."),
        ("وانتهى الاجتماع مساء أمس دون اتفاق (وكالات)", ("Agencies",), "دون اتفاق"),
        ("وأكد الوزير استمرار الدعم /واس/", ("SPA",), "استمرار الدعم"),
        ("وأكد الوزير استمرار الدعم. (أ. ف. ب) ", ("AFP",), "استمرار الدعم."),
        ("الممثلة كيري واشنطن في بيفرلي هيلز، كاليفورنيا. أ ف ب ", ("AFP",), "كاليفورنيا."),
    ],
)
def test_credits(paragraph: str, agencies: tuple[str, ...], kept: str) -> None:
    m = find_credit(paragraph)
    assert m is not None
    assert m.position == "end" and m.agencies == agencies and m.end == len(paragraph)
    assert m.agency == ", ".join(agencies)
    assert paragraph[: m.start].rstrip().endswith(kept)


@pytest.mark.parametrize(
    "paragraph",
    [
        "وقد أجريت الانتخابات في 23 أغسطس (آب).",  # the month آب is not AP
        "وهو ما أكده وزير الخارجية (السعودي)",
        "وقالت إن الأسواق ستفتح (اليوم)",  # a weak outlet name alone is the word "today"
        "18:22 ت م",
        "رابط الخبر بصحيفة الوئام: عسيري: عدن آمنة",
        "",
    ],
)
def test_not_credits(paragraph: str) -> None:
    assert find_credit(paragraph) is None


def test_agency_tables() -> None:
    assert len(AGENCIES) >= 45
    assert len(OUTLETS) >= 14
    for source in (*AGENCIES, *OUTLETS):
        for form in source.forms:
            assert lookup_agency(form) is source, form
            assert lookup_agency(f'"{form}"') is source, form
            assert lookup_agency(f"({form})") is source, form
            assert AGENCY_PATTERN.search(f"نقلا عن {form} اليوم") is not None, form
    for form, short in [
        ("أ.ف.ب", "AFP"),
        ("ا ف ب", "AFP"),
        ("د.ب.أ", "dpa"),
        ("و.م.ع", "MAP"),
        ("cnn", "CNN"),
    ]:
        hit = lookup_agency(form)
        assert hit is not None and hit.short == short
    assert lookup_agency("آب") is None
    assert lookup_agency("قال الرئيس") is None
    kinds = {a.kind for a in OUTLETS}
    assert kinds == {"outlet"}
    assert lookup_agency("الرياض").kind == "outlet"  # the newspaper; the parser decides from context


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("استانكزخبفأ()\"':-–ـ،, 0123456789/واسشوالرياضجدة\n")), max_size=120
    )
)
def test_never_raises_and_span_is_sane(text: str) -> None:
    for m, pos in ((find_dateline(text), "start"), (find_credit(text), "end")):
        if m is not None:
            assert 0 <= m.start <= m.end <= len(text)
            assert m.position == pos


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    for m in (find_dateline(text), find_credit(text)):
        if m is not None:
            assert 0 <= m.start <= m.end <= len(text)


def test_outlet_and_city_that_are_both_names() -> None:
    # «الجزيرة» is Al Jazirah (the newspaper), not Algiers; «الرياض» is then the city
    m = find_dateline("الجزيرة - الرياض")
    assert m is not None
    assert (m.place_en, m.country, m.agency, m.agency_kind) == ("Riyadh", "SA", "Al Jazirah", "outlet")


def test_two_unknown_words_after_an_outlet_are_a_reporter_not_a_place() -> None:
    m = find_dateline("الجزيرة - ماجد العيد:")
    assert m is not None and m.place is None and m.byline == "ماجد العيد" and m.agency == "Al Jazirah"
    town = find_dateline("سعود الدعجاني- سبق- تثليث: قال")
    assert town is not None and town.place == "تثليث"


def test_a_whole_field_reads_place_colon_agency() -> None:
    from khabar.refining.dateline import find_field_dateline

    m = find_field_dateline("لندن: رويترز")
    assert m is not None and (m.place_en, m.agency, m.raw) == ("London", "Reuters", "لندن: رويترز")
    assert find_field_dateline("لندن: رويترز تقول إن") is None  # the field must be the dateline
    assert find_field_dateline("محمد العلي") is None


_TAIL_PIECES = [
    "قال الوزير", ".", "!", "؟", "»", '"', "”", " ", "  ", "\t", "(", ")", "[", "]", "/", "-", "ـ",
    "أ ف ب", "رويترز", "واس", "وكالات", "الحياة", "أ.ف.ب", "(أ ف ب، رويترز)", "/واس/", "\u00a0", "\x1c",
    "انتهى. رويترز", "انتهى! أ ف ب.", "«نعم». واس", "هنا.رويترز",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TAIL_PIECES), max_size=10).map(" ".join), st.integers(0, 20))
def test_credit_fast_paths_find_what_the_searches_find(text: str, tail_from: int) -> None:
    from khabar.refining import dateline

    tail_from = min(tail_from, len(text))
    # the cheap test before the credit search never rules out a paragraph the search would match
    if dateline._CREDIT.search(text, tail_from) is not None:
        assert dateline._CLOSING_GROUP.search(text, tail_from) is not None
    # the bare credit is found by matching where it can start, as a search finds it
    found = dateline._search_bare_credit(text, tail_from)
    searched = dateline._BARE_CREDIT.search(text, tail_from)
    assert (found is None) == (searched is None)
    if found is not None and searched is not None:
        assert (found.span(), found.group("name")) == (searched.span(), searched.group("name"))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["جدة", "26", "٢٦", "شوال", "1436", "هـ", "الموافق", "11", "أغسطس", "2015", "م", "واس",
                         "الاثنين", "الإثنين", "يوم", "في", " ", "الرياض", "x", "²", "۳"]),
        max_size=10,
    ).map(" ".join)
)  # fmt: skip
def test_date_hint_never_rules_out_a_dated_segment(text: str) -> None:
    from khabar.refining import dateline

    if dateline._DATED.match(text) is not None:
        assert dateline._DATE_HINT.search(text) is not None
