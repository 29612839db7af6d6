"""refine details beyond the seed: metadata, bylines, published dates, ids."""

from __future__ import annotations

import khabar
from khabar.refining.dateline import find_dateline

BODY = "قال الوزير اليوم إن الاجتماع كان ناجحا وإن المحادثات ستستمر الأسبوع المقبل."


def test_dateline_from_the_author_field_when_the_body_has_none() -> None:
    # SaudiNewsNet keeps most outlets' datelines in `author`
    a = khabar.refine(BODY, meta={"author": "لندن: رويترز"})
    assert a.dateline is not None
    assert (a.dateline.place_en, a.dateline.country, a.dateline.agency) == ("London", "GB", "Reuters")
    assert (a.dateline.raw, a.dateline.position) == ("لندن: رويترز", "author")
    assert a.paragraphs == [BODY] and not a.edits  # metadata only: the text is untouched
    assert khabar.refine(BODY, meta={"author": "محمد العلي"}).dateline is None


def test_body_dateline_wins_over_the_author_field() -> None:
    a = khabar.refine(f"الرياض - واس: {BODY}", meta={"author": "جدة - عكاظ"})
    assert a.dateline is not None and (a.dateline.place_en, a.dateline.position) == ("Riyadh", "start")


def test_desk_words_are_not_places() -> None:
    m = find_dateline("مشاري الحنتوشي- سبق- متابعة")
    assert m is not None and m.place is None and m.agency == "Sabq"


def test_published_is_normalised_or_kept_raw() -> None:
    assert khabar.refine(BODY, published="2015-08-11 13:44:43").published == "2015-08-11T13:44:43"
    assert khabar.refine(BODY, published="11/08/2015").published == "2015-08-11T00:00:00"
    a = khabar.refine(BODY, published="منذ ساعتين")
    assert a.published is None and a.meta["published_raw"] == "منذ ساعتين"


def test_ids_input_then_url_then_content() -> None:
    assert khabar.refine(BODY, id="x1").id == "x1"
    by_url = khabar.refine(BODY, url="http://a/1", source="s")
    assert by_url.id == khabar.refine("نص آخر", url="http://a/1", source="s").id
    assert by_url.id != khabar.refine(BODY, url="http://a/2", source="s").id
    assert khabar.refine(BODY).id == khabar.refine(BODY).id != khabar.refine(BODY + " ").id


def test_title_is_repaired_and_restorable() -> None:
    a = khabar.refine(BODY, title="  عنوان\u200f  الخبر\n")
    assert a.title == "عنوان الخبر"
    assert khabar.restore_title(a) == "  عنوان\u200f  الخبر\n"
    assert {e.field for e in a.edits} == {"title"}
