"""The incremental dedup index (``khabar dedup --index DIR``, ``dedup_articles(index=...)``).

Batches run one after another against one index give the annotations of one run over all of them;
re-running a batch gives its first result and does not grow the index; two runs at once on one
index lose neither batch; kill -9 at any moment leaves an index the next run reads; a damaged
index is a clear error; the spool file never outlives its run.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import khabar
from khabar.cli import main
from khabar.dedup.config import DedupConfig
from khabar.dedup.features import FeatureBatch, compute_features
from khabar.dedup.index import DedupIndex
from khabar.dedup.run import _doc, dedup, dedup_articles
from khabar.io.base import ReadError
from khabar.io.discover import read_paths
from tests.conftest import SEED_PATH
from tests.dedup.test_dedup import LEAD_IN, UNRELATED, _diacritise

# khabar's CLI in a child process, whatever the venv's script directory is called
_KHABAR = "import sys; from khabar.cli import main; sys.exit(main(sys.argv[1:]))"
Annotation = tuple[str | None, str | None, str | None, float | None]


@pytest.fixture(scope="module")
def corpus() -> list[khabar.Article]:
    """The seed wire story, four copies of it (a new lead-in, diacritised, trimmed, the same) and an
    unrelated article. Batch 1 = [seed, unrelated] comes first; batch 2 copies batch 1."""
    seed_text = SEED_PATH.read_text(encoding="utf-8")
    seed = khabar.refine(seed_text, id="seed", source="afp", published="2025-06-16T08:00:00")
    trimmed = "\n".join(seed.paragraphs[:8])
    return [
        seed,
        khabar.refine(UNRELATED, id="unrelated", source="was", published="2025-06-16T07:00:00"),
        khabar.refine(
            f"{LEAD_IN}\n{seed.text}", id="leadin", source="3alyoum", published="2025-06-16T09:00:00"
        ),
        khabar.refine(
            _diacritise(seed.text), id="diacritised", source="okaz", published="2025-06-16T10:00:00"
        ),
        khabar.refine(trimmed, id="trimmed", source="alriyadh", published="2025-06-16T11:00:00"),
    ]


def _annotations(articles: list[khabar.Article]) -> dict[str, Annotation]:
    return {
        a.id: (
            a.story,
            a.duplicate.of if a.duplicate else None,
            a.duplicate.kind if a.duplicate else None,
            a.duplicate.similarity if a.duplicate else None,
        )
        for a in articles
    }


def _write_records(path: Path, articles: list[khabar.Article]) -> str:
    path.write_text("".join(a.to_json() + "\n" for a in articles), encoding="utf-8")
    return str(path)


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _dedup_cli(*args: str) -> int:
    return main(["dedup", *args, "-q"])


def _indexed_ids(index: Path) -> list[str]:
    with DedupIndex(index, DedupConfig()) as store:
        return store.ids()


# -- 1. batches against one index = one run over all --------------------------------------------


def test_batches_against_one_index_equal_one_run_in_python(
    corpus: list[khabar.Article], tmp_path: Path
) -> None:
    whole = _annotations(dedup_articles(corpus))
    assert whole["diacritised"][1:3] == ("seed", "exact")  # batch 2 holds copies of batch 1
    first = dedup_articles(corpus[:2], index=str(tmp_path / "idx"))
    second = dedup_articles(corpus[2:], index=str(tmp_path / "idx"))
    assert {**_annotations(first), **_annotations(second)} == whole
    assert _indexed_ids(tmp_path / "idx") == [a.id for a in corpus]


def test_batches_against_one_index_equal_one_run_on_the_cli(
    corpus: list[khabar.Article], tmp_path: Path
) -> None:
    b1 = _write_records(tmp_path / "b1.jsonl", corpus[:2])
    b2 = _write_records(tmp_path / "b2.jsonl", corpus[2:])
    idx, whole = str(tmp_path / "idx"), tmp_path / "whole.jsonl"
    assert _dedup_cli(b1, b2, "-o", str(whole)) == 0
    assert _dedup_cli(b1, "-o", str(tmp_path / "o1.jsonl"), "--index", idx) == 0
    report = tmp_path / "r2.json"
    assert _dedup_cli(b2, "-o", str(tmp_path / "o2.jsonl"), "--index", idx, "--report", str(report)) == 0
    # the same records, byte for byte, as one run over both batches
    parts = (tmp_path / "o1.jsonl").read_bytes() + (tmp_path / "o2.jsonl").read_bytes()
    assert parts == whole.read_bytes()
    assert {r["id"]: r["duplicate"]["of"] for r in _records(tmp_path / "o2.jsonl")} == {
        "leadin": "seed",
        "diacritised": "seed",
        "trimmed": "seed",
    }
    assert json.loads(report.read_text(encoding="utf-8"))["indexed_before"] == 2
    assert sorted(p.name for p in Path(idx).iterdir()) == ["index.db"]  # closed cleanly: WAL merged


def _day_records(zip_path: Path, out: Path, limit: int = 600) -> str:
    """The first ``limit`` articles of a SaudiNewsNet day as khabar records (repaired and parsed;
    enrichment is not needed here)."""
    if not zip_path.is_file():
        pytest.skip(f"{zip_path} not found (set KHABAR_SHARED to the shared/ folder)")
    records = (rec for rec in read_paths([str(zip_path)]) if not isinstance(rec, ReadError))  # empty bodies
    with out.open("w", encoding="utf-8") as f:
        for rec in itertools.islice(records, limit):
            a = khabar.refine(rec.text, url=rec.url, source=rec.source, published=rec.published, stages=())
            f.write(a.to_json() + "\n")
    return str(out)


@pytest.fixture(scope="module")
def two_days(saudinewsnet_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    d = tmp_path_factory.mktemp("days")
    return (
        _day_records(saudinewsnet_dir / "2015-08-10.zip", d / "day1.jsonl"),
        _day_records(saudinewsnet_dir / "2015-08-11.zip", d / "day2.jsonl"),
    )


def test_saudinewsnet_daily_batches_and_rerun(two_days: tuple[str, str], tmp_path: Path) -> None:
    day1, day2 = two_days
    idx, whole, o2 = str(tmp_path / "idx"), tmp_path / "whole.jsonl", tmp_path / "o2.jsonl"
    assert _dedup_cli(day1, day2, "-o", str(whole)) == 0
    assert _dedup_cli(day1, "-o", str(tmp_path / "o1.jsonl"), "--index", idx) == 0
    assert _dedup_cli(day2, "-o", str(o2), "--index", idx) == 0
    day1_ids = {r["id"] for r in _records(tmp_path / "o1.jsonl")}
    second = _records(o2)
    # day 2's records are exactly those of one run over both days
    assert o2.read_bytes() == b"".join(whole.read_bytes().splitlines(keepends=True)[len(day1_ids) :])
    cross = [r for r in second if r["duplicate"] and r["duplicate"]["of"] in day1_ids]
    assert len(cross) >= 10, "day 2 reprints day 1 stories: found only against the index"
    # re-running day 2: the same output, nothing a copy of itself, the index does not grow
    n_indexed = len(_indexed_ids(Path(idx)))
    assert n_indexed == len(day1_ids) + len(second)
    rerun = tmp_path / "rerun.jsonl"
    assert _dedup_cli(day2, "-o", str(rerun), "--index", idx) == 0
    assert rerun.read_bytes() == o2.read_bytes()
    assert not [r for r in _records(rerun) if r["duplicate"] and r["duplicate"]["of"] == r["id"]]
    assert len(_indexed_ids(Path(idx))) == n_indexed


# -- 2. idempotence and replacement ---------------------------------------------------------------


def test_rerun_gives_the_first_result_and_does_not_grow_the_index(
    corpus: list[khabar.Article], tmp_path: Path
) -> None:
    src = _write_records(tmp_path / "batch.jsonl", corpus)
    idx = str(tmp_path / "idx")
    first, again = tmp_path / "first.jsonl", tmp_path / "again.jsonl"
    assert _dedup_cli(src, "-o", str(first), "--index", idx) == 0
    assert _dedup_cli(src, "-o", str(again), "--index", idx) == 0
    assert again.read_bytes() == first.read_bytes()
    assert not [r for r in _records(again) if r["duplicate"] and r["duplicate"]["of"] == r["id"]]
    assert len(_indexed_ids(Path(idx))) == len(corpus)
    canon, canon_again = tmp_path / "canon.jsonl", tmp_path / "canon-again.jsonl"
    assert _dedup_cli(src, "-o", str(canon), "--drop-duplicates") == 0
    assert _dedup_cli(src, "-o", str(canon_again), "--drop-duplicates", "--index", idx) == 0
    assert [r["id"] for r in _records(canon_again)] == ["seed", "unrelated"]
    assert canon_again.read_bytes() == canon.read_bytes()


def test_an_earlier_batch_rerun_after_a_later_one_gets_the_whole_result(
    corpus: list[khabar.Article], tmp_path: Path
) -> None:
    # batch 2 first this time: its lead-in copy is canonical until the seed arrives
    idx = str(tmp_path / "idx")
    dedup_articles(corpus[2:], index=idx)
    dedup_articles(corpus[:2], index=idx)
    whole = _annotations(dedup_articles(corpus))
    assert _annotations(dedup_articles(corpus[2:], index=idx)) == {
        k: whole[k] for k in whole if k in _ids(corpus[2:])
    }
    assert len(_indexed_ids(Path(idx))) == len(corpus)


def _ids(articles: list[khabar.Article]) -> set[str]:
    return {a.id for a in articles}


def test_same_id_with_changed_content_replaces_the_indexed_entry(
    corpus: list[khabar.Article], tmp_path: Path
) -> None:
    """An upsert: the article's newer version is the one indexed (a correction at the same URL)."""
    seed, unrelated = corpus[0], corpus[1]
    idx = str(tmp_path / "idx")
    dedup_articles([seed], index=idx)
    corrected = khabar.refine(UNRELATED, id="seed", source="afp", published="2025-06-16T08:00:00")
    (out,) = dedup_articles([corrected], index=idx)
    assert out.duplicate is None  # not a copy of its own older version
    assert _indexed_ids(Path(idx)) == ["seed"]
    # the old text is gone from the index, the new one is there
    copy_of_old = khabar.refine(seed.text, id="copy-old", published="2025-06-17T08:00:00")
    copy_of_new = khabar.refine(unrelated.text, id="copy-new", published="2025-06-17T08:00:00")
    old, new = dedup_articles([copy_of_old, copy_of_new], index=idx)
    assert old.duplicate is None and old.story == "copy-old"
    assert new.duplicate is not None and (new.duplicate.of, new.duplicate.kind) == ("seed", "exact")


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    runs=st.lists(st.lists(st.integers(0, 4), min_size=1, max_size=5, unique=True), min_size=1, max_size=5)
)
def test_any_sequence_of_batches_equals_one_run_over_all_seen(
    corpus: list[khabar.Article], runs: list[list[int]]
) -> None:
    """Whatever batches arrive, in whatever order and however often: each run's annotations are
    those of one run over every article seen so far, and the index holds each article once."""
    with tempfile.TemporaryDirectory(prefix="khabar-test-index-") as d:
        seen: dict[str, khabar.Article] = {}
        for batch_at in runs:
            batch = [corpus[i] for i in batch_at]
            seen.update((a.id, a) for a in batch)
            got = _annotations(dedup_articles(batch, index=d))
            whole = _annotations(dedup_articles(list(seen.values())))
            assert got == {a.id: whole[a.id] for a in batch}
            assert all(of != own for own, (_, of, _, _) in got.items())
        assert sorted(_indexed_ids(Path(d))) == sorted(seen)


def test_old_format_index_is_read(corpus: list[khabar.Article], tmp_path: Path) -> None:
    """Version 1 (index.json + segments/*.npz) is read once into index.db; its files stay as they are."""
    config = DedupConfig()
    idx = tmp_path / "idx"
    (idx / "segments").mkdir(parents=True)
    FeatureBatch.save(
        compute_features([_doc(a.to_dict()) for a in corpus[:2]], config), idx / "segments" / "000001.npz"
    )
    from dataclasses import asdict

    meta = {"version": 1, "config": asdict(config), "segments": ["000001.npz"]}
    (idx / "index.json").write_text(json.dumps(meta), encoding="utf-8")
    second = dedup_articles(corpus[2:], index=str(idx))
    assert {a.id: a.story for a in second} == {"leadin": "seed", "diacritised": "seed", "trimmed": "seed"}
    assert _indexed_ids(idx) == [a.id for a in corpus]
    assert (idx / "index.json").read_text(encoding="utf-8") == json.dumps(meta)


# -- 2. damaged, foreign and mismatched indexes: a clear error (exit 2), no traceback ------------


def _real_index(corpus: list[khabar.Article], idx: Path) -> Path:
    dedup_articles(corpus, index=str(idx))
    return idx / "index.db"


def _garbage(corpus: list[khabar.Article], idx: Path) -> None:
    idx.mkdir()
    (idx / "index.db").write_bytes(b"not a database at all\n" * 200)


def _truncated(corpus: list[khabar.Article], idx: Path) -> None:
    db = _real_index(corpus, idx)
    db.write_bytes(db.read_bytes()[:4096])  # the first page only: the tables' pages are gone


def _damaged_row(corpus: list[khabar.Article], idx: Path) -> None:
    db = _real_index(corpus, idx)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET signature = x'0102' WHERE id = 'trimmed'")
    conn.close()


def _foreign_sqlite(corpus: list[khabar.Article], idx: Path) -> None:
    idx.mkdir()
    with sqlite3.connect(idx / "index.db") as conn:
        conn.execute("CREATE TABLE notes (x)")
    conn.close()


def _junk_directory(corpus: list[khabar.Article], idx: Path) -> None:
    idx.mkdir()
    (idx / "notes.txt").write_text("my notes", encoding="utf-8")


def _a_file(corpus: list[khabar.Article], idx: Path) -> None:
    idx.write_text("not a directory", encoding="utf-8")


def _old_format_damaged(corpus: list[khabar.Article], idx: Path) -> None:
    idx.mkdir()
    (idx / "index.json").write_text('{"version": 1, "segm', encoding="utf-8")


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_garbage, "file is not a database"),
        (_truncated, "malformed"),
        (_damaged_row, "the features of article 'trimmed' are damaged"),
        (_foreign_sqlite, "is not a khabar dedup index"),
        (_junk_directory, "is not a khabar dedup index (it holds 'notes.txt'"),
        (_a_file, "is not a directory"),
        (_old_format_damaged, "index.json cannot be read"),
    ],
    ids=["garbage", "truncated", "damaged-row", "foreign-sqlite", "junk-dir", "a-file", "old-format-damaged"],
)
def test_unusable_index_is_a_clear_error(
    corpus: list[khabar.Article],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[list[khabar.Article], Path], None],
    says: str,
) -> None:
    idx = tmp_path / "idx"
    make(corpus, idx)
    before = {p.name: p.read_bytes() for p in idx.iterdir()} if idx.is_dir() else idx.read_bytes()
    src = _write_records(tmp_path / "b.jsonl", corpus[:2])  # the damaged row is not one it replaces
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        _dedup_cli(src, "-o", str(tmp_path / "o.jsonl"), "--index", str(idx))
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert says in err and str(idx) in err and "Traceback" not in err
    after = {p.name: p.read_bytes() for p in idx.iterdir()} if idx.is_dir() else idx.read_bytes()
    assert after == before  # an unusable index is left as it was


def test_index_built_with_other_settings_is_refused(
    corpus: list[khabar.Article], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _write_records(tmp_path / "b.jsonl", corpus)
    idx = str(tmp_path / "idx")
    assert _dedup_cli(src, "-o", str(tmp_path / "o.jsonl"), "--index", idx) == 0
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        _dedup_cli(src, "-o", str(tmp_path / "o2.jsonl"), "--index", idx, "--ngram", "4")
    assert exit_.value.code == 2
    assert "built with other settings (ngram=5 here, 4 asked)" in capsys.readouterr().err


def test_a_failed_run_leaves_the_index_unchanged_and_unlocked(
    corpus: list[khabar.Article], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    idx = str(tmp_path / "idx")
    dedup_articles(corpus[:2], index=idx)
    spool_dir = tmp_path / "tmp"
    spool_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_dir))
    gz = tmp_path / "b2.jsonl.gz"  # compressed records go through the spool
    import gzip

    gz.write_bytes(gzip.compress("".join(a.to_json() + "\n" for a in corpus[2:]).encode()))
    (tmp_path / "a-directory").mkdir()
    with pytest.raises(IsADirectoryError):  # the output cannot be opened: after the map, inside the lock
        dedup([str(gz)], str(tmp_path / "a-directory"), index=idx)
    assert list(spool_dir.iterdir()) == []
    with DedupIndex(idx, DedupConfig(), lock_timeout=0) as store:
        assert len(store.begin()) == 2  # not locked, and batch 2 not added


# -- 2. two runs at once --------------------------------------------------------------------------


def _start(args: list[str], tmp: Path, name: str) -> subprocess.Popen[bytes]:
    """``khabar dedup ARGS`` in a child process whose temporary files go to ``tmp``; its stderr
    goes to NAME.err beside ``tmp``."""
    tmp.mkdir(exist_ok=True)
    with (tmp.parent / f"{name}.err").open("wb") as err:
        return subprocess.Popen(
            [sys.executable, "-c", _KHABAR, "dedup", *args, "-q"],
            env={**os.environ, "TMPDIR": str(tmp)},
            stdout=subprocess.DEVNULL,
            stderr=err,
        )


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0, poll: float = 0.01) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(poll)


def test_two_runs_at_once_lose_neither_batch(corpus: list[khabar.Article], tmp_path: Path) -> None:
    a = _write_records(tmp_path / "a.jsonl", corpus[:2])
    b = _write_records(tmp_path / "b.jsonl", corpus[2:])
    whole = _annotations(dedup_articles(corpus))
    idx = tmp_path / "idx"
    # Hold the index's lock while both runs start, so that both are surely waiting for it at once;
    # then let them race for it.
    holder = DedupIndex(idx, DedupConfig())
    holder.begin()
    runs = {
        name: _start([src, "-o", str(tmp_path / f"{name}.jsonl"), "--index", str(idx), "--report",
                      str(tmp_path / f"{name}.json")], tmp_path / "tmp", name)
        for name, src in (("a", a), ("b", b))
    }  # fmt: skip
    for name, proc in runs.items():
        err = tmp_path / f"{name}.err"
        _wait_for(
            lambda err=err, proc=proc: b"waiting" in err.read_bytes() or proc.poll() is not None, "a run"
        )
        assert proc.poll() is None, err.read_text(encoding="utf-8")
    holder.close()
    for proc in runs.values():
        assert proc.wait(timeout=60) == 0
    before = {
        n: json.loads((tmp_path / f"{n}.json").read_text(encoding="utf-8"))["indexed_before"] for n in runs
    }
    later = max(before, key=lambda n: before[n])
    earlier = "b" if later == "a" else "a"
    assert before == {earlier: 0, later: 2 if earlier == "a" else 3}  # the later run saw the earlier's batch
    got = {r["id"]: r for r in _records(tmp_path / f"{later}.jsonl")}
    assert {k: (r["story"], (r["duplicate"] or {}).get("of")) for k, r in got.items()} == {
        k: whole[k][:2] for k in got
    }
    assert sorted(_indexed_ids(idx)) == sorted(a.id for a in corpus)


# -- 2 and 9. kill -9 at any moment, and the spool ------------------------------------------------


def _synthetic_records(path: Path, n: int, start: int, seed_article: khabar.Article) -> str:
    """``n`` records built from the seed's, LEAD_IN's and UNRELATED's paragraphs (many share
    sentences, so there are exact, near and contained copies), numbered from ``start``."""
    pool = [*seed_article.paragraphs, *LEAD_IN.split("\n"), *UNRELATED.split("\n")]
    rng = random.Random(start)
    with path.open("w", encoding="utf-8") as f:
        for k in range(start, start + n):
            paras = rng.sample(pool, rng.randint(2, 5))
            if k % 3:
                paras = [f"{p} رقم {k}" for p in paras]
            rec = {
                "schema": seed_article.schema,
                "id": f"a{k:05d}",
                "paragraphs": paras,
                "published": f"2025-06-{1 + k % 28:02d}T08:00:00",
                "source": f"s{k % 5}",
            }
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return str(path)


def _wal_bytes(idx: Path) -> int:
    wal = idx / "index.db-wal"
    try:
        return wal.stat().st_size
    except FileNotFoundError:
        return 0


def _open_in(pid: int, folder: Path) -> bool:
    """Whether process ``pid`` has a file of ``folder`` open (named or already unlinked)."""
    try:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return False
    return any(link.startswith(str(folder)) for link in links)


def _has_open(pid: int, path: Path) -> bool:
    return _open_in(pid, path) if path.exists() else False


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to follow the run's progress")
def test_kill_9_at_any_moment_leaves_an_index_the_next_run_reads(
    corpus: list[khabar.Article], tmp_path: Path
) -> None:
    seed = corpus[0]
    b1 = _synthetic_records(tmp_path / "b1.jsonl", 120, 0, seed)
    b2 = _synthetic_records(tmp_path / "b2.jsonl", 160, 120, seed)
    ids1 = [r["id"] for r in _records(Path(b1))]
    ids2 = [r["id"] for r in _records(Path(b2))]
    golden = tmp_path / "after-b1"
    assert _dedup_cli(b1, "-o", str(tmp_path / "o1.jsonl"), "--index", str(golden)) == 0
    shutil.copytree(golden, tmp_path / "ref")
    ref = tmp_path / "ref.jsonl"  # the uninterrupted run of batch 2
    assert _dedup_cli(b2, "-o", str(ref), "--index", str(tmp_path / "ref")) == 0
    assert any(r["duplicate"] and r["duplicate"]["of"] in ids1 for r in _records(ref))

    # Kill points by the run's progress, not by the clock: the index open (the map ahead), the
    # output open (pass 2, inside the index's transaction), the commit writing the log.
    tmp = tmp_path / "tmp"
    points: dict[str, Callable[[int, Path, Path], bool]] = {
        "map": lambda pid, idx, out: _has_open(pid, idx / "index.db"),
        "write": lambda pid, idx, out: _has_open(pid, out),
        "commit": lambda pid, idx, out: _wal_bytes(idx) > 0,
    }
    outcomes = {}
    for point, reached in points.items():
        idx, killed = tmp_path / f"idx-{point}", tmp_path / f"killed-{point}.jsonl"
        shutil.copytree(golden, idx)
        proc = _start([b2, "-o", str(killed), "--index", str(idx)], tmp, "k")
        _wait_for(
            lambda r=reached, p=proc, i=idx, k=killed: r(p.pid, i, k) or p.poll() is not None, point, poll=0
        )
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert not [p.name for p in tmp.iterdir() if p.name.startswith("khabar-dedup-")]
        # all or nothing: the index holds batch 1, or batches 1 and 2
        indexed = _indexed_ids(idx)
        assert indexed in (ids1, ids1 + ids2), f"kill at the {point}: {len(indexed)} ids"
        outcomes[point] = (proc.returncode, len(indexed))
        out = tmp_path / f"out-{point}.jsonl"
        assert _dedup_cli(b2, "-o", str(out), "--index", str(idx)) == 0
        assert out.read_bytes() == ref.read_bytes(), f"kill at the {point}"
        assert _indexed_ids(idx) == ids1 + ids2
    # The first kill lands before the commit (so the next run had the batch to add). The later
    # ones are races with a short phase: on a busy machine the run may have got past it (or ended).
    assert outcomes["map"] == (-signal.SIGKILL, len(ids1)), outcomes
    for point in ("write", "commit"):
        assert outcomes[point] in [
            (-signal.SIGKILL, len(ids1)),
            (-signal.SIGKILL, len(ids1 + ids2)),
            (0, len(ids1 + ids2)),
        ], outcomes


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see the spool open")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL, signal.SIGINT], ids=["TERM", "KILL", "INT"])
def test_spool_is_gone_whatever_ends_the_run(
    corpus: list[khabar.Article], tmp_path: Path, sig: signal.Signals
) -> None:
    import gzip

    src = _synthetic_records(tmp_path / "b.jsonl", 4000, 0, corpus[0])  # long enough to interrupt under load
    gz = tmp_path / "b.jsonl.gz"  # compressed records are spooled for pass 2
    gz.write_bytes(gzip.compress(Path(src).read_bytes()))
    tmp = tmp_path / "tmp"
    proc = _start([str(gz), "-o", str(tmp_path / "o.jsonl"), "--index", str(tmp_path / "idx")], tmp, "s")
    _wait_for(lambda: _open_in(proc.pid, tmp) or proc.poll() is not None, "the spool")
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(sig)
    proc.wait(timeout=30)
    assert list(tmp.iterdir()) == []
    assert _indexed_ids(tmp_path / "idx") == []  # and the index reads, empty


def test_index_features_round_trip(corpus: list[khabar.Article], tmp_path: Path) -> None:
    """What the index gives back is what was put in, array for array."""
    config = DedupConfig(num_perm=32, bands=8)
    batch = compute_features([_doc(a.to_dict()) for a in corpus], config)
    with DedupIndex(tmp_path / "idx", config) as store:
        store.add(batch)
    with DedupIndex(tmp_path / "idx", config) as store:
        back = store.load()
    for name in ("ids", "sources", "published"):
        assert getattr(back, name) == getattr(batch, name)
    for name in ("lengths", "key_hash", "url_hash", "shingle_offsets", "shingle_values", "sentence_offsets",
                 "sentence_values", "signatures"):  # fmt: skip
        got, want = getattr(back, name), getattr(batch, name)
        assert got.dtype == want.dtype and np.array_equal(got, want), name
