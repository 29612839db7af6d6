"""The incremental dedup index: the features of every article indexed so far, in one SQLite file.

``DIR/index.db`` has one row per indexed article — id, source, published date, key length,
content and URL hashes, and its shingles, sentence fingerprints and MinHash signature as
little-endian blobs (no text) — and a ``meta`` table: the schema version and the settings the
features were made with. Tomorrow's batch is clustered together with everything in the index, so
its result is the one a single run over all batches would give, without reading or re-shingling
the old articles.

A run is one transaction. ``begin`` takes the index's write lock (``BEGIN IMMEDIATE``: a second
run on the same index waits until the first has committed, then sees its batch), takes out the
entries the batch replaces and returns the rest; ``commit`` adds the batch. An error, Ctrl-C or
kill -9 in between leaves the index as the last commit left it (SQLite's write-ahead log makes a
commit atomic and durable), and the lock dies with the process that held it.

An article is its id (khabar derives ids from source and URL, or from the text). An incoming
article whose id is already indexed replaces the indexed entry (an upsert): with the same content
it is the same article, so a re-run gives the first run's result instead of marking every article
a copy of itself, and the index does not grow; with changed content it is the article's newer
version (a correction scraped again at the same URL), and only that version stays indexed.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from khabar.dedup.config import DedupConfig
from khabar.dedup.features import FeatureBatch, empty_batch

INDEX_VERSION = 2  # 1: index.json + segments/*.npz (read once, into the database)
DB_NAME = "index.db"
# Settings that change the stored features: an index made with others cannot be reused.
_FEATURE_SETTINGS = ("ngram", "num_perm", "seed", "min_sentence_words")
_ROWS_AT_A_TIME = 1 << 15  # rows turned into arrays at once when loading: bounded extra memory
# Each attempt at the write lock waits this long inside SQLite before we look at the clock again.
_BUSY_MS = 1000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    seq INTEGER PRIMARY KEY,  -- insertion order
    id TEXT NOT NULL,
    source TEXT,
    published TEXT,
    length INTEGER NOT NULL,
    key_hash INTEGER NOT NULL,  -- uint64 stored as its int64 bit pattern
    url_hash INTEGER NOT NULL,
    shingles BLOB NOT NULL,  -- <u4
    sentences BLOB NOT NULL,  -- <u8
    signature BLOB NOT NULL  -- <u4, num_perm values
);
CREATE INDEX IF NOT EXISTS articles_id ON articles (id);
"""
_COLUMNS = "id, source, published, length, key_hash, url_hash, shingles, sentences, signature"
_WHAT_TO_DO = (
    "restore it from a backup, or move it aside and re-run the batches to rebuild it "
    "(a new index knows only what has been run against it)"
)


class DedupIndexError(ValueError):
    """An index that cannot be used (the message says why and what to do)."""


class IndexMismatchError(DedupIndexError):
    """An index built with other feature settings, or by another version."""


class CorruptIndexError(DedupIndexError):
    """An index that cannot be read: not a khabar index, or damaged."""


class IndexLockedError(DedupIndexError):
    """Another run held the index for longer than the caller was willing to wait."""


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


class DedupIndex:
    """An open index. ``lock_timeout``: seconds to wait for another run's lock (None: as long as
    it takes); ``on_wait`` is told once when a run has to wait."""

    def __init__(
        self,
        path: str | Path,
        config: DedupConfig,
        *,
        lock_timeout: float | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.config = config
        self.db_path = self.path / DB_NAME
        self.lock_timeout = lock_timeout
        self.on_wait = on_wait
        self._conn: sqlite3.Connection | None = None
        with self._errors("open"):
            self._open()

    # -- opening -------------------------------------------------------------------------------

    def _open(self) -> None:
        if self.path.exists() and not self.path.is_dir():
            raise CorruptIndexError(f"index {self.path} is not a directory; give --index a directory")
        old_format = (self.path / "index.json").exists()
        # Version 1 is read and checked before anything is written: a damaged or mismatched one
        # leaves the directory as it was.
        old = self._read_old_format() if old_format and not self.db_path.exists() else None
        if not self.db_path.exists() and self.path.is_dir() and not old_format:
            # A folder of other things is a wrong path, not an index to create inside.
            junk = sorted(p.name for p in self.path.iterdir() if not p.name.startswith(DB_NAME))
            if junk:
                raise CorruptIndexError(
                    f"index {self.path} is not a khabar dedup index (it holds {junk[0]!r} but no {DB_NAME}); "
                    "give --index a new or empty directory"
                )
        self.path.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.db_path, isolation_level=None, timeout=_BUSY_MS / 1000)
        self._conn = conn
        tables = self._tables()
        if tables and "meta" not in tables:  # someone else's database: read nothing, change nothing
            raise CorruptIndexError(
                f"index {self.db_path} is not a khabar dedup index (tables {', '.join(sorted(tables))}); "
                "give --index a new or empty directory"
            )
        conn.execute("PRAGMA journal_mode=WAL")  # a commit is atomic and survives kill -9
        conn.execute("PRAGMA synchronous=FULL")  # ... and a power cut
        if not tables:
            self._lock()
            try:
                if old is None and old_format:  # an earlier import left an empty database
                    old = self._read_old_format()
                self._create(old)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        self._check_meta()

    def _tables(self) -> set[str]:
        return {name for (name,) in self._db().execute("SELECT name FROM sqlite_master WHERE type='table'")}

    def _create(self, old: FeatureBatch | None) -> None:
        """The tables and settings of a new index (another run may have made them meanwhile), with
        a version 1 index's features if there was one."""
        conn = self._db()
        if self._tables():  # made by a run that got here first, or not ours: _check_meta tells which
            return
        for statement in filter(str.strip, _SCHEMA.split(";")):
            conn.execute(statement)  # one by one: executescript would commit the open transaction
        conn.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [("version", str(INDEX_VERSION)), ("config", json.dumps(asdict(self.config), sort_keys=True))],
        )
        if old is not None:
            self._insert(old)

    def _read_old_format(self) -> FeatureBatch:
        """Version 1's segments, checked against these settings (the files are left as they are)."""
        try:
            meta = json.loads((self.path / "index.json").read_text(encoding="utf-8"))
            stored, segments = meta.get("config", {}), list(meta["segments"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CorruptIndexError(
                f"index {self.path}: index.json cannot be read ({exc}); {_WHAT_TO_DO}"
            ) from None
        self._check_settings(stored, meta.get("version") != 1)
        batches = []
        for name in segments:
            try:
                batches.append(FeatureBatch.load(self.path / "segments" / name))
            except (OSError, ValueError, KeyError) as exc:
                raise CorruptIndexError(
                    f"index {self.path}: segment {name} cannot be read ({exc}); {_WHAT_TO_DO}"
                ) from None
        return FeatureBatch.concat(batches) if batches else empty_batch(self.config)

    def _check_meta(self) -> None:
        try:
            meta = dict(self._db().execute("SELECT key, value FROM meta").fetchall())
            version = int(meta["version"])
            stored = json.loads(meta["config"])
        except (KeyError, ValueError, TypeError, sqlite3.OperationalError) as exc:
            raise CorruptIndexError(
                f"index {self.db_path} is not a khabar dedup index (its settings cannot be read: {exc}); "
                f"{_WHAT_TO_DO}"
            ) from None
        if version > INDEX_VERSION:
            raise IndexMismatchError(
                f"index {self.path} was written by a newer khabar (index version {version}, "
                f"this one reads {INDEX_VERSION}); upgrade khabar"
            )
        self._check_settings(stored, version != INDEX_VERSION)

    def _check_settings(self, stored: Any, other_version: bool) -> None:
        wanted = asdict(self.config)
        stored = stored if isinstance(stored, dict) else {}
        clash = [k for k in _FEATURE_SETTINGS if stored.get(k) != wanted[k]]
        if other_version or clash:
            said = ", ".join(f"{k}={stored.get(k)!r} here, {wanted[k]!r} asked" for k in clash) or "version"
            raise IndexMismatchError(
                f"index {self.path} was built with other settings ({said}); "
                "use those settings or a new index directory"
            )

    # -- the run's transaction ------------------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise DedupIndexError(f"index {self.path} is closed")
        return self._conn

    def _lock(self) -> None:
        """BEGIN IMMEDIATE: the write lock, waited for as long as ``lock_timeout`` allows."""
        conn, start, told = self._db(), time.monotonic(), False
        conn.execute("PRAGMA busy_timeout = 0")  # the first try does not wait: say so before waiting
        try:
            while True:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc):
                        raise
                waited = time.monotonic() - start
                if self.lock_timeout is not None and waited >= self.lock_timeout:
                    raise IndexLockedError(
                        f"index {self.path} is in use by another run (waited {waited:.0f} s); try again later"
                    )
                if not told and self.on_wait:
                    self.on_wait(f"index {self.path} is in use by another run; waiting for it to finish")
                told = True
                conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
        finally:
            conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")

    @property
    def in_transaction(self) -> bool:
        return self._conn is not None and self._conn.in_transaction

    def begin(self, replacing: Sequence[str] = ()) -> FeatureBatch:
        """Lock the index, take out the entries of the ids in ``replacing`` (the incoming batch's:
        they are replaced when it commits) and return all the other indexed features, in the order
        they were added. Nothing is changed on disk before ``commit``."""
        with self._errors("read"):
            if not self.in_transaction:
                self._lock()
            try:
                self._remove(replacing)
                return self._load()
            except BaseException:
                self.rollback()
                raise

    def commit(self, batch: FeatureBatch) -> None:
        """Add ``batch`` (replacing the indexed entries of its ids) and commit: all or nothing."""
        with self._errors("save the batch to"):
            if not self.in_transaction:
                self._lock()
            try:
                self._remove(batch.ids)
                self._insert(batch)
                self._db().execute("COMMIT")
            except BaseException:
                self.rollback()
                raise

    def rollback(self) -> None:
        """Give up the transaction: the index stays as it was, and the lock is released."""
        if self.in_transaction:
            # a failed ROLLBACK is harmless: SQLite rolls back by itself when the connection closes
            with contextlib.suppress(sqlite3.Error):
                self._db().execute("ROLLBACK")

    def add(self, batch: FeatureBatch) -> None:
        """Add (or replace) ``batch`` in one transaction of its own."""
        self.commit(batch)

    def load(self) -> FeatureBatch:
        """All indexed features as last committed, in the order they were added."""
        with self._errors("read"):
            return self._load()

    def ids(self) -> list[str]:
        """The indexed ids as last committed, in the order they were added."""
        with self._errors("read"):
            return [row[0] for row in self._db().execute("SELECT id FROM articles ORDER BY seq")]

    def __len__(self) -> int:
        with self._errors("read"):
            return int(self._db().execute("SELECT count(*) FROM articles").fetchone()[0])

    def __bool__(self) -> bool:
        return True  # an open index, even an empty one (``if index:`` must not mean "non-empty")

    def close(self) -> None:
        if self._conn is not None:
            self.rollback()
            self._conn.close()
            self._conn = None

    def __enter__(self) -> DedupIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- rows <-> features ----------------------------------------------------------------------

    def _remove(self, ids: Sequence[str]) -> None:
        if not ids:
            return
        conn = self._db()
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS incoming (id TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM incoming")
        conn.executemany("INSERT OR IGNORE INTO incoming VALUES (?)", ((i,) for i in ids))
        conn.execute("DELETE FROM articles WHERE id IN (SELECT id FROM incoming)")

    def _insert(self, batch: FeatureBatch) -> None:
        so, se = batch.shingle_offsets, batch.sentence_offsets
        shingles = batch.shingle_values.astype("<u4", copy=False)
        sentences = batch.sentence_values.astype("<u8", copy=False)
        signatures = batch.signatures.astype("<u4", copy=False)
        key_hash = batch.key_hash.astype(np.uint64, copy=False).view(np.int64).tolist()
        url_hash = batch.url_hash.astype(np.uint64, copy=False).view(np.int64).tolist()
        rows = (
            (
                batch.ids[i],
                batch.sources[i],
                batch.published[i],
                int(batch.lengths[i]),
                key_hash[i],
                url_hash[i],
                shingles[so[i] : so[i + 1]].tobytes(),
                sentences[se[i] : se[i + 1]].tobytes(),
                signatures[i].tobytes(),
            )
            for i in range(len(batch))
        )
        self._db().executemany(f"INSERT INTO articles ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def _load(self) -> FeatureBatch:
        cursor = self._db().execute(f"SELECT seq, {_COLUMNS} FROM articles ORDER BY seq")
        pieces = []
        while rows := cursor.fetchmany(_ROWS_AT_A_TIME):
            pieces.append(self._batch_of(rows))
        return FeatureBatch.concat(pieces, consume=True) if pieces else empty_batch(self.config)

    def _batch_of(self, rows: list[tuple[Any, ...]]) -> FeatureBatch:
        seqs, ids, sources, published, lengths, keys, urls, shingles, sentences, signatures = zip(
            *rows, strict=True
        )
        try:
            n = len(rows)
            sh_bytes = np.fromiter(map(len, shingles), np.int64, n)
            se_bytes = np.fromiter(map(len, sentences), np.int64, n)
            bad = (sh_bytes % 4 != 0) | (se_bytes % 8 != 0)
            bad |= np.fromiter(map(len, signatures), np.int64, n) != 4 * self.config.num_perm
            bad |= np.fromiter((not isinstance(i, str) for i in ids), bool, n)
            if bad.any():
                raise ValueError(f"the features of article {ids[int(np.argmax(bad))]!r} are damaged")
            sh_offsets = np.zeros(n + 1, np.int64)
            np.cumsum(sh_bytes // 4, out=sh_offsets[1:])
            se_offsets = np.zeros(n + 1, np.int64)
            np.cumsum(se_bytes // 8, out=se_offsets[1:])
            return FeatureBatch(
                ids=list(ids),
                sources=list(sources),
                published=list(published),
                lengths=np.array(lengths, dtype=np.int64),
                key_hash=np.array(keys, dtype=np.int64).view(np.uint64),
                url_hash=np.array(urls, dtype=np.int64).view(np.uint64),
                shingle_offsets=sh_offsets,
                shingle_values=np.frombuffer(b"".join(shingles), "<u4").astype(np.uint32),
                sentence_offsets=se_offsets,
                sentence_values=np.frombuffer(b"".join(sentences), "<u8").astype(np.uint64),
                signatures=np.frombuffer(b"".join(signatures), "<u4")
                .astype(np.uint32)
                .reshape(n, self.config.num_perm),
            )
        except (TypeError, ValueError, OverflowError) as exc:
            raise CorruptIndexError(
                f"index {self.db_path} is damaged near row {seqs[0]}: {exc}; {_WHAT_TO_DO}"
            ) from None

    # -- errors ---------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """SQLite's exceptions as DedupIndexErrors that say which index and what to do."""
        try:
            yield
        except sqlite3.Error as exc:
            if doing == "open":
                self.close()
            else:
                self.rollback()
            where = self.db_path
            if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
                raise IndexLockedError(f"index {where} is in use by another run; try again later") from None
            if isinstance(exc, sqlite3.DatabaseError) and "disk is full" in str(exc):
                raise DedupIndexError(
                    f"cannot {doing} index {where}: {exc}; the index is unchanged"
                ) from None
            if isinstance(exc, sqlite3.OperationalError) and "unable to open" in str(exc):
                raise DedupIndexError(f"cannot {doing} index {where}: {exc}") from None
            raise CorruptIndexError(f"cannot {doing} index {where}: {exc}; {_WHAT_TO_DO}") from None
        except BaseException:
            if doing == "open":
                self.close()
            raise
