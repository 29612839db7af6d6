"""Fixtures for the store tests: a small Arabic corpus built to exercise each search rule, and the seed
article refined once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from khabar.record import Article, Dateline, Entity, Quote
from khabar.store import open as open_store
from khabar.store.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parents[2]


def art(id: str, *paragraphs: str, **kw: object) -> Article:
    return Article(id, list(paragraphs), **kw)  # type: ignore[arg-type]


def corpus() -> list[Article]:
    """One article per rule; ids name what each is for."""
    tokayev = Entity("PERS", "توكاييف", 0, 0, 7, canonical="قاسم جومارت توكاييف")
    astana = Entity("LOC", "أستانا", 0, 15, 21, canonical="أستانا", name_en="Astana", country="KZ")
    return [
        art("harakat", "كَتَبَ الرئيسُ رسالةً طويلة إلى الوزراء.", title="رسالة الرئيس", source="okaz",
            published="2015-07-21T10:00:00"),
        art("tatweel", "وصـــل الوفـــد إلى مدينة جدة صباحا.", source="sabq", published="2015-07-22T09:00:00"),
        art("hamza", "زار إبراهيم مؤسسة الأمل في أبها.", source="okaz", published="2015-07-23T09:00:00"),
        art("marbuta", "افتتحت المدرسة الجديدة في مكة المكرمة.", source="was", published="2015-07-24T09:00:00"),
        art("maqsura", "وصل الوفد الى مستشفى الملك فهد.", source="was", published="2015-07-25T09:00:00"),
        art("clitics", "وبالكتاب الجديد تبدأ المرحلة، وللمدارس دور كبير.", source="alriyadh",
            published="2015-07-26T09:00:00"),
        art("names", "التقى أحمد ومحمد وبلال بالأمير سلمان في الرياض، وكان الولد سعيدا.", source="alriyadh",
            published="2015-07-27T09:00:00"),
        art("hamd", "قال حمد إن المشروع مستمر.", source="sabq", published="2015-07-27T10:00:00"),
        art("digits", "بلغ عدد الزوار ٢٥٠٠ زائر في عام ٢٠١٥.", source="okaz", published="2015-07-28T09:00:00"),
        art("ascii-digits", "بلغ عدد الطلاب 2500 طالب.", source="okaz", published="2015-07-28T10:00:00"),
        art("phrase", "أعلنت وزارة الخارجية الصينية خطة جديدة.", source="was", published="2015-07-29T09:00:00",
            story="phrase"),
        art("phrase-copy", "قالت وزارة الخارجية الصينية إن الخطة جديدة.", source="okaz",
            published="2015-07-29T11:00:00", story="phrase"),
        art("scrambled", "الخارجية قالت إن وزارة الدفاع الصينية مستعدة.", source="sabq",
            published="2015-07-30T09:00:00"),
        art("tokayev", "توكاييف يصل إلى أستانا. وقال توكاييف: «سنعمل معا».", title="رئيس كازاخستان",
            source="was", published="2015-08-01T09:00:00",
            dateline=Dateline("أستانا (كازاخستان) \"أ ف ب\"", place="أستانا", place_en="Astana", country="KZ",
                              agency="AFP", agency_en="Agence France-Presse"),
            entities=[tokayev, astana],
            quotes=[Quote("سنعمل معا", 0, 39, 48, speaker="توكاييف", speaker_entity=0)]),
    ]  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = open_store(str(tmp_path / "t.db"))
    assert isinstance(s, SQLiteStore)
    s.add(corpus())
    yield s
    s.close()


@pytest.fixture(scope="session")
def seed_records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed article refined by ``khabar process`` (as the CLI writes it)."""
    from khabar.cli import main

    out = tmp_path_factory.mktemp("seed") / "seed.jsonl"
    assert main(["process", str(REPO / "examples"), "-o", str(out), "-q"]) == 0
    return out
