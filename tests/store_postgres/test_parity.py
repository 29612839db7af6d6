"""Parity: the same articles in the SQLite store and in PostgreSQL find the same things.

For every query below (words with spelling variants, phrases, OR, NOT and -, prefix*, each filter, and
collapse) both stores must give the same *set* of hits, the same total, and for each hit the same snippet,
paragraph and copy count; and the same stats, export and stories. Not the same order: SQLite ranks with
FTS5's bm25 and PostgreSQL with ``ts_rank_cd``, so scores differ and two hits may swap places; within one
store ties are broken by id, so each store's order is deterministic. (``limit`` is set above the corpus
size so that the sets are whole.)

The corpus is ``corpus.articles()``: hand-built records with every filtered field set, plus the seed
article. A second test runs the same comparison on 300 real SaudiNewsNet articles when the shared data
is there, and a third on a phrase whose spelling variants exceed the 64 combinations FTS5 is given.
"""

from __future__ import annotations

import json
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import khabar
from khabar.record import Article
from khabar.store.base import QueryError, SearchFilters, SearchResult
from khabar.store.sqlite import SQLiteStore
from tests.store_postgres.corpus import articles

pytest.importorskip("psycopg")
from khabar.store.postgres import PostgresStore

ALL = 10_000

# (query, filters, collapse): at least one of each kind of query and every filter.
QUERIES: list[tuple[str, dict[str, str], bool]] = [
    ("ولي العهد", {}, False),
    ("ولي العهد", {}, True),  # collapse: one hit for the three copies of the visit
    ('"محمد بن سلمان"', {}, False),  # phrase
    ("الامير محمد", {}, False),  # hamza dropped
    ("وزير الخارجيه", {}, False),  # ة written ه
    ("الأمريكي", {}, False),  # the text has both الأمريكي and الامريكي
    ("كورونا", {}, False),
    ('"وزارة الصحه المصريه"', {}, False),  # phrase with ه for ة
    ("الاسكندريه", {}, False),  # the text has والإسكندرية: clitic, hamza, ة
    ("الواجهه البحريه", {}, False),  # harakat and shadda in the text, none in the query
    ("جدّة", {}, False),  # shadda in the query
    ("٢٠٠ مليون", {}, False),
    ("200", {}, False),  # Arabic-Indic digits in the text
    ("النفط", {}, False),
    ("النفط", {}, True),
    ("اسعار النفط", {}, False),
    ("برنت OR الهلال", {}, False),  # OR
    ("النفط -برنت", {}, False),  # exclusion with -
    ("النفط NOT تنخفض", {}, False),  # exclusion with NOT
    ('النفط -"بيانات صينية"', {}, False),  # excluded phrase
    ("مستشفى", {}, False),  # ى/ي: the text has مستشفي and مستشفى
    ("الدوادمي", {}, False),  # the text has الدوادمى
    ("موسسه الملك", {}, False),  # ؤ written و, ة written ه
    ("كازاخ*", {}, False),  # prefix
    ("الهلا*", {}, False),  # prefix after the article: looks for هلا*, also after a single-letter clitic
    ('"الأمن الغذائي"', {}, False),  # phrase in order
    ('"الغذائي الأمن"', {}, False),  # the same words reversed: no phrase
    ("للهلال", {}, False),  # article clitic لل in the query
    ("هلال", {}, False),  # finds للهلال, الهلال
    ("بالنصر", {}, False),
    ("توكاييف", {}, False),
    ("windows", {}, False),  # Latin, case folded
    ("الصين OR الصيني OR صينية", {}, False),
    ("ولي العهد", {"source": "okaz"}, False),
    ("النفط", {"date_from": "2025-06-13"}, False),
    ("النفط", {"date_to": "2025-06-12"}, False),
    ("العهد", {"person": "محمد بن سلمان"}, False),
    ("كورونا", {"place": "القاهره"}, False),  # ة written ه in the filter
    ("كورونا", {"country": "eg"}, False),
    ("الرئيس", {"agency": "AFP"}, False),
    ("العهد", {"story": "visit-spa"}, True),
    ("المنطقة OR السيطرة", {"speaker": "محمد بن سلمان"}, False),
    ("السيطره", {"speaker": "وزير الصحة"}, False),
]


def _found(result: SearchResult) -> dict[str, tuple[str, int | None, int]]:
    return {h.id: (h.snippet, h.para, h.copies) for h in result.hits}


def _compare(
    sqlite: SQLiteStore, postgres: PostgresStore, queries: list[tuple[str, dict[str, str], bool]]
) -> int:
    """Assert parity for every query; the number of queries that found something."""
    nonempty = 0
    for query, filters, collapse in queries:
        kwargs: dict[str, Any] = {"limit": ALL, "filters": SearchFilters(**filters), "collapse": collapse}
        a, b = sqlite.search(query, **kwargs), postgres.search(query, **kwargs)
        label = f"{query!r} {filters} collapse={collapse}"
        assert set(_found(a)) == set(_found(b)), label
        assert a.total == b.total == len(a.hits), label
        assert _found(a) == _found(b), f"{label}: snippets, paragraphs or copies differ"
        nonempty += bool(a.hits)
    return nonempty


def test_same_hit_sets_on_sqlite_and_postgres(tmp_path: Path, postgres_url: str) -> None:
    corpus = articles()
    sqlite = SQLiteStore(tmp_path / "khabar.db")
    postgres = PostgresStore(postgres_url)
    try:
        assert sqlite.add(corpus) == postgres.add(corpus) == len(corpus)
        assert len(QUERIES) >= 20
        nonempty = _compare(sqlite, postgres, QUERIES)
        # the set is meant to find things: all but the reversed phrase do
        assert nonempty == len(QUERIES) - 1
        assert postgres.stats() == sqlite.stats()
        assert list(postgres.export_records()) == list(sqlite.export_records())
        for story in {a.story or a.id for a in corpus}:
            assert postgres.story(story) == sqlite.story(story), story
    finally:
        sqlite.close()
        postgres.close()


def _saudinewsnet(directory: Path, n: int) -> Iterator[Article]:
    """The first ``n`` articles of the first day, refined without enrichment (fast, and what search reads)."""
    day = sorted(directory.glob("*.zip"))[0]
    with zipfile.ZipFile(day) as z:
        records = json.loads(z.read(z.namelist()[0]))
    for r in records[:n]:
        yield khabar.refine(
            r["content"], title=r.get("title"), url=r.get("url"), source=r.get("source"),
            published=(r.get("date_extracted") or "")[:10] or None, stages=(),
        )  # fmt: skip


# Known-item and topic queries over that day, with spelling variants; written for this test.
SAUDINEWSNET_QUERIES: list[tuple[str, dict[str, str], bool]] = [
    ("استراتيجيه كاميرون للتصدي للتطرف", {}, False),
    ("الوضع الانساني في الحديده", {}, False),
    ("انتحاري يفجر نفسه باكراد اتراك", {}, False),
    ("داعش", {}, False),
    ("داعش", {}, True),
    ('"الاتفاق النووي"', {}, False),
    ("الاتفاق النووي -ايران", {}, False),
    ("الحوثي OR الحوثيين", {}, False),
    ("السعوديه", {"source": "aawsat"}, False),
    ("الارهاب*", {}, False),
    ("اليمن عدن", {}, False),
    ("وَزِيرُ الخَارِجِيَّة", {}, False),
    ("مستشفي", {}, False),
    ("٢٠١٥", {}, False),
    ("الملك سلمان", {}, True),
]


def test_same_hit_sets_on_saudinewsnet(tmp_path: Path, postgres_url: str, saudinewsnet_dir: Path) -> None:
    corpus = list(_saudinewsnet(saudinewsnet_dir, 300))
    sqlite = SQLiteStore(tmp_path / "khabar.db")
    postgres = PostgresStore(postgres_url)
    try:
        sqlite.add(corpus)
        postgres.add(corpus)
        assert _compare(sqlite, postgres, SAUDINEWSNET_QUERIES) >= len(SAUDINEWSNET_QUERIES) - 2
    finally:
        sqlite.close()
        postgres.close()


def test_a_phrase_with_too_many_spelling_variants_is_capped_alike(tmp_path: Path, postgres_url: str) -> None:
    """FTS5 can only OR whole phrases, so the SQLite store keeps each word's commonest variants when a
    phrase's make more than 64 combinations; PostgreSQL must keep the same ones, or it finds more. Nine
    variants of each word (81 combinations), each pair in its own article, the commoner variants in more
    articles; then one article is replaced so that a variant no article holds any more is still in
    PostgreSQL's ``terms`` (FTS5's vocabulary forgets it)."""
    first = ["كتاب", "وكتاب", "لكتاب", "بكتاب", "كتابه", "كتابها", "كتابهم", "فكتاب", "ككتاب"]
    second = ["جديد", "وجديد", "لجديد", "بجديد", "جديده", "جديدها", "جديدهم", "فجديد", "كجديد"]
    corpus = []
    for i, a in enumerate(first):
        for j, b in enumerate(second):
            for k in range(1 + (i + j) % 3):  # document frequencies differ, so "commonest" is decided
                corpus.append(Article(f"p{i}-{j}-{k}", [f"خبر عن {a} {b} في المعرض"], title="معرض"))
    sqlite = SQLiteStore(tmp_path / "khabar.db")
    postgres = PostgresStore(postgres_url)
    try:
        sqlite.add(corpus)
        postgres.add(corpus)
        queries: list[tuple[str, dict[str, str], bool]] = [
            ('"كتاب جديد"', {}, False),
            ('"الكتاب الجديد"', {}, False),
        ]
        _compare(sqlite, postgres, queries)
        capped = postgres.search('"كتاب جديد"', limit=ALL)
        assert 0 < capped.total < len(corpus)  # the cap applies: not every pair is found
        gone = [
            Article(a.id, ["خبر آخر بلا كلمات مشتركة"], title="معرض")
            for a in corpus
            if "ككتاب" in a.paragraphs[0]
        ]
        sqlite.add(gone)
        postgres.add(gone)
        _compare(sqlite, postgres, queries)
    finally:
        sqlite.close()
        postgres.close()


# Characters where two tokenizers could disagree: Arabic with harakat, tatweel, hamza forms, ta marbuta and
# alef maqsura; presentation forms; Persian letters; Arabic-Indic and Persian digits; Latin with capitals
# and diacritics (FTS5 is told to keep them); Turkish dotted I; Greek; CJK; an emoji (astral); zero-width
# joiner, bidi marks, punctuation and spaces between them.
_ALPHABET = (
    "ابتثجحخدذرزسشصضطظعغفقكلمنهوي" "أإآءؤئةى" "\u064b\u064e\u064f\u0650\u0651\u0652\u0640"
    "\ufefb\ufe8d\ufee1" "کیگپچ" "٠١٢٣٤٥٦٧٨٩۴۵" "abcXYZéÉüßİı" "ΣσΩ" "中文" "🈐😀"
    "\u200d\u200f\u202b" "-_'\\\".,؛،؟!:*()"
)  # fmt: skip


def _random_text(rng: random.Random, words: int) -> str:
    out = []
    for _ in range(words):
        if rng.random() < 0.8:  # mostly Arabic words, so that they repeat across articles
            out.append("".join(rng.choice("ابتسلمكنهوي") for _ in range(rng.randint(2, 5))))
        else:
            out.append("".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 6))))
    return " ".join(out)


def test_random_text_parity(tmp_path: Path, postgres_url: str) -> None:
    """Seeded random texts over awkward characters: whatever FTS5's tokenizer makes of the analysed text,
    PostgreSQL's tsvector must hold the same words, and queries made of the texts' own words (with
    harakat, clitics, prefix stars, quotes and operators) must find the same articles, or fail alike."""
    rng = random.Random(20251206)
    corpus = [
        Article(f"r{i:03d}", [_random_text(rng, rng.randint(5, 40)) for _ in range(rng.randint(1, 3))],
                title=_random_text(rng, rng.randint(0, 6)) or None)
        for i in range(150)
    ]  # fmt: skip
    sqlite = SQLiteStore(tmp_path / "khabar.db")
    postgres = PostgresStore(postgres_url)
    try:
        sqlite.add(corpus)
        postgres.add(corpus)
        queries: list[tuple[str, dict[str, str], bool]] = []
        for _ in range(120):
            words = rng.choice(corpus).paragraphs[0].split()
            start = rng.randrange(len(words))
            picked = words[start : start + rng.randint(1, 3)]
            shape = rng.randrange(5)
            if shape == 0:
                q = '"' + " ".join(picked) + '"'
            elif shape == 1:
                q = picked[0] + "*"
            elif shape == 2:
                q = " OR ".join(picked)
            elif shape == 3:
                q = "و" + " -".join(picked)
            else:
                q = " ".join(picked)
            queries.append((q, {}, rng.random() < 0.2))
        nonempty = 0
        for query in queries:
            try:
                sqlite.search(query[0])
            except QueryError:
                with pytest.raises(QueryError):
                    postgres.search(query[0])
                continue
            nonempty += _compare(sqlite, postgres, [query])
        assert nonempty >= len(queries) // 2  # 91 of 120 when written
    finally:
        sqlite.close()
        postgres.close()
