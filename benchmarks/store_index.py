"""Indexing speed of the SQLite store on SaudiNewsNet, and the tokenizer choice behind it.

    .venv/bin/python benchmarks/store_index.py [--limit 3000] [--repeat 3]

Refines ``--limit`` SaudiNewsNet articles once (``khabar process``, untimed) into khabar records, then
times, in this one process:

1. ``khabar index`` as it runs: each JSON line parsed and upserted (``SQLiteWriter.write_record`` with
   the line), batches of 500 committed, into a fresh file in WAL mode. Goal: ≥ 2,000 articles/s.
2. The same with the records already parsed (the store's own work).
3. Full-text indexing alone, both ways the issue names, with the same analysis (``khabar.store.analysis``)
   and the same FTS5 table shape (title, body):
   - *shadow text*: each text folded in one pass (``index_text``) and tokenized by FTS5's C ``unicode61``
     — what the store does;
   - *APSW Python tokenizer* (when ``apsw`` is installed): FTS5 calls a Python tokenizer on the display
     text, which yields each word's core with its offsets (so FTS5's ``highlight()`` would work on the
     display text).

Times are CPU seconds of this process (``time.process_time``: one core, and other jobs on a shared machine
disturb them less than wall time); best of ``--repeat``. Data: $KHABAR_SHARED/data/saudinewsnet.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import zipfile
from pathlib import Path

from _common import best_of, saudinewsnet_dir, use_repo_src

use_repo_src()

from khabar.api import process  # noqa: E402
from khabar.io.records import parse_record_line  # noqa: E402
from khabar.store.analysis import index_text, tokens  # noqa: E402
from khabar.store.sqlite import SQLiteStore  # noqa: E402


def raw_articles(limit: int) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    for zpath in sorted(saudinewsnet_dir().glob("*.zip")):
        with zipfile.ZipFile(zpath) as z:
            for name in z.namelist():
                items += [a for a in json.loads(z.read(name)) if str(a.get("content") or "").strip()]
        if len(items) >= limit:
            break
    return items[:limit]


def fresh(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return path


def index_lines(db: Path, lines: list[bytes]) -> None:
    store = SQLiteStore(fresh(db))
    w = store.writer()
    for line in lines:
        w.write_record(parse_record_line(line), line)
    w.close()
    store.close()


def index_dicts(db: Path, records: list[dict[str, object]]) -> None:
    store = SQLiteStore(fresh(db))
    store.add_records(records)
    store.close()


def fts_shadow(db: Path, texts: list[tuple[str, str]]) -> None:
    import sqlite3

    con = sqlite3.connect(fresh(db), isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("CREATE VIRTUAL TABLE f USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0')")
    con.execute("INSERT INTO f (f, rank) VALUES ('automerge', 16)")
    for lo in range(0, len(texts), 500):
        con.execute("BEGIN")
        con.executemany(
            "INSERT INTO f VALUES (?, ?)", [(index_text(t), index_text(b)) for t, b in texts[lo : lo + 500]]
        )
        con.execute("COMMIT")
    con.close()


def fts_apsw(db: Path, texts: list[tuple[str, str]]) -> None:
    import apsw
    import apsw.fts5

    @apsw.fts5.StringTokenizer
    def arabic(con: object, args: list[str]):  # type: ignore[no-untyped-def]
        def tokenize(text: str, reason: int, locale: str | None):  # type: ignore[no-untyped-def]
            for t in tokens(text):
                yield t.start, t.end, t.core

        return tokenize

    con = apsw.Connection(str(fresh(db)))
    con.register_fts5_tokenizer("arabic", arabic)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("CREATE VIRTUAL TABLE f USING fts5(title, body, tokenize = 'arabic')")
    con.execute("INSERT INTO f (f, rank) VALUES ('automerge', 16)")
    for lo in range(0, len(texts), 500):
        with con:
            con.executemany("INSERT INTO f VALUES (?, ?)", texts[lo : lo + 500])
    con.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=3000, help="articles (default 3000)")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes, best kept (default 3)")
    ap.add_argument("--workers", type=int, default=2, help="for the untimed refining (default 2)")
    args = ap.parse_args()
    if not saudinewsnet_dir().is_dir():
        print(f"SaudiNewsNet not found at {saudinewsnet_dir()}: nothing to measure (set KHABAR_SHARED)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        raw = root / "raw.jsonl"
        raw.write_text(
            "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in raw_articles(args.limit)),
            encoding="utf-8",
        )
        records_path = root / "records.jsonl"
        process([str(raw)], str(records_path), workers=args.workers, on_error=lambda msg: None)
        lines = records_path.read_bytes().splitlines(keepends=True)
        records = [parse_record_line(line) for line in lines]
        texts = [(str(d.get("title") or ""), "\n".join(d["paragraphs"])) for d in records]  # type: ignore[arg-type]
        n = len(records)
        chars = sum(len(b) for _, b in texts) / n
        print(
            f"{n:,} refined SaudiNewsNet articles ({chars:,.0f} body characters on average), one process, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        index_text("warm up the tables")

        def report(label: str, fn) -> float:  # type: ignore[no-untyped-def]
            seconds, _ = best_of(fn, args.repeat, time.process_time)
            print(f"{label:<44} {n / seconds:>7,.0f} articles/s   {seconds / n * 1e6:6.0f} µs/article")
            return n / seconds

        db = root / "bench.db"
        rate = report("khabar index (parse + upsert, WAL, batches)", lambda: index_lines(db, lines))
        print(f"{'':<44} {db.stat().st_size / n / 1e3:>7,.1f} KB/article on disk")
        report("store.add_records (already parsed)", lambda: index_dicts(db, records))
        report("FTS only: shadow text + unicode61", lambda: fts_shadow(db, texts))
        try:
            import apsw  # noqa: F401
        except ImportError:
            print("FTS only: APSW Python tokenizer              (apsw not installed: pip install apsw)")
        else:
            report("FTS only: APSW Python tokenizer", lambda: fts_apsw(db, texts))
        print(f"goal ≥ 2,000 articles/s: {'met' if rate >= 2000 else 'NOT met'} ({rate:,.0f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
