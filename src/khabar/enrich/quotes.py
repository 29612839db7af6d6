"""Direct quotes in Arabic news paragraphs and who said them.

``find_quotes(paragraph)`` returns the real quotations of a paragraph (the text inside the quote marks)
with their speaker, as written, when the paragraph names one:

* **Quote marks.** ``«…»``; curly ``“…”`` and the reversed ``”…“`` of Saudi sites (curly marks are paired
  as toggles, like straight ``"``, with a light opener/closer test on the neighbouring characters);
  nested pairs are reported as part of the outer quote, straight ones too when the marks' shape shows it
  (``"… ب " العملية السياسية" التي …"``). An opening mark left unclosed at the end of the paragraph is a
  quote to the end when it is introduced (``أن "…``, ``: «…``).
* **Real quotes only.** A span is a quotation when it has ≥ 4 words, or when a colon introduces it (not a
  list: ``مثل: «…»``); never right after a title word (``بعنوان``, ``شعار``, ``صحيفة``, ``محطة``, ``المدعو``
  …), a clitic glued to the mark (``لـ"عين اليوم"``, ``بـ«المقبولة»``), or between a verb and its أن
  (``أعلنت "الشركة …" أن``). A 2-3 word span is a quote only when marked as someone's words: followed by
  ``حسب تعبيره``, right after a shout (``صاح "يا ساتر"``), or a verb phrase after قد / a prepositional
  phrase inside a reported complement (``أن القضية قد "تمت تسويتها تماما"``, ``«في الأسابيع المقبلة»``).
  Short names, terms and scare quotes are thus skipped.
* **Speakers.** The nearest attribution before the quote in its sentence: a reporting verb (قال، صرح، أعلن،
  أكد، أضاف، أوضح، أشار، ذكر، شدد، لفت، اعتبر، رأى، كشف، تابع، أفاد، روى، نقل، صاح … with و/ف, ت/وا/ن/ا
  and present forms يقول/تقول …; not when negated: ``لم يذكر``) followed by its subject (VSO) up to a stop
  (أن/إن/بأن/أنه, ``:``, a quote mark, time words, ``في بيان``/``خلال``/``عبر``, ``لـ`` + addressee, relative
  pronouns, an object with a possessive suffix ``تصريحاته``/``شكره``, what is sent ``برقية``/``الشكر``, في
  after a name ``خلفان في سلسلة`` …), or preceded by it (SVO: ``روحاني قال:``, ``كان المعلق يقول``, ``وكان
  الناقد قد ذكر``, ``أبو زيد الذي أشار`` when the relative agrees and has no resumptive pronoun: ``الدول
  التي قال إنها`` is an object); or بحسب/حسب/حسبما/وفق/نقلا عن + source (``بحسب ما أعلنت X`` → X); or
  ``جاء/ورد في X``; or an attribution right after the quote (``«…»، قال الوزير``, ``"…"، حسب البيان``, the
  latter winning over one before it). In ``المتحدث باسم …، غوه جياكون`` the apposition after the comma
  names the person (``غوه جياكون``) unless it starts with a definite title (``الأخت ماريا تيريزا، الراهبة``).
* **Implicit subjects.** A reporting verb with no subject (``وأضاف: «…»``, ``وقال إن "…"``, participles
  ``مضيفا``/``قائلا``, ``حسب قوله``, ``جاء فيها``) takes the subject of the last reporting verb named
  before it in the paragraph (a حسب-source only when no verb named anybody), else the nearest agent: the
  subject of a clause-initial narrative verb (``رفض تونر …``, ``وعبر مدير المنتخب خالد مطر عن …``,
  ``بعث الأمير … برقية``) or a sentence opening on a title (``والمحامي عبد الله، …``); else ``None``.
  ``find_quotes_in_article(paragraphs)`` carries, for those quotes, whoever the previous paragraph left
  speaking (quote marks or not), else the last quote's speaker (offsets ``None``: the name is elsewhere).

Pure ``re`` on precompiled patterns (the verb lists factored into letter tries), no model: ~0.04 ms for an
average news paragraph (benchmarks/quotes.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from khabar.record import Entity

__all__ = ["QuoteMatch", "find_quotes", "find_quotes_in_article"]


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """A direct quote: ``text == paragraph[start:end]`` (inside the marks), and its speaker if named."""

    start: int
    end: int
    text: str
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_para: int | None = (
        None  # the paragraph the speaker offsets point into (an earlier one if carried)
    )


# --------------------------------------------------------------------------------------------- patterns

_D = "[\u064b-\u0652\u0670\u0640]*"  # optional diacritics / tatweel after a letter
_DIACRITICS = re.compile(_D[:-1])
_WORDCH = r"\w\u064b-\u0652\u0670\u0640"


def _alt(words: Iterable[str]) -> str:
    """The words as one alternation, factored into a letter trie: ``re`` tries alternatives one by one, so
    a flat list of ~60 stems costs ~60 attempts at every word start, the trie one per matching letter.
    Longer words are tried first (a word end is the last option of its node), as in a longest-first list."""
    tree: dict[str, dict] = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault("ا" if ch in "أإاآ" else ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        opts = [
            ("[أإاآ]" if key == "ا" else re.escape(key)) + _D + emit(child)
            for key, child in sorted(node.items())
            if key
        ]
        if "" in node:
            opts.append("")
        return opts[0] if len(opts) == 1 else "(?:" + "|".join(opts) + ")"

    return emit(tree)


def _words(s: str) -> list[str]:
    return s.split()


# Past-tense stems (3rd person masculine); suffixes ت/ا/وا/ن/تا are added by the pattern.
_PAST = _words(
    "قال صرح أعلن أكد أضاف أوضح أشار ذكر شدد لفت اعتبر كشف تابع أفاد روى أردف استطرد زعم نفى غرد "
    "كتب علق حذر طالب تساءل أشاد أعرب أبلغ نقل أبان نوه أقر أجاب أفادت رأى رأت دعا دعت "
    "اعتقد أثنى اختتم ختم صاح هتف صرخ ردد أخبر"
)
_PRESENT = _words(
    "يقول تقول يضيف تضيف يؤكد تؤكد يوضح توضح يشير تشير يرى ترى يتابع تتابع يعتبر تعتبر يردف تردف "
    "يذكر تذكر يعتقد تعتقد يكشف تكشف يصف تصف يروي تروي يقر تقر ينادي تنادي"
)
_PARTICIPLES = _words(
    "قائل مضيف مؤكد موضح مشير لافت معتبر مشدد مبين منوه مردف متابع مستطرد منبه محذر معرب مختتم "
    "مستدرك موجه مبرز"
)
_PREPS = _words("بحسب حسب وفق وفقا وفقاً طبقا طبقاً تبعا تبعاً حسبما بحسبما وفقما")

_B = rf"(?<![{_WORDCH}])"
_E = rf"(?![{_WORDCH}])"
_ATTRIB = re.compile(
    _B + "(?:[وف]" + _D + ")?(?:"
    rf"(?P<past>{_alt(_PAST)})(?:ت|وا|ا|ن|تا)?{_D}"
    rf"|(?P<pres>{_alt(_PRESENT)})(?:ون|ان)?{_D}"
    rf"|(?P<part>{_alt(_PARTICIPLES)})(?:اً|ًا|ا|ً|ة|ين|ون|ات|ان)?{_D}"
    r"|(?P<bayyan>بيّن|بيَّن|بيّنت)"
    r"|(?P<told>(?:أخبر|أبلغ|حدث)(?:ت)?(?:ني|نا)|نصت|تنص|ينص)"  # ومثلما أخبرني جين / نصت المادة
    r"|(?P<post>(?:هذا|هكذا|ذلك)\s+ما\s+(?:قال|صرح|كتب|ذكر|أكد|أوضح|أعلن|غرد|أضاف)(?:ه|ته|ها|ت)?)"
    r"|(?P<lisan>على\s+لسان)"
    rf"|(?P<prep>{_alt(_PREPS)})"
    r"|(?P<naql>نقلا|نقلاً)\s+عن"
    r"|(?P<qawl>ب?قوله|بقولها|بالقول|ب?قولهم)"
    r"|(?P<qawln>قول|كلمات)"
    r"|(?P<came>جاء|جاءت|ورد|وردت)(?=\s+(?:في|فيها|فيه)(?![\w]))"
    ")" + _E
)
# Verbs of a narrative whose subject may be the speaker of a later subjectless ``وقال:`` (بعث، رفض،
# عبر … عن). Only clause-initial forms count (و/ف-prefixed, or after punctuation; elsewhere only with a
# title after them), which keeps out the homographs (برقية شكر، عبر الهاتف، كرة قدم).
_AGENT_VERBS = _words(
    "بعث رفع قدم رفض أصر عبر استقبل التقى وجه أبدى هنأ ترأس دشن افتتح زار تسلم ناقش اتهم انتقد "
    "استعرض تفقد دافع اعترف تحدث أجرى أصدر وعد هدد توقع تمنى استبعد رجح ثمن احتفى ألقى تقدم تمسك "
    "شارك حمل طالب جدد أعرب أبلغ"
)
_AGENT = re.compile(_B + "(?:[وف]" + _D + ")?(?:" + _alt(_AGENT_VERBS) + ")(?:ت|وا|ا)?" + _D + _E)
# Words that head a person's description at the start of a sentence (والمحامي عبد الله، صاحب …).
_TITLES = frozenset(
    _words(
        "الأمير الامير الملك الشيخ الدكتور المهندس الأستاذ الاستاذ المحامي الوزير وزير الرئيس رئيس نائب "
        "المتحدث متحدث الناطق مدير المدير أمين الأمين سفير السفير القنصل العقيد اللواء العميد الفريق المقدم "
        "الرائد النقيب الفنان الفنانة اللاعب المدرب مدرب الكابتن الناشط الخبير المستشار مستشار عضو الباحث "
        "الكاتب الشاعر المواطن مصدر المصدر قائد القائد محافظ المحافظ وكيل رئيسة وزيرة الأمين الداعية "
        "المفتي مفتي البروفيسور الروائي المخرج الممثل الممثلة المغرد"
    )
)
# After في, what is a time or a frame, not a source (جاء في وقت، ورد في إطار).
_CONTEXT_NOUNS = frozenset(_words("وقت الوقت سياق إطار اطار أعقاب اعقاب ظل ظروف حين حينه المقابل الأثناء"))
# Indefinite offices that a place may follow inside the subject (مسؤول في الوزارة).
_ROLES = _TITLES | frozenset(
    _words(
        "مسؤول مسؤولة متحدثة خبير ناشط باحث محلل دبلوماسي ضابط قيادي أستاذ مصادر مسؤولون عضوة مراسل "
        "لاعب رئيسة"
    )
)
# Right after a short quote: the words are someone's (حسب تعبيره، على حد قوله، كما وصفها).
_AS_SAID = re.compile(
    r"\s*[،,]?\s*(?:حسب|بحسب|على حد|وفق|وفقا ل|كما)\s*(?:ما\s+)?(?:تعبير|وصف|قول|قال|يقول|تقول|ذكر|سما)"
)
_PASSIVE_ON = re.compile(r"\s+(?:عليها|عليه|عليهما)" + _E)
# How a 2-3 word quote inside a reported complement may start (a prepositional or verb phrase).
_FRAGMENT_START = frozenset(
    _words("في على تحت فوق من إلى الى عن مع بين دون بعد قبل منذ حتى لن لم لا قد يا لأن لان كي")
)
# A quoted span followed by أن/عن right after a verb is the verb's subject (أعلنت "الشركة …" أن).
_COMPLEMENT_NEXT = re.compile(r"\s*(?:أن|إن|ان|بأن|بان|أنه|انه|أنها|انها|عن)" + _E)
# Before a colon, words that announce a list, not speech (مثل: «مجلس الشورى وهيئة الخبراء»).
_LIST_INTRO = frozenset(_words("مثل منها وهي هي التالية التالي كالتالي يلي وهم هم وهما أبرزها ابرزها بينها"))
_NEGATION = re.compile(  # before a verb: لم يذكر، ولا يقول
    r"(?<![\w])(?:[وف]?(?:لم|لن|لا))\s+$"
)
_SOURCE_MA = re.compile(r"(?:حسب|بحسب|وفق|وفقا\s+ل|وفقاً\s+ل)\s*ما\s+$")
_TEMPORAL = re.compile(r"(?:بعد|قبل|منذ|حتى|عقب)\s*$")
_SHOUT = re.compile("(?:[وف])?(?:" + _alt(_words("صاح هتف صرخ ردد")) + ")(?:ت|وا|ا)?")
# Model numbers, Latin letters, a kunya (أبو محسن): a product or a name, not words said.
_NAME_LIKE = re.compile(r"[0-9A-Za-z٠-٩]|^\s*[أا]بو")
_MA_VERB = re.compile(r"\s*ما\s+(?:[وف])?(?:" + _alt(_PAST) + r")(?:ت|وا|ا|ن)?" + _D + _E + r"|\s*ما" + _E)
_VERB_AFTER_MA = re.compile(r"\s+(?:[وف])?(?:" + _alt(_PAST) + r")(?:ت|وا|ا|ن)?" + _D + _E)  # حسبما أضاف
_PRONOUN_SOURCE = re.compile(r"(?:تعبيره|تعبيرها|قوله|قولها|وصفه|وصفها|زعمه|زعمها|رأيه)" + _E)

_QUOTE_CHARS = '«»“”„‟"'
_TOGGLE_FAMILIES = ("“”„‟", '"')
_MARK_RES = {fam: re.compile(f"[{fam}]") for fam in _TOGGLE_FAMILIES}
_GUILLEMET = re.compile("[«»]")
_ANY_MARK = re.compile(f"[{_QUOTE_CHARS}]")
_SENT_END = re.compile(r"[.!?؟\n]")
_TOKEN = re.compile(r"\S+")
_WORD = re.compile(rf"[{_WORDCH}]+")

_STOPS = frozenset(
    _words(
        "أن إن ان بأن بان أنه انه إنه بأنه بانه أنها انها إنها بأنها أنّ إنّ لأن أنهم انهم إنهم بأنهم "
        "الذي التي الذين اللذين اللتين اللذان اللتان وهو وهي وهم وهما ومقرها ومقره حيث خلال عبر عن على "
        "إلى الى مع بعد قبل عقب أثناء اثناء إثر اثر أمام امام ضمن عند لدى حول إزاء بشأن بخصوص عشية "
        "فيما كما حين عندما رغم برغم من منذ اليوم أمس امس غدا البارحة الليلة صباح مساء ظهر فجر صباحا مساء "
        "الأحد الاحد الاثنين الإثنين الثلاثاء الأربعاء الاربعاء الخميس الجمعة السبت يوم مؤخرا أخيرا "
        "حاليا أيضا ايضا كذلك بدوره بدورها بدور بجهود بالجهود لكن ولكن إلا الا وأن وإن وأنه وانه "
        "أنّه إنّه إذ اذ حتى ثم بينما وذلك قائلا قائلة تعليقا ردا فقد قد لقد فإن فإنه فإنها فإنهم وقد بالذات "
        "نفسه نفسها "
        "عليه عليها عليهم فيه فيها فيهم له لها لهم لنا منه منها منهم عنه عنها عنهم إليه إليها اليه اليها به بها"
    )
)
_TIME_OR_ADV = frozenset(
    _words(
        "اليوم أمس امس غدا البارحة الليلة صباح مساء ظهر فجر الأحد الاحد الاثنين الإثنين الثلاثاء الأربعاء "
        "الاربعاء الخميس الجمعة السبت يوم مؤخرا أخيرا حاليا أيضا ايضا"
    )
)
# Adverbials of time right after the verb or the subject (قال المسؤولون حينذاك); they never open or
# continue a subject.
_THEN = frozenset(_words("حينذاك حينئذ حينئذٍ آنذاك انذاك آنئذ آنئذٍ وقتها حينها وقتئذ ساعتها يومها"))
# Participles of manner (قال متألماً، قالت منتقدة خصمها، وأضاف متسائلا): a circumstantial phrase about the
# speaker, who is named before it or hidden; the stems take ا/اً/ة/ين.
_MANNER = re.compile(
    "(?:"
    + _alt(
        _words(
            "متسائل ساخر متألم منتقد مستنكر مبتسم ضاحك مازح متهكم مستغرب متعجب متحسر متأثر مخاطب "
            "مستشهد مستدل مداعب معقب متوعد مهدد مستهجن متفائل متحدي متحديا متمني متمنيا مطمئن ممازح "
            "مستبشر مستذكر مسترجع متذكر مقر مشيد ممتدح مطالب مناشد داع داعي واصف ملمح منبه مترحم"
        )
    )
    + ")(?:اً|ًا|ا|ً|ة|ةً|ين|ان|تين)?"
)
# "بهذا الخصوص" and the like after the verb: an adjunct, not a subject.
_WA_PREPS = frozenset(_words("على عن في من إلى الى مع لدى عبر حسب بحسب"))  # وعلى لسان، ومن جهته
_THIS_MATTER = frozenset(_words("بهذا لهذا وبهذا ولهذا"))
_IN_ADJUNCT = re.compile(
    r"(?:ال)?(?:بيان|تصريح|مؤتمر|مقابل|حديث|تغريد|اتصال|لقاء|كلم|رسال|تقرير|حوار|ختام|افتتاح|هذا|هذه|ذلك|"
    r"تلك|معرض|ندو|اجتماع|جلس|خطاب|مداخل|مقال|منشور|صفحت|حساب|موقع|رد|سياق|إطار|اطار|الوقت|وقت|"
    r"نهاية|بداية|ساعة|مستهل|أعقاب|اعقاب|تصريحات|بيانات|كتاب|تعليق|مناسبة|حفل|ورشة|محاضرة|برنامج|"
    r"وقت|مكالمة|اتصالات|مقطع|فيديو|شريط|نشرة)"
)
_ADDRESSEE = re.compile(
    r"^(?:لـ|ل)(?:ـ)?(?:ال)?(?:وكال|صحيف|صحف|صحاف|صحفي|فرانس|رويترز|أسوشيتد|قناة|قنا|موقع|مواقع|شبك|"
    r"إذاع|اذاع|مراسل|وسائل|تلفزيون|إعلام|اعلام|جريد|مجل|برنامج|حضور|عربي|بي|سي|نيويورك|واشنطن|"
    r"غارديان|تايمز|عكاظ|سبق|وئام)"
    # newspapers with a definite name: the article is required (لمدينة سيدني is a city, ليوم واحد a day)
    r"|^(?:لـ|ل)ـ?ال(?:شرق|حياة|نهار|جزيرة|وطن|مدينة|رياض|يوم|اقتصادية)"
    r"|^لـ|^ل?[«\"“”(]|^لل(?:صحاف|صحف|صحيف|تلفزيون|وكال|إذاع|اذاع|قناة|موقع|مراسل|صحفي)"
)
_TITLE_BEFORE = frozenset(
    _words(
        "بعنوان عنوان عنوانه عنوانها شعار بشعار شعارها شعاره اسم باسم مسمى مسلسل برنامج كتاب الكتاب رواية "
        "أغنية اغنية أغنيته أغنيتها قصيدة فيلم الفيلم حملة مبادرة هاشتاق هاشتاغ وسم الوسم صحيفة جريدة مجلة "
        "قناة موقع تطبيق لعبة مسرحية معرض مهرجان ملتقى مؤتمر ندوة دورة مسابقة جائزة عملية مشروع مسمى "
        "لقب بلقب الملقب والملقب المسمى المسماة تسمية بـ ب شركة نادي فريق نص نصي نصوص نصا قصائد قصيدته ديوان "
        "المدعو المدعوة يدعى تدعى محطة وكالة إذاعة اذاعة شبكة بند"
    )
)
# Pronoun-titles that are subjects themselves (وقال سموه), not objects with a possessive suffix.
_HONORIFIC = frozenset(
    _words("سموه سموها معاليه معاليها فضيلته فضيلتها سعادته سعادتها جلالته فخامته فخامتها سماحته فضيلة")
)
# What a communication verb sends (بعث سموه برقية …): it ends the subject before it.
_SENT_OBJECT = frozenset(
    _words(
        "برقية برقيه برقيتين رسالة رساله رسائل كلمة كلمه خطابا خطاباً بيانا بياناً تغريدة تغريده تغريدات "
        "تهنئة تهنئه شكرا شكراً الشكر التهنئة التهاني التعازي العزاء التحية"
    )
)
# Nouns that take a possessive suffix right after a subject: وقدم الحقباني شكره، وتابع الوزير حديثه.
_SUFFIXED_NOUNS = frozenset(_words("شكر حديث كلام قول رأي رد موقف تقدير امتنان ترحيب استياء دعم"))
_AUXILIARY = frozenset(_words("كان كانت وكان وكانت فكان فكانت ظل ظلت وظل"))  # كان المعلق يقول
_RESUMPTIVE = re.compile(r"\s+(?:بها|به|عنها|عنه|فيها|فيه|لها|له|عليها|عليه)" + _E)  # غردت بها
_CLAUSE_START = frozenset(_words("أن إن ان بأن بان أنه انه إنه أنّ إنّ وان وأن وإن و"))
_COMPLEMENTIZER = re.compile(_B + r"(?:أن|إن|ان|بأن|بان|أنه|انه|إنه|أنها|انها)" + _E)
_TITLE_GLUE = re.compile(r"(?:^|[\s(])(?:لـ|بـ|ل|ب|كـ|وبـ|ولـ|و?بال|لل|و)$")
_INTRO_BEFORE = re.compile(r"(?::-?|أن|إن|ان|أنه|انه|إنه|بأن|بان|أنّ|إنّ|" + _alt(_PAST + _PRESENT) + r")\s*$")


def _bare(token: str) -> str:
    return _DIACRITICS.sub("", token).strip("،,:؛.!?؟)(-–—")


# --------------------------------------------------------------------------------------------- spans


def _opener_like(text: str, i: int) -> bool:
    """A toggle mark at ``i`` looks like an opener: glued to the next word, not to the previous one."""
    nxt = text[i + 1] if i + 1 < len(text) else " "
    prv = text[i - 1] if i > 0 else " "
    if nxt.isspace() or nxt in ".،,:؛!?؟)":
        return False
    return prv.isspace() or prv in "(:،,؛-–ـ" or prv in "لبوف"


def _shape(text: str, i: int) -> str:
    """How a toggle mark at ``i`` sits: ``c`` closer-like (glued to the previous word only), ``o``
    opener-like (glued to the next word only), ``a`` ambiguous (spaces on both sides, or glued to both)."""
    nxt = text[i + 1] if i + 1 < len(text) else " "
    prv = text[i - 1] if i > 0 else " "
    after_free = nxt.isspace() or nxt in ".،,:؛!?؟)"
    before_free = prv.isspace() or prv in "(:،,؛-–"
    if after_free and not before_free:
        return "c"
    if before_free and not after_free:
        return "o"
    return "a"


def _pair_toggles(text: str, marks: str) -> tuple[list[tuple[int, int]], list[int]]:
    """Pair same-looking marks in order (“…”, ”…“, "…"); returns the pairs and an unclosed last opener.

    A mark met inside an open quote closes it, except when it does not look like a closer and the next two
    marks both do: then it opens a nested quote (``"… ب " العملية السياسية" التي …"``) and the outer
    quote ends at the second of them."""
    idx = [m.start() for m in _MARK_RES[marks].finditer(text)]
    pairs: list[tuple[int, int]] = []
    k, n = 0, len(idx)
    while k + 1 < n:
        j = k + 1
        if (
            j + 2 < n
            and _shape(text, idx[j]) != "c"
            and _shape(text, idx[j + 1]) == "c"
            and _shape(text, idx[j + 2]) == "c"
        ):
            j += 2
        pairs.append((idx[k], idx[j]))
        k = j + 1
    return pairs, (idx[k:] if k < n else [])


def _pair_guillemets(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    for m in _GUILLEMET.finditer(text):
        i = m.start()
        if m.group() == "«":
            stack.append(i)
        else:
            if stack:
                o = stack.pop()
                if not stack:
                    pairs.append((o, i))
            elif _opener_like(text, i):
                stack.append(i)  # »…» used as an opener on some sites
    return pairs, stack[:1]


@dataclass(slots=True)
class _Span:
    open: int  # position of the opening mark
    close: int  # position of the closing mark (len(text) when unclosed)
    start: int  # inner text, stripped
    end: int
    words: int
    real: bool = False


def _spans(text: str) -> list[_Span]:
    raw: list[tuple[int, int, bool]] = []
    p, u = _pair_guillemets(text)
    raw += [(a, b, True) for a, b in p] + [(a, len(text), False) for a in u]
    for fam in _TOGGLE_FAMILIES:
        if any(c in text for c in fam):
            p, u = _pair_toggles(text, fam)
            raw += [(a, b, True) for a, b in p] + [(a, len(text), False) for a in u]
    raw.sort()
    out: list[_Span] = []
    last_close = -1
    for a, b, closed in raw:
        if a < last_close:  # inside (or crossing) an earlier span: part of it
            continue
        s, e = a + 1, b
        if not closed:  # an unclosed quote runs to the next mark or the paragraph's end
            nm = _ANY_MARK.search(text, s)
            e = nm.start() if nm else len(text)
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or (not closed and text[e - 1] in ".،,؛")):
            e -= 1
        if e <= s:
            continue
        sp = _Span(a, b if closed else e, s, e, len(_WORD.findall(text, s, e)))
        if not closed and not (_INTRO_BEFORE.search(text, max(0, a - 40), a) and sp.words >= 4):
            continue
        out.append(sp)
        last_close = sp.close
    return out


def _is_real(text: str, sp: _Span) -> bool:
    before = text[max(0, sp.open - 30) : sp.open]
    if _TITLE_GLUE.search(before):
        return False
    prev = [w for w in before.split() if _bare(w)]  # منها :" …: a lone colon is not the previous word
    prev_word = _bare(prev[-1]) if prev else ""
    if prev_word in _TITLE_BEFORE:
        return False
    if re.search(r":-?\s*$", before) and sp.words >= 2:
        return prev_word not in _LIST_INTRO  # مثل: «مجلس الشورى وهيئة الخبراء» is a list of names
    if _COMPLEMENT_NEXT.match(text, sp.close + 1) and _ATTRIB.fullmatch(prev_word):
        return False  # أعلنت "الشركة السعودية للخدمات الأرضية" أن …: the subject's name
    if sp.words < 4:
        return sp.words >= 2 and _reported_fragment(text, sp, prev_word)
    inner = text[sp.start : sp.end]
    # A list of names ("المنطقة التاريخية، ومنطقة سوق الجنوبية، …"): many commas, short items.
    items = [x for x in re.split(r"[،,]", inner) if x.strip()]
    return not (len(items) >= 3 and sp.words <= 3 * len(items) and not _ATTRIB.search(inner))


def _reported_fragment(text: str, sp: _Span, prev_word: str) -> bool:
    """A 2-3 word quote is someone's words (not a name or a scare quote) when it is marked as such: followed
    by حسب تعبيره, right after a speech verb (صاح "يا ساتر"), or inside the complement of a reporting verb
    when it is a verb phrase after قد or a prepositional phrase (أعلن الكرملين أن روسيا تعتبر أن القضية قد
    "تمت تسويتها تماما"، دعاه للزيارة «في الأسابيع المقبلة»). A quoted noun phrase there is as often a
    name or a term (أن الشركة تبدأ فهي «شركة بدون عائلة») and is left out."""
    if _AS_SAID.match(text, sp.close + 1):
        return True
    if _SHOUT.fullmatch(prev_word):
        return True
    if prev_word in _CLAUSE_START or _NAME_LIKE.search(text[sp.start : sp.end]):
        return False  # أعلن أن "موبايلي" … / لدبابات "أبرامز ام1 ايه1"
    sent = 0
    for m in _SENT_END.finditer(text, max(0, sp.open - 300), sp.open):
        sent = m.end()
    first = _bare(text[sp.start : sp.end].split()[0])
    if prev_word not in ("قد", "لقد", "وقد") and first not in _FRAGMENT_START:
        return False  # «الدعم القوي», "عوفر ومجدو": a noun phrase may as well be a name or a term
    head = text[max(sent, sp.open - 300) : sp.open]
    verb = next(
        (m for m in _ATTRIB.finditer(head) if m.lastgroup in ("past", "pres", "bayyan", "prep")), None
    )
    return verb is not None and _COMPLEMENTIZER.search(head, verb.end()) is not None


# --------------------------------------------------------------------------------------------- speakers


@dataclass(slots=True)
class _Attr:
    pos: int  # start of the trigger
    end: int  # end of the trigger
    speaker: tuple[int, int] | None  # offsets of the explicit subject
    implicit: bool  # the trigger has no subject of its own (participle, وأضاف:, حسب قوله)
    verb: bool = False  # a finite reporting verb (its complement clause may embed other verbs)
    prep: bool = False  # a source: بحسب/وفق X, بحسب ما أعلنت X


_SUFFIXES = ("ه", "ها", "هم", "هما")

# The article's named entities in one paragraph, as ``(start, end, type)`` sorted by start (PERS/ORG only).
_Ents = Sequence[tuple[int, int, str]]
# Prepositions that may sit inside a title before the name (كبير المسؤولين عن المعلومات …، المشرف على الكرة …).
_TITLE_PREPS = frozenset(_words("عن على من لدى"))


def _has_person(ents: _Ents, s: int, e: int) -> bool:
    return any(t == "PERS" and s <= es and ee <= e for es, ee, t in ents)


def _name_ahead(masked: str, pos: int, ents: _Ents) -> int | None:
    """A title cut short by a preposition that belongs to it (``كبير المسؤولين عن المعلومات في البيت الأبيض
    توني سكوت``): the end of the person named within the next few words, when nothing between them ends a
    subject (punctuation, a quote, a complementizer, a verb, a stop other than a preposition, an object with
    a possessive suffix such as ``سعادته``); else None."""
    for es, ee, t in ents:
        if es < pos or t != "PERS":
            continue  # an organisation inside the title (في البيت الأبيض) is passed over
        between = masked[pos:es]
        words = between.split()
        if len(words) > 6 or any(c in between for c in ".،,:؛!?؟()\x00\n") or _ANY_MARK.search(between):
            return None
        for w in words:
            b = _bare(w)
            if (
                b in _CLAUSE_START
                or (b in _STOPS and b not in _TITLE_PREPS)
                or _ATTRIB.fullmatch(b)
                or (b.endswith(_SUFFIXES) and _object_like(b, None))
            ):
                return None
        return ee
    return None


def _end_at_name(text: str, s: int, e: int, ents: _Ents) -> int:
    """The subject of a narrative verb (whose object follows it) that opens on a person's name ends with the
    name (``رفض تونر نفي …`` → ``تونر``), unless a title or another name follows it (``إيدي هاو مدرب الفريق``).
    Only there: after a reporting verb a name is followed by its title far more often than by an object
    (``ديبورا والش نائبة رئيس …``), and tagged names are often cut short (``انطوني`` of ``انطوني مالكين``)."""
    for es, ee, t in ents:
        if es != s or ee > e or t != "PERS":
            continue
        if ee >= e:
            return e
        nxt = _TOKEN.search(text, ee, e)
        if nxt is None:
            return e
        b = _bare(nxt.group())
        if b in _ROLES or (b[:1] in "وف" and b[1:] in _TITLES) or any(x == nxt.start() for x, _, _ in ents):
            continue
        return ee
    return e


def _object_like(bare: str, nxt: re.Match[str] | None) -> bool:
    """A noun with a possessive suffix after the subject starts the object or an addressee (وتابع الحميقاني
    تصريحاته, وقدم الحقباني شكره, وقال سواريز لمحادثه). Such a noun cannot head a genitive, so one followed
    by a definite word is kept (``وزاره الصحه``, ة written ه) unless it ends in ته (سعادته الكبيرة); names
    ending in ه (باسلمه) are not matched."""
    if len(bare) < 4 or bare.startswith("ال") or bare.endswith("الله"):
        return False
    if bare.endswith(("ته", "تها", "تهم")):  # تصريحاته، كلمته، سعادته الكبيرة (after a subject: not a title)
        return True
    if nxt is not None and _bare(nxt.group()).startswith("ال"):
        return False
    stem = _suffix_stem(bare)
    return stem in _SUFFIXED_NOUNS or (bare[0] == "ل" and bool(stem))


def _suffix_stem(bare: str) -> str:
    """The noun before a possessive ه/ها/هم (``حديثها`` → ``حديث``), or ``""``."""
    return bare[:-2] if bare.endswith(("ها", "هم")) else bare[:-1] if bare.endswith("ه") else ""


def _phrase_after(
    text: str,
    masked: str,
    pos: int,
    *,
    first_free: bool = False,
    apposition: bool = True,
    ents: _Ents = (),
    object_may_follow: bool = False,
) -> tuple[int, int] | None:
    """The subject phrase after a trigger ending at ``pos``; apposition after a comma wins (unless
    ``apposition`` is off). ``first_free``: the first word is taken as is (``كتب`` in ``في كتب التاريخ``
    is a noun, not the verb)."""
    segs: list[list[tuple[int, int]]] = [[]]
    started = prev_time = False
    last = ""  # the previous word of the phrase
    skip_to = -1
    for m in _TOKEN.finditer(masked, pos):
        if m.start() < skip_to:
            continue
        tok = m.group()
        if first_free and not started:
            started = True
            segs[-1].append((m.start(), m.start() + len(tok.rstrip("،,:؛.!?؟"))))
            if tok[-1] in "،,:؛.!?؟":
                break
            continue
        if sum(map(len, segs)) >= 20:  # a full Saudi title chain runs to ~16 words
            return None
        if tok[0] in ":،,؛.!?؟-–—":
            break
        if tok[0] in _QUOTE_CHARS:
            if not started:
                # a name in quote marks right after the verb: وقال «الحاج»: / وقال “كيم مين-سيوك” وهو
                cm = _ANY_MARK.search(text, m.start() + 1)
                close = cm.start() if cm else -1
                inner = text[m.start() + 1 : close] if close > 0 else ""
                if close > 0 and masked[m.start() + 1] != "\x00" and 0 < len(inner.split()) <= 3:
                    return (m.start() + 1, close)
            break
        bare = _bare(tok)
        if not bare:
            break
        manner = _MANNER.fullmatch(bare) is not None
        if bare in _THEN or (started and (manner or tok.endswith(("اً", "ًا")))):
            if started:
                break  # قال المسؤولون حينذاك / قال المسرحي جبران الجبران متألماً
            continue
        if not started and manner:
            return None  # قالت منتقدة خصمها: the speaker is hidden, not the participle's object
        if not started and bare in _THIS_MATTER:
            nxt = _TOKEN.search(masked, m.end())
            skip_to = nxt.end() if nxt is not None else skip_to
            continue  # قال بهذا الخصوص
        if bare[:1] == "و" and bare[1:] in _WA_PREPS:
            break  # أعلنت وعلى لسان المتحدث: a conjunction and a preposition never open a subject
        if not started and (bare in _TIME_OR_ADV or _ADDRESSEE.search(tok) or bare.startswith("لل")):
            prev_time = bare in _TIME_OR_ADV
            # a channel in quote marks (لـ«الشرق الأوسط»، لـ "الوطن"): skip to its closing mark
            om = _ANY_MARK.search(masked, m.start(), m.end() + 2)
            if om is not None and (
                masked[m.start() : om.start()].strip() in ("لـ", "ل", "ـ", "")
                or (om.start() > m.start() and masked[om.start() - 1] in "لـ")
            ):
                cm = _ANY_MARK.search(masked, om.end())
                if cm is not None and cm.start() - om.end() < 60:
                    skip_to = cm.end()
            continue  # قال أمس الوزير / قال لـ"الاقتصادية" الدكتور … / قال للصحفيين الوزير
        if not started and prev_time and bare in ("الأول", "الاول", "الماضي", "الماضية"):
            continue  # قال أمس الأول / يوم الأحد الماضي
        if not started and _suffix_stem(bare) in _SUFFIXED_NOUNS:
            return None  # وتابعت حديثها: «…»: the object, the subject is hidden (not تقول والدته)
        if bare in _STOPS or _ADDRESSEE.search(tok) or tok[0] == "(" or _ATTRIB.fullmatch(bare):
            if ents and started and bare in _TITLE_PREPS and len(segs) == 1:
                seg_s = segs[0][0][0]
                if not _has_person(ents, seg_s, m.start()):
                    name_end = _name_ahead(masked, m.end(), ents)
                    if name_end is not None:
                        segs[-1].append((m.start(), name_end))
                        break
            nxt = _TOKEN.search(masked, m.end()) if bare == "عليه" else None
            if nxt is not None and _bare(nxt.group()) == "السلام":
                # جبريل عليه السلام للنبي: the blessing closes the name
                segs[-1] += [(m.start(), m.end()), (nxt.start(), nxt.start() + len(_bare(nxt.group())))]
            break
        if bare in ("في", "وفي"):
            nxt = _TOKEN.search(masked, m.end())
            # a subject never starts with في (وقال في إفادة); inside one, في + adjunct noun ends it, and so
            # does في after a name (خلفان في سلسلة تغريدات), where after an office it places it (ممثل
            # المنظمة في سيراليون، مسؤول في الوزارة)
            if not started or nxt is None or _IN_ADJUNCT.match(_bare(nxt.group())):
                break
            if not last.startswith("ال") and last not in _ROLES:
                break
        if started and (
            bare in _SENT_OBJECT
            or (bare.endswith(_SUFFIXES) and _object_like(bare, _TOKEN.search(masked, m.end())))
        ):
            break  # وبعث سموه برقية / وتابع الوزير حديثه
        started = True
        last = bare
        core_end = m.start() + len(tok.rstrip("،,:؛.!?؟"))
        qm = _ANY_MARK.search(tok, 1)
        if qm is not None:  # وأضاف المتحدث:"…: the word ends before the punctuation glued to the mark
            core_end = min(core_end, m.start() + len(tok[: qm.start()].rstrip("،,:؛.!?؟")))
        segs[-1].append((m.start(), core_end))
        tail = tok[core_end - m.start() :]
        if any(c in tail for c in ":.!?؟") or any(c in tail for c in _QUOTE_CHARS):
            break
        if "،" in tail or "," in tail:
            if len(segs) == 2:
                break
            segs.append([])
    for seg in segs:  # a phrase never ends on في (وأكد الغانم في برقيته: the في was kept for what follows)
        while seg and _bare(text[seg[-1][0] : seg[-1][1]]) in ("في", "وفي"):
            seg.pop()
    segs = [s for s in segs if s]
    if not segs:
        return None
    spans = [(seg[0][0], seg[-1][1]) for seg in segs]
    if ents:
        pick = spans[0]
        if len(spans) == 2 and apposition:
            # جون برانش، رئيس …: the name, not the title after the comma; المتحدث …، غوه جياكون: the name
            p0, p1 = _has_person(ents, *spans[0]), _has_person(ents, *spans[1])
            if (p1 and not p0) or (
                p0 == p1
                and not _bare(text[spans[1][0] : segs[1][0][1]]).startswith("ال")
                and len(segs[1]) <= 5
            ):
                pick = spans[1]
        return (pick[0], _end_at_name(text, pick[0], pick[1], ents)) if object_may_follow else pick
    if len(segs) == 2 and apposition:
        first = _bare(text[segs[1][0][0] : segs[1][0][1]])
        if not first.startswith("ال") and len(segs[1]) <= 5:
            return spans[1]
    return spans[0]


def _phrase_before(
    text: str, masked: str, pos: int, end: int, feminine: bool = False
) -> tuple[int, int] | None:
    """SVO: the subject right before a verb at ``pos:end`` (``روحاني قال``, ``أبو زيد الذي أشار``,
    ``كان المعلق يقول``)."""
    toks = list(_TOKEN.finditer(masked, max(0, pos - 160), pos))
    picked: list[re.Match[str]] = []
    relative = False
    for m in reversed(toks):
        tok = m.group()
        bare = _bare(tok)
        if not picked and bare in ("قد", "لقد"):
            continue  # وكان الوزير قد أعلن
        if not picked and bare in ("الذي", "التي", "الذين"):
            # the antecedent is the subject only if the verb agrees with it and does not point back to it
            # (الدول التي قال إنها …، أمنيتها التي غردت بها: objects)
            if (bare == "التي") != feminine or _RESUMPTIVE.match(masked, end):
                return None
            relative = True
            continue
        if not bare or tok[-1] in "،,:.!?؟" or any(c in tok for c in _QUOTE_CHARS):
            break
        am = _ATTRIB.fullmatch(bare)
        if am and picked and am.lastgroup == "part":
            picked = []  # مصدر أمني متابع للقضية قال: the subject ends before its participial modifier
            continue
        if bare in _CLAUSE_START or bare in _AUXILIARY or am:
            break
        if bare in _STOPS or (relative and bare in ("في", "وفي")):
            if relative:
                break  # ارتطمت في المراسل التلفزيوني الذي صاح: the antecedent, wherever it stands
            return None
        picked.append(m)
        if len(picked) > 8:
            return None
    if not picked:
        return None
    first = picked[-1]
    # the clause must start here: sentence start, comma, أن/بحسب/كان … right before
    head = masked[max(0, first.start() - 12) : first.start()].rstrip()
    if (
        head
        and not relative
        and not (
            head[-1] in ".،,:!?؟\n"
            or _bare(head.split()[-1]) in _CLAUSE_START
            or _bare(head.split()[-1]) in _AUXILIARY
            or _ATTRIB.fullmatch(_bare(head.split()[-1]))
        )
    ):
        return None
    s = first.start()
    if masked[s] in "وف" and _bare(first.group())[1:2] != "ا":
        return None  # ورفعوا لوحات: a conjunction and a verb, not a subject
    if masked[s] in "وف" and len(picked) and _bare(first.group())[1:2] == "ا":
        s += 1  # واللاعب → اللاعب
    return (s, picked[0].start() + len(picked[0].group().rstrip("،,:؛.")))


def _feminine(m: re.Match[str]) -> bool:
    """Does the verb agree with a feminine subject (قالت، تقول)?"""
    if m.lastgroup == "pres":
        return _bare(m.group("pres")).startswith("ت")
    return _bare(m.group()).endswith(("ت", "تا"))


def _attributions(text: str, masked: str, limit: int | None = None, ents: _Ents = ()) -> list[_Attr]:
    """Attribution triggers starting before ``limit`` (a word boundary), with their subjects."""
    out: list[_Attr] = []
    for m in _ATTRIB.finditer(masked, 0, len(masked) if limit is None else limit):
        kind = m.lastgroup
        end = m.end()
        if out and out[-1].speaker is not None and out[-1].speaker[0] <= m.start() < out[-1].speaker[1]:
            continue  # part of the source just named (في كتب التاريخ), not a verb
        before = masked[max(0, m.start() - 12) : m.start()]
        if _NEGATION.search(before):
            continue  # الذي لم يذكر توقيت الحادثة: a verb denied is not an attribution
        if (
            (kind == "naql" or _bare(m.group()).lstrip("وف") == "نقلا")
            and out
            and out[-1].verb
            and out[-1].speaker is not None
            and not _SENT_END.search(masked, out[-1].end, m.start())
            and not _ANY_MARK.search(masked, out[-1].end, m.start())
        ):
            continue  # وقال اللواء الزعبي …، ونقلا عن وكالة الأنباء: the channel, not the speaker
        source = kind in ("prep", "post", "lisan") or bool(_SOURCE_MA.search(before))  # بحسب ما أعلنت
        sp: tuple[int, int] | None = None
        implicit = False
        if kind in ("part", "qawl"):
            implicit = True
        elif kind == "came":  # وورد في كتب التاريخ: «…» → كتب التاريخ; جاء فيها (the document just named)
            fi = _TOKEN.search(masked, end)
            src = _TOKEN.search(masked, fi.end()) if fi is not None and fi.group() == "في" else None
            if src is not None and _bare(src.group()) in _CONTEXT_NOUNS:
                continue  # جاء في وقت / في إطار: not a source
            if src is not None:
                sp = _phrase_after(text, masked, src.start(), first_free=True, ents=ents)
            implicit = sp is None
        elif kind == "prep":
            if _PRONOUN_SOURCE.match(masked, end + 1) or _PRONOUN_SOURCE.match(masked, end):
                implicit = True
            else:
                mv = (_VERB_AFTER_MA if m.group().endswith("ما") else _MA_VERB).match(masked, end)
                pos = mv.end() if mv else end
                nxt = _TOKEN.search(masked, pos)
                # the preposition right after a subjectless verb names the channel, not the speaker
                if nxt and not (
                    out and out[-1].speaker is None and masked[out[-1].end : m.start()].strip() == ""
                ):
                    tok = nxt.group()
                    if tok.startswith("لـ"):
                        pos = nxt.start() + 2
                    elif tok.startswith("ل") and not tok.startswith("لل") and len(tok) > 3:
                        pos = nxt.start() + 1
                    sp = _phrase_after(text, masked, pos, ents=ents)
                implicit = sp is None
        elif kind in ("post", "lisan"):  # «…»، هذا ما قاله روبسون / على لسان المتحدث
            sp = _phrase_after(text, masked, end, ents=ents)
            implicit = sp is None
        elif kind == "past" and _PASSIVE_ON.match(masked, end) and _bare(m.group("past")) == "كتب":
            sp, implicit = None, False  # لوحات كتب عليها «…»: an inscription, its writer unnamed
        else:
            if kind == "past" and _bare(m.group("past")) in ("نقل",):
                k = masked.find(" عن ", end, end + 80)
                if k >= 0:
                    sp = _phrase_after(text, masked, k + 4, ents=ents)
            if sp is None:
                sp = _phrase_after(text, masked, end, ents=ents)
            if sp is None:
                sp = _phrase_before(text, masked, m.start(), end, _feminine(m))
            implicit = sp is None
        out.append(_Attr(m.start(), end, sp, implicit, kind in ("past", "pres", "bayyan", "told"), source))
    return out


def _mask(text: str, spans: Sequence[_Span]) -> str:
    if not spans:
        return text
    parts: list[str] = []
    last = 0
    for sp in spans:
        if sp.real:
            parts.append(text[last : sp.open + 1])
            parts.append("\x00" * (sp.close - sp.open - 1))
            last = sp.close
    parts.append(text[last:])
    return "".join(parts)


def _resolve(
    text: str, masked: str, attrs: list[_Attr], idx: int, ents: _Ents = ()
) -> tuple[str | None, int | None, int | None, bool]:
    """Speaker of attribution ``idx``: its own subject, else the last explicit one before it."""
    a = attrs[idx]
    if a.speaker is not None:
        s, e = a.speaker
        return text[s:e], s, e, False
    if not a.implicit:
        return None, None, None, False  # كتب عليها: nobody to look for
    # وأكد رئيس النادي أن … حسب رؤية المدرب، وقال: the subject of the last reporting verb, not the source
    # named inside its complement; a source only where no verb named anybody (وبحسب الوزير … وأضاف)
    earlier = [b for b in attrs[:idx] if b.speaker is not None]
    b = next((b for b in reversed(earlier) if not b.prep), earlier[-1] if earlier else None)
    if b is not None and b.speaker is not None:
        s, e = b.speaker
        return text[s:e], s, e, False
    sp = _agent_before(text, masked, a.pos, ents)
    if sp is not None:
        return text[sp[0] : sp[1]], sp[0], sp[1], False
    return None, None, None, True


def _person_like(text: str, sp: tuple[int, int]) -> bool:
    """Could this phrase name a person or a body (not the object of a verb with a hidden subject)? A title
    (الأمير، مدير …), a name without the article (تونر، خالد) or a nisba family name (الحوثي، الشهري)."""
    first = _bare(text[sp[0] : sp[1]].split()[0])
    if first in _ROLES or first in _HONORIFIC:
        return True
    if first.startswith("ال"):
        return len(first) >= 5 and first.endswith("ي")
    if _object_like(first, None):
        return False  # وجه كلامه لرئيس النادي: the object, the subject is hidden
    return not first.endswith("ات") and not first.startswith(("بال", "لل", "كال"))


def _titled(text: str, sp: tuple[int, int]) -> bool:
    return _bare(text[sp[0] : sp[1]].split()[0]) in _TITLES


def _agent_before(text: str, masked: str, pos: int, ents: _Ents = ()) -> tuple[int, int] | None:
    """The nearest agent named before ``pos`` in the paragraph, for a reporting verb with no subject
    (``رفض تونر … وقال: «…»``, ``وعبر مدير المنتخب خالد مطر عن سعادته وقال:``, ``وبعث سموه برقية … جاء
    فيها``): the subject of a clause-initial narrative verb (``_AGENT_VERBS``, or any و-verb opening the
    quote's own sentence), or a sentence that opens on a title (``والمحامي عبد الله، صاحب …``)."""
    best: tuple[int, int] | None = None
    # nearest first: the first valid subject found walking back is the nearest one
    for m in reversed(list(_AGENT.finditer(masked, 0, pos))):
        prv = masked[max(0, m.start() - 8) : m.start()].rstrip()[-1:]
        initial = masked[m.start()] in "وف" or not prv or prv in ".،,:؛!?؟\n"
        sp = _phrase_after(text, masked, m.end(), ents=ents, object_may_follow=True)
        if sp is None or sp[1] > pos or not _person_like(text, sp):
            continue
        # clause-initial (keeps out برقية شكر، عبر الهاتف), or after a fronted adverbial when a title
        # follows (وفي سياق متصل بعث الأمير …)
        if initial or _titled(text, sp):
            best = sp
            break
    sent_starts = [0] + [m.end() for m in _SENT_END.finditer(masked, 0, pos)]
    # وأصر الدكتور فلان على موقفه … وقال: «…»: the subject of the verb that opens the quote's sentence
    first = _TOKEN.search(masked, sent_starts[-1])
    if first is not None and first.start() < pos:
        tok = first.group()
        bare = _bare(tok)
        if (
            len(bare) >= 4
            and bare[0] in "وف"
            and bare[1:3] != "ال"
            and bare[1:] not in _STOPS
            and bare[1:] not in ("في", "من")
            and tok[-1] not in "،,:"
        ):
            sp = _phrase_after(text, masked, first.end(), ents=ents, object_may_follow=True)
            lead = _bare(text[sp[0] : sp[1]].split()[0]) if sp is not None else ""
            if (
                sp is not None
                and sp[1] <= pos
                and not _object_like(lead, None)
                and (best is None or sp[0] > best[0])
            ):
                best = sp  # (ووجه كلامه لـ…: an object, the subject is hidden)
    for start in reversed(sent_starts):
        if best is not None and start < best[0]:
            break
        first = _TOKEN.search(masked, start)
        if first is None or first.start() >= pos:
            continue
        bare = _bare(first.group())
        s0 = first.start()
        if bare[:1] in "وف" and (bare[1:] in _TITLES or bare[1:3] == "ال"):
            bare, s0 = bare[1:], s0 + 1
        if bare in _TITLES:
            sp = _phrase_after(text, masked, s0, first_free=True, apposition=False, ents=ents)
            if sp is not None and sp[1] <= pos and (best is None or sp[0] > best[0]):
                best = sp
                break
    return best


# Between a quote and a source named right after it: «…»، قال / «…»، كما قال الوزير / «…»، وهكذا ما …
_AFTER_QUOTE = re.compile(r"[\s\u00a0]*[،,]?\s*(?:(?:كما|مثلما)\s+)?")


def _find(paragraph: str, ents: _Ents = (), para: int = 0) -> list[tuple[QuoteMatch, bool]]:
    if not any(c in paragraph for c in _QUOTE_CHARS):
        return []
    spans = _spans(paragraph)
    for sp in spans:
        sp.real = _is_real(paragraph, sp)
    real = [sp for sp in spans if sp.real]
    if not real:
        return []
    masked = _mask(paragraph, spans)
    # triggers after the last quote matter only right after it («…»، قال الوزير): scan no further
    limit = paragraph.find(" ", real[-1].close + 60)
    attrs = _attributions(paragraph, masked, None if limit < 0 else limit, ents)
    out: list[tuple[QuoteMatch, bool]] = []
    for sp in real:
        sent = 0
        for m in _SENT_END.finditer(masked, 0, sp.open):
            sent = m.end()
        idx = next((i for i in range(len(attrs) - 1, -1, -1) if sent <= attrs[i].pos < sp.open), None)
        while idx is not None and attrs[idx].verb:  # أعلن الكرملين أن روسيا تعتبر أن "…" → الكرملين
            j = idx - 1
            if j < 0 or attrs[j].pos < sent or not attrs[j].verb:
                break
            between = masked[attrs[j].end : attrs[idx].pos]
            comps = list(_COMPLEMENTIZER.finditer(between))
            if (
                "،" in between
                or "," in between
                or not comps
                or _TEMPORAL.search(between, 0, comps[-1].start())
            ):
                break  # وقال المكتب إن … بعد أن قالت أنقرة: the later verb is not reported by the first
            if attrs[j].speaker is None and attrs[idx].speaker is not None:
                break  # يذكر أن فلان قال: an impersonal frame does not take the speaker away
            idx = j
        after = _AFTER_QUOTE.match(masked, sp.close + 1, sp.close + 16)
        pos = after.end() if after else sp.close + 1
        nxt = next((i for i, a in enumerate(attrs) if a.pos == pos), None)
        if idx is None:  # «…»، قال الوزير / "…"، وفق القسام
            idx = nxt
        elif nxt is not None and attrs[nxt].prep and attrs[nxt].speaker is not None:
            idx = nxt  # ذكر بيان للسفارة أن … "…"، حسب البيان: the source named for these very words
        if idx is None:
            speaker, ss, se, carry = None, None, None, False
        else:
            speaker, ss, se, carry = _resolve(paragraph, masked, attrs, idx, ents)
        sp_para = None if speaker is None else para
        out.append(
            (QuoteMatch(sp.start, sp.end, paragraph[sp.start : sp.end], speaker, ss, se, sp_para), carry)
        )
    return out


def find_quotes(paragraph: str) -> list[QuoteMatch]:
    """Direct quotes of one paragraph, in order, each with its speaker as written (or ``None``)."""
    return [q for q, _ in _find(paragraph)]


def _last_named(paragraph: str, ents: _Ents = ()) -> tuple[int, int] | None:
    """Who a paragraph leaves speaking at its end (offsets): the latest subject of a reporting verb (a source
    only where there is none) or of a narrative verb (``واستقبل الأمير فلان الوفد.``)."""
    spans = _spans(paragraph)
    for sp in spans:
        sp.real = _is_real(paragraph, sp)
    masked = _mask(paragraph, spans)
    attrs = [a for a in _attributions(paragraph, masked, None, ents) if a.speaker is not None]
    said = next((a for a in reversed(attrs) if not a.prep), attrs[-1] if attrs else None)
    best = said.speaker if said is not None else None
    agent = _agent_before(paragraph, masked, len(paragraph), ents)
    if agent is not None and (best is None or agent[0] > best[0]):
        best = agent
    return best


def _by_para(entities: Iterable[Entity] | None) -> dict[int, list[tuple[int, int, str]]]:
    out: dict[int, list[tuple[int, int, str]]] = {}
    for e in entities or ():
        if e.type in ("PERS", "ORG") and e.end > e.start:
            out.setdefault(e.para, []).append((e.start, e.end, e.type))
    for spans in out.values():
        spans.sort()
    return out


def find_quotes_in_article(
    paragraphs: Sequence[str], entities: Iterable[Entity] | None = None
) -> list[list[QuoteMatch]]:
    """``find_quotes`` per paragraph; a quote whose reporting verb has no subject and that names nobody
    before it in its paragraph (``وأضاف: «…»``, ``وتابع قائلا``) takes whoever the previous paragraph left
    speaking (``_last_named``: ``وقال الوزير إن …`` without quote marks counts), else the last speaker of
    an earlier quote. ``speaker_para`` says which paragraph the speaker offsets point into (the earlier one
    for a carried speaker).

    ``entities``: the article's named entities (``khabar.enrich.entities.find_entities``; ``None`` for the
    rules alone). Their PERS/ORG spans bound the speaker phrases: a subject ends where the name it holds
    ends unless a title follows (``رفض تونر نفي …`` → ``تونر``), a title cut short by its own preposition
    runs on to the name (``كبير المسؤولين عن المعلومات في البيت الأبيض توني سكوت``), and of a name and a
    title on either side of an apposition comma the name wins (``جون برانش، رئيس …``). The subject of a
    narrative verb that opens on a name ends with it (``رفض تونر نفي …`` → ``تونر``)."""
    by_para = _by_para(entities)
    result: list[list[QuoteMatch]] = []
    last: tuple[str, int, int, int] | None = None  # speaker, paragraph, start, end
    for k, para in enumerate(paragraphs):
        quotes: list[QuoteMatch] = []
        carried: tuple[str, int, int, int] | None = None
        for q, carry in _find(para, by_para.get(k, ()), k):
            if carry and q.speaker is None:
                if carried is None and k > 0:
                    named = _last_named(paragraphs[k - 1], by_para.get(k - 1, ()))
                    if named is not None:
                        carried = (paragraphs[k - 1][named[0] : named[1]], k - 1, named[0], named[1])
                    else:
                        carried = last
                if carried is not None:
                    q = QuoteMatch(q.start, q.end, q.text, carried[0], carried[2], carried[3], carried[1])
            if q.speaker is not None and q.speaker_start is not None and q.speaker_end is not None:
                last = (
                    q.speaker,
                    k if q.speaker_para is None else q.speaker_para,
                    q.speaker_start,
                    q.speaker_end,
                )
            quotes.append(q)
        result.append(quotes)
    return result
