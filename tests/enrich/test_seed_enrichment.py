"""The seed, enriched with --published 2025-06-16: every figure the enrichment issue names."""

from __future__ import annotations

import pytest

import khabar


@pytest.fixture(scope="module")
def seed(seed_text: str) -> khabar.Article:
    return khabar.refine(seed_text, published_default="2025-06-16")


def test_people_grouped_under_their_full_names(seed: khabar.Article) -> None:
    people = {(e.text, e.canonical) for e in seed.entities if e.type == "PERS"}
    assert ("شي جينبينغ", "شي جينبينغ") in people
    assert ("شي", "شي جينبينغ") in people  # وسيعقد شي … لشي … زيارة شي
    assert ("قاسم جومارت توكاييف", "قاسم جومارت توكاييف") in people
    assert ("غوه جياكون", "غوه جياكون") in people
    assert {c for _, c in people} == {"شي جينبينغ", "قاسم جومارت توكاييف", "غوه جياكون"}
    assert sum(1 for e in seed.entities if e.canonical == "شي جينبينغ") == 4


def test_places_linked_to_countries_and_regions(seed: khabar.Article) -> None:
    places = [e for e in seed.entities if e.type == "LOC"]
    assert {e.country for e in places} - {None} == {"KZ", "CN", "KG", "UZ", "TJ", "TM", "RU", "UA"}
    regions = {e.canonical for e in places if e.country is None}
    assert regions == {"آسيا الوسطى", "جنوب شرق آسيا", "أوروبا"}
    assert all(seed.paragraphs[e.para][e.start : e.end] == e.text for e in seed.entities)
    # proclitics stay outside the span: وروسيا → روسيا, لأوكرانيا → أوكرانيا
    assert {"روسيا", "أوكرانيا"} <= {e.text for e in places}


def test_organisations(seed: khabar.Article) -> None:
    orgs = {e.canonical: e for e in seed.entities if e.type == "ORG"}
    assert {"وزارة الخارجية الصينية", "الاتحاد الأوروبي"} <= orgs.keys()
    assert orgs["وزارة الخارجية الصينية"].country == "CN"
    assert orgs["الاتحاد الأوروبي"].name_en == "European Union"


def test_dates_resolved_against_published(seed: khabar.Article) -> None:
    found = {(d.text, d.value, d.granularity) for d in seed.dates}
    assert ("اليوم", "2025-06-16", "day") in found
    assert ("غداً", "2025-06-17", "day") in found
    assert ("الاثنين", "2025-06-16", "day") in found
    assert ("فبراير 2022", "2022-02", "month") in found
    assert sum(1 for d in seed.dates if d.text == "اليوم") == 2


def test_numbers(seed: khabar.Article) -> None:
    assert [(n.text, n.value) for n in seed.numbers] == [("80 مليون", 80_000_000.0)]


def test_exactly_two_quotes_with_their_speakers(seed: khabar.Article) -> None:
    assert [(q.text, q.speaker) for q in seed.quotes] == [
        ("ستضع بشكل مشترك خطة جديدة للتعاون المستقبلي", "وزارة الخارجية الصينية"),
        ("(ستفتح) مجالا أكبر للبناء المشترك لمبادرة الحزام والطريق", "غوه جياكون"),
    ]
    first, second = seed.quotes
    assert (
        first.speaker_entity is not None
        and seed.entities[first.speaker_entity].canonical == "وزارة الخارجية الصينية"
    )
    assert second.speaker_entity is not None and seed.entities[second.speaker_entity].text == "غوه جياكون"
    assert all(seed.paragraphs[q.para][q.start : q.end] == q.text for q in seed.quotes)


def test_stages_can_be_skipped(seed_text: str) -> None:
    bare = khabar.refine(seed_text, stages=())
    assert not (bare.entities or bare.dates or bare.numbers or bare.quotes)
    only_dates = khabar.refine(seed_text, stages=("dates",), published_default="2025-06-16")
    assert only_dates.dates and not only_dates.entities and not only_dates.quotes
    # without a published date, relative dates are found but not resolved
    assert {d.value for d in khabar.refine(seed_text, stages=("dates",)).dates if d.text == "اليوم"} == {None}
