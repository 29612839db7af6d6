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
    QUOTES_TEST,
    CorpusUnavailable,
    DevSetDrift,
    clean,
    load_quotes,
    load_quotes_test,
    missing_reason,
    read_jsonl,
    short_hash,
)
from khabar.enrich.quotes import QuoteMatch, find_quotes, find_quotes_in_article
from khabar.record import Entity

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
    # a carried speaker points into the paragraph that named it
    q = got[1][0]
    assert q.speaker_para == 0 and paras[0][q.speaker_start : q.speaker_end] == q.speaker
    assert got[0][0].speaker_para == 0 and got[2][0].speaker_para == 2


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


def _pairs(paragraph: str) -> list[tuple[str, str | None]]:
    return [(q.text, q.speaker) for q in find_quotes(paragraph)]


def test_nested_straight_quotes_stay_inside_the_outer_quote() -> None:
    p = 'وقال النائب: "هذه التصريحات لن تعيده إلى ما يسمى ب " العملية السياسية" التي انتهت منذ زمن بعيد".'
    assert _pairs(p) == [
        ('هذه التصريحات لن تعيده إلى ما يسمى ب " العملية السياسية" التي انتهت منذ زمن بعيد', "النائب")
    ]
    # two quotes in a row are still two quotes
    p = 'وقال المدرب "الفريق جاهز للمباراة المقبلة" وأضاف "نحترم المنافس كثيرا ونحترم جمهوره".'
    assert [t for t, _ in _pairs(p)] == ["الفريق جاهز للمباراة المقبلة", "نحترم المنافس كثيرا ونحترم جمهوره"]


def test_subject_ends_before_an_object_with_a_possessive_suffix() -> None:
    p = 'وتابع الوزير تصريحاته بالتأكيد على الخطة، وقال "سنبدأ التنفيذ خلال الشهر المقبل في كل المناطق".'
    assert _pairs(p) == [("سنبدأ التنفيذ خلال الشهر المقبل في كل المناطق", "الوزير")]
    p = 'وقدم اللاعب فهد العتيبي شكره للجماهير، وقال: "الفوز اليوم جاء بجهد كل اللاعبين".'
    assert _pairs(p) == [("الفوز اليوم جاء بجهد كل اللاعبين", "اللاعب فهد العتيبي")]
    p = 'وقال الحارس لزملائه "سنعود أقوى في المباراة القادمة بإذن الله".'
    assert _pairs(p) == [("سنعود أقوى في المباراة القادمة بإذن الله", "الحارس")]
    # a name ending in ه, and ة written ه before a genitive, are kept
    p = 'وقال بدر باسلمه للصحافيين "إنها بداية تشغيل المطار من جديد".'
    assert _pairs(p) == [("إنها بداية تشغيل المطار من جديد", "بدر باسلمه")]
    p = 'وقال المتحدث باسم وزاره الصحه: "لا توجد إصابات جديدة بالفيروس اليوم".'
    assert _pairs(p) == [("لا توجد إصابات جديدة بالفيروس اليوم", "المتحدث باسم وزاره الصحه")]


def test_subject_ends_before_what_is_sent_and_after_a_blessing() -> None:
    p = (
        "وبعث الأمير فيصل بن خالد أمير المنطقة برقية تهنئة للفائزين قال فيها: "
        "«أهنئكم بهذا الإنجاز الكبير الذي يرفع اسم الوطن»."
    )
    assert _pairs(p) == [
        ("أهنئكم بهذا الإنجاز الكبير الذي يرفع اسم الوطن", "الأمير فيصل بن خالد أمير المنطقة")
    ]
    p = 'ومن ذلك قول موسى عليه السلام لقومه "استعينوا بالله واصبروا إن الأرض لله".'
    assert _pairs(p) == [("استعينوا بالله واصبروا إن الأرض لله", "موسى عليه السلام")]


def test_fi_after_a_name_is_an_adjunct_after_an_office_a_place() -> None:
    p = "وقال خلفان في سلسلة تغريدات: «على الجميع أن يتحلى بالحكمة في هذه المرحلة»."
    assert _pairs(p) == [("على الجميع أن يتحلى بالحكمة في هذه المرحلة", "خلفان")]
    p = "وقال مسؤول في وزارة الصحة: «الوضع تحت السيطرة ولا داعي للقلق»."
    assert _pairs(p) == [("الوضع تحت السيطرة ولا داعي للقلق", "مسؤول في وزارة الصحة")]
    p = "وقال للصحفيين في إفادة عبر الهاتف «لدينا آلاف الحالات في ثلاث دول»."
    assert _pairs(p) == [("لدينا آلاف الحالات في ثلاث دول", None)]
    p = 'وقال الوزير أمس الأول إن "الحكومة ستعلن الميزانية الجديدة قريبا".'
    assert _pairs(p) == [("الحكومة ستعلن الميزانية الجديدة قريبا", "الوزير")]


def test_newspaper_names_need_their_article() -> None:
    p = "وأضاف الشيخ ناصر المبعوث لمدينة سيدني «كما أشكر المركز الإسلامي على تعاونه معنا»."
    assert _pairs(p) == [("كما أشكر المركز الإسلامي على تعاونه معنا", "الشيخ ناصر المبعوث لمدينة سيدني")]


def test_short_quotes_only_when_marked_as_someones_words() -> None:
    p = 'أعلن المكتب أمس أن الحكومة تعتبر أن المشكلة قد "حلت بالكامل" بعد الاتفاق.'
    assert _pairs(p) == [("حلت بالكامل", "المكتب")]
    p = "وقال متحدث باسم الرئاسة إن الرئيس سيزور البلاد «في الأيام المقبلة»."
    assert _pairs(p) == [("في الأيام المقبلة", "متحدث باسم الرئاسة")]
    p = 'وتمسك الحوثي بأنه يمثل "الشرعية الثورية"، حسب تعبيره، في المفاوضات.'
    assert _pairs(p) == [("الشرعية الثورية", "الحوثي")]
    p = 'وسقطت اللوحة على المذيع الذي صاح "يا ساتر" أمام الكاميرا.'
    assert _pairs(p) == [("يا ساتر", "المذيع")]
    # a quoted noun phrase in a complement may be a name or a term: not a quote
    assert find_quotes("وأكدت الهيئة أن الأسرى موزعون على ثلاثة سجون هي «عوفر ومجدو»، دون محاكمة.") == []
    assert find_quotes('وأوضح أن الشركة نقلت الطلبات لمجموعة "الطيار للسفر" خلال العام.') == []
    assert find_quotes('وذكر البيان أن القوات تسلمت دبابات "أبرامز ام1" في القاعدة.') == []


def test_names_and_lists_in_marks_are_not_quotes() -> None:
    assert find_quotes('أعلنت "الشركة الوطنية للخدمات الأرضية" أن عضوا في مجلس الإدارة استقال.') == []
    assert find_quotes("وأشار إلى جهات تشريعية، مثل: «مجلس الشورى وهيئة الخبراء»، أخذت بالمقترحات.") == []
    assert find_quotes("ذكرت محطة «سي بي إس نيوز» أن البيت الأبيض أغلق لفترة وجيزة.") == []
    assert find_quotes('كما تراجع بند "الاحتياطي لدى صندوق النقد الدولي" بنسبة كبيرة.') == []


def test_a_source_named_right_after_the_quote_wins() -> None:
    p = 'ذكر بيان للسفارة أن الشحنة وصلت أمس، وذلك "في إطار الدعم المستمر للشركاء"، حسب البيان.'
    assert _pairs(p) == [("في إطار الدعم المستمر للشركاء", "البيان")]
    p = "وشدد على ضرورة الحل، «وقد اتفق الجانبان على ذلك خلال اللقاء»، حسبما أضاف المتحدث."
    assert _pairs(p) == [("وقد اتفق الجانبان على ذلك خلال اللقاء", "المتحدث")]


def test_came_in_a_source() -> None:
    p = "وورد في كتب السيرة: «أن الرجل جاء يسأل عن أمر دينه فأجابه»."
    assert _pairs(p) == [("أن الرجل جاء يسأل عن أمر دينه فأجابه", "كتب السيرة")]
    p = "ومن تلك الأمثال قولهم: «أثقل من جبل»، وهو مثل معروف."
    assert _pairs(p) == [("أثقل من جبل", None)]


def test_implicit_subject_from_an_earlier_agent() -> None:
    p = (
        "وفي إجابة عن سؤال حول الخطة، رفض سميث خلال المؤتمر تأكيد هذا الاحتمال. "
        "وقال: «نحن نتحدث مع الجميع ولا أريد أن أستبق القرارات»."
    )
    assert _pairs(p) == [("نحن نتحدث مع الجميع ولا أريد أن أستبق القرارات", "سميث")]
    p = (
        "واحتفى رئيس البعثة باللاعبين في الفندق وعبر مدير المنتخب خالد سعد عن سعادته وقال: "
        '"الجميع سعيد جدا ونريد مواصلة النتائج المميزة".'
    )
    assert _pairs(p) == [("الجميع سعيد جدا ونريد مواصلة النتائج المميزة", "مدير المنتخب خالد سعد")]
    p = (
        "والمحامي خالد فؤاد، صاحب خبرة طويلة في القضايا الدستورية. ويضيف أن «القانون الجديد يحتاج "
        "إلى مراجعة شاملة قبل تطبيقه»."
    )
    assert _pairs(p) == [("القانون الجديد يحتاج إلى مراجعة شاملة قبل تطبيقه", "المحامي خالد فؤاد")]
    p = "وفي سياق متصل بعث الأمير سلطان برقية للرئيس جاء فيها، «أشكركم على حسن الاستقبال وكرم الضيافة»."
    assert _pairs(p) == [("أشكركم على حسن الاستقبال وكرم الضيافة", "الأمير سلطان")]
    # the object of a verb whose subject is hidden is nobody's name
    p = "ووجه كلامه لرئيس النادي بالقول: «للصبر حدود ونحن ننتظر القرار»."
    assert _pairs(p) == [("للصبر حدود ونحن ننتظر القرار", None)]
    # an inscription has no writer
    p = "ورفع الأطفال لوحات كتب عليها «شكرا لكل من ساهم في نجاح المهرجان»."
    assert _pairs(p) == [("شكرا لكل من ساهم في نجاح المهرجان", None)]


def test_carry_prefers_the_last_speaking_subject_to_a_source() -> None:
    p = (
        'وأكد رئيس النادي ياسر الموسى أن التعاقدات تمت حسب رؤية المدرب، وقال: "سندعم الفريق بعناصر أخرى '
        'قريبا".'
    )
    assert _pairs(p) == [("سندعم الفريق بعناصر أخرى قريبا", "رئيس النادي ياسر الموسى")]
    p = "وقال يلدز إن الهجوم وقع ليلا، حسبما ذكرت وكالة الأناضول. وأضاف: «تمكنا من إخماد الحريق بسرعة»."
    assert _pairs(p) == [("تمكنا من إخماد الحريق بسرعة", "يلدز")]


def test_relative_clauses_agreement_and_resumptive_pronouns() -> None:
    p = "وانتقد أردوغان خلال زيارته الدول التي قال إنها تحاول «إلقاء اللوم على تركيا وحدها» في الأزمة."
    assert _pairs(p) == [("إلقاء اللوم على تركيا وحدها", "أردوغان")]
    p = "وحققوا أمنيتها التي غردت بها قائلة: «اللهم ارزقني من يدعو لي بعد موتي»."
    assert _pairs(p) == [("اللهم ارزقني من يدعو لي بعد موتي", None)]
    p = "وقالت الوزيرة التي تحدثت للصحفيين: «سنواصل العمل على تطوير القطاع الصحي»."
    assert _pairs(p) == [("سنواصل العمل على تطوير القطاع الصحي", "الوزيرة")]


def test_negated_verb_is_not_an_attribution() -> None:
    p = "وأضاف الباحث، الذي لم يذكر توقيت الحادثة «الأم وجدت أطفالها الثلاثة موتى في الصباح»."
    assert _pairs(p) == [("الأم وجدت أطفالها الثلاثة موتى في الصباح", "الباحث")]


def test_auxiliary_kana_before_the_subject() -> None:
    p = "وانفجر الصاروخ بعد دقائق، فيما كان المعلق يقول “لقد انفجر الصاروخ ولا نعلم ما الذي جرى”."
    assert _pairs(p) == [("لقد انفجر الصاروخ ولا نعلم ما الذي جرى", "المعلق")]
    p = 'وكان الناقد قد ذكر أن الرواية تستحق الجائزة، وقال "إنها أهم عمل صدر هذا العام في المملكة".'
    assert _pairs(p) == [("إنها أهم عمل صدر هذا العام في المملكة", "الناقد")]


def test_long_svo_subject_after_an() -> None:
    p = 'يذكر أن عبدالعزيز كابراوي نائب وزير النقل الماليزي قال "من شبه المؤكد أن الجناح من الطائرة".'
    assert _pairs(p) == [("من شبه المؤكد أن الجناح من الطائرة", "عبدالعزيز كابراوي نائب وزير النقل الماليزي")]


def test_temporal_an_does_not_chain_reporting_verbs() -> None:
    p = "وقال مكتب رئيس الوزراء إن الطائرات قصفت المواقع بعد أن قالت أنقرة: «ستتخذ كل الإجراءات الضرورية»."
    assert _pairs(p) == [("ستتخذ كل الإجراءات الضرورية", "أنقرة")]
    # a complementizer does chain them (the first speaker reports the second's view)
    p = 'أعلن الكرملين أن روسيا تعتبر أن "قضية السفينتين تمت تسويتها تماما".'
    assert _pairs(p) == [("قضية السفينتين تمت تسويتها تماما", "الكرملين")]


def test_phrase_edges_prepositions_and_glued_punctuation() -> None:
    # في kept for what may follow is dropped when the phrase stops after it
    p = 'وأكد الوزير في برقيته "تضامننا الكامل معكم في هذا المصاب الجلل".'
    assert _pairs(p) == [("تضامننا الكامل معكم في هذا المصاب الجلل", "الوزير")]
    # punctuation glued to the opening mark is not part of the speaker
    p = 'وأضاف المتحدث:"نحن لا نعتبر الرجل خطرا على أحد".'
    assert _pairs(p) == [("نحن لا نعتبر الرجل خطرا على أحد", "المتحدث")]
    # a lone colon before a list does not hide the word that announces it
    p = 'وأوضح القائد أن العرض شمل حركات منها :" السهم، الصقر، الدرع، الرمح، التنين".'
    assert find_quotes(p) == []


def test_object_right_after_the_verb_hides_the_subject() -> None:
    p = "قالت الفنانة ريم إنها سعيدة. وتابعت حديثها بصوت متقطع: «أشعر بأنني ولدت من جديد اليوم»."
    assert _pairs(p) == [("أشعر بأنني ولدت من جديد اليوم", "الفنانة ريم")]
    # a kinship noun with a possessive is the subject itself
    p = "تقول والدته سلمى “إنه يتحسن كل يوم ونحمد الله على ذلك”."
    assert _pairs(p) == [("إنه يتحسن كل يوم ونحمد الله على ذلك", "والدته سلمى")]


def test_article_carries_a_speaker_named_without_quote_marks() -> None:
    paras = [
        "وقال الوزير خالد الفالح إن السوق تتعافى بسرعة.",
        "واستقبل الأمير سلطان بن سلمان في مكتبه الوفد الزائر.",
        "وقال: «نرحب بكم في بلدكم الثاني ونتمنى لكم التوفيق»",
    ]
    got = find_quotes_in_article(paras)
    assert [(q.text, q.speaker) for qs in got for q in qs] == [
        ("نرحب بكم في بلدكم الثاني ونتمنى لكم التوفيق", "الأمير سلطان بن سلمان")
    ]
    q = got[2][0]
    assert q.speaker_para == 1 and paras[1][q.speaker_start : q.speaker_end] == q.speaker
    got = find_quotes_in_article(paras[:1] + paras[2:])
    assert got[1][0].speaker == "الوزير خالد الفالح" and got[1][0].speaker_para == 0


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


def test_test_set_is_held_out_and_stores_references() -> None:
    items = read_jsonl(QUOTES_TEST)
    for item in items:
        assert set(item) == {"origin", "zip", "url", "span", "sha1", "quotes", "batch"}, item
        assert item["origin"] == "saudinewsnet" and item["batch"] in ("A", "B", "C", "D")
        for q in item["quotes"]:
            assert set(q) == {"start", "end", "speaker_start", "speaker_end"}, q
    # each batch: >= 60 paragraphs with quotes (D, drawn the same way, happened to hold fewer), and negatives
    for batch, floor in (("A", 60), ("B", 60), ("C", 60), ("D", 30)):
        part = [it for it in items if it["batch"] == batch]
        assert sum(1 for it in part if it["quotes"]) >= floor
        assert sum(1 for it in part if not it["quotes"]) >= 60
    # no article of the dev set, and one paragraph per article
    urls = [it["url"] for it in items]
    assert len(set(urls)) == len(urls)
    assert not set(urls) & {it["url"] for it in read_jsonl(QUOTES)}


def test_test_set_loader_by_batch() -> None:
    reason = missing_reason()
    if reason:
        pytest.skip(f"quote test set needs the corpus: {reason}")
    rows = load_quotes_test()
    parts = {b: load_quotes_test(batch=b) for b in ("A", "B", "C", "D")}
    assert len(rows) == sum(map(len, parts.values()))
    assert all({r["batch"] for r in part} == {b} for b, part in parts.items())
    assert len(parts["C"]) >= 150 and len(parts["D"]) >= 120
    assert all(r["paragraph"][q["start"] : q["end"]] == q["text"] for r in rows for q in r["quotes"])


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
    assert res["speaker_P_exact"] >= 90 and res["speaker_R_exact"] >= 90


def test_test_set_regression_guard() -> None:
    """Held-out figures (benchmarks/results/quotes.md): speaker recall is well below the dev goal there;
    these floors only catch regressions, they are not a target to tune to."""
    reason = missing_reason()
    if reason:
        pytest.skip(f"quote test set needs the corpus: {reason}")
    # batches A and B only: C and D were each the blind check of a later round of rules, measured by the
    # benchmark; D is not to be scored while tuning
    res, _ = bench.score(load_quotes_test(batch="A") + load_quotes_test(batch="B"))
    assert res["quote_P_exact"] >= 88 and res["quote_R_exact"] >= 88
    assert res["speaker_P_exact"] >= 80 and res["speaker_R_exact"] >= 67


# --------------------------------------------------------------------------- entity-aware speakers


def _ent(para: str, name: str, type_: str = "PERS", p: int = 0) -> Entity:
    start = para.index(name)
    return Entity(type_, name, p, start, start + len(name))


def test_entities_default_none_keeps_the_rules() -> None:
    p = "وقال جون برانش، رئيس استشارات الخدمات المالية: «لاحظنا مستويات مرتفعة من الاعتزاز بين الموظفين»."
    assert find_quotes_in_article([p]) == [find_quotes(p)]
    assert find_quotes_in_article([p], entities=[]) == [find_quotes(p)]


def test_entity_apposition_keeps_the_name_not_the_title() -> None:
    p = "وقال جون برانش، رئيس استشارات الخدمات المالية: «لاحظنا مستويات مرتفعة من الاعتزاز بين الموظفين»."
    assert find_quotes(p)[0].speaker == "رئيس استشارات الخدمات المالية"  # the rules alone take the title
    (q,) = find_quotes_in_article([p], entities=[_ent(p, "جون برانش")])[0]
    assert q.speaker == "جون برانش" and p[q.speaker_start : q.speaker_end] == q.speaker
    # the name after the comma still wins over the title before it
    p = "وقال المتحدث باسم الخارجية الصينية، غوه جياكون: «ندعو جميع الأطراف إلى ضبط النفس والحوار»."
    (q,) = find_quotes_in_article([p], entities=[_ent(p, "غوه جياكون")])[0]
    assert q.speaker == "غوه جياكون"


def test_entity_title_preposition_runs_on_to_the_name() -> None:
    p = (
        "وقال كبير المسؤولين عن المعلومات في البيت الأبيض توني سكوت إن «الوكالات الاتحادية زادت استخدام "
        "التحقق القوي للزوار»."
    )
    assert find_quotes(p)[0].speaker == "كبير المسؤولين"
    ents = [_ent(p, "البيت الأبيض", "ORG"), _ent(p, "توني سكوت")]
    (q,) = find_quotes_in_article([p], entities=ents)[0]
    assert q.speaker == "كبير المسؤولين عن المعلومات في البيت الأبيض توني سكوت"
    p = "وأكد المشرف على الكرة محمد العلوي أن المعسكر يسير بشكل جيد، وقال: «البعثة ستغادر إلى جدة الخميس»."
    (q,) = find_quotes_in_article([p], entities=[_ent(p, "محمد العلوي")])[0]
    assert q.speaker == "المشرف على الكرة محمد العلوي"
    # an object with a possessive between them: the name is not the subject's
    p = "وأعرب المدير عن سعادته بفوز اللاعب محمد العلي، وقال: «نحن فخورون بهذا الإنجاز الكبير للنادي»."
    (q,) = find_quotes_in_article([p], entities=[_ent(p, "محمد العلي")])[0]
    assert q.speaker == "المدير"


def test_entity_ends_a_narrative_subject_before_its_object() -> None:
    p = "رفض تونر نفي أو تأكيد هذا الاحتمال. وقال: «نحن نتحدث، ولا أريد استباق أي قرارات أو أي اتفاقات»."
    assert find_quotes(p)[0].speaker == "تونر نفي أو تأكيد هذا الاحتمال"
    (q,) = find_quotes_in_article([p], entities=[_ent(p, "تونر")])[0]
    assert q.speaker == "تونر"
    # a title after the name stays; after a reporting verb a name keeps what follows it
    p = "ورفض إيدي هاو مدرب الفريق التعليق على الصفقة. وقال: «لنكن صادقين مع أنفسنا، لن نستطيع المنافسة»."
    (q,) = find_quotes_in_article([p], entities=[_ent(p, "إيدي هاو")])[0]
    assert q.speaker is not None and q.speaker.startswith("إيدي هاو مدرب الفريق")
    p = "وقالت ديبورا والش نائبة رئيس قسم مكافحة الإرهاب: «القضية معقدة وتحتاج إلى وقت طويل»."
    (q,) = find_quotes_in_article([p], entities=[_ent(p, "ديبورا والش")])[0]
    assert q.speaker == "ديبورا والش نائبة رئيس قسم مكافحة الإرهاب"


def test_entities_of_other_paragraphs_are_ignored_and_carry_keeps_offsets() -> None:
    paras = [
        "وقال جون برانش، رئيس استشارات الخدمات المالية إن الاستبيان شمل آلاف الموظفين.",
        "وتابع: «لاحظنا مستويات مرتفعة من الاعتزاز بين الموظفين في المنطقة»",
    ]
    ents = [_ent(paras[0], "جون برانش")]
    got = find_quotes_in_article(paras, entities=ents)
    q = got[1][0]
    assert q.speaker == "جون برانش" and q.speaker_para == 0
    assert paras[0][q.speaker_start : q.speaker_end] == "جون برانش"
    # the same entity declared for the wrong paragraph has no effect
    wrong = [Entity("PERS", "جون برانش", 1, ents[0].start, ents[0].end)]
    assert find_quotes_in_article(paras, entities=wrong)[1][0].speaker == "رئيس استشارات الخدمات المالية"


def test_refine_links_a_carried_speaker_to_its_entity_by_span() -> None:
    text = (
        "أعلنت وزارة الطاقة السعودية خطة جديدة لخفض استهلاك الوقود في المملكة.\n\n"
        "وقال وزير الطاقة الأمير عبدالعزيز بن سلمان إن الخطة تبدأ مطلع العام المقبل.\n\n"
        "وأضاف: «سنعمل مع جميع الشركاء لتحقيق أهداف الخطة في وقتها المحدد»."
    )
    art = khabar.refine(text)
    quotes = [q for q in art.quotes if q.text.startswith("سنعمل")]
    assert len(quotes) == 1
    q = quotes[0]
    assert q.speaker is not None and "عبدالعزيز بن سلمان" in q.speaker
    assert q.speaker_entity is not None
    ent = art.entities[q.speaker_entity]
    assert ent.para == art.paragraphs.index(next(p for p in art.paragraphs if p.startswith("وقال")))
    assert "عبدالعزيز" in ent.text


def _pair(paragraph: str) -> tuple[str, str | None]:
    (q,) = find_quotes(paragraph)
    return q.text, q.speaker


@pytest.mark.parametrize(
    ("paragraph", "quote", "speaker"),
    [
        # an adverbial of time after the subject ends it
        (
            "وقال المسؤولون الفرنسيون حينذاك إن المشتبه به «غادر البلاد قبل أسبوعين من الهجوم».",
            "غادر البلاد قبل أسبوعين من الهجوم",
            "المسؤولون الفرنسيون",
        ),
        # a participle of manner after the subject ends it
        (
            "وقال المخرج سامي العتيبي متحسراً: «لم يعد أحد يذهب إلى المسرح في مدينتنا».",
            "لم يعد أحد يذهب إلى المسرح في مدينتنا",
            "المخرج سامي العتيبي",
        ),
        # a participle of manner right after the verb: its object is not the speaker
        (
            "وأضافت منتقدة منافسها في الانتخابات: «الأسعار ارتفعت ولم يفعل شيئا لوقفها».",
            "الأسعار ارتفعت ولم يفعل شيئا لوقفها",
            None,
        ),
        # بهذا الخصوص right after the verb is skipped, the subject follows it
        (
            "وقال بهذا الخصوص مدير الدفاع المدني: «الحريق أخمد خلال ساعتين دون إصابات».",
            "الحريق أخمد خلال ساعتين دون إصابات",
            "مدير الدفاع المدني",
        ),
    ],
)
def test_adverbials_and_manner_participles_are_not_the_speaker(
    paragraph: str, quote: str, speaker: str | None
) -> None:
    assert _pair(paragraph) == (quote, speaker)


@pytest.mark.parametrize(
    ("paragraph", "quote", "speaker"),
    [
        # a newspaper in guillemets after لـ is the channel, the subject follows it
        (
            "وقال لـ«الشرق الأوسط» العقيد خالد المالكي: «القوات تقدمت عشرة كيلومترات نحو المدينة».",
            "القوات تقدمت عشرة كيلومترات نحو المدينة",
            "العقيد خالد المالكي",
        ),
        # SVO with a participial modifier and a quoted channel
        (
            "مسؤول حكومي متابع للملف قال لـ«الحياة» إن «المفاوضات لم تصل إلى طريق مسدود».",
            "المفاوضات لم تصل إلى طريق مسدود",
            "مسؤول حكومي",
        ),
        # نقلا عن after a named speaker in the same sentence is the channel
        (
            "وقال العميد تركي المالكي في مؤتمر صحافي، ونقلا عن وكالة الأنباء الرسمية: «العملية حققت أهدافها».",
            "العملية حققت أهدافها",
            "العميد تركي المالكي",
        ),
    ],
)
def test_channels_are_not_the_speaker(paragraph: str, quote: str, speaker: str) -> None:
    assert _pair(paragraph) == (quote, speaker)


def test_speaker_named_after_the_quote() -> None:
    para = (
        "«الفريق يحتاج إلى مهاجم صريح قبل بداية الموسم»، هذا ما قاله المدرب الوطني سعد الشهري "
        "الذي يقود الفريق منذ عامين، مضيفا: «الإدارة وعدت بحل المشكلة قريبا»."
    )
    got = [(q.text, q.speaker) for q in find_quotes(para)]
    assert got == [
        ("الفريق يحتاج إلى مهاجم صريح قبل بداية الموسم", "المدرب الوطني سعد الشهري"),
        ("الإدارة وعدت بحل المشكلة قريبا", "المدرب الوطني سعد الشهري"),
    ]
    para2 = "«سنعود أقوى في الموسم المقبل»، كما قال قائد الفريق ياسر القحطاني بعد المباراة."
    assert _pair(para2) == ("سنعود أقوى في الموسم المقبل", "قائد الفريق ياسر القحطاني")


@pytest.mark.parametrize(
    ("paragraph", "quote", "speaker"),
    [
        (
            "ومثلما أخبرني المهندس فهد العمري، فإنه: «المشروع سيكتمل قبل نهاية العام المقبل».",
            "المشروع سيكتمل قبل نهاية العام المقبل",
            "المهندس فهد العمري",
        ),
        (
            "وقد نصت اللائحة الجديدة على أنه «لا يجوز تجديد العقد أكثر من مرتين متتاليتين».",
            "لا يجوز تجديد العقد أكثر من مرتين متتاليتين",
            "اللائحة الجديدة",
        ),
        (
            "وجاء على لسان المتحدث باسم الوزارة أن «الرواتب ستصرف في موعدها دون تأخير».",
            "الرواتب ستصرف في موعدها دون تأخير",
            "المتحدث باسم الوزارة",
        ),
        (
            "وأعلنت الشركة وعلى لسان رئيسها التنفيذي أنها «ستفتتح ثلاثة فروع جديدة هذا العام».",
            "ستفتتح ثلاثة فروع جديدة هذا العام",
            "رئيسها التنفيذي",
        ),
    ],
)
def test_more_reporting_verbs_and_ala_lisan(paragraph: str, quote: str, speaker: str) -> None:
    assert _pair(paragraph) == (quote, speaker)
