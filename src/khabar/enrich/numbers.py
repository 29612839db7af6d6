"""Quantities in Arabic news text: digits, number words, scales, percentages and money.

``find_numbers(paragraph)`` returns :class:`NumberMatch` spans (``paragraph[start:end] == text``):

* digits in ASCII or Arabic-Indic script with ``,``/``٬`` thousands and ``.``/``٫`` decimals
  (``1,500`` → 1500, ``٣٫٥`` → 3.5);
* cardinal number words (واحد … عشرة، أحد عشر … تسعة عشر، عشرون … تسعون، مئة/مائة، مئتان، ثلاثمائة …،
  ألف، ألفان/ألفين، مليون، مليونان/مليوني، مليار، تريليون), joined by ``و`` (``خمسة وعشرون`` → 25);
* scales after digits and words (``80 مليون`` → 8e7, ``1.5 مليار`` → 1.5e9, ``3 آلاف`` → 3000,
  ``488 مليونا و355 ألف`` → 488355000). A plural scale with no count (``آلاف الأشخاص``, ``ملايين``) is
  vague and not reported;
* percentages (``21%``, ``%21``, ``21 في المئة/في المائة/بالمئة/بالمائة``) → ``unit="%"``;
* money when the currency is written: ``ريال`` (SAR unless qualified: قطري QAR, عماني OMR, يمني YER,
  إيراني IRR), ``دولار`` (USD; كندي CAD, أسترالي AUD …), ``يورو`` EUR, ``جنيه`` (EGP; إسترليني GBP, سوداني
  SDG), ``درهم`` (AED; مغربي MAD), ``دينار``/``ليرة`` only with a country adjective (كويتي KWD, أردني JOD,
  تركية TRY, لبنانية LBP …; a bare ``دينار``/``ليرة`` gets ``unit=None``), ``يوان`` CNY, ``روبل`` RUB,
  ``ين`` JPY, and the symbols ``$`` ``€`` ``£`` before or after the digits; ``unit`` is the ISO 4217 code.
  Other counted nouns (نسمة، طن، شخص) are not units: ``unit=None``.

Numbers and dates are separate layers, except that digits which only spell part of a date are not
quantities and are skipped: numeric dates (``11/8/2015``, ``2015-08-11``), clock times (``10:30``),
a year or day next to a month name (``فبراير 2022``, ``11 أغسطس``, ``26 شوال``), a year after
``عام``/``العام``/``سنة`` and a year marked ``م``/``هـ`` (``2014م``, ``1436هـ``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import regex

from khabar.text.patterns import DIGIT_VALUES, FOLDED_VARIANTS, fold_loose, spellings, trie_pattern

__all__ = ["NumberMatch", "find_numbers"]


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """A quantity: ``paragraph[start:end] == text``; ``unit`` is ``"%"``, an ISO 4217 code or ``None``."""

    start: int
    end: int
    text: str
    value: float
    unit: str | None


_DIGITS = str.maketrans({**DIGIT_VALUES, "٬": "", ",": "", "٫": "."})


def _loose(words: Iterable[str]) -> str:
    """A regex for folded words (``fold_loose``): alef/hamza, ta marbuta, ya/alef maqsura and spaces
    loosened, as a trie (folded words differ in letters the loosening keeps apart, so branches stay
    exclusive)."""
    return trie_pattern(words, variants=FOLDED_VARIANTS, space=r"\s+")


# Cardinal words (folded) → value. Compound teens and hundreds are single entries.
_UNITS = {
    "واحد": 1, "واحده": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "ثلاثه": 3, "ثلاث": 3,
    "اربعه": 4, "اربع": 4, "خمسه": 5, "خمس": 5, "سته": 6, "سبعه": 7, "سبع": 7, "ثمانيه": 8, "ثماني": 8,
    "ثمان": 8, "تسعه": 9, "تسع": 9, "عشره": 10, "عشر": 10,
}  # fmt: skip
_WORDS: dict[str, float] = dict(_UNITS)
_TEEN_UNITS = {
    "احد": 1, "احدي": 1, "اثنا": 2, "اثني": 2, "اثنتا": 2, "اثنتي": 2, "ثلاثه": 3, "ثلاث": 3, "اربعه": 4,
    "اربع": 4, "خمسه": 5, "خمس": 5, "سته": 6, "ست": 6, "سبعه": 7, "سبع": 7, "ثمانيه": 8, "ثماني": 8,
    "تسعه": 9, "تسع": 9,
}  # fmt: skip
for _w, _v in _TEEN_UNITS.items():
    _WORDS[f"{_w} عشر"] = 10 + _v
    _WORDS[f"{_w} عشره"] = 10 + _v
_TENS = {"عشر": 20, "ثلاث": 30, "اربع": 40, "خمس": 50, "ست": 60, "سبع": 70, "ثمان": 80, "تسع": 90}
for _w, _v in _TENS.items():
    _WORDS[f"{_w}ون"] = _v
    _WORDS[f"{_w}ين"] = _v
for _h in ("مئه", "مائه"):
    _WORDS[_h] = 100
    for _w, _v in {
        "ثلاث": 3,
        "اربع": 4,
        "خمس": 5,
        "ست": 6,
        "سبع": 7,
        "ثمان": 8,
        "ثماني": 8,
        "تسع": 9,
    }.items():
        _WORDS[f"{_w}{_h}"] = 100 * _v
        _WORDS[f"{_w} {_h}"] = 100 * _v
for _w in ("مئتان", "مئتين", "مائتان", "مائتين", "مئتا", "مائتا", "مئتي", "مائتي"):
    _WORDS[_w] = 200

# Scales (folded) → (value, whether the form counts itself: dual "ألفين" = 2000, plural "آلاف" = ×1000).
_SCALES: dict[str, tuple[float, str]] = {}
for _stem, _val in (("الف", 1e3), ("مليون", 1e6), ("مليار", 1e9), ("بليون", 1e9), ("تريليون", 1e12),
                    ("ترليون", 1e12)):  # fmt: skip
    _SCALES[_stem] = (_val, "one")
    _SCALES[_stem + "ا"] = (_val, "one")
    for _d in ("ان", "ين", "ي", "ا "):
        _SCALES[(_stem + _d).strip()] = (_val, "dual") if _d != "ا " else (_val, "one")
for _pl, _val in (("الاف", 1e3), ("مليارات", 1e9), ("ملايين", 1e6), ("تريليونات", 1e12), ("بلايين", 1e9)):
    _SCALES[_pl] = (_val, "plural")
_SCALES["الفا"] = (1e3, "one")
_SCALES["الفي"] = (1e3, "dual")
_SCALES["الفين"] = (1e3, "dual")
_SCALES["الفان"] = (1e3, "dual")

_TANWEEN = r"[\u064B-\u0652]*"
_WORD_RE = _loose(_WORDS)
_SCALE_RE = _loose(_SCALES)
_D = r"[0-9\u0660-\u0669\u06F0-\u06F9]"
_DIGIT_RE = rf"{_D}{{1,3}}(?:[,٬]{_D}{{3}})+(?:[.٫]{_D}+)?|{_D}+(?:[.٫]{_D}+)?"
_NB = r"(?![\p{L}\p{M}\p{N}])"

_MONTHS = (
    r"يناير|فبراير|مارس|[أاإ]بريل|مايو|ماي|يونيو|يونيه|يوليو|يوليه|يوليوز|[أا]غسطس|[أا]غسطوس|سبتمبر|[أا]كتوبر|"
    r"نوفمبر|ديسمبر|كانون\s+الثاني|كانون\s+[أا]ل[أا]ول|شباط|[آا]ذار|نيسان|[أا]يار|حزيران|تموز|[آا]ب|[أا]يلول|"
    r"تشرين\s+[أا]ل[أا]ول|تشرين\s+الثاني|غشت|شتنبر|نونبر|دجنبر|جانفي|فيفري|[أا]فريل|جوان|جويلية|[أا]وت|"
    r"محرم|صفر|ربيع\s+\p{L}+|جماد[ىي]\s+\p{L}+|رجب|شعبان|رمضان|شوال|ذ[وي]\s+القعد[ةه]|ذ[وي]\s+الحج[ةه]"
)
_PART = rf"(?:(?:{_DIGIT_RE})|(?:{_WORD_RE}){_TANWEEN})(?:\s*(?:{_SCALE_RE}){_TANWEEN})?|(?:{_SCALE_RE}){_TANWEEN}"

_CURRENCY = (
    r"(?P<cur>ريال(?:ات|اً|ًا|ا)?|دولار(?:ات|اً|ًا|ا)?|يورو|جنيه(?:ات|اً|ًا|ا)?|دره?م(?:اً|ًا|ا)?|دراهم|"
    r"دينار(?:اً|ًا|ا)?|دنانير|ليرة|ليرات|يوان|روبل(?:ات)?|ين|روبية|فرنك(?:ات)?|ر\.س|\$|€|£)"
    r"(?:\s+(?P<adj>\p{L}+))?"
)
_PERCENT = r"(?P<pct>%|٪|(?:في\s*|بـ?\s*|ب)ال?م[ئا]ئ?[ةه])"

# Digits that only spell part of a date or a clock time (see the module docstring). (Where a slow
# lookbehind guards four digits, a lookahead for the digits comes first: it fails far faster.)
_SKIP = rf"""
       (?<![\p{{N}}])(?:{_D}{{1,4}}\s?[/\-.]\s?{_D}{{1,2}}\s?[/\-.]\s?{_D}{{1,4}}|{_D}{{1,2}}:{_D}{{2}}(?::{_D}{{2}})?)(?!\p{{N}})
     | (?={_D}{{4}}(?!\p{{N}}))(?<=(?:{_MONTHS})\s*[)]?\s*(?:من\s+)?(?:(?:[لب]?ال|[لب])?(?:عام|سن[ةه])\s*)?){_D}{{4}}(?!\p{{N}})
     | (?={_D}{{4}}(?!\p{{N}}))(?<=(?:[لب]?(?:ال)?(?:عام|سن[ةه]))\s*){_D}{{4}}(?!\p{{N}})
     | (?<![\p{{L}}\p{{N}}]){_D}{{4}}\s*(?:هـ|ه|م){_NB}
     | (?<![\p{{L}}\p{{N}}])(?:الـ?\s*)?{_D}{{1,2}}\s*(?:من\s+)?(?:شهر\s+)?(?:{_MONTHS}){_NB}
"""
_NUMBER = rf"""
    (?<![\p{{L}}\p{{M}}\p{{N}}.,٫٬])(?:[وبلف]ـ?\s?(?=\p{{N}})|[وبلف](?=\p{{L}}))?
    (?P<num>
      (?:(?P<pre>[$€£]|US\$)\s?|(?P<prepct>[%٪])\s?(?=\p{{N}}))?
      (?P<phrase>(?:{_PART})(?:\s*و\s*(?:{_PART}))*)
      (?![\p{{L}}\p{{M}}\p{{N}}]|[.,٫٬]\p{{N}})
      (?:\s*{_PERCENT}|\s*{_CURRENCY})?
    )
    (?![\p{{L}}\p{{M}}\p{{N}}])
"""
_PATTERN = regex.compile(rf"(?P<skip>{_SKIP})|{_NUMBER}", regex.VERBOSE)
# Where no _SKIP can match, _PATTERN is _NUMBER alone, and that alone is faster to run.
_NUMBER_ONLY = regex.compile(_NUMBER, regex.VERBOSE)


def _month_two_letters() -> set[str]:
    """The first two letters of every _MONTHS alternative (each a letter or a class of letters)."""
    out = set()
    for alternative in _MONTHS.split("|"):
        first, second = re.findall(r"\[[^\]]+\]|.", alternative)[:2]
        assert not {first[0], second[0]} & set("\\()?*+"), alternative
        out |= {a + b for a in first.strip("[]") for b in second.strip("[]")}
    return out


# What a _SKIP alternative needs where it starts (stdlib ``re``, cheap): digits and a separator (a
# date or a time), four digits (a year), or one or two digits, maybe after «الـ», then «من», «شهر» or
# the first two letters of a month. Most numbers («15 شخصا») have none of these.
_MAY_SKIP = re.compile(
    rf"{_D}{{1,4}}\s?[/\-.:]|{_D}{{4}}(?!{_D})|(?:الـ?\s*)?{_D}{{1,2}}\s*(?:من\s|شهر\s|{trie_pattern(_month_two_letters())})"
)
_PART_RE = regex.compile(rf"(?P<d>{_DIGIT_RE})|(?P<w>(?:{_WORD_RE})){_TANWEEN}|(?P<s>{_SCALE_RE}){_TANWEEN}")
_WORD_KEY = {fold_loose(k): v for k, v in _WORDS.items()}
_SCALE_KEY = {fold_loose(k): v for k, v in _SCALES.items()}

_CURRENCY_CODES: dict[str, tuple[str | None, dict[str, str]]] = {
    "ريال": ("SAR", {"سعودي": "SAR", "قطري": "QAR", "عماني": "OMR", "يمني": "YER", "ايراني": "IRR", "برازيلي": "BRL"}),
    "دولار": ("USD", {"امريكي": "USD", "كندي": "CAD", "استرالي": "AUD", "سنغافوري": "SGD", "هونغ": "HKD",
                      "نيوزيلندي": "NZD"}),
    "يورو": ("EUR", {}),
    "جنيه": ("EGP", {"مصري": "EGP", "استرليني": "GBP", "سوداني": "SDG"}),
    "درهم": ("AED", {"اماراتي": "AED", "مغربي": "MAD"}),
    "دينار": (None, {"كويتي": "KWD", "بحريني": "BHD", "اردني": "JOD", "عراقي": "IQD", "ليبي": "LYD",
                     "تونسي": "TND", "جزائري": "DZD"}),
    "ليره": (None, {"تركيه": "TRY", "لبنانيه": "LBP", "سوريه": "SYP"}),
    "يوان": ("CNY", {}),
    "روبل": ("RUB", {}),
    "ين": ("JPY", {}),
    "روبيه": ("INR", {"هنديه": "INR", "باكستانيه": "PKR"}),
    "فرنك": ("CHF", {"سويسري": "CHF"}),
}  # fmt: skip
_CURRENCY_STEMS = (
    ("ريال", "ريال"), ("دولار", "دولار"), ("يورو", "يورو"), ("جنيه", "جنيه"), ("دراهم", "درهم"), ("درهم", "درهم"),
    ("درم", "درهم"), ("دنانير", "دينار"), ("دينار", "دينار"), ("ليره", "ليره"), ("ليرات", "ليره"), ("يوان", "يوان"),
    ("روبل", "روبل"), ("روبيه", "روبيه"), ("فرنك", "فرنك"),
)  # fmt: skip
_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "ر.س": "SAR"}


def _currency(cur: str, adj: str | None) -> tuple[str | None, bool]:
    """The ISO code for a currency word (and its adjective), and whether the adjective belongs to it."""
    if cur in _SYMBOLS:
        return _SYMBOLS[cur], False
    f = fold_loose(cur)
    stem = "ين" if f == "ين" else next((s for p, s in _CURRENCY_STEMS if f.startswith(p)), None)
    if stem is None:
        return None, False
    default, by_adj = _CURRENCY_CODES[stem]
    if adj:
        a = fold_loose(adj)
        for k, code in by_adj.items():
            if a == k or a.rstrip("ه") == k.rstrip("ه") or a == k + "ه" or a == k + "ا" or a == k + "ين":
                return code, True
    return default, False


def _phrase_value(phrase: str) -> float | None:
    if phrase.isascii() and phrase.isdigit():  # plain digits, most numbers: the loop below gives float()
        return float(phrase)
    total = 0.0
    cur: float | None = None
    seen = False
    for p in _PART_RE.finditer(phrase):
        if p.group("d"):
            cur = (cur or 0.0) + float(p.group("d").translate(_DIGITS))
            seen = True
        elif p.group("w"):
            v = _WORD_KEY.get(fold_loose(p.group("w")))
            if v is None:
                return None
            cur = (cur or 0.0) + v
            seen = True
        else:
            scale = _SCALE_KEY.get(fold_loose(p.group("s")))
            if scale is None:
                return None
            val, kind = scale
            if cur is None:
                if kind == "plural":
                    return None  # "آلاف": no count
                cur = 2.0 if kind == "dual" else 1.0
            total += cur * val
            cur = None
            seen = True
    if not seen:
        return None
    return total + (cur or 0.0)


def _opening_words() -> tuple[set[str], set[str]]:
    """How a number word can open: the whole first word of each number word and scale, and, where
    that word is shorter than three letters, the entry's first three letters with the space removed
    («ست مئة» → «ستم»), as the trigger has always had it: no start is tried that was not before."""
    words: set[str] = set()
    heads: set[str] = set()
    for w in (*_WORDS, *_SCALES):
        first = w.split(" ")[0]
        if len(first) >= 3:
            words |= spellings(first, FOLDED_VARIANTS)
        else:
            heads |= spellings(w.replace(" ", "")[:3], FOLDED_VARIANTS)
    return words, heads


_OPENING_WORDS, _OPENING_HEADS = _opening_words()
# What can open a number (stdlib ``re`` over tries, cheap): a digit, a currency or percent sign, or the
# first word of a number word, whole (not just its first letters: «الأ» opens a great many words) and
# ended as a number phrase lets a word end: by tanween and then a non-letter, or by the first letter of
# a scale or of «و» run into it (``_PART``, ``\s*و``); all maybe after «و/ب/ل/ف». The full pattern is
# only tried where one opens a word.
_OPENING = (
    r"(?:[0-9\u0660-\u0669\u06F0-\u06F9$€£%٪]|US\$"
    rf"|{trie_pattern(_OPENING_WORDS)}[\u064B-\u0652]*(?=[\W_]|[اأإآمبتو]|\Z)|{trie_pattern(_OPENING_HEADS)})"
)
# An optional prefix written as two branches, which ``re`` runs faster than an optional group.
_START = rf"(?:[وبلف]ـ?\s?{_OPENING}|{_OPENING})"
_START_RE = re.compile(_START)
# A _START at a word start is found after a non-word character: a character class leading the
# pattern lets ``re`` skip to those at C speed instead of trying a lookbehind at every position.
_AFTER_NON_WORD = re.compile(rf"[\W_](?=({_START}))")


def _starts_of_words(text: str) -> list[int]:
    """Where _START matches at a word start (not after a letter or digit), as ``finditer`` would
    find them: each search resumes where the previous match ended."""
    starts = []
    end = 0
    first = _START_RE.match(text)
    if first is not None:
        starts.append(0)
        end = first.end()
    for m in _AFTER_NON_WORD.finditer(text):
        if m.start(1) >= end:
            starts.append(m.start(1))
            end = m.end(1)
    return starts


def find_numbers(text: str) -> list[NumberMatch]:
    """Quantities in one paragraph, left to right (see the module docstring)."""
    out: list[NumberMatch] = []
    last = 0
    for at in _starts_of_words(text):
        if at < last:
            continue
        m = (_PATTERN if _MAY_SKIP.match(text, at) else _NUMBER_ONLY).match(text, at)
        if m is None:
            continue
        last = m.end()
        num, phrase, pct, prepct, pre, cur = m.group("num", "phrase", "pct", "prepct", "pre", "cur")
        if num is None:
            continue
        value = _phrase_value(phrase)
        if value is None:
            continue
        start, end = m.span("num")
        unit: str | None = None
        if pct or prepct:
            unit = "%"
        elif pre:
            unit = _SYMBOLS[pre]
        elif cur:
            unit, with_adj = _currency(cur, m.group("adj"))
            end = m.end("adj") if with_adj else m.end("cur")
        out.append(NumberMatch(start, end, text[start:end], value, unit))
    return out
