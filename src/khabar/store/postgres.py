"""The shared store: PostgreSQL, for a team's server. ``khabar.store.open("postgresql://...")`` and every
command's ``--db postgresql://...``; the same contract as the SQLite store (``base.Store``), with psycopg 3.

Layout, mirroring ``khabar.store.sqlite``: ``articles`` (one row per record: scalar fields, dateline, story,
duplicate, the record's JSON line exactly as read — ``export`` gives it back byte for byte — and ``tsv``,
the article's text as a tsvector under a GIN index), and one table each for paragraphs, entities, quotes,
dates and numbers, for filters and for whoever queries the server in SQL; ``terms``, every word the index
has held (see below). ``khabar_meta`` holds the schema
version (``MIGRATIONS`` brings an older store up to date, a newer one is refused) and the version of the
analysis its tsvectors were built with (another one is rebuilt when the store is opened for writing, and
refused for reading: queries are analysed by the running version). Tables are created in the
connection's current schema (``public`` unless the URL says ``?options=-csearch_path%3Dname``), so one
database can hold several stores; a schema that has an ``articles`` table but no ``khabar_meta`` is
another application's and is refused.

**Which full-text analysis, by measurement.** PostgreSQL ships an ``arabic`` text search configuration
(the Snowball Arabic stemmer); khabar has its own analysis (``khabar.store.analysis``: the matching key
with article clitics removed on the document side, single-letter clitics and light suffixes as query-side
variants). Measured on 400 SaudiNewsNet articles (200 each from 2015-07-21 and 2015-08-01, refined with
``stages=()``) and 64 known-item queries written for it with spelling variants — hamza dropped or added,
ة written ه, ى/ي swapped, clitics (و ب ل ال لل) added or removed, harakat, Arabic-Indic digits — each
query's words ANDed, ranked by ``ts_rank_cd``:

=============================================  ============  ======  ============
tsvector (query)                               target found  MRR@10  hits / query
=============================================  ============  ======  ============
``simple`` on the raw text (stock)             14 / 64       0.211   0.2
``arabic`` (Snowball) on the raw text          41 / 64       0.641   0.7
``arabic`` on the matching key                 60 / 64       0.922   1.1
the matching key per word, no clitics          55 / 64       0.836   1.0
khabar's analysis (this module)                62 / 64       0.953   1.1
=============================================  ============  ======  ============

Snowball on the raw text misses most variant spellings (it folds hamza on alef but not ة/ه nor ى/ي:
الحديده, مستشفي); on the matching key it does better but still cuts names and merges words: بلال is
indexed as لال, الدولة (the state) matches 132 of the 400 articles against 51 that have the word, because
Snowball reduces it and دول (countries) to one stem. khabar's analysis found the most targets, ranked them
best, and keeps names whole; the two it missed need a clitic removed from the *query* word (لسد for سد)
or a tanween alef (بائع for بائعا), which the analysis declines by design. It is also what the SQLite store
indexes, so both backends find the same articles (tests/store_postgres/test_parity.py) — the deciding
reason. The dev set and the script are outside the repository (they were written for this choice only;
the judged query set of issue 10, item 5, measures search quality and was not looked at).

**How the analysis reaches PostgreSQL.** Not through a text search configuration: the tsvector is built in
Python from ``rows.record_rows``' analysed title and body (``analysis.index_text``, the same strings FTS5
indexes), word by word at their positions, title weighted A and body D, and sent as a tsvector literal;
queries (``query.parse``) become a tsquery literal in which each word is the OR of those of its spelling
variants (``analysis.query_variants``) that ``terms`` holds — as the SQLite store asks FTS5's vocabulary;
with all of them (168 a word) a search took seconds —, phrases use ``<->`` between such groups, and a
phrase with more than 64 combinations keeps each word's commonest variants exactly as the SQLite store
does (FTS5 can only OR whole phrases; a tsquery could do without the cap, but then the two backends
would find different phrases); ``prefix*`` is ``:*``. So
PostgreSQL's parser, dictionaries and locale take no part: a server with any ``lc_ctype`` gives the same
results, and no extension or configuration has to be installed on a shared server. Both literals are bound
as parameters, never formatted into SQL.

Ranking: ``ts_rank_cd`` (cover density: how close together the matched words are) with the title weighted 4
to the body's 1 as in the SQLite store, not normalised by length; ties by id (bytewise, ``COLLATE "C"``),
so pages are deterministic. Measured with the same 64 queries over all 31,030 SaudiNewsNet articles (every
zip): MRR@10 0.864 for this, 0.856 normalised by 1 + log length, 0.838 for ``ts_rank`` (0.735
normalised). ``ts_rank`` is cheaper with many spelling variants (44 against 217 ms to rank the 2,116
matches of الملك سلمان) but ranks worse. Snippets come from the stored display paragraphs (``snippet``),
never from ``ts_headline`` over analysed text, so highlights point at the words as written, diacritics
included.

Speed, on all 31,030 SaudiNewsNet articles (refined with ``stages=()``), the client on one core and the
server with the test settings of ``.ci/run`` (fsync off): indexing 582 articles/s (the SQLite store 1,241/s
on the same machine), 345 MB in the database; 12 searches (one to five words, a phrase, OR, NOT, a prefix,
a filter) took 112 ms at the median and 332 ms at most (في, in 29,371 articles), SQLite 49 and 121 ms.
Every match is ranked, so time grows with the number of matches; matching and counting go through the GIN
index. Hit sets were the same as SQLite's for all 12.

PostgreSQL's limits, which FTS5 does not have: a position above 16,383 is stored as 16,383 and a word keeps
at most 256 positions, so a phrase beyond the first ~16,000 words of a very long article can be missed
(its words still match); a tsvector holds at most 1 MB, so an article with more distinct words than that
(millions of characters) is searchable by its first words only.

Durability: each batch is one transaction (``write_batch``); a killed writer loses at most the open batch.
Upserts keep an article's first ``seq`` (export order) and replace its rows; concurrent writers take
turns batch by batch (an advisory lock, as SQLite's writers do) while readers go on, and migrations hold
an advisory lock so two first openers do not both create the schema.
A connection lost mid-call is a StoreError naming the server (never its password), not a traceback.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import date
from typing import Any, Concatenate, ParamSpec, TypeVar

import psycopg
from psycopg import sql

from khabar.record import Article
from khabar.store.analysis import ANALYSIS_VERSION, prefix_variants, query_variants
from khabar.store.base import Hit, QueryError, SearchFilters, SearchResult, StoreError
from khabar.store.query import Query, Term, parse
from khabar.store.rows import (
    ARTICLE_COLUMNS,
    DATE_COLUMNS,
    ENTITY_COLUMNS,
    NUMBER_COLUMNS,
    PARAGRAPH_COLUMNS,
    QUOTE_COLUMNS,
    RecordRows,
    article_from_record,
    check_record,
    index_texts,
    name_key,
    record_rows,
)
from khabar.store.snippet import snippet
from khabar.store.sqlite import MAX_PHRASE_VARIANTS

SCHEMA_VERSION = 1
BATCH_SIZE = 500
LOCK_ID = 0x6B686272  # "khbr": the advisory lock migrations hold, and with WRITE_LOCK the writers' one
WRITE_LOCK = 1
# ts_rank_cd weights for D, C, B, A: the title (A) counts four times the body (D), as in the SQLite store.
RANK_WEIGHTS = "{0.25,0.25,0.25,1.0}"
RANK_NORMALISATION = 0  # none: 1 (divide by 1 + log length) ranked the dev queries slightly worse
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
MAX_POSITIONS = 256  # positions kept per lexeme
MAX_TSVECTOR_BYTES = 1_000_000  # under PostgreSQL's 1 MB per tsvector, with room for its headers
MAX_LEXEME_BYTES = 2047  # PostgreSQL refuses a longer word (a query word cannot be one: MAX_QUERY_CHARS)
EXPORT_PAGE = 1000

# Column types: values are coerced to them in Python, so a record with an odd value (a string where a
# number belongs) is stored with NULL there instead of failing its whole batch; the record itself is kept
# as it is and exports unchanged.
_TEXT, _INT, _REAL = "text", "integer", "double precision"
_ARTICLE_TYPES = {
    "id": 'text COLLATE "C" NOT NULL UNIQUE',
    "source": _TEXT,
    "url": _TEXT,
    "title": _TEXT,
    "published": 'text COLLATE "C"',
    "day": 'text COLLATE "C"',
    "story": 'text COLLATE "C"',
    "dup_of": _TEXT,
    "dup_kind": _TEXT,
    "dup_similarity": _REAL,
    "digest": _INT,
    "place": _TEXT,
    "place_en": _TEXT,
    "country": _TEXT,
    "agency": _TEXT,
    "place_key": _TEXT,
    "agency_key": _TEXT,
    "record": "text NOT NULL",
}
# Child tables: the columns ``rows`` gives (start/end named pos_start/pos_end, as in the SQLite store, since
# END is reserved), typed by name.
_CHILD_COLUMNS = {
    "paragraphs": PARAGRAPH_COLUMNS,
    "entities": ENTITY_COLUMNS,
    "quotes": QUOTE_COLUMNS,
    "dates": DATE_COLUMNS,
    "numbers": NUMBER_COLUMNS,
}
_INT_COLUMNS = frozenset({"idx", "para", "start", "end", "speaker_entity", "mentions"})
_SQL_NAMES = {"start": "pos_start", "end": "pos_end"}


def _child_type(table: str, column: str) -> str:
    if column in _INT_COLUMNS:
        return _INT
    return _REAL if (table, column) == ("numbers", "value") else _TEXT


_CHILD_TYPES: dict[str, tuple[tuple[str, str], ...]] = {
    table: tuple((_SQL_NAMES.get(c, c), _child_type(table, c)) for c in columns)
    for table, columns in _CHILD_COLUMNS.items()
}


def _v1_statements() -> list[str]:
    cols = ", ".join(f"{c} {_ARTICLE_TYPES[c]}" for c in ARTICLE_COLUMNS)
    out = [
        f"CREATE TABLE articles (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, {cols}, "
        "tsv tsvector NOT NULL)",
        "CREATE INDEX articles_tsv ON articles USING gin (tsv)",
        "CREATE INDEX articles_story ON articles (story)",
        "CREATE INDEX articles_source_day ON articles (source, day)",
        "CREATE INDEX articles_day ON articles (day)",
        # every word the index has held (never removed: a stale one only costs a lookup): which spelling
        # variants of a query word are worth asking for, as FTS5's vocabulary tells the SQLite store
        'CREATE TABLE terms (term text COLLATE "C" PRIMARY KEY)',
    ]
    for table, columns in _CHILD_TYPES.items():
        defs = ", ".join(f"{c} {t}" for c, t in columns)
        out.append(
            f"CREATE TABLE {table} (article bigint NOT NULL REFERENCES articles (seq) ON DELETE CASCADE, "
            f"{defs}, PRIMARY KEY (article, {columns[0][0]}))"
        )
    return out


# version → the statements that bring a store from version - 1 to it. A new schema adds an entry here.
MIGRATIONS: dict[int, Callable[[], list[str]]] = {1: _v1_statements}

_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")  # PostgreSQL text holds neither NUL nor lone surrogates


def _text(v: Any) -> str | None:
    if v is None:
        return None
    s = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    return _BAD_TEXT.sub("\ufffd", s) if _BAD_TEXT.search(s) else s


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and -(2**31) <= v < 2**31 else None


def _real(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


_COERCE: dict[str, Callable[[Any], Any]] = {_TEXT: _text, _INT: _int, _REAL: _real}


def _coercer(type_: str) -> Callable[[Any], Any]:
    return _COERCE[next(t for t in (_REAL, _INT, _TEXT) if type_.startswith(t))]


_ARTICLE_COERCE = [_coercer(_ARTICLE_TYPES[c]) for c in ARTICLE_COLUMNS]
_CHILD_COERCE = {table: [_coercer(t) for _, t in columns] for table, columns in _CHILD_TYPES.items()}


def _lexeme(word: str) -> str:
    """A word as a quoted tsvector/tsquery lexeme (analysed words are letters and digits; quoted anyway)."""
    if "'" in word or "\\" in word:
        word = word.replace("\\", "\\\\").replace("'", "''")
    return "'" + word + "'"


def _positions(words: list[str], first: int) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, word in enumerate(words, first):
        where = out.get(word)
        if where is None:
            out[word] = [i]
        else:
            where.append(i)
    return out


def _clamped(where: list[int]) -> list[int]:
    """Positions as PostgreSQL keeps them: those past ``MAX_POSITION`` become one at it, at most
    ``MAX_POSITIONS``."""
    if where[-1] >= MAX_POSITION:
        where = [p for p in where if p < MAX_POSITION] + [MAX_POSITION]
    return where[:MAX_POSITIONS]


def tsvector_literal(title_index: str, body_index: str) -> tuple[str, list[str]]:
    """The tsvector of an article's analysed title (weight A) and body (weight D), as PostgreSQL's literal
    form, and the words it holds: each word at its position, the body after a gap so that no phrase spans
    title and body (FTS5's columns behave so). Positions past ``MAX_POSITION`` share it; a word keeps
    ``MAX_POSITIONS``; lexemes past ``MAX_TSVECTOR_BYTES``, and words over ``MAX_LEXEME_BYTES``, are left
    out (only millions of characters, or a blob of letters with no break, reach those); a word left out
    keeps its position, so phrases do not jump it. Built with plain loops and no string per position:
    this is most of the time an upsert takes."""
    title_words = title_index.split()
    title = _positions(title_words, 1)
    body = _positions(body_index.split(), len(title_words) + 2)
    out: list[str] = []
    words: list[str] = []
    size = 0
    for word in {**title, **body}:
        if len(word) * 3 > MAX_LEXEME_BYTES and len(word.encode("utf-8")) > MAX_LEXEME_BYTES:
            continue  # a run of letters with no break (a scraped blob), never a word anyone searches
        in_title, in_body = title.get(word), body.get(word)
        where = [f"{p}A" for p in _clamped(in_title)] if in_title else []
        if in_body:
            where += map(str, _clamped(in_body))
            del where[MAX_POSITIONS:]  # (PostgreSQL merges a position given twice)
        size += len(word) * 4 + 4 + 2 * len(where)  # bytes (at most), 2-aligned, count, positions
        if size > MAX_TSVECTOR_BYTES:
            break
        out.append(_lexeme(word) + ":" + ",".join(where))
        words.append(word)
    return " ".join(out), words


Counts = Callable[[list[str]], dict[str, int]]  # words -> how many articles hold each (0s included)


def _phrase_words(cores: tuple[str, ...], present: Collection[str], counts: Counts) -> list[list[str]]:
    """Each word's variants to look for: its core, and the variants the index holds. When a phrase's
    variants make more than ``MAX_PHRASE_VARIANTS`` combinations, each word keeps its core and its
    commonest variants, as the SQLite store does (FTS5 can only OR whole phrases, so it must cap them; a
    tsquery could OR inside the phrase, but then PostgreSQL would find phrases SQLite does not)."""
    per_word = [[c, *(v for v in query_variants(c)[1:] if v in present)] for c in cores]
    if math.prod(map(len, per_word)) <= MAX_PHRASE_VARIANTS:
        return per_word
    # ``terms`` never forgets a word; FTS5's vocabulary does: drop the variants no article holds now
    found = counts(sorted({v for words in per_word for v in words[1:]}))
    per_word = [[w[0], *(v for v in w[1:] if found.get(v, 0))] for w in per_word]
    if math.prod(map(len, per_word)) <= MAX_PHRASE_VARIANTS:
        return per_word
    keep = max(1, int(MAX_PHRASE_VARIANTS ** (1 / len(per_word))))
    return [[w[0], *sorted(w[1:], key=lambda v: (-found.get(v, 0), v))[: keep - 1]] for w in per_word]


def _tsquery_term(
    term: Term, present: Collection[str], counts: Counts, exact: set[str], prefixes: list[str]
) -> str:
    """One word or phrase as tsquery text: each word the OR of its spelling variants (``_phrase_words``),
    phrases with ``<->``; a prefix term's last word as ``:*``, also after a single-letter clitic."""
    if term.prefix:
        starts = prefix_variants(term.cores[-1])
        prefixes.extend(starts)
        words = [_lexeme(c) for c in term.cores[:-1]]
        words.append("(" + " | ".join(_lexeme(s) + ":*" for s in starts) + ")")
    else:
        for c in term.cores:
            exact.add(c)
            exact.update(v for v in query_variants(c)[1:] if v in present)
        words = ["(" + " | ".join(map(_lexeme, w)) + ")" for w in _phrase_words(term.cores, present, counts)]
    return "(" + " <-> ".join(words) + ")"


def query_words(query: Query) -> list[str]:
    """Every spelling variant a query may look for: those the index holds are kept (``compile_query``)."""
    terms = [*query.terms(), *query.excluded]
    return sorted({v for t in terms if not t.prefix for c in t.cores for v in query_variants(c)})


def compile_query(query: Query, present: Collection[str], counts: Counts) -> tuple[str, set[str], list[str]]:
    """A parsed query as tsquery text, and the cores and prefixes it looks for (to mark in snippets).
    ``present``: which of ``query_words(query)`` the index holds; a word's other variants are left out,
    as the SQLite store leaves out those FTS5's vocabulary lacks (they match nothing, and each costs a
    GIN lookup and a ranking step: with all of them, queries took seconds on 31,000 articles).
    ``counts``: articles per word, asked only for a phrase with too many variants (``_phrase_words``).
    The same matches as the SQLite store's FTS5 expression."""
    exact: set[str] = set()
    prefixes: list[str] = []
    groups = [
        "(" + " | ".join(_tsquery_term(t, present, counts, exact, prefixes) for t in g) + ")"
        for g in query.groups
    ]
    expression = " & ".join(groups)
    if query.excluded:
        excluded = " | ".join(_tsquery_term(t, present, counts, set(), []) for t in query.excluded)
        expression = f"({expression}) & !({excluded})"
    return expression, exact, prefixes


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    url = re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)
    return re.sub(r"([?&]password=)[^&]*", r"\1***", url)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _guarded(
    method: Callable[Concatenate[PostgresStore, _P], _R],
) -> Callable[Concatenate[PostgresStore, _P], _R]:
    """A lost connection or a server going down mid-call is the store failing, not a bug in khabar:
    StoreError (a message naming the server), which the commands report without a traceback."""

    @functools.wraps(method)
    def guarded(self: PostgresStore, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise StoreError(f"{_redact(self.url)}: {str(exc).strip()}") from None

    return guarded


class PostgresWriter:
    """Articles into the store, committed every ``batch_size``; see ``base.StoreWriter``. A record that
    is not a khabar record raises SchemaError from ``write_record`` and is not kept; the batch goes on."""

    def __init__(self, store: PostgresStore, batch_size: int = BATCH_SIZE) -> None:
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


class PostgresStore:
    """A khabar store in a PostgreSQL database (``khabar.store.open("postgresql://...")``)."""

    def __init__(self, url: str, *, readonly: bool = False) -> None:
        self.url = url
        self.readonly = readonly
        try:
            self.con = psycopg.connect(url, autocommit=True, application_name="khabar")
        except psycopg.Error as exc:
            raise StoreError(f"{_redact(url)}: cannot connect: {str(exc).strip()}") from None
        try:
            encoding = self.con.execute("SHOW server_encoding").fetchone()
            if not encoding or encoding[0] != "UTF8":
                raise StoreError(
                    f"{_redact(url)}: the database's encoding is {encoding[0] if encoding else '?'}; "
                    "khabar needs UTF8 (CREATE DATABASE ... ENCODING 'UTF8')"
                )
            if readonly:
                self.con.execute("SET default_transaction_read_only = on")
                if self._version() < SCHEMA_VERSION:
                    raise StoreError(f"{_redact(url)}: an older store schema; open it for writing to migrate")
                if self._analysis() != ANALYSIS_VERSION:
                    raise StoreError(
                        f"{_redact(url)}: indexed by another version of khabar's analysis; "
                        "open it for writing (khabar index) to reindex"
                    )
            else:
                self.migrate()
                if self._analysis() != ANALYSIS_VERSION:
                    self.reindex()
        except psycopg.Error as exc:
            self.con.close()
            raise StoreError(f"{_redact(url)}: cannot open the store: {str(exc).strip()}") from None
        except BaseException:
            self.con.close()
            raise

    # schema

    def _version(self) -> int:
        """The store's schema version (0: no store here yet); StoreError for a newer one or a schema that
        holds another application's ``articles``."""
        meta, articles = self.con.execute(
            "SELECT to_regclass('khabar_meta') IS NOT NULL, to_regclass('articles') IS NOT NULL"
        ).fetchone() or (False, False)
        where = _redact(self.url)
        if not meta:
            if articles:
                raise StoreError(f"{where}: not a khabar store (an 'articles' table without khabar_meta)")
            if self.readonly:
                raise StoreError(
                    f"{where}: no khabar store here (create it with: khabar index RECORDS --db ...)"
                )
            return 0
        row = self.con.execute("SELECT value FROM khabar_meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{where}: store schema version {version} is newer than this khabar's ({SCHEMA_VERSION}); "
                "upgrade khabar to read it"
            )
        return version

    def _analysis(self) -> str | None:
        row = self.con.execute("SELECT value FROM khabar_meta WHERE key = 'analysis'").fetchone()
        return row[0] if row else None

    @_guarded
    def reindex(self) -> None:
        """Rebuild every tsvector and the terms from the stored records with this version's analysis
        (``analysis.ANALYSIS_VERSION``, recorded in ``khabar_meta``), in one transaction; a new store
        just records the version. Queries are analysed by the running version, so an index built by
        another would find the wrong words."""
        with self.con.transaction(), self.con.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_ID,))
            cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_ID, WRITE_LOCK))
            if self._analysis() == ANALYSIS_VERSION:  # another process did it while this one waited
                return
            cur.execute("TRUNCATE terms")
            last = 0
            while rows := cur.execute(
                "SELECT seq, record FROM articles WHERE seq > %s ORDER BY seq LIMIT %s", (last, BATCH_SIZE)
            ).fetchall():
                last = rows[-1][0]
                vectors = [(seq, *tsvector_literal(*index_texts(json.loads(record)))) for seq, record in rows]
                cur.execute(
                    "UPDATE articles a SET tsv = v.tsv::tsvector "
                    "FROM unnest(%s::bigint[], %s::text[]) AS v (seq, tsv) WHERE a.seq = v.seq",
                    ([v[0] for v in vectors], [v[1] for v in vectors]),
                )
                self._add_terms(cur, {w for v in vectors for w in v[2]})
            cur.execute(
                "INSERT INTO khabar_meta (key, value) VALUES ('analysis', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (ANALYSIS_VERSION,),
            )

    @staticmethod
    def _add_terms(cur: psycopg.Cursor[Any], terms: set[str]) -> None:
        cur.execute(
            "INSERT INTO terms (term) SELECT t FROM unnest(%s::text[]) WITH ORDINALITY AS u (t, n) "
            "ORDER BY n ON CONFLICT DO NOTHING",
            (sorted(terms),),
        )

    def migrate(self, target: int = SCHEMA_VERSION) -> None:
        """Bring the store to schema ``target`` in one transaction (nothing changes if a step fails),
        under an advisory lock so that concurrent first openers wait for each other."""
        with self.con.transaction():
            self.con.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_ID,))
            version = self._version()
            if version >= target:
                return
            self.con.execute(
                "CREATE TABLE IF NOT EXISTS khabar_meta (key text PRIMARY KEY, value text NOT NULL)"
            )
            for v in range(version + 1, target + 1):
                if v not in MIGRATIONS:
                    raise StoreError(f"{_redact(self.url)}: no migration from store schema {v - 1} to {v}")
                for statement in MIGRATIONS[v]():
                    self.con.execute(statement)  # type: ignore[arg-type]  # our own constant SQL
            self.con.execute(
                "INSERT INTO khabar_meta (key, value) VALUES ('schema_version', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(target),),
            )

    # writing

    def writer(self, batch_size: int = BATCH_SIZE) -> PostgresWriter:
        return PostgresWriter(self, batch_size)

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

    @_guarded
    def write_batch(self, batch: list[RecordRows]) -> None:
        """Upsert a batch by id in one transaction: a known id keeps its ``seq`` (export order) and its
        rows are replaced; the same id twice in a batch: the later record wins, the first place counts."""
        latest: dict[str, RecordRows] = {}
        for r in batch:
            latest[r.article["id"]] = r  # a dict keeps the first insertion's place, takes the last value
        if not latest:
            return
        columns = sql.SQL(", ").join(map(sql.Identifier, ARTICLE_COLUMNS))
        values = sql.SQL(", ").join(sql.Placeholder() * len(ARTICLE_COLUMNS))
        updates = sql.SQL(", ").join(
            sql.SQL("{0} = excluded.{0}").format(sql.Identifier(c)) for c in (*ARTICLE_COLUMNS[1:], "tsv")
        )
        upsert = sql.SQL(
            "INSERT INTO articles ({columns}, tsv) VALUES ({values}, %s::tsvector) "
            "ON CONFLICT (id) DO UPDATE SET {updates} RETURNING id, seq"
        ).format(columns=columns, values=values, updates=updates)
        params = []
        terms: set[str] = set()
        for r in latest.values():
            literal, words = tsvector_literal(r.title_index, r.body_index)
            terms.update(words)
            values_ = [_article_value(r, c, f) for f, c in zip(_ARTICLE_COERCE, ARTICLE_COLUMNS, strict=True)]
            params.append((*values_, literal))
        with self.con.transaction(), self.con.cursor() as cur:
            # Writers take turns, as the SQLite store's do (BEGIN IMMEDIATE): two batches upserting the
            # same articles in different orders would otherwise deadlock, or both insert an article's rows.
            cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_ID, WRITE_LOCK))
            self._add_terms(cur, terms)
            cur.executemany(upsert, params, returning=True)
            seqs: list[int] = []  # one result per article, in order (an id PostgreSQL had to mend is no key)
            while True:
                row = cur.fetchone()
                if row is not None:
                    seqs.append(row[1])
                if not cur.nextset():
                    break
            for table, columns in _CHILD_TYPES.items():
                # a replaced article's rows go (a new one has none: the primary key makes this cheap)
                cur.execute(
                    sql.SQL("DELETE FROM {} WHERE article = ANY(%s)").format(sql.Identifier(table)), (seqs,)
                )
                coerce = _CHILD_COERCE[table]
                names = sql.SQL(", ").join(map(sql.Identifier, ("article", *(c for c, _ in columns))))
                copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table), names)
                rows = [
                    (seq, *(f(v) for f, v in zip(coerce, row, strict=True)))
                    for seq, r in zip(seqs, latest.values(), strict=True)
                    for row in getattr(r, table)
                ]
                if rows:
                    with cur.copy(copy_sql) as copy:
                        for row in _unique_keys(rows):
                            copy.write_row(row)

    # reading

    @_guarded
    def get(self, id: str) -> Article | None:
        row = self.con.execute("SELECT record FROM articles WHERE id = %s", (id,)).fetchone()
        return article_from_record(row[0]) if row else None

    def export_records(self) -> Iterator[dict[str, Any]]:
        """Every record dict as stored, in first-insertion order (``write_record`` writes it back byte for
        byte). Read a page at a time by ``seq``, so no transaction stays open while the caller works."""
        last = 0
        while True:
            rows = self._page(last)
            for seq, record in rows:
                last = seq
                yield json.loads(record)
            if len(rows) < EXPORT_PAGE:
                return

    @_guarded
    def _page(self, after: int) -> list[tuple[int, str]]:
        return self.con.execute(
            "SELECT seq, record FROM articles WHERE seq > %s ORDER BY seq LIMIT %s", (after, EXPORT_PAGE)
        ).fetchall()

    def export(self) -> Iterator[Article]:
        for d in self.export_records():
            yield Article.from_dict(d)

    @_guarded
    def story(self, story_id: str) -> list[Article]:
        rows = self.con.execute(
            "SELECT record FROM articles WHERE story = %s OR (story IS NULL AND id = %s) "
            "ORDER BY published NULLS FIRST, id",
            (story_id, story_id),
        ).fetchall()
        return [article_from_record(r[0]) for r in rows]

    @_guarded
    def stats(self) -> dict[str, Any]:
        row = self.con.execute(
            "SELECT count(*), count(DISTINCT coalesce(story, id)), count(DISTINCT source), "
            "min(day), max(day) FROM articles"
        ).fetchone()
        articles, stories, sources, first, last = row or (0, 0, 0, None, None)
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

    def _counts(self, words: list[str]) -> dict[str, int]:
        """How many articles hold each word (through the GIN index: a few milliseconds each)."""
        found: dict[str, int] = {}
        with self.con.transaction():
            self.con.execute("SET LOCAL enable_seqscan = off")
            for w in words:
                row = self.con.execute(
                    "SELECT count(*) FROM articles WHERE tsv @@ %s::tsquery", (_lexeme(w),)
                )
                found[w] = int((row.fetchone() or (0,))[0])
        return found

    @_guarded
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
        words = query_words(parsed)
        present = {r[0] for r in self.con.execute("SELECT term FROM terms WHERE term = ANY(%s)", (words,))}
        expression, exact, prefixes = compile_query(parsed, present, self._counts)
        where, params = filter_sql(filters or SearchFilters())
        matched = (
            "SELECT a.seq, a.id, coalesce(a.story, a.id) AS grp, "
            f"ts_rank_cd('{RANK_WEIGHTS}', a.tsv, tq.q, {RANK_NORMALISATION}) AS score "
            f"FROM articles a, (SELECT %s::tsquery AS q) tq WHERE a.tsv @@ tq.q{where}"
        )
        if collapse:
            ranked = (
                "SELECT seq, id, grp, score, count(*) OVER (PARTITION BY grp) AS copies, "
                f"row_number() OVER (PARTITION BY grp ORDER BY score DESC, id) AS rn FROM ({matched}) m"
            )
            page_sql = (
                f"SELECT seq, score, copies FROM ({ranked}) r WHERE rn = 1 "
                "ORDER BY score DESC, id LIMIT %s OFFSET %s"
            )
            count_sql = (
                "SELECT count(DISTINCT coalesce(a.story, a.id)) "
                f"FROM articles a, (SELECT %s::tsquery AS q) tq WHERE a.tsv @@ tq.q{where}"
            )
        else:
            page_sql = f"SELECT seq, score, 1 FROM ({matched}) m ORDER BY score DESC, id LIMIT %s OFFSET %s"
            count_sql = (
                f"SELECT count(*) FROM articles a, (SELECT %s::tsquery AS q) tq WHERE a.tsv @@ tq.q{where}"
            )
        args = [expression, *params]
        try:
            with self.con.transaction():
                # The planner prices ``@@`` on a tsvector as cheap and often scans the table, which
                # decompresses every article's tsvector; through the GIN index only the matches are read.
                # Measured on 31,000 SaudiNewsNet articles: counting السعوديه's 5,558 matches 335 -> 15 ms,
                # ranking them 405 -> 125 ms. Other indexes (story, day) stay usable.
                self.con.execute("SET LOCAL enable_seqscan = off")
                page_args = [*args, int(limit), int(offset)]
                page = self.con.execute(page_sql, page_args).fetchall()  # type: ignore[arg-type]
                total_row = self.con.execute(count_sql, args).fetchone()  # type: ignore[arg-type]
        except (
            psycopg.errors.SyntaxError,
            psycopg.errors.DataError,
            psycopg.errors.ProgramLimitExceeded,
        ) as exc:
            raise QueryError(f"cannot run this query: {str(exc).strip()}") from None
        records = dict(
            self.con.execute(
                "SELECT seq, record FROM articles WHERE seq = ANY(%s)", ([seq for seq, _, _ in page],)
            ).fetchall()
        )
        hits = []
        for seq, score, copies in page:
            d = json.loads(records[seq])
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
        return SearchResult(hits=hits, total=int(total_row[0]) if total_row else 0, query=query)


def _article_value(r: RecordRows, column: str, coerce: Callable[[Any], Any]) -> Any:
    value = r.article[column]
    if column == "record":  # json_line's bytes: valid UTF-8 (a lone surrogate is escaped), kept exactly
        return value.decode("utf-8") if isinstance(value, bytes) else str(value)
    return coerce(value)


def _unique_keys(rows: list[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """Child rows with a key (article, idx or para) seen once: the key columns are never NULL by
    construction (``enumerate``), so this only guards against a record holding a non-integer index."""
    seen: set[tuple[Any, Any]] = set()
    for row in rows:
        key = (row[0], row[1])
        if row[1] is not None and key not in seen:
            seen.add(key)
            yield row


def _iso_day(value: str, what: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise QueryError(f"{what}: not an ISO date (YYYY-MM-DD): {value!r}") from None


def _words_in(column: str) -> str:
    """SQL: the filter value (a parameter) is a run of whole words of ``column``."""
    return f"strpos(' ' || {column} || ' ', ' ' || %s || ' ') > 0"


def _needle(value: str, what: str) -> str:
    key = name_key(value)
    if not key:
        raise QueryError(f"{what}: nothing to look for in {value!r}")
    return key


def filter_sql(f: SearchFilters) -> tuple[str, list[Any]]:
    """The filters as SQL conditions on ``a`` (articles) with their parameters, the same conditions as
    the SQLite store's; values are never formatted into the SQL."""
    parts: list[str] = []
    params: list[Any] = []
    if f.source:
        parts.append("a.source = %s")
        params.append(f.source)
    if f.date_from:
        parts.append("a.day >= %s")
        params.append(_iso_day(f.date_from, "from"))
    if f.date_to:
        parts.append("a.day <= %s")
        params.append(_iso_day(f.date_to, "to"))
    if f.story:
        parts.append("a.story = %s")
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
            "(upper(a.country) = %s OR EXISTS (SELECT 1 FROM entities e WHERE e.article = a.seq "
            "AND e.type = 'LOC' AND upper(e.country) = %s))"
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


__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "PostgresStore",
    "PostgresWriter",
    "compile_query",
    "tsvector_literal",
]
