"""Direct quotes and speakers (khabar.enrich.quotes)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import khabar
from benchmarks import quotes as bench
from benchmarks.devsets import (
    QUOTES,
    CorpusUnavailable,
    DevSetDrift,
    clean,
    load_quotes,
    missing_reason,
    read_jsonl,
    short_hash,
)
from khabar.enrich.quotes import QuoteMatch, find_quotes, find_quotes_in_article

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "000_33b316c23a9f7167.txt"


def _one(paragraph: str) -> QuoteMatch:
    quotes = find_quotes(paragraph)
    assert len(quotes) == 1, quotes
    return quotes[0]


def test_seed_has_exactly_two_quotes() -> None:
    paragraphs = khabar.refine(SEED.read_text(encoding="utf-8")).paragraphs
    got = [(q.text, q.speaker) for p in paragraphs for q in find_quotes(p)]
    assert got == [
        ("ستضع بشكل مشترك خطة جديدة للتعاون المستقبلي", "وزارة الخارجية الصينية"),
        ("(ستفتح) مجالا أكبر للبناء المشترك لمبادرة الحزام والطريق", "غوه جياكون"),
    ]
    for p in paragraphs:
        for q in find_quotes(p):
            assert p[q.start : q.end] == q.text
            assert q.speaker_start is not None and q.speaker_end is not None
            assert p[q.speaker_start : q.speaker_end] == q.speaker


def test_vso_with_stops() -> None:
    q = _one('وقال النادي في بيان: "بعد الفحوص الطبية تم تشخيص تمزق عضلي في ساقه اليسرى".')
    assert q.speaker == "النادي"
    q = _one("وأضافت والش أمس: «كما زعم أيضا أن جنيد كان يخطط لهجوم».")
    assert q.speaker == "والش"
    q = _one('وتابع قساني لفرانس برس "نتيجة لذلك اطلق مسؤول امني النار في الهواء".')
    assert q.speaker == "قساني"
    q = _one("وروى احد سكان سوروتش ويدعى محمد جيليك لوكالة فرانس برس «ان المدينة غارقة في الفوضى».")
    assert q.speaker == "احد سكان سوروتش ويدعى محمد جيليك"
    q = _one("وقال «الحاج»: «الميليشيات فجرت أمس مواقع للغاز الذي اشتعل لساعات».")
    assert (q.text, q.speaker) == ("الميليشيات فجرت أمس مواقع للغاز الذي اشتعل لساعات", "الحاج")


def test_svo_and_relative() -> None:
    assert _one("روحاني قال: «لدينا خياران أمام العالم، إما الاستسلام له أو هزيمته».").speaker == "روحاني"
    p = "وذلك بحسب أبو زيد الذي أشار إلى أن «تركيا لا تزال تؤمن بأن لا مجال لتحجيم التنظيم»."
    assert _one(p).speaker == "أبو زيد"


def test_after_quote_and_according_to() -> None:
    p = "وفجر انتحاري نفسه «وسط مجموعة من الطلاب العسكريين العائدين»، بحسب ما صرح رئيس شرطة كابول عبد الرحمن رحيمي."
    assert _one(p).speaker == "رئيس شرطة كابول عبد الرحمن رحيمي"
    p = 'وتشمل المخيمات "تدريبات ومهارات عسكرية ورماية بالذخيرة الحية"، وفق القسام.'
    assert _one(p).speaker == "القسام"
    p = "«لمتابعة جهود الحكومة المصرية للإفراج عن الرهينة»، حسب ما أعلنت الخارجية المصرية في بيان."
    assert _one(p).speaker == "الخارجية المصرية"
    # وفقا لـ after a subjectless verb names the channel, not the speaker
    p = 'وأضاف وفقاً لوكالة الأنباء الألمانية، أن "إنشاء قدرة مالية خاصة لمنطقة اليورو هو اقتراح".'
    assert _one(p).speaker is None


def test_apposition_names_the_person() -> None:
    p = "أكد المتحدث الرسمي باسم رئاسة الجمهورية، خالد شواني، لـ«الشرق الأوسط» أن تصريحاته «شخصية لا تمثل الرأي الرسمي للرئاسة»."
    assert _one(p).speaker == "خالد شواني"
    p = "وقالت الأخت ماريا تيريزا، الراهبة المسيحية، لـ«الشرق الأوسط»: «نحن بشر ولنا الحق في العيش بكرامة»."
    assert _one(p).speaker == "الأخت ماريا تيريزا"


def test_implicit_subject_carries_within_paragraph() -> None:
    p = (
        "وقال ستولتنبرغ في مقابلة إن «تركيا لديها جيش قوي جدا وقوات أمنية قوية». "
        "وأضاف: «بالتالي لم يتم تقديم أي طلب من أجل الحصول على دعم عسكري»."
    )
    assert [q.speaker for q in find_quotes(p)] == ["ستولتنبرغ", "ستولتنبرغ"]
    assert _one("وأضاف: «بالتالي لم يتم تقديم أي طلب من أجل الحصول على دعم».").speaker is None


def test_article_carries_across_paragraphs() -> None:
    paras = [
        "وقال الوزير خالد الفالح: «نحن ملتزمون بتحقيق الاستقرار في السوق».",
        "وتابع: «لن نغير سياستنا الإنتاجية في الوقت الحالي».",
        "وقال مسؤول إن «السوق تتعافى بسرعة أكبر من المتوقع».",
    ]
    got = find_quotes_in_article(paras)
    assert [q.speaker for qs in got for q in qs] == ["الوزير خالد الفالح", "الوزير خالد الفالح", "مسؤول"]
    assert got[1][0].speaker_start is None


def test_scare_quotes_names_and_titles_are_not_quotes() -> None:
    assert find_quotes('وأكد سعود التويم لـ"عين اليوم" أن دخول المرأة أعطى الأمل كثيرا.') == []
    assert find_quotes("ورفض التعامل مع «داعش» ووصفها بـ«المقبولة» في تقرير «الجزيرة».") == []
    assert (
        find_quotes("ووفقا للبحث الذي أصدرته الشركة بعنوان «آثار أسعار النفط على الدول الآسيوية الناشئة».")
        == []
    )
    assert find_quotes('قرأ عسيري نصي "مساء الخير، وزرقاء اليمامة" في الأمسية.') == []
    assert find_quotes("رابط الخبر بصحيفة الوئام: «77» وظيفة شاغرة") == []
    assert find_quotes("لا علامات تنصيص هنا، قال الوزير إن الوضع مستقر.") == []


def test_reversed_and_unclosed_marks() -> None:
    q = _one("وقال ريدناب :”لدي شعور بأن أرسنال سيعود بقوة هذا العام.“")
    assert q.speaker == "ريدناب" and q.text.startswith("لدي شعور")
    q = _one("وأوضح أنه «لابد أن يدرك الجميع أن برامج النادي ليست مناشط منبرية فقط.")
    assert q.text == "لابد أن يدرك الجميع أن برامج النادي ليست مناشط منبرية فقط"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                '"',
                "«",
                "»",
                "“",
                "”",
                ":",
                "،",
                ".",
                " ",
                "قال",
                "وأضاف",
                "بحسب",
                "أن",
                "الوزير",
                "لـ",
                "x",
                "\n",
            ]
        )
        | st.text(max_size=5),
        max_size=40,
    ).map("".join)
)
def test_never_raises_and_offsets_are_consistent(text: str) -> None:
    for q in find_quotes(text):
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start : q.end] == q.text
        if q.speaker is not None:
            assert q.speaker_start is not None and q.speaker_end is not None
            assert text[q.speaker_start : q.speaker_end] == q.speaker
        else:
            assert q.speaker_start is None and q.speaker_end is None


def test_dev_set_stores_references_not_text() -> None:
    items = read_jsonl(QUOTES)
    assert len(items) >= 100
    for item in items:
        assert set(item) == {"origin", "zip", "url", "span", "sha1", "quotes"}, item
        assert item["origin"] == "saudinewsnet"
        for q in item["quotes"]:
            assert set(q) == {"start", "end", "speaker_start", "speaker_end"}, q


def _fake_shared(root: Path, content: str) -> Path:
    folder = root / "data" / "saudinewsnet"
    folder.mkdir(parents=True)
    article = {"source": "sabq", "url": "http://example.com/1", "date_extracted": "2015-07-21 02:51:32",
               "title": "t", "author": "", "content": content}  # fmt: skip
    with zipfile.ZipFile(folder / "2015-07-21.zip", "w") as z:
        z.writestr("2015-07-21.json", json.dumps([article], ensure_ascii=False))
    return root


def test_loader_rebuilds_checks_hashes_and_skips(tmp_path: Path) -> None:
    content = "سبق- جدة:\u00a0وقال الوزير:  «نحن ملتزمون بتحقيق الاستقرار».\nسطر آخر"
    para = "وقال الوزير: «نحن ملتزمون بتحقيق الاستقرار»."
    start = content.index("وقال")
    assert clean(content[start : content.index("\n")]) == para
    ref = {"origin": "saudinewsnet", "zip": "2015-07-21.zip", "url": "http://example.com/1",
           "span": [start, content.index("\n")], "sha1": short_hash(para),
           "quotes": [{"start": para.index("نحن"), "end": para.index("».") , "speaker_start": 5,
                       "speaker_end": 11}]}  # fmt: skip
    dev = tmp_path / "dev.jsonl"
    dev.write_text(
        json.dumps({"_meta": "x"}) + "\n" + json.dumps(ref, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    shared = _fake_shared(tmp_path / "shared", content)
    (row,) = load_quotes(dev, shared)
    assert row["paragraph"] == para and row["source"] == "sabq"
    assert [(q["text"], q["speaker"]) for q in row["quotes"]] == [("نحن ملتزمون بتحقيق الاستقرار", "الوزير")]

    dev.write_text(json.dumps({**ref, "sha1": "000000000000"}, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(DevSetDrift, match=r"dev\.jsonl item 1: .*example\.com/1"):
        load_quotes(dev, shared)
    with pytest.raises(CorpusUnavailable, match="SaudiNewsNet not found"):
        load_quotes(dev, tmp_path / "nowhere")


def test_dev_set_goal() -> None:
    reason = missing_reason()
    if reason:
        pytest.skip(f"quote dev set needs the corpus: {reason}")
    rows = bench.load()
    assert len(rows) >= 100 and sum(len(r["quotes"]) for r in rows) >= 100
    res, _ = bench.score(rows)
    assert res["quote_P_exact"] >= 90 and res["quote_R_exact"] >= 90
    assert res["speaker_P_exact"] >= 90 and res["speaker_P_partial"] >= 90
    # speaker recall is below the 90% goal (see benchmarks/results/quotes.md); guard against regressions
    assert res["speaker_R_partial"] >= 83
