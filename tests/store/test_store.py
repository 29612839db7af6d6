"""The store as a file: export round-trips byte for byte, schema versions, kill -9 during indexing,
the run writer's batches, and the index/export/search commands."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from khabar.cli import main
from khabar.store import StoreError
from khabar.store import open as open_store
from khabar.store import sqlite as store_sqlite
from khabar.store.sqlite import SQLiteStore
from tests.store.conftest import art, corpus

# export round-trips


def test_seed_round_trips_byte_for_byte(seed_records: Path, tmp_path: Path) -> None:
    db, out = tmp_path / "x.db", tmp_path / "b.jsonl"
    assert main(["index", str(seed_records), "--db", str(db), "-q"]) == 0
    assert main(["export", "--db", str(db), "-o", str(out), "-q"]) == 0
    assert out.read_bytes() == seed_records.read_bytes()


def test_saudinewsnet_500_round_trip(saudinewsnet_dir: Path, tmp_path: Path) -> None:
    raw = tmp_path / "snn.jsonl"
    with zipfile.ZipFile(sorted(saudinewsnet_dir.glob("*.zip"))[0]) as z:
        items = json.loads(z.read(z.namelist()[0]))
    raw.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in items[:500]), encoding="utf-8")
    records, db, out = tmp_path / "a.jsonl", tmp_path / "x.db", tmp_path / "b.jsonl"
    assert main(["process", str(raw), "-o", str(records), "-q", "--workers", "2"]) in (0, 1)
    assert main(["index", str(records), "--db", str(db), "-q"]) == 0
    assert main(["export", "--db", str(db), "-o", str(out), "-q"]) == 0
    assert out.read_bytes() == records.read_bytes()
    assert len(out.read_bytes().splitlines()) > 450


def test_export_of_articles_added_through_the_api(tmp_path: Path) -> None:
    s = open_store(str(tmp_path / "x.db"))
    s.add(corpus())
    assert [a.to_json() for a in s.export()] == [a.to_json() for a in corpus()]
    s.close()


def test_sqlite_url(tmp_path: Path) -> None:
    s = open_store(f"sqlite:///{tmp_path / 'u.db'}")
    s.add(corpus()[:1])
    s.close()
    assert (tmp_path / "u.db").exists()


# schema versions


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    open_store(str(path)).close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 99")
    con.close()
    with pytest.raises(StoreError, match="schema version 99 is newer"):
        open_store(str(path))


def test_an_sqlite_file_of_another_application_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.close()
    with pytest.raises(StoreError, match="not a khabar store"):
        open_store(str(path))


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        open_store(str(path))


def test_an_older_schema_is_migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.db"
    s = open_store(str(path))
    s.add(corpus())
    s.close()

    def to_2(con: sqlite3.Connection) -> None:
        con.execute("ALTER TABLE articles ADD COLUMN note TEXT")

    monkeypatch.setitem(store_sqlite.MIGRATIONS, 2, to_2)
    monkeypatch.setattr(store_sqlite, "SCHEMA_VERSION", 2)
    with pytest.raises(StoreError, match="older store schema"):
        SQLiteStore(path, readonly=True)
    s2 = SQLiteStore(path)
    assert s2.con.execute("PRAGMA user_version").fetchone()[0] == 2
    assert "note" in [r[1] for r in s2.con.execute("PRAGMA table_info(articles)")]
    assert s2.stats()["articles"] == len(corpus())
    s2.close()


def test_a_failed_migration_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.db"
    open_store(str(path)).close()

    def broken(con: sqlite3.Connection) -> None:
        con.execute("ALTER TABLE articles ADD COLUMN note TEXT")
        raise RuntimeError("boom")

    monkeypatch.setitem(store_sqlite.MIGRATIONS, 2, broken)
    monkeypatch.setattr(store_sqlite, "SCHEMA_VERSION", 2)
    with pytest.raises(RuntimeError):
        SQLiteStore(path)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "note" not in [r[1] for r in con.execute("PRAGMA table_info(articles)")]


# the run writer


def test_writer_commits_batches_sync_and_abort(tmp_path: Path) -> None:
    s = open_store(str(tmp_path / "x.db"))
    w = s.writer(batch_size=3)  # type: ignore[call-arg]
    arts = [art(f"a{i}", f"نص رقم {i}") for i in range(7)]
    for a in arts[:4]:
        w.write(a)
    reader = open_store(str(tmp_path / "x.db"), readonly=True)
    assert reader.stats()["articles"] == 3  # one batch committed, one article open
    w.sync()
    assert reader.stats()["articles"] == 4
    w.write_record(arts[4].to_dict())
    w.abort()  # drops the open batch only
    assert reader.stats()["articles"] == 4
    w2 = s.writer()
    for a in arts[5:]:
        w2.write(a)
    w2.close()
    assert [a.id for a in reader.export()] == ["a0", "a1", "a2", "a3", "a5", "a6"]
    reader.close()
    s.close()


def test_add_returns_the_count_and_a_bad_record_is_refused(tmp_path: Path) -> None:
    from khabar.record import SchemaError

    s = open_store(str(tmp_path / "x.db"))
    assert s.add(corpus()) == len(corpus())
    w = s.writer()
    with pytest.raises(SchemaError):
        w.write_record({"id": "x", "paragraphs": "not a list"})
    with pytest.raises(SchemaError, match=r"schema 2\.0"):
        w.write_record({"id": "x", "paragraphs": [], "schema": "2.0"})
    w.close()
    s.close()


# kill -9


KILLER = """
import sys
from khabar.record import Article
from khabar.store import open
s = open(sys.argv[1])
w = s.writer(batch_size=50)
i = 0
while True:
    w.write(Article(f"k{i:07d}", [f"نص المقالة رقم {i} عن الرياض"], title=f"عنوان {i}"))
    i += 1
    if i % 50 == 0:
        print(i, flush=True)
"""


def test_kill_9_during_indexing_loses_at_most_the_open_batch(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    open_store(str(path)).close()
    for round in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLER, str(path)], stdout=subprocess.PIPE, text=True, env=os.environ
        )
        assert proc.stdout is not None
        for _ in range(3 + round * 2):
            proc.stdout.readline()
        time.sleep(0.05 * round)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        con = sqlite3.connect(path)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        con.execute("INSERT INTO fts (fts) VALUES ('integrity-check')")
        con.close()
        s = open_store(str(path))
        n = s.stats()["articles"]
        assert n % 50 == 0 and n >= 150  # whole batches only
        assert s.search("الرياض", limit=1).total == n
        s.close()


# the commands


def test_index_search_export_commands(
    seed_records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "x.db")
    assert main(["index", str(seed_records), "--db", db]) == 0
    assert "indexed 1  errors 0" in capsys.readouterr().err
    assert main(["search", "أستانا", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "«استانا»" in out and "ec74a7b5c66db3f0" in out
    assert main(["search", "يسهل", "--db", db, "--json"]) == 0
    hit = json.loads(capsys.readouterr().out)
    s, e = hit["marks"][0]
    assert hit["snippet"][s:e] == "يُسهّل" and hit["para"] == 8 and hit["copies"] == 1
    assert main(["search", "الصين", "--db", db, "--country", "KZ", "--agency", "AFP", "--json"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    assert main(["search", "الصين", "--db", db, "--person", "بوتين", "--json"]) == 0
    assert capsys.readouterr().out == ""


def test_command_usage_errors_exit_2(
    seed_records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "x.db")
    assert main(["search", "x", "--db", db]) == 2
    assert "no such store" in capsys.readouterr().err
    assert not Path(db).exists()  # searching does not create a store
    assert main(["index", str(seed_records), "--db", db, "-q"]) == 0
    assert main(["search", '"أستانا', "--db", db]) == 2
    assert "unbalanced quote" in capsys.readouterr().err
    assert main(["search", "أستانا", "--db", db, "--from", "yesterday"]) == 2
    assert "not an ISO date" in capsys.readouterr().err
    assert main(["export", "--db", db, "-o", str(tmp_path / "out.txt")]) == 2


def test_index_reports_bad_records_and_goes_on(
    seed_records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "mixed.jsonl"
    good = seed_records.read_text(encoding="utf-8")
    bad.write_text(good + "{broken json\n" + '{"id": "x", "paragraphs": "no"}\n', encoding="utf-8")
    db = tmp_path / "x.db"
    assert main(["index", str(bad), str(tmp_path / "missing.jsonl"), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "mixed.jsonl:2: bad record" in err and "missing.jsonl" in err and "errors 3" in err
    errors = [json.loads(x) for x in (tmp_path / "x.errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [e["record"] for e in errors] == [2, 3, None]
    s = open_store(str(db), readonly=True)
    assert s.stats()["articles"] == 1
    s.close()


def test_a_store_indexed_by_another_analysis_is_reindexed(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    s = open_store(str(path))
    s.add(corpus())
    s.close()
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = 'old' WHERE key = 'analysis'")
    con.execute("INSERT INTO fts (fts) VALUES ('delete-all')")  # as if its terms were another analysis's
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="another version of khabar's analysis"):
        open_store(str(path), readonly=True)
    s = open_store(str(path))  # for writing: reindexed from the stored records
    assert [h.id for h in s.search("إبراهيم").hits] == ["hamza"]
    s.add([art("hamza", "نص آخر")])  # the replaced entry's terms are deleted exactly
    assert s.search("إبراهيم").total == 0
    s.con.execute("INSERT INTO fts (fts) VALUES ('integrity-check')")
    s.close()


def test_parquet_in_and_out(seed_records: Path, tmp_path: Path) -> None:
    from khabar.io.records import read_articles
    from khabar.io.writers import open_writer

    parquet = tmp_path / "seed.parquet"
    w = open_writer(str(parquet))
    for a in read_articles(str(seed_records)):
        w.write(a)
    w.close()
    db, out = tmp_path / "x.db", tmp_path / "back.parquet"
    assert main(["index", str(parquet), "--db", str(db), "-q"]) == 0
    assert main(["export", "--db", str(db), "-o", str(out), "-q"]) == 0
    assert list(read_articles(str(out))) == list(read_articles(str(seed_records)))


def test_search_on_a_terminal_highlights_without_markers(
    seed_records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import rich.console

    db = str(tmp_path / "x.db")
    assert main(["index", str(seed_records), "--db", db, "-q"]) == 0
    monkeypatch.setattr(rich.console.Console, "is_terminal", property(lambda self: True))
    assert main(["search", "يسهل", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "يُسهّل" in out and "«" not in out and "\x02" not in out and "\x1b[" in out  # styled, not marked
