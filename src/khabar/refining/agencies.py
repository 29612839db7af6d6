"""News agencies and news outlets as Arabic press writes them in datelines and credits.

Two tables: ``AGENCIES`` (wire services, incl. the national agencies of the Arab states, plus CNN and BBC,
which Arabic outlets credit the same way) and ``OUTLETS`` (newspapers, TV channels and news sites that
put their own name in a dateline: ``جدة – عكاظ``, ``عين اليوم – بيروت``). Every form is matched through
``match_key`` with dots, quotes and the spaces of abbreviations removed, so ``أ ف ب``, ``أ.ف.ب``, ``ا ف ب``
and ``"أ ف ب"`` are one key.

Some outlet names are also places or ordinary words (``الرياض``, ``المدينة``, ``اليوم``, ``الخليج``);
the dateline parser decides from context which reading applies, this module only says what a name can be.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from khabar.text.keys import match_key
from khabar.text.patterns import loose_word

__all__ = [
    "AGENCIES",
    "AGENCY_ALTERNATION",
    "AGENCY_PATTERN",
    "ALL_SOURCES",
    "OUTLETS",
    "Agency",
    "agency_key",
    "lookup_agency",
]


@dataclass(frozen=True, slots=True)
class Agency:
    """A news source. ``short`` is the canonical name used in records (``AFP``, ``SPA``, ``Okaz``)."""

    short: str
    name_en: str
    forms: tuple[str, ...]  # Arabic (and Latin) spellings as printed
    kind: str = "agency"  # "agency" | "outlet"
    country: str | None = None  # ISO alpha-2 of the home country, None for international/unknown


def _a(short: str, name_en: str, country: str | None, *forms: str) -> Agency:
    return Agency(short, name_en, tuple(forms), "agency", country)


def _o(short: str, name_en: str, country: str | None, *forms: str) -> Agency:
    return Agency(short, name_en, tuple(forms), "outlet", country)


AGENCIES: tuple[Agency, ...] = (
    _a(
        "AFP",
        "Agence France-Presse",
        "FR",
        "أ ف ب",
        "أ.ف.ب",
        "أف ب",
        "فرانس برس",
        "فرانس بريس",
        "وكالة فرانس برس",
        "الفرنسية",  # Saudi press: «برشلونة ـ الفرنسية:»
        "وكالة الصحافة الفرنسية",
        "AFP",
    ),
    _a("Reuters", "Reuters", "GB", "رويترز", "رويتر", "وكالة رويترز", "Reuters"),
    _a(
        "AP",
        "Associated Press",
        "US",
        "أ ب",
        "أ.ب",
        "أسوشيتد برس",
        "اسوشيتدبرس",
        "أسوشييتد برس",
        "الأسوشيتد برس",
        "أسوشيتد بريس",
        "وكالة أسوشيتد برس",
        "AP",
    ),
    _a("dpa", "Deutsche Presse-Agentur", "DE", "د ب أ", "د.ب.أ", "وكالة الأنباء الألمانية", "dpa"),
    _a("Anadolu", "Anadolu Agency", "TR", "الأناضول", "وكالة الأناضول", "الاناضول للأنباء"),
    _a("Xinhua", "Xinhua", "CN", "شينخوا", "شينغهوا", "سينخوا", "وكالة شينخوا", "Xinhua"),
    _a("EFE", "EFE", "ES", "إفي", "إيفي", "وكالة إفي", "EFE"),
    _a("UPI", "United Press International", "US", "يو بي آي", "يو.بي.آي", "يونايتد برس إنترناشونال", "UPI"),
    _a("TASS", "TASS", "RU", "تاس", "إيتار تاس", "إيتار-تاس", "وكالة تاس", "TASS"),
    _a("Sputnik", "Sputnik", "RU", "سبوتنيك", "وكالة سبوتنيك", "Sputnik"),
    _a("RIA", "RIA Novosti", "RU", "ريا نوفوستي", "نوفوستي"),
    _a("Interfax", "Interfax", "RU", "إنترفاكس", "انترفاكس"),
    _a("Kyodo", "Kyodo News", "JP", "كيودو", "وكالة كيودو"),
    _a("Jiji", "Jiji Press", "JP", "جيجي", "جيجي برس"),
    _a("Yonhap", "Yonhap", "KR", "يونهاب", "وكالة يونهاب"),
    _a("KCNA", "Korean Central News Agency", "KP", "وكالة الأنباء الكورية المركزية"),
    _a("IRNA", "Islamic Republic News Agency", "IR", "إرنا", "ارنا", "وكالة إرنا"),
    _a("ISNA", "Iranian Students' News Agency", "IR", "إيسنا", "ايسنا"),
    _a("Fars", "Fars News Agency", "IR", "وكالة فارس", "فارس للأنباء"),
    _a("Tasnim", "Tasnim News Agency", "IR", "تسنيم", "وكالة تسنيم"),
    _a("Mehr", "Mehr News Agency", "IR", "وكالة مهر", "مهر للأنباء"),
    _a("ANSA", "ANSA", "IT", "آنسا", "أنسا", "وكالة آنسا", "ANSA"),
    _a("Antara", "Antara", "ID", "أنتارا", "انتارا"),
    _a("Bernama", "Bernama", "MY", "برناما"),
    _a("PTI", "Press Trust of India", "IN", "برس تراست أوف إنديا"),
    _a("Prensa Latina", "Prensa Latina", "CU", "برنسا لاتينا", "برينسا لاتينا"),
    _a("Bloomberg", "Bloomberg", "US", "بلومبرغ", "بلومبيرغ", "بلومبيرج", "بلومبرج", "Bloomberg"),
    _a("CNN", "CNN", "US", "CNN", "سي إن إن", "سي ان ان"),
    _a("BBC", "BBC", "GB", "BBC", "بي بي سي"),
    _a("AKI", "Adnkronos International", "IT", "آكي"),
    _a("SPA", "Saudi Press Agency", "SA", "واس", "وكالة الأنباء السعودية", "SPA"),
    _a("WAM", "Emirates News Agency", "AE", "وام", "وكالة أنباء الإمارات", "WAM"),
    _a("QNA", "Qatar News Agency", "QA", "قنا", "وكالة الأنباء القطرية", "QNA"),
    _a("KUNA", "Kuwait News Agency", "KW", "كونا", "وكالة الأنباء الكويتية", "KUNA"),
    _a("BNA", "Bahrain News Agency", "BH", "بنا", "وكالة أنباء البحرين", "BNA"),
    _a("ONA", "Oman News Agency", "OM", "العمانية", "وكالة الأنباء العمانية", "ONA"),
    _a("Petra", "Jordan News Agency", "JO", "بترا", "وكالة الأنباء الأردنية", "Petra"),
    _a("SANA", "Syrian Arab News Agency", "SY", "سانا", "وكالة الأنباء السورية", "SANA"),
    _a("WAFA", "Palestinian News Agency", "PS", "وفا", "وكالة وفا", "وكالة الأنباء الفلسطينية", "WAFA"),
    _a("INA", "Iraqi News Agency", "IQ", "واع", "وكالة الأنباء العراقية", "INA"),
    _a(
        "NNA",
        "National News Agency",
        "LB",
        "الوطنية للإعلام",
        "الوكالة الوطنية للإعلام",
        "الوكالة الوطنية",
        "NNA",
    ),
    _a("MENA", "Middle East News Agency", "EG", "أ ش أ", "أ.ش.أ", "وكالة أنباء الشرق الأوسط", "MENA"),
    _a("Saba", "Saba News Agency", "YE", "سبأ", "وكالة سبأ", "Saba"),
    _a("SUNA", "Sudan News Agency", "SD", "سونا", "وكالة السودان للأنباء", "SUNA"),
    _a("TAP", "Tunis Afrique Presse", "TN", "وات", "وكالة تونس أفريقيا للأنباء", "TAP"),
    _a("APS", "Algeria Press Service", "DZ", "واج", "وكالة الأنباء الجزائرية", "APS"),
    _a("MAP", "Maghreb Arabe Presse", "MA", "لاماب", "و م ع", "و.م.ع", "وكالة المغرب العربي للأنباء", "MAP"),
    _a("LANA", "Libya News Agency", "LY", "لانا", "وكالة الأنباء الليبية", "LANA"),
    _a("MAAN", "Ma'an News Agency", "PS", "وكالة معا"),
    _a("Agencies", "news agencies", None, "وكالات", "الوكالات", "وكالات الأنباء"),
)

OUTLETS: tuple[Agency, ...] = (
    _o("Al Bayan", "Al Bayan", "AE", "البيان"),
    _o("Al Khaleej", "Al Khaleej", "AE", "الخليج"),
    _o("Al Ittihad", "Al Ittihad", "AE", "الاتحاد"),
    _o("Okaz", "Okaz", "SA", "عكاظ"),
    _o("Al Riyadh", "Al Riyadh", "SA", "الرياض"),
    _o("Al Watan", "Al Watan", "SA", "الوطن"),
    _o("Al Madina", "Al Madina", "SA", "المدينة"),
    _o("Al Yaum", "Al Yaum", "SA", "اليوم"),
    _o("Al Jazirah", "Al Jazirah", "SA", "الجزيرة"),
    _o("Al Jazeera Net", "Al Jazeera Net", "QA", "الجزيرة نت"),
    _o("Asharq Al-Awsat", "Asharq Al-Awsat", "SA", "الشرق الأوسط"),
    _o("Al Sharq", "Al Sharq", "SA", "الشرق"),
    _o("Al Hayat", "Al Hayat", "SA", "الحياة"),
    _o("3alyoum", "Ain Alyoum", "SA", "عين اليوم"),
    _o("Sabq", "Sabq", "SA", "سبق"),
    _o("Aleqtisadiya", "Aleqtisadiya", "SA", "الاقتصادية"),
    _o("Alweeam", "Alweeam", "SA", "الوئام"),
    _o("Arreyadi", "Arreyadi", "SA", "الرياضي"),
    _o("Arriyadiyah", "Arriyadiyah", "SA", "الرياضية"),
    _o("Al Arabiya", "Al Arabiya", "AE", "العربية", "العربية نت", "العربية.نت"),
    _o("Sky News Arabia", "Sky News Arabia", "AE", "سكاي نيوز عربية", "سكاي نيوز"),
    _o("Al Ahram", "Al Ahram", "EG", "الأهرام"),
    _o("Al Masry Al Youm", "Al Masry Al Youm", "EG", "المصري اليوم"),
    _o("Youm7", "Youm7", "EG", "اليوم السابع"),
    _o("Al Quds Al Arabi", "Al Quds Al Arabi", "GB", "القدس العربي"),
    _o("Al Araby Al Jadeed", "Al Araby Al Jadeed", "GB", "العربي الجديد"),
    _o("Al Qabas", "Al Qabas", "KW", "القبس"),
    _o("Al Rai", "Al Rai", "KW", "الراي", "الرأي"),
    _o("An Nahar", "An Nahar", "LB", "النهار"),
    _o("Al Akhbar", "Al Akhbar", "LB", "الأخبار"),
    _o("Elaph", "Elaph", "GB", "إيلاف"),
    _o("RT Arabic", "RT Arabic", "RU", "روسيا اليوم", "آر تي"),
    _o("France 24", "France 24", "FR", "فرانس 24"),
    _o("Al Mayadeen", "Al Mayadeen", "LB", "الميادين"),
)

ALL_SOURCES: tuple[Agency, ...] = AGENCIES + OUTLETS

# Characters that only decorate a name in a dateline: quotes, brackets, slashes, dots, dashes.
_DECOR = regex.compile(r"[\"'()\[\]{}/\\.«»“”‘’*_\-]+")


@functools.lru_cache(maxsize=65536)
def agency_key(text: str) -> str:
    """The lookup key of an agency name: ``match_key`` without decoration, abbreviations normalised
    (``أ.ف.ب``, ``أ ف ب``, ``"أ ف ب"`` → ``ا.ف.ب``)."""
    key = " ".join(_DECOR.sub(" ", match_key(text)).split())
    # Runs of single letters are abbreviations: "ا ف ب" -> "ا.ف.ب". The dots stay in the key so that the
    # month "آب" (key "اب") never reads as AP ("أ ب", key "ا.ب").
    words = key.split(" ")
    if len(words) > 1 and all(len(w) == 1 for w in words):
        return ".".join(words)
    return key


def _index() -> dict[str, Agency]:
    index: dict[str, Agency] = {}
    for agency in ALL_SOURCES:
        for form in (*agency.forms, agency.short):
            key = agency_key(form)
            # First table entry wins: agencies before outlets (``العربية`` is not ``العمانية``...).
            index.setdefault(key, agency)
    return index


_INDEX = _index()
_WAKALA = ("وكاله الانباء ", "وكاله ", "الوكاله ")


@functools.lru_cache(maxsize=65536)
def lookup_agency(text: str) -> Agency | None:
    """The agency or outlet named by ``text`` exactly (up to spelling and decoration), else None.

    ``"أ ف ب"``, ``أ.ف.ب``, ``فرانس برس``, ``وكالة الأناضول`` and ``CNN`` all resolve; a sentence that
    merely contains an agency name does not (use ``AGENCY_PATTERN`` to search).
    """
    key = agency_key(text)
    if not key:
        return None
    hit = _INDEX.get(key)
    if hit is None:
        for prefix in _WAKALA:
            if key.startswith(prefix):
                hit = _INDEX.get(key[len(prefix) :])
                if hit is not None:
                    break
    return hit


# Regex alternation over every form, for the dateline regexes: letters are widened to the classes that
# match_key folds together, abbreviations accept spaces or dots between their letters.
_VARIANTS = {
    **{a: "اأإآٱ" for a in "اأإآ"},
    "ي": "يىئ",
    "ى": "يى",
    "ة": "ةه",
    "ه": "هة",
    "و": "وؤ",
}
_TATWEEL = "\u0640?"


def _form_pattern(form: str) -> str:
    words = _DECOR.sub(" ", form).split()
    if len(words) > 1 and all(len(w) == 1 for w in words):
        # Abbreviation: the letters must be separated (``أ ب``, ``أ.ب``), so the month ``آب`` is not AP.
        return r"(?:\s*\.\s*|\s+)".join(loose_word(w, _VARIANTS) for w in words) + r"\.?"
    return loose_word(" ".join(words), _VARIANTS, between=_TATWEEL)


def _alternation() -> str:
    forms = {f for a in ALL_SOURCES for f in (*a.forms,)}
    # Longest first so ``الجزيرة نت`` wins over ``الجزيرة``; sorted for a deterministic pattern.
    ordered = sorted(forms, key=lambda f: (-len(f), f))
    return "|".join(_form_pattern(f) for f in ordered)


AGENCY_ALTERNATION: str = _alternation()
"""Uncompiled alternation (no groups) of every agency/outlet form, for embedding in larger regexes."""

AGENCY_PATTERN: regex.Pattern[str] = regex.compile(
    rf"(?<![\p{{L}}\p{{M}}])(?:{AGENCY_ALTERNATION})(?![\p{{L}}\p{{M}}])", regex.IGNORECASE
)
"""Finds an agency/outlet name as a whole word anywhere in a text; resolve the hit with ``lookup_agency``."""
