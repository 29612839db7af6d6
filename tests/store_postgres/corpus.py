"""A small hand-built corpus for the store tests: every field a filter reads is set explicitly (dateline,
entities, quotes, story, duplicate), so expectations do not depend on the NER model, and the texts carry
the spelling variants search must bridge (hamza, ة/ه, ى/ي, clitics, harakat, Arabic-Indic digits).
The seed article (``examples/``), refined, is added as it is."""

from __future__ import annotations

from dataclasses import dataclass

import khabar
from khabar.record import Article, Dateline, Duplicate, Entity, Quote
from tests.conftest import SEED_PATH


@dataclass(frozen=True)
class _Ent:
    type: str
    text: str
    canonical: str | None = None
    country: str | None = None


def _entities(paragraphs: list[str], specs: list[_Ent]) -> list[Entity]:
    out = []
    for s in specs:
        para = next(i for i, p in enumerate(paragraphs) if s.text in p)
        start = paragraphs[para].index(s.text)
        out.append(
            Entity(
                s.type,
                s.text,
                para,
                start,
                start + len(s.text),
                canonical=s.canonical or s.text,
                country=s.country,
            )
        )
    return out


def _quote(paragraphs: list[str], text: str, speaker: str, speaker_entity: int | None) -> Quote:
    para = next(i for i, p in enumerate(paragraphs) if text in p)
    start = paragraphs[para].index(text)
    return Quote(text, para, start, start + len(text), speaker=speaker, speaker_entity=speaker_entity)


def _article(
    id: str,
    source: str,
    published: str,
    title: str | None,
    paragraphs: list[str],
    *,
    dateline: Dateline | None = None,
    entities: list[_Ent] = (),  # type: ignore[assignment]
    quotes: list[tuple[str, str, int | None]] = (),  # type: ignore[assignment]
    story: str | None = None,
    duplicate: Duplicate | None = None,
) -> Article:
    return Article(
        id,
        paragraphs,
        source=source,
        url=f"https://example.org/{source}/{id}",
        title=title,
        published=published,
        dateline=dateline,
        entities=_entities(paragraphs, list(entities)),
        quotes=[_quote(paragraphs, *q) for q in quotes],
        story=story,
        duplicate=duplicate,
    )


RIYADH_SPA = Dateline(
    "الرياض - واس",
    place="الرياض",
    place_en="Riyadh",
    country="SA",
    agency="SPA",
    agency_en="Saudi Press Agency",
    agency_kind="agency",
)
CAIRO_AFP = Dateline(
    "القاهرة (أ ف ب)",
    place="القاهرة",
    place_en="Cairo",
    country="EG",
    agency="AFP",
    agency_en="Agence France-Presse",
    agency_kind="agency",
)
JEDDAH_OKAZ = Dateline(
    "جدة - عكاظ",
    place="جدة",
    place_en="Jeddah",
    country="SA",
    agency="Okaz",
    agency_en="Okaz",
    agency_kind="outlet",
)

_VISIT = [
    "استقبل ولي العهد الأمير محمد بن سلمان في الرياض اليوم وزير الخارجية الأمريكي، وبحثا العلاقات الثنائية بين المملكة والولايات المتحدة.",
    'وقال الأمير محمد بن سلمان: "نعمل معاً من أجل استقرار المنطقة".',
]
_VISIT_ENTITIES = [
    _Ent("PERS", "محمد بن سلمان"),
    _Ent("LOC", "الرياض", country="SA"),
    _Ent("LOC", "الولايات المتحدة", country="US"),
]
_VISIT_QUOTE = ("نعمل معاً من أجل استقرار المنطقة", "الأمير محمد بن سلمان", 0)


def articles() -> list[Article]:
    """The corpus, in the order it is added."""
    seed = khabar.refine(SEED_PATH.read_text(encoding="utf-8"), source="afp", published="2025-06-16")
    return [
        _article(
            "visit-spa",
            "spa",
            "2025-06-10T09:00:00+03:00",
            "ولي العهد يستقبل وزير الخارجية الأمريكي",
            _VISIT,
            dateline=RIYADH_SPA,
            entities=_VISIT_ENTITIES,
            quotes=[_VISIT_QUOTE],
            story="visit-spa",
        ),
        _article(
            "visit-riyadh",
            "alriyadh",
            "2025-06-10T11:30:00+03:00",
            "سمو ولي العهد يستقبل وزير الخارجية الامريكي",
            _VISIT,
            dateline=RIYADH_SPA,
            entities=_VISIT_ENTITIES,
            quotes=[_VISIT_QUOTE],
            story="visit-spa",
            duplicate=Duplicate("visit-spa", "exact", 1.0),
        ),
        _article(
            "visit-okaz",
            "okaz",
            "2025-06-11",
            "ولي العهد والوزير الأمريكي يبحثان العلاقات",
            _VISIT[:1],
            entities=_VISIT_ENTITIES[:2],
            story="visit-spa",
            duplicate=Duplicate("visit-spa", "contained", 0.9),
        ),
        _article(
            "corona-cairo",
            "afp",
            "2025-06-11",
            "مصر تسجل إصابات جديدة بكورونا",
            [
                "أعلنت وزارة الصحة المصرية تسجيل إصابات جديدة بفيروس كورونا في القاهرة والإسكندرية.",
                'وقال وزير الصحة خالد عبدالغفار إن "الوضع تحت السيطرة".',
            ],
            dateline=CAIRO_AFP,
            entities=[
                _Ent("LOC", "القاهرة", country="EG"),
                _Ent("LOC", "الإسكندرية", country="EG"),
                _Ent("PERS", "خالد عبدالغفار"),
            ],
            quotes=[("الوضع تحت السيطرة", "وزير الصحة", 2)],
        ),
        _article(
            "jeddah-waterfront",
            "okaz",
            "2025-06-12",
            "افتتاح الواجِهة البَحريّة في جدّة",
            [
                "افتتح أمير منطقة مكة المكرمة مشروع تطوير الواجِهة البَحريّة بجدة بتكلفة ٢٠٠ مليون ريال.",
                "ويضم المشروع مستشفى ميدانياً ومؤسسة ثقافية.",
            ],
            dateline=JEDDAH_OKAZ,
            entities=[_Ent("LOC", "منطقة مكة المكرمة", country="SA"), _Ent("LOC", "جدة", country="SA")],
        ),
        _article(
            "oil-up",
            "argaam",
            "2025-06-12",
            "النفط يرتفع مع تراجع المخزونات",
            ["ارتفعت أسعار النفط اليوم مع تراجع المخزونات الأمريكية، وصعد خام برنت إلى 85 دولاراً للبرميل."],
            story="oil-up",
        ),
        _article(
            "oil-down",
            "argaam",
            "2025-06-13",
            "أسعار النفط تنخفض",
            ["انخفضت أسعار النفط في التعاملات الآسيوية بعد بيانات صينية ضعيفة."],
            story="oil-down",
        ),
        _article(
            "oil-down-copy",
            "aleqtisadiya",
            "2025-06-13T18:00:00",
            "انخفاض اسعار النفط",
            ["انخفضت اسعار النفط في التعاملات الاسيوية بعد بيانات صينيه ضعيفه."],
            story="oil-down",
            duplicate=Duplicate("oil-down", "near", 0.85),
        ),
        _article(
            "hilal-nassr",
            "arreyadi",
            "2025-06-14",
            "الهلال يفوز على النصر",
            [
                "فاز فريق الهلال على النصر بهدفين، وقال مدرب الهلال إن الفوز مستحق للهلاليين.",
                "وتقدم الهلال إلى صدارة الدوري بعد فوزه بالنصر.",
            ],
        ),
        _article(
            "hospital",
            "alweeam",
            "2025-06-15",
            "مستشفي الدوادمى يوضح",
            [
                "نفت إدارة مستشفي الدوادمى صحة رسالة متداولة عن كورونا، وأكدت أن مؤسسة الملك عبدالله تتابع الحالة."
            ],
        ),
        _article(
            "food-security",
            "alyaum",
            "2025-06-15",
            "الأمن الغذائي أولوية",
            [
                "أكد الوزير أن الأمن الغذائي أولوية وطنية، وأن المخزون الغذائي يكفي.",
                "Microsoft أطلقت Windows 10 مجاناً لمستخدمي الإصدارات السابقة.",
            ],
        ),
        _article(
            "no-title",
            "sabq",
            "2025-06-16",
            None,
            ["خبر بلا عنوان عن سوق الأسهم السعودية وارتفاع مؤشر تاسي."],
        ),
        seed,
    ]
