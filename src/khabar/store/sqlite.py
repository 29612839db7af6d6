"""The embedded store: one SQLite file, nothing to start. The default behind ``--db PATH``.

Layout: ``articles`` (one row per record: scalar fields, dateline, story, duplicate, and the record's JSON
line, which ``export`` gives back byte for byte), one table each for paragraphs, entities, quotes, dates
and numbers (filters and facets), and ``fts``, an FTS5 table over each article's analysed title and body
(``analysis.index_text``: the words' cores) tokenized by FTS5's own C tokenizer, ranked by bm25 with the
title weighted above the body. The FTS5 table is contentless: it keeps the index, not a copy of the
analysed text (1,008 instead of 1,282 µs per SaudiNewsNet article stored); replacing an article deletes
its old entry with the analysed text recomputed from its stored record, and ``meta.analysis`` records
the analysis version the index was built with, so a store built by another version is reindexed when
opened for writing instead of deleting the wrong terms. FTS5 merges its segments 16 at a time instead of 4 (``automerge``):
indexing SaudiNewsNet took 198 µs per article instead of 303. The rowid of ``fts`` is the article's ``seq``: its first-insertion order.

Why a shadow text and not a Python FTS5 tokenizer (APSW): ``benchmarks/store_index.py`` indexed
SaudiNewsNet both ways with the same analysis; calling Python per token from FTS5 was the slower one by
far (see its docstring for the figures), and folding a whole text at once runs in C. Highlighting
does not need FTS5's ``highlight()``: snippets are made from the display paragraphs (``snippet``).

Durability: WAL, one transaction per batch (``BEGIN IMMEDIATE``, so concurrent writers wait for each
other), ``synchronous=NORMAL`` (a committed batch survives the process being killed; kill -9 loses at
most the open batch). Schema: ``PRAGMA user_version`` with a table of migrations; ``application_id`` marks
the file as khabar's. A newer schema is refused, an unknown SQLite file is refused, an older one is
migrated in one transaction.
"""

from __future__ import annotations

import itertools
import json
import math
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from khabar.record import Article
from khabar.store.analysis import ANALYSIS_VERSION, prefix_variants, query_variants
from khabar.store.base import Hit, QueryError, SearchFilters, SearchResult, StoreError
from khabar.store.query import Query, Term, parse
from khabar.store.rows import (
    ARTICLE_COLUMNS,
    RecordRows,
    article_from_record,
    check_record,
    index_texts,
    name_key,
    record_rows,
)
from khabar.store.snippet import snippet

APPLICATION_ID = 0x6B686272  # "khbr"
SCHEMA_VERSION = 1
BATCH_SIZE = 500
TITLE_WEIGHT, BODY_WEIGHT = 4.0, 1.0
MAX_PHRASE_VARIANTS = 64  # spelling variants of one phrase looked for (the product over its words)

_SPANS = "idx INTEGER NOT NULL, text TEXT, para INTEGER, pos_start INTEGER, pos_end INTEGER"
_V1 = f"""
CREATE TABLE articles (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, source TEXT, url TEXT, title TEXT, published TEXT,
    day TEXT, story TEXT, dup_of TEXT, dup_kind TEXT, dup_similarity REAL, digest INTEGER, place TEXT,
    place_en TEXT, country TEXT, agency TEXT, place_key TEXT, agency_key TEXT, record BLOB NOT NULL);
CREATE INDEX articles_story ON articles(story);
CREATE INDEX articles_source_day ON articles(source, day);
CREATE INDEX articles_day ON articles(day);
CREATE TABLE paragraphs (article INTEGER NOT NULL, para INTEGER NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (article, para)) WITHOUT ROWID;
CREATE TABLE entities (article INTEGER NOT NULL, idx INTEGER NOT NULL, type TEXT, name TEXT, name_en TEXT,
    country TEXT, key TEXT, mentions INTEGER, PRIMARY KEY (article, idx)) WITHOUT ROWID;
CREATE TABLE quotes (article INTEGER NOT NULL, {_SPANS}, speaker TEXT, speaker_entity INTEGER,
    speaker_key TEXT, PRIMARY KEY (article, idx)) WITHOUT ROWID;
CREATE TABLE dates (article INTEGER NOT NULL, {_SPANS}, value TEXT, granularity TEXT,
    PRIMARY KEY (article, idx)) WITHOUT ROWID;
CREATE TABLE numbers (article INTEGER NOT NULL, {_SPANS}, value REAL, unit TEXT,
    PRIMARY KEY (article, idx)) WITHOUT ROWID;
CREATE VIRTUAL TABLE fts USING fts5(title, body, content = '', tokenize = 'unicode61 remove_diacritics 0');
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE VIRTUAL TABLE fts_vocab USING fts5vocab(fts, row);
INSERT INTO fts (fts, rank) VALUES ('automerge', 16);
"""


def _migrate_to_1(con: sqlite3.Connection) -> None:
    for statement in _V1.split(";\n"):
        if statement.strip():
            con.execute(statement)


# version → the function that brings a file from version - 1 to it. A new schema adds an entry here.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _migrate_to_1}
_CHILD_TABLES = ("paragraphs", "entities", "quotes", "dates", "numbers")
_CHILD_COLUMNS = {
    "paragraphs": ("para", "text"),
    "entities": ("idx", "type", "name", "name_en", "country", "key", "mentions"),
    "quotes": ("idx", "text", "para", "pos_start", "pos_end", "speaker", "speaker_entity", "speaker_key"),
    "dates": ("idx", "text", "para", "pos_start", "pos_end", "value", "granularity"),
    "numbers": ("idx", "text", "para", "pos_start", "pos_end", "value", "unit"),
}  # fmt: skip


def _sql_value(v: Any) -> Any:
    """SQLite takes str, int, float, bytes and None; anything else a record holds is stored as JSON."""
    if v is None or isinstance(v, str | int | float | bytes):
        return v
    return json.dumps(v, ensure_ascii=False)


def _schema_version(con: sqlite3.Connection, path: str) -> int:
    version = con.execute("PRAGMA user_version").fetchone()[0]
    app = con.execute("PRAGMA application_id").fetchone()[0]
    tables = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if app != APPLICATION_ID and (tables or version):
        raise StoreError(f"{path}: not a khabar store (an SQLite file of another application)")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: store schema version {version} is newer than this khabar's ({SCHEMA_VERSION}); "
            "upgrade khabar to read it"
        )
    return int(version)


def migrate(con: sqlite3.Connection, path: str, target: int | None = None) -> None:
    """Bring the file to schema ``target`` (default: this khabar's) in one transaction: nothing changes
    if a step fails."""
    target = SCHEMA_VERSION if target is None else target
    con.execute("BEGIN IMMEDIATE")
    try:
        version = _schema_version(con, path)
        if version < target:
            for v in range(version + 1, target + 1):
                if v not in MIGRATIONS:
                    raise StoreError(f"{path}: no migration from store schema {v - 1} to {v}")
                MIGRATIONS[v](con)
            con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            con.execute(f"PRAGMA user_version = {int(target)}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _fts_string(text: str) -> str:
    return '"' + text + '"'  # cores are letters and digits only: nothing to escape


class SQLiteWriter:
    """Articles into the store, committed every ``batch_size``; see ``base.StoreWriter``. A record that
    is not a khabar record raises SchemaError from ``write_record`` and is not kept; the batch goes on."""

    def __init__(self, store: SQLiteStore, batch_size: int = BATCH_SIZE) -> None:
        self.store, self.batch_size = store, batch_size
        self.pending: list[RecordRows] = []
        self.count = 0
        self.closed = False

    def write(self, article: Article) -> None:
        self.write_record(article.to_dict())

    def write_record(self, record: dict[str, Any], line: bytes | None = None) -> None:
        """Store a record dict; ``line``: the JSON line it was parsed from, stored as it is."""
        check_record(record)
        self.pending.append(record_rows(record, line))
        if len(self.pending) >= self.batch_size:
            self.sync()

    def sync(self) -> None:
        """Commit the open batch."""
        if self.pending:
            batch, self.pending = self.pending, []
            self.store.write_batch(batch)
            self.count += len(batch)

    def abort(self) -> None:
        """Drop the open batch; what was committed stays."""
        self.pending = []
        self.closed = True

    def close(self) -> None:
        if not self.closed:
            self.sync()
            self.closed = True


class SQLiteStore:
    """A khabar store in one SQLite file (``khabar.store.open(path)``)."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = str(path)
        if readonly:
            if not Path(self.path).exists():
                raise StoreError(f"{self.path}: no such store")
            uri = "file:" + Path(self.path).resolve().as_posix() + "?mode=ro"
            self.con = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        else:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.con = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=60)
        try:
            self.con.execute("PRAGMA busy_timeout = 60000")
            if readonly:
                if _schema_version(self.con, self.path) < SCHEMA_VERSION:
                    raise StoreError(f"{self.path}: an older store schema; open it for writing to migrate")
                if self._analysis() != ANALYSIS_VERSION:
                    raise StoreError(
                        f"{self.path}: indexed by another version of khabar's analysis; open it for writing "
                        "(khabar index) to reindex"
                    )
            else:
                self.con.execute("PRAGMA journal_mode = WAL")
                self.con.execute("PRAGMA synchronous = NORMAL")
                migrate(self.con, self.path)
                if self._analysis() != ANALYSIS_VERSION:
                    self.reindex()
        except sqlite3.DatabaseError as exc:
            self.con.close()
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from None
        except BaseException:
            self.con.close()
            raise

    # writing

    def _analysis(self) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = 'analysis'").fetchone()
        return row[0] if row else None

    def reindex(self) -> None:
        """Rebuild the full-text index from the stored records with this version's analysis, in one
        transaction (a new store: just records the version)."""
        con = self.con
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute("INSERT INTO fts (fts) VALUES ('delete-all')")
            cur = con.execute("SELECT seq, record FROM articles ORDER BY seq")
            while rows := cur.fetchmany(BATCH_SIZE):
                con.executemany(
                    "INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)",
                    [(seq, *index_texts(json.loads(record))) for seq, record in rows],
                )
            con.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('analysis', ?)", (ANALYSIS_VERSION,)
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def writer(self, batch_size: int = BATCH_SIZE) -> SQLiteWriter:
        return SQLiteWriter(self, batch_size)

    def add(self, articles: Iterable[Article], *, batch_size: int = BATCH_SIZE) -> int:
        w = self.writer(batch_size)
        try:
            for a in articles:
                w.write(a)
        except BaseException:
            w.abort()
            raise
        w.close()
        return w.count

    def add_records(self, records: Iterable[dict[str, Any]], *, batch_size: int = BATCH_SIZE) -> int:
        """``add`` for record dicts as read from a records file (no Article built)."""
        w = self.writer(batch_size)
        try:
            for d in records:
                w.write_record(d)
        except BaseException:
            w.abort()
            raise
        w.close()
        return w.count

    def write_batch(self, batch: list[RecordRows]) -> None:
        """Upsert a batch by id in one transaction: a known id keeps its ``seq`` (export order), its rows
        are replaced."""
        con = self.con
        con.execute("BEGIN IMMEDIATE")
        try:
            self._write(batch)
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise

    def _write(self, batch: list[RecordRows]) -> None:
        con = self.con
        ids = list(dict.fromkeys(r.article["id"] for r in batch))
        known: dict[str, int] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            known.update(con.execute(f"SELECT id, seq FROM articles WHERE id IN ({marks})", chunk).fetchall())
        old = sorted(set(known.values()))
        if old:
            for table in _CHILD_TABLES:
                con.executemany(f"DELETE FROM {table} WHERE article = ?", [(s,) for s in old])
            marks = ",".join("?" * len(old))
            stored = con.execute(f"SELECT seq, record FROM articles WHERE seq IN ({marks})", old).fetchall()
            con.executemany(
                "INSERT INTO fts (fts, rowid, title, body) VALUES ('delete', ?, ?, ?)",
                [(seq, *index_texts(json.loads(record))) for seq, record in stored],
            )
        next_seq = (con.execute("SELECT max(seq) FROM articles").fetchone()[0] or 0) + 1
        latest: dict[str, RecordRows] = {}
        order: list[str] = []
        for r in batch:  # the same id twice in a batch: the later record wins, the first place counts
            i = r.article["id"]
            if i not in latest:
                order.append(i)
            latest[i] = r
        seqs: dict[str, int] = {}
        for i in order:
            if i in known:
                seqs[i] = known[i]
            else:
                seqs[i] = next_seq
                next_seq += 1
        cols = ", ".join(ARTICLE_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in ARTICLE_COLUMNS[1:])
        con.executemany(
            f"INSERT INTO articles (seq, {cols}) VALUES (?, {', '.join('?' * len(ARTICLE_COLUMNS))}) "
            f"ON CONFLICT(id) DO UPDATE SET {updates}",
            [(seqs[i], *(_sql_value(latest[i].article[c]) for c in ARTICLE_COLUMNS)) for i in order],
        )
        con.executemany(
            "INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)",
            [(seqs[i], latest[i].title_index, latest[i].body_index) for i in order],
        )
        for table in _CHILD_TABLES:
            rows = [(seqs[i], *row) for i in order for row in getattr(latest[i], table)]
            if rows:
                columns = _CHILD_COLUMNS[table]
                sql = (
                    f"INSERT INTO {table} (article, {', '.join(columns)}) "
                    f"VALUES (?, {', '.join('?' * len(columns))})"
                )
                try:
                    con.executemany(sql, rows)
                except sqlite3.ProgrammingError:  # a value SQLite cannot take (a list, a dict): as JSON
                    con.executemany(sql, [tuple(map(_sql_value, row)) for row in rows])

    # reading

    def get(self, id: str) -> Article | None:
        row = self.con.execute("SELECT record FROM articles WHERE id = ?", (id,)).fetchone()
        return article_from_record(row[0]) if row else None

    def export_records(self) -> Iterator[dict[str, Any]]:
        """Every record dict as stored, in first-insertion order (``write_record`` writes it back
        byte for byte)."""
        cur = self.con.execute("SELECT record FROM articles ORDER BY seq")
        for (record,) in cur:
            yield json.loads(record)

    def export(self) -> Iterator[Article]:
        for d in self.export_records():
            yield Article.from_dict(d)

    def story(self, story_id: str) -> list[Article]:
        rows = self.con.execute(
            "SELECT record FROM articles WHERE story = ? OR (story IS NULL AND id = ?) ORDER BY published, id",
            (story_id, story_id),
        ).fetchall()
        return [article_from_record(r[0]) for r in rows]

    def stats(self) -> dict[str, Any]:
        articles, stories, sources, first, last = self.con.execute(
            "SELECT count(*), count(DISTINCT coalesce(story, id)), count(DISTINCT source), min(day), max(day) "
            "FROM articles"
        ).fetchone()
        return {
            "articles": articles,
            "stories": stories,
            "sources": sources,
            "date_from": first,
            "date_to": last,
            "schema": SCHEMA_VERSION,
        }

    def close(self) -> None:
        self.con.close()

    # search

    def _existing(self, terms: list[str]) -> dict[str, int]:
        """Which of ``terms`` the index holds, with the number of articles holding each."""
        found: dict[str, int] = {}
        for i in range(0, len(terms), 500):
            chunk = terms[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self.con.execute(f"SELECT term, doc FROM fts_vocab WHERE term IN ({marks})", chunk))
        return found

    def _term_expression(self, term: Term, exact: set[str], prefixes: list[str]) -> str:
        """A term as FTS5 syntax: each word as any of its spelling variants present in the index. A phrase
        whose variants make more than MAX_PHRASE_VARIANTS combinations keeps each word's commonest."""
        if term.prefix:  # the last word's core as a prefix, also after a single-letter clitic
            starts = prefix_variants(term.cores[-1])
            prefixes.extend(starts)
            head = term.cores[:-1]
            return "(" + " OR ".join(_fts_string(" ".join((*head, s))) + " *" for s in starts) + ")"
        per_word: list[list[str]] = []
        for c in term.cores:
            variants = query_variants(c)
            present = self._existing(variants)
            per_word.append([c, *(v for v in variants[1:] if v in present)])
            exact.update(per_word[-1])
        if math.prod(map(len, per_word)) > MAX_PHRASE_VARIANTS:
            keep = max(1, int(MAX_PHRASE_VARIANTS ** (1 / len(per_word))))
            counts = self._existing([v for words in per_word for v in words])
            per_word = [
                [w[0], *sorted(w[1:], key=lambda v: (-counts.get(v, 0), v))[: keep - 1]] for w in per_word
            ]
        phrases = [" ".join(combo) for combo in itertools.product(*per_word)]
        return "(" + " OR ".join(_fts_string(p) for p in phrases) + ")"

    def compile(self, query: Query) -> tuple[str, set[str], list[str]]:
        """FTS5 MATCH text for a parsed query, and the cores and prefixes it looks for (to highlight)."""
        exact: set[str] = set()
        prefixes: list[str] = []
        groups = [
            "(" + " OR ".join(self._term_expression(t, exact, prefixes) for t in g) + ")"
            for g in query.groups
        ]
        expression = " AND ".join(groups)
        if query.excluded:
            ignore: set[str] = set()
            excluded = " OR ".join(self._term_expression(t, ignore, []) for t in query.excluded)
            expression = f"({expression}) NOT ({excluded})"
        return expression, exact, prefixes

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        offset: int = 0,
        filters: SearchFilters | None = None,
        collapse: bool = False,
    ) -> SearchResult:
        parsed = parse(query)
        expression, exact, prefixes = self.compile(parsed)
        where, params = _filter_sql(filters or SearchFilters())
        matched = (
            "SELECT a.seq AS seq, a.id AS id, coalesce(a.story, a.id) AS grp, "
            f"-bm25(fts, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS score "
            # CROSS JOIN keeps the full-text match as the outer loop: with a plain JOIN, SQLite
            # walks an outlet's rows by its index and runs the MATCH once per row (a source filter
            # took 11 s at 100k articles, growing with the store)
            f"FROM fts CROSS JOIN articles a ON a.seq = fts.rowid WHERE fts MATCH ?{where}"
        )
        if collapse:
            ranked = (
                f"SELECT seq, id, grp, score, count(*) OVER (PARTITION BY grp) AS copies, "
                f"row_number() OVER (PARTITION BY grp ORDER BY score DESC, id) AS rn FROM ({matched})"
            )
            sql = f"SELECT seq, score, copies FROM ({ranked}) WHERE rn = 1 ORDER BY score DESC, id LIMIT ? OFFSET ?"
            count_sql = f"SELECT count(DISTINCT grp) FROM ({matched})"
        else:
            sql = f"SELECT seq, score, 1 FROM ({matched}) ORDER BY score DESC, id LIMIT ? OFFSET ?"
            count_sql = f"SELECT count(*) FROM ({matched})"
        args = [expression, *params]
        try:
            page = self.con.execute(sql, [*args, int(limit), int(offset)]).fetchall()
            total = self.con.execute(count_sql, args).fetchone()[0]
        except sqlite3.OperationalError as exc:  # a query FTS5 cannot run: say so, never a traceback
            raise QueryError(f"cannot run this query: {exc}") from None
        hits = []
        for seq, score, copies in page:
            (record,) = self.con.execute("SELECT record FROM articles WHERE seq = ?", (seq,)).fetchone()
            d = json.loads(record)
            lead = ((d.get("dateline") or {}).get("raw"), d.get("title"))
            text, para = snippet(d["paragraphs"], exact, prefixes, lead=lead)
            hits.append(
                Hit(
                    id=d["id"],
                    score=float(score),
                    title=d.get("title"),
                    source=d.get("source"),
                    published=d.get("published"),
                    url=d.get("url"),
                    story=d.get("story"),
                    copies=int(copies),
                    snippet=text,
                    para=para,
                )
            )
        return SearchResult(hits=hits, total=int(total), query=query)


def _iso_day(value: str, what: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise QueryError(f"{what}: not an ISO date (YYYY-MM-DD): {value!r}") from None


def _words_in(column: str) -> str:
    """SQL: the filter value (a parameter) is a run of whole words of ``column``."""
    return f"instr(' ' || {column} || ' ', ' ' || ? || ' ') > 0"


def _needle(value: str, what: str) -> str:
    key = name_key(value)
    if not key:
        raise QueryError(f"{what}: nothing to look for in {value!r}")
    return key


def _filter_sql(f: SearchFilters) -> tuple[str, list[Any]]:
    """The filters as SQL conditions on ``a`` (articles) with their parameters: values are never
    formatted into the SQL."""
    parts: list[str] = []
    params: list[Any] = []
    if f.source:
        parts.append("a.source = ?")
        params.append(f.source)
    if f.date_from:
        parts.append("a.day >= ?")
        params.append(_iso_day(f.date_from, "from"))
    if f.date_to:
        parts.append("a.day <= ?")
        params.append(_iso_day(f.date_to, "to"))
    if f.story:
        parts.append("a.story = ?")
        params.append(f.story)
    if f.person:
        parts.append(
            "EXISTS (SELECT 1 FROM entities e WHERE e.article = a.seq AND e.type = 'PERS' AND "
            + _words_in("e.key")
            + ")"
        )
        params.append(_needle(f.person, "person"))
    if f.place:
        needle = _needle(f.place, "place")
        parts.append(
            "(" + _words_in("a.place_key") + " OR EXISTS (SELECT 1 FROM entities e WHERE e.article = a.seq "
            "AND e.type = 'LOC' AND " + _words_in("e.key") + "))"
        )
        params += [needle, needle]
    if f.country:
        cc = f.country.strip().upper()
        parts.append(
            "(upper(a.country) = ? OR EXISTS (SELECT 1 FROM entities e WHERE e.article = a.seq "
            "AND e.type = 'LOC' AND upper(e.country) = ?))"
        )
        params += [cc, cc]
    if f.agency:
        parts.append(_words_in("a.agency_key"))
        params.append(_needle(f.agency, "agency"))
    if f.speaker:
        parts.append(
            "EXISTS (SELECT 1 FROM quotes q WHERE q.article = a.seq AND " + _words_in("q.speaker_key") + ")"
        )
        params.append(_needle(f.speaker, "speaker"))
    return "".join(" AND " + p for p in parts), params


__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "SQLiteStore", "SQLiteWriter", "migrate"]
