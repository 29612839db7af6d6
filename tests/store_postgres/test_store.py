"""The PostgreSQL store's own behaviour, against a real server: the same contract as the SQLite store
(round trip, upsert, batches, filters, collapse, bad queries, schema versions) plus what only PostgreSQL
can get wrong (tsvector limits, text it refuses, SQL in user input)."""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections.abc import Iterator

import pytest

import khabar
from khabar import store as store_module
from khabar.record import Article
from khabar.store.base import MARK_END, MARK_START, QueryError, SearchFilters, StoreError
from khabar.store.rows import record_rows
from tests.conftest import SEED_PATH
from tests.store_postgres.corpus import articles

psycopg = pytest.importorskip("psycopg")
from khabar.store.postgres import (  # noqa: E402  (after the skip: psycopg may be missing)
    MAX_POSITION,
    SCHEMA_VERSION,
    PostgresStore,
    tsvector_literal,
)


@pytest.fixture
def pg(postgres_url: str) -> Iterator[PostgresStore]:
    s = PostgresStore(postgres_url)
    yield s
    s.close()


def _seed() -> Article:
    return khabar.refine(SEED_PATH.read_text(encoding="utf-8"), source="afp", published="2025-06-16")


def _ids(pg: PostgresStore, query: str, **kwargs: object) -> list[str]:
    return [h.id for h in pg.search(query, limit=100, **kwargs).hits]  # type: ignore[arg-type]


def test_open_dispatches_postgresql_urls(postgres_url: str) -> None:
    s = store_module.open(postgres_url)
    try:
        assert isinstance(s, PostgresStore)
        assert s.stats()["articles"] == 0
    finally:
        s.close()


def test_seed_round_trips_byte_identically(pg: PostgresStore) -> None:
    seed = _seed()
    line = seed.to_json()
    assert pg.add([seed]) == 1
    (back,) = pg.export()
    assert back.to_json() == line  # the same bytes as the record written
    assert pg.get(seed.id) == seed and pg.get("no-such-id") is None
    (record,) = pg.export_records()
    assert record == seed.to_dict()


def test_record_line_is_kept_as_read(pg: PostgresStore) -> None:
    """``write_record(d, line)`` stores the line itself, whatever wrote it (spacing, escapes)."""
    seed = _seed()
    line = b'{"id": "%s", "paragraphs": ["\\u0627\\u0644\\u0631\\u064a\\u0627\\u0636"]}' % seed.id.encode()
    w = pg.writer()
    w.write_record({"id": seed.id, "paragraphs": ["الرياض"]}, line)
    w.close()
    stored = pg.con.execute("SELECT record FROM articles").fetchone()
    assert stored is not None and stored[0].encode() == line
    assert _ids(pg, "رياض") == [seed.id]


def test_export_keeps_first_insertion_order_across_pages(
    pg: PostgresStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import khabar.store.postgres as module

    monkeypatch.setattr(module, "EXPORT_PAGE", 3)  # several pages from a small store
    corpus = articles()
    pg.add(corpus, batch_size=4)
    assert [a.id for a in pg.export()] == [a.id for a in corpus]


def test_upsert_keeps_the_first_place_and_replaces_rows(pg: PostgresStore) -> None:
    corpus = articles()
    pg.add(corpus)
    visit = corpus[0]
    changed = dataclasses.replace(visit, title="عنوان جديد تماما", entities=[], quotes=[])
    assert pg.add([changed]) == 1
    assert [a.id for a in pg.export()] == [a.id for a in corpus]  # still first
    assert pg.get(visit.id) == changed
    assert _ids(pg, "تماما") == [visit.id]
    assert visit.id not in _ids(pg, "يستقبل")  # the old title is gone from the index
    seq = pg.con.execute("SELECT seq FROM articles WHERE id = %s", (visit.id,)).fetchone()
    for table in ("entities", "quotes"):
        count = pg.con.execute(f"SELECT count(*) FROM {table} WHERE article = %s", seq).fetchone()
        assert count == (0,), table
    assert pg.stats()["articles"] == len(corpus)


def test_same_id_twice_in_one_batch_later_wins_first_place_counts(pg: PostgresStore) -> None:
    a, b = articles()[:2]
    a2 = dataclasses.replace(a, title="النسخة الثانية")
    pg.add([a, b, a2])
    assert [x.id for x in pg.export()] == [a.id, b.id]
    assert pg.get(a.id) == a2


def test_writer_commits_per_batch_and_abort_drops_the_open_one(pg: PostgresStore, postgres_url: str) -> None:
    corpus = articles()
    w = pg.writer(batch_size=5)
    for a in corpus[:7]:
        w.write(a)
    other = PostgresStore(postgres_url, readonly=True)  # another connection sees committed batches only
    try:
        assert other.stats()["articles"] == 5
        w.abort()
        assert other.stats()["articles"] == 5
    finally:
        other.close()


def test_a_failed_batch_leaves_nothing_behind(pg: PostgresStore) -> None:
    corpus = articles()
    pg.add(corpus[:2])
    batch = [record_rows(a.to_dict()) for a in corpus[2:5]]
    batch[-1].article["id"] = None  # NOT NULL: the last upsert of the batch fails
    with pytest.raises(psycopg.errors.NotNullViolation):
        pg.write_batch(batch)
    assert [a.id for a in pg.export()] == [a.id for a in corpus[:2]]
    assert pg.con.execute("SELECT count(*) FROM paragraphs").fetchone() == (
        sum(len(a.paragraphs) for a in corpus[:2]),
    )


def test_filters(pg: PostgresStore) -> None:
    pg.add(articles())

    def ids(query: str, **filters: str) -> set[str]:
        return set(_ids(pg, query, filters=SearchFilters(**filters)))

    assert ids("ولي العهد") == {"visit-spa", "visit-riyadh", "visit-okaz"}
    assert ids("ولي العهد", source="okaz") == {"visit-okaz"}
    assert ids("النفط", date_from="2025-06-13") == {"oil-down", "oil-down-copy"}
    assert ids("النفط", date_to="2025-06-12") == {"oil-up"}
    assert ids("النفط", date_from="2025-06-13", date_to="2025-06-13") == {"oil-down", "oil-down-copy"}
    assert ids("العهد", person="محمد بن سلمان") == {"visit-spa", "visit-riyadh", "visit-okaz"}
    assert ids("العهد", person="سلمان") == {
        "visit-spa",
        "visit-riyadh",
        "visit-okaz",
    }  # whole words of the name
    assert ids("العهد", person="سلما") == set()  # not part of a word
    assert ids("كورونا", place="القاهره") == {"corona-cairo"}  # dateline place, ة written ه
    assert ids("كورونا", place="الإسكندرية") == {"corona-cairo"}  # a LOC entity
    assert ids("كورونا OR العهد", country="eg") == {"corona-cairo"}
    assert ids("العهد", country="US") == {
        "visit-spa",
        "visit-riyadh",
    }  # a LOC entity's country (okaz has none)
    assert ids("الرئيس OR كورونا", agency="AFP") == {"corona-cairo", _seed().id}
    assert ids("الرئيس OR كورونا", agency="أ ف ب") == set()  # the agency's canonical name, not as written
    assert ids("النفط", story="oil-down") == {"oil-down", "oil-down-copy"}
    assert ids("المنطقة OR السيطرة", speaker="محمد بن سلمان") == {"visit-spa", "visit-riyadh"}
    assert ids("المنطقة OR السيطرة", speaker="وزير الصحة") == {"corona-cairo"}


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"date_from": "yesterday"}, "from: not an ISO date"),
        ({"date_to": "2025-13-01"}, "to: not an ISO date"),
        ({"person": "!!!"}, "person: nothing to look for"),
        ({"speaker": "  "}, "speaker: nothing to look for"),
    ],
)
def test_bad_filters_are_query_errors(pg: PostgresStore, filters: dict[str, str], message: str) -> None:
    with pytest.raises(QueryError, match=message):
        pg.search("النفط", filters=SearchFilters(**filters))


def test_collapse_one_hit_per_story_with_its_copies(pg: PostgresStore) -> None:
    pg.add(articles())
    flat = pg.search("ولي العهد")
    assert flat.total == 3 and {h.copies for h in flat.hits} == {1}
    collapsed = pg.search("ولي العهد", collapse=True)
    assert collapsed.total == 1
    (hit,) = collapsed.hits
    assert hit.copies == 3 and hit.story == "visit-spa"
    assert hit.id == flat.hits[0].id  # the story's best-ranked member stands for it
    oil = pg.search("النفط", collapse=True)
    assert oil.total == 2 and sorted(h.copies for h in oil.hits) == [1, 2]


def test_paging_is_deterministic_and_ties_go_by_id(pg: PostgresStore) -> None:
    body = ["نص واحد مكرر في عدة مقالات عن الطاقة المتجددة."]
    twins = [Article(f"twin-{i}", body, title="الطاقة", source="x") for i in (3, 1, 2)]
    pg.add(twins)
    result = pg.search("الطاقة")
    assert [h.id for h in result.hits] == ["twin-1", "twin-2", "twin-3"]
    assert len({h.score for h in result.hits}) == 1
    assert [h.id for h in pg.search("الطاقة", limit=1, offset=1).hits] == ["twin-2"]
    assert pg.search("الطاقة", limit=1, offset=5).hits == []
    assert pg.search("الطاقة", limit=1, offset=5).total == 3


def test_title_outranks_body(pg: PostgresStore) -> None:
    pg.add(
        [
            Article("in-body", ["تقرير عن الاقتصاد وفيه ذكر للزلزال مرة واحدة فقط."], title="تقرير اقتصادي"),
            Article("in-title", ["تقرير عن الاقتصاد بلا ذكر آخر."], title="الزلزال"),
        ]
    )
    assert _ids(pg, "زلزال") == ["in-title", "in-body"]


def test_snippet_marks_the_display_words_with_their_diacritics(pg: PostgresStore) -> None:
    pg.add(articles())
    (hit,) = pg.search("الواجهه البحريه").hits
    assert f"{MARK_START}الواجِهة{MARK_END} {MARK_START}البَحريّة{MARK_END}" in hit.snippet
    assert hit.para == 0
    (title_only,) = pg.search("يوضح").hits  # in the title only
    assert title_only.para is None and f"{MARK_START}يوضح{MARK_END}" in title_only.snippet


def test_story_and_stats(pg: PostgresStore) -> None:
    corpus = articles()
    pg.add(corpus)
    members = pg.story("visit-spa")
    assert {a.id for a in members} == {"visit-spa", "visit-riyadh", "visit-okaz"}
    assert [a.published for a in members] == sorted(a.published or "" for a in members)
    assert [a.id for a in pg.story("hospital")] == ["hospital"]  # an article with no story is its own
    assert pg.story("nothing") == []
    stats = pg.stats()
    assert stats == {
        "articles": len(corpus),
        "stories": len({a.story or a.id for a in corpus}),
        "sources": len({a.source for a in corpus}),
        "date_from": "2025-06-10",
        "date_to": "2025-06-16",
        "schema": SCHEMA_VERSION,
    }


@pytest.mark.parametrize(
    "query",
    [
        '"غير مغلق',
        "OR",
        "النفط OR",
        "NOT",
        "-النفط",
        "NOT النفط",
        "؟!،",
        "النفط " * 2000,  # 10 KB
        "\u202b\u202e\u200f",  # bidi controls only
    ],
)
def test_malformed_queries_are_query_errors(pg: PostgresStore, query: str) -> None:
    pg.add(articles())
    with pytest.raises(QueryError):
        pg.search(query)


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE articles; --",
        "النفط') | ('",
        "\\' <-> !:* & |",
        "a:* & b",
        "النفط\u202e",  # a bidi control inside a word's reach
    ],
)
def test_sql_and_tsquery_syntax_in_queries_is_only_text(pg: PostgresStore, query: str) -> None:
    pg.add(articles())
    with contextlib.suppress(QueryError):  # a clear message, or a search for the words it holds
        pg.search(query)
    assert pg.stats()["articles"] == len(articles())


def test_sql_in_filters_is_only_text(pg: PostgresStore) -> None:
    pg.add(articles())
    evil = "x' OR '1'='1"
    for field in ("source", "story", "country", "agency", "place", "person", "speaker"):
        assert pg.search("النفط OR العهد", filters=SearchFilters(**{field: evil})).hits == [], field


def test_text_postgresql_refuses_is_stored_anyway(pg: PostgresStore) -> None:
    """A NUL or a lone surrogate (possible in a hand-made record) cannot be a PostgreSQL text value: the
    row columns get U+FFFD, the record (JSON escapes) is kept exactly."""
    a = Article("odd", ["نص فيه \x00 محرف غريب"], title="عنوان \ud800 غريب", source="s\x00rc")
    pg.add([a])
    (back,) = pg.export()
    assert back == a
    assert pg.con.execute("SELECT title, source FROM articles").fetchone() == (
        "عنوان \ufffd غريب",
        "s\ufffdrc",
    )
    assert _ids(pg, "غريب") == ["odd"]


def test_odd_values_in_a_record_do_not_fail_the_batch(pg: PostgresStore) -> None:
    record = articles()[3].to_dict()
    record["digest"] = "many"
    record["duplicate"] = {"of": "x", "kind": "near", "similarity": "high"}
    record["numbers"] = [{"text": "٣", "para": "zero", "start": 0, "end": 1, "value": [3], "unit": None}]
    w = pg.writer()
    w.write_record(record)
    w.close()
    assert pg.con.execute("SELECT digest, dup_similarity FROM articles").fetchone() == (None, None)
    assert pg.con.execute("SELECT para, value FROM numbers").fetchone() == (None, None)
    assert pg.get(record["id"]).to_dict() == record  # type: ignore[union-attr]


def test_long_articles_stay_searchable() -> None:
    """Past PostgreSQL's last position (16,383) words still match; a word keeps at most 256 positions."""
    words = [f"كلمة{i}" for i in range(20_000)]
    literal, held = tsvector_literal("عنوان", " ".join(words) + " " + " ".join(["تكرار"] * 1000))
    assert held == ["عنوان", *words, "تكرار"]
    assert f"'كلمة19999':{MAX_POSITION}" in literal
    assert literal.count(",") < 1000  # تكرار keeps one clamped position, not 1000
    blob = "ب" * 5000
    assert tsvector_literal("", blob + " كلمة") == (
        "'كلمة':3",
        ["كلمة"],
    )  # refused by PostgreSQL: left out, its place kept


def test_a_long_article_end_to_end(pg: PostgresStore) -> None:
    filler = " ".join(f"كلمة{i}" for i in range(20_000))
    pg.add([Article("long", ["بداية المقال الطويل " + filler + " خاتمة المقال الطويل"], title="طويل")])
    assert _ids(pg, '"بداية المقال"') == ["long"]
    assert _ids(pg, "خاتمة") == ["long"]  # past position 16,383
    assert _ids(pg, "كلمة19999") == ["long"]


def test_schema_version_is_recorded_and_reopening_is_idempotent(postgres_url: str) -> None:
    for _ in range(2):
        s = PostgresStore(postgres_url)
        assert s.con.execute("SELECT value FROM khabar_meta WHERE key = 'schema_version'").fetchone() == (
            str(SCHEMA_VERSION),
        )
        s.close()


def test_a_newer_schema_is_refused(postgres_url: str) -> None:
    s = PostgresStore(postgres_url)
    s.con.execute("UPDATE khabar_meta SET value = '99' WHERE key = 'schema_version'")
    s.close()
    for readonly in (False, True):
        with pytest.raises(StoreError, match="schema version 99 is newer"):
            PostgresStore(postgres_url, readonly=readonly)


def test_another_applications_articles_table_is_refused(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as con:
        con.execute("CREATE TABLE articles (id int)")
    with pytest.raises(StoreError, match="not a khabar store"):
        PostgresStore(postgres_url)


def test_readonly_needs_a_store_and_refuses_writes(postgres_url: str) -> None:
    with pytest.raises(StoreError, match="no khabar store here"):
        PostgresStore(postgres_url, readonly=True)
    PostgresStore(postgres_url).close()
    ro = PostgresStore(postgres_url, readonly=True)
    try:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            ro.add(articles()[:1])
    finally:
        ro.close()


def test_a_schema_per_store_through_the_url(postgres_url: str) -> None:
    """``?options=-csearch_path=NAME`` puts a store in its own schema: two stores in one database."""
    with psycopg.connect(postgres_url, autocommit=True) as con:
        con.execute("CREATE SCHEMA team_a")
    a = PostgresStore(postgres_url + "?options=-csearch_path%3Dteam_a")
    b = PostgresStore(postgres_url)
    try:
        a.add(articles()[:2])
        assert a.stats()["articles"] == 2 and b.stats()["articles"] == 0
    finally:
        a.close()
        b.close()


def test_concurrent_first_opens_create_the_schema_once(postgres_url: str) -> None:
    errors: list[BaseException] = []

    def open_and_add(i: int) -> None:
        try:
            s = PostgresStore(postgres_url)
            s.add([Article(f"a{i}", [f"نص رقم {i}"])])
            s.close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_and_add, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    s = PostgresStore(postgres_url)
    assert s.stats()["articles"] == 4
    s.close()


def test_connection_errors_name_the_server_without_the_password() -> None:
    with pytest.raises(
        StoreError, match=r"^postgresql://khabar:\*\*\*@127\.0\.0\.1:1/x\?connect_timeout=2: cannot connect"
    ):
        PostgresStore("postgresql://khabar:secret@127.0.0.1:1/x?connect_timeout=2")


def test_an_index_built_by_another_analysis_is_rebuilt(postgres_url: str) -> None:
    s = PostgresStore(postgres_url)
    s.add(articles())
    s.con.execute("UPDATE khabar_meta SET value = 'old' WHERE key = 'analysis'")
    s.con.execute("UPDATE articles SET tsv = ''")  # what an old analysis left: nothing this one finds
    s.con.execute("TRUNCATE terms")
    s.close()
    with pytest.raises(StoreError, match="another version of khabar's analysis"):
        PostgresStore(postgres_url, readonly=True)
    s = PostgresStore(postgres_url)  # for writing: rebuilt
    try:
        assert {h.id for h in s.search("ولي العهد", limit=100).hits} == {
            "visit-spa",
            "visit-riyadh",
            "visit-okaz",
        }
        assert s.con.execute("SELECT count(*) > 0 FROM terms").fetchone() == (True,)
    finally:
        s.close()
    PostgresStore(postgres_url, readonly=True).close()


def test_a_lost_connection_is_a_store_error(pg: PostgresStore, postgres_url: str) -> None:
    pg.add(articles()[:2])
    pid = pg.con.info.backend_pid
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(StoreError, match=r"^postgres(ql)?://"):  # names the server
        pg.search("العهد")
    with pytest.raises(StoreError):
        list(pg.export())


def test_concurrent_writers_of_the_same_articles(postgres_url: str) -> None:
    """Two writers upserting the same articles in opposite orders: no deadlock, no article's rows twice."""
    corpus = articles()
    PostgresStore(postgres_url).close()
    errors: list[BaseException] = []

    def write(order: list[Article]) -> None:
        s = PostgresStore(postgres_url)
        try:
            for _ in range(5):
                s.add(order, batch_size=4)
        except BaseException as exc:
            errors.append(exc)
        finally:
            s.close()

    threads = [threading.Thread(target=write, args=(o,)) for o in (corpus, corpus[::-1])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    s = PostgresStore(postgres_url)
    try:
        assert sorted(a.id for a in s.export()) == sorted(a.id for a in corpus)
        paragraphs = s.con.execute("SELECT count(*) FROM paragraphs").fetchone()
        assert paragraphs == (sum(len(a.paragraphs) for a in corpus),)
    finally:
        s.close()
