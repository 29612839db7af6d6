"""The words of quotes and speech: reporting verbs, titles, stop words, and the patterns built from
them (see the package docstring)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from khabar.text.patterns import ALEF_VARIANTS, trie_pattern

OPT_MARKS = "[\u064b-\u0652\u0670\u0640]*"  # optional diacritics / tatweel after a letter
DIACRITICS = re.compile(OPT_MARKS[:-1])
WORD_CHARS = r"\w\u064b-\u0652\u0670\u0640"


def _alt(words: Iterable[str]) -> str:
    """The words as one trie alternation, any alef form for any other, optional harakat/tatweel after
    each letter."""
    return trie_pattern(words, variants=ALEF_VARIANTS, after=OPT_MARKS)


def _words(s: str) -> list[str]:
    return s.split()


# Past-tense stems (3rd person masculine); suffixes ت/ا/وا/ن/تا are added by the pattern.
PAST = _words(
    "قال صرح أعلن أكد أضاف أوضح أشار ذكر شدد لفت اعتبر كشف تابع أفاد روى أردف استطرد زعم نفى غرد "
    "كتب علق حذر طالب تساءل أشاد أعرب أبلغ نقل أبان نوه أقر أجاب أفادت رأى رأت دعا دعت "
    "اعتقد أثنى اختتم ختم صاح هتف صرخ ردد أخبر"
)
PRESENT = _words(
    "يقول تقول يضيف تضيف يؤكد تؤكد يوضح توضح يشير تشير يرى ترى يتابع تتابع يعتبر تعتبر يردف تردف "
    "يذكر تذكر يعتقد تعتقد يكشف تكشف يصف تصف يروي تروي يقر تقر ينادي تنادي"
)
PARTICIPLES = _words(
    "قائل مضيف مؤكد موضح مشير لافت معتبر مشدد مبين منوه مردف متابع مستطرد منبه محذر معرب مختتم "
    "مستدرك موجه مبرز"
)
PREPS = _words("بحسب حسب وفق وفقا وفقاً طبقا طبقاً تبعا تبعاً حسبما بحسبما وفقما")

WORD_START = rf"(?<![{WORD_CHARS}])"
WORD_END = rf"(?![{WORD_CHARS}])"
ATTRIB = re.compile(
    WORD_START + "(?:[وف]" + OPT_MARKS + ")?(?:"
    rf"(?P<past>{_alt(PAST)})(?:ت|وا|ا|ن|تا)?{OPT_MARKS}"
    rf"|(?P<pres>{_alt(PRESENT)})(?:ون|ان)?{OPT_MARKS}"
    rf"|(?P<part>{_alt(PARTICIPLES)})(?:اً|ًا|ا|ً|ة|ين|ون|ات|ان)?{OPT_MARKS}"
    r"|(?P<bayyan>بيّن|بيَّن|بيّنت)"
    r"|(?P<told>(?:أخبر|أبلغ|حدث)(?:ت)?(?:ني|نا)|نصت|تنص|ينص)"  # ومثلما أخبرني جين / نصت المادة
    r"|(?P<post>(?:هذا|هكذا|ذلك)\s+ما\s+(?:قال|صرح|كتب|ذكر|أكد|أوضح|أعلن|غرد|أضاف)(?:ه|ته|ها|ت)?)"
    r"|(?P<lisan>على\s+لسان)"
    rf"|(?P<prep>{_alt(PREPS)})"
    r"|(?P<naql>نقلا|نقلاً)\s+عن"
    r"|(?P<qawl>ب?قوله|بقولها|بالقول|ب?قولهم)"
    r"|(?P<qawln>قول|كلمات)"
    r"|(?P<came>جاء|جاءت|ورد|وردت)(?=\s+(?:في|فيها|فيه)(?![\w]))"
    ")" + WORD_END
)
# Verbs of a narrative whose subject may be the speaker of a later subjectless ``وقال:`` (بعث، رفض،
# عبر … عن). Only clause-initial forms count (و/ف-prefixed, or after punctuation; elsewhere only with a
# title after them), which keeps out the homographs (برقية شكر، عبر الهاتف، كرة قدم).
AGENT_VERBS = _words(
    "بعث رفع قدم رفض أصر عبر استقبل التقى وجه أبدى هنأ ترأس دشن افتتح زار تسلم ناقش اتهم انتقد "
    "استعرض تفقد دافع اعترف تحدث أجرى أصدر وعد هدد توقع تمنى استبعد رجح ثمن احتفى ألقى تقدم تمسك "
    "شارك حمل طالب جدد أعرب أبلغ"
)
AGENT = re.compile(
    WORD_START + "(?:[وف]" + OPT_MARKS + ")?(?:" + _alt(AGENT_VERBS) + ")(?:ت|وا|ا)?" + OPT_MARKS + WORD_END
)
# Words that head a person's description at the start of a sentence (والمحامي عبد الله، صاحب …).
TITLES = frozenset(
    _words(
        "الأمير الامير الملك الشيخ الدكتور المهندس الأستاذ الاستاذ المحامي الوزير وزير الرئيس رئيس نائب "
        "المتحدث متحدث الناطق مدير المدير أمين الأمين سفير السفير القنصل العقيد اللواء العميد الفريق المقدم "
        "الرائد النقيب الفنان الفنانة اللاعب المدرب مدرب الكابتن الناشط الخبير المستشار مستشار عضو الباحث "
        "الكاتب الشاعر المواطن مصدر المصدر قائد القائد محافظ المحافظ وكيل رئيسة وزيرة الأمين الداعية "
        "المفتي مفتي البروفيسور الروائي المخرج الممثل الممثلة المغرد"
    )
)
# After في, what is a time or a frame, not a source (جاء في وقت، ورد في إطار).
CONTEXT_NOUNS = frozenset(_words("وقت الوقت سياق إطار اطار أعقاب اعقاب ظل ظروف حين حينه المقابل الأثناء"))
# Indefinite offices that a place may follow inside the subject (مسؤول في الوزارة).
ROLES = TITLES | frozenset(
    _words(
        "مسؤول مسؤولة متحدثة خبير ناشط باحث محلل دبلوماسي ضابط قيادي أستاذ مصادر مسؤولون عضوة مراسل "
        "لاعب رئيسة"
    )
)
# Right after a short quote: the words are someone's (حسب تعبيره، على حد قوله، كما وصفها).
AS_SAID = re.compile(
    r"\s*[،,]?\s*(?:حسب|بحسب|على حد|وفق|وفقا ل|كما)\s*(?:ما\s+)?(?:تعبير|وصف|قول|قال|يقول|تقول|ذكر|سما)"
)
PASSIVE_ON = re.compile(r"\s+(?:عليها|عليه|عليهما)" + WORD_END)
# How a 2-3 word quote inside a reported complement may start (a prepositional or verb phrase).
FRAGMENT_START = frozenset(
    _words("في على تحت فوق من إلى الى عن مع بين دون بعد قبل منذ حتى لن لم لا قد يا لأن لان كي")
)
# A quoted span followed by أن/عن right after a verb is the verb's subject (أعلنت "الشركة …" أن).
COMPLEMENT_NEXT = re.compile(r"\s*(?:أن|إن|ان|بأن|بان|أنه|انه|أنها|انها|عن)" + WORD_END)
# Before a colon, words that announce a list, not speech (مثل: «مجلس الشورى وهيئة الخبراء»).
LIST_INTRO = frozenset(_words("مثل منها وهي هي التالية التالي كالتالي يلي وهم هم وهما أبرزها ابرزها بينها"))
NEGATION = re.compile(  # before a verb: لم يذكر، ولا يقول
    r"(?<![\w])(?:[وف]?(?:لم|لن|لا))\s+$"
)
SOURCE_MA = re.compile(r"(?:حسب|بحسب|وفق|وفقا\s+ل|وفقاً\s+ل)\s*ما\s+$")
TEMPORAL = re.compile(r"(?:بعد|قبل|منذ|حتى|عقب)\s*$")
SHOUT = re.compile("(?:[وف])?(?:" + _alt(_words("صاح هتف صرخ ردد")) + ")(?:ت|وا|ا)?")
# Model numbers, Latin letters, a kunya (أبو محسن): a product or a name, not words said.
NAME_LIKE = re.compile(r"[0-9A-Za-z٠-٩]|^\s*[أا]بو")
MA_VERB = re.compile(
    r"\s*ما\s+(?:[وف])?(?:" + _alt(PAST) + r")(?:ت|وا|ا|ن)?" + OPT_MARKS + WORD_END + r"|\s*ما" + WORD_END
)
VERB_AFTER_MA = re.compile(
    r"\s+(?:[وف])?(?:" + _alt(PAST) + r")(?:ت|وا|ا|ن)?" + OPT_MARKS + WORD_END
)  # حسبما أضاف
PRONOUN_SOURCE = re.compile(r"(?:تعبيره|تعبيرها|قوله|قولها|وصفه|وصفها|زعمه|زعمها|رأيه)" + WORD_END)

SENT_END = re.compile(r"[.!?؟\n]")
TOKEN = re.compile(r"\S+")
WORD = re.compile(rf"[{WORD_CHARS}]+")

STOPS = frozenset(
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
TIME_OR_ADV = frozenset(
    _words(
        "اليوم أمس امس غدا البارحة الليلة صباح مساء ظهر فجر الأحد الاحد الاثنين الإثنين الثلاثاء الأربعاء "
        "الاربعاء الخميس الجمعة السبت يوم مؤخرا أخيرا حاليا أيضا ايضا"
    )
)
# Adverbials of time right after the verb or the subject (قال المسؤولون حينذاك); they never open or
# continue a subject.
THEN = frozenset(_words("حينذاك حينئذ حينئذٍ آنذاك انذاك آنئذ آنئذٍ وقتها حينها وقتئذ ساعتها يومها"))
# Participles of manner (قال متألماً، قالت منتقدة خصمها، وأضاف متسائلا): a circumstantial phrase about the
# speaker, who is named before it or hidden; the stems take ا/اً/ة/ين.
MANNER = re.compile(
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
WA_PREPS = frozenset(_words("على عن في من إلى الى مع لدى عبر حسب بحسب"))  # وعلى لسان، ومن جهته
THIS_MATTER = frozenset(_words("بهذا لهذا وبهذا ولهذا"))
IN_ADJUNCT = re.compile(
    r"(?:ال)?(?:بيان|تصريح|مؤتمر|مقابل|حديث|تغريد|اتصال|لقاء|كلم|رسال|تقرير|حوار|ختام|افتتاح|هذا|هذه|ذلك|"
    r"تلك|معرض|ندو|اجتماع|جلس|خطاب|مداخل|مقال|منشور|صفحت|حساب|موقع|رد|سياق|إطار|اطار|الوقت|وقت|"
    r"نهاية|بداية|ساعة|مستهل|أعقاب|اعقاب|تصريحات|بيانات|كتاب|تعليق|مناسبة|حفل|ورشة|محاضرة|برنامج|"
    r"وقت|مكالمة|اتصالات|مقطع|فيديو|شريط|نشرة)"
)
ADDRESSEE = re.compile(
    r"^(?:لـ|ل)(?:ـ)?(?:ال)?(?:وكال|صحيف|صحف|صحاف|صحفي|فرانس|رويترز|أسوشيتد|قناة|قنا|موقع|مواقع|شبك|"
    r"إذاع|اذاع|مراسل|وسائل|تلفزيون|إعلام|اعلام|جريد|مجل|برنامج|حضور|عربي|بي|سي|نيويورك|واشنطن|"
    r"غارديان|تايمز|عكاظ|سبق|وئام)"
    # newspapers with a definite name: the article is required (لمدينة سيدني is a city, ليوم واحد a day)
    r"|^(?:لـ|ل)ـ?ال(?:شرق|حياة|نهار|جزيرة|وطن|مدينة|رياض|يوم|اقتصادية)"
    r"|^لـ|^ل?[«\"“”(]|^لل(?:صحاف|صحف|صحيف|تلفزيون|وكال|إذاع|اذاع|قناة|موقع|مراسل|صحفي)"
)
TITLE_BEFORE = frozenset(
    _words(
        "بعنوان عنوان عنوانه عنوانها شعار بشعار شعارها شعاره اسم باسم مسمى مسلسل برنامج كتاب الكتاب رواية "
        "أغنية اغنية أغنيته أغنيتها قصيدة فيلم الفيلم حملة مبادرة هاشتاق هاشتاغ وسم الوسم صحيفة جريدة مجلة "
        "قناة موقع تطبيق لعبة مسرحية معرض مهرجان ملتقى مؤتمر ندوة دورة مسابقة جائزة عملية مشروع مسمى "
        "لقب بلقب الملقب والملقب المسمى المسماة تسمية بـ ب شركة نادي فريق نص نصي نصوص نصا قصائد قصيدته ديوان "
        "المدعو المدعوة يدعى تدعى محطة وكالة إذاعة اذاعة شبكة بند"
    )
)
# Pronoun-titles that are subjects themselves (وقال سموه), not objects with a possessive suffix.
HONORIFIC = frozenset(
    _words("سموه سموها معاليه معاليها فضيلته فضيلتها سعادته سعادتها جلالته فخامته فخامتها سماحته فضيلة")
)
# What a communication verb sends (بعث سموه برقية …): it ends the subject before it.
SENT_OBJECT = frozenset(
    _words(
        "برقية برقيه برقيتين رسالة رساله رسائل كلمة كلمه خطابا خطاباً بيانا بياناً تغريدة تغريده تغريدات "
        "تهنئة تهنئه شكرا شكراً الشكر التهنئة التهاني التعازي العزاء التحية"
    )
)
# Nouns that take a possessive suffix right after a subject: وقدم الحقباني شكره، وتابع الوزير حديثه.
SUFFIXED_NOUNS = frozenset(_words("شكر حديث كلام قول رأي رد موقف تقدير امتنان ترحيب استياء دعم"))
AUXILIARY = frozenset(_words("كان كانت وكان وكانت فكان فكانت ظل ظلت وظل"))  # كان المعلق يقول
RESUMPTIVE = re.compile(r"\s+(?:بها|به|عنها|عنه|فيها|فيه|لها|له|عليها|عليه)" + WORD_END)  # غردت بها
CLAUSE_START = frozenset(_words("أن إن ان بأن بان أنه انه إنه أنّ إنّ وان وأن وإن و"))
COMPLEMENTIZER = re.compile(WORD_START + r"(?:أن|إن|ان|بأن|بان|أنه|انه|إنه|أنها|انها)" + WORD_END)
TITLE_GLUE = re.compile(r"(?:^|[\s(])(?:لـ|بـ|ل|ب|كـ|وبـ|ولـ|و?بال|لل|و)$")
INTRO_BEFORE = re.compile(r"(?::-?|أن|إن|ان|أنه|انه|إنه|بأن|بان|أنّ|إنّ|" + _alt(PAST + PRESENT) + r")\s*$")


def bare_word(token: str) -> str:
    return DIACRITICS.sub("", token).strip("،,:؛.!?؟)(-–—")


SUFFIXES = ("ه", "ها", "هم", "هما")
# Prepositions that may sit inside a title before the name (كبير المسؤولين عن المعلومات …، المشرف على الكرة …).
TITLE_PREPS = frozenset(_words("عن على من لدى"))
