"""Date expressions in Arabic news text, resolved to ISO 8601 values.

``find_dates(paragraph, published)`` returns :class:`DateMatch` spans (offsets into ``paragraph``,
``paragraph[start:end] == text``) with a ``value`` truncated to its ``granularity``:

=============  ==============  ===============================================================
granularity    value           written as
=============  ==============  ===============================================================
``day``        ``2015-08-11``  ``11 أغسطس 2015``, ``11 آب/أغسطس 2015``, ``2015/8/11``, ``11-8-2015``,
                               ``26 شوال 1436 هـ``, ``الثالث من يونيو``, ``اليوم``, ``أمس``, ``غداً``,
                               ``بعد غد``, ``الاثنين``, ``الخميس المقبل``, ``قبل يومين``, ``منذ 3 أيام``
``week``       ``2025-W24``    ``الأسبوع الماضي/المقبل/الجاري``, ``قبل أسبوع``, ``بعد أسبوعين``
``month``      ``2022-02``     ``فبراير 2022``, ``رمضان 1436 هـ``, ``فبراير الماضي``, ``الشهر المقبل``
``year``       ``2014``        ``عام 2014``, ``العام الماضي``, ``هذا العام``, ``قبل عامين``, ``1436هـ``
=============  ==============  ===============================================================

Conventions (chosen, and tested):

* **Weeks** are ISO 8601 week dates truncated to the week (``2025-W25``: Monday-based ISO weeks),
  which is what "ISO 8601 truncated to its granularity" means for a week.
* **Month names** cover the Egyptian/Gulf set (يناير … ديسمبر, with spelling variants), the Levantine/
  Iraqi set (كانون الثاني … كانون الأول) and the Maghrebi sets (يوليوز، غشت، شتنبر، نونبر، دجنبر; جانفي،
  فيفري، أفريل، جوان، جويلية، أوت). Paired names (``آب/أغسطس``, ``يونيو (حزيران)``) are one mention.
  A month name alone is a date only next to a year, a day, ``شهر``, a preposition of time (في، منذ،
  خلال، مطلع، منتصف، أواخر …) or ``الماضي/المقبل/الجاري``; names that are also common words or names
  (آب، شباط، نيسان، ماي، أوت، جوان) need ``شهر`` or such a modifier when they stand without a day or year.
* **Numeric dates** are day-first (``11-8-2015``, ``11/8/2015``) unless the year comes first
  (``2015/8/11``); a month above 12 swaps day and month. A year 1300–1500 or a ``هـ`` marker makes a
  numeric date Hijri.
* **Hijri** dates are converted with ``hijridate`` (Umm al-Qura). A Hijri month with a year and no day
  is given the Gregorian month of its 15th day; a Hijri year alone the Gregorian year of 1 Rajab
  (its middle). A Hijri date without a year takes the Hijri year that puts it closest to ``published``.
  A Hijri date and a Gregorian date joined by ``الموافق`` are **one** mention whose value is the
  Gregorian one (the two may differ by a day where a month was fixed by sighting).
* **A day and month without a year** take the year that puts them closest to ``published`` (``الماضي``
  forces the past, ``المقبل``/``القادم`` the future); a bare month likewise, to the month.
* **Weekdays** (always with the article: الاثنين، يوم الخميس، والجمعة …) resolve to the most recent such
  day on or before ``published`` (past-tense reporting, the usual case), or to the coming one on or
  after it when a future marker governs them: ``سـ``/``سوف`` + verb, a present-tense scheduling verb
  (يعقد، تنطلق، يبدأ …), ``من المقرر``/``المنتظر`` among the (up to eight) words before them in the same
  clause. ``الماضي`` means strictly before ``published``, ``المقبل``/``القادم`` strictly after.
  ``اليوم الاثنين``, ``يوم الاثنين 11 أغسطس``, ``يوم الجمعة الموافق 9 / 9 / 1436هـ`` are one mention
  whose value comes from the day word or the explicit date.
* **هذا العام / العام الحالي / العام الجاري** are supported (year of ``published``), as are the month and
  week forms. ``العام`` after الأمين، المدعي، المدير … (the adjective "general") is not a date.
* **Durations** ``قبل/منذ/بعد`` + count + unit (يومين، ثلاثة أيام، 3 أيام، أسبوع، شهرين، عامين …) resolve
  against ``published`` with the unit as granularity; when followed by ``من``/``على`` they count from
  another event and are not reported.
* Without ``published`` every relative expression is still found, with ``value=None``.
* ``اليوم`` is not a date in outlet names (عين اليوم، صحيفة اليوم، المصري اليوم، اليوم السابع) nor as
  "the day" (اليوم التالي، اليوم الأول، اليوم الوطني، اليوم العالمي، اليوم الذي …). ``الأحد`` is not a
  weekday in عبد الأحد / الواحد الأحد / الأحد عشر, nor ``الاثنين`` in بين الاثنين / الاثنين معا.

Not handled (open): ranges (``من 4 إلى 15 أغسطس`` gives only ``15 أغسطس``), clock times, seasons,
decades (ثمانينات القرن الماضي), ``الموسم الماضي``, event-relative days (``اليوم التالي``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import regex
from hijridate import Gregorian, Hijri

from khabar.text.patterns import (
    DIGIT_VALUES,
    SPELLING_VARIANTS,
    fold_loose,
    loose_alternation,
    spellings,
    trie_pattern,
)

__all__ = ["DateMatch", "find_dates"]


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date expression: ``paragraph[start:end] == text``; ``value`` is ISO 8601 truncated to
    ``granularity`` (``day`` | ``week`` | ``month`` | ``year``), ``None`` when it cannot be resolved."""

    start: int
    end: int
    text: str
    value: str | None
    granularity: str | None


# ---------------------------------------------------------------------------------------- vocabulary
_DIGITS = str.maketrans(DIGIT_VALUES)


def _int(s: str) -> int:
    return int(s.translate(_DIGITS))


_GREG_NAMES: dict[int, tuple[str, ...]] = {
    1: ("يناير", "كانون الثاني", "جانفي", "ينار"),
    2: ("فبراير", "شباط", "فيفري", "فبرير"),
    3: ("مارس", "آذار", "اذار"),
    4: ("أبريل", "ابريل", "إبريل", "نيسان", "أفريل", "افريل"),
    5: ("مايو", "أيار", "ايار", "ماي"),
    6: ("يونيو", "يونيه", "حزيران", "جوان"),
    7: ("يوليو", "يوليه", "تموز", "يوليوز", "جويلية", "جويلية"),
    8: ("أغسطس", "اغسطس", "أغسطوس", "اغسطوس", "آب", "اب", "غشت", "أوت", "اوت"),
    9: ("سبتمبر", "أيلول", "ايلول", "شتنبر"),
    10: ("أكتوبر", "اكتوبر", "تشرين الأول", "تشرين الاول", "أكتوبر"),
    11: ("نوفمبر", "تشرين الثاني", "نونبر"),
    12: ("ديسمبر", "كانون الأول", "كانون الاول", "دجنبر", "دیسمبر"),
}
_HIJRI_NAMES: dict[int, tuple[str, ...]] = {
    1: ("محرم", "المحرم"),
    2: ("صفر",),
    3: ("ربيع الأول", "ربيع الاول", "ربيع أول"),
    4: ("ربيع الآخر", "ربيع الاخر", "ربيع الثاني", "ربيع ثاني"),
    5: ("جمادى الأولى", "جمادى الاولى", "جمادي الأولى", "جمادي الاولى", "جمادى الأول", "جمادى الاول"),
    6: ("جمادى الآخرة", "جمادى الاخرة", "جمادى الآخر", "جمادى الثانية", "جمادي الآخرة", "جمادي الاخرة",
        "جمادي الثانية"),
    7: ("رجب",),
    8: ("شعبان",),
    9: ("رمضان",),
    10: ("شوال",),
    11: ("ذو القعدة", "ذي القعدة", "ذو القعده", "ذي القعده", "ذوالقعدة"),
    12: ("ذو الحجة", "ذي الحجة", "ذو الحجه", "ذي الحجه", "ذوالحجة"),
}  # fmt: skip
_GREG_KEY = {fold_loose(n): m for m, names in _GREG_NAMES.items() for n in names}
_HIJRI_KEY = {fold_loose(n): m for m, names in _HIJRI_NAMES.items() for n in names}
# Month names that are also ordinary words or names: alone (no day/year) they need شهر or a modifier.
_AMBIGUOUS_MONTHS = {fold_loose(n) for n in ("آب", "اب", "شباط", "نيسان", "ماي", "أوت", "اوت", "جوان")}


def _alternation(names: list[str]) -> str:
    """A regex alternation of month names: alef/hamza, ta marbuta and inner spaces made loose."""
    return loose_alternation(names, SPELLING_VARIANTS, space=r"\s*")


_GMONTH = _alternation([n for names in _GREG_NAMES.values() for n in names])
_HMONTH = _alternation([n for names in _HIJRI_NAMES.values() for n in names])
_GMONTH_PAIR = rf"(?:{_GMONTH})(?:\s*(?:/|\(|\\)\s*(?:{_GMONTH})\s*\)?)?"

_UNITS = ["", "الحادي", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع"]
_ORDINALS: dict[str, int] = {"الأول": 1, "الاول": 1, "العاشر": 10, "العشرين": 20, "الثلاثين": 30}
for _i in range(2, 10):
    _ORDINALS[_UNITS[_i]] = _i
for _i in range(1, 10):
    _ORDINALS[f"{_UNITS[_i]} عشر"] = 10 + _i
    _ORDINALS[f"{_UNITS[_i]} والعشرين"] = 20 + _i
_ORDINALS["الحادي والثلاثين"] = 31
_ORDINAL_KEY = {fold_loose(k): v for k, v in _ORDINALS.items()}
_ORDINAL = "|".join(
    sorted((regex.escape(k).replace("\\ ", r"\s+") for k in _ORDINALS), key=len, reverse=True)
)

_WEEKDAYS = {"الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5, "الاحد": 6}
_WEEKDAY = r"ال(?:[اأإ]ثنين|ثلاثاء|ثلاثا|[أا]ربعاء|خميس|جمع[ةه]|سبت|[أا]حد)"

_D = r"[0-9\u0660-\u0669\u06F0-\u06F9]"
_NB = r"(?![\p{L}\p{M}\p{N}])"  # right boundary
_HMARK = rf"(?:هـ|ه{_NB}|هجري[ةه]?|للهجر[ةه])"
_GMARK = rf"(?:م{_NB}|ميلادي[ةه]?|للميلاد)"
_YEAR_WORD = r"(?:[لب]?(?:ال)?(?:عام|سن[ةه]))"
_PAST = r"الماضي|الماضية|المنصرم|المنصرمة|الفائت|الفائتة|السابق|السابقة"
_NEXT = r"المقبل|المقبلة|القادم|القادمة"
_THIS = r"الجاري|الجارية|الحالي|الحالية"
_MOD = rf"{_PAST}|{_NEXT}|{_THIS}"
_TIME_PREP = (
    r"في|منذ|خلال|مطلع|أوائل|اوائل|منتصف|أواسط|اواسط|أواخر|اواخر|نهاية|بنهاية|بداية|ببداية|حتى|مع|"
    r"قبل|بعد|طوال|بحلول|شهري|لشهر"
)
_COUNT = r"ثلاث[ةه]?|[أا]ربع[ةه]?|خمس[ةه]?|ست[ةه]?|سبع[ةه]?|ثماني[ةه]?|تسع[ةه]?|عشر[ةه]?"
_DUR_UNIT = (
    r"(?P<du_d>يوم(?:ين|ان|ا|اً|ًا)?|[أا]يام)|(?P<du_w>[أا]سبوع(?:ين|ان)?|[أا]سابيع)|"
    r"(?P<du_m>شهر(?:ين|ان)?|[أا]شهر|شهور)|(?P<du_y>عام(?:ين|ان)?|[أا]عوام|سن(?:ت|وات|ين)|سن[ةه])"
)

_BODIES: dict[str, str] = {
    "num": rf"""
        (?<![\p{{N}}/.\-]\s?)
        (?:(?P<n_y1>{_D}{{4}})\s*[/\-.]\s*(?P<n_m1>{_D}{{1,2}})\s*[/\-.]\s*(?P<n_d1>{_D}{{1,2}})
         |(?P<n_d2>{_D}{{1,2}})\s*[/\-.]\s*(?P<n_m2>{_D}{{1,2}})\s*[/\-.]\s*(?P<n_y2>{_D}{{4}}))
        (?!\s?[/\-.]\s?\p{{N}}|\p{{N}})
        (?:\s*(?P<n_h>{_HMARK})|\s*{_GMARK})?
    """,
    "hday": rf"""
        (?:(?:الـ?\s*)?(?P<h_d>{_D}{{1,2}})|(?P<h_o>{_ORDINAL}))\s*(?:من\s+)?(?:شهر\s+)?
        (?P<h_m>{_HMONTH})
        (?:\s*(?:من\s+)?(?:{_YEAR_WORD}\s*)?(?P<h_y>{_D}{{4}})(?!\p{{N}}))?
        (?:\s*{_HMARK})?
    """,
    "gday": rf"""
        (?:(?:الـ?\s*)?(?P<g_d>{_D}{{1,2}})|(?P<g_o>{_ORDINAL})\s+من)\s*(?:من\s+)?(?:شهر\s+)?
        (?P<g_m>{_GMONTH_PAIR})
        (?:\s*(?:من\s+)?(?:{_YEAR_WORD}\s*)?(?P<g_y>{_D}{{4}})(?!\p{{N}})(?:\s*{_GMARK})?
         |\s+(?P<g_mod>{_MOD}))?
    """,
    "gmon": rf"""
        (?:شهر\s+)?(?P<gm_m>{_GMONTH_PAIR})\s*(?:من\s+)?(?:{_YEAR_WORD}\s*)?(?P<gm_y>{_D}{{4}})(?!\p{{N}})
        (?:\s*{_GMARK})?
    """,
    "hmon": rf"""
        (?:شهر\s+)?(?P<hm_m>{_HMONTH})\s*(?:المبارك\s*)?(?:من\s+)?(?:{_YEAR_WORD}\s*)?(?P<hm_y>{_D}{{4}})
        (?!\p{{N}})(?:\s*{_HMARK})?
    """,
    "year": rf"""
        (?:{_YEAR_WORD}\s*|(?<=(?:{_TIME_PREP})\s+))(?P<y_y>{_D}{{4}})(?![\p{{N}}/\-])
        (?:\s*(?P<y_h>{_HMARK})|\s*{_GMARK})?
    """,
    "rel": rf"""
        (?P<r_u>(?:[لب]?ال|لل)(?:[أا]سبوع|شهر|عام|سن[ةه])|هذ[اه]\s+(?:ال[أا]سبوع|الشهر|العام|السن[ةه]))
        (?:\s+(?P<r_m>{_MOD}|قبل\s+الماضي[ةه]?))?
        (?:\s+(?P<r_y>{_D}{{4}})(?!\p{{N}})(?:\s*{_GMARK})?)?
    """,
    "dur": rf"""
        (?P<du_dir>قبل|منذ|بعد)\s+(?:(?:نحو|حوالي|حوالى|قرابة|زهاء)\s+)?
        (?:(?P<du_n>{_D}{{1,3}}|{_COUNT})\s+)?(?:{_DUR_UNIT})
        (?:\s+(?:واحد[ةه]?|فقط))?
        (?!\s*\p{{N}})(?!\s+(?:من|على|{_GMONTH}|{_HMONTH})(?![\p{{L}}\p{{M}}]))
    """,
    "day": r"""
        (?P<d_after>بعد\s+غد)
       |(?P<d_before>[أا]ول\s+(?:من\s+)?[أا]مس|[أا]مس\s+ال[أا]ول)
       |(?P<d_yest>(?:يوم\s+)?[أا]مس|بال[أا]مس)
       |(?P<d_tom>(?:يوم\s+)?(?:ال)?غد(?:اً|ًا|ا)?)
       |(?P<d_today>اليوم)
    """,
    "wd": rf"""
        (?:يوم\s+)?(?P<w_n>{_WEEKDAY})(?:\s+(?P<w_m>{_PAST}|{_NEXT}))?
    """,
    "bmon": rf"""
        (?:(?P<b_s>شهر)\s+|(?<=(?:{_TIME_PREP})\s+))(?P<b_m>{_GMONTH_PAIR})(?:\s+(?P<b_mod>{_MOD}))?
       |(?P<b_m2>{_GMONTH_PAIR})\s+(?P<b_mod2>{_MOD})
    """,
}
_KIND_PATTERNS: dict[str, regex.Pattern[str]] = {
    kind: regex.compile(
        rf"(?<![\p{{L}}\p{{M}}\p{{N}}])(?:[وف](?=[\p{{L}}\p{{N}}]))?(?P<all>(?P<{kind}>{body}))(?![\p{{L}}\p{{M}}\p{{N}}])",
        regex.VERBOSE,
    )
    for kind, body in _BODIES.items()
}

# --------------------------------------------------------------------------------- context checks
_TODAY_BEFORE = regex.compile(
    r"(?:عين|صحيف[ةه]|جريد[ةه]|[لب]صحيف[ةه]|[لب]جريد[ةه]|المصري|[أا]خبار|موقع|قنا[ةه]|مجل[ةه])\s*[«\"“]?\s*$"
)
_TODAY_AFTER = regex.compile(
    r"^\s*[»\"”]?\s*(?:السابع|التالي|ال[أا]ول|الثاني|الثالث|الرابع|الخامس|السادس|الوطني|العالمي|الدولي|"
    r"الذي|نفسه|ذاته|الواحد|الموعود|ال[أآا]خر|ال[أا]خير|المفتوح|المشهود|الختامي|الرياضي|العربي|الخليجي)"
    r"(?![\p{L}\p{M}])"
)
_QUOTED = regex.compile(r"[«\"“]\s*$")
_AHAD_BEFORE = regex.compile(r"(?:عبد|الواحد|اسم)\s*$")
_NUM_AFTER = regex.compile(
    r"^\s*(?:عشر|و(?:ال)?(?:عشرين|ثلاثين|[أا]ربعين|خمسين|ستين|سبعين|ثمانين|تسعين))(?![\p{L}\p{M}])"
)
_ITHNAYN_BEFORE = regex.compile(r"(?:بين|كلا|كلتا|هذين|هاتين|ل|ل[لا])\s*$")
_ITHNAYN_AFTER = regex.compile(r"^\s*(?:معا|معاً|معًا|عشر)(?![\p{L}\p{M}])")
_GENERAL_BEFORE = regex.compile(
    r"(?:ال[أا]مين|المدعي|النائب|المدير|المراقب|المفتش|القائد|المرشد|المنسق|المستشار|الرأي|الراي|القطاع|"
    r"المال|الشأن|الصالح|النفع|الاتحاد|المؤتمر|العفو|الإضراب|الاضراب|النظام|الذوق|الوضع|الطابع|التعليم|"
    r"الاستثمار|الإطار|الاطار|الخط|المستوى|الهيكل|الجو|الأمن|الامن|المجلس|الحكم)\s*$"
)
_CLAUSE_END = regex.compile(r"[.!?؟؛:\n،,«»\"“”]")
_WORDS = regex.compile(r"\p{L}[\p{L}\p{M}]*")
_FUTURE_TOKEN = regex.compile(
    r"^(?:[وف])?(?:سوف|س[يتنأ]\p{L}{2,}|ل?[يت](?:عقد|نعقد|نطلق|بد[أا]|قام|ختتم|ستانف|ستأنف|فتتح|زور|لتقي|ستضيف|"
    r"توج[هه]|نظم|حتفل|شهد|ستقبل)\p{L}*|المقرر|المنتظر|المرتقب|المزمع)$"
)
_NOT_VERB_PREFIX = (
    "سياس", "سيار", "سياح", "سياق", "سياج", "سيطر", "سينا", "سينم", "ستراتيج", "سنغافور", "سنوات", "سنوي",
    "سيبير", "ستوك", "سيول", "سيناريو", "سيري", "ستالين", "سنتيم", "ستان",
)  # fmt: skip
_NOT_VERB = {
    "سيد", "سيدة", "سيده", "سيرة", "سيره", "سير", "سيف", "سيل", "ستة", "سته", "ستين", "ستون", "ستار", "ستاد",
    "سنة", "سنه", "سنين", "سنت", "سند", "سأل", "سألت", "سألته", "سنا", "سيطرة", "سيطره", "سنتين", "ستمائة", "ستمئة",
    "سيئة", "سيئه", "سيء", "سنوية", "سنويه", "ستنا", "سنن",
}  # fmt: skip


def _future_context(text: str, start: int) -> bool:
    """Whether a future marker governs a weekday that starts at ``start`` (same clause, ≤ 8 words back)."""
    left = text[max(0, start - 90) : start]
    cuts = [c.end() for c in _CLAUSE_END.finditer(left)]
    if cuts:
        left = left[cuts[-1] :]
    for w in reversed(_WORDS.findall(left)[-8:]):
        if _FUTURE_TOKEN.match(w):
            bare = w[1:] if w[0] in "وف" and len(w) > 3 and w[1] in "سيت" else w
            if bare in _NOT_VERB or bare.startswith(_NOT_VERB_PREFIX):
                continue
            return True
    return False


# ---------------------------------------------------------------------------------------- calendar
def _iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    t = y * 12 + (m - 1) + k
    return t // 12, t % 12 + 1


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def _hijri_to_greg(y: int, m: int, d: int) -> date | None:
    if not (1 <= m <= 12 and 1 <= d <= 30):
        return None
    try:
        h = Hijri(y, m, 1)
        length = h.month_length()
        if d > length:  # a 30th the Umm al-Qura table does not have: the day after the 29th
            if d > length + 1:
                return None
            return Hijri(y, m, length).to_gregorian() + timedelta(days=1)
        return Hijri(y, m, d).to_gregorian()
    except (OverflowError, ValueError):
        return None


@functools.lru_cache(maxsize=1024)
def _greg_to_hijri_year(d: date) -> int | None:
    try:
        return Gregorian(d.year, d.month, d.day).to_hijri().year
    except (OverflowError, ValueError):
        return None


def _closest_year(pub: date, make: object, mode: str) -> date | None:
    """Among the candidate dates ``make(k)`` for years k in (-1, 0, +1) around ``pub``, the one closest
    to ``pub`` (``mode`` "past": on or before it, "future": on or after it)."""
    cands = [c for c in (make(k) for k in (-1, 0, 1)) if c is not None]  # type: ignore[operator]
    if mode == "past":
        cands = [c for c in cands if c <= pub]
        return max(cands) if cands else None
    if mode == "future":
        cands = [c for c in cands if c >= pub]
        return min(cands) if cands else None
    return min(cands, key=lambda c: (abs((c - pub).days), c > pub)) if cands else None


def _mode(mod: str | None) -> str:
    if not mod:
        return "near"
    f = fold_loose(mod)
    if f.startswith(("المقبل", "القادم")):
        return "future"
    if f.startswith(("الماضي", "المنصرم", "الفائت", "السابق")):
        return "past"
    return "this"


_PAIR_SEPARATOR = regex.compile(r"\s*[/(\\]\s*")


def _month_of(name: str, keys: dict[str, int]) -> int | None:
    """The month of a (possibly paired: ``آب/أغسطس``) month name; the first name wins."""
    first = _PAIR_SEPARATOR.split(name, maxsplit=1)[0]
    return keys.get(fold_loose(first))


def _day_value(d: date | None) -> tuple[str | None, str]:
    return (d.isoformat() if d else None), "day"


# ------------------------------------------------------------------------------------------ resolvers
_Result = tuple[str | None, str] | None


def _resolve_num(m: regex.Match[str]) -> _Result:
    if m.group("n_y1"):
        y, mo, d = _int(m.group("n_y1")), _int(m.group("n_m1")), _int(m.group("n_d1"))
    else:
        y, mo, d = _int(m.group("n_y2")), _int(m.group("n_m2")), _int(m.group("n_d2"))
    if mo > 12 >= d:
        mo, d = d, mo
    if m.group("n_h") or 1300 <= y <= 1500:
        return _day_value(_hijri_to_greg(y, mo, d))
    if not 1800 <= y <= 2200:
        return None
    g = _safe_date(y, mo, d)
    return _day_value(g) if g else None


def _resolve_hday(m: regex.Match[str], pub: date | None) -> _Result:
    mo = _month_of(m.group("h_m"), _HIJRI_KEY)
    d = _int(m.group("h_d")) if m.group("h_d") else _ORDINAL_KEY.get(fold_loose(m.group("h_o")))
    if mo is None or d is None:
        return None
    if m.group("h_y"):
        return _day_value(_hijri_to_greg(_int(m.group("h_y")), mo, d))
    if pub is None:
        return None, "day"
    hy = _greg_to_hijri_year(pub)
    if hy is None:
        return None, "day"
    return _day_value(_closest_year(pub, lambda k: _hijri_to_greg(hy + k, mo, d), "near"))


def _resolve_gday(m: regex.Match[str], pub: date | None) -> _Result:
    mo = _month_of(m.group("g_m"), _GREG_KEY)
    d = _int(m.group("g_d")) if m.group("g_d") else _ORDINAL_KEY.get(fold_loose(m.group("g_o") or ""))
    if mo is None or d is None or not 1 <= d <= 31:
        return None
    if m.group("g_y"):
        g = _safe_date(_int(m.group("g_y")), mo, d)
        return _day_value(g) if g else None
    if pub is None:
        return None, "day"
    mode = _mode(m.group("g_mod"))
    return _day_value(
        _closest_year(pub, lambda k: _safe_date(pub.year + k, mo, d), "near" if mode == "this" else mode)
    )


def _resolve_month(mo: int, mod: str | None, pub: date | None) -> _Result:
    if pub is None:
        return None, "month"
    mode = _mode(mod)
    cands = [(pub.year + k, mo) for k in (-1, 0, 1)]
    here = (pub.year, pub.month)
    if mode == "past":
        ok = [c for c in cands if c < here] or [c for c in cands if c <= here]
        best = max(ok)
    elif mode == "future":
        best = min(c for c in cands if c > here)
    elif mode == "this":
        best = (pub.year, mo)
    else:
        best = min(cands, key=lambda c: (abs((c[0] - here[0]) * 12 + c[1] - here[1]), c > here))
    return f"{best[0]:04d}-{best[1]:02d}", "month"


def _resolve_rel(m: regex.Match[str], pub: date | None) -> _Result:
    unit = fold_loose(m.group("r_u"))
    mod = m.group("r_m")
    if "اسبوع" in unit:
        gran = "week"
    elif "شهر" in unit:
        gran = "month"
    else:
        gran = "year"
    if m.group("r_y"):
        if gran != "year":
            return None
        return str(_int(m.group("r_y"))), "year"
    if not unit.startswith("هذ"):
        if mod is None:
            return None  # a bare الأسبوع / الشهر / العام is not a date
        s = m.start("rel")
        if gran == "year" and _GENERAL_BEFORE.search(m.string, max(0, s - 24), s):
            return None  # الأمين العام السابق: "general", not "year"
    if pub is None:
        return None, gran
    k = 0 if mod is None else {"past": -1, "future": 1, "this": 0}[_mode(mod)]
    if mod is not None and mod.startswith("قبل"):
        k = -2
    if gran == "week":
        return _iso_week(pub + timedelta(weeks=k)), gran
    if gran == "month":
        y, mo = _add_months(pub.year, pub.month, k)
        return f"{y:04d}-{mo:02d}", gran
    return str(pub.year + k), gran


_COUNT_KEY = {"ثلاث": 3, "اربع": 4, "خمس": 5, "ست": 6, "سبع": 7, "ثماني": 8, "تسع": 9, "عشر": 10}


def _resolve_dur(m: regex.Match[str], pub: date | None) -> _Result:
    unit = next(g for g in ("du_d", "du_w", "du_m", "du_y") if m.group(g))
    word = fold_loose(m.group(unit))
    raw_n = m.group("du_n")
    if raw_n:
        f = fold_loose(raw_n)
        n = _int(f) if f[0].isdigit() else _COUNT_KEY.get(f.rstrip("ه"), 0)
        if n == 0:
            return None
    elif (word.endswith(("ين", "ان", "تين")) and not word.startswith("سن")) or word == "سنتين":
        n = 2
    elif word in ("ايام", "اسابيع", "اشهر", "شهور", "اعوام", "سنوات", "سنين"):
        return None  # "منذ أيام": no count
    else:
        n = 1
    sign = 1 if m.group("du_dir") == "بعد" else -1
    gran = {"du_d": "day", "du_w": "week", "du_m": "month", "du_y": "year"}[unit]
    if pub is None:
        return None, gran
    if gran == "day":
        return (pub + timedelta(days=sign * n)).isoformat(), gran
    if gran == "week":
        return _iso_week(pub + timedelta(weeks=sign * n)), gran
    if gran == "month":
        y, mo = _add_months(pub.year, pub.month, sign * n)
        return f"{y:04d}-{mo:02d}", gran
    return str(pub.year + sign * n), gran


def _resolve_day(m: regex.Match[str], pub: date | None) -> _Result:
    text = m.string
    if m.group("d_today"):
        s, e = m.span("d_today")
        if _TODAY_BEFORE.search(text, max(0, s - 20), s) or _TODAY_AFTER.match(text[e : e + 20]):
            return None
        if _QUOTED.search(text, max(0, s - 2), s) and text[e : e + 1] in '»"”':
            return None  # «اليوم»: the newspaper
        k = 0
    elif m.group("d_yest"):
        k = -1
    elif m.group("d_before"):
        k = -2
    elif m.group("d_after"):
        k = 2
    else:
        k = 1
    if pub is None:
        return None, "day"
    return (pub + timedelta(days=k)).isoformat(), "day"


def _resolve_wd(m: regex.Match[str], pub: date | None) -> _Result:
    text = m.string
    name = fold_loose(m.group("w_n"))
    wd = _WEEKDAYS.get(name if name != "الثلاثا" else "الثلاثاء")
    if wd is None:
        return None
    s, e = m.span("w_n")
    after = text[e : e + 16]
    if wd == 6 and (_AHAD_BEFORE.search(text, max(0, s - 12), s) or _NUM_AFTER.match(after)):
        return None
    if wd == 0 and (_ITHNAYN_BEFORE.search(text, max(0, s - 8), s) or _ITHNAYN_AFTER.match(after)):
        return None
    if pub is None:
        return None, "day"
    mode = _mode(m.group("w_m"))
    if mode == "near":
        mode = "future" if _future_context(text, m.start("wd")) else "past"
        back, fwd = (pub.weekday() - wd) % 7, (wd - pub.weekday()) % 7
    else:
        back, fwd = (pub.weekday() - wd) % 7 or 7, (wd - pub.weekday()) % 7 or 7
    d = pub - timedelta(days=back) if mode == "past" else pub + timedelta(days=fwd)
    return d.isoformat(), "day"


def _resolve_bmon(m: regex.Match[str], pub: date | None) -> _Result:
    name = m.group("b_m") or m.group("b_m2")
    mod = m.group("b_mod") or m.group("b_mod2")
    first = _PAIR_SEPARATOR.split(name, maxsplit=1)[0]
    if fold_loose(first) in _AMBIGUOUS_MONTHS and name == first and not (m.group("b_s") or mod):
        return None
    mo = _month_of(name, _GREG_KEY)
    if mo is None:
        return None
    return _resolve_month(mo, mod, pub)


_ENDS_WITH_HMARK = regex.compile(rf"{_HMARK}$")


def _resolve(m: regex.Match[str], pub: date | None, kind: str) -> _Result:
    if kind == "num":
        return _resolve_num(m)
    if kind == "hday":
        if (
            m.group("h_y") is None
            and fold_loose(m.group("h_m")) in ("صفر", "رجب")
            and not _ENDS_WITH_HMARK.search(m.group("hday"))
        ):
            return None  # "3 صفر" is a score, "رجب" a name
        return _resolve_hday(m, pub)
    if kind == "gday":
        return _resolve_gday(m, pub)
    if kind == "gmon":
        mo = _month_of(m.group("gm_m"), _GREG_KEY)
        if mo is None:
            return None
        return f"{_int(m.group('gm_y')):04d}-{mo:02d}", "month"
    if kind == "hmon":
        mo = _month_of(m.group("hm_m"), _HIJRI_KEY)
        if mo is None:
            return None
        g = _hijri_to_greg(_int(m.group("hm_y")), mo, 15)
        return (g.strftime("%Y-%m") if g else None), "month"
    if kind == "year":
        y = _int(m.group("y_y"))
        if m.group("y_h"):
            g = _hijri_to_greg(y, 7, 1)
            return (str(g.year) if g else None), "year"
        if m.group("all").startswith(
            ("عام", "العام", "سنة", "السنة", "لعام", "بعام", "لسنة", "للعام", "بالعام")
        ):
            return (str(y) if 1000 <= y <= 2200 else None), "year"
        return (str(y), "year") if 1900 <= y <= 2100 else None
    if kind == "rel":
        return _resolve_rel(m, pub)
    if kind == "dur":
        return _resolve_dur(m, pub)
    if kind == "day":
        return _resolve_day(m, pub)
    if kind == "wd":
        return _resolve_wd(m, pub)
    if kind == "bmon":
        return _resolve_bmon(m, pub)
    return None


# ------------------------------------------------------------------------------------------- merging
_EXPLICIT = frozenset({"num", "gday", "hday"})
_GAP_TO_EXPLICIT = regex.compile(r"\s*[،,(\-–]?\s*(?:(?:ال)?موافق(?:[ةه])?\s*(?:ل\s*)?)?[(]?\s*")
_GAP_DAY_WEEKDAY = regex.compile(r"\s*[،,(\-–]?\s*")


@dataclass(slots=True)
class _M:
    start: int
    end: int
    kind: str
    value: str | None
    gran: str


def _closing(text: str, gap: str, end: int) -> int:
    """Swallow the ``)`` that closes a ``(`` opened in the gap of a merged pair."""
    if "(" in gap and text[end : end + 1] == ")":
        return end + 1
    return end


def _merge(text: str, found: list[_M]) -> list[_M]:
    out: list[_M] = []
    for cur in found:
        if out:
            prev = out[-1]
            gap = text[prev.end : cur.start]
            merged: _M | None = None
            if prev.kind in ("wd", "day") and cur.kind in _EXPLICIT and _GAP_TO_EXPLICIT.fullmatch(gap):
                merged = _M(prev.start, _closing(text, gap, cur.end), cur.kind, cur.value, cur.gran)
            elif prev.kind == "day" and cur.kind == "wd" and _GAP_DAY_WEEKDAY.fullmatch(gap):
                merged = _M(prev.start, _closing(text, gap, cur.end), "day", prev.value, prev.gran)
            elif (
                {prev.kind, cur.kind} <= _EXPLICIT
                and prev.kind != cur.kind
                and "موافق" in gap
                and _GAP_TO_EXPLICIT.fullmatch(gap)
            ):
                greg = cur if cur.kind != "hday" else prev
                if prev.kind == "num" and cur.kind == "num":
                    greg = cur
                merged = _M(prev.start, _closing(text, gap, cur.end), "pair", greg.value or prev.value, "day")
            elif (
                prev.kind == "num"
                and cur.kind == "num"
                and "موافق" in gap
                and _GAP_TO_EXPLICIT.fullmatch(gap)
            ):
                merged = _M(prev.start, _closing(text, gap, cur.end), "pair", cur.value or prev.value, "day")
            if merged is not None:
                out[-1] = merged
                continue
        out.append(cur)
    return out


def _as_date(published: date | datetime | None) -> date | None:
    if published is None:
        return None
    if isinstance(published, datetime):
        return published.date()
    return published


_MONTH_WORDS = {n.split()[0] for names in (*_GREG_NAMES.values(), *_HIJRI_NAMES.values()) for n in names}
_ORD_WORDS = {k.split()[0] for k in _ORDINALS} | {"الـ"}
_DAY_WORDS = {"اليوم", "أمس", "امس", "بالأمس", "بالامس", "غد", "غدا", "غداً", "غدًا", "الغد", "أول", "اول"}
_WD_WORDS = set(_WEEKDAYS) | {"الإثنين", "الأربعاء", "الأحد", "الجمعة", "الثلاثا", "يوم"}
_UNIT_WORDS = {
    p + u for u in ("عام", "سنة", "سنه", "أسبوع", "اسبوع", "شهر") for p in ("", "ال", "لل", "بال", "ل", "ب")
} | {"هذا", "هذه"}
_DUR_WORDS = {"قبل", "منذ", "بعد"}
# Candidate starts: a digit or a trigger word at a word start, found with stdlib ``re`` over tries
# (~0.05 ms per 1.2 KB); only the patterns for that kind of start are then tried there. The kind is the
# first group, in this order, with a word the text starts with.
_TRIGGER_WORDS: dict[str, set[str]] = {
    "ord": _ORD_WORDS,
    "month": _MONTH_WORDS | {"شهر"},
    "unit": _UNIT_WORDS,
    "dur": _DUR_WORDS,
    "day": _DAY_WORDS,
    "wd": _WD_WORDS,
}
_TRIGGER = re.compile(
    rf"(?<![^\W_])[وف]?(?:(?P<digit>{_D})"
    + "".join(f"|(?P<{group}>{trie_pattern(words)})" for group, words in _TRIGGER_WORDS.items())
    + ")"
)
_TRY: dict[str, tuple[str, ...]] = {
    "digit": ("num", "hday", "gday", "year"),
    "ord": ("hday", "gday"),
    "month": ("gmon", "hmon", "bmon"),
    "unit": ("year", "rel", "gmon", "hmon", "bmon"),
    "dur": ("dur", "day"),
    "day": ("day",),
    "wd": ("day", "wd"),
}
# _TRIGGER's matches found faster (_triggers): all words in one trie, so one descent per word start
# instead of one per group, and word starts found after a non-word character (a character class
# leading the pattern lets ``re`` skip to those at C speed instead of trying a lookbehind at every
# position). _TRIGGER is then asked for the group at the few places found. (No groups here: inside
# the lookahead they would cost more than the second match.)
_START = rf"[وف]?(?:{_D}|{trie_pattern(set().union(*_TRIGGER_WORDS.values()))})"
_START_RE = re.compile(_START)
_AFTER_NON_WORD = re.compile(rf"[\W_](?={_START})")


def _triggers(text: str) -> list[tuple[int, str]]:
    """Where _TRIGGER matches, and its group, as ``_TRIGGER.finditer`` finds them."""
    starts = [0] if _START_RE.match(text) else []
    starts += [m.end() for m in _AFTER_NON_WORD.finditer(text)]
    found = []
    end = 0
    for start in starts:
        if start < end:  # inside the previous match: finditer resumes after it
            continue
        t = _TRIGGER.match(text, start)
        assert t is not None  # a _START at a word start is a _TRIGGER
        found.append((start, t.lastgroup or "digit"))
        end = t.end()
    return found


# Cheap stdlib tests of what a kind's body needs at its start (see _BODIES), so that a body that cannot
# match at a trigger is not tried there: it would fail, so no result changes. Most triggers are no date
# (counts and amounts, «العام» as "general", «بعد أن»), and these spare them most of the slow patterns.
#
# The first word of every month name in every spelling: a month name can only start with one (where
# _alternation lets the space after it vanish, «ذوالقعدة», the first word still leads).
_MONTH_START = trie_pattern(
    {
        s
        for names in (*_GREG_NAMES.values(), *_HIJRI_NAMES.values())
        for n in names
        for s in spellings(n.split()[0], SPELLING_VARIANTS)
    }
)
# After a digit: the digits, then after spaces a separator (num), or a month name, maybe after «من» and
# «شهر», which hday and gday need after one or two digits; year needs four digits.
_DIGITS_AHEAD = re.compile(
    rf"[وف]?(?P<digits>{_D}+)\s*(?:(?P<sep>[/\-.])|(?:من\s+)?(?:شهر\s+)?(?P<month>{_MONTH_START}))?"
)
# gmon, hmon, bmon: «شهر» or a month name.
_MONTH_AHEAD = re.compile(rf"[وف]?(?:شهر|{_MONTH_START})")
# year after a word: the year word and four digits.
_YEAR_AHEAD = re.compile(rf"[وف]?(?:{_YEAR_WORD}\s*)?{_D}{{4}}")
# rel: «العام», «للأسبوع», «هذا العام» … as a whole word (what follows it, a modifier or a year, comes
# after a space).
_REL_AHEAD = re.compile(
    r"[وف]?(?:(?:[لب]?ال|لل)(?:[أا]سبوع|شهر|عام|سن[ةه])|هذ[اه]\s+(?:ال[أا]سبوع|الشهر|العام|السن[ةه]))(?![^\W_])"
)
# dur: «قبل/منذ/بعد», maybe «نحو» and a count, then a unit of time.
_DUR_AHEAD = re.compile(
    rf"[وف]?(?:قبل|منذ|بعد)\s+(?:(?:نحو|حوالي|حوالى|قرابة|زهاء)\s+)?(?:(?:{_D}{{1,3}}|{_COUNT})\s+)?"
    r"(?:يوم|[أا]يام|[أا]سبوع|[أا]سابيع|شهر|[أا]شهر|شهور|عام|[أا]عوام|سن)"
)
# day after «بعد»: «بعد غد».
_AFTER_TOMORROW = re.compile(r"[وف]?بعد\s+غد")
# hday, gday after an ordinal: the ordinal (or «الـ» and a number), «من», then a month name.
_ORDINAL_DAY_AHEAD = re.compile(
    rf"[وف]?(?:الـ?\s*{_D}{{1,2}}|{_ORDINAL})(?:\s+من)?\s*(?:من\s+)?(?:شهر\s+)?(?:{_MONTH_START})"
)
# By trigger group, then kind (digit triggers: _DIGIT_KINDS).
_NO_NEEDS: dict[str, re.Pattern[str]] = {}
_AHEAD: dict[str, dict[str, re.Pattern[str]]] = {
    "unit": {
        "year": _YEAR_AHEAD,
        "rel": _REL_AHEAD,
        "gmon": _MONTH_AHEAD,
        "hmon": _MONTH_AHEAD,
        "bmon": _MONTH_AHEAD,
    },
    "dur": {"dur": _DUR_AHEAD, "day": _AFTER_TOMORROW},
    "ord": {"hday": _ORDINAL_DAY_AHEAD, "gday": _ORDINAL_DAY_AHEAD},
}
# The kinds of a digit trigger worth trying, by (separator, month after one or two digits, four digits).
_DIGIT_KINDS = {
    (sep, day, year): tuple(
        k for k in _TRY["digit"] if {"num": sep, "hday": day, "gday": day, "year": year}[k]
    )
    for sep in (False, True)
    for day in (False, True)
    for year in (False, True)
}


def _digit_kinds(text: str, start: int) -> tuple[str, ...]:
    """The kinds of date worth trying at a digit trigger (see _DIGITS_AHEAD), in _TRY's order."""
    ahead = _DIGITS_AHEAD.match(text, start)
    assert ahead is not None  # a digit trigger starts with digits
    digits, sep, month = ahead.group("digits", "sep", "month")
    return _DIGIT_KINDS[sep is not None, month is not None and len(digits) <= 2, len(digits) == 4]


def find_dates(text: str, published: date | datetime | None = None) -> list[DateMatch]:
    """Date expressions in one paragraph, left to right, resolved against ``published``."""
    pub = _as_date(published)
    found: list[_M] = []
    last = 0
    for start, group in _triggers(text):
        if start < last:
            continue
        needs = _AHEAD.get(group, _NO_NEEDS)
        for kind in _digit_kinds(text, start) if group == "digit" else _TRY[group]:
            need = needs.get(kind)
            if need is not None and need.match(text, start) is None:
                continue  # the body cannot match here either
            m = _KIND_PATTERNS[kind].match(text, start)
            if m is not None:
                break
        else:
            continue
        last = m.end()
        res = _resolve(m, pub, kind)
        if res is None:
            continue
        s, e = m.span("all")
        found.append(_M(s, e, kind, res[0], res[1]))
    found = _merge(text, found)
    return [DateMatch(f.start, f.end, text[f.start : f.end], f.value, f.gran) for f in found]
